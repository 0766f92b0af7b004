"""The supervisor's audit: per-code agreement of two or more coders in a project.

This module connects the pure coefficients of :mod:`qualcode.analysis.agreement` to a
:class:`~qualcode.project.Project`. It reads the chosen coders' codings once and answers,
per code: how many units, how often the coders agree, Cohen's κ (two coders) or Fleiss' κ
(three or more), Krippendorff's α (nominal), and a warning where prevalence makes κ
unreadable. It also gives a per-document breakdown and the list of disagreements with
each coder's spans, which the TUI shows side by side and adjudication resolves.

Units (``unit=``):

``sentence`` / ``turn`` / ``paragraph``
    The stored text units. A coder *applied* a code to a unit when one of their spans of
    that code shares at least one character with it (:func:`unit_presence`'s rule).
``document``
    One unit per document.
``window:N``
    Consecutive blocks of ``N`` characters from the start of each document (the last one
    shorter) -- units that do not depend on the segmenter.
``character``
    Every character is a unit, as NVivo's coding comparison defines it. For two coders the
    per-code % agreement and κ are NVivo's averages over documents weighted by length
    (documents where κ is undefined are left out of the κ average and the warning says so);
    α is pooled over all characters.
``segment:X%``
    MAXQDA's segment matching (two coders): a segment agrees when a segment of the other
    coder with the same code overlaps it by at least X % (:func:`match_segments`); κ is
    Brennan & Prediger's with chance ``1 / number of codes``; α does not exist here.
``unitized``
    Krippendorff's unitizing α family (:mod:`agreement_unitized`): |uα per code
    (ATLAS.ti's α-binary), uα and cuα within each semantic domain, Cuα across domains --
    each row names its variant. All documents form one continuum, laid end to end.

Why presence patterns: with ``m`` coders a unit is fully described, for one code, by which
coders applied the code -- one of ``2**m`` patterns. Counting units per pattern turns
1.8 million characters into at most eight numbers, from which every coefficient follows
exactly (the coefficient functions accept row weights). The counts per (code, document)
give the per-document breakdown for free.

Which documents: by default those in which every selected coder has at least one coding
(a reliability sample is what was double-coded; documents only one coder opened would add
"neither coded" units and inflate agreement). Pass ``documents=`` to choose.

A *disagreement* is a passage -- a maximal run of overlapping spans of one code, all
selected coders' spans together -- in which the coders disagree at the chosen unit (a unit
in it has a split pattern; at character level, their coverage differs; at segment level,
a segment found no partner). Adjudication works on these passages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement import intervals, nvivo
from qualcode.analysis.agreement.alpha import krippendorff_alpha_counts
from qualcode.analysis.agreement.coefficient import Coefficient, undefined
from qualcode.analysis.agreement.kappas import cohen_kappa, fleiss_kappa
from qualcode.analysis.agreement.paradox import agreement_on_coded, binary_pattern_coefficients
from qualcode.analysis.agreement.report import (
    TEXT_UNITS,
    AgreementReport,
    CodeAgreement,
    CodedSpan,
    Disagreement,
    DocumentAgreement,
    Stats,
    Unit,
    UnitizedRow,
    parse_unit,
)
from qualcode.analysis.agreement.spans import (
    SegmentMatch,
    match_segments,
    passages,
    segment_agreement_kappa,
    span_presence,
)
from qualcode.codebook.codes import get_code, list_codes
from qualcode.corpus.documents import get_document, list_documents, unit_arrays
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

_CoderSpans = list[list[tuple[int, int, str]]]  # per coder (in order): the (start, end, coding GUID) spans

LOW_PREVALENCE = 0.01
MIN_APPLIED = 10
MAX_CODERS = 12


def _popcounts(m: int) -> np.ndarray:
    return np.array([bin(p).count("1") for p in range(2**m)], dtype=np.int64)


def stats_from_patterns(counts: np.ndarray, m: int, *, weighted: bool = False) -> Stats:
    """Every coefficient of one code from ``counts[p]`` = units whose coder pattern is ``p``.

    Bit ``i`` of ``p`` is set when coder ``i`` applied the code to the unit. ``weighted``:
    units are characters (the few-units warning does not apply).
    """
    counts = np.asarray(counts, dtype=float)
    n = float(counts.sum())
    k = _popcounts(m)
    coded = tuple(int(counts[(np.arange(2**m) >> i) & 1 == 1].sum()) for i in range(m))
    value_rows = np.stack([m - k, k], axis=1).astype(float)
    if n == 0:
        none = undefined("agreement", "no units")
        return Stats(0, None, none, none, "no units", None, coded)
    full = 2**m - 1
    agreement = (counts[0] + counts[full]) / n
    prevalence = float(counts @ k) / (m * n)
    if m == 2:
        kappa = cohen_kappa([[counts[3], counts[1]], [counts[2], counts[0]]])
    else:
        kappa = fleiss_kappa(value_rows, weights=counts)
    alpha = krippendorff_alpha_counts(value_rows, "nominal", weights=counts)
    applied = None if weighted else int(n - counts[0])
    ac1, pabak = binary_pattern_coefficients(counts, m)
    return Stats(
        int(n),
        float(agreement),
        kappa,
        alpha,
        _warning(kappa, prevalence, applied),
        prevalence,
        coded,
        ac1=ac1,
        pabak=pabak,
        agreement_coded=agreement_on_coded(counts),
    )


def quick_stats(counts: Sequence[float] | npt.NDArray[np.float64], m: int, *, weighted: bool = False) -> Stats:
    """:func:`stats_from_patterns` in closed form, for the thousands of per-document rows.

    For presence/absence by ``m`` coders with no missing ratings, with ``k`` coders applying
    the code to a unit: Fleiss' ``P_i = (k² + (m-k)² - m) / (m(m-1))``; α's off-diagonal
    coincidences per unit ``2k(m-k)/(m-1)``, ``D_e = 2 n₁ n₀ / (n(n-1))`` over ``n = mN``
    values. Plain Python on ``2**m`` numbers costs microseconds where the general functions
    cost a quarter of a millisecond in numpy overhead; tests hold both to the same values.
    """
    c = [float(x) for x in counts]
    n_units = sum(c)
    pops = [bin(p).count("1") for p in range(len(c))]
    coded = tuple(int(sum(x for p, x in enumerate(c) if p >> i & 1)) for i in range(m))
    if n_units == 0:
        none = undefined("agreement", "no units")
        return Stats(0, None, none, none, "no units", None, coded)
    full = len(c) - 1
    n1 = sum(x * k for x, k in zip(c, pops))
    prevalence = n1 / (m * n_units)
    reason = (
        "expected agreement is 1 (one category holds every rating, e.g. a code nobody or "
        "everybody applied), so chance-corrected agreement is undefined"
    )
    if m == 2:
        name = "Cohen's kappa"
        p_o = (c[3] + c[0]) / n_units
        pa, pb = (c[3] + c[1]) / n_units, (c[3] + c[2]) / n_units
        p_e = pa * pb + (1 - pa) * (1 - pb)
    else:
        name = "Fleiss' kappa"
        p_o = sum(x * (k * k + (m - k) ** 2 - m) for x, k in zip(c, pops)) / (m * (m - 1) * n_units)
        p_e = prevalence**2 + (1 - prevalence) ** 2
    kappa = (
        undefined(name, reason, observed=p_o, expected=p_e, n=n_units)
        if 1 - p_e <= 1e-12
        else Coefficient(name, (p_o - p_e) / (1 - p_e), p_o, p_e, n_units)
    )
    n = m * n_units
    a_name = "Krippendorff's alpha (nominal)"
    d_o = sum(x * 2 * k * (m - k) / (m - 1) for x, k in zip(c, pops)) / n
    d_e = 2 * n1 * (n - n1) / (n * (n - 1))
    alpha = (
        undefined(
            a_name,
            "no variation: all pairable values are the same, so expected disagreement is 0 and alpha is undefined",
            observed=d_o,
            expected=d_e,
            n=n,
        )
        if d_e <= 0
        else Coefficient(a_name, 1 - d_o / d_e, d_o, d_e, n)
    )
    applied = None if weighted else int(n_units - c[0])
    ac1, pabak = binary_pattern_coefficients(c, m)
    return Stats(
        int(n_units),
        (c[0] + c[full]) / n_units,
        kappa,
        alpha,
        _warning(kappa, prevalence, applied),
        prevalence,
        coded,
        ac1=ac1,
        pabak=pabak,
        agreement_coded=agreement_on_coded(c),
    )


def _warning(kappa: Coefficient, prevalence: float, applied: int | None = None) -> str | None:
    """``"short: explanation"`` when κ is missing or unreadable, else None.

    κ is undefined when nobody (or everybody, everywhere) applied the code. It is unstable
    -- the kappa paradox (Feinstein & Cicchetti 1990, J. Clin. Epidemiol. 43:543-549): high
    agreement, low κ -- when under 1 % of ratings fall in one category, and it rests on too
    little when fewer than ``MIN_APPLIED`` units were coded by anyone.
    """
    if prevalence == 0:
        return "never applied: no coder applied the code, so κ and α are undefined"
    if prevalence == 1:
        return "always applied: every coder applied the code to every unit, so κ and α are undefined"
    if kappa.value is None:
        return f"undefined: {kappa.reason}"
    if applied is not None and applied < MIN_APPLIED:
        return (
            f"few units ({applied} coded): κ rests on fewer than {MIN_APPLIED} units that any "
            "coder coded, too few to be read as a reliability estimate"
        )
    rare = min(prevalence, 1 - prevalence)
    if rare < LOW_PREVALENCE:
        side = "rare" if prevalence < 0.5 else "near-universal"
        return (
            f"{side} ({100 * rare:.1f} % of ratings): κ is unstable at such prevalence (the kappa "
            "paradox); read it with % agreement and α"
        )
    return None


# ---------------------------------------------------------------------------- patterns
def _units_of(unit: Unit, length: int, stored: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    if length == 0:  # an empty document has no unit that could hold a character
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if unit.kind == "document":
        return np.array([0]), np.array([length])
    if unit.kind == "window":
        starts = np.arange(0, length, unit.size, dtype=np.int64)
        return starts, np.minimum(starts + unit.size, length)
    if stored is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts, ends = stored
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    order = np.argsort(starts, kind="stable")
    return starts[order], ends[order]


def _patterns(starts: np.ndarray, ends: np.ndarray, spans_by_coder: list[np.ndarray]) -> np.ndarray:
    pattern = np.zeros(len(starts), dtype=np.int64)
    for i, spans in enumerate(spans_by_coder):
        pattern |= span_presence(starts, ends, spans).astype(np.int64) << i
    return pattern


def _elementary(length: int, spans_by_coder: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The text cut at every span boundary: pieces in which each coder's coverage is constant."""
    points = [np.array([0, length])] + [s.ravel() for s in spans_by_coder if len(s)]
    cuts = np.unique(np.concatenate(points))
    return cuts[:-1], cuts[1:]


