"""Exports that scripts can rely on: names that state every filter, standard output with -o -,
messages on standard error, --quiet, refused suffixes, provenance, and files beside the project."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pandas as pd
from click.testing import CliRunner

from helpers.db import dump
from qualcode.cli import main


def run(path, *args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["-p", str(path), "-c", "anna", *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_differently_filtered_cooccurrences_write_different_files_naming_their_filters(demo_path):
    for extra in ([], ["--depth", "1"], ["--where", "site=Vesterbro"]):
        run(demo_path, "cooccurrence", "--unit", "document", "--coder", "anna", *extra)
    written = sorted(p.name for p in (demo_path.parent / "exports").glob("cooccurrence_*.csv"))
    assert written == [
        "cooccurrence_document_count_anna.csv",
        "cooccurrence_document_count_anna_depth_1.csv",
        "cooccurrence_document_count_anna_depth_1_dictionary.csv",
        "cooccurrence_document_count_anna_dictionary.csv",
        "cooccurrence_document_count_anna_where_site_vesterbro.csv",
        "cooccurrence_document_count_anna_where_site_vesterbro_dictionary.csv",
    ]
    # the same command again writes the same file (and nothing else)
    run(demo_path, "cooccurrence", "--unit", "document", "--coder", "anna", "--depth", "1")
    assert len(list((demo_path.parent / "exports").glob("cooccurrence_*.csv"))) == 6


def test_tidy_to_standard_output_pipes_into_pandas_and_messages_go_to_stderr(demo_path, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cmd = [sys.executable, "-m", "qualcode", "-p", str(demo_path), "export", "tidy", "-o", "-"]
    done = subprocess.run(cmd, capture_output=True, env=env, cwd=elsewhere, check=True)
    frame = pd.read_csv(io.BytesIO(done.stdout))
    assert len(frame) == 511 and "coding_guid" in frame.columns
    assert done.stderr.decode().strip() == "511 coding(s), 19 columns"
    assert not (demo_path.parent / "exports").exists() and list(elsewhere.iterdir()) == []
    quiet = subprocess.run([*cmd[:3], "-q", *cmd[3:]], capture_output=True, env=env, check=True)
    assert quiet.stderr == b"" and quiet.stdout == done.stdout


def test_json_to_standard_output_carries_the_provenance(demo_path):
    out = run(demo_path, "agreement", "--coders", "anna,bo", "-o", "-").stdout
    data = json.loads(out)
    assert [t["name"] for t in data["tables"]] == [
        "agreement_sentence",
        "agreement_by_document_sentence",
        "disagreements_sentence",
    ]
    made = data["tables"][0]["provenance"]
    assert made.startswith(f"qualcode -p {demo_path} -c anna agreement --coders anna,bo -o -")
    assert f"project {demo_path.name}" in made and "qualcode 0." in made


def test_unknown_or_conflicting_suffixes_are_refused_before_any_work(demo_path):
    before = dump(demo_path)
    for args, message in (
        (["export", "tidy", "-o", "x.txt"], "x.txt: '.txt' is not a format this command writes; use .csv,"),
        (["export", "tidy", "-o", "x.csv", "--format", "xlsx"], "x.csv says .csv but --format says xlsx"),
        (["cooccurrence", "--coder", "anna", "-o", "m.pdf"], "m.pdf: '.pdf' is not a format"),
        (
            ["report", "quotes", "-o", "q.pdf"],
            "q.pdf: '.pdf' is not a format this command writes; use .md, .html, .docx",
        ),
        (["export", "tidy", "-o", "-", "--format", "sav"], "-o - writes csv or json to standard output, not sav"),
    ):
        r = run(demo_path, *args, ok=False)
        assert r.exit_code == 1 and message in r.output, r.output
        assert len(r.output.strip().splitlines()) == 1
    assert dump(demo_path) == before
    assert not (demo_path.parent / "exports").exists()


def test_agreement_tables_land_beside_the_project_not_in_the_working_folder(demo_path, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run(demo_path, "agreement", "--coders", "anna,bo", "--format", "csv")
    assert list(elsewhere.iterdir()) == []
    names = sorted(p.name for p in (demo_path.parent / "exports").iterdir())
    assert names[0].startswith("agreement_anna_bo_sentence_") and "agreement_anna_bo_sentence_dictionary.csv" in names


def test_cooccurrence_as_a_network_loads_in_networkx_with_the_measure_as_weight(demo_path):
    import networkx as nx

    from qualcode.analysis import data as pdx
    from qualcode.project import Project

    run(
        demo_path,
        "cooccurrence",
        "--unit",
        "sentence",
        "--measure",
        "jaccard",
        "--coder",
        "anna",
        "--format",
        "graphml",
    )
    run(demo_path, "cooccurrence", "--unit", "sentence", "--measure", "jaccard", "--coder", "anna", "--format", "gexf")
    folder = demo_path.parent / "exports"
    graphml = nx.read_graphml(folder / "cooccurrence_sentence_jaccard_anna.graphml")
    gexf = nx.read_gexf(folder / "cooccurrence_sentence_jaccard_anna.gexf")
    with Project.open(demo_path) as p:
        sel, choice = pdx.choose(p, coders=["anna"])
        _, runs = pdx.cooccurrence_runs(p, sel, "sentence", choice, None, None)
        names = sel.code_names()
    r = runs[0].result
    jaccard = r.measure("jaccard")
    expected = {
        frozenset((names[a], names[b])): jaccard[i, j]
        for i, a in enumerate(r.codes)
        for j, b in enumerate(r.codes)
        if i < j and r.counts[i, j] > 0
    }
    for g, label in ((graphml, "label"), (gexf, "label")):
        got = {frozenset((g.nodes[u][label], g.nodes[v][label])): w for u, v, w in g.edges(data="weight")}
        assert got.keys() == expected.keys() and all(abs(got[k] - expected[k]) < 1e-12 for k in got)
    assert {d["label"] for _, d in graphml.nodes(data=True)} == {names[c] for c in r.codes}
    assert all(d["frequency"] == int(r.counts[i, i]) for i, (_, d) in enumerate(graphml.nodes(data=True)))
    bad = run(demo_path, "cooccurrence", "--coder", "anna", "--pairs", "--format", "graphml", ok=False)
    assert bad.exit_code == 1 and "--pairs is a table" in bad.output


def test_documents_are_cases_with_typed_columns_and_a_datapackage(demo_path):
    """One row per document with its attributes and codings per coder; the descriptor types the
    columns (a date is a date, counts are integers) and pandas reads them so."""
    import pyreadstat

    run(demo_path, "export", "documents")
    folder = demo_path.parent / "exports"
    frame = pd.read_csv(folder / "documents.csv")
    assert len(frame) == 12 and frame["codings_anna"].dtype.kind == "i" and frame["words"].dtype.kind == "i"
    package = json.loads((folder / "documents_datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert fields["date"] == "date" and fields["codings_bo"] == "integer" and fields["site"] == "string"
    assert package["resources"][0]["path"] == "documents.csv" and package["description"].startswith("Made by qualcode")
    dates = pd.read_csv(folder / "documents.csv", parse_dates=[k for k, t in fields.items() if t == "date"])
    assert dates["date"].dtype.kind == "M"
    # the same cases joined to a matrix, ready for a model
    run(
        demo_path,
        "matrix",
        "docs-codes",
        "--coder",
        "anna",
        "--value",
        "binary",
        "--with-attributes",
        "--format",
        "sav",
    )
    df, _ = pyreadstat.read_sav(str(folder / "documents_codes_binary_anna_with_attributes.sav"))
    assert list(df.columns[:8]) == ["document", "kind", "language", "site", "role", "gender", "age_band", "date"]
    assert set(df["help_sought"].unique()) <= {0, 1}


def test_figures_are_valid_svg_naming_every_code_and_the_same_bytes_each_time(demo_path):
    from lxml import etree

    from qualcode.codebook.codes import list_codes
    from qualcode.project import Project

    folder = demo_path.parent / "exports"
    run(demo_path, "plot", "cooccurrence", "--unit", "sentence", "--coder", "anna")
    svg = folder / "cooccurrence_sentence_count_anna.svg"
    first = svg.read_bytes()
    run(demo_path, "plot", "cooccurrence", "--unit", "sentence", "--coder", "anna")
    assert svg.read_bytes() == first  # deterministic: no dates or random ids
    root = etree.fromstring(first)
    texts = {t for t in root.itertext() if t.strip()}
    with Project.open(demo_path) as p:
        paths = {c.path for c in list_codes(p) if c.codable}
    assert paths <= texts
    run(demo_path, "plot", "codes", "-o", str(folder / "codes.svg"))
    bars = {t for t in etree.parse(str(folder / "codes.svg")).getroot().itertext() if t.strip()}
    assert paths <= bars and {"anna", "bo"} <= bars
    run(
        demo_path, "plot", "agreement", "--coders", "anna,bo", "--bootstrap", "200", "-o", str(folder / "agreement.pdf")
    )
    assert (folder / "agreement.pdf").read_bytes().startswith(b"%PDF")
    bad = run(demo_path, "plot", "codes", "-o", str(folder / "codes.jpg"), ok=False)
    assert bad.exit_code == 1 and "'.jpg' is not a format this command writes; use .svg, .pdf, .png" in bad.output


def test_types_arrive_typed_in_spss_and_stata(demo_path):
    """A date attribute is a date (SPSS DATE11, Stata %td), counts are integers, text is nominal;
    --stata-version picks the release Stata 14 (118) or 15+ (119) reads."""
    import datetime

    import pyreadstat

    folder = demo_path.parent / "exports"
    run(demo_path, "export", "documents", "--format", "sav")
    df, meta = pyreadstat.read_sav(str(folder / "documents.sav"))
    assert meta.original_variable_types["date"] == "DATE11" and isinstance(df["date"][0], datetime.date)
    assert meta.original_variable_types["codings_anna"] == "F8.0"
    assert meta.variable_measure["site"] == "nominal" and meta.variable_measure["words"] == "scale"
    for version, release in (("14", b"<release>118</release>"), ("15", b"<release>119</release>")):
        out = folder / f"documents_{version}.dta"
        run(demo_path, "export", "documents", "--stata-version", version, "-o", str(out))
        assert release in out.read_bytes()[:200]
    frame = pd.read_stata(folder / "documents_15.dta")
    assert frame["words"].dtype.kind == "i" and frame["date"].dtype.kind == "M"


def test_code_names_in_any_script_become_readable_variable_names():
    from qualcode.interchange.exporters.varnames import make_varnames

    assert make_varnames(["Hjælp søgt", "Помощь", "帮助", "Barrierer/Dårlig samarbejde"]) == [
        "hjaelp_sogt",
        "pomoshch",
        "bangzhu",
        "barrierer_daarlig_samarbejde",
    ]


def test_long_labels_are_cut_at_a_word_and_coders_are_named():
    from qualcode.interchange.exporters.spss_stata_export import _fit_label

    label = "Barrierer/Hjælp afvist af andre mennesker i netværket, især familien"
    assert _fit_label(label, 40) == "Barrierer/Hjælp afvist af andre…"
    assert len(_fit_label(label, 30, in_bytes=True).encode()) <= 30
    assert _fit_label("short", 30) == "short"


def test_descriptions_name_the_coders(demo_path):
    out = run(demo_path, "cooccurrence", "--pool", "--unit", "document", "-o", "-", "--format", "json").stdout
    assert "pooled coders anna, bo" in json.loads(out)["tables"][0]["description"]


def test_quote_report_for_an_appendix(demo_path):
    """One entry per passage (overlapping spans of coders merged), numbered, cited by turn or
    paragraph; coders, offsets and memos as asked; the documents' language on the page."""
    from qualcode.coding.codings import list_codings
    from qualcode.project import Project

    folder = demo_path.parent / "exports"
    run(demo_path, "report", "quotes", "--code", "Help sought", "--format", "html", "--memos", "endnotes")
    page = (folder / "quotes_help_sought.html").read_text(encoding="utf-8")
    with Project.open(demo_path) as p:
        spans = sorted((c["document"], c["start"], c["end"]) for c in list_codings(p, code="Help sought"))
    passages = 0
    for k, (doc, start, _end) in enumerate(spans):  # count overlapping runs per document, as a reader would
        if k == 0 or spans[k - 1][0] != doc or start >= max(e for d, s, e in spans[:k] if d == doc):
            passages += 1
    assert page.count('<p class="qid">') == passages < len(spans)
    assert f'<p class="qid">Q{passages}</p>' in page and "coded by anna, bo" in page
    assert 'html lang="da"' in page or 'html lang="en"' in page
    assert 'lang="en"' in page or 'lang="da"' in page.split("<body>")[1]
    run(
        demo_path,
        "report",
        "quotes",
        "--code",
        "Help sought",
        "--no-coders",
        "--offsets",
        "--memos",
        "none",
        "-o",
        str(folder / "plain.md"),
    )
    text = (folder / "plain.md").read_text(encoding="utf-8")
    assert "coded by" not in text and "characters " in text and "Memo" not in text


