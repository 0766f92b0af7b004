"""Adjudication: resolve the coders' disagreements into a consensus coder.

A disagreement (:class:`qualcode.analysis.agreement.audit.Disagreement`) is a passage where the coders
differ about one code. The supervisor accepts coder A's spans, B's, both (their union) or
neither; the consensus coder (default ``consensus``) then holds exactly that for the passage.
Deciding again replaces the earlier decision (the consensus coder's spans of that code in the
passage are removed first), so a wrong key press is fixed by pressing the right one -- or by
undo, since each decision is one transaction and one event. A "neither" decision that changes
nothing is still written to the event log (not undoable: there is nothing to undo), so the
audit trail shows every decision.

The consensus coder is an ordinary coder: its agreement with each original coder can be
computed like any other, and exports keep it apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events
from qualcode.text.offsets import merge_spans

if TYPE_CHECKING:
    from qualcode.analysis.agreement.report import AgreementReport, Disagreement
    from qualcode.project import Project

CONSENSUS = "consensus"
CHOICES = ("a", "b", "both", "neither")


@dataclass(frozen=True)
class Resolution:
    """What one decision did: consensus spans added and removed, and the event written."""

    code: str
    document: str
    accepted: tuple[str, ...]
    added: tuple[tuple[int, int], ...]
    removed: tuple[tuple[int, int], ...]
    event_id: int | None


def accepted_coders(disagreement: Disagreement, choice: str) -> tuple[str, ...]:
    """``"a"``/``"b"``/``"both"``/``"neither"`` or a coder's name → the coders whose spans are kept.

    A and B are the first and second coder of the comparison (the order of ``--coders``);
    with three or more coders, "both" means all of them.
    """
    coders = list(disagreement.spans)
    c = choice.strip()
    if c.lower() == "a":
        return (coders[0],)
    if c.lower() == "b":
        return (coders[1],)
    if c.lower() in ("both", "all"):
        return tuple(coders)
    if c.lower() == "neither":
        return ()
    if c in coders:
        return (c,)
    raise QualcodeError(f"accept one of a, b, both, neither or a coder ({', '.join(coders)}); got '{choice}'")


def decision_spans(disagreement: Disagreement, choice: str) -> list[tuple[int, int]]:
    """The spans the consensus coder holds in the passage after ``choice``: one coder's spans as
    they are (touching spans stay two codings), several coders' merged into their union."""
    d = disagreement
    keep = accepted_coders(d, choice)
    if len(keep) == 1:
        return sorted({(s.start, s.end) for s in d.spans[keep[0]]})
    return merge_spans((s.start, s.end) for coder in keep for s in d.spans[coder])


def _spans_text(spans: Sequence[tuple[int, int]]) -> str:
    return ", ".join(f"{s}–{e}" for s, e in spans)


def decision_preview(disagreement: Disagreement, choice: str, consensus: str = CONSENSUS) -> str:
    """What ``choice`` would write, in words, before it is written:
    ``consensus gets 2454–2669 (Help sought) in en_int05 — anna's spans``."""
    d = disagreement
    keep = accepted_coders(d, choice)
    wanted = decision_spans(d, choice)
    whose = " and ".join(keep) + "'s spans" if keep else "neither coder's spans"
    if not wanted:
        return f"{consensus} gets no {d.code} coding in {d.document} {d.start}–{d.end} — {whose}"
    return f"{consensus} gets {_spans_text(wanted)} ({d.code}) in {d.document} — {whose}"


