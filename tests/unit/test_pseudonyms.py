"""Pseudonymisation: every variant replaced and nothing else, in a hand-checked transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.codebook.tree import add_code
from qualcode.coding.codings import add_coding, list_codings
from qualcode.coding.csv_io import codings_csv
from qualcode.corpus.documents import get_document
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.revision.pseudonyms import (
    add_pseudonym,
    apply_pseudonyms,
    find_matches,
    import_transform,
    mapping_csv,
    preview,
    pseudonymise_text,
    pseudonyms,
)
from qualcode.revision.revise import review_list, version_text

TEXT = (
    "I: Hvornår mødte du Mette Hansen første gang?\n\n"
    "IP: Det var på Istedgade. Mettes kontor lå lige ved siden af. Mete, som hun også bliver kaldt, "
    "ringede til Bo hver uge. Hans fra kommunen kom aldrig.\n\n"
    "I: Bor du stadig hos Bo?\n\n"
    "IP: Nej, jeg vil ikke bo der mere. BO er flyttet til Istedgades ende. Mette er god. "
    "Metadon får jeg på Sundholm, ikke hos Hansen-familien. Boligen er ok.\n"
)
# checked by hand: the full name, the genitive, the misspelling, the capitalised shout and the
# hyphenated family name are replaced; "Bor", "bo" (the verb), "Boligen", "Hans", "Metadon" and
# "Sundholm" (a study site, not on the list) are not.
EXPECTED = (
    "I: Hvornår mødte du Sanne Holm første gang?\n\n"
    "IP: Det var på Vestergade. Sannes kontor lå lige ved siden af. Sanne, som hun også bliver kaldt, "
    "ringede til Kim hver uge. Hans fra kommunen kom aldrig.\n\n"
    "I: Bor du stadig hos Kim?\n\n"
    "IP: Nej, jeg vil ikke bo der mere. KIM er flyttet til Vestergades ende. Sanne er god. "
    "Metadon får jeg på Sundholm, ikke hos Holm-familien. Boligen er ok.\n"
)
ENTRIES = [
    ("Mette Hansen", "Sanne Holm", "name"),
    ("Mette", "Sanne", "name"),
    ("Hansen", "Holm", "name"),
    ("Bo", "Kim", "name"),
    ("Istedgade", "Vestergade", "place"),
]
NAMES = ("Mette", "Mete", "Hansen", "Istedgade", "Bo ", "Bo?", "BO ")


@pytest.fixture()
def project(tmp_path: Path):
    (tmp_path / "int09.txt").write_text(TEXT, encoding="utf-8")
    p = Project.create(tmp_path / "p.db", coder="anna")
    import_files(p, [tmp_path / "int09.txt"], language="da")
    for orig, pseudo, kind in ENTRIES:
        add_pseudonym(p, orig, pseudo, kind)
    yield p
    p.close()


def test_all_variants_replaced_and_nothing_else():
    new, matches = pseudonymise_text(TEXT, [(o, p) for o, p, _ in ENTRIES])
    assert new == EXPECTED
    how = {(m.found, m.how) for m in matches}
    assert how == {
        ("Mette Hansen", "exact"),
        ("Istedgade", "exact"),
        ("Mettes", "inflected"),
        ("Mete", "fuzzy"),
        ("Bo", "exact"),
        ("BO", "exact"),
        ("Istedgades", "inflected"),
        ("Mette", "exact"),
        ("Hansen", "exact"),
    }
    assert len(matches) == 10  # "Bo" twice
    mete = next(m for m in matches if m.found == "Mete")
    assert mete.score == pytest.approx(800 / 9, abs=1e-6)  # Indel ratio 2·4/(4+5)
    for m in matches:
        assert TEXT[m.start : m.end] == m.found


def test_threshold_and_short_names():
    # at 90 the misspelling (88.9) is no longer taken for the name
    assert [m.found for m in find_matches("Mete og Mette", [("Mette", "Sanne")], threshold=90)] == ["Mette"]
    # names shorter than four letters are never matched fuzzily: "Bob" is not "Bo"
    assert find_matches("Bob og Boo", [("Bo", "Kim")], threshold=50) == []


def test_preview_then_apply_as_a_revision(project):
    add_code(project, "Contact")
    s = TEXT.index("Mettes kontor")
    c1 = add_coding(project, "int09", s, s + len("Mettes kontor lå lige ved siden af"), "Contact")
    s = TEXT.index("ringede til Bo")
    c2 = add_coding(project, "int09", s, s + len("ringede til Bo hver uge"), "Contact", coder="bo")
    s = TEXT.index("Boligen er ok.")
    c3 = add_coding(project, "int09", s, s + 14, "Contact")
    found = preview(project)
    assert [m.replacement for m in found["int09"]] == [
        "Sanne Holm",
        "Vestergade",
        "Sannes",
        "Sanne",
        "Kim",
        "Kim",
        "KIM",
        "Vestergades",
        "Sanne",
        "Holm",
    ]
    assert get_document(project, "int09")["text"] == TEXT  # preview wrote nothing
    (report,) = apply_pseudonyms(project).documents
    assert get_document(project, "int09")["text"] == EXPECTED
    rows = {r["guid"]: r for r in list_codings(project)}
    assert rows[c1["guid"]]["text"] == "Sannes kontor lå lige ved siden af"
    assert rows[c2["guid"]]["text"] == "ringede til Kim hver uge" and rows[c2["guid"]]["coder"] == "bo"
    assert rows[c3["guid"]]["text"] == "Boligen er ok."
    for r in rows.values():
        assert EXPECTED[r["start"] : r["end"]] == r["text"]
    assert report.review == [] and review_list(project) == []
    # the real names are withheld from the version history and the event log
    assert version_text(project, "int09", 1) == ""
    # (earlier events, such as adding a coding, keep what they recorded: pseudonymise at import to avoid that)
    log = project.db.execute(
        "SELECT group_concat(IFNULL(summary,'') || IFNULL(changes,''), ' ') FROM events "
        "WHERE action LIKE 'pseudonym%' OR action = 'document.revise'"
    ).fetchone()[0]
    assert not any(n in log for n in ("Mette", "Istedgade", "Hansen"))
    # exports carry the pseudonyms only; the mapping only on explicit request
    out = codings_csv(project)
    assert "Sanne" in out and not any(n in out for n in ("Mette", "Istedgade"))
    assert mapping_csv(project).splitlines()[0] == "original,pseudonym,kind"
    assert "Mette Hansen,Sanne Holm,name" in mapping_csv(project)
    assert preview(project) == {}  # nothing left to replace


def test_keep_original_and_import_transform(project):
    apply_pseudonyms(project, keep_original=True)
    assert version_text(project, "int09", 1) == TEXT
    assert import_transform(project)(TEXT, "da") == EXPECTED


def test_list_rules(project):
    with pytest.raises(QualcodeError, match="already has a pseudonym"):
        add_pseudonym(project, "Mette", "Lise")
    with pytest.raises(QualcodeError, match="replaced by itself"):
        add_pseudonym(project, "Kim", "kim")
    with pytest.raises(QualcodeError, match="name or a place"):
        add_pseudonym(project, "Kim", "Ole", kind="street")
    assert [p.original for p in pseudonyms(project) if p.kind == "place"] == ["Istedgade"]


def test_cli(project, tmp_path):
    runner = CliRunner()
    base = ["-p", str(project.path), "-c", "anna"]
    out = runner.invoke(main, [*base, "pseudonyms", "add", "Sundholm", "Amagerbro", "--kind", "place"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(main, [*base, "pseudonyms", "preview"])
    assert (
        out.exit_code == 0 and "'Mete' → 'Sanne' (fuzzy 89; Mette)" in out.output and "11 replacement(s)" in out.output
    )
    out = runner.invoke(main, [*base, "pseudonyms", "apply"])
    assert out.exit_code == 0, out.output
    assert get_document(project, "int09")["text"] == EXPECTED.replace("Sundholm", "Amagerbro")
    mapping = tmp_path / "mapping.csv"
    out = runner.invoke(main, [*base, "pseudonyms", "export-mapping", "-o", str(mapping)])
    assert out.exit_code == 0 and "Sundholm,Amagerbro,place" in mapping.read_text(encoding="utf-8")


def test_pseudonymise_at_import_names_never_reach_the_project(tmp_path):
    from click.testing import CliRunner

    from qualcode.cli import main

    db = tmp_path / "p.db"
    runner = CliRunner()
    assert runner.invoke(main, ["-p", str(db), "init"]).exit_code == 0
    assert runner.invoke(main, ["-p", str(db), "pseudonyms", "add", "Mette Hansen", "Lone"]).exit_code == 0
    f = tmp_path / "int.txt"
    f.write_text(
        "I: Hvem hjalp dig?\n\nIP: Mette Hansen fra gadeteamet. Mette Hansens kollega også.\n", encoding="utf-8"
    )
    r = runner.invoke(main, ["-p", str(db), "import", "--pseudonymise", str(f)])
    assert r.exit_code == 0, r.output
    import sqlite3

    # only the (never exported) pseudonym list itself holds the name
    rows = "\n".join(r for r in sqlite3.connect(db).iterdump() if not r.startswith('INSERT INTO "pseudonyms"'))
    assert "Mette" not in rows and "Hansen" not in rows
    from qualcode.project import Project

    with Project.open(db) as p:
        assert "Lone fra gadeteamet" in get_document(p, "int")["text"]
    vtt = tmp_path / "talk.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Mette>hej\n", encoding="utf-8")
    r = runner.invoke(main, ["-p", str(db), "import", "--pseudonymise", str(vtt)])
    assert r.exit_code == 1 and "then run 'qualcode pseudonyms apply'" in r.output
