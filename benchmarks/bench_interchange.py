"""Interchange at scale: .qdpx export and import of L (10,000 documents, a million codings), and a
merge of two S projects, each timed with its peak memory in a fresh process.

Each step runs in its own subprocess so that its peak resident memory (``ru_maxrss``) is its
own. The baselines are the floors of the same work, run the same way in the same run:

- export: read every document and coding row from SQLite and deflate the texts into a zip —
  what any exporter must do before it writes a line of XML;
- import: stream-parse project.qde with lxml's ``iterparse``, dropping each element — what any
  importer must do before it stores a row;
- merge: read every row of the other project — the least a merge can read.

Targets (issue 17): export and import streamed — no whole XML tree in memory, so peak memory
stays far below the 6 GB a whole tree of L took; times and memory printed as ratios to the floors.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SIZE = os.environ.get("QUALCODE_BENCH_INTERCHANGE_SIZE", "L")

_MEASURE = """
import json, resource, sys, time
t0 = time.perf_counter()
{body}
took = time.perf_counter() - t0
print(json.dumps({{"seconds": took, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

_STEPS = {
    "export": """
from qualcode.project import Project
from qualcode.interchange.qdpx_export import export_qdpx
with Project.open(sys.argv[1], readonly=True) as p:
    export_qdpx(p, sys.argv[2])
""",
    "export floor": """
import sqlite3, zipfile
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT guid, document_id, code_id, coder_id, start, [end], text, created_at FROM codings").fetchall()
with zipfile.ZipFile(sys.argv[2], "w", compression=zipfile.ZIP_DEFLATED) as zf:
    for guid, text in db.execute("SELECT guid, text FROM documents"):
        zf.writestr(f"sources/{guid}.txt", text.encode())
""",
    "import": """
from qualcode.project import Project
from qualcode.interchange.qdpx_import import import_qdpx
with Project.create(sys.argv[2], coder="bench") as p:
    import_qdpx(p, sys.argv[1])
""",
    "import floor": """
import zipfile
from lxml import etree
with zipfile.ZipFile(sys.argv[1]) as zf, zf.open("project.qde") as fh:
    for _, el in etree.iterparse(fh, events=("end",)):
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
""",
    "merge": """
from qualcode.project import Project
from qualcode.interchange.merge import merge_project
with Project.open(sys.argv[2], coder="bench") as p:
    merge_project(p, sys.argv[1])
""",
    "merge floor": """
import sqlite3
db = sqlite3.connect(sys.argv[1])
for table in ("coders", "codes", "documents", "codings", "memos", "attributes", "document_attributes"):
    db.execute(f"SELECT * FROM {table}").fetchall()
""",
}


def _step(name: str, *args: Path) -> dict[str, float]:
    code = _MEASURE.format(body=textwrap.dedent(_STEPS[name]).strip())
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed: {done.stderr[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(label: str, got: dict[str, float], floor: dict[str, float], target: str) -> dict:
    return {
        "benchmark": label,
        "seconds": round(got["seconds"], 2),
        "floor s": round(floor["seconds"], 2),
        "× floor": f"{got['seconds'] / floor['seconds']:.1f}×",
        "peak MB": round(got["peak_mb"]),
        "floor MB": round(floor["peak_mb"]),
        "target": target,
    }


def run() -> list[dict]:
    from benchmarks.bench_cooccurrence import corpus_project

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        large = corpus_project(SIZE)
        qdpx = folder / f"{SIZE}.qdpx"
        exported = _step("export", large, qdpx)
        floor = _step("export floor", large, folder / "floor.zip")
        mb = qdpx.stat().st_size / 2**20
        rows.append(_row(f"export {SIZE} → .qdpx ({mb:.0f} MB)", exported, floor, "streamed; a whole tree took 6 GB"))
        imported = _step("import", qdpx, folder / "imported.db")
        floor = _step("import floor", qdpx)
        rows.append(_row("import that .qdpx into a new project", imported, floor, "streamed (iterparse)"))

        ours = folder / "S-a.db"
        shutil.copy(corpus_project("S", seed=7), ours)
        theirs = corpus_project("S", seed=8)
        merged = _step("merge", theirs, ours)
        floor = _step("merge floor", theirs)
        rows.append(_row("merge one S project into another (all new)", merged, floor, "measured"))
        again = _step("merge", theirs, ours)
        rows.append(_row("merge the same S project again (nothing new)", again, floor, "measured"))
    return rows
