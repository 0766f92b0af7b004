"""The hierarchical codebook: YAML round trip, merge-import by GUID then path, tree operations."""

from __future__ import annotations

import pytest

from helpers.paths import REPO
from qualcode.cli import main
from qualcode.codebook import tree, yaml_format
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import add_coding, list_codings
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError

STUDY = REPO / "codebooks" / "study.yaml"

SMALL = """\
title: Small
codes:
  - name: Barriers
    codable: false
    children:
      - name: Stigma
        description: Being looked down on.
        colour: "#D62728"
        hotkey: s
      - name: Waiting
  - name: Help sought
    hotkey: h
"""


def test_study_codebook_loads_with_guids_and_round_trips_unchanged(tmp_path):
    book = yaml_format.load(STUDY)
    paths = [p for p, _ in book.walk()]
    assert len(paths) == 22 and "Barriers/Poor cooperation between authorities" in paths
    assert all(node.guid and node.guid == node.guid.upper() for _, node in book.walk())
    codable = [p for p, n in book.walk() if n.codable]
    assert len(codable) == 18 and "Barriers" not in codable
    assert all(n.description and n.inclusion and n.exclusion and n.example for p, n in book.walk() if n.codable)
    # load → dump gives the committed bytes: GUIDs written back once, then the file is stable
    assert yaml_format.dumps(book) == STUDY.read_text(encoding="utf-8")


def test_guids_written_back_then_stable(tmp_path, runner):
    f = tmp_path / "cb.yaml"
    f.write_text(SMALL, encoding="utf-8")
    db = tmp_path / "p.db"
    r = runner.invoke(main, ["-p", str(db), "codebook", "import", str(f)])
    assert r.exit_code == 0, r.output
    assert "wrote GUIDs" in r.output and "4 added, 0 changed, 0 unchanged" in r.output
    first = f.read_text(encoding="utf-8")
    assert first.count("guid: ") == 4
    r = runner.invoke(main, ["-p", str(db), "codebook", "import", str(f)])
    assert "0 added, 0 changed, 4 unchanged" in r.output and "wrote GUIDs" not in r.output
    assert f.read_text(encoding="utf-8") == first
    out = tmp_path / "out.yaml"
    runner.invoke(main, ["-p", str(db), "codebook", "export", str(out)])
    assert yaml_format.load(out).codes[0].children[0].guid == yaml_format.load(f).codes[0].children[0].guid
    assert out.read_text(encoding="utf-8").replace("title: Small\n", "") == first.replace("title: Small\n", "")


def test_import_matches_by_guid_then_path_and_reports_changes(project, tmp_path):
    f = tmp_path / "cb.yaml"
    f.write_text(SMALL, encoding="utf-8")
    book = yaml_format.load(f)
    yaml_format.ensure_guids(book)
    tree.import_codebook(project, book)
    stigma_guid = get_code(project, "Barriers/Stigma").guid
    # rename in the file, keep the GUID: matched by GUID, so it is a change, not an addition
    book.codes[0].children[0].name = "Stigmatisation"
    book.codes[0].children[1].guid = None  # Waiting: matched by path
    book.codes[1].description = "Asking for help."
    r = tree.import_codebook(project, book)
    assert r.added == [] and sorted(r.changed) == ["Barriers/Stigmatisation", "Help sought"]
    assert get_code(project, "Barriers/Stigmatisation").guid == stigma_guid


