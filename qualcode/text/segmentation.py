"""Text units computed at import: sentences, paragraphs, speaker turns.

Units are half-open code-point spans into the stored text, trimmed of surrounding white space, so
that "extend the selection to the sentence" and "count co-occurrence per paragraph" mean the same
characters everywhere.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from qualcode.text.nlp import Pipeline, sentence_pipeline
from qualcode.text.wordindex import WordIndex, word_index

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Speaker labels at the start of a paragraph or line: "I:", "IP:", "Interviewer:", "Mark:", "Dr. Hansen:".
DEFAULT_SPEAKER_PATTERN = r"^(?P<speaker>[A-ZÆØÅÄÖÜ][\w.'’\- ]{0,29}?):[ \t]+"
# Labels accepted even when they occur only once in a document.
KNOWN_LABELS = {"I", "IP", "R", "P", "Interviewer", "Interviewee", "Respondent", "Participant", "Int", "Moderator"}


class Unit(NamedTuple):
    """A half-open span of one kind; a tuple because import creates tens of thousands of them."""

    kind: str  # "sentence" | "paragraph" | "turn"
    start: int
    end: int
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str) -> list[Unit]:
    """Blank-line separated blocks, trimmed of surrounding white space."""
    out: list[Unit] = []
    pos = 0
    for m in [*_BLANK_LINES.finditer(text), None]:
        stop = m.start() if m else len(text)
        block = text[pos:stop]
        body = block.strip()
        if body:
            s = pos + len(block) - len(block.lstrip())
            out.append(Unit("paragraph", s, s + len(body)))
        if m:
            pos = m.end()
    return out


def speaker_turns(text: str, pattern: str | None = None) -> list[Unit]:
    """Turns start at a speaker label at the beginning of a line and run to the next label.

    A turn's span covers what was said (after the label), so coding a turn codes the words, not
    the label. Generic ``NAME:`` labels count only if they recur in the document (so a field note's
    "Note: ..." line is not a speaker), or are known interview labels (I, IP, Interviewer …), or
    the user gave an explicit pattern.
    """
    rx = re.compile(pattern or DEFAULT_SPEAKER_PATTERN, re.MULTILINE)
    hits = []
    pos = 0
    for line in text.split("\n"):  # a label starts a line: trying each line start, not each character
        m = rx.match(line)
        if m:
            hits.append((pos + m.start(), pos + m.end(), m.group("speaker").strip()))
        pos += len(line) + 1
    if not pattern:
        counts: dict[str, int] = {}
        for _, _, sp in hits:
            counts[sp] = counts.get(sp, 0) + 1
        hits = [h for h in hits if counts[h[2]] >= 2 or h[2] in KNOWN_LABELS]
    out: list[Unit] = []
    for i, (_, content_start, speaker) in enumerate(hits):
        limit = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        s, e = trim(text, content_start, limit)  # steps over the few spaces at each end, copies nothing
        if e > s:
            out.append(Unit("turn", s, e, speaker=speaker))
    return out


class _LexemeFlags:
    """Per-pipeline cache: ORTH hash → (sentence-final char, punctuation, white space).

    ``doc.to_array`` costs about the same per attribute as tokenizing costs per word; the flags
    depend only on the word form, so they are looked up once per distinct form and mapped onto
    each document's ORTH column with ``searchsorted``.
    """

    def __init__(self, nlp: Pipeline) -> None:
        from spacy.pipeline import Sentencizer

        self.nlp = nlp
        self.final = {nlp.vocab.strings.add(ch) for ch in Sentencizer.default_punct_chars}
        self.keys = np.zeros(0, dtype=np.uint64)
        self.flags = np.zeros((0, 3), dtype=bool)
        self.lowers = np.zeros(0, dtype=np.uint64)  # each form's lower-cased form (its LOWER hash)

    def __call__(self, orth: "np.ndarray") -> "np.ndarray":
        return self.lookup(orth)[0]

    def lookup(self, orth: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
        """(flags, LOWER hashes) of each token, from its ORTH hash."""
        forms = np.unique(orth)
        pos = np.searchsorted(self.keys, forms)
        known = (
            (pos < len(self.keys)) & (self.keys[np.minimum(pos, len(self.keys) - 1)] == forms)
            if len(self.keys)
            else np.zeros(len(forms), dtype=bool)
        )
        new = forms[~known]
        if len(new):
            vocab = self.nlp.vocab
            lexemes = [vocab[h] for h in new.tolist()]
            rows = [(h in self.final, lx.is_punct, lx.is_space) for h, lx in zip(new.tolist(), lexemes)]
            keys = np.concatenate((self.keys, new))
            order = np.argsort(keys, kind="stable")
            self.keys = keys[order]
            self.flags = np.concatenate((self.flags, np.array(rows, dtype=bool).reshape(-1, 3)))[order]
            lowers = np.array([lx.lower for lx in lexemes], dtype=np.uint64)
            self.lowers = np.concatenate((self.lowers, lowers))[order]
        at = np.searchsorted(self.keys, orth)
        return self.flags[at], self.lowers[at]


_FLAGS: dict[int, _LexemeFlags] = {}


def lexeme_flags(nlp: Pipeline) -> _LexemeFlags:
    """The flag lookup for a pipeline (kept per pipeline: their vocabularies differ)."""
    if id(nlp) not in _FLAGS:
        _FLAGS[id(nlp)] = _LexemeFlags(nlp)
    return _FLAGS[id(nlp)]


class Tokens(NamedTuple):
    """A document's tokens as columns (from ``doc.to_array`` and the per-form flags)."""

    idx: "np.ndarray"  # int64 code-point offset of each token
    length: "np.ndarray"  # int64
    lower: "np.ndarray"  # uint64 hash of the lower-cased form (the pipeline's string store names it)
    is_final: "np.ndarray"  # a sentence-final character (the sentencizer's punct_chars)
    is_punct: "np.ndarray"
    is_space: "np.ndarray"


