"""The search screen: type a query, pick a mode, choose a hit → OpenSegment(document_id, start, end)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, OptionList, Select, Static

from helpers.tui import settle
from qualcode.corpus.ingest import import_files
from qualcode.project import Project, Session
from qualcode.tui.screens.search import SearchScreen

DA = (
    "I: Hvem hjalp dig dengang?\n\n"
    "IP: Min kontaktperson hjælper mig stadig. Jeg henter metadon, men nogle skriver methadon.\n"
)


class Host(App):
    def __init__(self, path: Path):
        super().__init__()
        self.path, self.opened = path, []

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(Session(self.path, "anna")))

    def on_open_segment(self, message: SearchScreen.OpenSegment) -> None:
        self.opened.append((message.document_id, message.start, message.end))


@pytest.fixture()
def project_path(tmp_path: Path) -> Path:
    (tmp_path / "one.txt").write_text(DA, encoding="utf-8")
    p = Project.create(tmp_path / "p.db", coder="anna")
    import_files(p, [tmp_path / "one.txt"], language="da")
    p.close()
    return tmp_path / "p.db"


def test_fuzzy_search_and_open_a_hit(project_path: Path):
    asyncio.run(_fuzzy_search_and_open_a_hit(project_path))


async def _fuzzy_search_and_open_a_hit(project_path: Path):
    app = Host(project_path)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one("#search-mode", Select).value = "fuzzy"
        await pilot.press(*"metadon")
        await pilot.press("enter")
        await settle(pilot)
        results = screen.query_one("#search-results", OptionList)
        assert results.option_count == 2
        assert "2 hit(s)" in str(screen.query_one("#search-status", Static).render())
        await pilot.press("down", "enter")  # the second hit: "methadon"
        await pilot.pause()
    ((doc_id, start, end),) = app.opened
    assert DA[start:end] == "methadon" and doc_id == 1


def test_speaker_box_limits_hits_to_turns(project_path: Path):
    async def go():
        app = Host(project_path)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = app.screen
            screen.query_one("#search-mode", Select).value = "lemma"
            screen.query_one("#search-speaker", Input).value = "I"
            await pilot.press(*"hjælpe", "enter")
            await settle(pilot)
            ol = screen.query_one("#search-results", OptionList)
            assert ol.option_count == 1  # the interviewer's "hjalp", not the interviewee's "hjælper"
            assert [(k.start, k.end) for k in screen.lines] == [(DA.index("hjalp"), DA.index("hjalp") + 5)]

    asyncio.run(go())


def test_errors_are_shown_not_raised(project_path: Path):
    asyncio.run(_errors_are_shown_not_raised(project_path))


async def _errors_are_shown_not_raised(project_path: Path):
    app = Host(project_path)
    async with app.run_test() as pilot:
        screen = app.screen
        screen.query_one("#search-mode", Select).value = "regex"
        await pilot.press("(", "enter")
        await settle(pilot)
        assert "not a valid regular expression" in str(screen.query_one("#search-status", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, SearchScreen)


def test_a_new_query_typed_at_once_is_searched_not_the_old_hit_opened(project_path: Path):
    async def go():
        app = Host(project_path)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = app.screen
            await pilot.press(*"metadon", "enter")
            await settle(pilot)
            assert screen.query_one("#search-query", Input).has_focus  # the focus stays in the query
            await pilot.press(*"|hjalp", "enter")  # a new query and Enter, at once
            await settle(pilot)
            assert app.opened == []
            assert screen.searched[0] == "metadon|hjalp"
            assert screen.query_one("#search-results", OptionList).option_count >= 2
            await pilot.press("down")  # into the hits; typing sends you back to the query
            assert screen.query_one("#search-results", OptionList).has_focus
            await pilot.press("x")
            assert screen.query_one("#search-query", Input).value == "metadon|hjalpx"
            await pilot.press("backspace", "enter")  # the same query again: Enter opens the hit
            await settle(pilot)
            assert len(app.opened) == 1

    asyncio.run(go())
