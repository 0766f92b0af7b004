"""Preview and apply the list: every document and every other text the project keeps, at once.

``apply_pseudonyms`` is one transaction and one event: all documents are revised (codings follow
their words, see ``qualcode.revision.revise``) and memos, coding memos, code definitions, text attributes
and the words review rows remember are rewritten — or, if anything fails or the process is killed,
nothing is. Unless ``keep_original``, the superseded texts are withheld (the event records no rows,
older versions are blanked) and deleted content is overwritten (``PRAGMA secure_delete``); the
search index and analysis cache, which hold the old words, are dropped in the same transaction and
the index is rebuilt from the new texts. Stored assist models trained on a revised text — their
vocabulary holds its words, names included — are deleted in that transaction too, by the store's rule
for every text change (``store.changes.LEARNT_FROM_TEXT``); ``report.removed`` says which. The
write-ahead log, which still holds the old pages, is emptied when nobody else has the project open.

What this cannot reach is what the append-only history recorded before (the quoted text of earlier
codings, revisions that kept their text): ``qualcode share`` makes a copy without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.corpus.documents import get_document, list_documents
from qualcode.errors import QualcodeError
from qualcode.revision.pseudonyms.entries import pseudonyms
from qualcode.revision.pseudonyms.matching import DEFAULT_THRESHOLD, Match, Rule, find_matches, rules
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.revision.revise import RevisionReport

# Other texts a project keeps that may quote a participant: (table, key column, text columns).
OTHER_TEXTS = (
    ("memos", "id", ("title", "text")),
    ("codings", "id", ("memo",)),
    ("codes", "id", ("description", "inclusion", "exclusion", "example")),
    ("coding_reviews", "id", ("old_text",)),
)


class Matcher:
    """The list's rules, with the lexicon of each language loaded once."""

    def __init__(self, project: Project, threshold: float = DEFAULT_THRESHOLD) -> None:
        entries = pseudonyms(project)
        if not entries:
            raise QualcodeError(
                "the pseudonym list is empty; add names with 'qualcode pseudonyms add ORIGINAL PSEUDONYM'"
            )
        self.rules, self.conflicts = rules(entries)
        self.threshold = threshold

    def find(self, text: str, language: str | None) -> list[Match]:
        from qualcode.text.lexicon import lexicon

        return find_matches(text, self.rules, self.threshold, lexicon=lexicon(language) if language else None)

    def replace(self, text: str, language: str | None) -> str:
        parts, a = [], 0
        for m in self.find(text, language):
            parts += [text[a : m.start], m.replacement]
            a = m.end
        return "".join(parts) + text[a:]


def import_transform(project: Project, threshold: float = DEFAULT_THRESHOLD) -> Callable[[str, str], str]:
    """A (text, language) → text function for the importer, so names never reach the project file."""
    matcher = Matcher(project, threshold)
    return matcher.replace


def preview(
    project: Project, documents: list[str | int] | None = None, threshold: float = DEFAULT_THRESHOLD
) -> dict[str, list[Match]]:
    """``{document name: matches}`` for the documents that have any (nothing is written)."""
    matcher = Matcher(project, threshold)
    out = {}
    for d in _documents(project, documents):
        found = matcher.find(d["text"], d["language"])
        if found:
            out[d["name"]] = found
    return out


def _documents(project: Project, documents: list[str | int] | None) -> list[dict[str, Any]]:
    ids = (
        [get_document(project, d)["id"] for d in documents] if documents else [r["id"] for r in list_documents(project)]
    )
    return [get_document(project, i) for i in ids]


@dataclass
class ApplyReport:
    documents: list[RevisionReport] = field(default_factory=list)
    replacements: int = 0
    other_texts: int = 0  # memos, definitions, attributes, review notes rewritten
    versions_blanked: int = 0  # older versions whose text was withheld
    conflicts: list[str] = field(default_factory=list)
    log_emptied: bool = True  # the write-ahead log could be emptied (nobody else had the file open)
    event_id: int | None = None
    # Assist models trained on the old texts, deleted in the same transaction (their vocabulary holds
    # the names): one line per kind — how many, which, and that 'qualcode assist train' makes a new one.
    removed: list[str] = field(default_factory=list)


