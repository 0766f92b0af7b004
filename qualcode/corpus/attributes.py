"""Typed document attributes (site, role, gender, age band, date …) and their CSV import.

Types are inferred per column — boolean, integer, float, date, else text — because SPSS/Stata
exports and attribute filters need to know whether "2021-03-14" is a date and "45" a number.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid
from qualcode.store import events
from qualcode.text.wording import article

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.changes import Transaction

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
    """A CSV with a header row (see ``qualcode.text.csvfile``) as header and rows; each row knows its
    line (``__line__``) so every later error can name it."""
    from qualcode.text.csvfile import read_records

    records = read_records(path)
    if not records:
        raise QualcodeError(f"{path.name}: the CSV file has no header row")
    header = [h.strip() for h in records[0][1]]
    if len(set(header)) != len(header):
        raise QualcodeError(f"{path.name}: line 1: duplicate column names")
    rows = []
    for line_no, rec in records[1:]:
        if not any(c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            raise QualcodeError(f"{path.name}: line {line_no}: {len(rec)} fields, the header has {len(header)}")
        row = dict(zip(header, rec))
        row["__line__"] = str(line_no)
        rows.append(row)
    return header, rows


def key_column(header: list[str]) -> str:
    """The column naming the document: ``document`` if there is one, else the first."""
    return "document" if "document" in header else header[0]


def rows_by_document(header: list[str], rows: list[dict[str, str]], source: str) -> dict[str, dict[str, str]]:
    """Rows keyed by the stem of the document they name; an empty name or two rows for one
    document are refused (silently letting the last row win hides a copy-paste error)."""
    from qualcode.text.names import check_name

    key = key_column(header)
    for col in header:
        if col != key:
            try:
                check_name(col, "attribute name")
            except QualcodeError as e:
                raise QualcodeError(f"{source}: line 1: {e}") from None
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        name = r[key].strip()
        if not name:
            raise QualcodeError(f"{source}: line {r['__line__']}: the '{key}' cell is empty; it names the document")
        stem = Path(name).stem
        if stem in out:
            raise QualcodeError(
                f"{source}: lines {out[stem]['__line__']} and {r['__line__']} both describe "
                f"'{stem}'; keep one row per document"
            )
        out[stem] = r
    return out


def import_attributes_csv(project: Project, path: Path, keep_going: bool = False) -> dict[str, Any]:
    """One row per document (first column, or a column named ``document``, names it).

    Columns ``kind`` and ``language`` set those document fields; every other column becomes a typed
    attribute. All rows apply or none do; a row naming no document of the project is refused, or
    with ``keep_going`` skipped and reported.
    """
    header, rows = read_csv_rows(path)
    with project.transaction(events.ATTRIBUTES_IMPORT, f"attributes from {path.name}") as tx:
        return apply_attribute_rows(project, tx, header, rows, path.name, keep_going=keep_going)


def apply_attribute_rows(
    project: Project,
    tx: Transaction,
    header: list[str],
    rows: list[dict[str, str]],
    source: str,
    only: set[str] | None = None,
    keep_going: bool = False,
) -> dict[str, Any]:
    """Write attribute rows inside an open transaction; ``only`` limits them to those document names
    (an import's files: rows for other documents are then not errors)."""
    from qualcode.corpus.documents import KINDS

    rows = list(rows_by_document(header, rows, source).values())
    key = key_column(header)
    attr_cols = [h for h in header if h != key and h not in DOCUMENT_FIELDS]
    existing_types = attribute_types(project)
    types = {col: existing_types.get(col) or infer_type([r[col] for r in rows]) for col in attr_cols}
    docs = {d["name"]: d["id"] for d in project.db.query("SELECT id, name FROM documents")}
    by_source = {d["source_name"]: d["id"] for d in project.db.query("SELECT id, source_name FROM documents")}
    updated, unknown = 0, []
    attr_ids = {}
    for col in attr_cols:
        row = project.db.execute("SELECT id FROM attributes WHERE name = ?", [col]).fetchone()
        attr_ids[col] = (
            row[0] if row else tx.insert("attributes", {"guid": new_guid(), "name": col, "type": types[col]})
        )
    for r in rows:
        name = r[key].strip()
        if only is not None and Path(name).stem not in only:
            continue
        doc_id = docs.get(name) or docs.get(Path(name).stem) or by_source.get(name)
        if doc_id is None:
            if only is None and not keep_going:
                sample = ", ".join(sorted(docs)[:3]) or "none yet"
                raise QualcodeError(
                    f"{source}: line {r['__line__']}: no document '{name}' in the project "
                    f"(documents are named like {sample}); fix the name, or pass --keep-going "
                    "to skip such rows"
                )
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
                where = f"{source}: line {r['__line__']}: '{r[col]}' in column '{col}'"
                raise QualcodeError(f"{where} is not {article(types[col])} {types[col]}") from None
            k = {"document_id": doc_id, "attribute_id": attr_ids[col]}
            cur = project.db.execute(
                "SELECT value FROM document_attributes WHERE document_id=? AND attribute_id=?", [doc_id, attr_ids[col]]
            ).fetchone()
            if cur is None:
                if value is not None:
                    tx.insert("document_attributes", {**k, "value": value})
            elif value is None:
                tx.delete("document_attributes", k)
            else:
                tx.update("document_attributes", k, {"value": value})
        updated += 1
    return {"documents": updated, "unknown": unknown, "types": types}


def document_attributes(project: Project, document_id: int | None = None) -> dict[int, dict[str, Any]]:
    """``{document_id: {attribute: typed value}}``."""
    sql = (
        "SELECT da.document_id, a.name, a.type, da.value FROM document_attributes da "
        "JOIN attributes a ON a.id = da.attribute_id"
    )
    params: list[Any] = []
    if document_id is not None:
        sql += " WHERE da.document_id = ?"
        params.append(document_id)
    sql += " ORDER BY da.document_id, a.id"  # each document's attributes in the project's order
    out: dict[int, dict[str, Any]] = {}
    for doc_id, name, typ, value in project.db.execute(sql, params).fetchall():
        out.setdefault(doc_id, {})[name] = from_storage(value, typ)
    return out


def attribute_types(project: Project) -> dict[str, str]:
    return {r["name"]: r["type"] for r in project.db.query("SELECT name, type FROM attributes ORDER BY id")}


TYPE_HINTS = {
    "text": "any text",
    "integer": "a whole number (e.g. 45)",
    "float": "a number (e.g. 3.5)",
    "date": "a date as YYYY-MM-DD (e.g. 2021-03-14)",
    "boolean": "yes or no (true/false, ja/nej)",
}


def check_value(value: str, typ: str, attribute: str) -> Any:
    """``value`` as stored for an attribute of type ``typ`` (None: empty, i.e. missing), or a
    QualcodeError in one line saying what the attribute takes."""
    v = value.strip()
    problem = f"{attribute} takes {TYPE_HINTS[typ]}, not '{v}'; nothing was changed"
    if typ == "boolean" and v and v.lower() not in _TRUE | _FALSE:
        raise QualcodeError(problem)
    try:
        return to_storage(v, typ)
    except (ValueError, OverflowError):
        raise QualcodeError(problem) from None


def shown(value: Any, typ: str = "text") -> str:
    """A typed value as people read and type it: '' for missing, yes/no, ISO dates, 45 not 45.0."""
    if value is None:
        return ""
    if typ == "boolean" or isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and typ != "float":
        return str(int(value))
    return str(value)


def set_attribute(project: Project, document: str | int, attribute: str, value: str) -> bool:
    """Set one document's value of one attribute (or its ``kind``) from what was typed: one
    transaction, one undoable event named by document and attribute. An empty value removes it.

    The value is checked against the attribute's type first, so a bad one writes nothing. Returns
    False when the value is already that (nothing written, no event).
    """
    from qualcode.corpus.documents import KINDS, get_document

    doc = get_document(project, document)
    if attribute == "language":
        raise QualcodeError(
            f"the language of {doc['name']} was fixed at import (it chose the sentence rules and lemmas); "
            "import the file again to change it"
        )
    if attribute == "kind":
        new_kind = value.strip()
        if new_kind not in KINDS:
            raise QualcodeError(f"'{new_kind}' is not a kind: write one of {', '.join(KINDS)}")
        if new_kind == doc["kind"]:
            return False
        with project.transaction(events.ATTRIBUTE_SET, f"kind of {doc['name']}: {doc['kind']} → {new_kind}") as tx:
            tx.update("documents", doc["id"], {"kind": new_kind})
        return True
    row = project.db.execute("SELECT id, name, type FROM attributes WHERE name = ?", [attribute]).fetchone()
    if row is None:
        known = ", ".join(attribute_types(project)) or "none yet"
        raise QualcodeError(f"no attribute '{attribute}' (attributes: {known}); add it first")
    attr_id, name, typ = row
    stored = check_value(value, typ, name)
    key = {"document_id": doc["id"], "attribute_id": attr_id}
    cur = project.db.execute(
        "SELECT value FROM document_attributes WHERE document_id = ? AND attribute_id = ?", [doc["id"], attr_id]
    ).fetchone()
    old = None if cur is None else from_storage(cur[0], typ)
    if old == from_storage(stored, typ):
        return False
    before, after = shown(old, typ) or "(empty)", shown(from_storage(stored, typ), typ) or "(empty)"
    with project.transaction(events.ATTRIBUTE_SET, f"{name} of {doc['name']}: {before} → {after}") as tx:
        if cur is None:
            tx.insert("document_attributes", {**key, "value": stored})
        elif stored is None:
            tx.delete("document_attributes", key)
        else:
            tx.update("document_attributes", key, {"value": stored})
    return True


def add_attribute(project: Project, name: str, typ: str) -> str:
    """A new attribute (no values yet): one transaction, one undoable event. Returns its name."""
    from qualcode.text.names import check_name

    name = check_name(name, "attribute name")
    if typ not in TYPES:
        raise QualcodeError(f"'{typ}' is not an attribute type: choose one of {', '.join(TYPES)}")
    if name in DOCUMENT_FIELDS or name in {"name", "mine", "codings"}:
        raise QualcodeError(f"'{name}' is already a column of every document; choose another name")
    have = attribute_types(project)
    clash = next((n for n in have if n.casefold() == name.casefold()), None)
    if clash is not None:
        raise QualcodeError(f"there is already an attribute '{clash}' ({have[clash]})")
    with project.transaction(events.ATTRIBUTE_ADD, f"added attribute {name} ({typ})") as tx:
        tx.insert("attributes", {"guid": new_guid(), "name": name, "type": typ})
    return name
