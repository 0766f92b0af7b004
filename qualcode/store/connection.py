"""Open a project file with the settings every connection must have.

WAL lets two coders work on one file on a shared server; foreign keys keep codings attached to
real documents and codes; the busy timeout makes a second writer wait instead of failing.
"""

import sqlite3
from pathlib import Path

import sqlite_utils

from qualcode.errors import QualcodeError

BUSY_TIMEOUT_MS = 10_000


def open_database(path: str | Path, create: bool = True) -> sqlite_utils.Database:
    path = Path(path)
    if not create and not path.exists():
        raise QualcodeError(
            f"{path}: no project file here; create one with 'qualcode init' or pass --project PATH"
        )
    if path.exists() and path.is_dir():
        raise QualcodeError(f"{path}: is a folder, not a project file")
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise QualcodeError(f"{path}: not a qualcode project (not an SQLite file)")
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return sqlite_utils.Database(conn)
