"""Memos: a coder's notes on the project, a document, a code or a coding (one per coder and target)."""

from __future__ import annotations

from dataclasses import dataclass
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


# ---------------------------------------------------------------------- reading memos for the workbench
KIND_ORDER = {kind: i for i, kind in enumerate(TARGETS)}


@dataclass(frozen=True)
class MemoEntry:
    """One memo as the memo browser shows it: what it is on, whose, when, and where it leads.

    A coding's memo lives either in ``codings.memo`` (written with ctrl+n or ``code --memo``;
    ``memo_id`` is None, ``coder`` is the coding's coder) or in ``memos`` (``memo coding``, REFI-QDA).
    """

    kind: str  # project | document | code | coding
    memo_id: int | None  # memos.id; None for a coding's own memo (codings.memo)
    target_guid: str | None
    target: str  # what it is on, for people: the project, a document name, a code path, "code on doc [a,b)"
    coder: str | None
    updated_at: str | None
    text: str
    document_id: int | None = None
    code_id: int | None = None
    coding_id: int | None = None
    start: int | None = None
    end: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Identity across reloads (the browser keeps its highlight on it)."""
        return ("memo", self.memo_id) if self.memo_id is not None else ("coding", self.coding_id or 0)

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.text.splitlines() if line.strip()), "")


def _visible(project: Project, entries: list[MemoEntry]) -> list[MemoEntry]:
    """Blind coding hides other coders' memos as it hides their codings (a supervisor sees all)."""
    me = project.visible_coder()
    return entries if me is None else [e for e in entries if e.coder in (me, None)]


def all_memos(project: Project) -> list[MemoEntry]:
    """Every memo of the project this session may see — on the project, documents, codes and codings
    (both kinds of coding memo) — by kind, then in document and codebook order."""
    from qualcode.codebook.codes import codes_by_id, list_codes

    codes = codes_by_id(project)
    code_order = {c.id: k for k, c in enumerate(list_codes(project))}
    code_by_guid = {c.guid: c for c in codes.values()}
    docs = {
        r[0]: (r[1], r[2], k)
        for k, r in enumerate(
            project.db.execute("SELECT guid, id, name FROM documents ORDER BY sort_order, name").fetchall()
        )
    }
    doc_by_id = {v[0]: (g, v[1], v[2]) for g, v in docs.items()}
    coders = dict(project.db.execute("SELECT id, name FROM coders").fetchall())
    project_name = project.meta("name") or project.path.stem
    entries: list[tuple[tuple[Any, ...], MemoEntry]] = []

    def coding_entry(c: tuple[Any, ...], memo_id: int | None, coder: str | None, at: str, text: str) -> None:
        coding_id, guid, doc_id, code_id, start, end = c
        code = codes.get(code_id)
        _, name, order = doc_by_id.get(doc_id, ("", "?", -1))
        entry = MemoEntry(
            "coding",
            memo_id,
            guid,
            f"{code.path if code else '?'} on {name} [{start},{end})",
            coder,
            at,
            text,
            doc_id,
            code_id,
            coding_id,
            start,
            end,
        )
        entries.append(((KIND_ORDER["coding"], order, start, end, coding_id, memo_id or 0), entry))

    for coding_id, guid, doc_id, code_id, start, end, coder_id, at, text in project.db.execute(
        "SELECT id, guid, document_id, code_id, start, [end], coder_id, updated_at, memo FROM codings "
        "WHERE COALESCE(memo, '') != ''"
    ).fetchall():
        coding_entry((coding_id, guid, doc_id, code_id, start, end), None, coders.get(coder_id), at, text)
    for memo_id, target, guid, coder_id, at, text, *coding in project.db.execute(
        "SELECT m.id, m.target, m.target_guid, m.coder_id, m.updated_at, m.text, "
        "c.id, c.guid, c.document_id, c.code_id, c.start, c.[end] FROM memos m "
        "LEFT JOIN codings c ON m.target = 'coding' AND c.guid = m.target_guid"
    ).fetchall():
        coder = coders.get(coder_id)
        if target == "coding":
            if coding[0] is not None:
                coding_entry(tuple(coding), memo_id, coder, at, text)
        elif target == "document" and guid in docs:
            doc_id, name, order = docs[guid]
            entry = MemoEntry("document", memo_id, guid, name, coder, at, text, document_id=doc_id)
            entries.append(((KIND_ORDER["document"], order, memo_id), entry))
        elif target == "code" and guid in code_by_guid:
            code = code_by_guid[guid]
            entry = MemoEntry("code", memo_id, guid, code.path, coder, at, text, code_id=code.id)
            entries.append(((KIND_ORDER["code"], code_order.get(code.id, 0), memo_id), entry))
        elif target == "project":
            entry = MemoEntry("project", memo_id, guid, project_name, coder, at, text)
            entries.append(((KIND_ORDER["project"], memo_id), entry))
    entries.sort(key=lambda e: e[0])
    return _visible(project, [e for _, e in entries])


def _seen(project: Project) -> tuple[str, list[Any]]:
    """The SQL condition (on memos ``m``) for the memos this session may see: while blind coding is
    on, only your own and those without a coder."""
    me = project.visible_coder()
    if me is None:
        return "", []
    return " AND (m.coder_id IS NULL OR m.coder_id IN (SELECT id FROM coders WHERE name = ?))", [me]


def codes_with_memos(project: Project) -> set[int]:
    """Ids of the codes with a memo this session may see: the codebook marks them ✎ (one query)."""
    seen, params = _seen(project)
    sql = "SELECT DISTINCT c.id FROM memos m JOIN codes c ON c.guid = m.target_guid WHERE m.target = 'code'"
    return {r[0] for r in project.db.execute(sql + seen, params).fetchall()}


def coding_memo_texts(project: Project) -> dict[int, str]:
    """``{coding id: its memo}`` for every coding with one — its own memo (``codings.memo``, ctrl+n)
    first, then memos written on it (``memo coding``, REFI-QDA) that this session may see. Memos
    are few: retrieval marks its segments ✎ from one read of them."""
    out: dict[int, list[str]] = {}
    for cid, text in project.db.execute("SELECT id, memo FROM codings WHERE COALESCE(memo, '') != ''").fetchall():
        out.setdefault(cid, []).append(text)
    seen, params = _seen(project)
    sql = (
        "SELECT c.id, m.text FROM memos m JOIN codings c ON c.guid = m.target_guid "
        "WHERE m.target = 'coding' AND COALESCE(m.text, '') != ''"
    )
    for cid, text in project.db.execute(sql + seen + " ORDER BY m.id", params).fetchall():
        out.setdefault(cid, []).append(text)
    return {k: "\n".join(v) for k, v in out.items()}


def code_memos(project: Project, code_guid: str) -> list[tuple[str | None, str]]:
    """(coder, text) of the memos on one code this session may see, the session coder's first."""
    me = project.visible_coder()
    rows = [
        (m["coder"], m["text"])
        for m in list_memos(project, "code", code_guid)
        if me is None or m["coder"] in (me, None)
    ]
    return sorted(rows, key=lambda r: (r[0] != project.coder, r[0] or ""))
