"""Auto-coding: apply a code to every search hit, extended to its sentence, turn or paragraph.

The codings belong to a coder of their own (``auto:<query>``) so they never mix with anybody's
human coding and agreement can compare them like any other coder. The run is previewed first
(``plan_autocode`` writes nothing) and applied as ONE transaction whose event belongs to the person
who ran it (``project.coder``): their ``project.undo()`` takes the whole run back in one step,
including the ``auto:`` coder row if the run created it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.codebook.codes import get_code
from qualcode.corpus.documents import document_units
from qualcode.corpus.filters import DocumentFilter
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.search import DEFAULT_THRESHOLD, Hit, search
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

UNITS = ("sentence", "turn", "paragraph", "hit")


@dataclass(frozen=True)
class PlannedCoding:
    document_id: int
    document: str
    start: int
    end: int
    hits: int  # search hits inside this span
    in_unit: bool  # False: no unit of the kind holds the hit, so the hit itself is coded


@dataclass
class AutoCodePlan:
    query: str
    mode: str
    unit: str
    code: Code
    coder: str
    planned: list[PlannedCoding] = field(default_factory=list)
    already: int = 0  # spans this coder had already coded with this code (skipped)
    hits: int = 0

    @property
    def summary(self) -> str:
        return (
            f"auto-coded {len(self.planned)} {self.unit}(s) with {self.code.path} for "
            f"{self.mode} '{self.query}' as {self.coder}"
        )


def auto_coder_name(query: str) -> str:
    return f"auto:{query.strip()}"


def plan_autocode(
    project: Project,
    query: str,
    code: str | int,
    mode: str = "exact",
    unit: str = "sentence",
    flt: DocumentFilter | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    coder: str | None = None,
    speakers: Sequence[str] = (),
) -> AutoCodePlan:
    """What an auto-coding run would add (nothing is written)."""
    if unit not in UNITS:
        raise QualcodeError(f"extend hits to one of {', '.join(UNITS)}, not '{unit}'")
    target = get_code(project, code)
    if not target.codable:
        raise QualcodeError(f"'{target.path}' is a grouping code and cannot be applied; choose one of its children")
    result = search(project, query, mode, flt, threshold=threshold, speakers=speakers)
    plan = AutoCodePlan(query, mode, unit, target, coder or auto_coder_name(query), hits=len(result.hits))
    by_doc: dict[int, list[Hit]] = {}
    for h in result.hits:
        by_doc.setdefault(h.document_id, []).append(h)
    existing = set(
        project.db.execute(
            "SELECT c.document_id, c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE c.code_id = ? AND k.name = ?",
            [target.id, plan.coder],
        ).fetchall()
    )
    for doc_id, hits in by_doc.items():
        spans: dict[tuple[int, int], list[Any]] = {}  # span -> [hits, inside a unit]
        units = document_units(project, doc_id, unit) if unit != "hit" else []
        starts = [u["start"] for u in units]
        for h in hits:
            span, inside = _extend(h, units, starts) if unit != "hit" else ((h.start, h.end), True)
            entry = spans.setdefault(span, [0, inside])
            entry[0] += 1
        for (s, e), (n, inside) in sorted(spans.items()):
            if (doc_id, s, e) in existing:
                plan.already += 1
                continue
            plan.planned.append(PlannedCoding(doc_id, hits[0].document, s, e, n, inside))
    return plan


def _extend(hit: Hit, units: list[dict[str, Any]], starts: list[int]) -> tuple[tuple[int, int], bool]:
    """The union of the units the hit touches; the hit itself if no unit holds its start."""
    i = bisect.bisect_right(starts, hit.start) - 1
    if i < 0 or units[i]["end"] <= hit.start:
        return (hit.start, hit.end), False
    j = i
    while j + 1 < len(units) and units[j + 1]["start"] < hit.end:
        j += 1
    return (units[i]["start"], max(units[j]["end"], hit.end)), True


def apply_autocode(project: Project, plan: AutoCodePlan) -> int:
    """Write a plan as one transaction (one event, undone in one step by ``project.coder``); returns its event id."""
    if not plan.planned:
        raise QualcodeError(
            f"nothing to code: {plan.hits} hit(s), {plan.already} span(s) already coded by {plan.coder}"
        )
    texts: dict[int, str] = {}
    with project.transaction(events.AUTOCODE, plan.summary) as tx:
        coder_id = project.coder_id(plan.coder, tx=tx)
        ts = now()
        for p in plan.planned:
            if p.document_id not in texts:
                texts[p.document_id] = project.db.execute(
                    "SELECT text FROM documents WHERE id = ?", [p.document_id]
                ).fetchone()[0]
            tx.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": p.document_id,
                    "code_id": plan.code.id,
                    "coder_id": coder_id,
                    "start": p.start,
                    "end": p.end,
                    "text": texts[p.document_id][p.start : p.end],
                    "memo": None,
                    "created_at": ts,
                    "updated_at": ts,
                },
            )
    assert tx.event_id is not None  # the plan was not empty, so the transaction logged its rows
    return tx.event_id
