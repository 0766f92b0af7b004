"""Memos visible: the code panel and the codebook mark them; the memo browser (ctrl+a / f8) lists every
memo of the project, filters them, opens their place and edits them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from qualcode.codebook.codes import get_code
from qualcode.coding.codings import list_codings
from qualcode.coding.memos import set_memo
from qualcode.corpus.documents import get_document
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.memo import MemoScreen
from qualcode.tui.screens.memo_browser import EMPTY, MemoBrowserScreen, MemoList
from qualcode.tui.widgets.code_info import CodeInfo
from qualcode.tui.widgets.code_tree import CodeTree

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
FIXED = "2026-01-15T10:00:00Z"  # memo times on screen, pinned for the snapshots


@pytest.fixture
def memo_demo(demo_copy: Path) -> Path:
    """The demo study (31 coding memos by anna and bo) plus a memo of every other kind, two coders."""
    with Project.open(demo_copy, coder="anna") as p:
        set_memo(p, "project", None, "Decision log: help sought only when asked for explicitly.\nRevisit in May.")
        set_memo(p, "document", get_document(p, "da_int01_vesterbro_bruger")["guid"], "Trust builds slowly here")
        set_memo(p, "code", get_code(p, "Barriers/Stigma").guid, "Public or professional stigma?\nSplit later.")
        p.coder = "bo"
        set_memo(p, "code", get_code(p, "Barriers/Stigma").guid, "bo: too broad")
        bo_coding = next(c for c in list_codings(p, coder="bo") if not c["memo"])
        set_memo(p, "coding", bo_coding["guid"], "bo's second thoughts on this span")
    con = sqlite3.connect(demo_copy)
    with con:
        con.execute("UPDATE codings SET updated_at = ? WHERE memo IS NOT NULL", [FIXED])
        con.execute("UPDATE memos SET updated_at = ?", [FIXED])
    con.close()
    return demo_copy


def counts_in_file(path: Path) -> dict[str, int]:
    """Memos per kind, read straight from the file (read-only): both places a coding memo lives."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    per_kind = dict(con.execute("SELECT target, COUNT(*) FROM memos GROUP BY target").fetchall())
    per_kind["coding"] = (
        per_kind.get("coding", 0)
        + con.execute("SELECT COUNT(*) FROM codings WHERE COALESCE(memo, '') != ''").fetchone()[0]
    )
    con.close()
    return per_kind


async def open_browser(pilot) -> MemoBrowserScreen:
    await pilot.press("ctrl+a")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MemoBrowserScreen)
    return screen


def summary(screen: MemoBrowserScreen) -> str:
    return str(screen.query_one("#mb-summary").render())


async def test_browser_lists_every_memo_with_counts_per_kind(memo_demo):
    expected = counts_in_file(memo_demo)
    assert expected == {"project": 1, "document": 1, "code": 2, "coding": 32}
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        shown = {k: sum(1 for m in screen.rows if m.kind == k) for k in expected}
        assert shown == expected
        total = sum(expected.values())
        assert f"{total} memo(s)" in summary(screen)
        kinds = ("project", "document", "code", "coding")
        assert " · ".join(f"{k} {expected[k]}" for k in kinds) in summary(screen)
        assert screen.sub_title == f"memos · {total} of {total}"
        # each row names kind, place, coder and time, and starts the memo
        first = screen.query_one(MemoList).render_item(0, 100)
        assert str(first[0]).startswith("▌project  demo") and "anna · 2026-01-15 10:00" in str(first[0])
        assert "Decision log" in str(first[1])
        coding = next(i for i, m in enumerate(screen.rows) if m.kind == "coding")
        head = str(screen.query_one(MemoList).render_item(coding, 100)[0])
        m = screen.rows[coding]
        assert f"on da_int01_vesterbro_bruger [{m.start},{m.end})" in head
        await pilot.press("escape")
        assert not isinstance(app.screen, MemoBrowserScreen)
        await pilot.press("f8")  # the key where tmux keeps ctrl+a
        assert isinstance(app.screen, MemoBrowserScreen)