# ---------------------------------------------------------------------------- the audit
@dataclass
class _Data:
    coders: list[str]
    coder_ids: list[int]
    docs: list[dict[str, Any]]
    codes: list[Code]
    spans: dict[tuple[int, int], _CoderSpans]  # (doc_id, code_id) -> list per coder of [(s, e, guid)]
    as_of: dict[str, str]  # "anna@2026-11-01" → the moment her codings were rebuilt at


def _resolve_codes(project: Project, refs: Sequence[str | int] | None) -> list[Code]:
    all_codes = list_codes(project)
    if not refs:
        return [c for c in all_codes if c.codable]
    chosen: list[Code] = []
    seen: set[int] = set()
    for ref in refs:
        c = get_code(project, ref)
        group = [c] if c.codable else [d for d in all_codes if d.codable and d.path.startswith(c.path + "/")]
        if not group:
            raise QualcodeError(f"'{c.path}' is a grouping code without codable children")
        for g in group:
            if g.id not in seen:
                seen.add(g.id)
                chosen.append(g)
    return chosen


def load(
    project: Project,
    coders: Sequence[str],
    codes: Sequence[str | int] | None = None,
    documents: Sequence[str | int] | None = None,
) -> _Data:
    """Read the coders' codings once: the only database work of an audit.

    A coder written ``anna@2026-11-01`` is anna's codings as they stood then (the end of that
    day, UTC), rebuilt from the event log: compared with ``anna`` it is code–recode agreement.
    """
    from qualcode.coding.history import codings_as_of, parse_moment

    coders = [c.strip() for c in coders if c.strip()]
    if len(coders) < 2:
        raise QualcodeError("agreement needs at least two coders, e.g. --coders anna,bo (or anna@2026-11-01,anna)")
    if len(set(coders)) != len(coders):
        raise QualcodeError("each coder may be named once in --coders")
    if len(coders) > MAX_CODERS:
        raise QualcodeError(f"at most {MAX_CODERS} coders at once")
    project.require_supervisor("agreement")
    as_of: dict[str, str] = {}
    coder_ids = []
    known = {c["name"] for c in project.coders()}
    for label in coders:
        if label in known or "@" not in label:  # a coder's own name may hold "@" (an e-mail address)
            coder_ids.append(project.coder_id(label, create=False))
            continue
        name, _, when = label.rpartition("@")
        coder_ids.append(project.coder_id(name.strip(), create=False))
        as_of[label] = parse_moment(when)
    code_list = _resolve_codes(project, codes)
    code_ids = {c.id for c in code_list}
    current = sorted({k for label, k in zip(coders, coder_ids) if label not in as_of})
    now_rows = (
        project.db.execute(
            f"SELECT document_id, code_id, coder_id, start, [end], guid FROM codings WHERE coder_id IN "
            f"({','.join('?' * len(current))}) ORDER BY document_id, code_id, start, [end]",
            current,
        ).fetchall()
        if current
        else []
    )
    rows: list[tuple[int, int, int, int, int, str]] = []  # (document, code, coder's place, start, end, GUID)
    for i, (label, k) in enumerate(zip(coders, coder_ids)):
        if label in as_of:
            then = codings_as_of(project, k, as_of[label])
            if not then:
                raise QualcodeError(
                    f"{label.partition('@')[0]} had no codings yet at {as_of[label]}; choose a later moment"
                )
            rows += [(d, c, i, s, e, g) for d, c, s, e, g in then]
        else:
            rows += [(d, c, i, s, e, g) for d, c, kk, s, e, g in now_rows if kk == k]
    rows.sort(key=lambda r: (r[0], r[1], r[3], r[4]))
    all_docs = list_documents(project)
    if documents:
        wanted = {get_document(project, d)["id"] for d in documents}
        docs = [d for d in all_docs if d["id"] in wanted]
    else:
        by_doc: dict[int, set[int]] = defaultdict(set)
        for d, _, i, *_ in rows:
            by_doc[d].add(i)
        docs = [d for d in all_docs if len(by_doc.get(d["id"], ())) == len(coders)]
        if not docs:
            raise QualcodeError(
                f"no document has codings by all of {', '.join(coders)}; pass --documents to choose documents"
            )
    doc_ids = {d["id"] for d in docs}
    spans: dict[tuple[int, int], _CoderSpans] = {}
    for d, c, i, s, e, g in rows:
        if d in doc_ids and c in code_ids:
            spans.setdefault((d, c), [[] for _ in coders])[i].append((s, e, g))
    return _Data(coders, coder_ids, docs, code_list, spans, as_of)


