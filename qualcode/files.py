"""Files qualcode writes besides the project: private by default, never left half-written.

The people in the transcripts must not be exposed by a umask: project files, backups, exports and
the pseudonym mapping are created 0600 — or, in a team project (``qualcode init --group``), with
the project's own group mode and group, never more open than the project itself. Every output is
written to a temporary file in the target folder and renamed over the target, so a full disk or a
crash leaves either the old file or the new one, never a truncated one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from qualcode.errors import QualcodeError

PRIVATE = 0o600
GROUP = 0o660


def mode_like(project: Path | None) -> tuple[int, int | None]:
    """(mode, gid or None) for a file that belongs with ``project``: its owner and group bits,
    never another's; 0600 when there is no project (or it is not group-shared)."""
    if project is None:
        return PRIVATE, None
    try:
        st = os.stat(project)  # a stat, not an open: no locks are touched
    except OSError:
        return PRIVATE, None
    mode = (stat.S_IMODE(st.st_mode) & 0o660) | 0o600
    return mode, (st.st_gid if mode & 0o060 else None)


@contextlib.contextmanager
def creating_private(group: int | None = None) -> Iterator[None]:
    """Create files under a umask that keeps them private (or group-only), whatever the user's umask.

    The umask is process-wide; this is used only around the creation of one file.
    """
    old = os.umask(0o007 if group is not None else 0o077)
    try:
        yield
    finally:
        os.umask(old)


def set_mode_like(path: Path, project: Path | None, group: int | None = None) -> None:
    """Give ``path`` the mode of ``project`` (or 0600; 0660 and ``group`` for a team file)."""
    if group is not None:
        mode, gid = GROUP, group
    else:
        mode, gid = mode_like(project)
    if gid is not None and os.stat(path).st_gid != gid:
        try:
            os.chown(path, -1, gid)
        except OSError:  # not a member of the project's group: then the file stays private
            if group is not None:
                raise QualcodeError(f"{path}: cannot give it to the group (are you a member?)") from None
            mode = PRIVATE
    os.chmod(path, mode)


def _os_error(e: OSError, path: Path) -> QualcodeError:
    if e.errno == errno.ENOSPC or e.errno == errno.EDQUOT:
        return QualcodeError(f"{path}: the disk is full; nothing was written — free some space and try again")
    if e.errno == errno.EROFS:
        return QualcodeError(f"{path}: the file system is read-only; write somewhere else with -o PATH")
    if e.errno in (errno.EACCES, errno.EPERM):
        return QualcodeError(f"{path}: permission denied; write somewhere else with -o PATH")
    if e.errno == errno.ENOENT:
        return QualcodeError(f"{path}: the folder does not exist")
    if e.errno == errno.EFBIG:
        return QualcodeError(f"{path}: the file grew past the size this system allows; nothing was written")
    return QualcodeError(f"{path}: cannot write ({e.strerror or e}); nothing was written")


@contextlib.contextmanager
def atomic_path(path: str | Path, like: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for a library to write; on success it gets the right
    mode and replaces ``path``; on any failure it is removed and ``path`` is left as it was."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)  # 0600
        os.close(fd)
    except OSError as e:
        raise _os_error(e, target) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        set_mode_like(tmp_path, like)
        os.replace(tmp_path, target)
    except OSError as e:
        tmp_path.unlink(missing_ok=True)
        raise _os_error(e, target) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, content: bytes | Callable[[BinaryIO], None], like: Path | None = None) -> Path:
    """Write bytes (or whatever ``content(fh)`` writes) to ``path`` privately and atomically."""
    target = Path(path)
    with atomic_path(target, like) as tmp:
        with open(tmp, "wb") as fh:
            if callable(content):
                content(fh)
            else:
                fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    return target


def write_text_atomic(path: str | Path, text: str, like: Path | None = None) -> Path:
    """UTF-8 text, written as is (no newline translation)."""
    return write_atomic(path, text.encode("utf-8"), like)
