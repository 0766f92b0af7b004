"""Merging another project file into this one, by GUID: how teams that code in copies meet again.

What comes in: coders, codes (new ones, with their place in the tree), documents this project
lacks (with their text units and attributes), codings and memos. Everything is matched by GUID,
never by name, with two fallbacks for things created twice independently: a document with the
same name *and* the same text (SHA-256) is the same document, and a code with the same path is
the same code; both are reported. A coder with the same name is the same person (coder names
are unique in a project).

Refusals, with nothing written: a document with the same GUID (or the same name) but different
text -- the invariant "text is immutable" means such offsets would point at other words.

The merge is one transaction and one event. Merging the same file twice adds nothing the second
time (everything is found by GUID), so no event is written either. The event is undoable like
any edit, documents and their text units included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from qualcode.codebook.codes import list_codes
from qualcode.codebook.identity import CodeTreeMerger, IncomingCode
from qualcode.errors import QualcodeError
from qualcode.ids import now
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.changes import Transaction
    from qualcode.store.database import Database


@dataclass
class MergeReport:
    """What a merge added; ``matched`` lists things recognised by name/content instead of GUID."""

    source: str
    coders: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    codings: Counter[str] = field(default_factory=Counter)  # coder name -> codings added
    memos: int = 0
    attributes: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    skipped_codings: int = 0
    event_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.coders or self.documents or self.codes or self.codings or self.memos or self.attributes)

    def summary(self) -> str:
        if not self.changed:
            return f"nothing new in {self.source}"
        parts = []
        if self.coders:
            parts.append(f"{len(self.coders)} coder(s) ({', '.join(self.coders)})")
        if self.documents:
            parts.append(f"{len(self.documents)} document(s)")
        if self.codes:
            parts.append(f"{len(self.codes)} code(s)")
        if self.codings:
            parts.append(f"{sum(self.codings.values())} coding(s)")
        if self.memos:
            parts.append(f"{self.memos} memo(s)")
        if self.attributes:
            parts.append(f"{len(self.attributes)} attribute(s)")
        return f"from {self.source}: added " + ", ".join(parts)


def _rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def merge_project(project: Project, other_path: str | Path) -> MergeReport:
    """Bring ``other_path``'s coders, codes, documents, codings and memos into ``project``."""
    from qualcode.project import Project

    other_path = Path(other_path)
    if not other_path.exists():
        raise QualcodeError(f"no project file {other_path}")
    if other_path.resolve() == Path(project.path).resolve():
        raise QualcodeError("cannot merge a project into itself")
    other = Project.open(other_path, readonly=True)  # read-only: a merge never writes (or upgrades) its source
    try:
        return _merge(project, other, other_path.name)
    finally:
        other.close()


def _merge(project: Project, other: Project, source: str) -> MergeReport:
    here, there = project.db, other.db
    report = MergeReport(source)

    # -- documents: plan and refuse before writing anything
    local_docs = _rows(here, "SELECT id, guid, name, text_sha256 FROM documents")
    by_guid = {d["guid"]: d for d in local_docs}
    by_name = {d["name"]: d for d in local_docs}
    doc_map: dict[int, int] = {}
    guid_map: dict[str, str] = {}  # other's GUID -> local GUID (documents, codes matched otherwise)
    new_docs = []
    for d in _rows(there, "SELECT id, guid, name, text_sha256 FROM documents ORDER BY id"):
        mine = by_guid.get(d["guid"])
        if mine is not None:
            if mine["text_sha256"] != d["text_sha256"]:
                raise QualcodeError(
                    f"refused: document '{d['name']}' ({d['guid']}) has different text in {source} than "
                    f"here ('{mine['name']}'); text is immutable, so its codings cannot be merged. "
                    "Nothing was changed."
                )
            doc_map[d["id"]] = mine["id"]
            continue
        same_name = by_name.get(d["name"])
        if same_name is not None:
            if same_name["text_sha256"] != d["text_sha256"]:
                raise QualcodeError(
                    f"refused: a different document named '{d['name']}' exists here (other GUID, other "
                    f"text); rename one of them before merging {source}. Nothing was changed."
                )
            doc_map[d["id"]] = same_name["id"]
            guid_map[d["guid"]] = same_name["guid"]
            report.matched.append(f"document '{d['name']}' matched by name and identical text")
            continue
        new_docs.append(d)

    with project.transaction(events.PROJECT_MERGE, f"merge {source}") as tx:
        coder_map = _merge_coders(project, other, tx, report)
        for d in new_docs:
            doc_map[d["id"]] = _copy_document(project, other, d, tx, report)
        code_map = _merge_codes(project, other, tx, report, guid_map)
        _merge_codings(project, other, tx, report, doc_map, code_map, coder_map, guid_map)
        _merge_memos(project, other, tx, report, coder_map, guid_map)
        tx.summary = report.summary()
    report.event_id = tx.event_id
    return report


def _merge_coders(project: Project, other: Project, tx: Transaction, report: MergeReport) -> dict[int, int]:
    local = _rows(project.db, "SELECT id, guid, name FROM coders")
    by_guid = {c["guid"]: c["id"] for c in local}
    by_name = {c["name"]: c["id"] for c in local}
    out: dict[int, int] = {}
    for c in _rows(other.db, "SELECT id, guid, name, created_at FROM coders ORDER BY id"):
        if c["guid"] in by_guid:
            out[c["id"]] = by_guid[c["guid"]]
        elif c["name"] in by_name:
            out[c["id"]] = by_name[c["name"]]
            report.matched.append(f"coder '{c['name']}' matched by name")
        else:
            out[c["id"]] = tx.insert(
                "coders", {"guid": c["guid"], "name": c["name"], "created_at": c["created_at"] or now()}
            )
            report.coders.append(c["name"])
    return out


