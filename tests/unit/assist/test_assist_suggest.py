"""Suggestions: thresholds from the cross-validation curve, the workbench's API (suggestions, accept,
reject), applying as coder assist:<model id> in one undoable event, and decisions feeding training."""

from __future__ import annotations

import json

import pytest

from qualcode.assist import accept, apply_suggestions, load_model, plan_suggestions, reject, suggestions, train
from qualcode.assist.model import GRID
from qualcode.errors import QualcodeError

DOC = "en_int08_vesterbro_peer"
HOLDOUT = [DOC, "da_obs02_sundholm"]


@pytest.fixture
def trained(demo):
    return train(demo, "anna", holdout=HOLDOUT).model


def test_no_model_is_one_line(demo):
    with pytest.raises(QualcodeError, match="no assist model yet"):
        suggestions(demo, DOC)


def test_thresholds_reach_the_asked_precision_in_cross_validation(trained):
    for j in range(len(trained.code_ids)):
        for p in (0.3, 0.5, 0.8):
            t = trained.threshold(j, p)
            if t is None:
                continue
            assert t in GRID
            tp, fp, _ = trained.counts_at(j, t)
            n, z = tp + fp, 1.96  # the lower Wilson bound, computed here from its formula
            share = tp / n
            lower = (share + z * z / (2 * n) - z * (share * (1 - share) / n + z * z / (4 * n * n)) ** 0.5) / (
                1 + z * z / n
            )
            assert lower >= p - 1e-9 and n >= 10 and share >= p


def test_suggestions_for_one_document(demo, trained):
    out = suggestions(demo, DOC, 0.3)
    assert out, "the demo model suggests something at precision 0.3"
    doc_id = demo.db.execute("SELECT id FROM documents WHERE name = ?", [DOC]).fetchone()[0]
    units = {
        (s, e)
        for s, e in zip(
            *[
                __import__("numpy").frombuffer(b, "<i4").tolist()
                for b in demo.db.execute(
                    "SELECT starts, ends FROM unit_sets WHERE document_id = ? AND kind = 'sentence'", [doc_id]
                ).fetchone()
            ]
        )
    }
    paths = trained.code_paths
    for s in out:
        assert s.document_id == doc_id and s.model_id == trained.model_id
        assert (s.start, s.end) in units
        assert s.code_path == paths[s.code_id]
        assert s.threshold <= s.confidence <= 1
    assert [(s.start, s.code_path) for s in out] == sorted((s.start, s.code_path) for s in out)


def test_accept_makes_it_the_coders_own_with_provenance_and_undo_takes_it_back(demo, trained):
    s = suggestions(demo, DOC, 0.3, coder="anna")[0]
    row = accept(demo, s)
    got = demo.db.execute(
        "SELECT k.name, c.start, c.[end], c.code_id FROM codings c JOIN coders k ON k.id = c.coder_id WHERE c.id = ?",
        [row["id"]],
    ).fetchone()
    assert got == ("anna", s.start, s.end, s.code_id)
    action, summary, changes = demo.db.execute(
        "SELECT action, summary, changes FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert action == "assist.accept" and trained.model_id in summary and f"{s.confidence:.2f}" in summary
    decision = next(c for c in json.loads(changes) if c["t"] == "assist_decisions")["after"]
    assert decision["decision"] == "accepted" and decision["model_id"] == trained.model_id
    assert decision["confidence"] == pytest.approx(s.confidence, abs=1e-6)
    assert s not in suggestions(demo, DOC, 0.3, coder="anna")  # coded now: no longer suggested to anna
    demo.undo()
    assert demo.db.execute("SELECT COUNT(*) FROM codings WHERE id = ?", [row["id"]]).fetchone()[0] == 0
    assert demo.db.execute("SELECT COUNT(*) FROM assist_decisions").fetchone()[0] == 0


def test_reject_is_recorded_hidden_and_read_by_the_next_training(demo, trained):
    out = suggestions(demo, "da_int01_vesterbro_bruger", 0.2, coder="anna")
    anna_spans = demo.db.execute(
        "SELECT code_id, start, [end] FROM codings WHERE coder_id = (SELECT id FROM coders WHERE name = 'anna')"
    ).fetchall()
    wrong = next(s for s in out if not any(c == s.code_id and a < s.end and s.start < b for c, a, b in anna_spans))
    reject(demo, wrong)
    assert demo.db.execute("SELECT decision FROM assist_decisions").fetchall() == [("rejected",)]
    assert wrong not in suggestions(demo, "da_int01_vesterbro_bruger", 0.2, coder="anna")
    assert wrong in suggestions(demo, "da_int01_vesterbro_bruger", 0.2)  # the preview shows all
    again = train(demo, "anna", holdout=HOLDOUT, store=False).model
    assert again.card["decisions"] == {"accepted": 0, "rejected": 1}
    assert again.card["data_sha256"] != trained.card["data_sha256"]


def test_apply_writes_one_undoable_event_as_the_assist_coder(demo, trained):
    plan = plan_suggestions(demo, HOLDOUT, 0.3)
    assert plan.suggestions and plan.coder == f"assist:{trained.model_id}"
    before = demo.last_event_id()
    event, written = apply_suggestions(demo, plan)
    assert event == before + 1 == demo.last_event_id() and written == len(plan.suggestions)
    rows = demo.db.execute(
        "SELECT d.name, c.code_id, c.start, c.[end] FROM codings c JOIN coders k ON k.id = c.coder_id "
        "JOIN documents d ON d.id = c.document_id WHERE k.name = ?",
        [plan.coder],
    ).fetchall()
    assert sorted(rows) == sorted((s.document, s.code_id, s.start, s.end) for s in plan.suggestions)
    with pytest.raises(QualcodeError, match="nothing to apply"):
        apply_suggestions(demo, plan_suggestions(demo, HOLDOUT, 0.3))
    demo.undo()
    assert (
        demo.db.execute(
            "SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ?", [plan.coder]
        ).fetchone()[0]
        == 0
    )


def test_codes_that_cannot_reach_the_precision_are_named(demo, trained):
    plan = plan_suggestions(demo, [DOC], 1.0)
    assert set(plan.unreachable) | set(plan.thresholds) == set(trained.code_paths.values())
    assert {s.code_path for s in plan.suggestions} <= set(plan.thresholds)
    with pytest.raises(QualcodeError, match="min-precision"):
        plan_suggestions(demo, [DOC], 0)


def test_the_model_is_cached_per_project_and_id(demo, trained):
    assert load_model(demo) is load_model(demo, trained.model_id) is load_model(demo, trained.model_id[:4])
    with pytest.raises(QualcodeError, match="no assist model 'zzz'"):
        load_model(demo, "zzz")


def test_the_wilson_bound_matches_published_values():
    import numpy as np

    from qualcode.assist.model import wilson_lower

    # Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 → 0.2553; 15/148 → 0.0624
    got = wilson_lower(np.array([81, 15, 3]), np.array([263, 148, 3]))
    assert np.round(got, 4).tolist() == [0.2553, 0.0624, 0.4385]
