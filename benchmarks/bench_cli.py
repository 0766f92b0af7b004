"""Command-line start-up: how long a command takes from ``exec`` to exit, against Python itself.

The baseline is ``python -c "import sqlite3, click, rich.console"`` — the least any click/rich
command line can cost — run in the same loop as the commands, so the ratios are comparable across
machines. Each figure is the median wall time of ``REPEAT`` fresh subprocesses (interleaved with the
baseline, so a busy moment hits both). The project is a copy of the demo.

Targets (issue 17): ``--help`` and ``--version`` ≤ 1.5×; ``docs``, ``codes``, ``code``, ``codings``
on the demo ≤ 2×. ``code`` adds one coding, so every run writes a transaction and an event.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = int(os.environ.get("QUALCODE_BENCH_REPEAT", "15"))
_RUN = 0
BASELINE = [sys.executable, "-c", "import sqlite3, click, rich.console"]


def _commands(project: Path, code_args: list[str]) -> list[tuple[str, list[str], float]]:
    """(name, argv, target ratio); ``code``'s START/END are placeholders moved on every run."""
    qc = [sys.executable, "-m", "qualcode"]
    p = ["-p", str(project)]
    return [
        ("--help", [*qc, "--help"], 1.5),
        ("--version", [*qc, "--version"], 1.5),
        ("docs", [*qc, *p, "docs"], 2.0),
        ("codes", [*qc, *p, "codes"], 2.0),
        ("code (adds one coding)", [*qc, *p, "--coder", "bench", "code", *code_args], 2.0),
        ("codings", [*qc, *p, "codings"], 2.0),
    ]


def _wall(argv: list[str], env: dict[str, str]) -> float:
    global _RUN
    _RUN += 1  # each ``code`` run codes a new span: the same span twice is refused
    argv = [str(40 * _RUN) if a == "START" else str(40 * _RUN + 40) if a == "END" else a for a in argv]
    t0 = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])} failed: {done.stderr.decode(errors='replace')[-300:]}")
    return took


def _demo(folder: Path) -> tuple[Path, list[str]]:
    """A demo project and arguments for one ``code`` call (first document, its first 40 characters)."""
    from qualcode.codebook.codes import list_codes
    from qualcode.corpus.documents import list_documents
    from qualcode.demo import build_demo

    path = folder / "demo.db"
    with build_demo(path) as p:
        doc = list_documents(p)[0]["name"]
        code = list_codes(p)[0].path
    return path, [doc, "START", "END", code]


def run() -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="qualcode-bench-cli-"))
    try:
        project, code_args = _demo(folder)
        env = {**os.environ, "COLUMNS": "120"}
        commands = _commands(project, code_args)
        for _, argv, _ in commands:  # warm the page cache and the bytecode cache once
            _wall(argv, env)
        base: list[float] = []
        times: dict[str, list[float]] = {name: [] for name, _, _ in commands}
        for _ in range(REPEAT):
            for name, argv, _ in commands:
                base.append(_wall(BASELINE, env))
                times[name].append(_wall(argv, env))
        b = statistics.median(base)
        rows = [{"command": "python -c 'import sqlite3, click, rich.console'", "ms": b * 1000, "ratio": 1.0}]
        for name, _, target in commands:
            t = statistics.median(times[name])
            rows.append({"command": f"qualcode {name}", "ms": t * 1000, "ratio": t / b, "target": f"≤ {target}×"})
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)
