"""A day in the life of a coder, through the keyboard, asserting the project file after each step.

Import two transcripts with their attributes; code by every unit, by hotkey, picker, in vivo and
find; resize the right one of two overlapping codings; write memos; switch coder; edit an
attribute and undo it; compare; adjudicate; export from three views; browse the memos; quit.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from helpers.tui import settle
from qualcode.codebook.tree import import_codebook
from qualcode.codebook.yaml_format import load
from qualcode.interchange.exporters.view_exports import VIEW_FORMATS
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.agreement import AgreementScreen
from qualcode.tui.screens.cases import CasesScreen
from qualcode.tui.screens.export_view import ExportDialog
from qualcode.tui.screens.matrix import MatrixScreen
from qualcode.tui.screens.memo_browser import MemoBrowserScreen
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.screens.transfer import TransferScreen

pytestmark = pytest.mark.anyio
STUDY = Path(__file__).parents[3] / "qualcode" / "demo_study"
DOCS = ("da_int01_vesterbro_bruger", "en_int05_nordvest_user")


def q(path: Path, sql: str, *params) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = con.execute(sql, params).fetchall()
    con.close()
    return rows


def codings(path: Path, coder: str, code: str) -> list[tuple[int, int]]:
    return q(
        path,
        "SELECT c.start, c.[end] FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders o ON o.id = c.coder_id "
        "WHERE o.name = ? AND k.name = ? ORDER BY c.start, c.[end]",
        coder,
        code,
    )


@pytest.fixture()
def fresh(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An empty project with the study's codebook; two transcripts and their attributes to import."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for name in DOCS:
        shutil.copy(STUDY / "corpus" / f"{name}.txt", incoming)
    rows = (STUDY / "corpus" / "attributes.csv").read_text(encoding="utf-8").splitlines()
    attributes = tmp_path / "attributes.csv"
    attributes.write_text("\n".join([rows[0], *(r for r in rows if r.split(",")[0] in DOCS)]) + "\n", encoding="utf-8")
    project = Project.create(tmp_path / "day.db", coder="anna")
    import_codebook(project, load(STUDY / "study.yaml"))
    project.close()
    return tmp_path / "day.db", incoming, attributes


async def export(pilot, view: str, fmt: str) -> None:
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportDialog)
    keys = [f.key for f in VIEW_FORMATS[view]]
    await pilot.press(*["down"] * keys.index(fmt), "enter")
    await settle(pilot)


async def test_a_day_of_coding(fresh):
    path, incoming, attributes = fresh
    app = QualcodeApp(path, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        t = app.transcript
        assert "No documents yet" in t.placeholder

        # 1. import from the workbench: the files, their language and their attributes, all or nothing
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TransferScreen)
        await pilot.press(*str(incoming))
        screen.query_one("#transfer-language", Input).value = "auto"
        screen.query_one("#transfer-attributes", Input).value = str(attributes)
        screen.query_one("#transfer-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert q(path, "SELECT name, kind, language FROM documents ORDER BY name") == [
            (DOCS[0], "interview", "da"),
            (DOCS[1], "interview", "en"),
        ]
        assert q(
            path,
            "SELECT v.value FROM document_attributes v JOIN attributes a ON a.id = v.attribute_id "
            "JOIN documents d ON d.id = v.document_id WHERE a.name = 'site' ORDER BY d.name",
        ) == [("Vesterbro",), ("Nordvest",)]
        assert app.doc is not None and app.doc["name"] == DOCS[0]

        # 2. two overlapping codings; the keys act on the current one, whatever a resize does
        sentences = t.units("sentence")
        s1 = (sentences.starts[0], sentences.ends[0])
        await pilot.press("2", "s")  # Stigma on the first sentence
        await pilot.press("2", "n")  # Not welcome on the first two
        await pilot.press("escape")
        assert codings(path, "anna", "Stigma") == [s1]
        assert codings(path, "anna", "Not welcome") == [(s1[0], sentences.ends[1])]
        await pilot.press("equals_sign")  # current: Not welcome (the innermost was Stigma)
        assert t.my_coding_at_cursor().code_id == next(c.id for c in app.codes if c.name == "Not welcome")
        await pilot.press("right_square_bracket", "right_square_bracket", "left_square_bracket")
        assert codings(path, "anna", "Not welcome") == [(s1[0], sentences.ends[2])]
        assert codings(path, "anna", "Stigma") == [s1]  # untouched however the innermost changed

        # 3. a memo on the current coding, one on the document
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"moving target", "ctrl+s")
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press(*"first pass", "ctrl+s")
        await settle(pilot)
        assert t.my_coding_at_cursor().memo  # marked ✎ at once (gutter and panel)
        assert "✎" in str(app.query_one("#at-cursor").render())
        memos = q(path, "SELECT memo FROM codings WHERE memo IS NOT NULL") + q(path, "SELECT text FROM memos")
        assert ("moving target",) in memos and ("first pass",) in memos

        # 4. every other unit and way: next uncoded sentence + hotkey, turn + picker, paragraph, word in vivo, find
        await pilot.press("alt+down")
        uncoded = t.selection
        assert uncoded[0] >= sentences.ends[2]
        await pilot.press("h", "escape")
        assert uncoded in codings(path, "anna", "Help sought")
        await pilot.press("3", "slash", *"Peer supp", "enter")
        await settle(pilot)
        turn = t.selection
        assert turn in codings(path, "anna", "Peer support")
        await pilot.press("escape", "4", "k", "escape")
        assert len(codings(path, "anna", "Contact person")) == 1
        await pilot.press("ctrl+l", *"metadon", "enter", "escape")
        match = t.selection
        assert t.text[match[0] : match[1]].lower() == "metadon"
        await pilot.press("r")  # the found words, coded with a hotkey
        assert match in codings(path, "anna", "Rules")
        await pilot.press("escape", "1", '"')
        await settle(pilot)
        word = t.selection
        await pilot.press("home", *"In vivo/", "enter")
        await settle(pilot)
        assert q(path, "SELECT k.name FROM codes k JOIN codes p ON p.id = k.parent_id WHERE p.name = 'In vivo'") == [
            (t.text[word[0] : word[1]],)
        ]

        # 5. another coder codes the first passage differently (a new coder is confirmed first)
        await pilot.press("ctrl+u", "b", "o", "enter")
        await settle(pilot)
        assert app.project.coder == "anna"  # asked, not yet added
        await pilot.press("enter")  # "Add coder"
        await settle(pilot)
        assert app.project.coder == "bo"
        await pilot.press("ctrl+home", "2", "2", "s", "escape")
        assert codings(path, "bo", "Stigma") == [(s1[0], sentences.ends[1])]
        await pilot.press("ctrl+u", "a", "n", "n", "a", "enter")
        await settle(pilot)
        assert app.project.coder == "anna"

        # 6. cases: edit an attribute, undo it, redo it
        await pilot.press("ctrl+s")
        await settle(pilot)
        sheet = app.screen
        assert isinstance(sheet, CasesScreen)
        row = [d["name"] for d in sheet.shown].index(DOCS[0])
        col = [f for f, _ in sheet.columns()].index("site")
        sheet.query_one(DataTable).move_cursor(row=row, column=col, animate=False)
        await pilot.press("enter")
        await settle(pilot)
        app.focused.value = ""
        await pilot.press(*"Amager", "enter")
        await settle(pilot)
        site = (
            "SELECT v.value FROM document_attributes v JOIN attributes a ON a.id = v.attribute_id "
            "JOIN documents d ON d.id = v.document_id WHERE a.name = 'site' AND d.name = ?"
        )
        assert q(path, site, DOCS[0]) == [("Amager",)]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert q(path, site, DOCS[0]) == [("Vesterbro",)]
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert q(path, site, DOCS[0]) == [("Amager",)]
        await pilot.press("escape")
        await settle(pilot)

        # 7. compare with bo in the transcript: differences marked
        await pilot.press("ctrl+d", "ctrl+d")
        assert app.view == "compare" and t.compare == ("anna", "bo")
        assert (sentences.ends[0], sentences.ends[1]) in t._diffs or any(
            s <= sentences.ends[0] and e >= sentences.ends[1] for s, e in t._diffs
        )

        # 8. agreement: adjudicate the Stigma disagreement (previewed, then written), export it
        await pilot.press("ctrl+w")
        await settle(pilot)
        agreement = app.screen
        assert isinstance(agreement, AgreementScreen)
        codes = agreement.query_one("#agr-codes", DataTable)
        codes.move_cursor(row=next(i for i in range(codes.row_count) if codes.get_row_at(i)[0] == "Barriers/Stigma"))
        await settle(pilot)
        assert agreement.shown
        await pilot.press("b")
        await settle(pilot)
        assert codings(path, "consensus", "Stigma") == []  # previewed only
        await pilot.press("b")
        await settle(pilot)
        assert codings(path, "consensus", "Stigma") == [(s1[0], sentences.ends[1])]
        await export(pilot, "agreement", "csv")
        await pilot.press("escape")
        await settle(pilot)

        # 9. export from retrieval and the heatmap too
        app.query_one("#codes").select_code(next(c.id for c in app.codes if c.name == "Stigma"))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, RetrievalScreen)
        await export(pilot, "retrieval", "csv")
        await pilot.press("escape")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, MatrixScreen)
        await export(pilot, "cooccurrence", "csv")
        await pilot.press("escape")
        await settle(pilot)

        # 10. the memo browser lists both memos
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, MemoBrowserScreen)
        assert sorted(m.kind for m in app.screen.rows) == ["coding", "document"]
        await pilot.press("escape")
        await pilot.press("ctrl+q")

    exports = sorted(p.name for p in (path.parent / "exports").iterdir())
    assert "agreement_anna_bo_sentence_disagreements_sentence.csv" in exports  # as `agreement --format csv`
    assert "codings_tidy_code_barriers_stigma.csv" in exports  # as `export tidy --code Barriers/Stigma`
    assert "cooccurrence_overlap_count_anna.csv" in exports  # as `cooccurrence` (anna's codings)
    for name in exports:
        assert stat.S_IMODE(os.stat(path.parent / "exports" / name).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent / "exports").st_mode) == 0o700  # its file names name codes
    assert q(path, "PRAGMA integrity_check") == [("ok",)]
    coders = {r[0] for r in q(path, "SELECT name FROM coders")}
    assert coders == {"anna", "bo", "consensus"}
