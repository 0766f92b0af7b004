"""Headless coding, codings CSV in and out, memos, the event log, undo/redo across restarts, the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.db import dump
from qualcode.cli import main
from qualcode.codebook import tree
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import add_coding, list_codings
from qualcode.coding.csv_io import codings_csv, import_codings_csv
from qualcode.coding.memos import list_memos, set_memo
from qualcode.corpus.attributes import document_attributes
from qualcode.corpus.documents import document_units, get_document, list_documents, remove_document
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project

TEXT = "I: Hvad skete der?\n\nIP: De sagde nej på herberget. 🙂 Så gik jeg.\n"


@pytest.fixture
def proj(tmp_path) -> Project:
    p = Project.create(tmp_path / "p.db", coder="anna")
    (tmp_path / "d1.txt").write_text(TEXT, encoding="utf-8")
    import_files(p, [tmp_path / "d1.txt"], language="da")
    tree.add_code(p, "Help declined", codable=False)
    tree.add_code(p, "By the service", "Help declined", hotkey="v")
    tree.add_code(p, "Stigma")
    yield p
    p.close()


def test_code_stores_quote_coder_guid_and_event(proj):
    s = TEXT.index("De sagde")
    row = add_coding(proj, "d1", s, s + 28, "Help declined/By the service", memo="shelter")
    assert row["text"] == "De sagde nej på herberget. 🙂"
    stored = list_codings(proj)[0]
    assert stored["coder"] == "anna" and stored["guid"] == row["guid"] and len(row["guid"]) == 36
    assert stored["guid"] == stored["guid"].upper() and stored["memo"] == "shelter"
    ev = proj.events(1)[0]
    assert ev["action"] == "coding.add" and ev["coder"] == "anna" and ev["undoable"] == 1


@pytest.mark.parametrize(
    "start,end,message", [(-1, 4, "not inside the text"), (10, 999, "not inside the text"), (5, 5, "is empty")]
)
def test_offsets_must_lie_inside_the_text(proj, start, end, message):
    with pytest.raises(QualcodeError, match=message):
        add_coding(proj, "d1", start, end, "Stigma")


def test_code_must_exist_and_be_codable(proj):
    with pytest.raises(QualcodeError, match="no code 'Stigmaa'; did you mean Stigma"):
        add_coding(proj, "d1", 0, 3, "Stigmaa")
    with pytest.raises(QualcodeError, match="grouping code"):
        add_coding(proj, "d1", 0, 3, "Help declined")
    with pytest.raises(QualcodeError, match="no document 'd2'"):
        add_coding(proj, "d2", 0, 3, "Stigma")


def test_every_change_is_one_event_and_undo_redo_survive_restart(proj, tmp_path):
    path = proj.path
    before = dump(path)
    s = TEXT.index("Så gik")
    add_coding(proj, "d1", s, s + 11, "Stigma")
    tree.update_code(proj, "Stigma", description="Being looked down on")
    n_events = len(proj.events(100))
    proj.close()
    # a new session (another process, another day): undo walks back through the log
    p2 = Project.open(path, coder="anna")
    assert p2.undo()["action"] == "code.edit"
    assert get_code(p2, "Stigma").description is None
    assert p2.undo()["action"] == "coding.add"
    assert list_codings(p2) == []
    assert p2.redo()["action"] == "coding.add"
    p2.close()
    p3 = Project.open(path, coder="anna")
    while p3.redo():
        pass
    assert [c["text"] for c in list_codings(p3)] == ["Så gik jeg."]
    assert get_code(p3, "Stigma").description == "Being looked down on"
    assert len(p3.events(100)) > n_events  # undo/redo are events too: the log only grows
    # an edit after undo clears the redo stack
    p3.undo()
    tree.update_code(p3, "Stigma", colour="#FF0000")
    assert p3.redo() is None
    p3.close()
    assert dump(path) != before


def test_undo_is_per_coder(proj):
    s = TEXT.index("De sagde")
    add_coding(proj, "d1", s, s + 8, "Stigma", coder="anna")
    bo = Project.open(proj.path, coder="bo")
    add_coding(bo, "d1", s, s + 12, "Stigma")
    assert proj.undo()["summary"].startswith("Stigma on d1 [")
    assert [c["coder"] for c in list_codings(proj)] == ["bo"]
    bo.close()


def test_events_table_is_append_only(proj):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        proj.db.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        proj.db.execute("UPDATE events SET coder = 'x'")


def test_codings_csv_round_trip_and_all_or_nothing(proj, tmp_path):
    s = TEXT.index("De sagde")
    csv = tmp_path / "in.csv"
    csv.write_text(
        "document,start,end,code,coder,memo\n"
        f'd1,{s},{s + 12},Stigma,bo,"a memo, with comma"\n'
        f"d1,{s},{s + 28},Help declined/By the service,anna,\n",
        encoding="utf-8",
    )
    assert import_codings_csv(proj, csv) == {"added": 2, "skipped": 0, "failed": []}
    assert import_codings_csv(proj, csv) == {"added": 0, "skipped": 2, "failed": []}  # twice changes nothing
    out = codings_csv(proj)
    lines = out.split("\r\n")
    assert lines[0] == "guid,document,start,end,code,coder,memo,text"
    assert lines[1].endswith(f',d1,{s},{s + 12},Stigma,bo,"a memo, with comma",De sagde nej')
    # a file with one bad line changes nothing
    before = dump(proj.path)
    bad = tmp_path / "bad.csv"
    bad.write_text("document,start,end,code,coder\nd1,0,3,Stigma,cy\nd1,0,9999,Stigma,cy\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"bad.csv: line 3: \[0, 9999\) is not inside 'd1'"):
        import_codings_csv(proj, bad)
    assert dump(proj.path) == before
    # a quoted text column catches offsets counted in another unit
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(f"document,start,end,code,coder,text\nd1,{s},{s + 3},Stigma,cy,Xe \n", encoding="utf-8")
    with pytest.raises(QualcodeError, match="the text column does not match"):
        import_codings_csv(proj, wrong)


def test_memos_on_document_code_coding_project(proj):
    doc = get_document(proj, "d1")
    set_memo(proj, "document", doc["guid"], "Trust builds slowly")
    set_memo(proj, "document", doc["guid"], "Trust builds slowly here")  # replaces this coder's memo
    set_memo(proj, "project", None, "Decision log")
    code = get_code(proj, "Stigma")
    set_memo(proj, "code", code.guid, "Split public/professional?")
    assert [m["text"] for m in list_memos(proj, "document", doc["guid"])] == ["Trust builds slowly here"]
    assert [m["target"] for m in list_memos(proj)] == ["document", "project", "code"]
    set_memo(proj, "project", None, "")
    assert [m["target"] for m in list_memos(proj)] == ["document", "code"]
    assert proj.undo()["action"] == "memo.set"
    assert len(list_memos(proj, "project")) == 1


# ------------------------------------------------------------------------- the CLI contract


def cli(runner, db: Path, *args, **kw):
    return runner.invoke(main, ["-p", str(db), *args], **kw)


def test_cli_code_and_list_as_json(runner, proj):
    proj.close()
    s = TEXT.index("De sagde")
    r = cli(runner, proj.path, "--coder", "bo", "code", "d1", str(s), str(s + 12), "Stigma", "--memo", "m")
    assert r.exit_code == 0, r.output
    assert "Stigma  [" in r.output and "by bo: 'De sagde nej'" in r.output
    rows = json.loads(cli(runner, proj.path, "codings", "--json").output)
    assert rows == [
        {
            "guid": rows[0]["guid"],
            "document": "d1",
            "start": s,
            "end": s + 12,
            "code": "Stigma",
            "coder": "bo",
            "memo": "m",
            "text": "De sagde nej",
        }
    ]
    docs = json.loads(cli(runner, proj.path, "docs", "--json").output)
    assert [(d["name"], d["kind"], d["language"], d["codings"]) for d in docs] == [("d1", "interview", "da", 1)]
    codes = json.loads(cli(runner, proj.path, "codes", "--json").output)
    assert [(c["path"], c["codings"]) for c in codes] == [
        ("Help declined", 0),
        ("Help declined/By the service", 0),
        ("Stigma", 1),
    ]
    units = json.loads(cli(runner, proj.path, "show", "d1", "--units", "turn", "--json").output)
    assert [(u["speaker"], u["text"]) for u in units] == [
        ("I", "Hvad skete der?"),
        ("IP", "De sagde nej på herberget. 🙂 Så gik jeg."),
    ]


def test_cli_exit_codes(runner, proj, tmp_path):
    proj.close()
    ok = cli(runner, proj.path, "codings")
    assert ok.exit_code == 0
    user_error = cli(runner, proj.path, "code", "d1", "0", "999", "Stigma")
    assert user_error.exit_code == 1
    assert user_error.output.count("\n") == 1 and user_error.output.startswith("Error: d1: [0, 999)")
    misuse = cli(runner, proj.path, "code", "d1", "zero", "3", "Stigma")
    assert misuse.exit_code == 1 and misuse.output.count("\n") == 1  # one line, like any bad input
    assert misuse.output.startswith("Error: Invalid value for 'START': 'zero' is not a valid integer. (see '")
    assert misuse.output.endswith(" code --help')\n")
    missing = runner.invoke(main, ["-p", str(tmp_path / "nope.db"), "docs"])
    assert missing.exit_code == 1 and "no project file here" in missing.output
    not_sqlite = tmp_path / "x.db"
    not_sqlite.write_text("hello", encoding="utf-8")
    r = runner.invoke(main, ["-p", str(not_sqlite), "docs"])
    assert r.exit_code == 1 and "not a qualcode project" in r.output


def test_every_command_has_help(runner):
    import click

    seen = []

    def walk(group, path):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            seen.append(name)
            r = runner.invoke(main, [*path, name, "--help"])
            assert r.exit_code == 0 and "Usage:" in r.output, (path, name)
            assert cmd.help or cmd.short_help, f"{' '.join([*path, name])} has no help text"
            if hasattr(cmd, "commands"):
                walk(cmd, [*path, name])

    walk(main, [])
    assert len(seen) > 60 and {"docs", "cooccurrence", "qdpx", "pseudonyms"} <= set(seen)


def test_cli_undo_redo_log(runner, proj):
    proj.close()
    s = TEXT.index("De sagde")
    cli(runner, proj.path, "-c", "anna", "code", "d1", str(s), str(s + 12), "Stigma")
    assert cli(runner, proj.path, "-c", "anna", "undo").output.startswith("undone: Stigma on d1")
    assert json.loads(cli(runner, proj.path, "codings", "--json").output) == []
    assert cli(runner, proj.path, "-c", "anna", "redo").output.startswith("redone:")
    log = json.loads(cli(runner, proj.path, "log", "--json").output)
    assert [e["action"] for e in log[:3]] == ["redo", "undo", "coding.add"]
    assert cli(runner, proj.path, "-c", "zed", "undo").output.strip() == "nothing to undo"


def test_demo_project_has_the_study(demo):
    docs = list_documents(demo)
    assert len(docs) == 12
    assert {d["kind"] for d in docs} == {"interview", "fieldnote"}
    assert {d["language"] for d in docs} == {"da", "en"}
    interviews = [d for d in docs if d["kind"] == "interview"]
    assert all(1500 <= d["word_count"] <= 4500 for d in interviews), [(d["name"], d["word_count"]) for d in interviews]
    attrs = document_attributes(demo)
    assert {a["site"] for a in attrs.values()} == {"Vesterbro", "Nordvest", "Sundholm"}
    coders = {c["coder"] for c in list_codings(demo)}
    assert coders == {"anna", "bo"}
    by_coder = {k: len(list_codings(demo, coder=k)) for k in coders}
    assert min(by_coder.values()) > 200
    # every stored quote is exactly its span of the document
    texts = {d["id"]: get_document(demo, d["id"])["text"] for d in docs}
    assert all(texts[c["document_id"]][c["start"] : c["end"]] == c["text"] for c in list_codings(demo))
    turns = document_units(demo, get_document(demo, "da_int01_vesterbro_bruger")["id"], "turn")
    assert {t["speaker"] for t in turns} == {"I", "IP"}


def test_remove_document_refused_with_codings_then_undoable(demo, runner):
    doc = get_document(demo, "en_obs04_vesterbro_cafe")
    n = len(list_codings(demo, document=doc["id"]))
    with pytest.raises(QualcodeError, match=rf"holds {n} coding\(s\); pass --with-codings"):
        remove_document(demo, doc["name"])
    before = dump(demo.path)
    assert remove_document(demo, doc["name"], with_codings=True) == n
    assert doc["name"] not in [d["name"] for d in list_documents(demo)]
    assert demo.db.execute("SELECT COUNT(*) FROM unit_sets WHERE document_id = ?", [doc["id"]]).fetchone()[0] == 0
    assert demo.undo()["action"] == "document.remove"
    restored = sorted(line for line in dump(demo.path) if not line.startswith('INSERT INTO "events"'))
    assert restored == sorted(line for line in before if not line.startswith('INSERT INTO "events"'))
    r = runner.invoke(main, ["-p", str(demo.path), "remove", doc["name"]])
    assert r.exit_code == 1 and "pass --with-codings" in r.output


def test_peek_shows_what_undo_and_redo_would_replay(proj):
    assert proj.peek("redo") is None
    s = TEXT.index("De sagde")
    add_coding(proj, "d1", s, s + 12, "Stigma")
    ev = proj.peek("undo")
    # anna's first coding also creates her coder row: both are in the one step
    assert ev["action"] == "coding.add"
    assert [(c["t"], c["op"]) for c in ev["changes"]] == [("coders", "insert"), ("codings", "insert")]
    assert proj.undo()["id"] == ev["id"]
    assert proj.peek("redo")["id"] == ev["id"] and proj.peek("undo")["action"] == "code.add"


@pytest.mark.parametrize("target", ["document", "code", "coding"])
def test_memo_without_a_target_is_a_usage_error_not_a_traceback(runner, proj, target):
    proj.close()
    r = cli(runner, proj.path, "memo", target)
    assert r.exit_code == 1 and f"say which {target}" in r.output and "Traceback" not in r.output
    assert r.output.count("\n") == 1


def test_retrieval_columns_equal_the_full_listing(demo):
    """What the retrieval screen reads lean (columns, quotes a page at a time) is exactly what
    ``list_codings`` reads whole, in the same order, for every code, with and without children,
    for each coder, and while blind."""
    from qualcode.codebook.codes import list_codes
    from qualcode.coding.codings import coding_texts, segment_columns

    keys = ("id", "document_id", "document", "code_id", "code", "coder", "start", "end", "text")
    checked = 0
    for code in list_codes(demo):
        for children in (False, True):
            for coder in (None, "anna", "bo"):
                full = list_codings(demo, code=code.id, coder=coder, include_children=children)
                cols = segment_columns(demo, code.id, coder=coder, include_children=children)
                texts = coding_texts(demo, cols["id"])
                lean = [
                    {**{k: cols[k][i] for k in keys if k != "text"}, "text": texts[cols["id"][i]]}
                    for i in range(len(cols["id"]))
                ]
                assert lean == [{k: r[k] for k in keys} for r in full]
                checked += len(full)
    assert checked > 1000
    demo.set_blind(True)
    code = list_codes(demo)[0]
    cols = segment_columns(demo, code.id, include_children=True)
    assert set(cols["coder"]) == {"anna"}
    assert cols["id"] == [r["id"] for r in list_codings(demo, code=code.id, include_children=True)]


def test_the_log_and_undo_name_a_coding_by_code_document_and_span(proj):
    from qualcode.coding.codings import remove_coding, resize_coding

    s = TEXT.index("De sagde")
    row = add_coding(proj, "d1", s, s + 8, "Stigma")
    resize_coding(proj, row["id"], s, s + 12)
    remove_coding(proj, row["id"])
    summaries = [e["summary"] for e in proj.events(limit=3)]
    assert summaries == [
        f"removed Stigma on d1 [{s},{s + 12})",
        f"Stigma on d1 [{s},{s + 8}) → [{s},{s + 12})",
        f"Stigma on d1 [{s},{s + 8})",
    ]
    assert not any(row["guid"] in x for x in summaries)
    assert proj.undo()["summary"] == f"removed Stigma on d1 [{s},{s + 12})"