def token_columns(doc: "Doc", flags_of: _LexemeFlags) -> Tokens:
    from spacy.attrs import IDX, LENGTH, ORTH

    if len(doc) == 0:
        empty_i, empty_b = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        return Tokens(empty_i, empty_i, np.zeros(0, dtype=np.uint64), empty_b, empty_b, empty_b)
    raw = doc.to_array([ORTH, IDX, LENGTH])  # uint64: ORTH holds string hashes
    flags, lower = flags_of.lookup(raw[:, 0])
    arr = raw[:, 1:].astype(np.int64)
    return Tokens(arr[:, 0], arr[:, 1], lower, flags[:, 0], flags[:, 1], flags[:, 2])


def sentence_bounds(doc: "Doc", text: str, flags_of: _LexemeFlags) -> tuple["np.ndarray", "np.ndarray", int]:
    """Sentences by exactly the rule of spaCy's ``Sentencizer``; see :func:`bounds_of_tokens`."""
    return bounds_of_tokens(token_columns(doc, flags_of))


def bounds_of_tokens(tokens: Tokens) -> tuple["np.ndarray", "np.ndarray", int]:
    """Sentences by exactly the rule of spaCy's ``Sentencizer``, computed on token arrays.

    The sentencizer starts a sentence at the first token after a sentence-final character
    (``Sentencizer.default_punct_chars``) that is neither punctuation nor such a character. Its
    ``predict`` builds a Python ``Token`` per word; doing the same test with numpy over
    ``doc.to_array`` gives identical boundaries (tested against the sentencizer) at a fraction of
    the cost, so import stays close to the cost of tokenizing. White-space tokens at either edge
    are trimmed off. Returns ``(starts, ends, words)``: character offsets as int64 arrays and the
    number of words (tokens that are neither punctuation nor white space).
    """
    n = len(tokens.idx)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, 0
    is_pc, is_punct, is_space = tokens.is_final, tokens.is_punct, tokens.is_space
    words = int(np.count_nonzero(~is_punct & ~is_space))
    ordinary = np.flatnonzero(~(is_pc | is_punct))
    cs = np.concatenate(([0], np.cumsum(is_pc)))  # cs[i] = sentence-final chars before token i
    if len(ordinary):
        before = cs[ordinary]
        prev = np.concatenate(([0], before[:-1]))
        first = np.union1d([0], ordinary[before > prev])
    else:
        first = np.array([0])
    last = np.concatenate((first[1:], [n])) - 1
    # trim white-space tokens: the next non-space token from the first, the previous from the last
    positions = np.arange(n)
    next_solid = np.minimum.accumulate(np.where(is_space, n, positions)[::-1])[::-1]
    prev_solid = np.maximum.accumulate(np.where(is_space, -1, positions))
    a, b = next_solid[first], prev_solid[last]
    keep = (a < n) & (b >= 0) & (a <= b)
    a, b = a[keep], b[keep]
    idx, length = tokens.idx, tokens.length
    return idx[a], idx[b] + length[b], words


def sentences(text: str, lang: str) -> list[Unit]:
    nlp = sentence_pipeline(lang)
    starts, ends, _ = sentence_bounds(nlp.tokenizer(text), text, lexeme_flags(nlp))
    return [Unit("sentence", s, e) for s, e in zip(starts.tolist(), ends.tolist())]


