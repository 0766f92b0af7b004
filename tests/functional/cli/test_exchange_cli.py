"""`qualcode qdpx …` and `qualcode qdc …`: exports to exports/, imports with a report, hostile files refused."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from helpers.db import dump
from helpers.paths import DATA as TEST_DATA
from qualcode.cli import main
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import list_codings
from qualcode.coding.memos import list_memos
from qualcode.project import Project

DATA = TEST_DATA / "refi"


def run(runner, db: Path, *args: str, coder: str = "anna"):
    return runner.invoke(main, ["--project", str(db), "--coder", coder, *args])


def test_qdpx_export_to_exports_and_import_into_a_new_project(runner, demo_path, tmp_path):
    result = run(runner, demo_path, "qdpx", "export")
    assert result.exit_code == 0, result.output
    out = demo_path.parent / "exports" / "demo.qdpx"
    with Project.open(demo_path) as demo:
        n = len(list_codings(demo))
        n_notes = len(list_memos(demo)) + sum(1 for c in list_codings(demo) if c["memo"])
    assert result.output == f"wrote {out}: 12 documents, 22 codes, {n} codings by 2 coder(s), {n_notes} memos\n"
    assert out.exists()

    fresh = tmp_path / "fresh.db"
    result = run(runner, fresh, "qdpx", "import", str(out), coder="tester")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"{out}: imported 12 documents, 2 coders, 22 codes, {n} codings")
    with Project.open(fresh) as p:
        assert len(list_codings(p)) == n

    again = run(runner, fresh, "qdpx", "import", str(out), "--json", coder="tester")
    data = json.loads(again.output)
    assert data["imported"]["codings"] == 0 and data["skipped"] == []


def test_qdpx_export_of_some_coders_and_a_named_file(runner, demo_path, tmp_path):
    target = tmp_path / "sub" / "bo.qdpx"
    result = run(runner, demo_path, "qdpx", "export", "-o", str(target), "--coders", "bo")
    assert result.exit_code == 0, result.output
    assert "by 1 coder(s)" in result.output and target.exists()
    bad = run(runner, demo_path, "qdpx", "export", "--coders", "anna,zoe")
    assert bad.exit_code == 1
    assert bad.stderr == "Error: no coder named 'zoe'; known: anna, bo\n"


def test_qdc_export_and_import(runner, demo_path, tmp_path):
    result = run(runner, demo_path, "qdc", "export")
    assert result.exit_code == 0, result.output
    out = demo_path.parent / "exports" / "demo.qdc"
    assert result.output == f"wrote {out}: 22 codes\n"
    fresh = tmp_path / "fresh.db"
    result = run(runner, fresh, "qdc", "import", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}: imported 22 new codes\n"
    result = run(runner, fresh, "qdc", "import", str(DATA / "taguette-codebook.qdc"))
    with Project.open(fresh) as p:
        barriers = get_code(p, "Barriers")
    assert result.output.splitlines() == [
        f"{DATA / 'taguette-codebook.qdc'}: imported 2 new codes, 1 changed code",
        "note: code 'barriers' (3F2B7F0C-3E0B-5C7A-9E8B-1B7F0C3E0B5C) matched the project's code of that path "
        f"({barriers.guid}) by path",
    ]  # so "Barriers" took Taguette's name and description
    assert (barriers.name, barriers.description) == ("barriers", "What stands between people and help")


# ----------------------------------------------------------------------------- hostile files

QDE = b'<?xml version="1.0"?><Project name="x" xmlns="urn:QDA-XML:project:1.0"/>'
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project name="&xxe;" xmlns="urn:QDA-XML:project:1.0"/>"""


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


HOSTILE = {
    "slip": ({"project.qde": QDE, "../../evil.txt": b"x"}, "refused: entry '../../evil.txt' contains '..' (zip slip)"),
    "bomb": (
        {"project.qde": QDE, "sources/zeros.txt": b"0" * (3 * 1024 * 1024)},
        "refused: entry 'sources/zeros.txt' expands",
    ),
    "xxe": ({"project.qde": XXE}, "refused: XML with a DOCTYPE ('Project') is not accepted (entities/DTD)"),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_hostile_qdpx_is_refused_in_one_line_and_the_project_is_unchanged(runner, demo_path, tmp_path, attack):
    entries, message = HOSTILE[attack]
    path = make_zip(tmp_path / f"{attack}.qdpx", entries)
    before = dump(demo_path)
    result = run(runner, demo_path, "qdpx", "import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {path}") and message in result.stderr
    assert dump(demo_path) == before
    missing = tmp_path / "never.db"
    assert run(runner, missing, "qdpx", "import", str(path)).exit_code == 1
    assert not missing.exists()  # the file is refused before any project is opened or created


def test_hostile_qdc_is_refused(runner, demo_path, tmp_path):
    qdc = tmp_path / "evil.qdc"
    qdc.write_bytes(XXE.replace(b"Project", b"CodeBook"))
    before = dump(demo_path)
    result = run(runner, demo_path, "qdc", "import", str(qdc))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {qdc}: refused: XML with a DOCTYPE ('CodeBook') is not accepted (entities/DTD)\n"
    assert dump(demo_path) == before
