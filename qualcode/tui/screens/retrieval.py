"""Retrieval: every segment of a code (optionally with its children), filtered by coder and attributes.

A segment whose coding has a memo is marked ✎, and the highlighted segment's memo shows (its first
line) under the summary. ``x`` writes what the screen shows — the same filters — in any format
``export tidy`` or ``report quotes`` writes (see ``screens/export_view.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from qualcode.codebook.codes import get_code, list_codes
from qualcode.coding.codings import coding_texts, segment_columns
from qualcode.coding.memos import coding_memo_texts
from qualcode.corpus.attributes import attribute_types
from qualcode.corpus.filters import select_documents
from qualcode.errors import QualcodeError
from qualcode.tui.actions import bindings
from qualcode.tui.screens.dialogs import Prompt
from qualcode.tui.screens.picker import CodePicker
from qualcode.tui.widgets.virtual_list import VirtualList


class Segments(Sequence[dict[str, Any]]):
    """Segments kept as columns and read as dicts, their quotes fetched a page at a time when
    first shown: 50,000 dicts alive would make every full garbage collection walk them (a pause
    of a fifth of a second while paging), and 50,000 quotes read up front would delay the first
    paint for text nobody has scrolled to yet."""

    PAGE = 200

    def __init__(self, columns: dict[str, list[Any]], texts: Callable[[list[int]], dict[int, str]]) -> None:
        self.columns = columns
        self.n = len(columns.get("id", []))
        self.texts = texts
        self.quoted: dict[int, str] = {}

    def __len__(self) -> int:
        return self.n

    def _quote(self, i: int) -> str:
        key = self.columns["id"][i]
        if key not in self.quoted:
            page = self.columns["id"][i - i % self.PAGE : i - i % self.PAGE + self.PAGE]
            self.quoted.update(self.texts([k for k in page if k not in self.quoted]))
        return self.quoted[key]

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.n))]
        if not -self.n <= i < self.n:
            raise IndexError(i)
        i %= self.n
        row = {k: col[i] for k, col in self.columns.items()}
        row["text"] = self._quote(i)
        return row

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(self.n))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class SegmentList(VirtualList):
    """Segments, two rows each (where and what; the quote): 10,000 of them scroll like ten."""

    ROWS_PER_ITEM = 2

    class Moved(Message):
        """The highlight moved (the screen shows that segment's memo)."""

        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.colours: dict[int, str | None] = {}
        self.memos: dict[int, str] = {}  # coding id → memo, for the ✎ marker

    def watch_highlighted(self, new: int | None) -> None:
        super().watch_highlighted(new)
        self.post_message(self.Moved(new))

    def render_item(self, index: int, width: int) -> list[Text]:
        r = self.items[index]
        head = Text()
        head.append("▌", style=self.colours.get(r["code_id"]) or "grey50")
        head.append(f"{r['document']}", style="bold")
        head.append(f"  [{r['start']}–{r['end']})  {r['code']}  · {r['coder']}", style="dim")
        if r["id"] in self.memos:
            head.append("  ✎", style="yellow")
        body = Text("  " + " ".join(r["text"][: width * 2].split()))
        return [head, body]


def parse_filters(text: str) -> dict[str, str]:
    """``site=Vesterbro role=person who uses drugs`` → {"site": "Vesterbro", "role": "person who uses drugs"}."""
    out: dict[str, str] = {}
    key = None
    for token in text.split():
        if "=" in token:
            key, _, value = token.partition("=")
            out[key.strip()] = value.strip()
        elif key:
            out[key] += " " + token
    return out


class RetrievalScreen(Screen[tuple[int, int, int] | None]):
    """Dismisses with (document id, start, end) of the segment to open, or None."""

    AUTO_FOCUS = "SegmentList"

    BINDINGS = bindings("retrieval")

    def __init__(self, project, code_id: int | None) -> None:
        super().__init__()
        self.project = project
        self.code_id = code_id
        self.include_children = True
        self.coder: str | None = None
        self.filters: dict[str, str] = {}
        self.rows = Segments({}, lambda ids: {})

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="ret-summary")
        yield Static(id="ret-memo")
        yield SegmentList(id="ret-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "retrieval"
        if self.code_id is None:
            codes = list_codes(self.project)
            self.code_id = codes[0].id if codes else None
        self._reload()
        self.query_one(SegmentList).focus()

    def segments(self) -> Segments:
        """The code's segments, narrowed by coder and attributes, in document order."""
        fetch = lambda ids: coding_texts(self.project, ids)  # noqa: E731
        if self.code_id is None:
            return Segments({}, fetch)
        columns = segment_columns(self.project, self.code_id, coder=self.coder, include_children=self.include_children)
        if self.filters:  # the one document filter of the command line's --where
            keep = {d["id"] for d in select_documents(self.project, None, self.where)}
            rows = [i for i, d in enumerate(columns["document_id"]) if d in keep]
            columns = {k: [col[i] for i in rows] for k, col in columns.items()}
        return Segments(columns, fetch)

    @property
    def where(self) -> list[str]:
        """The attribute filters as the command line's ``--where`` conditions."""
        return [f"{k}={v}" for k, v in self.filters.items()]

    def _reload(self) -> None:
        self.rows = self.segments()
        code = get_code(self.project, self.code_id) if self.code_id is not None else None
        summary = Text()
        if code:
            summary.append("■ ", style=code.colour or "grey50")
            summary.append(code.path, style="bold")
        summary.append(
            f"   {len(self.rows)} segment(s) in {len(set(self.rows.columns.get('document_id', [])))} document(s)"
        )
        attrs = " ".join(f"{k}={v}" for k, v in self.filters.items()) or "any"
        children = "included" if self.include_children else "excluded"
        summary.append(f"\nchildren: {children} · coder: {self.coder or 'all'} · attributes: {attrs}", style="dim")
        self.query_one("#ret-summary", Static).update(summary)
        segments = self.query_one(SegmentList)
        segments.colours = {c.id: c.colour for c in list_codes(self.project)}
        segments.memos = coding_memo_texts(self.project)
        segments.set_items(self.rows)
        self._show_memo(segments.highlighted)

    def on_segment_list_moved(self, event: SegmentList.Moved) -> None:
        event.stop()
        self._show_memo(event.index)

    def _show_memo(self, index: int | None) -> None:
        """The highlighted segment's memo, its first line (the memo browser shows it whole)."""
        panel = self.query_one("#ret-memo", Static)
        memo = None
        if index is not None and 0 <= index < len(self.rows):
            memo = self.query_one(SegmentList).memos.get(self.rows.columns["id"][index])
        panel.display = memo is not None
        if memo is not None:
            lines = [line.strip() for line in memo.splitlines() if line.strip()]
            text = Text("✎ ", style="yellow")
            text.append(lines[0] if lines else "")
            if len(lines) > 1:
                text.append(f"  (+{len(lines) - 1} line(s))", style="dim")
            panel.update(text)

    def action_choose_code(self) -> None:
        def chosen(choice):
            if choice and "code_id" in choice:
                self.code_id = choice["code_id"]
                self._reload()

        self.app.push_screen(CodePicker(list_codes(self.project), "Retrieve code…", allow_new=False), chosen)

    def action_toggle_children(self) -> None:
        self.include_children = not self.include_children
        self._reload()

    def action_cycle_coder(self) -> None:
        names = [None] + [c["name"] for c in self.project.coders()]
        self.coder = names[(names.index(self.coder) + 1) % len(names)] if self.coder in names else None
        self._reload()

    def action_filter_attributes(self) -> None:
        types = attribute_types(self.project)
        current = " ".join(f"{k}={v}" for k, v in self.filters.items())

        def apply(text):
            if text is None:
                return
            filters = parse_filters(text)
            unknown = {k.rstrip("!") for k in filters} - {*types, "kind", "language"}
            if unknown:
                self.notify(f"no attribute {', '.join(sorted(unknown))}; known: {', '.join(types)}", severity="error")
                return
            before, self.filters = self.filters, filters
            try:
                self._reload()
            except QualcodeError as e:
                self.filters = before
                self.notify(str(e), severity="error")
                self._reload()

        self.app.push_screen(
            Prompt(
                "Filter by attributes (name=value …, empty for none):",
                current,
                hint="attributes: " + ", ".join(types) + " · site=A,B either · role!=x excludes",
            ),
            apply,
        )

    def action_export(self) -> None:
        from qualcode.project import Session
        from qualcode.tui.screens.export_view import choose_and_export

        if self.code_id is None:
            self.notify("no code to export: choose one with /", severity="warning")
            return
        code = get_code(self.project, self.code_id)
        session = getattr(self.app, "session", None) or Session(self.project.path, self.project.coder)
        choose_and_export(
            self,
            session,
            "retrieval",
            f"{len(self.rows)} segment(s) of {code.path}",
            code=code.path,
            children=self.include_children,
            coder=self.coder,
            where=self.where,
        )

    def on_virtual_list_chosen(self, event: VirtualList.Chosen) -> None:
        event.stop()
        self.action_open_segment()

    def action_open_segment(self) -> None:
        segments = self.query_one(SegmentList)
        if segments.highlighted is None or not self.rows:
            return
        r = self.rows[segments.highlighted]
        self.dismiss((r["document_id"], r["start"], r["end"]))

    def action_close(self) -> None:
        self.dismiss(None)
