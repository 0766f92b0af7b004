"""A reliability report for supervisors: one HTML or DOCX file with the per-code table, a forest
plot, the per-document breakdown, the disagreements in their context, and the methods paragraph
with its references — what a supervisor attaches to a paper or an ethics review.

Why one file: the figures, how they were computed and the passages behind them travel together,
so nobody reads a κ without its variant, its interval method or the text it disagrees about. The
forest plot is drawn here (SVG in HTML, a fixed-width text plot in DOCX) so the report needs no
plotting library and is the same bytes for the same audit. The report quotes transcript text, so
it is written privately like every export.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.analysis.agreement.intervals import Interval
from qualcode.analysis.agreement.methods import cited, methods_paragraph
from qualcode.analysis.agreement.report import AgreementReport, CodeAgreement, Disagreement
from qualcode.corpus.documents import document_texts
from qualcode.files import write_atomic, write_text_atomic

if TYPE_CHECKING:
    from qualcode.project import Project

REPORT_FORMATS = ("html", "docx")
CONTEXT = 80  # characters of text shown on each side of a disagreement
MAX_DISAGREEMENTS = 300  # listed in the file; the count says how many there are


def write_reliability_report(
    project: Project, report: AgreementReport, path: str | Path, command: str, like: Path | None = None
) -> Path:
    """Write the report as ``.html`` or ``.docx`` (chosen by the suffix)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"a reliability report is .html or .docx; got '{path.name}'")
    shown = report.disagreements[:MAX_DISAGREEMENTS]
    texts = document_texts(project, {d.document_id for d in shown})
    title = f"Reliability report: {', '.join(report.coders)} · unit {report.unit.label}"
    meta = [
        ("Project", project.meta("name") or project.path.stem),
        ("Coders", ", ".join(_coder_label(report, c) for c in report.coders)),
        ("Unit", report.unit.label),
        ("Documents", str(len(report.documents))),
        ("Command", command),
    ]
    if fmt == "html":
        write_text_atomic(path, _html(report, title, meta, texts, shown), like)
    else:
        _docx(report, title, meta, texts, shown, path, like)
    return path


def _coder_label(report: AgreementReport, coder: str) -> str:
    moment = report.as_of.get(coder)
    return f"{coder} (codings as of {moment})" if moment else coder


def _rows(report: AgreementReport) -> list[CodeAgreement]:
    return list(report.codes) + ([report.overall] if report.overall else [])


