"""Agreement, merging and adjudication on the command line: thin over the core.

qualcode agreement --coders anna,bo --unit sentence [--codes Barriers] [--format xlsx] [--methods]
qualcode merge bo_copy.db
qualcode adjudicate --coders anna,bo --unit sentence --code Barriers/Stigma --accept a
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, pass_ctx
from qualcode.cli.output import note
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from rich.text import Text


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _num(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _short(warning: str | None) -> str:
    return (warning or "").split(":", 1)[0]


def _level(rows) -> str:
    for r in rows:
        if r.stats.ci is not None:
            return f"{100 * r.stats.ci.ci:.0f} %"
    return "95 %"


def _kappa_cell(stats) -> Text:
    from rich.text import Text

    if stats.kappa.value is None:
        return Text(f"⚠ {_short(stats.warning)}", style="yellow")
    return Text(f"{stats.kappa.value:.3f}" + (" ⚠" if stats.warning else ""), style="yellow" if stats.warning else "")


def _fit_label_column(
    headers: list[str], rows: list[list[Text | str]], width: int, wrapping: int = 0
) -> tuple[list[str], int | None]:
    """Headers and a width for a table's first column (labels such as code paths) so that it keeps
    its text in ``width`` terminal columns: the other columns are short figures that cannot wrap,
    and rich would otherwise squeeze the labels to "…". ``None``: the table fits as it is.

    The labels get what the figures leave, their longest word if it fits; when it does not,
    two-word headers ("% agree") go on two lines first. Labels still too wide wrap, and a word
    longer than the column folds (see :func:`_break_label`), so no label loses text. ``wrapping``
    trailing columns (notes) wrap and give way first, down to 10 columns each."""
    from rich.cells import cell_len

    def need(i: int, heads: list[str]) -> int:
        cells = [cell_len(str(row[i])) for row in rows]
        return max([cell_len(line) for line in heads[i].split("\n")] + cells)

    n = len(headers) + wrapping
    overhead = n + 1 + 2 * n  # borders, and one space of padding each side of every cell
    labels = need(0, headers)
    words = max((cell_len(w) for row in rows for w in str(row[0]).split()), default=1)
    notes = [max([cell_len(str(row[i])) for row in rows], default=0) for i in range(len(headers), n)]
    if overhead + sum(need(i, headers) for i in range(len(headers))) + sum(notes) <= width:
        return headers, None
    heads = headers
    figures = sum(need(i, heads) for i in range(1, len(heads)))
    if overhead + min(labels, words) + figures + sum(min(x, 10) for x in notes) > width:
        heads = [h if i == 0 else h.replace(" ", "\n") for i, h in enumerate(headers)]
        figures = sum(need(i, heads) for i in range(1, len(heads)))
    room = width - overhead - figures - sum(min(x, 10) for x in notes)
    return heads, min(labels, max(room, min(words, 12), cell_len(heads[0])))


def _break_label(label: str, width: int | None) -> str:
    """A code path to show in ``width`` columns: a word too long for them ("Resources/Consumption")
    breaks after its slashes rather than anywhere, so the path still reads as one."""
    if width is None:
        return label
    out = []
    for word in label.split(" "):
        if len(word) > width and "/" in word:
            parts = word.split("/")
            word = "/\n".join(parts)
        out.append(word)
    return " ".join(out)


def print_report(report, show_disagreements: bool = False) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    out = console()
    u = report.unit
    title = f"Agreement of {', '.join(report.coders)} · unit {u.label} · {len(report.documents)} document(s)"
    if u.kind == "unitized":
        t = RichTable("variant", "scope", "value", "coverage", "note", title=title)
        for r in report.unitized:
            t.add_row(
                r.variant,
                r.scope,
                _num(r.value),
                "" if r.coverage is None else f"{100 * r.coverage:.1f} %",
                Text(r.reason or "", style="yellow"),
            )
        out.print(t)
        return
    ci = report.bootstrap > 0
    rows = list(report.codes) + ([report.overall] if report.overall else [])
    noted = any(r.stats.warning for r in rows)
    cols = ["code", "N", "% agree", "% coded", "κ", "AC1", "PABAK", "α"]
    body: list[list[Text | str]] = []
    for r in rows:
        st = r.stats
        cells: list[Text | str] = [
            Text(r.code, style="bold" if r.code_id is None else ""),
            f"{st.units:,}",
            "—" if st.agreement is None else f"{100 * st.agreement:.1f}",
            "—" if st.agreement_coded is None else f"{100 * st.agreement_coded:.1f}",
            _kappa_cell(st),
            _num(st.ac1.value),
            _num(st.pabak.value),
            _num(st.alpha.value),
        ]
        if noted:
            cells.append(Text(_short(st.warning), style="yellow"))
        body.append(cells)
    headers, code_width = _fit_label_column(cols, body, out.width, wrapping=1 if noted else 0)
    t = RichTable(*headers, *(["note"] if noted else []), title=title)
    t.columns[0].overflow = "fold"  # a code path is never cut short: rows must stay told apart
    t.columns[0].width = code_width
    for i in range(1, len(cols)):
        t.columns[i].justify = "right"
        t.columns[i].no_wrap = True
    if noted:
        t.columns[-1].overflow = "fold"
    for r, cells in zip(rows, body):
        cells[0] = Text(_break_label(r.code, code_width), style="bold" if r.code_id is None else "")
        t.add_row(*cells, end_section=r is report.codes[-1] if report.codes else False)
    out.print(t)
    out.print(
        Text(
            f"κ = {report.kappa_name}; % coded: agreement without units nobody coded; AC1: Gwet 2008; "
            "PABAK: Byrt, Bishop & Carlin 1993; α: Krippendorff's, nominal.",
            style="dim",
        )
    )
    if ci:
        intervals = RichTable("code", f"α {_level(rows)} CI", f"κ {_level(rows)} CI", title="Bootstrap intervals")
        intervals.columns[0].overflow = "fold"
        intervals.columns[1].no_wrap = intervals.columns[2].no_wrap = True
        for r in rows:
            intervals.add_row(
                Text(r.code, style="bold" if r.code_id is None else ""),
                *[
                    f"{x.low:.3f} – {x.high:.3f}" if x is not None and x.defined else "—"
                    for x in (r.stats.ci, r.stats.kappa_ci)
                ],
            )
        out.print(intervals)
    if report.codes:
        first = report.codes[0]
        out.print(Text(f"{report.kappa_name}: {first.stats.kappa.name}. Each code row: {first.pooling}.", style="dim"))
    if report.overall:
        out.print(Text(f"(all codes pooled): {report.overall.pooling}.", style="dim"))
    for label, moment in report.as_of.items():
        out.print(Text(f"{label}: codings as they stood at {moment}, rebuilt from the event log", style="dim"))
    if ci:
        shown = set()
        for r in rows:
            for interval in (r.stats.ci, r.stats.kappa_ci):
                if interval is None:
                    continue
                line = interval.description if interval.defined else f"no interval: {interval.reason}"
                if line not in shown:
                    shown.add(line)
                    out.print(Text(f"intervals: {line}", style="dim"))
    explained = set()
    for r in rows:  # each kind of warning explained once
        if r.stats.warning and ":" in r.stats.warning:
            tail = r.stats.warning.split(":", 1)[1].strip()
            if tail not in explained:
                explained.add(tail)
                out.print(Text(f"⚠ {_short(r.stats.warning)} ({r.code}): {tail}", style="yellow"))
    for remark in report.notes:
        out.print(Text(f"note: {remark}", style="dim"))
    click.echo(
        f"{len(report.disagreements)} disagreement(s)"
        + ("" if show_disagreements else "; list them with --disagreements")
    )
    if show_disagreements:
        print_disagreements(report)


def print_disagreements(report) -> None:
    from rich.table import Table as RichTable

    t = RichTable("#", "code", "document", "passage", *report.coders, title="Disagreements")
    for i, d in enumerate(report.disagreements, 1):
        t.add_row(
            str(i),
            d.code,
            d.document,
            f"{d.start}-{d.end}",
            *[", ".join(f"{s.start}-{s.end}" for s in d.spans.get(c, ())) or "—" for c in report.coders],
        )
    console().print(t)


def _command() -> str:
    """The command as typed, for the report's record (options left at their defaults left out)."""
    import shlex

    ctx = click.get_current_context()
    words = ["qualcode", ctx.info_name or "agreement"]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if (param.name != "unit" and value in (None, False, (), param.default)) or param.name == "report_path":
            continue
        flag = max(param.opts, key=len) if isinstance(param, click.Option) else ""
        words += [flag] if value is True else [flag, str(value)]
    return " ".join(shlex.quote(w) for w in words if w)


