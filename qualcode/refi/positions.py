"""Offset conversion for imported REFI-QDA text: the exporter's positions → ours.

REFI-QDA positions are Unicode code points from 0 into the source text *as the exporter saw it*.
We store text NFC-normalised with line breaks folded to ``\\n``, so positions go through two
maps: line-break folding, then NFC. This module is deliberately small and free of project
imports: the lead will move both functions to ``qualcode/text/offsets.py`` (the one module
that owns offset arithmetic); until then the REFI reader is their only caller.
"""

import unicodedata
from collections.abc import Iterable


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


def fold_text(raw: str) -> str:
    """Our stored form of a text: line breaks folded to ``\\n``, then NFC."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


def to_stored_offsets(exporter_text: str, offsets: Iterable[int]) -> list[int]:
    """Offsets into ``exporter_text`` (code points, any line breaks) → offsets into ``fold_text``."""
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
