"""Suggestions: what a stored model proposes, writing them as their own coder, and a coder's decisions.

A code is suggested for a unit when the model's confidence reaches the code's threshold for the
asked precision: the lowest threshold at which cross-validation (grouped by document) had at least
that precision (``Model.threshold``). Codes that never reach it, and codes with too few examples, are
named and get no suggestions.

``apply_suggestions`` writes a plan as codings of coder ``assist:<model id>`` — one unit, one coding;
never mixed with anybody's own — in ONE transaction whose event belongs to the person who ran it, so
their ``undo`` takes the whole run back. ``accept`` makes a suggestion the coder's own coding and
``reject`` records a refusal; each is one undoable event with the model and the confidence in its
summary and in its ``assist_decisions`` row, which the next training reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.assist.features import check_unit, unit_table
from qualcode.assist.model import DEFAULT_THRESHOLD, Model, load_model
from qualcode.codebook.codes import codes_by_id
from qualcode.coding.codings import coding_row, refuse_duplicate
from qualcode.corpus.documents import get_document, list_documents
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project


@dataclass(frozen=True)
class Suggestion:
    """One suggested coding: a unit of a document and a code, with the model's confidence (0–1)."""

    code_id: int
    code_path: str
    document_id: int
    start: int
    end: int
    confidence: float
    model_id: str
    document: str = ""
    threshold: float = DEFAULT_THRESHOLD

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "code": self.code_path,
            "code_id": self.code_id,
            "confidence": round(self.confidence, 4),
            "threshold": self.threshold,
            "model": self.model_id,
        }


@dataclass
class SuggestionPlan:
    model: Model
    min_precision: float
    suggestions: list[Suggestion] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)  # code path → threshold used
    unreachable: list[str] = field(default_factory=list)  # codes whose CV precision never reaches it
    too_few: list[str] = field(default_factory=list)  # codes with too few examples to learn
    documents: list[str] = field(default_factory=list)
    already: int = 0  # suggestions the assist coder had already written (skipped by apply)

    @property
    def coder(self) -> str:
        return self.model.coder_name


def check_precision(min_precision: float) -> float:
    if not 0 < min_precision <= 1:
        raise QualcodeError(f"--min-precision is a proportion above 0 and at most 1, not {min_precision}")
    return float(min_precision)


def thresholds(model: Model, min_precision: float) -> tuple[dict[int, float], list[str]]:
    """{column: threshold} for the codes that reach ``min_precision``; the paths of those that do not."""
    paths = model.code_paths
    out: dict[int, float] = {}
    unreachable = []
    for j, cid in enumerate(model.code_ids):
        t = model.threshold(j, min_precision)
        if t is None:
            unreachable.append(paths[cid])
        else:
            out[j] = t
    return out, unreachable


def _predict(
    project: Project, model: Model, documents: Sequence[dict[str, Any]], min_precision: float
) -> tuple[list[Suggestion], dict[int, float], list[str]]:
    check_unit(model.card["unit"])
    cols, unreachable = thresholds(model, min_precision)
    if not cols or not documents:
        return [], cols, unreachable
    table = unit_table(project, model.card["unit"], documents)
    if not len(table):
        return [], cols, unreachable
    probs = model.predict(table.features)
    names = {d["id"]: d["name"] for d in documents}
    current = codes_by_id(project)
    out: list[Suggestion] = []
    for j, t in cols.items():
        cid = model.code_ids[j]
        if cid not in current or not current[cid].codable:
            continue  # the code was deleted or made a grouping code since training
        for i in np.flatnonzero(probs[:, j] >= t).tolist():
            d = int(table.doc_ids[i])
            out.append(
                Suggestion(
                    cid,
                    current[cid].path,
                    d,
                    int(table.starts[i]),
                    int(table.ends[i]),
                    float(probs[i, j]),
                    model.model_id,
                    names[d],
                    t,
                )
            )
    order = {d["id"]: k for k, d in enumerate(documents)}
    out.sort(key=lambda s: (order[s.document_id], s.start, s.end, s.code_path))
    return out, cols, unreachable


def plan_suggestions(
    project: Project, documents: Sequence[str | int] = (), min_precision: float = 0.8, model_id: str | None = None
) -> SuggestionPlan:
    """Every suggestion of the model (the newest by default) in ``documents`` (all when none): nothing
    is written but derived data (lemmas not yet looked up)."""
    check_precision(min_precision)
    model = load_model(project, model_id)
    if documents:
        seen: set[int] = set()
        docs = []
        for ref in documents:
            d = get_document(project, ref)
            if d["id"] not in seen:
                seen.add(d["id"])
                docs.append(d)
    else:
        docs = list_documents(project)
    suggestions, cols, unreachable = _predict(project, model, docs, min_precision)
    paths = model.code_paths
    plan = SuggestionPlan(
        model,
        min_precision,
        suggestions,
        {paths[model.code_ids[j]]: t for j, t in cols.items()},
        unreachable,
        [c["path"] for c in model.card["too_few"]],
        [d["name"] for d in docs],
    )
    existing = set(
        project.db.execute(
            "SELECT c.document_id, c.code_id, c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = ?",
            [plan.coder],
        ).fetchall()
    )
    plan.already = sum((s.document_id, s.code_id, s.start, s.end) in existing for s in suggestions)
    return plan


