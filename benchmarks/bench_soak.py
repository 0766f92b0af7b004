"""Soak: a team on one project file for a while — coders writing, an importer, analysts, and a
headless workbench — then the file is checked: integrity, the event chain, every coding accounted for.

Figures: writes per second overall and in the first and last third (held?), lost codings (must be
0) and errors that reached a user, such as "database is locked" (must be 0). Set
``QUALCODE_SOAK_SECONDS`` (default 60) for a longer run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITERS = 4


def _start(role: str, *args) -> subprocess.Popen:
    root = Path(__file__).resolve().parents[1]
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.team_workload", role, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
    )


def soak(seconds: float) -> dict:
    from qualcode.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "team.db"
        build_demo(path).close()
        began = time.monotonic()
        procs = [_start("writer", path, f"coder{k}", seconds, 10**9) for k in range(WRITERS)]
        procs += [
            _start("importer", path, tmp, max(3, int(seconds / 5)), seconds),
            _start("reader", path, seconds),
            _start("reader", path, seconds),
            _start("workbench", path, seconds),
        ]
        results = []
        for p in procs:
            out, err = p.communicate(timeout=seconds * 4 + 120)
            if p.returncode:
                raise RuntimeError(f"a soak process failed: {err[-2000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        wall = time.monotonic() - began
        con = sqlite3.connect(path)
        check = [r[0] for r in con.execute("PRAGMA integrity_check")]
        lost = 0
        for r in results:
            if r["role"] == "writer":
                have = {
                    g
                    for (g,) in con.execute(
                        "SELECT c.guid FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ?", [r["coder"]]
                    )
                }
                lost += len(set(r["kept"]) - have) + len(have - set(r["kept"]))
            if r["role"] == "workbench":
                have = {i for (i,) in con.execute("SELECT id FROM codings")}
                lost += len(set(r["codings"]) - have)
        con.close()
        from qualcode.project import Project

        with Project.open(path) as p:
            chain = p.verify().ok
    writes = [s for r in results if r["role"] == "writer" for s in r["stamps"]]
    t0 = min(writes) if writes else began
    third = seconds / 3
    first = sum(1 for s in writes if s - t0 < third) / third
    last = sum(1 for s in writes if s - t0 >= 2 * third) / third
    return {
        "seconds": round(wall, 1),
        "writers": WRITERS,
        "writes": len(writes),
        "writes_per_s": len(writes) / seconds,
        "first_third_per_s": first,
        "last_third_per_s": last,
        "imports": sum(r["ops"] for r in results if r["role"] == "importer"),
        "analyses": sum(r["ops"] for r in results if r["role"] == "reader"),
        "workbench_codings": sum(r["ops"] for r in results if r["role"] == "workbench"),
        "lost": lost,
        "errors": sum(len(r["errors"]) for r in results),
        "integrity": check[0],
        "chain": "ok" if chain else "BROKEN",
    }


def run() -> list[dict]:
    seconds = float(os.environ.get("QUALCODE_SOAK_SECONDS", "60"))
    row = soak(seconds)
    return [
        {
            "benchmark": f"soak {seconds:.0f} s: {WRITERS} writers, importer, 2 readers, workbench",
            **row,
            "target": "lost = 0, errors = 0, integrity ok",
        }
    ]
