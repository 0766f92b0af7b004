"""The word index: per text and lower-cased word form, the code-point spans and token ordinals of its
occurrences, and each form's lemma (spaCy's lookup lemmatizer, no downloaded models).

Keyed by the text's SHA-256: texts are immutable, so an index row never goes stale — a revised text
simply has a new hash. Derived data: written in its own transaction, never as an event, rebuilt
with ``build_index(project, rebuild=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from qualcode.store.changes import derived_write

if TYPE_CHECKING:
    from spacy.lookups import Table

    from qualcode.project import Project

INDEX_TABLES = ("search_postings", "search_vocab", "search_docs")
Progress = Callable[[int, int, str], None]


@lru_cache(maxsize=8)
def _lemma_table(lang: str) -> Table | None:
    from qualcode.text.nlp import lemma_pipeline

    nlp = lemma_pipeline(lang)
    if "lemmatizer" in nlp.pipe_names:
        try:
            table: Table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
            return table
        except Exception:  # noqa: BLE001 - spaCy raises several kinds for a language without a table
            return None
    return None


def lemma_of(form: str, lang: str) -> str:
    """The lookup lemma of a lower-cased form (the form itself if the table does not know it)."""
    table = _lemma_table(lang)
    if table is None:
        return form
    lemma = table.get(form, form)
    return lemma.lower() if isinstance(lemma, str) else form


def tokenize(text: str, lang: str) -> list[tuple[str, int, int, bool]]:
    """``(lower form, start, end, is_punct)`` of the non-space tokens of a text (spaCy's tokenizer).

    The blank pipeline's tokenizer is the lemma pipeline's too, without loading the lemma tables.
    """
    from qualcode.text.nlp import sentence_pipeline

    doc = sentence_pipeline(lang).tokenizer(text)
    return [(t.lower_, t.idx, t.idx + len(t.text), t.is_punct) for t in doc if not t.is_space]


def index_status(project: Project) -> tuple[int, int]:
    """(documents indexed, documents in the project)."""
    total = project.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    done = project.db.execute(
        "SELECT COUNT(*) FROM documents d JOIN search_docs s ON s.text_sha256 = d.text_sha256 "
        "AND s.language = d.language"
    ).fetchone()[0]
    return done, total


def build_index(project: Project, rebuild: bool = False, progress: Progress | None = None, batch_size: int = 64) -> int:
    """Index every text not yet indexed (all of them with ``rebuild``); returns how many were indexed.

    Derived data: written in its own SQLite transaction, not as an event (like text units).
    """
    db = project.db
    if rebuild:
        with derived_write(project, INDEX_TABLES) as conn:
            for t in INDEX_TABLES:
                conn.execute(f"DELETE FROM {t}")
    todo = db.execute(
        "SELECT d.id, d.text_sha256, d.language FROM documents d LEFT JOIN search_docs s "
        "ON s.text_sha256 = d.text_sha256 AND s.language = d.language WHERE s.text_sha256 IS NULL "
        "ORDER BY d.id"
    ).fetchall()
    if not todo:
        return 0
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER

    from qualcode.text.nlp import sentence_pipeline

    seen: set[tuple[str, str]] = set()
    unique = []
    for t in todo:  # each (text, language) once
        if (t[1], t[2]) not in seen:
            seen.add((t[1], t[2]))
            unique.append(t)
    todo = unique
    by_lang: dict[str, list[tuple[int, str]]] = {}
    for doc_id, sha, lang in todo:
        by_lang.setdefault(lang, []).append((doc_id, sha))
    done = 0
    for lang, items in by_lang.items():
        nlp = sentence_pipeline(lang)  # the tokenizer; lemma tables load only for new forms
        strings = nlp.vocab.strings
        known_forms = {r[0] for r in db.execute("SELECT form FROM search_vocab WHERE language = ?", [lang])}
        for k in range(0, len(items), batch_size * 8):
            chunk = items[k : k + batch_size * 8]
            ids = [i for i, _ in chunk]
            texts = dict(db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids))
            postings, docs_rows, new_vocab = [], [], []
            for (_doc_id, sha), doc in zip(chunk, nlp.tokenizer.pipe((texts[i] for i in ids), batch_size=batch_size)):
                arr = doc.to_array([LOWER, IDX, LENGTH, IS_SPACE, IS_PUNCT]) if len(doc) else np.zeros((0, 5), "uint64")
                keep = arr[:, 3] == 0
                arr = arr[keep]
                ordinals = np.arange(len(arr), dtype=np.int64)
                words = arr[:, 4] == 0
                arr, ordinals = arr[words], ordinals[words]
                order = np.argsort(arr[:, 0], kind="stable")
                lowers, idx = arr[order, 0], arr[order, 1].astype(np.int64)
                ends, ords = idx + arr[order, 2].astype(np.int64), ordinals[order]
                if len(lowers):
                    cuts = np.flatnonzero(np.diff(lowers)) + 1
                    bounds = np.concatenate(([0], cuts, [len(lowers)]))
                    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
                        form = strings[int(lowers[a])]
                        postings.append(
                            (
                                form,
                                sha,
                                idx[a:b].astype("<i4").tobytes(),
                                ends[a:b].astype("<i4").tobytes(),
                                ords[a:b].astype("<i4").tobytes(),
                            )
                        )
                        if form not in known_forms:
                            known_forms.add(form)
                            new_vocab.append((form, lang, lemma_of(form, lang)))
                docs_rows.append((sha, lang, len(ordinals)))
            with derived_write(project, INDEX_TABLES) as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO search_postings "
                    "(form, text_sha256, starts, ends, ordinals) VALUES (?,?,?,?,?)",
                    postings,
                )
                conn.executemany("INSERT OR IGNORE INTO search_vocab (form, language, lemma) VALUES (?,?,?)", new_vocab)
                conn.executemany(
                    "INSERT OR REPLACE INTO search_docs (text_sha256, language, tokens) VALUES (?,?,?)", docs_rows
                )
            done += len(chunk)
            if progress:
                progress(done, len(todo), "indexing")
    _prune(project)
    return done


def _prune(project: Project) -> None:
    """Drop index rows of texts no longer in the project (e.g. superseded by a revision)."""
    db = project.db
    stale = [
        r[0]
        for r in db.execute(
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
