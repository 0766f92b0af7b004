"""Analysis commands: co-occurrence, document × code matrices, crosstabs, tidy exports and
quote reports. Thin: selection and computation live in ``qualcode.analysis``, files in
``qualcode.interchange.exporters``; here we parse options, print a table and say what was written."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from qualcode.cli import completion, main
from qualcode.cli.common import Ctx, console, pass_ctx
from qualcode.cli.output import destination, export_stem, note, slug, write
from qualcode.errors import QualcodeError

FORMATS = ("csv", "xlsx", "json", "sav", "dta")
MEASURES = ("count", "jaccard", "conditional", "phi", "lift", "expected")
PRINT_LIMIT = 30  # wider matrices are written, not printed; the strongest pairs are shown

UNIT_HELP = (
    "Unit in which codes co-occur: overlap (coded passages: segments chained by "
    "shared characters), sentence, turn (speaker turn), paragraph, document, or "
    "window:N (segments at most N characters apart)."
)


# ----------------------------------------------------------------------------- options


def _options(*opts: Callable) -> Callable[[Callable], Callable]:
    """One decorator for a group of click options, listed in the order --help shows them."""

    def decorate(fn: Callable) -> Callable:
        for o in reversed(opts):
            fn = o(fn)
        return fn

    return decorate


_selection_options = _options(
    click.option("--kind", help="Only documents of this kind (interview, fieldnote, other)."),
    click.option(
        "--where",
        "where",
        multiple=True,
        metavar="ATTR=VALUE",
        help="Only documents whose attribute matches: site=Vesterbro, "
        "site=Vesterbro,Nordvest (either), role!=social worker. Repeatable "
        "(all must hold).",
        shell_complete=completion.where,
    ),
    click.option(
        "--code",
        "codes",
        multiple=True,
        metavar="PATH",
        help="Only these codes and their child codes. Repeatable.",
        shell_complete=completion.codes,
    ),
)


_coder_options = _options(
    click.option(
        "--coder",
        "coders",
        multiple=True,
        metavar="NAME",
        help="This coder's codings; repeat for one result per coder. Default: the "
        "only coder, else the session coder (-c) if they coded, else an error.",
        shell_complete=completion.coders,
    ),
    click.option(
        "--pool",
        is_flag=True,
        help="Pool the coders (all, or those given with --coder): a unit counts once however many coders coded it.",
    ),
    click.option(
        "--depth",
        type=click.IntRange(min=1),
        default=None,
        help="Roll child codes up to this depth (1 = top-level codes).",
    ),
)


def _format_option(formats: Sequence[str], extra: str = "") -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=None,
        help="File format (default: from the -o suffix, else csv). csv/sav/dta "
        "write a *_dictionary.csv beside; xlsx/json hold the dictionary." + extra,
    )


NETWORK_FORMATS = ("graphml", "gexf")
_stata_version_option = click.option(
    "--stata-version",
    type=click.Choice(["14", "15"]),
    default="15",
    show_default=True,
    help=".dta for Stata 14 (release 118) or Stata 15 and later (119).",
    expose_value=False,  # kept for the writer, which reads it where the file is written
    callback=lambda ctx, _param, value: ctx.meta.__setitem__("qualcode.stata_version", int(value)),
)
_output_options = _options(
    _format_option(FORMATS),
    _stata_version_option,
    click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 BOM (for Excel)."),
    click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        default=None,
        help="Output file or folder (default: exports/ beside the project, a file name stating what is in it).",
    ),
)


_network_output_options = _options(
    _format_option(FORMATS + NETWORK_FORMATS, " graphml/gexf: the codes as a network (networkx, igraph, Gephi)."),
    click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 BOM (for Excel)."),
    click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        default=None,
        help="Output file or folder (default: exports/ beside the project, a file name stating what is in it); "
        "- for standard output.",
    ),
)


# ----------------------------------------------------------------------------- output


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _print_matrix(title: str, row_names: Sequence[str], col_names: Sequence[str], values, caption: str = "") -> None:
    """Print a labelled matrix; columns are split into blocks that fit the terminal.

    For a code × code matrix the columns are numbered (1, 2, …) and the row labels carry the
    numbers, so that long code paths do not make the table unreadable."""
    from rich.table import Table as RichTable

    con = console()
    same = list(row_names) == list(col_names)
    labels = [f"{i + 1} {r}" if same else str(r) for i, r in enumerate(row_names)]
    heads = [str(j) if same else str(c) for j, c in enumerate(col_names, start=1)]
    cells = [[_cell(v) for v in row] for row in values.tolist()]
    label_w = min(32, max((len(x) for x in labels), default=4))
    widths = [max([len(h) if same else min(len(h), 12)] + [len(r[j]) for r in cells]) + 3 for j, h in enumerate(heads)]
    room = max(con.width - label_w - 4, 8)
    blocks: list[list[int]] = []
    current: list[int] = []
    used = 0
    for j, w in enumerate(widths):
        if current and used + w > room:
            blocks.append(current)
            current, used = [], 0
        current.append(j)
        used += w
    blocks.append(current)
    for b, cols in enumerate(blocks):
        part = f" (columns {cols[0] + 1}–{cols[-1] + 1} of {len(heads)})" if len(blocks) > 1 else ""
        t = RichTable(
            title=title + part if b == 0 or part else None,
            title_justify="left",
            caption=caption or None if b == len(blocks) - 1 else None,
            caption_justify="left",
        )
        t.add_column("", no_wrap=True, overflow="ellipsis", max_width=label_w)
        for j in cols:
            t.add_column(heads[j], justify="right", overflow="ellipsis", max_width=None if same else 12)
        for label, row in zip(labels, cells):
            t.add_row(label, *[row[j] for j in cols])
        con.print(t)


# ----------------------------------------------------------------------------- helpers


def _open(ctx: Ctx, kind, where, codes, coders, pool):
    """Open the project, resolve the coders and load only their codings; the caller closes
    the project (``with p:``)."""
    from qualcode.analysis import data as pdx

    p = ctx.open()
    try:
        sel, choice = pdx.choose(
            p, kind=kind, where=where, codes=codes, coders=coders, pool=pool, session_coder=ctx.coder
        )
        if not sel.documents:
            raise QualcodeError("no documents match the filters")
        if not choice.coder_ids or not len(sel.codings):
            raise QualcodeError("no codings match the filters")
    except BaseException:
        p.close()
        raise
    if choice.note:
        note(ctx, f"using {choice.note}")
    return p, sel, choice


def _coder_label(sel, choice, name: str | None) -> str:
    from qualcode.interchange.exporters.naming import coder_label

    return coder_label(sel, choice, name)


# ----------------------------------------------------------------------------- cooccurrence


@main.command("cooccurrence")
@click.option("--unit", default="overlap", show_default=True, metavar="UNIT", help=UNIT_HELP)
@click.option(
    "--measure",
    type=click.Choice(MEASURES),
    default="count",
    show_default=True,
    help="count: units with both codes (diagonal: units with the code); jaccard: "
    "n_ab/(n_a+n_b-n_ab); conditional: P(column | row); phi; lift: observed / "
    "expected; expected: n_a·n_b/N.",
)
@_coder_options
@_selection_options
@click.option(
    "--by-attribute",
    "by_attribute",
    metavar="ATTR",
    help="One matrix per value of this document attribute (e.g. site).",
    shell_complete=completion.attributes,
)
@click.option("--pairs", is_flag=True, help="Write a long table (code_a, code_b, n_a, n_b, n_ab, measure) instead.")
@_network_output_options
@pass_ctx
def cooccurrence_cmd(
    ctx: Ctx, unit, measure, coders, pool, depth, kind, where, codes, by_attribute, pairs, fmt, bom, output
) -> None:
    """Code × code co-occurrence in a named unit, printed and written to exports/.

    \b
    qualcode cooccurrence --unit sentence --measure jaccard --coder anna
    qualcode cooccurrence --unit overlap --pool --where site=Vesterbro --format xlsx
    qualcode cooccurrence --unit window:200 --depth 1 --by-attribute site --pairs
    """
    from qualcode.analysis import data as pdx
    from qualcode.analysis.cooccurrence import parse_unit
    from qualcode.codebook.codes import list_codes
    from qualcode.interchange.exporters.view_exports import cooccurrence_stem, cooccurrence_tables

    checked = destination(ctx, output, fmt, "check", formats=FORMATS + NETWORK_FORMATS)  # refused before any work
    if pairs and checked.fmt in NETWORK_FORMATS:
        raise QualcodeError("--pairs is a table; a network (graphml, gexf) already lists the pairs as edges")
    try:
        parse_unit(unit)
    except ValueError as e:
        raise QualcodeError(str(e)) from None
    p, sel, choice = _open(ctx, kind, where, codes, coders, pool)
    with p:
        _, runs = pdx.cooccurrence_runs(p, sel, unit, choice, depth, by_attribute)
        colours = {c.id: c.colour for c in list_codes(p)}
    names = sel.code_names()
    tables, parts = cooccurrence_tables(runs, sel, unit, measure, pairs=pairs, by_attribute=by_attribute)
    shown = [(run.result, run.coder, run.value) for run in runs]
    stem = cooccurrence_stem(
        unit,
        measure,
        None if choice.per_coder else _coder_label(sel, choice, None),
        pairs=pairs,
        depth=depth,
        codes=list(codes),
        kind=kind,
        where=list(where),
        by_attribute=by_attribute,
    )
    # files first: a closed pipe must not lose them
    dest = destination(ctx, output, fmt, stem, formats=FORMATS + NETWORK_FORMATS)
    if dest.fmt in NETWORK_FORMATS:
        _write_networks(ctx, dest, shown, names, colours, measure, [t.description for t in tables], parts)
    else:
        write(ctx, dest, tables, bom=bom, parts=parts)
    if dest.stdout or ctx.quiet:
        return
    for r, coder_name, value in shown:
        who = coder_name or _coder_label(sel, choice, None).replace("_", ", ")
        title = (
            f"co-occurrence ({measure}), unit {r.unit}, N = {r.n_units} units, "
            f"{'pooled ' if r.pooled else ''}coder {who}" + (f", {by_attribute} = {value}" if by_attribute else "")
        )
        labels = [names[c] for c in r.codes]
        if pairs or len(labels) > PRINT_LIMIT:
            _print_pairs(title, r, names, measure)
        else:
            _print_matrix(
                title, labels, labels, r.measure(measure), "diagonal: units with the code" if measure == "count" else ""
            )


def _write_then_show(ctx: Ctx, dest, tables: list, shows: Sequence[Callable[[], object]], bom: bool) -> None:
    """Files first (a closed pipe must not lose them), then the printed tables — unless the table
    itself went to standard output or --quiet asked for silence."""
    write(ctx, dest, tables, bom=bom)
    if not (dest.stdout or ctx.quiet):
        for show in shows:
            show()


def _write_networks(ctx: Ctx, dest, shown, names, colours, measure: str, descriptions, parts) -> None:
    """One GraphML or GEXF file per matrix (per coder or attribute value), beside the tables' names."""
    from qualcode.cli.output import provenance
    from qualcode.interchange.exporters.view_exports import write_networks

    if dest.stdout:
        raise QualcodeError("a network is a file: give -o FILE.graphml or -o FILE.gexf")
    results = [r for r, _, _ in shown]
    for path in write_networks(
        dest.folder,
        dest.stem,
        dest.fmt,
        results,
        names,
        colours,
        measure,
        descriptions,
        parts,
        provenance(ctx),
        ctx.project_path,
    ):
        note(ctx, f"wrote {path}")


