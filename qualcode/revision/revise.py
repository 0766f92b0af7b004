"""Revising a document: a corrected text becomes a new version and every coding is re-anchored.

Text is immutable per version. ``revise_document`` stores the corrected text as version n+1 (every
version stays readable in ``document_versions``), aligns old and new text, and moves each coding:

* **same** — the coded words map through unchanged text and read exactly as before;
* **moved** — the coded words no longer sit where the alignment puts them (a moved paragraph) but
  occur verbatim in the new text: the occurrence nearest the alignment is taken if it is the only
  one, or overlaps where the alignment put the coding;
* **changed** — words inside or at the edge of the coding were edited; the alignment places its
  ends, and the new words are still ``min_similarity`` alike (rapidfuzz ratio) or at least half of
  them are the coding's own unchanged words (or the edits are known, as with pseudonyms) — listed
  in the report;
* **unplaced** — none of the above: the coding is kept on what is left of its words (or, if none
  is, on the sentence where they were) and listed in ``coding_reviews``. Nothing is dropped.

Alignment is difflib over lines, then rapidfuzz's Indel opcodes over word/space/punctuation
tokens inside changed lines (fast, and exact for insertions, deletions and edits); a moved block
shows as a deletion plus an insertion, which the verbatim search above recovers. Units are
recomputed from the new text (timed subtitle turns are mapped through the alignment instead). All
of it is one transaction and one event, which ``project.undo()`` reverses as a whole (text,
codings, units, version and review rows) — unless the superseded text was withheld
(pseudonymisation), in which case the event holds no rows and revising back is the way back.
Stored assist models trained on the old text are deleted in the same transaction (the store's rule,
``store.changes.LEARNT_FROM_TEXT``: their vocabulary holds the old words); undo does not bring them
back, ``qualcode assist train`` makes a new one. The report's ``removed`` says which.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from qualcode.codebook.codes import list_codes
from qualcode.coding.codings import list_codings
from qualcode.corpus.documents import document_units, get_document
from qualcode.corpus.wordindex import store_word_index
from qualcode.errors import QualcodeError
from qualcode.ids import now
from qualcode.store import events
from qualcode.text.segmentation import trim

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.changes import Transaction
    from qualcode.text.segmentation import Unit
    from qualcode.text.wordindex import WordIndex

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
STATUSES = ("same", "moved", "changed", "unplaced")


def _tokens(text: str) -> tuple[list[str], list[int]]:
    toks, starts = [], []
    for m in _TOKEN.finditer(text):
        toks.append(m.group())
        starts.append(m.start())
    starts.append(len(text))
    return toks, starts


class Alignment:
    """Old → new character positions from token-level edit operations."""

    def __init__(self, old: str, new: str, blocks: Sequence[tuple[str, int, int, int, int]] | None = None):
        self.old, self.new = old, new
        self.trusted = blocks is not None  # given edits (e.g. pseudonyms) are known, not guessed
        if blocks is None:
            blocks = _diff_blocks(old, new)
        # zero-width insertions carry no old characters: keep the blocks that do, sorted by old start
        self.blocks = [b for b in blocks if b[2] > b[1]]
        self._starts = [b[1] for b in self.blocks]

    @classmethod
    def from_replacements(cls, old: str, replacements: Sequence[tuple[int, int, str]]) -> tuple[Alignment, str]:
        """The alignment (and new text) of known, non-overlapping replacements ``(start, end, new words)``."""
        blocks, parts, a, b = [], [], 0, 0
        for s, e, rep in sorted(replacements):
            if s < a:
                raise QualcodeError("replacements overlap")
            if s > a:
                blocks.append(("equal", a, s, b, b + s - a))
                parts.append(old[a:s])
                b += s - a
            blocks.append(("replace", s, e, b, b + len(rep)))
            parts.append(rep)
            a, b = e, b + len(rep)
        if a < len(old):
            blocks.append(("equal", a, len(old), b, b + len(old) - a))
            parts.append(old[a:])
        new = "".join(parts)
        return cls(old, new, blocks), new

    def char(self, i: int) -> tuple[int, int, bool]:
        """Where old character ``i`` went: ``(new start, new end, exact)``; edited text maps to its block."""
        k = bisect.bisect_right(self._starts, i) - 1
        tag, a1, _a2, b1, b2 = self.blocks[k]
        if tag == "equal":
            return b1 + i - a1, b1 + i - a1 + 1, True
        return b1, b2, False

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """New ``(start, end, exact)`` of an old span.

        An end inside an edited block takes the block's replacement if the block lies within the
        span; if the block reaches beyond it (an edit shared with neighbouring text), the span
        ends at its own last surviving character instead, so it does not swallow foreign words.
        """
        s_new, _, s_exact = self.char(start)
        _, e_new, e_exact = self.char(end - 1)
        if not (s_exact and e_exact):
            kept, first, last = self.survivors(start, end)
            if kept:
                if not s_exact and self.blocks[bisect.bisect_right(self._starts, start) - 1][1] < start:
                    s_new = first
                if not e_exact and self.blocks[bisect.bisect_right(self._starts, end - 1) - 1][2] > end:
                    e_new = last
        return s_new, max(s_new, e_new), s_exact and e_exact

    def survivors(self, start: int, end: int) -> tuple[int, int, int]:
        """Characters of old ``[start, end)`` kept unchanged, and the new span from the first to the last."""
        k = max(0, bisect.bisect_right(self._starts, start) - 1)
        n, first, last = 0, -1, -1
        while k < len(self.blocks) and self.blocks[k][1] < end:
            tag, a1, a2, b1, _ = self.blocks[k]
            lo, hi = max(a1, start), min(a2, end)
            if tag == "equal" and hi > lo:
                n += hi - lo
                first = b1 + lo - a1 if first < 0 else first
                last = b1 + hi - a1
            k += 1
        return n, first, last


def _diff_blocks(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """Lines first (difflib: whole unchanged lines and paragraphs anchor the alignment), then words.

    Inside changed line runs, tokens are aligned by rapidfuzz's Indel (LCS) opcodes; equal runs that
    are only spaces or punctuation are not trusted as anchors; each run of non-equal operations
    between two anchors becomes one "replace" block, so an edited word maps onto its replacement.
    """
    from difflib import SequenceMatcher

    from rapidfuzz.distance import Indel

    la, lb = old.splitlines(keepends=True), new.splitlines(keepends=True)
    oa, ob = [0], [0]
    for line in la:
        oa.append(oa[-1] + len(line))
    for line in lb:
        ob.append(ob[-1] + len(line))
    raw: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        a1, a2, b1, b2 = oa[i1], oa[i2], ob[j1], ob[j2]
        if tag != "replace":
            raw.append(("equal" if tag == "equal" else "replace", a1, a2, b1, b2))
            continue
        ta, sa = _tokens(old[a1:a2])
        tb, sb = _tokens(new[b1:b2])
        for op in Indel.opcodes(ta, tb):
            x1, x2, y1, y2 = a1 + sa[op.src_start], a1 + sa[op.src_end], b1 + sb[op.dest_start], b1 + sb[op.dest_end]
            anchor = op.tag == "equal" and any(ch.isalnum() for ch in old[x1:x2])
            raw.append(("equal" if anchor else "replace", x1, x2, y1, y2))
    blocks: list[tuple[str, int, int, int, int]] = []
    for b in raw:
        if b[1] == b[2] and b[3] == b[4]:
            continue
        if blocks and b[0] == "replace" and blocks[-1][0] == "replace":
            p = blocks[-1]
            blocks[-1] = ("replace", p[1], b[2], p[3], b[4])
        else:
            blocks.append(b)
    return blocks


@dataclass(frozen=True)
class Placement:
    coding_id: int
    guid: str
    code: str
    coder: str
    old_start: int
    old_end: int
    old_text: str
    new_start: int
    new_end: int
    new_text: str
    status: str  # same | moved | changed | unplaced


@dataclass
class RevisionReport:
    document: str
    document_id: int
    version: int
    placements: list[Placement] = field(default_factory=list)
    event_id: int | None = None
    applied: bool = False
    # Assist models trained on the old text, deleted with it (or, in a preview, that would be): one
    # line per kind — how many, which, and that 'qualcode assist train' makes a new one.
    removed: list[str] = field(default_factory=list)

    def by_status(self, status: str) -> list[Placement]:
        return [p for p in self.placements if p.status == status]

    @property
    def review(self) -> list[Placement]:
        return self.by_status("unplaced")

    def counts(self) -> dict[str, int]:
        return {s: len(self.by_status(s)) for s in STATUSES}

    def summary(self) -> str:
        """The event's summary: document, version and how the codings fared (never any text)."""
        if not self.placements:
            return f"{self.document}: version {self.version}; no codings"
        return f"{self.document}: version {self.version}; codings " + ", ".join(
            f"{n} {s}" for s, n in self.counts().items() if n
        )


