"""Analysis commands end to end on a hand-made project where every count is known.

Texts (code points; sentences, paragraphs and turns as the importer segments them)::

    a (interview, site=Vesterbro, age=34): "I: Alpha beta. Gamma delta.\\n\\nP: Epsilon zeta. Eta theta.\\n"
        sentences s1 [3,14) s2 [15,27) s3 [32,45) s4 [46,56)
        paragraphs [0,27) [29,56); turns I [3,27), P [32,56)
    b (interview, site=Nordvest, age=51): "Iota kappa. Lambda mu.\\n"
        sentences s5 [0,11) s6 [12,22); one paragraph; no turns
    c (fieldnote, site=Vesterbro): "Nu xi omicron.\\n"  — one sentence, uncoded

Codes (tree order): H = Help, Barriers (unused), S = Barriers/Stigma, W = Barriers/Waiting.

    anna  1 H a [3,14)  2 S a [9,20)  3 W a [21,27)  4 S a [32,45) (memo)  5 W a [46,56)
          6 H b [0,11)  7 W b [12,22) 8 S b [5,16)
    bo    9 H a [3,14) (same span as anna's 1)   10 W a [32,45)

anna, by unit (rows/columns H, S, W):
    overlap: passages {H,S} {W} {S} {W} | {H,S,W}                       N = 5
    window:1 (≤ 1 character apart joins): {H,S,W} {S,W} | {H,S,W}        N = 3
    sentence: {H,S} {S,W} {S} {W} | {H,S} {S,W} | {}                    N = 7
    paragraph: {H,S,W} {S,W} | {H,S,W} | {}                              N = 4
    turn: {H,S,W} {S,W} (b and c have no turns)                          N = 2
    document: {H,S,W} | {H,S,W} | {}                                     N = 3
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from helpers.corpora import CODES, build
from qualcode.cli import main
from qualcode.codebook.codes import get_code, list_codes
from qualcode.coding.codings import add_coding
from qualcode.corpus.documents import document_units, get_document, list_documents
from qualcode.project import Project

ANNA = {
    "overlap": (5, [[2, 2, 1], [2, 3, 1], [1, 1, 3]]),
    "window:0": (5, [[2, 2, 1], [2, 3, 1], [1, 1, 3]]),
    "window:1": (3, [[2, 2, 2], [2, 3, 3], [2, 3, 3]]),
    "sentence": (7, [[2, 2, 0], [2, 5, 2], [0, 2, 3]]),
    "paragraph": (4, [[2, 2, 2], [2, 3, 3], [2, 3, 3]]),
    "turn": (2, [[1, 1, 1], [1, 2, 2], [1, 2, 2]]),
    "document": (3, [[2, 2, 2], [2, 2, 2], [2, 2, 2]]),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hand") / "hand.db")


def run(project: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["-p", str(project), "-c", "nobody", *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def read_matrix(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, index_col=0)


def test_units_as_imported(project):
    """The docstring's unit boundaries are what the importer produced."""
    with Project.open(project) as p:
        a = get_document(p, "a")["id"]
        assert [(u["start"], u["end"]) for u in document_units(p, a, "sentence")] == [
            (3, 14),
            (15, 27),
            (32, 45),
            (46, 56),
        ]
        assert [(u["start"], u["end"]) for u in document_units(p, a, "turn")] == [(3, 27), (32, 56)]
        assert [(u["start"], u["end"]) for u in document_units(p, a, "paragraph")] == [(0, 27), (29, 56)]
        assert [c.path for c in list_codes(p)] == ["Help", "Barriers", *CODES[1:]]


@pytest.mark.parametrize("unit", list(ANNA))
def test_counts_every_unit(project, tmp_path, unit):
    n_units, expected = ANNA[unit]
    out = tmp_path / "m.csv"
    r = run(project, "cooccurrence", "--unit", unit, "--coder", "anna", "-o", str(out))
    df = read_matrix(out)
    assert list(df.index) == CODES and list(df.columns) == CODES
    assert df.to_numpy().tolist() == expected
    assert f"N = {n_units} units" in r.output
    dictionary = pd.read_csv(tmp_path / "m_dictionary.csv")
    made = dictionary[dictionary["column"] == "(table)"]  # what the table is and the command that made it
    assert (
        made["definition"].iloc[0].startswith(f"qualcode -p {project} -c ")
        and f"--unit {unit}" in made["definition"].iloc[0]
    )
    dictionary = dictionary[dictionary["column"] != "(table)"]
    assert dictionary["label"].tolist() == ["code", *CODES]
    assert set(dictionary["variable"]) == {"code", "help", "barriers_stigma", "barriers_waiting"}