def _print_pairs(title: str, r, names, measure: str, limit: int = 20) -> None:
    from rich.table import Table as RichTable

    rows = r.pairs(measure)
    rows.sort(key=lambda x: (-(x.value if not math.isnan(x.value) else -math.inf), -x.n_ab))
    t = RichTable(title=f"{title}: top {min(limit, len(rows))} of {len(rows)} pairs", title_justify="left")
    for c in ("code A", "code B", "n_a", "n_b", "n_ab", measure):
        t.add_column(c, justify="left" if c.startswith("code") else "right")
    for x in rows[:limit]:
        t.add_row(names[x.code_a], names[x.code_b], str(x.n_a), str(x.n_b), str(x.n_ab), _cell(x.value))
    console().print(t)


# ----------------------------------------------------------------------------- matrices


@main.group("matrix")
def matrix_group() -> None:
    """Document × code matrices and code × attribute crosstabs (matrix coding queries)."""


@matrix_group.command("docs-codes")
@click.option(
    "--value",
    type=click.Choice(("count", "binary", "characters", "words")),
    default="count",
    show_default=True,
    help="count: codings; binary: 1 if coded; characters: coded characters (union "
    "of the code's spans); words: words touching those spans.",
)
@_coder_options
@_selection_options
@click.option(
    "--with-attributes",
    is_flag=True,
    help="Add each document's kind, language and attributes after its name (ready for a model).",
)
@_output_options
@pass_ctx
def matrix_docs_codes(
    ctx: Ctx, value, coders, pool, depth, kind, where, codes, with_attributes, fmt, bom, output
) -> None:
    """Documents × codes: one row per document (uncoded ones as zeros), one column per code.

    \b
    qualcode matrix docs-codes --value binary --coder anna --format sav
    """
    from qualcode.analysis import data as pdx
    from qualcode.analysis.matrices import document_code_matrix
    from qualcode.corpus.documents import document_texts
    from qualcode.interchange.exporters import document_code_table
    from qualcode.interchange.exporters.tidy import with_document_columns

    destination(ctx, output, fmt, "check")  # an unusable -o is refused before any work

    p, sel, choice = _open(ctx, kind, where, codes, coders, pool)
    with p:
        chosen = pdx.chosen_codings(sel, choice)
        code_ids = pdx.ordered_codes(sel, chosen, depth)
        texts = None
        if value == "words":
            texts = document_texts(p, sel.document_ids)
        groups = (
            [(n, [i]) for n, i in zip((sel.coders[i] for i in choice.coder_ids), choice.coder_ids)]
            if choice.per_coder
            else [(None, list(choice.coder_ids))]
        )
        tables, shows = [], []  # printing waits until the files are written
        names, docnames = sel.code_names(), sel.document_names()
        for coder_name, ids in groups:
            try:
                m = document_code_matrix(
                    sel.codings,
                    value,
                    documents=sel.document_ids,
                    codes=code_ids,
                    coders=ids,
                    pool=choice.pool,
                    parents=sel.parents(),
                    depth=depth,
                    texts=texts,
                )
            except ValueError as e:
                raise QualcodeError(str(e)) from None
            t = document_code_table(m, docnames, names, definitions=sel.definitions())
            if with_attributes:
                t = with_document_columns(t, p)
            who = coder_name or _coder_label(sel, choice, None).replace("_", ", ")
            t.description = f"Documents × codes, cells: {value}, {'pooled ' if choice.pool else ''}coder {who}"
            if coder_name:
                t.name += "_" + slug(coder_name)
            tables.append(t)
            if len(m.columns) <= PRINT_LIMIT:
                shows.append(
                    functools.partial(
                        _print_matrix,
                        f"documents × codes ({value}), coder {who}",
                        [docnames[d] for d in m.rows],
                        [names[c] for c in m.columns],
                        m.values,
                    )
                )
            else:
                shows.append(
                    functools.partial(
                        click.echo, f"{len(m.rows)} documents × {len(m.columns)} codes ({value}), coder {who}"
                    )
                )
    stem = export_stem(
        "documents_codes",
        value,
        None if choice.per_coder else _coder_label(sel, choice, None),
        with_attributes=with_attributes,
        depth=depth,
        code=list(codes),
        kind=kind,
        where=list(where),
    )
    _write_then_show(ctx, destination(ctx, output, fmt, stem), tables, shows, bom)