def audit(
    project: Project,
    coders: Sequence[str],
    unit: str | Unit = "sentence",
    codes: Sequence[str] | None = None,
    documents: Sequence[str | int] | None = None,
    *,
    bootstrap: int = 0,
    seed: int = 0,
    domains: Sequence[str] | None = None,
    bootstrap_method: str = "documents",
) -> AgreementReport:
    """Per-code agreement of ``coders`` at ``unit`` (see the module docstring)."""
    u = parse_unit(unit) if isinstance(unit, str) else unit
    if bootstrap_method not in intervals.METHODS:
        raise QualcodeError(f"unknown bootstrap method '{bootstrap_method}'; use {', '.join(intervals.METHODS)}")
    data = load(project, coders, codes, documents)
    if u.kind == "segment":
        report = _segment_audit(data, u)
    elif u.kind == "unitized":
        report = _unitized_audit(project, data, u, domains)
    else:
        report = _pattern_audit(project, data, u, bootstrap, seed, bootstrap_method)
    report.as_of = data.as_of
    if bootstrap and u.kind in ("segment", "unitized"):
        report.notes.append(f"no bootstrap interval at unit {u.label}: it is given for unit-based α and κ only")
    return report


def _span_arrays(lists: _CoderSpans) -> list[np.ndarray]:
    return [np.array([(s, e) for s, e, _ in spans], dtype=np.int64).reshape(-1, 2) for spans in lists]


