"""The document list: kind, a couple of attributes and coding progress for each document."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualcode.tui.actions import bindings


class DocumentList(OptionList):
    BINDINGS = bindings("documents")

    class Opened(Message):
        def __init__(self, doc_id: int) -> None:
            super().__init__()
            self.doc_id = doc_id

    def show(
        self,
        documents: list[dict],
        attributes: dict[int, dict],
        mine: dict[int, int],
        current: int | None,
        keep_highlight: bool = False,
    ) -> None:
        """``mine``: this coder's codings per document, shown next to everyone's. ``keep_highlight``:
        a refresh from elsewhere leaves the highlight where the user put it."""
        highlighted = self.highlighted
        width = max(12, (self.size.width or 28) - 4)  # room for a scrollbar that may appear
        self.clear_options()
        for d in documents:
            attrs = attributes.get(d["id"], {})
            shown = " · ".join(str(v) for k, v in list(attrs.items())[:2])
            label = Text(("▶ " if d["id"] == current else "  ") + d["name"], no_wrap=True, overflow="ellipsis")
            label.stylize("bold" if d["id"] == current else "")
            line2 = Text(f"  {d['kind'][:9]} · {shown}", style="dim", no_wrap=True, overflow="ellipsis")
            progress = Text(
                f"  {mine.get(d['id'], 0)} mine / {d['codings']} codings",
                style="italic",
                no_wrap=True,
                overflow="ellipsis",
            )
            for line in (label, line2, progress):
                line.truncate(width, overflow="ellipsis")
            self.add_option(Option(Text("\n").join([label, line2, progress]), id=str(d["id"])))
        ids = [d["id"] for d in documents]
        if keep_highlight and highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted
        elif current in ids:  # the open document is where the list starts
            self.highlighted = ids.index(current)
        elif highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def action_open_highlighted(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Opened(int(str(self.get_option_at_index(self.highlighted).id))))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Opened(int(str(event.option.id))))
