"""Where an export goes and what it is called: one place for every table-writing command.

Why: analysts' scripts pipe, re-run and compare exports. So a file's name states every option that
changes its content (a different command never overwrites another's file, the same command writes
the same file), ``-o -`` writes the table to standard output (CSV, or JSON with ``--format json``)
while messages go to standard error, ``--quiet`` silences the messages, an unknown or conflicting
suffix is refused before anything is computed, and every file lands beside the project unless
``-o`` says otherwise. Each export also records how it was made (``provenance``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcode.errors import QualcodeError
from qualcode.interchange.exporters.naming import MAX_STEM, export_stem, provenance_line, slug

if TYPE_CHECKING:
    from qualcode.cli.common import Ctx
    from qualcode.interchange.exporters.tables import Table

# export_stem, slug and MAX_STEM live in interchange (the workbench names its exports the same way)
__all__ = ["MAX_STEM", "STDOUT_FORMATS", "TABLE_FORMATS", "Destination", "destination", "export_stem", "note"]
__all__ += ["provenance", "slug", "write"]

TABLE_FORMATS = ("csv", "xlsx", "json", "sav", "dta")
STDOUT_FORMATS = ("csv", "json")


def note(ctx: Ctx, message: str) -> None:
    """A message for the person at the terminal: standard error, unless --quiet."""
    if not getattr(ctx, "quiet", False):
        click.echo(message, err=True)


class Destination:
    """Where tables go: a folder and a stem, or standard output."""

    def __init__(self, folder: Path | None, stem: str, fmt: str) -> None:
        self.folder, self.stem, self.fmt = folder, stem, fmt

    @property
    def stdout(self) -> bool:
        return self.folder is None


def destination(
    ctx: Ctx, output: Path | None, fmt: str | None, stem: str, formats: Sequence[str] = TABLE_FORMATS
) -> Destination:
    """From ``-o``/``--format`` and the default stem; refuses what it cannot honour, before any work."""
    if output is not None and str(output) == "-":
        fmt = fmt or "csv"
        if fmt not in STDOUT_FORMATS:
            raise QualcodeError(f"-o - writes {' or '.join(STDOUT_FORMATS)} to standard output, not {fmt}")
        return Destination(None, stem, fmt)
    if output is not None and (output.is_dir() or str(output).endswith(("/", "\\"))):
        return Destination(output, stem, fmt or "csv")
    if output is None:
        return Destination(ctx.project_path.resolve().parent / "exports", stem, fmt or "csv")
    suffix = output.suffix.lstrip(".").lower()
    if not suffix:
        return Destination(output.parent, output.name, fmt or "csv")
    if suffix not in formats:
        raise QualcodeError(
            f"{output.name}: '.{suffix}' is not a format this command writes; use "
            + ", ".join(f".{f}" for f in formats)
        )
    if fmt is not None and fmt != suffix:
        raise QualcodeError(f"{output.name} says .{suffix} but --format says {fmt}; give one or make them agree")
    return Destination(output.parent, output.stem, suffix)


def write(
    ctx: Ctx,
    dest: Destination,
    tables: list[Table],
    *,
    bom: bool = False,
    parts: Sequence[str] | None = None,
) -> list[Path]:
    stata_version = click.get_current_context().meta.get("qualcode.stata_version", 15)
    """Write the tables (with provenance) and say so on standard error; to standard output for
    ``-o -``. xlsx/json: one file; csv/sav/dta: one per table plus ``<stem>_dictionary.csv``."""
    stamp = provenance(ctx)
    for t in tables:
        t.provenance = stamp
    if dest.stdout:
        _to_stdout(dest, tables)
        return []
    from qualcode.interchange.exporters import write_named

    assert dest.folder is not None  # not stdout
    try:
        paths = write_named(
            tables,
            dest.folder,
            dest.stem,
            dest.fmt,
            bom=bom,
            parts=parts,
            like=ctx.project_path,
            stata_version=stata_version,
        )
    except RuntimeError as e:
        raise QualcodeError(str(e)) from None
    for p in paths:
        note(ctx, f"wrote {p}")
    return paths


def _to_stdout(dest: Destination, tables: list[Table]) -> None:
    if dest.fmt == "json":
        import json

        from qualcode.interchange.exporters.json_export import tables_to_json

        sys.stdout.write(json.dumps(tables_to_json(tables), ensure_ascii=False, indent=1, default=str) + "\n")
        return
    if len(tables) != 1:
        raise QualcodeError(
            f"-o - writes one CSV table and this makes {len(tables)} (one per coder or value); "
            "use --format json, --pool, or -o FOLDER/"
        )
    from qualcode.interchange.exporters.csv_export import csv_text

    sys.stdout.write(csv_text(tables[0], line_terminator="\n"))


def provenance(ctx: Ctx) -> str:
    """``qualcode … (project demo.db, 2026-11-30T18:30:00Z, qualcode 0.1.0)``: the exact command
    (its filters included), the project and the time, as every export records them."""
    return provenance_line(ctx.command, ctx.project_path)
