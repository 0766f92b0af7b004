"""The one table type every export writer takes, and builders from analysis results.

A :class:`Table` keeps human column titles (code paths such as ``Barriers/Distance``) so that
CSV, XLSX and JSON read naturally in pandas and R. Formats that need short variable names
(SPSS, Stata) derive them with :meth:`Table.varnames`; the original title becomes the
variable label unless a label is given, and the :func:`data_dictionary` records the mapping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.interchange.exporters.varnames import make_varnames

if TYPE_CHECKING:
    from qualcode.analysis.cooccurrence import Cooccurrence
    from qualcode.analysis.matrices import Crosstab, Matrix

__all__ = [
    "DictionaryEntry",
    "Table",
    "cooccurrence_table",
    "crosstab_table",
    "data_dictionary",
    "dictionary_table",
    "document_code_table",
    "matrix_table",
    "pairs_table",
    "plain",
]


def plain(value: Any) -> Any:
    """numpy scalars → Python; NaN → None (every writer writes None as an empty cell)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass
class Table:
    """A named, rectangular table.

    ``labels``: variable label per column (default: the column title). ``value_labels``: per
    column, value → label (e.g. ``{0: "not coded", 1: "coded"}``). ``code_paths`` and
    ``definitions``: the code a column comes from, for the data dictionary. ``index``: the
    column that names the rows (first column, unique), e.g. the code path in a matrix.
    """

    name: str
    columns: list[str]
    rows: list[list[Any]]
    labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    code_paths: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    index: str | None = None
    description: str = ""
    provenance: str = ""  # the command, project and time that made it (set when written)

    def __post_init__(self) -> None:
        self.columns = [str(c) for c in self.columns]
        if len(set(self.columns)) != len(self.columns):
            dup = sorted({c for c in self.columns if self.columns.count(c) > 1})
            raise ValueError(f"table {self.name!r}: duplicate column names {dup}")
        self.rows = [[plain(v) for v in row] for row in self.rows]
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.name!r}: row {i} has {len(row)} cells, expected {len(self.columns)}")
        if self.index is not None:
            if not self.columns or self.columns[0] != self.index:
                raise ValueError(f"table {self.name!r}: the index column must come first")
            names = [r[0] for r in self.rows]
            if len(set(names)) != len(names) or any(n in (None, "") for n in names):
                raise ValueError(
                    f"table {self.name!r}: row names in {self.index!r} must be "
                    "unique and non-empty (R's row.names=1 requires it)"
                )

    def label(self, column: str) -> str:
        return self.labels.get(column) or column

    def varnames(self) -> list[str]:
        """Variable names for SPSS/Stata, one per column, in column order."""
        return make_varnames(self.columns)

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class DictionaryEntry:
    table: str
    column: str
    variable: str
    label: str
    code_path: str = ""
    definition: str = ""
    value_labels: str = ""


def data_dictionary(tables: Sequence[Table]) -> list[DictionaryEntry]:
    """One entry per column of every table: title ↔ SPSS/Stata variable name ↔ code path."""
    out = []
    for t in tables:
        for col, var in zip(t.columns, t.varnames()):
            vl = t.value_labels.get(col, {})
            out.append(
                DictionaryEntry(
                    t.name,
                    col,
                    var,
                    t.label(col),
                    t.code_paths.get(col, ""),
                    t.definitions.get(col, ""),
                    "; ".join(f"{k} = {v}" for k, v in vl.items()),
                )
            )
    return out


def dictionary_table(tables: Sequence[Table], name: str = "dictionary") -> Table:
    cols = ["table", "column", "variable", "label", "code_path", "definition", "value_labels"]
    rows = [[t.name, "(table)", "", t.description, "", t.provenance, ""] for t in tables if t.provenance]
    rows += [[getattr(e, c) for c in cols] for e in data_dictionary(tables)]
    return Table(
        name,
        cols,
        rows,
        description="Data dictionary: for each table a (table) row (what it holds; how it was made), "
        "then its columns: titles, variable names used in .sav/.dta, labels, code paths and definitions",
    )


def matrix_table(
    name: str,
    row_names: Sequence[str],
    column_names: Sequence[str],
    values: np.ndarray,
    *,
    index: str = "code",
    description: str = "",
    code_paths: Mapping[str, str] | None = None,
    definitions: Mapping[str, str] | None = None,
    value_labels: Mapping[Any, str] | None = None,
) -> Table:
    """A labelled matrix: first column ``index`` holds the row names, then one column each.

    Reads back with ``pandas.read_csv(path, index_col=0)`` and ``read.csv(path, row.names=1)``.
    """
    values = np.asarray(values)
    if values.shape != (len(row_names), len(column_names)):
        raise ValueError(f"values {values.shape} do not match {len(row_names)} rows × {len(column_names)} columns")
    if index in column_names:
        raise ValueError(f"index name {index!r} is also a column name")
    rows = [[r, *values[i].tolist()] for i, r in enumerate(row_names)]
    vl = {c: dict(value_labels) for c in column_names} if value_labels else {}
    return Table(
        name,
        [index, *column_names],
        rows,
        index=index,
        description=description,
        code_paths=dict(code_paths or {}),
        definitions=dict(definitions or {}),
        value_labels=vl,
    )


