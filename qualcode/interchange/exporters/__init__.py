"""Export writing in one place: a :class:`Table` type, builders from analysis results, and
writers for CSV, XLSX, JSON, SPSS ``.sav`` and Stata ``.dta``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from qualcode.files import make_folder_like
from qualcode.interchange.exporters.tables import (
    DictionaryEntry,
    Table,
    cooccurrence_table,
    crosstab_table,
    data_dictionary,
    dictionary_table,
    document_code_table,
    matrix_table,
    pairs_table,
)
from qualcode.interchange.exporters.varnames import make_varnames, to_varname

__all__ = [
    "FORMATS",
    "DictionaryEntry",
    "Table",
    "cooccurrence_table",
    "crosstab_table",
    "data_dictionary",
    "dictionary_table",
    "document_code_table",
    "make_varnames",
    "matrix_table",
    "pairs_table",
    "to_varname",
    "write_named",
    "write_tables",
]

FORMATS = ("csv", "xlsx", "json", "sav", "dta")


def write_tables(
    tables: Sequence[Table],
    directory: str | Path,
    fmt: str,
    *,
    stem: str = "export",
    bom: bool = False,
    like: Path | None = None,
) -> list[Path]:
    """Write ``tables`` under ``directory``; returns the files written.

    xlsx/json: one file ``<stem>.<fmt>`` holding all tables and the dictionary. csv/sav/dta:
    one file per table, ``<stem>_<table name>.<fmt>``, plus ``<stem>_dictionary.csv``.
    """
    directory = Path(directory)
    make_folder_like(directory, like)
    if fmt == "xlsx":
        from qualcode.interchange.exporters.xlsx_export import write_xlsx

        return [write_xlsx(tables, directory / f"{stem}.xlsx", like=like)]
    if fmt == "json":
        from qualcode.interchange.exporters.json_export import write_json

        return [write_json(tables, directory / f"{stem}.json", like=like)]
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    from qualcode.interchange.exporters.csv_export import write_csv

    writer: Callable[[Table, Path], Path]
    if fmt == "csv":
        writer = lambda t, p: write_csv(t, p, bom=bom, like=like)  # noqa: E731
    else:
        from qualcode.interchange.exporters import spss_stata_export as ss

        write = ss.write_sav if fmt == "sav" else ss.write_dta
        writer = lambda t, p: write(t, p, like=like)  # noqa: E731
    stems = make_varnames([t.name for t in tables], prefix="table", max_length=80)
    out = [writer(t, directory / f"{stem}_{s}.{fmt}") for t, s in zip(tables, stems)]
    out.append(write_csv(dictionary_table(tables), directory / f"{stem}_dictionary.csv", bom=bom, like=like))
    return out


def write_named(
    tables: Sequence[Table],
    folder: Path,
    stem: str,
    fmt: str,
    *,
    bom: bool = False,
    parts: Sequence[str] | None = None,
    like: Path | None = None,
    stata_version: int = 15,
) -> list[Path]:
    """xlsx/json: one file ``<stem>.<fmt>``. csv/sav/dta: ``<stem>.<fmt>`` for one table, else
    ``<stem>_<part>.<fmt>`` per table (``parts`` name them, default the table names), plus
    ``<stem>_dictionary.csv`` — the dictionary named after the table it describes."""
    from qualcode.interchange.exporters.csv_export import write_csv

    make_folder_like(folder, like)
    if fmt in ("xlsx", "json"):
        return write_tables(tables, folder, fmt, stem=stem, bom=bom, like=like)
    writer: Callable[[Table, Path], Path]
    if fmt == "csv":
        writer = lambda t, p: write_csv(t, p, bom=bom, like=like)  # noqa: E731
    else:
        from qualcode.interchange.exporters import spss_stata_export as ss

        if fmt == "sav":
            writer = lambda t, p: ss.write_sav(t, p, like=like)  # noqa: E731
        else:
            writer = lambda t, p: ss.write_dta(t, p, like=like, stata_version=stata_version)  # noqa: E731
    names: list[str] = []
    for part in [None] if len(tables) == 1 else parts or [t.name for t in tables]:
        name = stem if part is None else f"{stem}_{_part(part)}"
        base, k = name, 1
        while name in names:
            k += 1
            name = f"{base}_{k}"
        names.append(name)
    out = [writer(t, folder / f"{n}.{fmt}") for t, n in zip(tables, names)]
    out.append(write_csv(dictionary_table(tables), folder / f"{stem}_dictionary.csv", bom=bom, like=like))
    if fmt == "csv":  # typed columns for frictionless readers in R and Python
        from qualcode.interchange.exporters.datapackage import write_datapackage

        out.append(write_datapackage(tables, out[: len(tables)], folder / f"{stem}_datapackage.json", like=like))
    return out


def _part(text: str) -> str:
    return to_varname(f"x{text}", max_length=41)[1:].strip("_") or "x"
