"""Document × code matrices and code × attribute crosstabs, counted by hand.

    doc 1  "aa bb cc dd ee ff"               aa [0,2) bb [3,5) cc [6,8) dd [9,11) ee [12,14) ff [15,17)
    doc 2  "Sundholm-området er langt væk"   one word [0,16), er [17,19), langt [20,25), væk [26,29)
    doc 3  "" (no codings)                   doc 4 "xyz" (attribute missing)

coder 1:  code 1 doc 1 [0,5) [3,8)      union [0,8): 8 chars, words aa bb cc
          code 2 doc 1 [10,13) [16,17)  4 chars, words dd ee ff (partly coded words count)
          code 4 doc 2 [0,3) [5,10)     8 chars inside one hyphenated word: 1 word, not 2
          code 2 doc 4 [0,2)            2 chars, 1 word
coder 2:  code 1 doc 1 [6,12)           pooled with coder 1: union [0,12) = 12 chars, 4 words
"""

import numpy as np
import pytest

from qualcode.analysis.cooccurrence import Codings
from qualcode.analysis.matrices import code_attribute_crosstab, coded_characters, document_code_matrix, word_spans

TEXTS = {1: "aa bb cc dd ee ff", 2: "Sundholm-området er langt væk", 3: "", 4: "xyz"}
CODER1 = [
    (1, 1, 1, 0, 5),
    (1, 1, 1, 3, 8),
    (1, 2, 1, 10, 13),
    (1, 2, 1, 16, 17),
    (2, 4, 1, 0, 3),
    (2, 4, 1, 5, 10),
    (4, 2, 1, 0, 2),
]
CODER2 = [(1, 1, 2, 6, 12)]
ONE = Codings.from_rows(CODER1)
BOTH = Codings.from_rows(CODER1 + CODER2)
ATTRS = {1: "Vesterbro", 2: "Nordvest", 3: "Vesterbro", 4: None}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("count", [[2, 2, 0], [0, 0, 2], [0, 0, 0], [0, 1, 0]]),
        ("binary", [[1, 1, 0], [0, 0, 1], [0, 0, 0], [0, 1, 0]]),
        ("characters", [[8, 4, 0], [0, 0, 8], [0, 0, 0], [0, 2, 0]]),
        ("words", [[3, 3, 0], [0, 0, 1], [0, 0, 0], [0, 1, 0]]),
    ],
)
def test_document_code_matrix(value, expected):
    m = document_code_matrix(ONE, value, documents=[1, 2, 3, 4], texts=TEXTS)
    assert m.rows == (1, 2, 3, 4) and m.columns == (1, 2, 4)
    assert m.values.tolist() == expected
    assert m.coders == (1,)


def test_pooled_union_does_not_double_count():
    with pytest.raises(ValueError, match="pool=True"):
        document_code_matrix(BOTH, "count")
    m = document_code_matrix(BOTH, "characters", pool=True, codes=[1])
    assert m.rows == (1, 2, 4) and m.values[:, 0].tolist() == [12, 0, 0]
    words = document_code_matrix(BOTH, "words", pool=True, codes=[1], texts=TEXTS)
    assert words.values[0, 0] == 4  # aa bb cc dd
    counts = document_code_matrix(BOTH, "count", pool=True, codes=[1])
    assert counts.values[0, 0] == 3
    only2 = document_code_matrix(BOTH, "count", coders=[2])
    assert only2.rows == (1,) and only2.values.tolist() == [[1]]


def test_words_need_texts():
    with pytest.raises(ValueError, match="needs the document texts"):
        document_code_matrix(ONE, "words")
    with pytest.raises(ValueError, match="unknown value"):
        document_code_matrix(ONE, "percent")


def test_helpers():
    assert coded_characters([0, 3, 10, 10], [5, 8, 12, 11]) == 10
    assert coded_characters([0, 5], [5, 10]) == 10  # touching spans: no double count
    starts, ends = word_spans("Vi fik ikke hjælp, don't ask — Sundholm-området")
    assert starts.tolist() == [0, 3, 7, 12, 19, 25, 31]
    assert ends.tolist() == [2, 6, 11, 17, 24, 28, 47]


def test_roll_up_in_matrix():
    parents = {1: None, 2: 1, 4: None}
    m = document_code_matrix(ONE, "characters", parents=parents, depth=1, documents=[1, 2, 4])
    assert m.columns == (1, 4)
    assert m.values.tolist() == [[12, 0], [0, 8], [2, 0]]  # [0,8) ∪ [10,13) ∪ [16,17)


@pytest.mark.parametrize(
    "value, expected",
    [
        # columns: Nordvest (doc 2), Vesterbro (docs 1, 3), (missing) (doc 4)
        ("documents", [[0, 1, 0], [0, 1, 1], [1, 0, 0]]),
        ("codings", [[0, 2, 0], [0, 2, 1], [2, 0, 0]]),
        ("characters", [[0, 8, 0], [0, 4, 2], [8, 0, 0]]),
    ],
)
def test_code_attribute_crosstab(value, expected):
    t = code_attribute_crosstab(ONE, ATTRS, value)
    assert t.rows == (1, 2, 4)
    assert t.columns == ("Nordvest", "Vesterbro", "(missing)")
    assert t.attribute_totals == (1, 2, 1)
    assert t.values.tolist() == expected


def test_crosstab_without_missing_and_pooled():
    t = code_attribute_crosstab(BOTH, ATTRS, "characters", missing=None, pool=True)
    assert t.columns == ("Nordvest", "Vesterbro")
    assert t.values.tolist() == [[0, 12], [0, 4], [8, 0]]
    years = code_attribute_crosstab(ONE, {1: 2019, 2: 2021, 3: 2019, 4: 2020}, "documents")
    assert years.columns == (2019, 2020, 2021)
    assert years.values.tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]


def test_characters_and_words_match_brute_force():
    rng = np.random.default_rng(3)
    rows = []
    for _ in range(300):
        s = int(rng.integers(0, 190))
        rows.append((int(rng.integers(1, 6)), int(rng.integers(1, 5)), 1, s, s + int(rng.integers(1, 30))))
    texts = {d: "".join(rng.choice(list("ab cd-ø "), 220)) for d in range(1, 6)}
    chars = document_code_matrix(Codings.from_rows(rows), "characters")
    words = document_code_matrix(Codings.from_rows(rows), "words", texts=texts)
    for i, d in enumerate(chars.rows):
        ws, we = word_spans(texts[d])
        for j, k in enumerate(chars.columns):
            covered = {p for (dd, kk, _, s, e) in rows if (dd, kk) == (d, k) for p in range(s, e)}
            assert chars.values[i, j] == len(covered)
            touched = sum(1 for a, b in zip(ws, we) if covered & set(range(a, b)))
            assert words.values[i, j] == touched
