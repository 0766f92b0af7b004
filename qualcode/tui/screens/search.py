"""Search the corpus from the workbench: a query, a mode, keyword-in-context hits that open the transcript.

The search runs in a thread worker with its own ``Project`` (a Project is not thread-safe) and
hands plain results back; choosing a hit posts ``SearchScreen.OpenSegment`` for the app to open the
document there.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from qualcode.project import Session
from qualcode.search import MODES
from qualcode.tui.actions import bindings
from qualcode.tui.messages import OpenSegment

CONTEXT = 36
MAX_LINES = 500


class SearchScreen(Screen):
    """Query box, mode (exact/regex/lemma/fuzzy), KWIC result list."""

    AUTO_FOCUS = "#search-query"

    BINDINGS = bindings("search")
    DEFAULT_CSS = """
    SearchScreen #search-bar { height: 3; }
    SearchScreen #search-query { width: 1fr; }
    SearchScreen #search-mode { width: 16; }
    SearchScreen #search-threshold { width: 10; }
    SearchScreen #search-speaker { width: 16; }
    SearchScreen #search-results { height: 1fr; }
    SearchScreen #search-status { height: 1; color: $text-muted; }
    """

    OpenSegment = OpenSegment  # posted when a segment is chosen; the app opens it

    class Searched(Message):
        """Results from the worker (internal)."""

        def __init__(self, lines: list, total: int, error: str | None = None) -> None:
            super().__init__()
            self.lines, self.total, self.error = lines, total, error

    def __init__(self, session: Session, speakers: list[str] | None = None) -> None:
        super().__init__()
        self.session = session
        self.speakers = speakers or []
        self.lines: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search"):
            yield Label(
                "Search the corpus — Enter searches, Enter again opens the highlighted hit, ↓ ↑ choose, Esc closes",
                id="search-title",
            )
            with Horizontal(id="search-bar"):
                yield Input(
                    placeholder="words, a phrase, a|b, or a regular expression…",
                    id="search-query",
                    select_on_focus=False,  # coming back from the hits, typing goes on where it was
                )
                yield Select([(m, m) for m in MODES], value="exact", allow_blank=False, id="search-mode")
                yield Input("85", id="search-threshold", tooltip="fuzzy: least similarity 1–100", type="number")
                yield Input(
                    ", ".join(self.speakers),
                    placeholder="speaker(s)",
                    id="search-speaker",
                    tooltip="only hits in these speakers' turns, e.g. IP (comma-separated)",
                )
            yield OptionList(id="search-results")
            yield Static("", id="search-status")

    def on_mount(self) -> None:
        self.submitted_at = self.painted_at = 0.0
        self.searched: tuple[str, ...] | None = None  # what the hits shown answer
        self.query_one("#search-query", Input).focus()

    def _asked(self) -> tuple[str, ...]:
        return tuple(
            str(v)
            for v in (
                self.query_one("#search-query", Input).value,
                self.query_one("#search-mode", Select).value,
                self.query_one("#search-threshold", Input).value,
                self.query_one("#search-speaker", Input).value,
            )
        )

    # -- searching
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter searches; Enter again on the same query opens the highlighted hit. The focus stays
        in the query, so a new query typed at once is searched, never an old hit opened."""
        event.stop()
        ol = self.query_one("#search-results", OptionList)
        if self.searched == self._asked() and ol.highlighted is not None and self.lines:
            self._open(ol.highlighted)
            return
        self.run_search()

    def on_key(self, event) -> None:
        ol = self.query_one("#search-results", OptionList)
        focused = self.focused
        if focused is self.query_one("#search-query", Input) and event.key in ("down", "up") and ol.option_count:
            event.stop()  # into the hits, one step
            ol.focus()
            step = 1 if event.key == "down" else -1
            ol.highlighted = max(0, min(ol.option_count - 1, (ol.highlighted or 0) + step))
        elif focused is ol and event.is_printable and event.character:
            event.stop()  # typing in the hits goes to the query
            field = self.query_one("#search-query", Input)
            field.focus()
            field.cursor_position = len(field.value)
            field.insert_text_at_cursor(event.character)

    def run_search(self) -> None:
        query = self.query_one("#search-query", Input).value
        if not query.strip():
            return
        mode = self.query_one("#search-mode", Select).value
        try:
            threshold = float(self.query_one("#search-threshold", Input).value or 85)
        except ValueError:
            threshold = 85.0
        raw = self.query_one("#search-speaker", Input).value
        self.speakers = [s.strip() for s in raw.split(",") if s.strip()]
        self.query_one("#search-status", Static).update("searching…")
        self.searched = self._asked()
        self.submitted_at = time.perf_counter()
        self._search(query, str(mode), threshold, list(self.speakers))

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, mode: str, threshold: float, speakers: list[str]) -> None:
        from qualcode.errors import QualcodeError
        from qualcode.search import kwic, search

        try:
            with self.session.open() as p:
                res = search(p, query, mode, None, threshold, speakers=speakers)
                lines = kwic(p, res.hits[:MAX_LINES], CONTEXT)
            self.post_message(self.Searched(lines, len(res.hits)))
        except QualcodeError as e:
            self.post_message(self.Searched([], 0, str(e)))

    def on_search_screen_searched(self, event: Searched) -> None:
        self.lines = event.lines
        ol = self.query_one("#search-results", OptionList)
        ol.clear_options()
        status = self.query_one("#search-status", Static)
        if event.error:
            status.update(Text(event.error, style="red"))
            return
        for i, k in enumerate(event.lines):
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(f"{k.document[:28]:<28} ", style="dim")
            label.append(f"{k.left:>{CONTEXT}}")
            label.append(k.match, style="bold reverse")
            label.append(k.right)
            ol.add_option(Option(label, id=str(i)))
        shown = f" (first {len(event.lines)})" if len(event.lines) < event.total else ""
        hint = " · Enter opens the highlighted hit, ↓ ↑ choose" if event.lines else ""
        status.update(f"{event.total} hit(s){shown}{hint}")
        if event.lines:
            ol.highlighted = 0
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.painted_at = time.perf_counter()  # the benchmarks read it

    # -- choosing a hit
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(int(str(event.option.id)))

    def _open(self, index: int) -> None:
        k = self.lines[index]
        self.post_message(self.OpenSegment(k.document_id, k.start, k.end))

    def action_cycle_mode(self) -> None:
        sel = self.query_one("#search-mode", Select)
        sel.value = MODES[(MODES.index(str(sel.value)) + 1) % len(MODES)]

    def action_close(self) -> None:
        self.app.pop_screen()
