"""One project file, several processes: locks survive, nothing is lost, the file stays whole.

The reproduction from the issue (a workbench whose screens open their own ``Project`` while
another shell imports and codes) corrupted the file because a Python ``open()`` on the project
released the workbench's SQLite locks. These tests would fail on that code.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import REPO
from helpers.tui import settle
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp


def cli(path: Path, *args: str, coder: str = "bo") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qualcode", "-p", str(path), "-c", coder, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_in_other_process(path: Path) -> None:
    """Another process writes one row through SQLite and closes: the last connection out
    checkpoints and deletes the WAL — unless someone else still holds the file."""
    code = (
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA busy_timeout=5000');"
        "c.execute(\"INSERT INTO project(key, value) VALUES ('probe', '1')\"); c.commit(); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)


def integrity(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def test_second_project_in_the_process_keeps_the_first_ones_locks(tmp_path: Path):
    path = tmp_path / "p.db"
    Project.create(path).close()
    first = Project.open(path, coder="anna")
    first.db.execute("BEGIN")
    assert first.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1  # a read transaction
    second = Project.open(path, coder="anna")  # what every worker screen does
    second.close()
    write_in_other_process(path)
    # Our shared lock is intact, so the other process could not delete the WAL under us.
    assert Path(f"{path}-wal").exists()
    first.db.execute("COMMIT")
    assert first.meta("probe") == "1"
    first.close()
    assert integrity(path) == ["ok"]


def test_python_open_would_drop_those_locks(tmp_path: Path):
    """The hazard the rule guards against, shown on this platform (so the test above can fail)."""
    path = tmp_path / "p.db"
    Project.create(path).close()
    first = Project.open(path, coder="anna")
    first.db.execute("BEGIN")
    first.db.execute("SELECT COUNT(*) FROM events").fetchone()
    with open(path, "rb") as fh:  # the old header check
        fh.read(16)
    write_in_other_process(path)
    assert not Path(f"{path}-wal").exists()  # deleted while we still read from it
    first.db.execute("COMMIT")
    first.close()


def test_nothing_but_sqlite_opens_the_project_file(tmp_path: Path, demo_template: Path):
    """An audit hook sees every Python-level open(); none may touch the project or its -wal/-shm."""
    import shutil

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    script = f"""
import sys
from pathlib import Path
watched = {{str(Path({str(path)!r}).resolve()) + s for s in ("", "-wal", "-shm", "-journal")}}
hits = []
def hook(event, args):
    if event in ("open", "os.open") and args and isinstance(args[0], (str, bytes, Path)):
        p = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        try:
            p = str(Path(p).resolve())
        except OSError:
            return
        if p in watched:
            hits.append(p)
sys.addaudithook(hook)
from click.testing import CliRunner
from qualcode.cli import main
r = CliRunner()
for args in (["docs"], ["codes"], ["codings", "--by", "anna"], ["log"], ["backup", "-o", {str(tmp_path / "b.db")!r}],
             ["verify"], ["cooccurrence", "--unit", "sentence", "--coder", "anna", "-o", {str(tmp_path / "c.csv")!r}],
             ["code", "da_int01_vesterbro_bruger", "0", "5", "Help sought"], ["undo"]):
    res = r.invoke(main, ["-p", {str(path)!r}, "-c", "anna", *args])
    assert res.exit_code == 0, (args, res.output)
print("HITS", hits)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "HITS []" in out.stdout, out.stdout


pytestmark = pytest.mark.anyio


async def test_the_issue_reproduction_leaves_the_file_whole(demo_copy: Path, tmp_path: Path):
    extra1, extra2 = tmp_path / "extra1.txt", tmp_path / "extra2.txt"
    extra1.write_text("I: Hvem hjalp dig?\n\nIP: Min søster hjalp mig. Hun kom hver dag.\n", encoding="utf-8")
    extra2.write_text("I: Hvordan gik det?\n\nIP: Det gik bedre. Jeg fik hjælp til sidst.\n", encoding="utf-8")
    con = sqlite3.connect(demo_copy)
    before = con.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
    con.close()
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await pilot.press(*"hjælp", "enter")
        await settle(pilot)
        await pilot.press("enter")  # open the first hit in the transcript
        await settle(pilot)
        await pilot.press("ctrl+t")  # the matrix screen: its own Project in a worker
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("ctrl+w")  # the agreement screen likewise
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert cli(demo_copy, "import", str(extra1)).returncode == 0
        await pilot.press("2", "h")
        await pilot.pause()
        r1 = cli(demo_copy, "import", str(extra2))
        r2 = cli(demo_copy, "code", "extra2", "0", "5", "Help sought")
        assert r1.returncode == 0 and r2.returncode == 0, (r1.stderr, r2.stderr)
        await pilot.press("2", "s")
        await pilot.pause()
    assert integrity(demo_copy) == ["ok"]
    con = sqlite3.connect(demo_copy)
    ids = [r[0] for r in con.execute("SELECT id FROM events ORDER BY id")]
    after = con.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
    docs = {r[0] for r in con.execute("SELECT name FROM documents")}
    con.close()
    assert len(ids) == len(set(ids))
    assert {"extra1", "extra2"} <= docs
    assert after == before + 3  # two codings in the workbench, one from the shell


