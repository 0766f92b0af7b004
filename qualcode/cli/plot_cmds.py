"""Figures for papers on the command line: thin over ``qualcode.analysis`` (the numbers, with the same
units, measures and filters as the table commands) and ``interchange.exporters.figures`` (the drawing)."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.analysis_cmds import MEASURES, UNIT_HELP, _coder_label, _coder_options, _open, _selection_options
from qualcode.cli.common import Ctx, pass_ctx
from qualcode.cli.output import destination, export_stem, note
from qualcode.errors import QualcodeError

FIGURE_FORMATS = ("svg", "pdf", "png")


def _figure_options(fn):
    fn = click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        default=None,
        help="FILE.svg, FILE.pdf or FILE.png (default: exports/ beside the project, an SVG named for its options).",
    )(fn)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FIGURE_FORMATS),
        default=None,
        help="Default: from the -o suffix, else svg.",
    )(fn)


def _target(ctx: Ctx, output: Path | None, fmt: str | None, stem: str) -> Path:
    dest = destination(ctx, output, fmt or (None if output is not None else "svg"), stem, formats=FIGURE_FORMATS)
    if dest.stdout or dest.folder is None:
        raise QualcodeError("a figure is a file: give -o FILE.svg, FILE.pdf or FILE.png")
    dest.folder.mkdir(parents=True, exist_ok=True)
    return dest.folder / f"{dest.stem}.{dest.fmt}"


@main.group("plot")
def plot_group() -> None:
    """Figures for papers: co-occurrence heatmap, code frequencies, agreement forest plot."""


@plot_group.command("cooccurrence")
@click.option("--unit", default="overlap", show_default=True, metavar="UNIT", help=UNIT_HELP)
@click.option("--measure", type=click.Choice(MEASURES), default="count", show_default=True, help="As for cooccurrence.")
@_coder_options
@_selection_options
@_figure_options
@pass_ctx
def plot_cooccurrence(ctx: Ctx, unit, measure, coders, pool, depth, kind, where, codes, fmt, output) -> None:
    """A heatmap of code × code co-occurrence, labelled with code paths (one per coder unless --pool).

    \b
    qualcode plot cooccurrence --unit sentence --measure jaccard --coder anna -o fig1.pdf
    """
    from qualcode.analysis import data as pdx
    from qualcode.analysis.cooccurrence import parse_unit
    from qualcode.interchange.exporters.view_exports import cooccurrence_figure, figure_stem

    if output is not None:
        _target(ctx, output, fmt, "check")  # refused before any work
    try:
        parse_unit(unit)
    except ValueError as e:
        raise QualcodeError(str(e)) from None
    p, sel, choice = _open(ctx, kind, where, codes, coders, pool)
    with p:
        _, runs = pdx.cooccurrence_runs(p, sel, unit, choice, depth, None)
    names = sel.code_names()
    for run in runs:
        r = run.result
        who = run.coder or _coder_label(sel, choice, None).replace("_", ", ")
        stem = figure_stem(unit, measure, who, depth, codes, kind, where)
        path = _target(ctx, output, fmt, stem)
        if output is not None and len(runs) > 1:
            path = path.with_name(f"{path.stem}_{run.coder}{path.suffix}")
        cooccurrence_figure(r, names, measure, who, path, ctx.project_path)
        note(ctx, f"wrote {path}")


@plot_group.command("codes")
@click.option("--by-attribute", "by_attribute", metavar="ATTR", help="Bars per value of this attribute, not per coder.")
@_coder_options
@_selection_options
@_figure_options
@pass_ctx
def plot_codes(ctx: Ctx, by_attribute, coders, pool, depth, kind, where, codes, fmt, output) -> None:
    """Code frequencies (codings per code) by coder, or by a document attribute.

    \b
    qualcode plot codes -o codes.svg
    qualcode plot codes --by-attribute site --pool -o codes_by_site.pdf
    """
    import numpy as np

    from qualcode.analysis import data as pdx
    from qualcode.analysis.cooccurrence import roll_up
    from qualcode.interchange.exporters.figures import bars

    if output is not None:
        _target(ctx, output, fmt, "check")  # refused before any work
    if not coders and not pool and not by_attribute:  # bars per coder: every coder who may be seen
        with ctx.open() as p:
            coders = tuple(c["name"] for c in p.coders() if p.visible_coder() in (None, c["name"]))
    p, sel, choice = _open(ctx, kind, where, codes, coders, pool)
    with p:
        chosen = pdx.chosen_codings(sel, choice)
        code_ids = pdx.ordered_codes(sel, chosen, depth)
        rolled = roll_up(chosen.code, sel.parents(), depth) if depth and len(chosen.code) else chosen.code
        if by_attribute:
            attr = pdx.resolve_attribute(p, by_attribute)
            groups = pdx.attribute_groups(p, sel.documents, attr)
            keys = {d["id"]: v for v, docs in groups.items() for d in docs}
            group_of = np.array([str(keys.get(int(d))) for d in chosen.document], dtype=object)
            series = [(f"{attr} = {v}", group_of == str(v)) for v in groups]
        else:
            series = [(sel.coders[k], chosen.coder == k) for k in choice.coder_ids]
    names = sel.code_names()
    values = {label: [int(np.sum(mask & (rolled == c))) for c in code_ids] for label, mask in series}
    stem = export_stem("codes", depth=depth, by=by_attribute, code=list(codes), kind=kind, where=list(where))
    path = _target(ctx, output, fmt, stem)
    what = f"by {by_attribute}" if by_attribute else "by coder"
    bars(
        values,
        [names[c] for c in code_ids],
        path,
        title=f"Codings per code, {what}",
        xlabel="codings",
        like=ctx.project_path,
    )
    note(ctx, f"wrote {path}")


@plot_group.command("agreement")
@click.option("--coders", required=True, help="Coders to compare, comma separated: A,B[,C] (or NAME@DATE).")
@click.option("--unit", "-u", default="sentence", show_default=True, help="As for agreement.")
@click.option("--codes", help="Codes (paths, comma separated). Default: every codable code.")
@click.option(
    "--bootstrap", type=click.IntRange(0), default=1000, show_default=True, help="Resamples for the intervals."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@_figure_options
@pass_ctx
def plot_agreement(ctx: Ctx, coders, unit, codes, bootstrap, seed, fmt, output) -> None:
    """A forest plot of Krippendorff's α per code (κ where α is undefined) with its interval.

    \b
    qualcode plot agreement --coders anna,bo --unit sentence -o agreement.pdf
    """
    from qualcode.analysis.agreement.audit import audit
    from qualcode.interchange.exporters.figures import forest

    if output is not None:
        _target(ctx, output, fmt, "check")  # refused before any work
    split = [c.strip() for c in coders.split(",") if c.strip()]
    with ctx.open() as p:
        report = audit(
            p, split, unit, [c.strip() for c in codes.split(",")] if codes else None, bootstrap=bootstrap, seed=seed
        )
    rows = []
    for r in [*report.codes, *([report.overall] if report.overall else [])]:
        st, ci = r.stats, r.stats.ci
        low, high = (ci.low, ci.high) if ci is not None else (None, None)
        rows.append((r.code, st.alpha.value, low, high))
    stem = export_stem("agreement", *split, report.unit.label.replace("%", "pct"))
    path = _target(ctx, output, fmt, stem)
    interval = next((r.stats.ci for r in report.codes if r.stats.ci is not None), None)
    how = f" (intervals: {interval.description})" if interval is not None and interval.defined else ""
    forest(rows, path, title=f"Krippendorff's α per code, unit {report.unit.label}", xlabel="α", like=ctx.project_path)
    note(ctx, f"wrote {path}{how}")
