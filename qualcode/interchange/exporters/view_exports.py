"""Exports of what the workbench shows — retrieval, the co-occurrence heatmap, agreement — written by
the same functions, under the same names and with the same provenance as the command line.

Each view knows the command that writes its table (``export tidy`` / ``report quotes`` for a
retrieval, ``cooccurrence`` / ``plot cooccurrence`` for the heatmap, ``agreement`` for the agreement
screen); :func:`export_view` runs it with the view's filters and returns the files and the command
it stands for. The command line calls the pieces here too (the stems, the co-occurrence tables, the
networks, the heatmap figure), so the two never name or fill a file differently.

Files land in ``exports/`` beside the project, private like the project (``files.set_mode_like``),
and all or nothing: everything is first written into a hidden folder there and moved into place
only when every file is complete (a failed export leaves no file behind).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.files import make_folder_like
from qualcode.interchange.exporters.naming import coder_label, export_stem, provenance_line, slug

if TYPE_CHECKING:
    from qualcode.analysis.cooccurrence import Cooccurrence
    from qualcode.analysis.data import CooccurrenceRun, Selection
    from qualcode.interchange.exporters.tables import Table
    from qualcode.project import Project

__all__ = [
    "VIEW_FORMATS",
    "ExportFormat",
    "ViewExport",
    "agreement_stem",
    "cooccurrence_figure",
    "cooccurrence_stem",
    "cooccurrence_tables",
    "export_folder",
    "export_view",
    "quotes_stem",
    "staged",
    "tidy_stem",
    "write_networks",
]


@dataclass(frozen=True)
class ExportFormat:
    key: str  # the CLI's --format value (suffix)
    label: str  # for people: what the file is and what reads it


_TABLES = (
    ExportFormat("csv", "CSV + dictionary + data package (R, pandas)"),
    ExportFormat("xlsx", "Excel workbook, the dictionary as a sheet"),
    ExportFormat("json", "JSON: tables, dictionary, provenance"),
    ExportFormat("sav", "SPSS .sav, labelled variables"),
    ExportFormat("dta", "Stata .dta (15+), labelled variables"),
)
VIEW_FORMATS: dict[str, tuple[ExportFormat, ...]] = {
    "retrieval": (
        *(ExportFormat(f.key, "CSV, a row per segment + dictionary" if f.key == "csv" else f.label) for f in _TABLES),
        ExportFormat("md", "Quote report, Markdown"),
        ExportFormat("html", "Quote report, HTML"),
        ExportFormat("docx", "Quote report, Word (A4)"),
    ),
    "cooccurrence": (
        *_TABLES,
        ExportFormat("graphml", "GraphML network (networkx, igraph)"),
        ExportFormat("gexf", "GEXF network (Gephi)"),
        ExportFormat("svg", "Heatmap figure, SVG"),
        ExportFormat("pdf", "Heatmap figure, PDF"),
        ExportFormat("png", "Heatmap figure, PNG"),
    ),
    "agreement": (
        *_TABLES[:3],
        ExportFormat("html", "Reliability report, HTML"),
        ExportFormat("docx", "Reliability report, Word"),
    ),
    "codings": (
        ExportFormat("codings.csv", "Codings CSV (codings import reads it)"),
        *_TABLES,
    ),
}
QUOTE_FORMATS = ("md", "html", "docx")
FIGURE_FORMATS = ("svg", "pdf", "png")
NETWORK_FORMATS = ("graphml", "gexf")
REPORT_FORMATS = ("html", "docx")


@dataclass
class ViewExport:
    """What an export from a view wrote, and the command line that writes the same."""

    paths: list[Path]
    command: str
    rows: int | None = None
    notes: list[str] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)  # files of an earlier export this one replaced


def export_folder(project_path: Path) -> Path:
    """``exports/`` beside the project (not the working folder), as every command writes."""
    return Path(project_path).resolve().parent / "exports"


# ----------------------------------------------------------------------------- all or nothing


@contextlib.contextmanager
def staged(folder: Path, like: Path | None = None) -> Iterator[tuple[Path, list[Path]]]:
    """A hidden folder inside ``folder`` to write into, and a list to fill with the files written
    there; when the block ends without an error they are moved into ``folder`` (same file system,
    so each move is a rename), otherwise nothing of them remains."""
    try:
        make_folder_like(folder, like)
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=folder))  # 0700
    except OSError as e:
        raise QualcodeError(f"cannot write in {folder}: {e.strerror or e}") from None
    written: list[Path] = []
    try:
        yield tmp, written
        moved: list[Path] = []
        try:
            for p in written:
                target = folder / p.name
                existed = target.exists()
                os.replace(p, target)
                if not existed:
                    moved.append(target)
        except OSError as e:
            for m in moved:  # the new files of a half-moved export go again
                m.unlink(missing_ok=True)
            raise QualcodeError(f"cannot write in {folder}: {e.strerror or e}") from None
        written[:] = [folder / p.name for p in written]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- names


def tidy_stem(
    coders: Sequence[str], codes: Sequence[str], kind: str | None, where: Sequence[str], children: bool
) -> str:
    """``export tidy``'s file name."""
    return export_stem(
        "codings_tidy",
        coder=list(coders),
        code=list(codes),
        no_children=not children,
        kind=kind,
        where=list(where),
    )