def place_codings(
    alignment: Alignment,
    codings: list[dict[str, Any]],
    min_similarity: float = 80.0,
    sentences: list[tuple[int, int]] | None = None,
) -> list[Placement]:
    """Re-anchor codings (dicts with id, guid, code, coder, start, end) from ``alignment.old`` to ``.new``."""
    from rapidfuzz import fuzz

    old, new = alignment.old, alignment.new
    out = []
    for c in codings:
        s, e = c["start"], c["end"]
        old_text = old[s:e]
        ns, ne, exact = alignment.span(s, e)
        status = None
        if exact and new[ns:ne] == old_text:
            status = "same"
        else:
            where = _occurrences(new, old_text)
            if where:
                near = min(where, key=lambda p: (abs(p - ns), p))
                overlaps = near < ne and near + len(old_text) > ns
                if len(where) == 1 or overlaps:
                    ns, ne, status = near, near + len(old_text), ("same" if near == ns and exact else "moved")
            if status is None:
                anchor = ns  # where the alignment puts the coding's start
                ns, ne = trim(new, ns, ne)
                kept, first, last = alignment.survivors(s, e)
                # confident if the edits are known (pseudonyms), or the new words are alike, or they are
                # mostly the coding's own surviving words (a sentence deleted from a coded passage)
                if ne > ns and (
                    alignment.trusted or fuzz.ratio(old_text, new[ns:ne]) >= min_similarity or kept >= 0.5 * (ne - ns)
                ):
                    status = "changed"
                elif kept:
                    status = "unplaced"  # kept on what is left of its words, for the coder to check
                    ns, ne = trim(new, first, last)
                else:
                    status = "unplaced"  # its words are gone: kept on the sentence where they were
                    ns, ne = _fallback(new, anchor, sentences)
        out.append(
            Placement(
                c["id"], c["guid"], c.get("code", ""), c.get("coder", ""), s, e, old_text, ns, ne, new[ns:ne], status
            )
        )
    return out


