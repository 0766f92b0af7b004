"""Pseudonymisation: the project's list of names and places and their pseudonyms.

Matching works on word tokens (``\\w+``), so "Bo" never matches inside "Boligen", and a capitalised
entry only matches capitalised tokens, so the name "Bo" leaves the verb "bo" alone. A token matches
an entry word if it is the same word (case-insensitively), the same word with a genitive "s"
("Mettes" → "Sannes"), or — for words of at least ``min_fuzzy_length`` letters — a spelling
variant whose rapidfuzz ratio reaches ``threshold`` ("Mete" for "Mette"). Entries of several
words ("Anne Marie") match consecutive tokens; longer entries win over shorter ones.

Matches are previewed, then applied at import (``import_transform``) or as a revision of each
document (``apply_pseudonyms``, through ``qualcode.revise`` so codings follow the text). The
mapping lives only in the ``pseudonyms`` table — its events record that the list changed, not the
names (``record_rows=False``) — no exporter reads it, and ``mapping_csv`` writes it only when
explicitly asked.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.revise import RevisionReport

KINDS = ("name", "place")
DEFAULT_THRESHOLD = 85.0
_WORD = re.compile(r"\w+")
_JOIN = re.compile(r"[ \t\-‐–]+")  # what may stand between the words of a multi-word entry


@dataclass(frozen=True)
class Pseudonym:
    id: int
    guid: str
    original: str
    pseudonym: str
    kind: str


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    found: str
    replacement: str
    original: str      # the entry
    how: str           # exact | inflected | fuzzy
    score: float


# ----------------------------------------------------------------------------------------- the list
def pseudonyms(project: "Project") -> list[Pseudonym]:
    return [Pseudonym(r["id"], r["guid"], r["original"], r["pseudonym"], r["kind"])
            for r in project.db.query("SELECT * FROM pseudonyms ORDER BY kind, original")]


def add_pseudonym(project: "Project", original: str, pseudonym: str, kind: str = "name") -> Pseudonym:
    original, pseudonym = original.strip(), pseudonym.strip()
    if kind not in KINDS:
        raise QualcodeError(f"a pseudonym is for a {' or a '.join(KINDS)}, not '{kind}'")
    if not _WORD.search(original) or not _WORD.search(pseudonym):
        raise QualcodeError("both the original and the pseudonym need at least one letter")
    if original.casefold() == pseudonym.casefold():
        raise QualcodeError(f"'{original}' would be replaced by itself")
    if project.db.execute("SELECT 1 FROM pseudonyms WHERE original = ?", [original]).fetchone():
        raise QualcodeError(f"'{original}' already has a pseudonym; remove it first")
    with project.transaction("pseudonym.add", f"pseudonym for a {kind}", record_rows=False) as tx:
        pid = tx.insert("pseudonyms", {"guid": new_guid(), "original": original, "pseudonym": pseudonym,
                                       "kind": kind, "created_at": now()})
    return next(p for p in pseudonyms(project) if p.id == pid)


def remove_pseudonym(project: "Project", original: str) -> None:
    row = project.db.execute("SELECT id FROM pseudonyms WHERE original = ?", [original.strip()]).fetchone()
    if not row:
        raise QualcodeError(f"no pseudonym for '{original}'")
    with project.transaction("pseudonym.remove", "pseudonym removed", record_rows=False) as tx:
        tx.delete("pseudonyms", row[0])


def import_mapping_csv(project: "Project", path: Path) -> int:
    """Rows ``original,pseudonym[,kind]`` (a header row is recognised and skipped); all or nothing."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["original", "pseudonym"]:
        rows = rows[1:]
    have = {p.original for p in pseudonyms(project)}
    with project.transaction("pseudonym.import", f"pseudonyms from {path.name}", record_rows=False) as tx:
        n = 0
        for i, r in enumerate(rows, start=2):
            if not r or not "".join(r).strip():
                continue
            if len(r) < 2 or not r[0].strip() or not r[1].strip():
                raise QualcodeError(f"{path.name}, row {i}: needs original,pseudonym[,kind]")
            kind = (r[2].strip() if len(r) > 2 else "") or "name"
            if kind not in KINDS:
                raise QualcodeError(f"{path.name}, row {i}: kind must be name or place, not '{kind}'")
            if r[0].strip() in have:
                continue
            tx.insert("pseudonyms", {"guid": new_guid(), "original": r[0].strip(), "pseudonym": r[1].strip(),
                                     "kind": kind, "created_at": now()})
            have.add(r[0].strip())
            n += 1
    return n


