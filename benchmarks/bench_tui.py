"""Workbench speed, measured through Pilot: opening a 100,000-word transcript, and coding a selection.

``run()`` returns rows like {"benchmark": ..., "seconds": ..., "target": "≤ 0.300"}. Times come from
timestamps the app records itself (key received, row committed, first line painted), so Pilot's own
settling waits do not count against the app.
"""

from __future__ import annotations

import asyncio
import random
import re
import tempfile
import time
from pathlib import Path

from qualcode.corpus.documents import get_document
from qualcode.corpus.ingest import import_files

WORDS = 100_000
SEED = 20210314


def big_transcript(words: int = WORDS, seed: int = SEED) -> str:
    """A deterministic interview of ``words`` words: demo sentences reshuffled into speaker turns."""
    from qualcode.demo import demo_paths

    corpus, _, _ = demo_paths()
    sentences: list[str] = []
    for f in sorted(corpus.glob("en_*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            body = line.split(":", 1)[1] if ":" in line[:20] else line
            sentences += [s.strip() for s in re.split(r"(?<=[.?!])\s+", body) if len(s.split()) >= 4]
    rng = random.Random(seed)
    turns, count, speaker = ["Interview 99 — synthetic — 100,000 words"], 0, "I"
    while count < words:
        turn = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6)))
        count += len(turn.split())
        turns.append(f"{speaker}: {turn}")
        speaker = "IP" if speaker == "I" else "I"
    return "\n\n".join(turns) + "\n"


def _build(folder: Path) -> tuple[Path, int]:
    from qualcode.demo import build_demo

    path = folder / "bench.db"
    project = build_demo(path)
    source = folder / "big_interview.txt"
    source.write_text(big_transcript(), encoding="utf-8")
    import_files(project, [source], kind="interview", language="en")
    doc_id = get_document(project, "big_interview")["id"]
    project.close()
    return path, doc_id


async def _measure(path: Path, doc_id: int) -> list[dict]:
    from qualcode.tui.app import QualcodeApp
    from qualcode.tui.widgets.document_list import DocumentList

    app = QualcodeApp(path, "anna")
    rows: list[dict] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        docs = app.query_one(DocumentList)
        docs.focus()
        docs.highlighted = next(i for i, d in enumerate(app.document_rows) if d["id"] == doc_id)
        await pilot.pause()
        t = app.transcript
        start = time.perf_counter()
        await pilot.press("enter")  # open the highlighted document
        await pilot.pause()
        rows.append(
            {
                "benchmark": "tui open 100k words",
                "seconds": round(t.first_paint - start, 3),
                "target": "≤ 0.300",
                "words": len(t.text.split()),
                "rows": len(t._wrapped),
            }
        )
        # scroll to the middle and page on: every page paints only the visible rows
        t.focus()
        await pilot.press("ctrl+end")
        start = time.perf_counter()
        await pilot.press("pageup")
        rows.append(
            {
                "benchmark": "tui page up at the end of 100k words",
                "seconds": round(t.painted_at - start, 3),
                "target": "≤ 0.050",
            }
        )
        await pilot.press("2")  # select the sentence at the cursor
        await pilot.pause()
        before = app.project.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        await pilot.press("s")  # Barriers/Stigma's hotkey
        await pilot.pause()
        after = app.project.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        assert after == before + 1, "the coding was not stored"
        assert t.painted_at > app.committed_at > t.key_at, "no paint after the commit"
        rows.append(
            {
                "benchmark": "tui coding: keypress to row committed",
                "seconds": round(app.committed_at - t.key_at, 3),
                "target": "≤ 0.050",
            }
        )
        rows.append(
            {
                "benchmark": "tui coding: keypress to highlight painted",
                "seconds": round(t.painted_at - t.key_at, 3),
                "target": "≤ 0.050",
            }
        )
    return rows


async def _startup(path: Path, doc_id: int) -> dict:
    """The whole app, from constructing it to the transcript's first full frame, opening the big document."""
    from qualcode.tui.app import QualcodeApp

    start = time.perf_counter()
    app = QualcodeApp(path, "anna", document=doc_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        painted = app.transcript.first_paint
    return {
        "benchmark": "tui start on the 100k-word document",
        "seconds": round(painted - start, 3),
        "target": "(Textual start-up included)",
    }


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        path, doc_id = _build(Path(tmp))
        rows = asyncio.run(_measure(path, doc_id))
        rows.append(asyncio.run(_startup(path, doc_id)))
        return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']:<48} {row['seconds']:>8.3f} s   target {row['target']}")
