"""The one exception type for user errors, and the one line for everything else.

Front ends print ``str(error)`` as a single line and exit 1. Anything else — a damaged file, a
full disk, a bug — also becomes one line (``describe_unexpected``): never a traceback on screen.
Messages name the file, line or element and say what to do.
"""

from __future__ import annotations

import errno
from pathlib import Path


class QualcodeError(Exception):
    """A problem with the user's input or request, explained in one line."""


# SQLite and file-system failures, said in one line that names the file and what to do. A damaged
# project, a full disk or a read-only folder is not a bug: the user gets one line (exit 1) and
# nothing half-written. Messages never quote SQL parameters, so no transcript text leaks.
RESTORE = "restore your latest backup ('qualcode backup' makes one) and check it with 'qualcode verify'"


def storage_error(e: BaseException, path: str | Path) -> QualcodeError:
    """The user-facing line for an error that SQLite (or the OS) raised on ``path``."""
    import sqlite3  # here, not at the top: the REFI reader uses these errors without a database

    msg = str(e).lower()
    if isinstance(e, OSError) and not isinstance(e, sqlite3.Error):
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            return QualcodeError(f"{path}: the disk is full; nothing was changed — free some space and try again")
        if e.errno == errno.EROFS:
            return QualcodeError(f"{path}: the file system is read-only; nothing was changed")
        return QualcodeError(f"{path}: {e.strerror or e}; nothing was changed")
    if "file is not a database" in msg:
        return QualcodeError(
            f"{path}: not a qualcode project (not an SQLite file, or damaged beyond reading); "
            f"it was left untouched — if it was your project, {RESTORE}"
        )
    if "malformed" in msg or "corrupt" in msg:
        return QualcodeError(f"{path}: the project file is damaged ({e}); nothing was changed — {RESTORE}")
    if "database or disk is full" in msg:
        return QualcodeError(f"{path}: the disk is full; nothing was changed — free some space and try again")
    if "readonly" in msg or "read-only" in msg:
        return QualcodeError(
            f"{path}: cannot be written (a read-only file, folder or file system); "
            "nothing was changed — open it with --read-only to look, or copy it somewhere writable"
        )
    if "locked" in msg or "busy" in msg:
        return QualcodeError(
            f"{path}: busy — another qualcode kept it locked for over 10 seconds; nothing was changed, try again"
        )
    if "disk i/o error" in msg:
        return QualcodeError(
            f"{path}: the disk failed a read or write; nothing was changed — check the storage "
            "(full? removed?) and run 'qualcode verify'"
        )
    if "unable to open" in msg:
        return QualcodeError(f"{path}: cannot be opened (check the folder's permissions)")
    return QualcodeError(f"{path}: {e}; nothing was changed")


def describe_unexpected(e: BaseException, project: Path | str | None = None) -> str:
    """One line for an exception that is not a user error: storage trouble, or a bug.

    Never the exception's message or locals for a bug (they could quote a transcript): its type
    and where it happened. ``QUALCODE_DEBUG=1`` prints the traceback (without locals) to stderr.
    """
    import os
    import sqlite3
    import traceback

    if isinstance(e, sqlite3.Error | OSError) and not isinstance(e, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        where = getattr(e, "filename", None) or project or "the project"
        return str(storage_error(e, where))
    if os.environ.get("QUALCODE_DEBUG"):
        traceback.print_exception(e)
    frame = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    place = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return (
        f"internal error ({type(e).__name__}{place}); any change in progress was rolled back. "
        "Please report this line (QUALCODE_DEBUG=1 shows the traceback)"
    )
