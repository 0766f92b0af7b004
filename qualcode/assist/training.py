"""Training: one classifier per codable code on a unit, from one coder's codings, and how good it is.

A unit (sentence, turn, paragraph) is positive for a code when the coder's coding of that code shares
a character with it — agreement's rule for predefined units. The documents are those the coder coded
(any code); a document nobody coded would teach that every passage is negative. Units the coder
rejected as suggestions of a code (``assist_decisions``) count as negatives with ``REJECTED_WEIGHT``;
accepted suggestions are ordinary codings of the coder, so positives.

Cross-validation is grouped by document (``GroupKFold``, at most ``MAX_FOLDS`` folds): the vocabulary,
its IDF and every classifier of a fold are fitted on the training documents only, and no unit of a
test document is in training (checked for every fold). Every unit thus gets one out-of-fold
confidence per code; precision, recall, F1 and Krippendorff's α (nominal, the assistant and the coder
as two coders of each unit, computed by ``analysis.agreement``) follow at the decision threshold 0.5
and, for choosing suggestion thresholds, at each threshold of ``model.GRID``. With ``holdout``
documents the final model is trained without them and the same figures are computed on them from the
stored model — exactly what ``suggest`` would suggest there.

A code needs at least ``MIN_POSITIVES`` positive units in at least ``MIN_DOCUMENTS`` documents; codes
with fewer are named in the card and get no classifier, hence no suggestions.

Deterministic: documents, codes and features are sorted, ``GroupKFold`` does not shuffle and
liblinear gets the seed; two trainings on the same data give the same data hash, the same model id
and the same coefficients. Nothing is downloaded; nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qualcode import __version__
from qualcode.analysis.agreement import krippendorff_alpha_counts
from qualcode.analysis.agreement.spans import span_presence
from qualcode.assist.features import (
    FloatArray,
    UnitTable,
    Vectoriser,
    check_unit,
    document_units,
    fit_vectoriser,
    unit_table,
)
from qualcode.assist.model import DEFAULT_THRESHOLD, GRID, Model, store_model
from qualcode.codebook.codes import list_codes
from qualcode.corpus.documents import get_document, list_documents
from qualcode.errors import QualcodeError
from qualcode.ids import now

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

CONSENSUS = "consensus"  # the adjudication's coder (analysis.agreement.adjudication.CONSENSUS)
MIN_POSITIVES = 5  # positive units a code needs …
MIN_DOCUMENTS = 2  # … in at least this many documents (grouped cross-validation needs two)
MAX_FOLDS = 5
REJECTED_WEIGHT = 3.0
PARAMETERS: dict[str, Any] = {
    "features": "TF-IDF of lemma unigrams and bigrams of adjacent words (qualcode word index and lemmas)",
    "min_df": 2,
    "max_features": 50_000,
    "sublinear_tf": True,
    "classifier": "sklearn.linear_model.LogisticRegression",
    "solver": "liblinear",
    "C": 1.0,
    "class_weight": "balanced",
    "rejected_weight": REJECTED_WEIGHT,
    "cross_validation": f"GroupKFold by document, at most {MAX_FOLDS} folds",
    "min_positives": MIN_POSITIVES,
    "min_documents": MIN_DOCUMENTS,
}


def require_sklearn() -> None:
    """A one-line refusal when the optional dependency is missing."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise QualcodeError(
            "the coding assistant needs scikit-learn: pip install 'qualcode[assist]' (or 'make' in a checkout)"
        ) from None


def versions() -> dict[str, str]:
    import scipy
    import sklearn

    out = {
        "qualcode": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }
    from importlib.metadata import PackageNotFoundError, version

    try:
        out["spacy-lookups-data"] = version("spacy-lookups-data")
    except PackageNotFoundError:  # a dependency, but a broken install should not stop training
        out["spacy-lookups-data"] = "unknown"
    return out


