"""One document filter for search, analyses, exports and the workbench: the same answer everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.corpus.filters import DocumentFilter
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project


@pytest.fixture
def consented(tmp_path: Path) -> Path:
    for name, text in (("a", "IP: Jeg fik hjælp af min kontaktperson.\n"), ("b", "IP: Ingen hjalp mig.\n")):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attrs.csv").write_text("document,consent,age\na,yes,45\nb,no,30\n", encoding="utf-8")
    path = tmp_path / "p.db"
    with Project.create(path, coder="anna") as p:
        import_files(p, [tmp_path / "a.txt", tmp_path / "b.txt"], language="da", attributes=tmp_path / "attrs.csv")
    return path


def test_a_boolean_attribute_selects_the_same_documents_in_search_and_analysis(consented: Path):
    with Project.open(consented) as p:
        for spelling in ("consent=yes", "consent=ja", "consent=true", "Consent=1"):
            assert [d["name"] for d in DocumentFilter(where=(spelling,)).select(p)] == ["a"]
        assert [d["name"] for d in DocumentFilter(where=("consent!=yes",)).select(p)] == ["b"]
        assert [d["name"] for d in DocumentFilter(where=("age=45",)).select(p)] == ["a"]  # 45 stored as 45
    runner = CliRunner()
    search = runner.invoke(main, ["-p", str(consented), "search", "hjælp", "--attr", "consent=yes", "--json"])
    assert search.exit_code == 0 and '"document": "a"' in search.output
    where = runner.invoke(main, ["-p", str(consented), "search", "hjælp", "--where", "consent=yes", "--json"])
    assert where.output == search.output


def test_unknown_kinds_languages_attributes_and_documents_are_errors_everywhere(consented: Path):
    with Project.open(consented) as p:
        for flt, says in (
            (DocumentFilter(kind="diary"), "kinds in this project: interview"),
            (DocumentFilter(language="xx"), "languages in this project: da"),
            (DocumentFilter(where=("colour=red",)), "no attribute 'colour'"),
            (DocumentFilter(documents=("zzz",)), "no document 'zzz'"),
        ):
            with pytest.raises(QualcodeError, match=says):
                flt.select(p)
    runner = CliRunner()
    for args in (["search", "hjælp", "--kind", "fieldnote"], ["cooccurrence", "--kind", "fieldnote"]):
        r = runner.invoke(main, ["-p", str(consented), *args])
        assert r.exit_code == 1 and "kinds in this project: interview" in r.output, r.output
