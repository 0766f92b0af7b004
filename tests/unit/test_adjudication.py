"""Adjudication into a consensus coder: accept A, B, both or neither; each decision an event."""

import pytest

from qualcode.analysis.agreement.adjudication import accept_agreements, accepted_coders, adjudicate
from qualcode.analysis.agreement.audit import audit
from qualcode.codebook import tree
from qualcode.coding.codings import add_coding, list_codings
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError

TEXT = (
    "I: Did you ask the shelter for a bed? They said no.\n"
    "IP: I waited three weeks. Then I gave up. Nobody called me back.\n\n"
    "I: And the pharmacy?\nIP: They stared at me. I never went back there.\n"
)


@pytest.fixture
def coded(project, tmp_path):
    f = tmp_path / "int1.txt"
    f.write_text(TEXT, encoding="utf-8")
    import_files(project, [f], language="en")
    tree.add_code(project, "Barriers", codable=False)
    tree.add_code(project, "Waiting", parent="Barriers")
    tree.add_code(project, "Stigma", parent="Barriers")
    # Sentences: s1 [3,37) s2 [38,51) s3 [52,77) s4 [78,93) s5 [94,116) s6 [121,138) s7 [139,161) s8 [162,186).
    add_coding(project, "int1", 52, 116, "Barriers/Waiting", coder="anna")
    add_coding(project, "int1", 56, 80, "Barriers/Waiting", coder="bo")
    # Stigma: anna [139,161), bo [143,186): s8 [162,186) only bo → a disagreement.
    add_coding(project, "int1", 139, 161, "Barriers/Stigma", coder="anna")
    add_coding(project, "int1", 143, 186, "Barriers/Stigma", coder="bo")
    add_coding(project, "int1", 3, 37, "Barriers/Stigma", coder="anna")
    add_coding(project, "int1", 3, 37, "Barriers/Stigma", coder="bo")
    return project


def consensus(project):
    return [(c["code"], c["start"], c["end"]) for c in list_codings(project, coder="consensus")]


def the_disagreement(project, code="Barriers/Stigma", unit="sentence"):
    report = audit(project, ["anna", "bo"], unit, [code])
    assert len(report.disagreements) == 1
    return report.disagreements[0]


def test_disagreements_are_passages_with_each_coders_spans(coded):
    d = the_disagreement(coded)
    assert (d.code, d.start, d.end, d.units) == ("Barriers/Stigma", 139, 186, 1)
    assert [(s.start, s.end) for s in d.spans["anna"]] == [(139, 161)]
    assert [(s.start, s.end) for s in d.spans["bo"]] == [(143, 186)]
    # Waiting: bo's [56,80) touches s3 and s4 (78 < 80); anna's [52,116) also s5 → one split sentence.
    w = the_disagreement(coded, "Barriers/Waiting")
    assert (w.start, w.end, w.units) == (52, 116, 1)
    # At character level the same passage disagrees on 52..56 and 80..116: 4 + 36 characters.
    c = the_disagreement(coded, "Barriers/Waiting", "character")
    assert (c.start, c.end, c.units) == (52, 116, 40)


def test_accept_a_then_b_then_both_then_neither(coded):
    d = the_disagreement(coded)
    r = adjudicate(coded, d, "a")
    assert r.accepted == ("anna",) and r.added == ((139, 161),) and r.event_id
    assert consensus(coded) == [("Barriers/Stigma", 139, 161)]
    # Deciding again replaces the decision.
    r = adjudicate(coded, d, "b")
    assert r.removed == ((139, 161),) and r.added == ((143, 186),)
    assert consensus(coded) == [("Barriers/Stigma", 143, 186)]
    adjudicate(coded, d, "both")  # the union of both coders' spans
    assert consensus(coded) == [("Barriers/Stigma", 139, 186)]
    assert list_codings(coded, coder="consensus")[0]["text"] == TEXT[139:186]
    adjudicate(coded, d, "neither")
    assert consensus(coded) == []
    actions = [e["action"] for e in coded.events(limit=4)]
    assert actions == ["adjudicate"] * 4
    assert coded.events(limit=1)[0]["summary"] == ("Barriers/Stigma in int1 [139,186): accepted neither → consensus")


def test_each_decision_is_undoable(coded):
    d = the_disagreement(coded)
    adjudicate(coded, d, "a")
    adjudicate(coded, d, "b")
    assert coded.undo()["action"] == "adjudicate"
    assert consensus(coded) == [("Barriers/Stigma", 139, 161)]
    coded.undo()
    assert consensus(coded) == []
    coded.redo()
    assert consensus(coded) == [("Barriers/Stigma", 139, 161)]


def test_neither_on_an_undecided_passage_is_still_logged(coded):
    d = the_disagreement(coded)
    r = adjudicate(coded, d, "neither")
    assert r.added == () and r.removed == ()
    ev = coded.events(limit=1)[0]
    assert ev["action"] == "adjudicate" and not ev["undoable"]


def test_agreed_passages_make_the_consensus_complete(coded):
    report = audit(coded, ["anna", "bo"], "sentence", ["Barriers/Stigma"])
    for d in report.disagreements:
        adjudicate(coded, d, "b")
    assert accept_agreements(coded, report) == 1  # the agreed [3,37)
    assert consensus(coded) == [("Barriers/Stigma", 3, 37), ("Barriers/Stigma", 143, 186)]
    assert accept_agreements(coded, report) == 0  # nothing twice
    # The consensus now agrees perfectly with bo at sentence level.
    again = audit(coded, ["bo", "consensus"], "sentence", ["Barriers/Stigma"])
    assert again.codes[0].stats.alpha.value == pytest.approx(1.0) and not again.disagreements


def test_choices_and_errors(coded):
    d = the_disagreement(coded)
    assert accepted_coders(d, "A") == ("anna",) and accepted_coders(d, "bo") == ("bo",)
    assert accepted_coders(d, "both") == ("anna", "bo") and accepted_coders(d, "neither") == ()
    with pytest.raises(QualcodeError, match="accept one of a, b, both, neither"):
        accepted_coders(d, "maybe")
    with pytest.raises(QualcodeError, match="consensus coder 'anna' is one of the compared coders"):
        adjudicate(coded, d, "a", consensus="anna")
