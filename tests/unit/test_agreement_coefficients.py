"""Agreement coefficients against published values and independent implementations."""

import json
import math
import subprocess
import sys

import krippendorff
import numpy as np
import pytest
from statsmodels.stats import inter_rater

from helpers.paths import DATA as TEST_DATA
from helpers.paths import REPO
from qualcode.analysis.agreement import (
    LEVELS,
    bootstrap_alpha,
    brennan_prediger_kappa,
    category_counts,
    character_agreement,
    cohen_kappa,
    confusion_table,
    fleiss_kappa,
    krippendorff_alpha,
    krippendorff_alpha_detail,
    match_segments,
    overlap_percent,
    percent_agreement,
    scott_pi,
    segment_agreement_kappa,
    unit_presence,
    weighted_character_agreement,
)

DATA = TEST_DATA / "agreement"
K2011 = json.loads((DATA / "krippendorff2011.json").read_text())
FLEISS = json.loads((DATA / "fleiss1971_diagnoses.json").read_text())


# --- Krippendorff's alpha -------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_krippendorff_2011_published_values(level):
    assert round(krippendorff_alpha(K2011["data"], level), 3) == K2011["alpha"][level]


def test_alpha_ordinal_with_labels_uses_the_given_order():
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    labelled = [[None if v is None else names[v] for v in row] for row in K2011["data"]]
    order = ["very low", "low", "mid", "high", "very high"]
    assert round(krippendorff_alpha(labelled, "ordinal", value_order=order), 3) == 0.815
    assert round(krippendorff_alpha(labelled, "nominal"), 3) == 0.743


def test_alpha_detail_reports_pairable_values():
    detail = krippendorff_alpha_detail(K2011["data"], "nominal")
    # 41 values minus unit 12's lone value (B: 3) = 40 pairable values (Krippendorff 2011, n..).
    assert detail.n == 40
    assert detail.value == pytest.approx(0.743, abs=5e-4)


def _random_matrix(seed):
    rng = np.random.default_rng(seed)
    coders, units = rng.integers(2, 7), rng.integers(5, 60)
    data = rng.integers(1, rng.integers(3, 8), size=(coders, units)).astype(float)
    data[rng.random(data.shape) < rng.uniform(0.0, 0.4)] = np.nan
    return data


@pytest.mark.parametrize("seed", range(20))
def test_alpha_matches_krippendorff_package(seed):
    data = _random_matrix(seed)
    as_lists = [[None if np.isnan(v) else int(v) for v in row] for row in data]
    for level in LEVELS:
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert krippendorff_alpha(as_lists, level) == pytest.approx(expected, abs=1e-9)
        assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


def test_alpha_perfect_agreement_is_one():
    data = [[1, 2, 3, None, 2], [1, 2, 3, 1, 2], [None, 2, 3, 1, 2]]
    assert krippendorff_alpha(data, "nominal") == 1.0
    assert krippendorff_alpha(data, "interval") == 1.0


def test_alpha_code_nobody_applied_is_undefined_with_reason():
    absent = [[0, 0, 0, 0], [0, 0, 0, 0]]
    detail = krippendorff_alpha_detail(absent, "nominal")
    assert detail.value is None
    assert "no variation" in detail.reason
    assert math.isnan(krippendorff_alpha(absent, "nominal"))


def test_alpha_without_pairable_values_is_undefined():
    detail = krippendorff_alpha_detail([[1, None], [None, 2]], "nominal")
    assert detail.value is None and "pairable" in detail.reason


def test_alpha_single_coder_is_an_error():
    with pytest.raises(ValueError, match="at least two coders; got 1"):
        krippendorff_alpha([[1, 2, 3]], "nominal")


def test_alpha_unknown_level_is_an_error():
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(K2011["data"], "cardinal")


# --- bootstrap ------------------------------------------------------------------------------


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    data = _random_matrix(3)
    first = bootstrap_alpha(data, "nominal", draws=200, seed=7)
    again = bootstrap_alpha(data, "nominal", draws=200, seed=7)
    other = bootstrap_alpha(data, "nominal", draws=200, seed=8)
    assert first == again
    assert (first.low, first.high) != (other.low, other.high)
    assert first.size == 200 and first.draws == 200
    assert first.low <= first.estimate <= first.high
    assert first.estimate == pytest.approx(krippendorff_alpha(data, "nominal"))


