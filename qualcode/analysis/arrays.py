"""The codings as numpy arrays, kept up to date event by event instead of re-read after each change.

Reading a million coding rows through Python costs about a second (~1 µs a row), which would make
every analysis after a coding as slow as the first. So the arrays of a scope (some coders, some
documents) are kept — in memory for the session, and in ``analysis_cache`` for the next process —
together with the id of the newest event they reflect. When the log has moved on, the events since
are read and their change sets applied to the arrays: an added coding is appended, a removed one
dropped, a moved or resized one replaced. Every change is an event (the store's invariant), so the
log is a complete account of what changed; an event that changed codings without recording its rows
(a ``.qdpx`` import, a revision that withholds its old text) sends us back to reading every row, as
does a delta too large to be worth applying. A row count checks the result before it is used.

All of it is read in one snapshot (a read transaction), so the arrays and the event id they are
labelled with always agree, however many processes are writing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qualcode.store import events

if TYPE_CHECKING:
    import sqlite3

    from qualcode.project import Project

__all__ = ["DTYPE", "Scope", "coding_rows"]

DTYPE = np.dtype(
    [
        ("id", np.int64),
        ("document", np.int64),
        ("code", np.int64),
        ("coder", np.int64),
        ("start", np.int64),
        ("end", np.int64),
    ]
)
_STORED = DTYPE.newbyteorder("<")  # the blob's byte order, whatever the machine's
_COLUMNS = ("id", "document_id", "code_id", "coder_id", "start", "end")

CACHE_ENTRIES = 4  # scopes kept in the file; each is 48 bytes a coding
STORE_LAG = 50  # events an entry in the file may trail before an analysis writes it anew
MAX_DELTA = 0.25  # changed codings, as a share of the scope, beyond which a full read is cheaper


@dataclass(frozen=True)
class Scope:
    """Which codings: these coders' (None: all), in these documents (None: all)."""

    coders: tuple[int, ...] | None = None
    documents: tuple[int, ...] | None = None

    @property
    def key(self) -> str:
        def part(ids: tuple[int, ...] | None) -> str:
            return "*" if ids is None else ",".join(map(str, ids))

        return f"codings:coders={part(self.coders)};documents={part(self.documents)}"

    def sql(self) -> str:
        """The WHERE condition, built from integers only (never from user text)."""
        conditions = []
        if self.coders is not None:
            conditions.append(f"coder_id IN ({','.join(map(str, self.coders))})")
        if self.documents is not None:
            conditions.append(f"document_id IN ({','.join(map(str, self.documents))})")
        return " WHERE " + " AND ".join(conditions) if conditions else ""

    def holds(self, document: int, coder: int) -> bool:
        return (self.coders is None or coder in self.coders) and (self.documents is None or document in self.documents)


@dataclass(frozen=True)
class _Kept:
    last_event: int  # the newest event the rows reflect
    rows: np.ndarray  # never changed in place: a session's worker threads share it
    stored_at: int | None  # the event the file's copy reflects (None: not in the file)


def coding_rows(project: Project, scope: Scope) -> np.ndarray:
    """The scope's codings as a structured array (``DTYPE``), current as of the newest event."""
    kept: dict[str, _Kept] = project.derived.setdefault("coding_rows", {})
    with _snapshot(project.db.conn) as conn:
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        mine = kept.get(scope.key)
        if mine is None or mine.last_event > last:  # (a file put back from a backup is behind us)
            mine = _stored(conn, scope)
        if mine is not None and mine.last_event < last:
            rows = _advance(conn, mine, last, scope)
            mine = _Kept(last, rows, mine.stored_at) if rows is not None else None
        if mine is None:
            mine = _Kept(last, _read_all(conn, scope), None)
    if mine.stored_at is None or last - mine.stored_at > STORE_LAG:
        _store_later(project, scope.key, mine)
        mine = _Kept(last, mine.rows, last)
    kept[scope.key] = mine
    return mine.rows


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction (or the caller's own), so every SELECT sees the same moment."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _read_all(conn: sqlite3.Connection, scope: Scope) -> np.ndarray:
    where = scope.sql()
    n = conn.execute(f"SELECT COUNT(*) FROM codings{where}").fetchone()[0]
    cur = conn.execute(f"SELECT id, document_id, code_id, coder_id, start, [end] FROM codings{where}")
    return np.fromiter(cur, dtype=DTYPE, count=n)


def _stored(conn: sqlite3.Connection, scope: Scope) -> _Kept | None:
    hit = conn.execute("SELECT last_event, data FROM analysis_cache WHERE key = ?", [scope.key]).fetchone()
    if hit is None or len(hit[1]) % DTYPE.itemsize:
        return None
    return _Kept(hit[0], np.frombuffer(hit[1], dtype=_STORED).astype(DTYPE), hit[0])


def _advance(conn: sqlite3.Connection, kept: _Kept, last: int, scope: Scope) -> np.ndarray | None:
    """``kept.rows`` with the change sets of events ``(kept.last_event, last]`` applied, or None when
    the log cannot say (an event changed codings without recording its rows) or a full read is
    cheaper. The result is checked against the table's own count of the scope's rows."""
    final: dict[int, tuple[int, ...] | None] = {}  # coding id -> its row now, or None if gone
    limit = max(1000, int(len(kept.rows) * MAX_DELTA))
    cur = conn.execute(
        "SELECT action, changes FROM events WHERE id > ? AND id <= ? ORDER BY id", [kept.last_event, last]
    )
    for action, changes in cur:
        if changes is None:
            kind = events.kind(action)
            if kind.records_rows or "codings" in kind.touches or action not in events.KINDS:
                return None  # codings may have changed, and the event does not say how
            continue
        if '"codings"' not in changes:  # most events touch no coding: skip the JSON
            continue
        for change in json.loads(changes):
            if change["t"] != "codings":
                continue
            if change["op"] == "delete":
                final[change["before"]["id"]] = None
            else:
                row = change["after"]
                final[row["id"]] = tuple(row[c] for c in _COLUMNS)
        if len(final) > limit:
            return None
    if not final:
        return kept.rows
    touched = np.fromiter(final, dtype=np.int64, count=len(final))
    rows = kept.rows[~np.isin(kept.rows["id"], touched)]
    now = [r for r in final.values() if r is not None and scope.holds(r[1], r[3])]
    if now:
        rows = np.concatenate([rows, np.array(now, dtype=DTYPE)])
    if conn.execute(f"SELECT COUNT(*) FROM codings{scope.sql()}").fetchone()[0] != len(rows):
        return None  # not what the table holds: trust the table
    return rows


def _store_later(project: Project, key: str, kept: _Kept) -> None:
    """Write the arrays to ``analysis_cache`` once the command has succeeded (a failed one writes
    nothing); a busy or read-only-and-shadowed file simply goes without."""
    from qualcode.errors import QualcodeError
    from qualcode.ids import now
    from qualcode.store.changes import derived_write

    def write() -> None:
        if project.db.conn.in_transaction:
            return
        try:
            with derived_write(project, ["analysis_cache"]) as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO analysis_cache (key, last_event, used_at, data) VALUES (?, ?, ?, ?)",
                    [key, kept.last_event, now(), kept.rows.astype(_STORED).tobytes()],
                )
                conn.execute(
                    "DELETE FROM analysis_cache WHERE key NOT IN (SELECT key FROM analysis_cache "
                    "ORDER BY used_at DESC, rowid DESC LIMIT ?)",
                    [CACHE_ENTRIES],
                )
        except QualcodeError:
            pass

    project.after_success(write)