def _occurrences(text: str, needle: str, limit: int = 50) -> list[int]:
    out: list[int] = []
    i = text.find(needle)
    while i >= 0 and len(out) < limit:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def _fallback(text: str, pos: int, sentences: list[tuple[int, int]] | None) -> tuple[int, int]:
    """The coded words are gone: keep the coding on the sentence where they were (never drop it)."""
    for s, e in sentences or []:
        if s <= pos <= e and e > s:
            return s, e
    if sentences:
        s, e = min(sentences, key=lambda u: min(abs(u[0] - pos), abs(u[1] - pos)))
        return s, e
    pos = min(max(pos, 0), max(len(text) - 1, 0))
    return pos, pos + 1


def _keep_timed_turns(old_turns: list[dict[str, Any]], units: list[Unit], alignment: Alignment) -> list[Unit]:
    """Subtitle turns carry times the text cannot give back: map them through the alignment."""
    from qualcode.text.segmentation import Unit

    if not any(t["time_start"] is not None for t in old_turns):
        return units
    mapped = []
    for t in old_turns:
        s, e, _ = alignment.span(t["start"], t["end"])
        s, e = trim(alignment.new, s, e)
        if e > s:
            mapped.append(Unit("turn", s, e, t["speaker"], t["time_start"], t["time_end"]))
    return [u for u in units if u.kind != "turn"] + mapped


