"""Krippendorff's alpha on a reliability matrix, and a unit bootstrap for it.

Method: the coincidence matrix of Krippendorff (2011), "Computing
Krippendorff's Alpha-Reliability", Annenberg School for Communication,
University of Pennsylvania, https://repository.upenn.edu/asc_papers/43 .

For coders x units data with ``m_u`` values in unit ``u`` and ``n_uc`` of them
equal to ``c``, the coincidences are

    o_ck = sum_u  n_uc * (n_uk - [c == k]) / (m_u - 1)        (units with m_u >= 2)

so that every pairable value contributes exactly one unit of weight whatever
the number of coders that saw the unit (this is why missing data are no
problem). With marginals ``n_c = sum_k o_ck`` and ``n = sum_c n_c``:

    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum o_ck d2_ck / sum n_c n_k d2_ck

Metrics ``d2_ck`` (Krippendorff 2011, section C): nominal ``[c != k]``;
ordinal ``(sum_{g=c..k} n_g - (n_c + n_k)/2)^2`` over the *sorted* value set,
weighted by the marginal frequencies (so ranks, not numeric distances, count);
interval ``(c - k)^2``; ratio ``((c - k)/(c + k))^2``.

Speed: the matrix is encoded once into integer value ids, per-unit value counts
come from one ``bincount``, and the coincidence matrix is a single
``counts.T @ (counts / (m_u - 1))`` product -- no per-unit Python loop, no
units x values x values temporary.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.coefficient import Coefficient, undefined

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

ReliabilityData = Sequence[Sequence[Hashable | None]] | np.ndarray


@dataclass(frozen=True)
class Encoded:
    """A reliability matrix as value ids (-1 = missing) plus the value set."""

    codes: np.ndarray  # int64, coders x units
    values: list[Any]  # value id -> value, sorted when the values are orderable
    ordered: bool = True  # False when the values had no natural order (ordinal impossible)


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")


def _encode_float(arr: np.ndarray) -> Encoded:
    present = ~np.isnan(arr)
    vals = arr[present]
    codes = np.full(arr.shape, -1, dtype=np.int64)
    if vals.size == 0:
        return Encoded(codes, [])
    lo, hi = vals.min(), vals.max()
    integral = hi - lo < 1_000_000 and bool(np.all(vals == np.floor(vals)))
    if integral:
        # Small integer codes (the common case): an O(n) lookup table instead of a sort.
        offset = (vals - lo).astype(np.int64)
        seen = np.bincount(offset) > 0
        table = np.cumsum(seen) - 1
        codes[present] = table[offset]
        uniq = np.flatnonzero(seen) + lo
    else:
        uniq, inverse = np.unique(vals, return_inverse=True)
        codes[present] = inverse.ravel()
    values = [int(v) if float(v).is_integer() else float(v) for v in uniq]
    return Encoded(codes, values)


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def encode(data: ReliabilityData, value_order: Sequence[Hashable] | None = None) -> Encoded:
    """Encode a coders x units matrix; ``None`` (or NaN) marks a missing value.

    Numeric data take a vectorised path. Other hashable values (code names,
    labels) are sorted when they can be, so the ordinal metric has an order;
    ``value_order`` gives the order explicitly (e.g. ``["low", "mid", "high"]``).
    """
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" and value_order is None:
        arr = data.astype(float, copy=False)
        if arr.ndim != 2:
            raise ValueError("reliability data must be 2-dimensional: coders x units")
        return _encode_float(arr)
    rows = [list(r) for r in data]
    if len({len(r) for r in rows}) > 1:
        raise ValueError("every coder's row must have one entry per unit (use None for missing)")
    flat = [v for r in rows for v in r]
    if value_order is None and all(_is_missing(v) or (isinstance(v, numbers.Real)) for v in flat):
        # numpy turns None into NaN when asked for floats.
        return _encode_float(np.array(rows, dtype=float).reshape(len(rows), -1))
    present = {v for v in flat if not _is_missing(v)}
    if value_order is not None:
        unknown = present - set(value_order)
        if unknown:
            raise ValueError(f"values not in value_order: {sorted(map(str, unknown))}")
        values = list(dict.fromkeys(value_order))
    else:
        try:
            values = sorted(present)
        except TypeError:
            return _encode_rows(rows, sorted(present, key=repr), ordered=False)
    return _encode_rows(rows, values, ordered=True)


def _encode_rows(rows: list[list[Any]], values: list[Any], ordered: bool) -> Encoded:
    ids = {v: i for i, v in enumerate(values)}
    codes = np.array([[-1 if _is_missing(v) else ids[v] for v in r] for r in rows], dtype=np.int64)
    return Encoded(codes.reshape(len(rows), -1), values, ordered)


def unit_value_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """units x values matrix: how many coders gave value c to unit u."""
    m, n_units = codes.shape
    valid = codes >= 0
    units = np.broadcast_to(np.arange(n_units), (m, n_units))[valid]
    flat = units * n_values + codes[valid]
    return np.bincount(flat, minlength=n_units * n_values).reshape(n_units, n_values)


def _distance_matrix(level: str, values: Sequence[Any], n_c: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "ordinal":
        cum = np.cumsum(n_c)
        lo = np.minimum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
        hi = np.maximum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
        between = cum[hi] - cum[lo] + n_c[lo]
        return cast(npt.NDArray[np.float64], (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2)
    try:
        v: npt.NDArray[np.float64] = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{level} alpha needs numeric values; got {values[:5]!r}") from None
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff**2
    total = v[:, None] + v[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
    return ratio**2


def _alpha_from_counts(
    counts: np.ndarray, level: str, values: Sequence[Any], weights: np.ndarray | None = None
) -> Coefficient:
    """Alpha from units x values counts; ``weights`` multiplies units (bootstrap)."""
    name = f"Krippendorff's alpha ({level})"
    m_u = counts.sum(axis=1)
    keep = m_u >= 2
    if weights is not None:
        keep &= weights > 0
    counts_k = counts[keep].astype(float)
    scale = 1.0 / (m_u[keep] - 1.0)
    if weights is not None:
        scale = scale * weights[keep]
    scaled = counts_k * scale[:, None]
    o = counts_k.T @ scaled
    o[np.diag_indices_from(o)] -= scaled.sum(axis=0)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n < 2:
        return undefined(name, "fewer than two pairable values: no unit was coded by two or more coders", n=n)
    d2 = _distance_matrix(level, values, n_c)
    d_o = float((o * d2).sum()) / n
    d_e = float((np.outer(n_c, n_c) * d2).sum()) / (n * (n - 1.0))
    if d_e <= 0:
        return undefined(
            name,
            "no variation: all pairable values are the same, so expected disagreement is 0 and alpha is undefined",
            observed=d_o,
            expected=d_e,
            n=n,
        )
    return Coefficient(name, 1.0 - d_o / d_e, d_o, d_e, n)


def _prepare(data: ReliabilityData, level: str, value_order: Sequence[Hashable] | None) -> tuple[np.ndarray, list[Any]]:
    _check_level(level)
    enc = encode(data, value_order)
    if level == "ordinal" and not enc.ordered:
        raise ValueError("ordinal alpha needs ordered values; pass value_order=[...] for these labels")
    if enc.codes.shape[0] < 2:
        raise ValueError(f"Krippendorff's alpha needs at least two coders; got {enc.codes.shape[0]}")
    return unit_value_counts(enc.codes, len(enc.values)), enc.values


def krippendorff_alpha_detail(
    data: ReliabilityData, level: Level = "nominal", value_order: Sequence[Hashable] | None = None
) -> Coefficient:
    """Alpha with ``D_o``, ``D_e``, the number of pairable values, or why it is undefined."""
    counts, values = _prepare(data, level, value_order)
    return _alpha_from_counts(counts, level, values)


def krippendorff_alpha(
    data: ReliabilityData, level: Level = "nominal", value_order: Sequence[Hashable] | None = None
) -> float:
    """Krippendorff's alpha of a coders x units matrix (``None``/NaN = missing).

    Units with fewer than two values are not pairable and drop out. Returns NaN
    when alpha is undefined (see :func:`krippendorff_alpha_detail` for the reason).
    Raises ``ValueError`` for fewer than two coders or an unknown level.
    """
    return float(krippendorff_alpha_detail(data, level, value_order))


def krippendorff_alpha_counts(
    counts: Sequence[Sequence[float]] | np.ndarray,
    level: Level = "nominal",
    values: Sequence[Any] | None = None,
    weights: Sequence[float] | np.ndarray | None = None,
) -> Coefficient:
    """Alpha from a units x values table of how many coders gave each value to each unit.

    ``weights`` repeats rows: a row with weight 40 stands for 40 identical units.
    Why: presence/absence data of ``m`` coders have at most ``2**m`` distinct
    units, so a project's 1,800,000 characters collapse into a handful of rows
    and alpha costs microseconds. ``values`` defaults to ``0, 1, ...`` (only
    the non-nominal metrics read them).
    """
    _check_level(level)
    c = np.asarray(counts, dtype=float)
    if c.ndim != 2:
        raise ValueError(f"expected a units x values table; got shape {c.shape}")
    values = list(range(c.shape[1])) if values is None else list(values)
    w = None if weights is None else np.asarray(weights, dtype=float)
    return _alpha_from_counts(c, level, values, w)


@dataclass(frozen=True)
class BootstrapInterval:
    """Percentile interval of alpha over units resampled with replacement.

    ``size`` counts the draws in which alpha was defined (draws that happen to
    contain no variation are dropped, not counted as 1 or 0).
    """

    estimate: float
    low: float
    high: float
    ci: float
    size: int
    draws: int


def bootstrap_alpha(
    data: ReliabilityData,
    level: Level = "nominal",
    draws: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    value_order: Sequence[Hashable] | None = None,
) -> BootstrapInterval:
    """Seeded percentile bootstrap of alpha, resampling *units*.

    Why units: they are the sampled entities in a reliability study, and
    resampling them keeps each unit's coders together, so the interval reflects
    which passages happened to be double-coded. (Hayes & Krippendorff 2007,
    Communication Methods and Measures 1:77-89, bootstrap the coincidences
    instead; the unit bootstrap is the usual non-parametric alternative and is
    seedable and exact to reproduce.) Each draw reweights the per-unit value
    counts, so a draw costs one small matrix product.
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1; got {ci}")
    if draws < 1:
        raise ValueError(f"draws must be positive; got {draws}")
    counts, values = _prepare(data, level, value_order)
    estimate = float(_alpha_from_counts(counts, level, values))
    rng = np.random.default_rng(seed)
    n_units = counts.shape[0]
    sample = []
    for _ in range(draws):
        weights = np.bincount(rng.integers(0, n_units, n_units), minlength=n_units).astype(float)
        value = _alpha_from_counts(counts, level, values, weights).value
        if value is not None:
            sample.append(value)
    return _percentile_interval(estimate, sample, ci, draws)


