"""Write the plain model to REFI-QDA: .qdpx (project.qde + sources/<GUID>.txt) and .qdc.

Output is deterministic — same model, same bytes — so exports can be diffed and tested:
model order for users, codes, sources, variables, cases and notes; codings sorted by position;
zip entries in a fixed order with a fixed timestamp. Element order follows the XSD sequences
(Project-mrt2019.xsd, Codebook.xsd), and empty containers are left out because the schema
requires at least one child in each.
"""

import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from lxml import etree

from qualcode.files import write_atomic
from qualcode.interchange.refi.errors import RefiError
from qualcode.interchange.refi.model import (
    CODEBOOK_NS,
    OWN_ORIGIN,
    PROJECT_NS,
    Code,
    Coding,
    Note,
    Project,
    TextSource,
    Variable,
    VariableValue,
)

ORIGIN = OWN_ORIGIN  # always ours: the reader trusts positions in files we wrote
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SELECTION_NS = uuid.UUID("6A1F3C52-5B0E-4C43-9A39-0B3D29A1C0DE")  # derives missing selection GUIDs

_Number = str | bool | int | float  # what a numeric variable's value holds: a number or its text
_NotesByTarget = dict[tuple[str, str | None], list[str]]  # (target kind, target GUID) → note GUIDs


class _Maker(Protocol):
    """Makes elements in one namespace, which it carries as ``ns``."""

    ns: str

    def __call__(self, tag: str, **attrs: str | None) -> etree._Element: ...


def write_qdpx(project: Project, path: str | Path, like: Path | None = None) -> None:
    """Write ``project`` to ``path`` atomically and privately (a temporary file, then a rename).

    project.qde is streamed into the archive a source at a time, so a project of a million
    codings never holds its whole XML tree (which took 6 GB for L) in memory."""

    def fill(fh: BinaryIO) -> None:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            with zf.open(_entry("project.qde"), "w", force_zip64=_large(project)) as qde:
                for chunk in project_chunks(project):
                    qde.write(chunk)
            for s in project.sources:
                zf.writestr(_entry(f"sources/{s.guid}.txt"), s.text.encode("utf-8"))

    write_atomic(path, fill, like)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _large(project: Project) -> bool:
    """Whether project.qde might pass zip's 2 GiB limit (about 500 bytes per coding, plus the rest)."""
    return len(project.codings) * 600 + sum(len(n.text) for n in project.notes) * 4 > 1_500_000_000


def write_qdc(codes: list[Code], path: str | Path, origin: str = ORIGIN, like: Path | None = None) -> None:
    write_atomic(path, codebook_xml(codes, origin), like)


def project_xml(project: Project) -> bytes:
    """The project.qde document for ``project`` (texts referenced as internal://GUID.txt)."""
    return b"".join(project_chunks(project))


_SOURCES_HERE = "sources go here"


def project_chunks(project: Project) -> Iterator[bytes]:
    """project.qde in pieces: everything but the sources as one small tree, then each source
    serialised on its own where the placeholder stood — the same bytes as one whole tree."""
    _Checker(project).check()
    E = _maker(PROJECT_NS)
    root = E("Project", name=project.name or "qualcode project", origin=ORIGIN)
    _opt(root, "creatingUserGUID", project.creating_user)
    _opt(root, "creationDateTime", project.creation_datetime)
    _opt(root, "modifiedDateTime", project.modified_datetime)
    notes_by_target = _notes_by_target(project.notes)

    if project.users:
        users = _sub(root, E, "Users")
        for u in project.users:
            _sub(users, E, "User", guid=u.guid, name=u.name)
    if project.codes:
        codes = _sub(_sub(root, E, "CodeBook"), E, "Codes")
        for code in project.codes:
            _code(codes, E, code, notes_by_target)
    variables = {v.guid: v for v in project.variables}
    if project.variables:
        vs = _sub(root, E, "Variables")
        for v in project.variables:
            el = _sub(vs, E, "Variable", guid=v.guid, name=v.name, typeOfVariable=v.type)
            _text(el, E, "Description", v.description)
    if project.cases:
        cs = _sub(root, E, "Cases")
        for case in project.cases:
            el = _sub(cs, E, "Case", guid=case.guid, name=case.name)
            _text(el, E, "Description", case.description)
            _values(el, E, case.variable_values, variables)
            for sg in case.source_guids:
                _sub(el, E, "SourceRef", targetGUID=sg)
    if project.sources:
        _sub(root, E, "Sources").append(etree.Comment(_SOURCES_HERE))
    if project.notes:
        ns = _sub(root, E, "Notes")
        for n in project.notes:
            el = _sub(ns, E, "Note", guid=n.guid, name=n.name)
            _opt(el, "creatingUser", n.creating_user)
            # QualCoder's importer fails on a note without a time, so every note has one
            _opt(el, "creationDateTime", n.creation_datetime or project.modified_datetime or project.creation_datetime)
            _text(el, E, "PlainTextContent", n.text)
    _text(root, E, "Description", project.description)
    _note_refs(root, E, notes_by_target, "project", None)
    whole = _serialise(root)
    if not project.sources:
        yield whole
        return
    head, tail = whole.split(f"<!--{_SOURCES_HERE}-->".encode(), 1)
    yield head
    codings_by_source: dict[str, list[Coding]] = defaultdict(list)
    for c in project.codings:
        codings_by_source[c.source_guid].append(c)
    scratch = E("Sources")
    declared = f' xmlns="{PROJECT_NS}"'.encode()
    for i, s in enumerate(project.sources):
        el = _source(scratch, E, s, codings_by_source.pop(s.guid, []), notes_by_target, variables)
        etree.indent(el, space="  ", level=2)
        el.tail = None
        chunk = etree.tostring(el, encoding="UTF-8")
        yield chunk.replace(declared, b"", 1)  # declared once, on <Project>
        if i + 1 < len(project.sources):
            yield b"\n    "
        scratch.remove(el)
    yield tail


