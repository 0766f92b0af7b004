"""The one exception type for user errors, and the one line for everything else.

Front ends print ``str(error)`` as a single line and exit 1. Anything else — a damaged file, a
full disk, a bug — also becomes one line (``describe_unexpected``): never a traceback on screen.
Messages name the file, line or element and say what to do.
"""

from __future__ import annotations

from pathlib import Path


class QualcodeError(Exception):
    """A problem with the user's input or request, explained in one line."""


def describe_unexpected(e: BaseException, project: Path | str | None = None) -> str:
    """One line for an exception that is not a user error: storage trouble, or a bug.

    Never the exception's message or locals for a bug (they could quote a transcript): its type
    and where it happened. ``QUALCODE_DEBUG=1`` prints the traceback (without locals) to stderr.
    """
    import os
    import sqlite3
    import traceback

    from qualcode.store.failures import storage_error

    if isinstance(e, sqlite3.Error | OSError) and not isinstance(e, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        where = getattr(e, "filename", None) or project or "the project"
        return str(storage_error(e, where))
    if os.environ.get("QUALCODE_DEBUG"):
        traceback.print_exception(e)
    frame = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    place = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return (f"internal error ({type(e).__name__}{place}); any change in progress was rolled back. "
            "Please report this line (QUALCODE_DEBUG=1 shows the traceback)")