@dataclass(frozen=True)
class SpanParts:
    """How the coders' spans of one passage split: the characters every coder took (``shared``),
    those only one coder took (``only``), and, per coder, each of their characters' kind."""

    coders: tuple[str, ...]
    spans: dict[str, list[tuple[int, int]]]  # each coder's spans, merged
    shared: list[tuple[int, int]]
    only: dict[str, list[tuple[int, int]]]
    marks: dict[str, list[tuple[int, int, str]]]  # per coder: (start, end, "shared" | "only" | "some")

    @staticmethod
    def length(spans: Sequence[tuple[int, int]]) -> int:
        return sum(e - s for s, e in spans)

    def summary(self) -> str:
        """``anna 2454–2669 (215 chars) · bo 2375–2669 (294 chars) · shared 215 · only bo 79``."""
        parts = [
            f"{c} {_spans_text(self.spans[c])} ({self.length(self.spans[c])} chars)"
            if self.spans[c]
            else f"{c} not coded"
            for c in self.coders
        ]
        parts.append(f"shared {self.length(self.shared)}")
        parts += [f"only {c} {self.length(self.only[c])}" for c in self.coders if self.only[c]]
        return " · ".join(parts)


def span_parts(disagreement: Disagreement) -> SpanParts:
    """Split the passage's characters by who coded them (per character: passages are short)."""
    d = disagreement
    coders = tuple(d.spans)
    lo = min([d.start, *(s.start for c in coders for s in d.spans[c])])
    hi = max([d.end, *(s.end for c in coders for s in d.spans[c])])
    cover = {c: bytearray(hi - lo) for c in coders}
    for c in coders:
        for s in d.spans[c]:
            cover[c][s.start - lo : s.end - lo] = b"\x01" * (s.end - s.start)
    count = [sum(cover[c][i] for c in coders) for i in range(hi - lo)]

    def runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for i, on in enumerate(flags):
            if on:
                if out and out[-1][1] == lo + i:
                    out[-1] = (out[-1][0], lo + i + 1)
                else:
                    out.append((lo + i, lo + i + 1))
        return out

    n = len(coders)
    marks: dict[str, list[tuple[int, int, str]]] = {}
    for c in coders:
        kinds: list[tuple[int, int, str]] = []
        for i in range(hi - lo):
            if not cover[c][i]:
                continue
            kind = "shared" if count[i] == n else "only" if count[i] == 1 else "some"
            if kinds and kinds[-1][1] == lo + i and kinds[-1][2] == kind:
                kinds[-1] = (kinds[-1][0], lo + i + 1, kind)
            else:
                kinds.append((lo + i, lo + i + 1, kind))
        marks[c] = kinds
    return SpanParts(
        coders,
        {c: runs([bool(x) for x in cover[c]]) for c in coders},
        runs([k == n for k in count]) if n > 1 else [],
        {c: runs([bool(x) and k == 1 for x, k in zip(cover[c], count)]) if n > 1 else [] for c in coders},
        marks,
    )


def _not_code_recode(project: Project, coders: Iterable[str]) -> None:
    """A coder's past codings (``anna@2026-11-01``) are for measuring, not for a consensus."""
    known = {c["name"] for c in project.coders()}
    past = [c for c in coders if "@" in c and c not in known]
    if past:
        raise QualcodeError(
            f"{past[0]} is a coder's codings as they stood earlier (code–recode); they cannot be adjudicated "
            "into the consensus — compare two coders' current codings for that"
        )


@dataclass(frozen=True)
class Decision:
    """What the consensus coder holds for a passage now: its spans of the code there, and which
    choice they are (``label``: ``"bo"``, ``"anna + bo"``, ``"neither"``; ``None`` when they match no
    choice -- coded by hand -- or when nothing was decided)."""

    spans: tuple[tuple[int, int], ...]
    label: str | None

    @property
    def decided(self) -> bool:
        return bool(self.spans) or self.label is not None

    def describe(self, consensus: str = CONSENSUS) -> str:
        """``consensus holds 2375–2669 (bo's spans)`` · ``consensus holds no coding here (neither)``."""
        if not self.spans:
            return f"{consensus} holds no coding here (neither)"
        whose = f"{self.label}'s spans" if self.label and self.label != "neither" else "its own spans"
        return f"{consensus} holds {_spans_text(self.spans)} ({whose})"


def _label(keep: Sequence[str]) -> str:
    return " + ".join(keep) if keep else "neither"


def _summary_prefix(d: Disagreement) -> str:
    return f"{d.code} in {d.document} [{d.start},{d.end}): accepted "


