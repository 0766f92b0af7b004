"""Export what you see: retrieval, the heatmap and the agreement screen write with `x` what the
command line writes for the same options — same file name, same content — into exports/ beside the
project, private, all or nothing, in a worker. ctrl+e writes there too. Retrieval marks memos ✎."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from helpers.tui import settle
from qualcode.cli import main
from qualcode.codebook.codes import get_code
from qualcode.interchange.exporters.view_exports import VIEW_FORMATS
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.export_view import ExportDialog
from qualcode.tui.screens.retrieval import RetrievalScreen, SegmentList

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


def cli(project: Path, out: Path, *args: str) -> None:
    out.mkdir(exist_ok=True)
    r = CliRunner().invoke(main, ["-p", str(project), *args, "-o", f"{out}/"])
    assert r.exit_code == 0, r.output


def exported(project: Path) -> dict[str, Path]:
    folder = project.parent / "exports"
    return {p.name: p for p in folder.iterdir()} if folder.exists() else {}


async def export(pilot, view: str, fmt: str) -> None:
    """x, then the format in the dialog (by its place in the list), then wait for the worker."""
    await pilot.press("x")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportDialog)
    keys = [f.key for f in VIEW_FORMATS[view]]
    await pilot.press(*["down"] * keys.index(fmt), "enter")
    await settle(pilot)


def private(path: Path) -> bool:
    return stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def open_retrieval(app: QualcodeApp, pilot, code: str = "Barriers/Stigma") -> RetrievalScreen:
    app.query_one("#codes").select_code(get_code(app.project, code).id)
    await pilot.pause()
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert isinstance(app.screen, RetrievalScreen)
    return app.screen


async def test_retrieval_exports_as_export_tidy_and_report_quotes(demo_copy, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working folder is not where exports go
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_retrieval(app, pilot)
        await pilot.press("k")  # coder: anna
        assert screen.coder == "anna"
        await export(pilot, "retrieval", "csv")
        await export(pilot, "retrieval", "sav")
        await pilot.press("c")  # children excluded
        await export(pilot, "retrieval", "dta")
        await export(pilot, "retrieval", "md")
    files = exported(demo_copy)
    stem = "codings_tidy_coder_anna_code_barriers_stigma"
    assert {f"{stem}.csv", f"{stem}.sav", f"{stem}_no_children.dta", "quotes_barriers_stigma_coder_anna.md"} <= set(
        files
    )
    assert (
        not (elsewhere / "exports").exists()
        and exported(demo_copy)[f"{stem}.csv"].parent == demo_copy.parent / "exports"
    )
    assert all(private(p) for p in files.values())
    assert not [n for n in files if n.startswith(".")]  # no staging folder left behind

    out = tmp_path / "cli"
    cli(demo_copy, out, "export", "tidy", "--code", "Barriers/Stigma", "--coder", "anna", "--format", "csv")
    cli(demo_copy, out, "export", "tidy", "--code", "Barriers/Stigma", "--coder", "anna", "--format", "sav")
    cli(demo_copy, out, "export", "tidy", "--code", "Barriers/Stigma", "--coder", "anna", "--no-children")
    mine = pd.read_csv(files[f"{stem}.csv"])
    assert len(mine) == len(screen.rows) > 0
    pd.testing.assert_frame_equal(mine, pd.read_csv(out / f"{stem}.csv"))
    tui_sav, _ = pyreadstat.read_sav(files[f"{stem}.sav"])
    cli_sav, _ = pyreadstat.read_sav(out / f"{stem}.sav")
    pd.testing.assert_frame_equal(tui_sav, cli_sav)
    tui_dta = pd.read_stata(files[f"{stem}_no_children.dta"])
    cli_dta = pd.read_csv(out / f"{stem}_no_children.csv")
    assert list(tui_dta["start"]) == list(cli_dta["start"]) and set(cli_dta["code"]) == {"Barriers/Stigma"}
    # the dictionary records the command it stands for
    dictionary = pd.read_csv(files[f"{stem}_dictionary.csv"])
    # (written last by the .sav export, whose dictionary it is too)
    assert "qualcode export tidy --code=Barriers/Stigma --coder=anna --format=sav" in dictionary["definition"][0]
    r = CliRunner().invoke(
        main,
        [
            "-p",
            str(demo_copy),
            "report",
            "quotes",
            "--code",
            "Barriers/Stigma",
            "--coder",
            "anna",
            "-o",
            str(out / "q.md"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert files["quotes_barriers_stigma_coder_anna.md"].read_text() == (out / "q.md").read_text()


async def test_heatmap_exports_as_cooccurrence_and_plot(demo_copy, tmp_path):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("u")  # unit: sentence
        await settle(pilot)
        await export(pilot, "cooccurrence", "csv")
        await export(pilot, "cooccurrence", "dta")
        await export(pilot, "cooccurrence", "svg")
        await pilot.press("p")  # pooled
        await settle(pilot)
        await export(pilot, "cooccurrence", "xlsx")
    files = exported(demo_copy)
    stem = "cooccurrence_sentence_count_anna"
    assert {f"{stem}.csv", f"{stem}.dta", f"{stem}.svg", "cooccurrence_sentence_count_pooled_anna_bo.xlsx"} <= set(
        files
    )
    assert all(private(p) for p in files.values())
    out = tmp_path / "cli"
    for fmt in ("csv", "dta"):
        cli(demo_copy, out, "-c", "anna", "cooccurrence", "--unit", "sentence", "--format", fmt)
    cli(demo_copy, out, "cooccurrence", "--unit", "sentence", "--pool", "--format", "xlsx")
    pd.testing.assert_frame_equal(
        pd.read_csv(files[f"{stem}.csv"], index_col=0), pd.read_csv(out / f"{stem}.csv", index_col=0)
    )
    pd.testing.assert_frame_equal(pd.read_stata(files[f"{stem}.dta"]), pd.read_stata(out / f"{stem}.dta"))
    tui_x = pd.read_excel(files["cooccurrence_sentence_count_pooled_anna_bo.xlsx"], sheet_name=0)
    cli_x = pd.read_excel(out / "cooccurrence_sentence_count_pooled_anna_bo.xlsx", sheet_name=0)
    pd.testing.assert_frame_equal(tui_x, cli_x)
    assert files[f"{stem}.svg"].read_text().lstrip().startswith("<?xml")


async def test_agreement_exports_as_agreement_format(demo_copy, tmp_path):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+w")
        await settle(pilot)
        await export(pilot, "agreement", "csv")
        await export(pilot, "agreement", "xlsx")
        await export(pilot, "agreement", "html")
    files = exported(demo_copy)
    out = tmp_path / "cli"
    cli(demo_copy, out, "agreement", "--coders", "anna,bo", "--unit", "sentence", "--format", "csv")
    cli(demo_copy, out, "agreement", "--coders", "anna,bo", "--unit", "sentence", "--format", "xlsx")
    theirs = {p.name for p in out.iterdir()}
    csvs = sorted(n for n in theirs if n.endswith(".csv") and "dictionary" not in n)
    assert any("disagreements" in n for n in csvs)
    for name in csvs:  # per code, per document, the disagreements
        pd.testing.assert_frame_equal(pd.read_csv(files[name]), pd.read_csv(out / name))
    mine = pd.read_excel(files["agreement_anna_bo_sentence.xlsx"], sheet_name=None)
    cli_x = pd.read_excel(out / "agreement_anna_bo_sentence.xlsx", sheet_name=None)
    assert set(mine) == set(cli_x)
    for sheet in mine:
        if sheet != "dictionary":  # (its provenance rows carry the time)
            pd.testing.assert_frame_equal(mine[sheet], cli_x[sheet])
    report = files["agreement_anna_bo_sentence.html"]
    assert private(report) and "Reliability report" in report.read_text()


async def test_a_failed_export_leaves_no_file(demo_copy, monkeypatch):
    import qualcode.interchange.exporters.datapackage as datapackage

    def full_disk(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datapackage, "write_datapackage", full_disk)  # the last of the CSV export's files
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await open_retrieval(app, pilot)
        await export(pilot, "retrieval", "csv")
        assert any("nothing written" in n.message for n in app._notifications)
    assert exported(demo_copy) == {}


async def test_ctrl_e_offers_the_formats_and_writes_beside_the_project(demo_copy, tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("down", "down", "down", "down", "enter")  # sav
        await settle(pilot)
    files = exported(demo_copy)
    assert private(files["codings_tidy.sav"])
    frame, _ = pyreadstat.read_sav(files["codings_tidy.sav"])
    out = tmp_path / "cli"
    cli(demo_copy, out, "export", "tidy", "--format", "sav")
    pd.testing.assert_frame_equal(frame, pyreadstat.read_sav(out / "codings_tidy.sav")[0])


async def test_retrieval_marks_memos_and_shows_the_highlighted_one(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_retrieval(app, pilot)
        segments = screen.query_one(SegmentList)
        rows = screen.rows
        memo = app.project.db.execute("SELECT id, memo FROM codings WHERE COALESCE(memo, '') != ''").fetchall()
        with_memo = dict(memo)
        marked = [k for k in range(len(rows)) if "✎" in segments.render_item(k, 100)[0].plain]
        assert marked and marked == [k for k in range(len(rows)) if rows[k]["id"] in with_memo]
        without = next(k for k in range(len(rows)) if k not in marked)
        segments.highlighted = marked[0]
        await pilot.pause()
        panel = screen.query_one("#ret-memo")
        assert panel.display and with_memo[rows[marked[0]]["id"]].splitlines()[0] in str(panel.render())
        segments.highlighted = without
        await pilot.pause()
        assert not panel.display