def _audit_options(fn):
    for opt in reversed(
        [
            click.option(
                "--coders",
                required=True,
                help="Coders to compare, comma separated: A,B[,C]; NAME@DATE is that coder's codings then.",
            ),
            click.option(
                "--unit",
                "-u",
                default="sentence",
                show_default=True,
                help="sentence, turn, paragraph, document, character (NVivo's rule), character:skip-uncoded, "
                "window:N, segment:X% or unitized.",
            ),
            click.option(
                "--codes",
                help="Codes (paths, comma separated); a grouping code means its children. Default: every codable code.",
            ),
            click.option("--documents", help="Documents (names, comma separated). Default: those every coder coded."),
        ]
    ):
        fn = opt(fn)
    return fn


def _run_audit(p, coders, unit, codes, documents, **kw):
    from qualcode.analysis.agreement.audit import audit

    return audit(p, _split(coders), unit, _split(codes) or None, _split(documents) or None, **kw)


@main.command()
@_audit_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json"]),
    help="Also export the tables (per code, per document, disagreements).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path, allow_dash=True),
    default=None,
    help="Folder for --format (default: exports/ beside the project); - writes JSON to standard output.",
)
@click.option("--methods", is_flag=True, help="Print a methods paragraph for a paper.")
@click.option("--bootstrap", type=click.IntRange(0), default=0, help="Resamples for α and κ intervals (0: none).")
@click.option(
    "--bootstrap-method",
    type=click.Choice(["documents", "units", "krippendorff"]),
    default="documents",
    show_default=True,
    help="Resample documents (cluster bootstrap), units, or pairs of values (Krippendorff's, α only).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--domain",
    "domains",
    multiple=True,
    help="unitized: a semantic domain (parent whose children are mutually exclusive); repeatable.",
)
@click.option("--disagreements", "show_disagreements", is_flag=True, help="List the disagreements.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a reliability report for supervisors: FILE.html or FILE.docx.",
)
@pass_ctx
def agreement(
    ctx: Ctx,
    coders,
    unit,
    codes,
    documents,
    fmt,
    output,
    methods,
    bootstrap,
    bootstrap_method,
    seed,
    domains,
    show_disagreements,
    report_path,
) -> None:
    """Inter-coder agreement per code: % agreement, κ, AC1, PABAK, α, warnings; export with --format.

    \b
    qualcode agreement --coders anna,bo --unit sentence
    qualcode agreement --coders anna,bo,cai --unit turn --codes Barriers --format xlsx
    qualcode agreement --coders anna,bo --unit character --methods --bootstrap 1000
    qualcode agreement --coders anna,bo --unit character:skip-uncoded
    qualcode agreement --coders anna@2026-11-01,anna --unit sentence     # code–recode
    qualcode agreement --coders anna,bo --unit segment:90%
    qualcode agreement --coders anna,bo --unit unitized --domain "Help declined"
    """
    from qualcode.analysis.agreement.methods import methods_paragraph
    from qualcode.interchange.exporters.agreement import report_tables

    if report_path is not None and report_path.suffix.lower() not in (".html", ".docx"):
        raise QualcodeError(f"--report writes .html or .docx; '{report_path.name}' is neither")
    with ctx.open() as p:
        report = _run_audit(
            p,
            coders,
            unit,
            codes,
            documents,
            bootstrap=bootstrap,
            seed=seed,
            domains=list(domains) or None,
            bootstrap_method=bootstrap_method,
        )
        if report_path is not None:
            from qualcode.interchange.exporters.reliability import write_reliability_report

            written = write_reliability_report(p, report, report_path, _command(), like=ctx.project_path)
    to_stdout = output is not None and str(output) == "-"
    if not (to_stdout or ctx.quiet):
        print_report(report, show_disagreements)
    if report_path is not None:
        note(ctx, f"wrote {written}")
    if methods:
        from qualcode.analysis.agreement.methods import cited

        click.echo()
        click.echo(methods_paragraph(report))
        click.echo()
        for ref in cited(report):
            click.echo(ref)
    if fmt or (output is not None and str(output) == "-"):
        from qualcode.cli.output import Destination, write
        from qualcode.interchange.exporters.view_exports import agreement_stem

        stem = agreement_stem(report.coders, report.unit.label, _split(codes), _split(documents), list(domains))
        if output is not None and str(output) == "-":
            dest = Destination(None, stem, fmt or "json")
        else:
            dest = Destination(output or ctx.project_path.resolve().parent / "exports", stem, fmt)
        write(ctx, dest, report_tables(report))


