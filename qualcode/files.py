"""Files qualcode reads and writes besides the project: inputs that cannot hurt the host, and
outputs that are private by default and never left half-written.

Inputs (transcripts, CSV, YAML, REFI files) are read only if they are regular files, and at most
a stated number of bytes, checked while reading (see ``read_input``).

The people in the transcripts must not be exposed by a umask: project files, backups, exports and
the pseudonym mapping are created 0600 — or, in a team project (``qualcode init --group``), with
the project's own group mode and group, never more open than the project itself. Every output is
written to a temporary file in the target folder and renamed over the target, so a full disk or a
crash leaves either the old file or the new one, never a truncated one.
"""

from __future__ import annotations

import contextlib
import errno
import grp
import os
import stat
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
    gid: int | None
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


def make_folder_like(folder: Path, project: Path | None) -> None:
    """Create ``folder`` (and its parents) the way the project's files are: 0700, or 0770 for the
    project's group — an export folder's file names carry code names and filters. A folder that
    already exists is the user's and keeps its mode."""
    if folder.is_dir():
        return
    _, gid = mode_like(project)
    with creating_private(gid):
        folder.mkdir(parents=True, exist_ok=True)
    try:
        if gid is not None:
            os.chown(folder, -1, gid)
        os.chmod(folder, 0o770 if gid is not None else 0o700)
    except OSError:
        os.chmod(folder, 0o700)


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
        import tempfile  # here: most commands write no file beside the project

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


def read_input(path: str | Path, limit: int, what: str = "a transcript") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, refused otherwise before harm is done.

    A FIFO would block ``open()`` forever and a device (``/dev/zero``, ``/dev/urandom``, a link to
    one) never ends while ``stat`` says 0 bytes: so the kind of file is checked before opening, with
    ``O_NONBLOCK`` against a swap between check and open, and the limit is enforced while reading.
    """
    path = Path(path)

    def too_big(size: float) -> QualcodeError:
        return QualcodeError(
            f"{path.name}: {_size(size)} is too large to be {what} (limit {_size(limit)}); split it into parts"
        )

    try:
        st = require_regular_file(path)
        if st.st_size > limit:
            raise too_big(st.st_size)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise QualcodeError(f"{path.name}: is not a regular file; only regular files are read")
            data = fh.read(limit + 1)
    except OSError as e:
        raise QualcodeError(f"{path}: cannot read the file ({e.strerror})") from None
    if len(data) > limit:
        raise too_big(len(data))
    return data


def require_regular_file(path: Path) -> os.stat_result:
    """The file's stat if it is a regular file (links followed); a FIFO, device, socket or folder is
    refused with one line, before anything opens it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise QualcodeError(f"{path}: no such file") from None
    except OSError as e:
        raise QualcodeError(f"{path}: cannot read the file ({e.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "a folder"
            if stat.S_ISDIR(st.st_mode)
            else "not a regular file"
        )
        link = " (through a symbolic link)" if path.is_symlink() else ""
        raise QualcodeError(f"{path.name}: is {kind}{link}, not a file; only regular files are read")
    return st


def _size(n: float) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n:,.0f} bytes"


# ----------------------------------------------------------------------------- team projects
# SQLite gives the -wal and -shm files the project's mode, but their group comes from the folder:
# in a setgid folder every new file (WAL, exports, backups) belongs to the team's group, so each
# coder can open what another created. ``folder_advice`` says what to fix when the folder is not so.


def team_group(project: Path, name: str | None, shared: bool) -> int:
    """The gid for a team project: ``name``'s, or (``--shared``) the folder's; you must belong to it."""
    if name:
        try:
            gid = grp.getgrnam(name).gr_gid
        except KeyError:
            raise QualcodeError(f"no group named '{name}' on this machine (see 'getent group')") from None
    else:
        gid = os.stat(project.absolute().parent).st_gid
        name = _name(gid)
    if os.geteuid() != 0 and gid not in os.getgroups() and gid != os.getegid():
        raise QualcodeError(f"you are not a member of the group '{name}'; ask an administrator to add you")
    return gid


def _name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def folder_advice(project: Path, gid: int) -> list[str]:
    """What to change so that every coder can open the files others create beside the project."""
    folder = project.absolute().parent
    st = os.stat(folder)
    out = []
    if st.st_gid != gid or not st.st_mode & stat.S_ISGID:
        out.append(
            f"make the folder the team's, so new files (-wal, exports, backups) are too: "
            f"chgrp {_name(gid)} {folder} && chmod 2770 {folder}"
        )
    elif st.st_mode & 0o007:
        out.append(f"the folder is open to everyone; close it with: chmod o-rwx {folder}")
    return out


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a regular file, streamed (a .qdpx may carry large media)."""
    import hashlib

    require_regular_file(Path(path))
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
