"""Team projects on a shared server: one group, mode 0660, a setgid folder.

SQLite gives the -wal and -shm files the project's mode, but their group comes from the folder:
in a setgid folder every new file (WAL, exports, backups) belongs to the team's group, so each
coder can open what another created. ``folder_advice`` says what to fix when the folder is not so.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

from qualcode.errors import QualcodeError


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
        out.append(f"make the folder the team's, so new files (-wal, exports, backups) are too: "
                   f"chgrp {_name(gid)} {folder} && chmod 2770 {folder}")
    elif st.st_mode & 0o007:
        out.append(f"the folder is open to everyone; close it with: chmod o-rwx {folder}")
    return out
