"""Pseudonymisation that holds: the README's own example leaves no variant anywhere a user can
hand on, a crash in the middle changes nothing, suggestions find what is not yet on the list, and
the leak scan proves it — and catches a planted name."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import qc
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import add_coding, list_codings, set_coding_memo
from qualcode.coding.memos import list_memos, set_memo
from qualcode.corpus.documents import get_document
from qualcode.corpus.ingest import import_files
from qualcode.project import Project
from qualcode.revision.pseudonyms import add_pseudonym, apply_pseudonyms, find_matches, preview, rules
from qualcode.text.lexicon import lexicon

TEXT = (
    "I: Hvornår mødte du Mette Hansen første gang?\n\n"
    "IP: Det var på Istedgade. Mettes kontor lå lige ved siden af. Mete, som hun også bliver kaldt, "
    "ringede hver uge. METTE siger altid, at Hansen-familien hjalp. Hansens bil holdt udenfor. "
    "Hele dagen var hun der. Jeg skrev mette på sedlen. Bo kom også, men jeg vil ikke bo der.\n\n"
    "I: Og memo?\n\nIP: Ja.\n"
)
VARIANTS = ("Mette", "Mettes", "METTE", "Mete", "mette", "Hansen", "Hansens", "Istedgade")


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A project coded before pseudonymising — the order the issue found names left behind in."""
    (tmp_path / "int09.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "study.db"
    with Project.create(path, coder="anna") as p:
        import_files(p, [tmp_path / "int09.txt"], language="da")
        from qualcode.codebook.tree import add_code

        add_code(p, "Help sought", description="Help from Mette's team counts here.")
        s = TEXT.index("Mettes kontor")
        c = add_coding(p, "int09", s, s + 30, "Help sought", memo="Mette again, see Hansen")
        set_memo(p, "document", get_document(p, "int09")["guid"], "Interview with Mette at Istedgade")
        set_coding_memo(p, c["guid"], "Mette again, see Hansen")
    return path


def names_in(text: str) -> list[str]:
    import re

    words = set(re.findall(r"\w+", text))
    return sorted(v for v in VARIANTS if v in words)


def test_readme_example_replaces_every_part_and_variant(study: Path):
    with Project.open(study, coder="anna") as p:
        add_pseudonym(p, "Mette Hansen", "Sanne Holm")  # only the full name, as in the README
        add_pseudonym(p, "Istedgade", "Vestergade", "place")
        found = {m.found for m in preview(p)["int09"]}
        assert {"Mette Hansen", "Mettes", "Mete", "METTE", "mette", "Hansen", "Hansens", "Istedgade"} <= found
        assert "Hele" not in found and "bo" not in found and "Bo" not in found
        report = apply_pseudonyms(p)
        text = get_document(p, "int09")["text"]
        assert names_in(text) == []
        assert "Sanne Holm" in text and "Sannes kontor" in text and "SANNE siger" in text
        assert "Holm-familien" in text and "Holms bil" in text and "skrev sanne på" in text
        assert "Hele dagen" in text and "ikke bo der" in text
        assert report.other_texts == 3  # the document memo, the coding memo, the code's description
        memos = " ".join(m["text"] for m in list_memos(p))
        assert names_in(memos) == [] and names_in(get_code(p, "Help sought").description) == []
        assert names_in(" ".join(c["memo"] or "" for c in list_codings(p))) == []
        for c in list_codings(p):
            assert text[c["start"] : c["end"]] == c["text"]
        # the search index was rebuilt from the new text: the old words are gone from it
        vocab = {r[0] for r in p.db.execute("SELECT form FROM search_vocab")}
        assert "mette" not in vocab and "sanne" in vocab
    # exports of the working project carry no name
    out = study.parent / "exports"
    for args in (
        ["export", "tidy", "-o", str(out / "tidy.csv")],
        ["export", "tidy", "-o", str(out / "tidy.xlsx")],
        ["report", "quotes", "--code", "Help sought", "-o", str(out / "quotes.docx")],
        ["report", "quotes", "--code", "Help sought", "-o", str(out / "quotes.html")],
        ["qdpx", "export", "-o", str(out / "study.qdpx")],
    ):
        assert qc(study, *args).returncode == 0, args
    r = qc(study, "pseudonyms", "scan", "--no-project", str(out))
    assert r.returncode == 0, r.stdout
    assert "no name on the list found" in r.stdout
    # the working project's history still quotes the coding made before: the scan says where
    r = qc(study, "pseudonyms", "scan", "--json")
    import json

    places = {h["place"] for h in json.loads(r.stdout)["hits"]}
    assert r.returncode == 1 and places == {"events (the history)"}, places
    # a copy to hand on holds nothing of it, and the scan proves it
    shared = study.parent / "shared.db"
    r = qc(study, "share", "-o", str(shared))
    assert r.returncode == 0, r.stderr
    assert "leak scan of the copy: clean" in r.stdout
    assert oct(shared.stat().st_mode & 0o777) == "0o600" and not Path(f"{shared}-wal").exists()
    r = qc(study, "pseudonyms", "scan", "--no-project", str(shared))
    assert r.returncode == 0 and "no name on the list found" in r.stdout
    con = sqlite3.connect(shared)
    tables = {t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert con.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
    assert con.execute("SELECT action FROM events").fetchone()[0] == "project.share"
    for empty in ("pseudonyms", "document_versions", "coding_reviews", "search_postings", "analysis_cache"):
        assert empty in tables and con.execute(f"SELECT COUNT(*) FROM {empty}").fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 1
    con.close()
    # a planted name is caught, with its place
    planted = study.parent / "planted.csv"
    planted.write_text('document,quote\nint09,"Hun hed Mette, tror jeg"\n', encoding="utf-8")
    r = qc(study, "pseudonyms", "scan", "--no-project", str(planted))
    assert r.returncode == 1 and "planted.csv, line 2" in r.stdout and "Mette" in r.stdout


def test_share_refuses_a_copy_that_still_names_someone(study: Path):
    with Project.open(study, coder="anna") as p:
        add_pseudonym(p, "Mette Hansen", "Sanne Holm")
    shared = study.parent / "shared.db"
    r = qc(study, "share", "-o", str(shared))
    assert r.returncode == 1 and "run 'qualcode pseudonyms apply' first" in r.stderr
    assert not shared.exists() and not list(study.parent.glob(".shared.db*"))


def test_a_crash_in_the_middle_of_apply_changes_nothing(tmp_path: Path):
    docs = []
    for k in range(6):
        f = tmp_path / f"int{k}.txt"
        f.write_text(f"I: Hvem?\n\nIP: Mette Hansen hjalp mig, nummer {k}. Mettes bil.\n", encoding="utf-8")
        docs.append(f)
    path = tmp_path / "p.db"
    with Project.create(path, coder="anna") as p:
        import_files(p, docs, language="da")
        add_pseudonym(p, "Mette Hansen", "Sanne Holm")
    before = _dump(path)
    script = f"""
import os
from qualcode.revision import revise
from qualcode.project import Project
from qualcode.revision.pseudonyms import apply_pseudonyms
written = []
original = revise.write_revision
def crash_on_the_third(*args, **kwargs):
    written.append(1)
    if len(written) == 3:
        os._exit(9)  # as abrupt as kill -9: no clean-up, no rollback by Python
    return original(*args, **kwargs)
revise.write_revision = crash_on_the_third
with Project.open({str(path)!r}, coder="anna") as p:
    apply_pseudonyms(p)
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 9, r.stderr
    assert _dump(path) == before
    with Project.open(path) as p:  # and the next attempt does all six
        assert len(apply_pseudonyms(p).documents) == 6
        assert all("Mette" not in d_text for (d_text,) in p.db.execute("SELECT text FROM documents"))


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_parts_of_a_name_and_conflicts():
    rs, conflicts = rules([("Mette Hansen", "Sanne Holm"), ("Jens Hansen", "Ole Berg"), ("Anne Marie Lund", "Lise Bo")])
    by_word = {r.words: r.replacement for r in rs}
    assert by_word[("Mette",)] == "Sanne" and by_word[("Hansen",)] == "Holm"
    assert by_word[("Anne",)] == "Lise" and by_word[("Marie",)] == "Lise" and by_word[("Lund",)] == "Bo"
    assert conflicts == [
        "'Hansen' is part of 'Mette Hansen' (Holm) and of 'Jens Hansen' (Berg); add 'Hansen' on its own to choose"
    ]
    # an entry of its own for a part wins over the derived one
    rs, conflicts = rules([("Mette Hansen", "Sanne Holm"), ("Hansen", "Dal")])
    assert {r.words: r.replacement for r in rs}[("Hansen",)] == "Dal" and conflicts == []


def test_lower_case_names_are_replaced_only_where_they_are_no_word():
    da = lexicon("da")
    assert "bo" in da and "hele" in da and "mette" not in da
    text = "Jeg skrev mette og bo, og Hele dagen var Bo og Helle der."
    found = {m.found for m in find_matches(text, [("Mette", "Sanne"), ("Bo", "Kim"), ("Helle", "Lone")], lexicon=da)}
    assert found == {"mette", "Bo", "Helle"}
    # without a lexicon (an unknown language), lower case is never taken for a name
    assert {m.found for m in find_matches(text, [("Mette", "Sanne")])} == set()


def test_suggestions_find_names_not_yet_on_the_list(demo_path: Path):
    r = qc(demo_path, "pseudonyms", "suggest", "--json", "-n", "200")
    assert r.returncode == 0, r.stderr
    import json

    rows = {s["candidate"]: s for s in json.loads(r.stdout)}
    assert rows["Liam"]["kind"] == "speaker" and rows["Liam"]["count"] >= 20
    assert rows["Helle"]["kind"] == "name" and "[Helle]" in rows["Helle"]["example"]
    assert rows["Istedgade"]["documents"] == 4
    for word in ("Jeg", "Det", "Interviewer", "IP", "Which", "The"):
        assert word not in rows
    qc(demo_path, "pseudonyms", "add", "Helle", "Lone")
    again = {s["candidate"] for s in json.loads(qc(demo_path, "pseudonyms", "suggest", "--json", "-n", "200").stdout)}
    assert "Helle" not in again and "Liam" in again


def test_scan_reads_free_pages_but_never_opens_the_project(tmp_path: Path):
    """A name deleted without secure_delete stays on a free page: the scan finds it there."""
    path = tmp_path / "p.db"
    with Project.create(path, coder="anna") as p:
        add_pseudonym(p, "Mette", "Sanne")
    con = sqlite3.connect(path)
    con.execute("PRAGMA secure_delete = OFF")
    con.execute("CREATE TABLE scratch (t TEXT)")
    con.execute("INSERT INTO scratch VALUES (?)", ["Mette " * 2000])
    con.commit()
    con.execute("DROP TABLE scratch")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    r = qc(path, "pseudonyms", "scan", "--json")
    import json

    report = json.loads(r.stdout)
    assert r.returncode == 1 and not report["clean"]
    assert any(h["place"].startswith("free page") and h["found"] == "Mette" for h in report["hits"])
    assert not any(h["place"].startswith("pseudonyms") for h in report["hits"])  # the list itself is no leak
