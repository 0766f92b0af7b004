"""Revising documents: new versions of a text, going back to one, and the codings to check after."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, json_option, pass_ctx, print_json


def _print_placements(report, show_same: bool = False) -> None:
    from rich.markup import escape
    from rich.table import Table

    t = Table("status", "code", "coder", "old", "new", "text now", box=None)
    for pl in report.placements:
        if pl.status == "same" and not show_same:
            continue
        t.add_row(
            pl.status,
            pl.code,
            pl.coder,
            f"{pl.old_start}-{pl.old_end}",
            f"{pl.new_start}-{pl.new_end}",
            escape(pl.new_text.replace("\n", " ")[:50]),
        )
    if t.row_count:
        console().print(t)
    counts = ", ".join(f"{n} {s}" for s, n in report.counts().items())
    click.echo(f"{report.document} → version {report.version}: codings {counts}")


@main.command()
@click.argument("document")
@click.argument("text_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from-version", type=int, help="Go back to the text of this earlier version instead of a file.")
@click.option("--note", help="Why the text changed (kept with the version).")
@click.option("--apply", "do_apply", is_flag=True, help="Write the new version (default: preview the re-anchoring).")
@click.option("--encoding", help="Encoding of TEXT_FILE if not UTF-8.")
@pass_ctx
def revise(ctx: Ctx, document, text_file, from_version, note, do_apply, encoding) -> None:
    """Replace DOCUMENT's text with a corrected version and re-anchor every coding.

    Codings that cannot be placed with confidence are kept and listed (see `qualcode review`).
    """
    from qualcode.corpus.importers import read_file
    from qualcode.revision.revise import revise_document, version_text

    if bool(text_file) == bool(from_version):
        raise click.UsageError("give TEXT_FILE or --from-version N")
    with ctx.open() as p:
        new = version_text(p, document, from_version) if from_version else read_file(text_file, encoding).text
        report = revise_document(
            p, document, new, note=note or (f"back to version {from_version}" if from_version else None), apply=do_apply
        )
    _print_placements(report)
    if not do_apply:
        for line in report.removed:
            click.echo(f"--apply {line.replace('removed', 'removes', 1)}")
        click.echo("preview only; run again with --apply to write the new version")
    else:
        for line in report.removed:
            click.echo(line)
    if do_apply and report.review:
        click.echo(f"{len(report.review)} coding(s) need a look: qualcode review {report.document}")


@main.command()
@click.argument("document")
@click.option("--show", "show_version", type=int, help="Print the text of this version.")
@json_option
@pass_ctx
def versions(ctx: Ctx, document, show_version, as_json) -> None:
    """List a document's versions (or print one with --show N)."""
    from qualcode.revision.revise import version_text
    from qualcode.revision.revise import versions as list_versions

    with ctx.open() as p:
        if show_version:
            click.echo(version_text(p, document, show_version), nl=False)
            return
        rows = list_versions(p, document)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        mark = "*" if r["current"] else " "
        click.echo(
            f"{mark} v{r['version']:<3} {r['created_at'] or '':<26} {r['created_by'] or '':<12} "
            f"{r['char_count']:>8} chars  {r['note'] or ''}"
        )


@main.command()
@click.argument("document", required=False)
@click.option("--resolve", "resolve_ids", type=int, multiple=True, help="Mark this review item checked (repeatable).")
@json_option
@pass_ctx
def review(ctx: Ctx, document, resolve_ids, as_json) -> None:
    """Codings a revision could not place with confidence: where they were and where they are now."""
    from qualcode.revision.revise import resolve_reviews, review_list

    with ctx.open() as p:
        if resolve_ids:
            click.echo(f"{resolve_reviews(p, list(resolve_ids))} item(s) resolved")
            return
        rows = review_list(p, document)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        click.echo(
            f"#{r['id']} {r['document']} v{r['version']} {r['code']} ({r['coder']}): was "
            f"{r['old_start']}-{r['old_end']} {r['old_text'][:40]!r} → now {r['start']}-{r['end']} "
            f"{(r['text'] or '')[:40]!r}"
        )
    click.echo(f"{len(rows)} coding(s) to check")
