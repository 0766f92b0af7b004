"""The one place that opens project files: settings, identity checks, read-only fallbacks.

Only SQLite ever opens a project file (or its -wal/-shm). Closing *any* descriptor on a database
file drops every POSIX lock the process holds on it (SQLite's "How To Corrupt An SQLite Database
File", §2.2): a Python ``open()`` to peek at the header let another process delete the WAL under
the workbench. So the header, the schema version and the application id are all read through
SQLite, on a connection that has not yet changed a byte.

WAL lets several coders work on one file on a shared server; foreign keys keep codings attached
to real documents and codes; the busy timeout makes a second writer wait instead of failing.
A file the user may read but not write is opened read-only (``mode=ro``), falling back to an
immutable snapshot when SQLite cannot create the shared-memory file beside it.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from qualcode.errors import QualcodeError, storage_error
from qualcode.files import creating_private, set_mode_like
from qualcode.store.database import Database

BUSY_TIMEOUT_MS = 10_000
APPLICATION_ID = 0x51434F44  # "QCOD": PRAGMA application_id of every qualcode project
# A project from before application ids (schema 1–4) is recognised by these tables.
LEGACY_TABLES = frozenset({"schema_migrations", "project", "events", "documents", "codings", "codes"})


@dataclass
class Connection:
    """An open project file and how it was opened."""

    db: Database
    path: Path
    readonly: bool = False
    reason: str | None = None  # why it is read-only, in words for the user
    notice: str | None = None  # something the user should know (a snapshot, an old schema)
    kind: str = "qualcode"  # qualcode | legacy | empty (see ``classify``)


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.absolute()))}?{query}"


def _connect(path: Path, **params: str) -> sqlite3.Connection:
    conn = sqlite3.connect(_uri(path, **params), uri=True, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def classify(conn: sqlite3.Connection, path: Path) -> str:
    """``qualcode`` (our application id), ``legacy`` (a qualcode project from before ids),
    ``empty`` (no tables: a new file), or close the connection and refuse with one line. Reads only."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as e:
        conn.close()
        raise storage_error(e, path) from None
    if app_id == APPLICATION_ID:
        return "qualcode"
    if app_id == 0 and not tables:
        return "empty"
    if app_id == 0 and LEGACY_TABLES <= tables:
        return "legacy"
    conn.close()
    raise QualcodeError(
        f"{path}: not a qualcode project (an SQLite file of another program); "
        "it was left untouched — choose a qualcode project with --project"
    )


def writable(path: Path) -> tuple[bool, str | None]:
    """Whether this user can write the project (its file and, for WAL, its folder); if not, why."""
    if not _access(path, os.W_OK):
        return False, "you may not write to this file"
    folder = path.absolute().parent
    if not _access(folder, os.W_OK | os.X_OK):
        companions = [Path(f"{path}{s}") for s in ("-wal", "-shm")]
        if not all(p.exists() and _access(p, os.W_OK) for p in companions):
            return False, f"its folder {folder} is not writable"
    return True, None


def _access(path: Path, mode: int) -> bool:
    """Access as the effective user (what SQLite's open will be checked against)."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _settings(conn: sqlite3.Connection, path: Path) -> None:
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as e:
        conn.close()
        raise storage_error(e, path) from None


def open_database(
    path: str | Path, create: bool = False, readonly: bool | None = None, group: int | None = None
) -> Connection:
    """Open (or, with ``create``, make) a project file; ``readonly=None`` decides from permissions.

    A new file is private (0600) whatever the umask, or group read/write with ``group`` (a gid).
    Foreign SQLite files and non-SQLite files are refused with one line, byte-identical.
    """
    path = Path(path)
    if path.is_dir():
        raise QualcodeError(f"{path}: is a folder, not a project file")
    if not path.exists():
        if not create:
            raise QualcodeError(f"{path}: no project file here; create one with 'qualcode init' or pass --project PATH")
        if readonly:
            raise QualcodeError(f"{path}: no project file here to open read-only")
        if not path.parent.is_dir():
            raise QualcodeError(f"{path}: the folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise QualcodeError(f"{path}: cannot create a project here ({path.parent} is not writable)")
        try:
            with creating_private(group):
                conn = _connect(path, mode="rwc")
                conn.execute("PRAGMA schema_version").fetchone()  # create the file now, under our mode
            set_mode_like(path, None, group=group)
        except sqlite3.DatabaseError as e:
            raise storage_error(e, path) from None
        _settings(conn, path)
        return Connection(Database(conn), path, kind="empty")

    can_write, reason = writable(path)
    if readonly is None:
        readonly = not can_write
    elif readonly:
        reason = "opened with --read-only"
    elif not can_write:
        raise QualcodeError(f"{path}: cannot be written ({reason}); open it read-only with --read-only")
    if readonly:
        return _open_readonly(path, reason)
    try:
        conn = _connect(path, mode="rw")
    except sqlite3.DatabaseError as e:
        raise storage_error(e, path) from None
    kind = classify(conn, path)
    _settings(conn, path)
    return Connection(Database(conn), path, kind=kind)


def _open_readonly(path: Path, reason: str | None) -> Connection:
    notice = None
    try:
        conn = _connect(path, mode="ro")
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.OperationalError as e:
            if "unable to open" not in str(e) and "readonly" not in str(e):
                raise
            # WAL needs the -shm file; where it cannot be created, read the file as it stands.
            conn.close()
            conn = _connect(path, mode="ro", immutable="1")
            notice = (
                f"{path.name} is shown as a read-only snapshot (its folder does not allow SQLite's "
                "shared-memory file); changes others make from now on are not shown"
            )
    except sqlite3.DatabaseError as e:
        raise storage_error(e, path) from None
    kind = classify(conn, path)
    conn.execute("PRAGMA foreign_keys = ON")
    return Connection(Database(conn), path, readonly=True, reason=reason, notice=notice, kind=kind)


def in_memory_copy(source: Connection) -> Connection:
    """A private in-memory copy of an open project, to upgrade an old schema without writing it."""
    mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        source.db.conn.backup(mem)
    except sqlite3.DatabaseError as e:
        raise storage_error(e, source.path) from None
    mem.execute("PRAGMA foreign_keys = ON")
    return Connection(
        Database(mem),
        source.path,
        readonly=source.readonly,
        reason=source.reason,
        notice=source.notice,
        kind=source.kind,
    )
