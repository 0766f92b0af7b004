"""XLSX via openpyxl: a sheet per table, a "tables" sheet (name, description, rows) and a
"dictionary" sheet.

Two Excel traps are handled: text starting with ``=`` is stored as text, never as a formula
(a quote such as "=) okay" must not run); characters XML 1.0 forbids (control characters
other than tab/newline) become U+FFFD. Excel holds at most 32,767 characters in a cell; longer
text is cut and ends with "…[truncated]" — use CSV or JSON for complete texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from qualcode.files import write_atomic
from qualcode.interchange.exporters.tables import Table, dictionary_table

__all__ = ["EXCEL_CELL_LIMIT", "sheet_names", "write_xlsx"]

EXCEL_CELL_LIMIT = 32_767
_MARK = "…[truncated]"


def sheet_names(names: Sequence[str]) -> list[str]:
    """Valid, unique (case-insensitively) sheet titles: ≤ 31 characters, no ``[]:*?/\\``."""
    used: set[str] = set()
    out = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "sheet"
        title, n = base[:31], 1
        while title.lower() in used or title.lower() == "history":
            n += 1
            title = f"{base[: 31 - len(str(n)) - 1]}_{n}"
        used.add(title.lower())
        out.append(title)
    return out


def _value(v: Any) -> Any:
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
        if len(v) > EXCEL_CELL_LIMIT:
            v = v[: EXCEL_CELL_LIMIT - len(_MARK)] + _MARK
    return v


def _fill(ws: Any, table: Table) -> None:
    bold = Font(bold=True)
    ws.append([_value(c) for c in table.columns])
    for cell in ws[1]:
        cell.font = bold
        cell.data_type = "s"
    from qualcode.interchange.exporters.datapackage import field_type

    dates = {k for k in range(len(table.columns)) if field_type([row[k] for row in table.rows]) == "date"}
    for r, row in enumerate(table.rows, start=2):
        for c, v in enumerate(row, start=1):
            if c - 1 in dates and v:  # an ISO date column arrives as Excel dates
                cell = ws.cell(row=r, column=c, value=date.fromisoformat(v))
                cell.number_format = "yyyy-mm-dd"
                continue
            cell = ws.cell(row=r, column=c, value=_value(v))
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula
    ws.freeze_panes = "B2" if table.index else "A2"


def write_xlsx(tables: Sequence[Table], path: str | Path, *, dictionary: bool = True, like: Path | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    extra = ["tables", "dictionary"] if dictionary else []
    titles = sheet_names([t.name for t in tables] + extra)
    for t, title in zip(tables, titles):
        _fill(wb.create_sheet(title), t)
    if dictionary:
        overview = Table(
            "tables",
            ["sheet", "table", "description", "rows", "columns"],
            [[s, t.name, t.description, len(t.rows), len(t.columns)] for t, s in zip(tables, titles)],
        )
        _fill(wb.create_sheet(titles[-2]), overview)
        _fill(wb.create_sheet(titles[-1]), dictionary_table(tables))
    return write_atomic(path, wb.save, like)
