"""Text units computed at import: sentences, paragraphs, speaker turns.

Units are half-open code-point spans into the stored text, trimmed of surrounding white space, so
that "extend the selection to the sentence" and "count co-occurrence per paragraph" mean the same
characters everywhere.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qualcode.text.nlp import sentence_pipeline

# Speaker labels at the start of a paragraph or line: "I:", "IP:", "Interviewer:", "Mark:", "Dr. Hansen:".
DEFAULT_SPEAKER_PATTERN = r"^(?P<speaker>[A-ZÆØÅÄÖÜ][\w.'’\- ]{0,29}?):[ \t]+"
# Labels accepted even when they occur only once in a document.
KNOWN_LABELS = {"I", "IP", "R", "P", "Interviewer", "Interviewee", "Respondent", "Participant", "Int", "Moderator"}


@dataclass(frozen=True, slots=True)
class Unit:
    kind: str  # "sentence" | "paragraph" | "turn"
    start: int
    end: int
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str) -> list[Unit]:
    """Blank-line separated blocks."""
    out: list[Unit] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        s, e = _trim(text, pos, m.start())
        if e > s:
            out.append(Unit("paragraph", s, e))
        pos = m.end()
    s, e = _trim(text, pos, len(text))
    if e > s:
        out.append(Unit("paragraph", s, e))
    return out


def speaker_turns(text: str, pattern: str | None = None) -> list[Unit]:
    """Turns start at a speaker label at the beginning of a line and run to the next label.

    A turn's span covers what was said (after the label), so coding a turn codes the words, not
    the label. Generic ``NAME:`` labels count only if they recur in the document (so a field note's
    "Note: ..." line is not a speaker), or are known interview labels (I, IP, Interviewer …), or
    the user gave an explicit pattern.
    """
    rx = re.compile(pattern or DEFAULT_SPEAKER_PATTERN, re.MULTILINE)
    hits = [(m.start(), m.end(), m.group("speaker").strip()) for m in rx.finditer(text)]
    if not pattern:
        counts: dict[str, int] = {}
        for _, _, sp in hits:
            counts[sp] = counts.get(sp, 0) + 1
        hits = [h for h in hits if counts[h[2]] >= 2 or h[2] in KNOWN_LABELS]
    out: list[Unit] = []
    for i, (_, content_start, speaker) in enumerate(hits):
        limit = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        s, e = _trim(text, content_start, limit)
        if e > s:
            out.append(Unit("turn", s, e, speaker=speaker))
    return out


def sentences_from_doc(doc) -> Iterator[Unit]:
    text = doc.text
    for sent in doc.sents:
        s, e = _trim(text, sent.start_char, sent.end_char)
        if e > s:
            yield Unit("sentence", s, e)


def sentences(text: str, lang: str) -> list[Unit]:
    return list(sentences_from_doc(sentence_pipeline(lang)(text)))


def segment_many(
    items: Iterable[tuple[str, str]], speaker_pattern: str | None = None, batch_size: int = 16
) -> Iterator[list[Unit]]:
    """Sentences, paragraphs and turns for many ``(text, lang)`` pairs, using ``nlp.pipe`` per language run.

    Texts keep their order; consecutive texts in one language share a batch, so a corpus in two
    languages costs about what spaCy's own ``nlp.pipe`` costs over it.
    """
    items = list(items)
    i = 0
    while i < len(items):
        lang = items[i][1]
        j = i
        while j < len(items) and items[j][1] == lang:
            j += 1
        nlp = sentence_pipeline(lang)
        for (text, _), doc in zip(items[i:j], nlp.pipe((t for t, _ in items[i:j]), batch_size=batch_size)):
            yield list(sentences_from_doc(doc)) + paragraphs(text) + speaker_turns(text, speaker_pattern)
        i = j


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:[-'’]\w+)*", text))