def apply_pseudonyms(
    project: Project,
    documents: list[str | int] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    keep_original: bool = False,
) -> ApplyReport:
    """Replace every match in every document and every other stored text, in one transaction."""
    from qualcode.corpus.wordindex import INDEX_TABLES, index_missing
    from qualcode.revision.revise import Alignment, plan_revision, write_revision

    project.require_writable()
    matcher = Matcher(project, threshold)
    report = ApplyReport(conflicts=matcher.conflicts)
    plans = []
    for doc in _documents(project, documents):
        matches = matcher.find(doc["text"], doc["language"])
        if not matches:
            continue
        alignment, new = Alignment.from_replacements(doc["text"], [(m.start, m.end, m.replacement) for m in matches])
        plans.append((plan_revision(project, doc["id"], new, alignment=alignment), len(matches)))
        report.replacements += len(matches)
    language = _main_language(project)
    updates = _other_texts(project, matcher, language)
    report.other_texts = len(updates)
    old_versions = [] if keep_original else _old_versions(project, matcher)
    if not plans and not updates and not old_versions:
        return report
    project.db.execute("PRAGMA secure_delete = ON")
    summary = f"pseudonymised {len(plans)} document(s), {len(updates)} other text(s)"
    with project.transaction(events.PSEUDONYMS_APPLY, summary, record_rows=keep_original) as tx:
        for table in (*INDEX_TABLES, "analysis_cache"):  # their words may be names; the new texts index anew
            tx.derived(f"DELETE FROM {table}")
        for plan, n in plans:
            write_revision(
                project,
                tx,
                plan,
                f"pseudonymised ({n} replacement(s))",
                keep_previous=keep_original,
                scrub=None if keep_original else (lambda text: matcher.replace(text, language)),
            )
            report.documents.append(plan.report)
        for table, key, values in updates:
            tx.update(table, key, values)
        for version_id, text in old_versions:
            tx.update("document_versions", version_id, {"text": text, "note": "older version, pseudonymised"})
    report.event_id = tx.event_id
    report.removed = tx.cleared_notes()
    report.versions_blanked = len(old_versions)
    for r in report.documents:
        r.event_id, r.applied = tx.event_id, True
    busy = project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    report.log_emptied = not busy
    index_missing(project)  # the texts without a name: the pseudonymised ones were indexed as written
    return report


def _main_language(project: Project) -> str | None:
    row = project.db.execute(
        "SELECT language, COUNT(*) AS n FROM documents GROUP BY language ORDER BY n DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _other_texts(
    project: Project, matcher: Matcher, language: str | None
) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """(table, key, new values) for every other stored text holding a name; text attributes too."""
    out = []
    for table, key, columns in OTHER_TEXTS:
        cols = ", ".join(f"[{c}]" for c in columns)
        for row in project.db.execute(f"SELECT [{key}], {cols} FROM [{table}]").fetchall():
            values = {c: matcher.replace(v, language) for c, v in zip(columns, row[1:]) if isinstance(v, str)}
            changed = {c: v for c, v in values.items() if v != row[1 + columns.index(c)]}
            if changed:
                out.append((table, {key: row[0]}, changed))
    for doc_id, attr_id, value in project.db.execute(
        "SELECT da.document_id, da.attribute_id, da.value FROM document_attributes da "
        "JOIN attributes a ON a.id = da.attribute_id WHERE a.type = 'text'"
    ).fetchall():
        new = matcher.replace(value, language) if isinstance(value, str) else value
        if new != value:
            out.append(("document_attributes", {"document_id": doc_id, "attribute_id": attr_id}, {"value": new}))
    return out


def _old_versions(project: Project, matcher: Matcher) -> list[tuple[int, str]]:
    """Stored older versions that still name someone (kept by an earlier revision): pseudonymised too."""
    out = []
    for vid, text, language in project.db.execute(
        "SELECT v.id, v.text, d.language FROM document_versions v JOIN documents d ON d.id = v.document_id "
        "WHERE v.text != '' AND v.text_sha256 != d.text_sha256"
    ).fetchall():
        new = matcher.replace(text, language)
        if new != text:
            out.append((vid, new))
    return out


__all__ = ["ApplyReport", "Matcher", "Rule", "apply_pseudonyms", "import_transform", "preview"]
