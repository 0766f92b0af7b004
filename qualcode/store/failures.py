"""SQLite and file-system failures, said in one line that names the file and what to do.

A damaged project, a full disk or a read-only folder is not a bug: the user gets one line (exit 1)
and nothing half-written. Messages never quote SQL parameters, so no transcript text leaks.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from qualcode.errors import QualcodeError

RESTORE = "restore your latest backup ('qualcode backup' makes one) and check it with 'qualcode verify'"


def storage_error(e: BaseException, path: str | Path) -> QualcodeError:
    """The user-facing line for an error that SQLite (or the OS) raised on ``path``."""
    msg = str(e).lower()
    if isinstance(e, OSError) and not isinstance(e, sqlite3.Error):
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            return QualcodeError(f"{path}: the disk is full; nothing was changed — free some space and try again")
        if e.errno == errno.EROFS:
            return QualcodeError(f"{path}: the file system is read-only; nothing was changed")
        return QualcodeError(f"{path}: {e.strerror or e}; nothing was changed")
    if "file is not a database" in msg:
        return QualcodeError(f"{path}: not a qualcode project (not an SQLite file, or damaged beyond reading); "
                             f"it was left untouched — if it was your project, {RESTORE}")
    if "malformed" in msg or "corrupt" in msg:
        return QualcodeError(f"{path}: the project file is damaged ({e}); nothing was changed — {RESTORE}")
    if "database or disk is full" in msg:
        return QualcodeError(f"{path}: the disk is full; nothing was changed — free some space and try again")
    if "readonly" in msg or "read-only" in msg:
        return QualcodeError(f"{path}: cannot be written (a read-only file, folder or file system); "
                             "nothing was changed — open it with --read-only to look, or copy it somewhere writable")
    if "locked" in msg or "busy" in msg:
        return QualcodeError(f"{path}: busy — another qualcode kept it locked for over 10 seconds; "
                             "nothing was changed, try again")
    if "disk i/o error" in msg:
        return QualcodeError(f"{path}: the disk failed a read or write; nothing was changed — check the storage "
                             "(full? removed?) and run 'qualcode verify'")
    if "unable to open" in msg:
        return QualcodeError(f"{path}: cannot be opened (check the folder's permissions)")
    return QualcodeError(f"{path}: {e}; nothing was changed")