def _percentile_interval(estimate: float, sample: list[float], ci: float, draws: int) -> BootstrapInterval:
    """The percentile interval of the defined draws (NaN bounds when no draw was defined)."""
    if not sample:
        return BootstrapInterval(estimate, math.nan, math.nan, ci, 0, draws)
    tail = (1.0 - ci) / 2.0
    low, high = np.quantile(np.asarray(sample), [tail, 1.0 - tail])
    return BootstrapInterval(estimate, float(low), float(high), ci, len(sample), draws)


def bootstrap_alpha_counts(
    counts: Sequence[Sequence[float]] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    level: Level = "nominal",
    draws: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    values: Sequence[Any] | None = None,
) -> BootstrapInterval:
    """The unit bootstrap of :func:`bootstrap_alpha` for a table of distinct units with multiplicities.

    Drawing ``N`` units with replacement from ``N`` units of which ``w_r`` look
    like row ``r`` is a multinomial draw of the row multiplicities with
    probabilities ``w_r / N``; so each draw is one multinomial vector, not
    ``N`` index draws (same distribution as :func:`bootstrap_alpha`, not the
    same random stream).
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1; got {ci}")
    if draws < 1:
        raise ValueError(f"draws must be positive; got {draws}")
    c = np.asarray(counts, dtype=float)
    w = np.asarray(weights, dtype=float)
    values = list(range(c.shape[1])) if values is None else list(values)
    estimate = float(_alpha_from_counts(c, level, values, w))
    n_units = round(w.sum())
    if n_units == 0:
        return BootstrapInterval(estimate, math.nan, math.nan, ci, 0, draws)
    rng = np.random.default_rng(seed)
    sample = []
    for drawn in rng.multinomial(n_units, w / w.sum(), size=draws):
        value = _alpha_from_counts(c, level, values, drawn.astype(float)).value
        if value is not None:
            sample.append(value)
    return _percentile_interval(estimate, sample, ci, draws)
