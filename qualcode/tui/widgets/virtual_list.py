"""A list that renders only what is on screen: each item is a fixed number of rows, drawn when painted.

Textual's ``OptionList`` measures every option when it is filled: about a second and a half for
10,000 options, which is what a project's documents or a code's segments can number. This list
keeps the items as data and renders an item's rows the first time they scroll into view (Textual's
Line API), so filling it costs nothing and scrolling costs one item at a time. Subclasses say how
an item looks (:meth:`render_item`) and what choosing it means (:class:`VirtualList.Chosen`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualList(ScrollView, can_focus=True):
    ROWS_PER_ITEM = 1
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("enter", "choose", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--highlighted"}
    DEFAULT_CSS = """
    VirtualList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .virtual-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus > .virtual-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=True)

    class Chosen(Message):
        """Enter or a click on an item."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items: Sequence[Any] = []
        self._rendered: dict[int, list[Text]] = {}  # items drawn at the current width
        self.painted_at = 0.0  # perf_counter of the latest row drawn (benchmarks read it)

    # ------------------------------------------------------------------ data
    @property
    def option_count(self) -> int:
        return len(self.items)

    def set_items(self, items: Sequence[Any], highlighted: int | None = 0) -> None:
        self.items = items
        self._rendered.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(items) * self.ROWS_PER_ITEM)
        if not items:
            self.highlighted = None
        else:
            self.highlighted = max(0, min(len(items) - 1, highlighted or 0))
        self.refresh()

    def redraw(self) -> None:
        """The items' look changed (not their number): draw them again."""
        self._rendered.clear()
        self.refresh()

    def render_item(self, index: int, width: int) -> list[Text]:
        """``ROWS_PER_ITEM`` lines of ``width`` cells for item ``index``."""
        raise NotImplementedError

    # ------------------------------------------------------------------ painting
    def render_line(self, y: int) -> Strip:
        import time

        self.painted_at = time.perf_counter()
        width = self.scrollable_content_region.width
        base = self.rich_style
        index, part = divmod(int(self.scroll_y) + y, self.ROWS_PER_ITEM)
        if width <= 0 or index >= len(self.items):
            return Strip.blank(self.size.width, base)
        rows = self._rendered.get(index)
        if rows is None:
            rows = self.render_item(index, width)
            for row in rows:
                row.truncate(width, overflow="ellipsis")
            self._rendered[index] = rows
        style = base
        if index == self.highlighted:
            style = base + self.get_component_rich_style("virtual-list--highlighted")
        segments = [Segment(s.text, style + s.style) for s in rows[part].render(self.app.console) if s.text != "\n"]
        return Strip(segments).adjust_cell_length(width, style)

    def on_resize(self, event: events.Resize) -> None:
        self._rendered.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.items) * self.ROWS_PER_ITEM)

    # ------------------------------------------------------------------ moving and choosing
    def watch_highlighted(self, new: int | None) -> None:
        if new is not None:
            rows = self.ROWS_PER_ITEM
            self.scroll_to_region(Region(0, new * rows, 1, rows), animate=False, immediate=True)
        self.refresh()

    def _move(self, to: int) -> None:
        if self.items:
            self.highlighted = max(0, min(len(self.items) - 1, to))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // self.ROWS_PER_ITEM)

    def action_cursor_up(self) -> None:
        self._move((self.highlighted or 0) - 1)

    def action_cursor_down(self) -> None:
        self._move(0 if self.highlighted is None else self.highlighted + 1)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.items) - 1)

    def action_page_up(self) -> None:
        self._move((self.highlighted or 0) - self._page())

    def action_page_down(self) -> None:
        self._move((self.highlighted or 0) + self._page())

    def action_choose(self) -> None:
        if self.highlighted is not None and self.items:
            self.post_message(self.Chosen(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        index = (int(self.scroll_y) + event.y) // self.ROWS_PER_ITEM
        if 0 <= index < len(self.items):
            self.highlighted = index
            self.action_choose()
