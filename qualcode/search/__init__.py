"""Search the corpus: exact words and phrases, regular expressions, lemmas, and fuzzy spellings.

Exact, lemma and fuzzy search go through the word index the corpus stores with each text
(:mod:`qualcode.corpus.wordindex`: ``search_docs``, ``search_vocab``, ``search_postings``, keyed by
the text's SHA-256), written by import, revision and ``.qdpx`` import from the tokens they already
made, so a search never waits for indexing. The index holds, per text and lower-cased word form,
the code-point spans and token ordinals of its occurrences; the vocabulary maps each form to its
lemma (spaCy's lookup tables, no downloaded models; filled in before the first lemma search).
A query is a sequence of words; each word becomes a set
of forms (itself; the forms sharing its lemma; the forms within a rapidfuzz ratio of it) and a
phrase matches where those forms stand on consecutive tokens. ``a|b`` offers alternatives for one
word, e.g. ``hjælp|hjælpe`` (the Danish table keeps the noun and the verb as separate lemmas).

Regex search scans the texts themselves. The index is derived data: written outside the event
log, rebuilt with ``index_missing(project, rebuild=True)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.search.concordance import kwic
    from qualcode.search.modes import DEFAULT_THRESHOLD, MODES
    from qualcode.search.query import query_words, search, tokenize
    from qualcode.search.results import Hit, KwicLine, SearchResult

# Names load their module on first use (PEP 562): the command line's --help needs only the constants.
_HOME = {
    "tokenize": "query",
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
    "MODES",
    "Hit",
    "KwicLine",
    "SearchResult",
    "kwic",
    "query_words",
    "search",
    "tokenize",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'qualcode.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qualcode.search.{_HOME[name]}"), name)