def test_exact_csv_bytes_and_bom(project, tmp_path):
    run(project, "cooccurrence", "--unit", "sentence", "--coder", "anna", "-o", str(tmp_path / "s.csv"))
    expected = (
        b"code,Help,Barriers/Stigma,Barriers/Waiting\r\n"
        b"Help,2,2,0\r\nBarriers/Stigma,2,5,2\r\nBarriers/Waiting,0,2,3\r\n"
    )
    assert (tmp_path / "s.csv").read_bytes() == expected
    run(project, "cooccurrence", "--unit", "sentence", "--coder", "anna", "--bom", "-o", str(tmp_path / "b.csv"))
    assert (tmp_path / "b.csv").read_bytes() == b"\xef\xbb\xbf" + expected


N7 = 7
SENT = {"n": {"H": 2, "S": 5, "W": 3}, "HS": 2, "HW": 0, "SW": 2}


@pytest.mark.parametrize(
    "measure, cells",
    [
        ("jaccard", {("H", "S"): 2 / 5, ("S", "H"): 2 / 5, ("H", "W"): 0.0, ("S", "W"): 2 / 6, ("H", "H"): 1.0}),
        (
            "conditional",
            {
                ("H", "S"): 1.0,
                ("S", "H"): 2 / 5,
                ("S", "W"): 2 / 5,
                ("W", "S"): 2 / 3,
                ("W", "H"): 0.0,
                ("W", "W"): 1.0,
            },
        ),
        ("expected", {("H", "S"): 10 / 7, ("S", "W"): 15 / 7, ("H", "H"): 4 / 7}),
        ("lift", {("H", "S"): 1.4, ("S", "W"): 14 / 15, ("H", "W"): 0.0, ("H", "H"): 3.5}),
        ("phi", {("H", "S"): 0.4, ("S", "W"): -1 / math.sqrt(120), ("H", "W"): -6 / math.sqrt(120), ("S", "S"): 1.0}),
    ],
)
def test_every_measure_on_sentences(project, tmp_path, measure, cells):
    out = tmp_path / f"{measure}.csv"
    run(project, "cooccurrence", "--unit", "sentence", "--measure", measure, "--coder", "anna", "-o", str(out))
    df = read_matrix(out)
    name = {"H": "Help", "S": "Barriers/Stigma", "W": "Barriers/Waiting"}
    for (a, b), v in cells.items():
        assert df.loc[name[a], name[b]] == pytest.approx(v, rel=1e-12), (a, b)


def test_pairs_table(project, tmp_path):
    out = tmp_path / "p.csv"
    run(
        project,
        "cooccurrence",
        "--unit",
        "sentence",
        "--measure",
        "jaccard",
        "--pairs",
        "--coder",
        "anna",
        "-o",
        str(out),
    )
    df = pd.read_csv(out)
    assert df[["code_a", "code_b", "n_a", "n_b", "n_ab"]].values.tolist() == [
        ["Help", "Barriers/Stigma", 2, 5, 2],
        ["Barriers/Stigma", "Barriers/Waiting", 5, 3, 2],
    ]
    assert df["jaccard"].tolist() == [0.4, 2 / 6]
    assert set(df["unit"]) == {"sentence"} and set(df["n_units"]) == {7}


def test_coders_never_pooled_silently(project, tmp_path):
    r = run(project, "cooccurrence", ok=False)
    assert r.exit_code == 1
    assert "anna (8), bo (2)" in r.output and "--pool" in r.output
    assert "Traceback" not in r.output
    # the session coder (-c) is used when they have codings
    r = CliRunner().invoke(main, ["-p", str(project), "-c", "bo", "cooccurrence", "-o", str(tmp_path / "bo.csv")])
    assert r.exit_code == 0, r.output
    assert read_matrix(tmp_path / "bo.csv").to_numpy().tolist() == [[1, 0], [0, 1]]


def test_pooled_and_per_coder(project, tmp_path):
    run(project, "cooccurrence", "--pool", "-o", str(tmp_path / "pool.csv"))
    assert read_matrix(tmp_path / "pool.csv").to_numpy().tolist() == [[2, 2, 1], [2, 3, 2], [1, 2, 4]]
    r = run(project, "cooccurrence", "--coder", "anna", "--coder", "bo", "-o", str(tmp_path))
    files = sorted(p.name for p in tmp_path.glob("cooccurrence_overlap_count*.csv"))
    assert files == [
        "cooccurrence_overlap_count_anna.csv",
        "cooccurrence_overlap_count_bo.csv",
        "cooccurrence_overlap_count_dictionary.csv",
    ]
    bo = read_matrix(tmp_path / files[1])
    assert list(bo.index) == CODES  # same rows for every coder
    assert bo.to_numpy().tolist() == [[1, 0, 0], [0, 0, 0], [0, 0, 1]]
    assert "coder bo" in r.output and "coder anna" in r.output