# ---------------------------------------------------------------------------- figures
def alpha_of(tp: int, fp: int, fn: int, tn: int) -> float | None:
    """Krippendorff's α (nominal) of two coders — the coder and the assistant — over binary units,
    from their 2 × 2 table, with the project's own α (``analysis.agreement``)."""
    c = krippendorff_alpha_counts([[2, 0], [0, 2], [1, 1]], "nominal", weights=[tn, tp, fp + fn])
    return c.value


def figures(tp: int, fp: int, fn: int, tn: int) -> dict[str, Any]:
    """Precision, recall, F1 and α (None where undefined) with the counts they come from."""
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else (0.0 if fp + fn else None)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "positives": tp + fn,
        "suggested": tp + fp,
        "precision": p,
        "recall": r,
        "f1": f1,
        "alpha": alpha_of(tp, fp, fn, tn),
    }


def _counts(truth: npt.NDArray[np.bool_], prob: FloatArray, threshold: float) -> tuple[int, int, int, int]:
    pred = prob >= threshold
    tp = int(np.count_nonzero(pred & truth))
    fp = int(np.count_nonzero(pred & ~truth))
    fn = int(np.count_nonzero(~pred & truth))
    return tp, fp, fn, len(truth) - tp - fp - fn


def _grid_counts(truth: npt.NDArray[np.bool_], prob: FloatArray) -> npt.NDArray[np.int64]:
    """(tp, fp, fn) at each threshold of GRID: 3 × len(GRID)."""
    pred = prob[:, None] >= GRID[None, :]
    t = truth[:, None]
    return np.stack(
        [
            np.count_nonzero(pred & t, axis=0),
            np.count_nonzero(pred & ~t, axis=0),
            np.count_nonzero(~pred & t, axis=0),
        ]
    ).astype(np.int64)


# ---------------------------------------------------------------------------- the data
@dataclass
class TrainingData:
    coder: str
    coder_id: int
    unit: str
    documents: list[dict[str, Any]]  # training documents, by name
    holdout: list[dict[str, Any]]
    codes: list[Code]  # every codable code
    labels: npt.NDArray[np.bool_]  # units × codes (training then held-out units)
    weights: FloatArray  # units × codes: sample weights (rejected suggestions weigh more)
    doc_ids: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    codings: int  # the coder's codings in the training documents
    rejected: int
    accepted: int

    @property
    def n_train(self) -> int:
        ids = {d["id"] for d in self.documents}
        return int(np.count_nonzero(np.isin(self.doc_ids, list(ids))))


def default_coder(project: Project) -> str:
    """The consensus coder if it has codings (and may be seen), else the session's coder."""
    if project.visible_coder() is None:
        row = project.db.execute(
            "SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ?", [CONSENSUS]
        ).fetchone()
        if row[0]:
            return CONSENSUS
    return project.coder


