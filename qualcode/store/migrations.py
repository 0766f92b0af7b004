"""Numbered schema migrations.

Each migration runs once, in its own transaction, and is recorded in ``schema_migrations``;
``PRAGMA user_version`` mirrors the latest number so other tools can see it cheaply. Never edit
a migration that has shipped: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from qualcode.errors import QualcodeError
from qualcode.ids import now
from qualcode.store import history
from qualcode.store.database import Database

if TYPE_CHECKING:
    import sqlite_utils


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.table("project").create({"key": str, "value": str}, pk="key")
    db.table("coders").create(
        {"id": int, "guid": str, "name": str, "created_at": str}, pk="id", not_null={"guid", "name"}
    )
    db.table("coders").create_index(["name"], unique=True)
    db.table("coders").create_index(["guid"], unique=True)

    db.table("documents").create(
        {
            "id": int,
            "guid": str,
            "name": str,
            "kind": str,
            "language": str,
            "text": str,
            "text_sha256": str,
            "source_sha256": str,
            "source_name": str,
            "source_format": str,
            "encoding": str,
            "char_count": int,
            "word_count": int,
            "imported_at": str,
            "imported_by": str,
            "sort_order": int,
        },
        pk="id",
        not_null={"guid", "name", "kind", "language", "text", "text_sha256"},
        defaults={"kind": "interview", "language": "en", "sort_order": 0},
    )
    db.table("documents").create_index(["guid"], unique=True)
    db.table("documents").create_index(["name"], unique=True)
    db.table("documents").create_index(["text_sha256"])

    db.table("attributes").create(
        {"id": int, "guid": str, "name": str, "type": str}, pk="id", not_null={"guid", "name", "type"}
    )
    db.table("attributes").create_index(["name"], unique=True)
    db.table("document_attributes").create(
        {"document_id": int, "attribute_id": int, "value": str},
        pk=("document_id", "attribute_id"),
        foreign_keys=[("document_id", "documents", "id"), ("attribute_id", "attributes", "id")],
    )

    # Units are derived from the immutable text and always read per document, so each
    # (document, kind) is one row of packed little-endian int32 arrays (see qualcode.store.units):
    # writing 40 transcripts' 50,000 units as rows cost as much as segmenting them.
    db.table("unit_sets").create(
        {
            "document_id": int,
            "kind": str,
            "count": int,
            "starts": bytes,
            "ends": bytes,
            "speakers": str,
            "times": bytes,
        },
        pk=("document_id", "kind"),
        foreign_keys=[("document_id", "documents", "id")],
        not_null={"document_id", "kind", "count", "starts", "ends"},
    )

    db.table("codes").create(
        {
            "id": int,
            "guid": str,
            "parent_id": int,
            "name": str,
            "description": str,
            "inclusion": str,
            "exclusion": str,
            "example": str,
            "colour": str,
            "hotkey": str,
            "sort_order": int,
            "codable": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("parent_id", "codes", "id")],
        not_null={"guid", "name"},
        defaults={"codable": 1, "sort_order": 0},
    )
    db.table("codes").create_index(["guid"], unique=True)
    db.table("codes").create_index(["parent_id", "sort_order"])

    db.table("codings").create(
        {
            "id": int,
            "guid": str,
            "document_id": int,
            "code_id": int,
            "coder_id": int,
            "start": int,
            "end": int,
            "text": str,
            "memo": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id"), ("code_id", "codes", "id"), ("coder_id", "coders", "id")],
        not_null={"guid", "document_id", "code_id", "coder_id", "start", "end", "text"},
    )
    db.table("codings").create_index(["guid"], unique=True)
    db.table("codings").create_index(["document_id", "start", "end"])
    db.table("codings").create_index(["code_id"])
    db.table("codings").create_index(["coder_id"])

    db.table("memos").create(
        {
            "id": int,
            "guid": str,
            "target": str,
            "target_guid": str,
            "coder_id": int,
            "title": str,
            "text": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("coder_id", "coders", "id")],
        not_null={"guid", "target", "text"},
    )
    db.table("memos").create_index(["guid"], unique=True)
    db.table("memos").create_index(["target", "target_guid"])

    db.table("events").create(
        {
            "id": int,
            "at": str,
            "coder": str,
            "action": str,
            "summary": str,
            "changes": str,
            "undoable": int,
            "ref": int,
        },
        pk="id",
        not_null={"at", "action"},
        defaults={"undoable": 0},
    )
    db.table("events").create_index(["coder", "id"])
    # The audit trail is append-only: the database itself refuses edits and deletions.
    db.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )


def _m002_versions_search_pseudonyms(db: sqlite_utils.Database) -> None:
    """Document versions, the coder's review list after a revision, pseudonyms, and the search index.

    ``document_versions`` keeps each superseded text (the current one stays in ``documents``);
    ``coding_reviews`` lists codings a revision could not place with confidence (never dropped);
    ``pseudonyms`` is the project's name/place list (kept out of exports); ``search_*`` is a
    derived cache keyed by text SHA-256, rebuilt from the texts at will and never logged.
    """
    db.table("document_versions").create(
        {
            "id": int,
            "document_id": int,
            "version": int,
            "text": str,
            "text_sha256": str,
            "created_at": str,
            "created_by": str,
            "note": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        not_null={"document_id", "version", "text", "text_sha256"},
    )
    db.table("document_versions").create_index(["document_id", "version"], unique=True)
    db.table("coding_reviews").create(
        {
            "id": int,
            "coding_guid": str,
            "document_id": int,
            "version": int,
            "status": str,
            "old_start": int,
            "old_end": int,
            "old_text": str,
            "created_at": str,
        },
        pk="id",
        not_null={"coding_guid", "document_id", "status"},
    )  # by GUID, not a foreign key: a coding may later be deleted or merged away
    db.table("coding_reviews").create_index(["document_id"])
    db.table("coding_reviews").create_index(["coding_guid"])
    db.table("pseudonyms").create(
        {"id": int, "guid": str, "original": str, "pseudonym": str, "kind": str, "created_at": str},
        pk="id",
        not_null={"guid", "original", "pseudonym", "kind"},
        defaults={"kind": "name"},
    )
    db.table("pseudonyms").create_index(["guid"], unique=True)
    db.table("pseudonyms").create_index(["original"], unique=True)
    db.table("search_docs").create({"text_sha256": str, "language": str, "tokens": int}, pk=("text_sha256", "language"))
    db.table("search_vocab").create({"form": str, "language": str, "lemma": str}, pk=("language", "form"))
    db.table("search_vocab").create_index(["language", "lemma"])
    db.table("search_postings").create(
        {"form": str, "text_sha256": str, "starts": bytes, "ends": bytes, "ordinals": bytes},
        pk=("form", "text_sha256"),
    )
    db.table("search_postings").create_index(["text_sha256"])


def _m003_covering_index(db: sqlite_utils.Database) -> None:
    """Analyses read one coder's spans of every document; this index answers that without
    touching the rows (which also hold the quoted text), halving co-occurrence load times."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS codings_by_coder_span ON codings (coder_id, document_id, code_id, start, [end])"
    )


