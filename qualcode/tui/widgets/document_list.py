"""The document list: kind, a couple of attributes and coding progress for each document.

A :class:`VirtualList` of three rows per document: a project of 10,000 documents shows its list as
quickly as one of ten. ``s`` cycles the order (project order, name, kind, each attribute, your
codings), ``S`` reverses it, and ``f`` filters (``kind=interview``, ``site=Vesterbro``,
``coded:me``, ``not:me`` — the language of :mod:`qualcode.corpus.cases`); the title says which,
and how many documents are shown of how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.message import Message

from qualcode.corpus.cases import CaseFilter, case_fields, cycle, parse_case_filter, sort_documents
from qualcode.errors import QualcodeError
from qualcode.tui.actions import bindings
from qualcode.tui.widgets.virtual_list import VirtualList

ROWS = 3  # name; kind and attributes; codings
ORDER = "order"  # the project's own order (the import's), the list's default


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
        self.types: dict[str, str] = {}  # each attribute's declared type, in the project's order
        self.mine: dict[int, int] = {}
        self.current: int | None = None
        self.all_documents: list[dict[str, Any]] = []
        self.sort_field = ORDER
        self.sort_reverse = False
        self.filter = CaseFilter()
        self.filter_fields: list[str] = []  # what a free word in the filter searches

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The documents shown (filtered and sorted)."""
        return list(self.items)

    def field_types(self) -> dict[str, str]:
        """Name, kind, language, every attribute and the codings, each attribute with the type the
        project declares for it (``attribute_types``, as the case sheet has them)."""
        return case_fields(self.types)

    def _arranged(self) -> list[dict[str, Any]]:
        docs: list[Any] = self.all_documents
        if self.filter:
            docs = self.filter.apply(docs, self.attributes, self.mine, self.filter_fields)
        if self.sort_field != ORDER:
            docs = sort_documents(docs, self.attributes, self.mine, self.sort_field, self.sort_reverse)
        elif self.sort_reverse:
            docs = docs[::-1]
        return docs

    def _update_title(self) -> None:
        """``Documents`` while the list is as imported; else how many are shown, the order and the filter."""
        if self.sort_field == ORDER and not self.sort_reverse and not self.filter:
            title = "Documents"
        else:
            parts = [f"{len(self.items)}/{len(self.all_documents)}"]  # first: the narrow pane cuts the end
            if self.sort_field != ORDER or self.sort_reverse:
                parts.append(f"{self.sort_field}{'▼' if self.sort_reverse else '▲'}")
            if self.filter:
                parts.append(self.filter.text)
            title = " · ".join(parts)
        self.border_title = title

    def show(
        self,
        documents: list[dict[str, Any]],
        attributes: dict[int, dict[str, Any]],
        mine: dict[int, int],
        current: int | None,
        keep_highlight: bool = False,
        types: Mapping[str, str] | None = None,
    ) -> None:
        """``mine``: this coder's codings per document, shown next to everyone's. ``keep_highlight``:
        a refresh from elsewhere leaves the highlight where the user put it. ``types``: the
        project's declared attribute types (``qualcode.corpus.attributes.attribute_types``), which
        sorting and filtering go by."""
        highlighted = self.highlighted
        self.attributes, self.mine, self.current = attributes, mine, current
        if types is not None:
            self.types = dict(types)
        self.all_documents = documents
        shown = self._arranged()
        ids = [d["id"] for d in shown]
        if keep_highlight and highlighted is not None and highlighted < len(shown):
            at: int | None = highlighted
        elif current in ids:  # the open document is where the list starts
            at = ids.index(current)
        elif highlighted is not None and highlighted < len(shown):
            at = highlighted
        else:
            at = 0
        self.set_items(shown, at)
        if self.sort_field != ORDER or self.sort_reverse or self.filter:
            self._update_title()

    def rearrange(self) -> None:
        """Sort and filter again, keeping the highlighted document highlighted where it is still shown."""
        keep = self.items[self.highlighted]["id"] if self.items and self.highlighted is not None else self.current
        shown = self._arranged()
        ids = [d["id"] for d in shown]
        self.set_items(shown, ids.index(keep) if keep in ids else 0)
        self._update_title()

    def action_cycle_sort(self) -> None:
        fields = [ORDER, "name", "kind", *[f for f in self.field_types() if f not in ("name", "kind", "language")]]
        self.sort_field, self.sort_reverse = cycle(fields, self.sort_field), False
        self.rearrange()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.rearrange()

    def action_filter(self) -> None:
        from qualcode.tui.screens.dialogs import Prompt

        fields = self.field_types()

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                self.filter = parse_case_filter(text, fields)
                self.filter_fields = list(fields)
            except QualcodeError as e:
                self.notify(str(e), severity="error")
                return
            self.rearrange()
            self.focus()

        self.app.push_screen(
            Prompt(
                "Show documents where (empty shows all):",
                self.filter.text,
                hint="kind=interview · site=Vesterbro · age>30 · coded:me · not:me · coded:none · a word",
            ),
            apply,
        )

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
        values = [str(v) for v in list(attrs.values())[:2]]
        if self.sort_field in attrs:  # sorted by an attribute: its value first
            others = [str(v) for k, v in attrs.items() if k != self.sort_field]
            values = [f"{self.sort_field} {attrs[self.sort_field]}", *others[:1]]
        shown = " · ".join(values)
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
