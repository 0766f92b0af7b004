"""Krippendorff's unitizing alphas: agreement on *where* codes go, not only which.

Reference: Krippendorff, Mathet, Bouvry & Widlöcher (2016), "On the reliability
of unitizing textual continua: Further developments", Quality & Quantity
50:2347-2364, https://doi.org/10.1007/s11135-015-0266-1 -- and the ATLAS.ti
manual's use of the family ("Krippendorff's family of alpha coefficients",
https://doc.atlasti.com/ManualWin.v9/ICA/ICAMethodsForTesting.html).

Why these and not kappa on fixed units: qualitative coders choose their own
segment boundaries. Here a document is a continuum of length ``L``; each of
``m`` coders partitions it into valued segments ``(start, end, value)`` and
the gaps between them (value "gap", written ∅). Every character of the
continuum is pairable, so no predefined units are needed.

Observed coincidences, summed over ordered pairs of different coders
``i != j`` and their segments ``g`` (of ``i``) and ``h`` (of ``j``):

    l_ck = sum |g ∩ h| / (m - 1)        (g valued c, h valued k; ∅ included)

so ``l.. = m L``. Expected coincidences (paper eq. 4) correct for a segment
not being pairable with itself:

    e_ck = (l_c. l_.k - [c == k] S_c) / (l.. - S / l..),
    S_c  = sum over segments of value c of  len^2   (valued units)
           sum over gaps of len                     (∅: a gap is not a unit, each
                                                     of its characters pairs freely)

* ``uα`` (u_alpha): nominal alpha over the whole matrix incl. ∅ --
  boundaries and values at once.
* ``|uα`` (binary_u_alpha, ATLAS.ti's "α-binary" per code or domain): the matrix
  collapsed to ∅ vs valued -- did the coders find the same relevant matter?
* ``cuα`` (cu_alpha): only the coincidences between valued segments, i.e. the
  coding of the matter both coders marked, with expected coincidences
  recomputed from the intersections (paper eq. 10); codes of one semantic
  domain must be mutually exclusive. ``(k)uα`` per value comes with it.
* ``Cuα`` (Cu_alpha): cuα with each code replaced by its semantic domain
  (parent code), so it asks whether coders agree on *which domains* apply
  across the whole codebook (ATLAS.ti: "Cu-α", the global index over all
  semantic domains). Codes of different domains may overlap; where they do,
  the value at that position is the *set* of domains applied (nominal metric
  on label sets), so two coders who both mark a passage as barrier and
  resource agree, and one who marks only the barrier does not. This follows
  the multi-label reading of González-Prieto, Pérez, Díaz & López-Fernández
  (2023), "Reliability in software engineering qualitative research through
  inter-coder agreement", Journal of Systems and Software 202:111707
  (arXiv:2008.00977), which documents ATLAS.ti's coefficients; with no
  overlapping domains it is exactly cuα on domain labels.

Cross-checked against two independent open implementations (see
tests/test_agreement_unitized.py for the numbers and their sources).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt

Segment = tuple[int, int, Hashable]
_Encoded = dict[Hashable, list[tuple[int, int, int]]]  # coder → (start, end, value id) rows
_EPS = 1e-12


@dataclass(frozen=True)
class UnitizedAlpha:
    """One member of the uα family; ``value`` is ``None`` with a ``reason`` when undefined.

    ``observed``/``expected`` are the disagreement masses ``D_o``/``D_e`` (in
    characters); ``coverage`` (cuα, Cuα) is the share of the continuum on which
    valued segments of different coders intersect -- the matter cuα is about;
    ``per_value`` holds ``(k)uα`` per value (cuα, Cuα).
    """

    variant: str
    value: float | None
    observed: float | None = None
    expected: float | None = None
    reason: str | None = None
    coverage: float | None = None
    per_value: Mapping[Hashable, float | None] = field(default_factory=dict)

    def __float__(self) -> float:
        return float("nan") if self.value is None else float(self.value)


def _validate(length: int, segments_by_coder: Mapping[Hashable, Sequence[Sequence[Any]]]) -> None:
    if length <= 0:
        raise ValueError(f"the continuum length must be positive; got {length}")
    if len(segments_by_coder) < 2:
        raise ValueError(f"unitizing alpha needs at least two coders; got {len(segments_by_coder)}")
    for coder, segments in segments_by_coder.items():
        for seg in segments:
            start, end = seg[0], seg[1]
            if not 0 <= start < end <= length:
                raise ValueError(
                    f"coder {coder!r}: segment {tuple(seg)!r} is not a non-empty half-open interval within 0..{length}"
                )


def _merge_same_value(segments: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Merge overlapping segments that carry the same value id (touching ones stay two units)."""
    merged: list[tuple[int, int, int]] = []
    by_value: dict[int, list[tuple[int, int]]] = {}
    for s, e, v in segments:
        by_value.setdefault(v, []).append((s, e))
    for v, spans in by_value.items():
        spans.sort()
        cur_s, cur_e = spans[0]
        for s, e in spans[1:]:
            if s < cur_e:
                cur_e = max(cur_e, e)
            else:
                merged.append((cur_s, cur_e, v))
                cur_s, cur_e = s, e
        merged.append((cur_s, cur_e, v))
    return sorted(merged)


