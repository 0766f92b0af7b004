"""The assistant's training: features from the word index, TF-IDF as scikit-learn computes it, grouped
cross-validation with no test document in training, determinism, the stored card, too few examples."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from qualcode.analysis.agreement import audit, unit_presence
from qualcode.analysis.agreement.spans import span_presence
from qualcode.assist import features, load_model, train, training
from qualcode.assist.features import document_units, fit_vectoriser, unit_table
from qualcode.assist.model import Model, coefficients_sha256
from qualcode.assist.training import MIN_POSITIVES, alpha_of, figures
from qualcode.coding.codings import add_coding
from qualcode.corpus.documents import list_documents
from qualcode.errors import QualcodeError

HOLDOUT = ["da_int04_vesterbro_medarbejder", "da_obs02_sundholm", "en_int08_vesterbro_peer", "en_obs04_vesterbro_cafe"]


def test_unit_presence_is_agreements_rule(demo):
    doc = next(d for d in list_documents(demo) if d["name"] == "en_int05_nordvest_user")
    _, starts, ends = document_units(demo, "sentence", [doc])
    spans = [
        tuple(r)
        for r in demo.db.execute(
            "SELECT start, [end] FROM codings WHERE document_id = ? AND coder_id = (SELECT id FROM coders WHERE name='anna')",
            [doc["id"]],
        )
    ]
    ours = span_presence(starts, ends, np.array(spans, dtype=np.int64)).astype(int).tolist()
    theirs = unit_presence(list(zip(starts.tolist(), ends.tolist())), {"anna": spans})["anna"]
    assert ours == theirs and sum(ours) > 10


def test_the_assistant_and_the_audit_share_one_presence_rule():
    """One implementation, in agreement's spans module: no copy in the assistant or the audit."""
    assert not hasattr(features, "presence") and not hasattr(audit, "_presence")
    assert training.span_presence is span_presence and audit.span_presence is span_presence


def test_features_are_the_lemmas_of_each_unit_from_the_word_index(demo):
    doc = next(d for d in list_documents(demo) if d["name"] == "en_int05_nordvest_user")
    table = unit_table(demo, "sentence", [doc], positions=True)
    text = demo.db.execute("SELECT text FROM documents WHERE id = ?", [doc["id"]]).fetchone()[0]
    assert len(table) > 50
    for i in range(len(table)):
        for s, e, _lemma in table.tokens[i]:
            assert table.starts[i] <= s < e <= table.ends[i]
            assert text[s:e].strip() and not text[s:e].isspace()
    words = [w for feats in table.features for w in feats if " " not in w]
    assert "go" in words  # "went", "going" … → go: lemmas, not forms
    assert any(" " in w for feats in table.features for w in feats)  # and bigrams


def test_tfidf_equals_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    units = [["a", "b", "a", "a b"], ["b", "c"], ["a", "c", "c"], ["d"], []]
    vec = fit_vectoriser(units, 1, 100)
    rows, cols, values = vec.transform(units)
    ours = np.zeros((len(units), len(vec.vocabulary)))
    ours[rows, cols] = values
    sk = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, vocabulary=vec.vocabulary).fit(units)
    assert np.allclose(ours, sk.transform(units).toarray())


def test_alpha_is_krippendorffs():
    import krippendorff

    tp, fp, fn, tn = 7, 3, 5, 40
    coder = [1] * tp + [0] * fp + [1] * fn + [0] * tn
    assist = [1] * tp + [1] * fp + [0] * fn + [0] * tn
    assert alpha_of(tp, fp, fn, tn) == pytest.approx(
        krippendorff.alpha([coder, assist], level_of_measurement="nominal")
    )
    f = figures(tp, fp, fn, tn)
    assert f["precision"] == pytest.approx(0.7) and f["recall"] == pytest.approx(7 / 12)
    assert f["f1"] == pytest.approx(2 * 0.7 * (7 / 12) / (0.7 + 7 / 12))


def test_grouped_cross_validation_never_trains_on_a_test_document(demo):
    result = train(demo, "anna", holdout=HOLDOUT)
    card = result.model.card
    assert sorted(card["holdout"]) == sorted(HOLDOUT)
    assert len(card["documents"]) == 8 and not set(card["documents"]) & set(HOLDOUT)
    assert len(card["folds"]) == 5
    tested: list[str] = []
    for fold in card["folds"]:
        assert not set(fold["train"]) & set(fold["test"])
        assert not (set(fold["train"]) | set(fold["test"])) & set(HOLDOUT)
        tested += fold["test"]
    assert sorted(tested) == sorted(card["documents"])  # each training document is tested exactly once