@dataclass
class Segmented:
    """One text's units: sentences as two arrays (there are tens of thousands), the rest as Units."""

    sentence_spans: tuple[np.ndarray, np.ndarray]  # int64 starts and ends, sorted
    paragraphs: list[Unit]
    turns: list[Unit]
    words: int
    index: WordIndex | None = None  # the text's word index, when asked for (search is ready at import)

    def units(self) -> list[Unit]:
        starts, ends = self.sentence_spans
        sentences = [Unit("sentence", a, b) for a, b in zip(starts.tolist(), ends.tolist())]
        return sentences + self.paragraphs + self.turns


def segment_texts(
    items: Iterable[tuple[str, str]], speaker_pattern: str | None = None, batch_size: int = 16, index: bool = False
) -> Iterator[Segmented]:
    """Sentences, paragraphs, turns and the word count for many ``(text, lang)`` pairs, in input order;
    with ``index``, each text's word index too, from the same tokens.

    Texts are grouped by language and fed to one ``nlp.pipe`` per language, so a folder whose
    files alternate between Danish and English costs what spaCy's own ``nlp.pipe`` costs.
    """
    items = list(items)
    sents: dict[int, tuple[np.ndarray, np.ndarray, int]] = {}
    indexes: dict[int, WordIndex] = {}
    for lang in dict.fromkeys(lang for _, lang in items):
        idxs = [i for i, (_, lg) in enumerate(items) if lg == lang]
        nlp = sentence_pipeline(lang)
        flags = lexeme_flags(nlp)
        for i, doc in zip(idxs, nlp.tokenizer.pipe((items[i][0] for i in idxs), batch_size=batch_size)):
            tokens = token_columns(doc, flags)
            sents[i] = bounds_of_tokens(tokens)
            if index:
                indexes[i] = word_index(tokens, nlp.vocab.strings)
    for i, (text, _) in enumerate(items):
        starts, ends, words = sents.pop(i)
        paras = paragraphs(text)
        turns = speaker_turns(text, speaker_pattern)
        yield Segmented(clip_sentences(starts, ends, paras, turns, text), paras, turns, words, indexes.pop(i, None))


def segment_many(
    items: Iterable[tuple[str, str]], speaker_pattern: str | None = None, batch_size: int = 16
) -> Iterator[tuple[list[Unit], int]]:
    """``(units, words)`` per text: ``segment_texts`` for callers that want every unit as a ``Unit``."""
    for seg in segment_texts(items, speaker_pattern, batch_size):
        yield seg.units(), seg.words


def clip_sentences(
    starts: np.ndarray, ends: np.ndarray, paras: list[Unit], turns: list[Unit], text: str
) -> tuple[np.ndarray, np.ndarray]:
    """Sentences as a coder means them: never across a blank line, never including a speaker label.

    spaCy's sentencizer happily joins a heading and the first line after it ("Interview 01\n\nI:
    Hej."), or an unpunctuated question and the answer's label. Sentences are cut to the text that
    paragraphs hold, minus every label ("IP: ") of a speaker turn. Vectorised: nearly every
    sentence lies inside one allowed stretch; only the few that cross one are split in Python.
    """
    labels = []
    for t in turns:
        line_start = text.rfind("\n", 0, t.start) + 1
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
    if not allowed or not len(starts):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    a_start = np.array([x for x, _ in allowed], dtype=np.int64)
    a_end = np.array([y for _, y in allowed], dtype=np.int64)
    first = np.searchsorted(a_end, starts, side="right")  # first stretch ending after the start
    last = np.searchsorted(a_start, ends, side="left") - 1  # last stretch starting before the end
    single = first == last
    s = np.maximum(starts[single], a_start[first[single]])
    e = np.minimum(ends[single], a_end[first[single]])
    # sentence_bounds already trimmed white space; only a clipped edge can land on some
    for i in np.flatnonzero((s != starts[single]) | (e != ends[single])).tolist():
        s[i], e[i] = trim(text, int(s[i]), int(e[i]))
    extra = []
    for i in np.flatnonzero(last > first).tolist():  # crosses a blank line or a label: one piece per stretch
        for k in range(first[i], last[i] + 1):
            extra.append(trim(text, max(int(starts[i]), allowed[k][0]), min(int(ends[i]), allowed[k][1])))
    if extra:
        s = np.concatenate((s, np.array([a for a, _ in extra], dtype=np.int64)))
        e = np.concatenate((e, np.array([b for _, b in extra], dtype=np.int64)))
    order = np.lexsort((e, s))
    s, e = s[order], e[order]
    keep = e > s
    return s[keep], e[keep]