def test_shell_completion_offers_the_projects_names(demo_path):
    from click.shell_completion import ShellComplete

    complete = ShellComplete(main, {}, "qualcode", "_QUALCODE_COMPLETE")

    def names(args, incomplete):
        return [c.value for c in complete.get_completions(["-p", str(demo_path), *args], incomplete)]

    assert names(["cooccurrence", "--code"], "Barriers/S") == ["Barriers/Stigma"]
    assert names(["cooccurrence", "--coder"], "") == ["anna", "bo"] or set(names(["cooccurrence", "--coder"], "")) >= {
        "anna",
        "bo",
    }
    assert "site=" in names(["cooccurrence", "--where"], "s")
    assert names(["code"], "en_int05")[0].startswith("en_int05")
    assert names(["matrix", "crosstab", "--attribute"], "ge") == ["gender"]


def test_excel_gets_dates_as_dates(demo_path):
    run(demo_path, "export", "documents", "--format", "xlsx")
    frame = pd.read_excel(demo_path.parent / "exports" / "documents.xlsx", sheet_name=0)
    assert frame["date"].dtype.kind == "M" and frame["codings_anna"].dtype.kind == "i"


def test_names_that_would_collide_get_a_hash_of_the_exact_options():
    from qualcode.cli.output import export_stem

    a = export_stem("cooccurrence", "document", "count", "anna", where=["age>=30"])
    b = export_stem("cooccurrence", "document", "count", "anna", where=["age<=30"])
    assert a != b and a.startswith("cooccurrence_document_count_anna_where_age_30_")
    long = "Experiences/Housing and homelessness in the city/"
    assert export_stem("codes", code=[long + "before"]) != export_stem("codes", code=[long + "after"])
    assert export_stem("cooccurrence", "window:200", where=["site=Vesterbro"]) == (
        "cooccurrence_window_200_where_site_vesterbro"  # nothing lost: no hash
    )


def test_quote_report_without_coders_names_nobody(demo_path):
    from qualcode.coding.codings import list_codings, set_coding_memo
    from qualcode.project import Project

    with Project.open(demo_path, coder="anna") as p:
        first = next(c for c in list_codings(p, code="Help sought", coder="anna"))
        set_coding_memo(p, first["id"], "turning point")
    folder = demo_path.parent / "exports"
    run(demo_path, "report", "quotes", "--code", "Help sought", "--no-coders", "-o", str(folder / "q.md"))
    text = (folder / "q.md").read_text(encoding="utf-8")
    assert "Memo (turning point)" in text and "anna" not in text and "coded by" not in text
