"""The project: one SQLite file, and the use cases both front ends call.

``Project`` is the headless core. The CLI and the TUI only translate user gestures into these
calls and show the results; every write goes through ``Project.transaction`` so it is atomic and
logged as one event (see ``qualcode.store.changes``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from qualcode.defaults import default_coder, default_project_path
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events, migrate, open_database
from qualcode.store.changes import Transaction
from qualcode.store.connection import in_memory_copy
from qualcode.store.database import Database, Row
from qualcode.store.migrations import SCHEMA_VERSION, current_version, newer_message
from qualcode.text.names import check_name

if TYPE_CHECKING:
    from qualcode.store.history import Verification
    from qualcode.store.news import News


@dataclass(frozen=True)
class Session:
    """How a front end opened a project, so a worker thread can open its own the same way
    (a ``Project`` is not thread-safe): the file, the coder, read-only, supervisor."""

    path: Path
    coder: str
    readonly: bool | None = None
    supervisor: bool = False
    own_events: set[int] = field(default_factory=set, compare=False)  # shared: what this session wrote
    derived: dict[str, Any] = field(default_factory=dict, compare=False)  # shared: see Project.derived

    def open(self) -> Project:
        p = Project.open(self.path, coder=self.coder, readonly=self.readonly)
        p.supervisor = self.supervisor
        p.own_events = self.own_events
        p.derived = self.derived
        return p


class Project:
    """An open project file. Not thread-safe: give each worker thread its own ``Project``."""

    def __init__(self, db: Database, path: Path, coder: str | None = None):
        self.db = db
        self.path = path
        self.coder = coder or default_coder()
        self.cache: dict[str, Any] = {}  # derived state kept until the next write (the code tree)
        # Derived data that names the event it reflects (the analysis arrays): brought up to date
        # from the log when events arrive, never thrown away by them; shared by a session's workers.
        self.derived: dict[str, Any] = {}
        self.readonly = False
        self.readonly_reason: str | None = None
        self.notice: str | None = None  # what the user should know about how the file was opened
        self.supervisor = False  # sees every coder's codings while blind coding is on
        self.own_events: set[int] = set()  # events this object wrote (not news to its user)
        self._pending: list[Callable[[], None]] = []  # derived-data writes waiting for the command to succeed

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        coder: str | None = None,
        create: bool = False,
        readonly: bool | None = None,
        group: int | None = None,
    ) -> Project:
        """Open a project file (``create``: make it if missing, private or with ``group``'s mode).

        ``readonly=None`` opens read-only when this user may not write the file or its folder; a
        read-only project from an older qualcode is upgraded in memory, never on disk.
        """
        path = Path(path) if path else default_project_path()
        conn = open_database(path, create=create, readonly=readonly, group=group)
        try:
            if conn.readonly:
                if conn.kind == "empty":
                    raise QualcodeError(f"{path}: an empty file, not yet a project, and read-only")
                have = current_version(conn.db)
                if have > SCHEMA_VERSION:
                    raise QualcodeError(newer_message(conn.db, have))
                if have < SCHEMA_VERSION:
                    old, conn = conn, in_memory_copy(conn)
                    old.db.close()
                    migrate(conn.db)
                    conn.notice = conn.notice or (
                        f"{path.name} is from an older qualcode; shown read-only without upgrading the file"
                    )
            else:
                migrate(conn.db)
        except BaseException:
            conn.db.close()
            raise
        project = cls(conn.db, path, coder)
        project.readonly, project.readonly_reason, project.notice = conn.readonly, conn.reason, conn.notice
        if create and not project.meta("guid"):
            with project.transaction(events.PROJECT_CREATE, f"created {path.name}") as tx:
                tx.insert("project", {"key": "guid", "value": new_guid()})
                tx.insert("project", {"key": "name", "value": path.stem})
                tx.insert("project", {"key": "created_at", "value": now()})
        return project

    @classmethod
    def create(cls, path: str | Path, coder: str | None = None, group: int | None = None) -> Project:
        return cls.open(path, coder=coder, create=True, group=group)

    def close(self) -> None:
        self._pending.clear()
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        """Leaving ``with project:`` normally writes the derived data kept for later (caches);
        leaving with an error writes nothing: a failed command leaves the file as it was."""
        try:
            if exc_type is None:
                for write in self._pending:
                    write()
        finally:
            self.close()

    def after_success(self, write: Callable[[], None]) -> None:
        """Keep a derived-data write (a cache) until the command ends well (see ``__exit__``)."""
        self._pending.append(write)

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ the team: blind coding, backups, checks
    @property
    def blind(self) -> bool:
        """Blind coding: each coder sees only their own codings until a supervisor compares them."""
        return self.meta("blind") == "1"

    def set_blind(self, on: bool) -> bool:
        """Turn blind coding on or off (one event); returns False if it was already so."""
        if self.blind == on:
            return False
        with self.transaction(events.PROJECT_BLIND, f"blind coding {'on' if on else 'off'}") as tx:
            if self.meta("blind") is None:
                tx.insert("project", {"key": "blind", "value": "1" if on else "0"})
            else:
                tx.update("project", {"key": "blind"}, {"value": "1" if on else "0"})
        return True

    def as_supervisor(self, purpose: str) -> None:
        """See every coder's work; while blind coding is on, the access is logged as an event."""
        self.supervisor = True
        if self.blind and not self.readonly:
            with self.transaction(events.SUPERVISOR_ACCESS, f"supervisor access while blind: {purpose}"):
                pass

    def visible_coder(self) -> str | None:
        """The only coder whose codings this session may see (blind coding), or None for all."""
        return self.coder if (not self.supervisor and self.blind) else None

    def visible(self, coder: str | None) -> str | None:
        """``coder`` if this session may see it; the session coder when blind; refuses another's."""
        me = self.visible_coder()
        if me is None:
            return coder
        if coder is not None and coder != me:
            raise QualcodeError(
                f"blind coding is on: {me} sees only their own codings "
                "(a supervisor adds --supervisor, which is logged)"
            )
        return me

    def require_supervisor(self, what: str) -> None:
        """Refuse a comparison of coders while blind coding is on, unless a supervisor asks."""
        if self.blind and not self.supervisor:
            raise QualcodeError(
                f"blind coding is on: {what} shows other coders' work; "
                "a supervisor adds --supervisor (logged), or turn it off with 'qualcode blind off'"
            )

    def backup(self, target: str | Path | None = None) -> Path:
        """A consistent copy taken with SQLite's online backup while others keep writing (logged)."""
        from qualcode.store.backup import backup, default_target

        target = Path(target) if target else default_target(self.path)
        backup(self.db.conn, self.path, target)
        if not self.readonly:
            with self.transaction(events.PROJECT_BACKUP, f"backup written to {target.name}"):
                pass
        return target

    def verify(self, expect_head: str | None = None) -> Verification:
        """Integrity, foreign keys, the append-only triggers and the event hash chain."""
        from qualcode.store.history import verify

        return verify(self.db.conn, expect_head)

    # ------------------------------------------------------------------ transactions
    def require_writable(self) -> None:
        if self.readonly:
            raise QualcodeError(f"{self.path.name} is open read-only ({self.readonly_reason}); nothing was changed")

    def transaction(self, kind: events.EventKind, summary: str = "", **kw: Any) -> Transaction:
        """One change: one SQLite transaction and one event of ``kind`` (see ``qualcode.store.events``)."""
        self.require_writable()
        self.cache.clear()
        tx = Transaction(self.db, self.coder, kind, summary, **kw)
        tx.on_close = lambda: self._closed(tx)
        return tx

    def _closed(self, tx: Transaction) -> None:
        """Forget cached derived state (the code tree) after any write; remember our own events."""
        self.cache.clear()
        if tx.event_id is not None:
            self.own_events.add(tx.event_id)

    # ------------------------------------------------------------------ coders
    def coders(self) -> list[Row]:
        return list(self.db.query("SELECT * FROM coders ORDER BY name"))

    def coder_summary(self) -> list[Row]:
        """Coders with their numbers of codings (None for others' while blind coding is on)."""
        me = self.visible_coder()
        rows = list(
            self.db.query(
                "SELECT k.name, k.guid, COUNT(c.id) AS codings FROM coders k "
                "LEFT JOIN codings c ON c.coder_id = k.id GROUP BY k.id ORDER BY k.name"
            )
        )
        for r in rows:
            if me is not None and r["name"] != me:
                r["codings"] = None
        return rows

    def coder_id(self, name: str | None = None, create: bool = True, tx: Transaction | None = None) -> int:
        name = (name or self.coder).strip()
        if not name:
            raise QualcodeError("a coder needs a name (use --coder NAME)")
        name = check_name(name, "coder name")
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
        if row:
            return cast(int, row[0])
        if not create:
            raise QualcodeError(
                f"no coder named '{name}'; known: {', '.join(c['name'] for c in self.coders()) or 'none'}"
            )
        fields = {"guid": new_guid(), "name": name, "created_at": now()}
        if tx is not None:
            return tx.insert("coders", fields)
        with self.transaction(events.CODER_ADD, f"coder {name}") as t:
            return t.insert("coders", fields)

    # ------------------------------------------------------------------ history
    def events(self, limit: int = 50, coder: str | None = None) -> list[Row]:
        """The newest events (only the session coder's while blind coding is on: summaries name spans)."""
        coder = self.visible(coder)
        sql, params = "SELECT id, at, coder, action, summary, undoable, ref FROM events", []
        if coder:
            sql += " WHERE coder = ?"
            params.append(coder)
        return list(self.db.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]))

    def last_event_id(self) -> int:
        return cast(int, self.db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def data_version(self) -> int:
        """Changes when another connection (another process or worker) commits; cheap to poll."""
        return cast(int, self.db.execute("PRAGMA data_version").fetchone()[0])

    def news_since(self, event_id: int, exclude: Iterable[int] = ()) -> News:
        """What others changed after ``event_id``: what to refresh, and a line per coder to say so."""
        from qualcode.store.news import summarise

        rows = self.db.execute(
            "SELECT id, coder, action, summary, changes FROM events WHERE id > ? ORDER BY id", [event_id]
        ).fetchall()
        if rows:
            self.cache.clear()  # another process may have changed the code tree
        names = {r[0]: r[1] for r in self.db.execute("SELECT id, name FROM documents")}
        skip = set(exclude)
        me = self.visible_coder()
        return summarise([r for r in rows if r[0] not in skip], names, hide_others=me)

    def _stacks(self, coder: str) -> tuple[list[int], list[int]]:
        """Undo and redo stacks for one coder, derived from the append-only event log."""
        undo: list[int] = []
        redo: list[int] = []
        for eid, action, undoable, ref in self.db.execute(
            "SELECT id, action, undoable, ref FROM events WHERE coder = ? ORDER BY id", [coder]
        ).fetchall():
            if action == "undo":
                if undo and undo[-1] == ref:
                    redo.append(undo.pop())
            elif action == "redo":
                if redo and redo[-1] == ref:
                    undo.append(redo.pop())
            elif undoable:
                undo.append(eid)
                redo.clear()
        return undo, redo

    def peek(self, kind: str) -> Row | None:
        """The event this coder's next ``undo`` or ``redo`` would replay (with its change set), or None.

        Front ends use it to ask before a step that touches many rows.
        """
        undo, redo = self._stacks(self.coder)
        stack = undo if kind == "undo" else redo
        if not stack:
            return None
        ev = dict(
            zip(
                ("id", "action", "summary", "changes"),
                self.db.execute("SELECT id, action, summary, changes FROM events WHERE id = ?", [stack[-1]]).fetchone(),
            )
        )
        ev["changes"] = json.loads(ev["changes"])
        return ev

    def _replay(self, kind: str) -> Row | None:
        self.require_writable()
        ev = self.peek(kind)
        if ev is None:
            return None
        step = events.UNDO if kind == "undo" else events.REDO
        with self.transaction(step, f"{kind} {ev['action']}: {ev['summary']}", ref=ev["id"]) as tx:
            tx.apply(ev["changes"], inverse=(kind == "undo"))
        ev["removed"] = tx.cleared_notes()  # assist models trained on a text this step changed
        return ev

    def undo(self) -> Row | None:
        """Undo this coder's latest change (across restarts: the log is in the file)."""
        return self._replay("undo")

    def redo(self) -> Row | None:
        return self._replay("redo")
