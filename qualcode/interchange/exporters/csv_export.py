"""CSV: UTF-8, RFC 4180 (comma, double quotes when needed, ``\\r\\n`` between records).

We follow RFC 4180's CRLF so that Excel, R, pandas and csvkit all agree; line breaks *inside*
a quoted field stay ``\\n`` as in the stored text. ``bom=True`` prefixes a UTF-8 byte order
mark, which Excel needs to detect UTF-8 (pandas and R's ``read.csv(fileEncoding="UTF-8-BOM")``
cope with it). Missing values (None, NaN) are empty fields; floats are written with Python's
shortest round-trip repr, so values read back exactly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from qualcode.files import write_atomic
from qualcode.interchange.exporters.tables import Table

__all__ = ["csv_text", "write_csv"]


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def csv_text(table: Table, *, line_terminator: str = "\r\n") -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=line_terminator, quoting=csv.QUOTE_MINIMAL)
    w.writerow(table.columns)
    for row in table.rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def write_csv(
    table: Table, path: str | Path, *, bom: bool = False, line_terminator: str = "\r\n", like: Path | None = None
) -> Path:
    """Write privately and atomically (``like``: the project whose mode the file takes)."""
    data = csv_text(table, line_terminator=line_terminator).encode("utf-8")
    return write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + data, like)
