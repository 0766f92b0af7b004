"""The ``qualcode`` command line: thin over ``qualcode.project``. Bare ``qualcode`` opens the TUI."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode import __version__
from qualcode.cli.common import Ctx, QualcodeGroup
from qualcode.defaults import default_coder, default_project_path


@click.group(
    cls=QualcodeGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--project",
    "-p",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Project file (default: $QUALCODE_PROJECT or ./qualcode.db).",
)
@click.option("--coder", "-c", default=None, help="Who is coding (default: $QUALCODE_CODER or your login name).")
@click.option(
    "--read-only",
    "readonly",
    is_flag=True,
    help="Open the project read-only (automatic when you may not write it); may follow the command.",
)
@click.option(
    "--supervisor",
    is_flag=True,
    help="See every coder's codings while blind coding is on (logged); may follow the command.",
)
@click.version_option(__version__, prog_name="qualcode")
@click.pass_context
def main(ctx: click.Context, project: Path | None, coder: str | None, readonly: bool, supervisor: bool) -> None:
    """qualcode — qualitative data analysis in the terminal.

    Run without a command to open the coding workbench (TUI) on the project.
    Every command takes --project and --coder; listing commands take --json.
    """
    from qualcode.text.names import check_name

    ctx.obj = Ctx(
        project or default_project_path(),
        check_name(coder or default_coder(), "coder name"),
        readonly,
        supervisor,
        ctx.meta.get("qualcode.command", "qualcode"),
    )
    if ctx.invoked_subcommand is None:
        from qualcode.cli.tui_launcher import launch

        launch(ctx.obj)


# Which module defines each command. A command's module is imported only when the command is
# run (or --help lists them all): ``qualcode docs`` never loads the analysis commands' code.
COMMANDS = {
    **dict.fromkeys(("init", "import", "attributes", "docs", "show", "remove"), "document_cmds"),
    **dict.fromkeys(("codebook", "codes"), "codebook_cmds"),
    **dict.fromkeys(("code", "codings", "memo", "coders"), "coding_cmds"),
    **dict.fromkeys(("undo", "redo", "log"), "history_cmds"),
    **dict.fromkeys(("blind", "backup", "verify"), "team_cmds"),
    **dict.fromkeys(("pseudonyms", "share"), "privacy_cmds"),
    **dict.fromkeys(("cooccurrence", "matrix", "export", "report"), "analysis_cmds"),
    **dict.fromkeys(("agreement", "adjudicate", "merge"), "agreement_cmds"),
    **dict.fromkeys(("qdpx", "qdc"), "refi_cmds"),
    **dict.fromkeys(("search", "search-index", "autocode", "words"), "search_cmds"),
    **dict.fromkeys(("revise", "versions", "review"), "revision_cmds"),
    "demo": "demo_cmd",
}
main.lazy_commands = COMMANDS
