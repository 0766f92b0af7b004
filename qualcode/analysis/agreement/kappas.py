"""Kappa-type coefficients on count tables, and the helpers that build the tables.

All share the form ``(p_o - p_e) / (1 - p_e)``; they differ only in what
agreement is expected by chance (Zwick 1988, Psychological Bulletin 103:374-378,
explains why that choice matters):

* Cohen (1960, Educ. Psychol. Meas. 20:37-46): each coder's own marginals,
  ``p_e = sum_i p_i. p_.i`` -- coders are allowed different base rates.
* Scott (1955, Public Opinion Quarterly 19:321-325): pooled marginals,
  ``p_e = sum_i ((p_i. + p_.i) / 2)^2`` -- coders are assumed interchangeable.
* Brennan & Prediger (1981, Educ. Psychol. Meas. 41:687-699): uniform chance,
  ``p_e = 1/q`` for ``q`` categories -- no marginals at all; this is what
  MAXQDA uses because it cannot count "uncoded segments".
* Fleiss (1971, Psychological Bulletin 76:378-382): Scott's pi for a fixed
  number ``n`` of raters per unit, ``P_i = (sum_j n_ij^2 - n) / (n (n - 1))``.

When ``p_e == 1`` (a code nobody, or everybody, applied) kappa is ``0/0``: the
coders could not have disagreed, so there is nothing to correct. The functions
then return a :class:`Coefficient` with ``value=None`` and a reason, never a
number and never a ZeroDivisionError.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from qualcode.analysis.agreement.coefficient import Coefficient, undefined

_EPS = 1e-12


def _square_table(table: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape[0] == 0:
        raise ValueError(f"expected a non-empty square k x k table of counts; got shape {t.shape}")
    if (t < 0).any():
        raise ValueError("counts must not be negative")
    return t


def _kappa(name: str, p_o: float, p_e: float, n: float) -> Coefficient:
    if 1.0 - p_e <= _EPS:
        return undefined(
            name,
            "expected agreement is 1 (one category holds every rating, e.g. a code "
            "nobody or everybody applied), so chance-corrected agreement is undefined",
            observed=p_o,
            expected=p_e,
            n=n,
        )
    return Coefficient(name, (p_o - p_e) / (1.0 - p_e), p_o, p_e, n)


def _empty(name: str) -> Coefficient:
    return undefined(name, "the table is empty: no unit was rated by both coders")


def percent_agreement(table: Sequence[Sequence[float]] | np.ndarray) -> Coefficient:
    """Proportion of units on the diagonal (0..1; multiply by 100 to print a percent)."""
    t = _square_table(table)
    n = float(t.sum())
    if n == 0:
        return _empty("percent agreement")
    p_o = float(np.trace(t)) / n
    return Coefficient("percent agreement", p_o, p_o, None, n)


def cohen_kappa(table: Sequence[Sequence[float]] | np.ndarray) -> Coefficient:
    """Cohen's kappa of a k x k table (rows: coder A's category, columns: coder B's)."""
    t = _square_table(table)
    n = float(t.sum())
    if n == 0:
        return _empty("Cohen's kappa")
    p = t / n
    return _kappa("Cohen's kappa", float(np.trace(p)), float(p.sum(1) @ p.sum(0)), n)


def scott_pi(table: Sequence[Sequence[float]] | np.ndarray) -> Coefficient:
    """Scott's pi of a k x k table: chance from the coders' pooled marginals."""
    t = _square_table(table)
    n = float(t.sum())
    if n == 0:
        return _empty("Scott's pi")
    p = t / n
    pooled = (p.sum(1) + p.sum(0)) / 2.0
    return _kappa("Scott's pi", float(np.trace(p)), float(pooled @ pooled), n)


def brennan_prediger_kappa(table: Sequence[Sequence[float]] | np.ndarray, q: int | None = None) -> Coefficient:
    """Brennan & Prediger's kappa: chance agreement ``1/q``.

    ``q`` defaults to the table's number of categories; pass the codebook's
    number of categories when some were available but never used.
    """
    t = _square_table(table)
    q = t.shape[0] if q is None else q
    name = "Brennan-Prediger kappa"
    if q < 2:
        return undefined(name, f"needs at least two categories; got q={q}")
    n = float(t.sum())
    if n == 0:
        return _empty(name)
    return _kappa(name, float(np.trace(t)) / n, 1.0 / q, n)


