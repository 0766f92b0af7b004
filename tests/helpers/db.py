"""Reading a project file straight from SQLite: the truth a test compares the program's answers with."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(path: Path) -> list[str]:
    """Every row of a project file, for before/after comparisons."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def codings(path: Path, **where) -> list[tuple]:
    """Stored rows (document name, code path, coder, start, end, memo) — read straight from the file."""
    import sqlite3

    con = sqlite3.connect(path)
    sql = (
        "WITH RECURSIVE p(id, path) AS (SELECT id, name FROM codes WHERE parent_id IS NULL UNION ALL "
        "SELECT c.id, p.path || '/' || c.name FROM codes c JOIN p ON c.parent_id = p.id) "
        "SELECT d.name, p.path, k.name, c.start, c.[end], c.memo FROM codings c "
        "JOIN documents d ON d.id = c.document_id JOIN p ON p.id = c.code_id JOIN coders k ON k.id = c.coder_id"
    )
    conds, params = [], []
    for key, column in (
        ("document", "d.name"),
        ("code", "p.path"),
        ("coder", "k.name"),
        ("start", "c.start"),
        ("end", "c.[end]"),
    ):
        if key in where:
            conds.append(f"{column} = ?")
            params.append(where[key])
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    rows = con.execute(sql + " ORDER BY d.name, c.start, c.[end], p.path, k.name", params).fetchall()
    con.close()
    return rows
