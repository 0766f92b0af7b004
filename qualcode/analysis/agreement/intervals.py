"""Bootstrap intervals for α and κ that say how they were drawn — or why there is none.

Why documents by default: sentences, turns and characters cluster in documents (one
interviewee's way of talking, one coder's mood that day), so resampling them as if independent
gives intervals that are too narrow. The cluster bootstrap resamples whole documents with
replacement and recomputes the coefficient from their pooled counts (Davison & Hinkley 1997,
§3.8; Field & Welsh 2007). Resampling units is kept as an option for designs whose units were
sampled independently, and Krippendorff's own bootstrap for α (Hayes & Krippendorff 2007) for
readers who expect it.

Every draw is computed in closed form from presence-pattern counts (bit ``i`` of pattern ``p``:
coder ``i`` applied the code), so a thousand resamples of forty documents cost milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

METHODS = ("documents", "units", "krippendorff")
MIN_DOCUMENTS = 10  # fewer clusters than this and percentile intervals are not worth printing

REFERENCES = {
    "documents": "Davison & Hinkley 1997, §3.8; Field & Welsh 2007",
    "units": "Efron & Tibshirani 1993",
    "krippendorff": "Krippendorff's bootstrap algorithm; Hayes & Krippendorff 2007",
}
FULL_REFERENCES = {
    "documents": (
        "Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their application (§3.8, "
        "more complicated data structures). Cambridge University Press. — Field, C. A., & Welsh, A. H. "
        "(2007). Bootstrapping clustered data. Journal of the Royal Statistical Society: Series B, "
        "69(3), 369–390."
    ),
    "units": "Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. Chapman & Hall.",
    "krippendorff": (
        "Krippendorff, K. (2006, rev. 2011). Algorithm for bootstrapping a distribution of α. "
        "Annenberg School for Communication, University of Pennsylvania. — "
        "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure "
        "for coding data. Communication Methods and Measures, 1(1), 77–89."
    ),
}
_WHAT = {
    "documents": "resamples of documents (cluster bootstrap)",
    "units": "resamples of units",
    "krippendorff": "resamples of pairs of values from the coincidence matrix (Krippendorff's bootstrap)",
}


@dataclass(frozen=True)
class Interval:
    """A percentile interval, with how it was drawn; ``low``/``high`` None and ``reason`` set
    when no interval is given (and why)."""

    low: float | None
    high: float | None
    ci: float
    method: str
    draws: int
    seed: int
    size: int = 0  # draws in which the coefficient was defined
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def phrase(self) -> str:
        """``1,000 resamples of documents (cluster bootstrap; Davison & Hinkley 1997, …), seed 0``."""
        return f"{self.draws:,} {_WHAT[self.method]}; {REFERENCES[self.method]}; seed {self.seed}"

    @property
    def description(self) -> str:
        """``95 % percentile interval, 1,000 resamples of documents (cluster bootstrap), seed 0``."""
        return (
            f"{100 * self.ci:.0f} % percentile interval, {self.draws:,} {_WHAT[self.method]}, seed {self.seed} "
            f"({REFERENCES[self.method]})"
        )


def refused(method: str, draws: int, seed: int, reason: str, ci: float = 0.95) -> Interval:
    return Interval(None, None, ci, method, draws, seed, 0, reason)


def percentile(values: np.ndarray, method: str, draws: int, seed: int, ci: float = 0.95) -> Interval:
    """The interval of the draws in which the coefficient is defined (NaN draws dropped)."""
    ok = values[~np.isnan(values)]
    if not len(ok):
        return refused(method, draws, seed, "the coefficient is undefined in every resample", ci)
    tail = (1 - ci) / 2
    low, high = np.quantile(ok, [tail, 1 - tail])
    return Interval(float(low), float(high), ci, method, draws, seed, len(ok))


# ---------------------------------------------------------------------------- closed forms on counts
def _pops(m: int) -> np.ndarray:
    return np.array([bin(p).count("1") for p in range(2**m)], dtype=float)


def alpha_of(counts: np.ndarray, m: int) -> np.ndarray:
    """Krippendorff's α (nominal, presence/absence) per row of pattern counts (NaN: undefined)."""
    k = _pops(m)
    n_units = counts.sum(axis=-1)
    n = m * n_units
    n1 = counts @ k
    d_o = (counts @ (2 * k * (m - k) / (m - 1))) / np.where(n > 0, n, np.nan)
    d_e = 2 * n1 * (n - n1) / np.where(n > 1, n * (n - 1), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d_e > 0, 1 - d_o / d_e, np.nan)


def kappa_of(counts: np.ndarray, m: int) -> np.ndarray:
    """Cohen's κ (two coders) or Fleiss' κ (more) per row of pattern counts (NaN: undefined)."""
    k = _pops(m)
    n = counts.sum(axis=-1)
    safe = np.where(n > 0, n, np.nan)
    if m == 2:
        p_o = (counts[..., 3] + counts[..., 0]) / safe
        pa = (counts[..., 3] + counts[..., 1]) / safe
        pb = (counts[..., 3] + counts[..., 2]) / safe
        p_e = pa * pb + (1 - pa) * (1 - pb)
    else:
        p_o = (counts @ (k * k + (m - k) ** 2 - m)) / (m * (m - 1) * safe)
        prev = (counts @ k) / (m * safe)
        p_e = prev**2 + (1 - prev) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(1 - p_e > 1e-12, (p_o - p_e) / (1 - p_e), np.nan)


