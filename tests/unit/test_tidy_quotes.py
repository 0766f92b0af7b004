"""Tidy long export, codebook table and quote reports on the hand-made project of
test_analysis_cli (its docstring lists every coding)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner
from docx import Document

from helpers.corpora import TEXTS, build
from qualcode.cli import main
from qualcode.coding.codings import add_coding, list_codings
from qualcode.interchange.exporters.quotes import collect_quotes, quotes_html, quotes_markdown
from qualcode.interchange.exporters.tidy import tidy_table
from qualcode.project import Project

TIDY_ORDER = [  # document order, then start, end, id
    ("a", 3, 14, "Help", "anna"),
    ("a", 3, 14, "Help", "bo"),
    ("a", 9, 20, "Barriers/Stigma", "anna"),
    ("a", 21, 27, "Barriers/Waiting", "anna"),
    ("a", 32, 45, "Barriers/Stigma", "anna"),
    ("a", 32, 45, "Barriers/Waiting", "bo"),
    ("a", 46, 56, "Barriers/Waiting", "anna"),
    ("b", 0, 11, "Help", "anna"),
    ("b", 5, 16, "Barriers/Stigma", "anna"),
    ("b", 12, 22, "Barriers/Waiting", "anna"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("tidy") / "hand.db")


def run(project: Path, *args: str):
    r = CliRunner().invoke(main, ["-p", str(project), *args])
    assert r.exit_code == 0, r.output
    return r


def test_tidy_csv_one_row_per_coding(project, tmp_path):
    r = run(project, "export", "tidy", "-o", str(tmp_path / "t.csv"))
    assert "10 coding(s), 16 columns" in r.output
    df = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert list(df.columns) == [
        "coding_guid",
        "document",
        "document_guid",
        "kind",
        "language",
        "site",
        "age",
        "code",
        "code_guid",
        "level_1",
        "level_2",
        "coder",
        "start",
        "end",
        "text",
        "memo",
    ]
    assert list(zip(df.document, df.start, df.end, df.code, df.coder)) == TIDY_ORDER
    assert all(t == TEXTS[d][s:e] for d, s, e, t in zip(df.document, df.start, df.end, df.text))
    assert df.level_1.tolist()[:3] == ["Help", "Help", "Barriers"]
    assert df.level_2.tolist()[:3] == ["", "", "Stigma"]
    assert df.site.tolist() == ["Vesterbro"] * 7 + ["Nordvest"] * 3
    assert df.age.tolist() == [34] * 7 + [51] * 3
    assert df.memo.tolist()[4] == "first mention" and df.memo.tolist().count("") == 9
    assert df.coding_guid.str.fullmatch(
        r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-"
        r"[0-9A-F]{12}"
    ).all()
    with Project.open(project) as p:
        assert set(df.coding_guid) == {c["guid"] for c in list_codings(p)}


def test_tidy_filters(project, tmp_path):
    run(project, "export", "tidy", "--coder", "bo", "-o", str(tmp_path / "bo.csv"))
    assert pd.read_csv(tmp_path / "bo.csv")["code"].tolist() == ["Help", "Barriers/Waiting"]
    run(project, "export", "tidy", "--where", "site=Nordvest", "--code", "Barriers", "-o", str(tmp_path / "nv.csv"))
    df = pd.read_csv(tmp_path / "nv.csv")
    assert list(zip(df.document, df.code)) == [("b", "Barriers/Stigma"), ("b", "Barriers/Waiting")]


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_tidy_spss_stata(project, tmp_path, fmt):
    run(project, "export", "tidy", "--format", fmt, "-o", str(tmp_path / "tidy"))
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    df, meta = reader(str(tmp_path / f"tidy.{fmt}"))
    assert len(df) == 10
    assert list(zip(df.document, df.start.astype(int), df.end.astype(int), df.code, df.coder)) == TIDY_ORDER
    assert meta.column_names_to_labels["level_2"] == "Code path level 2"
    assert meta.column_names_to_labels["age"] == "Document attribute age (integer)"
    assert meta.column_names_to_labels["start"].startswith("Start offset (Unicode code points")
    dictionary = pd.read_csv(tmp_path / "tidy_dictionary.csv")
    made = dictionary[dictionary["column"] == "(table)"]
    assert made["definition"].iloc[0].startswith("qualcode ") and " export tidy" in made["definition"].iloc[0]
    dictionary = dictionary[dictionary["column"] != "(table)"]
    assert dictionary["variable"].tolist() == [
        "coding_guid",
        "document",
        "document_guid",
        "kind",
        "language",
        "site",
        "age",
        "code",
        "code_guid",
        "level_1",
        "level_2",
        "coder",
        "start",
        "end",
        "text",
        "memo",
    ]


def test_tidy_table_is_the_same_in_the_library(project):
    with Project.open(project) as p:
        t = tidy_table(p, kind="interview", where=["age!=51"])
    assert [r[1] for r in t.rows] == ["a"] * 7
    assert t.column("age") == [34] * 7


def test_codebook_table(project, tmp_path):
    run(project, "export", "codebook-table", "-o", str(tmp_path / "cb.csv"))
    df = pd.read_csv(tmp_path / "cb.csv", index_col=0, keep_default_na=False)
    assert list(df.index) == ["Help", "Barriers", "Barriers/Stigma", "Barriers/Waiting"]
    assert df["variable"].tolist() == ["help", "barriers", "barriers_stigma", "barriers_waiting"]
    assert df["depth"].tolist() == [1, 1, 2, 2]
    assert df["codings"].tolist() == [3, 0, 3, 4]
    assert df["codings_anna"].tolist() == [2, 0, 3, 3]
    assert df["codings_bo"].tolist() == [1, 0, 0, 1]


# ----------------------------------------------------------------------------- quotes

HELP_MD = """# Quotes: Help

