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
            "Accept the first coder's spans",
            "Next measure",
        ):
            assert words in shown, words
