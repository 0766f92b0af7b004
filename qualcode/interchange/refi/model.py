"""A plain in-memory model of a REFI-QDA project, independent of the database.

The reader fills it from .qdpx/.qdc files and the writer serialises it; the project layer maps
it to tables. Texts are already in our stored form (NFC, ``\\n``) and every offset is a code
point into that text, half-open ``[start, end)``. GUIDs are upper case without braces.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from qualcode.text.wording import counted

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
OWN_ORIGIN = "qualcode"  # the writer's origin attribute; the reader trusts positions in such files

VariableType = Literal["Text", "Boolean", "Integer", "Float", "Date", "DateTime"]
VARIABLE_TYPES: tuple[str, ...] = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
VariableValue = str | bool | int | float | date | datetime
NoteTargetKind = Literal["project", "source", "code", "selection", "coding"]


@dataclass
class User:
    guid: str
    name: str = ""


@dataclass
class Code:
    guid: str
    name: str
    color: str | None = None  # "#RRGGBB", upper case (the reader normalises "#rgb", "rrggbb")
    description: str | None = None
    is_codable: bool = True
    children: list["Code"] = field(default_factory=list)

    def walk(self) -> Iterator["Code"]:
        """This code and all descendants, depth first, in order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class TextSource:
    guid: str
    name: str
    text: str  # stored form: NFC, "\n" line endings
    plain_text_path: str | None = None  # as read (e.g. "internal://GUID.txt"); informative only
    description: str | None = None
    creating_user: str | None = None
    creation_datetime: str | None = None  # ISO 8601 as in the file
    modifying_user: str | None = None
    modified_datetime: str | None = None
    variable_values: dict[str, VariableValue] = field(default_factory=dict)  # variable GUID → value


@dataclass(slots=True)  # a million of them on a large export or import
class Coding:
    """One code applied by one coder to one span; a REFI selection may carry several codings."""

    guid: str  # the <Coding> GUID
    source_guid: str
    start: int
    end: int
    code_guid: str
    coder_guid: str
    created: str | None = None
    selection_guid: str | None = None  # the <PlainTextSelection> GUID; None → derived on write
    selection_created: str | None = None
    excerpt: str | None = None  # the selection's name as the file gives it (tools put the quote there)
    selection_description: str | None = None  # the selection's <Description>: a coding memo in QualCoder


@dataclass
class Variable:
    guid: str
    name: str
    type: VariableType = "Text"
    description: str | None = None


@dataclass
class Case:
    guid: str
    name: str
    description: str | None = None
    variable_values: dict[str, VariableValue] = field(default_factory=dict)  # variable GUID → value
    source_guids: list[str] = field(default_factory=list)


@dataclass
class NoteTarget:
    kind: NoteTargetKind
    guid: str | None = None  # None for the project


@dataclass
class Note:
    guid: str
    name: str
    text: str  # stored form, like sources
    creating_user: str | None = None
    creation_datetime: str | None = None
    targets: list[NoteTarget] = field(default_factory=list)


@dataclass
class Project:
    name: str = "qualcode project"
    origin: str | None = None
    description: str | None = None
    creating_user: str | None = None
    creation_datetime: str | None = None
    modified_datetime: str | None = None
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)  # roots; children nested
    sources: list[TextSource] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def all_codes(self) -> list[Code]:
        """Every code, depth first in codebook order."""
        return [c for root in self.codes for c in root.walk()]


@dataclass
class Skipped:
    kind: str  # e.g. "PictureSource", "PDFSelection", "AudioSource", "Set"
    guid: str | None
    name: str | None
    reason: str


@dataclass
class ImportReport:
    """What an import brought in and what it left out, so nothing is dropped silently."""

    file: str
    counts: dict[str, int] = field(default_factory=dict)  # kind → number imported
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # conversions and repairs worth telling
    readings: list[tuple[str, str, str]] = field(default_factory=list)  # (source, counting, why) where it mattered

    def skip(self, kind: str, guid: str | None, name: str | None, reason: str) -> None:
        self.skipped.append(Skipped(kind, guid, name, reason))

    def lines(self) -> list[str]:
        """The report as short lines for a terminal: what came in, what was left out and why."""
        got = ", ".join(counted(n, kind) for kind, n in self.counts.items() if n)
        out = [f"{self.file}: imported {got or 'nothing'}"]
        reasons: dict[tuple[str, str], int] = {}
        for s in self.skipped:
            reasons[(s.kind, s.reason)] = reasons.get((s.kind, s.reason), 0) + 1
        out += [f"skipped {n} × {kind}: {reason}" for (kind, reason), n in reasons.items()]
        out += [f"note: {w}" for w in self.warnings]
        out += [f"positions of '{src}': {label} ({why})" for src, label, why in self.readings if label == "as stored"]
        return out

    def skipped_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.skipped:
            out[s.kind] = out.get(s.kind, 0) + 1
        return out
