"""One text's word index, made from the tokens the import already has.

For every lower-cased word form of the text: the code-point spans of its occurrences and their
token ordinals (a phrase's words stand on consecutive ordinals; punctuation takes an ordinal, white
space does not). Packed as little-endian int32 columns, one row per form — the rows
``search_postings`` holds. The ends are left out (None) when every occurrence is as long as the
form, which is nearly always: a third less to write at import. Pure: no database, no lemmas
(those come from a lexicon, later).
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
    rows: list[tuple[str, bytes, bytes | None, bytes]]  # (form, starts, ends or None, ordinals) per form

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
    lower, lengths = lower[order], tokens.length[words][order]
    s_buf = starts[order].astype(_I4).tobytes()
    e_buf = ends[order].astype(_I4).tobytes()
    o_buf = ords[order].astype(_I4).tobytes()
    heads_at = np.concatenate(([0], np.flatnonzero(lower[1:] != lower[:-1]) + 1))
    shortest = np.minimum.reduceat(lengths, heads_at).tolist()
    longest = np.maximum.reduceat(lengths, heads_at).tolist()
    bounds = (np.concatenate((heads_at, [len(lower)])) * 4).tolist()  # byte offsets of each form's run
    rows: list[tuple[str, bytes, bytes | None, bytes]] = []
    for k, h in enumerate(lower[heads_at].tolist()):
        form, a, b = strings[h], bounds[k], bounds[k + 1]
        same = shortest[k] == longest[k] == len(form)
        rows.append((form, s_buf[a:b], None if same else e_buf[a:b], o_buf[a:b]))
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
