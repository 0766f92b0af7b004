"""`qualcode assist` and `qualcode explore topics` as a user runs them.

The acceptance test of issue 18: train on anna's codings of eight demo documents, suggest on the other
four; the held-out precision and recall the program reports equal a computation made here, unit by
unit, from the raw project file (the stored suggestions against anna's codings); no test document is
in training.
"""

from __future__ import annotations

import io
import json
import sqlite3
from array import array

import numpy as np
import pytest

from helpers.cli import digest, one_line_error, qc

HOLDOUT = ["da_int04_vesterbro_medarbejder", "da_obs02_sundholm", "en_int08_vesterbro_peer", "en_obs04_vesterbro_cafe"]
P = "0.3"  # the demo is small: at a Wilson lower bound of 0.3 some codes get suggestions


def _holdout_args(docs=HOLDOUT) -> list[str]:
    return [a for d in docs for a in ("--holdout", d)]


def _ok(r):
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    return r


def _sentences(con: sqlite3.Connection, doc: str) -> list[tuple[int, int]]:
    starts, ends = con.execute(
        "SELECT u.starts, u.ends FROM unit_sets u JOIN documents d ON d.id = u.document_id "
        "WHERE d.name = ? AND u.kind = 'sentence'",
        [doc],
    ).fetchone()
    s, e = array("i"), array("i")
    s.frombytes(starts)
    e.frombytes(ends)
    return sorted((a, b) for a, b in zip(s, e) if b > a)


def _spans(con: sqlite3.Connection, doc: str, coder: str, code: str) -> list[tuple[int, int]]:
    leaf = code.rsplit("/", 1)[-1]
    return con.execute(
        "SELECT c.start, c.[end] FROM codings c JOIN documents d ON d.id = c.document_id "
        "JOIN coders k ON k.id = c.coder_id JOIN codes o ON o.id = c.code_id "
        "WHERE d.name = ? AND k.name = ? AND o.name = ?",
        [doc, coder, leaf],
    ).fetchall()


def test_acceptance_train_on_eight_suggest_on_four(demo_path, tmp_path):
    r = _ok(qc(demo_path, "assist", "train", "--coder", "anna", *_holdout_args(), "--min-precision", P, "--json"))
    rep = json.loads(r.stdout)
    model, card = rep["model"], rep["card"]
    # no test document is in training
    assert sorted(card["holdout"]) == sorted(HOLDOUT)
    assert len(card["documents"]) == 8 and not set(card["documents"]) & set(HOLDOUT)
    for fold in card["folds"]:
        assert not set(fold["train"]) & set(fold["test"])
        assert not (set(fold["train"]) | set(fold["test"])) & set(HOLDOUT)

    _ok(qc(demo_path, "assist", "suggest", *HOLDOUT, "--min-precision", P, "--apply"))
    coder = f"assist:{model}"
    con = sqlite3.connect(demo_path)
    suggested_codes = [c for c in rep["codes"] if c["threshold"] is not None]
    assert suggested_codes, "at precision 0.3 some demo codes get suggestions"
    for c in rep["codes"]:
        tp = fp = fn = 0
        for doc in HOLDOUT:
            anna = _spans(con, doc, "anna", c["code"])
            machine = _spans(con, doc, coder, c["code"])
            for us, ue in _sentences(con, doc):
                human = any(s < ue and us < e for s, e in anna)
                assistant = any(s < ue and us < e for s, e in machine)
                tp += human and assistant
                fp += assistant and not human
                fn += human and not assistant
        if c["threshold"] is None:
            assert tp + fp == 0, c["code"]
            continue
        held = c["holdout_at_threshold"]
        assert (held["tp"], held["fp"], held["fn"]) == (tp, fp, fn), c["code"]
        assert held["precision"] == (pytest.approx(tp / (tp + fp)) if tp + fp else None)
        assert held["recall"] == (pytest.approx(tp / (tp + fn)) if tp + fn else None)
    con.close()

    # the card is stored and shown
    shown = _ok(qc(demo_path, "assist", "report", "--min-precision", P)).stdout
    for needle in (model, "anna's codings", card["data_sha256"][:16], "held out", "For a methods section", "α"):
        assert needle in shown
    # the assist coder is a coder like any other
    r = _ok(qc(demo_path, "agreement", "--coders", f"anna,{coder}", "--documents", ",".join(HOLDOUT), cwd=tmp_path))
    assert coder in r.stdout
    # undo of --apply removes every suggestion
    _ok(qc(demo_path, "undo"))
    con = sqlite3.connect(demo_path)
    n = con.execute(
        "SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ?", [coder]
    ).fetchone()[0]
    con.close()
    assert n == 0


