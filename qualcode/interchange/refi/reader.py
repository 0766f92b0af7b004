"""Read REFI-QDA .qdpx projects into the plain model, tolerating vendors' differences.

Known differences handled: GUIDs in lower case or ``{braces}`` (→ upper case, no braces);
any or no XML namespace (elements are matched by local name); text in ``plainTextPath``
(``internal://`` entries, bare paths inside the archive, ``relative://``/``absolute://``
files on disk only when allowed) or inline ``PlainTextContent``; missing optional elements;
empty ``<Sets/>`` (Taguette); sources and selections we cannot code (pictures, audio, video,
PDF areas), which are listed in the ImportReport rather than dropped silently.

Positions: the counting the exporter used is judged per source (``readings``), then the text is
folded to ``\\n`` + NFC and offsets are mapped through ``positions``.
"""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import cast

from lxml import etree

from qualcode.interchange.refi.codebook import read_codes
from qualcode.interchange.refi.elements import Elements, Identities, NoteRefs, check_namespace
from qualcode.interchange.refi.errors import RefiError
from qualcode.interchange.refi.model import (
    OWN_ORIGIN,
    PROJECT_NS,
    VARIABLE_TYPES,
    Case,
    Coding,
    ImportReport,
    Note,
    Project,
    TextSource,
    User,
    Variable,
    VariableType,
    VariableValue,
)
from qualcode.interchange.refi.readings import RawSelection, choose_reading
from qualcode.interchange.refi.safexml import iter_xml
from qualcode.interchange.refi.safezip import SafeZip, ZipLimits
from qualcode.interchange.refi.texts import ArchiveTexts
from qualcode.text import offsets as positions
from qualcode.text.decoding import normalise


def read_qdpx(
    path: str | Path, *, limits: ZipLimits = ZipLimits(), allow_external_files: bool = False
) -> tuple[Project, ImportReport]:
    """Read a .qdpx archive. Raises RefiError (naming entry/element/line) on anything unsafe or broken.

    ``allow_external_files`` lets ``relative://``/``absolute://`` text paths be read from disk;
    off by default so that an untrusted file cannot pull local files into a project.
    """
    with SafeZip(path, limits) as zf:
        qde = zf.find("project.qde") or next((n for n in zf.names() if n.lower().endswith(".qde")), None)
        if qde is None:
            raise RefiError(f"{path}: no project.qde inside the archive")
        where = f"{path}!{qde}"
        reader = _ProjectReader(where, ArchiveTexts(zf, str(path), allow_external_files), str(path))
        return reader.read(iter_xml(zf.chunks(qde), where))


def read_project_xml(data: bytes, where: str = "project.qde") -> tuple[Project, ImportReport]:
    """Read a bare project.qde (texts must be inline ``PlainTextContent``)."""
    return _ProjectReader(where, ArchiveTexts(None, where, False), where).read(iter_xml([data], where))


_VALUE_ELEMENTS = {
    "TextValue": "Text",
    "BooleanValue": "Boolean",
    "IntegerValue": "Integer",
    "FloatValue": "Float",
    "DateValue": "Date",
    "DateTimeValue": "DateTime",
}


