"""The codebook YAML format.

A tree of codes with their definitions, kept in ``codebooks/`` under version control. GUIDs are
written back into the file the first time it is loaded, so the same code keeps its identity
across projects, merges and REFI-QDA exchange, and loading then saving gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, normalise_guid

FIELDS = ("description", "inclusion", "exclusion", "example", "colour", "hotkey")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


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
    children: list["CodeNode"] = field(default_factory=list)

    def walk(self, prefix: str = ""):
        path = f"{prefix}/{self.name}" if prefix else self.name
        yield path, self
        for c in self.children:
            yield from c.walk(path)


@dataclass
class Codebook:
    title: str | None
    codes: list[CodeNode]

    def walk(self):
        for c in self.codes:
            yield from c.walk()


def _node(raw: object, where: str, file: str) -> CodeNode:
    if not isinstance(raw, dict):
        raise QualcodeError(f"{file}: {where}: each code must be a mapping with at least 'name'")
    unknown = set(raw) - {"name", "guid", "codable", "children", *FIELDS}
    if unknown:
        raise QualcodeError(f"{file}: {where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise QualcodeError(f"{file}: {where}: a code needs a non-empty 'name'")
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
    node = CodeNode(name=name.strip(), guid=guid, codable=bool(raw.get("codable", True)),
                    **{f: (str(raw[f]).strip() if raw.get(f) is not None else None) for f in FIELDS})
    node.children = [_node(c, f"{where} > {name} > child {i + 1}", file) for i, c in enumerate(children)]
    return node


def load(path: str | Path) -> Codebook:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QualcodeError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise QualcodeError(f"{path}: not UTF-8; save the codebook as UTF-8") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise QualcodeError(f"{path}: {where}not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), list):
        raise QualcodeError(f"{path}: a codebook is a mapping with a 'codes' list")
    book = Codebook(title=raw.get("title"), codes=[_node(c, f"code {i + 1}", str(path)) for i, c in enumerate(raw["codes"])])
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


def _dump_node(n: CodeNode) -> dict:
    d: dict = {"name": n.name, "guid": n.guid}
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


def _str_presenter(dumper, data):
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