def _names(ids: Sequence[int], names: Mapping[int, str]) -> list[str]:
    return [names.get(i, str(i)) for i in ids]


def _coders(coders: Sequence[int], pooled: bool, names: Mapping[int, str] | None = None) -> str:
    """``coder anna`` or ``pooled coders anna, bo`` (ids only when no names are given)."""
    shown = [names.get(c, str(c)) if names else str(c) for c in coders]
    return ("pooled coders " if pooled else "coder ") + ", ".join(shown)


def cooccurrence_table(
    result: Cooccurrence,
    code_names: Mapping[int, str],
    measure: str = "count",
    *,
    coder_names: Mapping[int, str] | None = None,
    definitions: Mapping[int, str] | None = None,
) -> Table:
    """Code × code matrix of one measure of a co-occurrence result.

    The unit is part of the table name and description, as the design asks.
    """
    names = _names(result.codes, code_names)
    unit = result.unit.replace(":", "")
    desc = (
        f"Code co-occurrence, measure {measure}, unit {result.unit}, "
        f"N = {result.n_units} units, {_coders(result.coders, result.pooled, coder_names)}"
    )
    if measure == "count":
        desc += "; diagonal: units with the code, cells: units with both codes"
    elif measure == "conditional":
        desc += "; cell (row A, column B) = P(B | A) = n_AB / n_A"
    defs = {n: definitions[c] for n, c in zip(names, result.codes)} if definitions else {}
    return matrix_table(
        f"cooccurrence_{measure}_{unit}",
        names,
        names,
        result.measure(measure),
        description=desc,
        code_paths={n: n for n in names},
        definitions=defs,
    )


def pairs_table(
    result: Cooccurrence,
    code_names: Mapping[int, str],
    measure: str = "count",
    *,
    coder_names: Mapping[int, str] | None = None,
    ordered: bool | None = None,
    include_zero: bool = False,
) -> Table:
    """Long table: code_a, code_b, n_a, n_b, n_ab, the measure, unit, N."""
    rows = [
        [
            code_names.get(p.code_a, str(p.code_a)),
            code_names.get(p.code_b, str(p.code_b)),
            p.n_a,
            p.n_b,
            p.n_ab,
            p.value,
            result.unit,
            result.n_units,
        ]
        for p in result.pairs(measure, ordered=ordered, include_zero=include_zero)
    ]
    cols = ["code_a", "code_b", "n_a", "n_b", "n_ab", measure, "unit", "n_units"]
    labels = {
        "n_a": "Units with code A",
        "n_b": "Units with code B",
        "n_ab": "Units with both codes",
        "n_units": "Number of units (N)",
        measure: f"Co-occurrence measure: {measure}",
    }
    return Table(
        f"pairs_{measure}_{result.unit.replace(':', '')}",
        cols,
        rows,
        labels=labels,
        description=f"Code pairs, unit {result.unit}, {_coders(result.coders, result.pooled, coder_names)}",
    )


_MATRIX_LABELS = {"binary": {0: "not coded", 1: "coded"}}


def document_code_table(
    matrix: Matrix,
    document_names: Mapping[int, str],
    code_names: Mapping[int, str],
    *,
    coder_names: Mapping[int, str] | None = None,
    definitions: Mapping[int, str] | None = None,
) -> Table:
    """Documents × codes from a :class:`~qualcode.analysis.matrices.Matrix`."""
    cols = _names(matrix.columns, code_names)
    defs = {n: definitions[c] for n, c in zip(cols, matrix.columns) if c in definitions} if definitions else {}
    return matrix_table(
        f"documents_codes_{matrix.value}",
        _names(matrix.rows, document_names),
        cols,
        matrix.values,
        index="document",
        code_paths={n: n for n in cols},
        definitions=defs,
        value_labels=_MATRIX_LABELS.get(matrix.value),
        description=(
            f"Documents × codes, cells: {matrix.value}, " + _coders(matrix.coders, len(matrix.coders) > 1, coder_names)
        ),
    )


def crosstab_table(crosstab: Crosstab, code_names: Mapping[int, str], attribute: str) -> Table:
    """Codes × attribute values from a :class:`~qualcode.analysis.matrices.Crosstab`.

    Column titles are the attribute values; the totals (documents per value) go in the
    description and in each column's label, e.g. ``district = Vesterbro (n = 14 documents)``.
    """
    cols = [str(v) for v in crosstab.columns]
    labels = {c: f"{attribute} = {c} (n = {n} documents)" for c, n in zip(cols, crosstab.attribute_totals)}
    rows = _names(crosstab.rows, code_names)
    t = matrix_table(
        f"codes_by_{attribute}_{crosstab.value}",
        rows,
        cols,
        crosstab.values,
        description=f"Codes × {attribute}, cells: {crosstab.value}",
    )
    t.labels.update(labels)
    return t
