"""The analysis arrays follow the event log: after each kind of change they equal a full read of the
table, without reading it again — in the same session (memory) and in the next process (the file)."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.analysis import arrays
from qualcode.analysis.arrays import Scope, coding_rows
from qualcode.codebook.tree import merge_codes
from qualcode.coding.codings import add_coding, list_codings, remove_coding, resize_coding
from qualcode.corpus.documents import list_documents, remove_document
from qualcode.project import Project
from qualcode.revision.revise import revise_document


def _truth(project: Project, scope: Scope) -> list[tuple[int, ...]]:
    sql = f"SELECT id, document_id, code_id, coder_id, start, [end] FROM codings{scope.sql()} ORDER BY id"
    return [tuple(r) for r in project.db.execute(sql).fetchall()]


def _as_rows(rows: np.ndarray) -> list[tuple[int, ...]]:
    return sorted(tuple(int(v) for v in r) for r in rows.tolist())


@pytest.fixture
def full_reads(monkeypatch):
    """How many times the table was read whole."""
    count = {"n": 0}
    real = arrays._read_all

    def counting(conn, scope):
        count["n"] += 1
        return real(conn, scope)

    monkeypatch.setattr(arrays, "_read_all", counting)
    return count


def _first_doc_and_code(p: Project) -> tuple[dict, str]:
    doc = list_documents(p)[0]
    code = p.db.execute("SELECT id FROM codes WHERE codable = 1 ORDER BY id LIMIT 1").fetchone()[0]
    return doc, code


CHANGES = {
    "add": lambda p, doc, code: add_coding(p, doc["id"], 3, 17, code),
    "resize": lambda p, doc, code: resize_coding(p, list_codings(p)[0]["id"], 0, 9),
    "remove": lambda p, doc, code: remove_coding(p, list_codings(p)[-1]["id"]),
    "undo": lambda p, doc, code: (add_coding(p, doc["id"], 30, 44, code), p.undo()),
    "redo": lambda p, doc, code: (add_coding(p, doc["id"], 50, 64, code), p.undo(), p.redo()),
    "merge codes": lambda p, doc, code: merge_codes(
        p, *[r[0] for r in p.db.execute("SELECT id FROM codes WHERE codable = 1 ORDER BY id LIMIT 2 OFFSET 1")]
    ),
    "remove a document": lambda p, doc, code: remove_document(p, list_documents(p)[-1]["id"], with_codings=True),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_after_each_change_the_arrays_equal_the_table_without_a_full_read(demo_path, full_reads, change):
    everyone, anna = Scope(), None
    with Project.open(demo_path, coder="anna") as p:
        anna = Scope(coders=(p.db.execute("SELECT id FROM coders WHERE name = 'anna'").fetchone()[0],))
        coding_rows(p, everyone), coding_rows(p, anna)  # read whole once, and stored for next time
        assert full_reads["n"] == 2
        doc, code = _first_doc_and_code(p)
        CHANGES[change](p, doc, code)
        # the same session: the arrays in memory are brought up to date
        assert _as_rows(coding_rows(p, everyone)) == _truth(p, everyone)
        assert _as_rows(coding_rows(p, anna)) == _truth(p, anna)
    with Project.open(demo_path, coder="bo") as p:  # the next process: the file's copy, brought up to date
        assert _as_rows(coding_rows(p, everyone)) == _truth(p, everyone)
        assert _as_rows(coding_rows(p, anna)) == _truth(p, anna)
    assert full_reads["n"] == 2


def test_a_change_the_log_cannot_describe_means_a_full_read(demo_path, full_reads):
    with Project.open(demo_path, coder="anna") as p:
        coding_rows(p, Scope())
        doc = list_documents(p)[0]
        text = p.db.execute("SELECT text FROM documents WHERE id = ?", [doc["id"]]).fetchone()[0]
        # a revision that withholds the old text records no rows, yet moves codings
        revise_document(p, doc["id"], "Prologue added.\n" + text, keep_previous=False)
        assert _as_rows(coding_rows(p, Scope())) == _truth(p, Scope())
    assert full_reads["n"] == 2


def test_a_copy_that_disagrees_with_the_table_is_not_used(demo_path, full_reads):
    with Project.open(demo_path, coder="anna") as p:
        coding_rows(p, Scope())
    with Project.open(demo_path, coder="anna") as p:
        doc, code = _first_doc_and_code(p)
        add_coding(p, doc["id"], 3, 17, code)
        # a coding written behind the log's back (no qualcode path does this)
        p.db.execute("DELETE FROM codings WHERE id = (SELECT MIN(id) FROM codings)")
        assert _as_rows(coding_rows(p, Scope())) == _truth(p, Scope())
    assert full_reads["n"] == 2


def test_the_file_copy_is_rewritten_only_when_it_trails_far_behind(demo_path):
    def stored_at(p: Project) -> int:
        return p.db.execute("SELECT last_event FROM analysis_cache WHERE key = ?", [Scope().key]).fetchone()[0]

    with Project.open(demo_path, coder="anna") as p:
        coding_rows(p, Scope())
    with Project.open(demo_path, coder="anna") as p:
        first = stored_at(p)
        doc, code = _first_doc_and_code(p)
        add_coding(p, doc["id"], 3, 17, code)
        coding_rows(p, Scope())
    with Project.open(demo_path, coder="anna") as p:
        assert stored_at(p) == first  # one event behind: cheaper to replay than to rewrite
        for k in range(arrays.STORE_LAG + 1):
            add_coding(p, doc["id"], 100 + k, 110 + k, code)
        coding_rows(p, Scope())
    with Project.open(demo_path, coder="anna") as p:
        assert stored_at(p) == p.last_event_id()


def test_a_failed_command_leaves_no_cached_arrays(demo_path):
    with pytest.raises(RuntimeError), Project.open(demo_path, coder="anna") as p:
        coding_rows(p, Scope())
        raise RuntimeError("the command failed after its analysis")
    with Project.open(demo_path, coder="anna") as p:
        assert p.db.execute("SELECT COUNT(*) FROM analysis_cache").fetchone()[0] == 0