def _m004_analysis_cache(db: sqlite_utils.Database) -> None:
    """Derived arrays for analyses (see ``qualcode.analysis.data``), valid while no event
    has been logged since they were written; safe to delete at any time."""
    db.table("analysis_cache").create(
        {"key": str, "last_event": int, "used_at": str, "data": bytes}, pk="key", not_null={"last_event", "data"}
    )


def _m005_identity_and_chain(db: sqlite_utils.Database) -> None:
    """Mark the file as a qualcode project (``PRAGMA application_id``) and chain the history:
    every event gets a hash over its content and the previous hash (see ``qualcode.store.history``).
    The append-only triggers are lifted only inside this migration's transaction."""
    from qualcode.store.connection import APPLICATION_ID

    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("ALTER TABLE events ADD COLUMN hash TEXT")
    for name in history.TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    history.chain_existing(db.conn)
    for sql in history.TRIGGERS.values():
        db.execute(sql)


def _m006_search_splits(db: sqlite_utils.Database) -> None:
    """The words the tokenizer splits by rule ("cannot" → can + not), per language, recorded when the
    language is first indexed: a search can then read any other plain word as one token without
    loading spaCy. A row with an empty form marks a language as recorded. Derived data."""
    db.table("search_splits").create({"language": str, "form": str, "tokens": str}, pk=("language", "form"))


