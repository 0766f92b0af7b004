"""Every change is one transaction and one event; derived data is written apart, never logged.

A ``Transaction`` is the only way the core writes domain tables. It records each row it inserts,
updates or deletes (before and after), and on commit appends one row to ``events`` holding that
change set. Undo applies the inverse change set; redo re-applies the original. Because the
change set is generic, every new use case is undoable for free, and the supervisor's audit trail
shows exactly what changed.
"""

import base64
import contextlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError, storage_error
from qualcode.ids import now
from qualcode.store import events, history
from qualcode.store.database import Database
from qualcode.text.names import NAME_COLUMNS, check_name

if TYPE_CHECKING:
    from qualcode.project import Project

Row = dict[str, Any]  # a row as column -> value (the change set's JSON form)

# Tables whose rows the change log may touch; keys are their primary key columns.
TABLES: dict[str, tuple[str, ...]] = {
    "coders": ("id",),
    "documents": ("id",),
    "attributes": ("id",),
    "document_attributes": ("document_id", "attribute_id"),
    "unit_sets": ("document_id", "kind"),
    "codes": ("id",),
    "codings": ("id",),
    "memos": ("id",),
    "project": ("key",),
    "document_versions": ("id",),
    "coding_reviews": ("id",),
    "pseudonyms": ("id",),
    "assist_models": ("id",),
    "assist_decisions": ("id",),
}


@dataclass(frozen=True)
class LearntFromText:
    """Rows learnt from document texts that keep words of them apart from the texts themselves.

    ``rows`` is SQL giving (id, label) of the rows learnt from the text of one document, whose name is
    its one parameter. Such a row never outlives the text it learnt from: see ``LEARNT_FROM_TEXT``.
    """

    table: str
    noun: str  # what one row is, for the report: "assist model"
    rows: str
    remedy: str  # how to get one again


# The one place for the rule: whenever a transaction changes a document's text (a revision, a
# pseudonymisation, the undo or redo of one) or removes a document, it deletes the rows learnt from
# that text, in the same transaction, with secure delete, and not into the change set — an assist
# model's vocabulary holds the text's words, names included, and its bytes are kept out of the event
# log on purpose (``events.ASSIST_TRAIN``). Undoing the step does not bring them back. The event's
# summary says what was removed; ``Transaction.cleared`` tells the caller. The tables are created by
# migrations (``assist_models``: migration 7; a model's card lists its training and held-out documents).
LEARNT_FROM_TEXT: tuple[LearntFromText, ...] = (
    LearntFromText(
        "assist_models",
        "assist model",
        "SELECT id, model_id FROM assist_models WHERE ? IN "
        "(SELECT value FROM json_each(card, '$.documents') UNION ALL SELECT value FROM json_each(card, '$.holdout')) "
        "ORDER BY id",
        "'qualcode assist train' trains a new one",
    ),
)


def learnt_from(db: Database, document_names: Iterable[str]) -> dict[LearntFromText, list[tuple[int, str]]]:
    """The rows learnt from the texts of these documents, per kind: what changing them would remove."""
    out: dict[LearntFromText, list[tuple[int, str]]] = {}
    names = list(dict.fromkeys(document_names))
    for kind in LEARNT_FROM_TEXT:
        if (
            not names
            or not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [kind.table]).fetchone()
        ):
            continue  # a project from before the table's migration, opened read-only
        seen: dict[int, str] = {}
        for name in names:
            for rid, label in db.execute(kind.rows, [name]).fetchall():
                seen.setdefault(rid, label)
        if seen:
            out[kind] = sorted(seen.items())
    return out


def removed_note(cleared: dict[LearntFromText, list[str]], why: str = "trained on the old text") -> list[str]:
    """One line per kind of removed rows: how many, which, why, and how to get one again."""
    return [
        f"removed {len(labels)} {kind.noun}{'' if len(labels) == 1 else 's'} {why} "
        f"({', '.join(labels)}; not undoable); {kind.remedy}"
        for kind, labels in cleared.items()
        if labels
    ]


def _key(table: str, row: Row) -> Row:
    return {k: row[k] for k in TABLES[table]}


def _where(table: str, key: Row) -> tuple[str, list[Any]]:
    cols = TABLES[table]
    return " AND ".join(f"[{c}] = ?" for c in cols), [key[c] for c in cols]


def _to_json(value: Any) -> Any:
    """Blobs (packed text units) go into the JSON change set as base64, so they can be undone too."""
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode("ascii")}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "$base64" in value:
        return base64.b64decode(value["$base64"])
    return value


