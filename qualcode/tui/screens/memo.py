"""Write a memo on a coding, a document or a code; an empty memo deletes it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from qualcode.tui.actions import bindings


class MemoScreen(ModalScreen[str | None]):
    """Dismisses with the new text (possibly empty) on save, None on cancel."""

    AUTO_FOCUS = "TextArea"

    BINDINGS = bindings("memo", priority=True)

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text, self.initial = title, text

    def compose(self) -> ComposeResult:
        with Vertical(id="memo"):
            yield Label(self.title_text, id="memo-title")
            yield TextArea(self.initial, id="memo-text", soft_wrap=True)
            yield Label("ctrl+s save · esc cancel · an empty memo is deleted", classes="hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
