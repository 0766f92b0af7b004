"""Writes of derived data (the search index, the analysis cache): not events, never required.

Derived rows are rebuilt from the texts and codings at will, so they are written outside the event
log, each batch in its own transaction. On a read-only project they go to TEMP tables that shadow
the file's own (SQLite resolves unqualified names in ``temp`` first), so searching and analysing a
file you may not write still work, and the file is never touched.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Iterator

from qualcode.store.failures import storage_error


def _shadow(conn: sqlite3.Connection, tables: Iterable[str]) -> None:
    have = {r[0] for r in conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'")}
    for table in tables:
        if table in have:
            continue
        ddl = conn.execute("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
        if ddl is None:
            continue
        conn.execute(re.sub(r"^CREATE TABLE", "CREATE TEMP TABLE", ddl[0], count=1))
        conn.execute(f"INSERT INTO temp.[{table}] SELECT * FROM main.[{table}]")
        for (sql,) in conn.execute("SELECT sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                   "AND sql IS NOT NULL", [table]).fetchall():
            conn.execute(re.sub(r"^CREATE (UNIQUE )?INDEX \[?(\w+)\]?", r"CREATE \1INDEX temp.[\2]", sql, count=1))


@contextlib.contextmanager
def derived_tx(project, tables: Iterable[str]) -> Iterator[sqlite3.Connection]:
    """One transaction of derived rows in ``tables``; rolled back on any error, shadowed when read-only."""
    conn = project.db.conn
    if project.readonly:
        _shadow(conn, tables)
    try:
        conn.execute("BEGIN" if project.readonly else "BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise storage_error(e, project.path) from None
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as e:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise storage_error(e, project.path) from None