def apply_suggestions(project: Project, plan: SuggestionPlan) -> tuple[int, int]:
    """Write the plan's suggestions as coder ``assist:<model id>``: one transaction, one undoable event
    of ``project.coder``. Returns (event id, codings written); spans already written are skipped."""
    coder = plan.coder
    existing = set(
        project.db.execute(
            "SELECT c.document_id, c.code_id, c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = ?",
            [coder],
        ).fetchall()
    )
    todo = [s for s in plan.suggestions if (s.document_id, s.code_id, s.start, s.end) not in existing]
    if not todo:
        raise QualcodeError(
            f"nothing to apply: {len(plan.suggestions)} suggestion(s) at precision ≥ {plan.min_precision:g}, "
            f"{plan.already} already written as {coder}"
        )
    docs = {d: get_document(project, d) for d in {s.document_id for s in todo}}
    codes = codes_by_id(project)
    ts = now()
    rows = [coding_row(docs[s.document_id], codes[s.code_id], s.start, s.end, at=ts) for s in todo]  # checked
    summary = (
        f"assist model {plan.model.model_id}: {len(todo)} suggestion(s) at precision ≥ {plan.min_precision:g} "
        f"written as {coder}"
    )
    with project.transaction(events.ASSIST_APPLY, summary) as tx:
        coder_id = project.coder_id(coder, tx=tx)
        for row in rows:
            tx.insert("codings", {**row, "coder_id": coder_id})
    assert tx.event_id is not None  # rows were written
    return tx.event_id, len(todo)


# ---------------------------------------------------------------------------- the workbench's API
def suggestions(
    project: Project,
    document: str | int,
    min_precision: float = 0.8,
    *,
    model_id: str | None = None,
    coder: str | None = None,
) -> list[Suggestion]:
    """The model's suggestions for one document, in text order (the newest model unless ``model_id``).

    With ``coder``, leaves out what that coder has already coded with the code (a coding sharing a
    character with the unit) and what they accepted or rejected before. Fast enough to call when a
    document opens (the model is cached per project file and id; numpy only)."""
    check_precision(min_precision)
    model = load_model(project, model_id)
    doc = get_document(project, document)
    out, _, _ = _predict(project, model, [doc], min_precision)
    if coder is None or not out:
        return out
    name = project.visible(coder)
    row = project.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
    if row is None:
        return out
    coded = project.db.execute(
        "SELECT code_id, start, [end] FROM codings WHERE document_id = ? AND coder_id = ?", [doc["id"], row[0]]
    ).fetchall()
    decided = {
        (c, s, e)
        for c, s, e in project.db.execute(
            "SELECT code_id, start, [end] FROM assist_decisions WHERE document_id = ? AND coder_id = ?",
            [doc["id"], row[0]],
        ).fetchall()
    }
    spans: dict[int, list[tuple[int, int]]] = {}
    for c, s, e in coded:
        spans.setdefault(c, []).append((s, e))
    return [
        sug
        for sug in out
        if (sug.code_id, sug.start, sug.end) not in decided
        and not any(s < sug.end and sug.start < e for s, e in spans.get(sug.code_id, ()))
    ]


def _decision_row(project: Project, suggestion: Suggestion, coder_id: int, decision: str) -> dict[str, Any]:
    return {
        "guid": new_guid(),
        "model_id": suggestion.model_id,
        "document_id": suggestion.document_id,
        "code_id": suggestion.code_id,
        "coder_id": coder_id,
        "start": suggestion.start,
        "end": suggestion.end,
        "decision": decision,
        "confidence": round(suggestion.confidence, 6),
        "created_at": now(),
    }


def _described(project: Project, suggestion: Suggestion) -> str:
    doc = get_document(project, suggestion.document_id)
    return (
        f"{suggestion.code_path} on {doc['name']} [{suggestion.start},{suggestion.end}) "
        f"(assist model {suggestion.model_id}, confidence {suggestion.confidence:.2f})"
    )


def accept(project: Project, suggestion: Suggestion, coder: str | None = None) -> dict[str, Any]:
    """Make a suggestion ``coder``'s own coding (the session's coder by default): one undoable event that
    records the coding and the decision, with the model and its confidence. Returns the coding row."""
    name = coder or project.coder
    doc = get_document(project, suggestion.document_id)
    code = codes_by_id(project).get(suggestion.code_id)
    if code is None:
        raise QualcodeError(f"the suggested code '{suggestion.code_path}' no longer exists")
    row = coding_row(doc, code, suggestion.start, suggestion.end)  # checked: codable, inside, whole characters
    refuse_duplicate(project, doc, code, name, suggestion.start, suggestion.end)
    with project.transaction(events.ASSIST_ACCEPT, f"accepted {_described(project, suggestion)} as {name}") as tx:
        row["coder_id"] = project.coder_id(name, tx=tx)
        row["id"] = tx.insert("codings", row)
        tx.insert("assist_decisions", _decision_row(project, suggestion, row["coder_id"], "accepted"))
    return row


def reject(project: Project, suggestion: Suggestion, coder: str | None = None) -> None:
    """Record that ``coder`` (the session's by default) rejected a suggestion: one undoable event; the
    next training counts the unit as a negative of the code, with more weight."""
    name = coder or project.coder
    get_document(project, suggestion.document_id)
    with project.transaction(events.ASSIST_REJECT, f"rejected {_described(project, suggestion)} as {name}") as tx:
        coder_id = project.coder_id(name, tx=tx)
        tx.insert("assist_decisions", _decision_row(project, suggestion, coder_id, "rejected"))
