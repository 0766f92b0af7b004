"""Codebook commands: show the tree, import/export YAML, and tree operations."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, json_option, pass_ctx, print_json


def _code_rows(p, coder: str | None = None) -> list[dict]:
    from qualcode.codebook.codes import code_counts, get_code, list_codes

    counts = code_counts(p, coder)
    return [
        {
            "id": c.id,
            "guid": c.guid,
            "path": c.path,
            "name": c.name,
            "depth": c.depth,
            "parent_guid": get_code(p, c.parent_id).guid if c.parent_id else None,
            "codable": c.codable,
            "hotkey": c.hotkey,
            "colour": c.colour,
            "description": c.description,
            "inclusion": c.inclusion,
            "exclusion": c.exclusion,
            "example": c.example,
            "codings": counts.get(c.id, 0),
        }
        for c in list_codes(p)
    ]


def _print_tree(rows: list[dict]) -> None:
    from rich.tree import Tree

    root = Tree("codebook")
    nodes: dict[str, Tree] = {}
    for r in rows:
        parent = nodes.get(r["parent_guid"], root)
        key = f" [bold]\\[{r['hotkey']}][/]" if r["hotkey"] else ""
        swatch = f"[{r['colour']}]■[/] " if r["colour"] else ""
        label = (
            f"{swatch}{r['name']}{key}  [dim]{r['codings']}[/]"
            if r["codable"]
            else f"{swatch}[b]{r['name']}[/]  [dim]{r['codings'] or ''}[/]"
        )
        nodes[r["guid"]] = parent.add(label)
    console().print(root)


@main.group()
def codebook() -> None:
    """The hierarchical codebook: show, import/export YAML, add, rename, move, merge, delete."""


@codebook.command("show")
@click.option("--by", "coder", help="Count only this coder's codings.")
@json_option
@pass_ctx
def codebook_show(ctx: Ctx, coder: str | None, as_json: bool) -> None:
    """List the codebook as a tree with hotkeys and coding counts ('qualcode codes' is the same)."""
    with ctx.open() as p:
        rows = _code_rows(p, coder)
    print_json(rows) if as_json else _print_tree(rows)


main.add_command(codebook_show, name="codes")


@codebook.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-write-guids", is_flag=True, help="Do not write new GUIDs back into the YAML file.")
@pass_ctx
def codebook_import(ctx: Ctx, file: Path, no_write_guids: bool) -> None:
    """Merge a YAML codebook into the project (by GUID, then by path).

    Codes without a GUID get one, written back into the file so it keeps its identity.
    """
    from qualcode.codebook import tree, yaml_format

    book = yaml_format.load(file)
    added_guids = yaml_format.ensure_guids(book)
    with ctx.open(create=True) as p:
        report = tree.import_codebook(p, book)
    if added_guids and not no_write_guids:
        yaml_format.save(book, file)
        click.echo(f"wrote GUIDs into {file}")
    click.echo(f"{len(report.added)} added, {len(report.changed)} changed, {len(report.unchanged)} unchanged")
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for path in report.changed:
        click.echo(f"changed  {path}")


@codebook.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@pass_ctx
def codebook_export(ctx: Ctx, file: Path | None) -> None:
    """Write the codebook as YAML (to FILE, or to standard output)."""
    from qualcode.codebook import tree, yaml_format

    with ctx.open() as p:
        text = yaml_format.dumps(tree.export_codebook(p))
    if file:
        from qualcode.files import write_text_atomic

        write_text_atomic(file, text, like=ctx.project_path)
        click.echo(f"wrote {file}")
    else:
        click.echo(text, nl=False)


def _fields(description, inclusion, exclusion, example, colour, hotkey) -> dict:
    raw = {
        "description": description,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "example": example,
        "colour": colour,
        "hotkey": hotkey,
    }
    return {k: v for k, v in raw.items() if v is not None}


def _field_options(fn):
    for name in ("hotkey", "colour", "example", "exclusion", "inclusion", "description"):
        fn = click.option(f"--{name}", help=f"The code's {name}.")(fn)
    return fn


@codebook.command("add")
@click.argument("path")
@click.option("--grouping", is_flag=True, help="A container that cannot be applied itself.")
@_field_options
@pass_ctx
def codebook_add(ctx: Ctx, path: str, grouping: bool, **fields) -> None:
    """Add a code by path, e.g. 'Barriers/Language'; the parent must exist."""
    from qualcode.codebook import tree

    parent, _, name = path.strip("/").rpartition("/")
    with ctx.open(create=True) as p:
        c = tree.add_code(p, name, parent or None, codable=not grouping, **_fields(**fields))
    click.echo(f"added {c.path}")


@codebook.command("edit")
@click.argument("code")
@click.option("--name", help="New name (rename).")
@_field_options
@pass_ctx
def codebook_edit(ctx: Ctx, code: str, name: str | None, **fields) -> None:
    """Change a code's name, definition, criteria, example, colour or hotkey."""
    from qualcode.codebook import tree

    changes = _fields(**fields)
    if name:
        changes["name"] = name
    if not changes:
        raise click.UsageError("say what to change, e.g. --description '…'")
    with ctx.open() as p:
        c = tree.update_code(p, code, **changes)
    click.echo(f"edited {c.path}")


@codebook.command("rename")
@click.argument("code")
@click.argument("new_name")
@pass_ctx
def codebook_rename(ctx: Ctx, code: str, new_name: str) -> None:
    """Rename a code (its codings and GUID stay)."""
    from qualcode.codebook import tree

    with ctx.open() as p:
        c = tree.update_code(p, code, name=new_name)
    click.echo(f"renamed to {c.path}")


@codebook.command("move")
@click.argument("code")
@click.argument("new_parent", required=False)
@pass_ctx
def codebook_move(ctx: Ctx, code: str, new_parent: str | None) -> None:
    """Move a code under NEW_PARENT (or to the top level if omitted)."""
    from qualcode.codebook import tree

    with ctx.open() as p:
        c = tree.move_code(p, code, new_parent)
    click.echo(f"moved to {c.path}")


@codebook.command("merge")
@click.argument("source")
@click.argument("target")
@pass_ctx
def codebook_merge(ctx: Ctx, source: str, target: str) -> None:
    """Merge SOURCE into TARGET: codings and children move, exact duplicates collapse."""
    from qualcode.codebook import tree

    with ctx.open() as p:
        r = tree.merge_codes(p, source, target)
    click.echo(
        f"merged: {r.moved} coding(s) moved, {r.collapsed} duplicate(s) collapsed, {r.children} child code(s) moved"
    )


@codebook.command("delete")
@click.argument("code")
@click.option("--move-to-parent", "mode", flag_value="parent", help="Move its codings to the parent code.")
@click.option("--delete-codings", "mode", flag_value="delete", help="Delete its codings too.")
@pass_ctx
def codebook_delete(ctx: Ctx, code: str, mode: str | None) -> None:
    """Delete a code; refused while it holds codings unless you say where they go."""
    from qualcode.codebook import tree
    from qualcode.codebook.codes import get_code

    with ctx.open() as p:
        path = get_code(p, code).path
        n = tree.delete_code(p, code, mode or "refuse")
    click.echo(
        f"deleted {path}" + (f"; {n} coding(s) {'moved to the parent' if mode == 'parent' else 'deleted'}" if n else "")
    )
