"""The offline coding assistant: learns from a coder's own codings, says how good it is, suggests.

Nothing leaves the machine and nothing is downloaded: features come from the project's word index and
lemmas, the classifiers are scikit-learn's logistic regression (the optional ``assist`` extra), and the
fitted model is stored in the project file with its card (``assist_models``, migration 7).

Modules: ``features`` (units and their TF-IDF lemma features), ``training`` (one classifier per code,
cross-validation grouped by document, held-out documents), ``model`` (storing, loading, predicting —
numpy only), ``suggest`` (suggestions, applying them as coder ``assist:<model id>``, accepting and
rejecting), ``report`` (the figures and a methods sentence), ``topics`` (NMF topics of uncoded text).

The Python API for front ends (the workbench's suggestion lane)::

    from qualcode.assist import suggestions, accept, reject

    for s in suggestions(project, document_id, min_precision=0.8, coder=project.coder):
        s.code_id, s.code_path, s.start, s.end, s.confidence, s.model_id   # one unit, one code
    accept(project, s)   # s becomes project.coder's coding: one undoable event naming the model and
                         # the confidence, plus a row in assist_decisions
    reject(project, s)   # one undoable event; the next training counts the unit as a negative

``suggestions`` uses the newest model (or ``model_id=``), loads it once per project file and model id
(numpy only, no scikit-learn) and takes well under half a second for a demo document; with ``coder``
it leaves out what that coder coded with the code already, accepted or rejected. It raises
``QualcodeError`` (one line to show) when no model is stored. Like every ``Project`` call it belongs
in the thread that opened the project.

Training and reporting: ``train(project, coder, unit, seed, holdout)`` → ``Trained(model, stored)``;
``report(model, min_precision)``; ``load_model(project, model_id=None)``; ``plan_suggestions`` and
``apply_suggestions`` (what ``qualcode assist suggest [--apply]`` does); ``topics(project, k, unit,
uncoded)``; ``forget_models(project, ids or None)`` deletes stored models (not undoable).

A stored model's vocabulary holds words of the texts it was trained on, names included. It never
outlives them: a transaction that changes a document's text (a revision, ``pseudonyms apply``, the
undo or redo of one) or removes a document deletes the models trained on it (``store.changes.
LEARNT_FROM_TEXT``, the store's rule, since the revision layer sits below this one), and the leak
scan reads the models' vocabularies.
"""

from qualcode.assist.model import Forgotten, Model, forget_models, list_models, load_model, models_to_forget
from qualcode.assist.report import methods_sentence, report
from qualcode.assist.suggest import (
    Suggestion,
    SuggestionPlan,
    accept,
    apply_suggestions,
    plan_suggestions,
    reject,
    suggestions,
)
from qualcode.assist.topics import topics
from qualcode.assist.training import Trained, require_sklearn, train

__all__ = [
    "Forgotten",
    "Model",
    "Suggestion",
    "SuggestionPlan",
    "Trained",
    "accept",
    "apply_suggestions",
    "forget_models",
    "list_models",
    "load_model",
    "methods_sentence",
    "models_to_forget",
    "plan_suggestions",
    "reject",
    "report",
    "require_sklearn",
    "suggestions",
    "topics",
    "train",
]