def _source(
    parent: etree._Element,
    E: _Maker,
    s: TextSource,
    codings: list[Coding],
    notes_by_target: _NotesByTarget,
    variables: dict[str, Variable],
) -> etree._Element:
    el = _sub(parent, E, "TextSource", guid=s.guid, name=s.name, plainTextPath=f"internal://{s.guid}.txt")
    _opt(el, "creatingUser", s.creating_user)
    _opt(el, "creationDateTime", s.creation_datetime)
    _opt(el, "modifyingUser", s.modifying_user)
    _opt(el, "modifiedDateTime", s.modified_datetime)
    _text(el, E, "Description", s.description)
    for sel_guid, group in _selections(codings):
        first = group[0]
        sel = _sub(
            el,
            E,
            "PlainTextSelection",
            guid=sel_guid,
            name=first.excerpt or None,
            startPosition=str(first.start),
            endPosition=str(first.end),
            creatingUser=first.coder_guid,
        )
        _opt(sel, "creationDateTime", first.selection_created or first.created)
        memos = list(dict.fromkeys(c.selection_description for c in group if c.selection_description))
        _text(sel, E, "Description", "\n\n".join(memos) if memos else None)
        for c in group:
            cod = _sub(sel, E, "Coding", guid=c.guid, creatingUser=c.coder_guid)
            _opt(cod, "creationDateTime", c.created)
            _sub(cod, E, "CodeRef", targetGUID=c.code_guid)
            _note_refs(cod, E, notes_by_target, "coding", c.guid)
        _note_refs(sel, E, notes_by_target, "selection", sel_guid)
    _note_refs(el, E, notes_by_target, "source", s.guid)
    _values(el, E, s.variable_values, variables)
    return el


def codebook_xml(codes: list[Code], origin: str = ORIGIN) -> bytes:
    """A .qdc document: the code tree with colours and descriptions (no sets)."""
    if not codes:
        raise RefiError("cannot write a .qdc codebook without codes (the schema needs at least one)")
    E = _maker(CODEBOOK_NS)
    root = E("CodeBook", origin=origin)
    parent = _sub(root, E, "Codes")
    for c in codes:
        _code(parent, E, c, None)
    return _serialise(root)


# --- pieces -----------------------------------------------------------------------------------


def _maker(ns: str) -> _Maker:
    def make(tag: str, **attrs: str | None) -> etree._Element:
        # lxml-stubs type nsmap keys as str only, but None (the default namespace) is what lxml expects
        el = etree.Element(f"{{{ns}}}{tag}", nsmap={None: ns})  # type: ignore[dict-item]
        for k, v in attrs.items():
            if v is not None:
                el.set(k, v)
        return el

    maker = cast(_Maker, make)
    maker.ns = ns
    return maker


def _sub(parent: etree._Element, E: _Maker, tag: str, **attrs: str | None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{E.ns}}}{tag}")
    for k, v in attrs.items():
        if v is not None:
            _set(el, k, v)
    return el


def _set(el: etree._Element, attr: str | None, value: str) -> None:
    """Set an attribute (or the text, attr None), naming the culprit if XML cannot carry it."""
    try:
        if attr is None:
            el.text = value
        else:
            el.set(attr, value)
    except ValueError:
        owner = el if attr is not None or el.getparent() is None else cast(etree._Element, el.getparent())
        guid = owner.get("guid")
        what = f"<{etree.QName(owner).localname}{' ' + guid if guid else ''}> {attr or etree.QName(el).localname}"
        raise RefiError(f"{what} {value[:40]!r} contains characters XML cannot carry (control characters)") from None


def _opt(el: etree._Element, attr: str, value: str | None) -> None:
    if value:
        _set(el, attr, value)