def decision_of(disagreement: Disagreement, spans: Iterable[tuple[int, int]], said_neither: bool = False) -> Decision:
    """Which choice the consensus coder's ``spans`` over the passage are: a single coder's first,
    then all coders' union. No spans is "neither" only if the last decision said so
    (``said_neither``); otherwise nothing was decided."""
    d = disagreement
    have = tuple(sorted(set(spans)))
    if not have:
        return Decision((), "neither" if said_neither else None)
    for choice in [*d.spans, "both"]:
        if tuple(decision_spans(d, choice)) == have:
            return Decision(have, _label(accepted_coders(d, choice)))
    return Decision(have, None)


def decisions(
    project: Project, disagreements: Sequence[Disagreement], consensus: str = CONSENSUS
) -> dict[tuple[int, int, int, int], Decision]:
    """The decided passages among ``disagreements`` (by their ``key``), read from the data: the
    consensus coder's codings of each passage's code over it, and -- for a passage where it holds
    none -- whether the newest decision on it was "neither"."""
    out: dict[tuple[int, int, int, int], Decision] = {}
    row = project.db.execute("SELECT id FROM coders WHERE name = ?", [consensus]).fetchone()
    held: dict[tuple[int, int], list[tuple[int, int]]] = {}
    if row:
        for doc_id, code_id, s, e in project.db.execute(
            "SELECT document_id, code_id, start, [end] FROM codings WHERE coder_id = ?", [row[0]]
        ):
            held.setdefault((doc_id, code_id), []).append((s, e))
    last: dict[str, bool] = {}  # passage summary prefix -> whether its newest decision was "neither"
    for (summary,) in project.db.execute(
        "SELECT summary FROM events WHERE action = ? ORDER BY id", [str(events.ADJUDICATE)]
    ):
        head, sep, rest = summary.partition("): accepted ")
        label, arrow, tail = rest.partition(f" → {consensus}")
        if sep and arrow and (not tail or tail.startswith(";")):
            last[head + sep] = label == "neither"
    for d in disagreements:
        spans = [(s, e) for s, e in held.get((d.document_id, d.code_id), []) if s < d.end and e > d.start]
        said_neither = last.get(_summary_prefix(d), False)
        decision = decision_of(d, spans, said_neither)
        if decision.decided:
            out[d.key] = decision
    return out


def decision_preview_over(
    disagreement: Disagreement, choice: str, earlier: Decision | None, consensus: str = CONSENSUS
) -> str:
    """:func:`decision_preview`, saying what it replaces when the passage was decided before."""
    preview = decision_preview(disagreement, choice, consensus)
    if earlier is None or not earlier.decided:
        return preview
    if tuple(decision_spans(disagreement, choice)) == earlier.spans:
        return f"{preview} (as {consensus} holds already)"
    return f"{preview} — replaces the earlier decision: {earlier.describe(consensus)}"


