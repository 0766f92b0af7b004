"""Shared CLI plumbing: the context object, option decorators, output helpers, error handling.

User errors (``QualcodeError``) become one line on stderr and exit 1; click's usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from qualcode.errors import QualcodeError


@dataclass
class Ctx:
    project_path: Path
    coder: str

    def open(self, create: bool = False):
        from qualcode.project import Project

        return Project.open(self.project_path, coder=self.coder, create=create)


pass_ctx = click.make_pass_decorator(Ctx)


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(fn)


def print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class QualcodeGroup(click.Group):
    """A group that turns user errors into one clear line and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QualcodeError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing half-written was kept.", err=True)
            sys.exit(130)

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", click.Group)
        return super().group(*args, **kwargs)