def _num(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _interval(ci: Interval | None) -> str:
    if ci is None:
        return ""
    return f"{ci.low:.3f} – {ci.high:.3f}" if ci.defined else "—"


def _plotted(row: CodeAgreement) -> tuple[str, float | None, float | None, float | None]:
    """(coefficient name, estimate, low, high) for the forest plot: α with its interval, else κ."""
    st = row.stats
    if st.alpha.value is not None:
        ci = st.ci
        return "α", st.alpha.value, ci.low if ci and ci.defined else None, ci.high if ci and ci.defined else None
    ci = st.kappa_ci
    return "κ", st.kappa.value, ci.low if ci and ci.defined else None, ci.high if ci and ci.defined else None


def _table_head(report: AgreementReport) -> list[str]:
    head = ["code", "N", "% agree", "% coded", report.kappa_name, "AC1", "PABAK", "α (nominal)"]
    if report.bootstrap:
        head += ["α CI", "κ CI"]
    return [*head, "note"]


def _table_row(report: AgreementReport, row: CodeAgreement) -> list[str]:
    st = row.stats
    cells = [
        row.code,
        f"{st.units:,}",
        _pct(st.agreement),
        _pct(st.agreement_coded),
        _num(st.kappa.value),
        _num(st.ac1.value),
        _num(st.pabak.value),
        _num(st.alpha.value),
    ]
    if report.bootstrap:
        cells += [_interval(st.ci), _interval(st.kappa_ci)]
    return [*cells, st.warning or ""]


def _context(text: str, d: Disagreement) -> tuple[str, str, str]:
    lo, hi = max(0, d.start - CONTEXT), min(len(text), d.end + CONTEXT)
    return (
        ("…" if lo else "") + text[lo : d.start],
        text[d.start : d.end],
        text[d.end : hi] + ("…" if hi < len(text) else ""),
    )


def _notes(report: AgreementReport) -> list[str]:
    out = []
    if report.codes:
        out.append(
            f"{report.kappa_name}: {report.codes[0].stats.kappa.name}. Each code row: {report.codes[0].pooling}."
        )
    if report.overall:
        out.append(f"(all codes pooled): {report.overall.pooling}.")
    intervals: dict[str, None] = {}  # in order of first appearance, once each
    for r in _rows(report):
        for ci in (r.stats.ci, r.stats.kappa_ci):
            if ci is not None:
                line = ci.description if ci.defined else f"no interval: {ci.reason}"
                intervals[line] = None
    out += [f"Intervals: {line}" for line in intervals]
    out += report.notes
    return out


# ---------------------------------------------------------------------------- HTML
def _svg_forest(report: AgreementReport) -> str:
    rows = _rows(report)
    label_w, plot_w, row_h, top = 300, 360, 22, 30
    height = top + row_h * len(rows) + 30
    lo, hi = -1.0, 1.0

    def x(v: float) -> float:
        return label_w + (max(lo, min(hi, v)) - lo) / (hi - lo) * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + plot_w + 80}" height="{height}" '
        'role="img" aria-label="forest plot of agreement per code" font-family="sans-serif" font-size="12">'
    ]
    for tick in (-1.0, -0.5, 0.0, 0.5, 1.0):
        out.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 10}" x2="{x(tick):.1f}" y2="{height - 25}" '
            f'stroke="{"#888" if tick == 0 else "#ddd"}"/>'
            f'<text x="{x(tick):.1f}" y="{height - 8}" text-anchor="middle">{tick:g}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        name, est, low, high = _plotted(row)
        weight = "bold" if row.code_id is None else "normal"
        out.append(
            f'<text x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end" font-weight="{weight}">'
            f"{html.escape(row.code)}</text>"
        )
        if low is not None and high is not None:
            out.append(f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" stroke="#333"/>')
        if est is not None:
            shape = "rect" if row.code_id is None else "circle"
            if shape == "circle":
                out.append(f'<circle cx="{x(est):.1f}" cy="{y:.1f}" r="4" fill="#1f5fa8"/>')
            else:
                out.append(f'<rect x="{x(est) - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#a81f1f"/>')
            out.append(f'<text x="{label_w + plot_w + 8}" y="{y + 4:.1f}">{name} {est:.2f}</text>')
        else:
            out.append(f'<text x="{label_w + plot_w + 8}" y="{y + 4:.1f}" fill="#a60">undefined</text>')
    out.append("</svg>")
    return "".join(out)


def _html(
    report: AgreementReport,
    title: str,
    meta: Sequence[tuple[str, str]],
    texts: dict[int, str],
    shown: Sequence[Disagreement],
) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:72em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em}"
        "td.n{text-align:right}mark.a{background:#cde}mark.b{background:#fdc}mark.ab{background:#cfc}"
        ".ctx{color:#555}.q{white-space:pre-wrap}.note{color:#555;font-size:.9em}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in meta) + "</dl>",
        "<h2>Methods</h2>",
        f"<p>{e(methods_paragraph(report))}</p>",
        "<ol>" + "".join(f"<li>{e(ref)}</li>" for ref in cited(report)) + "</ol>",
    ]
    if report.unit.kind == "unitized":
        parts.append(
            "<h2>Unitized α family</h2><table><tr><th>variant</th><th>scope</th><th>value</th>"
            "<th>coverage</th><th>note</th></tr>"
        )
        for r in report.unitized:
            cov = "" if r.coverage is None else f"{100 * r.coverage:.1f} %"
            parts.append(
                f"<tr><td>{e(r.variant)}</td><td>{e(r.scope)}</td><td class=n>{_num(r.value)}</td>"
                f"<td class=n>{cov}</td><td>{e(r.reason or '')}</td></tr>"
            )
        parts.append("</table></body></html>")
        return "\n".join(parts) + "\n"
    parts.append("<h2>Agreement per code</h2><table><tr>")
    parts.append("".join(f"<th>{e(h)}</th>" for h in _table_head(report)) + "</tr>")
    for row in _rows(report):
        cells = _table_row(report, row)
        tds = [f"<td>{'<b>' + e(cells[0]) + '</b>' if row.code_id is None else e(cells[0])}</td>"]
        tds += [f"<td class=n>{e(c)}</td>" for c in cells[1:-1]]
        tds.append(f"<td>{e(cells[-1])}</td>")
        parts.append("<tr>" + "".join(tds) + "</tr>")
    parts.append("</table>")
    parts += [f'<p class="note">{e(n)}</p>' for n in _notes(report)]
    parts.append("<h2>Forest plot</h2>")
    parts.append(
        '<p class="note">Krippendorff\'s α per code (κ where α is undefined), with its interval when one was '
        "computed; the square is all codes pooled.</p>"
    )
    parts.append(_svg_forest(report))
    parts.append(
        "<h2>Per document</h2><table><tr><th>code</th><th>document</th><th>N</th><th>% agree</th>"
        f"<th>{e(report.kappa_name)}</th><th>α</th><th>note</th></tr>"
    )
    for doc_row in report.per_document:
        st = doc_row.stats
        parts.append(
            f"<tr><td>{e(doc_row.code)}</td><td>{e(doc_row.document)}</td><td class=n>{st.units:,}</td>"
            f"<td class=n>{_pct(st.agreement)}</td><td class=n>{_num(st.kappa.value)}</td>"
            f"<td class=n>{_num(st.alpha.value)}</td><td>{e(st.warning or '')}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<h2>Disagreements ({len(report.disagreements):,})</h2>")
    if len(report.disagreements) > len(shown):
        parts.append(f'<p class="note">The first {len(shown)} are listed; the exports hold them all.</p>')
    for i, d in enumerate(shown, 1):
        text = texts.get(d.document_id, "")
        before, passage, after = _context(text, d)
        spans = "; ".join(
            f"{c}: {', '.join(f'{s.start}–{s.end}' for s in d.spans.get(c, ())) or 'nothing'}" for c in report.coders
        )
        parts.append(
            f"<h3>{i}. {e(d.code)} · {e(d.document)} · {d.start}–{d.end}</h3>"
            f'<p class="q"><span class="ctx">{e(before)}</span>{_marked(passage, d, report.coders)}'
            f'<span class="ctx">{e(after)}</span></p><p class="note">{e(spans)}</p>'
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _marked(passage: str, d: Disagreement, coders: Sequence[str]) -> str:
    """The passage with what the first coder, the second, or both coded marked apart."""
    if len(coders) != 2:
        return f"<mark>{html.escape(passage)}</mark>"
    a, b = ([(s.start, s.end) for s in d.spans.get(c, ())] for c in coders)
    cuts = sorted({d.start, d.end, *[p for span in a + b for p in span if d.start <= p <= d.end]})
    out = []
    for lo, hi in itertools.pairwise(cuts):
        in_a = any(s < hi and e > lo for s, e in a)
        in_b = any(s < hi and e > lo for s, e in b)
        piece = html.escape(passage[lo - d.start : hi - d.start])
        cls = "ab" if in_a and in_b else "a" if in_a else "b" if in_b else ""
        out.append(
            f'<mark class="{cls}" title="{html.escape(_who(in_a, in_b, coders))}">{piece}</mark>' if cls else piece
        )
    return "".join(out)


def _who(in_a: bool, in_b: bool, coders: Sequence[str]) -> str:
    if in_a and in_b:
        return "both"
    return f"only {coders[0]}" if in_a else f"only {coders[1]}"


# ---------------------------------------------------------------------------- DOCX
def _text_forest(report: AgreementReport, width: int = 41) -> list[str]:
    """A forest plot in fixed-width text from −1 to 1: ├──●──┤ per code."""
    lines = []
    scale = "-1" + " " * ((width - 5) // 2) + "0" + " " * ((width - 5) // 2) + " 1"
    for row in _rows(report):
        _, est, low, high = _plotted(row)
        cells = [" "] * width
        cells[width // 2] = "┊"

        def at(v: float) -> int:
            return round((max(-1.0, min(1.0, v)) + 1) / 2 * (width - 1))

        if low is not None and high is not None:
            for k in range(at(low), at(high) + 1):
                cells[k] = "─"
            cells[at(low)], cells[at(high)] = "├", "┤"
        if est is not None:
            cells[at(est)] = "■" if row.code_id is None else "●"
        value = "undefined" if est is None else f"{est:.2f}"
        lines.append(f"{''.join(cells)}  {value}  {row.code}")
    return [scale, *lines]


def _docx(
    report: AgreementReport,
    title: str,
    meta: Sequence[tuple[str, str]],
    texts: dict[int, str],
    shown: Sequence[Disagreement],
    path: Path,
    like: Path | None,
) -> None:
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "qualcode"
    doc.add_heading(title, level=1)
    for k, v in meta:
        p = doc.add_paragraph()
        p.add_run(f"{k}: ").bold = True
        p.add_run(v)
    doc.add_heading("Methods", level=2)
    doc.add_paragraph(methods_paragraph(report))
    for ref in cited(report):
        doc.add_paragraph(ref, style="List Number")
    if report.unit.kind == "unitized":
        doc.add_heading("Unitized α family", level=2)
        table = doc.add_table(rows=1, cols=5)
        for cell, h in zip(table.rows[0].cells, ("variant", "scope", "value", "coverage", "note")):
            cell.text = h
        for r in report.unitized:
            cov = "" if r.coverage is None else f"{100 * r.coverage:.1f} %"
            for cell, v in zip(table.add_row().cells, (r.variant, r.scope, _num(r.value), cov, r.reason or "")):
                cell.text = v
        write_atomic(path, doc.save, like)
        return
    doc.add_heading("Agreement per code", level=2)
    head = _table_head(report)
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, head):
        cell.text = h
    for row in _rows(report):
        for cell, v in zip(table.add_row().cells, _table_row(report, row)):
            cell.text = v
    for n in _notes(report):
        doc.add_paragraph().add_run(n).font.size = Pt(9)
    doc.add_heading("Forest plot", level=2)
    doc.add_paragraph(
        "Krippendorff's α per code (κ where α is undefined), with its interval when one was computed; "
        "■ is all codes pooled."
    )
    for line in _text_forest(report):
        run = doc.add_paragraph().add_run(line)
        run.font.name = "Consolas"
        run.font.size = Pt(8)
    doc.add_heading("Per document", level=2)
    per = doc.add_table(rows=1, cols=6)
    per.style = "Table Grid"
    for cell, h in zip(per.rows[0].cells, ("code", "document", "N", "% agree", report.kappa_name, "α")):
        cell.text = h
    for doc_row in report.per_document:
        st = doc_row.stats
        values = (
            doc_row.code,
            doc_row.document,
            f"{st.units:,}",
            _pct(st.agreement),
            _num(st.kappa.value),
            _num(st.alpha.value),
        )
        for cell, v in zip(per.add_row().cells, values):
            cell.text = v
    doc.add_heading(f"Disagreements ({len(report.disagreements):,})", level=2)
    if len(report.disagreements) > len(shown):
        doc.add_paragraph(f"The first {len(shown)} are listed; the exports hold them all.")
    for i, d in enumerate(shown, 1):
        doc.add_heading(f"{i}. {d.code} · {d.document} · {d.start}–{d.end}", level=3)
        before, passage, after = _context(texts.get(d.document_id, ""), d)
        p = doc.add_paragraph()
        p.add_run(before).font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        p.add_run(passage).bold = True
        p.add_run(after).font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        spans = "; ".join(
            f"{c}: {', '.join(f'{s.start}–{s.end}' for s in d.spans.get(c, ())) or 'nothing'}" for c in report.coders
        )
        doc.add_paragraph().add_run(spans).font.size = Pt(9)
    write_atomic(path, doc.save, like)
