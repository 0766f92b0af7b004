"""Agreement a methodologist signs: NVivo's rule and its named variant computed by hand, AC1 and
PABAK on published examples, cluster and Krippendorff bootstraps, the methods paragraph held to
the report it describes, and code–recode agreement rebuilt from the event log."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from qualcode.analysis.agreement import intervals
from qualcode.analysis.agreement.audit import audit
from qualcode.analysis.agreement.kappas import cohen_kappa
from qualcode.analysis.agreement.methods import cited, methods_paragraph
from qualcode.analysis.agreement.paradox import (
    binary_pattern_coefficients,
    gwet_ac1,
    gwet_ac1_raters,
    pabak,
)
from qualcode.codebook import tree
from qualcode.coding.codings import add_coding, list_codings, remove_coding, resize_coding
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project

# --- AC1 and PABAK on published examples ---------------------------------------------------------


def test_ac1_two_coders_irrcac_three_categories():
    """irrCAC 1.0's overview vignette (Gwet's package), dataset cont3x3abstractors: printed
    Gwet's AC1 0.8493305 and Cohen's κ 0.7964094."""
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    assert gwet_ac1(table).value == pytest.approx(0.8493305, abs=1e-7)
    assert cohen_kappa(table).value == pytest.approx(0.7964094, abs=1e-7)


def test_ac1_four_coders_with_missing_ratings_gwet_2014():
    """Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120 (irrCAC's cac.raw4raters):
    12 units, 4 raters, 5 categories, missing ratings; printed pa 0.8181818, pe 0.1903212,
    AC1 0.77544."""
    rows = [
        [1, 1, None, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [None, 5, 5, 5],
        [None, None, 1, 1],
        [None, None, 3, None],
    ]
    counts = np.array([[sum(1 for v in r if v == k) for k in range(1, 6)] for r in rows])
    ac1 = gwet_ac1_raters(counts)
    assert ac1.observed == pytest.approx(0.8181818, abs=1e-7)
    assert ac1.expected == pytest.approx(0.1903212, abs=1e-7)
    assert ac1.value == pytest.approx(0.77544, abs=1e-5)


def test_pabak_byrt_bishop_carlin_and_the_paradox_table():
    """PABAK = 2 p_o − 1 (Byrt, Bishop & Carlin 1993). epiR's documented example (salmon IFAT,
    a 19, b 10, c 6, d 256) prints κ 0.67 and PABAK 0.89; the paradox table 118/5/2/0 has κ
    below 0 while AC1 and PABAK stay near % agreement."""
    salmon = [[19, 10], [6, 256]]
    p_o = (19 + 256) / 291
    assert round(pabak(p_o, 291).value, 2) == 0.89
    assert round(cohen_kappa(salmon).value, 2) == 0.67
    paradox = [[118, 5], [2, 0]]
    assert cohen_kappa(paradox).value == pytest.approx(-0.0234, abs=1e-4)
    assert gwet_ac1(paradox).value == pytest.approx(0.9408, abs=1e-4)
    assert pabak(118 / 125, 125).value == pytest.approx(0.888)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_pattern_coefficients_equal_the_general_definitions(m):
    """The closed forms used per code equal AC1 on the units × categories table and PABAK on
    Fleiss' mean pairwise agreement, computed independently here with fractions."""
    rng = np.random.default_rng(m)
    patterns = rng.integers(0, 2**m, size=400)
    patterns[:150] = 0  # mostly uncoded, as transcripts are
    counts = np.bincount(patterns, minlength=2**m).astype(float)
    k = np.array([bin(p).count("1") for p in patterns])
    table = np.stack([m - k, k], axis=1)
    ac1, pb = binary_pattern_coefficients(counts, m)
    assert ac1.value == pytest.approx(gwet_ac1_raters(table).value, abs=1e-12)
    pairwise = sum(F(int(a * (a - 1) + b * (b - 1)), m * (m - 1)) for a, b in table) / len(table)
    assert pb.value == pytest.approx(float(2 * pairwise - 1), abs=1e-12)
    if m == 2:
        two = [[counts[3], counts[1]], [counts[2], counts[0]]]
        assert ac1.value == pytest.approx(gwet_ac1(two).value, abs=1e-12)


# --- NVivo's rule on three sources, by hand -------------------------------------------------------


