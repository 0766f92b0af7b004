"""How a project's things are spelt in REFI-QDA, both ways: what the standard has no place for.

- a code's inclusion, exclusion and example follow its description as paragraphs ``Inclusion: …``,
  ``Exclusion: …``, ``Example: …`` (``compose_description``); import splits them back, from any
  tool's file (``split_description``);
- a document's ``kind`` and ``language`` travel as Text variables of those names; attribute types
  map to variable types (``ATTR_TO_VARIABLE``, ``VARIABLE_TO_ATTR``);
- what qualcode has no row of its own for (cases, the two document variables, coding memos) gets a
  GUID derived from its owner's (``derived_guid``), so the same project exports the same GUIDs.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.interchange.refi.model import VariableType

# Derives GUIDs for what qualcode has no row of its own for (cases, the kind/language variables,
# coding memos), so that the same project exports the same GUIDs every time.
_DERIVE = uuid.UUID("0C5E61A4-2B7D-4E0F-9C3A-5D1B8E7F6A20")
# document fields, exchanged as Text variables of these names (variable → documents column)
DOCUMENT_FIELDS = {
    "kind": "kind",
    "language": "language",
    "source file": "source_name",
    "source format": "source_format",
    "source sha256": "source_sha256",
    "source encoding": "encoding",
}
FIELD_VARIABLES = tuple(DOCUMENT_FIELDS)
CODEBOOK_TITLE_NOTE = "qualcode: codebook title"  # a project note carrying the codebook's title
SECTIONS = ("Inclusion", "Exclusion", "Example")
ATTR_TO_VARIABLE: dict[str, VariableType] = {
    "text": "Text",
    "integer": "Integer",
    "float": "Float",
    "date": "Date",
    "boolean": "Boolean",
}
VARIABLE_TO_ATTR = {
    "Text": "text",
    "Integer": "integer",
    "Float": "float",
    "Date": "date",
    "Boolean": "boolean",
    "DateTime": "text",
}  # no date-time attribute type: kept as ISO 8601 text


def derived_guid(kind: str, guid: str) -> str:
    """A stable GUID for ``kind`` of the thing with ``guid`` (uuid5, upper case)."""
    return str(uuid.uuid5(_DERIVE, f"{kind}:{guid}")).upper()


# ----------------------------------------------------------------------------- code descriptions

_SECTION = re.compile(r"(?:^|\n\n)(Inclusion|Exclusion|Example): ")


def compose_description(
    description: str | None, inclusion: str | None = None, exclusion: str | None = None, example: str | None = None
) -> str | None:
    """One REFI description: the description, then ``Inclusion: …``/``Exclusion: …``/``Example: …`` paragraphs."""
    parts = [description] if description else []
    parts += [f"{label}: {value}" for label, value in zip(SECTIONS, (inclusion, exclusion, example)) if value]
    return "\n\n".join(parts) if parts else None


def split_description(text: str | None) -> dict[str, str | None]:
    """The inverse of ``compose_description``: labelled paragraphs, in that order, become fields.

    A paragraph counts when it starts a description or follows a blank line, so a MAXQDA or NVivo
    user who wrote "Example: …" in the same way gets it in the example field too.
    """
    out: dict[str, str | None] = {"description": text or None, "inclusion": None, "exclusion": None, "example": None}
    if not text:
        return out
    cuts: list[tuple[int, int, str]] = []
    want = list(SECTIONS)
    for m in _SECTION.finditer(text):
        if m.group(1) in want:
            want = want[want.index(m.group(1)) + 1 :]
            cuts.append((m.start(), m.end(), m.group(1).lower()))
    if not cuts:
        return out
    out["description"] = text[: cuts[0][0]] or None
    for i, (_, end, field) in enumerate(cuts):
        out[field] = text[end : cuts[i + 1][0] if i + 1 < len(cuts) else len(text)]
    return out
