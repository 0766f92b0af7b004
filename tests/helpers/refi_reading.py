"""An independent, deliberately plain reading of a .qdpx file, to check qualcode's reader against.

Uses lxml and zipfile only (never qualcode), matches elements by local name (any namespace), and
does no repair: a text is the UTF-8 of its archive entry, BOM stripped, nothing else changed.

``read_refi(path)`` gives a dict:

- ``origin``: the <Project> ``origin`` attribute;
- ``counts``: users, codes (all levels), text_sources (TextSource, and PDFSource with a
  <Representation>), selections (every PlainTextSelection), codings (every <Coding>), notes;
- ``descriptions``: how many non-empty <Description> on the project, text sources, selections, codes;
- ``sources``: per text source its guid, name, kind, ``text`` (None when neither inline nor in the
  archive), ``whole_codings`` and ``selections`` (guid, start, end, name, number of codings);
- ``codings``: per <Coding>, the guid of its source and of its nearest selection, and that selection's kind.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree


def _name(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el, name: str) -> list:
    return [k for k in el if _name(k) == name]


def _all(root, name: str) -> list:
    return [el for el in root.iter() if _name(el) == name]


def _has_description(el) -> bool:
    return any((d.text or "").strip() for d in _kids(el, "Description"))


def _text(el, entries: dict[str, str], zf: zipfile.ZipFile) -> str | None:
    """The plain text of a TextSource/Representation: inline, or an archive entry; None if neither."""
    inline = _kids(el, "PlainTextContent")
    if inline:
        return inline[0].text or ""
    path = el.get("plainTextPath")
    if not path:
        return None
    if path.startswith("internal://"):
        path = path[len("internal://") :]
    elif "://" in path:
        return None  # relative:// or absolute://: outside the archive
    path = path.replace("\\", "/").lstrip("/")
    for candidate in (f"sources/{path}", path):
        entry = entries.get(candidate.lower())
        if entry is not None:
            data = zf.read(entry)
            return data.decode("utf-8-sig")
    return None


def read_refi(path: str | Path) -> dict:
    """What the file holds, counted plainly. See the module docstring."""
    with zipfile.ZipFile(path) as zf:
        entries = {n.lower(): n for n in zf.namelist()}
        qde = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
        root = etree.fromstring(zf.read(qde))
        sources = []
        for el in root.iter():
            kind = _name(el)
            if kind == "TextSource" and _name(el.getparent()) == "Sources":
                inner = el
            elif kind == "PDFSource" and _kids(el, "Representation"):
                inner = _kids(el, "Representation")[0]
            else:
                continue
            sources.append(
                {
                    "guid": el.get("guid"),
                    "name": el.get("name"),
                    "kind": kind,
                    "text": _text(inner, entries, zf),
                    "whole_codings": len(_kids(el, "Coding")),
                    "selections": [
                        {
                            "guid": s.get("guid"),
                            "start": int(s.get("startPosition")),
                            "end": int(s.get("endPosition")),
                            "name": s.get("name"),
                            "codings": len(_kids(s, "Coding")),
                        }
                        for s in _kids(inner, "PlainTextSelection")
                    ],
                }
            )
    codebooks = _all(root, "CodeBook")
    codings = []  # where each <Coding> sits: its source (child of <Sources>) and nearest selection
    for c in _all(root, "Coding"):
        up = list(c.iterancestors())
        sel = next((a for a in up if _name(a).endswith("Selection")), None)
        src = next((a for a in up if a.getparent() is not None and _name(a.getparent()) == "Sources"), None)
        codings.append(
            {
                "source": None if src is None else src.get("guid"),
                "selection": None if sel is None else sel.get("guid"),
                "selection_kind": None if sel is None else _name(sel),
            }
        )
    return {
        "origin": root.get("origin"),
        "counts": {
            "users": sum(len(_kids(u, "User")) for u in _kids(root, "Users")),
            "codes": sum(len(_all(cb, "Code")) for cb in codebooks),
            "text_sources": len(sources),
            "selections": len(_all(root, "PlainTextSelection")),
            "codings": len(codings),
            "notes": sum(len(_kids(n, "Note")) for n in _kids(root, "Notes")),
        },
        "descriptions": {
            "project": int(_has_description(root)),
            "text_source": sum(_has_description(el) for el in _all(root, "TextSource")),
            "selection": sum(_has_description(el) for el in _all(root, "PlainTextSelection")),
            "code": sum(_has_description(el) for cb in codebooks for el in _all(cb, "Code")),
        },
        "sources": sources,
        "codings": codings,
    }


# ----------------------------------------------------------------------------- quotes

_NOT_A_QUOTE = re.compile(r"^\s*(line|quotation|quote|segment)?\s*[\d:,.\- ]*\s*$|^\s*\w+\s*:\s*\d+", re.IGNORECASE)


def norm(s: str) -> str:
    """Whitespace collapsed, NFC, a trailing ellipsis (ATLAS.ti cuts long quote names with "…") dropped."""
    s = " ".join(unicodedata.normalize("NFC", s).split())
    return s[:-1].rstrip() if s.endswith("…") else s


def _utf16_slice(text: str, start: int, end: int) -> str:
    units = text.encode("utf-16-le")
    return units[2 * start : 2 * end].decode("utf-16-le", errors="replace")


def quote_reading(text: str, sel: dict, origin: str | None) -> str | None:
    """How the selection's name matches the text at its positions: "code points" or "utf-16", or None
    when the name does not read as a quote (short, "line:6"-like, or matching neither counting)."""
    name = norm(sel["name"] or "")
    if len(name) < 4 or _NOT_A_QUOTE.match(name):
        return None
    readings = [("code points", text[sel["start"] : sel["end"]])]
    if "nvivo" in (origin or "").lower() or any(ord(c) > 0xFFFF for c in text):
        readings.append(("utf-16", _utf16_slice(text, sel["start"], sel["end"])))
    for label, quoted in readings:
        q = norm(quoted)
        if q and (q.startswith(name) or name.startswith(q)):
            return label
    return None