def adjudicate(project: Project, disagreement: Disagreement, choice: str, consensus: str = CONSENSUS) -> Resolution:
    """Make the consensus coder's coding of this passage the accepted coders' spans."""
    d = disagreement
    _not_code_recode(project, d.spans)
    keep = accepted_coders(d, choice)
    if consensus in d.spans:
        raise QualcodeError(
            f"the consensus coder '{consensus}' is one of the compared coders; choose another name with --consensus"
        )
    wanted = decision_spans(d, choice)
    text = project.db.execute("SELECT text FROM documents WHERE id = ?", [d.document_id]).fetchone()
    if text is None:
        raise QualcodeError(f"document {d.document} is gone")
    text = text[0]
    row = project.db.execute("SELECT id FROM coders WHERE name = ?", [consensus]).fetchone()
    current = []
    if row:
        current = project.db.execute(
            "SELECT id, guid, start, [end] FROM codings WHERE coder_id = ? AND document_id = ? AND code_id = ? "
            "AND start < ? AND [end] > ? ORDER BY start",
            [row[0], d.document_id, d.code_id, d.end, d.start],
        ).fetchall()
    have = {(s, e) for _, _, s, e in current}
    to_remove = [(i, g, s, e) for i, g, s, e in current if (s, e) not in wanted]
    to_add = [(s, e) for s, e in wanted if (s, e) not in have]
    label = " and ".join(keep) + "'s" if keep else "neither"
    summary = f"{_summary_prefix(d)}{label} → {consensus}"
    changes = bool(to_remove or to_add)
    with project.transaction(events.ADJUDICATE, summary, record_rows=changes) as tx:
        coder_id = project.coder_id(consensus, tx=tx) if to_add else None
        for cid, guid, _, _ in to_remove:
            for (mid,) in project.db.execute(
                "SELECT id FROM memos WHERE target = 'coding' AND target_guid = ?", [guid]
            ).fetchall():
                tx.delete("memos", mid)
            tx.delete("codings", cid)
        for s, e in to_add:
            tx.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": d.document_id,
                    "code_id": d.code_id,
                    "coder_id": coder_id,
                    "start": s,
                    "end": e,
                    "text": text[s:e],
                    "memo": None,
                    "created_at": now(),
                    "updated_at": now(),
                },
            )
    return Resolution(d.code, d.document, keep, tuple(to_add), tuple((s, e) for _, _, s, e in to_remove), tx.event_id)


def adjudicate_all(
    project: Project, disagreements: Sequence[Disagreement], choice: str, consensus: str = CONSENSUS
) -> list[Resolution]:
    """The same decision for many passages (one event each, so each can be undone)."""
    return [adjudicate(project, d, choice, consensus) for d in disagreements]


def accept_agreements(project: Project, report: AgreementReport, consensus: str = CONSENSUS) -> int:
    """Copy the passages the coders agree on (at the report's unit) into the consensus coder.

    With the decided disagreements, this makes the consensus coder a complete coding of the
    audited codes and documents. The first coder's spans represent an agreed passage (at the
    report's unit they are equivalent to the others'). One event; returns the codings added.
    """
    from qualcode.analysis.agreement.audit import load
    from qualcode.analysis.agreement.spans import passages

    _not_code_recode(project, report.coders)
    if consensus in report.coders:
        raise QualcodeError(f"the consensus coder '{consensus}' is one of the compared coders")
    codes = [c.code_id for c in report.codes if c.code_id is not None]
    data = load(project, report.coders, codes or None, [d for d, _ in report.documents])
    disputed = {(d.document_id, d.code_id, d.start, d.end) for d in report.disagreements}
    texts: dict[int, str | None] = {d["id"]: None for d in data.docs}
    row = project.db.execute("SELECT id FROM coders WHERE name = ?", [consensus]).fetchone()
    have = set()
    if row:
        have = {
            tuple(r)
            for r in project.db.execute(
                "SELECT document_id, code_id, start, [end] FROM codings WHERE coder_id = ?", [row[0]]
            )
        }
    to_add = []
    for (doc_id, code_id), lists in sorted(data.spans.items()):
        for s, e in passages([(a, b) for spans in lists for a, b, _ in spans]):
            if (doc_id, code_id, s, e) in disputed:
                continue
            for a, b, _ in lists[0]:
                if a < e and b > s and (doc_id, code_id, a, b) not in have:
                    have.add((doc_id, code_id, a, b))
                    to_add.append((doc_id, code_id, a, b))
    if not to_add:
        return 0
    with project.transaction(
        events.ADJUDICATE_AGREED, f"{len(to_add)} agreed passage(s) of {', '.join(report.coders)} → {consensus}"
    ) as tx:
        coder_id = project.coder_id(consensus, tx=tx)
        for doc_id, code_id, s, e in to_add:
            if texts[doc_id] is None:
                texts[doc_id] = project.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
            tx.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": doc_id,
                    "code_id": code_id,
                    "coder_id": coder_id,
                    "start": s,
                    "end": e,
                    "text": cast(str, texts[doc_id])[s:e],  # read just above
                    "memo": None,
                    "created_at": now(),
                    "updated_at": now(),
                },
            )
    return len(to_add)