## Help

2 quotes.

**Q1**

> Alpha beta.
>
> — a (site: Vesterbro), turn 1 (I), coded by anna, bo

**Q2**

> Iota kappa.
>
> — b (site: Nordvest), ¶ 1, coded by anna
"""


def test_quotes_markdown_exact(project, tmp_path):
    r = run(project, "report", "quotes", "--code", "Help", "--attribute", "site", "-o", str(tmp_path / "q.md"))
    assert "2 quote(s) in 1 section(s)" in r.output
    assert (tmp_path / "q.md").read_text(encoding="utf-8") == HELP_MD


def test_quotes_children_filters_and_memos(project):
    with Project.open(project) as p:
        sections = collect_quotes(p, ["Barriers"], children=True)
        assert [(s.code.path, len(s.quotes)) for s in sections] == [  # no empty section for Barriers
            ("Barriers/Stigma", 3),
            ("Barriers/Waiting", 4),
        ]
        stigma = sections[0].quotes
        assert [q.text for q in stigma] == ["beta. Gamma", "Epsilon zeta.", "kappa. Lamb"]
        assert stigma[1].memos == ["anna: first mention"]
        assert stigma[0].attributes == {"site": "Vesterbro", "age": 34}
        only = collect_quotes(p, ["Barriers/Waiting"], coders=["bo"], where=["site=Vesterbro"])
        assert [(q.text, q.coders) for q in only[0].quotes] == [("Epsilon zeta.", ["bo"])]
        md = quotes_markdown(sections, "Barriers")
    assert "Memo (anna: first mention)" in md


def test_quotes_html_escapes_and_keeps_lines(project, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(project, path)
    with Project.open(path, coder="anna") as p:
        add_coding(p, "a", 15, 39, "Help", memo="<b>bold</b> & more")
        sections = collect_quotes(p, ["Help"], attributes=[])
    html = quotes_html(sections, "Help & co")
    assert "<title>Help &amp; co</title>" in html
    assert "<p>Gamma delta.\n\nP: Epsilon</p>" in html  # pre-wrap keeps the blank line
    assert "Memo (anna: &lt;b&gt;bold&lt;/b&gt; &amp; more)" in html
    assert "— a, turn 1 (I), coded by anna" in html  # cited by turn or paragraph; offsets only with --offsets
    md = quotes_markdown(sections)
    assert "> Gamma delta.\n>\n> P: Epsilon\n>\n> — a, turn 1 (I), coded by anna" in md
    assert "Memo (anna: \\<b\\>bold\\</b\\> & more)" in md  # Markdown escaped like the HTML


def test_quotes_docx_reads_back(project, tmp_path):
    run(
        project,
        "report",
        "quotes",
        "--code",
        "Barriers",
        "--children",
        "--where",
        "site=Nordvest",
        "--attribute",
        "site",
        "--format",
        "docx",
        "-o",
        str(tmp_path / "q"),
    )
    doc = Document(str(tmp_path / "q.docx"))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras[0] == ("Heading 1", "Quotes: Barriers")
    assert ("Heading 2", "Barriers/Stigma") in paras
    quotes = [t for s, t in paras if s == "Quote"]
    assert quotes == ["kappa. Lamb", "Lambda mu."]
    assert "— b (site: Nordvest), ¶ 1, coded by anna" in [t for _, t in paras]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert doc.core_properties.author == "qualcode"
    assert doc.core_properties.title == "Quotes: Barriers"


def test_quotes_default_path_and_all_codes(tmp_path):
    path = build(tmp_path / "p.db")
    r = run(path, "report", "quotes", "--format", "html")
    assert (tmp_path / "exports" / "quotes_all.html").exists()
    # the same span coded by two coders is one quote; Barriers has no segments of its own
    assert "9 quote(s) in 3 section(s)" in r.output
