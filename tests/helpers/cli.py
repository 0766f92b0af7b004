"""The real command line in its own process, and the contract for a user error: one line, exit 1."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path


def qc(
    path: Path, *args: str, coder: str = "anna", cwd: Path | None = None, prefix: tuple = (), env: dict | None = None
) -> subprocess.CompletedProcess:
    """The real command line, in its own process (as a user runs it)."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "qualcode", "-p", str(path), "-c", coder, *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def one_line_error(r: subprocess.CompletedProcess) -> str:
    """Exit 1, one line on stderr, no traceback; returns the line."""
    assert r.returncode == 1, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    lines = [ln for ln in r.stderr.splitlines() if ln.strip() and not ln.startswith("note:")]
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    return lines[0]


def digest(*paths: Path) -> dict[str, str | None]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in paths}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
