"""Export writing in one place: a :class:`Table` type, builders from analysis results, and
writers for CSV, XLSX, JSON, SPSS ``.sav`` and Stata ``.dta``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

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
    directory.mkdir(parents=True, exist_ok=True)
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