@pytest.fixture
def three(tmp_path) -> Project:
    """Three sources of 100, 200 and 300 characters. Code X: source A anna [0,20) bo [10,30);
    source B both [0,40); source C nobody. Code Y: only source C, both [0,50)."""
    p = Project.create(tmp_path / "three.db", coder="sup")
    for name, n in (("A", 100), ("B", 200), ("C", 300)):
        (tmp_path / f"{name}.txt").write_text(("word " * n)[:n], encoding="utf-8")
    import_files(p, [tmp_path / f"{n}.txt" for n in "ABC"], language="en")
    tree.add_code(p, "X")
    tree.add_code(p, "Y")
    for coder, spans in (("anna", [("A", 0, 20), ("B", 0, 40)]), ("bo", [("A", 10, 30), ("B", 0, 40)])):
        for doc, s, e in spans:
            add_coding(p, doc, s, e, "X", coder=coder)
        add_coding(p, "C", 0, 50, "Y", coder=coder)
    yield p
    p.close()


def test_nvivo_rule_on_three_sources_by_hand(three):
    # X in A: both 10, anna only 10, bo only 10, neither 70 → p_o .8, p_e .2·.2 + .8·.8 = .68, κ .375.
    # X in B: identical → κ 1 (computed). X in C: nobody → undefined, NVivo sets 1.
    # NVivo: (100·.375 + 200·1 + 300·1) / 600; skip-uncoded leaves C out: (100·.375 + 200·1) / 300.
    report = audit(three, ["anna", "bo"], "character")
    x, y = (r for r in report.codes)
    assert x.stats.kappa.value == pytest.approx((100 * 0.375 + 500) / 600)
    assert x.stats.agreement == pytest.approx((80 + 200 + 300) / 600)
    assert (x.stats.kappa_ones, y.stats.kappa_ones) == (1, 2)
    assert y.stats.kappa.value == pytest.approx(1.0)
    assert "NVivo" in x.stats.kappa.name and "1 where neither coded" in x.stats.kappa.name
    # the pooled row is computed as the rows above it: their mean
    assert report.overall.stats.kappa.value == pytest.approx(((100 * 0.375 + 500) / 600 + 1) / 2)
    assert "mean of the code rows above" in report.overall.pooling
    # per-document rows carry NVivo's filled-in 1 for C
    doc_c = next(r for r in report.per_document if r.code == "X" and r.document == "C")
    assert doc_c.stats.kappa.value == 1.0

    skip = audit(three, ["anna", "bo"], "character:skip-uncoded")
    xs, ys = skip.codes
    assert xs.stats.kappa.value == pytest.approx((100 * 0.375 + 200) / 300)
    assert (xs.stats.kappa_left_out, ys.stats.kappa_left_out) == (1, 2)
    assert "documents left out" in xs.stats.warning
    assert skip.overall.stats.kappa.value == pytest.approx(((100 * 0.375 + 200) / 300 + 1) / 2)
    # α, AC1 and PABAK are pooled over characters in both variants, so they agree
    assert xs.stats.alpha.value == pytest.approx(x.stats.alpha.value)
    assert xs.stats.ac1.value == pytest.approx(x.stats.ac1.value)


def test_methods_paragraph_states_what_the_report_did(three):
    nv = audit(three, ["anna", "bo"], "character")
    text = methods_paragraph(nv, version="t")
    ones = sum(r.stats.kappa_ones for r in nv.codes)
    assert f"set to 1, as NVivo does ({ones} code–document pairs)" in text
    assert "left out" not in text and "interval" not in text
    skip = audit(three, ["anna", "bo"], "character:skip-uncoded")
    text = methods_paragraph(skip, version="t")
    left = sum(r.stats.kappa_left_out for r in skip.codes)
    assert f"({left} code–document pairs left out)" in text and "was set to 1" not in text
    # three documents: a document bootstrap is refused, and the paragraph says why
    boot = audit(three, ["anna", "bo"], "character", bootstrap=200)
    text = methods_paragraph(boot, version="t")
    assert "No confidence interval is reported: only 3 document(s)" in text
    assert not any("Field" in ref for ref in cited(boot))