class _ProjectReader:
    def __init__(self, where: str, texts: ArchiveTexts, file: str):
        self.x = Elements(where)
        self.texts = texts
        self.report = ImportReport(file=file)
        self.notes = NoteRefs()
        self.ids = Identities()
        self.project = Project()
        self.users: dict[str, User] = {}
        self.code_guids: set[str] = set()
        self.coding_guids: set[str] = set()
        self.variables: dict[str, Variable] = {}
        self.pending_values: list[tuple[dict[str, VariableValue], str, list[tuple[str, str, str, int | None]]]] = []
        self.pending_cases: list[tuple[Case, list[str]]] = []
        self.shared: dict[str, str] = {}
        self.trusted_positions = False  # our own exports: positions are always "as stored"

    def read(self, events: Iterator[tuple[str, etree._Element]]) -> tuple[Project, ImportReport]:
        """Reads the document as it streams: each section of <Project>, and each source and note
        within theirs, is read when its end tag arrives and then dropped from the tree."""
        x, p = self.x, self.project
        depth = 0
        root: etree._Element | None = None
        for event, el in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    root = el
                    self._root(el)
                continue
            depth -= 1
            if depth == 2 and x.name(cast(etree._Element, el.getparent())) in self._STREAMED:
                self._item(el)
                cast(etree._Element, el.getparent()).remove(el)
            elif depth == 1 and x.name(el) in self._SECTIONS:
                self._section(el)
                el.clear()
            elif depth == 0:
                root = el
        if root is None:
            raise RefiError(f"{x.where}: no root element")
        p.description = x.text_of(root, "Description")
        self._resolve_values()
        self._resolve_cases()
        self.notes.collect(x, root, "project", None)
        self._attach_notes()
        self._ensure_coders()
        self.report.counts.update(
            {
                "users": len(p.users),
                "codes": len(self.code_guids),
                "sources": len(p.sources),
                "codings": len(p.codings),
                "variables": len(p.variables),
                "cases": len(p.cases),
                "notes": len(p.notes),
            }
        )
        return p, self.report

    _SECTIONS = ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs")
    _STREAMED = ("Sources", "Notes")

    def _root(self, root: etree._Element) -> None:
        x, p = self.x, self.project
        if x.name(root) != "Project":
            raise x.fail(root, "is the root element; expected <Project> (is this a .qdc codebook?)")
        check_namespace(root, PROJECT_NS, self.report)
        p.name = root.get("name") or ""
        p.origin = root.get("origin")
        self.trusted_positions = (p.origin or "").startswith(OWN_ORIGIN)
        p.creating_user = x.guid(root, "creatingUserGUID", required=False)
        p.creation_datetime = root.get("creationDateTime")
        p.modified_datetime = root.get("modifiedDateTime")
        self.texts.base_path = root.get("basePath")

    def _item(self, el: etree._Element) -> None:
        """One child of <Sources> or <Notes>."""
        if not isinstance(el.tag, str):
            return
        if self.x.name(el.getparent()) == "Sources":  # type: ignore[arg-type]
            self._source(el)
        elif self.x.name(el) == "Note":
            self._note(el)

    def _section(self, el: etree._Element) -> None:
        x, p, kind = self.x, self.project, self.x.name(el)
        if kind == "Users":
            for u_el in x.kids(el, "User"):
                u = User(x.guid(u_el, "guid"), u_el.get("name") or "")
                self.ids.claim(x, u_el, u.guid)
                self.users[u.guid] = u
                p.users.append(u)
        elif kind == "CodeBook":
            for codes in x.kids(el, "Codes"):
                p.codes.extend(read_codes(x, codes, self.report, self.code_guids, self.notes, self.ids))
        elif kind == "Variables":
            for v_el in x.kids(el, "Variable"):
                self._variable(v_el)
        elif kind == "Cases":
            for c_el in x.kids(el, "Case"):
                self._case(c_el)
        elif kind in ("Links", "Sets", "Graphs"):
            item = kind[:-1]
            for i_el in x.kids(el, item):
                self.report.skip(
                    item, x.guid(i_el, "guid", required=False), i_el.get("name"), f"{kind.lower()} are not imported"
                )

    # variables and values

    def _variable(self, el: etree._Element) -> None:
        x = self.x
        vtype = el.get("typeOfVariable", "Text")
        if vtype not in VARIABLE_TYPES:
            raise x.fail(el, f"has an unknown typeOfVariable {vtype!r}")
        v = Variable(x.guid(el, "guid"), x.req(el, "name"), cast(VariableType, vtype), x.text_of(el, "Description"))
        self.ids.claim(x, el, v.guid)
        self.variables[v.guid] = v
        self.project.variables.append(v)

    def _values(self, owner_el: etree._Element, owner: str) -> dict[str, VariableValue]:
        """The owner's values, filled in at the end of the document (``_resolve_values``): a file
        may list its variables after the sources and cases that use them."""
        x = self.x
        out: dict[str, VariableValue] = {}
        raw_values: list[tuple[str, str, str, int | None]] = []
        for vv in x.kids(owner_el, "VariableValue"):
            ref = x.kid(vv, "VariableRef")
            if ref is None:
                raise x.fail(vv, "lacks <VariableRef>")
            vguid = x.guid(ref, "targetGUID")
            value_el = next((c for c in vv if isinstance(c.tag, str) and x.name(c) in _VALUE_ELEMENTS), None)
            kind = None if value_el is None else x.name(value_el)
            raw_values.append(
                (vguid, kind or "", "" if value_el is None else value_el.text or "", cast(int, vv.sourceline))
            )
        if raw_values:
            self.pending_values.append((out, owner, raw_values))
        return out

    def _resolve_values(self) -> None:
        for out, owner, raw_values in self.pending_values:
            for vguid, kind, raw, line in raw_values:
                if vguid not in self.variables:
                    self.report.skip("VariableValue", vguid, owner, "refers to an unknown variable")
                    continue
                if not kind:
                    continue  # the schema allows an empty choice: no value
                try:
                    out[vguid] = _parse_value(_VALUE_ELEMENTS[kind], raw)
                except ValueError:
                    self.report.skip("VariableValue", vguid, owner, f"line {line}: {kind} {raw!r} is not valid")
        self.pending_values.clear()

    def _case(self, el: etree._Element) -> None:
        x = self.x
        guid = x.guid(el, "guid")
        self.ids.claim(x, el, guid)
        case = Case(guid, el.get("name") or "", x.text_of(el, "Description"), self._values(el, f"case {guid}"))
        members = [x.guid(ref, "targetGUID") for ref in x.kids(el, "SourceRef")]
        for kind in ("CodeRef", "SelectionRef"):
            for ref in x.kids(el, kind):
                self.report.skip(kind, x.guid(ref, "targetGUID"), case.name, f"case {kind} members are not imported")
        self.pending_cases.append((case, members))
        self.project.cases.append(case)

    def _resolve_cases(self) -> None:
        """Members checked once every source is read (<Cases> comes before <Sources>)."""
        known = {s.guid for s in self.project.sources}
        for case, members in self.pending_cases:
            for sguid in members:
                if sguid in known:
                    case.source_guids.append(sguid)
                else:
                    self.report.skip("SourceRef", sguid, case.name, "case member is not an imported text source")
        self.pending_cases.clear()

    # sources

    def _source(self, el: etree._Element) -> None:
        x, kind = self.x, self.x.name(el)
        guid = x.guid(el, "guid")
        self.ids.claim(x, el, guid)
        name = el.get("name") or ""
        if kind == "TextSource":
            self._text_source(el, guid, name)
        elif kind == "PDFSource":
            rep = x.kid(el, "Representation")
            for sel in x.kids(el, "PDFSelection"):
                self.report.skip(
                    "PDFSelection",
                    x.guid(sel, "guid", required=False),
                    name,
                    "area selections on PDF pages are not imported",
                )
            if rep is not None:
                before = len(self.project.sources)
                self._text_source(rep, guid, name, outer=el)
                if len(self.project.sources) > before:  # only if its text was there to import
                    self.report.warnings.append(f"PDF source {name!r}: imported its plain-text representation")
            else:
                self.report.skip("PDFSource", guid, name, "PDF without a plain-text representation")
        elif kind in ("PictureSource", "AudioSource", "VideoSource"):
            inner = sum(
                len(x.kids(el, k)) for k in ("PictureSelection", "AudioSelection", "VideoSelection", "Transcript")
            )
            self.report.skip(
                kind,
                guid,
                name,
                f"{kind[:-6].lower()} sources are not imported"
                + (f" (with {inner} selections/transcripts)" if inner else ""),
            )
        else:
            self.report.skip(kind, guid, name, "unknown source type")

    def _text_source(self, el: etree._Element, guid: str, name: str, outer: etree._Element | None = None) -> None:
        x, outer = self.x, (el if outer is None else outer)
        inline = x.text_of(el, "PlainTextContent")
        path = el.get("plainTextPath")
        raw: str | None
        if inline is not None:
            raw = inline
        elif path:
            raw, reason = self.texts.load(path)
            if raw is None:
                self.report.skip(x.name(outer), guid, name, reason)
                return
        else:
            self.report.skip(x.name(outer), guid, name, "has neither plainTextPath nor PlainTextContent")
            return
        sels: list[RawSelection] = []
        for sel_el in x.kids(el, "PlainTextSelection"):
            start, end = x.int_attr(sel_el, "startPosition"), x.int_attr(sel_el, "endPosition")
            sel_guid = x.guid(sel_el, "guid")
            self.ids.claim(x, sel_el, sel_guid)
            sels.append(RawSelection(sel_el, sel_guid, start, end, sel_el.get("name")))
        reading = choose_reading(raw, sels, trusted=self.trusted_positions, origin=self.project.origin)
        label, exporter_text, sels = reading.label, reading.text, reading.selections
        if reading.undecided:
            self.report.warnings.append(
                f"source {name!r}: positions read as code points, but {reading.why}; check its quotes"
            )
        elif label != "as stored":
            self.report.warnings.append(f"source {name!r}: positions read with {label} ({reading.why})")
        if reading.why not in ("written by qualcode", "selections fit the text as stored") or label != "as stored":
            self.report.readings.append((name, label, reading.why))
        text = normalise(raw)
        flat = positions.to_stored_offsets(exporter_text, [v for s in sels for v in (s.start, s.end)])
        src = TextSource(
            guid=guid,
            name=name,
            text=text,
            plain_text_path=path,
            description=x.text_of(outer, "Description"),
            creating_user=x.guid(outer, "creatingUser", required=False),
            creation_datetime=outer.get("creationDateTime"),
            modifying_user=x.guid(outer, "modifyingUser", required=False),
            modified_datetime=outer.get("modifiedDateTime"),
            variable_values=self._values(outer, name),
        )
        self.project.sources.append(src)
        self.notes.collect(x, outer, "source", guid)
        n_exp = len(exporter_text)
        for i, s in enumerate(sels):
            if not (0 <= s.start <= s.end <= n_exp):
                self.report.skip(
                    "PlainTextSelection",
                    s.guid,
                    name,
                    f"line {s.el.sourceline}: positions {s.start}-{s.end} are reversed or outside "
                    f"the text (length {n_exp})",
                )
                continue
            start, end = flat[2 * i], flat[2 * i + 1]
            self.notes.collect(x, s.el, "selection", s.guid)
            codings = x.kids(s.el, "Coding")
            if not codings:
                self.report.skip("PlainTextSelection", s.guid, name, "selection without a coding")
            for c in codings:
                self._coding(c, src, start, end, s.guid, s.el)
        for c in x.kids(outer, "Coding"):  # a code applied to the whole source
            self.report.warnings.append(f"source {name!r}: a whole-source coding became a coding of the full text")
            self._coding(c, src, 0, len(text), None, outer)

    def _coding(
        self, el: etree._Element, src: TextSource, start: int, end: int, sel_guid: str | None, sel_el: etree._Element
    ) -> None:
        x = self.x
        guid = x.guid(el, "guid")
        self.ids.claim(x, el, guid)
        self.coding_guids.add(guid)
        ref = x.kid(el, "CodeRef")
        if ref is None:
            raise x.fail(el, "lacks <CodeRef>")
        code = x.guid(ref, "targetGUID")
        if code not in self.code_guids:
            self.report.skip("Coding", guid, src.name, f"line {el.sourceline}: refers to unknown code {code}")
            return
        coder = (
            x.guid(el, "creatingUser", required=False)
            or x.guid(sel_el, "creatingUser", required=False)
            or src.creating_user
            or self.project.creating_user
            or ""
        )
        one = self.shared.setdefault  # one string per code, coder and time, not one per coding
        created = el.get("creationDateTime") or sel_el.get("creationDateTime")
        selected = sel_el.get("creationDateTime") if sel_guid else None
        self.project.codings.append(
            Coding(
                guid=guid,
                source_guid=src.guid,
                start=start,
                end=end,
                code_guid=one(code, code),
                coder_guid=one(coder, coder),
                created=None if created is None else one(created, created),
                selection_guid=sel_guid,
                selection_created=None if selected is None else one(selected, selected),
                excerpt=sel_el.get("name") if sel_guid else None,
                selection_description=x.text_of(sel_el, "Description") if sel_guid else None,
            )
        )
        self.notes.collect(x, el, "coding", guid)

    def _ensure_coders(self) -> None:
        """Every coding gets a coder: unknown GUIDs become users; none at all becomes one placeholder."""
        for c in self.project.codings:
            if not c.coder_guid:
                placeholder = "00000000-0000-4000-8000-000000000000"
                c.coder_guid = placeholder
                if placeholder not in self.users:
                    self.report.warnings.append("codings without any creating user were given the user 'unknown coder'")
                    self._add_user(placeholder, "unknown coder")
            elif c.coder_guid not in self.users:
                self.report.warnings.append(f"coder {c.coder_guid} is not among <Users>; added without a name")
                self._add_user(c.coder_guid, "")

    def _add_user(self, guid: str, name: str) -> None:
        u = User(guid, name)
        self.users[guid] = u
        self.project.users.append(u)

    # notes

    def _note(self, el: etree._Element) -> None:
        x = self.x
        guid = x.guid(el, "guid")
        self.ids.claim(x, el, guid)
        name = el.get("name") or ""
        inline = x.text_of(el, "PlainTextContent")
        raw: str | None
        if inline is not None:
            raw = inline
        elif el.get("plainTextPath"):
            raw, reason = self.texts.load(cast(str, el.get("plainTextPath")))
            if raw is None:
                self.report.skip("Note", guid, name, reason)
                return
        else:
            raw = x.text_of(el, "Description") or ""
        if x.kids(el, "PlainTextSelection"):
            self.report.warnings.append(f"note {name!r}: selections inside notes are not imported")
        self.project.notes.append(
            Note(guid, name, normalise(raw), x.guid(el, "creatingUser", required=False), el.get("creationDateTime"))
        )

    def _attach_notes(self) -> None:
        by_guid = {n.guid: n for n in self.project.notes}
        for note_guid, targets in self.notes.targets.items():
            note = by_guid.get(note_guid)
            if note is None:
                self.report.skip("NoteRef", note_guid, None, "refers to a note that is not in <Notes>")
                continue
            note.targets.extend(targets)


def _parse_value(vtype: str, raw: str) -> VariableValue:
    s = raw.strip()
    if vtype == "Text":
        return raw
    if vtype == "Boolean":
        if s.lower() in ("true", "1"):
            return True
        if s.lower() in ("false", "0"):
            return False
        raise ValueError(s)
    if vtype == "Integer":
        return int(s)
    if vtype == "Float":
        try:
            return float(Decimal(s))
        except InvalidOperation:
            raise ValueError(s) from None
    if vtype == "Date":
        return date.fromisoformat(s)
    return datetime.fromisoformat(s.replace("Z", "+00:00"))
