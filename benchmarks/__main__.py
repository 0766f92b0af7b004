"""Run benchmarks and print their tables: ``python -m benchmarks [NAME ...]`` (all when none is named)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name[len("bench_") :] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    console = Console()
    console.print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()}"
    )
    for name in names:
        mod = importlib.import_module(f"benchmarks.bench_{name}")
        rows = mod.run()
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols]
        if len(cols) > 8 and len(rows) <= 3:  # wide and short: one column per run reads better
            table = Table("", *[f"run {k + 1}" for k in range(len(rows))], title=f"benchmark: {name}")
            for c in cols:
                table.add_row(c, *[_fmt(r.get(c)) for r in rows])
        else:
            table = Table(*cols, title=f"benchmark: {name}")
            for r in rows:
                table.add_row(*[_fmt(r.get(c)) for c in cols])
        console.print(table)
    return 0


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "" if v is None else str(v)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