# ----------------------------------------------------------------------------------------- versions
def versions(project: Project, document: str | int) -> list[dict[str, Any]]:
    """Every version of a document, oldest first; the last is the current text."""
    doc = get_document(project, document)
    rows = list(
        project.db.query(
            "SELECT version, text_sha256, length(text) AS char_count, created_at, created_by, note "
            "FROM document_versions WHERE document_id = ? ORDER BY version",
            [doc["id"]],
        )
    )
    if not rows:
        rows = [
            {
                "version": 1,
                "text_sha256": doc["text_sha256"],
                "char_count": doc["char_count"],
                "created_at": doc["imported_at"],
                "created_by": doc["imported_by"],
                "note": "imported",
            }
        ]
    for r in rows:
        r["current"] = r["text_sha256"] == doc["text_sha256"] and r is rows[-1]
    return rows


def version_text(project: Project, document: str | int, version: int) -> str:
    doc = get_document(project, document)
    row = project.db.execute(
        "SELECT text FROM document_versions WHERE document_id = ? AND version = ?", [doc["id"], version]
    ).fetchone()
    if row:
        return cast(str, row[0])
    if (
        version == 1
        and not project.db.execute("SELECT 1 FROM document_versions WHERE document_id = ?", [doc["id"]]).fetchone()
    ):
        return cast(str, doc["text"])
    have = [v["version"] for v in versions(project, doc["id"])]
    raise QualcodeError(f"{doc['name']} has no version {version}; versions: {', '.join(map(str, have))}")


def review_list(project: Project, document: str | int | None = None) -> list[dict[str, Any]]:
    """Codings a revision could not place with confidence, with where they were."""
    sql = (
        "SELECT r.id, r.coding_guid, d.name AS document, r.version, r.status, r.old_start, r.old_end, r.old_text, "
        "c.start, c.[end], c.text, k.name AS coder, c.code_id FROM coding_reviews r "
        "JOIN documents d ON d.id = r.document_id LEFT JOIN codings c ON c.guid = r.coding_guid "
        "LEFT JOIN coders k ON k.id = c.coder_id"
    )
    params: list[Any] = []
    if document is not None:
        sql += " WHERE r.document_id = ?"
        params.append(get_document(project, document)["id"])
    rows = list(project.db.query(sql + " ORDER BY d.sort_order, r.old_start", params))
    codes = {c.id: c.path for c in list_codes(project)}
    for r in rows:
        r["code"] = codes.get(r.pop("code_id"))
    return rows


def resolve_reviews(project: Project, ids: list[int]) -> int:
    """The coder has checked these codings: take them off the review list (one event)."""
    with project.transaction(events.REVIEW_RESOLVE, f"{len(ids)} coding(s) checked after revision") as tx:
        for i in ids:
            tx.delete("coding_reviews", i)
    return len(ids)


# ----------------------------------------------------------------------------------------- revising
@dataclass
class RevisionPlan:
    """Everything a revision will write, computed before any write lock is taken."""

    doc: dict[str, Any]
    new: str
    words: int
    units: list[Unit]
    report: RevisionReport
    index: WordIndex | None = None  # the new text's word index (stored with it)


def plan_revision(
    project: Project,
    document: str | int,
    new_text: str,
    min_similarity: float = 80.0,
    alignment: Alignment | None = None,
) -> RevisionPlan:
    """Align the new text with the current one and place every coding (nothing is written)."""
    from qualcode.text.decoding import normalise
    from qualcode.text.segmentation import segment_texts

    doc = get_document(project, document)
    old = doc["text"]
    new = normalise(new_text)
    if not new.strip():
        raise QualcodeError(f"{doc['name']}: the new text is empty")
    if new == old:
        raise QualcodeError(f"{doc['name']}: the new text is the same as the current version")
    if alignment is None:
        alignment = Alignment(old, new)
    elif alignment.new != new or alignment.old != old:
        raise QualcodeError("the alignment does not belong to these texts")
    (seg,) = segment_texts([(new, doc["language"])], index=True)
    units, words = seg.units(), seg.words
    units = _keep_timed_turns(document_units(project, doc["id"], "turn"), units, alignment)
    sentences = [(u.start, u.end) for u in units if u.kind == "sentence"]
    codings = list_codings(project, document=doc["id"])
    placements = place_codings(alignment, codings, min_similarity, sentences)
    current = versions(project, doc["id"])[-1]["version"]
    report = RevisionReport(doc["name"], doc["id"], current + 1, placements)
    return RevisionPlan(doc, new, words, units, report, seg.index)


