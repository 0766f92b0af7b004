"""A methods paragraph for a paper, written from an agreement report.

Why generate it: reviewers ask which coefficient, which variant, which unit and how many
units, coders and codes -- and hand-written paragraphs drift from the numbers. The text
states exactly what :mod:`qualcode.analysis.agreement.audit` computed, with the references.
"""

from __future__ import annotations

from qualcode.analysis.agreement.report import AgreementReport, CodeAgreement

REFERENCES = {
    "cohen": "Cohen 1960",
    "fleiss": "Fleiss 1971",
    "alpha": "Krippendorff 2011",
    "bp": "Brennan & Prediger 1981",
    "unitized": "Krippendorff, Mathet, Bouvry & Widlöcher 2016",
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
}


def cited(report: AgreementReport) -> list[str]:
    """Full references for what :func:`methods_paragraph` cites, in APA style."""
    if report.unit.kind == "unitized":
        keys = ["unitized"]
    elif report.unit.kind == "segment":
        keys = ["bp"]
    else:
        keys = ["cohen" if len(report.coders) == 2 else "fleiss", "alpha"]
    return [FULL_REFERENCES[k] for k in keys]


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


def methods_paragraph(report: AgreementReport, version: str | None = None) -> str:
    """One paragraph in English, ready to paste; numbers rounded to two decimals."""
    if version is None:
        from qualcode import __version__ as version
    m, coders = len(report.coders), ", ".join(report.coders)
    docs = len(report.documents)
    u = report.unit
    who = f"Two coders ({coders})" if m == 2 else f"{m} coders ({coders})"
    codes = len(report.codes) or len({r.scope for r in report.unitized if r.variant == "|uα"})
    parts = [
        f"{who} independently coded the same {docs} document{'s' * (docs != 1)} with "
        f"{codes} code{'s' * (codes != 1)} of the codebook."
    ]
    if u.kind == "unitized":
        parts.append(
            "Because coders chose their own segment boundaries, agreement was assessed with "
            f"Krippendorff's unitizing alpha family ({REFERENCES['unitized']}), treating the "
            "documents as one continuum of characters: |uα (agreement on which text is relevant "
            "to a code, ATLAS.ti's α-binary) per code, and within each semantic domain (a parent "
            "code whose child codes are mutually exclusive) uα (boundaries and values) and cuα "
            "(agreement on the codes where the coders' segments meet), and Cuα across domains."
        )
        binary = [r.value for r in report.unitized if r.variant == "|uα" and r.value is not None]
        if binary:
            parts.append(f"Per code, |uα ranged from {min(binary):.2f} to {max(binary):.2f}.")
        for r in report.unitized:
            if r.variant in ("cuα", "Cuα") and r.value is not None:
                cov = f", on {100 * r.coverage:.1f} % of the text" if r.coverage is not None else ""
                parts.append(f"{r.variant} for {r.scope} was {r.value:.2f}{cov}.")
    elif u.kind == "segment":
        n = report.overall.stats.units if report.overall else 0
        parts.append(
            f"Following MAXQDA's segment comparison, a coded segment counted as agreeing when the "
            f"other coder had applied the same code to a segment overlapping it by at least "
            f"{u.overlap:g} % (N = {_n(n)} segments). We report percent agreement and kappa with "
            f"chance agreement set to one over the number of codes ({REFERENCES['bp']})."
        )
        if report.overall:
            st = report.overall.stats
            parts.append(
                f"Pooled over codes, agreement was {100 * (st.agreement or 0):.1f} % and κ = {_num(st.kappa.value)}."
            )
    else:
        n = report.codes[0].stats.units if report.codes else 0
        kappa_ref = REFERENCES["cohen"] if m == 2 else REFERENCES["fleiss"]
        kappa_name = "Cohen's κ" if m == 2 else "Fleiss' κ"
        if u.kind == "character":
            unit_text = (
                f"Following NVivo's coding comparison, every character was a unit (N = {_n(n)} characters per code)"
            )
            if m == 2:
                unit_text += (
                    ", and percent agreement and κ per code are averages over documents weighted by document length"
                )
        else:
            unit_text = f"The unit of analysis was the {u.label} (N = {_n(n)} {u.noun} per code)"
        parts.append(
            f"{unit_text}; for each code and unit we recorded whether each coder had applied the "
            f"code to at least one character of the unit. We report percent agreement (units on "
            f"which all coders agreed), {kappa_name} ({kappa_ref}) and Krippendorff's α at the "
            f"nominal level ({REFERENCES['alpha']})."
        )
        if report.overall:
            st = report.overall.stats
            ci = ""
            if st.ci is not None and st.ci.size:
                ci = (
                    f", {100 * st.ci.ci:.0f} % bootstrap confidence interval {st.ci.low:.2f} to "
                    f"{st.ci.high:.2f} ({_n(st.ci.draws)} resamples of units)"
                )
            parts.append(
                f"Pooled over codes, α = {_num(st.alpha.value)}{ci} and {kappa_name} = {_num(st.kappa.value)}."
            )
        alpha_range = _range(report.codes, "alpha")
        if alpha_range:
            parts.append(f"Per code, α ranged from {alpha_range}.")
        flagged = sum(1 for r in report.codes if r.stats.warning)
        if flagged:
            parts.append(
                f"For {flagged} code{'s' * (flagged != 1)}, κ is not reported or should be "
                "read with caution because the code was rarely (or never) applied, which "
                "makes chance-corrected coefficients unstable."
            )
    parts.append(f"Coefficients were computed with qualcode {version}.")
    return " ".join(parts)