def quotes_stem(
    codes: Sequence[str], children: bool, coders: Sequence[str], kind: str | None, where: Sequence[str]
) -> str:
    """``report quotes``'s file name."""
    return export_stem(
        "quotes", *(list(codes) or ["all"]), children=children, coder=list(coders), kind=kind, where=list(where)
    )


def cooccurrence_stem(
    unit: str,
    measure: str,
    who: str | None,
    *,
    pairs: bool = False,
    depth: int | None = None,
    codes: Sequence[str] = (),
    kind: str | None = None,
    where: Sequence[str] = (),
    by_attribute: str | None = None,
) -> str:
    """``cooccurrence``'s file name (``who``: the coders' label, None for one file per coder)."""
    return export_stem(
        "cooccurrence",
        "pairs" if pairs else None,
        unit,
        measure,
        who,
        depth=depth,
        code=list(codes),
        kind=kind,
        where=list(where),
        by=by_attribute,
    )


def agreement_stem(
    coders: Sequence[str],
    unit_label: str,
    codes: Sequence[str] = (),
    documents: Sequence[str] = (),
    domains: Sequence[str] = (),
) -> str:
    """``agreement --format``'s file name."""
    return export_stem(
        "agreement",
        *coders,
        unit_label.replace("%", "pct"),
        code=list(codes),
        documents=list(documents),
        domain=list(domains),
    )


def _command(*words: str | None) -> str:
    return " ".join(shlex.quote(w) for w in words if w)


# ----------------------------------------------------------------------------- shared with the CLI


def cooccurrence_tables(
    runs: Sequence[CooccurrenceRun],
    sel: Selection,
    unit: str,
    measure: str,
    *,
    pairs: bool = False,
    by_attribute: str | None = None,
) -> tuple[list[Table], list[str]]:
    """The tables of a co-occurrence (one per coder and attribute value) and their file-name parts."""
    from qualcode.interchange.exporters import cooccurrence_table, pairs_table

    names, defs = sel.code_names(), sel.definitions()
    tables, parts = [], []
    for run in runs:
        r, coder_name, value = run.result, run.coder, run.value
        suffix = [] if coder_name is None else [coder_name]
        if by_attribute:
            suffix.append(f"{by_attribute}_{'missing' if value is None else value}")
        t = (
            pairs_table(r, names, measure, coder_names=sel.coders)
            if pairs
            else cooccurrence_table(r, names, measure, definitions=defs, coder_names=sel.coders)
        )
        if suffix:  # short names: they become sheet names (≤ 31 characters)
            t.name = "_".join([slug(unit), measure, *map(slug, suffix)])
            # file names: the stem already says "by_<attribute>"; add the value only
            part = [coder_name] if coder_name else []
            if by_attribute:
                part.append("missing" if value is None else value)
            parts.append("_".join(map(slug, part)))
        if by_attribute:
            t.description += f"; documents with {by_attribute} = {value}"
        tables.append(t)
    return tables, parts


def write_networks(
    folder: Path,
    stem: str,
    fmt: str,
    results: Sequence[Cooccurrence],
    names: Mapping[int, str],
    colours: Mapping[int, str | None],
    measure: str,
    descriptions: Sequence[str],
    parts: Sequence[str],
    provenance: str,
    like: Path | None,
) -> list[Path]:
    """One GraphML or GEXF file per matrix (per coder or attribute value), beside the tables' names."""
    from qualcode.interchange.exporters.network import write_gexf, write_graphml

    writer = write_graphml if fmt == "graphml" else write_gexf
    make_folder_like(folder, like)
    used: set[str] = set()
    out = []
    for k, (r, description) in enumerate(zip(results, descriptions)):
        name = stem if len(results) == 1 else f"{stem}_{slug(parts[k] if parts else str(k + 1))}"
        base, n = name, 1
        while name in used:  # values that slug alike ("<30", ">30") must not overwrite each other
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        path = folder / f"{name}.{fmt}"
        writer(r, names, colours, measure, path, description=f"{description}. {provenance}", like=like)
        out.append(path)
    return out


