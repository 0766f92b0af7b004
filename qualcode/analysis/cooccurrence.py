"""Code × code co-occurrence on plain arrays (no database, no UI).

Input is a :class:`Codings` table (parallel int64 arrays: document, code, coder, start, end;
half-open code-point intervals) and, for text units, a :class:`Units` table (document, unit,
start, end). Everything is vectorised with numpy so that a million codings take well under a
second or two on a small machine.

**What is counted.** Every unit kind partitions the corpus into *units*; a code *occurs in* a
unit when one of its segments shares at least one character with the unit. Then

- the diagonal ``n_a`` is the number of units in which code *a* occurs,
- the cell ``n_ab`` is the number of units in which both *a* and *b* occur,
- ``N`` is the number of units.

Because the diagonal and the cells count the same thing, ``n_ab <= min(n_a, n_b)``, every
2 × 2 table (``n_ab``, ``n_a - n_ab``, ``n_b - n_ab``, ``N - n_a - n_b + n_ab``) is
non-negative, and Jaccard, P(B|A), phi and lift are all well-defined.

Unit kinds:

``sentence`` / ``turn`` / ``paragraph`` / ``document``
    Units come from the text (:class:`Units`). ``N`` counts all units given, coded or not
    (empty units, ``start == end``, excepted: they cannot hold a character).
    Units within a document must not overlap (they may leave gaps, e.g. blank lines; a
    coding that lies entirely in a gap occurs in no unit).
``overlap``
    A unit is a *coded passage*: a maximal stretch of text covered by a chain of segments that
    overlap pairwise by at least one character (the connected components of the overlap
    graph within a document). ``N`` is the number of passages, so every unit is coded. We
    chose passages over "per segment of the row code" (MAXQDA's segment counts) because the
    latter counts *a*'s segments in the cell but *b*'s in the column, so n_ab can exceed n_b
    and Jaccard is not a proportion. Caveat: chaining is transitive — if A overlaps B and B
    overlaps C, then A and C share a passage even when A and C do not touch. In typical
    nested coding (a broad code around narrower ones) this is what the analyst means.
``window:N``
    Like ``overlap``, but segments join a passage when at most ``N`` characters lie between
    them (``window:0`` joins touching segments; ``overlap`` requires a shared character).

**Coders.** Every coding belongs to a coder and coders are never pooled silently: if the
selected codings come from more than one coder, :func:`cooccurrence` raises unless
``pool=True``; :func:`cooccurrence_by_coder` gives one matrix per coder. When pooled, a unit
counts once however many coders coded it; for ``overlap``/``window`` the passages are formed
from all selected coders' segments together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "MEASURES",
    "Codings",
    "Cooccurrence",
    "PairRow",
    "Units",
    "cooccurrence",
    "cooccurrence_by_coder",
    "document_units",
    "parse_unit",
    "roll_up",
]

MEASURES = ("count", "jaccard", "conditional", "expected", "lift", "phi")
TEXT_UNITS = ("sentence", "turn", "paragraph", "document")

_I64 = np.int64


def _col(values: Iterable[int] | np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(values, dtype=_I64))


@dataclass(frozen=True)
class Codings:
    """Codings as parallel arrays; one row per coded segment."""

    document: np.ndarray
    code: np.ndarray
    coder: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __post_init__(self) -> None:
        for name in ("document", "code", "coder", "start", "end"):
            object.__setattr__(self, name, _col(getattr(self, name)))
        n = len(self.document)
        if any(len(getattr(self, a)) != n for a in ("code", "coder", "start", "end")):
            raise ValueError("coding columns differ in length")
        if n and (np.any(self.start < 0) or np.any(self.end <= self.start)):
            raise ValueError("every coding needs 0 <= start < end")

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[int]]) -> Codings:
        """From ``(document_id, code_id, coder_id, start, end)`` tuples (or a structured array)."""
        if isinstance(rows, np.ndarray) and rows.dtype.names:
            wanted = ("document", "code", "coder", "start", "end")
            names = wanted if set(wanted) <= set(rows.dtype.names) else rows.dtype.names[:5]
            return cls(*(rows[n] for n in names))
        arr = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=_I64)
        if arr.size == 0:
            arr = arr.reshape(0, 5)
        if arr.ndim != 2 or arr.shape[1] != 5:
            raise ValueError("codings must be (document, code, coder, start, end) rows")
        return cls(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4])

    def __len__(self) -> int:
        return len(self.document)

    def select(self, mask: np.ndarray) -> Codings:
        return Codings(self.document[mask], self.code[mask], self.coder[mask], self.start[mask], self.end[mask])

    def with_codes(self, code: np.ndarray) -> Codings:
        return Codings(self.document, code, self.coder, self.start, self.end)


@dataclass(frozen=True)
class Units:
    """Text units (sentences, turns, paragraphs, documents) as half-open intervals."""

    document: np.ndarray
    unit: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __post_init__(self) -> None:
        for name in ("document", "unit", "start", "end"):
            object.__setattr__(self, name, _col(getattr(self, name)))
        n = len(self.document)
        if any(len(getattr(self, a)) != n for a in ("unit", "start", "end")):
            raise ValueError("unit columns differ in length")
        if n and np.any(self.end < self.start):
            raise ValueError("every unit needs start <= end")

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[int]]) -> Units:
        """From ``(document_id, unit_id, start, end)`` tuples."""
        arr = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=_I64)
        if arr.size == 0:
            arr = arr.reshape(0, 4)
        if arr.ndim != 2 or arr.shape[1] != 4:
            raise ValueError("units must be (document, unit, start, end) rows")
        return cls(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3])

    def __len__(self) -> int:
        return len(self.document)


def _unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values. numpy 2.3+'s hash-based ``np.unique`` is ~50× slower than a
    sort for millions of distinct int64 keys, so we sort."""
    s = np.sort(a, kind="stable")
    if s.size == 0:
        return s
    keep = np.empty(s.size, bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def _order(key: np.ndarray) -> np.ndarray | None:
    """Indices that sort ``key``, or None when it is sorted already (units usually are)."""
    if key.size < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None
    return np.argsort(key, kind="stable")


def _doc_bases(stride: int, *documents: np.ndarray) -> list[np.ndarray]:
    """Offsets per row so that positions of different documents never meet: document id ×
    stride when that fits in int64, else the document's rank × stride."""
    filled = [d for d in documents if d.size]
    if not filled:
        return [d.copy() for d in documents]
    lo = min(int(d.min()) for d in filled)
    hi = max(int(d.max()) for d in filled)
    if lo >= 0 and (hi + 1) * stride < 2**62:
        return [d * stride for d in documents]
    docs = _unique(np.concatenate(filled))
    return [np.searchsorted(docs, d).astype(_I64) * stride for d in documents]


def document_units(lengths: Mapping[int, int]) -> Units:
    """One unit per document, ``[0, length)``; the unit id is the document id."""
    docs = _col(list(lengths.keys()))
    return Units(docs, docs, np.zeros(len(docs), _I64), _col(list(lengths.values())))


def parse_unit(unit: str) -> tuple[str, int]:
    """``"window:40"`` → ``("window", 40)``; other kinds → ``(kind, 0)``."""
    m = re.fullmatch(r"window:(\d+)", unit)
    if m:
        return "window", int(m.group(1))
    if unit in TEXT_UNITS or unit == "overlap":
        return unit, 0
    raise ValueError(f"unknown unit {unit!r}: use overlap, window:N, {', '.join(TEXT_UNITS)}")


def roll_up(code: np.ndarray, parents: Mapping[int, int | None], depth: int) -> np.ndarray:
    """Replace each code deeper than ``depth`` by its ancestor at ``depth`` (top level = 1).

    ``parents`` maps every code id to its parent id (``None`` for top-level codes).
    """
    if depth < 1:
        raise ValueError("depth starts at 1 (top-level codes)")

    def chain(c: int) -> list[int]:
        path = [c]
        seen = {c}
        while (p := parents.get(path[-1])) is not None:
            if p in seen:
                raise ValueError(f"cycle in the code tree at code {p}")
            seen.add(p)
            path.append(p)
        return path[::-1]  # root first

    uniq, inverse = np.unique(code, return_inverse=True)
    mapped = np.array([(lambda p: p[min(depth, len(p)) - 1])(chain(int(c))) for c in uniq], dtype=_I64)
    return mapped[inverse] if len(uniq) else code.copy()


@dataclass(frozen=True)
class PairRow:
    code_a: int
    code_b: int
    n_a: int
    n_b: int
    n_ab: int
    value: float


@dataclass(frozen=True)
class Cooccurrence:
    """Counts in one unit: ``counts[i, j]`` = n_ab for ``codes[i]``, ``codes[j]``; diagonal n_a."""

    codes: tuple[int, ...]
    counts: np.ndarray
    n_units: int
    unit: str
    coders: tuple[int, ...]
    pooled: bool = False
    _index: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.codes)})

    def n(self, a: int, b: int | None = None) -> int:
        """n_a (one argument) or n_ab, by code id."""
        i = self._index[a]
        return int(self.counts[i, i if b is None else self._index[b]])

    def measure(self, name: str = "count") -> np.ndarray:
        """The matrix of one measure; undefined cells (division by zero) are NaN.

        - ``count``: n_ab (diagonal n_a)
        - ``jaccard``: n_ab / (n_a + n_b − n_ab) (ATLAS.ti's c-coefficient)
        - ``conditional``: row a, column b = P(b | a) = n_ab / n_a
        - ``expected``: n_a · n_b / N under independence
        - ``lift``: n_ab · N / (n_a · n_b) = observed / expected
        - ``phi``: (N·n_ab − n_a·n_b) / sqrt(n_a (N − n_a) n_b (N − n_b))
        """
        n_ab = self.counts.astype(float)
        n_a = np.diag(n_ab)[:, None]
        n_b = np.diag(n_ab)[None, :]
        big_n = float(self.n_units)
        out: npt.NDArray[np.float64]
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "count":
                return self.counts.copy()
            if name == "jaccard":
                out = n_ab / (n_a + n_b - n_ab)
            elif name == "conditional":
                out = np.broadcast_to(n_ab / n_a, n_ab.shape).copy()
            elif name == "expected":
                out = n_a * n_b / big_n if big_n else np.full(n_ab.shape, np.nan)
            elif name == "lift":
                out = n_ab * big_n / (n_a * n_b)
            elif name == "phi":
                out = (big_n * n_ab - n_a * n_b) / np.sqrt(n_a * (big_n - n_a) * n_b * (big_n - n_b))
            else:
                raise ValueError(f"unknown measure {name!r}; choose from {', '.join(MEASURES)}")
        out[~np.isfinite(out)] = np.nan
        return out

    def pairs(
        self, measure: str = "count", *, ordered: bool | None = None, include_zero: bool = False
    ) -> list[PairRow]:
        """Long table of code pairs (a ≠ b) in code order.

        Symmetric measures give each unordered pair once (a before b); ``conditional`` is
        asymmetric, so by default both directions are listed (``ordered=True``).
        """
        if ordered is None:
            ordered = measure == "conditional"
        values = self.measure(measure)
        diag = np.diag(self.counts)
        rows = []
        k = len(self.codes)
        for i in range(k):
            for j in range(k) if ordered else range(i + 1, k):
                if i == j or (not include_zero and self.counts[i, j] == 0):
                    continue
                v = float(values[i, j])
                rows.append(
                    PairRow(self.codes[i], self.codes[j], int(diag[i]), int(diag[j]), int(self.counts[i, j]), v)
                )
        return rows


