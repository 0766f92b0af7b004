"""The one place for offset arithmetic.

qualcode stores offsets as Unicode code points, half-open ``[start, end)``, into the stored text
(NFC, ``\\n`` line endings) — the REFI-QDA convention, and Python's ``str`` indexing. Other tools
and formats count differently: UTF-8 bytes (SQLite's ``substr`` on blobs), UTF-16 code units
(JavaScript, .NET, NVivo), (line, column) for people, and exporters that count CRLF as two
characters or that saw decomposed (NFD) text. Every conversion lives here so nothing else does
offset arithmetic.
"""

import bisect
import unicodedata
from collections.abc import Iterable, Sequence

from qualcode.errors import QualcodeError


def check_span(text_length: int, start: int, end: int, what: str = "span") -> None:
    """Refuse spans outside the text or empty, with a message a user can act on."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise QualcodeError(f"{what}: start and end must be whole numbers")
    if start < 0 or end > text_length or start >= end:
        raise QualcodeError(f"{what}: [{start}, {end}) is not inside the text (0..{text_length}) or is empty")


# -- code points <-> UTF-8 / UTF-16 -------------------------------------------------------------


def cp_to_utf8(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-8"))


def utf8_to_cp(text: str, byte_offset: int) -> int:
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="strict"))


def cp_to_utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


# -- code points <-> (line, column) ---------------------------------------------------------------


class LineIndex:
    """Fast (line, column) lookup for one text; lines and columns count from 1 for people."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.length = len(text)

    def to_line_col(self, cp: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, cp) - 1
        return line + 1, cp - self.starts[line] + 1

    def to_cp(self, line: int, col: int) -> int:
        if not 1 <= line <= len(self.starts):
            raise QualcodeError(f"line {line} does not exist (the text has {len(self.starts)} lines)")
        return min(self.starts[line - 1] + col - 1, self.length)


# -- other tools' line endings and normalisation ---------------------------------------------------


def lf_offset_to_crlf(text: str, offset: int) -> int:
    """Our ``\\n`` offsets → offsets in the same text written with CRLF line breaks."""
    return offset + text.count("\n", 0, offset)


def crlf_to_lf_offsets(text_with_crlf: str, offsets: Iterable[int]) -> list[int]:
    """Map code-point offsets in ``text_with_crlf`` to offsets in its ``\\n``-folded form.

    Folding turns ``\\r\\n`` into ``\\n`` and a lone ``\\r`` into ``\\n``; only the first kind
    shortens the text. An offset drops by the number of ``\\r`` (of a ``\\r\\n`` pair) that lie
    strictly before it, so an offset between ``\\r`` and ``\\n`` lands on the ``\\n``.
    Offsets outside ``[0, len(text)]`` are clamped into it.
    """
    n = len(text_with_crlf)
    removed_before = [0] * (n + 1)  # removed_before[k]: CRs of CRLF pairs in text[:k]
    count = 0
    for i, ch in enumerate(text_with_crlf):
        removed_before[i] = count
        if ch == "\r" and i + 1 < n and text_with_crlf[i + 1] == "\n":
            count += 1
    removed_before[n] = count
    result = []
    for off in offsets:
        k = min(max(off, 0), n)
        result.append(k - removed_before[k])
    return result


def nfc_offset_map(original: str, normalised: str) -> list[int]:
    """Return ``m`` with ``m[k]`` = the offset in ``normalised`` matching offset ``k`` in ``original``.

    ``normalised`` must be ``unicodedata.normalize("NFC", original)``. The text is cut into
    segments that normalise independently (a character joins the current segment when it is a
    combining mark, or when normalising the two together differs from normalising them apart,
    e.g. Hangul jamo). Segment boundaries map exactly; an offset *inside* a segment whose
    length changed (e.g. "e" + U+0301 → "é") maps to the start of that segment, since there is
    no code point in the composed text for it. ``len(m) == len(original) + 1``.
    """
    m = [0] * (len(original) + 1)
    i = 0
    out = 0
    n = len(original)
    while i < n:
        j = i + 1
        seg_norm = unicodedata.normalize("NFC", original[i:j])
        while j < n:
            ch = original[j]
            if unicodedata.combining(ch) == 0:
                joined = unicodedata.normalize("NFC", original[i : j + 1])
                if joined == seg_norm + unicodedata.normalize("NFC", ch):
                    break
                seg_norm = joined
            else:
                seg_norm = unicodedata.normalize("NFC", original[i : j + 1])
            j += 1
        same_length = len(seg_norm) == j - i
        for k in range(i, j):
            m[k] = out + (k - i if same_length else 0)
        out += len(seg_norm)
        i = j
    m[n] = out
    if out != len(normalised):  # caller passed something other than NFC(original)
        raise ValueError("normalised is not the NFC form of original")
    return m


def to_stored_offsets(exporter_text: str, offsets: Iterable[int]) -> list[int]:
    """Offsets into ``exporter_text`` (code points, any line breaks) → offsets into its stored form
    (``decoding.normalise``)."""
    folded = exporter_text.replace("\r\n", "\n").replace("\r", "\n")
    lf = crlf_to_lf_offsets(exporter_text, offsets)
    nfc = unicodedata.normalize("NFC", folded)
    if nfc == folded:
        return lf
    m = nfc_offset_map(folded, nfc)
    return [m[k] for k in lf]


def utf16_to_codepoint_offsets(text: str, offsets: Iterable[int]) -> list[int]:
    """Map UTF-16 code-unit offsets in ``text`` to code-point offsets.

    Some exporters (Windows tools built on UTF-16 strings) count a character outside the Basic
    Multilingual Plane, e.g. an emoji, as two. An offset between the two halves lands on the
    character's start. Offsets past the end map to ``len(text) + (offset - units)`` so that the
    caller can still see they are out of range.
    """
    starts = []  # starts[k] = UTF-16 offset of code point k
    units = 0
    for ch in text:
        starts.append(units)
        units += 2 if ord(ch) > 0xFFFF else 1
    to_cp = {}
    for k, u in enumerate(starts):
        to_cp[u] = k
        if ord(text[k]) > 0xFFFF:
            to_cp[u + 1] = k
    to_cp[units] = len(text)
    return [to_cp[o] if o in to_cp else (o if o < 0 else len(text) + o - units) for o in offsets]


def span_overlap(a: Sequence[int], b: Sequence[int]) -> int:
    """Characters shared by two half-open spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open spans, sorted; touching spans merge."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]
