"""Every key, generated from the actions table, plus the codebook's hotkeys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from qualcode.tui.actions import ACTIONS, MODE_HELP, SCOPES, key_label


def help_tables(codes: list) -> list:
    parts: list = [Text(MODE_HELP)]
    for scope, title in SCOPES.items():
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            show_header=False,
            box=None,
            padding=(0, 2),
            expand=False,
        )
        table.add_column("key", style="bold cyan", no_wrap=True, min_width=18)
        table.add_column("what")
        for a in ACTIONS:
            if a.scope == scope:
                table.add_row(key_label(a), a.help)
        parts.append(table)
    table = Table(
        title="Code hotkeys (with text selected)",
        title_justify="left",
        title_style="bold",
        show_header=False,
        box=None,
        padding=(0, 2),
    )
    table.add_column("key", style="bold cyan", min_width=18)
    table.add_column("code")
    for c in codes:
        if c.hotkey:
            table.add_row(c.hotkey, Text.assemble(("■ ", c.colour or "grey50"), c.path))
    parts.append(table)
    return parts


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "close")]

    def __init__(self, codes: list) -> None:
        super().__init__()
        self.codes = codes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("qualcode — keys  (esc closes; scroll with arrows)", style="bold"))
            for part in help_tables(self.codes):
                yield Static(part, classes="help-part")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