# --------------------------------------------------------------------------- core


def _passages(c: Codings, gap: int) -> tuple[np.ndarray, int]:
    """Passage number of every coding; segments join when ``start < reach + gap``.

    ``gap = 0`` is overlap (shared character); ``gap = N + 1`` is window:N.
    Uses one sort and a running maximum on positions shifted per document, so the running
    maximum never leaks across documents.
    """
    n = len(c)
    if n == 0:
        return np.zeros(0, _I64), 0
    stride = int(c.end.max()) + gap + 1
    (base,) = _doc_bases(stride, c.document)
    s_all = c.start + base
    order = _order(s_all)
    if order is None:
        order = np.arange(n, dtype=_I64)
    s = s_all[order]
    e = c.end[order] + base[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(n, bool)
    new[0] = True
    new[1:] = s[1:] >= reach[:-1] + gap
    sorted_pid = np.cumsum(new) - 1
    pid = np.empty(n, _I64)
    pid[order] = sorted_pid
    return pid, int(sorted_pid[-1]) + 1


def _unit_hits(c: Codings, units: Units) -> tuple[np.ndarray, np.ndarray]:
    """(coding index, unit index) for every unit a coding shares a character with."""
    stride = int(max(units.end.max(initial=0), c.end.max(initial=0))) + 1
    ubase, cbase = _doc_bases(stride, units.document, c.document)
    gs, ge = units.start + ubase, units.end + ubase
    order = _order(gs)
    if order is not None:
        gs, ge = gs[order], ge[order]
    if len(gs) > 1 and np.any(gs[1:] < ge[:-1]):
        raise ValueError(
            "units overlap within a document; give a partition (sentences, turns, paragraphs or documents)"
        )
    keep = ge > gs  # empty units can hold no character
    if not keep.all():
        gs, ge = gs[keep], ge[keep]
        order = (np.arange(len(keep), dtype=_I64) if order is None else order)[keep]
    cs = c.start + cbase
    corder = np.argsort(cs, kind="stable")  # sorted needles make searchsorted cache-friendly
    first = np.empty(len(c), _I64)
    first[corder] = np.searchsorted(ge, cs[corder], side="right")
    last = np.empty(len(c), _I64)  # exclusive
    last[corder] = np.searchsorted(gs, (c.end + cbase)[corder], side="left")
    span = np.maximum(last - first, 0)
    coding_idx = np.repeat(np.arange(len(c), dtype=_I64), span)
    offsets = np.arange(span.sum(), dtype=_I64) - np.repeat(np.cumsum(span) - span, span)
    unit_idx = np.repeat(first, span) + offsets
    return coding_idx, unit_idx if order is None else order[unit_idx]


def _count(unit_of: np.ndarray, code_idx: np.ndarray, k: int) -> np.ndarray:
    """k × k matrix: diagonal = units per code, cells = units with both codes."""
    keys = _unique(unit_of * k + code_idx)  # sorted by unit, then code; presence only
    unit = keys // k
    code = keys % k
    counts = np.bincount(code, minlength=k).astype(_I64)
    flat = np.zeros(k * k, _I64)
    active = np.arange(len(keys) - 1, dtype=_I64)
    shift = 1
    while active.size:
        partner = active + shift
        ok = partner < len(keys)
        active, partner = active[ok], partner[ok]
        same = unit[active] == unit[partner]
        active, partner = active[same], partner[same]
        if not active.size:
            break
        flat += np.bincount(code[active] * k + code[partner], minlength=k * k)
        shift += 1
    m = flat.reshape(k, k)
    m = m + m.T
    m[np.diag_indices(k)] = counts
    return m


def cooccurrence(
    codings: Codings,
    unit: str = "overlap",
    *,
    units: Units | None = None,
    coders: Sequence[int] | None = None,
    pool: bool = False,
    codes: Sequence[int] | None = None,
    parents: Mapping[int, int | None] | None = None,
    depth: int | None = None,
) -> Cooccurrence:
    """Count co-occurrences of codes in ``unit`` (see the module docstring for definitions).

    ``units`` is required for sentence/turn/paragraph/document. ``coders`` restricts the
    codings; more than one coder left needs ``pool=True``. ``parents`` + ``depth`` roll codes
    up to their ancestor at that depth first. ``codes`` fixes the rows/columns (after roll-up;
    codings of other codes are dropped before passages are formed); by default all codes
    present, sorted by id.
    """
    kind, window = parse_unit(unit)
    c = codings
    if coders is not None:
        c = c.select(np.isin(c.coder, _col(list(coders))))
    present_coders = tuple(int(x) for x in _unique(c.coder))
    if len(present_coders) > 1 and not pool:
        raise ValueError(
            f"codings from {len(present_coders)} coders {present_coders}: choose "
            "coders=[...] or pass pool=True (use cooccurrence_by_coder for one "
            "matrix per coder)"
        )
    if depth is not None:
        if parents is None:
            raise ValueError("depth needs the parent map")
        c = c.with_codes(roll_up(c.code, parents, depth))
    if codes is None:
        code_list = _unique(c.code)
    else:
        code_list = _col(list(codes))
        if len(_unique(code_list)) != len(code_list):
            raise ValueError("codes contains duplicates")
        c = c.select(np.isin(c.code, code_list))
    k = len(code_list)
    sorter = np.argsort(code_list)
    code_idx = sorter[np.searchsorted(code_list, c.code, sorter=sorter)] if len(c) else c.code

    if kind in TEXT_UNITS:
        if units is None:
            raise ValueError(f"unit {kind!r} needs the units of the text")
        coding_i, unit_i = _unit_hits(c, units)
        counts = _count(unit_i, code_idx[coding_i], k) if k else np.zeros((0, 0), _I64)
        n_units = int(np.count_nonzero(units.end > units.start))
    else:
        gap = 0 if kind == "overlap" else window + 1
        pid, n_units = _passages(c, gap)
        counts = _count(pid, code_idx, k) if k else np.zeros((0, 0), _I64)
    return Cooccurrence(
        tuple(int(x) for x in code_list), counts, int(n_units), unit, present_coders, pool and len(present_coders) > 1
    )


def cooccurrence_by_coder(codings: Codings, unit: str = "overlap", **options: Any) -> dict[int, Cooccurrence]:
    """One :func:`cooccurrence` per coder, all with the same rows/columns."""
    coders = options.pop("coders", None)
    options.pop("pool", None)
    pool_ids = _unique(codings.coder) if coders is None else _col(list(coders))
    if options.get("codes") is None:
        c = codings
        if options.get("depth") is not None:
            if options.get("parents") is None:
                raise ValueError("depth needs the parent map")
            c = c.with_codes(roll_up(c.code, options["parents"], options["depth"]))
        options["codes"] = [int(x) for x in _unique(c.code[np.isin(c.coder, pool_ids)])]
    return {int(cid): cooccurrence(codings, unit, coders=[int(cid)], **options) for cid in pool_ids}
