"""Agreement on coded spans the way QDA programs report it.

Spans are half-open ``(start, end)`` code-point offsets into one document's
immutable text (the REFI-QDA convention used throughout qualcode). Three
views, each answering a different supervisor question:

* :func:`unit_presence` -- did each coder apply the code somewhere in each
  sentence / turn / paragraph? Feeds the kappa/alpha of predefined units
  (:func:`span_presence`: the same rule on sorted unit arrays).
* :func:`character_agreement` -- NVivo's coding comparison: every character is
  a unit, coded or not by each coder.
* :func:`match_segments` -- MAXQDA's segment agreement: do the coders' segments
  find a partner that overlaps them enough?
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qualcode.analysis.agreement.coefficient import Coefficient, undefined
from qualcode.analysis.agreement.kappas import cohen_kappa

Span = tuple[int, int]


def _check_spans(spans: Sequence[Span], length: int | None, who: str) -> None:
    for start, end in spans:
        if start < 0 or end < start or (length is not None and end > length):
            limit = f" within 0..{length}" if length is not None else ""
            raise ValueError(f"{who}: span ({start}, {end}) is not a half-open interval{limit}")


def _coverage(length: int, spans: Sequence[Span]) -> np.ndarray:
    """Boolean mask of the characters covered by at least one span.

    Overlapping spans of the same coder and code (a coder coding a passage twice)
    count once: agreement is about text, not about how many times it was coded.
    """
    diff = np.zeros(length + 1, dtype=np.int64)
    for start, end in spans:
        if end > start:
            diff[start] += 1
            diff[end] -= 1
    return np.cumsum(diff[:-1]) > 0


def unit_presence(
    units: Sequence[Span], spans_by_coder: Mapping[Hashable, Sequence[Span]]
) -> dict[Hashable, list[int]]:
    """1/0 per unit and coder: does any span of the code overlap the unit by >= 1 character?

    ``units`` are the document's sentences, turns or paragraphs; the result has
    one list per coder in unit order, ready for :func:`confusion_table` or as a
    row of a reliability matrix. Computed from prefix sums of coverage, so it
    is linear in the document length, not in units x spans.
    """
    ends = [e for _, e in units] + [e for spans in spans_by_coder.values() for _, e in spans]
    length = max(ends, default=0)
    _check_spans(units, None, "unit")
    starts = np.fromiter((s for s, _ in units), dtype=np.int64, count=len(units))
    stops = np.fromiter((e for _, e in units), dtype=np.int64, count=len(units))
    result: dict[Hashable, list[int]] = {}
    for coder, spans in spans_by_coder.items():
        _check_spans(spans, None, f"coder {coder!r}")
        covered = np.concatenate(([0], np.cumsum(_coverage(length, spans))))
        hit = (covered[stops] - covered[starts]) > 0
        result[coder] = hit.astype(int).tolist()
    return result


def span_presence(starts: np.ndarray, ends: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """:func:`unit_presence`'s rule on arrays: which of one document's sorted, non-overlapping units
    (``starts``, ``ends``) share at least one character with any span (``spans``: n x 2).

    A difference array over unit indices, so it costs O((units + spans) log units) and never
    materialises the text's characters; the audit and the coding assistant use it.
    """
    hit = np.zeros(len(starts) + 1, dtype=np.int64)
    if len(spans):
        lo = np.searchsorted(ends, spans[:, 0], side="right")
        hi = np.searchsorted(starts, spans[:, 1], side="left")
        ok = lo < hi
        np.add.at(hit, lo[ok], 1)
        np.add.at(hit, hi[ok], -1)
    return np.asarray(np.cumsum(hit[:-1]) > 0)


@dataclass(frozen=True)
class CharacterAgreement:
    """NVivo-style comparison of one code in one document, character by character.

    ``agreement`` is ``(both + neither) / length`` (0..1; NVivo prints it as a
    percentage); ``kappa`` is Cohen's kappa of the 2 x 2 character table.
    """

    length: int
    both: int
    only_a: int
    only_b: int
    neither: int
    agreement: float | None
    kappa: Coefficient

    @property
    def table(self) -> np.ndarray:
        """2 x 2 counts, rows = coder A (coded, not coded), columns = coder B."""
        return np.array([[self.both, self.only_a], [self.only_b, self.neither]])


def character_agreement(length: int, spans_a: Sequence[Span], spans_b: Sequence[Span]) -> CharacterAgreement:
    """Character-level agreement of two coders on one code in one document.

    This is how NVivo's Coding Comparison query defines agreement and kappa
    (NVivo help, "Run a coding comparison query": "the number of units of
    agreement divided by the total units of measure", units being characters
    for text). Every uncoded character both coders left alone counts as
    agreement, which is why percentages look high for rare codes and why kappa
    matters. A code neither coder applied has kappa ``None`` with a reason
    (NVivo prints 1 there; see :func:`weighted_character_agreement`).
    """
    if length < 0:
        raise ValueError(f"document length must be >= 0; got {length}")
    _check_spans(spans_a, length, "coder A")
    _check_spans(spans_b, length, "coder B")
    a = _coverage(length, spans_a)
    b = _coverage(length, spans_b)
    both = int(np.count_nonzero(a & b))
    only_a = int(np.count_nonzero(a & ~b))
    only_b = int(np.count_nonzero(~a & b))
    neither = length - both - only_a - only_b
    if length == 0:
        return CharacterAgreement(0, 0, 0, 0, 0, None, undefined("Cohen's kappa", "the document is empty"))
    kappa = cohen_kappa([[both, only_a], [only_b, neither]])
    return CharacterAgreement(length, both, only_a, only_b, neither, (both + neither) / length, kappa)


@dataclass(frozen=True)
class WeightedAgreement:
    """Agreement and kappa averaged over documents, weighted by document length.

    ``kappa_documents`` says how many documents entered the kappa average;
    documents whose kappa was undefined are left out unless a substitute was
    requested, and ``reason`` says so.
    """

    agreement: float | None
    kappa: float | None
    total_length: int
    documents: int
    kappa_documents: int
    reason: str | None = None


def weighted_character_agreement(
    results: Sequence[CharacterAgreement], undefined_kappa_as: float | None = None
) -> WeightedAgreement:
    """NVivo's "average weighted by source size" over one code's documents.

    Weight = document length in characters, so a long interview counts more
    than a short note. NVivo reports kappa 1 for documents where neither coder
    applied the code, which inflates the average; qualcode leaves such
    documents out of the kappa average by default. Pass
    ``undefined_kappa_as=1.0`` to reproduce NVivo's number.
    """
    docs = [r for r in results if r.length > 0]
    total = sum(r.length for r in docs)
    if total == 0:
        return WeightedAgreement(None, None, 0, 0, 0, "no non-empty documents")
    agreement = sum(r.length * (r.agreement or 0.0) for r in docs) / total
    kappa_pairs = []
    for r in docs:
        value = r.kappa.value if r.kappa.value is not None else undefined_kappa_as
        if value is not None:
            kappa_pairs.append((r.length, value))
    skipped = len(docs) - len(kappa_pairs)
    reason = f"{skipped} document(s) with undefined kappa left out of the kappa average" if skipped else None
    if not kappa_pairs:
        return WeightedAgreement(
            agreement, None, total, len(docs), 0, "kappa is undefined in every document (code applied by nobody?)"
        )
    weight = sum(w for w, _ in kappa_pairs)
    kappa = sum(w * v for w, v in kappa_pairs) / weight
    return WeightedAgreement(agreement, kappa, total, len(docs), len(kappa_pairs), reason)


def overlap_percent(a: Span, b: Span) -> float:
    """MAXQDA's overlap: intersection relative to the extent both segments cover together.

    ``100 * |a & b| / (max(end) - min(start))``; two segments that share no
    character score 0 whatever the gap between them.
    """
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return 100.0 * inter / (max(a[1], b[1]) - min(a[0], b[0]))


@dataclass(frozen=True)
class SegmentMatch:
    """MAXQDA-style segment agreement for one code in one document.

    Each coder's segments are split into those that found a partner in the
    other coder's segments and those that did not. ``agreements`` and
    ``disagreements`` count segments of *both* coders, as MAXQDA's result table
    lists every segment of both documents; ``agreement = agreements / total``.
    """

    min_overlap_pct: float
    matched_a: tuple[Span, ...]
    unmatched_a: tuple[Span, ...]
    matched_b: tuple[Span, ...]
    unmatched_b: tuple[Span, ...]
    agreement: float | None
    kappa: Coefficient

    @property
    def agreements(self) -> int:
        return len(self.matched_a) + len(self.matched_b)

    @property
    def disagreements(self) -> int:
        return len(self.unmatched_a) + len(self.unmatched_b)


def _matches(own: Sequence[Span], other: Sequence[Span], min_pct: float) -> list[bool]:
    return [any(overlap_percent(s, t) >= min_pct and min(s[1], t[1]) > max(s[0], t[0]) for t in other) for s in own]


def match_segments(
    spans_a: Sequence[Span], spans_b: Sequence[Span], min_overlap_pct: float = 90.0, n_codes: int | None = None
) -> SegmentMatch:
    """Segment agreement as MAXQDA's Intercoder Agreement offers it.

    A segment agrees when a segment of the other coder, with the same code,
    overlaps it by at least ``min_overlap_pct`` percent of the extent both
    segments cover together (:func:`overlap_percent`; MAXQDA's default is 90 %).
    The comparison is run from each document's side, so a segment of A and one
    of B that match each count once, and a long segment cannot "agree" with a
    short one it merely contains. Sources: MAXQDA manual, "Intercoder
    Agreement" (https://www.maxqda.com/help-mx24/coding/problem-intercoder-agreement-qualitative-research)
    and Rädiker & Kuckartz (2019), "Intercoder-Übereinstimmung analysieren", in
    *Analyse qualitativer Daten mit MAXQDA*, Springer, pp. 287-303,
    https://doi.org/10.1007/978-3-658-22095-2_19 . (The manual's sentence on
    the overlap denominator could not be retrieved verbatim offline; the
    union-extent reading is the one MAXQDA's dialog and this brief describe.)

    Kappa: at segment level the cell "neither coder coded this segment" does not
    exist, so Cohen's kappa cannot be formed. MAXQDA instead follows Brennan &
    Prediger (1981): ``p_o = agreements / (agreements + disagreements)`` and
    ``p_e = 1 / number of codes`` in the result table (the manual: chance
    agreement "is determined by the number of different categories ... This
    corresponds to the number of codes in the specific result table").
    ``n_codes`` is that number (a property of the whole comparison, not of one
    code); without it, kappa is undefined with a reason.
    """
    if not 0 <= min_overlap_pct <= 100:
        raise ValueError(f"min_overlap_pct must be within 0..100; got {min_overlap_pct}")
    _check_spans(spans_a, None, "coder A")
    _check_spans(spans_b, None, "coder B")
    ok_a = _matches(spans_a, spans_b, min_overlap_pct)
    ok_b = _matches(spans_b, spans_a, min_overlap_pct)
    matched_a = tuple(s for s, ok in zip(spans_a, ok_a) if ok)
    unmatched_a = tuple(s for s, ok in zip(spans_a, ok_a) if not ok)
    matched_b = tuple(s for s, ok in zip(spans_b, ok_b) if ok)
    unmatched_b = tuple(s for s, ok in zip(spans_b, ok_b) if not ok)
    total = len(spans_a) + len(spans_b)
    name = "Brennan-Prediger kappa (MAXQDA segments)"
    agreement = (len(matched_a) + len(matched_b)) / total if total else None
    if agreement is None:
        kappa = undefined(name, "neither coder has a segment of this code")
    elif n_codes is None or n_codes < 2:
        kappa = undefined(name, "chance agreement is 1/number of codes; pass n_codes >= 2", observed=agreement, n=total)
    else:
        p_e = 1.0 / n_codes
        kappa = Coefficient(name, (agreement - p_e) / (1.0 - p_e), agreement, p_e, total)
    return SegmentMatch(min_overlap_pct, matched_a, unmatched_a, matched_b, unmatched_b, agreement, kappa)


def segment_agreement_kappa(matches: Sequence[SegmentMatch], n_codes: int | None = None) -> Coefficient:
    """MAXQDA's overall kappa across codes/documents: pooled agreements, ``p_e = 1/n_codes``.

    ``n_codes`` defaults to the number of results passed (one per code).
    """
    n_codes = len(matches) if n_codes is None else n_codes
    name = "Brennan-Prediger kappa (MAXQDA segments)"
    agree = sum(m.agreements for m in matches)
    total = agree + sum(m.disagreements for m in matches)
    if total == 0:
        return undefined(name, "no segments to compare")
    p_o = agree / total
    if n_codes < 2:
        return undefined(name, "chance agreement is 1/number of codes; needs at least two codes", observed=p_o, n=total)
    p_e = 1.0 / n_codes
    return Coefficient(name, (p_o - p_e) / (1.0 - p_e), p_o, p_e, total)


def passages(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Passages: maximal runs of spans that overlap by at least one character (what a disagreement
    and an adjudication decision are about)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]
