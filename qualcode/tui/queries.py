"""Read-only SQL the workbench needs on every keystroke, leaner than the general Project queries."""

from __future__ import annotations


def document_codings(project, document_id: int) -> list[dict]:
    """(id, code_id, coder, start, end) of every coding in one document (yours only while blind)."""
    me = project.visible_coder()
    rows = [dict(zip(("id", "code_id", "coder", "start", "end"), r)) for r in project.db.execute(
        "SELECT c.id, c.code_id, k.name, c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id "
        "WHERE c.document_id = ? ORDER BY c.start, c.[end], c.id", [document_id]).fetchall()]
    return rows if me is None else [r for r in rows if r["coder"] == me]


def codings_per_document(project, coder: str) -> dict[int, int]:
    return dict(project.db.execute(
        "SELECT c.document_id, COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ? "
        "GROUP BY c.document_id", [coder]).fetchall())


def document_text(project, document_id: int) -> tuple[dict, str]:
    row = project.db.execute("SELECT id, guid, name, kind FROM documents WHERE id = ?", [document_id]).fetchone()
    text = project.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()[0]
    return dict(zip(("id", "guid", "name", "kind"), row)), text


def other_coders(project, document_id: int, me: str) -> list[str]:
    """Coders other than ``me`` with codings in the document, most codings first (none while blind)."""
    if project.visible_coder() is not None:
        return []
    return [r[0] for r in project.db.execute(
        "SELECT k.name FROM codings c JOIN coders k ON k.id = c.coder_id WHERE c.document_id = ? AND k.name != ? "
        "GROUP BY k.name ORDER BY COUNT(*) DESC, k.name", [document_id, me]).fetchall()]

