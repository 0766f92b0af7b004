"""The transcript: coded spans in code colours and a gutter of coding stripes, painted line by line.

Uses Textual's Line API (``ScrollView.render_line``): the text is wrapped once per width into row
spans (``qualcode.tui.layout``), and only the rows on screen are painted, so a 100,000-word
document opens and scrolls at once. The widget owns the cursor and the selection; everything that
changes the project goes up as a message to the app.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.events import Key, MouseDown, MouseMove, MouseUp, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.text.graphemes import snap, step
from qualcode.text.offsets import merge_spans
from qualcode.tui.actions import bindings, reserved_keys
from qualcode.tui.layout import Wrapped, shown, wrap
from qualcode.tui.selection import Units, grow, move_edge, next_word_start, prev_word_start, words_near

LANES = 3


@dataclass(frozen=True)
class Shown:
    """One coding as painted: where, which code, whose."""

    id: int
    code_id: int
    coder: str
    start: int
    end: int
    mine: bool
    memo: bool = False  # the coding has a memo


class Transcript(ScrollView, can_focus=True):
    BINDINGS = bindings("transcript", "coding", "suggest")

    class CursorMoved(Message):
        """The codings under the cursor changed (the app shows the top one's code)."""

        def __init__(self, codings: list[Shown]) -> None:
            super().__init__()
            self.codings = codings

    class CurrentChosen(Message):
        """Another of your codings at the cursor became the current one (the app names it)."""

        def __init__(self, coding: Shown) -> None:
            super().__init__()
            self.coding = coding

    class SelectionChanged(Message):
        def __init__(self, span: tuple[int, int] | None) -> None:
            super().__init__()
            self.span = span

    class HotkeyPressed(Message):
        def __init__(self, key: str, span: tuple[int, int] | None) -> None:
            super().__init__()
            self.key = key
            self.span = span

    class UncodeRequested(Message):
        def __init__(self, coding: Shown) -> None:
            super().__init__()
            self.coding = coding

    class ResizeRequested(Message):
        def __init__(self, coding: Shown, start: int, end: int) -> None:
            super().__init__()
            self.coding = coding
            self.start = start
            self.end = end

    class InVivoRequested(Message):
        """Make a code named from the selected words and apply it (in-vivo coding)."""

        def __init__(self, span: tuple[int, int]) -> None:
            super().__init__()
            self.span = span

    class SuggestionDecided(Message):
        """Accept (or reject) the assistant's suggestion: the app writes it."""

        def __init__(self, suggestion, accepted: bool) -> None:
            super().__init__()
            self.suggestion, self.accepted = suggestion, accepted

    class MemoRequested(Message):
        def __init__(self, coding: Shown) -> None:
            super().__init__()
            self.coding = coding

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.text = ""
        self.doc_id: int | None = None
        self.cursor = 0
        self.mark: int | None = None  # the selection's other end (not "anchor": a Widget method)
        self.unit_kind = "sentence"
        self.codings: list[Shown] = []
        self._starts: list[int] = []
        self._max_len = 0
        self.codes: dict[int, tuple[str, str | None]] = {}  # code_id -> (name, colour)
        self.compare: tuple[str, str] | None = None
        self._diffs: list[tuple[int, int]] = []
        self._units_loader: Callable[[str], Units] | None = None
        self._units: dict[str, Units] = {}
        self._wrapped: Wrapped | None = None
        self._lanes: dict[int, int] = {}
        self._row_labels: dict[int, list[Shown]] = {}
        self._styles: dict[int, Style] = {}
        self.current_id: int | None = None  # the coding the editing keys act on, when it is at the cursor
        self.suggested: list = []  # the assistant's suggestions (qualcode.assist.Suggestion), when shown
        self.suggestion: Any = None  # the one selected with > <
        self.lane_on = False  # the suggestion lane is shown (possibly with none in this document)
        self.placeholder = ""  # what an empty pane says (how to fill it)
        self._drag = False
        self._goal_col: int | None = None
        self.first_paint: float | None = None  # timestamps for benchmarks/bench_tui.py
        self.painted_at = 0.0
        self.key_at = 0.0
        self._last_at_cursor: tuple[int, ...] = ()
        self._after_layout_scroll = False

    # ------------------------------------------------------------------ attributes down
    def load(
        self,
        doc_id: int,
        text: str,
        units_loader: Callable[[str], Units],
        cursor: int = 0,
        select: tuple[int, int] | None = None,
    ) -> None:
        """Show a document; the layout is computed at the first paint, when the width is known."""
        self.doc_id, self.text = doc_id, text
        self._units_loader, self._units = units_loader, {}
        self._wrapped = None
        self.first_paint = None
        self.mark = None
        self.cursor = max(0, min(cursor, len(text)))
        if select:
            self.mark, self.cursor = select
        self._goal_col = None
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._after_layout_scroll = True
        self.refresh()

    def set_codings(
        self, codings: list[Shown], codes: dict[int, tuple[str, str | None]], compare: tuple[str, str] | None = None
    ) -> None:
        self.codings = sorted(codings, key=lambda c: (c.start, c.end, c.id))
        self._starts = [c.start for c in self.codings]
        self._max_len = max((c.end - c.start for c in self.codings), default=0)
        self.codes, self.compare = codes, compare
        self._diffs = self._differences() if compare else []
        self._styles = {}
        self._assign_lanes()
        self._announce_cursor(force=True)
        self.refresh()

    def change_codings(self, removed: tuple[int, ...] = (), added: tuple[Shown, ...] = ()) -> None:
        """Your own change, applied in memory: a coding keystroke re-reads nothing from the project."""
        gone = set(removed) | {c.id for c in added}
        self.set_codings([c for c in self.codings if c.id not in gone] + list(added), self.codes, self.compare)

    # ------------------------------------------------------------------ geometry
    @property
    def gutter_width(self) -> int:
        w = self.scrollable_content_region.width
        label = 14 if w >= 72 else (12 if w >= 48 else 9)
        return label + LANES + 1

    @property
    def selection(self) -> tuple[int, int] | None:
        if self.mark is None or self.mark == self.cursor:
            return None
        return (min(self.mark, self.cursor), max(self.mark, self.cursor))

    def _ensure_layout(self) -> Wrapped:
        width = max(8, self.scrollable_content_region.width - self.gutter_width - 1)
        if self._wrapped is None or self._wrapped.width != width:
            top = self._wrapped.starts[min(int(self.scroll_y), len(self._wrapped) - 1)] if self._wrapped else None
            self._wrapped = wrap(self.text, width)
            self.virtual_size = Size(self.scrollable_content_region.width, len(self._wrapped))
            self._assign_lanes()
            if top is not None:
                self.scroll_to(y=self._wrapped.row_of(top), animate=False, immediate=True)
            if self._after_layout_scroll:
                self._after_layout_scroll = False
                self.call_after_refresh(self._scroll_to_cursor, True)
        return self._wrapped

    def on_resize(self, event: Resize) -> None:
        self._ensure_layout()
        self.refresh()

    def _assign_lanes(self) -> None:
        """Stripe lanes in the gutter: a greedy interval colouring of the codings' rows."""
        self._lanes, self._row_labels = {}, {}
        w = self._wrapped
        if w is None:
            return
        lane_end = [-1] * LANES
        spans = sorted(
            ((w.row_of(c.start), w.row_of(max(c.start, c.end - 1)), c) for c in self.codings),
            key=lambda t: (t[0], -(t[1] - t[0])),
        )
        for r0, r1, c in spans:
            for lane in range(LANES):
                if lane_end[lane] < r0:
                    lane_end[lane] = r1
                    self._lanes[c.id] = lane
                    break
            self._row_labels.setdefault(r0, []).append(c)

    def _differences(self) -> list[tuple[int, int]]:
        """Spans one coder coded with a code and the other did not: the places to talk about."""
        assert self.compare is not None  # only called in the compare view
        a_name, b_name = self.compare
        out: list[tuple[int, int]] = []
        for code_id in {c.code_id for c in self.codings}:
            a = merge_spans((c.start, c.end) for c in self.codings if c.code_id == code_id and c.coder == a_name)
            b = merge_spans((c.start, c.end) for c in self.codings if c.code_id == code_id and c.coder == b_name)
            points = sorted({p for s in a + b for p in s})
            for s, e in itertools.pairwise(points):
                in_a = any(x <= s and e <= y for x, y in a)
                in_b = any(x <= s and e <= y for x, y in b)
                if in_a != in_b:
                    out.append((s, e))
        return merge_spans(out)

    # ------------------------------------------------------------------ painting
    def _overlapping(self, s: int, e: int) -> list[Shown]:
        lo = bisect.bisect_left(self._starts, s - self._max_len)
        hi = bisect.bisect_left(self._starts, e if e > s else s + 1)
        return [c for c in self.codings[lo:hi] if c.end > s and c.start < max(e, s + 1)]

    def _code_style(self, code_id: int) -> Style:
        style = self._styles.get(code_id)
        if style is None:
            colour = Color.parse(self.codes.get(code_id, ("", "#888888"))[1] or "#888888")
            base = self.background_colors[1] if self.is_mounted else Color(0, 0, 0)
            style = Style(bgcolor=base.blend(colour, 0.45).rich_color)
            self._styles[code_id] = style
        return style

    def _fg(self, code_id: int) -> Style:
        return Style(color=Color.parse(self.codes.get(code_id, ("", "#888888"))[1] or "#888888").rich_color)

    def render_line(self, y: int) -> Strip:
        w = self._ensure_layout()
        self.painted_at = time.perf_counter()
        if self.first_paint is None and self.text and y >= self.scrollable_content_region.height - 1:
            self.first_paint = self.painted_at  # the last visible row of the first frame
        base = self.rich_style
        row = int(self.scroll_y) + y
        width = self.size.width
        if not self.text and self.placeholder:  # an empty pane says how to fill it
            import textwrap

            lines = textwrap.wrap(self.placeholder, max(10, width - 4))
            line = lines[y - 1] if 1 <= y <= len(lines) else ""
            return Strip([Segment("  " + line, base + Style(dim=True, italic=True))]).adjust_cell_length(width, base)
        if row >= len(w):
            return Strip.blank(width, base)
        s, e = w.starts[row], w.ends[row]
        here = self._overlapping(s, e)
        segments = self._gutter(row, here, base)
        segments += self._text_segments(s, e, here, base)
        return Strip(segments).adjust_cell_length(width, base)

    def _gutter(self, row: int, here: list[Shown], base: Style) -> list[Segment]:
        label_w = self.gutter_width - LANES - 1
        w = self._ensure_layout()
        starting = self._row_labels.get(row, [])
        label = ""
        label_style = base
        if starting:
            first = starting[0]
            name = self.codes.get(first.code_id, ("?", ""))[0]
            if self.compare:
                name = f"{first.coder[:1]}:{name}"
            more = f"+{len(starting) - 1}" if len(starting) > 1 else ""
            memo = "✎" if any(c.memo for c in starting) else ""  # a coding that starts here has a memo
            room = label_w - 1 - len(more) - len(memo)
            label = memo + (name if len(name) <= room else name[: max(room - 1, 1)] + "…") + more
            label_style = base + self._fg(first.code_id)
        diff_mark = bool(self.compare and self._diffs_in(row))
        segs = [Segment(label.rjust(label_w - 1) + " ", label_style)]
        cells = [Segment(" ", base)] * LANES
        for c in here:
            lane = self._lanes.get(c.id)
            if lane is None:
                cells[LANES - 1] = Segment("+", base + self._fg(c.code_id))
                continue
            r0, r1 = w.row_of(c.start), w.row_of(max(c.start, c.end - 1))
            if r0 == r1:
                glyph = "▪"
            else:
                glyph = "╻" if row == r0 else ("╹" if row == r1 else "┃")
            style = base + self._fg(c.code_id)
            if self.compare and not c.mine:
                glyph = {"┃": "┆", "╻": "╷", "╹": "╵", "▪": "·"}[glyph]
            cells[lane] = Segment(glyph, style)
        segs += cells
        if not diff_mark and self.suggested:  # the suggestion lane: ◇ where the assistant suggests a code
            sug = self._suggested_in(w.starts[row], w.ends[row])
            if sug is not None:
                chosen = self.suggestion is not None and sug is self.suggestion
                segs.append(Segment("◆" if chosen else "◇", base + self._fg(sug.code_id)))
                return segs
        segs.append(Segment("≠" if diff_mark else " ", base + Style(color="red", bold=True)))
        return segs

    def _suggested_in(self, s: int, e: int):
        """The selected suggestion if it is on this row, else the first one on it."""
        if self.suggestion is not None and self.suggestion.start < max(e, s + 1) and self.suggestion.end > s:
            return self.suggestion
        return next((x for x in self.suggested if x.start < max(e, s + 1) and x.end > s), None)

    def _diffs_in(self, row: int) -> list[tuple[int, int]]:
        w = self._ensure_layout()
        s, e = w.starts[row], w.ends[row]
        return [d for d in self._diffs if d[0] < max(e, s + 1) and d[1] > s]

    def _text_segments(self, s: int, e: int, here: list[Shown], base: Style) -> list[Segment]:
        sel = self.selection
        cursor = self.cursor if self.has_focus or self.screen.focused is None else None
        points = {s, e}
        for c in here:
            points.update(p for p in (c.start, c.end) if s < p < e)
        if sel:
            points.update(p for p in sel if s < p < e)
        for d in self._diffs_in_span(s, e):
            points.update(p for p in d if s < p < e)
        if cursor is not None and s <= cursor < e:
            points.update((cursor, min(step(self.text, cursor, 1), e)))  # the whole character under it
        current = self.my_coding_at_cursor() if cursor is not None else None
        if current is not None:
            points.update(p for p in (current.start, current.end) if s < p < e)
        ordered = sorted(p for p in points if s <= p <= e)
        segs: list[Segment] = []
        text = self.text
        for a, b in itertools.pairwise(ordered):
            style = base
            covering = [c for c in here if c.start <= a and c.end >= b]
            if current is not None and current.start <= a and b <= current.end:
                style = style + self._code_style(current.code_id) + Style(underline=True)  # the current coding
            elif covering:
                top = min(covering, key=lambda c: (c.end - c.start, -c.id))
                style = style + self._code_style(top.code_id)
            if self._diffs and any(x <= a and b <= y for x, y in self._diffs):
                style = style + Style(underline=True, color="bright_red")
            if sel and sel[0] <= a and b <= sel[1]:
                style = style + Style(reverse=True)
            if cursor is not None and a == cursor:
                style = style + Style(reverse=not (sel and sel[0] <= a < sel[1]), underline=True, bold=True)
            segs.append(Segment(shown(text[a:b]), style))
        if cursor is not None and cursor == e and (e == len(text) or (e < len(text) and text[e] in "\n ")):
            segs.append(Segment(" ", base + Style(reverse=True)))
        return segs

    def _diffs_in_span(self, s: int, e: int) -> list[tuple[int, int]]:
        return [d for d in self._diffs if d[0] < e and d[1] > s] if self._diffs else []

    # ------------------------------------------------------------------ cursor and selection
    def units(self, kind: str) -> Units:
        if kind == "word":
            sel = self.selection or (self.cursor, self.cursor)
            return words_near(self.text, sel[0], sel[1])
        if kind not in self._units:
            self._units[kind] = self._units_loader(kind) if self._units_loader else Units([], [])
        return self._units[kind]

    def _set_cursor(self, offset: int, extend: bool = False, keep_goal: bool = False) -> None:
        offset = snap(self.text, max(0, min(offset, len(self.text))), 1 if offset > self.cursor else -1)
        had_selection, old, top = self.selection is not None, self.cursor, self.scroll_y
        if extend and self.mark is None:
            self.mark = self.cursor
        elif not extend:
            self.mark = None
        self.cursor = offset
        if not keep_goal:
            self._goal_col = None
        self._scroll_to_cursor()
        if had_selection or self.selection or self.scroll_y != top:
            self.refresh()
        else:  # a plain cursor move repaints two rows, not the screen
            w = self._ensure_layout()
            for row in {w.row_of(old), w.row_of(offset)}:
                self.refresh_line(row)
        self.post_message(self.SelectionChanged(self.selection))
        self._announce_cursor()

    def _announce_cursor(self, force: bool = False) -> None:
        at = list(self.codings_at(self.cursor))
        current = self.my_coding_at_cursor()
        if current is not None:  # the current coding first: the panel and the code box show it
            at = [current, *(c for c in at if c.id != current.id)]
        key = tuple(c.id for c in at)
        if force or key != self._last_at_cursor:
            self._last_at_cursor = key
            self.post_message(self.CursorMoved(at))

    def codings_at(self, offset: int) -> list[Shown]:
        """Codings under the offset, innermost first."""
        return sorted(
            (c for c in self._overlapping(offset, offset + 1) if c.start <= offset < c.end),
            key=lambda c: (c.end - c.start, -c.id),
        )

    def my_coding_at_cursor(self) -> Shown | None:
        """The *current* coding: the one ``] [ } {``, del and ctrl+n act on. It stays the same
        coding while the cursor is in it — a resize does not hand the keys to another coding —
        and ``=`` cycles through your codings at the cursor; else the innermost."""
        mine = [c for c in self.codings_at(self.cursor) if c.mine]
        chosen = next((c for c in mine if c.id == self.current_id), None)
        return chosen or (mine[0] if mine else None)

    def action_cycle_current(self) -> None:
        mine = [c for c in self.codings_at(self.cursor) if c.mine]
        if not mine:
            self.notify("none of your codings is under the cursor", severity="warning")
            return
        now = self.my_coding_at_cursor()
        k = next((i for i, c in enumerate(mine) if now is not None and c.id == now.id), -1)
        nxt = mine[(k + 1) % len(mine)]
        self.current_id = nxt.id
        self.refresh()
        self._announce_cursor(force=True)
        self.post_message(self.CurrentChosen(nxt))

    def _scroll_to_cursor(self, center: bool = False) -> None:
        w = self._ensure_layout()
        row = w.row_of(self.cursor)
        h = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if center and not (top <= row < top + h):
            self.scroll_to(y=max(0, row - h // 3), animate=False, immediate=True)
        elif row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + h:
            self.scroll_to(y=row - h + 1, animate=False, immediate=True)

    def select_span(self, start: int, end: int) -> None:
        self.mark, self.cursor = start, end
        self._scroll_to_cursor(center=True)
        self.refresh()
        self.post_message(self.SelectionChanged(self.selection))
        self._announce_cursor()

    def action_move(self, delta: int, extend: bool = False) -> None:
        sel = self.selection
        if sel and not extend:
            self._set_cursor(sel[0] if delta < 0 else sel[1])
            return
        self._set_cursor(step(self.text, self.cursor, delta), extend)  # by character, never inside one

    def action_move_row(self, delta: int, extend: bool = False) -> None:
        w = self._ensure_layout()
        row = w.row_of(self.cursor)
        col = self._goal_col if self._goal_col is not None else w.col_of(self.cursor)
        self._goal_col = col
        self._set_cursor(w.offset_at(row + delta, col), extend, keep_goal=True)

    def action_move_page(self, delta: int) -> None:
        """Scroll a screen and move the cursor with it, so it keeps its place on screen."""
        step = delta * max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, min(self.max_scroll_y, int(self.scroll_y) + step)), animate=False, immediate=True)
        self.action_move_row(step)
        self.refresh()

    def action_move_word(self, delta: int, extend: bool = False) -> None:
        target = next_word_start(self.text, self.cursor) if delta > 0 else prev_word_start(self.text, self.cursor)
        self._set_cursor(target, extend)

    def action_move_line_edge(self, delta: int) -> None:
        w = self._ensure_layout()
        row = w.row_of(self.cursor)
        self._set_cursor(w.starts[row] if delta < 0 else w.ends[row])

    def action_move_doc_edge(self, delta: int) -> None:
        self._set_cursor(0 if delta < 0 else len(self.text))

    def action_clear_selection(self) -> None:
        """Drop the selection; the cursor goes to where it began, inside what was just coded."""
        if self.selection:
            self._set_cursor(self.selection[0])

    def action_select_unit(self, kind: str) -> None:
        self.unit_kind = kind
        units = self.units(kind)
        if not units.starts:
            self.notify(f"this document has no {kind} units", severity="warning")
            return
        span = grow(self.selection, self.cursor, units)
        if not span or span == self.selection:  # nothing to take, or nothing more: say so, never nothing
            where = "after the selection" if self.selection else "at the cursor"
            self.notify(f"no {kind} {where}; move the cursor into the text", severity="warning")
            return
        self.mark, self.cursor = self._whole(span)
        self._goal_col = None
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.SelectionChanged(self.selection))
        self._announce_cursor()

    def _whole(self, span: tuple[int, int]) -> tuple[int, int]:
        """``span`` widened to whole characters: a unit edge may fall inside 👍🏽 or before a combining mark."""
        return snap(self.text, span[0], -1), snap(self.text, span[1], 1)

    def action_edge(self, edge: str, direction: int) -> None:
        units = self.units(self.unit_kind)
        sel = self.selection
        if sel:
            new = move_edge(sel, units, edge, direction)
            if new != sel:
                self.mark, self.cursor = self._whole(new)
                self._scroll_to_cursor()
                self.refresh()
                self.post_message(self.SelectionChanged(self.selection))
            return
        coding = self.my_coding_at_cursor()
        if coding is None:
            self.notify("select text, or put the cursor in one of your codings", severity="warning")
            return
        units = (
            self.units(self.unit_kind) if self.unit_kind != "word" else words_near(self.text, coding.start, coding.end)
        )
        new = self._whole(move_edge((coding.start, coding.end), units, edge, direction))
        if new != (coding.start, coding.end):
            self.post_message(self.ResizeRequested(coding, *new))

    def action_uncode(self) -> None:
        coding = self.my_coding_at_cursor()
        if coding is None:
            self.notify("none of your codings is under the cursor", severity="warning")
            return
        self.post_message(self.UncodeRequested(coding))

    def action_memo_coding(self) -> None:
        coding = self.my_coding_at_cursor()
        if coding is None:
            self.notify("none of your codings is under the cursor", severity="warning")
            return
        self.post_message(self.MemoRequested(coding))

    def action_select_coding(self) -> None:
        at = self.codings_at(self.cursor)
        if at:
            chosen = self.my_coding_at_cursor() or at[0]  # the current coding (= chooses it), else the innermost
            self.mark, self.cursor = chosen.start, chosen.end
            self.refresh()
            self.post_message(self.SelectionChanged(self.selection))

    def action_jump_coding(self, delta: int) -> None:
        starts = sorted({c.start for c in self.codings})
        if not starts:
            return
        if delta > 0:
            i = bisect.bisect_right(starts, self.cursor)
            target = starts[i] if i < len(starts) else None
        else:
            i = bisect.bisect_left(starts, self.cursor) - 1
            target = starts[i] if i >= 0 else None
        if target is not None:
            self._set_cursor(target)
            self._scroll_to_cursor(center=True)

    def action_jump_uncoded(self, delta: int) -> None:
        """Select the next (previous) unit that no coding shown touches: the passages still to read."""
        kind = self.unit_kind if self.unit_kind != "word" else "sentence"
        units = self.units(kind)
        sel = self.selection
        here = sel[1] if sel and delta > 0 else (sel[0] if sel else self.cursor)
        order = range(len(units.starts)) if delta > 0 else range(len(units.starts) - 1, -1, -1)
        for i in order:
            s, e = units.starts[i], units.ends[i]
            if (delta > 0 and s < here) or (delta < 0 and e > here) or not self.text[s:e].strip():
                continue
            if not any(c.end > s and c.start < e for c in self._overlapping(s, e)):
                self.unit_kind = kind
                self.select_span(s, e)
                return
        where = "after" if delta > 0 else "before"
        self.notify(f"every {kind} {where} the cursor is coded (in this view)", severity="information")

    def show_suggestions(self, suggested: list) -> None:
        self.suggested = sorted(suggested, key=lambda x: (x.start, x.end, x.code_path))
        self.suggestion = None
        self.refresh()

    def action_next_suggestion(self, delta: int) -> None:
        if not self.suggested:
            self.notify("no suggestions here (ctrl+x shows them)", severity="warning")
            return
        now = self.suggested.index(self.suggestion) if self.suggestion in self.suggested else None
        if now is None:
            ahead = [
                i
                for i, x in enumerate(self.suggested)
                if (x.start > self.cursor if delta > 0 else x.start < self.cursor)
            ]
            k = (ahead[0] if delta > 0 else ahead[-1]) if ahead else (0 if delta > 0 else len(self.suggested) - 1)
        else:
            k = (now + delta) % len(self.suggested)
        self.suggestion = self.suggested[k]
        self.select_span(self.suggestion.start, self.suggestion.end)

    def action_decide_suggestion(self, accepted: bool) -> None:
        if self.suggestion is None or self.suggestion not in self.suggested:
            self.notify("select a suggestion first (> next, < previous)", severity="warning")
            return
        self.post_message(self.SuggestionDecided(self.suggestion, accepted))

    def forget_suggestion(self, suggestion) -> None:
        """Decided: the lane drops it and the next one is selected, so + + + walks through them."""
        if suggestion in self.suggested:
            k = self.suggested.index(suggestion)
            self.suggested.remove(suggestion)
            self.suggestion = self.suggested[min(k, len(self.suggested) - 1)] if self.suggested else None
            if self.suggestion is not None:
                self.select_span(self.suggestion.start, self.suggestion.end)
        self.refresh()

    def action_in_vivo(self) -> None:
        if not self.selection:
            self.notify("select the words first (1–4, shift+arrows, drag): they name the new code", severity="warning")
            return
        self.post_message(self.InVivoRequested(self.selection))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_selection":
            return self.selection is not None
        if action in ("uncode", "memo_coding"):
            return self.my_coding_at_cursor() is not None
        if action in ("next_suggestion", "decide_suggestion"):
            return bool(self.suggested)  # shown (and working) while the lane is on
        if action == "cycle_current":
            return sum(1 for c in self.codings_at(self.cursor) if c.mine) > 1
        if action == "edge":
            return self.selection is not None or self.my_coding_at_cursor() is not None
        return True

    def on_key(self, event: Key) -> None:
        """Printable keys that no binding took are code hotkeys."""
        if event.key in reserved_keys("suggest") and not self.suggested:  # say why nothing happens
            self.notify(
                "no suggestions in this document at this precision: ctrl+x asks for less"
                if self.lane_on
                else "no suggestions shown: ctrl+x shows the assistant's suggestions",
                severity="warning",
            )
            return
        if event.key in reserved_keys("app", "transcript", "coding", "suggest"):
            return
        if event.character and event.is_printable and len(event.character) == 1 and event.character != " ":
            self.key_at = time.perf_counter()
            event.stop()
            event.prevent_default()
            self.post_message(self.HotkeyPressed(event.character, self.selection))

    # ------------------------------------------------------------------ mouse
    def _offset_at(self, event) -> int:
        """The text offset under the mouse (the gutter maps to the start of the row)."""
        x, y = event.get_content_offset_capture(self)
        w = self._ensure_layout()
        row = int(self.scroll_y) + y
        if row >= len(w):
            return len(self.text)
        return w.offset_at(row, x - self.gutter_width)

    def _stripe_at(self, event) -> Shown | None:
        """The coding whose gutter stripe is under the mouse, if any."""
        x, y = event.get_content_offset_capture(self)
        lane = x - (self.gutter_width - LANES - 1)
        w = self._ensure_layout()
        row = int(self.scroll_y) + y
        if not 0 <= lane < LANES or row >= len(w):
            return None
        here = self._overlapping(w.starts[row], w.ends[row])
        return next((c for c in here if self._lanes.get(c.id) == lane), None)

    def on_mouse_down(self, event: MouseDown) -> None:
        if event.button != 1:
            return
        stripe = self._stripe_at(event)
        if stripe is not None:  # a click on a coding's stripe makes it the current one
            self.focus()
            self.mark = None
            if stripe.mine:
                self.current_id = stripe.id
            self._set_cursor(stripe.start)
            self._announce_cursor(force=True)
            self.refresh()
            return
        self.focus()
        self.mark = None
        self.cursor = self._offset_at(event)
        self.mark = self.cursor
        self._drag = True
        self.capture_mouse()
        self.refresh()

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._drag:
            self.cursor = self._offset_at(event)
            self.refresh()

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._drag:
            self._drag = False
            self.release_mouse()
            self.cursor = self._offset_at(event)
            if self.mark == self.cursor:
                self.mark = None
            self.refresh()
            self.post_message(self.SelectionChanged(self.selection))
            self._announce_cursor()