def mapping_csv(project: "Project") -> str:
    """The mapping as CSV — only for an explicit request; nothing else writes it anywhere."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["original", "pseudonym", "kind"])
    for p in pseudonyms(project):
        w.writerow([p.original, p.pseudonym, p.kind])
    return out.getvalue()


# ----------------------------------------------------------------------------------------- matching
def find_matches(text: str, entries: list[Pseudonym] | list[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD,
                 min_fuzzy_length: int = 4) -> list[Match]:
    """Non-overlapping matches of the entries in a text, in text order."""
    from rapidfuzz import fuzz

    pairs = [(e.original, e.pseudonym) if isinstance(e, Pseudonym) else (e[0], e[1]) for e in entries]
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    prepared = sorted(((orig, rep, _WORD.findall(orig)) for orig, rep in pairs), key=lambda x: -len(x[2]))
    taken = [False] * len(words)
    out: list[Match] = []

    def word_match(tok: str, want: str) -> tuple[str, float, str] | None:
        """(how, score, suffix) if token ``tok`` stands for entry word ``want``."""
        if want[:1].isupper() and not tok[:1].isupper():
            return None
        t, w = tok.casefold(), want.casefold()
        if t == w:
            return "exact", 100.0, ""
        if t == w + "s":
            return "inflected", 100.0, tok[-1]
        if len(w) >= min_fuzzy_length and threshold < 100:
            score = fuzz.ratio(t, w)
            if score >= threshold:
                return "fuzzy", score, ""
            if t.endswith("s") and fuzz.ratio(t[:-1], w) >= threshold:
                return "fuzzy", fuzz.ratio(t[:-1], w), tok[-1]
        return None

    for orig, rep, parts in prepared:
        n = len(parts)
        for i in range(len(words) - n + 1):
            if any(taken[i:i + n]):
                continue
            got = []
            for k in range(n):
                if k and not _JOIN.fullmatch(text[words[i + k - 1][1]:words[i + k][0]]):
                    break
                m = word_match(words[i + k][2], parts[k])
                if m is None:
                    break
                got.append(m)
            if len(got) < n:
                continue
            s, e = words[i][0], words[i + n - 1][1]
            found = text[s:e]
            replacement = rep + got[-1][2]
            if found.isupper() and len(found) > 1:
                replacement = replacement.upper()
            how = "fuzzy" if any(g[0] == "fuzzy" for g in got) else (
                "inflected" if any(g[0] == "inflected" for g in got) else "exact")
            out.append(Match(s, e, found, replacement, orig, how, min(g[1] for g in got)))
            for k in range(i, i + n):
                taken[k] = True
    return sorted(out, key=lambda m: m.start)


def pseudonymise_text(text: str, entries, threshold: float = DEFAULT_THRESHOLD) -> tuple[str, list[Match]]:
    matches = find_matches(text, entries, threshold)
    parts, a = [], 0
    for m in matches:
        parts += [text[a:m.start], m.replacement]
        a = m.end
    parts.append(text[a:])
    return "".join(parts), matches


def import_transform(project: "Project", threshold: float = DEFAULT_THRESHOLD) -> Callable[[str], str]:
    """A text → text function for the importer, so names never reach the project file."""
    entries = pseudonyms(project)
    return lambda text: pseudonymise_text(text, entries, threshold)[0]


def preview(project: "Project", documents: list[str | int] | None = None,
            threshold: float = DEFAULT_THRESHOLD) -> dict[str, list[Match]]:
    """``{document name: matches}`` for the documents that have any (nothing is written)."""
    entries = pseudonyms(project)
    if not entries:
        raise QualcodeError("the pseudonym list is empty; add names with 'qualcode pseudonyms add ORIGINAL PSEUDONYM'")
    docs = [project.document(d) for d in documents] if documents else [
        project.document(r["id"]) for r in project.documents()]
    out = {}
    for d in docs:
        found = find_matches(d["text"], entries, threshold)
        if found:
            out[d["name"]] = found
    return out


def apply_pseudonyms(project: "Project", documents: list[str | int] | None = None,
                     threshold: float = DEFAULT_THRESHOLD, keep_original: bool = False) -> list["RevisionReport"]:
    """Replace the matches as a revision of each affected document (codings follow the words).

    By default the superseded text (with the real names) is withheld from the version history and
    the event log; ``keep_original=True`` keeps it readable like any other revision.
    """
    from qualcode.revise import Alignment, revise_document

    reports = []
    for name, matches in preview(project, documents, threshold).items():
        doc = project.document(name)
        alignment, new = Alignment.from_replacements(doc["text"], [(m.start, m.end, m.replacement) for m in matches])
        reports.append(revise_document(project, doc["id"], new, note=f"pseudonymised ({len(matches)} replacement(s))",
                                       alignment=alignment, keep_previous=keep_original))
    return reports
