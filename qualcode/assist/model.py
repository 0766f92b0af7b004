"""A trained model: its card, its arrays, how it is stored in the project file and how it predicts.

Stored in ``assist_models`` (migration 7): the card as JSON text and the model as an ``.npz`` archive
of plain numeric arrays — the vocabulary (UTF-8 JSON bytes), IDF weights, one row of coefficients per
code (float32), intercepts, and the per-threshold counts of cross-validation and of held-out
documents. No pickle: a project file is shared, and unpickling a file can run code; ``np.load`` reads
it with ``allow_pickle=False``. Prediction needs numpy only (no scikit-learn), so the workbench can
ask for suggestions fast; loaded models are cached per project file and model id.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qualcode.assist.features import FloatArray, IntArray, Vectoriser
from qualcode.errors import QualcodeError
from qualcode.ids import now
from qualcode.store import events

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qualcode.project import Project

# Decision thresholds at which cross-validation and held-out counts are kept (a confidence ≥ t is a
# suggestion): 0.05, 0.06 … 0.99.
GRID: FloatArray = np.round(np.arange(5, 100) / 100.0, 2)
DEFAULT_THRESHOLD = 0.5
MIN_PREDICTED = 10  # a threshold is chosen only where cross-validation made at least this many suggestions
WILSON_Z = 1.96  # ... and where the lower 95% Wilson bound of their precision reaches the asked precision


def wilson_lower(tp: IntArray, n: IntArray, z: float = WILSON_Z) -> FloatArray:
    """The lower Wilson score bound of tp / n: 3 right of 3 is not "precision 1.0" (its bound is 0.44)."""
    n_f = np.maximum(n, 1).astype(np.float64)
    p = tp / n_f
    centre = p + z * z / (2 * n_f)
    margin = z * np.sqrt(p * (1 - p) / n_f + z * z / (4 * n_f * n_f))
    return np.asarray(np.where(n > 0, (centre - margin) / (1 + z * z / n_f), 0.0))


@dataclass
class Model:
    model_id: str
    card: dict[str, Any]
    vectoriser: Vectoriser
    code_ids: list[int]  # the codes with a classifier, in column order
    coef: npt.NDArray[np.float32]  # features × codes
    intercept: FloatArray  # per code
    cv_counts: IntArray  # codes × 3 (tp, fp, fn) × grid
    holdout_counts: IntArray  # codes × 3 × grid (zeros when nothing was held out)
    cv_half: IntArray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))  # codes × (tp fp fn tn) at 0.5
    holdout_half: IntArray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))

    # -- predicting
    def predict(self, features: Sequence[Sequence[str]]) -> FloatArray:
        """Confidence (the logistic model's probability) per unit and code: units × codes."""
        n = len(features)
        scores = np.tile(self.intercept, (n, 1)) if n else np.zeros((0, len(self.code_ids)))
        rows, cols, values = self.vectoriser.transform(features)
        if len(rows):
            contrib = self.coef[cols].astype(np.float64) * values[:, None]
            order = np.argsort(rows, kind="stable")
            rows, contrib = rows[order], contrib[order]
            heads = np.concatenate(([0], np.flatnonzero(rows[1:] != rows[:-1]) + 1))
            scores[rows[heads]] += np.add.reduceat(contrib, heads, axis=0)
        return np.asarray(1.0 / (1.0 + np.exp(-scores)))

    # -- thresholds
    def threshold(self, column: int, min_precision: float) -> float | None:
        """The lowest grid threshold at which cross-validation made at least ``MIN_PREDICTED``
        suggestions of the code and the lower 95% Wilson bound of their precision is at least
        ``min_precision``: the most recall for that precision. The threshold is chosen on the same
        out-of-fold predictions it is judged on, so the bound (not the point estimate) must reach it;
        held-out documents give the unbiased figure. None when no threshold reaches it."""
        tp, fp, _ = self.cv_counts[column]
        predicted = tp + fp
        with np.errstate(invalid="ignore", divide="ignore"):
            lower = wilson_lower(tp, predicted)
        ok = np.flatnonzero((predicted >= MIN_PREDICTED) & (lower >= min_precision - 1e-12))
        return float(GRID[ok[0]]) if len(ok) else None

    def counts_at(self, column: int, threshold: float, holdout: bool = False) -> tuple[int, int, int]:
        k = int(np.flatnonzero(np.isclose(GRID, threshold))[0])
        tp, fp, fn = (self.holdout_counts if holdout else self.cv_counts)[column, :, k]
        return int(tp), int(fp), int(fn)

    @property
    def code_paths(self) -> dict[int, str]:
        return {int(c["id"]): str(c["path"]) for c in self.card["codes"]}

    @property
    def coder_name(self) -> str:
        return f"assist:{self.model_id}"

    # -- bytes
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            vocabulary=np.frombuffer(json.dumps(self.vectoriser.vocabulary, ensure_ascii=False).encode(), np.uint8),
            idf=self.vectoriser.idf,
            code_ids=np.array(self.code_ids, dtype=np.int64),
            coef=self.coef,
            intercept=self.intercept,
            cv_counts=self.cv_counts,
            holdout_counts=self.holdout_counts,
            cv_half=self.cv_half,
            holdout_half=self.holdout_half,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, model_id: str, card: dict[str, Any], blob: bytes) -> Model:
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            vocabulary = json.loads(z["vocabulary"].tobytes().decode())
            return cls(
                model_id,
                card,
                Vectoriser(vocabulary, z["idf"]),
                [int(c) for c in z["code_ids"]],
                z["coef"],
                z["intercept"],
                z["cv_counts"],
                z["holdout_counts"],
                z["cv_half"],
                z["holdout_half"],
            )


