"""The ``qualcode`` command line: thin over ``qualcode.project``. Bare ``qualcode`` opens the TUI."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode import __version__
from qualcode.cli.common import Ctx, QualcodeGroup
from qualcode.defaults import default_coder, default_project_path


def _complete_coders(ctx, param, incomplete):
    """Coders for ``-c`` (loaded only when the shell asks: ``--help`` stays light)."""
    from qualcode.cli.completion import coders

    return coders(ctx, param, incomplete)


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
@click.option(
    "--coder",
    "-c",
    default=None,
    help="Who is coding (default: $QUALCODE_CODER or your login name).",
    shell_complete=_complete_coders,
)
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
@click.option("--quiet", "-q", is_flag=True, help="No messages on standard error, only errors (and the data).")
@click.version_option(__version__, prog_name="qualcode")
@click.pass_context
def main(
    ctx: click.Context, project: Path | None, coder: str | None, readonly: bool, supervisor: bool, quiet: bool
) -> None:
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
        quiet,
    )
    if ctx.invoked_subcommand is None:
        from qualcode.cli.tui_launcher import launch

        launch(ctx.obj)


# Each command: the module that defines it, and its one-line summary for ``qualcode --help``. A
# command's module is imported only when the command runs, so ``qualcode docs`` never loads the
# analysis commands and ``--help`` loads none (tests/unit/test_cli_index.py keeps the summaries
# equal to the commands' own help).
COMMANDS: dict[str, tuple[str, str]] = {
    # agreement_cmds
    "adjudicate": (
        "agreement_cmds",
        "Resolve disagreements into the consensus coder (each decision is one undoable event).",
    ),
    "agreement": (
        "agreement_cmds",
        "Inter-coder agreement per code: % agreement, κ, AC1, PABAK, α, warnings; export with --format.",
    ),
    "merge": ("agreement_cmds", "Merge another project file (a coder's copy) into this one, by GUID."),
    # assist_cmds
    "assist": (
        "assist_cmds",
        "The offline coding assistant: learns from a coder's codings, reports how good it is, suggests.",
    ),
    "explore": ("assist_cmds", "Explore the corpus for inductive coding: topics of what is not coded yet."),
    # document_cmds
    "attributes": ("document_cmds", "Document attributes (site, role, gender …): list, set, add, or import a CSV."),
    "docs": ("document_cmds", "List documents with kind, language, size, attributes and codings."),
    "import": ("document_cmds", "Import transcripts and field notes (files or folders: txt md docx odt pdf vtt srt)."),
    "init": ("document_cmds", "Create an empty project file, private to you (0600) unless --group or --shared."),
    "remove": (
        "document_cmds",
        "Remove a document (its units, attributes, versions, memos); 'qualcode undo' brings it back.",
    ),
    "show": ("document_cmds", "Print a document's text, or its units with code-point offsets (for scripting codings)."),
    # search_cmds
    "autocode": (
        "search_cmds",
        "Apply CODE_PATH to every hit of QUERY, extended to its sentence/turn/paragraph, as coder auto:QUERY.",
    ),
    "search": ("search_cmds", "Find QUERY in the corpus; print keyword-in-context lines with document and offsets."),
    "search-index": (
        "search_cmds",
        "Complete the word index search uses (import already builds it) and fill in every lemma.",
    ),
    "words": ("search_cmds", "Word frequencies and keywords of a code's segments against the rest of the corpus."),
    # team_cmds
    "backup": (
        "team_cmds",
        "A consistent copy of the project, taken while others keep working (SQLite's online backup).",
    ),
    "blind": ("team_cmds", "Blind coding: while on, each coder sees only their own codings (logged when changed)."),
    "verify": (
        "team_cmds",
        "Check the project: SQLite's integrity, references, the append-only history and its hash chain.",
    ),
    # coding_cmds
    "code": ("coding_cmds", "Apply CODE_PATH to DOCUMENT[START:END) (code-point offsets, half-open) as --coder."),
    "coders": ("coding_cmds", "List coders with their numbers of codings."),
    "codings": ("coding_cmds", "List codings (filter by document, code, coder), or import/export/remove them."),
    "memo": ("coding_cmds", "Write (or with no TEXT, show) your memo on the project, a document, a code or a coding."),
    # codebook_cmds
    "codebook": (
        "codebook_cmds",
        "The hierarchical codebook: show, import/export YAML, add, rename, move, merge, delete.",
    ),
    "codes": (
        "codebook_cmds",
        "List the codebook as a tree with hotkeys and coding counts ('qualcode codes' is the same).",
    ),
    # analysis_cmds
    "cooccurrence": ("analysis_cmds", "Code × code co-occurrence in a named unit, printed and written to exports/."),
    "plot": ("plot_cmds", "Figures for papers: co-occurrence heatmap, code frequencies, agreement forest plot."),
    "export": ("analysis_cmds", "Export tables for R, SPSS, Stata and pandas: tidy codings, documents, the codebook."),
    "matrix": ("analysis_cmds", "Document × code matrices and code × attribute crosstabs (matrix coding queries)."),
    "report": ("analysis_cmds", "Reports to paste into a paper: quotes per code."),
    # demo_cmd
    "demo": ("demo_cmd", "Build the demo study (12 documents, codebook, two coders) into demo.db and open it."),
    # history_cmds
    "log": ("history_cmds", "Show the event log: who changed what, when."),
    "redo": ("history_cmds", "Redo the change you last undid."),
    "undo": ("history_cmds", "Undo your latest change (works across sessions: the history is in the project file)."),
    # privacy_cmds
    "pseudonyms": ("privacy_cmds", "Names and places and their pseudonyms: suggest, add, preview, apply, scan."),
    "share": (
        "privacy_cmds",
        "Write a copy of the project to hand on: today's texts, codebook, codings, memos, attributes and coders"
        " — no old versions, no history before today, no search index, no pseudonym list.",
    ),
    # refi_cmds
    "qdc": ("refi_cmds", "Exchange the codebook with other QDA tools (REFI-QDA .qdc)."),
    "qdpx": ("refi_cmds", "Exchange whole projects with NVivo, MAXQDA, ATLAS.ti, QualCoder (REFI-QDA .qdpx)."),
    # revision_cmds
    "review": (
        "revision_cmds",
        "Codings a revision could not place with confidence: where they were and where they are now.",
    ),
    "revise": ("revision_cmds", "Replace DOCUMENT's text with a corrected version and re-anchor every coding."),
    "versions": ("revision_cmds", "List a document's versions (or print one with --show N)."),
}
main.lazy_commands = COMMANDS