def start(role: str, *args) -> subprocess.Popen:
    root = REPO
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.team_workload", role, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
    )


def result(proc: subprocess.Popen) -> dict:
    import json

    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


async def test_several_processes_and_the_workbench_on_one_file(demo_copy: Path, tmp_path: Path):
    """Coders writing, an import, analyses, and the workbench's worker screens, all at once:
    the file stays whole and every coding anyone committed is there."""
    seconds = 6
    procs = [start("writer", demo_copy, f"w{k}", seconds, 80) for k in range(3)]
    procs.append(start("importer", demo_copy, tmp_path, 4, seconds))
    procs.append(start("reader", demo_copy, seconds))
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(2):
            await pilot.press("ctrl+f", *"hjælp", "enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            for key in ("ctrl+t", "ctrl+w"):
                await pilot.press(key)
                await settle(pilot)
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("2", "h", "2", "s")
            await pilot.pause()
        app.poll_changes()
        mine = {c.id for c in app.transcript.codings if c.coder == "anna"}
    results = [result(p) for p in procs]
    assert [e for r in results for e in r["errors"]] == []  # no "database is locked" reached anyone
    assert integrity(demo_copy) == ["ok"]
    con = sqlite3.connect(demo_copy)
    for r in results:
        if r["role"] == "writer":
            have = {
                g
                for (g,) in con.execute(
                    "SELECT c.guid FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ?", [r["coder"]]
                )
            }
            assert have == set(r["kept"]) and r["ops"] > 0
        if r["role"] == "importer":
            docs = {n for (n,) in con.execute("SELECT name FROM documents")}
            assert set(r["documents"]) <= docs and len(r["documents"]) == 4
        if r["role"] == "reader":
            assert r["ops"] > 0
    ids = {i for (i,) in con.execute("SELECT id FROM codings")}
    con.close()
    assert mine <= ids and len(mine) >= 2
    assert qc_verify(demo_copy)


def qc_verify(path: Path) -> bool:
    out = cli(path, "verify")
    return out.returncode == 0 and "history chain" in out.stdout


async def test_the_workbench_shows_what_another_process_changed(demo_copy: Path, tmp_path: Path):
    extra = tmp_path / "fresh_interview.txt"
    extra.write_text("I: Hvad skete der?\n\nIP: Jeg fik en seng på herberget.\n", encoding="utf-8")
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "down", "shift+right", "shift+right")
        cursor, selection = app.transcript.cursor, app.transcript.selection
        scroll = app.transcript.scroll_offset
        doc = app.doc["name"]
        n_docs = len(app.document_rows)
        assert cli(demo_copy, "import", str(extra)).returncode == 0
        assert cli(demo_copy, "code", doc, "10", "30", "Help sought", coder="bo").returncode == 0
        assert cli(demo_copy, "code", doc, "40", "60", "Barriers/Stigma", coder="bo").returncode == 0
        # The workbench polls on a timer; the test runs the poll itself instead of waiting for the clock.
        assert app.poll_timer is not None
        app.poll_changes()
        await pilot.pause()
        assert len(app.document_rows) == n_docs + 1
        assert [d["name"] for d in app.document_rows].count("fresh_interview") == 1
        notes = " ".join(n.message for n in app._notifications)
        assert "bo: 2 codings in " + doc in notes and "imported 1 document(s): fresh_interview" in notes
        assert (app.transcript.cursor, app.transcript.selection) == (cursor, selection)
        assert app.transcript.scroll_offset == scroll
        await pilot.press("ctrl+d")  # all coders: bo's codings are there without reopening
        assert {(c.start, c.end) for c in app.transcript.codings if c.coder == "bo"} >= {(10, 30), (40, 60)}
