"""spaCy pipelines without downloaded models.

``spacy.blank(lang)`` + the rule-based ``sentencizer`` (and, for search, the lookup lemmatizer from
``spacy-lookups-data``): nothing fetches weights at run time, so it works on an offline secure
server. Pipelines are cached per language because building one costs ~0.3 s.
"""

from functools import lru_cache
from typing import Any

SUPPORTED_HINT = "use a two-letter code such as da, en, sv, no, de"

# A spaCy ``Language``. Typed as Any: spaCy types ``nlp.tokenizer`` and pipes as bare callables, while
# this code uses their methods (``tokenizer.pipe``, the lemmatizer's ``lookups``).
Pipeline = Any


def _blank(lang: str) -> Pipeline:
    import spacy

    try:
        return spacy.blank(lang)
    except Exception:  # noqa: BLE001 - spaCy raises ImportError or its own errors for an unknown language
        from qualcode.errors import QualcodeError

        raise QualcodeError(f"language '{lang}' is not known to spaCy; {SUPPORTED_HINT}") from None


@lru_cache(maxsize=16)
def sentence_pipeline(lang: str) -> Pipeline:
    """Tokenizer + spaCy's rule-based sentencizer.

    Import calls only ``nlp.tokenizer`` and applies the sentencizer's rule itself
    (``segmentation.sentence_bounds``); the full pipeline is the reference it is tested against.
    """
    nlp = _blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.max_length = 50_000_000
    return nlp


@lru_cache(maxsize=16)
def lemma_pipeline(lang: str) -> Pipeline:
    """Tokenizer + lookup lemmatizer; falls back to lower-cased forms if no table exists."""
    nlp = _blank(lang)
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception:  # noqa: BLE001 - no lookup table for this language: lemma = lower-cased token
        nlp = _blank(lang)
    nlp.max_length = 50_000_000
    return nlp
