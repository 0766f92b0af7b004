"""A methods paragraph for a paper, written from an agreement report — and only from it.

Why generate it: reviewers ask which coefficient, which variant, which unit, how many units,
coders and codes, what was left out and how the intervals were drawn — and hand-written
paragraphs drift from the numbers. Every sentence below is conditional on what the report holds:
an exclusion, a refused domain, a filled-in κ, an interval or its absence appear exactly when
they happened, and nothing is said that did not.
"""

from __future__ import annotations

from qualcode.analysis.agreement import intervals
from qualcode.analysis.agreement.report import AgreementReport, CodeAgreement
from qualcode.text.wording import plural

REFERENCES = {
    "cohen": "Cohen 1960",
    "fleiss": "Fleiss 1971",
    "alpha": "Krippendorff 2011",
    "bp": "Brennan & Prediger 1981",
    "unitized": "Krippendorff, Mathet, Bouvry & Widlöcher 2016",
    "multilabel": "González-Prieto, Pérez, Díaz & López-Fernández 2023",
    "gwet": "Gwet 2008",
    "pabak": "Byrt, Bishop & Carlin 1993",
    "paradox": "Feinstein & Cicchetti 1990",
    "nvivo": "Lumivero, NVivo help: Run a coding comparison query",
    "maxqda": "VERBI, MAXQDA manual: Intercoder agreement",
}
FULL_REFERENCES = {
    "cohen": "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
    "Psychological Measurement, 20(1), 37–46.",
    "fleiss": "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
    "Psychological Bulletin, 76(5), 378–382.",
    "alpha": "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School "
    "for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43",
    "bp": "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and "
    "alternatives. Educational and Psychological Measurement, 41(3), 687–699.",
    "unitized": "Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability "
    "of unitizing textual continua: Further developments. Quality & Quantity, 50, "
    "2347–2364. https://doi.org/10.1007/s11135-015-0266-1",
    "multilabel": "González-Prieto, Á., Pérez, J., Díaz, J., & López-Fernández, D. (2023). Reliability in "
    "software engineering qualitative research through inter-coder agreement. Journal of Systems and "
    "Software, 202, 111707.",
    "gwet": "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of "
    "high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), 29–48.",
    "pabak": "Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. Journal of "
    "Clinical Epidemiology, 46(5), 423–429.",
    "paradox": "Feinstein, A. R., & Cicchetti, D. V. (1990). High agreement but low kappa: I. The problems "
    "of two paradoxes. Journal of Clinical Epidemiology, 43(6), 543–549.",
    "nvivo": "Lumivero. NVivo help: Run a coding comparison query (how the Kappa coefficient and "
    "percentage agreement are calculated). https://help-nv.qsrinternational.com/",
    "maxqda": "VERBI Software. MAXQDA 24 manual: Intercoder agreement. "
    "https://www.maxqda.com/help-mx24/coding/problem-intercoder-agreement-qualitative-research",
}


def _keys(report: AgreementReport) -> list[str]:
    """What the paragraph cites, in order of first mention."""
    u, m = report.unit, len(report.coders)
    if u.kind == "unitized":
        keys = ["unitized"]
        if any(r.variant == "Cuα" for r in report.unitized):
            keys.append("multilabel")
        return keys
    if u.kind == "segment":
        return ["maxqda", "bp"]
    keys = ["nvivo"] if u.kind == "character" and m == 2 else []
    keys += ["cohen" if m == 2 else "fleiss", "gwet", "pabak", "alpha"]
    if any(r.stats.warning and r.stats.warning.startswith(("rare", "near-universal")) for r in report.codes):
        keys.append("paradox")
    return keys


def cited(report: AgreementReport) -> list[str]:
    """Full references for what :func:`methods_paragraph` cites, in APA style."""
    refs = [FULL_REFERENCES[k] for k in _keys(report)]
    method = _interval_method(report)
    if method:
        refs.append(intervals.FULL_REFERENCES[method])
    return refs


def _interval_method(report: AgreementReport) -> str | None:
    """The bootstrap whose interval the paragraph reports (None: no interval printed)."""
    st = report.overall.stats if report.overall else None
    if not report.bootstrap or st is None or st.ci is None or not st.ci.defined:
        return None
    return st.ci.method


def _num(x: float | None) -> str:
    return "undefined" if x is None else f"{x:.2f}"


def _n(x: int) -> str:
    return f"{x:,}"


def _range(rows: list[CodeAgreement], attr: str) -> str:
    vals = [(getattr(r.stats, attr).value, r.code) for r in rows if getattr(r.stats, attr).value is not None]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    if len(vals) == 1:
        return f"{_num(lo[0])} ({lo[1]})"
    return f"{_num(lo[0])} ({lo[1]}) to {_num(hi[0])} ({hi[1]})"


