"""Codes: the tree inside a project's <CodeBook> and in .qdc files (Taguette's empty <Sets/> too)."""

import re
from pathlib import Path

from lxml import etree

from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.interchange.refi.elements import Elements, Identities, NoteRefs, check_namespace
from qualcode.interchange.refi.errors import RefiError
from qualcode.interchange.refi.model import CODEBOOK_NS, Code, ImportReport
from qualcode.interchange.refi.safexml import parse_xml

MAX_QDC_BYTES = 64 * 1024 * 1024


def read_qdc(path: str | Path, *, max_bytes: int = MAX_QDC_BYTES) -> tuple[list[Code], ImportReport]:
    """Read a .qdc codebook: the code tree (sets are tolerated, even empty ones, and reported)."""
    p = Path(path)
    try:
        data = read_input(p, max_bytes, "a codebook")
    except QualcodeError as e:
        raise RefiError(str(e)) from None
    return read_qdc_bytes(data, str(p))


def read_qdc_bytes(data: bytes, where: str = "codebook.qdc") -> tuple[list[Code], ImportReport]:
    root = parse_xml(data, where)
    report = ImportReport(file=where)
    x = Elements(where)
    if x.name(root) != "CodeBook":
        raise RefiError(f"{where} line {root.sourceline}: root element is <{x.name(root)}>, expected <CodeBook>")
    check_namespace(root, CODEBOOK_NS, report)
    codes: list[Code] = []
    seen: set[str] = set()
    for codes_el in x.kids(root, "Codes"):
        codes.extend(read_codes(x, codes_el, report, seen, None))
    for sets_el in x.kids(root, "Sets"):
        for s in x.kids(sets_el, "Set"):
            report.skip("Set", x.guid(s, "guid", required=False), s.get("name"), "sets are not imported")
    report.counts["codes"] = len(seen)
    return codes, report


_COLOR = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


def parse_color(value: str | None, report: ImportReport, code_name: str) -> str | None:
    if not value:
        return None
    m = _COLOR.fullmatch(value.strip())
    if not m:
        report.warnings.append(f"code {code_name!r}: colour {value!r} not understood, left out")
        return None
    hexa = m.group(1)
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    return "#" + hexa  # spelled as the file spells it, so a round trip keeps it


def parse_bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def read_codes(
    x: Elements,
    parent: etree._Element,
    report: ImportReport,
    seen: set[str],
    notes: NoteRefs | None,
    identities: "Identities | None" = None,
) -> list[Code]:
    out: list[Code] = []
    for el in x.kids(parent, "Code"):
        guid = x.guid(el, "guid")
        if identities is not None:
            identities.claim(x, el, guid)
        elif guid in seen:
            raise x.fail(el, f"repeats code GUID {guid}")
        seen.add(guid)
        name = x.req(el, "name")
        code = Code(
            guid=guid,
            name=name,
            color=parse_color(el.get("color"), report, name),
            description=x.text_of(el, "Description"),
            is_codable=parse_bool(el.get("isCodable"), True),
        )
        if notes is not None:
            notes.collect(x, el, "code", guid)
        code.children = read_codes(x, el, report, seen, notes, identities)
        out.append(code)
    return out
