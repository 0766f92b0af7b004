"""The corpus's word index: written with each text, so search is ready the moment a text arrives.

Tables (derived data, never events): ``search_docs`` (which texts are indexed, their token counts),
``search_postings`` (per text and lower-cased form, packed spans and token ordinals),
``search_vocab`` (each form of a language, with its lemma) and ``search_splits`` (the plain words
the tokenizer cuts by rule, so a query needs no tokenizer). Keyed by the text's SHA-256: texts are
immutable, so a row never goes stale — a revised text has a new hash and gets its own rows.

Import, revision and ``.qdpx`` import store a text's index in their own transaction, from the tokens
they made to find its sentences (:func:`store_word_index`). Lemmas come from a lexicon that takes
half a second to load, so a new form's lemma is left empty at import and filled in for the whole
language before the first lemma search (:func:`fill_lemmas`). :func:`index_missing` indexes any
text without an index (a project from before this, or one whose index was purged).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qualcode.store.changes import derived_write

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.changes import Transaction
    from qualcode.text.wordindex import WordIndex

INDEX_TABLES = ("search_postings", "search_vocab", "search_docs", "search_splits")
Progress = Callable[[int, int, str], None]

_POSTINGS_SQL = "INSERT OR REPLACE INTO search_postings (form, text_sha256, starts, ends, ordinals) VALUES (?,?,?,?,?)"
_VOCAB_SQL = "INSERT OR IGNORE INTO search_vocab (form, language, lemma) VALUES (?, ?, NULL)"
_DOCS_SQL = "INSERT OR REPLACE INTO search_docs (text_sha256, language, tokens) VALUES (?,?,?)"
_SPLITS_SQL = "INSERT OR REPLACE INTO search_splits (language, form, tokens) VALUES (?,?,?)"


def store_word_index(tx: Transaction, sha: str, language: str, index: WordIndex) -> None:
    """A text's index rows, inside the caller's transaction (all or nothing with the text itself)."""
    tx.derived(_POSTINGS_SQL, [(form, sha, s, e, o) for form, s, e, o in index.rows])
    tx.derived(_VOCAB_SQL, [(form, language) for form in index.forms])
    tx.derived(_DOCS_SQL, [(sha, language, index.tokens)])
    if not tx.db.execute("SELECT 1 FROM search_splits WHERE language = ? AND form = ''", [language]).fetchone():
        tx.derived(_SPLITS_SQL, _splits_rows(language))


def _splits_rows(language: str) -> list[tuple[str, str, str]]:
    import json

    from qualcode.text.wordindex import letter_splits

    rows = [(language, form, json.dumps(tokens)) for form, tokens in letter_splits(language).items()]
    return [*rows, (language, "", "[]")]  # the mark: this language's rules are recorded


def splits(project: Project, language: str) -> dict[str, list[str]] | None:
    """The tokenizer's rule splits of plain words in ``language`` (see ``text.wordindex.letter_splits``),
    or None when they were never recorded (then only the tokenizer can say how a word splits)."""
    import json

    rows = project.db.execute("SELECT form, tokens FROM search_splits WHERE language = ?", [language]).fetchall()
    if not any(form == "" for form, _ in rows):
        return None
    return {form: json.loads(tokens) for form, tokens in rows if form}


def index_status(project: Project) -> tuple[int, int]:
    """(documents indexed, documents in the project)."""
    total = project.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    done = project.db.execute(
        "SELECT COUNT(*) FROM documents d JOIN search_docs s ON s.text_sha256 = d.text_sha256 "
        "AND s.language = d.language"
    ).fetchone()[0]
    return done, total


def index_missing(project: Project, rebuild: bool = False, progress: Progress | None = None) -> int:
    """Index every text that has no index yet (all of them with ``rebuild``); returns how many.

    Texts imported by this version are indexed already, so this usually finds nothing — one query.
    """
    if rebuild:
        with derived_write(project, INDEX_TABLES) as conn:
            for t in INDEX_TABLES:
                conn.execute(f"DELETE FROM {t}")
    todo = project.db.execute(
        "SELECT MIN(d.id), d.text_sha256, d.language FROM documents d LEFT JOIN search_docs s "
        "ON s.text_sha256 = d.text_sha256 AND s.language = d.language WHERE s.text_sha256 IS NULL "
        "GROUP BY d.text_sha256, d.language ORDER BY MIN(d.id)"
    ).fetchall()
    if todo:
        _index(project, todo, progress)
    _prune(project)
    return len(todo)


def _index(project: Project, todo: list[tuple[int, str, str]], progress: Progress | None, chunk: int = 256) -> None:
    from qualcode.text.segmentation import segment_texts

    for k in range(0, len(todo), chunk):
        part = todo[k : k + chunk]
        ids = [doc_id for doc_id, _, _ in part]
        marks = ",".join("?" * len(ids))
        texts = dict(project.db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", ids).fetchall())
        segmented = segment_texts(((texts[i], lang) for i, _, lang in part), index=True)
        rows = [(sha, lang, seg.index) for (_, sha, lang), seg in zip(part, segmented)]
        with derived_write(project, INDEX_TABLES) as conn:
            for sha, lang, index in rows:
                assert index is not None  # asked for
                conn.executemany(_POSTINGS_SQL, [(form, sha, s, e, o) for form, s, e, o in index.rows])
                conn.executemany(_VOCAB_SQL, [(form, lang) for form in index.forms])
                conn.execute(_DOCS_SQL, (sha, lang, index.tokens))
                if not conn.execute("SELECT 1 FROM search_splits WHERE language = ? AND form = ''", [lang]).fetchone():
                    conn.executemany(_SPLITS_SQL, _splits_rows(lang))
        if progress:
            progress(min(k + chunk, len(todo)), len(todo), "indexing")


def index_languages(project: Project) -> list[str]:
    return [r[0] for r in project.db.execute("SELECT DISTINCT language FROM search_docs ORDER BY language")]


def fill_lemmas(project: Project, language: str) -> int:
    """Give every form of ``language`` without a lemma its lemma (spaCy's lookup table); returns how
    many were filled. Loads the lexicon only when there is something to fill."""
    missing = [
        r[0]
        for r in project.db.execute(
            "SELECT form FROM search_vocab WHERE language = ? AND lemma IS NULL", [language]
        ).fetchall()
    ]
    if not missing:
        return 0
    from qualcode.text.lexicon import lemma_of

    with derived_write(project, ["search_vocab"]) as conn:
        conn.executemany(
            "UPDATE search_vocab SET lemma = ? WHERE language = ? AND form = ?",
            [(lemma_of(form, language), language, form) for form in missing],
        )
    return len(missing)


def _prune(project: Project) -> None:
    """Drop index rows of texts no longer in the project (e.g. a removed document)."""
    stale = [
        r[0]
        for r in project.db.execute(
            "SELECT s.text_sha256 FROM search_docs s LEFT JOIN documents d ON d.text_sha256 = s.text_sha256 "
            "WHERE d.id IS NULL"
        )
    ]
    if not stale:
        return
    with derived_write(project, INDEX_TABLES) as conn:
        for sha in stale:
            conn.execute("DELETE FROM search_postings WHERE text_sha256 = ?", [sha])
            conn.execute("DELETE FROM search_docs WHERE text_sha256 = ?", [sha])
