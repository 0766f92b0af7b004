"""Documents: their rows, their stored text units, and taking one out of the project.

A document's text never changes in place (a correction is a new version, see ``revise``); its
units (sentences, paragraphs, speaker turns) are stored per kind as packed arrays
(``qualcode.store.units``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.units import UnitArrays

KINDS = ("interview", "fieldnote", "other")


def list_documents(project: Project, kind: str | None = None) -> list[dict[str, Any]]:
    me = project.visible_coder()
    mine = " AND c.coder_id = (SELECT id FROM coders WHERE name = ?)" if me is not None else ""
    sql = (
        "SELECT id, guid, name, kind, language, char_count, word_count, source_name, source_format, "
        "encoding, text_sha256, source_sha256, imported_at, "
        f"(SELECT COUNT(*) FROM codings c WHERE c.document_id = d.id{mine}) AS codings "
        "FROM documents d"
    )
    params: list[Any] = [me] if me is not None else []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    return list(project.db.query(sql + " ORDER BY sort_order, name", params))


def get_document(project: Project, ref: str | int) -> dict[str, Any]:
    """A document by id, GUID or name (the file's stem)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        rows = list(project.db.query("SELECT * FROM documents WHERE id = ?", [int(ref)]))
    else:
        rows = list(project.db.query("SELECT * FROM documents WHERE name = ? OR guid = ?", [ref, ref.upper()]))
    if not rows:
        names = [d["name"] for d in project.db.query("SELECT name FROM documents ORDER BY name LIMIT 5")]
        hint = f"; documents are named like {', '.join(names)}" if names else "; the project has no documents yet"
        raise QualcodeError(f"no document '{ref}'{hint}")
    return rows[0]


def document_units(project: Project, document_id: int, kind: str) -> list[dict[str, Any]]:
    """Sentences, paragraphs or turns of a document, sorted by start (``seq`` counts from 1)."""
    from qualcode.store.units import unpack

    row = project.db.execute(
        "SELECT starts, ends, speakers, times FROM unit_sets WHERE document_id = ? AND kind = ?", [document_id, kind]
    ).fetchone()
    return [{"kind": kind, **u} for u in unpack(row)] if row else []


def unit_arrays(project: Project, kind: str, document_ids: list[int] | None = None) -> dict[int, UnitArrays]:
    """``{document_id: (starts, ends)}`` numpy arrays of one unit kind, for analysis."""
    from qualcode.store.units import arrays

    sql = "SELECT document_id, starts, ends FROM unit_sets WHERE kind = ?"
    params: list[str | int] = [kind]
    if document_ids is not None:
        sql += f" AND document_id IN ({','.join('?' * len(document_ids))})"
        params += document_ids
    return {d: arrays((s, e)) for d, s, e in project.db.execute(sql, params)}


def learnt_from_texts(project: Project, names: Iterable[str], why: str = "trained on the old text") -> list[str]:
    """What changing (or removing) these documents' texts would delete because it was learnt from them —
    stored assist models, whose vocabulary holds the texts' words (``store.changes.LEARNT_FROM_TEXT``):
    one line per kind, how many, which, and how to get one again. Empty if nothing."""
    from qualcode.store.changes import learnt_from, removed_note

    found = learnt_from(project.db, names)
    return removed_note({kind: [label for _, label in rows] for kind, rows in found.items()}, why)


def remove_document(project: Project, ref: str | int, with_codings: bool = False) -> int:
    """Remove a document with its units, attributes, versions and memos; one undoable step.

    Assist models trained on its text are deleted with it and do not come back with an undo
    (``learnt_from_texts`` says which, beforehand; the event's summary names them).

    Refused while it holds codings unless ``with_codings`` (the count is in the message), so
    nobody's coding disappears by accident. Returns the number of codings removed.
    """
    doc = get_document(project, ref)
    n: int = project.db.execute("SELECT COUNT(*) FROM codings WHERE document_id = ?", [doc["id"]]).fetchone()[0]
    if n and not with_codings:
        raise QualcodeError(f"'{doc['name']}' holds {n} coding(s); pass --with-codings to remove them too")
    with project.transaction(events.DOCUMENT_REMOVE, f"removed {doc['name']} ({n} coding(s))") as tx:
        coding_guids = [g for (g,) in project.db.execute("SELECT guid FROM codings WHERE document_id = ?", [doc["id"]])]
        for guid in [*coding_guids, doc["guid"]]:
            for (mid,) in project.db.execute("SELECT id FROM memos WHERE target_guid = ?", [guid]).fetchall():
                tx.delete("memos", mid)
        for (cid,) in project.db.execute("SELECT id FROM codings WHERE document_id = ?", [doc["id"]]).fetchall():
            tx.delete("codings", cid)
        for table, key_cols in (
            ("document_attributes", ("document_id", "attribute_id")),
            ("unit_sets", ("document_id", "kind")),
            ("document_versions", ("id",)),
            ("coding_reviews", ("id",)),
        ):
            cols = ", ".join(f"[{c}]" for c in key_cols)
            for key in project.db.execute(
                f"SELECT {cols} FROM [{table}] WHERE document_id = ?", [doc["id"]]
            ).fetchall():
                tx.delete(table, dict(zip(key_cols, key)))
        tx.delete("documents", doc["id"])
    return n


def document_text(project: Project, document_id: int) -> tuple[dict[str, Any], str]:
    """(id, guid, name, kind) and the text of one document."""
    row = project.db.execute("SELECT id, guid, name, kind, text FROM documents WHERE id = ?", [document_id]).fetchone()
    if row is None:
        raise QualcodeError(f"no document with id {document_id}")
    return dict(zip(("id", "guid", "name", "kind"), row[:4])), row[4]


def document_texts(project: Project, ids: Iterable[int]) -> dict[int, str]:
    """``{document_id: text}`` for these documents."""
    ids = list(ids)
    if not ids:
        return {}
    return dict(
        project.db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()
    )
