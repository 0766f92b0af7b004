"""Selections snapped to units: words, and the stored sentences, turns and paragraphs.

Pure functions on offsets (code points, half-open), so the transcript widget stays a view and
these rules are testable without a terminal.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

UNIT_KINDS = ("word", "sentence", "turn", "paragraph")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_WINDOW = 400


@dataclass(frozen=True)
class Units:
    """Sorted unit spans of one kind: ``starts`` and ``ends`` in parallel."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def from_rows(cls, rows: list[dict]) -> Units:
        spans = sorted((r["start"], r["end"]) for r in rows)
        return cls([s for s, _ in spans], [e for _, e in spans])

    def at(self, offset: int) -> tuple[int, int] | None:
        """The unit containing ``offset``, else the next one after it."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.ends[i] > offset:
            return self.starts[i], self.ends[i]
        if i + 1 < len(self.starts):
            return self.starts[i + 1], self.ends[i + 1]
        return (self.starts[i], self.ends[i]) if i >= 0 else None


def words_near(text: str, a: int, b: int) -> Units:
    """Word units overlapping ``[a - window, b + window)``: computed locally so long texts stay cheap."""
    lo, hi = max(0, a - _WINDOW), min(len(text), b + _WINDOW)
    # step back to a word boundary so the first word is whole
    while lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] == "_"):
        lo -= 1
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)]
    return Units([s for s, _ in spans], [e for _, e in spans])


def next_word_start(text: str, offset: int) -> int:
    m = _WORD.search(text, offset) if offset < len(text) else None
    if m and m.start() <= offset:
        m = _WORD.search(text, m.end())
    return m.start() if m else len(text)


def prev_word_start(text: str, offset: int) -> int:
    units = words_near(text, offset, offset)
    i = bisect.bisect_left(units.starts, offset) - 1
    return units.starts[i] if i >= 0 else 0


def move_edge(span: tuple[int, int], units: Units, edge: str, direction: int) -> tuple[int, int]:
    """Move the ``edge`` ("start" or "end") of ``span`` one unit left (-1) or right (+1).

    The end snaps to unit ends and the start to unit starts; the span never becomes empty.
    """
    s, e = span
    if edge == "end":
        if direction > 0:
            i = bisect.bisect_right(units.ends, e)
            return (s, units.ends[i]) if i < len(units.ends) else span
        i = bisect.bisect_left(units.ends, e) - 1
        return (s, units.ends[i]) if i >= 0 and units.ends[i] > s else span
    if direction < 0:
        i = bisect.bisect_left(units.starts, s) - 1
        return (units.starts[i], e) if i >= 0 else span
    i = bisect.bisect_right(units.starts, s)
    return (units.starts[i], e) if i < len(units.starts) and units.starts[i] < e else span


def grow(span: tuple[int, int] | None, cursor: int, units: Units) -> tuple[int, int] | None:
    """Select the unit at the cursor, or extend an existing selection by one more unit."""
    if span is None:
        return units.at(cursor)
    unit = units.at(span[0])
    start = min(span[0], unit[0]) if unit and unit[0] <= span[0] < unit[1] else span[0]
    covered = (start, span[1])
    if bisect.bisect_left(units.ends, span[1]) < len(units.ends) and span[1] in units.ends:
        return move_edge(covered, units, "end", +1)
    i = bisect.bisect_left(units.ends, span[1])
    return (start, units.ends[i]) if i < len(units.ends) else covered
