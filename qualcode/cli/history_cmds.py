"""Undo, redo and the event log (the supervisor's audit trail)."""

from __future__ import annotations

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, json_option, pass_ctx, print_json


@main.command()
@pass_ctx
def undo(ctx: Ctx) -> None:
    """Undo your latest change (works across sessions: the history is in the project file)."""
    with ctx.open() as p:
        ev = p.undo()
    click.echo(f"undone: {ev['summary']}" if ev else "nothing to undo")
    for line in ev["removed"] if ev else ():
        click.echo(line)


@main.command()
@pass_ctx
def redo(ctx: Ctx) -> None:
    """Redo the change you last undid."""
    with ctx.open() as p:
        ev = p.redo()
    click.echo(f"redone: {ev['summary']}" if ev else "nothing to redo")
    for line in ev["removed"] if ev else ():
        click.echo(line)


@main.command()
@click.option("--limit", "-n", default=30, show_default=True)
@click.option("--by", "coder", help="Only this coder's events.")
@json_option
@pass_ctx
def log(ctx: Ctx, limit: int, coder: str | None, as_json: bool) -> None:
    """Show the event log: who changed what, when."""
    from rich.table import Table

    with ctx.open() as p:
        rows = p.events(limit, coder)
    if as_json:
        print_json(rows)
        return
    t = Table("#", "when", "coder", "action", "what")
    for r in rows:
        t.add_row(str(r["id"]), r["at"], r["coder"] or "", r["action"], (r["summary"] or "")[:70])
    console().print(t)
