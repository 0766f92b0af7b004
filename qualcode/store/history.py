"""The tamper-evident history: every event carries a hash chained to the one before it.

Triggers make the ``events`` table append-only for honest tools, but anyone with the sqlite3 shell
can drop them. The chain makes such an edit visible: an event's hash covers its canonical content
and the previous event's hash, so changing, inserting or deleting any event breaks every hash after
it. ``verify`` re-computes the chain, checks the triggers and SQLite's own integrity check. Deleting
the newest events leaves a shorter valid chain; the head hash ``verify`` prints can be kept
elsewhere (a lab notebook, an e-mail) and checked later with ``--expect-head``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

EVENT_COLUMNS = ("id", "at", "coder", "action", "summary", "changes", "undoable", "ref")
GENESIS = ""

TRIGGERS = {
    "events_no_update": "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "events_no_delete": "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
}


def event_hash(previous: str, event: tuple[Any, ...]) -> str:
    """SHA-256 (hex) over the previous hash and the event's columns as canonical JSON."""
    canonical = json.dumps(list(event), ensure_ascii=False, separators=(",", ":"))
    import hashlib  # here: a read-only command never loads OpenSSL

    return hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(id, hash) of the newest event, (0, GENESIS) in an empty log. Call inside the write transaction."""
    row = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1] or GENESIS) if row else (0, GENESIS)


def append(
    conn: sqlite3.Connection,
    at: str,
    coder: str,
    action: str,
    summary: str,
    changes: str | None,
    undoable: int,
    ref: int | None,
) -> int:
    """Append one event with its chained hash; the caller holds the write lock (BEGIN IMMEDIATE)."""
    last_id, last_hash = head(conn)
    event = (last_id + 1, at, coder, action, summary, changes, undoable, ref)
    conn.execute(
        f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}, hash) VALUES (?,?,?,?,?,?,?,?,?)",
        (*event, event_hash(last_hash, event)),
    )
    return last_id + 1


def chain_existing(conn: sqlite3.Connection) -> int:
    """Give every event of an older log its hash (migration 5); returns how many."""
    previous, n = GENESIS, 0
    rows = conn.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY id").fetchall()
    for event in rows:
        previous = event_hash(previous, tuple(event))
        conn.execute("UPDATE events SET hash = ? WHERE id = ?", (previous, event[0]))
        n += 1
    return n


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    events: int = 0
    head: str = GENESIS

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)


def _check_chain(conn: sqlite3.Connection, result: Verification) -> Check:
    previous = GENESIS
    cur = conn.execute(f"SELECT {', '.join(EVENT_COLUMNS)}, hash FROM events ORDER BY id")
    n = 0
    for row in cur:
        event, stored = tuple(row[:-1]), row[-1]
        expected = event_hash(previous, event)
        n += 1
        if stored != expected:
            what = f"event {event[0]} ({event[3]} by {event[2] or '?'} at {event[1]})"
            why = "has no hash" if stored is None else "does not match its hash"
            return Check(
                "history chain",
                False,
                f"{what} {why}: the log was edited, or an event before it was removed or altered",
            )
        previous = expected
    result.events, result.head = n, previous
    return Check("history chain", True, f"{n} events, each hash chained to the one before")


def _check_triggers(conn: sqlite3.Connection) -> Check:
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"))
    missing = [n for n in TRIGGERS if n not in have]
    changed = [n for n, sql in TRIGGERS.items() if n in have and " ".join(have[n].split()) != sql]
    if missing or changed:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"altered {', '.join(changed)}"] if changed else []
        )
        return Check("append-only triggers", False, "; ".join(parts) + " (the log could have been edited)")
    return Check("append-only triggers", True, "events refuse UPDATE and DELETE")


def verify(conn: sqlite3.Connection, expect_head: str | None = None) -> Verification:
    """Check SQLite's integrity, the foreign keys, the protective triggers and the hash chain."""
    result = Verification()
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    result.checks.append(
        Check("SQLite integrity_check", rows == ["ok"], "ok" if rows == ["ok"] else "; ".join(rows[:3]))
    )
    bad = conn.execute("PRAGMA foreign_key_check").fetchall()
    result.checks.append(
        Check(
            "foreign keys",
            not bad,
            "every reference resolves"
            if not bad
            else f"{len(bad)} row(s) point at missing rows (first in table {bad[0][0]})",
        )
    )
    result.checks.append(_check_triggers(conn))
    result.checks.append(_check_chain(conn, result))
    if expect_head:
        found = conn.execute("SELECT id FROM events WHERE hash = ?", [expect_head.lower()]).fetchone()
        result.checks.append(
            Check(
                "recorded head",
                bool(found),
                f"the recorded head is event {found[0]}, still in the chain"
                if found
                else "the recorded head hash is not in the log: events were removed or rewritten since it was recorded",
            )
        )
    return result
