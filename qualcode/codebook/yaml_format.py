"""The codebook YAML format.

A tree of codes with their definitions, kept in ``codebooks/`` under version control. GUIDs are
written back into the file the first time it is loaded, so the same code keeps its identity
across projects, merges and REFI-QDA exchange, and loading then saving gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.error import Mark

from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.ids import new_guid, normalise_guid
from qualcode.text.names import check_name

FIELDS = ("description", "inclusion", "exclusion", "example", "colour", "hotkey")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_BYTES = 5 * 2**20  # a codebook of a thousand codes with long definitions is well under 1 MB
MAX_ALIASES = 50  # anchors may repeat a text; a "billion laughs" needs thousands
MAX_NESTING = 100  # YAML levels (each code level is two: its mapping and its children list)
MAX_DEPTH = 20  # code levels: "A/B/C/…" twenty deep is far beyond any study's codebook


class _Refused(Exception):
    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.mark = mark


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with budgets: aliases only for scalars and few of them, bounded
    nesting, and duplicate keys refused (PyYAML silently keeps the last)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._nesting = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name); write the text out", event.start_mark)
            node = self.anchors.get(event.anchor)
            if node is not None and not isinstance(node, yaml.ScalarNode):
                raise _Refused(
                    f"the alias *{event.anchor} repeats a whole mapping or list; aliases may only repeat a text",
                    event.start_mark,
                )
        self._nesting += 1
        try:
            if self._nesting > MAX_NESTING:
                event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
                raise _Refused(f"nested deeper than {MAX_NESTING} levels", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._nesting -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _Refused(
                    f"the key '{key}' appears twice in one mapping (lines {seen[key] + 1} and "
                    f"{key_node.start_mark.line + 1}); keep one",
                    key_node.start_mark,
                )
            if isinstance(key, str | int | float | bool):
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


@dataclass
class CodeNode:
    name: str
    guid: str | None = None
    description: str | None = None
    inclusion: str | None = None
    exclusion: str | None = None
    example: str | None = None
    colour: str | None = None
    hotkey: str | None = None
    codable: bool = True
    children: list[CodeNode] = field(default_factory=list)

    def walk(self, prefix: str = "") -> Iterator[tuple[str, CodeNode]]:
        path = f"{prefix}/{self.name}" if prefix else self.name
        yield path, self
        for c in self.children:
            yield from c.walk(path)


@dataclass
class Codebook:
    title: str | None
    codes: list[CodeNode]

    def walk(self) -> Iterator[tuple[str, CodeNode]]:
        for c in self.codes:
            yield from c.walk()


def _node(raw: object, where: str, file: str, depth: int = 1) -> CodeNode:
    if depth > MAX_DEPTH:
        raise QualcodeError(f"{file}: {where}: codes nest deeper than {MAX_DEPTH} levels")
    if not isinstance(raw, dict):
        raise QualcodeError(f"{file}: {where}: each code must be a mapping with at least 'name'")
    unknown = set(raw) - {"name", "guid", "codable", "children", *FIELDS}
    if unknown:
        raise QualcodeError(f"{file}: {where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise QualcodeError(f"{file}: {where}: a code needs a non-empty 'name'")
    try:
        name = check_name(name, "code name")
    except QualcodeError as e:
        raise QualcodeError(f"{file}: {where}: {e}") from None
    if "/" in name:
        raise QualcodeError(f"{file}: {where}: code name '{name}' may not contain '/' (it separates levels)")
    colour = raw.get("colour")
    if colour is not None and not _COLOUR.match(str(colour)):
        raise QualcodeError(f"{file}: {where} ({name}): colour must look like #1F77B4")
    guid = raw.get("guid")
    if guid is not None:
        try:
            guid = normalise_guid(str(guid))
        except ValueError:
            raise QualcodeError(f"{file}: {where} ({name}): '{guid}' is not a GUID") from None
    children = raw.get("children") or []
    if not isinstance(children, list):
        raise QualcodeError(f"{file}: {where} ({name}): 'children' must be a list")
    texts: dict[str, Any] = {f: (str(raw[f]).strip() if raw.get(f) is not None else None) for f in FIELDS}
    node = CodeNode(name=name.strip(), guid=guid, codable=bool(raw.get("codable", True)), **texts)
    node.children = [_node(c, f"{where} > {name} > child {i + 1}", file, depth + 1) for i, c in enumerate(children)]
    return node


def load(path: str | Path) -> Codebook:
    path = Path(path)
    try:
        text = read_input(path, MAX_BYTES, "a codebook").decode("utf-8")
        raw = yaml.load(text, Loader=_GuardedLoader)
    except UnicodeDecodeError:
        raise QualcodeError(f"{path}: not UTF-8; save the codebook as UTF-8") from None
    except _Refused as e:
        raise QualcodeError(f"{path}: line {e.mark.line + 1}, column {e.mark.column + 1}: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise QualcodeError(f"{path}: {where}not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), list):
        raise QualcodeError(f"{path}: a codebook is a mapping with a 'codes' list")
    book = Codebook(
        title=raw.get("title"), codes=[_node(c, f"code {i + 1}", str(path)) for i, c in enumerate(raw["codes"])]
    )
    seen: dict[str, str] = {}
    keys: dict[str, str] = {}
    for p, node in book.walk():
        if p in seen:
            raise QualcodeError(f"{path}: the code path '{p}' appears twice")
        seen[p] = p
        if node.hotkey:
            if node.hotkey in keys:
                raise QualcodeError(f"{path}: hotkey '{node.hotkey}' is used by both '{keys[node.hotkey]}' and '{p}'")
            keys[node.hotkey] = p
    return book


def _dump_node(n: CodeNode) -> dict[str, Any]:
    d: dict[str, Any] = {"name": n.name, "guid": n.guid}
    for f in FIELDS:
        if getattr(n, f) is not None:
            d[f] = getattr(n, f)
    if not n.codable:
        d["codable"] = False
    if n.children:
        d["children"] = [_dump_node(c) for c in n.children]
    return d


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def dumps(book: Codebook) -> str:
    body = {"title": book.title, "codes": [_dump_node(c) for c in book.codes]}
    if book.title is None:
        del body["title"]
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return "# qualcode codebook (YAML). Paths join names with '/'. GUIDs are assigned once; keep them.\n" + text


def save(book: Codebook, path: str | Path, like: Path | None = None) -> None:
    """Write atomically; a file written back keeps its own mode (owner and group bits)."""
    from qualcode.files import write_text_atomic

    path = Path(path)
    write_text_atomic(path, dumps(book), like if like is not None else (path if path.exists() else None))


def ensure_guids(book: Codebook) -> bool:
    """Give every code without a GUID a new one; True if any was added."""
    added = False
    for _, node in book.walk():
        if not node.guid:
            node.guid = new_guid()
            added = True
    return added
