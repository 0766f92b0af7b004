"""The audit on projects, cross-checked against the pure coefficient functions and other packages."""

from __future__ import annotations

import itertools

import krippendorff
import numpy as np
import pytest
from statsmodels.stats import inter_rater

from qualcode.analysis.agreement import (
    character_agreement,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    unit_presence,
)
from qualcode.analysis.agreement.audit import audit, default_domains, quick_stats, stats_from_patterns
from qualcode.analysis.agreement.methods import methods_paragraph
from qualcode.analysis.agreement.report import parse_unit
from qualcode.codebook import tree
from qualcode.codebook.codes import get_code, list_codes
from qualcode.coding.codings import add_coding, list_codings
from qualcode.corpus.documents import document_units, get_document, list_documents
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.interchange.exporters.agreement import report_tables


# ---------------------------------------------------------------- pattern statistics
def _matrix(counts, m):
    """Expand pattern counts into a coders x units 0/1 matrix."""
    cols = [[(p >> i) & 1 for i in range(m)] for p, n in enumerate(counts) for _ in range(int(n))]
    return np.array(cols, dtype=float).T.reshape(m, -1)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_pattern_statistics_equal_the_coefficients_on_the_full_matrix(m):
    rng = np.random.default_rng(m)
    for _ in range(20):
        counts = rng.integers(0, 12, size=2**m).astype(float)
        data = _matrix(counts, m)
        st = stats_from_patterns(counts, m)
        quick = quick_stats(counts, m)
        alpha = krippendorff_alpha(data)
        assert st.alpha.value == pytest.approx(alpha, abs=1e-12)
        assert quick.alpha.value == pytest.approx(alpha, abs=1e-12)
        assert st.alpha.value == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-9
        )
        if m == 2:
            table = [[counts[3], counts[1]], [counts[2], counts[0]]]
            expected = cohen_kappa(table).value
        else:
            k = data.sum(axis=0)
            expected = inter_rater.fleiss_kappa(np.stack([m - k, k], axis=1))
            assert fleiss_kappa(np.stack([m - k, k], axis=1)).value == pytest.approx(expected, abs=1e-12)
        assert st.kappa.value == pytest.approx(expected, abs=1e-12)
        assert quick.kappa.value == pytest.approx(expected, abs=1e-12)
        assert st.agreement == quick.agreement == pytest.approx((counts[0] + counts[-1]) / counts.sum())
        assert st.coded == quick.coded == tuple(int(x) for x in data.sum(axis=1))


def test_undefined_and_warned_cases():
    never = stats_from_patterns([40, 0, 0, 0], 2)
    assert never.kappa.value is None and never.warning.startswith("never applied")
    always = quick_stats([0, 0, 0, 40], 2)
    assert always.kappa.value is None and always.warning.startswith("always applied")
    few = stats_from_patterns([100, 1, 2, 3], 2)
    assert few.kappa.value is not None and few.warning.startswith("few units (6 coded)")
    rare = stats_from_patterns([5000, 10, 10, 30], 2)  # 0.8 % of ratings coded
    assert rare.warning.startswith("rare (0.8 % of ratings)")
    fine = stats_from_patterns([300, 10, 10, 80], 2)
    assert fine.warning is None


def test_parse_unit():
    assert parse_unit("Sentence").label == "sentence"
    assert parse_unit("window:200").size == 200
    assert parse_unit("segment:75%").overlap == 75 and parse_unit("segment").overlap == 90
    for bad in ("word", "window:0", "segment:0%", "segment:120%"):
        with pytest.raises(QualcodeError):
            parse_unit(bad)


# ---------------------------------------------------------------- on the demo project
def test_sentence_presence_matches_unit_presence(demo):
    report = audit(demo, ["anna", "bo"], "sentence", ["Barriers/Stigma"])
    code = get_code(demo, "Barriers/Stigma")
    both = only_a = only_b = neither = 0
    for doc_id, _name in report.documents:
        units = [(u["start"], u["end"]) for u in document_units(demo, doc_id, "sentence") if u["end"] > u["start"]]
        spans = {
            c: [(r["start"], r["end"]) for r in list_codings(demo, document=doc_id, code=code.id, coder=c)]
            for c in ("anna", "bo")
        }
        pres = unit_presence(units, spans)
        for a, b in zip(pres["anna"], pres["bo"]):
            both += a and b
            only_a += a and not b
            only_b += b and not a
            neither += not a and not b
    st = report.codes[0].stats
    assert st.units == both + only_a + only_b + neither
    assert st.kappa.value == pytest.approx(cohen_kappa([[both, only_a], [only_b, neither]]).value)
    assert st.coded == (both + only_a, both + only_b)


