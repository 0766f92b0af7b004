"""Revising a coded document: insertions, deletions, an edit inside a coding and a moved paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.codebook.tree import add_code
from qualcode.coding.codings import add_coding, get_coding, list_codings
from qualcode.corpus.documents import document_units, get_document
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.revision.revise import Alignment, review_list, revise_document, version_text, versions
from qualcode.search import search
from qualcode.text.segmentation import segment_many

P1 = "IP: Jeg gik til herberget i går. De sagde der ikke var plads.\n\n"
P2 = "I: Hvad gjorde du så?\n\n"
P3 = "IP: Min kontaktperson ringede til kommunen. Hun fik mig ind på et værelse.\n\n"
P4 = "I: Og metadonen?\n\n"
P5 = "IP: Jeg venter stadig på metadon. Det tager lang tid.\n"
OLD = P1 + P2 + P3 + P4 + P5
# an insertion before a coding, the P3 paragraph moved to the end, a word inserted inside a coding,
# and a coded sentence deleted
NEW = (
    P1.replace("i går.", "i forgårs, sent om aftenen.")
    + P2
    + P4
    + "IP: Jeg venter stadig på min metadon.\n\n"
    + P3.rstrip("\n")
    + "\n"
)

CODED = {  # name: (words, code, coder)
    "A": ("De sagde der ikke var plads", "Barriers", "anna"),
    "B": ("Min kontaktperson ringede til kommunen", "Resources", "anna"),
    "C": ("Jeg venter stadig på metadon", "Waiting", "bo"),
    "D": ("Det tager lang tid.", "Waiting", "anna"),
    "E": ("Hvad gjorde du så?", "Barriers", "bo"),
}


@pytest.fixture()
def project(tmp_path: Path):
    (tmp_path / "int01.txt").write_text(OLD, encoding="utf-8")
    p = Project.create(tmp_path / "p.db", coder="anna")
    import_files(p, [tmp_path / "int01.txt"], language="da")
    for name in ("Barriers", "Resources", "Waiting"):
        add_code(p, name)
    ids = {}
    for key, (words, code, coder) in CODED.items():
        s = OLD.index(words)
        ids[key] = add_coding(p, "int01", s, s + len(words), code, coder=coder)["guid"]
    p.ids = ids
    yield p
    p.close()


def _by_guid(p: Project) -> dict[str, dict]:
    return {r["guid"]: r for r in list_codings(p)}


def test_every_coding_keeps_its_words_or_is_listed(project):
    events_before = len(project.events(1000))
    report = revise_document(project, "int01", NEW, note="corrected by the transcriber")
    status = {p.guid: p.status for p in report.placements}
    ids = project.ids
    assert status[ids["A"]] == "same" and status[ids["E"]] == "same"
    assert status[ids["B"]] == "moved"
    assert status[ids["C"]] == "changed"
    assert status[ids["D"]] == "unplaced"
    rows = _by_guid(project)
    assert len(rows) == 5  # nothing dropped
    doc = get_document(project, "int01")
    assert doc["text"] == NEW and doc["char_count"] == len(NEW)
    for key in "ABE":  # same words, new offsets
        r = rows[ids[key]]
        assert r["text"] == CODED[key][0] == NEW[r["start"] : r["end"]]
        assert (r["start"], r["end"]) == (NEW.index(CODED[key][0]), NEW.index(CODED[key][0]) + len(CODED[key][0]))
    c = rows[ids["C"]]
    assert c["text"] == NEW[c["start"] : c["end"]] == "Jeg venter stadig på min metadon"
    assert rows[ids["C"]]["coder"] == "bo"  # re-anchoring keeps the coder
    d = rows[ids["D"]]
    # its words are gone: it stays on the sentence where they were, and is listed for review
    ((units, _),) = segment_many([(NEW, "da")])
    there = [(u.start, u.end) for u in units if u.kind == "sentence" and u.end == NEW.index("metadon.\n\n") + 8]
    assert [(d["start"], d["end"])] == there and d["text"].endswith("Jeg venter stadig på min metadon.")
    (item,) = review_list(project, "int01")
    assert item["coding_guid"] == ids["D"] and item["old_text"] == "Det tager lang tid."
    assert (item["old_start"], item["old_end"]) == (OLD.index("Det tager"), OLD.index("Det tager") + 19)
    assert item["code"] == "Waiting" and item["coder"] == "anna" and item["version"] == 2
    # one event
    events = project.events(1000)
    assert len(events) == events_before + 1 and events[0]["action"] == "document.revise"
    assert "1 same" not in events[0]["summary"] and "2 same, 1 moved, 1 changed, 1 unplaced" in events[0]["summary"]


def test_versions_units_and_index_follow_the_new_text(project):
    assert search(project, "forgårs").hits == []
    revise_document(project, "int01", NEW)
    vs = versions(project, "int01")
    assert [v["version"] for v in vs] == [1, 2] and [v["current"] for v in vs] == [False, True]
    assert version_text(project, "int01", 1) == OLD and version_text(project, "int01", 2) == NEW
    doc_id = get_document(project, "int01")["id"]
    ((units, words),) = segment_many([(NEW, "da")])
    assert [(u["start"], u["end"]) for u in document_units(project, doc_id, "sentence")] == [
        (u.start, u.end) for u in units if u.kind == "sentence"
    ]
    assert get_document(project, doc_id)["word_count"] == words
    turns = document_units(project, doc_id, "turn")
    assert [NEW[u["start"] : u["end"]] for u in turns][-1] == P3[4:].rstrip("\n")
    hits = search(project, "forgårs").hits
    assert [(h.start, h.end) for h in hits] == [(NEW.index("forgårs"), NEW.index("forgårs") + 7)]
    with pytest.raises(QualcodeError, match="no version 3"):
        version_text(project, "int01", 3)


def _rows(p: Project) -> dict[str, list]:
    skip = {"events", "search_docs", "search_vocab", "search_postings"}
    tables = [
        r[0]
        for r in p.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_") and r[0] not in skip
    ]
    return {t: sorted(map(tuple, p.db.execute(f"SELECT * FROM [{t}]").fetchall()), key=repr) for t in tables}


def test_undo_takes_the_whole_revision_back(project):
    before = _rows(project)
    revise_document(project, "int01", NEW)
    after = _rows(project)
    assert after != before
    assert project.undo()["action"] == "document.revise"
    assert _rows(project) == before
    project.redo()
    assert _rows(project) == after


def test_preview_writes_nothing_and_same_text_is_refused(project):
    tables = ("documents", "codings", "unit_sets", "document_versions", "coding_reviews", "events")
    before = {t: project.db.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    report = revise_document(project, "int01", NEW, apply=False)
    assert not report.applied and report.counts() == {"same": 2, "moved": 1, "changed": 1, "unplaced": 1}
    assert {t: project.db.execute(f"SELECT * FROM {t}").fetchall() for t in tables} == before
    with pytest.raises(QualcodeError, match="same as the current version"):
        revise_document(project, "int01", OLD)


def test_going_back_to_an_older_version(project):
    revise_document(project, "int01", NEW)
    back = revise_document(project, "int01", version_text(project, "int01", 1), note="back to version 1")
    assert back.version == 3
    rows = _by_guid(project)
    for key in "ABCE":  # the words they were on before the correction
        r = rows[project.ids[key]]
        assert r["text"] == CODED[key][0] and OLD[r["start"] : r["end"]] == CODED[key][0]


def test_alignment_maps_offsets_through_edits():
    al = Alignment("abc def ghi", "abc XX def ghi")
    assert al.span(4, 7) == (7, 10, True)  # "def" moved right by the insertion
    assert al.span(0, 3) == (0, 3, True)
    al2, new = Alignment.from_replacements("Mette og Bo", [(0, 5, "Sanne"), (9, 11, "Kim")])
    assert new == "Sanne og Kim" and al2.trusted
    assert al2.span(0, 8) == (0, 8, False)  # the start lies in a replaced word: it maps to its replacement
    assert al2.span(6, 8) == (6, 8, True)


def test_cli_revise_versions_review(project, tmp_path):
    new_file = tmp_path / "int01_corrected.txt"
    new_file.write_text(NEW, encoding="utf-8")
    runner = CliRunner()
    base = ["-p", str(project.path), "-c", "anna"]
    out = runner.invoke(main, [*base, "revise", "int01", str(new_file)])
    assert out.exit_code == 0, out.output
    assert "preview only" in out.output and "2 same, 1 moved, 1 changed, 1 unplaced" in out.output
    assert get_document(project, "int01")["text"] == OLD
    out = runner.invoke(main, [*base, "revise", "int01", str(new_file), "--apply"])
    assert out.exit_code == 0 and "need a look" in out.output, out.output
    out = runner.invoke(main, [*base, "versions", "int01"])
    assert out.exit_code == 0 and "* v2" in out.output
    out = runner.invoke(main, [*base, "versions", "int01", "--show", "1"])
    assert out.output == OLD
    out = runner.invoke(main, [*base, "review", "int01"])
    assert "Det tager lang tid." in out.output and "1 coding(s) to check" in out.output
    rid = review_list(project, "int01")[0]["id"]
    out = runner.invoke(main, [*base, "review", "--resolve", str(rid)])
    assert out.exit_code == 0 and review_list(project) == []
    out = runner.invoke(main, [*base, "revise", "int01", "--from-version", "1", "--apply"])
    assert out.exit_code == 0 and get_document(project, "int01")["text"] == OLD


def test_subtitle_turns_keep_their_times(tmp_path):
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Anna>Hvordan går det?\n\n"
        "00:00:05.000 --> 00:00:09.500\n<v Lars>Det går fint med metadonen nu.\n"
    )
    (tmp_path / "call.vtt").write_text(vtt, encoding="utf-8")
    p = Project.create(tmp_path / "v.db", coder="anna")
    import_files(p, [tmp_path / "call.vtt"], language="da")
    doc = get_document(p, "call")
    before = document_units(p, doc["id"], "turn")
    assert [t["time_start"] for t in before] == [1.0, 5.0]
    revise_document(p, "call", doc["text"].replace("fint", "rigtig fint"))
    after = document_units(p, doc["id"], "turn")
    new = get_document(p, "call")["text"]
    assert [(t["speaker"], t["time_start"], t["time_end"]) for t in after] == [
        (t["speaker"], t["time_start"], t["time_end"]) for t in before
    ]
    assert new[after[1]["start"] : after[1]["end"]] == "Det går rigtig fint med metadonen nu."
    p.close()


def test_a_sentence_deleted_from_a_coded_passage(tmp_path):
    old = "IP: Hun sagde det højt: »Nå, det er dig med metadonen.« Jeg blev så flov. Jeg gik bare igen.\n"
    new = old.replace("metadonen", "methadonen").replace(" Jeg blev så flov.", "")
    (tmp_path / "x.txt").write_text(old, encoding="utf-8")
    p = Project.create(tmp_path / "x.db", coder="anna")
    import_files(p, [tmp_path / "x.txt"], language="da")
    add_code(p, "Stigma")
    s = old.index("Jeg blev")
    guid = add_coding(p, "x", s, s + len("Jeg blev så flov. Jeg gik bare igen."), "Stigma")["guid"]
    (placement,) = revise_document(p, "x", new).placements
    assert placement.status == "changed"  # what is left of its own words, not the edited neighbour
    assert get_coding(p, guid)["text"] == "Jeg gik bare igen." == new[placement.new_start : placement.new_end]
    p.close()
