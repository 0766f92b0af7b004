"""The project's list of names and places and their pseudonyms.

The mapping lives only in the ``pseudonyms`` table — its events record that the list changed, not
the names (``record_rows=False``) — no exporter reads it, a shared copy leaves it out, and
``mapping_csv`` writes it only when explicitly asked (always 0600).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events
from qualcode.text.names import check_name

if TYPE_CHECKING:
    from qualcode.project import Project

KINDS = ("name", "place")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pseudonym:
    id: int
    guid: str
    original: str
    pseudonym: str
    kind: str


# ----------------------------------------------------------------------------------------- the list
def pseudonyms(project: Project) -> list[Pseudonym]:
    return [
        Pseudonym(r["id"], r["guid"], r["original"], r["pseudonym"], r["kind"])
        for r in project.db.query("SELECT * FROM pseudonyms ORDER BY kind, original")
    ]


def add_pseudonym(project: Project, original: str, pseudonym: str, kind: str = "name") -> Pseudonym:
    original, pseudonym = check_name(original, "original"), check_name(pseudonym, "pseudonym")
    if kind not in KINDS:
        raise QualcodeError(f"a pseudonym is for a {' or a '.join(KINDS)}, not '{kind}'")
    if not _WORD.search(original) or not _WORD.search(pseudonym):
        raise QualcodeError("both the original and the pseudonym need at least one letter")
    if original.casefold() == pseudonym.casefold():
        raise QualcodeError(f"'{original}' would be replaced by itself")
    if project.db.execute("SELECT 1 FROM pseudonyms WHERE original = ?", [original]).fetchone():
        raise QualcodeError(f"'{original}' already has a pseudonym; remove it first")
    with project.transaction(events.PSEUDONYM_ADD, f"pseudonym for a {kind}") as tx:
        pid = tx.insert(
            "pseudonyms",
            {"guid": new_guid(), "original": original, "pseudonym": pseudonym, "kind": kind, "created_at": now()},
        )
    return next(p for p in pseudonyms(project) if p.id == pid)


def remove_pseudonym(project: Project, original: str) -> None:
    row = project.db.execute("SELECT id FROM pseudonyms WHERE original = ?", [original.strip()]).fetchone()
    if not row:
        raise QualcodeError(f"no pseudonym for '{original}'")
    with project.transaction(events.PSEUDONYM_REMOVE, "pseudonym removed") as tx:
        tx.delete("pseudonyms", row[0])


def import_mapping_csv(project: Project, path: Path) -> int:
    """Rows ``original,pseudonym[,kind]`` (a header row is recognised and skipped); all or nothing."""
    from qualcode.text.csvfile import read_records

    records = read_records(path, sniff=False)
    if records and [c.strip().lower() for c in records[0][1][:2]] == ["original", "pseudonym"]:
        records = records[1:]
    have = {p.original for p in pseudonyms(project)}
    with project.transaction(events.PSEUDONYM_IMPORT, f"pseudonyms from {path.name}") as tx:
        n = 0
        for line, r in records:
            if not r or not "".join(r).strip():
                continue
            if len(r) < 2 or not r[0].strip() or not r[1].strip():
                raise QualcodeError(f"{path.name}: line {line}: needs original,pseudonym[,kind]")
            kind = (r[2].strip() if len(r) > 2 else "") or "name"
            if kind not in KINDS:
                raise QualcodeError(f"{path.name}: line {line}: kind must be name or place, not '{kind}'")
            try:
                original, pseudonym = check_name(r[0], "original"), check_name(r[1], "pseudonym")
            except QualcodeError as e:
                raise QualcodeError(f"{path.name}: line {line}: {e}") from None
            if original in have:
                continue
            tx.insert(
                "pseudonyms",
                {"guid": new_guid(), "original": original, "pseudonym": pseudonym, "kind": kind, "created_at": now()},
            )
            have.add(original)
            n += 1
    return n


def mapping_csv(project: Project) -> str:
    """The mapping as CSV — only for an explicit request; nothing else writes it anywhere."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["original", "pseudonym", "kind"])
    for p in pseudonyms(project):
        w.writerow([p.original, p.pseudonym, p.kind])
    return out.getvalue()