def fleiss_kappa(
    counts: Sequence[Sequence[float]] | np.ndarray, weights: Sequence[float] | np.ndarray | None = None
) -> Coefficient:
    """Fleiss' kappa of a units x categories table of rater counts.

    Every unit must have the same number of ratings (Fleiss' design); with
    missing ratings use Krippendorff's alpha instead, which is built for that.
    ``weights`` repeats rows (a row with weight 40 stands for 40 identical
    units), so presence/absence data collapse to at most ``2**m`` rows.
    """
    name = "Fleiss' kappa"
    c = np.asarray(counts, dtype=float)
    if c.ndim != 2 or c.size == 0:
        raise ValueError(f"expected a units x categories table; got shape {c.shape}")
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(c),) or (w < 0).any():
            raise ValueError("weights need one non-negative number per unit")
        c, w = c[w > 0], w[w > 0]
        if len(c) == 0:
            return undefined(name, "no units")
        return _fleiss(name, c, w)
    return _fleiss(name, c, np.ones(len(c)))


def _fleiss(name: str, c: np.ndarray, w: np.ndarray) -> Coefficient:
    per_unit = c.sum(axis=1)
    if float(per_unit.max() - per_unit.min()) > 1e-9 * max(1.0, float(per_unit[0])):
        return undefined(
            name,
            "units have different numbers of ratings; Fleiss' kappa needs the same "
            "number per unit (use Krippendorff's alpha for missing data)",
            n=float(w.sum()),
        )
    r = float(per_unit[0])
    if r < 2:
        return undefined(name, f"needs at least two ratings per unit; got {r:g}", n=float(w.sum()))
    n_units = float(w.sum())
    p_i = ((c**2).sum(axis=1) - r) / (r * (r - 1.0))
    p_j = (w @ c) / (n_units * r)
    return _kappa(name, float(w @ p_i) / n_units, float(p_j @ p_j), n_units)


def confusion_table(
    a: Sequence[Hashable | None], b: Sequence[Hashable | None], categories: Sequence[Hashable] | None = None
) -> np.ndarray:
    """k x k counts of (A's value, B's value) over units both coders rated.

    Units where either value is ``None`` are skipped (they are not pairs).
    ``categories`` fixes the row/column order and lets unused categories keep
    their row; it defaults to the sorted values seen.
    """
    if len(a) != len(b):
        raise ValueError(f"both coders need one value per unit; got {len(a)} and {len(b)}")
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    if categories is None:
        categories = _sorted({v for p in pairs for v in p})
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)), dtype=np.int64)
    for x, y in pairs:
        if x not in index or y not in index:
            raise ValueError(f"value {x if x not in index else y!r} is not among the categories")
        table[index[x], index[y]] += 1
    return table


def category_counts(
    data: Sequence[Sequence[Hashable | None]], categories: Sequence[Hashable] | None = None
) -> np.ndarray:
    """units x categories counts of raters, from a coders x units matrix (for Fleiss)."""
    rows = [list(r) for r in data]
    if len({len(r) for r in rows}) > 1:
        raise ValueError("every coder's row must have one entry per unit (use None for missing)")
    if categories is None:
        categories = _sorted({v for r in rows for v in r if v is not None})
    index = {c: i for i, c in enumerate(categories)}
    n_units = len(rows[0]) if rows else 0
    counts = np.zeros((n_units, len(categories)), dtype=np.int64)
    for r in rows:
        for u, v in enumerate(r):
            if v is not None:
                if v not in index:
                    raise ValueError(f"value {v!r} is not among the categories")
                counts[u, index[v]] += 1
    return counts


def _sorted(values: set[Hashable]) -> list[Hashable]:
    try:
        return sorted(values)  # type: ignore[type-var]
    except TypeError:  # mixed types (e.g. 0 and "yes") still get a deterministic order
        return sorted(values, key=repr)
