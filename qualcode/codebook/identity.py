"""Bringing a code tree from elsewhere into the project: one rule of identity for every source.

A codebook YAML file, a REFI-QDA ``.qdc`` or ``.qdpx``, and another qualcode project all carry code
trees. Each incoming code is the project's code with the same GUID; failing that, the code at the
same path (compared case-insensitively) — unless another incoming code claims that one by its GUID;
failing that, it is added under its (matched or added) parent. The caller says what a match may
change (``update``): a codebook file is the team's reference and updates names, places, definitions
and colours; a project or a ``.qdpx`` from elsewhere never changes the codes here, and differences
are only noted. Rules that keep the tree valid hold for every source: sibling names stay unique
(a clash keeps the old name and place, or numbers the new code), a code that holds codings stays
codable, and hotkeys stay unique (``hotkey_clash``: refuse the import, or drop the incoming key).
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from qualcode.codebook.codes import PATH_SEP, Code, list_codes
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.changes import Transaction

# Fields a source may carry; a field absent from ``IncomingCode.values`` is left as it is.
FIELDS = ("description", "inclusion", "exclusion", "example", "colour", "hotkey", "codable")
LABELS = {"parent_id": "place in the tree", "codable": "codability"}


@dataclass
class IncomingCode:
    """A code as another source has it; ``code_id`` is set by the merge."""

    name: str
    guid: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # a subset of FIELDS (+ created_at, sort_order)
    children: list[IncomingCode] = field(default_factory=list)
    code_id: int | None = None  # the project's code it became (set by the merge)
    local_guid: str | None = None  # and that code's GUID (another one if matched by path)
    path: str = ""

    def walk(self) -> Iterator[IncomingCode]:
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class TreeMerge:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    by_path: list[str] = field(default_factory=list)  # matched by path, not GUID: "'A/B' (GUID) …"
    notes: list[str] = field(default_factory=list)  # what was adjusted or kept, in words


class CodeTreeMerger:
    """Merge incoming trees inside the caller's open transaction (see the module docstring)."""

    def __init__(
        self,
        project: Project,
        tx: Transaction,
        *,
        update: bool,
        hotkey_clash: str = "drop",
        must_be_codable: Set[str] = frozenset(),
    ) -> None:
        self.project, self.tx, self.update = project, tx, update
        self.hotkey_clash, self.must_be_codable = hotkey_clash, must_be_codable
        codes = list_codes(project)
        self.by_guid = {c.guid: c for c in codes}
        self.by_path = {c.path.casefold(): c for c in codes}
        self.names: dict[int | None, dict[str, int]] = {}
        for c in codes:
            self.names.setdefault(c.parent_id, {})[c.name.casefold()] = c.id
        self.hotkeys = {c.hotkey: c.id for c in codes if c.hotkey}
        self.codable: dict[int, bool] = {c.id: c.codable for c in codes}
        self.claimed: set[int] = set()
        self.result = TreeMerge()

    def merge(self, roots: list[IncomingCode]) -> TreeMerge:
        self.claimed = {self.by_guid[n.guid].id for r in roots for n in r.walk() if n.guid in self.by_guid}
        for i, node in enumerate(roots):
            self._visit(node, None, "", i)
        return self.result

    # -- one code
    def _visit(self, node: IncomingCode, parent_id: int | None, parent_path: str, index: int) -> None:
        node.path = f"{parent_path}{PATH_SEP}{node.name}" if parent_path else node.name
        existing = self.by_guid.get(node.guid) if node.guid else None
        if existing is None:
            candidate = self.by_path.get(node.path.casefold())
            if candidate is not None and candidate.id not in self.claimed:
                existing = candidate
                if node.guid and node.guid != candidate.guid:
                    self.result.by_path.append(
                        f"code '{node.path}' ({node.guid}) matched the project's code of "
                        f"that path ({candidate.guid}) by path"
                    )
        if existing is None:
            node.code_id = self._add(node, parent_id, index)
        else:
            node.code_id, node.local_guid = existing.id, existing.guid
            self.claimed.add(existing.id)
            node.path = self._match(existing, node, parent_id, parent_path)
        for i, child in enumerate(node.children):
            self._visit(child, node.code_id, node.path, i)

    def _unique(self, parent_id: int | None, name: str, exclude: int | None = None) -> str:
        taken = self.names.get(parent_id, {})
        candidate, n = name, 1
        while taken.get(candidate.casefold()) not in (None, exclude):
            n += 1
            candidate = f"{name} ({n})"
        return candidate

    def _hotkey(self, key: str | None, path: str, code_id: int | None) -> str | None:
        if not key or self.hotkeys.get(key) in (None, code_id):
            return key
        if self.hotkey_clash == "refuse":
            holder = next(c.path for c in list_codes(self.project) if c.id == self.hotkeys[key])
            raise QualcodeError(f"hotkey '{key}' of '{path}' is already used by '{holder}'")
        self.result.notes.append(f"code '{path}': hotkey '{key}' is taken here, so it was left out")
        return None

    def _next_order(self, parent_id: int | None) -> int:
        return cast(
            int,
            self.project.db.execute(
                "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM codes WHERE parent_id IS ?", [parent_id]
            ).fetchone()[0],
        )

    def _add(self, node: IncomingCode, parent_id: int | None, index: int) -> int:
        name = self._unique(parent_id, node.name)
        if name != node.name:
            self.result.notes.append(
                f"code '{node.path}' was named '{name}': its parent already has a code of that name"
            )
            node.path = node.path[: len(node.path) - len(node.name)] + name
        values = {k: v for k, v in node.values.items() if k in FIELDS}
        codable = bool(values.get("codable", True))
        if not codable and node.guid in self.must_be_codable:
            codable = True
            self.result.notes.append(f"code '{node.path}' is not codable in the source but holds codings: made codable")
        values["codable"] = int(codable)
        values["hotkey"] = self._hotkey(values.get("hotkey"), node.path, None)
        node.local_guid = node.guid or new_guid()
        code_id = self.tx.insert(
            "codes",
            {
                "guid": node.local_guid,
                "parent_id": parent_id,
                "name": name,
                **values,
                "sort_order": node.values.get("sort_order", self._next_order(parent_id)),
                "created_at": node.values.get("created_at") or now(),
            },
        )
        self.names.setdefault(parent_id, {})[name.casefold()] = code_id
        if values["hotkey"]:
            self.hotkeys[values["hotkey"]] = code_id
        self.codable[code_id] = codable
        self.result.added.append(node.path)
        return code_id

    def _match(self, c: Code, node: IncomingCode, parent_id: int | None, parent_path: str) -> str:
        """Compare (and with ``update``, change) a matched code; returns its path afterwards."""
        wanted: dict[str, Any] = {}
        if node.name != c.name:
            wanted["name"] = node.name
        if parent_id != c.parent_id:
            wanted["parent_id"] = parent_id
        for key, value in node.values.items():
            if key not in FIELDS:
                continue
            have = getattr(c, key)
            if key == "codable":
                value, have = bool(value), bool(have)
            elif key == "colour" and value and have and value.upper() == have.upper():
                continue
            if (value or None) != (have or None):
                wanted[key] = int(value) if key == "codable" else value
        if not wanted:
            self.result.unchanged.append(c.path)
            return c.path
        if not self.update:
            what = sorted(LABELS.get(k, k) for k in wanted)
            self.result.notes.append(f"code '{c.path}': the source differs in {', '.join(what)}; kept the project's")
            self.result.unchanged.append(c.path)
            return c.path
        name, parent = wanted.get("name", c.name), wanted.get("parent_id", c.parent_id)
        if self._unique(parent, name, exclude=c.id) != name:
            self.result.notes.append(f"code '{c.path}' kept its name and place: '{name}' is taken there")
            wanted.pop("name", None)
            wanted.pop("parent_id", None)
        if (
            wanted.get("codable") == 0
            and self.project.db.execute("SELECT 1 FROM codings WHERE code_id = ? LIMIT 1", [c.id]).fetchone()
        ):
            self.result.notes.append(f"code '{c.path}' holds codings: kept codable")
            wanted.pop("codable")
        if "hotkey" in wanted:
            wanted["hotkey"] = self._hotkey(wanted["hotkey"], c.path, c.id)
            if (wanted["hotkey"] or None) == (c.hotkey or None):
                wanted.pop("hotkey")
        if "parent_id" in wanted:
            wanted["sort_order"] = self._next_order(wanted["parent_id"])
        if not wanted:
            self.result.unchanged.append(c.path)
            return c.path
        self.names.get(c.parent_id, {}).pop(c.name.casefold(), None)
        self.names.setdefault(wanted.get("parent_id", c.parent_id), {})[wanted.get("name", c.name).casefold()] = c.id
        if wanted.get("hotkey"):
            self.hotkeys[wanted["hotkey"]] = c.id
        self.tx.update("codes", c.id, wanted)
        if "codable" in wanted:
            self.codable[c.id] = bool(wanted["codable"])
        path = c.path
        if wanted.get("parent_id", c.parent_id) == parent_id:
            name = wanted.get("name", c.name)
            path = f"{parent_path}{PATH_SEP}{name}" if parent_path else name
        self.result.changed.append(path)
        return path
