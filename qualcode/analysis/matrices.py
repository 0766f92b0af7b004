"""Document × code matrices and code × attribute crosstabs on plain arrays.

Cell values (``value=``):

- ``count``: number of codings (segments) of the code in the document;
- ``binary``: 1 if the document has at least one coding of the code, else 0;
- ``characters``: coded characters, the length of the *union* of the code's spans in the
  document, so overlapping or duplicate segments (also from several pooled coders) are not
  counted twice;
- ``words``: words of the document's text that share at least one character with that union
  (a word is a run of letters/digits, with inner apostrophes or hyphens: "don't",
  "Sundholm-området" are one word each). Needs the texts.

Coders are never pooled silently: codings from more than one coder need ``pool=True``
(or restrict with ``coders=[...]``), exactly as in :mod:`qualcode.analysis.cooccurrence`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qualcode.analysis.cooccurrence import Codings, _unique, roll_up

__all__ = [
    "CROSSTAB_VALUES",
    "MATRIX_VALUES",
    "WORD_RE",
    "Crosstab",
    "Matrix",
    "code_attribute_crosstab",
    "coded_characters",
    "document_code_matrix",
    "word_spans",
]

MATRIX_VALUES = ("count", "binary", "characters", "words")
CROSSTAB_VALUES = ("documents", "codings", "characters")
WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*")
_I64 = np.int64


@dataclass(frozen=True)
class Matrix:
    """``values[i, j]`` for ``rows[i]`` (document ids) and ``columns[j]`` (code ids)."""

    rows: tuple[int, ...]
    columns: tuple[int, ...]
    values: np.ndarray
    value: str
    coders: tuple[int, ...]


@dataclass(frozen=True)
class Crosstab:
    """Rows are code ids, columns attribute values; ``attribute_totals`` = documents per value."""

    rows: tuple[int, ...]
    columns: tuple[Hashable, ...]
    values: np.ndarray
    value: str
    attribute_totals: tuple[int, ...]
    coders: tuple[int, ...]


def _select(
    codings: Codings,
    coders: Sequence[int] | None,
    pool: bool,
    parents: Mapping[int, int | None] | None,
    depth: int | None,
) -> Codings:
    c = codings
    if coders is not None:
        c = c.select(np.isin(c.coder, np.asarray(list(coders), dtype=_I64)))
    present = _unique(c.coder)
    if len(present) > 1 and not pool:
        raise ValueError(
            f"codings from {len(present)} coders {tuple(int(x) for x in present)}:"
            " choose coders=[...] or pass pool=True"
        )
    if depth is not None:
        if parents is None:
            raise ValueError("depth needs the parent map")
        c = c.with_codes(roll_up(c.code, parents, depth))
    return c


def _index(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each value in ``keys`` and a mask of values found there."""
    if keys.size == 0:
        return np.zeros(len(values), _I64), np.zeros(len(values), bool)
    sorter = np.argsort(keys, kind="stable")
    pos = np.searchsorted(keys, values, sorter=sorter)
    pos = np.minimum(pos, len(keys) - 1)
    idx = sorter[pos]
    return idx, keys[idx] == values


