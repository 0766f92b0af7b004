"""Which lower-case words a language has: from the spaCy lookup tables the project already ships.

Used to tell a name from a word: "bo" is a Danish verb (to live), so a lower-case "bo" is not the
name Bo; "mette" is no Danish word, so a lower-case "mette" is most likely the name, mistyped.
The lexicon is every form and lemma of ``<lang>_lemma_lookup`` (plus English's lemma index) and
spaCy's stop words; about 0.5 s to load once per process, nothing downloaded. The same table
gives search its lemmas.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, cast


def _table(name: str) -> dict[str, Any] | None:
    try:
        import spacy_lookups_data
    except ImportError:  # pragma: no cover - a dependency, but be kind to a broken install
        return None
    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{name}.json.gz"
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return cast(dict[str, Any], json.load(fh))


@lru_cache(maxsize=8)
def lexicon(lang: str) -> frozenset[str]:
    """Lower-case words of ``lang`` (empty if spaCy has no table for it: then nothing is a word)."""
    words: set[str] = set()
    lookup = lemma_table(lang)
    if lookup:
        words.update(k.lower() for k in lookup)
        words.update(v.lower() for v in lookup.values() if isinstance(v, str))
    index = _table(f"{lang}_lemma_index")
    if index:
        for forms in index.values():
            words.update(w.lower() for w in forms)
    words.update(stop_words(lang))
    return frozenset(words)


def stop_words(lang: str) -> set[str]:
    """spaCy's stop words of ``lang`` ("which", "hvilken"; none for a language spaCy lacks)."""
    import importlib

    try:
        return set(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except (ImportError, AttributeError):
        return set()


# Interjections and fillers of speech, which spaCy's stop-word lists leave in: a transcript is full of
# them ("ja", "øh", "yeah", "um") and they carry no topic.
_FILLERS: dict[str, frozenset[str]] = {
    "da": frozenset(
        "ja jah jaja jamen nej nåh nå næh neh øh øhm øhh æh ehm eh hm hmm mm mmm mhm aha ah åh oh ok okay "
        "nåja nåmen tja tjo".split()
    ),
    "en": frozenset(
        "yeah yes yep yup no nope nah um umm uh uhm uh-huh er erm hm hmm mm mmm mhm ah aha oh ok okay oops huh".split()
    ),
}


def fillers(lang: str) -> frozenset[str]:
    """Interjections and fillers of speech in ``lang`` ("ja", "øh"; "yeah", "um"): not in spaCy's
    stop-word lists, but no more a topic than "and" is."""
    return _FILLERS.get(lang, frozenset())


@lru_cache(maxsize=8)
def lemma_table(lang: str) -> dict[str, Any]:
    """``<lang>_lemma_lookup`` as a plain dict (form → lemma): what spaCy's lookup lemmatizer uses,
    read straight from ``spacy-lookups-data`` (a third of the time spaCy takes to build its Table)."""
    return _table(f"{lang}_lemma_lookup") or {}


def lemma_of(form: str, lang: str) -> str:
    """The lookup lemma of a lower-cased form (the form itself if the table does not know it)."""
    lemma = lemma_table(lang).get(form, form)
    return lemma.lower() if isinstance(lemma, str) else form
