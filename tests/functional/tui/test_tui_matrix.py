"""The matrix screen in a tiny app, on the hand-made project of test_analysis_cli (anna's
overlap matrix: Help, Barriers/Stigma, Barriers/Waiting = [[2,2,1],[2,3,1],[1,1,3]], N = 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, OptionList, Static

from helpers.corpora import build
from helpers.tui import settle
from qualcode.analysis import data as pdx
from qualcode.codebook.codes import get_code
from qualcode.corpus.documents import get_document
from qualcode.project import Project, Session
from qualcode.tui.screens.matrix import MatrixScreen

pytestmark = pytest.mark.anyio


class MatrixApp(App):
    def __init__(self, path: Path, coder: str) -> None:
        super().__init__()
        self.path, self.coder = path, coder
        self.opened: list[tuple[int, int, int]] = []
        self.dismissed: list = []

    def on_mount(self) -> None:
        self.push_screen(MatrixScreen(Session(self.path, self.coder)), self.dismissed.append)

    def on_open_segment(self, message: MatrixScreen.OpenSegment) -> None:
        self.opened.append((message.document_id, message.start, message.end))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("tui") / "hand.db")


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)[1:]] for i in range(table.row_count)]


async def test_heatmap_units_measures_and_open_segment(project):
    app = MatrixApp(project, "anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        table = screen.query_one(DataTable)
        assert cells(table) == [["2", "2", "1"], ["2", "3", "1"], ["1", "1", "3"]]
        assert [str(table.get_row_at(i)[0]) for i in range(3)] == ["1 Help", "2 Barriers/Stigma", "3 Barriers/Waiting"]
        title = str(screen.query_one("#matrix-title", Static).render())
        assert "unit: overlap" in title and "N = 5" in title and "coder anna" in title
        # off-diagonal cells are shaded by value; the largest is the reddest
        style = table.get_row_at(0)[2].style
        assert "on rgb(255,80,80)" in str(style)

        await pilot.press("u")  # overlap → sentence
        await settle(pilot)
        assert cells(table) == [["2", "2", "0"], ["2", "5", "2"], ["0", "2", "3"]]
        await pilot.press("m")  # count → jaccard
        await settle(pilot)
        assert cells(table)[0] == ["1.00", "0.40", "0.00"]
        assert "measure: jaccard" in str(screen.query_one("#matrix-title", Static).render())

        # Help × Stigma in sentences: s1 of a [3,14) and s5 of b [0,11)
        table.move_cursor(row=0, column=2)
        await pilot.press("enter")
        await settle(pilot)
        options = screen.query_one(OptionList)
        assert options.option_count == 2
        with Project.open(project) as p:
            a, b = get_document(p, "a")["id"], get_document(p, "b")["id"]
        assert [options.get_option_at_index(i).id for i in range(2)] == [f"{a}:3:14", f"{b}:0:11"]
        assert "2 sentence unit(s) with both Help and Barriers/Stigma" in str(
            screen.query_one("#segments-title", Static).render()
        )
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened == [(b, 0, 11)]
        assert app.dismissed == [(b, 0, 11)]
        assert not isinstance(app.screen, MatrixScreen)


async def test_pool_and_unknown_coder(project):
    app = MatrixApp(project, "carl")  # has no codings: two coders, so nothing is pooled
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        title = str(app.screen.query_one("#matrix-title", Static).render())
        assert "anna (8), bo (2)" in title and "--pool" in title
        await pilot.press("p")
        await settle(pilot)
        assert cells(app.screen.query_one(DataTable)) == [["2", "2", "1"], ["2", "3", "2"], ["1", "2", "4"]]
        await pilot.press("escape")
        await pilot.pause()
        assert app.dismissed == [None]


def test_segments_count_what_the_cell_counts(project):
    with Project.open(project) as p:
        sel = pdx.load(p)
        choice = pdx.resolve_coders(sel, ["anna"])
        for unit in ("overlap", "window:1", "sentence", "turn", "paragraph", "document"):
            (r,) = pdx.project_cooccurrence(p, sel, unit, choice).values()
            for a in r.codes:
                for b in r.codes:
                    units = pdx.cooccurring_units(p, sel, unit, choice, a, b, codes=r.codes)
                    assert len(units) == r.n(a, b), (unit, a, b)
        help_id, waiting = get_code(p, "Help").id, get_code(p, "Barriers/Waiting").id
        b_id = get_document(p, "b")["id"]
        # the one overlap passage with Help and Waiting: b's three chained codings
        assert pdx.cooccurring_units(p, sel, "overlap", choice, help_id, waiting) == [(b_id, 0, 22)]
