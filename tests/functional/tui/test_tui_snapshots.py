"""Pinned screens of the workbench (pytest-textual-snapshot). Regenerate with --snapshot-update.

Deterministic: fixed terminal size, fixed coder, the demo study; no clocks on screen.
"""

from __future__ import annotations

from qualcode.codebook.codes import get_code
from qualcode.tui.app import QualcodeApp

SIZE = (120, 40)


def test_main_screen(snap_compare, demo_copy):
    # select the first sentence, then show everyone's codings so the gutter has stripes
    assert snap_compare(QualcodeApp(demo_copy, "anna"), press=["ctrl+d", "2"], terminal_size=SIZE)


def test_main_screen_narrow(snap_compare, demo_copy):
    assert snap_compare(QualcodeApp(demo_copy, "anna"), press=["ctrl+end"], terminal_size=(80, 24))


def test_picker(snap_compare, demo_copy):
    assert snap_compare(QualcodeApp(demo_copy, "anna"), press=["2", "slash", *"stig"], terminal_size=SIZE)


def test_codebook_editor(snap_compare, demo_copy):
    assert snap_compare(QualcodeApp(demo_copy, "anna"), press=["ctrl+k", "down", "down"], terminal_size=SIZE)


def test_retrieval(snap_compare, demo_copy):
    async def highlight_stigma(pilot):
        app = pilot.app
        app.query_one("#codes").select_code(get_code(app.project, "Barriers/Stigma").id)
        await pilot.pause()

    assert snap_compare(
        QualcodeApp(demo_copy, "anna"), press=["ctrl+r"], run_before=highlight_stigma, terminal_size=SIZE
    )


async def _cursor_where_codings_overlap(pilot):
    """The first place where two of anna's codings overlap: the at-cursor panel lists both."""
    t = pilot.app.transcript
    await pilot.pause()
    spot = next(b.start for a in t.codings for b in t.codings if a.id != b.id and a.start <= b.start < a.end)
    t._set_cursor(spot)
    await pilot.pause()


def test_at_cursor_panel(snap_compare, demo_copy):
    assert snap_compare(
        QualcodeApp(demo_copy, "anna"),
        press=["equals_sign"],
        run_before=_cursor_where_codings_overlap,
        terminal_size=SIZE,
    )


def test_at_cursor_panel_narrow(snap_compare, demo_copy):
    assert snap_compare(
        QualcodeApp(demo_copy, "anna"), run_before=_cursor_where_codings_overlap, terminal_size=(80, 24)
    )
