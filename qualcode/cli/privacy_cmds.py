"""Sensitive data: the pseudonym list, suggestions, applying it everywhere, the leak scan, and a
copy of the project that can be handed on."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, json_option, pass_ctx, print_json
from qualcode.errors import QualcodeError

THRESHOLD = click.option(
    "--threshold",
    "-t",
    type=click.FloatRange(1, 100),
    default=85.0,
    show_default=True,
    help="Least rapidfuzz similarity for a spelling variant (names of four letters or more).",
)


@main.group("pseudonyms", invoke_without_command=True)
@click.pass_context
def pseudonyms_group(cctx: click.Context) -> None:
    """Names and places and their pseudonyms: suggest, add, preview, apply, scan. Never exported."""
    if cctx.invoked_subcommand:
        return
    from qualcode.revision.pseudonyms import pseudonyms

    with cctx.obj.open() as p:
        rows = pseudonyms(p)
    for r in rows:
        click.echo(f"{r.kind:<6} {r.original} → {r.pseudonym}")
    click.echo(f"{len(rows)} pseudonym(s)")


@pseudonyms_group.command("add")
@click.argument("original")
@click.argument("pseudonym")
@click.option("--kind", type=click.Choice(["name", "place"]), default="name", show_default=True)
@pass_ctx
def pseudonyms_add(ctx: Ctx, original, pseudonym, kind) -> None:
    """Replace ORIGINAL (its parts, and their variants) by PSEUDONYM.

    "Mette Hansen" → "Sanne Holm" also replaces "Mette" by "Sanne" and "Hansen" by "Holm".
    """
    from qualcode.revision.pseudonyms import add_pseudonym

    with ctx.open() as p:
        add_pseudonym(p, original, pseudonym, kind)
    click.echo(f"{kind} added")


@pseudonyms_group.command("remove")
@click.argument("original")
@pass_ctx
def pseudonyms_remove(ctx: Ctx, original) -> None:
    """Take ORIGINAL off the list (texts already pseudonymised stay as they are)."""
    from qualcode.revision.pseudonyms import remove_pseudonym

    with ctx.open() as p:
        remove_pseudonym(p, original)
    click.echo("removed")


@pseudonyms_group.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def pseudonyms_import(ctx: Ctx, csv_file) -> None:
    """Read original,pseudonym[,kind] rows (all or nothing)."""
    from qualcode.revision.pseudonyms import import_mapping_csv

    with ctx.open() as p:
        click.echo(f"{import_mapping_csv(p, csv_file)} pseudonym(s) added")


@pseudonyms_group.command("export-mapping")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the mapping (it identifies people: keep it on the secure server).",
)
@pass_ctx
def pseudonyms_export(ctx: Ctx, output) -> None:
    """Write the mapping to a CSV file (mode 0600) — the only way it leaves the project."""
    from qualcode.files import write_text_atomic
    from qualcode.revision.pseudonyms import mapping_csv

    with ctx.open() as p:
        write_text_atomic(output, mapping_csv(p))  # always 0600, even in a team project
    click.echo(f"mapping written to {output}")


@pseudonyms_group.command("suggest")
@click.option("--limit", "-n", default=40, show_default=True, help="At most this many candidates.")
@click.option("--min-count", default=1, show_default=True, help="Only candidates seen at least this often.")
@json_option
@pass_ctx
def pseudonyms_suggest(ctx: Ctx, limit: int, min_count: int, as_json: bool) -> None:
    """Names and places not yet on the list: speaker labels, capitalised words the language does not
    have, recurring capitalised sequences — with counts and a line of context."""
    from rich.markup import escape
    from rich.table import Table

    from qualcode.revision.pseudonyms.suggest import suggest

    with ctx.open() as p:
        rows = suggest(p, limit, min_count)
    if as_json:
        print_json(
            [
                {
                    "candidate": s.text,
                    "kind": s.kind,
                    "count": s.count,
                    "documents": len(s.documents),
                    "example": s.example,
                    "where": s.where,
                }
                for s in rows
            ]
        )
        return
    t = Table("candidate", "kind", "count", "docs", "in context", title="Candidates for the pseudonym list")
    for s in rows:
        t.add_row(escape(s.text), s.kind, str(s.count), str(len(s.documents)), escape(s.example))
    console().print(t)
    click.echo(f"{len(rows)} candidate(s); add them with 'qualcode pseudonyms add ORIGINAL PSEUDONYM'")


@pseudonyms_group.command("preview")
@click.argument("documents", nargs=-1)
@THRESHOLD
@pass_ctx
def pseudonyms_preview(ctx: Ctx, documents, threshold) -> None:
    """Show every variant that would be replaced in DOCUMENTS (default: all), and where."""
    from collections import Counter

    from qualcode.corpus.documents import get_document
    from qualcode.revision.pseudonyms import preview

    with ctx.open() as p:
        found = preview(p, list(documents) or None, threshold)
        texts = {name: get_document(p, name)["text"] for name in found}
    variants: Counter = Counter()
    n = 0
    for name, matches in found.items():
        text = texts[name]
        for m in matches:
            line = text.count("\n", 0, m.start) + 1
            col = m.start - (text.rfind("\n", 0, m.start) + 1) + 1
            click.echo(
                f"{name} line {line}, col {col} ({m.start}-{m.end}) {m.found!r} → {m.replacement!r} "
                f"({m.how}" + (f" {m.score:.0f}" if m.how == "fuzzy" else "") + f"; {m.original})"
            )
            variants[(m.found, m.replacement)] += 1
            n += 1
    if variants:
        click.echo("variants: " + ", ".join(f"{f} → {r} ×{k}" for (f, r), k in variants.most_common()))
    click.echo(f"{n} replacement(s) in {len(found)} document(s); apply with 'qualcode pseudonyms apply'")


@pseudonyms_group.command("apply")
@click.argument("documents", nargs=-1)
@THRESHOLD
@click.option("--keep-original", is_flag=True, help="Keep the texts with the real names as readable old versions.")
@pass_ctx
def pseudonyms_apply(ctx: Ctx, documents, threshold, keep_original) -> None:
    """Replace the names everywhere at once: documents (a new version each; codings follow the
    words), memos, code definitions, text attributes. One transaction: all or nothing.

    Stored assist models trained on a text it changes are deleted in that transaction (their
    vocabulary holds the names); 'qualcode assist train' trains a new one.
    """
    from qualcode.cli.revision_cmds import _print_placements
    from qualcode.revision.pseudonyms import apply_pseudonyms

    with ctx.open() as p:
        report = apply_pseudonyms(p, list(documents) or None, threshold, keep_original)
    for r in report.documents:
        _print_placements(r)
    for c in report.conflicts:
        click.echo(f"note: {c}", err=True)
    click.echo(
        f"{len(report.documents)} document(s) pseudonymised ({report.replacements} replacement(s)), "
        f"{report.other_texts} other text(s), {report.versions_blanked} older version(s)"
    )
    for line in report.removed:  # a model's vocabulary holds the names: gone with the old texts
        click.echo(line)
    if not report.log_emptied:
        click.echo(
            "note: others have the project open, so SQLite's write-ahead log still holds the old pages "
            "until they close it; run 'qualcode pseudonyms scan' then",
            err=True,
        )


@pseudonyms_group.command("scan")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-project", is_flag=True, help="Scan only the FILES, not the project file.")
@THRESHOLD
@json_option
@pass_ctx
def pseudonyms_scan(ctx: Ctx, files, no_project: bool, threshold, as_json: bool) -> None:
    """Look for every name on the list (and its variants) in the project file's raw pages — every
    table, old versions, the history, free pages — and in export FILES (csv, xlsx, sav, dta, json,
    docx, html, md, qdpx, qdc; folders too). Exit status 1 if anything is found."""
    from rich.markup import escape
    from rich.table import Table

    from qualcode.revision.pseudonyms.scan import NameWords, ScanReport, scan_files, scan_project

    report = ScanReport()
    with ctx.open() as p:
        names = NameWords(p, threshold)
        if not no_project:
            report = scan_project(p, names)
        if files:
            more = scan_files(files, names)
            report.hits += more.hits
            report.scanned += more.scanned
            report.notes += more.notes
    if as_json:
        print_json(
            {
                "clean": report.clean,
                "scanned": report.scanned,
                "notes": report.notes,
                "hits": [h.__dict__ for h in report.hits],
            }
        )
    else:
        if report.hits:
            t = Table("where", "found", "entry", "times", "context", title="Names still present")
            for h in report.hits:
                t.add_row(escape(h.place), escape(h.found), escape(h.original), str(h.count), escape(h.context))
            console().print(t)
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(
            f"scanned {', '.join(report.scanned) or 'nothing'}: "
            + (
                f"{sum(h.count for h in report.hits)} occurrence(s) in {len(report.hits)} place(s)"
                if report.hits
                else "no name on the list found"
            )
        )
    if report.hits:
        raise click.exceptions.Exit(1)


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The new project file to write (it must not exist).",
)
@click.option("--no-scan", is_flag=True, help="Keep the copy even if the leak scan would find names.")
@pass_ctx
def share(ctx: Ctx, output: Path, no_scan: bool) -> None:
    """Write a copy of the project to hand on: today's texts, codebook, codings, memos, attributes
    and coders — no old versions, no history before today, no search index, no pseudonym list.

    The copy is private (0600) and checked with 'pseudonyms scan'; if a name on the list is still
    in it, nothing is written. Pseudonymise first with 'qualcode pseudonyms apply'.
    """
    from qualcode.interchange.share import share as make_share

    if output.absolute() == ctx.project_path.absolute():
        raise QualcodeError("the shared copy cannot replace the project; choose another name with -o")
    with ctx.open() as p:
        report = make_share(p, output, scan=not no_scan)
    counts = report.counts
    click.echo(
        f"wrote {output}: {counts['documents']} document(s), {counts['codes']} code(s), "
        f"{counts['codings']} coding(s), {counts['memos']} memo(s), {counts['coders']} coder(s)"
    )
    if report.scan is not None:
        click.echo(f"leak scan of the copy: {'clean' if report.scan.clean else 'names found'}")
    elif not no_scan:
        click.echo("note: the pseudonym list is empty, so the copy was not scanned for names", err=True)
