"""Messages several screens send to the app."""

from __future__ import annotations

from textual.message import Message


class OpenSegment(Message):
    """Open ``document_id`` in the transcript with ``[start, end)`` selected (a search hit, a matrix
    cell's segment, a disagreement): one message, so the app has one handler for all of them."""

    def __init__(self, document_id: int, start: int, end: int) -> None:
        super().__init__()
        self.document_id, self.start, self.end = document_id, start, end
