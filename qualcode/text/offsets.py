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
        raise QualcodeError(
            f"{what}: [{start}, {end}) is not inside the text (0..{text_length}) or is empty"
        )


# -- code points <-> UTF-8 / UTF-16 -------------------------------------------------------------

def cp_to_utf8(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-8"))


def utf8_to_cp(text: str, byte_offset: int) -> int:
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="strict"))


def cp_to_utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def utf16_to_cp(text: str, unit: int) -> int:
    """UTF-16 code units (JavaScript/.NET string indices) to code points."""
    count = 0
    for i, ch in enumerate(text):
        if count >= unit:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    if count >= unit:
        return len(text)
    raise QualcodeError(f"UTF-16 offset {unit} is past the end of the text")


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

def crlf_offset_to_lf(original: str, offset: int) -> int:
    """An offset counted in a text whose line breaks were CRLF (two characters) → our ``\\n`` text.

    Each ``\\r\\n`` (and each lone ``\\r``) before the offset becomes a single ``\\n``.
    """
    head = original[:offset]
    return offset - head.count("\r\n")


def lf_offset_to_crlf(text: str, offset: int) -> int:
    """Our ``\\n`` offsets → offsets in the same text written with CRLF line breaks."""
    return offset + text.count("\n", 0, offset)


class OffsetMap:
    """Maps offsets in an original text to offsets in its stored form (CRLF folded, then NFC).

    Built once per text; ``map(i)`` sends original code point ``i`` to the stored text. Offsets
    inside a composed cluster or a CRLF pair move to its start, so a selection never splits a
    character.
    """

    def __init__(self, original: str):
        self.original = original
        folded_to_orig: list[int] = []
        folded_chars: list[str] = []
        i, n = 0, len(original)
        while i < n:
            ch = original[i]
            folded_to_orig.append(i)
            if ch == "\r":
                folded_chars.append("\n")
                i += 2 if i + 1 < n and original[i + 1] == "\n" else 1
            else:
                folded_chars.append(ch)
                i += 1
        folded = "".join(folded_chars)
        self.stored = unicodedata.normalize("NFC", folded)
        # orig index -> folded index
        self._orig_to_folded = [0] * (n + 1)
        for f, o in enumerate(folded_to_orig):
            self._orig_to_folded[o] = f
            if o + 1 <= n and original[o] == "\r" and o + 1 < n and original[o + 1] == "\n":
                self._orig_to_folded[o + 1] = f
        self._orig_to_folded[n] = len(folded)
        self._fold_to_stored = _nfc_map(folded, self.stored)

    def map(self, offset: int) -> int:
        if not 0 <= offset <= len(self.original):
            raise QualcodeError(f"offset {offset} is outside the text (0..{len(self.original)})")
        return self._fold_to_stored[self._orig_to_folded[offset]]


def _nfc_map(source: str, nfc: str) -> list[int]:
    """Offsets in ``source`` → offsets in ``unicodedata.normalize('NFC', source)``.

    Normalisation only changes text inside clusters that start at a character with canonical
    combining class 0, so mapping cluster by cluster is exact.
    """
    if source == nfc:
        return list(range(len(source) + 1))
    mapping = [0] * (len(source) + 1)
    out = 0
    i, n = 0, len(source)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(source[j]):
            j += 1
        cluster_nfc = unicodedata.normalize("NFC", source[i:j])
        for k in range(i, j):
            mapping[k] = out
        out += len(cluster_nfc)
        i = j
    mapping[n] = out
    if out != len(nfc):  # pragma: no cover - defensive: cluster-wise NFC must equal whole-text NFC
        raise AssertionError("normalisation map out of step")
    return mapping


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
