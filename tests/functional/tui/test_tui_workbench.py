"""Drive the workbench with Pilot on the demo study and check the rows stored after each step."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from helpers.db import codings
from qualcode.codebook.codes import code_counts, get_code
from qualcode.corpus.documents import document_units
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.screens.picker import CodePicker
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.widgets.code_tree import CodeTree

DOC = "da_int01_vesterbro_bruger"
SIZE = (100, 30)
pytestmark = pytest.mark.anyio


def units(app, kind):
    """The stored units of the open document: the truth the selection keys must snap to."""
    return [(u["start"], u["end"]) for u in document_units(app.project, app.doc["id"], kind)]


def count(path, sql, *params):
    con = sqlite3.connect(path)
    n = con.execute(sql, params).fetchone()[0]
    con.close()
    return n


async def test_sentence_hotkey_undo_redo(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        assert app.doc["name"] == DOC
        (s0, e0), (_, e1) = units(app, "sentence")[:2]
        assert s0 == 0
        await pilot.press("2")
        assert app.transcript.selection == (0, e0)  # the first stored sentence
        assert codings(demo_copy, document=DOC, start=0) == []
        await pilot.press("s")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e0, None)]
        assert any(c.start == 0 and c.end == e0 for c in app.transcript.codings)  # highlighted
        await pilot.press("2", "h")  # grow by the next sentence, code it too
        assert codings(demo_copy, document=DOC, start=0) == [
            (DOC, "Barriers/Stigma", "anna", 0, e0, None),
            (DOC, "Help sought", "anna", 0, e1, None),
        ]
        await pilot.press("ctrl+z")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e0, None)]
        await pilot.press("ctrl+z")
        assert codings(demo_copy, document=DOC, start=0) == []
        await pilot.press("ctrl+y")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e0, None)]
    # undo is persisted: a new session undoes the redone coding
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+z")
        assert codings(demo_copy, document=DOC, start=0) == []


async def test_hotkey_without_selection_does_nothing(demo_copy):
    before = count(demo_copy, "SELECT COUNT(*) FROM codings")
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "right", "w")
    assert count(demo_copy, "SELECT COUNT(*) FROM codings") == before


async def test_picker_fuzzy_and_new_code(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        ((_, e1),) = units(app, "sentence")[1:2]
        ((t0, t1),) = units(app, "turn")[:1]
        await pilot.press("2", "2", "slash")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"stig")
        first = app.screen.query_one(OptionList).get_option_at_index(0)
        assert get_code(app.project, int(first.id)).path == "Barriers/Stigma"
        await pilot.press("enter")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e1, None)]
        await pilot.press("escape", "3", "slash")
        app.screen.query_one(Input).value = "Barriers/Pharmacy"  # a new code, then applied
        await pilot.press("enter")
        assert codings(demo_copy, document=DOC, start=t0) == [(DOC, "Barriers/Pharmacy", "anna", t0, t1, None)]
        assert get_code(app.project, "Barriers/Pharmacy").parent_id == get_code(app.project, "Barriers").id


async def test_switch_coder_and_compare(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+u")
        app.screen.query_one(Input).value = "an"  # half-typed: a new name is never added silently
        await pilot.press("enter")
        await pilot.pause()
        question = str(app.screen.query_one("#dialog-question", Static).render())
        assert app.project.coder == "anna" and "No coder is called “an”" in question
        await pilot.press("escape")
        await pilot.pause()
        assert app.project.coder == "anna" and "an" not in {c["name"] for c in app.project.coders()}
        await pilot.press("ctrl+u")
        app.screen.query_one(Input).value = "bo"  # a known coder: at once
        await pilot.press("enter")
        await pilot.pause()
        assert app.project.coder == "bo"
        await pilot.press("ctrl+u")
        app.screen.query_one(Input).value = "carl"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#choice-yes")  # "Add coder"
        await pilot.pause()
        assert app.project.coder == "carl"
        assert app.transcript.codings == []  # "mine" view: carl has none yet
        ((_, e0),) = units(app, "sentence")[:1]
        await pilot.press("2", "t")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Distrust", "carl", 0, e0, None)]
        await pilot.press("ctrl+d")  # all coders
        assert {c.coder for c in app.transcript.codings} == {"anna", "bo", "carl"}
        await pilot.press("ctrl+d")  # carl compared with the other coder with most codings here
        assert app.view == "compare" and app.transcript.compare[0] == "carl"
        assert app.transcript._diffs  # carl's lone coding differs
        assert app.transcript._diffs[0] == (0, e0)
        # undo is per coder: carl undoes carl's coding, not anna's
        await pilot.press("ctrl+z")
        assert codings(demo_copy, coder="carl") == []
        assert len(codings(demo_copy, coder="anna")) == count(
            demo_copy, "SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'anna'"
        )


async def test_resize_remove_and_memo(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        (_, e0), (_, e1) = units(app, "sentence")[:2]
        await pilot.press("2", "s", "escape")
        assert app.transcript.selection is None
        await pilot.press("right_square_bracket")  # grow my coding under the cursor by a sentence
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e1, None)]
        await pilot.press("left_square_bracket")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e0, None)]
        await pilot.press("ctrl+n")
        app.screen.query_one(TextArea).load_text("pharmacy shame")
        await pilot.press("ctrl+s")
        assert codings(demo_copy, document=DOC, start=0) == [(DOC, "Barriers/Stigma", "anna", 0, e0, "pharmacy shame")]
        await pilot.press("delete")
        assert codings(demo_copy, document=DOC, start=0) == []
        await pilot.press("ctrl+g")
        app.screen.query_one(TextArea).load_text("first interview")
        await pilot.press("ctrl+s")
        assert (
            count(demo_copy, "SELECT COUNT(*) FROM memos WHERE target = 'document' AND text = ?", "first interview")
            == 1
        )


async def test_mouse_drag_selects(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        t = app.transcript
        g = t.gutter_width + 1  # the pane's border is one cell
        await pilot.mouse_down(t, offset=(g, 1))
        await pilot.hover(t, offset=(g + 9, 1))
        await pilot.mouse_up(t, offset=(g + 9, 1))
        assert t.selection == (0, 9)
        assert t.text[0:9] == "Interview"


async def test_codebook_editing(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+k")
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        stigma = get_code(app.project, "Barriers/Stigma")
        screen.query_one(CodeTree).select_code(stigma.id)
        await pilot.pause()
        await pilot.press("a")
        app.screen.query_one(Input).value = "Pharmacy"
        await pilot.press("enter")
        assert get_code(app.project, "Barriers/Stigma/Pharmacy").parent_id == stigma.id
        await pilot.press("r")
        app.screen.query_one(Input).value = "Pharmacy counter"
        await pilot.press("enter")
        assert get_code(app.project, "Barriers/Stigma/Pharmacy counter").name == "Pharmacy counter"
        # merge Waiting into Stigma: asks first, then every coding moves
        waiting = get_code(app.project, "Barriers/Waiting")
        n_waiting = code_counts(app.project)[waiting.id]
        n_stigma = code_counts(app.project)[stigma.id]
        screen.query_one(CodeTree).select_code(waiting.id)
        await pilot.pause()
        await pilot.press("g")
        app.screen.query_one(Input).value = "Barriers/Stigma"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("enter")  # confirm: the "Merge" button has focus
        assert count(demo_copy, "SELECT COUNT(*) FROM codes WHERE name = 'Waiting'") == 0
        assert count(demo_copy, "SELECT COUNT(*) FROM codings WHERE code_id = ?", stigma.id) == n_stigma + n_waiting
        await pilot.press("escape")
        await pilot.press("ctrl+z", "enter")  # the merge is one undo step; that large an undo asks first
        assert count(demo_copy, "SELECT COUNT(*) FROM codings WHERE code_id = ?", waiting.id) == n_waiting


async def test_retrieval_opens_segment(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        stigma = get_code(app.project, "Barriers/Stigma")
        app.query_one("#codes", CodeTree).select_code(stigma.id)
        await pilot.pause()
        await pilot.press("ctrl+r")
        screen = app.screen
        assert isinstance(screen, RetrievalScreen)
        assert len(screen.rows) == 41  # both coders' Stigma segments in the demo
        await pilot.press("k")  # coder filter: the first coder, anna
        assert screen.coder == "anna" and len(screen.rows) == 20
        last = screen.rows[-1]
        await pilot.press("end", "enter")
        t = app.transcript
        assert app.doc["id"] == last["document_id"]
        assert t.selection == (last["start"], last["end"])
        await pilot.pause()
        top = int(t.scroll_y)
        assert top <= t._wrapped.row_of(last["end"]) < top + t.scrollable_content_region.height  # scrolled to it


async def test_help_lists_every_action(demo_copy):
    import io

    from rich.console import Console
    from textual.widgets import Static

    from qualcode.tui.actions import ACTIONS

    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        console = Console(width=200, file=io.StringIO(), record=True)
        for part in app.screen.query(Static):
            console.print(part.content)
        text = console.export_text()
        missing = [a.help for a in ACTIONS if a.help not in text]
        assert missing == []


async def test_export_and_import_in_workers(demo_copy, tmp_path):
    app = QualcodeApp(demo_copy, "anna")
    out = demo_copy.parent / "exports" / "codings.csv"  # beside the project, whatever the working folder
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        await pilot.press("enter")  # the first format: codings CSV that 'codings import' reads back
        await app.workers.wait_for_complete()
        await pilot.pause()
        n = count(demo_copy, "SELECT COUNT(*) FROM codings")
        with out.open(newline="", encoding="utf-8") as f:
            assert len(list(csv.reader(f))) == n + 1
        new = tmp_path / "extra_note.txt"
        new.write_text("A short field note.\n\nSecond paragraph here.\n", encoding="utf-8")
        await pilot.press("ctrl+o")
        app.screen.query_one(Input).value = str(new)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert count(demo_copy, "SELECT COUNT(*) FROM documents WHERE name = 'extra_note'") == 1
        assert any(d["name"] == "extra_note" for d in app.document_rows)


async def test_large_undo_asks_first(demo_copy):
    """The demo builder's latest change is a whole codings import: undo must not wipe it on one key.

    (Coders anna and bo start with nothing to undo: the demo is built as the coder ``demo``.)"""
    before = count(demo_copy, "SELECT COUNT(*) FROM codings")
    app = QualcodeApp(demo_copy, "demo")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+z")
        assert app.screen.query_one("#dialog-question")  # asks
        await pilot.press("escape")
        assert count(demo_copy, "SELECT COUNT(*) FROM codings") == before
        await pilot.press("ctrl+z", "enter")  # the "Undo" button has focus
        assert count(demo_copy, "SELECT COUNT(*) FROM codings") < before