# ---------------------------------------------------------------------------- the three bootstraps
def by_documents(
    per_document: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    draws: int,
    seed: int,
    ci: float = 0.95,
) -> Interval:
    """Resample the rows of ``per_document`` (documents × anything) with replacement;
    ``statistic`` maps a (draws × documents) matrix of how often each document was drawn to
    one value per draw."""
    n_docs = per_document.shape[0]
    if n_docs < MIN_DOCUMENTS:
        return refused(
            "documents",
            draws,
            seed,
            f"only {n_docs} document(s): a document bootstrap needs at least {MIN_DOCUMENTS} to be worth reading",
            ci,
        )
    rng = np.random.default_rng(seed)
    times = rng.multinomial(n_docs, np.full(n_docs, 1 / n_docs), size=draws).astype(float)
    return percentile(statistic(times), "documents", draws, seed, ci)


def pooled_statistic(
    per_document: np.ndarray, m: int, coefficient: Callable[[np.ndarray, int], np.ndarray]
) -> Callable[[np.ndarray], np.ndarray]:
    """For :func:`by_documents`: the coefficient of the pattern counts of the drawn documents."""
    return lambda times: coefficient(times @ per_document, m)


def by_units(
    counts: np.ndarray,
    m: int,
    coefficient: Callable[[np.ndarray, int], np.ndarray],
    draws: int,
    seed: int,
    ci: float = 0.95,
) -> Interval:
    """Resample units with replacement: a multinomial draw of the pattern counts."""
    n = round(float(counts.sum()))
    if n == 0:
        return refused("units", draws, seed, "no units", ci)
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(n, counts / counts.sum(), size=draws).astype(float)
    return percentile(coefficient(drawn, m), "units", draws, seed, ci)


def krippendorff(counts: np.ndarray, m: int, draws: int, seed: int, ci: float = 0.95) -> Interval:
    """Krippendorff's bootstrap of nominal α (Krippendorff's "Algorithm for bootstrapping a
    distribution of α"; Hayes & Krippendorff 2007; Hayes's KALPHA macro), for presence/absence.

    Pairs of values are drawn from the observed coincidence matrix (a disagreeing pair with
    probability ``2 o_01 / n..``), ``M = min(25 Q, (m − 1) n.. / 2)`` of them per resample
    (``Q``: non-empty cells); each resample's α is ``1 − D_o* / D_e`` with ``D_e`` the data's,
    clamped at −1; as many resamples of α = 1 as no-variation samples would give (``B Σ (o_cc /
    n..)^P``, ``P`` pairs) become 0; the interval's ends are the macro's order statistics. With two
    categories a drawn pair disagrees or not, so a resample's disagreeing pairs are binomial.

    ``M`` is at most ``25 Q`` (100 pairs for presence/absence) however large the data, as in the
    macro, so these intervals stay wide on large projects — one reason the document bootstrap is
    the default (for a critique of resampling pairs, see Hughes 2022, arXiv:2210.13265).
    """
    if draws < 1000:
        return refused("krippendorff", draws, seed, "Krippendorff's bootstrap needs at least 1,000 resamples", ci)
    k = _pops(m)
    n_units = float(counts.sum())
    n = m * n_units  # pairable values: every unit has m values here
    n1 = float(counts @ k)
    if n < 2 or n1 in (0, n):
        return refused("krippendorff", draws, seed, "α is undefined: no variation to resample", ci)
    d_e = 2 * n1 * (n - n1) / (n * (n - 1))
    off = float(counts @ (2 * k * (m - k) / (m - 1)))  # o_01 + o_10
    diag = np.array([(n - n1) - off / 2, n1 - off / 2])  # o_00, o_11
    cells = int((diag > 1e-9).sum()) + (2 if off > 1e-9 else 0)
    pairs_drawn = max(1, int(min(25 * cells, (m - 1) * n / 2)))
    rng = np.random.default_rng(seed)
    disagreeing = rng.binomial(pairs_drawn, min(1.0, off / n), size=draws).astype(float)
    sample = np.maximum(1 - disagreeing / (pairs_drawn * d_e), -1.0)
    nonzero_diagonal = int((diag > 1e-9).sum())
    if nonzero_diagonal == 1:
        sample[sample == 1.0] = 0.0  # KALPHA: a resample of one category only has no variation
    else:
        pairs = n_units * m * (m - 1) / 2
        no_variation = round(draws * float(((diag / n) ** pairs).sum()))
        sample[np.flatnonzero(sample == 1.0)[:no_variation]] = 0.0
    sample.sort()
    tail = (1 - ci) / 2
    low = sample[max(int(np.floor(tail * draws)), 1) - 1]
    high = sample[min(int(np.floor((1 - tail) * draws)) + 1, draws) - 1]
    return Interval(float(low), float(high), ci, "krippendorff", draws, seed, draws)
