"""A stored model's vocabulary holds words of its training texts, names included: it never outlives
them. Revising or pseudonymising a text, undoing or redoing that, or removing the document deletes
the models trained on it in the same transaction (not into the history, with secure delete); the
leak scan reads the vocabularies; ``forget_models`` deletes models for good in one event that is
not undoable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qualcode.assist import forget_models, list_models, load_model, train
from qualcode.corpus.documents import get_document, remove_document
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.revision.pseudonyms import add_pseudonym, apply_pseudonyms
from qualcode.revision.pseudonyms.scan import scan_project
from qualcode.revision.revise import revise_document
from qualcode.store import events

DOC = "en_int06_sundholm_user"  # Maggie speaks in it; anna coded it


@pytest.fixture(scope="module")
def trained_template(demo_template: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("trained") / "demo.db"
    shutil.copy(demo_template, path)
    with Project.open(path, coder="anna") as p:
        train(p, "anna")
    return path


@pytest.fixture
def trained(trained_template: Path, tmp_path: Path):
    path = tmp_path / "demo.db"
    shutil.copy(trained_template, path)
    p = Project.open(path, coder="anna")
    yield p
    p.close()


def _model_ids(p: Project) -> list[str]:
    return [m["model_id"] for m in list_models(p)]


def _last_event(p: Project) -> dict:
    row = p.db.execute("SELECT action, summary, changes, undoable FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return dict(zip(("action", "summary", "changes", "undoable"), row))


def _other_model(p: Project, documents: list[str]) -> str:
    """A copy of the stored model whose card says it was trained on ``documents`` only."""
    row = p.db.execute("SELECT * FROM assist_models ORDER BY id LIMIT 1").fetchone()
    cols = [d[1] for d in p.db.execute("PRAGMA table_info(assist_models)")]
    values = dict(zip(cols, row))
    card = json.loads(values["card"])
    card.update(documents=documents, holdout=[])
    values.update(id=None, model_id="0ther000", card=json.dumps(card))
    with p.db.conn:
        p.db.execute(
            f"INSERT INTO assist_models ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
    return "0ther000"


def test_revising_a_training_text_deletes_the_model_in_the_same_event(trained):
    (model,) = _model_ids(trained)
    other = _other_model(trained, ["da_int01_vesterbro_bruger"])
    text = get_document(trained, DOC)["text"]
    preview = revise_document(trained, DOC, text.replace("Maggie", "Mary"), apply=False)
    assert preview.removed and model in preview.removed[0] and "assist train" in preview.removed[0]
    assert set(_model_ids(trained)) == {model, other}  # a preview writes nothing
    report = revise_document(trained, DOC, text.replace("Maggie", "Mary"))
    assert _model_ids(trained) == [other]  # the model not trained on it stays
    assert report.removed == [
        f"removed 1 assist model trained on the old text ({model}; not undoable); "
        "'qualcode assist train' trains a new one"
    ]
    ev = _last_event(trained)
    assert ev["action"] == events.DOCUMENT_REVISE.name and model in ev["summary"]
    assert "assist_models" not in ev["changes"]  # the model's bytes never go into the history
    # undo restores the text, not the model; a model trained in between goes when redo changes the text
    trained.undo()
    assert "Maggie" in get_document(trained, DOC)["text"] and model not in _model_ids(trained)
    train(trained, "anna")
    assert model in _model_ids(trained)  # the same data: the same model id
    ev = trained.redo()
    assert ev is not None and ev["removed"] and model in ev["removed"][0]
    assert model not in _model_ids(trained)


def test_a_failed_revision_keeps_the_model(trained):
    (model,) = _model_ids(trained)
    doc = get_document(trained, DOC)
    with pytest.raises(RuntimeError), trained.transaction(events.DOCUMENT_REVISE, "boom") as tx:
        tx.update("documents", doc["id"], {"text": doc["text"] + "\nmore"})
        assert not trained.db.execute("SELECT 1 FROM assist_models").fetchone()  # gone inside …
        raise RuntimeError("killed")
    assert _model_ids(trained) == [model]  # … and back: one transaction
    assert load_model(trained).model_id == model


def test_removing_a_document_deletes_the_models_trained_on_it(trained):
    (model,) = _model_ids(trained)
    remove_document(trained, DOC, with_codings=True)
    assert _model_ids(trained) == []
    summary = _last_event(trained)["summary"]
    assert "trained on a removed document" in summary and model in summary


def test_pseudonyms_apply_deletes_the_model_and_leaves_no_trace_of_it(trained):
    (model,) = _model_ids(trained)
    blob = trained.db.execute("SELECT model FROM assist_models").fetchone()[0]
    add_pseudonym(trained, "Maggie", "Mary")
    hits = scan_project(trained).hits
    in_model = [h for h in hits if h.place.startswith("assist_models")]
    assert in_model and in_model[0].found == "maggie" and "vocabulary" in in_model[0].place
    trained.db.execute("PRAGMA secure_delete = OFF")  # the deletion must overwrite the pages itself
    report = apply_pseudonyms(trained)
    assert report.removed and model in report.removed[0]
    assert _model_ids(trained) == []
    assert not [h for h in scan_project(trained).hits if h.place.startswith("assist_models")]
    data = Path(trained.path).read_bytes()
    assert blob[200:264] not in data and blob[-64:] not in data  # the compressed bytes are overwritten


def test_forget_models_is_one_event_that_is_not_undoable(trained):
    (model,) = _model_ids(trained)
    other = _other_model(trained, ["da_int01_vesterbro_bruger"])
    with pytest.raises(QualcodeError, match="no assist model 'nope'"):
        forget_models(trained, ["nope", model])
    with pytest.raises(QualcodeError, match="no assist model '%'"):
        forget_models(trained, ["%"])  # a prefix is taken literally
    assert set(_model_ids(trained)) == {model, other}
    done = forget_models(trained, [f"assist:{model[:4]}"])
    assert done.model_ids == [model] and _model_ids(trained) == [other]
    ev = _last_event(trained)
    assert ev["action"] == events.ASSIST_FORGET.name and not ev["undoable"] and ev["changes"] is None
    assert model in ev["summary"] and "not undoable" in ev["summary"]
    assert trained.peek("undo") is None or trained.peek("undo")["action"] != events.ASSIST_FORGET.name
    with pytest.raises(QualcodeError, match="no assist model"):
        load_model(trained, model)
    assert forget_models(trained, None).model_ids == [other]
    assert forget_models(trained, None).model_ids == []  # nothing stored: nothing written
    assert _last_event(trained)["action"] == events.ASSIST_FORGET.name
