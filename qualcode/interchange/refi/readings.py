"""Which counting an exporter used for positions, judged from the selections themselves.

REFI counts code points in the text as the exporter saw it, but exporters disagree on line
breaks (a Windows tool may count CRLF as two characters while the stored .txt has LF, or the
reverse), and some count characters beyond U+FFFF as two (UTF-16 code units, as NVivo does).
For each source we try "as stored", "every line break is two characters", "every line break is
one", and each of those in UTF-16 units when the text has such characters; "as stored" (the
spec's reading) is kept unless another reading is clearly better (see ``choose_reading``), and
always for files this package wrote. The reader reports any other reading it used.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcode.text import offsets as positions

if TYPE_CHECKING:
    from lxml import etree


@dataclass
class RawSelection:
    """A <PlainTextSelection>'s positions as the file gives them, before any conversion."""

    el: "etree._Element"
    guid: str
    start: int
    end: int
    name: str | None


_LINEBREAK = re.compile(r"\r\n|\r|\n")
_WS = re.compile(r"\s+")


def readings(raw: str) -> list[tuple[str, str, bool]]:
    """Candidate (label, text, counts UTF-16 units) the exporter may have used, "as stored" first."""
    texts = [("as stored", raw)]
    for label, repl in (
        ("line breaks counted as two characters", "\r\n"),
        ("line breaks counted as one character", "\n"),
    ):
        alt = _LINEBREAK.sub(repl, raw)
        if all(alt != t for _, t in texts):
            texts.append((label, alt))
    out = [(label, text, False) for label, text in texts]
    if any(ord(ch) > 0xFFFF for ch in raw):
        astral = "characters beyond U+FFFF counted as two (UTF-16)"
        out += [(astral if label == "as stored" else f"{label} and {astral}", text, True) for label, text in texts]
    return out


def _is_word_edge(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return True
    return not (text[i - 1].isalnum() and text[i].isalnum())


def _excerpt_matches(text: str, sel: RawSelection) -> bool:
    name = (sel.name or "").strip().rstrip("…").rstrip(".").strip()
    if len(name) < 2:
        return False
    quoted = _WS.sub(" ", text[sel.start : sel.end]).strip()
    name = _WS.sub(" ", name)
    return quoted.startswith(name) or (len(quoted) >= 4 and name.startswith(quoted))


def choose_reading(
    raw: str,
    selections: list[RawSelection],
    trusted: bool = False,
) -> tuple[str, str, list[RawSelection]]:
    """(label, exporter text, selections in its code points) that best explains the selections.

    "As stored" (the spec's reading) is kept unless another reading clearly beats it: more
    selections in range, else more selections whose ``name`` matches the text, else selection
    edges on word boundaries for at least 75% of edges and 25 points more than "as stored",
    with two selections at least (people select words; a reading off by some characters cuts
    words; random edges do not tell readings apart, so a small difference never switches).
    """
    if trusted:
        return "as stored", raw, selections
    scored = []
    for label, text, utf16 in readings(raw):
        sels = selections
        if utf16:
            flat = positions.utf16_to_codepoint_offsets(text, [v for s in selections for v in (s.start, s.end)])
            sels = [RawSelection(s.el, s.guid, flat[2 * i], flat[2 * i + 1], s.name) for i, s in enumerate(selections)]
        n = len(text)
        ok = [s for s in sels if 0 <= s.start <= s.end <= n]
        named = sum(_excerpt_matches(text, s) for s in ok)
        edges = sum(_is_word_edge(text, s.start) + _is_word_edge(text, s.end) for s in ok)
        scored.append(((len(ok), named, edges), (label, text, sels)))
        if not selections:
            break
    base_score, base = scored[0]
    if len(scored) == 1:
        return base
    alt_score, alt = max(scored[1:], key=lambda item: item[0])  # max keeps the first of equals
    if alt_score[:2] != base_score[:2]:
        return alt if alt_score[:2] > base_score[:2] else base
    n_edges = 2 * alt_score[0]
    if n_edges >= 4 and alt_score[2] >= 0.75 * n_edges and alt_score[2] - base_score[2] >= 0.25 * n_edges:
        return alt
    return base
