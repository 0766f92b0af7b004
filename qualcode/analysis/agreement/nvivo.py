"""NVivo's coding comparison at character level: κ per code and source, then a mean over sources
weighted by their length — with NVivo's rule, or with the sources it fills in left out.

NVivo's help ("Run a coding comparison query", "How is the Kappa coefficient calculated?")
computes, for each code and source, % agreement and Cohen's κ over the source's characters; where
neither user applied the code to the source, κ is undefined (no variation) and NVivo reports it as
1; a code's figure over several sources is the average of the per-source figures weighted by
source size. ``character`` (variant ``nvivo``) follows that rule so the numbers equal NVivo's;
``character:skip-uncoded`` leaves those sources out of the κ average instead, which is what a
reader who distrusts the filled-in ones will want. Both are named in every row and in the
methods paragraph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from qualcode.analysis.agreement.coefficient import Coefficient, undefined
from qualcode.analysis.agreement.intervals import kappa_of
from qualcode.analysis.agreement.report import Stats

NAMES = {
    "nvivo": "Cohen's κ (NVivo: per document, 1 where neither coded; mean weighted by length)",
    "skip-uncoded": "Cohen's κ (per document, documents neither coded left out; mean weighted by length)",
}


@dataclass(frozen=True)
class PerDocument:
    """One code's per-document κ and % agreement under a variant (κ NaN: left out)."""

    kappas: np.ndarray
    agreements: np.ndarray
    lengths: np.ndarray
    ones: int  # documents given κ = 1 (NVivo's rule)
    left_out: int  # documents left out of the κ average (skip-uncoded)

    @property
    def kappa(self) -> float | None:
        keep = ~np.isnan(self.kappas) & (self.lengths > 0)
        weight = float(self.lengths[keep].sum())
        return float((self.lengths[keep] * self.kappas[keep]).sum() / weight) if weight else None

    @property
    def agreement(self) -> float | None:
        keep = self.lengths > 0
        weight = float(self.lengths[keep].sum())
        return float((self.lengths[keep] * self.agreements[keep]).sum() / weight) if weight else None


def per_document(counts: np.ndarray, lengths: np.ndarray, variant: str) -> PerDocument:
    """``counts``: documents × 4 pattern counts of characters (neither, only A, only B, both)."""
    lengths = np.asarray(lengths, dtype=float)
    kappas = kappa_of(counts, 2) if len(counts) else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        agreements = np.where(lengths > 0, (counts[:, 0] + counts[:, 3]) / lengths, np.nan) if len(counts) else kappas
    undefined_here = np.isnan(kappas) & (lengths > 0)
    neither = undefined_here & (counts[:, 0] == lengths) if len(counts) else undefined_here
    if variant == "nvivo":
        # κ is undefined only where the coders agree on every character; NVivo reports 1 there
        kappas = np.where(undefined_here, 1.0, kappas)
        return PerDocument(kappas, agreements, lengths, int(neither.sum()), 0)
    return PerDocument(kappas, agreements, lengths, 0, int(undefined_here.sum()))


def code_stats(st: Stats, docs: PerDocument, variant: str) -> Stats:
    """The code's row: κ and % agreement as NVivo's weighted means; α, AC1, PABAK stay pooled."""
    name = NAMES[variant]
    value = docs.kappa
    kappa = (
        Coefficient(name, value, n=float(docs.lengths.sum()))
        if value is not None
        else undefined(name, "κ is undefined in every document (nobody applied the code?)")
    )
    warning = st.warning
    if variant == "skip-uncoded" and docs.left_out and value is not None:
        note = (
            f"{docs.left_out} document(s) with undefined κ (neither coder applied the code) left out of the κ average"
        )
        warning = "; ".join(x for x in (warning, f"documents left out: {note}") if x)
    return replace(
        st, agreement=docs.agreement, kappa=kappa, warning=warning, kappa_ones=docs.ones, kappa_left_out=docs.left_out
    )


def document_kappa(st: Stats, kappa_value: float, variant: str) -> Stats:
    """A per-document row with NVivo's filled-in κ = 1 (only under the ``nvivo`` variant)."""
    if variant != "nvivo" or st.kappa.value is not None or np.isnan(kappa_value):
        return st
    return replace(st, kappa=Coefficient(NAMES["nvivo"], float(kappa_value), n=st.units))


def mean_of_codes(codes: list[PerDocument]) -> tuple[float | None, float | None]:
    """The pooled row computed as the rows above it: the mean over codes of their κ and % agreement
    (each code spans the same documents, so this is also the length-weighted mean over every code
    and document)."""
    kappas = [c.kappa for c in codes if c.kappa is not None]
    agreements = [c.agreement for c in codes if c.agreement is not None]
    return (
        sum(kappas) / len(kappas) if kappas else None,
        sum(agreements) / len(agreements) if agreements else None,
    )


def resampled(codes: list[PerDocument]) -> Callable[[np.ndarray], np.ndarray]:
    """For the document bootstrap: the mean over ``codes`` of their weighted κ in each draw
    (``times``: draws × documents, how often each document was drawn)."""

    def statistic(times: np.ndarray) -> np.ndarray:
        per_code = []
        for c in codes:
            keep = ~np.isnan(c.kappas) & (c.lengths > 0)
            w = np.where(keep, c.lengths, 0.0)
            k = np.where(keep, c.kappas, 0.0)
            den = times @ w
            with np.errstate(divide="ignore", invalid="ignore"):
                per_code.append(np.where(den > 0, (times @ (w * k)) / den, np.nan))
        if not per_code:
            return np.full(times.shape[0], np.nan)
        stacked = np.vstack(per_code)
        finite = np.isfinite(stacked)
        count = finite.sum(axis=0)
        total = np.where(finite, stacked, 0.0).sum(axis=0)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    return statistic
