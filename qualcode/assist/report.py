"""How good a model is, from its card and its stored counts: what ``assist train`` and ``assist report`` print.

Two views per code: cross-validation (grouped by document) at the decision threshold 0.5 — the
classifier's own quality — and the suggestions at a minimum precision: the threshold chosen from the
cross-validation curve, the precision and recall cross-validation estimates there, and (when documents
were held out) the precision, recall, F1 and α the stored model reaches on them at that threshold,
which are exactly what ``assist suggest --min-precision`` would suggest there.
"""

from __future__ import annotations

import statistics
from typing import Any

from qualcode.assist.model import Model
from qualcode.assist.suggest import thresholds
from qualcode.assist.training import figures
from qualcode.text.wording import plural


def report(model: Model, min_precision: float = 0.8) -> dict[str, Any]:
    """The card with per-code figures at ``min_precision``, the codes without suggestions, and a
    methods sentence."""
    card = model.card
    cols, unreachable = thresholds(model, min_precision)
    codes = []
    for j, entry in enumerate(card["codes"]):
        row: dict[str, Any] = {
            "code": entry["path"],
            "positives": entry["positives"],
            "documents": entry["documents"],
            "cv": entry["cv"],
            "threshold": cols.get(j),
        }
        if j in cols:
            tp, fp, fn = model.counts_at(j, cols[j])
            row["cv_at_threshold"] = figures(tp, fp, fn, card["units"] - tp - fp - fn)
            if card["holdout"]:
                tp, fp, fn = model.counts_at(j, cols[j], holdout=True)
                row["holdout_at_threshold"] = figures(tp, fp, fn, card["holdout_units"] - tp - fp - fn)
        if card["holdout"]:
            row["holdout"] = entry.get("holdout")
        codes.append(row)
    return {
        "model": model.model_id,
        "card": {k: v for k, v in card.items() if k != "codes"},
        "min_precision": min_precision,
        "codes": codes,
        "no_suggestions": {
            "too_few_examples": [c["path"] for c in card["too_few"]],
            "below_precision": unreachable,
        },
        "methods": methods_sentence(model, min_precision),
    }


def _range(values: list[float]) -> str:
    if not values:
        return "undefined"
    return f"a median of {statistics.median(values):.2f} (range {min(values):.2f} to {max(values):.2f})"


def methods_sentence(model: Model, min_precision: float = 0.8) -> str:
    """A paragraph for a methods section, generated from the model card."""
    card = model.card
    v = card["versions"]
    f1 = [c["cv"]["f1"] for c in card["codes"] if c["cv"]["f1"] is not None]
    alpha = [c["cv"]["alpha"] for c in card["codes"] if c["cv"]["alpha"] is not None]
    cols, unreachable = thresholds(model, min_precision)
    text = (
        f"Coding suggestions came from qualcode's offline coding assistant (qualcode {v['qualcode']}, "
        f"scikit-learn {v['scikit-learn']}; model {model.model_id}): one class-weighted logistic regression per "
        f"code over TF-IDF features of lemmas and lemma bigrams of each {card['unit']}, trained on "
        f"{card['coder']}'s {plural(card['codings'], 'coding')} of {plural(len(card['documents']), 'document')} "
        f"({plural(card['units'], card['unit'])}; training data SHA-256 {card['data_sha256'][:12]}…). "
        f"In {card['parameters']['folds']}-fold cross-validation grouped by document, F1 per code was "
        f"{_range(f1)} and Krippendorff's α between the assistant and {card['coder']} was {_range(alpha)} "
        f"over {plural(len(card['codes']), 'code')}"
    )
    if card["too_few"]:
        text += f"; {len(card['too_few'])} code(s) had too few examples and received no suggestions"
    text += (
        f". Suggestions were made where the lower 95% Wilson bound of the cross-validated precision "
        f"(over at least 10 suggestions) was at least {min_precision:g} "
        f"({len(cols)} code(s); {len(unreachable)} could not reach it and received none), "
        f"kept apart as coder assist:{model.model_id}, and none counted as a human coding unless a coder "
        "accepted it."
    )
    if card["holdout"]:
        ho_f1 = [c["holdout"]["f1"] for c in card["codes"] if c.get("holdout") and c["holdout"]["f1"] is not None]
        text += f" On {len(card['holdout'])} held-out documents not used in training, F1 per code was {_range(ho_f1)}."
    return text