def test_depth_roll_up(project, tmp_path):
    run(project, "cooccurrence", "--unit", "sentence", "--depth", "1", "--coder", "anna", "-o", str(tmp_path / "d.csv"))
    df = read_matrix(tmp_path / "d.csv")
    assert list(df.index) == ["Help", "Barriers"]
    assert df.to_numpy().tolist() == [[2, 2], [2, 6]]


def test_filters_and_by_attribute(project, tmp_path):
    run(
        project,
        "cooccurrence",
        "--unit",
        "sentence",
        "--coder",
        "anna",
        "--where",
        "SITE=nordvest",
        "-o",
        str(tmp_path / "n.csv"),
    )
    assert read_matrix(tmp_path / "n.csv").to_numpy().tolist() == [[1, 1, 0], [1, 2, 1], [0, 1, 1]]
    run(
        project,
        "cooccurrence",
        "--unit",
        "sentence",
        "--coder",
        "anna",
        "--where",
        "age=34",
        "--code",
        "Barriers",
        "-o",
        str(tmp_path / "age.csv"),
    )
    df = read_matrix(tmp_path / "age.csv")
    assert list(df.index) == CODES[1:] and df.to_numpy().tolist() == [[3, 1], [1, 2]]
    r = run(
        project,
        "cooccurrence",
        "--unit",
        "sentence",
        "--coder",
        "anna",
        "--by-attribute",
        "site",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "by.xlsx"),
    )
    sheets = pd.read_excel(tmp_path / "by.xlsx", sheet_name=None, index_col=0)
    assert list(sheets) == ["sentence_count_site_nordvest", "sentence_count_site_vesterbro", "tables", "dictionary"]
    nordvest, vesterbro = sheets["sentence_count_site_nordvest"], sheets["sentence_count_site_vesterbro"]
    assert nordvest.to_numpy().tolist() == [[1, 1, 0], [1, 2, 1], [0, 1, 1]]
    assert vesterbro.to_numpy().tolist() == [[1, 1, 0], [1, 3, 1], [0, 1, 2]]
    assert "site = Nordvest" in r.output and "N = 5 units" in r.output
    assert "dictionary" in sheets


def test_user_errors_are_one_line(project, tmp_path):
    cases = [
        (["cooccurrence", "--unit", "chapter", "--pool"], "unknown unit"),
        (["cooccurrence", "--pool", "--where", "town=X"], "no attribute 'town'"),
        (["cooccurrence", "--pool", "--where", "site"], "NAME=VALUE"),
        (["cooccurrence", "--coder", "carl"], "no coder named 'carl'"),
        (["cooccurrence", "--pool", "--kind", "fieldnote"], "no codings match"),
        (["cooccurrence", "--pool", "--where", "site=Amager"], "no documents match"),
        (["cooccurrence", "--pool", "--code", "Barierrs"], "did you mean"),
        (["matrix", "crosstab", "--attribute", "town", "--pool"], "no attribute 'town'"),
    ]
    for args, message in cases:
        r = run(project, *args, "-o", str(tmp_path / "x.csv"), ok=False)
        assert r.exit_code == 1, (args, r.output)
        assert message in r.output, (args, r.output)
        assert r.output.count("\n") == 1 and "Traceback" not in r.output


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_stata_equal_matrix_with_labels(project, tmp_path, fmt):
    run(
        project,
        "cooccurrence",
        "--unit",
        "sentence",
        "--coder",
        "anna",
        "--measure",
        "jaccard",
        "--format",
        fmt,
        "-o",
        str(tmp_path / "j"),
    )
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    df, meta = reader(str(tmp_path / f"j.{fmt}"))
    assert list(df.columns) == ["code", "help", "barriers_stigma", "barriers_waiting"]
    assert meta.column_names_to_labels["barriers_stigma"] == "Barriers/Stigma"
    assert df["code"].tolist() == CODES
    np.testing.assert_allclose(
        df[["help", "barriers_stigma", "barriers_waiting"]].to_numpy(),
        [[1, 0.4, 0], [0.4, 1, 1 / 3], [0, 1 / 3, 1]],
        rtol=1e-12,
    )
    assert "sentence" in meta.file_label


