"""No lost keystrokes: keys typed at full speed land where they would land typed slowly.

``burst`` queues every key before the first is handled — as a fast typist over SSH does — which
``pilot.press`` (it waits between keys) never showed.
"""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input, TextArea

from helpers.tui import burst, settle
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.search import SearchScreen

pytestmark = pytest.mark.anyio


def coders(path):
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT name FROM coders ORDER BY name")]
    con.close()
    return names


async def test_the_code_form_takes_a_burst_with_tab_between_fields(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        before = coders(demo_copy)
        await burst(pilot, "e", "A", "A", "A", "tab", "B", "B", "B", "tab", "C")
        form = app.screen
        assert form.query_one("#f-description", TextArea).text.startswith("AAA")
        assert form.query_one("#f-inclusion", TextArea).text.startswith("BBB")
        assert form.query_one("#f-exclusion", TextArea).text.startswith("C")
        assert coders(demo_copy) == before


async def test_the_coder_switch_takes_a_burst_and_asks_before_adding(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(5):  # the issue saw "an" in 2 of 5 tries
            await burst(pilot, "ctrl+u", "b", "o", "enter")
            assert app.project.coder == "bo"
            await burst(pilot, "ctrl+u", "a", "n", "n", "a", "enter")
            assert app.project.coder == "anna"
        switched: list[str] = []
        app.set_coder = lambda name, _orig=app.set_coder: (switched.append(name), _orig(name))  # type: ignore
        await burst(pilot, *(["ctrl+u", "b", "o", "enter", "ctrl+u", "a", "n", "n", "a", "enter"] * 8))  # one burst
        assert switched == ["bo", "anna"] * 8 and app.project.coder == "anna"
        before = coders(demo_copy)
        await burst(pilot, "ctrl+u", "a", "n", "enter")  # a new name: a question, not a coder
        assert app.project.coder == "anna" and coders(demo_copy) == before
        await burst(pilot, "escape")
        assert app.project.coder == "anna" and coders(demo_copy) == before


async def test_the_picker_takes_a_burst_and_codes_the_selection(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await burst(pilot, "2", "slash", *"Stigma", "enter")
        sel = app.transcript.selection
        con = sqlite3.connect(demo_copy)
        rows = con.execute(
            "SELECT k.name FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders o ON o.id = c.coder_id "
            "WHERE c.document_id = ? AND c.start = ? AND c.[end] = ? AND o.name = 'anna'",
            [app.doc["id"], *sel],
        ).fetchall()
        con.close()
        assert ("Stigma",) in rows


async def test_the_search_box_searches_a_new_query_typed_in_a_burst(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+f", *"pharmacy", "enter")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_one("#search-query", Input).value == "pharmacy"
        first = str(screen.query_one("#search-status").render())
        await burst(pilot, *["backspace"] * 8, *"methadone", "enter")  # a new query: searched, not a hit opened
        assert app.screen is screen
        assert screen.query_one("#search-query", Input).value == "methadone"
        status = str(screen.query_one("#search-status").render())
        assert status != first and "hit" in status


async def test_full_screens_take_a_burst_too(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+s", "f", *"site=Nordvest", "enter")  # the sheet, its filter, typed as one
        sheet = app.screen
        assert {d["name"].split("_")[2] for d in sheet.shown} == {"nordvest"}
        await burst(pilot, "escape", "ctrl+a", "k")  # the memo browser, and its kind filter at once
        assert app.screen.kind is not None