def coefficients_sha256(model: Model) -> str:
    """A hash of what the model computes (vocabulary, IDF, coefficients, intercepts): equal for equal models."""
    h = hashlib.sha256()
    h.update(json.dumps(model.vectoriser.vocabulary, ensure_ascii=False).encode())
    for a in (model.vectoriser.idf, np.array(model.code_ids), model.coef, model.intercept):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------- the table
_CACHE: dict[tuple[str, str], Model] = {}


def store_model(project: Project, model: Model) -> bool:
    """Write the model and its card (one event); False if a model with this id (the same training
    data, parameters and library versions) is stored already."""
    if project.db.execute("SELECT 1 FROM assist_models WHERE model_id = ?", [model.model_id]).fetchone():
        return False
    blob = model.to_bytes()
    card = model.card
    summary = (
        f"trained assist model {model.model_id} on {card['coder']}'s codings ({card['unit']}): "
        f"{len(model.code_ids)} code(s), {len(card['documents'])} document(s), data {card['data_sha256'][:12]}"
    )
    with project.transaction(events.ASSIST_TRAIN, summary) as tx:
        tx.insert(
            "assist_models",
            {
                "model_id": model.model_id,
                "created_at": card.get("created_at") or now(),
                "created_by": card.get("created_by"),
                "coder": card["coder"],
                "unit": card["unit"],
                "data_sha256": card["data_sha256"],
                "card": json.dumps(card, ensure_ascii=False, sort_keys=True),
                "model": blob,
                "model_sha256": hashlib.sha256(blob).hexdigest(),
            },
        )
    _CACHE[(str(project.path), model.model_id)] = model
    return True


def list_models(project: Project) -> list[dict[str, Any]]:
    """Stored models, newest first: id, when, who trained, on whose codings, unit, and the card."""
    rows = project.db.execute(
        "SELECT model_id, created_at, created_by, coder, unit, card FROM assist_models ORDER BY id DESC"
    ).fetchall()
    return [
        {"model_id": m, "created_at": at, "created_by": by, "coder": c, "unit": u, "card": json.loads(card)}
        for m, at, by, c, u, card in rows
    ]


