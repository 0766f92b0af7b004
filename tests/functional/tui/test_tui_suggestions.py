"""The assistant's suggestion lane in the workbench: show, step, accept (with provenance), reject."""

from __future__ import annotations

import sqlite3

import pytest

from helpers.tui import settle
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp

pytestmark = pytest.mark.anyio
pytest.importorskip("sklearn")


def t_lane_empty(app) -> bool:
    return app.transcript.lane_on and app.transcript.suggested == []


@pytest.fixture()
def trained(demo_copy):
    from qualcode.assist import train

    p = Project.open(demo_copy, coder="anna")
    train(p, coder="anna", unit="sentence", seed=1)
    p.close()
    return demo_copy


async def test_the_lane_shows_suggestions_and_accept_and_reject_write_one_event_each(trained):
    app = QualcodeApp(trained, "bo")  # bo reviews a model of anna's coding
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+x")
        assert app.suggesting and app.min_precision == 0.8 and t_lane_empty(app)  # the demo reaches no 0.8
        await pilot.press("ctrl+x", "ctrl+x")  # less precision each time: 0.6, then 0.4
        assert app.min_precision == 0.4
        t = app.transcript
        if len(t.suggested) < 2:  # the first document may hold too few at this precision: take one that has two
            for d in app.document_rows:
                app.open_document(d["id"])
                if len(t.suggested) >= 2:
                    break
        assert len(t.suggested) >= 2, "no demo document has two suggestions at precision 0.4"
        await pilot.press("greater_than_sign")
        first = t.suggestion
        assert t.selection == (first.start, first.end)
        assert f"{first.code_path} {first.confidence:.2f}" in str(app.query_one("#status").render())
        row = t._wrapped.row_of(first.start) - int(t.scroll_y)
        assert "◆" in t.render_line(row).text  # the lane marks the selected suggestion in its code's colour
        n = len(t.suggested)
        await pilot.press("plus")
        await settle(pilot)
        assert len(t.suggested) == n - 1
        con = sqlite3.connect(trained)
        coding = con.execute(
            "SELECT k.name FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE c.document_id = ? AND c.code_id = ? AND c.start = ? AND c.[end] = ?",
            [first.document_id, first.code_id, first.start, first.end],
        ).fetchall()
        summary = con.execute("SELECT summary FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
        con.close()
        assert coding == [("bo",)]
        assert first.model_id in summary and "accepted" in summary
        second = t.suggestion  # the next one is selected after a decision
        assert second is not None and second is not first
        await pilot.press("minus")
        await settle(pilot)
        con = sqlite3.connect(trained)
        decided = con.execute(
            "SELECT decision FROM assist_decisions WHERE code_id = ? AND start = ?", [second.code_id, second.start]
        ).fetchall()
        con.close()
        assert ("rejected",) in decided
        await pilot.press("ctrl+x")  # after 0.4, hidden
        assert t.suggested == [] and not app.suggesting
