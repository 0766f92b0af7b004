"""Auto-coding: preview writes nothing, apply is one event by the person who ran it, undo restores every row."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.coding.autocode import apply_autocode, auto_coder_name, plan_autocode
from qualcode.coding.codings import list_codings
from qualcode.corpus.documents import document_units, get_document
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.search import search

DERIVED = {"events", "search_docs", "search_vocab", "search_postings", "analysis_cache"}


def snapshot(p: Project, skip: set[str] = DERIVED) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), except the event log and derived caches."""
    tables = [
        r[0]
        for r in p.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_") and r[0] not in skip
    ]
    return {t: sorted(map(tuple, p.db.execute(f"SELECT * FROM [{t}]").fetchall()), key=repr) for t in tables}


def test_preview_apply_undo_leaves_the_project_as_before(demo):
    before = snapshot(demo)
    plan = plan_autocode(demo, "hjælpe", "Help sought", mode="lemma", unit="sentence")
    assert snapshot(demo) == before  # the preview wrote nothing but the search index
    with_index = snapshot(demo, {"events"})
    hits = search(demo, "hjælpe", "lemma")
    assert plan.hits == len(hits.hits) == 6
    # every planned span is the sentence that holds a hit
    for c in plan.planned:
        sentences = document_units(demo, c.document_id, "sentence")
        assert {"start": c.start, "end": c.end} in [{"start": u["start"], "end": u["end"]} for u in sentences]
        assert any(c.start <= h.start and h.end <= c.end for h in hits.hits if h.document_id == c.document_id)
    assert plan.coder == "auto:hjælpe" == auto_coder_name("hjælpe")
    n_events = len(demo.events(1000))

    event_id = apply_autocode(demo, plan)
    rows = list_codings(demo, coder="auto:hjælpe")
    assert len(rows) == len(plan.planned) == 6
    assert all(r["code"] == "Help sought" for r in rows)
    assert all(r["text"] == get_document(demo, r["document_id"])["text"][r["start"] : r["end"]] for r in rows)
    events = demo.events(1000)
    assert len(events) == n_events + 1
    assert events[0]["id"] == event_id and events[0]["coder"] == "anna" and events[0]["action"] == "autocode"
    # running it again finds everything coded already
    again = plan_autocode(demo, "hjælpe", "Help sought", mode="lemma")
    assert again.planned == [] and again.already == 6
    with pytest.raises(QualcodeError, match="nothing to code"):
        apply_autocode(demo, again)

    undone = demo.undo()
    assert undone["id"] == event_id
    assert snapshot(demo, {"events"}) == with_index
    assert "auto:hjælpe" not in {c["name"] for c in demo.coders()}
    # and redo brings the whole run back
    demo.redo()
    assert len(list_codings(demo, coder="auto:hjælpe")) == 6


def test_another_coder_cannot_undo_the_run(demo):
    plan = plan_autocode(demo, "metadon", "Resources/Housing", unit="paragraph")
    apply_autocode(demo, plan)
    bo = Project.open(demo.path, coder="bo")
    try:
        before = len(list_codings(demo, coder=plan.coder))
        assert bo.undo() is None  # bo made no change of their own: anna's run is not bo's to undo
        assert len(list_codings(demo, coder=plan.coder)) == before
    finally:
        bo.close()


def test_units_hits_and_speaker_filter(demo):
    turns = plan_autocode(demo, "metadon", "Barriers/Waiting", unit="turn", speakers=["IP"])
    hit = plan_autocode(demo, "metadon", "Barriers/Waiting", unit="hit", speakers=["IP"])
    assert hit.hits == turns.hits
    assert len(hit.planned) == hit.hits  # one coding per hit
    assert len(turns.planned) <= len(hit.planned)
    for c in turns.planned:
        turn = [u for u in document_units(demo, c.document_id, "turn") if u["start"] == c.start and u["end"] == c.end]
        assert turn and turn[0]["speaker"] == "IP" and c.in_unit
    assert sum(c.hits for c in turns.planned) == turns.hits
    with pytest.raises(QualcodeError, match="grouping code"):
        plan_autocode(demo, "metadon", "Barriers")
    with pytest.raises(QualcodeError, match="extend hits"):
        plan_autocode(demo, "metadon", "Barriers/Waiting", unit="word")


def test_cli_dry_run_then_apply_then_undo(demo):
    runner = CliRunner()
    base = ["-p", str(demo.path), "-c", "anna"]
    before = snapshot(demo)
    out = runner.invoke(main, [*base, "autocode", "methadone", "Barriers/Waiting", "--unit", "sentence"])
    assert out.exit_code == 0, out.output
    assert "preview:" in out.output and "--apply" in out.output
    assert snapshot(demo) == before
    out = runner.invoke(main, [*base, "autocode", "methadone", "Barriers/Waiting", "--apply"])
    assert out.exit_code == 0, out.output
    n = len(list_codings(demo, coder="auto:methadone"))
    assert n > 0 and f"auto-coded {n} sentence(s)" in out.output
    out = runner.invoke(main, [*base, "undo"])
    assert out.exit_code == 0, out.output
    assert snapshot(demo) == before
