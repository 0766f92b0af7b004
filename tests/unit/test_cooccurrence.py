"""Co-occurrence: hand-counted examples for every unit and measure, plus a brute-force check.

The corpus used throughout (coder 1; A = 1, B = 2, C = 3), half-open code-point spans:

    doc 10 (100 chars)            doc 20 (60 chars)          doc 30 (10 chars, uncoded)
    a1 A [0,10)                   b2 B [0,10)
    b1 B [5,25)   overlaps a1     c3 C [5,15)  overlaps b2
    c1 C [30,40)  5 chars after   a3 A [40,50)
    a2 A [60,70)
    c2 C [70,80)  touches a2

overlap passages: {A,B} {C} {A} {C} | {B,C} {A}                         N = 6
window:0 (touching joins a2+c2): {A,B} {C} {A,C} | {B,C} {A}            N = 5
window:5 (b1..c1 gap is 5): {A,B,C} {A,C} | {B,C} {A}                   N = 4
sentences doc 10 [0,20) [20,50) [50,100); doc 20 [0,30) [30,60); doc 30 [0,10):
    {A,B} {B,C} {A,C} | {B,C} {A} | {}                                   N = 6
"""

import itertools
import math
import subprocess
import sys

import numpy as np
import pytest

from qualcode.analysis.cooccurrence import (
    Codings,
    Units,
    cooccurrence,
    cooccurrence_by_coder,
    document_units,
    parse_unit,
    roll_up,
)

A, B, C = 1, 2, 3
ROWS = [
    (10, A, 1, 0, 10),
    (10, B, 1, 5, 25),
    (10, C, 1, 30, 40),
    (10, A, 1, 60, 70),
    (10, C, 1, 70, 80),
    (20, B, 1, 0, 10),
    (20, C, 1, 5, 15),
    (20, A, 1, 40, 50),
]
CODINGS = Codings.from_rows(ROWS)
SENTENCES = Units.from_rows(
    [(10, 1, 0, 20), (10, 2, 20, 50), (10, 3, 50, 100), (20, 4, 0, 30), (20, 5, 30, 60), (30, 6, 0, 10)]
)
LENGTHS = {10: 100, 20: 60, 30: 10}


def counts(result):
    return result.counts.tolist()


@pytest.mark.parametrize(
    "unit, n_units, expected",
    [
        ("overlap", 6, [[3, 1, 0], [1, 2, 1], [0, 1, 3]]),
        ("window:0", 5, [[3, 1, 1], [1, 2, 1], [1, 1, 3]]),
        ("window:4", 5, [[3, 1, 1], [1, 2, 1], [1, 1, 3]]),
        ("window:5", 4, [[3, 1, 2], [1, 2, 2], [2, 2, 3]]),
    ],
)
def test_passage_units(unit, n_units, expected):
    r = cooccurrence(CODINGS, unit)
    assert r.codes == (A, B, C)
    assert r.n_units == n_units
    assert counts(r) == expected


def test_sentence_units_and_every_measure():
    r = cooccurrence(CODINGS, "sentence", units=SENTENCES)
    assert r.n_units == 6
    assert counts(r) == [[3, 1, 1], [1, 3, 2], [1, 2, 3]]
    assert r.n(B, C) == 2 and r.n(A) == 3
    jac = r.measure("jaccard")
    assert jac[0, 1] == pytest.approx(1 / 5)  # 1 / (3 + 3 - 1)
    assert jac[1, 2] == pytest.approx(2 / 4)
    assert np.diag(jac).tolist() == [1.0, 1.0, 1.0]
    cond = r.measure("conditional")
    assert cond[1, 2] == pytest.approx(2 / 3)  # P(C | B)
    assert cond[0, 1] == pytest.approx(1 / 3)  # P(B | A)
    assert r.measure("expected")[1, 2] == pytest.approx(3 * 3 / 6)
    assert r.measure("lift")[1, 2] == pytest.approx(2 * 6 / 9)
    phi = r.measure("phi")
    # 2x2 for B, C over 6 sentences: both 2, B only 1, C only 1, neither 2
    assert phi[1, 2] == pytest.approx((2 * 2 - 1 * 1) / math.sqrt(3 * 3 * 3 * 3))
    assert phi[0, 1] == pytest.approx((6 * 1 - 9) / 9)
    with pytest.raises(ValueError, match="unknown measure"):
        r.measure("cosine")


def test_empty_units_are_not_counted():
    units = Units.from_rows(
        [
            *list(
                zip(
                    SENTENCES.document.tolist(),
                    SENTENCES.unit.tolist(),
                    SENTENCES.start.tolist(),
                    SENTENCES.end.tolist(),
                )
            ),
            (30, 7, 10, 10),
        ]
    )
    r = cooccurrence(CODINGS, "sentence", units=units)
    assert r.n_units == 6 and counts(r) == [[3, 1, 1], [1, 3, 2], [1, 2, 3]]


