"""Tree operations on a project's codebook: add, edit, move, merge, delete, import, export.

Each operation is one transaction (so one undo step) and refuses what would corrupt the tree:
cycles, duplicate sibling names, duplicate hotkeys, deleting a code that still holds codings
unless the user says where they go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.codebook.codes import code_counts, descendants, get_code, list_codes
from qualcode.codebook.identity import CodeTreeMerger, IncomingCode
from qualcode.codebook.yaml_format import FIELDS, Codebook, CodeNode
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events
from qualcode.text.names import check_name

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

EDITABLE = set(FIELDS) | {"name", "codable"}


def _check_name(project: Project, name: str, parent_id: int | None, exclude: int | None = None) -> str:
    name = check_name(name, "code name")
    if "/" in name:
        raise QualcodeError(f"'{name}': a code name may not contain '/' (it separates levels)")
    for c in list_codes(project):
        if c.parent_id == parent_id and c.name.casefold() == name.casefold() and c.id != exclude:
            raise QualcodeError(f"'{c.path}' already exists")
    return name


def _check_hotkey(project: Project, hotkey: str | None, exclude: int | None = None) -> None:
    if hotkey:
        if len(hotkey) != 1:
            raise QualcodeError(f"hotkey '{hotkey}' must be a single character")
        if not (hotkey.isalpha() or hotkey in "56789"):  # the workbench's own keys: 1–4, = [ ] { } " + - < > / ?
            raise QualcodeError(
                f"hotkey '{hotkey}' is one of the workbench's own keys; choose a letter (or a digit 5–9)"
            )
        for c in list_codes(project):
            if c.hotkey == hotkey and c.id != exclude:
                raise QualcodeError(f"hotkey '{hotkey}' already belongs to '{c.path}'")


def add_code(project: Project, name: str, parent: str | int | None = None, **fields: Any) -> Code:
    parent_code = get_code(project, parent) if parent not in (None, "") else None
    parent_id = parent_code.id if parent_code else None
    name = _check_name(project, name, parent_id)
    _check_hotkey(project, fields.get("hotkey"))
    bad = set(fields) - EDITABLE
    if bad:
        raise QualcodeError(f"unknown code field(s): {', '.join(sorted(bad))}")
    order = project.db.execute(
        "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM codes WHERE parent_id IS ?", [parent_id]
    ).fetchone()[0]
    row = {
        "guid": fields.pop("guid", None) or new_guid(),
        "parent_id": parent_id,
        "name": name,
        "sort_order": order,
        "codable": int(fields.pop("codable", True)),
        "created_at": now(),
        **fields,
    }
    path = f"{parent_code.path}/{name}" if parent_code else name
    with project.transaction(events.CODE_ADD, f"added {path}") as tx:
        code_id = tx.insert("codes", row)
    return get_code(project, code_id)


def plan_code_path(project: Project, path: str) -> list[str]:
    """The parts of a new code path, checked: every name valid, the whole path not yet a code."""
    parts = [p.strip() for p in path.strip().strip("/").split("/")]
    if not parts or any(not p for p in parts):
        raise QualcodeError(f"'{path}': a code path needs a name between each '/'")
    for p in parts:
        check_name(p, "code name")
    existing = {c.path.casefold(): c for c in list_codes(project)}.get("/".join(parts).casefold())
    if existing is not None:
        raise QualcodeError(f"'{existing.path}' already exists")
    return parts


def insert_code_path(project: Project, tx: Any, parts: list[str]) -> int:
    """Insert the codes of ``parts`` that do not exist yet inside ``tx``; the id of the last one."""
    by_path = {c.path.casefold(): c for c in list_codes(project)}
    parent_id: int | None = None
    for depth, part in enumerate(parts):
        existing = by_path.get("/".join(parts[: depth + 1]).casefold())
        if existing is not None:
            parent_id = existing.id
            continue
        name = _check_name(project, part, parent_id)
        order = project.db.execute(
            "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM codes WHERE parent_id IS ?", [parent_id]
        ).fetchone()[0]
        parent_id = tx.insert(
            "codes",
            {
                "guid": new_guid(),
                "parent_id": parent_id,
                "name": name,
                "sort_order": order,
                "codable": 1,
                "created_at": now(),
            },
        )
    assert parent_id is not None  # parts is never empty (plan_code_path)
    project.cache.clear()  # the code tree read above does not hold the codes just inserted
    return parent_id


def add_code_path(project: Project, path: str) -> Code:
    """Create ``Parent/Child/Name``, with every parent that does not exist yet, in one transaction
    (one undo step): the picker takes a whole path as people type it."""
    parts = plan_code_path(project, path)
    with project.transaction(events.CODE_ADD, f"added {'/'.join(parts)}") as tx:
        code_id = insert_code_path(project, tx, parts)
    return get_code(project, code_id)


def update_code(project: Project, code: str | int, **fields: Any) -> Code:
    c = get_code(project, code)
    bad = set(fields) - EDITABLE
    if bad:
        raise QualcodeError(f"unknown code field(s): {', '.join(sorted(bad))}")
    if "name" in fields:
        fields["name"] = _check_name(project, fields["name"], c.parent_id, exclude=c.id)
    if "hotkey" in fields:
        fields["hotkey"] = fields["hotkey"] or None
        _check_hotkey(project, fields["hotkey"], exclude=c.id)
    if "codable" in fields:
        fields["codable"] = int(bool(fields["codable"]))
        if not fields["codable"] and code_counts(project).get(c.id):
            raise QualcodeError(f"'{c.path}' holds codings; move them before making it a grouping code")
    what = "renamed" if set(fields) == {"name"} else "edited"
    with project.transaction(events.CODE_EDIT, f"{what} {c.path}") as tx:
        tx.update("codes", c.id, fields)
    return get_code(project, c.id)


def move_code(project: Project, code: str | int, new_parent: str | int | None) -> Code:
    c = get_code(project, code)
    parent = get_code(project, new_parent) if new_parent not in (None, "") else None
    if parent and (parent.id == c.id or parent.id in {d.id for d in descendants(project, c.id)}):
        raise QualcodeError(f"cannot move '{c.path}' under '{parent.path}': a code cannot be inside itself")
    parent_id = parent.id if parent else None
    _check_name(project, c.name, parent_id, exclude=c.id)
    order = project.db.execute(
        "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM codes WHERE parent_id IS ?", [parent_id]
    ).fetchone()[0]
    with project.transaction(events.CODE_MOVE, f"moved {c.path} to {parent.path if parent else 'top level'}") as tx:
        tx.update("codes", c.id, {"parent_id": parent_id, "sort_order": order})
    return get_code(project, c.id)


def reorder_code(project: Project, code: str | int, delta: int) -> Code:
    """Move a code up (-1) or down (+1) among its siblings."""
    c = get_code(project, code)
    sibs = [s for s in list_codes(project) if s.parent_id == c.parent_id]
    i = [s.id for s in sibs].index(c.id)
    j = max(0, min(len(sibs) - 1, i + delta))
    if i == j:
        return c
    sibs.insert(j, sibs.pop(i))
    with project.transaction(events.CODE_REORDER, f"reordered {c.path}") as tx:
        for k, s in enumerate(sibs):
            tx.update("codes", s.id, {"sort_order": k})
    return get_code(project, c.id)


@dataclass
class MergeResult:
    moved: int
    collapsed: int
    children: int


def merge_codes(project: Project, source: str | int, target: str | int) -> MergeResult:
    """Move every coding and child of ``source`` to ``target``, then delete ``source``.

    A coding that would duplicate one already on the target (same document, coder and span)
    collapses into it; its memo is appended so nothing written is lost.
    """
    s, t = get_code(project, source), get_code(project, target)
    if s.id == t.id:
        raise QualcodeError("cannot merge a code into itself")
    if t.id in {d.id for d in descendants(project, s.id)}:
        raise QualcodeError(f"cannot merge '{s.path}' into its own descendant '{t.path}'")
    if not t.codable:
        raise QualcodeError(f"'{t.path}' is a grouping code; merge into a codable code")
    target_keys = {
        (r[0], r[1], r[2], r[3]): (r[4], r[5])
        for r in project.db.execute(
            "SELECT document_id, coder_id, start, [end], id, memo FROM codings WHERE code_id = ?", [t.id]
        )
    }
    moved = collapsed = 0
    with project.transaction(events.CODE_MERGE, f"merged {s.path} into {t.path}") as tx:
        for cid, doc, coder, start, end, memo in project.db.execute(
            "SELECT id, document_id, coder_id, start, [end], memo FROM codings WHERE code_id = ?", [s.id]
        ).fetchall():
            key = (doc, coder, start, end)
            if key in target_keys:
                tid, tmemo = target_keys[key]
                if memo:
                    merged = f"{tmemo}\n\n{memo}" if tmemo else memo
                    tx.update("codings", tid, {"memo": merged})
                    target_keys[key] = (tid, merged)
                tx.delete("codings", cid)
                collapsed += 1
            else:
                tx.update("codings", cid, {"code_id": t.id, "updated_at": now()})
                target_keys[key] = (cid, memo)
                moved += 1
        children = [c for c in list_codes(project) if c.parent_id == s.id]
        taken = {c.name.casefold() for c in list_codes(project) if c.parent_id == t.id}
        for child in children:
            if child.name.casefold() in taken:
                raise QualcodeError(f"cannot merge: '{t.path}' already has a child named '{child.name}'")
            tx.update("codes", child.id, {"parent_id": t.id})
        for m in project.db.execute(
            "SELECT id FROM memos WHERE target = 'code' AND target_guid = ?", [s.guid]
        ).fetchall():
            tx.update("memos", m[0], {"target_guid": t.guid})
        tx.delete("codes", s.id)
    return MergeResult(moved, collapsed, len(children))


def delete_code(project: Project, code: str | int, codings: str = "refuse") -> int:
    """Delete a code. ``codings``: 'refuse' (default), 'parent' (move them up) or 'delete'. Returns the count."""
    c = get_code(project, code)
    if any(x.parent_id == c.id for x in list_codes(project)):
        raise QualcodeError(f"'{c.path}' has child codes; move, merge or delete them first")
    n = code_counts(project).get(c.id, 0)
    if n and codings == "refuse":
        raise QualcodeError(f"'{c.path}' holds {n} coding(s); say where they go: --move-to-parent or --delete-codings")
    if n and codings == "parent":
        if c.parent_id is None:
            raise QualcodeError(f"'{c.path}' is at the top level: it has no parent to take its {n} coding(s)")
        parent = get_code(project, c.parent_id)
        if not parent.codable:
            raise QualcodeError(f"the parent '{parent.path}' is a grouping code and cannot take codings")
    with project.transaction(
        events.CODE_DELETE,
        f"deleted {c.path} ({n} coding(s) {'moved to parent' if codings == 'parent' else 'deleted'})",
    ) as tx:
        if n:
            rows = project.db.execute(
                "SELECT id, document_id, coder_id, start, [end] FROM codings WHERE code_id = ?", [c.id]
            ).fetchall()
            if codings == "parent":
                have = {
                    tuple(r)
                    for r in project.db.execute(
                        "SELECT document_id, coder_id, start, [end] FROM codings WHERE code_id = ?", [c.parent_id]
                    )
                }
                for cid, *key in rows:
                    if tuple(key) in have:
                        tx.delete("codings", cid)
                    else:
                        tx.update("codings", cid, {"code_id": c.parent_id})
            else:
                for cid, *_ in rows:
                    for m in project.db.execute(
                        "SELECT m.id FROM memos m JOIN codings k ON k.guid = m.target_guid "
                        "WHERE m.target = 'coding' AND k.id = ?",
                        [cid],
                    ).fetchall():
                        tx.delete("memos", m[0])
                    tx.delete("codings", cid)
        for m in project.db.execute(
            "SELECT id FROM memos WHERE target = 'code' AND target_guid = ?", [c.guid]
        ).fetchall():
            tx.delete("memos", m[0])
        tx.delete("codes", c.id)
    return n


# ---------------------------------------------------------------------------- YAML ↔ project


@dataclass
class CodebookReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_codebook(project: Project, book: Codebook) -> CodebookReport:
    """Merge a codebook file into the project (see ``qualcode.codebook.identity``): the file is the
    team's reference, so matched codes take its names, places, definitions, colours and hotkeys."""

    def incoming(node: CodeNode, order: int) -> IncomingCode:
        values = {f: getattr(node, f) for f in FIELDS} | {"codable": node.codable, "sort_order": order}
        return IncomingCode(node.name, node.guid, values, [incoming(c, i) for i, c in enumerate(node.children)])

    with project.transaction(events.CODEBOOK_IMPORT, f"codebook {book.title or ''}".strip()) as tx:
        result = CodeTreeMerger(project, tx, update=True, hotkey_clash="refuse").merge(
            [incoming(n, i) for i, n in enumerate(book.codes)]
        )
    return CodebookReport(result.added, result.changed, result.unchanged, result.by_path + result.notes)


def export_codebook(project: Project, title: str | None = None) -> Codebook:
    nodes: dict[int, CodeNode] = {}
    roots: list[CodeNode] = []
    for c in list_codes(project):  # tree order: parents come before children
        n = CodeNode(
            name=c.name,
            guid=c.guid,
            description=c.description,
            inclusion=c.inclusion,
            exclusion=c.exclusion,
            example=c.example,
            colour=c.colour,
            hotkey=c.hotkey,
            codable=c.codable,
        )
        nodes[c.id] = n
        (nodes[c.parent_id].children if c.parent_id else roots).append(n)
    return Codebook(title=title or project.meta("codebook_title"), codes=roots)
