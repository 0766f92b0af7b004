"""Pinned screens of the case sheet (pytest-textual-snapshot). Regenerate with --snapshot-update.

Deterministic: fixed terminal size, fixed coder, the demo study; no clocks on screen.
"""

from __future__ import annotations

from qualcode.tui.app import QualcodeApp


def test_cases_sheet(snap_compare, demo_copy):
    # sorted by the date column (the cursor on it), newest first
    press = ["ctrl+s", *["right"] * 9, "s", "s"]
    assert snap_compare(QualcodeApp(demo_copy, "anna"), press=press, terminal_size=(120, 40))


def test_cases_sheet_narrow(snap_compare, demo_copy):
    assert snap_compare(QualcodeApp(demo_copy, "anna"), press=["f7"], terminal_size=(80, 24))
