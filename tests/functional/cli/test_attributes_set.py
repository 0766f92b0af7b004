"""`attributes set` and `attributes add`: one value at a time, typed, one undoable event each."""

from __future__ import annotations

import sqlite3

from helpers.cli import digest, qc


def value(path, doc, name):
    con = sqlite3.connect(path)
    row = con.execute(
        "SELECT v.value FROM document_attributes v JOIN attributes a ON a.id = v.attribute_id "
        "JOIN documents d ON d.id = v.document_id WHERE d.name = ? AND a.name = ?",
        [doc, name],
    ).fetchone()
    con.close()
    return row[0] if row else None


DOC = "da_int01_vesterbro_bruger"


def test_set_add_check_and_undo(demo_path):
    r = qc(demo_path, "attributes", "set", DOC, "site", "Amager")
    assert r.returncode == 0 and r.stdout.strip() == f"site of {DOC}: set to 'Amager'"
    assert value(demo_path, DOC, "site") == "Amager"
    assert qc(demo_path, "attributes", "add", "age", "--type", "integer").returncode == 0
    before = digest(demo_path)
    bad = qc(demo_path, "attributes", "set", DOC, "age", "thirty")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "Error: age takes a whole number (e.g. 45), not 'thirty'; nothing was changed"
    assert digest(demo_path) == before
    assert qc(demo_path, "attributes", "set", DOC, "age", "34").returncode == 0
    assert value(demo_path, DOC, "age") == "34"
    assert qc(demo_path, "undo").returncode == 0
    assert value(demo_path, DOC, "age") is None
    assert qc(demo_path, "attributes", "set", DOC, "site", "").stdout.strip() == f"site of {DOC}: removed"
    assert value(demo_path, DOC, "site") is None
