"""A project file a team can trust: private files, only our own files touched, read-only access,
a tamper-evident history, backups, blind coding, and one line for damaged or full storage."""

from __future__ import annotations

import grp
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import digest, mode, one_line_error, qc
from qualcode.corpus.ingest import import_files
from qualcode.project import Project
from qualcode.store.connection import APPLICATION_ID
from qualcode.store.migrations import MIGRATIONS

DOC = "da_int01_vesterbro_bruger"


# ----------------------------------------------------------------------------- private by default


def test_project_exports_backups_and_mapping_are_0600_under_umask_022(tmp_path, demo_template, loose_umask):
    path = tmp_path / "p.db"
    assert qc(path, "init").returncode == 0
    assert mode(path) == 0o600
    p = Project.open(path, coder="anna")
    (tmp_path / "a.txt").write_text("I: Hej.\n\nIP: Mette kom forbi i går.\n", encoding="utf-8")
    import_files(p, [tmp_path / "a.txt"])
    assert mode(Path(f"{path}-wal")) == 0o600 and mode(Path(f"{path}-shm")) == 0o600
    p.close()
    demo = tmp_path / "demo.db"
    shutil.copy(demo_template, demo)
    os.chmod(demo, 0o600)
    out = tmp_path / "out"
    out.mkdir()
    for args in (
        ["cooccurrence", "--unit", "sentence", "--coder", "anna", "-o", str(out / "c.csv")],
        ["matrix", "docs-codes", "--coder", "anna", "-o", str(out / "m.xlsx")],
        ["export", "tidy", "-o", str(out / "t.json")],
        ["report", "quotes", "--code", "Barriers", "-o", str(out / "q.docx")],
        ["qdpx", "export", "-o", str(out / "p.qdpx")],
        ["codings", "export", "-o", str(out / "codings.csv")],
        ["codebook", "export", str(out / "book.yaml")],
        ["pseudonyms", "add", "Mette", "Sanne"],
        ["pseudonyms", "export-mapping", "-o", str(out / "mapping.csv")],
        ["backup", "-o", str(out / "backup.db")],
    ):
        r = qc(demo, *args)
        assert r.returncode == 0, (args, r.stderr)
    written = sorted(out.iterdir())
    assert len(written) >= 10
    assert {f.name: mode(f) for f in written} == {f.name: 0o600 for f in written}
    assert not [f for f in written if f.name.endswith(".part")]  # temporary files renamed or removed


def test_team_project_is_group_shared_and_exports_follow_it(tmp_path, demo_template, loose_umask):
    group = grp.getgrgid(os.getgid()).gr_name
    path = tmp_path / "team.db"
    r = qc(path, "init", "--group", group)
    assert r.returncode == 0, r.stderr
    assert mode(path) == 0o660 and path.stat().st_gid == os.getgid()
    assert "chmod 2770" in r.stderr  # the folder is not yet the team's: say how to make it so
    r = qc(path, "export", "codebook-table", "-o", str(tmp_path / "book.csv"))
    assert r.returncode == 0, r.stderr
    assert mode(tmp_path / "book.csv") == 0o660
    assert one_line_error(qc(tmp_path / "x.db", "init", "--group", "no-such-group-here")).endswith(
        "(see 'getent group')"
    )


# ----------------------------------------------------------------------------- only our files


def _survey(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, respondent TEXT, answer TEXT)")
    con.execute("INSERT INTO answers VALUES (1, 'R1', 'yes')")
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["docs"],
        ["codes"],
        ["log"],
        ["init", "--force"],
        ["blind", "on"],
        ["code", "d", "0", "1", "x"],
        ["verify"],
        ["backup"],
    ],
)
def test_a_foreign_sqlite_file_is_refused_and_left_byte_identical(tmp_path, args):
    survey = _survey(tmp_path / "survey.db")
    before, listing = digest(survey), sorted(os.listdir(tmp_path))
    r = qc(survey, *args)
    if args == ["init", "--force"]:
        assert r.returncode == 0 and "exists; nothing to do" in r.stdout
    else:
        assert "not a qualcode project" in one_line_error(r)
    assert digest(survey) == before and sorted(os.listdir(tmp_path)) == listing


