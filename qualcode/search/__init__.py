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

from qualcode.search.index import INDEX_TABLES, build_index, index_status, lemma_of, tokenize
from qualcode.search.kwic import kwic
from qualcode.search.query import query_words, search
from qualcode.search.results import DEFAULT_THRESHOLD, MODES, Hit, KwicLine, SearchResult

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
