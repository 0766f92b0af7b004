"""Unitizing alphas (Krippendorff, Mathet, Bouvry & Widlöcher 2016).

Expected numbers: tests/data/agreement/unitized_cases.json, computed with two
independent open implementations (github.com/lindanna/unitized_alpha and
github.com/zeljkobekcic/KrippendorffUnitizedAlpha) -- see the file's "source".
"""

import json

import pytest

from helpers.paths import DATA
from qualcode.analysis.agreement import Cu_alpha, binary_u_alpha, cu_alpha, u_alpha

CASES = json.loads((DATA / "agreement" / "unitized_cases.json").read_text())["cases"]


def _segments(case):
    return {coder: [tuple(s) for s in segs] for coder, segs in case["segments"].items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_u_alpha_family_matches_reference_implementations(name):
    case = CASES[name]
    length, segs = case["length"], _segments(case)
    u = u_alpha(length, segs)
    assert u.variant == "uα" and round(u.value, 3) == round(case["u_alpha"], 3)
    assert u.value == pytest.approx(case["u_alpha"], abs=1e-6)
    b = binary_u_alpha(length, segs)
    assert b.variant == "|uα" and b.value == pytest.approx(case["binary_u_alpha"], abs=1e-6)
    cu = cu_alpha(length, segs)
    assert cu.variant == "cuα" and cu.value == pytest.approx(case["cu_alpha"], abs=1e-6)
    assert cu.coverage == pytest.approx(case["cu_coverage"], abs=1e-6)
    assert cu.per_value == pytest.approx(case["per_value"], abs=1e-6)


def test_published_readme_example_to_three_decimals():
    # The output printed in lindanna/unitized_alpha's README: u .474, |u .433, cu .779 (38.33 %).
    case = CASES["three_coders_20"]
    segs = _segments(case)
    assert round(u_alpha(20, segs).value, 3) == 0.474
    assert round(binary_u_alpha(20, segs).value, 3) == 0.433
    cu = cu_alpha(20, segs)
    assert round(cu.value, 3) == 0.779 and round(100 * cu.coverage, 2) == 38.33


def test_identical_unitizing_is_perfect():
    segs = {"a": [(0, 10, "x"), (20, 30, "y")], "b": [(0, 10, "x"), (20, 30, "y")]}
    assert u_alpha(50, segs).value == pytest.approx(1.0)
    assert binary_u_alpha(50, segs).value == pytest.approx(1.0)
    assert cu_alpha(50, segs).value == pytest.approx(1.0)


def test_binary_ignores_values_and_merges_a_coders_overlaps():
    plain = {"a": [(0, 10), (30, 40)], "b": [(2, 10), (30, 45)]}
    valued = {"a": [(0, 6, "p"), (4, 10, "q"), (30, 40, "r")], "b": [(2, 10, "s"), (30, 45, "p")]}
    assert binary_u_alpha(60, valued).value == pytest.approx(binary_u_alpha(60, plain).value)


def test_nobody_coded_is_undefined_with_reason():
    result = binary_u_alpha(30, {"a": [], "b": []})
    assert result.value is None and "no expected disagreement" in result.reason
    cu = cu_alpha(30, {"a": [(0, 5, "x")], "b": [(10, 15, "x")]})
    assert cu.value is None and "intersect" in cu.reason and cu.coverage == 0.0


def test_overlapping_values_within_a_domain_are_rejected():
    with pytest.raises(ValueError, match="mutually exclusive"):
        cu_alpha(30, {"a": [(0, 10, "x"), (5, 15, "y")], "b": [(0, 10, "x")]})


def test_single_coder_and_bad_segments_are_errors():
    with pytest.raises(ValueError, match="at least two coders"):
        u_alpha(10, {"a": [(0, 5, "x")]})
    with pytest.raises(ValueError, match=r"within 0\.\.10"):
        u_alpha(10, {"a": [(0, 11, "x")], "b": []})


def test_Cu_alpha_compares_domains_not_codes():
    # Coders disagree on the code within a domain but agree on the domain.
    domain_of = {"police": "barrier", "waiting": "barrier", "friend": "resource", "nurse": "resource"}
    segs = {
        "a": [(0, 10, "police"), (20, 30, "friend"), (40, 50, "waiting")],
        "b": [(0, 10, "waiting"), (20, 30, "nurse"), (40, 50, "waiting")],
    }
    assert cu_alpha(60, segs).value < 0.5
    assert Cu_alpha(60, segs, domain_of).value == pytest.approx(1.0)
    assert Cu_alpha(60, segs, domain_of).variant == "Cuα"


def test_Cu_alpha_equals_cu_alpha_on_domain_labels_and_allows_cross_domain_overlap():
    domain_of = {"x1": "X", "x2": "X", "y1": "Y"}
    segs = {"a": [(0, 10, "x1"), (12, 20, "y1")], "b": [(0, 8, "x2"), (8, 20, "y1")]}
    relabelled = {c: [(s, e, domain_of[v]) for s, e, v in ss] for c, ss in segs.items()}
    assert Cu_alpha(30, segs, domain_of).value == pytest.approx(cu_alpha(30, relabelled).value)
    overlapping = {"a": [(0, 10, "x1"), (5, 20, "y1")], "b": [(0, 10, "x2"), (5, 20, "y1")]}
    assert Cu_alpha(30, overlapping, domain_of).value == pytest.approx(1.0)


def test_Cu_alpha_treats_overlapping_domains_as_a_label_set():
    domain_of = {"x1": "X", "y1": "Y", "y2": "Y"}
    both = {"a": [(0, 10, "x1"), (5, 20, "y1"), (25, 30, "x1")], "b": [(0, 10, "x1"), (5, 20, "y2"), (25, 30, "x1")]}
    partial = {"a": both["a"], "b": [(0, 10, "x1"), (10, 20, "y2"), (25, 30, "x1")]}
    assert Cu_alpha(40, both, domain_of).value == pytest.approx(1.0)
    result = Cu_alpha(40, partial, domain_of)
    assert result.value < 1.0
    # Positions 5..10: a applied {X, Y}, b only {X} -- a value of its own.
    assert ("X", "Y") in result.per_value
