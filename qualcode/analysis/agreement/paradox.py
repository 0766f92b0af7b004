"""Paradox-resistant coefficients beside κ: Gwet's AC1 and PABAK.

Why: κ falls towards 0 when one category dominates even though the coders agree almost
everywhere — a code applied to 2 % of sentences is the usual case in qualitative coding (the
kappa paradox, Feinstein & Cicchetti 1990). AC1 (Gwet 2008) takes chance agreement from the
prevalence so that it stays near % agreement when one category dominates; PABAK (Byrt, Bishop &
Carlin 1993) is κ with prevalence set to one half and no bias: ``2 p_o − 1`` for two categories.
Neither replaces κ or α; they are printed beside them so that a reader can see which of
prevalence or disagreement drives a low κ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qualcode.analysis.agreement.coefficient import Coefficient, undefined

AC1 = "Gwet's AC1"
PABAK = "PABAK"


def gwet_ac1(table: Sequence[Sequence[float]] | np.ndarray) -> Coefficient:
    """AC1 of two coders from their q × q table (rows: coder A's category, columns: B's).

    ``p_a = Σ n_kk / n``; ``π_k = (n_k· + n_·k) / 2n``; ``p_e = Σ π_k (1 − π_k) / (q − 1)``;
    ``AC1 = (p_a − p_e) / (1 − p_e)`` (Gwet 2008, eq. 14 ff.).
    """
    t = np.asarray(table, dtype=float)
    n = float(t.sum())
    q = t.shape[0]
    if n == 0:
        return undefined(AC1, "no units")
    if q < 2:
        return undefined(AC1, "fewer than two categories")
    p_a = float(np.trace(t)) / n
    pi = (t.sum(axis=1) + t.sum(axis=0)) / (2 * n)
    p_e = float((pi * (1 - pi)).sum()) / (q - 1)
    return Coefficient(AC1, (p_a - p_e) / (1 - p_e), p_a, p_e, n)


def gwet_ac1_raters(counts: Sequence[Sequence[float]] | np.ndarray) -> Coefficient:
    """AC1 of any number of coders from units × categories counts ``r_ik`` (coders who put unit
    ``i`` in category ``k``), missing ratings allowed.

    ``p_a`` is the mean over units rated at least twice of ``Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))``;
    ``π_k`` the mean over rated units of ``r_ik / r_i``; ``p_e = Σ π_k (1 − π_k) / (q − 1)``
    (Gwet 2008; Gwet 2014, ch. 4). With two coders and no missing ratings it equals :func:`gwet_ac1`.
    """
    r = np.asarray(counts, dtype=float)
    q = r.shape[1]
    r_i = r.sum(axis=1)
    rated = r_i >= 1
    paired = r_i >= 2
    if not paired.any():
        return undefined(AC1, "no unit was rated by two or more coders")
    if q < 2:
        return undefined(AC1, "fewer than two categories")
    rp = r[paired]
    p_a = float((rp * (rp - 1)).sum(axis=1).dot(1 / (r_i[paired] * (r_i[paired] - 1)))) / int(paired.sum())
    pi = (r[rated] / r_i[rated][:, None]).mean(axis=0)
    p_e = float((pi * (1 - pi)).sum()) / (q - 1)
    return Coefficient(AC1, (p_a - p_e) / (1 - p_e), p_a, p_e, float(paired.sum()))


def pabak(p_o: float | None, n: float, categories: int = 2) -> Coefficient:
    """Prevalence- and bias-adjusted κ: ``(q p_o − 1) / (q − 1)``, ``2 p_o − 1`` for two categories
    (Byrt, Bishop & Carlin 1993). With more than two coders ``p_o`` is the mean agreement over
    pairs of coders (Fleiss' P̄), which makes this Brennan & Prediger's κ for q = 2."""
    if p_o is None or n == 0:
        return undefined(PABAK, "no units")
    return Coefficient(PABAK, (categories * p_o - 1) / (categories - 1), p_o, 1 / categories, n)


def binary_pattern_coefficients(counts: Sequence[float] | np.ndarray, m: int) -> tuple[Coefficient, Coefficient]:
    """(AC1, PABAK) for one code from ``counts[p]`` = units whose coder pattern is ``p`` (bit ``i``
    set: coder ``i`` applied the code): the two categories are applied / not applied.

    Closed forms of the functions above for presence/absence by ``m`` coders, no missing
    ratings: with ``k`` of ``m`` coders applying the code, a unit's pairwise agreement is
    ``(k(k−1) + (m−k)(m−k−1)) / (m(m−1))``; ``π`` is the share of ratings that apply it.
    """
    c = [float(x) for x in counts]
    n = sum(c)
    if n == 0:
        return undefined(AC1, "no units"), undefined(PABAK, "no units")
    pops = [bin(p).count("1") for p in range(len(c))]
    p_a = sum(x * (k * (k - 1) + (m - k) * (m - k - 1)) for x, k in zip(c, pops)) / (m * (m - 1) * n)
    pi = sum(x * k for x, k in zip(c, pops)) / (m * n)
    p_e = 2 * pi * (1 - pi)
    ac1 = Coefficient(AC1, (p_a - p_e) / (1 - p_e), p_a, p_e, n)
    return ac1, pabak(p_a, n)


def agreement_on_coded(counts: Sequence[float] | np.ndarray) -> float | None:
    """% agreement without the units nobody coded: units every coder coded over units anyone
    coded. Uncoded text is most of a transcript and agreed on trivially; this share is not."""
    anyone = float(sum(counts)) - float(counts[0])
    return float(counts[-1]) / anyone if anyone else None
