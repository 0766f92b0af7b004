"""Running a query: exact words and phrases, lemmas and fuzzy spellings through the index; regular
expressions over the texts; then, if asked, only what was said in some speakers' turns.

A query is a sequence of words; each word becomes a set of forms (itself; the forms sharing its
lemma; the forms within a rapidfuzz ratio of it) and a phrase matches where those forms stand on
consecutive tokens. ``a|b`` offers alternatives for one word, e.g. ``hjælp|hjælpe``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from qualcode.corpus.documents import document_units
from qualcode.corpus.filters import DocumentFilter
from qualcode.corpus.wordindex import Progress, fill_lemmas, index_missing, splits
from qualcode.errors import QualcodeError
from qualcode.search.modes import DEFAULT_THRESHOLD, MODES
from qualcode.search.results import Hit, SearchResult
from qualcode.store.units import from_ints
from qualcode.text.lexicon import lemma_of

if TYPE_CHECKING:
    from qualcode.project import Project

Row = dict[str, Any]  # a document row (id, name, language, text_sha256, ...)
Postings = tuple[bytes, bytes | None, bytes]  # packed starts, ends (None: start + len(form)), ordinals
Span = tuple[int, int, str, float]  # start, end, matched form(s), score


def tokenize(text: str, lang: str) -> list[tuple[str, int, int, bool]]:
    """``(lower form, start, end, is_punct)`` of the non-space tokens of a text (spaCy's tokenizer,
    the one that made the index)."""
    from qualcode.text.nlp import sentence_pipeline

    doc = sentence_pipeline(lang).tokenizer(text)
    return [(t.lower_, t.idx, t.idx + len(t.text), t.is_punct) for t in doc if not t.is_space]


def query_words(query: str, lang: str, project: Project | None = None) -> list[list[str]]:
    """A query as positions of alternative lower-cased words: ``"hjælp|hjælpe mig"`` → [[hjælp, hjælpe], [mig]].

    Each word is tokenized as the texts were. Without loading spaCy where possible: a word in the
    project's vocabulary is a token by construction; a word of letters only is one token unless the
    tokenizer's rules cut it ("cannot"), and those rules are recorded with the index.
    """
    rules = splits(project, lang) if project is not None else None
    positions: list[list[str]] = []
    for chunk in query.split():
        alts = []
        for alt in chunk.split("|"):
            if not alt:
                continue
            known = (
                project is not None
                and project.db.execute(
                    "SELECT 1 FROM search_vocab WHERE language = ? AND form = ?", [lang, alt.lower()]
                ).fetchone()
            )
            if known:
                toks = [alt.lower()]
            elif rules is not None and alt.isalpha():
                toks = rules.get(alt, [alt.lower()])
            else:
                toks = [f for f, _, _, punct in tokenize(alt, lang) if not punct]
            if len(toks) > 1 and "|" in chunk:
                raise QualcodeError(f"alternatives are single words: '{alt}' splits into {', '.join(toks)}")
            if len(toks) > 1:
                positions.extend([t] for t in toks)
            elif toks:
                alts.append(toks[0])
        if alts:
            positions.append(alts)
    if not positions:
        raise QualcodeError("the query has no words to search for")
    return positions


def _forms_for(project: Project, words: list[str], mode: str, lang: str, threshold: float) -> dict[str, float]:
    db = project.db
    if mode == "exact":
        return dict.fromkeys(words, 100.0)
    if mode == "lemma":
        fill_lemmas(project, lang)  # forms new since the last lemma search
        lemmas = {_vocab_lemma(project, w, lang) or lemma_of(w, lang) for w in words} | set(words)
        marks = ",".join("?" * len(lemmas))
        forms = {
            r[0]: 100.0
            for r in db.execute(
                f"SELECT form FROM search_vocab WHERE language = ? AND lemma IN ({marks})", [lang, *lemmas]
            )
        }
        forms.update(dict.fromkeys(words, 100.0))
        return forms
    from rapidfuzz import fuzz, process

    vocab = _vocab(project, lang)
    out: dict[str, float] = {}
    for w in words:
        for form, score, _ in process.extract(w, vocab, scorer=fuzz.ratio, score_cutoff=threshold, limit=None):
            out[form] = max(out.get(form, 0.0), float(score))
    return out


def _vocab_lemma(project: Project, form: str, lang: str) -> str | None:
    row = project.db.execute("SELECT lemma FROM search_vocab WHERE language = ? AND form = ?", [lang, form]).fetchone()
    return row[0] if row else None


def _vocab(project: Project, lang: str) -> list[str]:
    return [r[0] for r in project.db.execute("SELECT form FROM search_vocab WHERE language = ?", [lang])]


def search(
    project: Project,
    query: str,
    mode: str = "exact",
    flt: DocumentFilter | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    case_sensitive: bool = False,
    progress: Progress | None = None,
    speakers: Sequence[str] = (),
) -> SearchResult:
    """Every occurrence of ``query`` in the filtered corpus (``speakers``: only inside their turns),
    in document order.

    exact: whole words, case-insensitive (a phrase matches consecutive tokens); regex: Python
    ``re`` over the texts; lemma: any form whose lookup lemma is the query word's lemma; fuzzy:
    forms whose ``rapidfuzz.fuzz.ratio`` to the query word is at least ``threshold`` (0–100).
    """
    if mode not in MODES:
        raise QualcodeError(f"search mode must be one of {', '.join(MODES)}, not '{mode}'")
    if not query.strip():
        raise QualcodeError("the query is empty")
    if mode == "fuzzy" and not 0 < threshold <= 100:
        raise QualcodeError("the fuzzy threshold is a similarity from 1 to 100 (e.g. 85)")
    docs = (flt or DocumentFilter()).select(project)
    if mode == "regex":
        hits = _regex_hits(project, query, docs, case_sensitive)
        forms: dict[str, float] = {}
    else:
        index_missing(project, progress=progress)  # nothing to do for texts imported by this version
        hits, forms = _index_hits(project, query, mode, docs, threshold)
    if speakers:
        hits = _in_speaker_turns(project, hits, list(speakers))
    return SearchResult(query, mode, hits, len(docs), forms)


def _regex_hits(project: Project, pattern: str, docs: list[Row], case_sensitive: bool) -> list[Hit]:
    try:
        rx = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
    except re.error as e:
        raise QualcodeError(f"not a valid regular expression: {e}") from None
    hits: list[Hit] = []
    for k in range(0, len(docs), 500):
        chunk = docs[k : k + 500]
        ids = [d["id"] for d in chunk]
        marks = ",".join("?" * len(ids))
        texts = dict(project.db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", ids))
        for d in chunk:
            for m in rx.finditer(texts[d["id"]]):
                if m.end() > m.start():
                    hits.append(Hit(d["id"], d["name"], m.start(), m.end(), m.group().lower()))
    return hits


def _index_hits(
    project: Project, query: str, mode: str, docs: list[Row], threshold: float
) -> tuple[list[Hit], dict[str, float]]:
    by_lang: dict[str, dict[str, list[Row]]] = {}
    for d in docs:
        by_lang.setdefault(d["language"], {}).setdefault(d["text_sha256"], []).append(d)
    hits: list[Hit] = []
    all_forms: dict[str, float] = {}
    for lang, by_sha in by_lang.items():
        positions = query_words(query, lang, project)
        form_sets = [_forms_for(project, words, mode, lang, threshold) for words in positions]
        for fs in form_sets:
            all_forms.update(fs)
        if not all(form_sets):
            continue
        wanted = set().union(*form_sets)
        rows = _postings(project, wanted, set(by_sha))
        per_doc: dict[str, dict[str, Postings]] = {}
        for form, sha, s, e, o in rows:
            if sha in by_sha:
                per_doc.setdefault(sha, {})[form] = (s, e, o)
        for sha, postings in per_doc.items():
            for start, end, form, score in _phrase(postings, form_sets):
                for d in by_sha[sha]:
                    hits.append(Hit(d["id"], d["name"], start, end, form, score))
    order = {d["id"]: k for k, d in enumerate(docs)}
    hits.sort(key=lambda h: (order[h.document_id], h.start, h.end))
    return hits, all_forms


def _postings(project: Project, forms: set[str], shas: set[str]) -> list[tuple[str, str, bytes, bytes | None, bytes]]:
    """Posting rows of these forms; narrowed in SQL to the texts wanted when they are few."""
    forms_l = sorted(forms)
    out: list[tuple[str, str, bytes, bytes | None, bytes]] = []
    for k in range(0, len(forms_l), 500):
        part = forms_l[k : k + 500]
        sql = (
            "SELECT form, text_sha256, starts, ends, ordinals FROM search_postings "
            f"WHERE form IN ({','.join('?' * len(part))})"
        )
        params: list[str] = list(part)
        if len(shas) <= 500:
            sql += f" AND text_sha256 IN ({','.join('?' * len(shas))})"
            params += sorted(shas)
        out += project.db.execute(sql, params).fetchall()
    return out


def _ends(form: str, starts: bytes, ends: bytes | None) -> Sequence[int]:
    """The stored ends, or (when left out because every occurrence is as long as the form) made."""
    if ends is not None:
        return from_ints(ends)
    n = len(form)
    return [a + n for a in from_ints(starts)]


def _phrase(postings: dict[str, Postings], form_sets: list[dict[str, float]]) -> Iterator[Span]:
    """Spans where position k's forms stand at ordinal o+k, for every k."""
    if len(form_sets) == 1:
        for form, score in form_sets[0].items():
            if form in postings:
                s, e, _ = postings[form]
                for a, b in zip(from_ints(s), _ends(form, s, e)):
                    yield a, b, form, score
        return
    at: list[dict[int, Span]] = []
    for fs in form_sets:
        m: dict[int, Span] = {}
        for form, score in fs.items():
            if form in postings:
                s, e, ords = postings[form]
                for a, b, c in zip(from_ints(s), _ends(form, s, e), from_ints(ords)):
                    m[c] = (a, b, form, score)
        if not m:
            return
        at.append(m)
    for o, (a, _, f0, sc0) in at[0].items():
        maybe = [at[k].get(o + k) for k in range(1, len(at))]
        if all(maybe):
            parts = cast(list[Span], maybe)  # all() held: none is missing
            yield a, parts[-1][1], " ".join([f0] + [p[2] for p in parts]), min([sc0] + [p[3] for p in parts])


def _in_speaker_turns(project: Project, hits: list[Hit], speakers: list[str]) -> list[Hit]:
    wanted = {s.casefold() for s in speakers}
    out, cache = [], {}
    for h in hits:
        if h.document_id not in cache:
            turns = [
                u
                for u in document_units(project, h.document_id, "turn")
                if u["speaker"] and u["speaker"].casefold() in wanted
            ]
            cache[h.document_id] = ([u["start"] for u in turns], turns)
        starts, turns = cache[h.document_id]
        i = bisect.bisect_right(starts, h.start) - 1
        if i >= 0 and turns[i]["start"] <= h.start and h.end <= turns[i]["end"]:
            out.append(h)
    return out