def _who(report: AgreementReport) -> str:
    m = len(report.coders)
    if report.as_of:
        names, owners = [], set()
        for c in report.coders:
            owner = c.rpartition("@")[0] if c in report.as_of else c
            owners.add(owner)
            names.append(
                f"{owner}'s codings as of {report.as_of[c]}" if c in report.as_of else f"{c}'s current codings"
            )
        what = "Code–recode (intra-coder) agreement" if len(owners) == 1 else "Agreement"
        return f"{what} compared " + " with ".join(names) + ", rebuilt from the project's event log, on"
    coders = ", ".join(report.coders)
    return (f"Two coders ({coders})" if m == 2 else f"{m} coders ({coders})") + " independently coded"


def methods_paragraph(report: AgreementReport, version: str | None = None) -> str:
    """One paragraph in English, ready to paste; numbers rounded to two decimals."""
    if version is None:
        from qualcode import __version__ as version
    u = report.unit
    docs = len(report.documents)
    codes = len(report.codes) or len({r.scope for r in report.unitized if r.variant == "|uα"})
    parts = [f"{_who(report)} the same {plural(docs, 'document')} with {plural(codes, 'code')} of the codebook."]
    if u.kind == "unitized":
        parts += _unitized(report)
    elif u.kind == "segment":
        parts += _segment(report)
    else:
        parts += _units(report)
    parts += [n[0].upper() + n[1:] + "." for n in report.notes if n.startswith("no bootstrap interval")]
    parts.append(f"Coefficients were computed with qualcode {version}.")
    return " ".join(parts)


def _units(report: AgreementReport) -> list[str]:
    u, m = report.unit, len(report.coders)
    n = report.codes[0].stats.units if report.codes else 0
    kappa_ref = REFERENCES["cohen"] if m == 2 else REFERENCES["fleiss"]
    kappa_name = "Cohen's κ" if m == 2 else "Fleiss' κ"
    parts = []
    nvivo = u.kind == "character" and m == 2
    if u.kind == "character":
        parts.append(
            f"Following NVivo's coding comparison ({REFERENCES['nvivo']}), every character was a unit "
            f"(N = {_n(n)} characters per code)."
        )
    else:
        parts.append(
            f"The unit of analysis was the {u.label} (N = {_n(n)} {u.noun} per code); a coder applied a code to a "
            "unit when at least one character of the unit was coded with it."
        )
    parts.append(
        f"We report percent agreement (over all units, and without the units nobody coded), {kappa_name} "
        f"({kappa_ref}), Gwet's AC1 ({REFERENCES['gwet']}), the prevalence- and bias-adjusted κ PABAK "
        f"({REFERENCES['pabak']}) and Krippendorff's α at the nominal level ({REFERENCES['alpha']})."
    )
    if nvivo:
        ones = sum(r.stats.kappa_ones for r in report.codes)
        left_out = sum(r.stats.kappa_left_out for r in report.codes)
        text = (
            "As in NVivo, percent agreement and κ were computed for each code and document and averaged over the "
            "documents weighted by their length in characters"
        )
        if u.variant == "nvivo":
            text += (
                "; where neither coder applied a code to a document, κ is undefined and was set to 1, as NVivo does"
                + (f" ({plural(ones, 'code–document pair')})." if ones else " (no such case occurred).")
            )
        else:
            text += (
                "; documents where κ was undefined because neither coder applied the code were left out of the "
                "κ average instead of being set to 1 as NVivo does"
                + (f" ({plural(left_out, 'code–document pair')} left out)." if left_out else " (none occurred).")
            )
        parts.append(text)
        parts.append(
            "α, AC1 and PABAK pool the characters of all documents. The row for all codes is the mean of the "
            "per-code κ and percent agreement (computed as the rows for each code are), with α, AC1 and "
            "PABAK pooled over every code and character."
        )
    elif report.overall is not None:
        parts.append(
            f"Each code's figures pool the {u.noun} of all documents; the row for all codes pools every code and unit."
        )
    if report.overall:
        st = report.overall.stats
        ci = _interval_text(report)
        parts.append(
            f"Over all codes, α = {_num(st.alpha.value)}{ci}, {kappa_name} = {_num(st.kappa.value)}, "
            f"AC1 = {_num(st.ac1.value)} and PABAK = {_num(st.pabak.value)}."
        )
    alpha_range = _range(report.codes, "alpha")
    if alpha_range:
        parts.append(f"Per code, α ranged from {alpha_range}.")
    parts += _warnings(report)
    if report.bootstrap and not _interval_method(report):
        parts.append(_no_interval(report))
    return parts