def gather(project: Project, coder: str | None, unit: str, holdout: Sequence[str]) -> TrainingData:
    """Check the request and read what training needs (nothing is written): refuses with one line."""
    check_unit(unit)
    name = project.visible(coder or default_coder(project))
    assert name is not None  # visible() returns the coder asked for, or the session's
    coder_id = project.coder_id(name, create=False)
    per_doc = dict(
        project.db.execute(
            "SELECT document_id, COUNT(*) FROM codings WHERE coder_id = ? GROUP BY document_id", [coder_id]
        ).fetchall()
    )
    if not per_doc:
        raise QualcodeError(f"{name} has no codings to learn from; name a coder who has (qualcode coders)")
    held: list[dict[str, Any]] = []
    for ref in holdout:
        d = get_document(project, ref)
        if d["id"] not in per_doc:
            raise QualcodeError(f"held-out document '{d['name']}' has no codings by {name}: nothing to compare with")
        if all(h["id"] != d["id"] for h in held):
            held.append(d)
    held_ids = {d["id"] for d in held}
    docs = sorted(
        (d for d in list_documents(project) if d["id"] in per_doc and d["id"] not in held_ids), key=lambda d: d["name"]
    )
    if len(docs) < MIN_DOCUMENTS:
        raise QualcodeError(
            f"{name} has codings in {len(docs)} document(s) outside --holdout; the assistant needs "
            f"{MIN_DOCUMENTS} or more (its cross-validation holds out whole documents)"
        )
    held.sort(key=lambda d: d["name"])
    codes = [c for c in list_codes(project) if c.codable]
    if not codes:
        raise QualcodeError("the codebook has no codable code to learn")
    doc_ids, starts, ends = document_units(project, unit, [*docs, *held])
    with_units = {int(d) for d in np.unique(doc_ids)}
    for h in held:
        if h["id"] not in with_units:
            raise QualcodeError(f"held-out document '{h['name']}' has no {unit}s (field notes have no turns)")
    docs = [d for d in docs if d["id"] in with_units]  # field notes have no turns: not part of a turn model
    if len(docs) < MIN_DOCUMENTS:
        raise QualcodeError(
            f"{name} has codings in {len(docs)} document(s) with {unit}s outside --holdout; the assistant "
            f"needs {MIN_DOCUMENTS} or more"
        )
    col = {c.id: k for k, c in enumerate(codes)}
    labels = np.zeros((len(starts), len(codes)), dtype=bool)
    rows = project.db.execute(
        "SELECT document_id, code_id, start, [end] FROM codings WHERE coder_id = ? "
        "ORDER BY document_id, code_id, start",
        [coder_id],
    ).fetchall()
    by: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for doc_id, code_id, s, e in rows:
        if code_id in col:
            by.setdefault((doc_id, code_id), []).append((s, e))
    bounds = _doc_bounds(doc_ids)
    for (doc_id, code_id), spans in by.items():
        if doc_id not in bounds:
            continue
        lo, hi = bounds[doc_id]
        labels[lo:hi, col[code_id]] = span_presence(starts[lo:hi], ends[lo:hi], np.array(spans, dtype=np.int64))
    weights = np.ones(labels.shape)
    rejected = accepted = 0
    for doc_id, code_id, s, e, decision in project.db.execute(
        "SELECT document_id, code_id, start, [end], decision FROM assist_decisions WHERE coder_id = ?", [coder_id]
    ).fetchall():
        if doc_id not in bounds or code_id not in col or doc_id in held_ids:
            continue
        if decision == "accepted":
            accepted += 1
            continue
        rejected += 1
        lo, hi = bounds[doc_id]
        hit = span_presence(starts[lo:hi], ends[lo:hi], np.array([(s, e)], dtype=np.int64))
        neg = hit & ~labels[lo:hi, col[code_id]]  # a coding of the coder there still makes it positive
        weights[lo:hi, col[code_id]][neg] = REJECTED_WEIGHT
    codings = sum(per_doc[d["id"]] for d in docs)
    return TrainingData(
        name, coder_id, unit, docs, held, codes, labels, weights, doc_ids, starts, ends, codings, rejected, accepted
    )


def _doc_bounds(doc_ids: npt.NDArray[np.int64]) -> dict[int, tuple[int, int]]:
    out: dict[int, tuple[int, int]] = {}
    if not len(doc_ids):
        return out
    heads = np.concatenate(([0], np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1, [len(doc_ids)]))
    for a, b in zip(heads[:-1].tolist(), heads[1:].tolist()):
        out[int(doc_ids[a])] = (a, b)
    return out


