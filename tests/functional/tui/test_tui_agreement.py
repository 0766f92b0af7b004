"""The agreement screen in a tiny host app: table, breakdown, disagreements, adjudication keys."""

from __future__ import annotations

import sqlite3

import pytest
from textual.app import App
from textual.widgets import DataTable, OptionList, Static

from helpers.tui import settle
from qualcode.analysis.agreement.audit import audit, default_coders
from qualcode.project import Project, Session
from qualcode.tui.screens.agreement import AgreementScreen, passage_view

pytestmark = pytest.mark.anyio
SIZE = (140, 45)


class Host(App):
    def __init__(self, path, **kw) -> None:
        super().__init__()
        self.path, self.kw = path, kw
        self.opened: list[tuple[int, int, int]] = []

    def on_mount(self) -> None:
        self.push_screen(AgreementScreen(Session(self.path, "supervisor"), **self.kw))

    def on_open_segment(self, message: AgreementScreen.OpenSegment) -> None:
        self.opened.append((message.document_id, message.start, message.end))


def consensus_spans(path, document_id: int, code_id: int) -> list[tuple[int, int]]:
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id "
        "WHERE k.name = 'consensus' AND document_id = ? AND code_id = ? ORDER BY start",
        [document_id, code_id],
    ).fetchall()
    con.close()
    return rows


async def test_table_breakdown_and_adjudication(demo_path):
    with Project.open(demo_path) as p:
        expected = audit(p, ["anna", "bo"], "sentence")
        assert default_coders(p) == ["anna", "bo"]
    first = expected.codes[0]
    mine = [d for d in expected.disagreements if d.code_id == first.code_id]
    assert len(mine) >= 2
    app = Host(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        codes = screen.query_one("#agr-codes", DataTable)
        assert codes.row_count == len(expected.codes) + 1  # every code and the pooled row
        assert codes.get_row_at(0)[0] == first.code and codes.get_row_at(0)[5] == f"{first.stats.alpha.value:.3f}"
        assert codes.get_row_at(0)[4] == f"{first.stats.ac1.value:.3f}"
        docs = screen.query_one("#agr-docs", DataTable)
        assert docs.row_count == len(expected.documents)
        ol = screen.query_one("#agr-disagreements", OptionList)
        assert ol.option_count == len(mine)
        assert "anna vs bo" in str(screen.query_one("#agr-summary", Static).render())

        # a: accept anna's spans for the first passage (the first press previews, the second writes).
        await pilot.press("a", "a")
        await settle(pilot)
        d0 = mine[0]
        assert consensus_spans(demo_path, d0.document_id, d0.code_id) == sorted(
            (s.start, s.end) for s in d0.spans["anna"]
        )
        # b on the second passage, then n on it: bo's spans, then nothing.
        ol.focus()
        await pilot.press("down")
        await pilot.press("b", "b")
        await settle(pilot)
        d1 = mine[1]
        got = [s for s in consensus_spans(demo_path, d1.document_id, d1.code_id) if s[0] < d1.end and s[1] > d1.start]
        assert got == sorted((s.start, s.end) for s in d1.spans["bo"])
        await pilot.press("n", "n")
        await settle(pilot)
        got = [s for s in consensus_spans(demo_path, d1.document_id, d1.code_id) if s[0] < d1.end and s[1] > d1.start]
        assert got == []
        # Each decision is an event of the supervisor.
        with Project.open(demo_path) as p:
            assert [e["action"] for e in p.events(limit=3, coder="supervisor")] == ["adjudicate"] * 3
        # g (or Enter) asks the app to open the passage.
        await pilot.press("g")
        await pilot.pause()
        assert app.opened == [(d1.document_id, d1.start, d1.end)]

        # Moving down the code table shows the next code's disagreements and breakdown.
        codes.focus()
        await pilot.press("down")
        await pilot.pause()
        second = expected.codes[1]
        assert screen.code_id == second.code_id
        assert ol.option_count == len([d for d in expected.disagreements if d.code_id == second.code_id])

        # u recomputes at the next unit in a worker.
        await pilot.press("u")
        await settle(pilot)
        assert screen.report.unit.label == "turn"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)


async def test_error_is_shown_not_raised(demo_path):
    app = Host(demo_path, coders=["anna", "nobody"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "no coder named 'nobody'" in str(app.screen.query_one("#agr-summary", Static).render())


def test_passage_view_marks_the_coders_spans():
    from qualcode.analysis.agreement.report import CodedSpan
    from qualcode.tui.screens.agreement import CONTEXT

    text = "x" * 70 + "The van came. Nobody called." + "y" * 70
    view = passage_view(text, 70, 98, [CodedSpan(84, 98, "G")])
    assert view.plain == "…" + "x" * CONTEXT + "The van came. Nobody called." + "y" * CONTEXT + "…"
    marked = [view.plain[s.start : s.end] for s in view.spans if "reverse" in str(s.style)]
    assert marked == ["Nobody called."]


async def test_code_recode_from_the_coders_prompt(demo_path):
    """c asks for the coders; anna@DATE,anna compares anna then and now, and such a comparison
    cannot be adjudicated into the consensus."""
    app = Host(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("c")
        await pilot.pause()
        field = app.screen.query_one("#dialog-input")
        field.value = ""
        await pilot.press(*"anna@2999-01-01,anna", "enter")
        await settle(pilot)
        assert screen.report.coders == ["anna@2999-01-01", "anna"]
        assert screen.report.as_of == {"anna@2999-01-01": "2999-01-01T23:59:59Z"}
        summary = str(screen.query_one("#agr-summary", Static).render())
        assert "code–recode" in summary
        # anna at a moment after every event is anna now: every code agrees fully
        assert all(r.stats.agreement == 1.0 for r in screen.report.codes if r.stats.units)
        assert screen.report.disagreements == []
