"""Headless coding: code a span, list/import/export codings, memos, coders."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import completion, main
from qualcode.cli.common import Ctx, json_option, pass_ctx, plain_table, print_json


@main.command()
@click.argument("document", shell_complete=completion.documents)
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("code_path", shell_complete=completion.codes)
@click.option("--memo", help="A memo on this coding.")
@pass_ctx
def code(ctx: Ctx, document: str, start: int, end: int, code_path: str, memo: str | None) -> None:
    """Apply CODE_PATH to DOCUMENT[START:END) (code-point offsets, half-open) as --coder."""
    from qualcode.codebook.codes import get_code
    from qualcode.coding.codings import add_coding

    with ctx.open() as p:
        row = add_coding(p, document, start, end, code_path, memo=memo)
        click.echo(f"{row['guid']}  {get_code(p, code_path).path}  [{start},{end}) by {p.coder}: {row['text'][:70]!r}")


@main.group(invoke_without_command=True)
@click.option("--document", "-d", help="Only this document.")
@click.option("--code", "code_", help="Only this code (path).", shell_complete=completion.codes)
@click.option("--children", is_flag=True, help="With --code: include its child codes.")
@click.option("--by", "coder", help="Only this coder's codings.")
@json_option
@click.pass_context
def codings(cctx: click.Context, document, code_, children, coder, as_json) -> None:
    """List codings (filter by document, code, coder), or import/export/remove them."""
    from qualcode.coding.codings import list_codings

    if cctx.invoked_subcommand:
        return
    with cctx.obj.open() as p:
        rows = list_codings(p, document=document, code=code_, coder=coder, include_children=children)
    if as_json:
        print_json(
            [{k: r[k] for k in ("guid", "document", "start", "end", "code", "coder", "memo", "text")} for r in rows]
        )
        return
    click.echo(
        plain_table(
            ("document", "span", "code", "coder", "text"),
            [(r["document"], f"{r['start']}-{r['end']}", r["code"], r["coder"], r["text"]) for r in rows],
            max_width=60,
        ),
        nl=False,
    )
    click.echo(f"{len(rows)} coding(s)")


@codings.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--keep-going", is_flag=True, help="Import the good rows and list the bad ones (by line).")
@click.pass_context
def codings_import(cctx: click.Context, csv_file: Path, keep_going: bool) -> None:
    """Import codings from CSV: document,start,end,code,coder[,memo][,text]. All or nothing.

    A file without a coder column needs --coder (before the command) to say whose codings they are;
    an empty coder cell is an error.
    """
    from qualcode.coding.csv_io import import_codings_csv

    ctx: Ctx = cctx.obj
    coder_given = cctx.find_root().params.get("coder")
    with ctx.open() as p:
        r = import_codings_csv(p, csv_file, default_coder=coder_given, keep_going=keep_going)
    click.echo(f"{r['added']} coding(s) added, {r['skipped']} already present")
    for line, reason in r["failed"]:
        click.echo(f"skipped line {line}: {reason}", err=True)


@codings.command("export")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default: standard output)."
)
@click.option("--by", "coder", help="Only this coder's codings.")
@pass_ctx
def codings_export(ctx: Ctx, output: Path | None, coder: str | None) -> None:
    """Export codings as CSV that 'codings import' reads back."""
    from qualcode.coding.csv_io import codings_csv

    with ctx.open() as p:
        text = codings_csv(p, coder=coder)
    if output:
        from qualcode.files import write_text_atomic

        write_text_atomic(output, text, like=ctx.project_path)
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@codings.command("remove")
@click.argument("guid")
@pass_ctx
def codings_remove(ctx: Ctx, guid: str) -> None:
    """Remove a coding by its GUID (undo brings it back)."""
    from qualcode.coding.codings import remove_coding

    with ctx.open() as p:
        remove_coding(p, guid)
    click.echo(f"removed {guid.upper()}")


@main.command()
@click.argument("target", type=click.Choice(["project", "document", "code", "coding"]))
@click.argument("ref", required=False)
@click.argument("text", required=False)
@pass_ctx
def memo(ctx: Ctx, target: str, ref: str | None, text: str | None) -> None:
    """Write (or with no TEXT, show) your memo on the project, a document, a code or a coding.

    \b
    qualcode memo document da_int01_vesterbro_bruger "Trust builds slowly here"
    qualcode memo code Barriers/Stigma "Split into public and professional stigma?"
    qualcode memo project "" "Decision log: …"
    """
    from qualcode.codebook.codes import get_code
    from qualcode.coding.codings import get_coding
    from qualcode.coding.memos import list_memos, set_memo
    from qualcode.corpus.documents import get_document

    if target != "project" and not ref:
        raise click.UsageError(f"say which {target}: qualcode memo {target} REF [TEXT]")
    with ctx.open() as p:
        guid = None
        if ref is None:
            pass
        elif target == "document":
            guid = get_document(p, ref)["guid"]
        elif target == "code":
            guid = get_code(p, ref).guid
        elif target == "coding":
            guid = get_coding(p, ref)["guid"]
        if text is None:
            for m in list_memos(p, target, guid):
                click.echo(f"[{m['coder']} {m['updated_at']}] {m['text']}")
            return
        set_memo(p, target, guid, text)
    click.echo("memo saved" if text.strip() else "memo deleted")


@main.command()
@json_option
@pass_ctx
def coders(ctx: Ctx, as_json: bool) -> None:
    """List coders with their numbers of codings."""
    with ctx.open() as p:
        rows = p.coder_summary()
    if as_json:
        print_json(rows)
    else:
        for r in rows:
            click.echo(f"{r['name']:<20} {r['codings']:>6} coding(s)")
