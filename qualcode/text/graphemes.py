"""Grapheme clusters — what a reader sees as one character — and offsets that never cut one.

Offsets are code points, but 👍🏽 is two of them, 👨‍👩‍👧 five, a decomposed "é" two and the flag 🇩🇰
two. A coding or a cursor that stopped between them would quote half a character and paint
garbage. ``regex``'s ``\\X`` follows Unicode's extended grapheme cluster rules (UAX #29); plain
text (ASCII, Latin, Greek, Cyrillic without combining marks) is answered without it, so the common
case costs one set lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from qualcode.errors import QualcodeError

# Between two of these there is always a boundary (© and ® are left out: they start emoji after a ZWJ) ...
_PLAIN = frozenset(
    chr(c)
    for r in ((0x20, 0x7E), (0xA0, 0xA8), (0xAA, 0xAD), (0xAF, 0x2FF), (0x370, 0x482))
    for c in range(r[0], r[1] + 1)
)
# ... and text without any of these is segmented one code point per cluster.
_COMPLEX = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0600-\u0605\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u1100-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u20d0-\u20ff\u2600-\u27bf\u2b00-\u2bff\u3000-\u303f"
    "\u3099\u309a\ua960-\ua97f\uac00-\ud7ff\ufe00-\ufe0f\ufe20-\ufe2f\U0001f000-\U0001faff"
    "\U000e0000-\U000e01ef\r]"
)
_WINDOW = 64


@lru_cache(maxsize=1)
def _cluster() -> Any:
    import regex  # imported only for text that needs it: plain-text commands stay light

    return regex.compile(r"\X")


def is_plain(text: str, start: int = 0, end: int | None = None) -> bool:
    """No character in ``text[start:end]`` can join a neighbour into one cluster."""
    return _COMPLEX.search(text, start, len(text) if end is None else end) is None


def clusters(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The clusters of ``text[start:end]`` as half-open spans; ``start`` must be a boundary."""
    end = len(text) if end is None else end
    if is_plain(text, start, end):
        return [(i, i + 1) for i in range(start, end)]
    return [m.span() for m in _cluster().finditer(text, start, end)]


def _window(text: str, offset: int) -> tuple[int, int]:
    """A stretch around ``offset`` that starts and ends on boundaries (between two plain characters)."""
    lo = offset - 1
    while lo > 0 and offset - lo < _WINDOW * 8 and not (text[lo] in _PLAIN and text[lo - 1] in _PLAIN):
        lo -= 1
    hi = offset + 1
    while hi < len(text) and hi - offset < _WINDOW * 8 and not (text[hi] in _PLAIN and text[hi - 1] in _PLAIN):
        hi += 1
    return max(lo, 0), min(hi, len(text))


def is_boundary(text: str, offset: int) -> bool:
    """``offset`` falls between two clusters (the ends of the text are boundaries)."""
    if offset <= 0 or offset >= len(text):
        return True
    if text[offset] in _PLAIN and text[offset - 1] in _PLAIN:
        return True
    lo, hi = _window(text, offset)
    return any(s == offset for s, _ in clusters(text, lo, hi))


def snap(text: str, offset: int, direction: int = -1) -> int:
    """The nearest boundary at ``offset`` or beyond it: before it (``direction`` < 0) or after it."""
    offset = max(0, min(offset, len(text)))
    if is_boundary(text, offset):
        return offset
    lo, hi = _window(text, offset)
    for s, e in clusters(text, lo, hi):
        if s < offset < e:
            return s if direction < 0 else e
    return offset


def step(text: str, offset: int, direction: int) -> int:
    """The next cluster boundary after ``offset`` (``direction`` > 0) or the one before it."""
    if direction > 0:
        if offset >= len(text):
            return len(text)
        return snap(text, offset + 1, +1)
    if offset <= 0:
        return 0
    return snap(text, offset - 1, -1)


def check_clusters(text: str, start: int, end: int, what: str) -> None:
    """Refuse a span that cuts a character in two, naming the nearest spans that do not."""
    for offset in (start, end):
        if not is_boundary(text, offset):
            a, b = snap(text, start, -1), snap(text, end, +1)
            raise QualcodeError(
                f"{what}: [{start}, {end}) cuts the character at {offset} in two "
                f"(a character such as an emoji with a skin tone is several code points); use [{a}, {b})"
            )
