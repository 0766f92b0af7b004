"""REFI-QDA exchange commands: ``qualcode qdpx export|import`` and ``qualcode qdc export|import``.

Files are read and checked completely before the project is opened, so a hostile or broken file
(zip slip, decompression bomb, XML entities) is refused in one line and the project is not touched.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, json_option, pass_ctx, print_json
from qualcode.text.wording import plural


def _default_output(ctx: Ctx, suffix: str) -> Path:
    """exports/<project name><suffix> beside the project file, like the other exports."""
    return ctx.project_path.resolve().parent / "exports" / f"{ctx.project_path.stem}{suffix}"


def _prepare(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    return output


def _show(report, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "file": report.file,
                "imported": report.counts,
                "skipped": [dataclasses.asdict(s) for s in report.skipped],
                "notes": report.warnings,
            }
        )
    else:
        for line in report.lines():
            click.echo(line)


@main.group()
def qdpx() -> None:
    """Exchange whole projects with NVivo, MAXQDA, ATLAS.ti, QualCoder (REFI-QDA .qdpx)."""


@qdpx.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: exports/<project>.qdpx beside the project).",
)
@click.option("--coders", default=None, help="Only these coders' codings and memos, comma-separated (default: all).")
@pass_ctx
def qdpx_export(ctx: Ctx, output: Path | None, coders: str | None) -> None:
    """Write the project as .qdpx: documents, codebook, coders, codings, attributes, memos."""
    from qualcode.interchange.qdpx_export import export_qdpx
    from qualcode.interchange.refi_mapping import CODEBOOK_TITLE_NOTE

    with ctx.open() as p:
        target = _prepare(output or _default_output(ctx, ".qdpx"))
        model = export_qdpx(p, target, coders=coders.split(",") if coders is not None else None)
    memos = sum(1 for n in model.notes if n.name != CODEBOOK_TITLE_NOTE)
    coding_coders = len({c.coder_guid for c in model.codings})
    click.echo(
        f"wrote {target}: {plural(len(model.sources), 'document')}, {plural(len(model.all_codes()), 'code')}, "
        f"{plural(len(model.codings), 'coding')} by {coding_coders} coder(s), {plural(memos, 'memo')}"
    )


@qdpx.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    default="interview",
    show_default=True,
    help="Kind for documents whose file does not say (interview, fieldnote, other).",
)
@click.option(
    "--allow-external-files",
    is_flag=True,
    help="Read texts the file points to outside the archive (relative:// and absolute:// paths).",
)
@json_option
@pass_ctx
def qdpx_import(ctx: Ctx, file: Path, kind: str, allow_external_files: bool, as_json: bool) -> None:
    """Merge a .qdpx into the project by GUID, all or nothing; prints what came in and what not."""
    from qualcode.files import file_sha256
    from qualcode.interchange import refi
    from qualcode.interchange.qdpx_import import import_model

    model, report = refi.read_qdpx(file, allow_external_files=allow_external_files)
    with ctx.open(create=True) as p:
        import_model(p, model, report, kind=kind, source_sha=file_sha256(file), archive=file.name)
    _show(report, as_json)


@main.group()
def qdc() -> None:
    """Exchange the codebook with other QDA tools (REFI-QDA .qdc)."""


@qdc.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: exports/<project>.qdc beside the project).",
)
@pass_ctx
def qdc_export(ctx: Ctx, output: Path | None) -> None:
    """Write the codebook as .qdc (inclusion/exclusion/example follow each description)."""
    from qualcode.interchange.qdpx_export import export_qdc

    with ctx.open() as p:
        target = _prepare(output or _default_output(ctx, ".qdc"))
        codes = export_qdc(p, target)
    click.echo(f"wrote {target}: {plural(sum(1 for root in codes for _ in root.walk()), 'code')}")


@qdc.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@pass_ctx
def qdc_import(ctx: Ctx, file: Path, as_json: bool) -> None:
    """Merge a .qdc codebook (by GUID, then path): new codes are added, matched ones updated."""
    from qualcode.interchange import refi
    from qualcode.interchange.qdpx_import import import_codes

    codes, report = refi.read_qdc(file)
    with ctx.open(create=True) as p:
        import_codes(p, codes, report, file.name)
    _show(report, as_json)
