"""Which counting an exporter used for positions, judged from the selections themselves.

REFI counts code points in the text as the exporter saw it, but exporters disagree on line
breaks (a Windows tool may count CRLF as two characters while the stored .txt has LF, or the
reverse), and some count characters beyond U+FFFF as two (UTF-16 code units, as NVivo does).
For each source we try "as stored", "every line break is two characters", "every line break is
one", and each of those in UTF-16 units when the text has such characters; "as stored" (the
spec's reading) is kept unless another reading is clearly better, and always for files this
package wrote; whether emoji count once or twice is decided from the selections, the producer
and the text (see ``choose_reading``). The reader reports the reading of every source where it
mattered, and warns where nothing decided it.
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


_NOT_A_QUOTE = re.compile(
    r"(?i)\s*(?:[a-z]+\s*[:#]\s*\d+(?:\s*[-–]\s*\d+)?|\d+(?:[-–.,:]\d+)*|"
    r"(?:selection|segment|coding|coded segment|quotation|line|paragraph|para|p)\s*\d+)\s*"
)


def reads_as_quote(name: str | None) -> bool:
    """Whether a selection's name looks like the text it selects (NVivo, MAXQDA and QualCoder put the
    quote there) rather than a label (qc's ``line:6``, a number, "Selection 3")."""
    if not name:
        return False
    flat = name.strip().rstrip("…").rstrip(".").strip()
    if len(flat) < 2 or not any(ch.isalpha() for ch in flat):
        return False
    return not _NOT_A_QUOTE.fullmatch(flat)


def _excerpt_matches(text: str, sel: RawSelection) -> bool:
    if not reads_as_quote(sel.name):
        return False
    name = (sel.name or "").strip().rstrip("…").rstrip(".").strip()
    quoted = _WS.sub(" ", text[sel.start : sel.end]).strip()
    name = _WS.sub(" ", name)
    return quoted.startswith(name) or (len(quoted) >= 4 and name.startswith(quoted))


# producers known to count positions in UTF-16 code units (.NET strings) or in code points
_UTF16_PRODUCERS = ("nvivo",)
_CODE_POINT_PRODUCERS = ("qualcoder", "taguette", "qualitative-coding", "qc ", "qualcode")


def _why(chosen: tuple[int, int, int], other: tuple[int, int, int]) -> str:
    if chosen[0] != other[0]:
        return "more selections fall inside the text so"
    if chosen[1] != other[1]:
        return "selection names quote the text only so"
    return "selection edges fall on word boundaries only so"


def _edges_decide(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Whether reading ``a``'s selection edges fall on word boundaries clearly more than ``b``'s:
    at least 75 % of its edges and 25 points more, with two selections at least."""
    n_edges = 2 * a[0]
    return n_edges >= 4 and a[2] >= 0.75 * n_edges and a[2] - b[2] >= 0.25 * n_edges


@dataclass
class Reading:
    """The counting chosen for one source, the text and selections in it, and why."""

    label: str
    text: str
    selections: list[RawSelection]
    why: str
    undecided: bool = False


def _splits_a_pair(raw: str, selections: list[RawSelection]) -> bool:
    """Whether some position, read as UTF-16 units, falls between the two halves of a character
    beyond U+FFFF — impossible for an exporter that counts UTF-16, so that reading is out."""
    inside: set[int] = set()
    unit = 0
    for ch in raw:
        if ord(ch) > 0xFFFF:
            inside.add(unit + 1)
            unit += 2
        else:
            unit += 1
    return any(p in inside for s in selections for p in (s.start, s.end))


def choose_reading(
    raw: str,
    selections: list[RawSelection],
    trusted: bool = False,
    origin: str | None = None,
) -> Reading:
    """The reading (label, exporter text, selections in its code points) that the evidence
    supports, and the evidence.

    Line breaks: "as stored" (the spec's reading) is kept unless another reading clearly beats it —
    more selections in range, else more selection names that quote the text, else selection edges
    on word boundaries for at least 75 % of edges and 25 points more than "as stored", with two
    selections at least (people select words; a reading off by some characters cuts words).

    Characters beyond U+FFFF (emoji): counted once (code points) or twice (UTF-16 units, as .NET
    tools such as NVivo do). Decided per source from, in order: selection names that quote the
    text; a UTF-16 position that would split such a character (impossible, so code points); the
    producer named in ``origin``; selections that all lie before the first such character (both
    readings agree). If none decides, the source is read as code points and flagged ``undecided``.
    """
    if trusted:
        return Reading("as stored", raw, selections, "written by qualcode")
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
        possible = not (utf16 and _splits_a_pair(text, selections))
        scored.append(((len(ok), named, edges), label, text, sels, utf16, possible))
        if not selections:
            break
    # 1. the line-break reading, among code-point readings
    plain = [x for x in scored if not x[4]]
    base = plain[0]
    best = base
    if len(plain) > 1:
        alt = max(plain[1:], key=lambda x: x[0])
        if alt[0][:2] != base[0][:2]:
            best = alt if alt[0][:2] > base[0][:2] else base
        elif _edges_decide(alt[0], base[0]):
            best = alt
    why = "selections fit the text as stored"
    if best is not base:
        why = _why(best[0], base[0])
    twin = next((x for x in scored if x[4] and x[2] == best[2]), None)
    if twin is None:  # no character beyond U+FFFF: code points and UTF-16 units agree
        return Reading(best[1], best[2], best[3], why)
    # 2. characters beyond U+FFFF: code points or UTF-16 units
    producer = (origin or "").casefold()
    chosen, reason, undecided = best, "", False
    if twin[0][:2] != best[0][:2]:
        chosen = twin if twin[0][:2] > best[0][:2] else best
        other = best if chosen is twin else twin
        reason = _why(chosen[0], other[0])
    elif not twin[5]:
        reason = "a UTF-16 reading would split a character beyond U+FFFF"
    elif _edges_decide(twin[0], best[0]):
        chosen, reason = twin, "selection edges fall on word boundaries only so"
    elif _edges_decide(best[0], twin[0]):
        reason = "selection edges fall on word boundaries only so"
    elif any(p in producer for p in _UTF16_PRODUCERS):
        chosen, reason = twin, f"the producer ({origin}) counts UTF-16 units"
    elif any(p in producer for p in _CODE_POINT_PRODUCERS):
        reason = f"the producer ({origin}) counts code points"
    elif [(s.start, s.end) for s in twin[3]] == [(s.start, s.end) for s in best[3]]:
        reason = "every selection lies before the first character beyond U+FFFF"
    else:
        reason, undecided = "nothing in the file says whether characters beyond U+FFFF count once or twice", True
    return Reading(chosen[1], chosen[2], chosen[3], reason, undecided)