def test_merging_from_a_foreign_or_newer_file_is_refused(tmp_path, demo_template):
    demo = tmp_path / "demo.db"
    shutil.copy(demo_template, demo)
    survey = _survey(tmp_path / "survey.db")
    newer = tmp_path / "newer.db"
    shutil.copy(demo_template, newer)
    con = sqlite3.connect(newer)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    before = digest(survey, newer)
    assert "not a qualcode project" in one_line_error(qc(demo, "merge", str(survey)))
    line = one_line_error(qc(demo, "merge", str(newer)))
    assert "newer.db" in line and "newer qualcode" in line and "schema 99" in line
    assert digest(survey, newer) == before
    assert "newer qualcode" in one_line_error(qc(newer, "docs"))


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    before = digest(junk)
    assert "not a qualcode project (not an SQLite file" in one_line_error(qc(junk, "docs"))
    assert digest(junk) == before


def _legacy_project(path: Path) -> Path:
    """A project as qualcode wrote it before application ids and chained hashes (schema 4)."""
    import sqlite_utils

    con = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(con)
    db["schema_migrations"].create({"version": int, "name": str, "applied_at": str}, pk="version")
    for version, name, step in MIGRATIONS[:4]:
        step(db)
        db["schema_migrations"].insert({"version": version, "name": name, "applied_at": "2026-11-01T00:00:00Z"})
    con.execute("PRAGMA user_version = 4")
    for i, action in enumerate(["project.create", "coder.add", "code.add"], start=1):
        con.execute(
            "INSERT INTO events (id, at, coder, action, summary, changes, undoable) VALUES (?,?,?,?,?,?,?)",
            (i, f"2026-11-0{i}T10:00:00Z", "anna", action, action, "[]", 0),
        )
    con.execute("INSERT INTO project VALUES ('guid', 'B6D1C6F2-3B1A-4F38-9A53-6A1A1E2C3D4F')")
    con.close()
    return path


def test_an_older_project_gets_its_id_and_chain_on_open(tmp_path):
    path = _legacy_project(tmp_path / "old.db")
    r = qc(path, "verify")
    assert r.returncode == 0, r.stderr
    assert "3 events, each hash chained" in r.stdout
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
    con.close()


def test_a_merge_source_is_read_only_and_never_upgraded(tmp_path, demo_template):
    demo = tmp_path / "demo.db"
    shutil.copy(demo_template, demo)
    old = _legacy_project(tmp_path / "old.db")
    before = digest(old)
    r = qc(demo, "merge", str(old))
    assert r.returncode == 0, r.stderr
    assert digest(old) == before
    assert not Path(f"{old}-wal").exists()


# ----------------------------------------------------------------------------- read-only projects

UNSHARE = shutil.which("unshare")


def _can_unshare() -> bool:
    if not UNSHARE:
        return False
    return subprocess.run([UNSHARE, "-r", "true"], capture_output=True).returncode == 0


needs_unshare = pytest.mark.skipif(not _can_unshare(), reason="needs unprivileged user namespaces (unshare -r)")


@needs_unshare
def test_another_users_project_reads_but_never_writes(tmp_path, demo_template):
    """A supervisor opens a coder's file: owned by someone else, readable, not writable."""
    folder = tmp_path / "coder"
    folder.mkdir()
    demo = folder / "demo.db"
    shutil.copy(demo_template, demo)
    os.chmod(demo, 0o644)
    os.chmod(folder, 0o755)
    os.chown(demo, 65534, 65534)
    os.chown(folder, 65534, 65534)
    out = tmp_path / "out"
    out.mkdir()
    as_other = (UNSHARE, "-r")  # we stay root in a user namespace, but not over files of uid 65534
    before = digest(demo)
    for args in (
        ["docs"],
        ["codes"],
        ["codings", "--by", "bo"],
        ["log"],
        ["verify"],
        ["search", "hjælp", "--mode", "lemma"],
        ["cooccurrence", "--unit", "sentence", "--coder", "anna", "-o", str(out / "c.csv")],
        ["agreement", "--coders", "anna,bo", "--unit", "sentence"],
        ["export", "tidy", "-o", str(out / "t.csv")],
    ):
        r = qc(demo, *args, prefix=as_other)
        assert r.returncode == 0, (args, r.stderr)
        assert "read-only" in r.stderr  # said once, as a note
    for args in (
        ["code", DOC, "0", "5", "Help sought"],
        ["undo"],
        ["blind", "on"],
        ["codebook", "add", "New"],
        ["memo", "document", DOC, "hello"],
    ):
        line = one_line_error(qc(demo, *args, prefix=as_other))
        assert "read-only" in line and "nothing was changed" in line, line
    assert digest(demo) == before
    assert sorted(os.listdir(folder)) == ["demo.db"]