def _interval_text(report: AgreementReport) -> str:
    method = _interval_method(report)
    if method is None or report.overall is None:
        return ""
    ci = report.overall.stats.ci
    assert ci is not None and ci.low is not None and ci.high is not None
    return f" ({100 * ci.ci:.0f} % percentile interval {ci.low:.2f} to {ci.high:.2f} from {ci.phrase})"


def _no_interval(report: AgreementReport) -> str:
    st = report.overall.stats if report.overall else None
    reason = st.ci.reason if st is not None and st.ci is not None else None
    return f"No confidence interval is reported: {reason}." if reason else "No confidence interval is reported."


def _warnings(report: AgreementReport) -> list[str]:
    """One sentence per kind of warning the rows carry, naming the codes."""
    kinds: dict[str, list[str]] = {}
    for r in report.codes:
        if r.stats.warning:
            kinds.setdefault(r.stats.warning.split(":", 1)[0], []).append(r.code)
    out = []
    for kind, codes in kinds.items():
        names = ", ".join(codes)
        what = plural(len(codes), "code")
        if kind == "never applied":
            out.append(f"No coder applied {what} ({names}) in these documents, so no coefficient is defined for them.")
        elif kind == "always applied":
            out.append(f"Every coder applied {what} ({names}) to every unit, so κ and α are undefined for them.")
        elif kind in ("rare", "near-universal"):
            out.append(
                f"For {what} ({names}) fewer than 1 % of ratings fell in one category, where κ is unstable "
                f"({REFERENCES['paradox']}); AC1 and PABAK are reported beside it."
            )
        elif kind.startswith("few units"):
            out.append(
                f"For {what} ({names}) fewer than 10 units were coded by anyone, too few to read κ as reliability."
            )
        elif kind == "documents left out":
            continue  # said in the variant's sentence with its count
        else:
            out.append(f"For {what} ({names}) κ is undefined ({kind}).")
    return out


def _segment(report: AgreementReport) -> list[str]:
    u = report.unit
    n = report.overall.stats.units if report.overall else 0
    parts = [
        f"Following MAXQDA's segment-level comparison ({REFERENCES['maxqda']}), a coded segment counted as agreeing "
        "when the other coder had applied the same code to a segment overlapping it by at least "
        f"{u.overlap:g} % of the extent the two segments cover together (N = {_n(n)} segments). We report "
        f"percent agreement and κ with chance agreement set to one over the number of codes ({REFERENCES['bp']}), "
        "as MAXQDA does; text neither coder coded is not a unit at this level, so α is not defined."
    ]
    if report.overall:
        st = report.overall.stats
        parts.append(
            f"Pooled over codes, agreement was {100 * (st.agreement or 0):.1f} % and κ = {_num(st.kappa.value)}."
        )
    return parts


def _unitized(report: AgreementReport) -> list[str]:
    parts = [
        "Because coders chose their own segment boundaries, agreement was assessed with Krippendorff's unitizing "
        f"alpha family ({REFERENCES['unitized']}), treating the documents as one continuum of characters: |uα "
        "(agreement on which text is relevant to a code, ATLAS.ti's α-binary) per code, and within each semantic "
        "domain (a parent code whose child codes are mutually exclusive) uα (boundaries and values) and cuα "
        "(agreement on the codes where the coders' segments meet)."
    ]
    if any(r.variant == "Cuα" for r in report.unitized):
        parts.append(
            "Cuα compares the domains across the whole codebook; where a coder's domains overlap, the value at "
            f"that position is the set of domains applied, following the multi-label reading of "
            f"{REFERENCES['multilabel']}."
        )
    binary = [r.value for r in report.unitized if r.variant == "|uα" and r.value is not None]
    if binary:
        parts.append(f"Per code, |uα ranged from {min(binary):.2f} to {max(binary):.2f}.")
    for r in report.unitized:
        if r.variant in ("uα", "cuα", "Cuα") and r.value is not None:
            cov = f", on {100 * r.coverage:.1f} % of the text" if r.coverage is not None else ""
            parts.append(f"{r.variant} for {r.scope} was {r.value:.2f}{cov}.")
    refused = sorted({r.scope for r in report.unitized if r.variant in ("uα", "cuα") and r.value is None})
    if refused:
        parts.append(
            f"uα and cuα are not reported for {', '.join(refused)}: a coder applied two codes of "
            f"{'that domain' if len(refused) == 1 else 'each of these domains'} to overlapping text, so "
            "their codes are not mutually exclusive, which these coefficients require."
        )
    return parts
