"""The document list: kind, a couple of attributes and coding progress for each document.

Virtualised with Textual's Line API: each document is three rows, and only the rows on screen are
rendered, when they are painted. A project of 10,000 documents shows its list as quickly as one of
ten (an ``OptionList`` measures every option up front: about a second and a half at that size).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.tui.actions import bindings

ROWS = 3  # name; kind and attributes; codings


class DocumentList(ScrollView, can_focus=True):
    BINDINGS = [
        *bindings("documents"),
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"document-list--highlighted", "document-list--dim"}
    DEFAULT_CSS = """
    DocumentList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        padding: 0 1;
        & > .document-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus > .document-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .document-list--dim {
            color: $text-muted;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=True)

    class Opened(Message):
        def __init__(self, doc_id: int) -> None:
            super().__init__()
            self.doc_id = doc_id

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents: list[dict[str, Any]] = []
        self.attributes: dict[int, dict[str, Any]] = {}
        self.mine: dict[int, int] = {}
        self.current: int | None = None
        self._cache: dict[int, list[Text]] = {}  # rendered rows of documents seen, per width

    # ------------------------------------------------------------------ data
    @property
    def option_count(self) -> int:
        return len(self.documents)

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
        self.documents, self.attributes, self.mine, self.current = documents, attributes, mine, current
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(documents) * ROWS)
        ids = [d["id"] for d in documents]
        if keep_highlight and highlighted is not None and highlighted < len(documents):
            self.highlighted = highlighted
        elif current in ids:  # the open document is where the list starts
            self.highlighted = ids.index(current)
        elif highlighted is not None and highlighted < len(documents):
            self.highlighted = highlighted
        else:
            self.highlighted = 0 if documents else None
        self.refresh()

    def set_current(self, current: int | None, mine: dict[int, int] | None = None) -> None:
        """Mark the open document (and refresh the coder's counts) without rebuilding the list."""
        self.current = current
        if mine is not None:
            self.mine = mine
        self._cache.clear()
        ids = [d["id"] for d in self.documents]
        if current in ids:
            self.highlighted = ids.index(current)
        self.refresh()

    def document_at(self, index: int) -> dict[str, Any]:
        return self.documents[index]

    # ------------------------------------------------------------------ painting
    def _rows(self, index: int, width: int) -> list[Text]:
        if index in self._cache:
            return self._cache[index]
        d = self.documents[index]
        attrs = self.attributes.get(d["id"], {})
        shown = " · ".join(str(v) for v in list(attrs.values())[:2])
        is_current = d["id"] == self.current
        name = Text(("▶ " if is_current else "  ") + d["name"], style="bold" if is_current else "")
        about = Text(f"  {d['kind'][:9]} · {shown}", style="dim")
        progress = Text(f"  {self.mine.get(d['id'], 0)} mine / {d['codings']} codings", style="italic")
        rows = [name, about, progress]
        for row in rows:
            row.truncate(width, overflow="ellipsis")
        self._cache[index] = rows
        return rows

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = int(self.scroll_y) + y
        index, part = divmod(row, ROWS)
        if width <= 0 or index >= len(self.documents):
            return Strip.blank(self.size.width, base)
        text = self._rows(index, width)[part]
        style = base
        if index == self.highlighted:
            style = base + self.get_component_rich_style("document-list--highlighted")
        segments = [Segment(seg.text, style + seg.style) for seg in text.render(self.app.console) if seg.text != "\n"]
        return Strip(segments).adjust_cell_length(width, style)

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.documents) * ROWS)

    # ------------------------------------------------------------------ moving
    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        if new is None:
            return
        self.scroll_to_region(Region(0, new * ROWS, 1, ROWS), animate=False, immediate=True)
        self.refresh()

    def _move(self, to: int) -> None:
        if self.documents:
            self.highlighted = max(0, min(len(self.documents) - 1, to))

    def action_cursor_up(self) -> None:
        self._move((self.highlighted or 0) - 1)

    def action_cursor_down(self) -> None:
        self._move(-1 if self.highlighted is None else self.highlighted + 1)
        if self.highlighted is None:
            self._move(0)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.documents) - 1)

    def action_page_up(self) -> None:
        self._move((self.highlighted or 0) - max(1, self.scrollable_content_region.height // ROWS))

    def action_page_down(self) -> None:
        self._move((self.highlighted or 0) + max(1, self.scrollable_content_region.height // ROWS))

    def action_open_highlighted(self) -> None:
        if self.highlighted is not None and self.documents:
            self.post_message(self.Opened(int(self.documents[self.highlighted]["id"])))

    def on_click(self, event: events.Click) -> None:
        """A click opens the document, as in the list it replaces."""
        index = (int(self.scroll_y) + event.y) // ROWS
        if 0 <= index < len(self.documents):
            self.highlighted = index
            self.action_open_highlighted()
