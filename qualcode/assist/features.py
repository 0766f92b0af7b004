"""What the assistant reads: a document's units and the lemmas in each, from the project's word index.

Units are the ones stored at import (sentences, turns, paragraphs — ``corpus.documents.unit_arrays``),
the same the agreement statistics use. A unit's words come from the word index written with each text
(``search_postings``: every lower-cased form with its code-point starts and token ordinals) and their
lemmas from ``search_vocab`` (spaCy's lookup tables, filled in per language): no tokenizer runs and
nothing is downloaded. The features of a unit are its lemmas (unigrams) and pairs of adjacent lemmas
(bigrams: consecutive token ordinals, so no punctuation between them), weighted by TF-IDF —
``1 + ln(tf)`` times ``ln((1 + n) / (1 + df)) + 1``, each unit's vector scaled to length 1 (what
scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` computes). The vectoriser is written here, not
taken from scikit-learn, so a stored model is plain arrays and suggestions need numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qualcode.corpus.documents import unit_arrays
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.project import Project

UNITS = ("sentence", "turn", "paragraph")
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class UnitTable:
    """Units of some documents in document order: where each is, and the features of each."""

    doc_ids: IntArray  # per unit
    starts: IntArray
    ends: IntArray
    features: list[list[str]]  # per unit: lemmas, then "lemma lemma" bigrams
    tokens: list[list[tuple[int, int, str]]] | None = None  # per unit (start, end, lemma), when asked

    def __len__(self) -> int:
        return len(self.starts)

    def subset(self, mask: npt.NDArray[np.bool_]) -> UnitTable:
        keep = np.flatnonzero(mask).tolist()
        return UnitTable(
            self.doc_ids[keep],
            self.starts[keep],
            self.ends[keep],
            [self.features[i] for i in keep],
            None if self.tokens is None else [self.tokens[i] for i in keep],
        )


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise QualcodeError(f"unknown unit '{unit}'; the assistant learns on one of {', '.join(UNITS)}")
    return unit


def document_units(project: Project, unit: str, documents: Sequence[dict[str, Any]]) -> tuple[IntArray, ...]:
    """(document ids, starts, ends) of the units of ``documents`` in their order (no word index read):
    enough to label units, before anything is written."""
    stored = unit_arrays(project, unit, [d["id"] for d in documents])
    ids, starts, ends = [], [], []
    for d in documents:
        if d["id"] not in stored:
            continue
        s, e = stored[d["id"]]
        keep = e > s
        s, e = s[keep], e[keep]
        order = np.argsort(s, kind="stable")
        starts.append(s[order])
        ends.append(e[order])
        ids.append(np.full(len(s), d["id"], dtype=np.int64))
    if not starts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(ids), np.concatenate(starts), np.concatenate(ends)


def _ensure_index(project: Project, documents: Sequence[dict[str, Any]]) -> None:
    """Index any of these texts the word index lacks (an older project); derived data, never an event."""
    shas = sorted({d["text_sha256"] for d in documents})
    have = {
        r[0]
        for r in project.db.execute(
            f"SELECT text_sha256 FROM search_docs WHERE text_sha256 IN ({','.join('?' * len(shas))})", shas
        )
    }
    if set(shas) - have:
        from qualcode.corpus.wordindex import index_missing

        index_missing(project)


def _lemmas(project: Project, language: str) -> dict[str, str]:
    """form → lemma for a language, filling in lemmas not yet looked up (derived data, as search does)."""
    rows = project.db.execute("SELECT form, lemma FROM search_vocab WHERE language = ?", [language]).fetchall()
    if any(lemma is None for _, lemma in rows):
        from qualcode.corpus.wordindex import fill_lemmas

        fill_lemmas(project, language)
        rows = project.db.execute("SELECT form, lemma FROM search_vocab WHERE language = ?", [language]).fetchall()
    return {form: (lemma or form) for form, lemma in rows}


def _tokens(project: Project, sha: str, lemmas: dict[str, str]) -> tuple[IntArray, IntArray, IntArray, list[str]]:
    """A text's word tokens in text order: (ordinals, starts, ends, lemmas)."""
    forms: list[str] = []
    starts: list[IntArray] = []
    ordinals: list[IntArray] = []
    ends: list[IntArray] = []
    for form, s_blob, e_blob, o_blob in project.db.execute(
        "SELECT form, starts, ends, ordinals FROM search_postings WHERE text_sha256 = ?", [sha]
    ):
        s = np.frombuffer(s_blob, dtype="<i4").astype(np.int64)
        forms.append(form)
        starts.append(s)
        ends.append(np.frombuffer(e_blob, dtype="<i4").astype(np.int64) if e_blob else s + len(form))
        ordinals.append(np.frombuffer(o_blob, dtype="<i4").astype(np.int64))
    if not forms:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, []
    counts = [len(s) for s in starts]
    form_of = np.repeat(np.arange(len(forms)), counts)
    o, s, e = np.concatenate(ordinals), np.concatenate(starts), np.concatenate(ends)
    order = np.argsort(o, kind="stable")
    lemma_of = [lemmas.get(f, f) for f in forms]
    return o[order], s[order], e[order], [lemma_of[k] for k in form_of[order].tolist()]