def test_json_export(project, tmp_path):
    import json

    run(project, "cooccurrence", "--unit", "document", "--coder", "anna", "-o", str(tmp_path / "d.json"))
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    (table,) = data["tables"]
    assert table["records"][0] == {"code": "Help", "Help": 2, "Barriers/Stigma": 2, "Barriers/Waiting": 2}
    assert "N = 3 units" in table["description"]
    assert {d["variable"] for d in data["dictionary"]} >= {"barriers_waiting"}


# ----------------------------------------------------------------------------- matrices

DOC_CODES = {
    "count": [[1, 2, 2], [1, 1, 1], [0, 0, 0]],
    "binary": [[1, 1, 1], [1, 1, 1], [0, 0, 0]],
    "characters": [[11, 24, 16], [11, 11, 10], [0, 0, 0]],
    "words": [[2, 4, 3], [2, 2, 2], [0, 0, 0]],
}


@pytest.mark.parametrize("value", list(DOC_CODES))
def test_docs_codes(project, tmp_path, value):
    run(project, "matrix", "docs-codes", "--value", value, "--coder", "anna", "-o", str(tmp_path / "m.csv"))
    df = pd.read_csv(tmp_path / "m.csv", index_col=0)
    assert list(df.index) == ["a", "b", "c"] and list(df.columns) == CODES
    assert df.to_numpy().tolist() == DOC_CODES[value]


def test_docs_codes_pooled_characters_count_union(project, tmp_path):
    run(project, "matrix", "docs-codes", "--value", "characters", "--pool", "-o", str(tmp_path / "m.csv"))
    # bo's Help duplicates anna's span: counted once; bo's Waiting [32,45) adds 13
    assert pd.read_csv(tmp_path / "m.csv", index_col=0).loc["a"].tolist() == [11, 24, 29]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("documents", [[1, 1], [1, 1], [1, 1]]),
        ("codings", [[1, 1], [1, 2], [1, 2]]),
        ("characters", [[11, 11], [11, 24], [10, 16]]),
    ],
)
def test_crosstab(project, tmp_path, value, expected):
    r = run(
        project,
        "matrix",
        "crosstab",
        "--attribute",
        "site",
        "--value",
        value,
        "--coder",
        "anna",
        "--format",
        "sav",
        "-o",
        str(tmp_path / "x.sav"),
    )
    df, meta = pyreadstat.read_sav(str(tmp_path / "x.sav"))
    assert df["code"].tolist() == CODES
    assert df[["nordvest", "vesterbro"]].to_numpy().tolist() == expected
    assert meta.column_names_to_labels["vesterbro"] == "site = Vesterbro (n = 2 documents)"
    assert "(n=2)" in r.output and "Vesterbro" in r.output


def test_binary_value_labels_in_stata(project, tmp_path):
    run(
        project,
        "matrix",
        "docs-codes",
        "--value",
        "binary",
        "--coder",
        "anna",
        "--format",
        "dta",
        "-o",
        str(tmp_path / "b.dta"),
    )
    df, meta = pyreadstat.read_dta(str(tmp_path / "b.dta"))
    assert df["help"].tolist() == [1, 1, 0]
    assert meta.variable_value_labels["help"] == {0: "not coded", 1: "coded"}
    assert meta.column_names_to_labels["barriers_waiting"] == "Barriers/Waiting"


def test_default_output_goes_to_exports(tmp_path):
    path = build(tmp_path / "p.db")
    r = run(path, "cooccurrence", "--unit", "turn", "--measure", "lift", "--coder", "anna")
    written = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert written == [
        "cooccurrence_turn_lift_anna.csv",
        "cooccurrence_turn_lift_anna_datapackage.json",
        "cooccurrence_turn_lift_anna_dictionary.csv",
    ]
    assert "wrote" in r.output


def test_help_on_every_command():
    for args in (
        ["cooccurrence"],
        ["matrix"],
        ["matrix", "docs-codes"],
        ["matrix", "crosstab"],
        ["export"],
        ["export", "tidy"],
        ["export", "codebook-table"],
        ["report"],
        ["report", "quotes"],
    ):
        r = CliRunner().invoke(main, [*args, "--help"])
        assert r.exit_code == 0 and "Usage:" in r.output, args
        assert len(r.output.splitlines()) > 4


# ----------------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from qualcode.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path).close()
    return path