@matrix_group.command("crosstab")
@click.option(
    "--attribute",
    required=True,
    metavar="ATTR",
    help="Document attribute for the columns (e.g. site, role; also kind, language).",
    shell_complete=completion.attributes,
)
@click.option(
    "--value",
    type=click.Choice(("documents", "codings", "characters")),
    default="documents",
    show_default=True,
    help="documents: documents with the code; codings: number of codings; characters: coded characters.",
)
@_coder_options
@_selection_options
@_output_options
@pass_ctx
def matrix_crosstab(ctx: Ctx, attribute, value, coders, pool, depth, kind, where, codes, fmt, bom, output) -> None:
    """Codes × values of a document attribute (NVivo's matrix coding query).

    \b
    qualcode matrix crosstab --attribute site --value documents --coder anna
    """
    from qualcode.analysis import data as pdx
    from qualcode.analysis.matrices import code_attribute_crosstab
    from qualcode.interchange.exporters import crosstab_table

    destination(ctx, output, fmt, "check")  # an unusable -o is refused before any work

    p, sel, choice = _open(ctx, kind, where, codes, coders, pool)
    with p:
        groups = pdx.attribute_groups(p, sel.documents, attribute)
        attr_name = pdx.resolve_attribute(p, attribute)
        doc_value = {d["id"]: v for v, docs in groups.items() for d in docs}
        chosen = pdx.chosen_codings(sel, choice)
        code_ids = pdx.ordered_codes(sel, chosen, depth)
        runs = (
            [(sel.coders[i], [i]) for i in choice.coder_ids] if choice.per_coder else [(None, list(choice.coder_ids))]
        )
        names = sel.code_names()
        tables, shows = [], []  # printing waits until the files are written
        for coder_name, ids in runs:
            try:
                x = code_attribute_crosstab(
                    sel.codings,
                    doc_value,
                    value,
                    codes=code_ids,
                    coders=ids,
                    pool=choice.pool,
                    parents=sel.parents(),
                    depth=depth,
                )
            except ValueError as e:
                raise QualcodeError(str(e)) from None
            t = crosstab_table(x, names, attr_name)
            who = coder_name or _coder_label(sel, choice, None).replace("_", ", ")
            t.description += f", {'pooled ' if choice.pool else ''}coder {who}"
            if coder_name:
                t.name += "_" + slug(coder_name)
            tables.append(t)
            cols = [f"{c} (n={n})" for c, n in zip(x.columns, x.attribute_totals)]
            shows.append(
                functools.partial(
                    _print_matrix,
                    f"codes × {attr_name} ({value}), coder {who}",
                    [names[c] for c in x.rows],
                    cols,
                    x.values,
                )
            )
    stem = export_stem(
        f"codes_by_{slug(attr_name)}",
        value,
        None if choice.per_coder else _coder_label(sel, choice, None),
        depth=depth,
        code=list(codes),
        kind=kind,
        where=list(where),
    )
    _write_then_show(ctx, destination(ctx, output, fmt, stem), tables, shows, bom)


