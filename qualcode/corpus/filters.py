"""Which documents: the one document filter of search, analyses, retrieval, exports and the workbench.

A filter narrows by documents named (id, name or GUID), kind, language and attribute conditions:

- ``name=value`` (``site=Vesterbro``), ``name=v1,v2`` for either value, ``name!=value`` to exclude;
  several conditions must all hold;
- values compare case-insensitively as text, and a typed value answers to its spellings: a true
  boolean to ``true``/``yes``/``ja``/``1``, the integer 45 stored as 45.0 to ``45``;
- ``kind`` and ``language`` can be conditions too (``kind=interview``).

Anything the project does not have — an unknown attribute, kind or language, a document name — is an
error that lists what there is, never a silently empty selection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.corpus.attributes import attribute_types, document_attributes
from qualcode.corpus.documents import get_document
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.project import Project

_TRUE = {"true", "yes", "ja", "y", "1"}
_FALSE = {"false", "no", "nej", "n", "0"}
COLUMNS = ("id", "guid", "name", "kind", "language", "char_count", "text_sha256", "sort_order")


@dataclass(frozen=True)
class Condition:
    """``attribute`` must (or, with ``negate``, must not) have one of ``values``."""

    attribute: str
    values: frozenset[str]
    negate: bool = False

    def matches(self, value: Any) -> bool:
        hit = value is not None and bool(_variants(value) & self.values)
        return hit != self.negate


def _variants(value: Any) -> set[str]:
    """The texts a typed attribute value answers to (lower case)."""
    if isinstance(value, bool):
        return set(_TRUE if value else _FALSE)
    if isinstance(value, float) and value.is_integer():
        return {str(value).lower(), str(int(value))}
    return {str(value).casefold()}


def parse_where(items: Iterable[str], known: Iterable[str] | None = None) -> list[Condition]:
    """``["site=Vesterbro,Nordvest", "role!=social worker"]`` → conditions.

    ``known`` (attribute names, plus ``kind``/``language``) turns a typo into an error that lists
    the names, instead of a silently empty selection.
    """
    known_set = None if known is None else {k.casefold(): k for k in known}
    out = []
    for item in items:
        m = re.fullmatch(r"\s*([^=!]+?)\s*(!?=)\s*(.*?)\s*", item)
        if not m or not m.group(3) or m.group(3).startswith("="):
            raise QualcodeError(f"--where {item!r}: write NAME=VALUE (e.g. site=Vesterbro), NAME=V1,V2 or NAME!=VALUE")
        name = m.group(1)
        if known_set is not None:
            if name.casefold() not in known_set:
                raise QualcodeError(
                    f"--where {item!r}: no attribute {name!r}; attributes: "
                    f"{', '.join(sorted(known_set.values())) or 'none'}"
                )
            name = known_set[name.casefold()]
        values = frozenset(v.strip().casefold() for v in m.group(3).split(",") if v.strip())
        out.append(Condition(name, values, m.group(2) == "!="))
    return out


@dataclass(frozen=True)
class DocumentFilter:
    """Which part of the corpus; empty fields mean "everything"."""

    documents: Sequence[str | int] = ()  # ids, names or GUIDs
    kind: str | None = None  # interview | fieldnote | other
    language: str | None = None
    where: Sequence[str | Condition] = field(default=())  # "site=Vesterbro", "role!=social worker"

    def select(self, project: Project) -> list[dict[str, Any]]:
        """The documents kept (``COLUMNS``), in project order."""
        rows = [
            dict(zip(COLUMNS, r))
            for r in project.db.conn.execute(  # not db.query: 10,000 rows add up
                f"SELECT {', '.join(COLUMNS)} FROM documents ORDER BY sort_order, name"
            )
        ]
        if self.kind:
            rows = [r for r in rows if r["kind"] == _known(self.kind, "kind", {r["kind"] for r in rows})]
        if self.language:
            rows = [
                r for r in rows if r["language"] == _known(self.language, "language", {r["language"] for r in rows})
            ]
        if self.documents:
            wanted = {get_document(project, ref)["id"] for ref in self.documents}
            rows = [r for r in rows if r["id"] in wanted]
        if self.where:
            conds = [w for w in self.where if isinstance(w, Condition)]
            texts = [w for w in self.where if not isinstance(w, Condition)]
            if texts:
                conds += parse_where(texts, [*attribute_types(project), "kind", "language"])
            attrs = document_attributes(project)
            rows = [
                r
                for r in rows
                if all(
                    c.matches({**attrs.get(r["id"], {}), "kind": r["kind"], "language": r["language"]}.get(c.attribute))
                    for c in conds
                )
            ]
        return rows

    @property
    def everything(self) -> bool:
        return not (self.documents or self.kind or self.language or self.where)


def _known(value: str, what: str, have: set[str]) -> str:
    if value not in have:
        raise QualcodeError(
            f"no documents of {what} {value!r}; {what}s in this project: {', '.join(sorted(have)) or 'none'}"
        )
    return value


def select_documents(
    project: Project, kind: str | None = None, where: Sequence[str | Condition] = ()
) -> list[dict[str, Any]]:
    """Shorthand for ``DocumentFilter(kind=kind, where=where).select(project)``."""
    return DocumentFilter(kind=kind, where=tuple(where)).select(project)