def write_revision(
    project: Project,
    tx: Transaction,
    plan: RevisionPlan,
    note: str | None,
    keep_previous: bool = True,
    scrub: Callable[[str], str] | None = None,
) -> None:
    """Write a planned revision inside the caller's transaction.

    ``keep_previous=False`` withholds the superseded text (pseudonymisation); ``scrub`` then rewrites
    what would otherwise keep it (the old words a review row remembers).
    """
    from qualcode.store.units import pack
    from qualcode.text.decoding import sha256

    doc, new, report = plan.doc, plan.new, plan.report
    current, ts = report.version - 1, now()
    if not project.db.execute("SELECT 1 FROM document_versions WHERE document_id = ?", [doc["id"]]).fetchone():
        tx.insert(
            "document_versions",
            {
                "document_id": doc["id"],
                "version": 1,
                "text": doc["text"] if keep_previous else "",
                "text_sha256": doc["text_sha256"],
                "created_at": doc["imported_at"],
                "created_by": doc["imported_by"],
                "note": "imported" if keep_previous else "imported (text withheld)",
            },
        )
    elif not keep_previous:
        tx.update(
            "document_versions",
            {
                "id": project.db.execute(
                    "SELECT id FROM document_versions WHERE document_id = ? AND version = ?", [doc["id"], current]
                ).fetchone()[0]
            },
            {"text": "", "note": "text withheld"},
        )
    tx.insert(
        "document_versions",
        {
            "document_id": doc["id"],
            "version": current + 1,
            "text": new,
            "text_sha256": sha256(new),
            "created_at": ts,
            "created_by": project.coder,
            "note": note,
        },
    )
    tx.update(
        "documents",
        doc["id"],
        {"text": new, "text_sha256": sha256(new), "char_count": len(new), "word_count": plan.words},
    )
    for p in report.placements:
        tx.update(
            "codings", p.coding_id, {"start": p.new_start, "end": p.new_end, "text": p.new_text, "updated_at": ts}
        )
        if p.status == "unplaced":
            tx.insert(
                "coding_reviews",
                {
                    "coding_guid": p.guid,
                    "document_id": doc["id"],
                    "version": current + 1,
                    "status": p.status,
                    "old_start": p.old_start,
                    "old_end": p.old_end,
                    "old_text": scrub(p.old_text) if scrub else p.old_text,
                    "created_at": ts,
                },
            )
    # Units follow the text inside the same change set, so undo restores them with it.
    for (kind,) in project.db.execute("SELECT kind FROM unit_sets WHERE document_id = ?", [doc["id"]]).fetchall():
        tx.delete("unit_sets", {"document_id": doc["id"], "kind": kind})
    by_kind: dict[str, list[Unit]] = {}
    for u in plan.units:
        by_kind.setdefault(u.kind, []).append(u)
    cols = ("document_id", "kind", "count", "starts", "ends", "speakers", "times")
    for k, us in by_kind.items():
        tx.insert("unit_sets", dict(zip(cols, pack(doc["id"], k, us))))
    if plan.index is not None:  # search finds the new words at once (the old text's rows are pruned later)
        store_word_index(tx, sha256(new), doc["language"], plan.index)


def revise_document(
    project: Project,
    document: str | int,
    new_text: str,
    note: str | None = None,
    apply: bool = True,
    min_similarity: float = 80.0,
    alignment: Alignment | None = None,
    keep_previous: bool = True,
) -> RevisionReport:
    """Make ``new_text`` the current version of a document and re-anchor every coding.

    ``apply=False`` previews (nothing is written). ``keep_previous=False`` withholds the superseded
    text from ``document_versions`` and the event log; the event then records only the summary.
    """
    from qualcode.corpus.documents import learnt_from_texts

    plan = plan_revision(project, document, new_text, min_similarity, alignment)
    report = plan.report
    if not apply:
        report.removed = learnt_from_texts(project, [report.document])
        return report
    with project.transaction(events.DOCUMENT_REVISE, report.summary(), record_rows=keep_previous) as tx:
        write_revision(project, tx, plan, note, keep_previous)
    report.event_id, report.applied = tx.event_id, True
    report.removed = tx.cleared_notes()
    return report