class Transaction:
    """``with project.transaction(events.CODE_ADD, summary) as tx: tx.insert(...)``.

    The event's kind says whether it records its rows and is a step of undo; ``record_rows`` overrides
    the first where one kind may do either (a revision that withholds the old text). ``abandon()``
    ends the transaction without writing anything — a run that found nothing to do leaves no event.
    """

    def __init__(
        self,
        db: Database,
        coder: str,
        kind: events.EventKind,
        summary: str = "",
        record_rows: bool | None = None,
        ref: int | None = None,
        on_close: Callable[[], None] | None = None,
    ):
        self.db, self.coder, self.kind, self.summary = db, coder, kind, summary
        self.action = kind.name
        self.on_close = on_close
        self.undoable = kind.undoable
        self.record_rows = kind.records_rows if record_rows is None else record_rows
        self.ref = ref
        self.abandoned = False
        self.changes: list[dict[str, Any]] = []
        self.event_id: int | None = None
        self.cleared: dict[LearntFromText, list[str]] = {}  # rows learnt from a text this step changed
        self._cleared_why = "trained on the old text"

    # -- lifecycle
    def __enter__(self) -> "Transaction":
        if self.db.conn.in_transaction:
            raise RuntimeError("nested transaction: use the outer Transaction")
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise storage_error(e, self._path()) from None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._finish(exc_type)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as e:
            raise storage_error(e, self._path()) from None
        finally:
            if self.on_close:
                self.on_close()
        if (
            exc_type is not None
            and issubclass(exc_type, sqlite3.DatabaseError)
            and not issubclass(exc_type, sqlite3.IntegrityError)
        ):
            assert exc is not None  # Python passes the exception with its type
            raise storage_error(exc, self._path()) from None

    def _path(self) -> str:
        try:
            return self.db.conn.execute("PRAGMA database_list").fetchone()[2] or "the project"
        except sqlite3.Error:
            return "the project"

    def abandon(self) -> None:
        """Write nothing after all: the transaction rolls back when the ``with`` block ends, no event."""
        self.abandoned = True

    def _finish(self, exc_type: type[BaseException] | None) -> None:
        if exc_type is not None or self.abandoned:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            return
        try:
            if self.cleared:
                self.summary = "; ".join([self.summary, *self.cleared_notes()])
            if self.changes or not self.record_rows or self.cleared:
                self.event_id = history.append(
                    self.db.conn,
                    now(),
                    self.coder,
                    self.action,
                    self.summary,
                    json.dumps(self.changes, ensure_ascii=False) if self.record_rows else None,
                    1 if (self.undoable and self.record_rows and self.changes) else 0,
                    self.ref,
                )
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    # -- writes
    def _check_names(self, table: str, values: Row) -> None:
        for col in NAME_COLUMNS.get(table, ()):
            if col in values and values[col] is not None:
                check_name(values[col], f"{table[:-1]} {col}")

    def insert(self, table: str, row: Row) -> int:
        self._check_names(table, row)
        cols = list(row)
        cur = self.db.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )
        rowid = cur.lastrowid
        assert rowid is not None  # set by every INSERT
        if "id" in TABLES[table] and "id" not in row:
            row = {**row, "id": rowid}
        if self.record_rows:
            self.changes.append({"t": table, "op": "insert", "after": self._fetch(table, _key(table, row))})
        return rowid

    def insert_many(self, table: str, rows: list[Row]) -> None:
        """Insert rows that share their columns: one prepared statement for all of them when the
        event does not record its rows (a million codings from a .qdpx), else row by row."""
        if not rows:
            return
        if self.record_rows:
            for row in rows:
                self.insert(table, row)
            return
        cols = list(rows[0])
        for row in rows:
            self._check_names(table, row)
        self.db.conn.executemany(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})",
            ([row[c] for c in cols] for row in rows),
        )

    def update(self, table: str, key: Row | int, values: Row) -> None:
        key = {"id": key} if isinstance(key, int) else key
        before = self._fetch(table, key)
        if before is None:
            raise QualcodeError(f"{table}: no row {key}")
        values = {k: v for k, v in values.items() if before.get(k) != v}
        if not values:
            return
        self._check_names(table, values)
        where, params = _where(table, key)
        self.db.execute(
            f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in values)} WHERE {where}",
            list(values.values()) + params,
        )
        if self.record_rows:
            self.changes.append({"t": table, "op": "update", "before": before, "after": self._fetch(table, key)})
        if table == "documents" and "text" in values:
            self._clear_learnt(before["name"], "trained on the old text")

    def delete(self, table: str, key: Row | int) -> Row:
        key = {"id": key} if isinstance(key, int) else key
        before = self._fetch(table, key)
        if before is None:
            raise QualcodeError(f"{table}: no row {key}")
        where, params = _where(table, key)
        self.db.execute(f"DELETE FROM [{table}] WHERE {where}", params)
        if self.record_rows:
            self.changes.append({"t": table, "op": "delete", "before": before})
        if table == "documents":
            self._clear_learnt(before["name"], "trained on a removed document")
        return before

    def cleared_notes(self) -> list[str]:
        """What this step removed because it was learnt from a text it changed: one line per kind."""
        return removed_note(self.cleared, self._cleared_why)

    def _clear_learnt(self, document_name: str, why: str) -> None:
        """Delete what was learnt from this document's text (``LEARNT_FROM_TEXT``): unrecorded, the
        freed pages overwritten."""
        found = learnt_from(self.db, [document_name])
        if not found:
            return
        if not self.cleared:
            self._cleared_why = why
        secure = self.db.execute("PRAGMA secure_delete").fetchone()[0]
        self.db.execute("PRAGMA secure_delete = ON")
        try:
            for kind, rows in found.items():
                self.db.conn.executemany(f"DELETE FROM [{kind.table}] WHERE id = ?", [(rid,) for rid, _ in rows])
                self.cleared.setdefault(kind, []).extend(label for _, label in rows)
        finally:
            self.db.execute(f"PRAGMA secure_delete = {int(secure)}")

    def derived(self, sql: str, rows: Iterable[Sequence[Any]] | None = None) -> None:
        """A statement on derived data (text units, the search index, caches) inside this transaction,
        not recorded in the change set: such rows are rebuilt from the data, never undone. With
        ``rows``, the statement runs once per row."""
        if rows is None:
            self.db.execute(sql)
        else:
            self.db.conn.executemany(sql, rows)

    def _fetch(self, table: str, key: Row) -> Row | None:
        where, params = _where(table, key)
        cur = self.db.execute(f"SELECT * FROM [{table}] WHERE {where}", params)
        row = cur.fetchone()
        if row is None:
            return None
        return {d[0]: _to_json(v) for d, v in zip(cur.description, row)}

    # -- replaying change sets (undo / redo)
    def apply(self, changes: list[Row], inverse: bool) -> None:
        """Apply a recorded change set forwards or backwards, refusing if rows moved on since."""
        seq = reversed(changes) if inverse else changes
        for ch in seq:
            table, op = ch["t"], ch["op"]
            before: Row | None
            after: Row | None
            if inverse:
                op, before, after = (
                    {"insert": "delete", "delete": "insert", "update": "update"}[op],
                    ch.get("after"),
                    ch.get("before"),
                )
            else:
                before, after = ch.get("before"), ch.get("after")
            try:
                if op == "insert":
                    assert after is not None  # an insert (or an undone delete) records the row
                    self.insert(table, {k: _from_json(v) for k, v in after.items()})
                elif op == "delete":
                    assert before is not None  # a delete (or an undone insert) records the row
                    current = self._fetch(table, _key(table, before))
                    if current != before:
                        raise QualcodeError(f"cannot undo/redo: a {table} row was changed since (by another step)")
                    self.delete(table, _key(table, before))
                else:
                    assert before is not None and after is not None  # an update records both
                    current = self._fetch(table, _key(table, before))
                    if current != before:
                        raise QualcodeError(f"cannot undo/redo: a {table} row was changed since (by another step)")
                    self.update(
                        table,
                        _key(table, before),
                        {k: _from_json(v) for k, v in after.items() if k not in TABLES[table]},
                    )
            except sqlite3.IntegrityError as e:
                raise QualcodeError(f"cannot undo/redo: {e}") from None


# -- derived data
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
        for (sql,) in conn.execute(
            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]
        ).fetchall():
            conn.execute(re.sub(r"^CREATE (UNIQUE )?INDEX \[?(\w+)\]?", r"CREATE \1INDEX temp.[\2]", sql, count=1))


@contextlib.contextmanager
def derived_write(project: "Project", tables: Iterable[str]) -> Iterator[sqlite3.Connection]:
    """One transaction of derived rows in ``tables`` (the search index, the analysis cache): not an
    event, rolled back on any error. On a read-only project the rows go to TEMP tables that shadow
    the file's own (SQLite resolves unqualified names in ``temp`` first), so searching and analysing
    a file you may not write still work, and the file is never touched."""
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