def unit_table(project: Project, unit: str, documents: Sequence[dict[str, Any]], positions: bool = False) -> UnitTable:
    """Every unit of ``documents`` (rows with id, text_sha256, language) with its features.

    May write derived data (the word index of a text that has none, lemmas not yet looked up): call
    it after the input is checked, so a refused command leaves the file as it was. ``positions``: also
    each unit's word tokens (start, end, lemma), for showing passages."""
    doc_ids, starts, ends = document_units(project, unit, documents)
    if not len(starts):
        return UnitTable(doc_ids, starts, ends, [])
    _ensure_index(project, documents)
    lemma_maps: dict[str, dict[str, str]] = {}
    features: list[list[str]] = [[] for _ in range(len(starts))]
    tokens: list[list[tuple[int, int, str]]] | None = [[] for _ in range(len(starts))] if positions else None
    first = {int(d): int(i) for i, d in reversed(list(enumerate(doc_ids.tolist())))}
    for d in documents:
        if d["id"] not in first:
            continue
        lang = d["language"] or "en"
        if lang not in lemma_maps:
            lemma_maps[lang] = _lemmas(project, lang)
        ords, tok_starts, tok_ends, lems = _tokens(project, d["text_sha256"], lemma_maps[lang])
        lo = first[d["id"]]
        hi = lo + int(np.count_nonzero(doc_ids[lo:] == d["id"]))
        u_starts, u_ends = starts[lo:hi], ends[lo:hi]
        at = np.searchsorted(u_starts, tok_starts, side="right") - 1
        inside = (at >= 0) & (tok_starts < u_ends[np.maximum(at, 0)])
        unit_of = np.where(inside, at, -1).tolist()
        ord_list = ords.tolist()
        prev_unit, prev_ord, prev_lemma = -1, -10, ""
        for k, u in enumerate(unit_of):
            if u < 0:
                prev_unit = -1
                continue
            feats = features[lo + u]
            lemma = lems[k]
            feats.append(lemma)
            if tokens is not None:
                tokens[lo + u].append((int(tok_starts[k]), int(tok_ends[k]), lemma))
            if u == prev_unit and ord_list[k] == prev_ord + 1:
                feats.append(f"{prev_lemma} {lemma}")
            prev_unit, prev_ord, prev_lemma = u, ord_list[k], lemma
    return UnitTable(doc_ids, starts, ends, features, tokens)


# ---------------------------------------------------------------------------- TF-IDF
@dataclass
class Vectoriser:
    """A fitted vocabulary and its IDF weights."""

    vocabulary: list[str]
    idf: FloatArray
    _index: dict[str, int] | None = None

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {f: i for i, f in enumerate(self.vocabulary)}
        return self._index

    def transform(self, features: Sequence[Sequence[str]]) -> tuple[IntArray, IntArray, FloatArray]:
        """Sparse TF-IDF rows as (row, column, value) arrays, each row of length 1 (or empty)."""
        index = self.index
        rows: list[int] = []
        cols: list[int] = []
        for r, feats in enumerate(features):
            for f in feats:
                c = index.get(f)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
        return tfidf(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), self.idf, len(features))


def tfidf(rows: IntArray, cols: IntArray, idf: FloatArray, n_rows: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Occurrences (row, column) → unique (row, column) with ``(1 + ln tf) · idf``, rows scaled to length 1."""
    if not len(rows):
        return rows, cols, np.zeros(0)
    width = len(idf)
    keys, tf = np.unique(rows * width + cols, return_counts=True)
    r, c = keys // width, keys % width
    values = (1.0 + np.log(tf)) * idf[c]
    norms = np.sqrt(np.bincount(r, weights=values * values, minlength=n_rows))
    values = values / norms[r]
    return r, c, values


def fit_vectoriser(features: Sequence[Sequence[str]], min_df: int, max_features: int) -> Vectoriser:
    """The vocabulary of units' features: those in at least ``min_df`` units, the ``max_features``
    most frequent (ties by the feature itself, so the result never depends on dict order)."""
    df: dict[str, int] = {}
    for feats in features:
        for f in set(feats):
            df[f] = df.get(f, 0) + 1
    kept = sorted((f for f, n in df.items() if n >= min_df), key=lambda f: (-df[f], f))[:max_features]
    kept.sort()
    n = len(features)
    idf = np.array([np.log((1 + n) / (1 + df[f])) + 1.0 for f in kept], dtype=np.float64)
    return Vectoriser(kept, idf)
