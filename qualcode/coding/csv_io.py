"""Codings as CSV: the headless way in and out (scripts, other tools' exports, tests).

Columns: ``document,start,end,code,coder[,memo][,text]`` — offsets in code points, half-open.
Import is all or nothing; an optional ``text`` column is checked against the document so offsets
computed by another tool in another unit (bytes, UTF-16, CRLF) are caught instead of stored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.codebook.codes import get_code
from qualcode.coding.codings import list_codings
from qualcode.corpus.attributes import read_csv_rows
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events
from qualcode.text.names import check_name

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

REQUIRED = ("document", "start", "end", "code")
EXPORT_COLUMNS = ("guid", "document", "start", "end", "code", "coder", "memo", "text")


def import_codings_csv(
    project: Project, path: Path, default_coder: str | None = None, keep_going: bool = False
) -> dict[str, Any]:
    """All or nothing: the first bad row stops the import, naming its line. ``keep_going`` imports the
    good rows and returns the bad ones as ``failed`` (line, reason). ``default_coder`` credits a file
    without a ``coder`` column; an empty cell in a ``coder`` column is always an error."""
    header, rows = read_csv_rows(Path(path))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise QualcodeError(
            f"{Path(path).name}: line 1: missing column(s) {', '.join(missing)} "
            f"(need document,start,end,code,coder[,memo])"
        )
    if "coder" not in header and not default_coder:
        raise QualcodeError(f"{Path(path).name}: line 1: no 'coder' column; add one or pass --coder")
    name = Path(path).name
    docs = {d["name"]: d for d in project.db.query("SELECT id, name, guid, text FROM documents")}
    docs.update({d["guid"]: d for d in list(docs.values())})
    coder_ids = {c["name"]: c["id"] for c in project.coders()}
    existing = {
        tuple(r) for r in project.db.execute("SELECT document_id, code_id, coder_id, start, [end] FROM codings")
    }
    added = skipped = 0
    failed: list[tuple[str, str]] = []
    with project.transaction(events.CODINGS_IMPORT, f"codings from {name}") as tx:
        for r in rows:
            try:
                row = _row(project, r, name, docs, default_coder if "coder" not in header else None)
            except QualcodeError as e:
                if not keep_going:
                    raise
                failed.append((r["__line__"], str(e)))
                continue
            doc, code, start, end, quote, coder = row
            if coder not in coder_ids:
                coder_ids[coder] = tx.insert("coders", {"guid": new_guid(), "name": coder, "created_at": now()})
            key = (doc["id"], code.id, coder_ids[coder], start, end)
            if key in existing:
                skipped += 1
                continue
            existing.add(key)
            tx.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": doc["id"],
                    "code_id": code.id,
                    "coder_id": coder_ids[coder],
                    "start": start,
                    "end": end,
                    "text": quote,
                    "memo": (r.get("memo") or "").strip() or None,
                    "created_at": now(),
                    "updated_at": now(),
                },
            )
            added += 1
    return {"added": added, "skipped": skipped, "failed": failed}


def _row(
    project: Project, r: dict[str, str], name: str, docs: dict[str, dict[str, Any]], default_coder: str | None
) -> tuple[dict[str, Any], Code, int, int, str, str]:
    """One CSV row checked: (document, code, start, end, quote, coder), or an error naming its line."""
    line = r["__line__"]
    doc = docs.get(r["document"].strip()) or docs.get(Path(r["document"].strip()).stem)
    if doc is None:
        raise QualcodeError(f"{name}: line {line}: no document '{r['document']}' in the project")
    try:
        start, end = int(r["start"]), int(r["end"])
    except ValueError:
        raise QualcodeError(f"{name}: line {line}: start and end must be whole numbers") from None
    n = len(doc["text"])
    if not (0 <= start < end <= n):
        raise QualcodeError(f"{name}: line {line}: [{start}, {end}) is not inside '{doc['name']}' (0..{n})")
    try:
        code = get_code(project, r["code"])
    except QualcodeError as e:
        raise QualcodeError(f"{name}: line {line}: {e}") from None
    if not code.codable:
        raise QualcodeError(f"{name}: line {line}: '{code.path}' is a grouping code and cannot be applied")
    quote = doc["text"][start:end]
    if r.get("text") and r["text"] != quote:
        raise QualcodeError(
            f"{name}: line {line}: the text column does not match the document at "
            f"[{start}, {end}) — offsets must be code points into the imported text"
        )
    coder = default_coder if default_coder else (r.get("coder") or "").strip()
    if not coder:
        raise QualcodeError(f"{name}: line {line}: the coder cell is empty; every coding needs its coder")
    try:
        coder = check_name(coder, "coder name")
    except QualcodeError as e:
        raise QualcodeError(f"{name}: line {line}: {e}") from None
    return doc, code, start, end, quote, coder


def codings_csv(project: Project, **filters: Any) -> str:
    """All codings (or a filtered subset) as RFC 4180 CSV text that ``import_codings_csv`` reads back."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(EXPORT_COLUMNS)
    for r in list_codings(project, **filters):
        w.writerow([r["guid"], r["document"], r["start"], r["end"], r["code"], r["coder"], r["memo"] or "", r["text"]])
    return out.getvalue()
