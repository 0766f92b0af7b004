"""Small dialogs: a question with choices, and a one-line prompt."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class Choose(ModalScreen[str | None]):
    """A question with buttons; dismisses with the chosen key (None on escape)."""

    AUTO_FOCUS = "#dialog-buttons Button"  # the first choice, focused as the dialog is composed
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="dialog-question")
            with Horizontal(id="dialog-buttons"):
                for key, label in self.choices:
                    first = key == self.choices[0][0]
                    yield Button(label, id=f"choice-{key}", variant="primary" if first else "default")

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.choices[0][0]}", Button).focus()  # the first choice

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


def confirm(question: str, yes: str = "Yes") -> Choose:
    return Choose(question, [("yes", yes), ("no", "Cancel")])


class Prompt(ModalScreen[str | None]):
    """One line of input; Enter accepts, escape cancels.

    With ``check``, Enter first asks it about the value: ``None`` accepts, a line of text refuses
    -- that line is shown in the dialog, which stays open (nothing is dismissed)."""

    AUTO_FOCUS = "#dialog-input"  # focused once, as composed: a key typed ahead is never selected away
    DEFAULT_CSS = "Prompt #dialog-error { color: $error; }"
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(
        self, question: str, value: str = "", hint: str = "", check: Callable[[str], str | None] | None = None
    ) -> None:
        super().__init__()
        self.question, self.value, self.hint, self.check = question, value, hint, check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="dialog-question")
            yield Input(self.value, id="dialog-input")
            if self.check is not None:
                yield Static("", id="dialog-error")
            if self.hint:
                yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value) if self.check is not None else None
        if problem:
            self.query_one("#dialog-error", Static).update(problem)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