# ----------------------------------------------------------------------------- exports


@main.group("export")
def export_group() -> None:
    """Export tables for R, SPSS, Stata and pandas: tidy codings, documents, the codebook."""


@export_group.command("tidy")
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME",
    help="Only this coder's codings (repeatable; default: all, in a coder column).",
)
@_selection_options
@click.option("--no-children", is_flag=True, help="Only the codes given with --code, not their child codes.")
@_output_options
@pass_ctx
def export_tidy(ctx: Ctx, coders, kind, where, codes, no_children, fmt, bom, output) -> None:
    """One row per coding: GUID, document, attributes, code path and levels, coder, span, text, memo.

    \b
    qualcode export tidy --format dta
    qualcode export tidy --where site=Sundholm -o sundholm.csv --bom
    """
    from qualcode.interchange.exporters.tidy import tidy_table
    from qualcode.interchange.exporters.view_exports import tidy_stem

    destination(ctx, output, fmt, "check")  # an unusable -o is refused before any work
    with ctx.open() as p:
        t = tidy_table(p, kind=kind, where=where, codes=codes, coders=coders, children=not no_children)
    note(ctx, f"{len(t.rows)} coding(s), {len(t.columns)} columns")
    stem = tidy_stem(coders, codes, kind, where, not no_children)
    write(ctx, destination(ctx, output, fmt, stem), [t], bom=bom)