def data_sha256(data: TrainingData, table: UnitTable) -> str:
    """SHA-256 over what the model learns from: each training document's text hash, its units and their
    features, the labels per code (by GUID) and the weights; the held-out documents' text hashes."""
    h = hashlib.sha256()
    train = np.isin(data.doc_ids, [d["id"] for d in data.documents])
    head = {
        "coder": data.coder,
        "unit": data.unit,
        "documents": [[d["name"], d["text_sha256"]] for d in data.documents],
        "holdout": [[d["name"], d["text_sha256"]] for d in data.holdout],
        "codes": [c.guid for c in data.codes],
    }
    h.update(json.dumps(head, ensure_ascii=False, sort_keys=True).encode())
    for a in (data.doc_ids[train], data.starts[train], data.ends[train]):
        h.update(np.ascontiguousarray(a, dtype="<i8").tobytes())
    h.update(np.packbits(data.labels[train]).tobytes())
    h.update(np.ascontiguousarray(data.weights[train], dtype="<f8").tobytes())
    for k in np.flatnonzero(train).tolist():
        h.update(("\x1f".join(table.features[k]) + "\x1e").encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------- fitting
def matrix(vec: Vectoriser, features: Sequence[Sequence[str]]) -> Any:
    from scipy.sparse import csr_matrix

    rows, cols, values = vec.transform(features)
    return csr_matrix((values, (rows, cols)), shape=(len(features), len(vec.vocabulary)))


def _fit(x: Any, y: npt.NDArray[np.bool_], w: FloatArray, seed: int) -> tuple[FloatArray, float]:
    """One class-weighted logistic regression: (coefficients, intercept)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(
        C=PARAMETERS["C"], class_weight="balanced", solver="liblinear", random_state=seed, max_iter=1000
    )
    clf.fit(x, y.astype(np.int64), sample_weight=w)
    return np.asarray(clf.coef_[0], dtype=np.float64), float(clf.intercept_[0])


def _fit_all(
    features: Sequence[Sequence[str]], labels: npt.NDArray[np.bool_], weights: FloatArray, seed: int
) -> tuple[Vectoriser, npt.NDArray[np.float32], FloatArray]:
    vec = fit_vectoriser(features, PARAMETERS["min_df"], PARAMETERS["max_features"])
    x = matrix(vec, features)
    coef = np.zeros((len(vec.vocabulary), labels.shape[1]), dtype=np.float32)
    intercept = np.full(labels.shape[1], -30.0)  # a code without positives here: never suggested
    for j in range(labels.shape[1]):
        y = labels[:, j]
        if y.any() and not y.all():
            c, b = _fit(x, y, weights[:, j], seed)
            coef[:, j] = c
            intercept[j] = b
    return vec, coef, intercept


def folds(groups: npt.NDArray[np.int64]) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """(train, test) unit indices grouped by document; refuses if a document were on both sides."""
    from sklearn.model_selection import GroupKFold

    n_docs = len(np.unique(groups))
    out = []
    for train, test in GroupKFold(n_splits=min(MAX_FOLDS, n_docs)).split(np.zeros(len(groups)), groups=groups):
        if set(groups[train].tolist()) & set(groups[test].tolist()):  # pragma: no cover - GroupKFold's promise
            raise RuntimeError("cross-validation fold has a document on both sides")
        out.append((np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)))
    return out


@dataclass
class Trained:
    model: Model
    stored: bool  # False: an identical model was stored already


def train(
    project: Project,
    coder: str | None = None,
    unit: str = "sentence",
    seed: int = 0,
    holdout: Sequence[str] = (),
    store: bool = True,
) -> Trained:
    """Train, cross-validate, evaluate on ``holdout`` documents, and store the model with its card."""
    require_sklearn()
    if store:
        project.require_writable()
    data = gather(project, coder, unit, holdout)
    train_mask = np.isin(data.doc_ids, [d["id"] for d in data.documents])
    y_train = data.labels[train_mask]
    doc_of = data.doc_ids[train_mask]
    positives = y_train.sum(axis=0)
    n_docs = np.array([len(np.unique(doc_of[y_train[:, j]])) for j in range(len(data.codes))])
    eligible = [j for j in range(len(data.codes)) if positives[j] >= MIN_POSITIVES and n_docs[j] >= MIN_DOCUMENTS]
    too_few = [
        {"id": c.id, "guid": c.guid, "path": c.path, "positives": int(positives[j]), "documents": int(n_docs[j])}
        for j, c in enumerate(data.codes)
        if j not in eligible
    ]
    if not eligible:
        raise QualcodeError(
            f"too few examples: no code has {MIN_POSITIVES} or more positive {unit}s in {MIN_DOCUMENTS} or more "
            f"of {data.coder}'s documents (the most: {int(positives.max(initial=0))})"
        )
    # Checked; from here on derived data (the word index, lemmas) may be written.
    table = unit_table(project, unit, [*data.documents, *data.holdout])
    assert np.array_equal(table.starts, data.starts) and np.array_equal(table.doc_ids, data.doc_ids)
    train_table = table.subset(train_mask)
    labels = y_train[:, eligible]
    weights = data.weights[train_mask][:, eligible]
    sha = data_sha256(data, table)

    # -- cross-validation grouped by document
    oof = np.zeros(labels.shape)
    fold_docs: list[dict[str, list[str]]] = []
    names = {d["id"]: d["name"] for d in [*data.documents, *data.holdout]}
    for tr, te in folds(doc_of):
        tr_docs, te_docs = set(doc_of[tr].tolist()), set(doc_of[te].tolist())
        assert not tr_docs & te_docs, "a test document is in training"
        fold_docs.append({"train": sorted(names[d] for d in tr_docs), "test": sorted(names[d] for d in te_docs)})
        feats = [train_table.features[int(i)] for i in tr]
        vec, coef, intercept = _fit_all(feats, labels[tr], weights[tr], seed)
        fold_model = Model("", {}, vec, [], coef, intercept, np.zeros(0, np.int64), np.zeros(0, np.int64))
        oof[te] = fold_model.predict([train_table.features[int(i)] for i in te])
    cv_counts = np.stack([_grid_counts(labels[:, j], oof[:, j]) for j in range(len(eligible))])
    cv_half = np.array([_counts(labels[:, j], oof[:, j], DEFAULT_THRESHOLD) for j in range(len(eligible))])

    # -- the model, on every training document
    vec, coef, intercept = _fit_all(train_table.features, labels, weights, seed)
    code_ids = [data.codes[j].id for j in eligible]
    model = Model("", {}, vec, code_ids, coef, intercept, cv_counts, np.zeros_like(cv_counts), cv_half)
    hold_mask = ~train_mask
    hold_units = int(np.count_nonzero(hold_mask))
    if data.holdout:
        probs = model.predict(table.subset(hold_mask).features)
        truth = data.labels[hold_mask][:, eligible]
        model.holdout_counts = np.stack([_grid_counts(truth[:, j], probs[:, j]) for j in range(len(eligible))])
        model.holdout_half = np.array(
            [_counts(truth[:, j], probs[:, j], DEFAULT_THRESHOLD) for j in range(len(eligible))]
        )
    else:
        model.holdout_half = np.zeros((len(eligible), 4), dtype=np.int64)

    # -- the card
    lib = versions()
    params = {**PARAMETERS, "seed": seed, "folds": len(fold_docs), "grid": [float(GRID[0]), float(GRID[-1]), 0.01]}
    model_id = hashlib.sha256(
        json.dumps([sha, params, lib, data.unit, data.coder], sort_keys=True).encode()
    ).hexdigest()[:8]
    codes_card = []
    for k, j in enumerate(eligible):
        c = data.codes[j]
        entry: dict[str, Any] = {
            "id": c.id,
            "guid": c.guid,
            "path": c.path,
            "positives": int(positives[j]),
            "documents": int(n_docs[j]),
            "cv": figures(*(int(v) for v in cv_half[k])),
        }
        if data.holdout:
            entry["holdout"] = figures(*(int(v) for v in model.holdout_half[k]))
        codes_card.append(entry)
    model.model_id = model_id
    model.card = {
        "model_id": model_id,
        "created_at": now(),
        "created_by": project.coder,
        "coder": data.coder,
        "unit": data.unit,
        "seed": seed,
        "documents": [d["name"] for d in data.documents],
        "holdout": [d["name"] for d in data.holdout],
        "units": len(train_table),
        "holdout_units": hold_units,
        "codings": data.codings,
        "decisions": {"accepted": data.accepted, "rejected": data.rejected},
        "data_sha256": sha,
        "parameters": params,
        "versions": lib,
        "folds": fold_docs,
        "vocabulary": len(vec.vocabulary),
        "codes": codes_card,
        "too_few": too_few,
    }
    stored = store_model(project, model) if store else False
    return Trained(model, stored)


def uses_documents(model: Model) -> set[str]:
    """Names of every document whose units the model was fitted on."""
    return set(model.card["documents"])