def _copy_document(project: Project, other: Project, d: dict[str, Any], tx: Transaction, report: MergeReport) -> int:
    UNIT_COLUMNS = ("document_id", "kind", "count", "starts", "ends", "speakers", "times")

    row = _rows(other.db, "SELECT * FROM documents WHERE id = ?", [d["id"]])[0]
    row.pop("id")
    row["sort_order"] = project.db.execute("SELECT IFNULL(MAX(sort_order), -1) + 1 FROM documents").fetchone()[0]
    new_id = tx.insert("documents", row)
    for u in other.db.execute(
        "SELECT kind, count, starts, ends, speakers, times FROM unit_sets WHERE document_id = ?", [d["id"]]
    ).fetchall():
        tx.insert("unit_sets", dict(zip(UNIT_COLUMNS, (new_id, *u))))
    attrs = {a["name"]: a for a in _rows(project.db, "SELECT id, guid, name, type FROM attributes")}
    for a in _rows(
        other.db,
        "SELECT a.guid, a.name, a.type, da.value FROM document_attributes da "
        "JOIN attributes a ON a.id = da.attribute_id WHERE da.document_id = ?",
        [d["id"]],
    ):
        if a["name"] not in attrs:
            aid = tx.insert("attributes", {"guid": a["guid"], "name": a["name"], "type": a["type"]})
            attrs[a["name"]] = {"id": aid}
            report.attributes.append(a["name"])
        tx.insert(
            "document_attributes", {"document_id": new_id, "attribute_id": attrs[a["name"]]["id"], "value": a["value"]}
        )
    report.documents.append(d["name"])
    return new_id


def _merge_codes(
    project: Project, other: Project, tx: Transaction, report: MergeReport, guid_map: dict[str, str]
) -> dict[int, int]:
    """The other project's codes by ``qualcode.codebook.identity``: nothing here changes; new codes come
    with their definitions, colours and (where free) hotkeys."""
    nodes: dict[int, IncomingCode] = {}
    roots: list[IncomingCode] = []
    for c in list_codes(other):  # tree order: parents before children
        values = {
            "description": c.description,
            "inclusion": c.inclusion,
            "exclusion": c.exclusion,
            "example": c.example,
            "colour": c.colour,
            "hotkey": c.hotkey,
            "codable": c.codable,
            "sort_order": c.sort_order,
        }
        node = nodes[c.id] = IncomingCode(c.name, c.guid, values)
        (nodes[c.parent_id].children if c.parent_id is not None else roots).append(node)
    created = dict(other.db.execute("SELECT id, created_at FROM codes").fetchall())
    for cid, node in nodes.items():
        node.values["created_at"] = created.get(cid)
    result = CodeTreeMerger(project, tx, update=False, hotkey_clash="drop").merge(roots)
    for node in nodes.values():
        if node.local_guid != node.guid:
            assert node.guid is not None and node.local_guid is not None  # codes have GUIDs; the merge set local_guid
            guid_map[node.guid] = node.local_guid
    report.codes.extend(result.added)
    report.matched.extend(result.by_path)
    return {cid: cast(int, node.code_id) for cid, node in nodes.items()}  # the merge set every code_id


def _merge_codings(
    project: Project,
    other: Project,
    tx: Transaction,
    report: MergeReport,
    doc_map: dict[int, int],
    code_map: dict[int, int],
    coder_map: dict[int, int],
    guid_map: dict[str, str],
) -> None:
    have_guid = {g for (g,) in project.db.execute("SELECT guid FROM codings")}
    have_key = {
        tuple(r[:5]): r[5]
        for r in project.db.execute("SELECT document_id, code_id, coder_id, start, [end], guid FROM codings")
    }
    names = {c["id"]: c["name"] for c in _rows(other.db, "SELECT id, name FROM coders")}
    for c in _rows(other.db, "SELECT * FROM codings ORDER BY id"):
        key = (doc_map[c["document_id"]], code_map[c["code_id"]], coder_map[c["coder_id"]], c["start"], c["end"])
        if c["guid"] in have_guid or key in have_key:
            if c["guid"] not in have_guid:  # the same coding made twice: memos follow the local one
                guid_map[c["guid"]] = have_key[key]
            report.skipped_codings += 1
            continue
        row = {**c, "document_id": key[0], "code_id": key[1], "coder_id": key[2]}
        row.pop("id")
        tx.insert("codings", row)
        have_key[key] = c["guid"]
        report.codings[names[c["coder_id"]]] += 1


def _merge_memos(
    project: Project,
    other: Project,
    tx: Transaction,
    report: MergeReport,
    coder_map: dict[int, int],
    guid_map: dict[str, str],
) -> None:
    have = {g for (g,) in project.db.execute("SELECT guid FROM memos")}
    for m in _rows(other.db, "SELECT * FROM memos ORDER BY id"):
        if m["guid"] in have:
            continue
        row = {
            **m,
            "coder_id": coder_map.get(m["coder_id"]) if m["coder_id"] is not None else None,
            "target_guid": guid_map.get(m["target_guid"], m["target_guid"]),
        }
        row.pop("id")
        if row["target"] == "project":
            row["target_guid"] = None if not m["target_guid"] else row["target_guid"]
        tx.insert("memos", row)
        report.memos += 1