def test_bad_yaml_is_reported_with_place(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("codes:\n  - name: A\n    colour: red\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"bad.yaml: code 1 \(A\): colour must look like #1F77B4"):
        yaml_format.load(f)
    f.write_text("codes:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"bad.yaml: line \d+, column \d+: not valid YAML"):
        yaml_format.load(f)
    f.write_text("codes:\n  - name: A\n    hotkey: a\n  - name: B\n    hotkey: a\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match="hotkey 'a' is used by both 'A' and 'B'"):
        yaml_format.load(f)


@pytest.fixture
def coded(project, tmp_path):
    (tmp_path / "d.txt").write_text("IP: one two three four five six seven eight\n", encoding="utf-8")
    import_files(project, [tmp_path / "d.txt"])
    tree.add_code(project, "Barriers", codable=False)
    tree.add_code(project, "Stigma", "Barriers", hotkey="s")
    tree.add_code(project, "Not welcome", "Barriers")
    tree.add_code(project, "Resources")
    add_coding(project, "d", 4, 7, "Barriers/Stigma", coder="anna", memo="m1")
    add_coding(project, "d", 8, 11, "Barriers/Stigma", coder="anna")
    add_coding(project, "d", 4, 7, "Barriers/Not welcome", coder="anna", memo="m2")  # exact duplicate after merge
    add_coding(project, "d", 4, 7, "Barriers/Not welcome", coder="bo")
    return project


def test_merge_moves_codings_and_collapses_exact_duplicates(coded):
    r = tree.merge_codes(coded, "Barriers/Not welcome", "Barriers/Stigma")
    assert (r.moved, r.collapsed) == (1, 1)
    rows = [(c["coder"], c["start"], c["end"], c["code"], c["memo"]) for c in list_codings(coded)]
    assert rows == [
        ("anna", 4, 7, "Barriers/Stigma", "m1\n\nm2"),
        ("bo", 4, 7, "Barriers/Stigma", None),
        ("anna", 8, 11, "Barriers/Stigma", None),
    ]
    with pytest.raises(QualcodeError, match="no code 'Barriers/Not welcome'"):
        get_code(coded, "Barriers/Not welcome")
    assert coded.undo()["action"] == "code.merge"
    assert len(list_codings(coded, code="Barriers/Not welcome")) == 2


def test_move_refuses_cycles_and_rename_keeps_guid(coded):
    with pytest.raises(QualcodeError, match="cannot be inside itself"):
        tree.move_code(coded, "Barriers", "Barriers/Stigma")
    guid = get_code(coded, "Barriers/Stigma").guid
    tree.move_code(coded, "Barriers/Stigma", "Resources")
    assert get_code(coded, "Resources/Stigma").guid == guid
    tree.update_code(coded, "Resources/Stigma", name="Shame")
    assert get_code(coded, guid).path == "Resources/Shame"
    with pytest.raises(QualcodeError, match="'Resources/Shame' already exists"):
        tree.add_code(coded, "shame", "Resources")
    with pytest.raises(QualcodeError, match="hotkey 's' already belongs to 'Resources/Shame'"):
        tree.add_code(coded, "Other", hotkey="s")


def test_delete_refused_with_count_unless_told(coded, runner):
    with pytest.raises(
        QualcodeError, match=r"holds 2 coding\(s\); say where they go: --move-to-parent or --delete-codings"
    ):
        tree.delete_code(coded, "Barriers/Stigma")
    with pytest.raises(QualcodeError, match="grouping code and cannot take codings"):
        tree.delete_code(coded, "Barriers/Stigma", "parent")
    assert tree.delete_code(coded, "Barriers/Stigma", "delete") == 2
    assert len(list_codings(coded)) == 2
    with pytest.raises(QualcodeError, match="has child codes"):
        tree.delete_code(coded, "Barriers")


def test_grouping_codes_cannot_be_applied(coded):
    with pytest.raises(QualcodeError, match="'Barriers' is a grouping code"):
        add_coding(coded, "d", 0, 3, "Barriers")


def test_codebook_cli_tree_operations(tmp_path, runner):
    db = str(tmp_path / "p.db")
    run = lambda *a: runner.invoke(main, ["-p", db, *a])  # noqa: E731
    assert run("codebook", "add", "Barriers", "--grouping").exit_code == 0
    assert run("codebook", "add", "Barriers/Stigma", "--hotkey", "s", "--colour", "#D62728").exit_code == 0
    assert run("codebook", "add", "Barriers/Waiting").exit_code == 0
    assert (
        run("codebook", "rename", "Barriers/Waiting", "Waiting lists").output.strip()
        == "renamed to Barriers/Waiting lists"
    )
    r = run("codebook", "move", "Barriers/Nope", "Barriers")
    assert r.exit_code == 1 and r.output.startswith("Error: no code 'Barriers/Nope'")
    r = run("codes", "--json")
    data = __import__("json").loads(r.output)
    assert [(c["path"], c["hotkey"], c["codable"]) for c in data] == [
        ("Barriers", None, False),
        ("Barriers/Stigma", "s", True),
        ("Barriers/Waiting lists", None, True),
    ]
    assert run("codebook", "merge", "Barriers/Waiting lists", "Barriers/Stigma").exit_code == 0
    assert "Stigma" in run("codes").output