def test_two_trainings_give_the_same_hash_and_coefficients(demo_template, tmp_path):
    import shutil

    blobs = []
    for name in ("a.db", "b.db"):
        path = tmp_path / name
        shutil.copy(demo_template, path)
        rep = json.loads(_ok(qc(path, "assist", "train", "--coder", "anna", "--seed", "7", "--json")).stdout)
        con = sqlite3.connect(path)
        blobs.append(
            (rep["card"]["data_sha256"], rep["model"], *con.execute("SELECT model FROM assist_models").fetchone())
        )
        con.close()
    (sha_a, id_a, blob_a), (sha_b, id_b, blob_b) = blobs
    assert sha_a == sha_b and id_a == id_b
    a, b = np.load(io.BytesIO(blob_a)), np.load(io.BytesIO(blob_b))
    assert np.array_equal(a["coef"], b["coef"]) and np.array_equal(a["intercept"], b["intercept"])
    assert blob_a == blob_b


def test_suggest_preview_json_and_models(demo_path):
    _ok(qc(demo_path, "assist", "train", "--coder", "anna"))
    r = _ok(qc(demo_path, "assist", "suggest", "en_int05_nordvest_user", "--min-precision", "0.3"))
    assert "preview:" in r.stdout and "--apply" in r.stdout
    data = json.loads(
        _ok(qc(demo_path, "assist", "suggest", "en_int05_nordvest_user", "--min-precision", "0.3", "--json")).stdout
    )
    assert data["applied"] is None and data["suggestions"]
    assert {s["document"] for s in data["suggestions"]} == {"en_int05_nordvest_user"}
    assert data["model"] in _ok(qc(demo_path, "assist", "models")).stdout
    methods = _ok(qc(demo_path, "assist", "report", "--methods")).stdout
    assert methods.startswith("Coding suggestions came from qualcode's offline coding assistant")


def test_explore_topics(demo_path):
    r = _ok(qc(demo_path, "explore", "topics", "--uncoded", "-k", "4", "--json"))
    data = json.loads(r.stdout)
    assert data["k"] == 4 and data["uncoded"] and len(data["topics"]) == 4
    p = data["topics"][0]["passages"][0]
    assert {"document", "start", "end", "keyword", "left", "right"} <= set(p)
    text = _ok(qc(demo_path, "explore", "topics", "-k", "3")).stdout
    assert "topic 1" in text and "[" in text


def _zed_with_few_codings(path):
    from qualcode.coding.codings import add_coding
    from qualcode.project import Project

    with Project.open(path, coder="zed") as p:
        p.coder_id("empty")
        add_coding(p, "da_int01_vesterbro_bruger", 0, 30, "Barriers/Stigma")
        add_coding(p, "da_int02_nordvest_bruger", 0, 30, "Barriers/Stigma")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("assist", "train", "--coder", "nobody"), "no coder named 'nobody'"),
        (("assist", "train", "--coder", "empty"), "empty has no codings"),
        (("assist", "train", "--coder", "zed"), "too few examples"),
        (("assist", "train", "--coder", "anna", "--holdout", "nosuchdoc"), "no document 'nosuchdoc'"),
        (("assist", "train", "--coder", "anna", "--min-precision", "1.5"), "min-precision"),
        (("assist", "suggest", "en_int05_nordvest_user"), "no assist model yet"),
        (("assist", "report"), "no assist model yet"),
        (("assist", "report", "abc"), "no assist model 'abc'"),
        (("explore", "topics", "-k", "1"), "-k"),
    ],
)
def test_bad_input_is_one_line_and_leaves_the_file_as_it_was(demo_path, args, message):
    _zed_with_few_codings(demo_path)
    files = [demo_path, demo_path.with_name(demo_path.name + "-wal"), demo_path.with_name(demo_path.name + "-shm")]
    before = digest(*files)
    line = one_line_error(qc(demo_path, *args))
    assert message in line
    assert digest(*files) == before


def test_suggest_an_unknown_document_after_training(demo_path):
    _ok(qc(demo_path, "assist", "train", "--coder", "anna"))
    files = [demo_path, demo_path.with_name(demo_path.name + "-wal"), demo_path.with_name(demo_path.name + "-shm")]
    before = digest(*files)
    assert "no document 'nope'" in one_line_error(qc(demo_path, "assist", "suggest", "nope", "--apply"))
    assert digest(*files) == before


def test_without_scikit_learn_the_assistant_says_so_in_one_line(demo_path):
    r = qc(
        demo_path,
        "assist",
        "train",
        prefix=(),
        env={"PYTHONPATH": str(_blocker(demo_path.parent))},
    )
    assert "needs scikit-learn" in one_line_error(r)


def _blocker(folder):
    """A folder whose sklearn package refuses to import, put first on the path: sklearn is missing."""
    pkg = folder / "blocker" / "sklearn"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise ImportError('no sklearn here')\n")
    return folder / "blocker"


