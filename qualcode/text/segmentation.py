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


_PARAGRAPH = re.compile(r"(?:^[ \t]*\S[^\n]*(?:\n|\Z))+", re.MULTILINE)


def paragraphs(text: str) -> list[Unit]:
    """Blank-line separated blocks (runs of lines that hold something other than white space)."""
    out: list[Unit] = []
    for m in _PARAGRAPH.finditer(text):
        block = m.group()
        s = m.start() + len(block) - len(block.lstrip())
        e = m.start() + len(block.rstrip())
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
        body = text[content_start:limit]
        s = content_start + len(body) - len(body.lstrip())
        e = content_start + len(body.rstrip())
        if e > s:
            out.append(Unit("turn", s, e, speaker=speaker))
    return out


def _punct_hashes(nlp) -> "np.ndarray":
    import numpy as np
    from spacy.pipeline import Sentencizer

    return np.array(sorted(nlp.vocab.strings.add(ch) for ch in Sentencizer.default_punct_chars), dtype=np.uint64)


def sentence_bounds(doc, text: str, punct_hashes) -> tuple[list[Unit], int]:
    """Sentences by exactly the rule of spaCy's ``Sentencizer``, computed on token arrays.

    The sentencizer starts a sentence at the first token after a sentence-final character
    (``Sentencizer.default_punct_chars``) that is neither punctuation nor such a character. Its
    ``predict`` builds a Python ``Token`` per word; doing the same test with numpy over
    ``doc.to_array`` gives identical boundaries (tested against the sentencizer) at a fraction of
    the cost, so import stays close to the cost of tokenizing. Also returns the number of words
    (tokens that are neither punctuation nor white space).
    """
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH

    n = len(doc)
    if n == 0:
        return [], 0
    arr = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH, IS_SPACE])
    words = int(np.count_nonzero((arr[:, 1] == 0) & (arr[:, 4] == 0)))
    is_pc = np.isin(arr[:, 0], punct_hashes)
    ordinary = np.flatnonzero(~(is_pc | (arr[:, 1] == 1)))
    cs = np.concatenate(([0], np.cumsum(is_pc)))  # cs[i] = sentence-final chars before token i
    if len(ordinary):
        before = cs[ordinary]
        prev = np.concatenate(([0], before[:-1]))
        starts = ordinary[before > prev]
        starts = np.union1d([0], starts)
    else:
        starts = np.array([0])
    idx = arr[:, 2]
    ends_tok = np.concatenate((starts[1:], [n])) - 1
    s_char = idx[starts].tolist()
    e_char = (idx[ends_tok] + arr[ends_tok, 3]).tolist()
    out = []
    for s, e in zip(s_char, e_char):
        if text[s].isspace() or text[e - 1].isspace():
            s, e = _trim(text, s, e)
        if e > s:
            out.append(Unit("sentence", s, e))
    return out, words


def sentences(text: str, lang: str) -> list[Unit]:
    nlp = sentence_pipeline(lang)
    return sentence_bounds(nlp.tokenizer(text), text, _punct_hashes(nlp))[0]


def segment_many(
    items: Iterable[tuple[str, str]], speaker_pattern: str | None = None, batch_size: int = 16
) -> Iterator[tuple[list[Unit], int]]:
    """Sentences, paragraphs and turns (and the word count) for many ``(text, lang)`` pairs, in input order.

    Texts are grouped by language and fed to one ``nlp.pipe`` per language, so a folder whose
    files alternate between Danish and English costs what spaCy's own ``nlp.pipe`` costs.
    """
    items = list(items)
    sents: dict[int, tuple[list[Unit], int]] = {}
    for lang in dict.fromkeys(lang for _, lang in items):
        idxs = [i for i, (_, lg) in enumerate(items) if lg == lang]
        nlp = sentence_pipeline(lang)
        hashes = _punct_hashes(nlp)
        for i, doc in zip(idxs, nlp.tokenizer.pipe((items[i][0] for i in idxs), batch_size=batch_size)):
            sents[i] = sentence_bounds(doc, items[i][0], hashes)
    for i, (text, _) in enumerate(items):
        raw, words = sents.pop(i)
        paras = paragraphs(text)
        turns = speaker_turns(text, speaker_pattern)
        yield clip_sentences(raw, paras, turns, text) + paras + turns, words


def clip_sentences(sentences: list[Unit], paras: list[Unit], turns: list[Unit], text: str | None = None) -> list[Unit]:
    """Sentences as a coder means them: never across a blank line, never including a speaker label.

    spaCy's sentencizer happily joins a heading and the first line after it ("Interview 01\n\nI:
    Hej."), or an unpunctuated question and the answer's label. Sentences are cut to the text
    that paragraphs hold, minus every label ("IP: ") of a speaker turn.
    """
    labels = []
    for t in turns:
        line_start = text.rfind("\n", 0, t.start) + 1 if text is not None else t.start
        if line_start < t.start:
            labels.append((line_start, t.start))
    allowed: list[tuple[int, int]] = []
    k = 0
    for p in paras:
        pos = p.start
        while k < len(labels) and labels[k][1] <= pos:
            k += 1
        j = k
        while j < len(labels) and labels[j][0] < p.end:
            if labels[j][0] > pos:
                allowed.append((pos, labels[j][0]))
            pos = max(pos, labels[j][1])
            j += 1
        if pos < p.end:
            allowed.append((pos, p.end))
    out: list[Unit] = []
    j = 0
    for sent in sentences:
        while j < len(allowed) and allowed[j][1] <= sent.start:
            j += 1
        k = j
        while k < len(allowed) and allowed[k][0] < sent.end:
            s, e = max(sent.start, allowed[k][0]), min(sent.end, allowed[k][1])
            if text is not None and s < e and (text[s].isspace() or text[e - 1].isspace()):
                s, e = _trim(text, s, e)
            if e > s:
                out.append(Unit("sentence", s, e))
            k += 1
    return out
