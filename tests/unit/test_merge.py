"""Merging a coder's copy of the project back, by GUID."""

import shutil
import sqlite3

import pytest

from helpers.db import dump
from qualcode.codebook import tree
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import add_coding, list_codings
from qualcode.coding.memos import list_memos, set_memo
from qualcode.corpus.documents import document_units, get_document, list_documents
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.interchange.merge import merge_project
from qualcode.project import Project


@pytest.fixture
def copies(demo_template, tmp_path):
    main, other = tmp_path / "main.db", tmp_path / "cai.db"
    shutil.copy(demo_template, main)
    shutil.copy(demo_template, other)
    return main, other


def _work_in_copy(path):
    """cai codes two passages, adds a code under Barriers and writes a memo on it."""
    with Project.open(path, coder="cai") as p:
        doc = list_documents(p)[0]
        add_coding(p, doc["id"], 10, 60, "Help sought")
        tree.add_code(p, "Housing queue", parent="Barriers")
        add_coding(p, doc["id"], 100, 140, "Barriers/Housing queue", memo="new code")
        set_memo(p, "code", get_code(p, "Barriers/Housing queue").guid, "Split from Waiting?")
        return doc["name"]


def test_merge_brings_codings_codes_coders_and_memos(copies):
    main, other = copies
    doc_name = _work_in_copy(other)
    with Project.open(main, coder="supervisor") as p:
        before = p.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        report = merge_project(p, other)
        assert report.coders == ["cai"]
        assert report.codes == ["Barriers/Housing queue"]
        assert dict(report.codings) == {"cai": 2}
        assert report.memos == 1 and report.documents == []
        assert report.summary() == "from cai.db: added 1 coder(s) (cai), 1 code(s), 2 coding(s), 1 memo(s)"
        spans = [(c["document"], c["start"], c["end"], c["code"], c["memo"]) for c in list_codings(p, coder="cai")]
        assert spans == [
            (doc_name, 10, 60, "Help sought", None),
            (doc_name, 100, 140, "Barriers/Housing queue", "new code"),
        ]
        code = get_code(p, "Barriers/Housing queue")
        assert get_code(p, code.parent_id).path == "Barriers"
        assert [m["text"] for m in list_memos(p, "code", code.guid)] == ["Split from Waiting?"]
        # One transaction, one event.
        events = p.db.execute("SELECT action FROM events WHERE id > ?", [before]).fetchall()
        assert events == [("project.merge",)]
        # GUIDs are kept, so the other file's identities survive.
        with Project.open(other) as o:
            assert {c["guid"] for c in list_codings(o, coder="cai")} == {
                c["guid"] for c in list_codings(p, coder="cai")
            }


def test_merging_twice_changes_nothing(copies):
    main, other = copies
    _work_in_copy(other)
    with Project.open(main, coder="supervisor") as p:
        merge_project(p, other)
    snapshot = dump(main)
    with Project.open(main, coder="supervisor") as p:
        again = merge_project(p, other)
    assert not again.changed and again.summary() == "nothing new in cai.db"
    assert again.skipped_codings > 0
    assert dump(main) == snapshot


def test_merge_is_undoable_as_one_step(copies):
    main, other = copies
    _work_in_copy(other)
    with Project.open(main, coder="supervisor") as p:
        n_codings = p.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        merge_project(p, other)
        assert p.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == n_codings + 2
        assert p.undo()["action"] == "project.merge"
        assert p.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == n_codings
        assert "cai" not in [c["name"] for c in p.coders()]


def test_same_guid_different_text_is_refused_and_nothing_written(copies):
    main, other = copies
    _work_in_copy(other)
    conn = sqlite3.connect(other)
    name = conn.execute("SELECT name FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE documents SET text = text || 'x', text_sha256 = 'changed' WHERE name = ?", [name])
    conn.commit()
    conn.close()
    snapshot = dump(main)
    with Project.open(main, coder="supervisor") as p:
        with pytest.raises(QualcodeError) as e:
            merge_project(p, other)
    assert f"document '{name}'" in str(e.value) and "different text" in str(e.value)
    assert "Nothing was changed" in str(e.value)
    assert dump(main) == snapshot


def test_new_documents_come_with_units_attributes_and_codings(copies, tmp_path):
    main, other = copies
    note = tmp_path / "en_obs99_new.txt"
    note.write_text("A new field note. It has two sentences.\n", encoding="utf-8")
    with Project.open(other, coder="cai") as p:
        import_files(p, [note], language="en")
        add_coding(p, "en_obs99_new", 0, 17, "Help sought")
        units = document_units(p, get_document(p, "en_obs99_new")["id"], "sentence")
    with Project.open(main, coder="supervisor") as p:
        report = merge_project(p, other)
        assert report.documents == ["en_obs99_new"]
        doc = get_document(p, "en_obs99_new")
        assert doc["text"] == "A new field note. It has two sentences.\n"
        assert document_units(p, doc["id"], "sentence") == units
        assert [(c["start"], c["end"]) for c in list_codings(p, document=doc["id"])] == [(0, 17)]
        # One event, undoable as one step: the document, its packed units and its codings go.
        ev = p.events(limit=1)[0]
        assert ev["action"] == "project.merge" and ev["undoable"]
        assert p.undo()["action"] == "project.merge"
        assert "en_obs99_new" not in [d["name"] for d in list_documents(p)]
        assert p.db.execute("SELECT COUNT(*) FROM unit_sets WHERE document_id = ?", [doc["id"]]).fetchone()[0] == 0
        assert p.redo()["action"] == "project.merge"
        assert document_units(p, get_document(p, "en_obs99_new")["id"], "sentence") == units


def test_independently_imported_identical_document_is_matched(copies, tmp_path):
    main, other = copies
    note = tmp_path / "en_obs98_twice.txt"
    note.write_text("Imported in both copies.\n", encoding="utf-8")
    for path, coder in ((main, "anna"), (other, "cai")):
        with Project.open(path, coder=coder) as p:
            import_files(p, [note], language="en")
    with Project.open(other, coder="cai") as p:
        add_coding(p, "en_obs98_twice", 0, 8, "Help sought")
    with Project.open(main, coder="supervisor") as p:
        report = merge_project(p, other)
        assert report.documents == []
        assert "document 'en_obs98_twice' matched by name and identical text" in report.matched
        assert [(c["start"], c["end"]) for c in list_codings(p, document="en_obs98_twice")] == [(0, 8)]


def test_merge_cli(copies, runner):
    from qualcode.cli import main as cli

    main, other = copies
    _work_in_copy(other)
    out = runner.invoke(cli, ["-p", str(main), "-c", "supervisor", "merge", str(other)])
    assert out.exit_code == 0, out.output
    assert "added 1 coder(s) (cai)" in out.output and "2 coding(s) by cai" in out.output
    again = runner.invoke(cli, ["-p", str(main), "-c", "supervisor", "merge", str(other)])
    assert "nothing new in cai.db" in again.output