def cooccurrence_figure(
    r: Cooccurrence, names: Mapping[int, str], measure: str, who: str, path: Path, like: Path | None
) -> Path:
    """``plot cooccurrence``'s heatmap of one result."""
    from qualcode.interchange.exporters.figures import heatmap

    title = f"Co-occurrence ({measure}), unit {r.unit}\nN = {r.n_units:,} units, coder {who}"
    return heatmap(r.measure(measure), [names[c] for c in r.codes], path, title=title, measure=measure, like=like)


def figure_stem(
    unit: str, measure: str, who: str, depth: int | None, codes: Sequence[str], kind: str | None, where: Sequence[str]
) -> str:
    """``plot cooccurrence``'s file name."""
    return export_stem("cooccurrence", unit, measure, who, depth=depth, code=list(codes), kind=kind, where=list(where))


# ----------------------------------------------------------------------------- the views


def _tables(
    folder: Path,
    stem: str,
    fmt: str,
    tables: list[Table],
    command: str,
    like: Path,
    parts: Sequence[str] | None = None,
) -> list[Path]:
    from qualcode.interchange.exporters import write_named

    stamp = provenance_line(command, like)
    for t in tables:
        t.provenance = stamp
    try:
        return write_named(tables, folder, stem, fmt, parts=parts, like=like)
    except RuntimeError as e:
        raise QualcodeError(str(e)) from None


def _retrieval(project: Project, folder: Path, fmt: str, like: Path, o: Mapping[str, Any]) -> ViewExport:
    code, children = o["code"], bool(o.get("children", True))
    coders = [o["coder"]] if o.get("coder") else []
    where = list(o.get("where", ()))
    options = [f"--code={code}"] + [f"--coder={c}" for c in coders] + [f"--where={w}" for w in where]
    if fmt in QUOTE_FORMATS:
        from qualcode.interchange.exporters.quotes import collect_quotes, write_quotes

        stem = quotes_stem([code], children, coders, None, where)
        command = _command(
            "qualcode", "report", "quotes", *options, "--children" if children else None, f"--format={fmt}"
        )
        sections = collect_quotes(project, [code], children=children, coders=coders, where=where)
        path = write_quotes(sections, folder / f"{stem}.{fmt}", fmt, f"Quotes: {code}", like=like)
        return ViewExport([path], command, sum(len(s.quotes) for s in sections))
    from qualcode.interchange.exporters.tidy import tidy_table

    command = _command("qualcode", "export", "tidy", *options, None if children else "--no-children", f"--format={fmt}")
    t = tidy_table(project, where=where, codes=[code], coders=coders, children=children)
    stem = tidy_stem(coders, [code], None, where, children)
    return ViewExport(_tables(folder, stem, fmt, [t], command, like), command, len(t.rows))


def _cooccurrence(project: Project, folder: Path, fmt: str, like: Path, o: Mapping[str, Any]) -> ViewExport:
    from qualcode.analysis import data as pdx

    unit, measure, pool = o["unit"], o["measure"], bool(o.get("pool"))
    coders = list(o.get("coders", ()))
    sel, choice = pdx.choose(project, coders=coders, pool=pool, session_coder=o.get("session_coder"))
    if not choice.coder_ids or not len(sel.codings):
        raise QualcodeError("no codings match the filters")
    _, runs = pdx.cooccurrence_runs(project, sel, unit, choice, None, None)
    names = sel.code_names()
    options = [f"--unit={unit}", f"--measure={measure}", *(f"--coder={c}" for c in coders), "--pool" if pool else None]
    root = ["qualcode", *([f"--coder={o['session_coder']}"] if o.get("session_coder") and not coders else [])]
    if fmt in FIGURE_FORMATS:
        command = _command(*root, "plot", "cooccurrence", *options, f"--format={fmt}")
        paths = []
        for run in runs:
            who = run.coder or coder_label(sel, choice).replace("_", ", ")
            stem = figure_stem(unit, measure, who, None, (), None, ())
            paths.append(cooccurrence_figure(run.result, names, measure, who, folder / f"{stem}.{fmt}", like))
        return ViewExport(paths, command)
    command = _command(*root, "cooccurrence", *options, f"--format={fmt}")
    tables, parts = cooccurrence_tables(runs, sel, unit, measure)
    stem = cooccurrence_stem(unit, measure, None if choice.per_coder else coder_label(sel, choice))
    if fmt in NETWORK_FORMATS:
        from qualcode.codebook.codes import list_codes

        colours = {c.id: c.colour for c in list_codes(project)}
        paths = write_networks(
            folder,
            stem,
            fmt,
            [run.result for run in runs],
            names,
            colours,
            measure,
            [t.description for t in tables],
            parts,
            provenance_line(command, like),
            like,
        )
        return ViewExport(paths, command)
    return ViewExport(_tables(folder, stem, fmt, tables, command, like, parts), command)