def _text(parent: etree._Element, E: _Maker, tag: str, value: str | None) -> None:
    if value is not None:
        _set(_sub(parent, E, tag), None, value)


def _code(parent: etree._Element, E: _Maker, code: Code, notes_by_target: _NotesByTarget | None) -> None:
    el = _sub(
        parent,
        E,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.is_codable else "false",
        color=code.color,
    )
    _text(el, E, "Description", code.description)
    if notes_by_target is not None:
        _note_refs(el, E, notes_by_target, "code", code.guid)
    for child in code.children:
        _code(el, E, child, notes_by_target)


def _notes_by_target(notes: list[Note]) -> _NotesByTarget:
    out: _NotesByTarget = defaultdict(list)
    for n in notes:
        for t in n.targets:
            out[(t.kind, t.guid)].append(n.guid)
    return out


def _note_refs(el: etree._Element, E: _Maker, notes_by_target: _NotesByTarget, kind: str, guid: str | None) -> None:
    for note_guid in notes_by_target.get((kind, guid), []):
        _sub(el, E, "NoteRef", targetGUID=note_guid)


def _selections(codings: list[Coding]) -> list[tuple[str, list[Coding]]]:
    """Codings grouped into selections, in position order; GUIDs derived when the model has none.

    Within one selection codings keep the model's order (the sort is stable), so a file read and
    written again lists them as before.
    """
    groups: dict[str, list[Coding]] = {}
    for c in sorted(codings, key=lambda c: (c.start, c.end, c.selection_guid or "")):
        sel = c.selection_guid or str(uuid.uuid5(_SELECTION_NS, c.guid)).upper()
        group = groups.setdefault(sel, [])
        if group and (group[0].start, group[0].end) != (c.start, c.end):
            raise RefiError(f"selection {sel} has codings with different ranges ({group[0].guid}, {c.guid})")
        group.append(c)
    return sorted(groups.items(), key=lambda kv: (kv[1][0].start, kv[1][0].end, kv[0]))


def format_value(vtype: str, value: VariableValue) -> tuple[str, str]:
    """(element name, lexical form) for a variable value of the given type."""
    if vtype == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if vtype == "Integer":
        return "IntegerValue", str(int(cast(_Number, value)))
    if vtype == "Float":
        return "FloatValue", format(Decimal(repr(float(cast(_Number, value)))), "f")
    if vtype == "Date":
        return "DateValue", value.isoformat() if isinstance(value, date) else str(value)
    if vtype == "DateTime":
        if isinstance(value, datetime):
            if value.utcoffset() == timedelta(0):
                return "DateTimeValue", value.replace(tzinfo=None).isoformat() + "Z"
            return "DateTimeValue", value.isoformat()
        return "DateTimeValue", str(value)
    return "TextValue", str(value)


def _values(el: etree._Element, E: _Maker, values: dict[str, VariableValue], variables: dict[str, Variable]) -> None:
    for vguid, value in values.items():
        var = variables.get(vguid)
        if var is None:
            raise RefiError(f"value for variable {vguid}, which is not among the project's variables")
        vv = _sub(el, E, "VariableValue")
        _sub(vv, E, "VariableRef", targetGUID=vguid)
        tag, lexical = format_value(var.type, value)
        _sub(vv, E, tag).text = lexical


def _serialise(root: etree._Element) -> bytes:
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Checker:
    """Refuse models that would produce a dangling or duplicate reference in the export."""

    def __init__(self, project: Project):
        self.p = project

    def check(self) -> None:
        p = self.p
        users = {u.guid for u in p.users}
        codes = {c.guid for c in p.all_codes()}
        sources = {s.guid for s in p.sources}
        seen: set[str] = set()
        for kind, guids in (
            ("user", [u.guid for u in p.users]),
            ("code", [c.guid for c in p.all_codes()]),
            ("source", [s.guid for s in p.sources]),
            ("coding", [c.guid for c in p.codings]),
            ("note", [n.guid for n in p.notes]),
        ):
            for g in guids:
                if g in seen:
                    raise RefiError(f"duplicate GUID {g} ({kind}) in the project to export")
                seen.add(g)
        for c in p.codings:
            if c.code_guid not in codes:
                raise RefiError(f"coding {c.guid} refers to code {c.code_guid}, which is not in the codebook")
            if c.source_guid not in sources:
                raise RefiError(f"coding {c.guid} refers to source {c.source_guid}, which is not exported")
            if c.coder_guid not in users:
                raise RefiError(f"coding {c.guid} has coder {c.coder_guid}, who is not among the users")
            if not (0 <= c.start <= c.end):
                raise RefiError(f"coding {c.guid} has an invalid range {c.start}-{c.end}")
        lengths = {s.guid: len(s.text) for s in p.sources}
        for c in p.codings:
            if c.end > lengths[c.source_guid]:
                raise RefiError(f"coding {c.guid} ends at {c.end}, past the end of its text ({lengths[c.source_guid]})")
