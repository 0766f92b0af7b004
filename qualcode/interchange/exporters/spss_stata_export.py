"""SPSS ``.sav`` and Stata ``.dta`` through pyreadstat (an optional dependency: ``stats``).

Column titles become variable names by :func:`~qualcode.interchange.exporters.varnames.make_varnames`;
the title (or the explicit label) becomes the variable label, so code paths survive. Limits of
the formats, applied here rather than left to fail or to silent byte-cutting in readstat:
Stata variable and data labels ≤ 80 characters, value labels only for integer values; SPSS
variable labels ≤ 256 bytes, file label ≤ 64 bytes (cut on a character boundary), the
description also goes into the file's notes (lines of ≤ 80 bytes). Integer
columns with missing cells are written as doubles (system-missing / ``.``).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.files import atomic_path
from qualcode.interchange.exporters.tables import Table

__all__ = ["table_frame", "write_dta", "write_sav"]


def _require() -> tuple[Any, Any]:
    try:
        import pandas as pd  # pandas ships no type information here
        import pyreadstat
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise QualcodeError("SPSS/Stata export needs pandas and pyreadstat: pip install 'qualcode[stats]'") from exc
    return pd, pyreadstat


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _column(values: list[Any]) -> tuple[str, list[Any]]:
    """Kind ('int', 'float', 'date', 'str') and the converted values of one column."""
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, str) and _ISO_DATE.fullmatch(v) for v in present):
        try:  # an ISO date column (a date attribute) arrives as a date: SPSS DATE, Stata %td
            return "date", [None if v in (None, "") else date.fromisoformat(v) for v in values]
        except ValueError:
            pass
    present = [v for v in values if v is not None]
    if all(isinstance(v, bool | int) for v in present) and present:
        if len(present) == len(values):
            return "int", [int(v) for v in values]
        return "float", [float("nan") if v is None else float(v) for v in values]
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present) and present:
        return "float", [float("nan") if v is None else float(v) for v in values]
    return "str", ["" if v is None else str(v) for v in values]


def _cut_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")[:limit]
    return data.decode("utf-8", errors="ignore")


def _fit_label(text: str, limit: int, *, in_bytes: bool = False) -> str:
    """A label within the format's limit, cut at a word boundary and marked "…" (the full text is
    in the dictionary), never in the middle of a word."""
    size = (lambda t: len(t.encode("utf-8"))) if in_bytes else len
    if size(text) <= limit:
        return text
    room = limit - size("…")
    head = _cut_bytes(text, room) if in_bytes else text[:room]
    cut = head.rstrip()
    if " " in cut and not text[len(head) : len(head) + 1].isspace():
        cut = cut[: cut.rindex(" ")].rstrip(" ,;:/–-")
    return cut + "…"


def _note_lines(text: str, limit: int = 80) -> list[str]:
    """SPSS document lines hold at most 80 bytes: wrap on spaces, cut over-long words."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word.encode("utf-8")) > limit:
            head = _cut_bytes(word, limit)
            if current:
                lines.append(current)
                current = ""
            lines.append(head)
            word = word[len(head) :]
        candidate = f"{current} {word}" if current else word
        if len(candidate.encode("utf-8")) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def table_frame(table: Table, *, stata: bool) -> tuple[Any, dict[str, str], dict[str, dict[Any, str]]]:
    """DataFrame with variable names, plus labels and value labels in pyreadstat's form."""
    pd, _ = _require()
    names = table.varnames()
    data: dict[str, Any] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    for i, (col, var) in enumerate(zip(table.columns, names)):
        kind, values = _column([r[i] for r in table.rows])
        if kind == "date":  # date objects: pyreadstat writes them as SPSS DATE and Stata %td
            data[var] = pd.Series(values, dtype="object")
        elif kind == "int" and stata and all(-(2**31) < v < 2**31 - 27 for v in values):
            data[var] = pd.Series(values, dtype="int32")  # a Stata long: read back as an integer
        else:
            data[var] = pd.Series(values, dtype={"int": "int64", "float": "float64", "str": "object"}[kind])
        label = table.label(col)
        labels[var] = _fit_label(label, 80) if stata else _fit_label(label, 256, in_bytes=True)
        vl = table.value_labels.get(col)
        if vl:
            if stata:
                vl = {int(k): v for k, v in vl.items() if isinstance(k, int | float) and float(k).is_integer()}
                if kind != "int":
                    vl = {}
            elif kind == "str":
                vl = {str(k): v for k, v in vl.items()}
            else:
                vl = {k: v for k, v in vl.items() if isinstance(k, int | float)}
            if vl:
                value_labels[var] = vl
    return pd.DataFrame(data), labels, value_labels


def _measures(df: Any, value_labels: dict[str, dict[Any, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """SPSS measure levels and formats: labelled or text columns are nominal, numbers and dates
    scale; integers shown without decimals (F8.0), dates as dates (DATE11)."""
    measure, formats = {}, {}
    for var in df.columns:
        kind = df[var].dtype.kind
        dates = kind == "O" and any(isinstance(v, date) for v in df[var])
        measure[var] = "nominal" if var in value_labels or (kind == "O" and not dates) else "scale"
        if kind == "i":
            formats[var] = "F8.0"
    return measure, formats


def write_sav(table: Table, path: str | Path, like: Path | None = None) -> Path:
    _, pyreadstat = _require()
    df, labels, value_labels = table_frame(table, stata=False)
    measure, formats = _measures(df, value_labels)
    with atomic_path(path, like) as tmp:
        pyreadstat.write_sav(
            df,
            str(tmp),
            file_label=_fit_label(table.description, 64, in_bytes=True),
            column_labels=labels,
            variable_value_labels=value_labels or None,
            note=_note_lines(table.description) + _note_lines(table.provenance) or None,
            variable_measure=measure,
            variable_format=formats or None,
        )
    return Path(path)


STATA_VERSIONS = {14: 14, 15: 15}  # Stata 14 reads release 118, Stata 15 and later 119


def write_dta(table: Table, path: str | Path, like: Path | None = None, stata_version: int = 15) -> Path:
    _, pyreadstat = _require()
    df, labels, value_labels = table_frame(table, stata=True)
    with atomic_path(path, like) as tmp:
        pyreadstat.write_dta(
            df,
            str(tmp),
            file_label=_fit_label(table.description, 80),
            column_labels=labels,
            version=STATA_VERSIONS[stata_version],
            variable_value_labels=value_labels or None,
        )
    return Path(path)
