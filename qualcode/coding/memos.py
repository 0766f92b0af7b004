"""Memos: a coder's notes on the project, a document, a code or a coding (one per coder and target)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project

TARGETS = ("project", "document", "code", "coding")


def list_memos(project: Project, target: str | None = None, target_guid: str | None = None) -> list[dict[str, Any]]:
    sql, params = "SELECT m.*, k.name AS coder FROM memos m LEFT JOIN coders k ON k.id = m.coder_id", []
    if target:
        sql += " WHERE m.target = ?" + (" AND m.target_guid = ?" if target_guid else "")
        params = [target] + ([target_guid] if target_guid else [])
    return list(project.db.query(sql + " ORDER BY m.id", params))


def set_memo(
    project: Project, target: str, target_guid: str | None, text: str, title: str | None = None
) -> dict[str, Any]:
    """Create or replace this coder's memo on a project/document/code/coding (empty text deletes it)."""
    if target not in ("project", "document", "code", "coding"):
        raise QualcodeError(f"memos attach to a project, document, code or coding, not '{target}'")
    with project.transaction(events.MEMO_SET, f"memo on {target} {target_guid or ''}".strip()) as tx:
        coder_id = project.coder_id(tx=tx)
        row = project.db.execute(
            "SELECT id FROM memos WHERE target = ? AND IFNULL(target_guid,'') = ? AND coder_id = ?",
            [target, target_guid or "", coder_id],
        ).fetchone()
        if row and not text.strip():
            tx.delete("memos", row[0])
            return {}
        if row:
            tx.update("memos", row[0], {"text": text, "title": title, "updated_at": now()})
            return next(project.db.query("SELECT * FROM memos WHERE id = ?", [row[0]]))
        if not text.strip():
            return {}
        fields = {
            "guid": new_guid(),
            "target": target,
            "target_guid": target_guid,
            "coder_id": coder_id,
            "title": title,
            "text": text,
            "created_at": now(),
            "updated_at": now(),
        }
        fields["id"] = tx.insert("memos", fields)
        return fields
