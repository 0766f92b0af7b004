"""The document list: kind, a couple of attributes and coding progress for each document.

A :class:`VirtualList` of three rows per document: a project of 10,000 documents shows its list as
quickly as one of ten.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message

from qualcode.tui.actions import bindings
from qualcode.tui.widgets.virtual_list import VirtualList

ROWS = 3  # name; kind and attributes; codings


class DocumentList(VirtualList):
    ROWS_PER_ITEM = ROWS
    BINDINGS = [*VirtualList.BINDINGS, *bindings("documents")]
    DEFAULT_CSS = """
    DocumentList {
        padding: 0 1;
    }
    """

    class Opened(Message):
        def __init__(self, doc_id: int) -> None:
            super().__init__()
            self.doc_id = doc_id

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attributes: dict[int, dict[str, Any]] = {}
        self.mine: dict[int, int] = {}
        self.current: int | None = None

    @property
    def documents(self) -> list[dict[str, Any]]:
        return list(self.items)

    def show(
        self,
        documents: list[dict[str, Any]],
        attributes: dict[int, dict[str, Any]],
        mine: dict[int, int],
        current: int | None,
        keep_highlight: bool = False,
    ) -> None:
        """``mine``: this coder's codings per document, shown next to everyone's. ``keep_highlight``:
        a refresh from elsewhere leaves the highlight where the user put it."""
        highlighted = self.highlighted
        self.attributes, self.mine, self.current = attributes, mine, current
        ids = [d["id"] for d in documents]
        if keep_highlight and highlighted is not None and highlighted < len(documents):
            at: int | None = highlighted
        elif current in ids:  # the open document is where the list starts
            at = ids.index(current)
        elif highlighted is not None and highlighted < len(documents):
            at = highlighted
        else:
            at = 0
        self.set_items(documents, at)

    def set_current(self, current: int | None, mine: dict[int, int] | None = None) -> None:
        """Mark the open document (and refresh the coder's counts) without rebuilding the list."""
        self.current = current
        if mine is not None:
            self.mine = mine
        ids = [d["id"] for d in self.items]
        if current in ids:
            self.highlighted = ids.index(current)
        self.redraw()

    def render_item(self, index: int, width: int) -> list[Text]:
        d = self.items[index]
        attrs = self.attributes.get(d["id"], {})
        shown = " · ".join(str(v) for v in list(attrs.values())[:2])
        is_current = d["id"] == self.current
        name = Text(("▶ " if is_current else "  ") + d["name"], style="bold" if is_current else "")
        about = Text(f"  {d['kind'][:9]} · {shown}", style="dim")
        progress = Text(f"  {self.mine.get(d['id'], 0)} mine / {d['codings']} codings", style="italic")
        return [name, about, progress]

    def on_virtual_list_chosen(self, message: VirtualList.Chosen) -> None:
        message.stop()
        self.post_message(self.Opened(int(self.items[message.index]["id"])))

    def action_open_highlighted(self) -> None:
        self.action_choose()