def test_bootstrap_of_perfect_agreement_is_degenerate_at_one():
    data = [[1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3]]
    result = bootstrap_alpha(data, "nominal", draws=50, seed=0)
    # Draws that pick a single category have no variation and are dropped, not counted.
    assert result.low == result.high == 1.0
    assert 0 < result.size <= 50


# --- kappa family on tables -----------------------------------------------------------------

WIKIPEDIA_COHEN = [[20, 5], [10, 15]]  # rows: A yes/no, columns: B yes/no


def test_cohen_kappa_wikipedia_example():
    k = cohen_kappa(WIKIPEDIA_COHEN)
    assert round(k.value, 3) == 0.400
    assert k.observed == pytest.approx(0.7) and k.expected == pytest.approx(0.5)
    assert k.n == 50


def test_scott_pi_and_brennan_prediger_on_the_same_table():
    # Pooled marginals: yes (25 + 30) / 100 = .55, no .45 -> p_e = .505; pi = .195 / .495.
    assert round(scott_pi(WIKIPEDIA_COHEN).value, 3) == 0.394
    # Uniform chance over two categories: (0.7 - 0.5) / 0.5.
    assert round(brennan_prediger_kappa(WIKIPEDIA_COHEN).value, 3) == 0.400
    # With a codebook of 4 categories chance is 1/4: (0.7 - 0.25) / 0.75.
    assert round(brennan_prediger_kappa(WIKIPEDIA_COHEN, q=4).value, 3) == 0.600
    assert percent_agreement(WIKIPEDIA_COHEN).value == pytest.approx(0.7)


def test_cohen_kappa_matches_statsmodels_on_a_3x3_table():
    table = [[12, 3, 1], [2, 9, 4], [0, 5, 14]]
    expected = inter_rater.cohens_kappa(np.array(table)).kappa
    assert cohen_kappa(table).value == pytest.approx(expected, abs=1e-12)


def test_kappa_for_a_code_nobody_applied_is_none_with_reason():
    table = confusion_table([0, 0, 0, 0], [0, 0, 0, 0], categories=[1, 0])
    assert table.tolist() == [[0, 0], [0, 4]]
    for coefficient in (cohen_kappa(table), scott_pi(table)):
        assert coefficient.value is None
        assert "expected agreement is 1" in coefficient.reason
        assert math.isnan(float(coefficient))
    assert percent_agreement(table).value == 1.0


def test_kappa_perfect_agreement_is_one():
    assert cohen_kappa([[7, 0], [0, 3]]).value == 1.0


def test_empty_table_is_undefined_not_a_crash():
    assert cohen_kappa([[0, 0], [0, 0]]).reason.startswith("the table is empty")


def test_confusion_table_skips_missing_pairs():
    a = ["yes", "yes", "no", None, "no"]
    b = ["yes", "no", "no", "no", None]
    assert confusion_table(a, b).tolist() == [[1, 0], [1, 1]]  # sorted categories: no, yes


def test_fleiss_kappa_fleiss_1971():
    data = np.array(FLEISS["units_by_ratings"]).T  # coders x units
    counts = category_counts(data.tolist())
    k = fleiss_kappa(counts)
    assert round(k.value, 3) == 0.430
    assert k.value == pytest.approx(FLEISS["kappa"], abs=1e-7)
    assert k.value == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-12)


def test_fleiss_kappa_statsmodels_wikipedia_table():
    # statsmodels' own test table (Wikipedia: 10 subjects, 14 raters, 5 categories) -> 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    assert round(fleiss_kappa(table).value, 3) == 0.210


def test_fleiss_kappa_unequal_raters_is_undefined_with_reason():
    k = fleiss_kappa([[2, 1], [1, 1]])
    assert k.value is None and "same number" in k.reason


# --- presence per unit ----------------------------------------------------------------------


def test_unit_presence_counts_overlap_of_one_character():
    units = [(0, 10), (10, 20), (20, 30), (30, 40)]
    spans = {"ana": [(9, 10), (25, 27)], "bo": [(10, 11), (29, 31)], "cy": []}
    assert unit_presence(units, spans) == {"ana": [1, 0, 1, 0], "bo": [0, 1, 1, 1], "cy": [0, 0, 0, 0]}


def test_unit_presence_feeds_kappa():
    units = [(0, 5), (5, 10), (10, 15), (15, 20)]
    p = unit_presence(units, {"a": [(0, 12)], "b": [(3, 7), (16, 18)]})
    table = confusion_table(p["a"], p["b"], categories=[1, 0])
    assert table.tolist() == [[2, 1], [1, 0]]


