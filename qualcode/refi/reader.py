"""Read REFI-QDA .qdpx projects and .qdc codebooks into the plain model, tolerating vendors.

Known differences handled: GUIDs in lower case or ``{braces}`` (→ upper case, no braces);
any or no XML namespace (elements are matched by local name); text in ``plainTextPath``
(``internal://`` entries, bare paths inside the archive, ``relative://``/``absolute://``
files on disk only when allowed) or inline ``PlainTextContent``; missing optional elements;
empty ``<Sets/>`` (Taguette); sources and selections we cannot code (pictures, audio, video,
PDF areas), which are listed in the ImportReport rather than dropped silently.

Positions: REFI counts code points in the text as the exporter saw it, but exporters disagree
on line breaks (a Windows tool may count CRLF as two characters while the stored .txt has LF,
or the reverse). For each source we try the readings "as stored", "every line break is two
characters" and "every line break is one" and keep the one under which selections are in
range, match the excerpt some tools put in the selection's ``name``, and fall on word
boundaries; ties keep "as stored" (the spec's reading). Any other reading is reported.
Then the text is folded to ``\\n`` + NFC and offsets are mapped through ``positions``.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from qualcode.ids import normalise_guid
from qualcode.refi import positions
from qualcode.refi.errors import RefiError
from qualcode.refi.model import (
    VARIABLE_TYPES, Case, Code, Coding, ImportReport, Note, NoteTarget, Project, TextSource, User,
    Variable, VariableValue,
)
from qualcode.refi.safexml import parse_xml
from qualcode.refi.safezip import SafeZip, ZipLimits

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
MAX_QDC_BYTES = 64 * 1024 * 1024


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
        root = parse_xml(zf.read(qde), where)
        reader = _ProjectReader(where, _ArchiveTexts(zf, str(path), allow_external_files), str(path))
        return reader.read(root)


def read_project_xml(data: bytes, where: str = "project.qde") -> tuple[Project, ImportReport]:
    """Read a bare project.qde (texts must be inline ``PlainTextContent``)."""
    root = parse_xml(data, where)
    return _ProjectReader(where, _ArchiveTexts(None, where, False), where).read(root)


def read_qdc(path: str | Path, *, max_bytes: int = MAX_QDC_BYTES) -> tuple[list[Code], ImportReport]:
    """Read a .qdc codebook: the code tree (sets are tolerated, even empty ones, and reported)."""
    p = Path(path)
    try:
        if p.stat().st_size > max_bytes:
            raise RefiError(f"{p}: refused: larger than {max_bytes} bytes")
        data = p.read_bytes()
    except OSError as e:
        raise RefiError(f"{p}: cannot read: {e.strerror}") from None
    return read_qdc_bytes(data, str(p))


def read_qdc_bytes(data: bytes, where: str = "codebook.qdc") -> tuple[list[Code], ImportReport]:
    root = parse_xml(data, where)
    report = ImportReport(file=where)
    x = _Xml(where)
    if x.name(root) != "CodeBook":
        raise RefiError(f"{where} line {root.sourceline}: root element is <{x.name(root)}>, expected <CodeBook>")
    _check_namespace(root, CODEBOOK_NS, report)
    codes: list[Code] = []
    seen: set[str] = set()
    for codes_el in x.kids(root, "Codes"):
        codes.extend(_read_codes(x, codes_el, report, seen, None))
    for sets_el in x.kids(root, "Sets"):
        for s in x.kids(sets_el, "Set"):
            report.skip("Set", x.guid(s, "guid", required=False), s.get("name"), "sets are not imported")
    report.counts["codes"] = len(seen)
    return codes, report


# --- helpers ---------------------------------------------------------------------------------


class _Xml:
    """Element access by local name, with errors that name the element and line."""

    def __init__(self, where: str):
        self.where = where

    @staticmethod
    def name(el) -> str:
        return etree.QName(el).localname

    def kids(self, el, name: str) -> list:
        return [c for c in el if isinstance(c.tag, str) and self.name(c) == name]

    def kid(self, el, name: str):
        found = self.kids(el, name)
        return found[0] if found else None

    def text_of(self, el, name: str) -> str | None:
        k = self.kid(el, name)
        return None if k is None else (k.text or "")

    def fail(self, el, msg: str) -> RefiError:
        return RefiError(f"{self.where} line {el.sourceline}: <{self.name(el)}> {msg}")

    def req(self, el, attr: str) -> str:
        v = el.get(attr)
        if v is None:
            raise self.fail(el, f"lacks required attribute '{attr}'")
        return v

    def guid(self, el, attr: str, required: bool = True) -> str | None:
        v = el.get(attr)
        if v is None or not v.strip():
            if required:
                raise self.fail(el, f"lacks required attribute '{attr}'")
            return None
        try:
            return normalise_guid(v)
        except ValueError:
            raise self.fail(el, f"has an invalid GUID in '{attr}': {v!r}") from None

    def int_attr(self, el, attr: str) -> int:
        v = self.req(el, attr)
        try:
            return int(v.strip())
        except ValueError:
            raise self.fail(el, f"has a non-integer '{attr}': {v!r}") from None


def _check_namespace(root, expected: str, report: ImportReport) -> None:
    ns = etree.QName(root).namespace
    if ns != expected:
        report.warnings.append(f"namespace {ns!r} instead of {expected!r}; read by element names")


_COLOR = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


def _color(value: str | None, report: ImportReport, code_name: str) -> str | None:
    if not value:
        return None
    m = _COLOR.fullmatch(value.strip())
    if not m:
        report.warnings.append(f"code {code_name!r}: colour {value!r} not understood, left out")
        return None
    hexa = m.group(1)
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    return "#" + hexa.upper()


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def _read_codes(x: _Xml, parent, report: ImportReport, seen: set[str], notes: "_NoteRefs | None") -> list[Code]:
    out = []
    for el in x.kids(parent, "Code"):
        guid = x.guid(el, "guid")
        if guid in seen:
            raise x.fail(el, f"repeats code GUID {guid}")
        seen.add(guid)
        name = x.req(el, "name")
        code = Code(
            guid=guid, name=name, color=_color(el.get("color"), report, name),
            description=x.text_of(el, "Description"), is_codable=_bool(el.get("isCodable"), True),
        )
        if notes is not None:
            notes.collect(x, el, "code", guid)
        code.children = _read_codes(x, el, report, seen, notes)
        out.append(code)
    return out


class _NoteRefs:
    """NoteRef elements seen anywhere, collected as note GUID → targets."""

    def __init__(self):
        self.targets: dict[str, list[NoteTarget]] = {}

    def collect(self, x: _Xml, el, kind: str, guid: str | None) -> None:
        for ref in x.kids(el, "NoteRef"):
            note = x.guid(ref, "targetGUID")
            self.targets.setdefault(note, []).append(NoteTarget(kind, guid))


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 (BOM optional) or UTF-16 with BOM, as the spec and our invariants allow."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RefiError(f"{where}: not UTF-8 text (byte {e.start}): {e.reason}") from None


class _ArchiveTexts:
    """Resolves a text path (internal://, bare, relative://, absolute://) to its text."""

    def __init__(self, zf: SafeZip | None, archive: str, allow_external: bool):
        self.zf, self.archive, self.allow_external = zf, archive, allow_external
        self.base_path: str | None = None

    def load(self, path: str) -> tuple[str | None, str]:
        """(text, '') or (None, reason it could not be read)."""
        p = path.strip()
        scheme, sep, rest = p.partition("://")
        if not sep:
            scheme, rest = "", p
        scheme = scheme.lower()
        if scheme in ("internal", ""):
            if self.zf is None:
                return None, f"text path {path!r} needs the .qdpx archive"
            rest = rest.replace("\\", "/").lstrip("/")
            candidates = [rest] if rest.lower().startswith("sources/") else [f"sources/{rest}", rest]
            for c in candidates:
                entry = self.zf.find(c)
                if entry:
                    return decode_text(self.zf.read(entry), f"{self.archive}!{entry}"), ""
            if scheme == "":
                return self._external(Path(p))
            return None, f"{path!r} not found in the archive"
        if scheme in ("relative", "absolute", "file"):
            rest = rest.lstrip("/") if scheme == "relative" else rest
            if scheme == "relative":
                if not self.base_path:
                    return None, f"{path!r} is relative but the project has no basePath"
                return self._external(Path(self.base_path) / rest)
            if re.match(r"^/[A-Za-z]:", rest):  # absolute:///C:/…
                rest = rest[1:]
            return self._external(Path(rest))
        return None, f"unknown path scheme in {path!r}"

    def _external(self, path: Path) -> tuple[str | None, str]:
        if not self.allow_external:
            return None, f"text is in an external file {str(path)!r} (not read; allow_external_files=True reads it)"
        try:
            return decode_text(path.read_bytes(), str(path)), ""
        except OSError as e:
            return None, f"external file {str(path)!r} cannot be read: {e.strerror}"


# --- positions --------------------------------------------------------------------------------

@dataclass
class _RawSelection:
    el: object
    guid: str
    start: int
    end: int
    name: str | None


_LINEBREAK = re.compile(r"\r\n|\r|\n")
_WS = re.compile(r"\s+")


def _readings(raw: str) -> list[tuple[str, str]]:
    """Candidate texts the exporter may have counted in, "as stored" first."""
    out = [("as stored", raw)]
    for label, repl in (("line breaks counted as two characters", "\r\n"), ("line breaks counted as one character", "\n")):
        alt = _LINEBREAK.sub(repl, raw)
        if all(alt != t for _, t in out):
            out.append((label, alt))
    return out


def _is_word_edge(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return True
    return not (text[i - 1].isalnum() and text[i].isalnum())


def _excerpt_matches(text: str, sel: _RawSelection) -> bool:
    name = (sel.name or "").strip().rstrip("…").rstrip(".").strip()
    if len(name) < 2:
        return False
    quoted = _WS.sub(" ", text[sel.start:sel.end]).strip()
    name = _WS.sub(" ", name)
    return quoted.startswith(name) or (len(quoted) >= 4 and name.startswith(quoted))


def choose_reading(raw: str, selections: list[_RawSelection]) -> tuple[str, str]:
    """(label, exporter text) that best explains the selections; see the module docstring."""
    candidates = _readings(raw)
    if len(candidates) == 1 or not selections:
        return candidates[0]
    best, best_score = candidates[0], None
    for rank, (label, text) in enumerate(candidates):
        n = len(text)
        in_range = sum(0 <= s.start <= s.end <= n for s in selections)
        named = sum(_excerpt_matches(text, s) for s in selections if 0 <= s.start <= s.end <= n)
        edges = sum(_is_word_edge(text, s.start) + _is_word_edge(text, s.end) for s in selections if s.end <= n)
        score = (in_range, named, edges, -rank)
        if best_score is None or score > best_score:
            best, best_score = (label, text), score
    return best


# --- project ------------------------------------------------------------------------------------

_VALUE_ELEMENTS = {
    "TextValue": "Text", "BooleanValue": "Boolean", "IntegerValue": "Integer",
    "FloatValue": "Float", "DateValue": "Date", "DateTimeValue": "DateTime",
}


class _ProjectReader:
    def __init__(self, where: str, texts: _ArchiveTexts, file: str):
        self.x = _Xml(where)
        self.texts = texts
        self.report = ImportReport(file=file)
        self.notes = _NoteRefs()
        self.project = Project()
        self.users: dict[str, User] = {}
        self.code_guids: set[str] = set()
        self.variables: dict[str, Variable] = {}

    def read(self, root) -> tuple[Project, ImportReport]:
        x, p = self.x, self.project
        if x.name(root) != "Project":
            raise x.fail(root, "is the root element; expected <Project> (is this a .qdc codebook?)")
        _check_namespace(root, PROJECT_NS, self.report)
        p.name = root.get("name") or ""
        p.origin = root.get("origin")
        p.creating_user = x.guid(root, "creatingUserGUID", required=False)
        p.creation_datetime = root.get("creationDateTime")
        p.modified_datetime = root.get("modifiedDateTime")
        p.description = x.text_of(root, "Description")
        self.texts.base_path = root.get("basePath")
        for users in x.kids(root, "Users"):
            for el in x.kids(users, "User"):
                u = User(x.guid(el, "guid"), el.get("name") or "")
                if u.guid not in self.users:
                    self.users[u.guid] = u
                    p.users.append(u)
        for cb in x.kids(root, "CodeBook"):
            for codes in x.kids(cb, "Codes"):
                p.codes.extend(_read_codes(x, codes, self.report, self.code_guids, self.notes))
        for vs in x.kids(root, "Variables"):
            for el in x.kids(vs, "Variable"):
                self._variable(el)
        for srcs in x.kids(root, "Sources"):
            for el in srcs:
                if isinstance(el.tag, str):
                    self._source(el)
        for cs in x.kids(root, "Cases"):
            for el in x.kids(cs, "Case"):
                self._case(el)
        for ns in x.kids(root, "Notes"):
            for el in x.kids(ns, "Note"):
                self._note(el)
        for kind, item in (("Links", "Link"), ("Sets", "Set"), ("Graphs", "Graph")):
            for group in x.kids(root, kind):
                for el in x.kids(group, item):
                    self.report.skip(item, x.guid(el, "guid", required=False), el.get("name"),
                                     f"{kind.lower()} are not imported")
        self.notes.collect(x, root, "project", None)
        self._attach_notes()
        self._ensure_coders()
        self.report.counts.update({
            "users": len(p.users), "codes": len(self.code_guids), "sources": len(p.sources),
            "codings": len(p.codings), "variables": len(p.variables), "cases": len(p.cases),
            "notes": len(p.notes),
        })
        return p, self.report

    # variables and values

    def _variable(self, el) -> None:
        x = self.x
        vtype = el.get("typeOfVariable", "Text")
        if vtype not in VARIABLE_TYPES:
            raise x.fail(el, f"has an unknown typeOfVariable {vtype!r}")
        v = Variable(x.guid(el, "guid"), x.req(el, "name"), vtype, x.text_of(el, "Description"))
        self.variables[v.guid] = v
        self.project.variables.append(v)

    def _values(self, owner_el, owner: str) -> dict[str, VariableValue]:
        x, out = self.x, {}
        for vv in x.kids(owner_el, "VariableValue"):
            ref = x.kid(vv, "VariableRef")
            if ref is None:
                raise x.fail(vv, "lacks <VariableRef>")
            vguid = x.guid(ref, "targetGUID")
            if vguid not in self.variables:
                self.report.skip("VariableValue", vguid, owner, "refers to an unknown variable")
                continue
            value_el = next((c for c in vv if isinstance(c.tag, str) and x.name(c) in _VALUE_ELEMENTS), None)
            if value_el is None:
                continue  # the schema allows an empty choice: no value
            raw = (value_el.text or "")
            try:
                out[vguid] = _parse_value(_VALUE_ELEMENTS[x.name(value_el)], raw)
            except ValueError:
                self.report.skip("VariableValue", vguid, owner,
                                 f"line {value_el.sourceline}: {x.name(value_el)} {raw!r} is not valid")
        return out

    def _case(self, el) -> None:
        x = self.x
        guid = x.guid(el, "guid")
        case = Case(guid, el.get("name") or "", x.text_of(el, "Description"), self._values(el, f"case {guid}"))
        known = {s.guid for s in self.project.sources}
        for ref in x.kids(el, "SourceRef"):
            sguid = x.guid(ref, "targetGUID")
            if sguid in known:
                case.source_guids.append(sguid)
            else:
                self.report.skip("SourceRef", sguid, case.name, "case member is not an imported text source")
        for kind in ("CodeRef", "SelectionRef"):
            for ref in x.kids(el, kind):
                self.report.skip(kind, x.guid(ref, "targetGUID"), case.name, f"case {kind} members are not imported")
        self.project.cases.append(case)

    # sources

    def _source(self, el) -> None:
        x, kind = self.x, self.x.name(el)
        guid = x.guid(el, "guid")
        name = el.get("name") or ""
        if kind == "TextSource":
            self._text_source(el, guid, name)
        elif kind == "PDFSource":
            rep = x.kid(el, "Representation")
            for sel in x.kids(el, "PDFSelection"):
                self.report.skip("PDFSelection", x.guid(sel, "guid", required=False), name,
                                 "area selections on PDF pages are not imported")
            if rep is not None:
                self.report.warnings.append(f"PDF source {name!r}: imported its plain-text representation")
                self._text_source(rep, guid, name, outer=el)
            else:
                self.report.skip("PDFSource", guid, name, "PDF without a plain-text representation")
        elif kind in ("PictureSource", "AudioSource", "VideoSource"):
            inner = sum(len(x.kids(el, k)) for k in ("PictureSelection", "AudioSelection", "VideoSelection", "Transcript"))
            self.report.skip(kind, guid, name, f"{kind[:-6].lower()} sources are not imported"
                             + (f" (with {inner} selections/transcripts)" if inner else ""))
        else:
            self.report.skip(kind, guid, name, "unknown source type")

    def _text_source(self, el, guid: str, name: str, outer=None) -> None:
        x, outer = self.x, (el if outer is None else outer)
        inline = x.text_of(el, "PlainTextContent")
        path = el.get("plainTextPath")
        if inline is not None:
            raw = inline
        elif path:
            raw, reason = self.texts.load(path)
            if raw is None:
                self.report.skip("TextSource", guid, name, reason)
                return
        else:
            self.report.skip("TextSource", guid, name, "has neither plainTextPath nor PlainTextContent")
            return
        sels = []
        for s in x.kids(el, "PlainTextSelection"):
            start, end = x.int_attr(s, "startPosition"), x.int_attr(s, "endPosition")
            sels.append(_RawSelection(s, x.guid(s, "guid"), start, end, s.get("name")))
        label, exporter_text = choose_reading(raw, sels)
        if label != "as stored":
            self.report.warnings.append(f"source {name!r}: positions read with {label}")
        text = positions.fold_text(raw)
        flat = positions.to_stored_offsets(exporter_text, [v for s in sels for v in (s.start, s.end)])
        src = TextSource(
            guid=guid, name=name, text=text, plain_text_path=path,
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
                self.report.skip("PlainTextSelection", s.guid, name,
                                 f"line {s.el.sourceline}: positions {s.start}-{s.end} are reversed or outside "
                                 f"the text (length {n_exp})")
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

    def _coding(self, el, src: TextSource, start: int, end: int, sel_guid: str | None, sel_el) -> None:
        x = self.x
        guid = x.guid(el, "guid")
        ref = x.kid(el, "CodeRef")
        if ref is None:
            raise x.fail(el, "lacks <CodeRef>")
        code = x.guid(ref, "targetGUID")
        if code not in self.code_guids:
            self.report.skip("Coding", guid, src.name, f"line {el.sourceline}: refers to unknown code {code}")
            return
        coder = (x.guid(el, "creatingUser", required=False) or x.guid(sel_el, "creatingUser", required=False)
                 or src.creating_user or self.project.creating_user or "")
        self.project.codings.append(Coding(
            guid=guid, source_guid=src.guid, start=start, end=end, code_guid=code, coder_guid=coder,
            created=el.get("creationDateTime") or sel_el.get("creationDateTime"),
            selection_guid=sel_guid, selection_created=sel_el.get("creationDateTime") if sel_guid else None,
        ))
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

    def _note(self, el) -> None:
        x = self.x
        guid = x.guid(el, "guid")
        name = el.get("name") or ""
        inline = x.text_of(el, "PlainTextContent")
        if inline is not None:
            raw = inline
        elif el.get("plainTextPath"):
            raw, reason = self.texts.load(el.get("plainTextPath"))
            if raw is None:
                self.report.skip("Note", guid, name, reason)
                return
        else:
            raw = x.text_of(el, "Description") or ""
        if x.kids(el, "PlainTextSelection"):
            self.report.warnings.append(f"note {name!r}: selections inside notes are not imported")
        self.project.notes.append(Note(guid, name, positions.fold_text(raw),
                                       x.guid(el, "creatingUser", required=False), el.get("creationDateTime")))

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
