"""Project and document commands: init, import, attributes, docs, show."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, json_option, pass_ctx, print_json
from qualcode.errors import QualcodeError


@main.command()
@click.option("--force", is_flag=True, help="Do nothing if the project exists (no error).")
@click.option("--group", metavar="NAME", help="A team project: readable and writable by this group (mode 0660).")
@click.option("--shared", is_flag=True, help="A team project for the folder's group (mode 0660).")
@pass_ctx
def init(ctx: Ctx, force: bool, group: str | None, shared: bool) -> None:
    """Create an empty project file, private to you (0600) unless --group or --shared.

    Exports, backups and the pseudonym mapping follow the project's mode: never more open than it.
    """
    from qualcode.files import folder_advice, team_group

    if ctx.project_path.exists():
        if not force:
            raise QualcodeError(f"{ctx.project_path}: a project already exists here")
        click.echo(f"{ctx.project_path} exists; nothing to do")
        return
    gid = team_group(ctx.project_path, group, shared) if (group or shared) else None
    with ctx.open(create=True, group=gid) as p:
        click.echo(
            f"Created {p.path} (coder: {p.coder}; "
            f"{'private to you, mode 0600' if gid is None else 'team project, mode 0660'})"
        )
    if gid is not None:
        for line in folder_advice(ctx.project_path, gid):
            click.echo(f"note: {line}", err=True)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["interview", "fieldnote", "other"]),
    default="interview",
    show_default=True,
    help="Kind for every file (a 'kind' column in --attributes overrides it per file).",
)
@click.option(
    "--language",
    default="auto",
    show_default=True,
    help="spaCy language code (da, en, …); 'auto' picks Danish or English per file.",
)
@click.option(
    "--attributes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with one row per document: document,site,role,… (types are inferred).",
)
@click.option(
    "--speaker-pattern", help="Regex with a (?P<speaker>…) group marking turns, e.g. '^(?P<speaker>[A-Z]+):\\s*'."
)
@click.option("--encoding", help="Decode text files with this encoding (default: UTF-8 or UTF-16 with BOM).")
@click.option("--keep-going", is_flag=True, help="Import the good files even if some fail, then list the failures.")
@click.option(
    "--pseudonymise", is_flag=True, help="Replace the names on the project's pseudonym list before the text is stored."
)
@pass_ctx
def import_(ctx: Ctx, paths, kind, language, attributes, speaker_pattern, encoding, keep_going, pseudonymise) -> None:
    """Import transcripts and field notes (files or folders: txt md docx odt pdf vtt srt).

    All or nothing: if any file fails, nothing is imported (unless --keep-going).
    Text already in the project is skipped with a message.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from qualcode.corpus.ingest import import_files

    with (
        ctx.open(create=True) as project,
        Progress(
            TextColumn("{task.description:<40}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console(),
            transient=True,
            disable=not console().is_terminal,
        ) as bar,
    ):
        task = bar.add_task("importing", total=1)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what[:40])

        transform = None
        if pseudonymise:
            from qualcode.revision.pseudonyms import import_transform, pseudonyms

            if not pseudonyms(project):
                raise QualcodeError(
                    "the pseudonym list is empty; add names with 'qualcode pseudonyms add ORIGINAL PSEUDONYM'"
                )
            transform = import_transform(project)
        report = import_files(
            project,
            paths,
            kind=kind,
            language=language,
            attributes=attributes,
            speaker_pattern=speaker_pattern,
            encoding=encoding,
            keep_going=keep_going,
            progress=progress,
            transform=transform,
        )
    for name in report.imported:
        click.echo(f"imported  {name}")
    for name, why in report.skipped:
        click.echo(f"skipped   {name}: {why}")
    for _name, why in report.failed:
        click.echo(f"FAILED    {why}", err=True)
    if report.attributes and report.attributes["unknown"]:
        click.echo(f"attributes: no document for {', '.join(report.attributes['unknown'])}", err=True)
    click.echo(f"{len(report.imported)} imported, {len(report.skipped)} skipped, {len(report.failed)} failed")
    if report.failed:
        raise SystemExit(1)


@main.group("attributes", invoke_without_command=True)
@json_option
@click.pass_context
def attributes_group(cctx: click.Context, as_json: bool) -> None:
    """Document attributes (site, role, gender …): list, set, add, or import a CSV."""
    from rich.table import Table

    from qualcode.corpus.attributes import attribute_types, document_attributes
    from qualcode.corpus.documents import list_documents

    if cctx.invoked_subcommand:
        return
    with cctx.obj.open() as p:
        docs = {d["id"]: d["name"] for d in list_documents(p)}
        attrs = document_attributes(p)
        types = attribute_types(p)
    if as_json:
        print_json({"types": types, "documents": {docs[k]: v for k, v in attrs.items()}})
        return
    t = Table("document", *[f"{n} ({ty})" for n, ty in types.items()])
    for doc_id, name in docs.items():
        t.add_row(name, *["" if attrs.get(doc_id, {}).get(n) is None else str(attrs[doc_id][n]) for n in types])
    console().print(t)