def resolve_model(project: Project, model_id: str) -> str:
    """The stored model's id that ``model_id`` names (the id, a prefix of it, or ``assist:<id>``);
    refuses with one line if none or several."""
    ref = model_id.strip().removeprefix("assist:")
    row = project.db.execute(
        "SELECT model_id FROM assist_models WHERE model_id = ? OR model_id LIKE ? ESCAPE '\\' ORDER BY id DESC",
        [ref, re.sub(r"([\\%_])", r"\\\1", ref) + "%"],  # a prefix, taken literally
    ).fetchall()
    if not ref or (len(row) != 1 and not any(r[0] == ref for r in row)):
        known = [r[0] for r in project.db.execute("SELECT model_id FROM assist_models ORDER BY id DESC LIMIT 5")]
        if row and ref:
            raise QualcodeError(f"model '{ref}' is ambiguous: {', '.join(r[0] for r in row)}")
        raise QualcodeError(
            f"no assist model '{ref}'" + (f"; stored: {', '.join(known)}" if known else "; none is stored yet")
        )
    return ref if any(r[0] == ref for r in row) else str(row[0][0])


@dataclass
class Forgotten:
    model_ids: list[str]  # deleted (empty: none was stored, nothing written)
    log_emptied: bool = True  # the write-ahead log could be emptied (nobody else had the file open)


def models_to_forget(project: Project, model_ids: Sequence[str] | None) -> list[str]:
    """The stored ids ``model_ids`` name (``None``: every stored model), oldest first; refuses an
    unknown or ambiguous one with one line. Nothing is written."""
    if model_ids is None:
        return [r[0] for r in project.db.execute("SELECT model_id FROM assist_models ORDER BY id")]
    return list(dict.fromkeys(resolve_model(project, m) for m in model_ids))


def forget_models(project: Project, model_ids: Sequence[str] | None) -> Forgotten:
    """Delete stored models for good (``None``: every one): one event that is not undoable — the log
    never held a model's bytes (``store_model``), so there is nothing to bring back. The freed pages
    are overwritten and the write-ahead log emptied when nobody else has the project open. An unknown
    id is refused before anything is written; with none stored, nothing is written."""
    project.require_writable()
    ids = models_to_forget(project, model_ids)
    if not ids:
        return Forgotten([])
    summary = f"forgot {len(ids)} assist model(s): {', '.join(ids)} (not undoable; the models were not in the log)"
    secure = project.db.execute("PRAGMA secure_delete").fetchone()[0]
    project.db.execute("PRAGMA secure_delete = ON")
    try:
        with project.transaction(events.ASSIST_FORGET, summary) as tx:
            for mid in ids:
                (rid,) = project.db.execute("SELECT id FROM assist_models WHERE model_id = ?", [mid]).fetchone()
                tx.delete("assist_models", rid)
    finally:
        project.db.execute(f"PRAGMA secure_delete = {int(secure)}")
    for mid in ids:
        _CACHE.pop((str(project.path), mid), None)
    busy = project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return Forgotten(ids, not busy)


def load_model(project: Project, model_id: str | None = None) -> Model:
    """A stored model (the newest when ``model_id`` is None), cached per project file and id."""
    if model_id:
        mid = resolve_model(project, model_id)
    else:
        first = project.db.execute("SELECT model_id FROM assist_models ORDER BY id DESC LIMIT 1").fetchone()
        if first is None:
            raise QualcodeError("no assist model yet: train one with 'qualcode assist train'")
        mid = first[0]
    key = (str(project.path), mid)
    live = {r[0] for r in project.db.execute("SELECT model_id FROM assist_models")}
    for gone in [k for k in _CACHE if k[0] == key[0] and k[1] not in live]:
        del _CACHE[gone]  # a model deleted here or elsewhere (its words with it) leaves memory too
    if key not in _CACHE:
        card, blob = project.db.execute("SELECT card, model FROM assist_models WHERE model_id = ?", [mid]).fetchone()
        _CACHE[key] = Model.from_bytes(mid, json.loads(card), blob)
    return _CACHE[key]
