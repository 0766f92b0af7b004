"""Find in the open document: a one-line bar under the transcript, separate from corpus search.

The query is remembered between uses and documents; Enter (or ↓) selects the next match, ↑ the
previous, esc hands focus back with the match selected, so a hotkey codes it at once.
"""

from __future__ import annotations

import re

from textual.message import Message
from textual.widgets import Input

from qualcode.tui.actions import bindings


def matches(text: str, query: str) -> list[tuple[int, int]]:
    """Case-insensitive matches of ``query`` as code-point spans (no case folding that changes lengths)."""
    if not query:
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


def pick(found: list[tuple[int, int]], at: int, direction: int) -> tuple[int, bool] | None:
    """The index of the match after (or before) offset ``at``, and whether the search wrapped."""
    if not found:
        return None
    if direction > 0:
        i = next((k for k, (s, _) in enumerate(found) if s > at), None)
        return (i, False) if i is not None else (0, True)
    i = next((k for k in range(len(found) - 1, -1, -1) if found[k][0] < at), None)
    return (i, False) if i is not None else (len(found) - 1, True)


class FindBar(Input):
    BINDINGS = bindings("find")

    class Step(Message):
        def __init__(self, query: str, direction: int) -> None:
            super().__init__()
            self.query, self.direction = query, direction

    class Closed(Message):
        pass

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(self.value, 1))

    def action_step(self, direction: int) -> None:
        self.post_message(self.Step(self.value, direction))

    def action_close(self) -> None:
        self.post_message(self.Closed())