def test_turn_boundary_is_exclusive():
    # b1 ends at 25 where the second turn starts: it is only in the first turn
    turns = Units.from_rows([(10, 1, 0, 25), (10, 2, 25, 100), (20, 3, 0, 60)])
    r = cooccurrence(CODINGS, "turn", units=turns)
    assert r.n_units == 3
    assert counts(r) == [[3, 2, 2], [2, 2, 1], [2, 1, 2]]


def test_paragraph_gap_and_undefined_phi():
    # blank line [50,52) between paragraphs; a coding inside the gap is in no unit
    paragraphs = Units.from_rows([(10, 1, 0, 50), (10, 2, 52, 100), (20, 3, 0, 60)])
    codings = Codings.from_rows([*ROWS, (10, 4, 1, 50, 52)])
    r = cooccurrence(codings, "paragraph", units=paragraphs)
    assert r.codes == (A, B, C, 4)
    assert counts(r) == [[3, 2, 3, 0], [2, 2, 2, 0], [3, 2, 3, 0], [0, 0, 0, 0]]
    phi = r.measure("phi")
    assert math.isnan(phi[0, 2])  # A is in every paragraph: phi undefined, not 0 or inf
    assert math.isnan(r.measure("jaccard")[3, 3])


def test_document_units_count_uncoded_documents():
    r = cooccurrence(CODINGS, "document", units=document_units(LENGTHS))
    assert r.n_units == 3
    assert counts(r) == [[2, 2, 2]] * 3
    assert r.measure("lift")[0, 1] == pytest.approx(2 * 3 / (2 * 2))
    assert r.measure("phi")[0, 1] == pytest.approx(1.0)


def test_pairs_table():
    r = cooccurrence(CODINGS, "sentence", units=SENTENCES)
    rows = [(p.code_a, p.code_b, p.n_a, p.n_b, p.n_ab) for p in r.pairs("count")]
    assert rows == [(A, B, 3, 3, 1), (A, C, 3, 3, 1), (B, C, 3, 3, 2)]
    cond = [(p.code_a, p.code_b, round(p.value, 4)) for p in r.pairs("conditional")]
    assert cond == [(A, B, 0.3333), (A, C, 0.3333), (B, A, 0.3333), (B, C, 0.6667), (C, A, 0.3333), (C, B, 0.6667)]
    overlap = cooccurrence(CODINGS, "overlap")
    assert [(p.code_a, p.code_b) for p in overlap.pairs("jaccard")] == [(A, B), (B, C)]
    assert len(overlap.pairs("jaccard", include_zero=True)) == 3


def test_fixed_codes_keep_empty_rows():
    r = cooccurrence(CODINGS, "overlap", codes=[C, A, 99])
    assert r.codes == (C, A, 99)
    assert counts(r) == [[3, 0, 0], [0, 3, 0], [0, 0, 0]]
    assert r.n_units == 6  # without B, {A,B} becomes {A} and {B,C} becomes {C}


