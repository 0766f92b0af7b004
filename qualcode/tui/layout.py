"""Word wrapping of a transcript into screen rows, computed once per document and width.

The transcript widget paints only the visible rows (Textual's Line API), so it needs, up front,
where every row starts and ends in the text. Rows are half-open code-point spans; the space at a
soft break belongs to no row. Widths are the terminal's: a line of plain text is one cell per
code point (the fast path, and nearly every line of a transcript); a line with emoji, CJK or
combining marks is measured by grapheme cluster (Rich's cell widths, which Textual paints with),
so borders stay aligned and no row ever splits a cluster.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field

from rich.cells import cell_len

from qualcode.text.graphemes import clusters, is_plain

# Characters two cells wide (East Asian Wide and Fullwidth, most emoji): a line holding one is measured.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f000-\U0001faff\U00020000-\U0003fffd]"
)


# Terminals disagree on emoji modifiers and the emoji variation selector (tmux 3.3 paints 👍🏽 in four
# cells and ❤️ in one, where Rich and kitty use two): the workbench paints them without those two
# marks — 👍 and ❤ — which every terminal sizes alike. The stored text keeps them; exports too.
# QUALCODE_EMOJI=full paints them as they are, for a terminal that sizes them as Rich does.
_UNSTABLE = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff]")
FULL_EMOJI = os.environ.get("QUALCODE_EMOJI", "").lower() == "full"


def shown(text: str) -> str:
    """``text`` as the transcript paints it (see ``_UNSTABLE``)."""
    return text if FULL_EMOJI or _UNSTABLE.search(text) is None else _UNSTABLE.sub("", text)


def _one_cell_each(text: str, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    return is_plain(text, start, end) and _WIDE.search(text, start, end) is None


@dataclass(frozen=True)
class Wrapped:
    width: int
    starts: list[int]
    ends: list[int]
    # rows that are not one cell per code point: row -> (cluster starts, their first columns)
    cells: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row that shows ``offset`` (an offset on a soft-break space shows at its row's end)."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def offset_at(self, row: int, col: int) -> int:
        """The offset shown at column ``col`` of ``row``: always a cluster's start, never inside one."""
        row = max(0, min(row, len(self.starts) - 1))
        measured = self.cells.get(row)
        if measured is None:
            return min(self.starts[row] + max(col, 0), self.ends[row])
        offsets, cols = measured
        i = bisect.bisect_right(cols, max(col, 0)) - 1
        return self.ends[row] if i >= len(offsets) - 1 and col >= cols[-1] else offsets[max(i, 0)]

    def col_of(self, offset: int) -> int:
        """The column where ``offset`` is painted on its row."""
        row = self.row_of(offset)
        measured = self.cells.get(row)
        if measured is None:
            return offset - self.starts[row]
        offsets, cols = measured
        i = bisect.bisect_right(offsets, offset) - 1
        return cols[max(i, 0)]


def _wrap_measured(text: str, s: int, line_end: int, width: int, out: Wrapped) -> None:
    """Wrap one line that holds wide or combined characters, cluster by cluster."""
    spans = clusters(text, s, line_end)
    widths = [cell_len(shown(text[a:b])) for a, b in spans]
    i, n = 0, len(spans)
    while True:
        first, col, last_space = i, 0, -1
        while i < n and (col + widths[i] <= width or i == first):
            if text[spans[i][0]] == " " and i > first:
                last_space = i
            col += widths[i]
            i += 1
        if i >= n:  # the rest of the line fits
            _add_row(out, spans, widths, first, n, spans[first][0] if first < n else s, line_end)
            return
        if text[spans[i][0]] == " ":  # the space that does not fit ends the row
            _add_row(out, spans, widths, first, i, spans[first][0], spans[i][0])
            i += 1
        elif last_space > first:  # break at the last space: it belongs to no row
            _add_row(out, spans, widths, first, last_space, spans[first][0], spans[last_space][0])
            i = last_space + 1
        else:  # a word longer than the row is cut between clusters
            _add_row(out, spans, widths, first, i, spans[first][0], spans[i][0])


def _add_row(
    out: Wrapped, spans: list[tuple[int, int]], widths: list[int], first: int, stop: int, start: int, end: int
) -> None:
    row = len(out.starts)
    out.starts.append(start)
    out.ends.append(end)
    offsets, cols, col = [], [], 0
    for k in range(first, stop):
        offsets.append(spans[k][0])
        cols.append(col)
        col += widths[k]
    if any(widths[k] != 1 or spans[k][1] - spans[k][0] != 1 for k in range(first, stop)):
        out.cells[row] = ([*offsets, end], [*cols, col])


def wrap(text: str, width: int) -> Wrapped:
    """Greedy word wrap of ``text`` (``\\n`` line ends) to ``width`` cells; long words are cut."""
    width = max(width, 4)
    out = Wrapped(width, [], [])
    starts, ends = out.starts, out.ends
    add_start, add_end = starts.append, ends.append
    find, rfind = text.find, text.rfind
    pos, n = 0, len(text)
    plain = _one_cell_each(text)
    while True:
        nl = find("\n", pos)
        line_end = n if nl < 0 else nl
        s = pos
        if not plain and not _one_cell_each(text, s, line_end):
            _wrap_measured(text, s, line_end, width, out)
            if nl < 0:
                break
            pos = nl + 1
            continue
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
    return out
