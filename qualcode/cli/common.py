"""Shared CLI plumbing: the context object, option decorators, output helpers, error handling.

User errors (``QualcodeError``) become one line on stderr and exit 1; click's usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from qualcode.errors import QualcodeError, describe_unexpected


class Ctx:
    """What the root options said: the project, the coder, read-only, supervisor, the command line.

    A plain class, not a dataclass: ``dataclasses`` would cost ``qualcode --help`` 6 ms.
    """

    def __init__(
        self,
        project_path: Path,
        coder: str,
        readonly: bool = False,
        supervisor: bool = False,
        command: str = "",
        quiet: bool = False,
    ) -> None:
        self.project_path, self.coder, self.readonly = project_path, coder, readonly
        self.supervisor, self.command, self.quiet = supervisor, command, quiet

    def open(self, create: bool = False, group: int | None = None):
        """Open the project as the command line asked (read-only, supervisor); say how it was opened."""
        from qualcode.project import Project

        p = Project.open(
            self.project_path, coder=self.coder, create=create, readonly=True if self.readonly else None, group=group
        )
        try:
            if p.notice:
                click.echo(f"note: {p.notice}", err=True)
            elif p.readonly and not self.readonly:
                click.echo(f"note: {p.path.name} is open read-only ({p.readonly_reason})", err=True)
            if self.supervisor:
                p.as_supervisor(self.command)
        except BaseException:
            p.close()
            raise
        return p


pass_ctx = click.make_pass_decorator(Ctx)


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(fn)


def print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


HOISTED = ("--supervisor", "--read-only")  # root options a user may also type after the command


class QualcodeGroup(click.Group):
    """A group that turns user errors into one clear line and exit status 1.

    Storage failures (a damaged file, a full disk) get their own line; any other exception is a
    bug, reported in one line without its message or locals (which could quote a transcript) —
    ``QUALCODE_DEBUG=1`` shows the traceback.
    """

    def parse_args(self, ctx, args):
        if "--" in args:
            head, tail = args[: args.index("--")], args[args.index("--") :]
        else:
            head, tail = list(args), []
        hoisted = [a for a in head if a in HOISTED]
        rest = [a for a in head if a not in HOISTED]
        ctx.meta["qualcode.command"] = " ".join(["qualcode", *rest, *tail])[:300]  # for the log
        return super().parse_args(ctx, hoisted + rest + tail)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QualcodeError as e:
            fail(str(e))
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing half-written was kept.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (``qualcode codings | head``): stop quietly, as a tool killed by
            # SIGPIPE would; the output still buffered must not raise again when Python flushes it.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except click.UsageError as e:  # a wrong option or value: one line and exit 1, like any bad input
            where = e.ctx.command_path if e.ctx is not None else "qualcode"
            fail(f"{e.format_message()} (see '{where} --help')")
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BaseException as e:
            if isinstance(e, SystemExit):
                raise
            fail(describe_unexpected(e, ctx.obj.project_path if isinstance(ctx.obj, Ctx) else None))

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", click.Group)
        return super().group(*args, **kwargs)

    # -- commands load only when used (``lazy_commands``: name -> (module of qualcode.cli, summary))
    lazy_commands: dict[str, tuple[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            import importlib

            importlib.import_module(f"qualcode.cli.{self.lazy_commands[cmd_name][0]}")  # registers its commands
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the summaries, without importing a single command module."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.lazy_commands:
                # click's own shortening, applied to the summary (a bare Command costs nothing)
                summary = click.Command(name, help=self.lazy_commands[name][1]).get_short_help_str(limit)
            else:
                summary = self.commands[name].get_short_help_str(limit)
            rows.append((name, summary))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def fail(line: str) -> None:
    click.echo(f"Error: {line}", err=True)
    sys.exit(1)


def plain_table(headers: tuple[str, ...], rows: list[tuple[str, ...]], max_width: int = 60) -> str:
    """Rows as aligned plain text: what a listing of hundreds of rows prints (a rich table of 500 rows
    takes a third of a second to lay out). Cells are flattened to one line and cut at ``max_width``."""

    def cell(value: object) -> str:
        text = " ".join(str(value).split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [tuple(cell(v) for v in row) for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"