@export_group.command("documents")
@click.option("--kind", help="Only documents of this kind (interview, fieldnote, other).")
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="ATTR=VALUE",
    help="Only documents whose attribute matches (as for cooccurrence). Repeatable.",
)
@_output_options
@pass_ctx
def export_documents(ctx: Ctx, kind, where, fmt, bom, output) -> None:
    """One row per document: kind, language, words, every attribute (typed) and codings per coder.

    \b
    qualcode export documents --format sav
    qualcode export documents -o - | Rscript -e 'str(read.csv(file("stdin")))'
    """
    from qualcode.interchange.exporters.tidy import documents_table

    destination(ctx, output, fmt, "check")  # an unusable -o is refused before any work
    with ctx.open() as p:
        t = documents_table(p, kind=kind, where=where)
    note(ctx, f"{len(t.rows)} document(s), {len(t.columns)} columns")
    stem = export_stem("documents", kind=kind, where=list(where))
    write(ctx, destination(ctx, output, fmt, stem), [t], bom=bom)


@export_group.command("codebook-table")
@_output_options
@pass_ctx
def export_codebook_table(ctx: Ctx, fmt, bom, output) -> None:
    """The codebook as a table: path, levels, definitions, variable name, codings per coder."""
    from qualcode.interchange.exporters.tidy import codebook_table

    destination(ctx, output, fmt, "check")  # an unusable -o is refused before any work
    with ctx.open() as p:
        t = codebook_table(p)
    note(ctx, f"{len(t.rows)} code(s)")
    write(ctx, destination(ctx, output, fmt, "codebook"), [t], bom=bom)