def test_methods_paragraph_per_unit_kind_on_the_demo(demo):
    sent = audit(demo, ["anna", "bo"], "sentence", bootstrap=300, seed=2)
    text = methods_paragraph(sent, version="t")
    n = sent.codes[0].stats.units
    ci = sent.overall.stats.ci
    assert f"N = {n:,} sentences per code" in text
    assert f"interval {ci.low:.2f} to {ci.high:.2f} from 300 resamples of documents" in text
    assert any("Field, C. A., & Welsh" in ref for ref in cited(sent))
    never = [r.code for r in sent.codes if (r.stats.warning or "").startswith("never applied")]
    assert ("No coder applied" in text) == bool(never)

    uni = audit(demo, ["anna", "bo"], "unitized")
    text = methods_paragraph(uni, version="t")
    refused = sorted({r.scope for r in uni.unitized if r.variant == "cuα" and r.value is None})
    assert refused, "the demo's Barriers and Resources overlap within their domains"
    assert f"uα and cuα are not reported for {', '.join(refused)}" in text
    for r in uni.unitized:
        if r.variant == "uα" and r.value is not None:
            assert f"uα for {r.scope} was {r.value:.2f}" in text
    assert "multi-label" in text

    seg = audit(demo, ["anna", "bo"], "segment:80%")
    text = methods_paragraph(seg, version="t")
    assert f"N = {seg.overall.stats.units:,} segments" in text and "80 %" in text and "α is not defined" in text


# --- intervals ------------------------------------------------------------------------------------


