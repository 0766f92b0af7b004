"""Names and places not yet on the list, so nothing has to be found by reading every transcript.

Three kinds of candidate, ranked:

* **speaker** — a speaker label that is a name ("Mette:"), not a role such as I, IP or Interviewer;
* **name** — a capitalised word inside a sentence (not its first word, not a speaker label) that the
  document's language does not have as a word (``qualcode.text.lexicon``): in Danish, where nouns
  are written in lower case, that is almost always a name or a place;
* **sequence** — capitalised words in a row that recur ("Mette Hansen", "Café Dugnad").

Each comes with how often it occurs, in how many documents, and a keyword-in-context line. Words
already on the list (as an original or a pseudonym) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualcode.corpus.documents import document_units, get_document, list_documents
from qualcode.revision.pseudonyms.entries import pseudonyms

if TYPE_CHECKING:
    from qualcode.project import Project

_WORD = re.compile(r"\w+")
ROLES = {
    "i",
    "ip",
    "r",
    "int",
    "interviewer",
    "interviewee",
    "informant",
    "respondent",
    "resp",
    "moderator",
    "deltager",
    "interviewperson",
    "participant",
    "facilitator",
    "observer",
    "observatør",
    "q",
    "a",
}
KINDS = ("speaker", "name", "sequence")
CONTEXT = 32


@dataclass
class Suggestion:
    text: str
    kind: str
    count: int = 0
    documents: set[str] = field(default_factory=set)
    example: str = ""  # keyword in context
    where: str = ""  # document and offset of the example

    @property
    def score(self) -> tuple[int, int, int, str]:
        return (KINDS.index(self.kind), -self.count, -len(self.documents), self.text)


def _capitalised(tok: str) -> bool:
    return len(tok) >= 2 and tok[0].isupper() and not tok.isdigit()


def _kwic(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT) : start].replace("\n", " ")
    right = text[end : end + CONTEXT].replace("\n", " ")
    return f"{left:>{CONTEXT}}[{text[start:end]}]{right}"


def suggest(project: Project, limit: int = 50, min_count: int = 1) -> list[Suggestion]:
    """Candidates for the list, best first."""
    from qualcode.text.lexicon import lexicon

    listed = {w.casefold() for p in pseudonyms(project) for w in _WORD.findall(f"{p.original} {p.pseudonym}")}
    found: dict[str, Suggestion] = {}

    def add(kind: str, key: str, doc: str, text: str, start: int, end: int) -> None:
        """One candidate per spelling; the strongest kind it was seen as (a speaker label beats a word)."""
        s = found.get(key.casefold())
        if s is None:
            s = found[key.casefold()] = Suggestion(
                key, kind, example=_kwic(text, start, end), where=f"{doc} {start}-{end}"
            )
        elif KINDS.index(kind) < KINDS.index(s.kind):
            s.kind = kind
        s.count += 1
        s.documents.add(doc)

    for d in list_documents(project):
        doc = get_document(project, d["id"])
        text, name = doc["text"], doc["name"]
        words = lexicon(doc["language"])
        sentences = {u["start"] for u in document_units(project, doc["id"], "sentence")}
        turns = document_units(project, doc["id"], "turn")
        initial = sentences | {t["start"] for t in turns}
        labels: list[tuple[int, int]] = []
        for t in turns:
            line_start = text.rfind("\n", 0, t["start"]) + 1
            labels.append((line_start, t["start"]))
            speaker = (t.get("speaker") or "").strip()
            if (
                speaker
                and speaker.casefold() not in ROLES
                and speaker.casefold() not in listed
                and _capitalised(speaker)
                and speaker.casefold() not in words
            ):
                add("speaker", speaker, name, text, line_start, line_start + len(speaker))
        label_at = {s for a, b in labels for s in range(a, b)}
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        run: list[tuple[int, int, str]] = []
        for _i, (s, e, tok) in enumerate(tokens):
            name_like = _capitalised(tok) and s not in label_at
            folded = tok.casefold()
            if (
                name_like
                and s not in initial
                and folded not in listed
                and folded not in words
                and not (folded.endswith("s") and folded[:-1] in words | listed)
                and not tok.isupper()
            ):
                add("name", tok, name, text, s, e)
            joined = run and text[run[-1][1] : s] in (" ", "-")
            if name_like and (not run or joined):
                run.append((s, e, tok))
                continue
            _close_run(run, initial, listed, words, add, name, text)
            run = [(s, e, tok)] if name_like else []
        _close_run(run, initial, listed, words, add, name, text)
    out = [s for s in found.values() if s.count >= min_count and (s.kind != "sequence" or s.count >= 2)]
    return sorted(out, key=lambda s: s.score)[:limit]


def _close_run(
    run: list[tuple[int, int, str]],
    initial: Set[int],
    listed: Set[str],
    words: Set[str],
    add: Callable[[str, str, str, str, int, int], None],
    doc: str,
    text: str,
) -> None:
    """A run of two or more capitalised words (a leading sentence-initial ordinary word dropped:
    "Så Mette Hansen" is the name "Mette Hansen"), not all of them on the list."""
    while run and run[0][0] in initial and run[0][2].casefold() in words:
        run = run[1:]
    if len(run) < 2 or all(tok.casefold() in listed for _, _, tok in run):
        return
    start, end = run[0][0], run[-1][1]
    add("sequence", text[start:end], doc, text, start, end)
