"""Typed document attributes (site, role, gender, age band, date …) and their CSV import.

Types are inferred per column — boolean, integer, float, date, else text — because SPSS/Stata
exports and attribute filters need to know whether "2021-03-14" is a date and "45" a number.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid
from qualcode.text.decoding import decode, normalise

if TYPE_CHECKING:
    from qualcode.project import Project

TYPES = ("text", "integer", "float", "date", "boolean")
_TRUE = {"true", "yes", "ja", "y", "1"}
_FALSE = {"false", "no", "nej", "n", "0"}
DOCUMENT_FIELDS = {"kind", "language"}


def infer_type(values: list[str]) -> str:
    vals = [v.strip() for v in values if v.strip()]
    if not vals:
        return "text"
    low = {v.lower() for v in vals}
    if low <= (_TRUE | _FALSE) and not low <= {"0", "1"}:
        return "boolean"
    if all(re.fullmatch(r"[+-]?\d+", v) for v in vals):
        return "integer"
    if all(re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", v) for v in vals):
        return "float"
    try:
        for v in vals:
            date.fromisoformat(v)
        return "date"
    except ValueError:
        return "text"


def to_storage(value: str, typ: str) -> Any:
    """Canonical stored value: int/float/ISO date string/0-1, or None for missing."""
    v = value.strip()
    if not v:
        return None
    if typ == "integer":
        return int(v)
    if typ == "float":
        return float(v.replace(",", "."))
    if typ == "boolean":
        return 1 if v.lower() in _TRUE else 0
    if typ == "date":
        return date.fromisoformat(v).isoformat()
    return v


def from_storage(value: Any, typ: str) -> Any:
    if value is None:
        return None
    if typ == "boolean":
        return bool(int(value))
    if typ == "integer":
        return int(value)
    if typ == "float":
        return float(value)
    return value


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Read a CSV (UTF-8/UTF-16 per DESIGN; comma, semicolon or tab) into header and rows."""
    if not path.exists():
        raise QualcodeError(f"{path}: no such file")
    text, _ = decode(path.read_bytes(), path.name)
    text = normalise(text)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # from the header alone: quoted fields cannot mislead it
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise QualcodeError(f"{path.name}: the CSV file has no header row") from None
    if len(set(header)) != len(header):
        raise QualcodeError(f"{path.name}: line 1: duplicate column names")
    rows = []
    for line_no, rec in enumerate(reader, start=2):
        if not any(c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            raise QualcodeError(f"{path.name}: line {line_no}: {len(rec)} fields, the header has {len(header)}")
        row = dict(zip(header, rec))
        row["__line__"] = str(line_no)
        rows.append(row)
    return header, rows


def import_attributes_csv(project: "Project", path: Path) -> dict[str, Any]:
    """One row per document (first column, or a column named ``document``, names it).

    Columns ``kind`` and ``language`` set those document fields; every other column becomes a typed
    attribute. All rows apply or none do.
    """
    header, rows = read_csv_rows(path)
    with project.transaction("attributes.import", f"attributes from {path.name}") as tx:
        return apply_attribute_rows(project, tx, header, rows, path.name)


def apply_attribute_rows(project: "Project", tx, header: list[str], rows: list[dict[str, str]],
                         source: str, only: set[str] | None = None) -> dict[str, Any]:
    """Write attribute rows inside an open transaction; ``only`` limits them to those document names."""
    from qualcode.project import KINDS

    key = "document" if "document" in header else header[0]
    attr_cols = [h for h in header if h != key and h not in DOCUMENT_FIELDS]
    existing_types = project.attribute_types()
    types = {col: existing_types.get(col) or infer_type([r[col] for r in rows]) for col in attr_cols}
    docs = {d["name"]: d["id"] for d in project.db.query("SELECT id, name FROM documents")}
    by_source = {d["source_name"]: d["id"] for d in project.db.query("SELECT id, source_name FROM documents")}
    updated, unknown = 0, []
    attr_ids = {}
    for col in attr_cols:
        row = project.db.execute("SELECT id FROM attributes WHERE name = ?", [col]).fetchone()
        attr_ids[col] = row[0] if row else tx.insert("attributes", {"guid": new_guid(), "name": col, "type": types[col]})
    for r in rows:
        name = r[key].strip()
        if only is not None and Path(name).stem not in only:
            continue
        doc_id = docs.get(name) or docs.get(Path(name).stem) or by_source.get(name)
        if doc_id is None:
            unknown.append(name)
            continue
        fields = {}
        if r.get("kind", "").strip():
            if r["kind"].strip() not in KINDS:
                raise QualcodeError(f"{source}: line {r['__line__']}: kind must be one of {', '.join(KINDS)}")
            fields["kind"] = r["kind"].strip()
        if r.get("language", "").strip():
            fields["language"] = r["language"].strip()
        if fields:
            tx.update("documents", doc_id, fields)
        for col in attr_cols:
            try:
                value = to_storage(r[col], types[col])
            except ValueError:
                raise QualcodeError(
                    f"{source}: line {r['__line__']}: '{r[col]}' in column '{col}' is not a {types[col]}") from None
            k = {"document_id": doc_id, "attribute_id": attr_ids[col]}
            cur = project.db.execute("SELECT value FROM document_attributes WHERE document_id=? AND attribute_id=?",
                                     [doc_id, attr_ids[col]]).fetchone()
            if cur is None:
                if value is not None:
                    tx.insert("document_attributes", {**k, "value": value})
            elif value is None:
                tx.delete("document_attributes", k)
            else:
                tx.update("document_attributes", k, {"value": value})
        updated += 1
    return {"documents": updated, "unknown": unknown, "types": types}