def test_coders_are_never_pooled_silently():
    extra = [(10, A, 2, 30, 35), (10, A, 2, 0, 8)]  # coder 2: A inside c1, A over a1 again
    codings = Codings.from_rows(ROWS + extra)
    with pytest.raises(ValueError, match="pool=True"):
        cooccurrence(codings, "overlap")
    assert counts(cooccurrence(codings, "overlap", coders=[1])) == [[3, 1, 0], [1, 2, 1], [0, 1, 3]]
    only2 = cooccurrence(codings, "overlap", coders=[2])
    assert only2.codes == (A,) and counts(only2) == [[2]] and only2.coders == (2,)
    pooled = cooccurrence(codings, "overlap", pool=True)
    # passage with c1 now holds A too; the second A over a1 does not count twice
    assert counts(pooled) == [[4, 1, 1], [1, 2, 1], [1, 1, 3]]
    assert pooled.pooled and pooled.coders == (1, 2)
    per = cooccurrence_by_coder(codings, "overlap")
    assert sorted(per) == [1, 2]
    assert per[2].codes == (A, B, C) and counts(per[2]) == [[2, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_roll_up_to_depth():
    parents = {100: None, 101: 100, 102: 100, 103: 101, 200: None}
    assert roll_up(np.array([103, 101, 200]), parents, 1).tolist() == [100, 100, 200]
    assert roll_up(np.array([103, 101, 200]), parents, 2).tolist() == [101, 101, 200]
    codings = Codings.from_rows([(1, 101, 1, 0, 10), (1, 102, 1, 20, 30), (1, 103, 1, 40, 50), (1, 200, 1, 45, 55)])
    sentences = Units.from_rows([(1, 1, 0, 15), (1, 2, 15, 35), (1, 3, 35, 60)])
    top = cooccurrence(codings, "sentence", units=sentences, parents=parents, depth=1)
    assert top.codes == (100, 200) and counts(top) == [[3, 1], [1, 1]]
    mid = cooccurrence(codings, "sentence", units=sentences, parents=parents, depth=2)
    assert mid.codes == (101, 102, 200)
    assert counts(mid) == [[2, 0, 1], [0, 1, 0], [1, 0, 1]]
    with pytest.raises(ValueError, match="cycle"):
        roll_up(np.array([1]), {1: 2, 2: 1}, 1)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        parse_unit("line")
    assert parse_unit("window:40") == ("window", 40)
    with pytest.raises(ValueError, match="needs the units"):
        cooccurrence(CODINGS, "sentence")
    with pytest.raises(ValueError, match="units overlap"):
        cooccurrence(CODINGS, "sentence", units=Units.from_rows([(10, 1, 0, 30), (10, 2, 20, 50)]))
    with pytest.raises(ValueError, match="start < end"):
        Codings.from_rows([(1, 1, 1, 5, 5)])
    empty = cooccurrence(Codings.from_rows([]), "overlap")
    assert empty.codes == () and empty.n_units == 0


def test_structured_array_input():
    arr = np.array(ROWS, dtype=[("document", "i8"), ("code", "i8"), ("coder", "i8"), ("start", "i8"), ("end", "i8")])
    result = cooccurrence(Codings.from_rows(arr), "overlap")
    assert counts(result) == [[3, 1, 0], [1, 2, 1], [0, 1, 3]]


def _brute(rows, unit_rows, gap=None):
    """Sets and loops: units given, or passages by union-find over pairs within ``gap``."""
    if gap is None:
        units = [(d, s, e) for d, _, s, e in unit_rows]
        sets = [{c for (dd, c, _, cs, ce) in rows if dd == d and cs < e and s < ce} for d, s, e in units]
    else:
        parent = list(range(len(rows)))

        def find(i):
            while parent[i] != i:
                i = parent[i]
            return i

        for i, j in itertools.combinations(range(len(rows)), 2):
            (d1, _, _, s1, e1), (d2, _, _, s2, e2) = rows[i], rows[j]
            if d1 == d2 and s2 < e1 + gap and s1 < e2 + gap:
                parent[find(i)] = find(j)
        groups: dict[int, set] = {}
        for i, r in enumerate(rows):
            groups.setdefault(find(i), set()).add(r[1])
        sets = list(groups.values())
    codes = sorted({r[1] for r in rows})
    m = [[sum(1 for s in sets if a in s and b in s) for b in codes] for a in codes]
    return codes, m, len(sets)


@pytest.mark.parametrize("seed", range(5))
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(60):
        d, s = int(rng.integers(1, 4)), int(rng.integers(0, 180))
        rows.append((d, int(rng.integers(1, 6)), 1, s, s + int(rng.integers(1, 25))))
    units, uid = [], 0
    for d in (1, 2, 3):
        cuts = sorted({0, 210, *map(int, rng.integers(1, 210, 12))})
        for s, e in itertools.pairwise(cuts):
            uid += 1
            units.append((d, uid, s, e))
    codings = Codings.from_rows(rows)
    for unit, gap in (("overlap", 0), ("window:0", 1), ("window:7", 8)):
        r = cooccurrence(codings, unit)
        codes, m, n = _brute(rows, None, gap)
        assert (list(r.codes), counts(r), r.n_units) == (codes, m, n), unit
    r = cooccurrence(codings, "sentence", units=Units.from_rows(units[::-1]))
    codes, m, n = _brute(rows, units)
    assert (list(r.codes), counts(r), r.n_units) == (codes, m, n)


def test_core_imports_no_ui_or_database():
    code = (
        "import sys, qualcode.analysis.cooccurrence, qualcode.analysis.matrices;"
        "print([m for m in ('textual', 'click', 'sqlite3', 'sqlite_utils')"
        " if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unusual_document_ids_take_the_rank_path():
    # negative or huge ids cannot be multiplied into one int64 position; counts must not change
    mapping = {10: -7, 20: 2**61, 30: 3}
    rows = [(mapping[d], *rest) for d, *rest in ROWS]
    units = Units.from_rows(
        [
            (mapping[d], u, s, e)
            for d, u, s, e in zip(
                SENTENCES.document.tolist(), SENTENCES.unit.tolist(), SENTENCES.start.tolist(), SENTENCES.end.tolist()
            )
        ]
    )
    codings = Codings.from_rows(rows)
    assert counts(cooccurrence(codings, "overlap")) == [[3, 1, 0], [1, 2, 1], [0, 1, 3]]
    assert counts(cooccurrence(codings, "sentence", units=units)) == [[3, 1, 1], [1, 3, 2], [1, 2, 3]]
