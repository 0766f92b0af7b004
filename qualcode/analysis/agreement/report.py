"""What an agreement audit finds, as data: the unit, per-code and per-document statistics,
disagreements with every coder's spans, the unitized α family — and the tables it exports.

``audit`` computes these; the CLI, the workbench's agreement screen, adjudication and the methods
paragraph read them; ``qualcode.interchange.exporters.agreement`` turns them into export tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualcode.analysis.agreement.alpha import BootstrapInterval
from qualcode.analysis.agreement.coefficient import Coefficient
from qualcode.errors import QualcodeError

TEXT_UNITS = ("sentence", "turn", "paragraph")
UNIT_HELP = "sentence, turn, paragraph, document, character, window:N, segment:X% or unitized"


@dataclass(frozen=True)
class Unit:
    """A parsed ``--unit``: ``kind`` plus ``size`` (window) or ``overlap`` (segment, percent)."""

    kind: str
    size: int = 0
    overlap: float = 0.0

    @property
    def label(self) -> str:
        if self.kind == "window":
            return f"window:{self.size}"
        if self.kind == "segment":
            return f"segment:{self.overlap:g}%"
        return self.kind

    @property
    def noun(self) -> str:
        """How the methods text and tables name the units (plural)."""
        return {
            "sentence": "sentences",
            "turn": "speaker turns",
            "paragraph": "paragraphs",
            "document": "documents",
            "character": "characters",
            "segment": "segments",
            "unitized": "characters",
        }.get(self.kind, f"windows of {self.size} characters")


def parse_unit(text: str) -> Unit:
    """``"window:200"`` → ``Unit("window", 200)``; ``"segment:90%"`` → ``Unit("segment", overlap=90)``."""
    t = text.strip().lower()
    if t in TEXT_UNITS or t in ("document", "character", "unitized"):
        return Unit(t)
    if m := re.fullmatch(r"window:(\d+)", t):
        if int(m.group(1)) < 1:
            raise QualcodeError("window:N needs N >= 1 characters")
        return Unit("window", int(m.group(1)))
    if m := re.fullmatch(r"segment(?::(\d+(?:\.\d+)?)%?)?", t):
        pct = float(m.group(1)) if m.group(1) else 90.0
        if not 0 < pct <= 100:
            raise QualcodeError("segment:X% needs 0 < X <= 100")
        return Unit("segment", overlap=pct)
    raise QualcodeError(f"unknown unit '{text}'; use {UNIT_HELP}")


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Stats:
    """Agreement of the coders on one code (in all documents or one), from pattern counts.

    ``agreement`` is the share of units on which *all* coders agree (0..1); ``kappa`` is
    Cohen's (two coders) or Fleiss' (more); ``warning`` replaces or qualifies κ when
    prevalence makes it unreadable; ``coded`` counts, per coder, the units they applied the
    code to.
    """

    units: int
    agreement: float | None
    kappa: Coefficient
    alpha: Coefficient
    warning: str | None
    prevalence: float | None
    coded: tuple[int, ...]
    ci: BootstrapInterval | None = None


@dataclass(frozen=True)
class CodeAgreement:
    code_id: int | None
    code: str
    stats: Stats
    note: str | None = None


@dataclass(frozen=True)
class DocumentAgreement:
    code_id: int
    code: str
    document_id: int
    document: str
    stats: Stats


@dataclass(frozen=True)
class CodedSpan:
    start: int
    end: int
    guid: str


@dataclass(frozen=True)
class Disagreement:
    """A passage where the coders disagree about one code; ``spans`` per coder name."""

    code_id: int
    code: str
    document_id: int
    document: str
    start: int
    end: int
    spans: dict[str, tuple[CodedSpan, ...]]
    units: int  # disagreeing units (characters at character level) inside the passage

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.document_id, self.code_id, self.start, self.end)


@dataclass(frozen=True)
class UnitizedRow:
    variant: str  # "|uα", "uα", "cuα", "Cuα"
    scope: str  # code path, domain path, or "(all domains)"
    value: float | None
    reason: str | None = None
    coverage: float | None = None


@dataclass
class AgreementReport:
    unit: Unit
    coders: list[str]
    documents: list[tuple[int, str]]
    codes: list[CodeAgreement]
    overall: CodeAgreement | None
    per_document: list[DocumentAgreement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    unitized: list[UnitizedRow] = field(default_factory=list)
    bootstrap: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def kappa_name(self) -> str:
        if self.unit.kind == "segment":
            return "Brennan-Prediger κ"
        return "Cohen's κ" if len(self.coders) == 2 else "Fleiss' κ"


# ---------------------------------------------------------------------------- statistics
