"""Edit a code's definition, inclusion and exclusion criteria, example, hotkey and colour."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

LONG = ("description", "inclusion", "exclusion", "example")
SHORT = ("hotkey", "colour")


class CodeForm(ModalScreen[dict | None]):
    """Dismisses with the changed fields only (None on cancel)."""

    AUTO_FOCUS = "#f-description"

    BINDINGS = [Binding("ctrl+s", "save", "save", priority=True), Binding("escape", "cancel", "cancel", priority=True)]

    def __init__(self, code) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Label(f"Edit {self.code.path}   (ctrl+s save · esc cancel · tab next field)", id="form-title")
            for name in LONG:
                yield Label(name.capitalize(), classes="field")
                yield TextArea(getattr(self.code, name) or "", id=f"f-{name}", soft_wrap=True, classes="long")
            for name in SHORT:
                yield Label(name.capitalize(), classes="field")
                yield Input(getattr(self.code, name) or "", id=f"f-{name}")

    def on_mount(self) -> None:
        self.query_one("#f-description").focus()

    def action_save(self) -> None:
        changed = {}
        for name in LONG:
            value = self.query_one(f"#f-{name}", TextArea).text.strip() or None
            if value != (getattr(self.code, name) or None):
                changed[name] = value
        for name in SHORT:
            value = self.query_one(f"#f-{name}", Input).value.strip() or None
            if value != (getattr(self.code, name) or None):
                changed[name] = value
        self.dismiss(changed)

    def action_cancel(self) -> None:
        self.dismiss(None)
