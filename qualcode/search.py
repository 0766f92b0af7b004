"""Search the corpus: exact words and phrases, regular expressions, lemmas, and fuzzy spellings.

Exact, lemma and fuzzy search go through a token index built once per text and stored in the
project file (``search_docs``, ``search_vocab``, ``search_postings``), keyed by the text's SHA-256:
texts are immutable, so an index row never goes stale — a revised text simply has a new hash and is
indexed on the next search. The index holds, per text and lower-cased word form, the code-point
spans and token ordinals of its occurrences; the vocabulary maps each form to its lemma (spaCy's
lookup lemmatizer, no downloaded models). A query is a sequence of words; each word becomes a set
of forms (itself; the forms sharing its lemma; the forms within a rapidfuzz ratio of it) and a
phrase matches where those forms stand on consecutive tokens. ``a|b`` offers alternatives for one
word, e.g. ``hjælp|hjælpe`` (the Danish table keeps the noun and the verb as separate lemmas).

Regex search scans the texts themselves. The index is derived data: written outside the event
log, rebuilt with ``build_index(project, rebuild=True)``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.store.derived import derived_tx
from qualcode.store.units import from_ints
from qualcode.corpus.attributes import attribute_types, document_attributes
from qualcode.corpus.documents import document_units, get_document

if TYPE_CHECKING:
    from qualcode.project import Project

MODES = ("exact", "regex", "lemma", "fuzzy")
INDEX_TABLES = ("search_postings", "search_vocab", "search_docs")
DEFAULT_THRESHOLD = 85.0
Progress = Callable[[int, int, str], None]


# ---------------------------------------------------------------------------------------- filters
@dataclass
class SearchFilter:
    """Which part of the corpus to search. Empty fields mean "everything"."""

    documents: list[str | int] = field(default_factory=list)   # ids, names or GUIDs
    kind: str | None = None                                     # interview | fieldnote | other
    language: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)    # name -> value (case-insensitive)
    speakers: list[str] = field(default_factory=list)           # only hits inside these speakers' turns

    @classmethod
    def parse_attributes(cls, pairs: Iterable[str]) -> dict[str, str]:
        out = {}
        for p in pairs:
            if "=" not in p:
                raise QualcodeError(f"attribute filter '{p}' should look like name=value, e.g. site=Vesterbro")
            k, v = p.split("=", 1)
            out[k.strip()] = v.strip()
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    document_id: int
    document: str
    start: int
    end: int
    form: str = ""          # the indexed form(s) that matched, lower-cased
    score: float = 100.0    # fuzzy similarity (100 for exact, lemma and regex)


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[Hit]
    documents_searched: int
    forms: dict[str, float] = field(default_factory=dict)  # matched forms and their scores

    def __len__(self) -> int:
        return len(self.hits)


@dataclass(frozen=True, slots=True)
class KwicLine:
    document_id: int
    document: str
    start: int
    end: int
    left: str
    match: str
    right: str

    def plain(self, width: int) -> str:
        return f"{self.left:>{width}} [{self.match}] {self.right:<{width}}"


def select_documents(project: "Project", flt: SearchFilter | None = None) -> list[dict]:
    """Documents (id, name, language, text_sha256, sort_order) that a filter keeps, in project order."""
    flt = flt or SearchFilter()
    sql = "SELECT id, name, guid, kind, language, text_sha256, sort_order FROM documents"
    where, params = [], []
    if flt.kind:
        where.append("kind = ?")
        params.append(flt.kind)
    if flt.language:
        where.append("language = ?")
        params.append(flt.language)
    if where:
        sql += " WHERE " + " AND ".join(where)
    docs = list(project.db.query(sql + " ORDER BY sort_order, name", params))
    if flt.documents:
        wanted = {get_document(project, ref)["id"] for ref in flt.documents}
        docs = [d for d in docs if d["id"] in wanted]
    if flt.attributes:
        known = attribute_types(project)
        for name in flt.attributes:
            if name not in known:
                raise QualcodeError(f"no attribute '{name}'; known: {', '.join(known) or 'none'}")
        attrs = document_attributes(project)
        docs = [d for d in docs if all(
            _same(attrs.get(d["id"], {}).get(k), v) for k, v in flt.attributes.items())]
    return docs


def _same(value: Any, wanted: str) -> bool:
    if value is None:
        return wanted == ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).casefold() == wanted.casefold()


# ---------------------------------------------------------------------------------------- index
@lru_cache(maxsize=8)
def _lemma_table(lang: str):
    from qualcode.text.nlp import lemma_pipeline

    nlp = lemma_pipeline(lang)
    if "lemmatizer" in nlp.pipe_names:
        try:
            return nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        except Exception:  # pragma: no cover - a language without a lookup table
            return None
    return None


def lemma_of(form: str, lang: str) -> str:
    """The lookup lemma of a lower-cased form (the form itself if the table does not know it)."""
    table = _lemma_table(lang)
    if table is None:
        return form
    lemma = table.get(form, form)
    return lemma.lower() if isinstance(lemma, str) else form


def tokenize(text: str, lang: str) -> list[tuple[str, int, int, bool]]:
    """``(lower form, start, end, is_punct)`` of the non-space tokens of a text (spaCy's tokenizer).

    The blank pipeline's tokenizer is the lemma pipeline's too, without loading the lemma tables.
    """
    from qualcode.text.nlp import sentence_pipeline

    doc = sentence_pipeline(lang).tokenizer(text)
    return [(t.lower_, t.idx, t.idx + len(t.text), t.is_punct) for t in doc if not t.is_space]


def index_status(project: "Project") -> tuple[int, int]:
    """(documents indexed, documents in the project)."""
    total = project.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    done = project.db.execute(
        "SELECT COUNT(*) FROM documents d JOIN search_docs s ON s.text_sha256 = d.text_sha256 "
        "AND s.language = d.language").fetchone()[0]
    return done, total


def build_index(project: "Project", rebuild: bool = False, progress: Progress | None = None,
                batch_size: int = 64) -> int:
    """Index every text not yet indexed (all of them with ``rebuild``); returns how many were indexed.

    Derived data: written in its own SQLite transaction, not as an event (like text units).
    """
    db = project.db
    if rebuild:
        with derived_tx(project, INDEX_TABLES) as conn:
            for t in INDEX_TABLES:
                conn.execute(f"DELETE FROM {t}")
    todo = db.execute(
        "SELECT d.id, d.text_sha256, d.language FROM documents d LEFT JOIN search_docs s "
        "ON s.text_sha256 = d.text_sha256 AND s.language = d.language WHERE s.text_sha256 IS NULL "
        "ORDER BY d.id").fetchall()
    if not todo:
        return 0
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER

    from qualcode.text.nlp import sentence_pipeline

    seen: set[tuple[str, str]] = set()
    todo = [t for t in todo if (t[1], t[2]) not in seen and not seen.add((t[1], t[2]))]
    by_lang: dict[str, list[tuple[int, str]]] = {}
    for doc_id, sha, lang in todo:
        by_lang.setdefault(lang, []).append((doc_id, sha))
    done = 0
    for lang, items in by_lang.items():
        nlp = sentence_pipeline(lang)  # the tokenizer; lemma tables load only for new forms
        strings = nlp.vocab.strings
        known_forms = {r[0] for r in db.execute("SELECT form FROM search_vocab WHERE language = ?", [lang])}
        for k in range(0, len(items), batch_size * 8):
            chunk = items[k:k + batch_size * 8]
            ids = [i for i, _ in chunk]
            texts = dict(db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids))
            postings, docs_rows, new_vocab = [], [], []
            for (doc_id, sha), doc in zip(chunk, nlp.tokenizer.pipe((texts[i] for i in ids), batch_size=batch_size)):
                arr = doc.to_array([LOWER, IDX, LENGTH, IS_SPACE, IS_PUNCT]) if len(doc) else np.zeros((0, 5), "uint64")
                keep = arr[:, 3] == 0
                arr = arr[keep]
                ordinals = np.arange(len(arr), dtype=np.int64)
                words = arr[:, 4] == 0
                arr, ordinals = arr[words], ordinals[words]
                order = np.argsort(arr[:, 0], kind="stable")
                lowers, idx = arr[order, 0], arr[order, 1].astype(np.int64)
                ends, ords = idx + arr[order, 2].astype(np.int64), ordinals[order]
                if len(lowers):
                    cuts = np.flatnonzero(np.diff(lowers)) + 1
                    bounds = np.concatenate(([0], cuts, [len(lowers)]))
                    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
                        form = strings[int(lowers[a])]
                        postings.append((form, sha, idx[a:b].astype("<i4").tobytes(),
                                         ends[a:b].astype("<i4").tobytes(), ords[a:b].astype("<i4").tobytes()))
                        if form not in known_forms:
                            known_forms.add(form)
                            new_vocab.append((form, lang, lemma_of(form, lang)))
                docs_rows.append((sha, lang, int(len(ordinals))))
            with derived_tx(project, INDEX_TABLES) as conn:
                conn.executemany("INSERT OR REPLACE INTO search_postings "
                                 "(form, text_sha256, starts, ends, ordinals) VALUES (?,?,?,?,?)", postings)
                conn.executemany("INSERT OR IGNORE INTO search_vocab (form, language, lemma) VALUES (?,?,?)",
                                 new_vocab)
                conn.executemany("INSERT OR REPLACE INTO search_docs (text_sha256, language, tokens) VALUES (?,?,?)",
                                 docs_rows)
            done += len(chunk)
            if progress:
                progress(done, len(todo), "indexing")
    _prune(project)
    return done


def _prune(project: "Project") -> None:
    """Drop index rows of texts no longer in the project (e.g. superseded by a revision)."""
    db = project.db
    stale = [r[0] for r in db.execute(
        "SELECT s.text_sha256 FROM search_docs s LEFT JOIN documents d ON d.text_sha256 = s.text_sha256 "
        "WHERE d.id IS NULL")]
    if not stale:
        return
    with derived_tx(project, INDEX_TABLES) as conn:
        for sha in stale:
            conn.execute("DELETE FROM search_postings WHERE text_sha256 = ?", [sha])
            conn.execute("DELETE FROM search_docs WHERE text_sha256 = ?", [sha])


# ---------------------------------------------------------------------------------------- queries
def query_words(query: str, lang: str, project: "Project | None" = None) -> list[list[str]]:
    """A query as positions of alternative lower-cased words: ``"hjælp|hjælpe mig"`` → [[hjælp, hjælpe], [mig]].

    A word already in the project's vocabulary is a spaCy token by construction, so it is used as
    is; anything else goes through the tokenizer (this keeps spaCy out of most searches' start-up).
    """
    positions: list[list[str]] = []
    for chunk in query.split():
        alts = []
        for alt in chunk.split("|"):
            if not alt:
                continue
            known = project is not None and project.db.execute(
                "SELECT 1 FROM search_vocab WHERE language = ? AND form = ?", [lang, alt.lower()]).fetchone()
            toks = [alt.lower()] if known else [f for f, _, _, punct in tokenize(alt, lang) if not punct]
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


def _forms_for(project: "Project", words: list[str], mode: str, lang: str, threshold: float) -> dict[str, float]:
    db = project.db
    if mode == "exact":
        return {w: 100.0 for w in words}
    if mode == "lemma":
        lemmas = {_vocab_lemma(project, w, lang) or lemma_of(w, lang) for w in words} | set(words)
        marks = ",".join("?" * len(lemmas))
        forms = {r[0]: 100.0 for r in db.execute(
            f"SELECT form FROM search_vocab WHERE language = ? AND lemma IN ({marks})", [lang, *lemmas])}
        forms.update({w: 100.0 for w in words})
        return forms
    from rapidfuzz import fuzz, process

    vocab = _vocab(project, lang)
    out: dict[str, float] = {}
    for w in words:
        for form, score, _ in process.extract(w, vocab, scorer=fuzz.ratio, score_cutoff=threshold, limit=None):
            out[form] = max(out.get(form, 0.0), float(score))
    return out


def _vocab_lemma(project: "Project", form: str, lang: str) -> str | None:
    row = project.db.execute("SELECT lemma FROM search_vocab WHERE language = ? AND form = ?", [lang, form]).fetchone()
    return row[0] if row else None


def _vocab(project: "Project", lang: str) -> list[str]:
    return [r[0] for r in project.db.execute("SELECT form FROM search_vocab WHERE language = ?", [lang])]


def search(project: "Project", query: str, mode: str = "exact", flt: SearchFilter | None = None,
           threshold: float = DEFAULT_THRESHOLD, case_sensitive: bool = False,
           progress: Progress | None = None) -> SearchResult:
    """Every occurrence of ``query`` in the filtered corpus, in document order.

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
    docs = select_documents(project, flt)
    if mode == "regex":
        hits = _regex_hits(project, query, docs, case_sensitive)
        forms: dict[str, float] = {}
    else:
        build_index(project, progress=progress)
        hits, forms = _index_hits(project, query, mode, docs, threshold)
    if flt and flt.speakers:
        hits = _in_speaker_turns(project, hits, flt.speakers)
    return SearchResult(query, mode, hits, len(docs), forms)


def _regex_hits(project: "Project", pattern: str, docs: list[dict], case_sensitive: bool) -> list[Hit]:
    try:
        rx = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
    except re.error as e:
        raise QualcodeError(f"not a valid regular expression: {e}") from None
    hits: list[Hit] = []
    for k in range(0, len(docs), 500):
        chunk = docs[k:k + 500]
        ids = [d["id"] for d in chunk]
        marks = ",".join("?" * len(ids))
        texts = dict(project.db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", ids))
        for d in chunk:
            for m in rx.finditer(texts[d["id"]]):
                if m.end() > m.start():
                    hits.append(Hit(d["id"], d["name"], m.start(), m.end(), m.group().lower()))
    return hits


def _index_hits(project: "Project", query: str, mode: str, docs: list[dict],
                threshold: float) -> tuple[list[Hit], dict[str, float]]:
    by_lang: dict[str, dict[str, list[dict]]] = {}
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
        per_doc: dict[str, dict[str, tuple]] = {}
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


def _postings(project: "Project", forms: set[str], shas: set[str]):
    """Posting rows of these forms; narrowed in SQL to the texts wanted when they are few."""
    forms_l = sorted(forms)
    out = []
    for k in range(0, len(forms_l), 500):
        part = forms_l[k:k + 500]
        sql = ("SELECT form, text_sha256, starts, ends, ordinals FROM search_postings "
               f"WHERE form IN ({','.join('?' * len(part))})")
        params: list = list(part)
        if len(shas) <= 500:
            sql += f" AND text_sha256 IN ({','.join('?' * len(shas))})"
            params += sorted(shas)
        out += project.db.execute(sql, params).fetchall()
    return out


def _phrase(postings: dict[str, tuple], form_sets: list[dict[str, float]]):
    """Spans where position k's forms stand at ordinal o+k, for every k."""
    if len(form_sets) == 1:
        for form, score in form_sets[0].items():
            if form in postings:
                s, e, _ = postings[form]
                for a, b in zip(from_ints(s), from_ints(e)):
                    yield a, b, form, score
        return
    at: list[dict[int, tuple[int, int, str, float]]] = []
    for fs in form_sets:
        m: dict[int, tuple[int, int, str, float]] = {}
        for form, score in fs.items():
            if form in postings:
                s, e, o = postings[form]
                for a, b, c in zip(from_ints(s), from_ints(e), from_ints(o)):
                    m[c] = (a, b, form, score)
        if not m:
            return
        at.append(m)
    for o, (a, _, f0, sc0) in at[0].items():
        parts = [at[k].get(o + k) for k in range(1, len(at))]
        if all(parts):
            yield a, parts[-1][1], " ".join([f0] + [p[2] for p in parts]), min([sc0] + [p[3] for p in parts])


def _in_speaker_turns(project: "Project", hits: list[Hit], speakers: list[str]) -> list[Hit]:
    wanted = {s.casefold() for s in speakers}
    out, cache = [], {}
    for h in hits:
        if h.document_id not in cache:
            turns = [u for u in document_units(project, h.document_id, "turn")
                     if u["speaker"] and u["speaker"].casefold() in wanted]
            cache[h.document_id] = ([u["start"] for u in turns], turns)
        starts, turns = cache[h.document_id]
        i = bisect.bisect_right(starts, h.start) - 1
        if i >= 0 and turns[i]["start"] <= h.start and h.end <= turns[i]["end"]:
            out.append(h)
    return out


# ---------------------------------------------------------------------------------------- display
def kwic(project: "Project", hits: Iterable[Hit], width: int = 40) -> list[KwicLine]:
    """Keyword-in-context lines: ``width`` characters either side, line breaks shown as spaces."""
    texts: dict[int, str] = {}
    out = []
    for h in hits:
        if h.document_id not in texts:
            texts[h.document_id] = project.db.execute("SELECT text FROM documents WHERE id = ?",
                                                      [h.document_id]).fetchone()[0]
        t = texts[h.document_id]
        left = t[max(0, h.start - width):h.start]
        right = t[h.end:h.end + width]
        out.append(KwicLine(h.document_id, h.document, h.start, h.end, _flat(left), _flat(t[h.start:h.end]),
                            _flat(right)))
    return out


def _flat(s: str) -> str:
    return re.sub(r"\s", " ", s)