def test_demo_matrix_reads_in_pandas_with_code_names(demo, tmp_path):
    from qualcode.analysis import data as pdx

    path = tmp_path / "demo.db"
    shutil.copy(demo, path)
    run(path, "cooccurrence", "--unit", "sentence", "--coder", "anna")
    (csv,) = (tmp_path / "exports").glob("cooccurrence_sentence_count_anna.csv")
    df = pd.read_csv(csv, index_col=0)
    with Project.open(path) as p:
        paths = [c.path for c in list_codes(p)]
        sel = pdx.load(p)
        (r,) = pdx.project_cooccurrence(p, sel, "sentence", pdx.resolve_coders(sel, ["anna"])).values()
    assert list(df.index) == list(df.columns)
    assert set(df.index) <= set(paths) and "Barriers/Stigma" in df.index
    assert df.index.is_unique and len(df) == len(r.codes) > 10
    assert (df.to_numpy() == df.to_numpy().T).all()
    assert df.to_numpy().tolist() == r.counts.tolist()
    assert df.loc["Barriers/Stigma", "Barriers/Stigma"] == r.n(get_code(p, "Barriers/Stigma").id)


def test_where_conditions():
    from qualcode.corpus.filters import Condition, parse_where
    from qualcode.errors import QualcodeError

    (c,) = parse_where(["Site = Vesterbro, Nordvest"], known=["site"])
    assert c == Condition("site", frozenset({"vesterbro", "nordvest"}))
    assert c.matches("Nordvest") and not c.matches("Sundholm") and not c.matches(None)
    (neg,) = parse_where(["role!=social worker"])
    assert neg.matches("person who uses drugs") and neg.matches(None)
    assert not neg.matches("Social Worker")
    (flag,) = parse_where(["consent=yes"])
    assert flag.matches(True) and not flag.matches(False)
    (num,) = parse_where(["age=34"])
    assert num.matches(34) and num.matches(34.0) and not num.matches(340)
    with pytest.raises(QualcodeError, match="attributes: site"):
        parse_where(["town=X"], known=["site"])


def test_by_attribute_files_per_coder_and_value(project, tmp_path):
    run(
        project,
        "cooccurrence",
        "--unit",
        "document",
        "--coder",
        "anna",
        "--coder",
        "bo",
        "--by-attribute",
        "age",
        "-o",
        str(tmp_path),
    )
    stem = "cooccurrence_document_count_by_age"
    files = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert files == sorted(
        [f"{stem}_{c}_{v}.csv" for c in ("anna", "bo") for v in ("34", "51", "missing")] + [f"{stem}_dictionary.csv"]
    )
    ones = [[1, 1, 1]] * 3
    assert read_matrix(tmp_path / f"{stem}_anna_34.csv").to_numpy().tolist() == ones
    assert read_matrix(tmp_path / f"{stem}_anna_51.csv").to_numpy().tolist() == ones
    # document c has no age and no codings: a row of zeros per code, N = 1
    assert read_matrix(tmp_path / f"{stem}_anna_missing.csv").to_numpy().sum() == 0
    assert read_matrix(tmp_path / f"{stem}_bo_34.csv").to_numpy().tolist() == [[1, 0, 1], [0, 0, 0], [1, 0, 1]]


def test_coding_arrays_are_cached_until_the_next_change(demo_path):
    """Repeated analyses reuse the arrays once a command has succeeded; any change (an event) makes
    the next one read the rows again; a command that fails writes no cache at all."""
    from qualcode.analysis import data as pdx
    from qualcode.errors import QualcodeError
    from qualcode.project import Project

    def cached() -> int:
        with Project.open(demo_path) as p:
            return p.db.execute("SELECT COUNT(*) FROM analysis_cache").fetchone()[0]

    with pytest.raises(QualcodeError), Project.open(demo_path, coder="anna") as demo:
        pdx.choose(demo, coders=["anna"], pool=False)
        raise QualcodeError("the command failed after loading")
    assert cached() == 0
    with Project.open(demo_path, coder="anna") as demo:
        sel, _ = pdx.choose(demo, coders=["anna"], pool=False)
        n = len(sel.codings)
    assert cached() == 1
    with Project.open(demo_path, coder="anna") as demo:
        sel2, _ = pdx.choose(demo, coders=["anna"], pool=False)
        assert list(sel2.codings.start) == list(sel.codings.start)
        doc = list_documents(demo)[0]
        add_coding(demo, doc["id"], 0, 5, "Help sought", coder="anna")
        sel3, _ = pdx.choose(demo, coders=["anna"], pool=False)
        assert len(sel3.codings) == n + 1
        demo.undo()
        assert len(pdx.choose(demo, coders=["anna"], pool=False)[0].codings) == n
