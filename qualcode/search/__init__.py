"""Search the corpus: exact words and phrases, regular expressions, lemmas, and fuzzy spellings.

Exact, lemma and fuzzy search go through a token index built once per text and stored in the
project file (``search_docs``, ``search_vocab``, ``search_postings``), keyed by the text's SHA-256:
texts are immutable, so an index row never goes stale — a revised text simply has a new hash and is
indexed on the next search. The index holds, per text and lower-cased word form, the code-point
spans and token ordinals of its occurrences; the vocabulary maps each form to its lemma (spaCy's
lookup lemmatizer, no downloaded models). A query is a sequence of words; each word becomes a set
of forms (itself; the forms sharing its lemma; the forms within a rapidfuzz ratio of it) and a
phrase matches where those forms stand on consecutive tokens. ``a|b`` offers alternatives for one
word, e.g. ``hjælp|hjælpe`` (the Danish table keeps the noun and the verb as separate lemmas).

Regex search scans the texts themselves. The index is derived data: written outside the event
log, rebuilt with ``build_index(project, rebuild=True)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.search.concordance import kwic
    from qualcode.search.index import INDEX_TABLES, build_index, index_status, lemma_of, tokenize
    from qualcode.search.modes import DEFAULT_THRESHOLD, MODES
    from qualcode.search.query import query_words, search
    from qualcode.search.results import Hit, KwicLine, SearchResult

# Names load their module on first use (PEP 562): the command line's --help needs only the constants.
_HOME = {
    "INDEX_TABLES": "index",
    "build_index": "index",
    "index_status": "index",
    "lemma_of": "index",
    "tokenize": "index",
    "kwic": "concordance",
    "query_words": "query",
    "search": "query",
    "DEFAULT_THRESHOLD": "modes",
    "MODES": "modes",
    "Hit": "results",
    "KwicLine": "results",
    "SearchResult": "results",
}
__all__ = [
    "DEFAULT_THRESHOLD",
    "INDEX_TABLES",
    "MODES",
    "Hit",
    "KwicLine",
    "SearchResult",
    "build_index",
    "index_status",
    "kwic",
    "lemma_of",
    "query_words",
    "search",
    "tokenize",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'qualcode.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qualcode.search.{_HOME[name]}"), name)
