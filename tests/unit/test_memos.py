"""Reading memos for the workbench: every kind in one list, named for people, hidden by blind coding."""

from __future__ import annotations

import pytest

from qualcode.codebook import tree
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import add_coding, remove_coding, set_coding_memo
from qualcode.coding.memos import all_memos, code_memos, codes_with_memos, set_memo
from qualcode.corpus.documents import get_document
from qualcode.corpus.ingest import import_files
from qualcode.project import Project

TEXT = "I: Hvad skete der?\n\nIP: De sagde nej på herberget. Så gik jeg.\n"


@pytest.fixture
def proj(tmp_path) -> Project:
    p = Project.create(tmp_path / "p.db", coder="anna")
    (tmp_path / "d1.txt").write_text(TEXT, encoding="utf-8")
    import_files(p, [tmp_path / "d1.txt"], language="da")
    tree.add_code(p, "Help declined", codable=False)
    tree.add_code(p, "By the service", "Help declined")
    tree.add_code(p, "Stigma")
    yield p
    p.close()


def write_all_kinds(p: Project) -> dict:
    s = TEXT.index("De sagde")
    mine = add_coding(p, "d1", s, s + 8, "Help declined/By the service", memo="shelter said no")
    theirs = add_coding(p, "d1", s, s + 12, "Stigma", coder="bo")
    set_memo(p, "project", None, "Decision log")
    set_memo(p, "document", get_document(p, "d1")["guid"], "Trust builds slowly")
    set_memo(p, "code", get_code(p, "Stigma").guid, "Public or professional?\nSecond thought")
    p.coder = "bo"
    set_memo(p, "code", get_code(p, "Stigma").guid, "bo on stigma")
    set_memo(p, "coding", theirs["guid"], "bo's note on the coding")
    set_coding_memo(p, theirs["id"], "bo's own coding memo")
    p.coder = "anna"
    return {"mine": mine, "theirs": theirs}


def test_every_kind_in_one_list_named_for_people(proj):
    made = write_all_kinds(proj)
    memos = all_memos(proj)
    assert [m.kind for m in memos] == ["project", "document", "code", "code", "coding", "coding", "coding"]
    by_kind = {m.kind: m for m in memos}
    assert by_kind["project"].target == "p" and by_kind["project"].coder == "anna"
    assert by_kind["document"].target == "d1" and by_kind["document"].document_id == get_document(proj, "d1")["id"]
    assert {(m.target, m.coder) for m in memos if m.kind == "code"} == {("Stigma", "anna"), ("Stigma", "bo")}
    codings = [m for m in memos if m.kind == "coding"]
    s = TEXT.index("De sagde")
    assert codings[0].target == f"Help declined/By the service on d1 [{s},{s + 8})"
    assert codings[0].coding_id == made["mine"]["id"] and codings[0].memo_id is None  # codings.memo
    assert codings[0].start == s and codings[0].end == s + 8 and codings[0].document_id is not None
    assert {(m.coder, m.text, m.memo_id is None) for m in codings[1:]} == {
        ("bo", "bo's note on the coding", False),  # the memos table
        ("bo", "bo's own coding memo", True),  # codings.memo
    }
    assert all(m.updated_at for m in memos)
    assert by_kind["code"].first_line in ("Public or professional?", "bo on stigma")
    assert len({m.key for m in memos}) == len(memos)


def test_blind_coding_hides_other_coders_memos(proj):
    write_all_kinds(proj)
    proj.set_blind(True)
    assert {m.coder for m in all_memos(proj)} == {"anna"}
    assert code_memos(proj, get_code(proj, "Stigma").guid) == [("anna", "Public or professional?\nSecond thought")]
    proj.as_supervisor("test")
    assert {m.coder for m in all_memos(proj)} == {"anna", "bo"}


def test_codes_with_memos_and_code_memos_mine_first(proj):
    write_all_kinds(proj)
    stigma = get_code(proj, "Stigma")
    assert codes_with_memos(proj) == {stigma.id}
    proj.coder = "bo"
    assert [c for c, _ in code_memos(proj, stigma.guid)] == ["bo", "anna"]
    set_memo(proj, "code", stigma.guid, "")  # an empty memo deletes bo's
    proj.coder = "anna"
    assert [c for c, _ in code_memos(proj, stigma.guid)] == ["anna"]
    set_memo(proj, "code", stigma.guid, "")
    assert codes_with_memos(proj) == set()


def test_a_removed_coding_takes_its_memos_along(proj):
    made = write_all_kinds(proj)
    remove_coding(proj, made["theirs"]["id"])
    assert [m.coder for m in all_memos(proj) if m.kind == "coding"] == ["anna"]