def test_character_level_matches_nvivo_function_per_document(demo):
    report = audit(demo, ["anna", "bo"], "character", ["Help declined/By the service"])
    code = get_code(demo, "Help declined/By the service")
    for row in report.per_document:
        doc = get_document(demo, row.document_id)
        spans = {
            c: [(r["start"], r["end"]) for r in list_codings(demo, document=doc["id"], code=code.id, coder=c)]
            for c in ("anna", "bo")
        }
        ref = character_agreement(doc["char_count"], spans["anna"], spans["bo"])
        assert row.stats.units == ref.length
        assert row.stats.agreement == pytest.approx(ref.agreement)
        if ref.kappa.value is None:  # neither coded the document: NVivo reports κ = 1
            assert row.stats.kappa.value == 1.0 and "NVivo" in row.stats.kappa.name
        else:
            assert row.stats.kappa.value == pytest.approx(ref.kappa.value)


def test_three_coders_use_fleiss_and_match_statsmodels(demo):
    # cai copies anna's Stigma codings but shortens each to its first 20 characters.
    for c in list_codings(demo, code="Barriers/Stigma", coder="anna"):
        add_coding(demo, c["document_id"], c["start"], min(c["end"], c["start"] + 20), "Barriers/Stigma", coder="cai")
    report = audit(demo, ["anna", "bo", "cai"], "paragraph", ["Barriers/Stigma"])
    assert report.kappa_name == "Fleiss' κ"
    code = get_code(demo, "Barriers/Stigma")
    rows = {c: [] for c in ("anna", "bo", "cai")}
    for doc_id, _ in report.documents:
        units = [(u["start"], u["end"]) for u in document_units(demo, doc_id, "paragraph") if u["end"] > u["start"]]
        spans = {
            c: [(r["start"], r["end"]) for r in list_codings(demo, document=doc_id, code=code.id, coder=c)]
            for c in rows
        }
        for c, values in unit_presence(units, spans).items():
            rows[c] += values
    data = np.array([rows[c] for c in ("anna", "bo", "cai")], dtype=float)
    k = data.sum(axis=0)
    st = report.codes[0].stats
    assert st.kappa.value == pytest.approx(inter_rater.fleiss_kappa(np.stack([3 - k, k], axis=1)), abs=1e-12)
    assert st.alpha.value == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-9
    )
    with pytest.raises(QualcodeError, match="exactly two coders"):
        audit(demo, ["anna", "bo", "cai"], "segment:90%")


def test_documents_default_to_those_every_coder_coded(demo):
    doc = list_documents(demo)[0]
    add_coding(demo, doc["id"], 0, 10, "Help sought", coder="cai")
    report = audit(demo, ["anna", "cai"], "sentence")
    assert report.documents == [(doc["id"], doc["name"])]
    other = list_documents(demo)[1]
    chosen = audit(demo, ["anna", "cai"], "sentence", documents=[doc["name"], other["name"]])
    assert [d for d, _ in chosen.documents] == [doc["id"], other["id"]]
    with pytest.raises(QualcodeError, match="no document has codings by all of anna, zoe"):
        demo.coder_id("zoe")
        audit(demo, ["anna", "zoe"], "sentence")


def test_grouping_code_means_its_children(demo):
    report = audit(demo, ["anna", "bo"], "document", ["Help declined"])
    assert [c.code for c in report.codes] == ["Help declined/By the person", "Help declined/By the service"]


def test_unitized_domains_and_the_variant_named(demo):
    codes = [c for c in list_codes(demo) if c.codable]
    assert [d.path for d in default_domains(demo, codes)] == ["Help declined", "Barriers", "Resources", "Environment"]
    report = audit(demo, ["anna", "bo"], "unitized", domains=["Help declined"])
    variants = [(r.variant, r.scope) for r in report.unitized]
    assert ("uα", "Help declined") in variants and ("cuα", "Help declined") in variants
    assert variants[-1] == ("Cuα", "(all domains)")
    assert sum(v == "|uα" for v, _ in variants) == len(codes)
    cu = next(r for r in report.unitized if r.variant == "cuα")
    assert 0 < cu.coverage < 1 and cu.value is not None
    # Barriers' children overlap in the demo codings: a reason, not an exception.
    barriers = audit(demo, ["anna", "bo"], "unitized", domains=["Barriers"])
    row = next(r for r in barriers.unitized if r.variant == "cuα")
    assert row.value is None and "not mutually exclusive" in row.reason