@needs_unshare
def test_a_read_only_file_system_reads_and_refuses_writes(tmp_path, demo_template):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_template, data / "demo.db")
    script = (
        f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
        f"{sys.executable} -m qualcode -p {data / 'demo.db'} docs --json > {tmp_path / 'docs.json'} && "
        f"{sys.executable} -m qualcode -p {data / 'demo.db'} -c anna code {DOC} 0 5 'Help sought'; "
        f"echo rc=$?"
    )
    r = subprocess.run([UNSHARE, "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    assert "rc=1" in r.stdout, r.stderr
    assert "read-only" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "docs.json").read_text().count('"name"') == 12


@pytest.mark.anyio
async def test_the_workbench_on_a_read_only_project_refuses_edits_with_a_notice(demo_path):
    from qualcode.tui.app import QualcodeApp

    before = digest(demo_path)
    app = QualcodeApp(demo_path, "anna", readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "read-only" in app.title and "read-only" in app.sub_title
        await pilot.press("2", "s")  # select a sentence, code it
        await pilot.press("ctrl+z", "ctrl+d", "ctrl+d", "ctrl+d")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("read-only" in m and "nothing was changed" in m for m in notes), notes
    assert app.return_code in (0, None)
    assert digest(demo_path) == before


@pytest.mark.anyio
async def test_an_unexpected_error_ends_the_workbench_with_one_line_and_no_text(demo_path, monkeypatch, capfd):
    from qualcode.tui.app import QualcodeApp

    secret = "Mette Hansen bor på Istedgade"

    def boom(*args, **kwargs):
        transcript_text = secret  # noqa: F841 - a local a traceback with locals would print
        raise ValueError(secret)

    app = QualcodeApp(demo_path, "anna")
    monkeypatch.setattr(app, "apply_code", boom)
    with pytest.raises(ValueError):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("2", "s")
            await pilot.pause()
    assert app.return_code == 1
    printed = capfd.readouterr().err
    assert "internal error (ValueError at test_team_project.py:" in printed
    assert "Mette" not in printed and "Istedgade" not in printed and "Traceback" not in printed


def test_the_cli_reports_a_bug_in_one_line_without_its_message(tmp_path, demo_template, monkeypatch):
    from click.testing import CliRunner

    from qualcode.cli import main
    from qualcode.corpus import documents

    demo = tmp_path / "demo.db"
    shutil.copy(demo_template, demo)

    def boom(*a, **k):
        raise KeyError("Mette Hansen")

    monkeypatch.setattr(documents, "list_documents", boom)
    r = CliRunner().invoke(main, ["-p", str(demo), "docs"])
    assert r.exit_code == 1
    assert "internal error (KeyError at test_team_project.py:" in r.output and "Mette" not in r.output


# ----------------------------------------------------------------------------- tamper-evident history


def _edit(path: Path, *sql: str) -> None:
    con = sqlite3.connect(path)
    for s in sql:
        con.execute(s)
    con.commit()
    con.close()


def test_verify_passes_on_an_honest_project_and_prints_its_head(demo_path):
    r = qc(demo_path, "verify")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok  ") == 4
    head = r.stdout.split("head")[-1].strip()
    assert len(head) == 64
    assert qc(demo_path, "verify", "--expect-head", head).returncode == 0


def test_verify_catches_an_edited_event(demo_path):
    _edit(demo_path, "DROP TRIGGER events_no_update", "UPDATE events SET summary = 'nothing happened' WHERE id = 5")
    r = qc(demo_path, "verify")
    line = one_line_error(r)
    assert "append-only triggers failed" in line
    assert "FAIL  history chain: event 5 (" in r.stdout and "does not match its hash" in r.stdout
    # even with the trigger put back, the edit shows
    _edit(
        demo_path,
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    )
    assert "history chain failed — event 5 (" in one_line_error(qc(demo_path, "verify"))


def test_verify_catches_a_removed_event_and_a_cut_tail(demo_path):
    head = qc(demo_path, "verify").stdout.split("head")[-1].strip()
    n = sqlite3.connect(demo_path).execute("SELECT MAX(id) FROM events").fetchone()[0]
    _edit(
        demo_path,
        "DROP TRIGGER events_no_delete",
        f"DELETE FROM events WHERE id = {n}",
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    )
    assert qc(demo_path, "verify").returncode == 0  # a shorter chain is still a chain …
    assert "recorded head failed" in one_line_error(qc(demo_path, "verify", "--expect-head", head))  # … but not ours
    _edit(demo_path, "DROP TRIGGER events_no_delete", "DELETE FROM events WHERE id = 3")
    r = qc(demo_path, "verify")
    assert "triggers failed" in one_line_error(r)
    assert "FAIL  history chain: event 4 (" in r.stdout


# ----------------------------------------------------------------------------- backups


def test_backup_while_another_process_writes_is_consistent_and_private(demo_path, tmp_path, loose_umask):
    os.chmod(demo_path, 0o600)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys; from qualcode.project import Project; from qualcode.coding.codings import add_coding\n"
                "p = Project.open(sys.argv[1], coder='bo')\n"
                "for i in range(150):\n"
                f"    add_coding(p, '{DOC}', i, i + 3, 'Help sought')\n"
                "p.close()"
            ),
            str(demo_path),
        ]
    )
    backups = []
    try:
        for k in range(3):
            r = qc(demo_path, "backup", "-o", str(tmp_path / f"b{k}.db"))
            assert r.returncode == 0, r.stderr
            backups.append(tmp_path / f"b{k}.db")
    finally:
        assert writer.wait(timeout=120) == 0
    for b in backups:
        assert mode(b) == 0o600
        assert not Path(f"{b}-wal").exists()
        assert qc(b, "verify").returncode == 0
        con = sqlite3.connect(b)
        codings = con.execute(
            "SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = 'bo' AND c.code_id = (SELECT id FROM codes WHERE name = 'Help sought') "
            "AND c.document_id = 1 AND c.[end] - c.start = 3"
        ).fetchone()[0]
        events = con.execute("SELECT COUNT(*) FROM events WHERE coder = 'bo' AND action = 'coding.add'").fetchone()[0]
        con.close()
        assert codings == events  # a snapshot between two commits, never inside one
    assert "exists already" in one_line_error(qc(demo_path, "backup", "-o", str(backups[0])))