@main.command()
@click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def merge(ctx: Ctx, other: Path) -> None:
    """Merge another project file (a coder's copy) into this one, by GUID.

    Brings in coders, codes, documents, codings and memos that are new; refuses a document with
    the same GUID but different text. Merging the same file again changes nothing.
    """
    from qualcode.interchange.merge import merge_project

    with ctx.open() as p:
        report = merge_project(p, other)
    click.echo(report.summary())
    for coder, n in sorted(report.codings.items()):
        click.echo(f"  {n} coding(s) by {coder}")
    for name in report.codes:
        click.echo(f"  new code {name}")
    for name in report.documents:
        click.echo(f"  new document {name}")
    for m in report.matched:
        click.echo(f"  note: {m}")


@main.command()
@_audit_options
@click.option("--accept", help="a (first coder), b (second), both, neither, or a coder's name.")
@click.option(
    "--agreed",
    is_flag=True,
    help="Also copy the passages the coders agree on (first coder's spans) into the consensus coder.",
)
@click.option("--consensus", default="consensus", show_default=True, help="Coder that receives the decisions.")
@click.option("--only", help="Only these disagreements (numbers from 'agreement --disagreements', comma separated).")
@pass_ctx
def adjudicate(ctx: Ctx, coders, unit, codes, documents, accept, agreed, consensus, only) -> None:
    """Resolve disagreements into the consensus coder (each decision is one undoable event).

    \b
    qualcode agreement --coders anna,bo --codes Barriers/Stigma --disagreements
    qualcode adjudicate --coders anna,bo --codes Barriers/Stigma --accept a --only 1,3
    qualcode adjudicate --coders anna,bo --codes Barriers/Stigma --accept both --agreed
    """
    from qualcode.analysis.agreement.adjudication import accept_agreements, adjudicate_all

    if not accept and not agreed:
        raise click.UsageError("give --accept a|b|both|neither, --agreed, or both")

    with ctx.open() as p:
        report = _run_audit(p, coders, unit, codes, documents)
        chosen = report.disagreements
        if only:
            try:
                numbers = [int(n) for n in _split(only)]
            except ValueError:
                raise QualcodeError("--only takes numbers, e.g. --only 1,3") from None
            bad = [n for n in numbers if not 1 <= n <= len(chosen)]
            if bad:
                raise QualcodeError(f"no disagreement {bad[0]}; there are {len(chosen)}")
            chosen = [chosen[n - 1] for n in numbers]
        results = adjudicate_all(p, chosen, accept, consensus) if accept else []
        copied = accept_agreements(p, report, consensus) if agreed else 0
    if accept:
        added = sum(len(r.added) for r in results)
        removed = sum(len(r.removed) for r in results)
        click.echo(
            f"{len(results)} disagreement(s) resolved into '{consensus}': {added} coding(s) added, {removed} removed"
        )
    if agreed:
        click.echo(f"{copied} coding(s) of agreed passages copied into '{consensus}'")
