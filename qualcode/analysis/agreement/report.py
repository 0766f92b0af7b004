"""What an agreement audit finds, as data: the unit, per-code and per-document statistics,
disagreements with every coder's spans, the unitized α family — and the tables it exports.

``audit`` computes these; the CLI, the workbench's agreement screen, adjudication and the methods
paragraph read them; ``qualcode.interchange.exporters.agreement`` turns them into export tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualcode.analysis.agreement.coefficient import Coefficient, undefined
from qualcode.analysis.agreement.intervals import Interval
from qualcode.errors import QualcodeError

TEXT_UNITS = ("sentence", "turn", "paragraph")
UNIT_HELP = "sentence, turn, paragraph, document, character, character:skip-uncoded, window:N, segment:X% or unitized"
CHARACTER_VARIANTS = ("nvivo", "skip-uncoded")


@dataclass(frozen=True)
class Unit:
    """A parsed ``--unit``: ``kind`` plus ``size`` (window) or ``overlap`` (segment, percent)."""

    kind: str
    size: int = 0
    overlap: float = 0.0
    variant: str = ""  # character: "nvivo" (NVivo's rule) or "skip-uncoded"

    @property
    def label(self) -> str:
        if self.kind == "character" and self.variant == "skip-uncoded":
            return "character:skip-uncoded"
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
    if t in TEXT_UNITS or t in ("document", "unitized"):
        return Unit(t)
    if t in ("character", "character:nvivo"):
        return Unit("character", variant="nvivo")
    if t == "character:skip-uncoded":
        return Unit("character", variant="skip-uncoded")
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
_NOT_COMPUTED_AC1 = undefined("Gwet's AC1", "not computed for this unit")
_NOT_COMPUTED_PABAK = undefined("PABAK", "not computed for this unit")


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
    ci: Interval | None = None  # of α
    kappa_ci: Interval | None = None
    ac1: Coefficient = _NOT_COMPUTED_AC1
    pabak: Coefficient = _NOT_COMPUTED_PABAK
    agreement_coded: float | None = None  # all coders coded / anyone coded (units nobody coded left out)
    kappa_ones: int = 0  # documents given κ = 1 because neither coder applied the code (NVivo's rule)
    kappa_left_out: int = 0  # documents left out of the κ average (character:skip-uncoded)


@dataclass(frozen=True)
class CodeAgreement:
    """One row of the per-code table. ``variant`` says how its κ (and % agreement) were computed,
    ``pooling`` what was pooled into the row — every row names both, so no number stands alone."""

    code_id: int | None
    code: str
    stats: Stats
    note: str | None = None
    variant: str = ""
    pooling: str = ""


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
    bootstrap_method: str = "documents"
    seed: int = 0
    as_of: dict[str, str] = field(default_factory=dict)  # "anna@2026-11-01" → the time her codings were taken at

    @property
    def kappa_name(self) -> str:
        if self.unit.kind == "segment":
            return "Brennan-Prediger κ"
        return "Cohen's κ" if len(self.coders) == 2 else "Fleiss' κ"


# ---------------------------------------------------------------------------- statistics