# ----------------------------------------------------------------------------- blind coding


def test_blind_coding_shows_each_coder_only_their_own(demo_path):
    assert qc(demo_path, "blind", "on").stdout.strip() == "blind coding is on"
    mine = qc(demo_path, "codings", "--json")
    assert mine.returncode == 0 and '"coder": "bo"' not in mine.stdout and '"coder": "anna"' in mine.stdout
    assert "blind coding is on" in one_line_error(qc(demo_path, "codings", "--by", "bo"))
    assert "blind coding is on" in one_line_error(qc(demo_path, "agreement", "--coders", "anna,bo"))
    assert "blind coding is on" in one_line_error(qc(demo_path, "cooccurrence", "--coder", "bo"))
    assert "blind coding is on" in one_line_error(qc(demo_path, "cooccurrence", "--pool"))
    assert qc(demo_path, "cooccurrence", "--coder", "anna", "-o", str(demo_path.parent / "c.csv")).returncode == 0
    coders = qc(demo_path, "coders", "--json").stdout
    assert '"codings": null' in coders  # bo's count is not shown
    tidy = qc(demo_path, "export", "tidy", "-o", str(demo_path.parent / "t.csv"))
    assert tidy.returncode == 0
    assert ",bo," not in (demo_path.parent / "t.csv").read_text(encoding="utf-8")
    # a supervisor sees everything, and the access is in the log
    r = qc(demo_path, "agreement", "--coders", "anna,bo", "--unit", "sentence", "--supervisor", coder="sara")
    assert r.returncode == 0, r.stderr
    log = qc(demo_path, "log", "--json", "--supervisor", coder="sara").stdout
    assert '"action": "blind.supervisor"' in log and "agreement --coders anna,bo" in log
    assert '"action": "project.blind"' in log
    assert qc(demo_path, "blind", "off").returncode == 0
    assert '"coder": "bo"' in qc(demo_path, "codings", "--json").stdout