def _agreement(project: Project, folder: Path, fmt: str, like: Path, o: Mapping[str, Any]) -> ViewExport:
    from qualcode.analysis.agreement.audit import audit

    coders, unit = list(o["coders"]), o["unit"]
    report = audit(project, coders, unit)
    stem = agreement_stem(report.coders, report.unit.label)
    base = ["qualcode", "agreement", f"--coders={','.join(coders)}", f"--unit={unit}"]
    if fmt in REPORT_FORMATS:
        from qualcode.interchange.exporters.reliability import write_reliability_report

        path = write_reliability_report(project, report, folder / f"{stem}.{fmt}", _command(*base), like=like)
        return ViewExport([path], _command(*base, f"--report={stem}.{fmt}"), len(report.disagreements))
    from qualcode.interchange.exporters.agreement import report_tables

    command = _command(*base, f"--format={fmt}")
    return ViewExport(_tables(folder, stem, fmt, report_tables(report), command, like), command)


def _codings(project: Project, folder: Path, fmt: str, like: Path, o: Mapping[str, Any]) -> ViewExport:
    if fmt == "codings.csv":
        from qualcode.coding.csv_io import codings_csv
        from qualcode.files import write_text_atomic

        text = codings_csv(project)
        path = write_text_atomic(folder / "codings.csv", text, like=like)
        rows = _records(text) - 1  # the header; a memo or text may hold line breaks, so count records
        return ViewExport([path], "qualcode codings export -o exports/codings.csv", rows)
    from qualcode.interchange.exporters.tidy import tidy_table

    command = _command("qualcode", "export", "tidy", f"--format={fmt}")
    t = tidy_table(project)
    return ViewExport(_tables(folder, tidy_stem([], [], None, [], True), fmt, [t], command, like), command, len(t.rows))


def _records(text: str) -> int:
    """The CSV records in ``text`` (a quoted field's line breaks are inside its record)."""
    import csv
    import io

    return sum(1 for _ in csv.reader(io.StringIO(text, newline="")))


_VIEWS: dict[str, Callable[[Project, Path, str, Path, Mapping[str, Any]], ViewExport]] = {
    "retrieval": _retrieval,
    "cooccurrence": _cooccurrence,
    "agreement": _agreement,
    "codings": _codings,
}


def export_view(project: Project, project_path: Path, view: str, fmt: str, **options: Any) -> ViewExport:
    """Write what ``view`` shows with its ``options`` as ``fmt`` into ``exports/`` beside the project.

    retrieval: ``code`` (path), ``children``, ``coder`` (None: all), ``where`` (``["site=Vesterbro"]``);
    cooccurrence: ``unit``, ``measure``, ``pool``, ``session_coder`` (or ``coders``);
    agreement: ``coders``, ``unit``; codings: nothing.
    A file of the same name from an earlier export is replaced; ``replaced`` lists those (and
    ``notes`` says so), so the finished notice can say it.
    """
    if fmt not in {f.key for f in VIEW_FORMATS[view]}:
        raise QualcodeError(f"the {view} view writes {', '.join(f.key for f in VIEW_FORMATS[view])}, not {fmt}")
    like = Path(project_path)
    folder = export_folder(like)
    with staged(folder, like) as (tmp, written):
        result = _VIEWS[view](project, tmp, fmt, like, options)
        written.extend(result.paths)
        result.replaced = [folder / p.name for p in result.paths if (folder / p.name).exists()]
    result.paths = list(written)
    result.notes += [f"replaced the earlier {p.name}" for p in result.replaced]
    return result
