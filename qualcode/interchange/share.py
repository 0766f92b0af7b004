"""A copy of the project you can hand on: today's data, nothing of its past.

The working project keeps an append-only history — the quoted text of every coding ever made,
old versions of revised texts — and a search index, and so it keeps whatever names they held.
``share`` writes a new project file with today's texts, codebook, codings, memos, attributes and
coders, and nothing else: no old versions, no review notes, no search index or caches, no pseudonym
list, and a history that starts with one event saying what the copy was made from. Document names
and original file names are passed through the pseudonym list too (they are labels that often
carry a name); the original file's hash is left out. The copy is vacuumed, a single file (no
-wal), private (0600), and — unless told otherwise — checked with the leak scan before it is kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.files import atomic_path
from qualcode.ids import new_guid, now
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.revision.pseudonyms.apply import Matcher
    from qualcode.revision.pseudonyms.scan import ScanReport
    from qualcode.store.database import Database

# What a shared copy holds, table by table (columns left out are not copied).
TABLES = ("coders", "documents", "attributes", "document_attributes", "unit_sets", "codes", "codings", "memos")
LEFT_OUT = {"documents": {"source_sha256"}}
PROJECT_KEYS = ("name", "codebook_title")


@dataclass
class ShareReport:
    path: Path
    counts: dict[str, int]
    scan: ScanReport | None


def share(project: Project, target: str | Path, scan: bool = True) -> ShareReport:
    """Write the shared copy to ``target`` (refused if it exists); with ``scan``, refuse to keep a
    copy in which the leak check still finds a name on the list."""
    from qualcode.project import Project
    from qualcode.revision.pseudonyms.apply import Matcher
    from qualcode.revision.pseudonyms.entries import pseudonyms
    from qualcode.revision.pseudonyms.scan import NameWords, scan_project
    from qualcode.store.connection import open_database
    from qualcode.store.migrations import migrate

    target = Path(target)
    if target.exists():
        raise QualcodeError(f"{target}: exists already; choose another name with -o")
    matcher = Matcher(project) if pseudonyms(project) else None
    names = NameWords(project) if (scan and matcher) else None
    with atomic_path(target, like=None) as tmp:  # always 0600: the copy leaves the team
        conn = open_database(tmp)
        try:
            migrate(conn.db)
            counts = _copy(project, conn.db, matcher)
        finally:
            conn.db.close()
        _compact(tmp)
        report = ShareReport(target, counts, None)
        if names is not None:
            with Project.open(tmp, readonly=True) as copy:
                report.scan = scan_project(copy, names)
            if not report.scan.clean:
                first = report.scan.hits[0]
                raise QualcodeError(
                    f"the copy would still hold names on the list ({len(report.scan.hits)} place(s), first "
                    f"'{first.found}' in {first.place}); run 'qualcode pseudonyms apply' first — nothing was "
                    "written"
                )
    return report


def _copy(project: Project, db: Database, matcher: Matcher | None) -> dict[str, int]:
    src = project.db
    source_guid, head = project.meta("guid"), project.last_event_id()
    summary = (
        f"shared copy of {project.meta('name') or project.path.stem} (project {source_guid}) as it stood "
        f"at event {head}, made by {project.coder}"
    )
    counts: dict[str, int] = {}
    from qualcode.store.changes import Transaction

    with Transaction(db, project.coder, events.PROJECT_SHARE, summary) as tx:
        meta = {"guid": new_guid(), "created_at": now(), "shared_from": source_guid, "shared_at": now()}
        meta.update({k: project.meta(k) for k in PROJECT_KEYS if project.meta(k) is not None})
        for k, v in meta.items():
            tx.insert("project", {"key": k, "value": v})
        for table in TABLES:
            cur = src.execute(f"SELECT * FROM [{table}]")
            cols = [d[0] for d in cur.description if d[0] not in LEFT_OUT.get(table, set())]
            rows = [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
            for row in rows:
                row = {c: row[c] for c in cols}
                if table == "documents" and matcher is not None:
                    lang = row["language"]
                    row["name"] = matcher.replace(row["name"], lang)
                    if row.get("source_name"):
                        row["source_name"] = matcher.replace(row["source_name"], lang)
                tx.insert(table, row)
            counts[table] = len(rows)
        # a coding's quote is read again from today's text, never carried over
        tx.derived(
            "UPDATE codings SET text = (SELECT substr(d.text, codings.start + 1, codings.[end] - codings.start) "
            "FROM documents d WHERE d.id = codings.document_id)"
        )
    return counts


def _compact(path: Path) -> None:
    """VACUUM into a single file in rollback-journal mode: no free pages, no write-ahead log."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = DELETE")
        con.execute("VACUUM")
    finally:
        con.close()