@pytest.mark.anyio
async def test_blind_coding_in_the_workbench(demo_path):
    from qualcode.tui.app import QualcodeApp

    qc(demo_path, "blind", "on")
    app = QualcodeApp(demo_path, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        assert "blind" in app.sub_title
        assert {c.coder for c in app.transcript.codings} == {"anna"}
        await pilot.press("ctrl+d")
        assert app.view == "mine"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # the agreement screen did not open
        notes = " ".join(n.message for n in app._notifications)
        assert "blind coding is on" in notes
    app = QualcodeApp(demo_path, "sara", supervisor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+d")
        assert app.view == "all"
        assert {c.coder for c in app.transcript.codings} == {"anna", "bo"}


# ----------------------------------------------------------------------------- damaged and full storage


def test_a_truncated_project_is_one_line(demo_path):
    size = demo_path.stat().st_size
    with open(demo_path, "r+b") as fh:  # the test damages the file on purpose
        fh.truncate(size // 3)
    line = one_line_error(qc(demo_path, "codings"))
    assert "damaged" in line and "backup" in line and "qualcode verify" in line


def test_a_corrupt_page_is_one_line(demo_path):
    con = sqlite3.connect(demo_path)
    page = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    con.close()
    with open(demo_path, "r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 64)
    line = one_line_error(qc(demo_path, "codings"))
    assert "damaged" in line and "nothing was changed" in line


@needs_unshare
def test_a_full_disk_is_one_line_and_leaves_no_partial_file(tmp_path, demo_template):
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(demo_template, tmp_path / "demo.db")
    script = (
        f"mount -t tmpfs -o size=200k tmpfs {small} && "
        f"{sys.executable} -m qualcode -p {tmp_path / 'demo.db'} export tidy -o {small / 'tidy.json'}; "
        f"echo rc=$?; ls -A {small}; "
        f"cp {tmp_path / 'demo.db'} {small}/p.db 2>/dev/null; echo copied=$?"
    )
    r = subprocess.run([UNSHARE, "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    assert "rc=1" in r.stdout, (r.stdout, r.stderr)
    assert "the disk is full" in r.stderr and "nothing was written" in r.stderr and "Traceback" not in r.stderr
    listing = r.stdout.split("rc=1")[1].split("copied=")[0].split()
    assert listing == []  # no truncated tidy.json, no temporary file left behind


@needs_unshare
def test_a_full_disk_under_the_project_is_one_line_and_loses_nothing(tmp_path, demo_template):
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(demo_template, tmp_path / "demo.db")
    size_kb = demo_template.stat().st_size // 1024 + 40
    script = (
        f"mount -t tmpfs -o size={size_kb}k tmpfs {small} && cp {tmp_path / 'demo.db'} {small}/demo.db && "
        f"dd if=/dev/zero of={small}/fill bs=1k count=1000 2>/dev/null; "
        f"{sys.executable} -m qualcode -p {small}/demo.db -c anna import {tmp_path / 'big.txt'}; echo rc=$?; "
        f"rm {small}/fill; {sys.executable} -m qualcode -p {small}/demo.db verify; echo verify=$?; "
        f"{sys.executable} -m qualcode -p {small}/demo.db docs --json | grep -c '\"name\"'"
    )
    (tmp_path / "big.txt").write_text(
        ("I: Hvordan går det?\n\nIP: " + "Det går fint i dag. " * 4000 + "\n"), encoding="utf-8"
    )
    r = subprocess.run([UNSHARE, "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=180)
    assert "rc=1" in r.stdout, (r.stdout, r.stderr)
    assert "disk" in r.stderr and "Traceback" not in r.stderr
    assert "verify=0" in r.stdout, (r.stdout, r.stderr)
    assert r.stdout.strip().splitlines()[-1] == "12"  # the import left nothing half-done
