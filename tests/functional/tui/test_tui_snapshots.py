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