def _exclusive(coder: Hashable, segments: list[tuple[int, int, int]], names: list[Hashable]) -> None:
    for (s1, e1, v1), (s2, e2, v2) in itertools.pairwise(segments):
        if s2 < e1:
            raise ValueError(
                f"coder {coder!r}: segments ({s1}, {e1}, {names[v1]!r}) and ({s2}, {e2}, {names[v2]!r}) "
                "overlap; values compared by uα/cuα must be mutually exclusive (codes of one "
                "semantic domain)"
            )


def _with_gaps(length: int, segments: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Partition of the continuum: valued segments plus gaps (value id 0)."""
    parts, pos = [], 0
    for s, e, v in segments:
        if s > pos:
            parts.append((pos, s, 0))
        parts.append((s, e, v))
        pos = e
    if pos < length:
        parts.append((pos, length, 0))
    return parts


def _arrays(parts: Sequence[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.asarray(parts, dtype=np.int64).reshape(-1, 3)
    return a[:, 0], a[:, 1], a[:, 2]


def _overlap_pairs(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(i, j, |g_i ∩ h_j|)`` for the intersecting pairs of a's and b's segments.

    Each coder's segments are sorted and do not overlap (a partition, or mutually exclusive
    values), so the partners of ``g`` are one run of ``b`` found by binary search: linear in
    the pairs that intersect, not in ``len(a) * len(b)`` -- a whole corpus laid end to end
    has thousands of segments per coder.
    """
    a_start, a_end = a[0], a[1]
    b_start, b_end = b[0], b[1]
    if len(b_end) > 1 and bool(np.any(b_end[1:] < b_end[:-1])):  # not sorted: the dense way
        lo = np.maximum(a_start[:, None], b_start[None, :])
        hi = np.minimum(a_end[:, None], b_end[None, :])
        ov = np.clip(hi - lo, 0, None)
        i, j = np.nonzero(ov)
        return i, j, ov[i, j]
    first = np.searchsorted(b_end, a_start, side="right")
    stop = np.searchsorted(b_start, a_end, side="left")
    counts = np.clip(stop - first, 0, None)
    i = np.repeat(np.arange(len(a_start)), counts)
    offsets = np.cumsum(counts) - counts
    j = np.arange(int(counts.sum())) - np.repeat(offsets, counts) + np.repeat(first, counts)
    ov = np.minimum(a_end[i], b_end[j]) - np.maximum(a_start[i], b_start[j])
    keep = ov > 0
    return i[keep], j[keep], ov[keep]


def _encode(
    segments_by_coder: Mapping[Hashable, Sequence[Sequence[Any]]], value_of: Mapping[Hashable, Hashable] | None
) -> tuple[_Encoded, list[Hashable]]:
    """Value ids from 1 (0 is the gap); ``value_of`` maps codes to domains for Cuα."""
    names: list[Hashable] = ["∅"]
    ids: dict[Hashable, int] = {}
    encoded: _Encoded = {}
    for coder, segments in segments_by_coder.items():
        rows = []
        for seg in segments:
            value = seg[2] if len(seg) > 2 else "relevant"
            if value_of is not None:
                if value not in value_of:
                    raise ValueError(f"coder {coder!r}: value {value!r} has no semantic domain")
                value = value_of[value]
            if value not in ids:
                ids[value] = len(names)
                names.append(value)
            rows.append((int(seg[0]), int(seg[1]), ids[value]))
        encoded[coder] = rows
    return encoded, names


def _coincidences(parts: Sequence[tuple[np.ndarray, ...]], n_values: int) -> np.ndarray:
    m = len(parts)
    coinc = np.zeros(n_values * n_values)
    for i, a in enumerate(parts):
        for j, b in enumerate(parts):
            if i != j and len(a[0]) and len(b[0]):
                gi, hj, ov = _overlap_pairs(a, b)
                pair = a[2][gi] * n_values + b[2][hj]
                coinc += np.bincount(pair, weights=ov.astype(float), minlength=n_values * n_values)
    return coinc.reshape(n_values, n_values) / (m - 1)


def _expected(l_c: np.ndarray, s_c: np.ndarray) -> np.ndarray:
    total = l_c.sum()
    e = np.outer(l_c, l_c)
    e[np.diag_indices_from(e)] -= s_c
    return cast(npt.NDArray[np.float64], e / (total - s_c.sum() / total))


def _nominal(variant: str, obs: np.ndarray, exp: np.ndarray, empty_reason: str) -> UnitizedAlpha:
    d_o = float(obs.sum() - np.trace(obs))
    d_e = float(exp.sum() - np.trace(exp))
    if d_e <= _EPS:
        return UnitizedAlpha(variant, None, d_o, d_e, empty_reason)
    return UnitizedAlpha(variant, 1.0 - d_o / d_e, d_o, d_e)


def _u_family(length: int, encoded: _Encoded, names: list[Hashable], binary: bool) -> UnitizedAlpha:
    parts = []
    for coder, rows in encoded.items():
        merged = _merge_same_value(rows)
        _exclusive(coder, merged, names)
        parts.append(_arrays(_with_gaps(length, merged)))
    n_values = len(names)
    obs = _coincidences(parts, n_values)
    s_c = np.zeros(n_values)
    for starts, ends, vids in parts:
        lengths = (ends - starts).astype(float)
        s_c += np.bincount(vids, weights=np.where(vids == 0, lengths, lengths**2), minlength=n_values)
    exp = _expected(obs.sum(axis=1), s_c)
    if binary:
        collapse = np.zeros((n_values, 2))
        collapse[0, 0] = 1.0
        collapse[1:, 1] = 1.0
        obs, exp = collapse.T @ obs @ collapse, collapse.T @ exp @ collapse
    variant = "|uα" if binary else "uα"
    return _nominal(
        variant,
        obs,
        exp,
        "no variation to correct for: the coders' marking leaves "
        "no expected disagreement (e.g. nobody, or everybody everywhere, marked the code)",
    )


def u_alpha(length: int, segments_by_coder: Mapping[Hashable, Sequence[Segment]]) -> UnitizedAlpha:
    """uα: agreement on boundaries *and* values over the whole continuum, gaps included.

    ``segments_by_coder`` maps each coder to ``(start, end, value)`` triples;
    a coder's segments with different values must not overlap.
    """
    _validate(length, segments_by_coder)
    encoded, names = _encode(segments_by_coder, None)
    return _u_family(length, encoded, names, binary=False)


def binary_u_alpha(length: int, segments_by_coder: Mapping[Hashable, Sequence[Sequence[Any]]]) -> UnitizedAlpha:
    """|uα (ATLAS.ti's α-binary): relevant vs irrelevant matter, values ignored.

    Pass one code's (or one domain's) segments, ``(start, end)`` or
    ``(start, end, value)``; a coder's overlapping segments are merged, since
    only *whether* text was marked matters here.
    """
    _validate(length, segments_by_coder)
    flat = {c: [(s[0], s[1], "relevant") for s in segs] for c, segs in segments_by_coder.items()}
    encoded, names = _encode(flat, None)
    return _u_family(length, encoded, names, binary=True)


def _cu_family(variant: str, length: int, encoded: _Encoded, names: list[Hashable], exclusive: bool) -> UnitizedAlpha:
    parts = []
    for coder, rows in encoded.items():
        merged = _merge_same_value(rows)
        if exclusive:
            _exclusive(coder, merged, names)
        parts.append(_arrays(merged))
    m, n_values = len(parts), len(names)
    obs = _coincidences(parts, n_values)[1:, 1:]
    # Pairable matter of each valued segment g of coder i with coder j: the part of
    # g that j's valued segments cover; squared and summed per value (paper eq. 10).
    s_c = np.zeros(n_values)
    for i, a in enumerate(parts):
        for j, b in enumerate(parts):
            if i != j and len(a[0]) and len(b[0]):
                gi, _, ov = _overlap_pairs(a, b)
                paired = np.bincount(gi, weights=ov.astype(float), minlength=len(a[0]))
                s_c += np.bincount(a[2], weights=paired**2, minlength=n_values)
    s_c = s_c[1:] / (m - 1)
    l_c = obs.sum(axis=1)
    total = float(l_c.sum())
    coverage = total / (m * length)
    if total <= _EPS:
        return UnitizedAlpha(
            variant,
            None,
            0.0,
            0.0,
            "no valued segments of different coders intersect, so there is no jointly coded matter to compare",
            coverage=0.0,
        )
    exp = _expected(l_c, s_c)
    result = _nominal(
        variant,
        obs,
        exp,
        "only one value occurs in the jointly coded matter, so there is nothing to disagree about by chance",
    )
    per_value: dict[Hashable, float | None] = {}
    e_c = exp.sum(axis=1)
    for k in range(len(l_c)):
        d_e = e_c[k] - exp[k, k]
        if l_c[k] <= _EPS or d_e <= _EPS:
            per_value[names[k + 1]] = None
        else:
            per_value[names[k + 1]] = float(1.0 - (e_c[k] / l_c[k]) * (l_c[k] - obs[k, k]) / d_e)
    return UnitizedAlpha(
        result.variant, result.value, result.observed, result.expected, result.reason, coverage, per_value
    )


def cu_alpha(length: int, segments_by_coder: Mapping[Hashable, Sequence[Segment]]) -> UnitizedAlpha:
    """cuα: agreement on the values (codes of one semantic domain) where coders' segments meet.

    Ignores unitizing disagreement (that is |uα's job) and looks only at the
    intersections of valued segments; ``coverage`` tells how much text that is.
    The codes must be mutually exclusive within each coder.
    """
    _validate(length, segments_by_coder)
    encoded, names = _encode(segments_by_coder, None)
    return _cu_family("cuα", length, encoded, names, exclusive=True)


def _label_sets(
    segments: list[tuple[int, int, int]],
    names: list[Hashable],
    set_ids: dict[frozenset[Hashable], int],
    set_names: list[Hashable],
) -> list[tuple[int, int, int]]:
    """Cut a coder's overlapping domain segments at every boundary; value = set of domains.

    One piece per pair of neighbouring boundaries that some segment covers. Coverage per
    value comes from prefix sums over the pieces, so this is linear in the segments.
    """
    if not segments:
        return []
    seg = np.asarray(segments, dtype=np.int64).reshape(-1, 3)
    cuts = np.unique(seg[:, :2])
    values = np.unique(seg[:, 2])
    first = np.searchsorted(cuts, seg[:, 0])
    stop = np.searchsorted(cuts, seg[:, 1])
    cover = np.zeros((len(values), len(cuts)), dtype=np.int64)
    row = np.searchsorted(values, seg[:, 2])
    np.add.at(cover, (row, first), 1)
    np.add.at(cover, (row, stop), -1)
    covered = np.cumsum(cover, axis=1)[:, :-1] > 0  # values x pieces
    pieces = []
    seen: dict[bytes, int] = {}
    for k in np.flatnonzero(covered.any(axis=0)):
        column = covered[:, k]
        key = column.tobytes()
        if key not in seen:
            covering = frozenset(names[v] for v in values[column])
            if covering not in set_ids:
                set_ids[covering] = len(set_names)
                set_names.append(next(iter(covering)) if len(covering) == 1 else tuple(sorted(covering, key=str)))
            seen[key] = set_ids[covering]
        pieces.append((int(cuts[k]), int(cuts[k + 1]), seen[key]))
    return pieces


def Cu_alpha(
    length: int, segments_by_coder: Mapping[Hashable, Sequence[Segment]], domain_of: Mapping[Hashable, Hashable]
) -> UnitizedAlpha:
    """Cuα: cuα across semantic domains, each code replaced by its domain (``domain_of``).

    A coder's segments of one domain are merged; segments of different domains
    may overlap (a passage can be both a barrier and a resource) and then carry
    the set of domains as their value -- ``per_value`` keys such sets as sorted
    tuples.
    """
    _validate(length, segments_by_coder)
    encoded, names = _encode(segments_by_coder, domain_of)
    set_ids: dict[frozenset[Hashable], int] = {}
    set_names: list[Hashable] = ["∅"]
    pieces = {coder: _label_sets(_merge_same_value(rows), names, set_ids, set_names) for coder, rows in encoded.items()}
    return _cu_family("Cuα", length, pieces, set_names, exclusive=True)