def test_two_trainings_are_identical(demo):
    a = train(demo, "anna", seed=3, store=False).model
    b = train(demo, "anna", seed=3, store=False).model
    assert a.card["data_sha256"] == b.card["data_sha256"]
    assert a.model_id == b.model_id
    assert coefficients_sha256(a) == coefficients_sha256(b)
    assert np.array_equal(a.coef, b.coef) and np.array_equal(a.intercept, b.intercept)
    assert a.to_bytes() == b.to_bytes()


def test_the_model_and_its_card_are_stored_in_the_project_without_pickle(demo):
    result = train(demo, "anna")
    assert result.stored
    con = sqlite3.connect(demo.path)
    card_json, blob, coder, unit = con.execute(
        "SELECT card, model, coder, unit FROM assist_models WHERE model_id = ?", [result.model.model_id]
    ).fetchone()
    con.close()
    assert (coder, unit) == ("anna", "sentence")
    import json

    card = json.loads(card_json)
    for key in (
        "coder",
        "unit",
        "codings",
        "documents",
        "data_sha256",
        "parameters",
        "versions",
        "created_at",
        "model_id",
    ):
        assert card[key], key
    assert set(card["versions"]) >= {"scikit-learn", "numpy", "qualcode"}
    assert card["parameters"]["seed"] == 0
    np.load(__import__("io").BytesIO(blob), allow_pickle=False)  # plain arrays only
    loaded = Model.from_bytes(result.model.model_id, card, blob)
    assert coefficients_sha256(loaded) == coefficients_sha256(result.model)
    assert load_model(demo).model_id == result.model.model_id
    event = demo.db.execute("SELECT action, summary, undoable FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert event[0] == "assist.train" and result.model.model_id in event[1] and event[2] == 0
    assert train(demo, "anna").stored is False  # the same data and parameters: the same model, kept once


def test_codes_with_too_few_examples_are_named_and_get_no_classifier(demo):
    few = "Help sought"
    for doc, (s, e) in (("da_int01_vesterbro_bruger", (0, 40)), ("en_int05_nordvest_user", (0, 40))):
        add_coding(demo, doc, s, e, few, coder="zed")
    add_coding(demo, "da_int02_nordvest_bruger", 0, 40, "Barriers/Stigma", coder="zed")
    with pytest.raises(QualcodeError, match="too few examples"):
        train(demo, "zed")
    model = train(demo, "anna", store=False).model
    too_few = {c["path"] for c in model.card["too_few"]}
    assert all(c["positives"] < MIN_POSITIVES or c["documents"] < 2 for c in model.card["too_few"])
    assert not too_few & set(model.code_paths.values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"coder": "nobody"}, "no coder named 'nobody'"),
        ({"coder": "anna", "holdout": ["nope"]}, "no document 'nope'"),
        ({"coder": "anna", "unit": "page"}, "unknown unit"),
        (
            {
                "coder": "anna",
                "holdout": [d["name"] for d in []]
                + HOLDOUT
                + [
                    "da_int01_vesterbro_bruger",
                    "da_int02_nordvest_bruger",
                    "da_int03_sundholm_socialarbejder",
                    "da_obs01_vesterbro_stofindtagelsesrum",
                    "en_int05_nordvest_user",
                    "en_int06_sundholm_user",
                    "en_int07_nordvest_outreach",
                ],
            },
            "outside --holdout",
        ),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(demo, kwargs, message):
    before = demo.db.execute("SELECT COUNT(*) FROM search_vocab WHERE lemma IS NOT NULL").fetchone()[0]
    with pytest.raises(QualcodeError, match=message):
        train(demo, **kwargs)
    assert demo.db.execute("SELECT COUNT(*) FROM search_vocab WHERE lemma IS NOT NULL").fetchone()[0] == before
    assert demo.db.execute("SELECT COUNT(*) FROM assist_models").fetchone()[0] == 0


def test_a_coder_without_codings_is_refused(demo):
    demo.coder_id("zed")
    with pytest.raises(QualcodeError, match="zed has no codings"):
        train(demo, "zed")


def test_the_consensus_coder_is_the_default_when_it_has_codings(demo):
    from qualcode.assist.training import default_coder

    assert default_coder(demo) == "anna"  # the session's coder
    add_coding(demo, "da_int01_vesterbro_bruger", 0, 10, "Barriers/Stigma", coder="consensus")
    assert default_coder(demo) == "consensus"
