"""Words per code: what the segments of a code talk about, against the rest of the corpus.

Counts come from the search index (spaCy tokens, lower-cased; optionally lemmas). A token counts
for the code if it starts inside the union of the code's segments (overlapping codings count a
word once); everything else in documents of the same language is the reference. Keywords are
ranked by Dunning's log-likelihood G² (Rayson & Garside 2000) with the sign of over- or
under-use; spaCy's stop words for the language are left out of the list but not of the totals.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qualcode.codebook.codes import get_code
from qualcode.coding.codings import list_codings
from qualcode.corpus.wordindex import index_missing
from qualcode.errors import QualcodeError
from qualcode.store.units import from_ints
from qualcode.text.lexicon import lemma_of, stop_words
from qualcode.text.offsets import merge_spans

if TYPE_CHECKING:
    from qualcode.project import Project


@dataclass(frozen=True)
class WordStat:
    word: str
    count: int  # in the code's segments
    rest: int  # in the rest of the documents of that language
    per_1000: float  # per 1,000 words of the segments
    rest_per_1000: float
    ll: float  # signed log-likelihood: > 0 over-used in the code, < 0 under-used


@dataclass
class WordsReport:
    code: str
    language: str
    coder: str | None
    segments: int
    words_in_code: int
    words_in_rest: int
    words: list[WordStat] = field(default_factory=list)
    other_languages: dict[str, int] = field(default_factory=dict)  # segments left out: {language: n}


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Signed G² for a word seen ``a`` times in ``c`` words and ``b`` times in ``d`` words."""
    if c <= 0 or d <= 0 or a + b == 0:
        return 0.0
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    g2 = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
    return g2 if a / c >= b / d else -g2


def words_per_code(
    project: Project,
    code: str | int,
    coder: str | None = None,
    include_children: bool = False,
    language: str | None = None,
    lemmas: bool = False,
    top: int = 30,
    min_count: int = 2,
    sort: str = "ll",
    keep_stop_words: bool = False,
) -> WordsReport:
    """Frequencies and keywords of the words in a code's segments against the rest of the corpus."""
    if sort not in ("ll", "count"):
        raise QualcodeError("sort by 'll' (keyness) or 'count'")
    target = get_code(project, code)
    rows = list_codings(project, code=target.id, coder=coder, include_children=include_children)
    if not rows:
        who = f" by {coder}" if coder else ""
        raise QualcodeError(f"'{target.path}' has no codings{who}")
    langs = dict(project.db.execute("SELECT id, language FROM documents").fetchall())
    seg_langs = Counter(langs[r["document_id"]] for r in rows)
    lang = language or seg_langs.most_common(1)[0][0]
    rows = [r for r in rows if langs[r["document_id"]] == lang]
    if not rows:
        raise QualcodeError(f"'{target.path}' has no codings in {lang} documents; languages: {dict(seg_langs)}")
    spans: dict[int, list[tuple[int, int]]] = {}
    for r in rows:
        spans.setdefault(r["document_id"], []).append((r["start"], r["end"]))
    index_missing(project)
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    docs = project.db.execute("SELECT id, text_sha256 FROM documents WHERE language = ?", [lang]).fetchall()
    for doc_id, sha in docs:
        merged = merge_spans(spans.get(doc_id, []))
        s_arr = np.array([s for s, _ in merged], dtype=np.int64)
        e_arr = np.array([e for _, e in merged], dtype=np.int64)
        for form, starts in project.db.execute("SELECT form, starts FROM search_postings WHERE text_sha256 = ?", [sha]):
            if not any(ch.isalpha() for ch in form):
                continue
            pos = np.asarray(from_ints(starts), dtype=np.int64)
            if len(merged):
                i = np.searchsorted(s_arr, pos, side="right") - 1
                hit = (i >= 0) & (pos < e_arr[np.maximum(i, 0)])
                n_in = int(hit.sum())
            else:
                n_in = 0
            key = lemma_of(form, lang) if lemmas else form
            if n_in:
                inside[key] += n_in
            if len(pos) - n_in:
                outside[key] += len(pos) - n_in
    c, d = sum(inside.values()), sum(outside.values())
    stops = set() if keep_stop_words else stop_words(lang)
    stats = []
    for w, a in inside.items():
        if a < min_count or w in stops:
            continue
        b = outside.get(w, 0)
        stats.append(
            WordStat(w, a, b, 1000 * a / c if c else 0.0, 1000 * b / d if d else 0.0, log_likelihood(a, b, c, d))
        )
    key = (lambda s: (-s.ll, -s.count, s.word)) if sort == "ll" else (lambda s: (-s.count, -s.ll, s.word))
    stats.sort(key=key)
    others = {k: v for k, v in seg_langs.items() if k != lang}
    return WordsReport(target.path, lang, coder, len(rows), c, d, stats[:top] if top else stats, others)