def _pattern_audit(
    project: Project, data: _Data, u: Unit, bootstrap: int, seed: int, method: str = "documents"
) -> AgreementReport:
    m = len(data.coders)
    full = 2**m - 1
    stored = unit_arrays(project, u.kind, [d["id"] for d in data.docs]) if u.kind in TEXT_UNITS else {}
    if u.kind in TEXT_UNITS and not stored:
        raise QualcodeError(f"the documents have no stored {u.kind} units")
    per_doc: dict[tuple[int, int], np.ndarray] = {}
    disagreements: list[Disagreement] = []
    totals = {c.id: np.zeros(2**m) for c in data.codes}
    for doc in data.docs:
        length = doc["char_count"]
        if u.kind != "character":
            starts, ends = _units_of(u, length, stored.get(doc["id"]))
        for code in data.codes:
            lists = data.spans.get((doc["id"], code.id))
            counts = np.zeros(2**m)
            if not lists:
                counts[0] = length if u.kind == "character" else len(starts)
            else:
                arrays = _span_arrays(lists)
                if u.kind == "character":
                    starts_c, ends_c = _elementary(length, arrays)
                    pattern = _patterns(starts_c, ends_c, arrays)
                    weights = (ends_c - starts_c).astype(float)
                    counts = np.bincount(pattern, weights=weights, minlength=2**m)
                    disagreements += _passages(doc, code, data.coders, lists, starts_c, ends_c, pattern, full, weights)
                else:
                    pattern = _patterns(starts, ends, arrays)
                    counts = np.bincount(pattern, minlength=2**m).astype(float)
                    disagreements += _passages(doc, code, data.coders, lists, starts, ends, pattern, full, None)
            per_doc[(doc["id"], code.id)] = counts
            totals[code.id] += counts
    report = AgreementReport(
        u,
        data.coders,
        [(d["id"], d["name"]) for d in data.docs],
        [],
        None,
        disagreements=disagreements,
        bootstrap=bootstrap,
        bootstrap_method=method,
        seed=seed,
    )
    character = u.kind == "character"
    nvivo_rule = character and m == 2
    lengths = np.array([d["char_count"] for d in data.docs], dtype=float)
    for doc in data.docs:
        for code in data.codes:
            counts = per_doc[(doc["id"], code.id)]
            st = quick_stats(counts, m, weighted=character)
            if nvivo_rule:
                k = nvivo.per_document(counts[None, :], np.array([doc["char_count"]]), u.variant).kappas[0]
                st = nvivo.document_kappa(st, k, u.variant)
            report.per_document.append(DocumentAgreement(code.id, code.path, doc["id"], doc["name"], st))
    variant, pooling = _row_texts(u, m)
    by_code: list[nvivo.PerDocument] = []
    for code in data.codes:
        st = stats_from_patterns(totals[code.id], m, weighted=character)
        table = np.stack([per_doc[(d["id"], code.id)] for d in data.docs]) if data.docs else np.zeros((0, 2**m))
        resample_kappa = None
        if nvivo_rule:
            docs = nvivo.per_document(table, lengths, u.variant)
            by_code.append(docs)
            st = nvivo.code_stats(st, docs, u.variant)
            resample_kappa = nvivo.resampled([docs])
        if bootstrap:
            st = _with_intervals(st, table, m, u, bootstrap, seed, method, resample_kappa)
        report.codes.append(CodeAgreement(code.id, code.path, st, None, variant, pooling))
    pooled_by_doc = sum(
        (np.stack([per_doc[(d["id"], c.id)] for d in data.docs]) for c in data.codes),
        start=np.zeros((len(data.docs), 2**m)),
    )
    pooled = pooled_by_doc.sum(axis=0)
    st = stats_from_patterns(pooled, m, weighted=character)
    resample_kappa = None
    if nvivo_rule:
        kappa, agreement = nvivo.mean_of_codes(by_code)
        name = "mean of the codes' " + nvivo.NAMES[u.variant]
        st = replace(
            st,
            agreement=agreement,
            kappa=Coefficient(name, kappa) if kappa is not None else undefined(name, "undefined for every code"),
            kappa_ones=sum(c.ones for c in by_code),
            kappa_left_out=sum(c.left_out for c in by_code),
        )
        resample_kappa = nvivo.resampled(by_code)
    if bootstrap:
        st = _with_intervals(st, pooled_by_doc, m, u, bootstrap, seed, method, resample_kappa)
    report.overall = CodeAgreement(None, "(all codes pooled)", st, None, variant, _pooled_text(u, m))
    return report


