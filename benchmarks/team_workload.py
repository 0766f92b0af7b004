"""Processes that share one project file the way a team does: coders writing codings, someone
importing, someone analysing. Used by the concurrency test (bounded) and the soak benchmark (long).

``python -m benchmarks.team_workload writer PROJECT CODER SECONDS MAX`` and so on; each process
prints one JSON line: what it committed (coding GUIDs, documents), how many operations it did and
every error it met — a "database is locked" that reaches the user counts as an error.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from qualcode.codebook.codes import list_codes
from qualcode.coding.codings import add_coding, remove_coding
from qualcode.corpus.documents import list_documents
from qualcode.corpus.ingest import import_files


def writer(path: str, coder: str, seconds: float, limit: int, seed: int = 1) -> dict:
    """Add codings (and now and then remove one of one's own) until the time or the limit is up."""
    from qualcode.errors import QualcodeError
    from qualcode.project import Project

    rng = random.Random(f"{coder}{seed}")
    p = Project.open(path, coder=coder)
    docs = [(d["id"], d["char_count"]) for d in list_documents(p)]
    codes = [c.id for c in list_codes(p) if c.codable]
    kept: set[str] = set()
    errors: list[str] = []
    done, stamps = 0, []
    end = time.monotonic() + seconds
    while time.monotonic() < end and done < limit:
        doc, length = rng.choice(docs)
        start = rng.randrange(0, max(1, length - 40))
        try:
            if kept and rng.random() < 0.1:
                guid = rng.choice(sorted(kept))
                remove_coding(p, guid)
                kept.discard(guid)
            else:
                row = add_coding(p, doc, start, start + rng.randint(5, 40), rng.choice(codes))
                kept.add(row["guid"])
            done += 1
            stamps.append(time.monotonic())
        except QualcodeError as e:
            if "already coded" not in str(e):
                errors.append(str(e))
    p.close()
    return {"role": "writer", "coder": coder, "ops": done, "kept": sorted(kept), "errors": errors, "stamps": stamps}


def importer(path: str, folder: str, files: int, seconds: float) -> dict:
    """Import small transcripts one by one (each an import event)."""
    from qualcode.errors import QualcodeError
    from qualcode.project import Project

    errors, names = [], []
    pause = seconds / max(files, 1)
    for k in range(files):
        f = Path(folder) / f"team_extra_{k:03d}.txt"
        f.write_text(
            f"I: Hvordan gik dag {k}?\n\nIP: Det gik godt. Jeg fik hjælp af min kontaktperson {k}.\n", encoding="utf-8"
        )
        try:
            with Project.open(path, coder="importer") as p:
                import_files(p, [f])
            names.append(f.stem)
        except QualcodeError as e:
            errors.append(str(e))
        time.sleep(pause)
    return {"role": "importer", "ops": len(names), "documents": names, "errors": errors}


def reader(path: str, seconds: float) -> dict:
    """Analyse again and again: co-occurrence, agreement, search — each on a fresh Project."""
    from qualcode.analysis import data as pdx
    from qualcode.analysis.agreement.audit import audit
    from qualcode.errors import QualcodeError
    from qualcode.project import Project
    from qualcode.search import search

    errors, done = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with Project.open(path, coder="reader") as p:
                sel, choice = pdx.choose(p, coders=["anna"])
                pdx.project_cooccurrence(p, sel, "sentence", choice)
                audit(p, ["anna", "bo"], "sentence")
                search(p, "hjælp", "exact")
            done += 1
        except QualcodeError as e:
            errors.append(str(e))
    return {"role": "reader", "ops": done, "errors": errors}


def workbench(path: str, seconds: float) -> dict:
    """The workbench, headless, coding sentences by hotkey and opening its worker screens."""
    import asyncio

    from qualcode.tui.app import QualcodeApp

    async def run() -> dict:
        app = QualcodeApp(path, "anna")
        done = 0
        async with app.run_test(size=(120, 40)) as pilot:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                await pilot.press("2", "h")
                done += 1
                if done % 10 == 0:
                    await pilot.press("ctrl+t")
                    await app.workers.wait_for_complete()
                    await pilot.press("escape")
                await pilot.pause(0.05)
            ids = sorted(c.id for c in app.transcript.codings if c.coder == "anna")
        return {"role": "workbench", "ops": done, "codings": ids, "errors": []}

    return asyncio.run(run())


def main(argv: list[str]) -> None:
    role, args = argv[0], argv[1:]
    if role == "writer":
        out = writer(args[0], args[1], float(args[2]), int(args[3]))
    elif role == "importer":
        out = importer(args[0], args[1], int(args[2]), float(args[3]))
    elif role == "reader":
        out = reader(args[0], float(args[1]))
    elif role == "workbench":
        out = workbench(args[0], float(args[1]))
    else:
        raise SystemExit(f"unknown role {role}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
