"""Coding moves people expect from NVivo, MAXQDA and ATLAS.ti: in-vivo codes, find in the
document, next uncoded passage, recent codes first, parents made on the way — and a coding
keystroke that re-reads nothing."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input

from helpers.tui import settle
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.picker import CodePicker
from qualcode.tui.widgets.find_bar import FindBar

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


def rows(path, sql, *params):
    con = sqlite3.connect(path)
    out = con.execute(sql, params).fetchall()
    con.close()
    return out


async def test_in_vivo_names_a_code_from_the_selected_words_and_applies_it(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = app.transcript
        await pilot.press('"')
        assert not any(c.path == "" for c in app.codes)  # nothing selected: a notice, no dialog
        assert app.screen is app.screen_stack[0]
        start = t.text.index("Vesterbro")
        t.select_span(start, start + len("Vesterbro"))
        await pilot.press('"')
        await settle(pilot)
        assert app.screen.query_one(Input).value == "Vesterbro"
        await pilot.press("home", *"Places/", "enter")
        await settle(pilot)
        await pilot.press("ctrl+z")  # one step undoes the new codes and the coding together
        await settle(pilot)
        assert rows(demo_copy, "SELECT COUNT(*) FROM codes WHERE name IN ('Places', 'Vesterbro')") == [(0,)]
        assert not rows(demo_copy, "SELECT 1 FROM codings WHERE start = ? AND text = 'Vesterbro'", start)
        await pilot.press("ctrl+y")  # and one step brings both back
        await settle(pilot)
    got = rows(
        demo_copy,
        "SELECT p.name, k.name, c.start, c.[end] FROM codings c JOIN codes k ON k.id = c.code_id "
        "JOIN codes p ON p.id = k.parent_id WHERE k.name = 'Vesterbro'",
    )
    assert got == [("Places", "Vesterbro", start, start + 9)]


async def test_find_in_the_document_steps_through_matches_and_remembers_the_query(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = app.transcript
        text = t.text.lower()
        first = text.index("det")
        second = text.index("det", first + 1)
        await pilot.press("ctrl+l", *"det", "enter")
        assert t.selection == (first, first + 3)
        await pilot.press("enter")
        assert t.selection == (second, second + 3)
        await pilot.press("up")
        assert t.selection == (first, first + 3)
        assert "match 1 of" in str(app.query_one("#status").render())
        await pilot.press("escape")
        assert app.focused is t and t.selection == (first, first + 3)  # a hotkey now codes the match
        assert not app.query_one(FindBar).display
        await pilot.press("ctrl+l")
        assert app.query_one(FindBar).value == "det"  # remembered
        await pilot.press("enter")
        assert t.selection == (second, second + 3)


async def test_next_uncoded_passage_selects_a_unit_no_coding_touches(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = app.transcript
        await pilot.press("2", "escape")  # sentences
        seen = []
        for _ in range(4):
            await pilot.press("alt+down")
            s, e = t.selection
            assert not any(c.end > s and c.start < e for c in t.codings)
            assert (s, e) in zip(t.units("sentence").starts, t.units("sentence").ends, strict=True)
            seen.append(s)
        assert seen == sorted(seen) and len(set(seen)) == 4
        await pilot.press("alt+up")
        assert t.selection[0] == seen[2]


async def test_the_picker_lists_recent_codes_first_and_makes_missing_parents(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, CodePicker)
        recent = rows(
            demo_copy,
            "SELECT code_id FROM codings WHERE coder_id = (SELECT id FROM coders WHERE name = 'anna') "
            "ORDER BY id DESC LIMIT 1",
        )[0][0]
        ol = picker.query_one("#picker-list")
        assert ol.get_option_at_index(0).id == str(recent)
        await pilot.press(*"New/Child", "enter")
        await settle(pilot)
        assert app.recent_codes[0] == next(c.id for c in app.codes if c.path == "New/Child")
    assert rows(demo_copy, "SELECT COUNT(*) FROM codes WHERE name IN ('New', 'Child')") == [(2,)]
    assert rows(
        demo_copy,
        "SELECT COUNT(*) FROM codings c JOIN codes k ON k.id = c.code_id WHERE k.name = 'Child'",
    ) == [(1,)]


async def test_a_coding_keystroke_reads_nothing_back_from_the_project(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = app.transcript
        await pilot.press("2")
        statements: list[str] = []
        app.project.db.conn.set_trace_callback(statements.append)
        before = app.counts.get(next(c.id for c in app.codes if c.hotkey == "s"), 0)
        await pilot.press("s")
        await settle(pilot)
        app.project.db.conn.set_trace_callback(None)
        poll = ("PRAGMA data_version", "FROM events WHERE id >", "SELECT id, name FROM documents")
        reads = [q for q in statements if q.lstrip().upper().startswith("SELECT") and not any(p in q for p in poll)]
        # the coding's own checks (document, duplicate, coder, the event chain) and nothing after the
        # commit re-reads the document's codings, the counts or the document list (the 0.2 s poll for
        # other processes' news may run meanwhile; it is left out)
        assert len(reads) <= 8, reads
        assert not any("GROUP BY" in q for q in reads)  # no count re-read (codes, documents)
        assert not any("COALESCE(c.memo" in q for q in reads)  # the document's codings are not re-read
        code = next(c for c in app.codes if c.hotkey == "s")
        assert app.counts[code.id] == before + 1
        assert any(c.code_id == code.id and (c.start, c.end) == t.selection for c in t.codings)
