"""One text's word index, made from the tokens the import already has.

For every lower-cased word form of the text: the code-point spans of its occurrences and their
token ordinals (a phrase's words stand on consecutive ordinals; punctuation takes an ordinal, white
space does not). Packed as little-endian int32 columns, one row per form — the rows
``search_postings`` holds. Pure: no database, no lemmas (those come from a lexicon, later).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from qualcode.text.segmentation import Tokens

__all__ = ["WordIndex", "letter_splits", "word_index"]

_I4 = np.dtype("<i4")


@dataclass(frozen=True)
class WordIndex:
    tokens: int  # tokens that are not white space (the ordinals run 0 … tokens - 1)
    rows: list[tuple[str, bytes, bytes, bytes]]  # (form, starts, ends, ordinals) per word form

    @property
    def forms(self) -> list[str]:
        return [r[0] for r in self.rows]


def word_index(tokens: Tokens, strings: Any) -> WordIndex:
    """The index of one tokenized text; ``strings`` is the pipeline's string store (hash → form)."""
    solid = ~tokens.is_space
    ordinals = np.cumsum(solid) - 1  # each solid token's ordinal among the solid ones
    words = solid & ~tokens.is_punct
    lower, starts = tokens.lower[words], tokens.idx[words]
    ends, ords = starts + tokens.length[words], ordinals[words]
    if not len(lower):
        return WordIndex(int(solid.sum()), [])
    order = np.argsort(lower, kind="stable")  # by form, each form's occurrences in text order
    lower = lower[order]
    s_buf = starts[order].astype(_I4).tobytes()
    e_buf = ends[order].astype(_I4).tobytes()
    o_buf = ords[order].astype(_I4).tobytes()
    cuts = np.flatnonzero(lower[1:] != lower[:-1]) + 1
    bounds = np.concatenate(([0], cuts, [len(lower)])) * 4  # byte offsets of each form's run
    heads = lower[np.concatenate(([0], cuts))].tolist()
    rows = []
    for h, a, b in zip(heads, bounds[:-1].tolist(), bounds[1:].tolist()):
        rows.append((strings[h], s_buf[a:b], e_buf[a:b], o_buf[a:b]))
    return WordIndex(int(solid.sum()), rows)


def letter_splits(lang: str) -> dict[str, list[str]]:
    """Strings of letters only that the tokenizer cuts into several tokens, by its special-case rules
    ("cannot" → ["can", "not"], "Gonna" → ["gon", "na"]), with their lower-cased tokens. Every other
    string of letters is one token (checked against spaCy's lexicons in the tests), which lets a
    search read a plain query word without the tokenizer."""
    from qualcode.text.nlp import sentence_pipeline

    tokenizer = sentence_pipeline(lang).tokenizer
    out = {}
    for key, pieces in tokenizer.rules.items():
        if len(pieces) > 1 and key.isalpha():
            out[key] = [t.lower_ for t in tokenizer(key)]
    return out