def _clustered(n_docs: int = 30, seed: int = 0) -> np.ndarray:
    """Per-document pattern counts (neither, only A, only B, both) where agreement differs a lot
    between documents: half are coded alike, half not."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_docs):
        good = d % 2 == 0
        both = rng.integers(20, 40)
        split = rng.integers(0, 4) if good else rng.integers(20, 40)
        rows.append([400, split, split, both])
    return np.array(rows, dtype=float)


def test_cluster_bootstrap_is_wider_than_the_unit_bootstrap_and_seeded():
    per_doc = _clustered()
    stat = intervals.pooled_statistic(per_doc, 2, intervals.alpha_of)
    docs = intervals.by_documents(per_doc, stat, 1000, seed=5)
    units = intervals.by_units(per_doc.sum(axis=0), 2, intervals.alpha_of, 1000, seed=5)
    assert docs.high - docs.low > 1.5 * (units.high - units.low)
    estimate = float(intervals.alpha_of(per_doc.sum(axis=0), 2))
    assert docs.low < estimate < docs.high
    assert intervals.by_documents(per_doc, stat, 1000, seed=5) == docs
    assert intervals.by_documents(per_doc, stat, 1000, seed=6) != docs
    assert docs.method == "documents" and "cluster bootstrap" in docs.description and "seed 5" in docs.description
    few = intervals.by_documents(per_doc[:4], stat, 1000, seed=5)
    assert few.low is None and "only 4 document(s)" in few.reason


def test_closed_form_alpha_and_kappa_equal_the_audit(demo):
    report = audit(demo, ["anna", "bo"], "sentence")
    for row in report.codes[:5]:
        docs = [r for r in report.per_document if r.code_id == row.code_id]
        assert sum(r.stats.units for r in docs) == row.stats.units


def test_demo_document_bootstrap_is_wider_than_units(demo):
    docs = audit(demo, ["anna", "bo"], "sentence", bootstrap=1000, seed=1).overall.stats.ci
    units = audit(demo, ["anna", "bo"], "sentence", bootstrap=1000, seed=1, bootstrap_method="units").overall.stats.ci
    assert docs.high - docs.low > units.high - units.low
    char_units = audit(demo, ["anna", "bo"], "character", bootstrap=100, bootstrap_method="units").overall.stats.ci
    assert char_units.low is None and "not sampled independently" in char_units.reason


def test_krippendorff_bootstrap_follows_kalpha():
    counts = np.array([300.0, 20.0, 15.0, 60.0])
    ci = intervals.krippendorff(counts, 2, 2000, seed=3)
    alpha = float(intervals.alpha_of(counts, 2))
    assert ci.low < alpha < ci.high and ci.method == "krippendorff"
    assert intervals.krippendorff(counts, 2, 2000, seed=3) == ci
    assert intervals.krippendorff(counts, 2, 500, seed=3).reason.startswith("Krippendorff's bootstrap needs")
    assert "Hayes & Krippendorff 2007" in ci.description


def test_unknown_bootstrap_method_is_one_line(demo):
    with pytest.raises(QualcodeError, match="unknown bootstrap method 'jackknife'"):
        audit(demo, ["anna", "bo"], "sentence", bootstrap=10, bootstrap_method="jackknife")


# --- code–recode ----------------------------------------------------------------------------------


def test_code_recode_rebuilds_a_coders_past_codings(three, monkeypatch):
    import qualcode.store.changes as changes

    moment = three.db.execute("SELECT MAX(at) FROM events").fetchone()[0]  # the first coding round
    clock = iter(f"2099-01-{d:02d}T10:00:00Z" for d in range(10, 30))  # the recoding, weeks later
    monkeypatch.setattr(changes, "now", lambda: next(clock))
    before = sorted((c["document"], c["code"], c["start"], c["end"]) for c in list_codings(three, coder="anna"))
    # anna recodes later: resizes one coding, removes another, adds a new one
    first = list_codings(three, coder="anna", document="A")[0]
    resize_coding(three, first["id"], 0, 25)
    gone = list_codings(three, coder="anna", document="B")[0]
    remove_coding(three, gone["id"])
    add_coding(three, "B", 100, 150, "X", coder="anna")
    label = f"anna@{moment}"
    report = audit(three, [label, "anna"], "character")
    assert report.as_of == {label: moment}
    from qualcode.coding.history import codings_as_of

    then = codings_as_of(three, three.coder_id("anna", create=False), moment)
    names = {1: "A", 2: "B", 3: "C"}
    codes = {c["code_id"]: c["code"] for c in list_codings(three)}
    assert sorted((names[d], codes[c], s, e) for d, c, s, e, _ in then) == before
    text = methods_paragraph(report, version="t")
    assert text.startswith(f"Code–recode (intra-coder) agreement compared anna's codings as of {moment}")
    x = report.codes[0].stats
    assert x.coded == (20 + 40, 25 + 50)  # X then: A [0,20), B [0,40); now: A [0,25), B [100,150)
    assert list_codings(three, coder="anna", document="B")[0]["start"] == 100


def test_code_recode_refuses_a_history_it_cannot_walk_back(three):
    with pytest.raises(QualcodeError, match=r"write e\.g\. anna@2026-11-01"):
        audit(three, ["anna@yesterday", "anna"], "character")
    # the import of the three texts logged no rows and touches documents only; codings were
    # added with rows, so going back before everything finds no codings, and says so
    with pytest.raises(QualcodeError, match=r"anna had no codings yet at 2000-01-01T23:59:59Z"):
        audit(three, ["anna@2000-01-01", "bo"], "sentence", documents=["A", "B", "C"])


def test_code_recode_refuses_an_event_that_changed_codings_without_rows(three):
    from qualcode.store import events

    with three.transaction(events.QDPX_IMPORT, "imported other.qdpx"):
        pass  # an import logs its summary, not its rows
    with pytest.raises(QualcodeError, match=r"'imported other\.qdpx' changed codings without recording them"):
        audit(three, ["anna@2000-01-01", "anna"], "character")


def test_code_recode_is_never_adjudicated(demo):
    from qualcode.analysis.agreement.adjudication import accept_agreements, adjudicate

    report = audit(demo, ["anna@2999-01-01", "bo"], "sentence")
    assert report.disagreements
    with pytest.raises(QualcodeError, match="code–recode"):
        adjudicate(demo, report.disagreements[0], "a")
    with pytest.raises(QualcodeError, match="code–recode"):
        accept_agreements(demo, report)


def test_code_recode_refuses_to_compare_across_a_revision(three, tmp_path):
    from qualcode.revision.revise import revise_document

    moment = three.db.execute("SELECT MAX(at) FROM events").fetchone()[0]
    revised = "new " + ("word " * 100)[:100]  # a line added at the top: every coding moves by 4
    import qualcode.store.changes as changes

    real = changes.now
    changes.now = lambda: "2099-01-01T00:00:00Z"
    try:
        revise_document(three, "A", revised, apply=True)
    finally:
        changes.now = real
    with pytest.raises(QualcodeError, match="revised a document's text"):
        audit(three, [f"anna@{moment}", "anna"], "character")


def test_a_coder_whose_name_holds_an_at_sign_is_a_coder(three):
    three.db.execute("UPDATE coders SET name = 'bo@uni.dk' WHERE name = 'bo'")  # as a .qdpx user may be
    report = audit(three, ["anna", "bo@uni.dk"], "character")
    assert report.as_of == {} and report.coders == ["anna", "bo@uni.dk"]
    assert methods_paragraph(report, version="t").startswith("Two coders (anna, bo@uni.dk)")
