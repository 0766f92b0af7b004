"""An agreement audit as export tables: per code, per document, the disagreements, the unitized α family.

Names and descriptions carry the unit and the coders, so a file says what it holds without the command.
"""

from __future__ import annotations

from typing import Any

from qualcode.analysis.agreement.report import AgreementReport, CodeAgreement
from qualcode.interchange.exporters.tables import Table


def _pct(x: float | None) -> float | None:
    return None if x is None else round(100 * x, 4)


def _interval(st: Any) -> str:
    """How the intervals were drawn, or why there are none."""
    parts = []
    for name, ci in (("alpha", st.ci), ("kappa", st.kappa_ci)):
        if ci is None:
            continue
        parts.append(f"{name}: {ci.description}" if ci.defined else f"{name}: no interval: {ci.reason}")
    return "; ".join(parts)


def _code_row(report: AgreementReport, row: CodeAgreement) -> list[Any]:
    st = row.stats
    ci, kci = st.ci, st.kappa_ci
    return [
        row.code,
        st.units,
        _pct(st.agreement),
        _pct(st.agreement_coded),
        st.kappa.value,
        st.ac1.value,
        st.pabak.value,
        st.alpha.value,
        ci.low if ci else None,
        ci.high if ci else None,
        kci.low if kci else None,
        kci.high if kci else None,
        *st.coded,
        st.warning or "",
        st.kappa.name,
        row.pooling,
        _interval(st),
    ]


def report_tables(report: AgreementReport) -> list[Table]:
    """The audit as export tables: per code, per document, disagreements; for ``unitized`` the α family."""
    unit = report.unit.label.replace(":", "").replace("%", "pct").replace(".", "_").replace("-", "_")
    who = ", ".join(report.coders)
    coded_cols = [f"coded_{c}" for c in report.coders]
    labels = {
        "units": f"Number of units ({report.unit.noun})",
        "agreement_pct": "Units on which all coders agree (%)",
        "agreement_coded_pct": "Agreement without units nobody coded (%)",
        "kappa": report.kappa_name,
        "ac1": "Gwet's AC1 (Gwet 2008)",
        "pabak": "PABAK (Byrt, Bishop & Carlin 1993)",
        "alpha": "Krippendorff's alpha (nominal)",
        "alpha_ci_low": "alpha bootstrap CI, lower",
        "alpha_ci_high": "alpha bootstrap CI, upper",
        "kappa_ci_low": "kappa bootstrap CI, lower",
        "kappa_ci_high": "kappa bootstrap CI, upper",
        "warning": "Why kappa is missing or unstable",
        "kappa_variant": "How kappa and % agreement were computed",
        "pooling": "What the row pools",
        "interval": "How the intervals were drawn, or why there are none",
    }
    labels.update({col: f"Units coded by {c}" for col, c in zip(coded_cols, report.coders)})
    tables = []
    if report.unit.kind == "unitized":
        rows = [[r.variant, r.scope, r.value, r.coverage, r.reason or ""] for r in report.unitized]
        tables.append(
            Table(
                "agreement_unitized",
                ["variant", "scope", "value", "coverage", "reason"],
                rows,
                description=f"Krippendorff's unitizing alpha family (2016), coders {who}, "
                f"{len(report.documents)} documents as one continuum",
                labels={
                    "variant": "|uα per code, uα/cuα per semantic domain, Cuα across domains",
                    "coverage": "Share of the continuum both coders coded (cuα, Cuα)",
                },
            )
        )
        return tables
    cols = [
        "code",
        "units",
        "agreement_pct",
        "agreement_coded_pct",
        "kappa",
        "ac1",
        "pabak",
        "alpha",
        "alpha_ci_low",
        "alpha_ci_high",
        "kappa_ci_low",
        "kappa_ci_high",
        *coded_cols,
        "warning",
        "kappa_variant",
        "pooling",
        "interval",
    ]
    rows = [_code_row(report, r) for r in report.codes]
    if report.overall is not None:
        rows.append(_code_row(report, report.overall))
    desc = (
        f"Agreement per code, unit {report.unit.label}, coders {who}, "
        f"{len(report.documents)} documents; kappa = {report.kappa_name}"
    )
    tables.append(Table(f"agreement_{unit}", cols, rows, labels=labels, index="code", description=desc, code_paths={}))
    doc_rows = [
        [
            r.code,
            r.document,
            *_code_row(
                report, CodeAgreement(r.code_id, r.code, r.stats, pooling=f"{report.unit.noun} of this document")
            )[1:],
        ]
        for r in report.per_document
    ]
    tables.append(
        Table(
            f"agreement_by_document_{unit}",
            ["code", "document", *cols[1:]],
            doc_rows,
            labels=labels,
            description=f"Agreement per code and document, unit {report.unit.label}, coders {who}",
        )
    )
    dis_cols = ["code", "document", "start", "end", "disagreeing_units", *[f"spans_{c}" for c in report.coders]]
    dis_rows = [
        [
            d.code,
            d.document,
            d.start,
            d.end,
            d.units,
            *["; ".join(f"{s.start}-{s.end}" for s in d.spans.get(c, ())) for c in report.coders],
        ]
        for d in report.disagreements
    ]
    tables.append(
        Table(
            f"disagreements_{unit}",
            dis_cols,
            dis_rows,
            description=f"Passages where the coders disagree at unit {report.unit.label}; "
            "spans as half-open code-point offsets",
        )
    )
    return tables
