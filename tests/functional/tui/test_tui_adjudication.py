"""Adjudication you can see: for anna 2454–2669 vs bo 2375–2669 (Help sought) the part only bo
coded is marked in bo's view — exactly 2375–2454 — the offsets and lengths are stated, and a
decision is previewed on the first key and written only on the second."""

from __future__ import annotations

import sqlite3

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import DataTable, OptionList, Static

from helpers.tui import settle
from qualcode.project import Session
from qualcode.tui.screens.agreement import AgreementScreen

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
SUMMARY = "anna 2454–2669 (215 chars) · bo 2375–2669 (294 chars) · shared 215 · only bo 79"


class Host(App):
    def __init__(self, path) -> None:
        super().__init__()
        self.path = path

    def on_mount(self) -> None:
        self.push_screen(AgreementScreen(Session(self.path, "supervisor")))


def consensus(path) -> list[tuple[int, int]]:
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'consensus' "
        "ORDER BY start"
    ).fetchall()
    con.close()
    return rows


def underlined(text) -> list[str]:
    return [text.plain[s.start : s.end] for s in text.spans if "underline" in str(s.style)]


async def highlight_passage(pilot, screen: AgreementScreen, code: str, start: int):
    codes = screen.query_one("#agr-codes", DataTable)
    row = next(i for i in range(codes.row_count) if codes.get_row_at(i)[0] == code)
    codes.move_cursor(row=row)
    await pilot.pause()
    ol = screen.query_one("#agr-disagreements", OptionList)
    index = next(i for i, d in enumerate(screen.shown) if d.start == start)
    ol.highlighted = index
    await pilot.pause()
    return screen.shown[index]


async def test_only_bo_is_marked_and_decisions_are_previewed(demo_path):
    app = Host(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        d = await highlight_passage(pilot, screen, "Help sought", 2375)
        assert {c: [(s.start, s.end) for s in d.spans[c]] for c in d.spans} == {
            "anna": [(2454, 2669)],
            "bo": [(2375, 2669)],
        }
        text = screen.texts[d.document_id]
        views = screen.views(d)
        # bo's view: exactly 2375–2454 marked as only bo's; anna's view marks nothing as only hers
        assert underlined(views["bo"]) == [text[2375:2454].replace("\n", " ⏎ ")]
        assert underlined(views["anna"]) == []
        start = views["bo"].plain.index(text[2375:2454].replace("\n", " ⏎ "))
        assert views["bo"].plain[:start].endswith(text[2335:2375].replace("\n", " ⏎ "))  # in its context
        # both views show the whole passage (bo's start too) in context
        assert text[2375:2454].replace("\n", " ⏎ ") in views["anna"].plain
        # the offsets and lengths are stated, under the passages and in the passage's card
        preview = screen.query_one("#agr-preview", Static)
        assert SUMMARY in str(preview.render())
        console = Console(width=118, record=True, color_system=None)
        console.print(screen._passage_table(d))
        card = console.export_text()
        assert "anna 2454–2669 (215 chars)" in card and "bo 2375–2669 (294 chars)" in card
        assert "only bo 79" in card

        # a: the first press previews what the consensus coder gets; nothing is written
        await pilot.press("a")
        await settle(pilot)
        assert consensus(demo_path) == []
        shown = str(preview.render())
        assert "a: consensus gets 2454–2669 (Help sought) in en_int05_nordvest_user" in shown
        assert "press a again" in shown
        # another key changes the preview, still nothing written
        await pilot.press("b")
        await settle(pilot)
        assert consensus(demo_path) == []
        assert "b: consensus gets 2375–2669 (Help sought)" in str(preview.render())
        # the same key again writes exactly what was previewed
        await pilot.press("b")
        await settle(pilot)
        assert consensus(demo_path) == [(2375, 2669)]
        assert "press b again" not in str(preview.render())

        # a preview is for its passage: moving on forgets it
        ol = screen.query_one("#agr-disagreements", OptionList)
        await pilot.press("n")
        await pilot.pause()
        ol.highlighted = (ol.highlighted or 0) + 1 if ol.option_count > 1 else 0
        await pilot.pause()
        ol.highlighted = screen.shown.index(d)
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert consensus(demo_path) == [(2375, 2669)]  # only previewed again
        await pilot.press("n")
        await settle(pilot)
        assert consensus(demo_path) == []


def card_text(screen: AgreementScreen, d) -> str:
    console = Console(width=118, record=True, color_system=None)
    console.print(screen._passage_table(d))
    return console.export_text()


async def test_a_reopened_screen_shows_what_was_decided(demo_path):
    """Decided is read from the consensus coder's codings: a new screen (another session) shows
    the ✓ and what the consensus holds, and a second decision says it replaces the first."""
    app = Host(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        d = await highlight_passage(pilot, screen, "Help sought", 2375)
        await pilot.press("b", "b")
        await settle(pilot)
        assert consensus(demo_path) == [(2375, 2669)]
        assert "✓ bo" in card_text(screen, d)

    app = Host(demo_path)  # another session: nothing carried over but the project
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        d = await highlight_passage(pilot, screen, "Help sought", 2375)
        assert "✓ bo" in card_text(screen, d)
        preview = screen.query_one("#agr-preview", Static)
        assert "decided: consensus holds 2375–2669 (bo's spans)" in str(preview.render())
        # a second decision: previewed as replacing the first, then written over it
        await pilot.press("a")
        await settle(pilot)
        shown = str(preview.render())
        assert "a: consensus gets 2454–2669 (Help sought)" in shown
        assert "replaces the earlier decision: consensus holds 2375–2669 (bo's spans)" in shown
        assert consensus(demo_path) == [(2375, 2669)]
        await pilot.press("a")
        await settle(pilot)
        assert consensus(demo_path) == [(2454, 2669)]
        assert "✓ anna" in card_text(screen, d) and "✓ bo" not in card_text(screen, d)
        # neither: no codings, yet decided (the event log says so) -- shown after reopening too
        await pilot.press("n", "n")
        await settle(pilot)
        assert consensus(demo_path) == []
        screen.dismiss(None)
        await settle(pilot)
        app.push_screen(AgreementScreen(Session(demo_path, "supervisor")))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        d = await highlight_passage(pilot, screen, "Help sought", 2375)
        assert "✓ neither" in card_text(screen, d)
        assert "decided: consensus holds no coding here (neither)" in str(
            screen.query_one("#agr-preview", Static).render()
        )
