"""A Frictionless Data Package descriptor beside CSV exports, so R's and Python's ``frictionless``
packages (and anyone reading the JSON) get typed columns, titles, descriptions and the missing
value without guessing: integers as integers, numbers as numbers, ISO dates as dates.

Named ``<stem>_datapackage.json`` (not ``datapackage.json``) so that two exports in one folder never
overwrite each other's descriptor; pass the file to ``frictionless::read_package()`` or
``frictionless.Package()``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualcode.files import write_text_atomic
from qualcode.interchange.exporters.tables import Table

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def field_type(values: Sequence[Any]) -> str:
    """The Table Schema type every non-missing value fits: integer, number, boolean, date, string."""
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return "string"
    if all(isinstance(v, bool) for v in present):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if all(isinstance(v, str) and _DATE.fullmatch(v) for v in present):
        return "date"
    return "string"


def _resource(table: Table, path: Path) -> dict[str, Any]:
    fields = []
    for k, column in enumerate(table.columns):
        f: dict[str, Any] = {"name": column, "type": field_type([row[k] for row in table.rows])}
        label = table.label(column)
        if label and label != column:
            f["title"] = label
        if table.definitions.get(column):
            f["description"] = table.definitions[column]
        fields.append(f)
    resource: dict[str, Any] = {
        "name": re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-") or "table",
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "missingValues": [""]},
    }
    if table.description:
        resource["description"] = table.description
    if table.index:
        resource["schema"]["primaryKey"] = [table.index]
    return resource


def write_datapackage(tables: Sequence[Table], files: Sequence[Path], path: Path, like: Path | None = None) -> Path:
    """The descriptor of ``files`` (CSV, in the same folder as ``path``), one resource per table."""
    made = next((t.provenance for t in tables if t.provenance), "")
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-"),
        "resources": [_resource(t, f) for t, f in zip(tables, files)],
    }
    if made:
        package["description"] = f"Made by {made}"
    return write_text_atomic(path, json.dumps(package, ensure_ascii=False, indent=2) + "\n", like)