# --- NVivo character level ------------------------------------------------------------------


def test_character_agreement_counts_and_kappa():
    r = character_agreement(100, [(10, 30)], [(20, 40)])
    assert (r.both, r.only_a, r.only_b, r.neither) == (10, 10, 10, 70)
    assert r.agreement == pytest.approx(0.8)
    # p_o = .8, p_e = .2 * .2 + .8 * .8 = .68 -> (.8 - .68) / .32
    assert r.kappa.value == pytest.approx(0.375)


def test_character_agreement_merges_a_coders_overlapping_spans():
    r = character_agreement(50, [(0, 10), (5, 15)], [(0, 15)])
    assert (r.both, r.only_a, r.only_b, r.neither) == (15, 0, 0, 35)
    assert r.kappa.value == 1.0


def test_character_agreement_code_nobody_applied():
    r = character_agreement(40, [], [])
    assert r.agreement == 1.0 and r.kappa.value is None and "expected agreement is 1" in r.kappa.reason


def test_character_agreement_rejects_spans_beyond_the_text():
    with pytest.raises(ValueError, match="coder B"):
        character_agreement(10, [(0, 5)], [(5, 11)])


def test_weighted_character_agreement_by_source_size():
    short = character_agreement(100, [(10, 30)], [(20, 40)])  # 0.8, kappa .375
    long = character_agreement(300, [(0, 150)], [(0, 150)])  # 1.0, kappa 1
    empty = character_agreement(200, [], [])  # 1.0, kappa undefined
    w = weighted_character_agreement([short, long, empty])
    assert w.agreement == pytest.approx((100 * 0.8 + 300 * 1.0 + 200 * 1.0) / 600)
    assert w.kappa == pytest.approx((100 * 0.375 + 300 * 1.0) / 400)
    assert (w.documents, w.kappa_documents) == (3, 2) and "1 document" in w.reason
    nvivo = weighted_character_agreement([short, long, empty], undefined_kappa_as=1.0)
    assert nvivo.kappa == pytest.approx((100 * 0.375 + 300 + 200) / 600)


# --- MAXQDA segments ------------------------------------------------------------------------


def test_overlap_percent_is_relative_to_the_union_extent():
    assert overlap_percent((0, 10), (5, 15)) == pytest.approx(100 * 5 / 15)
    assert overlap_percent((0, 100), (5, 100)) == pytest.approx(95.0)
    assert overlap_percent((0, 10), (10, 20)) == 0.0


def test_match_segments_at_ninety_percent():
    a = [(0, 100), (200, 250)]
    b = [(5, 100), (200, 300)]
    m = match_segments(a, b, 90, n_codes=4)
    assert m.matched_a == ((0, 100),) and m.unmatched_a == ((200, 250),)
    assert m.matched_b == ((5, 100),) and m.unmatched_b == ((200, 300),)
    assert m.agreement == pytest.approx(0.5)
    assert m.kappa.value == pytest.approx((0.5 - 0.25) / 0.75)
    assert match_segments(a, b, 50).agreement == 1.0


def test_match_segments_kappa_needs_the_number_of_codes():
    m = match_segments([(0, 10)], [(0, 10)], 90)
    assert m.agreement == 1.0 and m.kappa.value is None and "n_codes" in m.kappa.reason


def test_segment_agreement_kappa_pools_codes():
    one = match_segments([(0, 10)], [(0, 10)], 90)  # 2 agreements
    two = match_segments([(0, 10)], [(50, 60)], 90)  # 2 disagreements
    k = segment_agreement_kappa([one, two])  # p_o = .5, p_e = 1/2
    assert k.value == pytest.approx(0.0) and k.n == 4


# --- layering -------------------------------------------------------------------------------


def test_agreement_imports_no_front_end_or_database():
    code = (
        "import sys, qualcode.analysis.agreement; "
        "print(sorted(m for m in ('textual', 'click', 'sqlite3', 'sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_alpha_ordinal_needs_an_order_for_unorderable_labels():
    with pytest.raises(ValueError, match="value_order"):
        krippendorff_alpha([[1, "a"], [1, "b"]], "ordinal")
    assert krippendorff_alpha([[1, "a"], [1, "b"]], "nominal") == pytest.approx(
        krippendorff.alpha(value_counts=[[2, 0, 0], [0, 1, 1]], level_of_measurement="nominal")
    )