def _files(path):
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def test_holdout_takes_several_documents_comma_separated_or_repeated(demo_path):
    a, b, c = HOLDOUT[:3]
    r = _ok(qc(demo_path, "assist", "train", "--coder", "anna", "--holdout", f"{a}, {b}", "--holdout", c, "--json"))
    assert sorted(json.loads(r.stdout)["card"]["holdout"]) == sorted([a, b, c])
    before = digest(*_files(demo_path))
    line = one_line_error(qc(demo_path, "assist", "train", "--coder", "anna", "--holdout", f"{a},nosuchdoc"))
    assert "no document 'nosuchdoc'" in line
    assert digest(*_files(demo_path)) == before


def test_forget_is_not_undoable_says_so_and_asks_for_yes(demo_path):
    model = json.loads(_ok(qc(demo_path, "assist", "train", "--coder", "anna", "--json")).stdout)["model"]
    helptext = _ok(qc(demo_path, "assist", "forget", "--help")).stdout
    assert "NOT undoable" in helptext and "--yes" in helptext and "--all" in helptext
    before = digest(*_files(demo_path))
    for args, message in (
        (("assist", "forget", model), "cannot be undone: add --yes"),  # no terminal to ask on
        (("assist", "forget", "--all"), "cannot be undone: add --yes"),
        (("assist", "forget", "--yes"), "name the model(s) to forget, or give --all"),
        (("assist", "forget", model, "--all", "--yes"), "not both"),
        (("assist", "forget", "nope", "--yes"), f"no assist model 'nope'; stored: {model}"),
    ):
        assert message in one_line_error(qc(demo_path, *args)), args
        assert digest(*_files(demo_path)) == before, args
    assert "read-only" in one_line_error(qc(demo_path, "--read-only", "assist", "forget", model, "--yes"))
    assert digest(demo_path)["demo.db"] == before["demo.db"]
    r = _ok(qc(demo_path, "assist", "forget", model[:5], "--yes"))
    assert f"forgot 1 assist model(s): {model}" in r.stdout and "not undoable" in r.stdout
    assert "no assist model yet" in _ok(qc(demo_path, "assist", "models")).stdout
    assert "nothing to undo" in _ok(qc(demo_path, "undo")).stdout  # training and forgetting are not steps
    assert "nothing to forget" in _ok(qc(demo_path, "assist", "forget", "--all", "--yes")).stdout


def test_a_text_revision_removes_the_models_trained_on_it_and_says_so(demo_path, tmp_path):
    model = json.loads(_ok(qc(demo_path, "assist", "train", "--coder", "anna", "--json")).stdout)["model"]
    _ok(qc(demo_path, "pseudonyms", "add", "Maggie", "Mary"))
    scan = json.loads(qc(demo_path, "pseudonyms", "scan", "--json").stdout)
    assert any(h["place"].startswith("assist_models") and h["found"] == "maggie" for h in scan["hits"])
    r = _ok(qc(demo_path, "pseudonyms", "apply"))
    assert f"removed 1 assist model trained on the old text ({model}; not undoable)" in r.stdout
    assert "'qualcode assist train' trains a new one" in r.stdout
    assert "no assist model yet" in _ok(qc(demo_path, "assist", "models")).stdout
    scan = json.loads(qc(demo_path, "pseudonyms", "scan", "--json").stdout)
    assert not any(h["place"].startswith("assist_models") for h in scan["hits"])
    # a plain revision: the preview says what --apply removes, --apply removes it
    model = json.loads(_ok(qc(demo_path, "assist", "train", "--coder", "anna", "--json")).stdout)["model"]
    text = _ok(qc(demo_path, "show", "en_int05_nordvest_user")).stdout
    (tmp_path / "new.txt").write_text(text + "\nA line added.\n", encoding="utf-8")
    r = _ok(qc(demo_path, "revise", "en_int05_nordvest_user", str(tmp_path / "new.txt")))
    assert f"--apply removes 1 assist model trained on the old text ({model}" in r.stdout
    assert model in _ok(qc(demo_path, "assist", "models")).stdout
    r = _ok(qc(demo_path, "revise", "en_int05_nordvest_user", str(tmp_path / "new.txt"), "--apply"))
    assert f"removed 1 assist model trained on the old text ({model}" in r.stdout
    assert "no assist model yet" in _ok(qc(demo_path, "assist", "models")).stdout


def test_suggesting_on_training_documents_warns_that_agreement_there_flatters(demo_path):
    _ok(qc(demo_path, "assist", "train", "--coder", "anna", *_holdout_args()))
    trained_on = _ok(qc(demo_path, "assist", "suggest", "da_int01_vesterbro_bruger", "--min-precision", "0.2"))
    assert "note: 1 of these documents were used in training" in trained_on.stderr
    assert "da_int04_vesterbro_medarbejder" in trained_on.stderr  # where to compare instead
    held_out = _ok(qc(demo_path, "assist", "suggest", *HOLDOUT, "--min-precision", "0.2"))
    assert "used in training" not in held_out.stderr