async def test_browser_filters_by_kind_coder_code_and_words(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        total = len(screen.memos)
        await pilot.press("k")
        assert {m.kind for m in screen.rows} == {"project"} and "kind: project" in summary(screen)
        await pilot.press("k", "k")
        assert [m.coder for m in screen.rows] == ["anna", "bo"]  # the code memos
        await pilot.press("k", "k")  # coding → all
        assert len(screen.rows) == total
        await pilot.press("c")
        assert screen.rows and {m.coder for m in screen.rows} == {"anna"}
        await pilot.press("c")
        assert screen.rows and {m.coder for m in screen.rows} == {"bo"}
        assert f"showing {len(screen.rows)}" in summary(screen)
        await pilot.press("x", "slash", *"stigma")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        stigma = get_code(app.project, "Barriers/Stigma")
        assert screen.rows and {m.code_id for m in screen.rows} == {stigma.id}
        assert {m.kind for m in screen.rows} == {"code", "coding"}  # its own memos and its codings'
        assert "code: Barriers/Stigma" in summary(screen)
        await pilot.press("x", "slash", *"barriers")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert stigma.id in {m.code_id for m in screen.rows}  # a group's filter takes its children
        await pilot.press("x", "f")
        await pilot.pause()
        assert isinstance(app.screen.focused, Input)
        await pilot.press(*"pharmacy", "enter")
        await pilot.pause()
        assert screen.rows and all("pharmacy" in f"{m.text} {m.target}".casefold() for m in screen.rows)
        await pilot.press("x")
        assert len(screen.rows) == total and "showing" not in summary(screen)


async def test_enter_on_a_coding_memo_puts_the_cursor_in_that_coding(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        index = next(  # a coding in another document than the one open
            i
            for i, m in enumerate(screen.rows)
            if m.kind == "coding" and m.coder == "anna" and m.document_id != app.doc["id"]
        )
        memo = screen.rows[index]
        screen.query_one(MemoList).highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, MemoBrowserScreen)
        assert app.doc["id"] == memo.document_id
        t = app.transcript
        assert memo.start <= t.cursor < memo.end
        current = t.my_coding_at_cursor()
        assert current is not None and current.id == memo.coding_id  # the coding is the current one
        assert app.code_id == memo.code_id
        assert app.focused is t


async def test_enter_on_another_coders_coding_memo_shows_their_coding(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        index = next(i for i, m in enumerate(screen.rows) if m.kind == "coding" and m.coder == "bo")
        memo = screen.rows[index]
        screen.query_one(MemoList).highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert app.doc["id"] == memo.document_id and app.view == "all"
        assert memo.coding_id in {c.id for c in app.transcript.codings_at(app.transcript.cursor)}


async def test_enter_on_document_and_code_memos(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        app.open_document(get_document(app.project, "da_int02_nordvest_bruger")["id"])
        await open_browser(pilot)
        await pilot.press("k", "k")  # documents
        await pilot.press("enter")
        await pilot.pause()
        assert app.doc["name"] == "da_int01_vesterbro_bruger"
        await open_browser(pilot)
        await pilot.press("k", "k", "k")  # codes
        await pilot.press("enter")
        await pilot.pause()
        tree = app.query_one(CodeTree)
        stigma = get_code(app.project, "Barriers/Stigma").id
        assert app.focused is tree and tree.cursor_node is not None and tree.cursor_node.data == stigma
        assert app.code_id == stigma


async def test_e_edits_your_memo_and_only_yours(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("k", "k", "k")  # the code memos: anna's, then bo's
        await pilot.press("down", "e")
        await pilot.pause()
        assert isinstance(app.screen, MemoBrowserScreen)  # bo's: refused with a notice
        assert any("bo's memo" in n.message for n in app._notifications)
        await pilot.press("up", "e")
        await pilot.pause()
        assert isinstance(app.screen, MemoScreen)
        area = app.screen.query_one(TextArea)
        assert area.text.startswith("Public or professional stigma?")
        area.text = "Only public stigma, after all"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and screen.rows[0].text == "Only public stigma, after all"
        con = sqlite3.connect(f"file:{memo_demo}?mode=ro", uri=True)
        texts = {r[0] for r in con.execute("SELECT text FROM memos WHERE target = 'code'")}
        con.close()
        assert texts == {"Only public stigma, after all", "bo: too broad"}
        # a coding memo lives on the coding: e writes it there
        await pilot.press("k", "up")
        index = next(i for i, m in enumerate(screen.rows) if m.coder == "anna" and m.memo_id is None)
        screen.query_one(MemoList).highlighted = index
        coding_id = screen.rows[index].coding_id
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(TextArea).text = ""  # an empty memo removes it
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert coding_id not in {m.coding_id for m in screen.rows}
        con = sqlite3.connect(f"file:{memo_demo}?mode=ro", uri=True)
        assert con.execute("SELECT memo FROM codings WHERE id = ?", [coding_id]).fetchone()[0] is None
        con.close()


async def test_blind_coding_hides_other_coders_memos(memo_demo):
    with Project.open(memo_demo, coder="anna") as p:
        p.set_blind(True)
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        assert screen.rows and {m.coder for m in screen.rows} == {"anna"}
        await pilot.press("c", "c")  # only anna to cycle through
        assert {m.coder for m in screen.rows} == {"anna"} and screen.coder is None
    app = QualcodeApp(memo_demo, "anna", supervisor=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        assert {m.coder for m in screen.rows} == {"anna", "bo"}


async def test_browser_follows_memos_written_elsewhere(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        before = len(screen.memos)
        with Project.open(memo_demo, coder="bo") as other:
            set_memo(other, "document", get_document(other, "da_int02_nordvest_bruger")["guid"], "from bo's shell")
        app.poll_changes()
        await pilot.pause()
        assert len(screen.memos) == before + 1
        assert any(m.text == "from bo's shell" for m in screen.rows)


async def test_empty_project_says_how_to_write_a_memo(tmp_path):
    Project.create(tmp_path / "empty.db", coder="anna").close()
    app = QualcodeApp(tmp_path / "empty.db", "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        assert screen.rows == [] and str(screen.query_one("#mb-preview").render()) == EMPTY
        await pilot.press("enter", "e")  # nothing to open or edit: nothing happens
        assert app.screen is screen


async def test_code_panel_and_tree_show_a_codes_memo(memo_demo):
    app = QualcodeApp(memo_demo, "anna")
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(CodeTree)
        stigma = get_code(app.project, "Barriers/Stigma")
        labels = {node.data: str(node.label) for node in tree._tree_nodes.values() if node.data is not None}
        assert labels[stigma.id].endswith("✎")
        assert sum(label.endswith("✎") for label in labels.values()) == 1
        tree.select_code(stigma.id)
        await pilot.pause()
        info = str(app.query_one(CodeInfo).render())
        assert "✎ Memo (anna): Public or professional stigma?\nSplit later." in info
        assert "✎ Memo (bo): bo: too broad" in info
        assert info.index("(anna)") < info.index("(bo)") < info.index("Definition")  # mine first, before rules
        # a memo written in another shell marks its code within a poll
        resources = next(c for c in app.codes if c.codable and c.id != stigma.id)
        with Project.open(memo_demo, coder="bo") as other:
            set_memo(other, "code", resources.guid, "new thought")
        app.poll_changes()
        await pilot.pause()
        node = next(n for n in tree._tree_nodes.values() if n.data == resources.id)
        assert str(node.label).endswith("✎")
        # ctrl+b on the code, emptied: the mark goes
        tree.select_code(resources.id)
        await pilot.pause()
        app.project.coder = "bo"
        await pilot.press("ctrl+b")
        await pilot.pause()
        app.screen.query_one(TextArea).text = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        node = next(n for n in tree._tree_nodes.values() if n.data == resources.id)
        assert not str(node.label).endswith("✎")


# ---------------------------------------------------------------------- pinned screens
def test_memo_browser_snapshot(snap_compare, memo_demo):
    assert snap_compare(QualcodeApp(memo_demo, "anna"), press=["ctrl+a", "down"], terminal_size=SIZE)


def test_memo_browser_snapshot_narrow(snap_compare, memo_demo):
    assert snap_compare(QualcodeApp(memo_demo, "anna"), press=["ctrl+a", "k", "k", "k", "k"], terminal_size=(80, 24))
