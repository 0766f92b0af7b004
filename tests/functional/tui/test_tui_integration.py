"""The analysis screens opened from the workbench: search, matrix and agreement all lead back to the text."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList

from helpers.tui import settle
from qualcode.corpus.documents import get_document
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.agreement import AgreementScreen
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.screens.matrix import MatrixScreen
from qualcode.tui.screens.search import SearchScreen

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


async def test_search_hit_opens_the_transcript_with_the_hit_selected(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"metadon", "enter")
        results = app.screen.query_one(OptionList)
        await settle(pilot)
        assert results.option_count > 0
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        start, end = app.transcript.selection
        text = get_document(app.project, app.doc["id"])["text"]
        assert text[start:end].lower() == "metadon"


async def test_matrix_and_agreement_screens_open_from_the_workbench(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, MatrixScreen)
        table = app.screen.query_one(DataTable)
        await settle(pilot)
        assert table.row_count > 0
        assert table.row_count == 18  # every codable code of the study
        await pilot.press("escape")
        await pilot.press("f5")
        assert isinstance(app.screen, AgreementScreen)
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count > 0
        await pilot.press("escape")
        assert not isinstance(app.screen, (MatrixScreen, AgreementScreen))


async def test_help_lists_the_analysis_screens_and_their_keys(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        from qualcode.tui.screens.help import help_tables

        console = Console(width=200, record=True)
        for part in help_tables(app.codes):
            console.print(part)
        shown = console.export_text()
        for words in (
            "Search (ctrl+f)",
            "Co-occurrence matrix (ctrl+t)",
            "Inter-coder agreement (ctrl+w)",
            "Preview giving the consensus coder the first coder's spans",
            "Next measure",
        ):
            assert words in shown, words


async def test_the_matrix_follows_codings_another_process_commits(demo_copy):
    from qualcode.analysis import data as pdx
    from qualcode.coding.codings import add_coding
    from qualcode.project import Project

    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        app.poll_timer.pause()  # the test calls the poll itself
        await pilot.press("ctrl+t")
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        await settle(pilot)
        table = screen.query_one(DataTable)
        table.move_cursor(row=2, column=3)
        a, b = screen.data.codes[2], screen.data.codes[1]
        before = screen.data.counts[2][1]
        # another process: anna codes a passage with both codes (the matrix shows anna's codings)
        with Project.open(demo_copy, coder="anna") as other:
            doc = other.db.execute("SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]
            add_coding(other, doc, 5, 25, a)
            add_coding(other, doc, 10, 30, b)
            sel, choice = pdx.choose(other, session_coder="anna")
            (expected,) = pdx.project_cooccurrence(other, sel, "overlap", choice).values()
        app.poll_changes()
        await settle(pilot)
        assert screen.data.counts[2][1] == before + 1
        assert screen.data.counts == expected.counts.tolist()
        assert (table.cursor_coordinate.row, table.cursor_coordinate.column) == (2, 3)  # the cell kept