def _m007_assist(db: sqlite_utils.Database) -> None:
    """The offline coding assistant's tables (owned by ``qualcode.assist``).

    ``assist_models``: each trained model — its card (JSON) and its fitted vocabulary, IDF weights and
    coefficients as an ``.npz`` archive of plain arrays (read with ``allow_pickle=False``: a project
    file is shared, and unpickling runs code). ``assist_decisions``: suggestions a coder accepted or
    rejected, which the next training reads; by id, not foreign keys, so removing a document or code
    is never blocked by them (a decision about something gone is ignored).
    """
    db.table("assist_models").create(
        {
            "id": int,
            "model_id": str,
            "created_at": str,
            "created_by": str,
            "coder": str,
            "unit": str,
            "data_sha256": str,
            "card": str,
            "model": bytes,
            "model_sha256": str,
        },
        pk="id",
        not_null={"model_id", "created_at", "coder", "unit", "card", "model"},
    )
    db.table("assist_models").create_index(["model_id"], unique=True)
    db.table("assist_decisions").create(
        {
            "id": int,
            "guid": str,
            "model_id": str,
            "document_id": int,
            "code_id": int,
            "coder_id": int,
            "start": int,
            "end": int,
            "decision": str,
            "confidence": float,
            "created_at": str,
        },
        pk="id",
        not_null={"guid", "model_id", "document_id", "code_id", "coder_id", "start", "end", "decision"},
    )
    db.table("assist_decisions").create_index(["coder_id", "code_id"])
    db.table("assist_decisions").create_index(["document_id"])


MIGRATIONS: list[tuple[int, str, Callable[[sqlite_utils.Database], None]]] = [
    (1, "initial", _m001_initial),
    (2, "versions, reviews, pseudonyms, search index", _m002_versions_search_pseudonyms),
    (3, "covering index for analyses", _m003_covering_index),
    (4, "analysis cache", _m004_analysis_cache),
    (5, "application id, chained event hashes", _m005_identity_and_chain),
    (6, "tokenizer splits for search", _m006_search_splits),
    (7, "coding assistant: models and decisions", _m007_assist),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(db: Database) -> int:
    return cast(int, db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database) -> list[int]:
    """Bring the file up to SCHEMA_VERSION; return the numbers applied.

    Each step re-reads the version inside its write lock, so two processes opening a new or old
    file at the same moment apply every migration exactly once.
    """
    have = current_version(db)
    if have > SCHEMA_VERSION:
        raise QualcodeError(newer_message(db, have))
    if have == SCHEMA_VERSION:
        return []  # the common case: nothing to import, nothing to lock
    import sqlite_utils  # table creation only; see store/database.py for why not everywhere

    schema = sqlite_utils.Database(db.conn)
    applied = []
    for version, name, step in MIGRATIONS:
        if version <= have:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            have = current_version(db)
            if version <= have:
                db.execute("COMMIT")
                continue
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "([version] INTEGER PRIMARY KEY, [name] TEXT, [applied_at] TEXT)"
            )
            step(schema)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [version, name, now()]
            )
            db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def newer_message(db: Database, have: int) -> str:
    path = db.execute("PRAGMA database_list").fetchone()[2] or "this project"
    return (
        f"{path}: written by a newer qualcode (schema {have}; this one knows {SCHEMA_VERSION}); "
        "it was left untouched — upgrade qualcode to open it"
    )
