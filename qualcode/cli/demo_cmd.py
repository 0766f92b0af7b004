"""``qualcode demo``: build the bundled demo study and open the workbench on it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx
from qualcode.text.wording import plural


@main.command()
@click.option("--no-open", is_flag=True, help="Build the project but do not open the workbench.")
@click.pass_context
def demo(cctx: click.Context, no_open: bool) -> None:
    """Build the demo study (12 documents, codebook, two coders) into demo.db and open it.

    Uses --project if given (default: ./demo.db). Rebuilt from the bundled demo study each time.
    """
    from qualcode.codebook.codes import list_codes
    from qualcode.coding.codings import count_codings
    from qualcode.corpus.documents import list_documents
    from qualcode.demo import build_demo

    explicit = cctx.find_root().params.get("project")
    path = Path(explicit) if explicit else Path("demo.db")
    project = build_demo(path)
    n_docs = len(list_documents(project))
    n_codes = len(list_codes(project))
    n_codings = count_codings(project)
    coders = ", ".join(c["name"] for c in project.coders() if c["name"] != "demo")
    project.close()
    click.echo(
        f"Built {path}: {plural(n_docs, 'document')}, {plural(n_codes, 'code')}, "
        f"{plural(n_codings, 'coding')} by {coders}"
    )
    if no_open or not sys.stdout.isatty():
        click.echo(f"Open it with: qualcode --project {path} --coder anna")
        return
    from qualcode.cli.tui_launcher import launch

    launch(Ctx(path, cctx.find_root().params.get("coder") or "anna"))