def test_report_tables_and_methods(demo):
    report = audit(demo, ["anna", "bo"], "turn", bootstrap=50)
    tables = report_tables(report)
    assert [t.name for t in tables] == ["agreement_turn", "agreement_by_document_turn", "disagreements_turn"]
    main = tables[0]
    assert main.columns[:8] == [
        "code",
        "units",
        "agreement_pct",
        "agreement_coded_pct",
        "kappa",
        "ac1",
        "pabak",
        "alpha",
    ]
    assert main.columns[-3:] == ["kappa_variant", "pooling", "interval"]
    assert main.rows[-1][0] == "(all codes pooled)" and len(main.rows) == len(report.codes) + 1
    assert "unit turn" in main.description and "Cohen's κ" in main.description
    assert len(tables[2].rows) == len(report.disagreements)
    text = methods_paragraph(report, version="0.test")
    n = report.codes[0].stats.units
    assert f"The unit of analysis was the turn (N = {n:,} speaker turns per code)" in text
    assert "Cohen's κ (Cohen 1960)" in text and "percentile interval" in text and "50 resamples of documents" in text
    from qualcode.analysis.agreement.methods import cited

    assert cited(report)[0].startswith("Cohen, J. (1960). A coefficient of agreement for nominal scales.")
    assert "computed with qualcode 0.test" in text
    seg = methods_paragraph(audit(demo, ["anna", "bo"], "segment:80%"), version="x")
    assert "at least 80 %" in seg and "Brennan & Prediger 1981" in seg
    uni = methods_paragraph(audit(demo, ["anna", "bo"], "unitized"), version="x")
    assert "|uα" in uni and "Cuα" in uni


def test_disagreement_passages_merge_overlapping_spans(project, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("One two. Three four. Five six. Seven eight.\n", encoding="utf-8")
    import_files(project, [f], language="en")
    tree.add_code(project, "X")
    # anna [0,8) and [21,30); bo [4,19): [0,8) and [4,19) form one passage [0,19); [21,30) another.
    add_coding(project, "t", 0, 8, "X", coder="anna")
    add_coding(project, "t", 21, 30, "X", coder="anna")
    add_coding(project, "t", 4, 19, "X", coder="bo")
    report = audit(project, ["anna", "bo"], "character")
    got = [
        (d.start, d.end, d.units, {c: [(s.start, s.end) for s in v] for c, v in d.spans.items()})
        for d in report.disagreements
    ]
    assert got == [(0, 19, 4 + 11, {"anna": [(0, 8)], "bo": [(4, 19)]}), (21, 30, 9, {"anna": [(21, 30)], "bo": []})]


def _random_partition(rng, length, n):
    cuts = np.unique(rng.integers(1, length, size=n))
    bounds = np.concatenate(([0], cuts, [length]))
    return [(int(s), int(e), int(rng.integers(0, 3))) for s, e in itertools.pairwise(bounds)]


def test_sparse_overlaps_and_label_sets_equal_the_plain_definitions():
    from qualcode.analysis.agreement.unitized import _arrays, _label_sets, _overlap_pairs

    rng = np.random.default_rng(5)
    for _ in range(20):
        a = _arrays(_random_partition(rng, 500, 40))
        b = _arrays(_random_partition(rng, 500, 25))
        dense = np.clip(np.minimum(a[1][:, None], b[1][None, :]) - np.maximum(a[0][:, None], b[0][None, :]), 0, None)
        i, j, ov = _overlap_pairs(a, b)
        sparse = np.zeros_like(dense)
        sparse[i, j] = ov
        assert (sparse == dense).all()
        # Label sets: one piece per pair of neighbouring boundaries, valued by the covering domains.
        segs = sorted(
            {(int(s), int(s + rng.integers(1, 60)), int(rng.integers(1, 4))) for s in rng.integers(0, 400, 15)}
        )
        names = ["∅", "X", "Y", "Z"]
        got = _label_sets(segs, names, {}, ["∅"])
        cuts = sorted({p for s, e, _ in segs for p in (s, e)})
        want = []
        for lo, hi in itertools.pairwise(cuts):
            cov = frozenset(names[v] for s, e, v in segs if s <= lo and hi <= e)
            if cov:
                want.append((lo, hi, cov))
        ids: dict = {}
        assert [(lo, hi) for lo, hi, _ in got] == [(lo, hi) for lo, hi, _ in want]
        for (_, _, gid), (_, _, cov) in zip(got, want):
            assert ids.setdefault(gid, cov) == cov  # one id per distinct set
