"""JSON: every table as records (one object per row) with its column metadata, plus the
data dictionary. NaN becomes ``null``; value-label keys become strings (JSON keys must be)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qualcode.files import write_text_atomic
from qualcode.interchange.exporters.tables import Table, data_dictionary

__all__ = ["tables_to_json", "write_json"]


def _table(t: Table) -> dict[str, Any]:
    columns = [
        {
            "name": c,
            "variable": v,
            "label": t.label(c),
            "code_path": t.code_paths.get(c, ""),
            "definition": t.definitions.get(c, ""),
            "value_labels": {str(k): lab for k, lab in t.value_labels.get(c, {}).items()},
        }
        for c, v in zip(t.columns, t.varnames())
    ]
    return {
        "name": t.name,
        "description": t.description,
        "provenance": t.provenance,
        "index": t.index,
        "columns": columns,
        "records": [dict(zip(t.columns, r)) for r in t.rows],
    }


def tables_to_json(tables: Sequence[Table]) -> dict[str, Any]:
    return {"tables": [_table(t) for t in tables], "dictionary": [asdict(e) for e in data_dictionary(tables)]}


def write_json(tables: Sequence[Table], path: str | Path, like: Path | None = None) -> Path:
    text = json.dumps(tables_to_json(tables), ensure_ascii=False, indent=2, allow_nan=False)
    return write_text_atomic(path, text + "\n", like)
