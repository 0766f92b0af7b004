"""Open the Textual workbench; imported lazily so the CLI starts without loading Textual."""

from __future__ import annotations

import sys

import click

from qualcode.cli.common import Ctx
from qualcode.errors import QualcodeError


def launch(ctx: Ctx) -> None:
    if not ctx.project_path.exists():
        raise QualcodeError(
            f"{ctx.project_path}: no project here; run 'qualcode init' or 'qualcode demo', or pass --project PATH"
        )
    if not sys.stdout.isatty():
        raise QualcodeError("the workbench needs a terminal; use a subcommand (see 'qualcode --help')")
    try:
        from qualcode.tui.app import run
    except ModuleNotFoundError:
        click.echo("The workbench is not available in this build; see 'qualcode --help' for commands.", err=True)
        sys.exit(1)
    code = run(ctx.project_path, ctx.coder, readonly=ctx.readonly, supervisor=ctx.supervisor)
    if code:
        sys.exit(code)
