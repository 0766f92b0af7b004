"""Which project and which coder, when the command line does not say: the environment, then defaults.

A module of its own so that ``qualcode --help`` knows them without loading the project machinery.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DEFAULT_PROJECT = "qualcode.db"


def default_coder() -> str:
    """``$QUALCODE_CODER``, else the login name."""
    return os.environ.get("QUALCODE_CODER") or getpass.getuser() or "coder"


def default_project_path() -> Path:
    """``$QUALCODE_PROJECT``, else ``./qualcode.db``."""
    return Path(os.environ.get("QUALCODE_PROJECT") or DEFAULT_PROJECT)
