"""Backups through SQLite's online backup API: consistent while other coders keep writing.

Never a file copy: copying the bytes of a live WAL database can catch it mid-transaction, and a
Python ``open()`` on the project would release this process's locks. The copy is a standalone file
(rollback journal, no -wal beside it), checked with ``integrity_check``, written under a temporary
name and renamed, with the project's own permissions.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from qualcode.errors import QualcodeError, storage_error
from qualcode.files import atomic_path


def default_target(project: Path) -> Path:
    """``backups/<project>-YYYYMMDD-HHMMSS.db`` beside the project."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return project.absolute().parent / "backups" / f"{project.stem}-{stamp}.db"


def backup(conn: sqlite3.Connection, project: Path, target: Path) -> Path:
    if target.exists():
        raise QualcodeError(f"{target}: exists already; choose another name with -o")
    if target.absolute() == project.absolute():
        raise QualcodeError("a backup cannot replace the project itself; choose another name with -o")
    with atomic_path(target, like=project) as tmp:
        dst = sqlite3.connect(tmp)
        try:
            conn.backup(dst)  # one step: a single read transaction, so the copy is consistent
            dst.execute("PRAGMA journal_mode = DELETE")
            check = [r[0] for r in dst.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as e:
            raise storage_error(e, target) from None
        finally:
            dst.close()
        if check != ["ok"]:
            raise QualcodeError(
                f"{target}: the copy failed its integrity check ({check[0]}); run 'qualcode verify' on {project}"
            )
    return target
