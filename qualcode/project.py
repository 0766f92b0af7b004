"""The project: one SQLite file, and the use cases both front ends call.

``Project`` is the headless core. The CLI and the TUI only translate user gestures into these
calls and show the results; every write goes through ``Project.transaction`` so it is atomic and
logged as one event (see ``qualcode.store.changes``).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import migrate, open_database
from qualcode.store.connection import in_memory_copy
from qualcode.store.migrations import SCHEMA_VERSION, current_version, newer_message
from qualcode.store.changes import Transaction
from qualcode.text.names import check_name
from qualcode.text.offsets import check_span

if TYPE_CHECKING:
    from qualcode.store.news import News

DEFAULT_PROJECT = "qualcode.db"
KINDS = ("interview", "fieldnote", "other")
PATH_SEP = "/"


def default_coder() -> str:
    return os.environ.get("QUALCODE_CODER") or getpass.getuser() or "coder"


def default_project_path() -> Path:
    return Path(os.environ.get("QUALCODE_PROJECT") or DEFAULT_PROJECT)


@dataclass(frozen=True)
class Code:
    id: int
    guid: str
    parent_id: int | None
    name: str
    path: str
    depth: int
    description: str | None
    inclusion: str | None
    exclusion: str | None
    example: str | None
    colour: str | None
    hotkey: str | None
    sort_order: int
    codable: bool


@dataclass(frozen=True)
class Session:
    """How a front end opened a project, so a worker thread can open its own the same way
    (a ``Project`` is not thread-safe): the file, the coder, read-only, supervisor."""

    path: Path
    coder: str
    readonly: bool | None = None
    supervisor: bool = False
    own_events: set[int] = field(default_factory=set, compare=False)  # shared: what this session wrote

    def open(self) -> "Project":
        p = Project.open(self.path, coder=self.coder, readonly=self.readonly)
        p.supervisor = self.supervisor
        p.own_events = self.own_events
        return p


class Project:
    """An open project file. Not thread-safe: give each worker thread its own ``Project``."""

    def __init__(self, db: sqlite_utils.Database, path: Path, coder: str | None = None):
        self.db = db
        self.path = path
        self.coder = coder or default_coder()
        self._codes_cache: dict[int, Code] | None = None
        self.readonly = False
        self.readonly_reason: str | None = None
        self.notice: str | None = None   # what the user should know about how the file was opened
        self.supervisor = False          # sees every coder's codings while blind coding is on
        self.own_events: set[int] = set()  # events this object wrote (not news to its user)
        self._pending: list = []  # derived-data writes waiting for the command to succeed

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path | None = None, coder: str | None = None, create: bool = False,
             readonly: bool | None = None, group: int | None = None) -> "Project":
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
                    conn.notice = conn.notice or (f"{path.name} is from an older qualcode; shown read-only "
                                                  "without upgrading the file")
            else:
                migrate(conn.db)
        except BaseException:
            conn.db.close()
            raise
        project = cls(conn.db, path, coder)
        project.readonly, project.readonly_reason, project.notice = conn.readonly, conn.reason, conn.notice
        if create and not project.meta("guid"):
            with project.transaction("project.create", f"created {path.name}") as tx:
                tx.insert("project", {"key": "guid", "value": new_guid()})
                tx.insert("project", {"key": "name", "value": path.stem})
                tx.insert("project", {"key": "created_at", "value": now()})
        return project

    @classmethod
    def create(cls, path: str | Path, coder: str | None = None, group: int | None = None) -> "Project":
        return cls.open(path, coder=coder, create=True, group=group)

    def close(self) -> None:
        self._pending.clear()
        self.db.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        """Leaving ``with project:`` normally writes the derived data kept for later (caches);
        leaving with an error writes nothing: a failed command leaves the file as it was."""
        try:
            if exc_type is None:
                for write in self._pending:
                    write()
        finally:
            self.close()

    def after_success(self, write) -> None:
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
        with self.transaction("project.blind", f"blind coding {'on' if on else 'off'}") as tx:
            if self.meta("blind") is None:
                tx.insert("project", {"key": "blind", "value": "1" if on else "0"})
            else:
                tx.update("project", {"key": "blind"}, {"value": "1" if on else "0"})
        return True

    def as_supervisor(self, purpose: str) -> None:
        """See every coder's work; while blind coding is on, the access is logged as an event."""
        self.supervisor = True
        if self.blind and not self.readonly:
            with self.transaction("blind.supervisor", f"supervisor access while blind: {purpose}",
                                  record_rows=False, undoable=False):
                pass

    def visible_coder(self) -> str | None:
        """The only coder whose codings this session may see (blind coding), or None for all."""
        return self.coder if (not self.supervisor and self.blind) else None

    def _visible(self, coder: str | None) -> str | None:
        """``coder`` if this session may see it; the session coder when blind; refuses another's."""
        me = self.visible_coder()
        if me is None:
            return coder
        if coder is not None and coder != me:
            raise QualcodeError(f"blind coding is on: {me} sees only their own codings "
                                "(a supervisor adds --supervisor, which is logged)")
        return me

    def require_supervisor(self, what: str) -> None:
        """Refuse a comparison of coders while blind coding is on, unless a supervisor asks."""
        if self.blind and not self.supervisor:
            raise QualcodeError(f"blind coding is on: {what} shows other coders' work; "
                                "a supervisor adds --supervisor (logged), or turn it off with 'qualcode blind off'")

    def backup(self, target: str | Path | None = None) -> Path:
        """A consistent copy taken with SQLite's online backup while others keep writing (logged)."""
        from qualcode.store.backup import backup, default_target

        target = Path(target) if target else default_target(self.path)
        backup(self.db.conn, self.path, target)
        if not self.readonly:
            with self.transaction("project.backup", f"backup written to {target.name}",
                                  record_rows=False, undoable=False):
                pass
        return target

    def verify(self, expect_head: str | None = None):
        """Integrity, foreign keys, the append-only triggers and the event hash chain."""
        from qualcode.store.history import verify

        return verify(self.db.conn, expect_head)

    # ------------------------------------------------------------------ transactions
    def require_writable(self) -> None:
        if self.readonly:
            raise QualcodeError(f"{self.path.name} is open read-only ({self.readonly_reason}); nothing was changed")

    def transaction(self, action: str, summary: str = "", **kw) -> Transaction:
        self.require_writable()
        self._codes_cache = None
        tx = Transaction(self.db, self.coder, action, summary, **kw)
        tx.on_close = lambda: self._closed(tx)
        return tx

    def _closed(self, tx: Transaction) -> None:
        """Forget cached derived state (the code tree) after any write; remember our own events."""
        self._codes_cache = None
        if tx.event_id is not None:
            self.own_events.add(tx.event_id)

    # ------------------------------------------------------------------ coders
    def coders(self) -> list[dict]:
        return list(self.db.query("SELECT * FROM coders ORDER BY name"))

    def coder_summary(self) -> list[dict]:
        """Coders with their numbers of codings (None for others' while blind coding is on)."""
        me = self.visible_coder()
        rows = list(self.db.query("SELECT k.name, k.guid, COUNT(c.id) AS codings FROM coders k "
                                  "LEFT JOIN codings c ON c.coder_id = k.id GROUP BY k.id ORDER BY k.name"))
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
            return row[0]
        if not create:
            raise QualcodeError(f"no coder named '{name}'; known: {', '.join(c['name'] for c in self.coders()) or 'none'}")
        fields = {"guid": new_guid(), "name": name, "created_at": now()}
        if tx is not None:
            return tx.insert("coders", fields)
        with self.transaction("coder.add", f"coder {name}") as t:
            return t.insert("coders", fields)

    # ------------------------------------------------------------------ documents
    def documents(self, kind: str | None = None) -> list[dict]:
        me = self.visible_coder()
        mine = " AND c.coder_id = (SELECT id FROM coders WHERE name = ?)" if me is not None else ""
        sql = ("SELECT id, guid, name, kind, language, char_count, word_count, source_name, source_format, "
               "encoding, text_sha256, source_sha256, imported_at, "
               f"(SELECT COUNT(*) FROM codings c WHERE c.document_id = d.id{mine}) AS codings "
               "FROM documents d")
        params: list = [me] if me is not None else []
        if kind:
            sql += " WHERE kind = ?"
            params.append(kind)
        return list(self.db.query(sql + " ORDER BY sort_order, name", params))

    def document(self, ref: str | int) -> dict:
        """A document by id, GUID or name (the file's stem)."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            rows = list(self.db.query("SELECT * FROM documents WHERE id = ?", [int(ref)]))
        else:
            rows = list(self.db.query("SELECT * FROM documents WHERE name = ? OR guid = ?", [ref, ref.upper()]))
        if not rows:
            names = [d["name"] for d in self.db.query("SELECT name FROM documents ORDER BY name LIMIT 5")]
            hint = f"; documents are named like {', '.join(names)}" if names else "; the project has no documents yet"
            raise QualcodeError(f"no document '{ref}'{hint}")
        return rows[0]

    def units(self, document_id: int, kind: str) -> list[dict]:
        """Sentences, paragraphs or turns of a document, sorted by start (``seq`` counts from 1)."""
        from qualcode.store.units import unpack

        row = self.db.execute("SELECT starts, ends, speakers, times FROM unit_sets WHERE document_id = ? AND kind = ?",
                              [document_id, kind]).fetchone()
        return [{"kind": kind, **u} for u in unpack(row)] if row else []

    def unit_arrays(self, kind: str, document_ids: list[int] | None = None) -> dict[int, tuple]:
        """``{document_id: (starts, ends)}`` numpy arrays of one unit kind, for analysis."""
        from qualcode.store.units import arrays

        sql, params = "SELECT document_id, starts, ends FROM unit_sets WHERE kind = ?", [kind]
        if document_ids is not None:
            sql += f" AND document_id IN ({','.join('?' * len(document_ids))})"
            params += document_ids
        return {d: arrays((s, e)) for d, s, e in self.db.execute(sql, params)}

    def attributes(self, document_id: int | None = None) -> dict[int, dict[str, Any]]:
        """``{document_id: {attribute: typed value}}``."""
        from qualcode.corpus.attributes import from_storage

        sql = ("SELECT da.document_id, a.name, a.type, da.value FROM document_attributes da "
               "JOIN attributes a ON a.id = da.attribute_id")
        params: list = []
        if document_id is not None:
            sql += " WHERE da.document_id = ?"
            params.append(document_id)
        out: dict[int, dict[str, Any]] = {}
        for doc_id, name, typ, value in self.db.execute(sql, params).fetchall():
            out.setdefault(doc_id, {})[name] = from_storage(value, typ)
        return out

    def attribute_types(self) -> dict[str, str]:
        return {r["name"]: r["type"] for r in self.db.query("SELECT name, type FROM attributes ORDER BY id")}

    def remove_document(self, ref: str | int, with_codings: bool = False) -> int:
        """Remove a document with its units, attributes, versions and memos; one undoable step.

        Refused while it holds codings unless ``with_codings`` (the count is in the message), so
        nobody's coding disappears by accident. Returns the number of codings removed.
        """
        doc = self.document(ref)
        n = self.db.execute("SELECT COUNT(*) FROM codings WHERE document_id = ?", [doc["id"]]).fetchone()[0]
        if n and not with_codings:
            raise QualcodeError(f"'{doc['name']}' holds {n} coding(s); pass --with-codings to remove them too")
        with self.transaction("document.remove", f"removed {doc['name']} ({n} coding(s))") as tx:
            coding_guids = [g for (g,) in self.db.execute("SELECT guid FROM codings WHERE document_id = ?", [doc["id"]])]
            for guid in coding_guids + [doc["guid"]]:
                for (mid,) in self.db.execute("SELECT id FROM memos WHERE target_guid = ?", [guid]).fetchall():
                    tx.delete("memos", mid)
            for (cid,) in self.db.execute("SELECT id FROM codings WHERE document_id = ?", [doc["id"]]).fetchall():
                tx.delete("codings", cid)
            for table, key_cols in (("document_attributes", ("document_id", "attribute_id")),
                                    ("unit_sets", ("document_id", "kind")),
                                    ("document_versions", ("id",)), ("coding_reviews", ("id",))):
                cols = ", ".join(f"[{c}]" for c in key_cols)
                for key in self.db.execute(f"SELECT {cols} FROM [{table}] WHERE document_id = ?", [doc["id"]]).fetchall():
                    tx.delete(table, dict(zip(key_cols, key)))
            tx.delete("documents", doc["id"])
        return n

    def import_files(self, paths: Iterable[str | Path], **options):
        from qualcode.corpus.ingest import import_files

        return import_files(self, paths, **options)

    def import_attributes(self, csv_path: str | Path, keep_going: bool = False):
        from qualcode.corpus.attributes import import_attributes_csv

        return import_attributes_csv(self, Path(csv_path), keep_going=keep_going)

    # ------------------------------------------------------------------ codes
    def _codes(self) -> dict[int, Code]:
        if self._codes_cache is None:
            rows = list(self.db.query("SELECT * FROM codes ORDER BY sort_order, id"))
            by_id = {r["id"]: r for r in rows}
            out: dict[int, Code] = {}

            def path_of(r):
                if r["parent_id"] is None:
                    return r["name"], 0
                p, d = path_of(by_id[r["parent_id"]])
                return p + PATH_SEP + r["name"], d + 1

            for r in rows:
                path, depth = path_of(r)
                out[r["id"]] = Code(
                    r["id"], r["guid"], r["parent_id"], r["name"], path, depth, r["description"],
                    r["inclusion"], r["exclusion"], r["example"], r["colour"], r["hotkey"],
                    r["sort_order"], bool(r["codable"]))
            self._codes_cache = out
        return self._codes_cache

    def codes(self) -> list[Code]:
        """All codes in tree order (depth first, siblings by sort order)."""
        codes = self._codes()
        children: dict[int | None, list[Code]] = {}
        for c in codes.values():
            children.setdefault(c.parent_id, []).append(c)
        out: list[Code] = []

        def walk(pid):
            for c in sorted(children.get(pid, []), key=lambda c: (c.sort_order, c.id)):
                out.append(c)
                walk(c.id)

        walk(None)
        return out

    def code(self, ref: str | int) -> Code:
        """A code by id, GUID or path ("Barriers/Stigma"); a unique leaf name also works."""
        codes = self._codes()
        if isinstance(ref, int):
            if ref in codes:
                return codes[ref]
            raise QualcodeError(f"no code with id {ref}")
        ref = ref.strip().strip(PATH_SEP)
        for c in codes.values():
            if c.path == ref or c.guid == ref.upper():
                return c
        folded = [c for c in codes.values() if c.path.casefold() == ref.casefold()]
        if len(folded) == 1:
            return folded[0]
        by_name = [c for c in codes.values() if c.name.casefold() == ref.casefold()]
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            raise QualcodeError(f"'{ref}' is ambiguous: " + ", ".join(c.path for c in by_name))
        from rapidfuzz import process

        near = process.extract(ref, [c.path for c in codes.values()], limit=3)
        hint = f"; did you mean {', '.join(n for n, _, _ in near)}?" if near else "; the codebook is empty"
        raise QualcodeError(f"no code '{ref}'{hint}")

    def code_counts(self, coder: str | None = None) -> dict[int, int]:
        coder = self._visible(coder)
        sql, params = "SELECT code_id, COUNT(*) FROM codings", []
        if coder:
            sql += " WHERE coder_id = (SELECT id FROM coders WHERE name = ?)"
            params.append(coder)
        return dict(self.db.execute(sql + " GROUP BY code_id", params).fetchall())

    # ------------------------------------------------------------------ codings
    def add_coding(self, document: str | int, start: int, end: int, code: str | int,
                   coder: str | None = None, memo: str | None = None) -> dict:
        doc = self.document(document)
        c = self.code(code)
        if not c.codable:
            raise QualcodeError(f"'{c.path}' is a grouping code and cannot be applied; choose one of its children")
        check_span(doc["char_count"], start, end, f"{doc['name']}")
        coder_name = coder or self.coder
        text = doc["text"][start:end]
        existing = self.db.execute(
            "SELECT c.guid FROM codings c JOIN coders k ON k.id = c.coder_id WHERE document_id = ? AND code_id = ? "
            "AND k.name = ? AND start = ? AND [end] = ?", [doc["id"], c.id, coder_name, start, end]).fetchone()
        if existing:
            raise QualcodeError(f"{coder_name} has already coded [{start}, {end}) in {doc['name']} with {c.path}")
        row = {"guid": new_guid(), "document_id": doc["id"], "code_id": c.id, "start": start, "end": end,
               "text": text, "memo": memo, "created_at": now(), "updated_at": now()}
        with self.transaction("coding.add", f"{c.path} on {doc['name']} [{start},{end})") as tx:
            row["coder_id"] = self.coder_id(coder_name, tx=tx)
            row["id"] = tx.insert("codings", row)
        return row

    def coding(self, ref: int | str) -> dict:
        col = "id" if isinstance(ref, int) or str(ref).isdigit() else "guid"
        rows = list(self.db.query(f"SELECT * FROM codings WHERE {col} = ?", [ref if col == "id" else str(ref).upper()]))
        if not rows:
            raise QualcodeError(f"no coding {ref}")
        return rows[0]

    def remove_coding(self, ref: int | str) -> None:
        row = self.coding(ref)
        with self.transaction("coding.remove", f"coding {row['guid']}") as tx:
            for m in self.db.query("SELECT id FROM memos WHERE target = 'coding' AND target_guid = ?", [row["guid"]]):
                tx.delete("memos", m["id"])
            tx.delete("codings", row["id"])

    def resize_coding(self, ref: int | str, start: int, end: int) -> dict:
        row = self.coding(ref)
        doc = self.document(row["document_id"])
        check_span(doc["char_count"], start, end, doc["name"])
        text = doc["text"][start:end]
        with self.transaction("coding.resize", f"coding {row['guid']} → [{start},{end})") as tx:
            tx.update("codings", row["id"], {"start": start, "end": end, "text": text, "updated_at": now()})
        return self.coding(row["id"])

    def set_coding_memo(self, ref: int | str, memo: str | None) -> None:
        row = self.coding(ref)
        with self.transaction("coding.memo", f"memo on coding {row['guid']}") as tx:
            tx.update("codings", row["id"], {"memo": memo or None, "updated_at": now()})

    def codings(self, document: str | int | None = None, code: str | int | None = None,
                coder: str | None = None, include_children: bool = False) -> list[dict]:
        """Codings joined with document, code path and coder, in document order (only the session
        coder's while blind coding is on)."""
        coder = self._visible(coder)
        where, params = [], []
        if document is not None:
            where.append("c.document_id = ?")
            params.append(self.document(document)["id"])
        if code is not None:
            target = self.code(code)
            ids = [target.id] + ([d.id for d in self.descendants(target.id)] if include_children else [])
            where.append(f"c.code_id IN ({','.join('?' * len(ids))})")
            params += ids
        if coder is not None:
            where.append("k.name = ?")
            params.append(coder)
        sql = ("SELECT c.id, c.guid, c.document_id, d.name AS document, c.code_id, c.coder_id, k.name AS coder, "
               "c.start, c.[end], c.text, c.memo, c.created_at FROM codings c "
               "JOIN documents d ON d.id = c.document_id JOIN coders k ON k.id = c.coder_id")
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = list(self.db.query(sql + " ORDER BY d.sort_order, d.name, c.start, c.[end], c.id", params))
        codes = self._codes()
        for r in rows:
            r["code"] = codes[r["code_id"]].path
        return rows

    def descendants(self, code_id: int) -> list[Code]:
        codes = self._codes()
        out, frontier = [], [code_id]
        while frontier:
            pid = frontier.pop()
            for c in codes.values():
                if c.parent_id == pid:
                    out.append(c)
                    frontier.append(c.id)
        return out

    # ------------------------------------------------------------------ memos
    def memos(self, target: str | None = None, target_guid: str | None = None) -> list[dict]:
        sql, params = "SELECT m.*, k.name AS coder FROM memos m LEFT JOIN coders k ON k.id = m.coder_id", []
        if target:
            sql += " WHERE m.target = ?" + (" AND m.target_guid = ?" if target_guid else "")
            params = [target] + ([target_guid] if target_guid else [])
        return list(self.db.query(sql + " ORDER BY m.id", params))

    def set_memo(self, target: str, target_guid: str | None, text: str, title: str | None = None) -> dict:
        """Create or replace this coder's memo on a project/document/code/coding (empty text deletes it)."""
        if target not in ("project", "document", "code", "coding"):
            raise QualcodeError(f"memos attach to a project, document, code or coding, not '{target}'")
        with self.transaction("memo.set", f"memo on {target} {target_guid or ''}".strip()) as tx:
            coder_id = self.coder_id(tx=tx)
            row = self.db.execute(
                "SELECT id FROM memos WHERE target = ? AND IFNULL(target_guid,'') = ? AND coder_id = ?",
                [target, target_guid or "", coder_id]).fetchone()
            if row and not text.strip():
                tx.delete("memos", row[0])
                return {}
            if row:
                tx.update("memos", row[0], {"text": text, "title": title, "updated_at": now()})
                return self.db["memos"].get(row[0])
            if not text.strip():
                return {}
            fields = {"guid": new_guid(), "target": target, "target_guid": target_guid, "coder_id": coder_id,
                      "title": title, "text": text, "created_at": now(), "updated_at": now()}
            fields["id"] = tx.insert("memos", fields)
            return fields

    # ------------------------------------------------------------------ history
    def events(self, limit: int = 50, coder: str | None = None) -> list[dict]:
        """The newest events (only the session coder's while blind coding is on: summaries name spans)."""
        coder = self._visible(coder)
        sql, params = "SELECT id, at, coder, action, summary, undoable, ref FROM events", []
        if coder:
            sql += " WHERE coder = ?"
            params.append(coder)
        return list(self.db.query(sql + " ORDER BY id DESC LIMIT ?", params + [limit]))

    def last_event_id(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]

    def data_version(self) -> int:
        """Changes when another connection (another process or worker) commits; cheap to poll."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def news_since(self, event_id: int, exclude: Iterable[int] = ()) -> "News":
        """What others changed after ``event_id``: what to refresh, and a line per coder to say so."""
        from qualcode.store.news import summarise

        rows = self.db.execute("SELECT id, coder, action, summary, changes FROM events WHERE id > ? ORDER BY id",
                               [event_id]).fetchall()
        names = {r[0]: r[1] for r in self.db.execute("SELECT id, name FROM documents")}
        skip = set(exclude)
        me = self.visible_coder()
        return summarise([r for r in rows if r[0] not in skip], names, hide_others=me)

    def _stacks(self, coder: str) -> tuple[list[int], list[int]]:
        """Undo and redo stacks for one coder, derived from the append-only event log."""
        undo: list[int] = []
        redo: list[int] = []
        for eid, action, undoable, ref in self.db.execute(
                "SELECT id, action, undoable, ref FROM events WHERE coder = ? ORDER BY id", [coder]).fetchall():
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

    def peek(self, kind: str) -> dict | None:
        """The event this coder's next ``undo`` or ``redo`` would replay (with its change set), or None.

        Front ends use it to ask before a step that touches many rows.
        """
        undo, redo = self._stacks(self.coder)
        stack = undo if kind == "undo" else redo
        if not stack:
            return None
        ev = dict(zip(("id", "action", "summary", "changes"), self.db.execute(
            "SELECT id, action, summary, changes FROM events WHERE id = ?", [stack[-1]]).fetchone()))
        ev["changes"] = json.loads(ev["changes"])
        return ev

    def _replay(self, kind: str) -> dict | None:
        self.require_writable()
        ev = self.peek(kind)
        if ev is None:
            return None
        with self.transaction(kind, f"{kind} {ev['action']}: {ev['summary']}", ref=ev["id"], undoable=False) as tx:
            tx.apply(ev["changes"], inverse=(kind == "undo"))
        return ev

    def undo(self) -> dict | None:
        """Undo this coder's latest change (across restarts: the log is in the file)."""
        return self._replay("undo")

    def redo(self) -> dict | None:
        return self._replay("redo")