@attributes_group.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--keep-going", is_flag=True, help="Skip rows naming no document of the project (and list them).")
@pass_ctx
def attributes_import(ctx: Ctx, csv_file: Path, keep_going: bool) -> None:
    """Set attributes from a CSV: first column (or 'document') names the document.

    All or nothing: a row for a document the project does not have, or two rows for one document,
    stop the import with the line (--keep-going skips unknown documents and lists them).
    """
    from qualcode.corpus.attributes import import_attributes_csv

    with ctx.open() as p:
        r = import_attributes_csv(p, csv_file, keep_going=keep_going)
    click.echo(
        f"attributes set on {r['documents']} document(s): " + ", ".join(f"{k} ({v})" for k, v in r["types"].items())
    )
    if r["unknown"]:
        click.echo(f"no document named: {', '.join(r['unknown'])}", err=True)


@attributes_group.command("set")
@click.argument("document")
@click.argument("attribute")
@click.argument("value")
@pass_ctx
def attributes_set(ctx: Ctx, document: str, attribute: str, value: str) -> None:
    """Set DOCUMENT's value of ATTRIBUTE (or its kind) to VALUE; an empty VALUE removes it.

    The value is checked against the attribute's type (integer, float, date, boolean, text) first,
    so a bad one writes nothing. One undoable event, as an edit in the workbench's case sheet.
    """
    from qualcode.corpus.attributes import set_attribute

    with ctx.open() as p:
        changed = set_attribute(p, document, attribute, value)
    what = (f"set to {value!r}" if value else "removed") if changed else "unchanged (it already was that)"
    click.echo(f"{attribute} of {document}: {what}")


@attributes_group.command("add")
@click.argument("name")
@click.option(
    "--type",
    "typ",
    type=click.Choice(["text", "integer", "float", "date", "boolean"]),
    default="text",
    show_default=True,
)
@pass_ctx
def attributes_add(ctx: Ctx, name: str, typ: str) -> None:
    """Add an attribute with no values yet (one undoable event)."""
    from qualcode.corpus.attributes import add_attribute

    with ctx.open() as p:
        added = add_attribute(p, name, typ)
    click.echo(f"added attribute {added} ({typ})")


@main.command()
@click.option("--kind", type=click.Choice(["interview", "fieldnote", "other"]))
@json_option
@pass_ctx
def docs(ctx: Ctx, kind: str | None, as_json: bool) -> None:
    """List documents with kind, language, size, attributes and codings."""
    from rich.table import Table

    from qualcode.corpus.attributes import document_attributes
    from qualcode.corpus.documents import list_documents

    with ctx.open() as p:
        rows = list_documents(p, kind)
        attrs = document_attributes(p)
    for r in rows:
        r["attributes"] = attrs.get(r["id"], {})
    if as_json:
        print_json(rows)
        return
    names = list(dict.fromkeys(k for r in rows for k in r["attributes"]))
    t = Table(box=None, header_style="bold", pad_edge=False)
    fixed = {"kind": 9, "lang": 4, "words": 5, "codings": 7}
    t.add_column("name", no_wrap=True, overflow="ellipsis", min_width=12)
    for col, width in fixed.items():
        t.add_column(col, no_wrap=True, min_width=width, justify="right" if col in ("words", "codings") else "left")
    for col in names:
        t.add_column(col, no_wrap=True, overflow="ellipsis")
    for r in rows:
        t.add_row(
            r["name"],
            r["kind"],
            r["language"],
            str(r["word_count"]),
            str(r["codings"]),
            *["" if r["attributes"].get(n) is None else str(r["attributes"][n]) for n in names],
        )
    console().print(t)
    click.echo(f"{len(rows)} document(s)")


@main.command()
@click.argument("document")
@click.option(
    "--units",
    type=click.Choice(["sentence", "paragraph", "turn"]),
    help="List the document's units with their offsets instead of the text.",
)
@json_option
@pass_ctx
def show(ctx: Ctx, document: str, units: str | None, as_json: bool) -> None:
    """Print a document's text, or its units with code-point offsets (for scripting codings)."""
    from qualcode.corpus.documents import document_units, get_document

    with ctx.open() as p:
        doc = get_document(p, document)
        if units:
            rows = document_units(p, doc["id"], units)
            for r in rows:
                r["text"] = doc["text"][r["start"] : r["end"]]
            if as_json:
                print_json(rows)
            else:
                for r in rows:
                    who = f"{r['speaker']}: " if r["speaker"] else ""
                    click.echo(f"{r['seq']:>4} [{r['start']},{r['end']}) {who}{r['text'][:100]}")
        elif as_json:
            print_json({k: doc[k] for k in ("guid", "name", "kind", "language", "text")})
        else:
            click.echo(doc["text"])


@main.command()
@click.argument("document")
@click.option("--with-codings", is_flag=True, help="Also remove the document's codings (their count is stated).")
@pass_ctx
def remove(ctx: Ctx, document: str, with_codings: bool) -> None:
    """Remove a document (its units, attributes, versions, memos); 'qualcode undo' brings it back.

    Assist models trained on its text are deleted too (their vocabulary holds its words); undo does
    not bring those back.
    """
    from qualcode.corpus.documents import get_document, learnt_from_texts, remove_document

    with ctx.open() as p:
        name = get_document(p, document)["name"]
        models = learnt_from_texts(p, [name], "trained on it")
        n = remove_document(p, document, with_codings=with_codings)
    click.echo(f"removed {name}" + (f" and its {n} coding(s)" if n else ""))
    for line in models:
        click.echo(line)
