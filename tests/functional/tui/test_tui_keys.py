"""Every key in the help screen does what it says: cursor, selection, codings, codebook, retrieval."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input, TextArea

from helpers.tui import settle
from qualcode.codebook.codes import code_counts, get_code, list_codes
from qualcode.coding.codings import list_codings
from qualcode.corpus.attributes import document_attributes
from qualcode.corpus.documents import document_units
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.widgets.code_tree import CodeTree

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


def one(path, sql, *params):
    con = sqlite3.connect(path)
    row = con.execute(sql, params).fetchone()
    con.close()
    return row


async def test_cursor_and_selection_keys(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        t = app.transcript
        text = t.text
        assert text.startswith("Interview 01 — Vesterbro")
        await pilot.press("ctrl+right")
        assert t.cursor == 10  # "01"
        await pilot.press("ctrl+left")
        assert t.cursor == 0
        await pilot.press("shift+right", "shift+right", "shift+right")
        assert t.selection == (0, 3)
        await pilot.press("ctrl+shift+right")
        assert t.selection == (0, 10)
        await pilot.press("escape", "1")
        assert t.selection == (0, 9) and text[0:9] == "Interview"
        await pilot.press("1")  # one more word
        assert t.selection == (0, 12)
        await pilot.press("escape", "end")
        row_end = t._wrapped.ends[0]
        assert t.cursor == row_end
        await pilot.press("home")
        assert t.cursor == 0
        await pilot.press("down")
        assert t._wrapped.row_of(t.cursor) == 1
        await pilot.press("ctrl+end")
        assert t.cursor == len(text)
        assert t.scroll_y == t.max_scroll_y
        await pilot.press("ctrl+home", "pagedown")
        assert t.scroll_y > 0 and t._wrapped.row_of(t.cursor) >= t.scrollable_content_region.height - 1
        await pilot.press("ctrl+home", "4")
        paragraphs = [(u["start"], u["end"]) for u in document_units(app.project, app.doc["id"], "paragraph")]
        assert t.selection == paragraphs[0]
        await pilot.press("right_square_bracket")  # end edge one paragraph right
        assert t.selection == (paragraphs[0][0], paragraphs[1][1])
        await pilot.press("right_curly_bracket")  # start edge one paragraph right
        assert t.selection == paragraphs[1]
        await pilot.press("left_curly_bracket")
        assert t.selection == (paragraphs[0][0], paragraphs[1][1])


async def test_coding_navigation_and_memos(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        t = app.transcript
        mine = sorted((c.start, c.end) for c in t.codings)
        await pilot.press("ctrl+down")  # the first of my codings
        assert t.cursor == mine[0][0]
        await pilot.press("enter")  # select its span
        assert t.selection == mine[0]
        await pilot.press("escape", "ctrl+down", "ctrl+up")
        assert t.cursor == mine[0][0]
        # the code under the cursor is the highlighted code: ctrl+b writes a memo on it
        code = get_code(app.project, app.code_id)
        await pilot.press("ctrl+b")
        app.screen.query_one(TextArea).load_text("check against the pharmacy excerpts")
        await pilot.press("ctrl+s")
        assert one(demo_copy, "SELECT text FROM memos WHERE target = 'code' AND target_guid = ?", code.guid) == (
            "check against the pharmacy excerpts",
        )
        await pilot.press("escape", "tab")  # focus moves from the transcript to the code tree
        assert isinstance(app.focused, CodeTree)


async def test_codebook_keys(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+k", "A")
        app.screen.query_one(Input).value = "Time"
        await pilot.press("enter")
        time_code = get_code(app.project, "Time")
        assert time_code.parent_id is None
        await pilot.press("c")  # recolour: the suggestion is the palette's first unused colour
        suggestion = app.screen.query_one(Input).value
        await pilot.press("enter")
        assert get_code(app.project, "Time").colour == suggestion
        await pilot.press("ctrl+up")  # reorder among top-level codes
        tops = [c.name for c in list_codes(app.project) if c.parent_id is None]
        assert tops.index("Time") == len(tops) - 2
        await pilot.press("m")
        app.screen.query_one(Input).value = "Environment"
        await pilot.pause()
        await pilot.press("enter")
        assert get_code(app.project, "Environment/Time").id == time_code.id
        await pilot.press("n")
        app.screen.query_one(TextArea).load_text("waiting time vs clock time")
        await pilot.press("ctrl+s")
        assert one(
            demo_copy, "SELECT COUNT(*) FROM memos WHERE target = 'code' AND target_guid = ?", time_code.guid
        ) == (1,)
        await pilot.press("delete", "enter")  # no codings: a plain confirmation
        assert one(demo_copy, "SELECT COUNT(*) FROM codes WHERE guid = ?", time_code.guid) == (0,)
        # deleting a code with codings asks where they go: move them to the parent
        stigma = get_code(app.project, "Barriers/Stigma")
        n = code_counts(app.project)[stigma.id]
        app.screen.query_one(CodeTree).select_code(stigma.id)
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        from textual.widgets import Button, Static

        buttons = [str(b.label) for b in app.screen.query(Button)]
        question = str(app.screen.query_one("#dialog-question", Static).render())
        assert not get_code(app.project, "Barriers").codable  # a grouping parent is never offered
        assert not any(b.startswith("Move") for b in buttons) and "Barriers is a grouping code" in question
        await pilot.press("escape")  # cancel keeps everything
        assert code_counts(app.project)[stigma.id] == n


async def test_retrieval_keys(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        barriers = get_code(app.project, "Barriers")
        app.query_one("#codes", CodeTree).select_code(barriers.id)
        await pilot.pause()
        await pilot.press("ctrl+r")
        screen = app.screen
        assert isinstance(screen, RetrievalScreen)
        with_children = len(screen.rows)
        assert with_children == len(list_codings(app.project, code=barriers.id, include_children=True))
        await pilot.press("c")  # Barriers itself is a grouping code: nothing without children
        assert screen.rows == []
        await pilot.press("slash")
        app.screen.query_one(Input).value = "waiting"
        await pilot.pause()
        await pilot.press("enter")
        assert screen.code_id == get_code(app.project, "Barriers/Waiting").id
        await pilot.press("f")
        app.screen.query_one(Input).value = "site=Nordvest"
        await pilot.press("enter")
        docs = {d for d, attrs in document_attributes(app.project).items() if attrs.get("site") == "Nordvest"}
        assert screen.rows and {r["document_id"] for r in screen.rows} <= docs
        await pilot.press("escape")
        assert not isinstance(app.screen, RetrievalScreen)


async def test_command_palette_runs_table_actions(demo_copy):
    from textual.command import CommandPalette

    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "All segments of a code"
        await settle(pilot)  # the palette searches in a worker
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)


async def test_document_list_in_a_narrow_terminal(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(80, 24)) as pilot:
        docs, side = app.query_one("#documents"), app.query_one("#side")
        assert not docs.display and side.display  # narrow: transcript and codebook
        await pilot.press("f2")
        assert docs.display and not side.display and app.focused is docs
        await pilot.press("down", "enter")  # opening a document hides the list again
        assert app.doc["id"] == app.document_rows[1]["id"]
        assert not docs.display and side.display and app.focused is app.transcript


async def test_view_cycles_through_each_other_coder(demo_copy):
    app = QualcodeApp(demo_copy, "carl")  # a third coder: anna and bo both coded this document
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "s")
        seen = []
        for _ in range(4):
            await pilot.press("ctrl+d")
            seen.append((app.view, app.other if app.view == "compare" else None))
        assert seen == [("all", None), ("compare", "anna"), ("compare", "bo"), ("mine", None)]


async def test_the_current_coding_stays_put_while_it_is_resized(demo_copy):
    """Two of anna's codings start at the cursor; ] [ { } act on the current one whatever the
    resizes do to which is innermost, = makes the other current, and the panel lists both."""
    from textual.widgets import Static

    from qualcode.coding.codings import add_coding
    from qualcode.project import Project

    with Project.open(demo_copy, coder="anna") as p:
        doc = p.db.execute("SELECT id, text FROM documents ORDER BY sort_order LIMIT 1").fetchone()
        start = doc[1].index("Tak fordi")
        short = add_coding(p, doc[0], start, start + 9, "Help sought")  # "Tak fordi"
        long = add_coding(p, doc[0], start, start + 20, "Barriers/Stigma")
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        t = app.transcript
        t.focus()
        t._set_cursor(start)
        await settle(pilot)
        assert t.my_coding_at_cursor().id == short["id"]  # the innermost, to begin with
        panel = str(app.query_one("#at-cursor", Static).render())
        assert "Help sought" in panel and "Barriers/Stigma" in panel and "▶" in panel
        # grow the short one past the long one, then shrink: it stays the one the keys act on
        for key in ("right_square_bracket", "right_square_bracket", "right_square_bracket", "left_square_bracket"):
            await pilot.press(key)
            await settle(pilot)
            assert t.my_coding_at_cursor().id == short["id"]
        spans = {c["id"]: (c["start"], c["end"]) for c in list_codings(app.project, coder="anna")}
        assert spans[long["id"]] == (start, start + 20)  # untouched
        assert spans[short["id"]][1] > start + 9
        await pilot.press("equals_sign")
        await settle(pilot)
        assert t.my_coding_at_cursor().id == long["id"]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        spans = {c["id"]: (c["start"], c["end"]) for c in list_codings(app.project, coder="anna")}
        assert spans[long["id"]][1] > start + 20


async def test_a_click_on_a_gutter_stripe_makes_that_coding_current(demo_copy):
    from qualcode.coding.codings import add_coding
    from qualcode.project import Project
    from qualcode.tui.widgets.transcript import LANES, Transcript

    with Project.open(demo_copy, coder="anna") as p:
        doc = p.db.execute("SELECT id, text FROM documents ORDER BY sort_order LIMIT 1").fetchone()
        start = doc[1].index("Tak fordi")
        add_coding(p, doc[0], start, start + 9, "Help sought")
        long = add_coding(p, doc[0], start, start + 20, "Barriers/Stigma")
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        t = app.transcript
        t.focus()
        await settle(pilot)
        lane = t._lanes[long["id"]]
        x = t.gutter_width - LANES - 1 + lane
        y = t._wrapped.row_of(start) - int(t.scroll_y)
        gutter = t.region.offset - t.content_region.offset  # the border
        await pilot.click(Transcript, offset=(x - gutter.x, y - gutter.y))
        await settle(pilot)
        assert t.cursor == start and t.my_coding_at_cursor().id == long["id"]


async def test_a_unit_key_with_nothing_more_to_take_says_so(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        t = app.transcript
        t.focus()
        t._set_cursor(len(t.text))
        await pilot.press("4")  # the last paragraph
        await pilot.pause()
        last = t.selection
        assert last is not None and last[1] <= len(t.text)
        await pilot.press("4")  # there is no next one: the selection stays, and the workbench says why
        await pilot.pause()
        assert t.selection == last
        assert any("no paragraph after the selection" in n.message for n in app._notifications)


async def test_an_empty_project_says_how_to_fill_it(tmp_path):
    from qualcode.project import Project

    Project.create(tmp_path / "empty.db", coder="anna").close()
    app = QualcodeApp(tmp_path / "empty.db", "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = app.transcript
        assert t.text == ""
        painted = " ".join("".join(seg.text for seg in t.render_line(y)).strip() for y in range(1, 5))
        assert "No documents yet: ctrl+o imports transcripts" in " ".join(painted.split())


async def test_undo_in_the_codebook_editor_shows_the_codebook_as_it_now_is(demo_copy):
    from qualcode.tui.screens.codebook import CodebookScreen

    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+k", "A")
        app.screen.query_one(Input).value = "Time"
        await pilot.press("enter")
        await pilot.pause()
        tree = app.screen.query_one(CodeTree)
        assert "Time" in {c.name for c in list_codes(app.project)}
        assert any("Time" in str(n.label) for n in tree.root.children)
        await pilot.press("ctrl+z")  # its dialog says ctrl+z undoes: it does, and the tree shows it
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        assert "Time" not in {c.name for c in list_codes(app.project)}
        assert not any("Time" in str(n.label) for n in tree.root.children)