def _merged(group: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of intervals per group: (group, start, end) of the merged, disjoint intervals."""
    if len(group) == 0:
        z = np.zeros(0, _I64)
        return z, z, z
    stride = int(end.max()) + 1
    groups = _unique(group)
    base = np.searchsorted(groups, group).astype(_I64) * stride
    s, e = start + base, end + base
    order = np.lexsort((s,))
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(len(s), bool)
    new[0] = True
    new[1:] = s[1:] > reach[:-1]  # touching intervals merge: no gap, no double count
    ids = np.cumsum(new) - 1
    m_start = s[new]
    m_end = np.zeros(ids[-1] + 1, _I64)
    np.maximum.at(m_end, ids, e)
    m_group = group[order][new]
    gbase = base[order][new]
    return m_group, m_start - gbase, m_end - gbase


def coded_characters(start: Sequence[int], end: Sequence[int]) -> int:
    """Length of the union of half-open intervals."""
    _, s, e = _merged(np.zeros(len(start), _I64), np.asarray(start, _I64), np.asarray(end, _I64))
    return int((e - s).sum())


def word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (code points) of every word in ``text`` (see :data:`WORD_RE`)."""
    spans = [m.span() for m in WORD_RE.finditer(text)]
    arr = np.asarray(spans, dtype=_I64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _matrix_cells(
    c: Codings,
    doc_idx: np.ndarray,
    code_idx: np.ndarray,
    n_docs: int,
    n_codes: int,
    value: str,
    docs: np.ndarray,
    texts: Mapping[int, str] | None,
) -> np.ndarray:
    cell = doc_idx * n_codes + code_idx
    size = n_docs * n_codes
    if value == "count":
        flat = np.bincount(cell, minlength=size)
    elif value == "binary":
        flat = np.zeros(size, _I64)
        flat[cell] = 1
    elif value == "characters":
        g, s, e = _merged(cell, c.start, c.end)
        flat = np.bincount(g, weights=e - s, minlength=size).astype(_I64)
    elif value == "words":
        if texts is None:
            raise ValueError("value='words' needs the document texts")
        g, s, e = _merged(cell, c.start, c.end)
        flat = np.zeros(size, _I64)
        g_doc = g // n_codes
        for d in np.unique(g_doc):
            doc_id = int(docs[d])
            if doc_id not in texts:
                raise ValueError(f"no text for document {doc_id}")
            ws, we = word_spans(texts[doc_id])
            sel = g_doc == d
            gg, ss, ee = g[sel], s[sel], e[sel]
            first = np.searchsorted(we, ss, side="right")  # first word ending after start
            last = np.searchsorted(ws, ee, side="left")  # words starting before end
            # merged intervals of one group are sorted and disjoint; a word cut by the gap
            # between two of them must count once
            prev_last = np.concatenate([[-1], last[:-1]])
            same = np.concatenate([[False], gg[1:] == gg[:-1]])
            lo = np.where(same, np.maximum(first, prev_last), first)
            np.add.at(flat, gg, np.maximum(last - lo, 0))
    else:
        raise ValueError(f"unknown value {value!r}; choose from {', '.join(MATRIX_VALUES)}")
    return np.asarray(flat, dtype=_I64).reshape(n_docs, n_codes)


def document_code_matrix(
    codings: Codings,
    value: str = "count",
    *,
    documents: Sequence[int] | npt.NDArray[np.int64] | None = None,
    codes: Sequence[int] | None = None,
    coders: Sequence[int] | None = None,
    pool: bool = False,
    parents: Mapping[int, int | None] | None = None,
    depth: int | None = None,
    texts: Mapping[int, str] | None = None,
) -> Matrix:
    """Documents × codes. ``documents``/``codes`` fix the rows/columns and their order (pass
    all documents to keep uncoded ones as rows of zeros); by default those present, by id."""
    c = _select(codings, coders, pool, parents, depth)
    docs = _unique(c.document) if documents is None else np.asarray(list(documents), _I64)
    code_list = _unique(c.code) if codes is None else np.asarray(list(codes), _I64)
    d_idx, d_ok = _index(docs, c.document)
    k_idx, k_ok = _index(code_list, c.code)
    keep = d_ok & k_ok
    c = c.select(keep)
    values = _matrix_cells(c, d_idx[keep], k_idx[keep], len(docs), len(code_list), value, docs, texts)
    return Matrix(
        tuple(int(x) for x in docs),
        tuple(int(x) for x in code_list),
        values,
        value,
        tuple(int(x) for x in _unique(c.coder)),
    )


def _value_order(v: Hashable) -> tuple[int, str | float]:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return (1, str(v))
    return (0, v)


def code_attribute_crosstab(
    codings: Codings,
    attributes: Mapping[int, Hashable],
    value: str = "documents",
    *,
    codes: Sequence[int] | None = None,
    coders: Sequence[int] | None = None,
    pool: bool = False,
    parents: Mapping[int, int | None] | None = None,
    depth: int | None = None,
    missing: Hashable | None = "(missing)",
) -> Crosstab:
    """Codes × values of one document attribute (NVivo's matrix coding query).

    ``attributes`` maps *every* document id to its value (``None`` = missing); documents not
    in the map, or missing when ``missing`` is None, are left out. Cells:

    - ``documents``: documents with that attribute value that have the code at least once;
    - ``codings``: codings of the code in documents with that value;
    - ``characters``: coded characters (union per document, then summed).

    ``attribute_totals`` is the number of documents per value, for column percentages.
    """
    if value not in CROSSTAB_VALUES:
        raise ValueError(f"unknown value {value!r}; choose from {', '.join(CROSSTAB_VALUES)}")
    labelled = {d: (missing if v is None else v) for d, v in attributes.items()}
    labelled = {d: v for d, v in labelled.items() if v is not None}
    columns = sorted(set(labelled.values()), key=lambda v: (v == missing, _value_order(v)))  # missing last
    col_of = {v: i for i, v in enumerate(columns)}
    totals = [0] * len(columns)
    for v in labelled.values():
        totals[col_of[v]] += 1
    doc_ids = np.asarray(sorted(labelled), dtype=_I64)
    doc_col = np.asarray([col_of[labelled[int(d)]] for d in doc_ids], dtype=_I64)
    inner = "binary" if value == "documents" else ("count" if value == "codings" else value)
    m = document_code_matrix(
        codings, inner, documents=doc_ids, codes=codes, coders=coders, pool=pool, parents=parents, depth=depth
    )
    out = np.zeros((len(m.columns), len(columns)), _I64)
    if len(doc_ids):
        np.add.at(out.T, doc_col, m.values)
    return Crosstab(m.columns, tuple(columns), out, value, tuple(totals), m.coders)
