"""Element access by local name, so any (or no) namespace works, with errors naming element and line.

Vendors disagree on namespaces and on GUID spelling; everything that reads XML goes through
``Elements`` so that both are handled once and every error says where.
"""

from typing import Literal, overload

from lxml import etree

from qualcode.ids import normalise_guid
from qualcode.interchange.refi.errors import RefiError
from qualcode.interchange.refi.model import ImportReport, NoteTarget, NoteTargetKind


class Elements:
    """Element access by local name, with errors that name the element and line."""

    def __init__(self, where: str) -> None:
        self.where = where

    @staticmethod
    def name(el: etree._Element) -> str:
        tag = el.tag
        if isinstance(tag, str):  # "{namespace}local" or "local": sliced, not parsed (millions of calls)
            return tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag
        return etree.QName(el).localname

    def kids(self, el: etree._Element, name: str) -> list[etree._Element]:
        return [c for c in el if isinstance(c.tag, str) and self.name(c) == name]

    def kid(self, el: etree._Element, name: str) -> etree._Element | None:
        found = self.kids(el, name)
        return found[0] if found else None

    def text_of(self, el: etree._Element, name: str) -> str | None:
        k = self.kid(el, name)
        return None if k is None else (k.text or "")

    def fail(self, el: etree._Element, msg: str) -> RefiError:
        return RefiError(f"{self.where} line {el.sourceline}: <{self.name(el)}> {msg}")

    def req(self, el: etree._Element, attr: str) -> str:
        v = el.get(attr)
        if v is None:
            raise self.fail(el, f"lacks required attribute '{attr}'")
        return v

    @overload
    def guid(self, el: etree._Element, attr: str, required: Literal[True] = True) -> str: ...

    @overload
    def guid(self, el: etree._Element, attr: str, required: bool) -> str | None: ...

    def guid(self, el: etree._Element, attr: str, required: bool = True) -> str | None:
        v = el.get(attr)
        if v is None or not v.strip():
            if required:
                raise self.fail(el, f"lacks required attribute '{attr}'")
            return None
        try:
            return normalise_guid(v)
        except ValueError:
            raise self.fail(el, f"has an invalid GUID in '{attr}': {v!r}") from None

    def int_attr(self, el: etree._Element, attr: str) -> int:
        v = self.req(el, attr)
        try:
            return int(v.strip())
        except ValueError:
            raise self.fail(el, f"has a non-integer '{attr}': {v!r}") from None


def check_namespace(root: etree._Element, expected: str, report: ImportReport) -> None:
    ns = etree.QName(root).namespace
    if ns != expected:
        report.warnings.append(f"namespace {ns!r} instead of {expected!r}; read by element names")


class NoteRefs:
    """NoteRef elements seen anywhere, collected as note GUID → targets."""

    def __init__(self) -> None:
        self.targets: dict[str, list[NoteTarget]] = {}

    def collect(self, x: Elements, el: etree._Element, kind: NoteTargetKind, guid: str | None) -> None:
        for ref in x.kids(el, "NoteRef"):
            note = x.guid(ref, "targetGUID")
            self.targets.setdefault(note, []).append(NoteTarget(kind, guid))


class Identities:
    """Every GUID the file gives an element, with where: one rule for identity — a GUID used twice,
    by elements of one kind or of two, refuses the file, naming both places."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, int | None]] = {}

    def claim(self, x: Elements, el: etree._Element, guid: str) -> None:
        kind = x.name(el)
        if guid in self.first:
            other, line = self.first[guid]
            raise x.fail(el, f"repeats GUID {guid}, already the GUID of <{other}> at line {line}; GUIDs must be unique")
        self.first[guid] = (kind, el.sourceline)  # type: ignore[assignment]
