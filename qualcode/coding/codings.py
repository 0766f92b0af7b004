"""Codings: a code applied by a coder to a span of a document — add, resize, annotate, remove, list.

Offsets are code points, half-open, inside the document's current text; every coding stores the
text it quotes and belongs to a coder. Each change is one transaction and one undoable event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from qualcode.codebook.codes import codes_by_id, descendants, get_code
from qualcode.corpus.documents import get_document
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events
from qualcode.text.graphemes import check_clusters
from qualcode.text.offsets import check_span

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project


def coding_row(
    doc: dict[str, Any], code: Code, start: int, end: int, memo: str | None = None, at: str | None = None
) -> dict[str, Any]:
    """A new coding's row, checked: a codable code, a span inside the text that cuts no character.
    Every writer of codings (coding, the assistant's accept and apply) builds its rows here."""
    if not code.codable:
        raise QualcodeError(f"'{code.path}' is a grouping code and cannot be applied; choose one of its children")
    check_span(doc["char_count"], start, end, f"{doc['name']}")
    check_clusters(doc["text"], start, end, doc["name"])
    ts = at or now()
    return {
        "guid": new_guid(),
        "document_id": doc["id"],
        "code_id": code.id,
        "start": start,
        "end": end,
        "text": doc["text"][start:end],
        "memo": memo,
        "created_at": ts,
        "updated_at": ts,
    }


def refuse_duplicate(project: Project, doc: dict[str, Any], code: Code, coder: str, start: int, end: int) -> None:
    """One coder applies a code to a span once (a second, identical coding is refused)."""
    existing = project.db.execute(
        "SELECT c.guid FROM codings c JOIN coders k ON k.id = c.coder_id WHERE document_id = ? AND code_id = ? "
        "AND k.name = ? AND start = ? AND [end] = ?",
        [doc["id"], code.id, coder, start, end],
    ).fetchone()
    if existing:
        raise QualcodeError(f"{coder} has already coded [{start}, {end}) in {doc['name']} with {code.path}")


def add_coding(
    project: Project,
    document: str | int,
    start: int,
    end: int,
    code: str | int,
    coder: str | None = None,
    memo: str | None = None,
) -> dict[str, Any]:
    doc = get_document(project, document)
    c = get_code(project, code)
    row = coding_row(doc, c, start, end, memo)
    coder_name = coder or project.coder
    refuse_duplicate(project, doc, c, coder_name, start, end)
    with project.transaction(events.CODING_ADD, f"{c.path} on {doc['name']} [{start},{end})") as tx:
        row["coder_id"] = project.coder_id(coder_name, tx=tx)
        row["id"] = tx.insert("codings", row)
    return row


def add_coding_with_new_code(
    project: Project, document: str | int, start: int, end: int, path: str, coder: str | None = None
) -> tuple[dict[str, Any], Code]:
    """Create the code ``Parent/Name`` (and any missing parent) and apply it, in one event: in-vivo
    coding and the picker's "new code" are one step to undo, and a refused span leaves no code."""
    from qualcode.codebook.tree import insert_code_path, plan_code_path

    doc = get_document(project, document)
    parts = plan_code_path(project, path)
    check_span(doc["char_count"], start, end, doc["name"])
    check_clusters(doc["text"], start, end, doc["name"])
    coder_name = coder or project.coder
    full = "/".join(parts)
    with project.transaction(events.CODING_ADD, f"added {full}; {full} on {doc['name']} [{start},{end})") as tx:
        code_id = insert_code_path(project, tx, parts)
        code = get_code(project, code_id)
        row = coding_row(doc, code, start, end)
        row["coder_id"] = project.coder_id(coder_name, tx=tx)
        row["id"] = tx.insert("codings", row)
    return row, get_code(project, code_id)


def get_coding(project: Project, ref: int | str) -> dict[str, Any]:
    col = "id" if isinstance(ref, int) or str(ref).isdigit() else "guid"
    rows = list(project.db.query(f"SELECT * FROM codings WHERE {col} = ?", [ref if col == "id" else str(ref).upper()]))
    if not rows:
        raise QualcodeError(f"no coding {ref}")
    return rows[0]


def _named(project: Project, row: dict[str, Any]) -> str:
    """``Barriers/Stigma on int01 [348,365)``: how the log, undo and the workbench name a coding
    (a GUID says nothing to the person who coded it)."""
    name = project.db.execute("SELECT name FROM documents WHERE id = ?", [row["document_id"]]).fetchone()
    path = codes_by_id(project)[row["code_id"]].path
    return f"{path} on {name[0] if name else '?'} [{row['start']},{row['end']})"


def remove_coding(project: Project, ref: int | str) -> None:
    row = get_coding(project, ref)
    with project.transaction(events.CODING_REMOVE, f"removed {_named(project, row)}") as tx:
        for m in project.db.query("SELECT id FROM memos WHERE target = 'coding' AND target_guid = ?", [row["guid"]]):
            tx.delete("memos", m["id"])
        tx.delete("codings", row["id"])


def resize_coding(project: Project, ref: int | str, start: int, end: int) -> dict[str, Any]:
    row = get_coding(project, ref)
    doc = get_document(project, row["document_id"])
    check_span(doc["char_count"], start, end, doc["name"])
    check_clusters(doc["text"], start, end, doc["name"])
    text = doc["text"][start:end]
    with project.transaction(events.CODING_RESIZE, f"{_named(project, row)} → [{start},{end})") as tx:
        tx.update("codings", row["id"], {"start": start, "end": end, "text": text, "updated_at": now()})
    return get_coding(project, row["id"])


def set_coding_memo(project: Project, ref: int | str, memo: str | None) -> None:
    row = get_coding(project, ref)
    with project.transaction(events.CODING_MEMO, f"memo on {_named(project, row)}") as tx:
        tx.update("codings", row["id"], {"memo": memo or None, "updated_at": now()})


def list_codings(
    project: Project,
    document: str | int | None = None,
    code: str | int | None = None,
    coder: str | None = None,
    include_children: bool = False,
) -> list[dict[str, Any]]:
    """Codings joined with document, code path and coder, in document order (only the session
    coder's while blind coding is on)."""
    coder = project.visible(coder)
    where, params = [], []
    if document is not None:
        where.append("c.document_id = ?")
        params.append(get_document(project, document)["id"])
    if code is not None:
        target = get_code(project, code)
        ids = [target.id] + ([d.id for d in descendants(project, target.id)] if include_children else [])
        where.append(f"c.code_id IN ({','.join('?' * len(ids))})")
        params += ids
    if coder is not None:
        where.append("k.name = ?")
        params.append(coder)
    sql = (
        "SELECT c.id, c.guid, c.document_id, d.name AS document, c.code_id, c.coder_id, k.name AS coder, "
        "c.start, c.[end], c.text, c.memo, c.created_at FROM codings c "
        "JOIN documents d ON d.id = c.document_id JOIN coders k ON k.id = c.coder_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = list(project.db.query(sql + " ORDER BY d.sort_order, d.name, c.start, c.[end], c.id", params))
    codes = codes_by_id(project)
    for r in rows:
        r["code"] = codes[r["code_id"]].path
    return rows


def segment_columns(
    project: Project, code: str | int, coder: str | None = None, include_children: bool = False
) -> dict[str, list[Any]]:
    """A code's segments as columns (id, document_id, document, code_id, code, coder, start, end),
    in document order, without their text: retrieval of 50,000 segments reads only what it
    places, and fetches the quotes on screen with ``coding_texts``."""
    coder = project.visible(coder)
    target = get_code(project, code)
    ids = [target.id] + ([d.id for d in descendants(project, target.id)] if include_children else [])
    sql = (
        "SELECT c.id, c.document_id, c.code_id, c.coder_id, c.start, c.[end] FROM codings c "
        f"WHERE c.code_id IN ({','.join('?' * len(ids))})"
    )
    params: list[Any] = list(ids)
    coders = dict(project.db.execute("SELECT id, name FROM coders").fetchall())
    if coder is not None:
        sql += " AND c.coder_id IN (SELECT id FROM coders WHERE name = ?)"
        params.append(coder)
    docs = {
        i: (k, name)
        for k, (i, name) in enumerate(
            project.db.execute("SELECT id, name FROM documents ORDER BY sort_order, name").fetchall()
        )
    }
    rows = project.db.execute(sql, params).fetchall()
    rows.sort(key=lambda r: (docs[r[1]][0], r[4], r[5], r[0]))
    keys = ("id", "document_id", "code_id", "coder_id", "start", "end")
    columns: dict[str, list[Any]] = (
        {k: list(col) for k, col in zip(keys, zip(*rows))} if rows else {k: [] for k in keys}
    )
    paths = {c.id: c.path for c in codes_by_id(project).values()}
    columns["document"] = [docs[d][1] for d in columns["document_id"]]
    columns["code"] = [paths[c] for c in columns["code_id"]]
    columns["coder"] = [coders[k] for k in columns.pop("coder_id")]
    return columns


def coding_texts(project: Project, ids: list[int]) -> dict[int, str]:
    """``{coding id: the text it quotes}`` for a page of segments."""
    out: dict[int, str] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        out.update(
            project.db.execute(
                f"SELECT id, text FROM codings WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
        )
    return out


def codings_in_document(project: Project, document_id: int) -> list[dict[str, Any]]:
    """(id, code_id, coder, start, end, memo: has one) of every coding in one document (yours only
    while blind): what the workbench draws, read lean because it runs on every keystroke that codes."""
    me = project.visible_coder()
    rows = [
        dict(zip(("id", "code_id", "coder", "start", "end", "memo"), r))
        for r in project.db.execute(
            "SELECT c.id, c.code_id, k.name, c.start, c.[end], COALESCE(c.memo, '') != '' FROM codings c "
            "JOIN coders k ON k.id = c.coder_id WHERE c.document_id = ? ORDER BY c.start, c.[end], c.id",
            [document_id],
        ).fetchall()
    ]
    return rows if me is None else [r for r in rows if r["coder"] == me]


def codings_per_document(project: Project, coder: str) -> dict[int, int]:
    """``{document_id: number of this coder's codings}``."""
    return dict(
        project.db.execute(
            "SELECT c.document_id, COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ? "
            "GROUP BY c.document_id",
            [coder],
        ).fetchall()
    )


def other_coders(project: Project, document_id: int, me: str) -> list[str]:
    """Coders other than ``me`` with codings in the document, most codings first (none while blind)."""
    if project.visible_coder() is not None:
        return []
    return [
        r[0]
        for r in project.db.execute(
            "SELECT k.name FROM codings c JOIN coders k ON k.id = c.coder_id WHERE c.document_id = ? AND k.name != ? "
            "GROUP BY k.name ORDER BY COUNT(*) DESC, k.name",
            [document_id, me],
        ).fetchall()
    ]


def recent_codes(project: Project, coder: str, limit: int = 20) -> list[int]:
    """The codes ``coder`` applied last, most recent first: the picker offers them first. Reads the
    coder's latest codings backwards by id (newest first) rather than grouping a million rows."""
    rows = project.db.execute(
        "SELECT code_id FROM codings WHERE coder_id = (SELECT id FROM coders WHERE name = ?) ORDER BY id DESC LIMIT ?",
        [coder, limit * 100],
    ).fetchall()
    return list(dict.fromkeys(r[0] for r in rows))[:limit]


def count_codings(project: Project) -> int:
    return cast(int, project.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0])
