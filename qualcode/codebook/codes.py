"""The codes of a project: the tree as read from the ``codes`` table, found by id, GUID, path or name.

The tree is read once and kept on the project (``project.cache``) until the project writes or hears
of another process's write, because the workbench asks for paths and hotkeys on every keystroke.
Changing the tree (add, rename, move, merge, delete) is ``qualcode.codebook.tree``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.project import Project

PATH_SEP = "/"


@dataclass(frozen=True)
class Code:
    id: int
    guid: str
    parent_id: int | None
    name: str
    path: str
    depth: int
    description: str | None
    inclusion: str | None
    exclusion: str | None
    example: str | None
    colour: str | None
    hotkey: str | None
    sort_order: int
    codable: bool


def codes_by_id(project: Project) -> dict[int, Code]:
    """Every code by id, with its path and depth; cached on the project until its next write."""
    cached = project.cache.get("codes")
    if cached is None:
        rows = list(project.db.query("SELECT * FROM codes ORDER BY sort_order, id"))
        by_id = {r["id"]: r for r in rows}
        out: dict[int, Code] = {}

        def path_of(r: dict[str, Any]) -> tuple[str, int]:
            if r["parent_id"] is None:
                return r["name"], 0
            p, d = path_of(by_id[r["parent_id"]])
            return p + PATH_SEP + r["name"], d + 1

        for r in rows:
            path, depth = path_of(r)
            out[r["id"]] = Code(
                r["id"],
                r["guid"],
                r["parent_id"],
                r["name"],
                path,
                depth,
                r["description"],
                r["inclusion"],
                r["exclusion"],
                r["example"],
                r["colour"],
                r["hotkey"],
                r["sort_order"],
                bool(r["codable"]),
            )
        cached = project.cache["codes"] = out
    return cached


def list_codes(project: Project) -> list[Code]:
    """All codes in tree order (depth first, siblings by sort order)."""
    codes = codes_by_id(project)
    children: dict[int | None, list[Code]] = {}
    for c in codes.values():
        children.setdefault(c.parent_id, []).append(c)
    out: list[Code] = []

    def walk(pid: int | None) -> None:
        for c in sorted(children.get(pid, []), key=lambda c: (c.sort_order, c.id)):
            out.append(c)
            walk(c.id)

    walk(None)
    return out


def get_code(project: Project, ref: str | int) -> Code:
    """A code by id, GUID or path ("Barriers/Stigma"); a unique leaf name also works."""
    codes = codes_by_id(project)
    if isinstance(ref, int):
        if ref in codes:
            return codes[ref]
        raise QualcodeError(f"no code with id {ref}")
    ref = ref.strip().strip(PATH_SEP)
    for c in codes.values():
        if c.path == ref or c.guid == ref.upper():
            return c
    folded = [c for c in codes.values() if c.path.casefold() == ref.casefold()]
    if len(folded) == 1:
        return folded[0]
    by_name = [c for c in codes.values() if c.name.casefold() == ref.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise QualcodeError(f"'{ref}' is ambiguous: " + ", ".join(c.path for c in by_name))
    from rapidfuzz import process

    near = process.extract(ref, [c.path for c in codes.values()], limit=3)
    hint = f"; did you mean {', '.join(n for n, _, _ in near)}?" if near else "; the codebook is empty"
    raise QualcodeError(f"no code '{ref}'{hint}")


def code_counts(project: Project, coder: str | None = None) -> dict[int, int]:
    coder = project.visible(coder)
    sql, params = "SELECT code_id, COUNT(*) FROM codings", []
    if coder:
        sql += " WHERE coder_id = (SELECT id FROM coders WHERE name = ?)"
        params.append(coder)
    return dict(project.db.execute(sql + " GROUP BY code_id", params).fetchall())


def descendants(project: Project, code_id: int) -> list[Code]:
    codes = codes_by_id(project)
    out, frontier = [], [code_id]
    while frontier:
        pid = frontier.pop()
        for c in codes.values():
            if c.parent_id == pid:
                out.append(c)
                frontier.append(c.id)
    return out
