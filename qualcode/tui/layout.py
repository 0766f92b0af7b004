"""Word wrapping of a transcript into screen rows, computed once per document and width.

The transcript widget paints only the visible rows (Textual's Line API), so it needs, up front,
where every row starts and ends in the text. Rows are half-open code-point spans; the space at a
soft break belongs to no row. Assumes one terminal cell per character (true for the scripts the
study uses); wide characters would only shift columns, never lose text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Wrapped:
    width: int
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row that shows ``offset`` (an offset on a soft-break space shows at its row's end)."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def offset_at(self, row: int, col: int) -> int:
        row = max(0, min(row, len(self.starts) - 1))
        return min(self.starts[row] + max(col, 0), self.ends[row])


def wrap(text: str, width: int) -> Wrapped:
    """Greedy word wrap of ``text`` (``\\n`` line ends) to ``width`` cells; long words are cut."""
    width = max(width, 4)
    starts: list[int] = []
    ends: list[int] = []
    add_start, add_end = starts.append, ends.append
    find, rfind = text.find, text.rfind
    pos, n = 0, len(text)
    while True:
        nl = find("\n", pos)
        line_end = n if nl < 0 else nl
        s = pos
        while line_end - s > width:
            b = rfind(" ", s + 1, s + width + 1)
            if b <= s:
                add_start(s)
                add_end(s + width)
                s += width
            else:
                add_start(s)
                add_end(b)
                s = b + 1
        add_start(s)
        add_end(line_end)
        if nl < 0:
            break
        pos = nl + 1
    return Wrapped(width, starts, ends)