# ----------------------------------------------------------------------------- reports


@main.group("report")
def report_group() -> None:
    """Reports to paste into a paper: quotes per code."""


@report_group.command("quotes")
@click.option(
    "--code",
    "codes",
    multiple=True,
    metavar="PATH",
    help="Code to report (repeatable; default: every code with segments).",
)
@click.option("--children", is_flag=True, help="Also each child code, as its own section.")
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME",
    help="Only this coder's segments (repeatable; default: all coders, named).",
)
@click.option("--kind", help="Only documents of this kind.")
@click.option(
    "--where", multiple=True, metavar="ATTR=VALUE", help="Only documents whose attribute matches (as for cooccurrence)."
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="ATTR",
    help="Attributes shown with each quote (repeatable; default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("md", "html", "docx")),
    default=None,
    help="Markdown, HTML or Word (default: from the -o suffix, else md).",
)
@click.option("--title", default=None, help="Report title (default: Quotes: CODE).")
@click.option("--no-coders", is_flag=True, help="Leave the coders' names out of the citations.")
@click.option("--offsets", is_flag=True, help="Cite character offsets too (code points, half-open).")
@click.option(
    "--memos",
    type=click.Choice(["none", "inline", "endnotes"]),
    default="inline",
    show_default=True,
    help="Memos on the coded passages: left out, under each quote, or gathered at the end.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (default: exports/quotes_<code>.<format>).",
)
@pass_ctx
def report_quotes(
    ctx: Ctx, codes, children, coders, kind, where, attributes, fmt, title, no_coders, offsets, memos, output
) -> None:
    """Coded passages per code with document and attributes, as Markdown, HTML or DOCX.

    \b
    qualcode report quotes --code Barriers --children --format docx
    qualcode report quotes --code "Help declined" --children --where site=Nordvest -o q.md
    """
    from qualcode.interchange.exporters.quotes import QuoteStyle, collect_quotes, write_quotes

    if output is not None and str(output) != "-":
        dest = destination(ctx, output, fmt, "quotes", formats=("md", "html", "docx"))  # refused before any work
        fmt = dest.fmt if output.suffix else fmt
    elif output is not None:
        raise QualcodeError("a quote report is a document; write it to a file with -o FILE.md|.html|.docx")
    from qualcode.codebook.codes import get_code

    with ctx.open() as p:
        sections = collect_quotes(
            p, codes, children=children, coders=coders, kind=kind, where=where, attributes=attributes or None
        )
        label = ", ".join(get_code(p, c).path for c in codes) if codes else "all codes"  # as the codebook spells it
    fmt = fmt or "md"
    if output is not None and not output.suffix:
        output = output.with_suffix(f".{fmt}")
    title = title or f"Quotes: {label}"
    if output is None:
        from qualcode.interchange.exporters.view_exports import quotes_stem

        stem = quotes_stem(codes, children, coders, kind, where)
        output = ctx.project_path.resolve().parent / "exports" / f"{stem}.{fmt}"
    output.parent.mkdir(parents=True, exist_ok=True)
    style = QuoteStyle(coders=not no_coders, offsets=offsets, memos=memos)
    write_quotes(sections, output, fmt, title, like=ctx.project_path, style=style)
    n = sum(len(s.quotes) for s in sections)
    note(ctx, f"{n} quote(s) in {len(sections)} section(s)")
    note(ctx, f"wrote {output}")