def _row_texts(u: Unit, m: int) -> tuple[str, str]:
    """(how κ and % agreement are computed, what is pooled) for a per-code row."""
    kappa = "Cohen's κ" if m == 2 else "Fleiss' κ"
    if u.kind == "character" and m == 2:
        return (
            nvivo.NAMES[u.variant],
            "κ and % agreement: per document, mean weighted by length; "
            "α, AC1, PABAK: characters of all documents pooled",
        )
    return kappa, f"{u.noun} of all documents pooled"


def _pooled_text(u: Unit, m: int) -> str:
    if u.kind == "character" and m == 2:
        return (
            "κ and % agreement: mean of the code rows above (computed as they are); "
            "α, AC1, PABAK: every (code, character) pair pooled"
        )
    return f"every (code, {u.noun[:-1] if u.noun.endswith('s') else u.noun}) pair pooled, as in the rows above"


def _with_intervals(
    st: Stats,
    per_document: np.ndarray,
    m: int,
    u: Unit,
    draws: int,
    seed: int,
    method: str,
    resample_kappa: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Stats:
    """α and κ intervals by ``method``, or the reason there is none."""
    if method == "documents":
        alpha_ci = intervals.by_documents(
            per_document, intervals.pooled_statistic(per_document, m, intervals.alpha_of), draws, seed
        )
        kappa_stat = resample_kappa or intervals.pooled_statistic(per_document, m, intervals.kappa_of)
        kappa_ci = intervals.by_documents(per_document, kappa_stat, draws, seed)
        return replace(st, ci=alpha_ci, kappa_ci=kappa_ci)
    if u.kind == "character":
        reason = (
            "characters are not sampled independently (neighbours are coded together), so resampling "
            "them gives an interval far too narrow; use the document bootstrap"
        )
        return replace(
            st,
            ci=intervals.refused(method, draws, seed, reason),
            kappa_ci=intervals.refused(method, draws, seed, reason),
        )
    counts = per_document.sum(axis=0)
    if method == "units":
        return replace(
            st,
            ci=intervals.by_units(counts, m, intervals.alpha_of, draws, seed),
            kappa_ci=intervals.by_units(counts, m, intervals.kappa_of, draws, seed)
            if resample_kappa is None
            else intervals.refused(method, draws, seed, "κ here is a mean over documents"),
        )
    return replace(
        st,
        ci=intervals.krippendorff(counts, m, draws, seed),
        kappa_ci=intervals.refused(method, draws, seed, "Krippendorff's bootstrap is defined for α only"),
    )


def _passages(
    doc: dict[str, Any],
    code: Code,
    coders: list[str],
    lists: _CoderSpans,
    starts: np.ndarray,
    ends: np.ndarray,
    pattern: np.ndarray,
    full: int,
    weights: np.ndarray | None,
) -> list[Disagreement]:
    split = (pattern != 0) & (pattern != full)
    if not split.any():
        return []
    clusters = passages([(a, b) for spans in lists for a, b, _ in spans])
    cs = np.fromiter((c[0] for c in clusters), np.int64, len(clusters))
    ce = np.fromiter((c[1] for c in clusters), np.int64, len(clusters))
    mass = split * (weights if weights is not None else 1)
    cum = np.concatenate(([0], np.cumsum(mass)))
    lo = np.searchsorted(ends, cs, side="right")
    hi = np.searchsorted(starts, ce, side="left")
    n_split = (cum[np.maximum(hi, lo)] - cum[lo]).tolist()
    if not any(n_split):
        return []
    members: dict[int, dict[str, list[CodedSpan]]] = {}
    for i, spans in enumerate(lists):
        where: np.ndarray | list[int] = np.searchsorted(cs, [a for a, _, _ in spans], side="right") - 1 if spans else []
        for (a, b, g), k in zip(spans, where):
            if n_split[k]:
                members.setdefault(int(k), {c: [] for c in coders})[coders[i]].append(CodedSpan(a, b, g))
    return [
        Disagreement(
            code.id,
            code.path,
            doc["id"],
            doc["name"],
            int(cs[k]),
            int(ce[k]),
            {c: tuple(v) for c, v in members[k].items()},
            int(n_split[k]),
        )
        for k in sorted(members)
    ]


# ---------------------------------------------------------------------------- segments (MAXQDA)
def _segment_audit(data: _Data, u: Unit) -> AgreementReport:
    if len(data.coders) != 2:
        raise QualcodeError("segment matching compares exactly two coders (MAXQDA's design)")
    n_codes = len(data.codes)
    report = AgreementReport(u, data.coders, [(d["id"], d["name"]) for d in data.docs], [], None)
    all_matches = []
    for code in data.codes:
        matches = []
        for doc in data.docs:
            lists = data.spans.get((doc["id"], code.id))
            if not lists:
                continue
            a = [(s, e) for s, e, _ in lists[0]]
            b = [(s, e) for s, e, _ in lists[1]]
            res = match_segments(a, b, u.overlap, n_codes=n_codes)
            matches.append(res)
            report.per_document.append(
                DocumentAgreement(code.id, code.path, doc["id"], doc["name"], _segment_stats([res], n_codes))
            )
            if res.disagreements:
                unmatched = set(res.unmatched_a) | set(res.unmatched_b)
                for s, e in passages(a + b):
                    n = sum(1 for x in unmatched if x[0] < e and x[1] > s)
                    if n:
                        spans = {
                            data.coders[i]: tuple(CodedSpan(x, y, g) for x, y, g in lists[i] if x < e and y > s)
                            for i in range(2)
                        }
                        report.disagreements.append(
                            Disagreement(code.id, code.path, doc["id"], doc["name"], s, e, spans, n)
                        )
        all_matches += matches
        report.codes.append(CodeAgreement(code.id, code.path, _segment_stats(matches, n_codes)))
    report.overall = CodeAgreement(None, "(all codes pooled)", _segment_stats(all_matches, n_codes))
    return report


def _segment_stats(matches: Sequence[SegmentMatch], n_codes: int) -> Stats:
    agree = sum(m.agreements for m in matches)
    total = agree + sum(m.disagreements for m in matches)
    kappa = segment_agreement_kappa(matches, n_codes=n_codes)
    alpha = undefined(
        "Krippendorff's alpha",
        "no α at segment level: uncoded text is not a unit here (use unitized for Krippendorff's unitizing α)",
    )
    coded = (
        sum(len(m.matched_a) + len(m.unmatched_a) for m in matches),
        sum(len(m.matched_b) + len(m.unmatched_b) for m in matches),
    )
    warning = None if total else "never applied: neither coder has a segment of this code"
    if total and kappa.value is None:
        warning = f"undefined: {kappa.reason}"
    return Stats(total, agree / total if total else None, kappa, alpha, warning, None, coded)


# ---------------------------------------------------------------------------- unitized α family
def default_domains(project: Project, codes: Sequence[Code]) -> list[Code]:
    """Every grouping (non-codable) code whose direct children include audited, codable codes."""
    chosen = {c.id for c in codes}
    out = []
    for parent in list_codes(project):
        if parent.codable:
            continue
        if any(c.parent_id == parent.id and c.id in chosen for c in codes):
            out.append(parent)
    return out


def _unitized_audit(project: Project, data: _Data, u: Unit, domain_refs: Sequence[str] | None) -> AgreementReport:
    from qualcode.analysis.agreement.unitized import Cu_alpha, binary_u_alpha, cu_alpha, u_alpha

    offset, total = {}, 0
    for d in data.docs:
        offset[d["id"]] = total
        total += d["char_count"]
    if total == 0:
        raise QualcodeError("the selected documents are empty")
    report = AgreementReport(u, data.coders, [(d["id"], d["name"]) for d in data.docs], [], None)

    def segments(code_ids: Collection[Hashable]) -> dict[Hashable, list[tuple[int, int, int]]]:
        segs: dict[Hashable, list[tuple[int, int, int]]] = {c: [] for c in data.coders}
        for (doc_id, code_id), lists in data.spans.items():
            if code_id in code_ids:
                base = offset[doc_id]
                for i, spans in enumerate(lists):
                    segs[data.coders[i]] += [(base + s, base + e, code_id) for s, e, _ in spans]
        return segs

    for code in data.codes:
        r = binary_u_alpha(total, segments({code.id}))
        report.unitized.append(UnitizedRow(r.variant, code.path, r.value, r.reason))
    domains = [get_code(project, ref) for ref in domain_refs] if domain_refs else default_domains(project, data.codes)
    domain_of: dict[Hashable, Hashable] = {}  # code id → its domain's path
    for dom in domains:
        members = {c.id for c in data.codes if c.parent_id == dom.id}
        if not members:
            raise QualcodeError(f"domain '{dom.path}' has no audited child codes")
        segs = segments(members)
        for variant, fn in (("uα", u_alpha), ("cuα", cu_alpha)):
            try:
                r = fn(total, segs)
                report.unitized.append(UnitizedRow(r.variant, dom.path, r.value, r.reason, r.coverage))
            except ValueError as e:
                report.unitized.append(UnitizedRow(variant, dom.path, None, _not_exclusive(e, dom.path)))
        domain_of.update(dict.fromkeys(members, dom.path))
    if domains:
        r = Cu_alpha(total, segments(set(domain_of)), domain_of)
        report.unitized.append(UnitizedRow(r.variant, "(all domains)", r.value, r.reason, r.coverage))
    return report


def _not_exclusive(error: ValueError, domain: str) -> str:
    text = str(error)
    if "mutually exclusive" in text:
        return (
            f"a coder applied two codes of '{domain}' to overlapping text, so they are not "
            "mutually exclusive and cuα/uα do not apply; name real domains with --domain"
        )
    return text


def default_coders(project: Project, consensus: str = "consensus") -> list[str]:
    """Whom to compare when nobody said: the two coders with the most codings (the consensus
    coder left out) — the CLI and the workbench alike."""
    rows = project.db.execute(
        "SELECT k.name, COUNT(c.id) AS n FROM coders k JOIN codings c ON c.coder_id = k.id "
        "WHERE k.name != ? GROUP BY k.id ORDER BY n DESC, k.name LIMIT 2",
        [consensus],
    ).fetchall()
    if len(rows) < 2:
        raise QualcodeError("agreement needs two coders with codings; switch coder and code, or merge a copy")
    return [r[0] for r in rows]
