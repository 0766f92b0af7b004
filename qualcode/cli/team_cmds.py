"""Working as a team on one project file: blind coding, backups, and checking the file."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, json_option, pass_ctx, print_json


@main.command()
@click.argument("state", type=click.Choice(["on", "off", "status"]), default="status")
@pass_ctx
def blind(ctx: Ctx, state: str) -> None:
    """Blind coding: while on, each coder sees only their own codings (logged when changed).

    \b
    qualcode blind on        before coders start, so nobody sees another's work
    qualcode blind off       when it is time to compare (or: qualcode --supervisor agreement …)
    """
    with ctx.open() as p:
        if state == "status":
            click.echo(f"blind coding is {'on' if p.blind else 'off'}")
            return
        changed = p.set_blind(state == "on")
    click.echo(f"blind coding is {state}" + ("" if changed else " (it already was)"))


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Backup file (default: backups/<project>-<date>-<time>.db beside the project).",
)
@pass_ctx
def backup(ctx: Ctx, output: Path | None) -> None:
    """A consistent copy of the project, taken while others keep working (SQLite's online backup).

    The copy has the project's permissions and is checked with SQLite's integrity check. Take one
    before a merge, a revision or pseudonymisation; restore by copying it over the project while
    nobody has it open.
    """
    with ctx.open() as p:
        target = p.backup(output)
    click.echo(f"backed up {ctx.project_path} to {target}")


@main.command()
@click.option("--expect-head", metavar="HASH", help="Also check that this recorded head hash is still in the history.")
@json_option
@pass_ctx
def verify(ctx: Ctx, expect_head: str | None, as_json: bool) -> None:
    """Check the project: SQLite's integrity, references, the append-only history and its hash chain.

    Prints each check; exits 1 naming the first that fails. Keep the printed head hash somewhere
    else (a lab notebook) and pass it later with --expect-head to show no event was removed since.
    """
    with ctx.open() as p:
        result = p.verify(expect_head)
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "events": result.events,
                "head": result.head,
                "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in result.checks],
            }
        )
    else:
        for c in result.checks:
            click.echo(f"{'ok  ' if c.ok else 'FAIL'}  {c.name}: {c.detail}")
        if result.first_failure is None:
            click.echo(f"head  {result.head or '(empty history)'}")
    failure = result.first_failure
    if failure is not None:
        raise click.exceptions.Exit(1) if as_json else _failed(ctx, failure)


def _failed(ctx: Ctx, failure) -> Exception:
    from qualcode.errors import QualcodeError

    return QualcodeError(f"{ctx.project_path}: {failure.name} failed — {failure.detail}")
