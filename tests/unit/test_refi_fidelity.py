"""REFI-QDA fidelity: memos both ways (Notes and the Descriptions peers use), positions decided per
source from evidence, no false alarms, one rule for identity, and a round trip equal field by field
except what REFI cannot carry (listed in the README)."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from qualcode.codebook.codes import list_codes
from qualcode.coding.codings import list_codings, set_coding_memo
from qualcode.coding.memos import list_memos, set_memo
from qualcode.corpus.documents import list_documents
from qualcode.interchange.qdpx_export import export_qdpx
from qualcode.interchange.qdpx_import import import_qdpx
from qualcode.interchange.refi import RefiError, read_project_xml, read_qdpx
from qualcode.project import Project

U = "0A1B2C3D-0000-4000-8000-0000000000A1"
CODE = "0A1B2C3D-0000-4000-8000-0000000000A2"
SRC = "0A1B2C3D-0000-4000-8000-0000000000A3"
SEL = "0A1B2C3D-0000-4000-8000-0000000000A4"
COD = "0A1B2C3D-0000-4000-8000-0000000000A5"
NS = "urn:QDA-XML:project:1.0"


def qde(body: str, origin: str = "SomeTool 1.0", root_extra: str = "", users: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="p" origin="{origin}" xmlns="{NS}" {root_extra}>
 <Users><User guid="{U}" name="kim"/>{users}</Users>
 <CodeBook><Codes><Code guid="{CODE}" name="Help" isCodable="true"/></Codes></CodeBook>
 <Sources>{body}</Sources>
</Project>""".encode()


def selection(start: int, end: int, name: str | None = None, description: str = "", guid: str = SEL) -> str:
    named = f' name="{name}"' if name is not None else ""
    desc = f"<Description>{description}</Description>" if description else ""
    return (
        f'<PlainTextSelection guid="{guid}"{named} startPosition="{start}" endPosition="{end}">{desc}'
        f'<Coding guid="{COD if guid == SEL else guid[:-2] + "FF"}" creatingUser="{U}"><CodeRef targetGUID="{CODE}"/>'
        "</Coding></PlainTextSelection>"
    )


# --- memos from the Descriptions other tools write -------------------------------------------------


def test_qualcoder_style_descriptions_become_memos(tmp_path):
    """QualCoder (like NVivo and MAXQDA) keeps project, document and coding memos as the
    Description of the Project, TextSource and PlainTextSelection; each becomes the matching memo,
    counted by kind, and importing the file again adds nothing."""
    body = (
        f'<TextSource guid="{SRC}" name="int1" creatingUser="{U}"><Description>Interview felt rushed.</Description>'
        f"<PlainTextContent>Hej med dig, jeg hedder Kim.</PlainTextContent>"
        + selection(4, 7, "med", "Greeting, but guarded.")
        + "</TextSource>"
    )
    data = qde(body, origin="QualCoder 3.6").replace(
        b"</Sources>", b"</Sources>\n <Description>Study of help-seeking.</Description>"
    )
    path = tmp_path / "qc.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", data)
    p = Project.create(tmp_path / "p.db", coder="tester")
    report = import_qdpx(p, path)
    assert {k: n for k, n in report.counts.items() if k.endswith("memos")} == {
        "project memos": 1,
        "document memos": 1,
        "code memos": 0,
        "coding memos": 1,
    }
    memos = {(m["target"], m["text"], m["coder"]) for m in list_memos(p)}
    # the document memo is the source's creator's; the project names no creator, so the importer's
    assert memos == {("project", "Study of help-seeking.", "tester"), ("document", "Interview felt rushed.", "kim")}
    assert [c["memo"] for c in list_codings(p)] == ["Greeting, but guarded."]
    again = import_qdpx(p, path)
    assert not any(n for k, n in again.counts.items())
    p.close()


def test_our_export_writes_memos_as_notes_and_as_the_descriptions_peers_read(demo, tmp_path):
    set_memo(demo, "project", None, "Memo on the whole study.", title="Study memo")
    doc = list_documents(demo)[0]
    set_memo(demo, "document", doc["guid"], "Interview felt rushed.")
    first = list_codings(demo)[0]
    set_coding_memo(demo, first["id"], "The coding's own memo.")
    path = tmp_path / "out.qdpx"
    export_qdpx(demo, path)
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    q = {"q": NS}
    assert root.findtext("q:Description", namespaces=q) == "Study memo\n\nMemo on the whole study."
    src = root.find(f".//q:TextSource[@guid='{doc['guid']}']", q)
    assert src.findtext("q:Description", namespaces=q) == "Interview felt rushed."
    sel = root.find(f".//q:Coding[@guid='{first['guid']}']/..", q)
    assert sel.findtext("q:Description", namespaces=q) == "The coding's own memo."
    notes = root.findall(".//q:Notes/q:Note", q)
    assert notes and all(n.get("creationDateTime") for n in notes)  # QualCoder's importer needs the time
    # and the Notes are still there, so our own import reads them once (not twice)
    fresh = Project.create(tmp_path / "fresh.db", coder="tester")
    import_qdpx(fresh, path)
    assert sorted(m["text"] for m in list_memos(fresh)) == sorted(m["text"] for m in list_memos(demo))
    fresh.close()


# --- positions ---------------------------------------------------------------------------------------

EMOJI_TEXT = "👍🏽" * 4 + " Hej med dig, jeg hedder Kim."  # 8 characters beyond U+FFFF, 16 UTF-16 units


def test_one_selection_nvivo_file_after_astral_characters_imports_exactly():
    start = EMOJI_TEXT.index("med")
    body = (
        f'<TextSource guid="{SRC}" name="int1"><PlainTextContent>{EMOJI_TEXT}</PlainTextContent>'
        + selection(start + 8, start + 8 + 3)  # NVivo counts UTF-16 units: every emoji is two
        + "</TextSource>"
    )
    project, report = read_project_xml(qde(body, origin="NVivo 12.6.0.959 (Windows)"))
    c = project.codings[0]
    assert project.sources[0].text[c.start : c.end] == "med"
    assert report.readings == [
        (
            "int1",
            "characters beyond U+FFFF counted as two (UTF-16)",
            "the producer (NVivo 12.6.0.959 (Windows)) counts UTF-16 units",
        )
    ]


def test_a_quoting_name_beats_the_producer_and_an_undecidable_source_is_named():
    start = EMOJI_TEXT.index("med")
    named = (
        f'<TextSource guid="{SRC}" name="int1"><PlainTextContent>{EMOJI_TEXT}</PlainTextContent>'
        + selection(start, start + 3, "med")
        + "</TextSource>"
    )
    project, _ = read_project_xml(qde(named, origin="NVivo 14"))
    c = project.codings[0]
    assert project.sources[0].text[c.start : c.end] == "med"  # code points, because the name says so
    later = EMOJI_TEXT.index("jeg")  # as UTF-16 units this would be "ed ": possible, but not a word
    unnamed = (
        f'<TextSource guid="{SRC}" name="int1"><PlainTextContent>{EMOJI_TEXT}</PlainTextContent>'
        + selection(later, later + 3)
        + "</TextSource>"
    )
    _, report = read_project_xml(qde(unnamed, origin="SomeTool 1.0"))
    assert report.warnings == [
        "source 'int1': positions read as code points, but nothing in the file says whether characters "
        "beyond U+FFFF count once or twice; check its quotes"
    ]


def test_a_utf16_position_inside_an_emoji_rules_utf16_out():
    body = (
        f'<TextSource guid="{SRC}" name="int1"><PlainTextContent>{EMOJI_TEXT}</PlainTextContent>'
        + selection(3, 20)  # unit 3 would split the second emoji: so these are code points
        + "</TextSource>"
    )
    project, report = read_project_xml(qde(body, origin="NVivo 12"))
    c = project.codings[0]
    assert (c.start, c.end) == (3, 20)
    assert report.readings == [("int1", "as stored", "a UTF-16 reading would split a character beyond U+FFFF")]


def test_qc_style_labels_are_not_quotes_so_no_false_warnings(tmp_path):
    """qc names each selection after its line (name="line:6"); that is not a quote."""
    text = "one\ntwo\nthree\nfour\nfive\nsix line here\n"
    start = text.index("six")
    body = (
        f'<TextSource guid="{SRC}" name="int1"><PlainTextContent>{text}</PlainTextContent>'
        + selection(start, start + 12, "line:6")
        + "</TextSource>"
    )
    path = tmp_path / "qc.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde(body, origin="qualitative-coding 1.3.2"))
    p = Project.create(tmp_path / "p.db", coder="tester")
    report = import_qdpx(p, path)
    assert report.warnings == [] and report.counts["codings"] == 1
    p.close()


# --- identity -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "users, body, where",
    [
        (f'<User guid="{U}" name="kim again"/>', "", "<User> repeats GUID " + U + ", already the GUID of <User>"),
        (
            "",
            f'<TextSource guid="{CODE}" name="x"><PlainTextContent>x</PlainTextContent></TextSource>',
            "<TextSource> repeats GUID " + CODE + ", already the GUID of <Code>",
        ),
    ],
)
def test_any_repeated_guid_refuses_the_file_naming_both_places(users, body, where):
    with pytest.raises(RefiError, match="line \\d+: " + where.replace("(", "\\(") + " at line \\d+"):
        read_project_xml(qde(body, users=users))


def test_a_text_path_climbing_out_of_the_archive_refuses_the_import(tmp_path):
    body = f'<TextSource guid="{SRC}" name="evil" plainTextPath="internal://../../etc/passwd"/>'
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde(body))
    with pytest.raises(RefiError, match=r"refused: text path 'internal://\.\./\.\./etc/passwd' climbs out"):
        read_qdpx(path)


# --- the round trip, field by field -------------------------------------------------------------------

NOT_CARRIED = {
    "codes": {"hotkey", "created_at"},  # REFI's <Code> has neither
    "coders": {"created_at"},  # nor has <User>
    "codings": {"updated_at"},  # one time per coding: creationDateTime
    "memos": {"updated_at"},  # one time per note: creationDateTime
}


def table(p: Project, name: str) -> list[dict]:
    """Every row of a table, ids replaced by the GUIDs (or names) they stand for, in a stable order."""
    guid_of = {
        "document_id": dict(p.db.execute("SELECT id, guid FROM documents").fetchall()),
        "code_id": dict(p.db.execute("SELECT id, guid FROM codes").fetchall()),
        "parent_id": dict(p.db.execute("SELECT id, guid FROM codes").fetchall()),
        "coder_id": dict(p.db.execute("SELECT id, name FROM coders").fetchall()),
        "attribute_id": dict(p.db.execute("SELECT id, guid FROM attributes").fetchall()),
    }
    rows = []
    for r in p.db.query(f"SELECT * FROM [{name}]"):
        r.pop("id", None)
        r.pop("sort_order", None)  # compared as order below
        for col, names in guid_of.items():
            if col in r and r[col] is not None:
                r[col] = names[r[col]]
        for col in NOT_CARRIED.get(name, ()):
            r.pop(col)
        rows.append(r)
    return sorted(rows, key=lambda r: sorted((k, str(v)) for k, v in r.items()))


def test_round_trip_equals_the_project_field_by_field(demo, tmp_path):
    set_memo(demo, "project", None, "Memo on the whole study.", title="Study memo")
    set_memo(demo, "document", list_documents(demo)[0]["guid"], "Interview felt rushed.")
    set_memo(demo, "code", list_codes(demo)[-1].guid, "Check this code with bo.")
    first = list_codings(demo)[0]
    set_memo(demo, "coding", first["guid"], "A memo in the memos table on a coding.")
    set_coding_memo(demo, first["id"], "The coding's own memo.")
    path = tmp_path / "demo.qdpx"
    export_qdpx(demo, path)
    fresh = Project.create(tmp_path / "fresh.db", coder="demo")
    report = import_qdpx(fresh, path)
    assert report.skipped == []
    for name in ("documents", "codes", "coders", "codings", "memos", "attributes", "document_attributes"):
        assert table(fresh, name) == table(demo, name), name
    order = "SELECT guid FROM {} ORDER BY sort_order"
    assert (
        fresh.db.execute(order.format("documents")).fetchall() == demo.db.execute(order.format("documents")).fetchall()
    )
    assert [c.guid for c in list_codes(fresh)] == [c.guid for c in list_codes(demo)]
    assert fresh.meta("codebook_title") == demo.meta("codebook_title") is not None
    fresh.close()


def test_a_qualcoder_written_file_keeps_every_memo(tmp_path):
    """QualCoder 4.0's own exporter wrote this file (tests/data/refi/real/PROVENANCE.md): its project,
    file and coding memos are Descriptions, its journal and annotation Notes."""
    from helpers.paths import DATA

    p = Project.create(tmp_path / "p.db", coder="tester")
    report = import_qdpx(p, DATA / "refi" / "real" / "qualcoder40-memos.qdpx")
    assert {k: n for k, n in report.counts.items() if k.endswith("memos")} == {
        "project memos": 2,  # the project memo and the journal
        "document memos": 2,  # the file memo and the annotation (its position is not kept, and said)
        "code memos": 0,  # QualCoder's code and category memos are the codes' descriptions
        "coding memos": 2,
    }
    assert sorted((m["target"], m["title"] or "", m["text"]) for m in list_memos(p)) == [
        ("document", "", "ANNOTATION: she said this twice."),
        ("document", "", "FILE MEMO: first interview, recorded at home."),
        ("project", "", "PROJECT MEMO: migration interviews, pilot."),
        ("project", "Field journal", "JOURNAL: second visit went better than the first."),
    ]
    assert {c["text"]: c["memo"] for c in list_codings(p) if c["memo"]} == {
        "My neighbours helped me a lot": "CODING MEMO 1: the turning point of the story.",
        "We had no help from the council for months": "CODING MEMO 2: compare with interview A.",
    }
    assert "CODE MEMO: informal help from people living nearby." in {c.description for c in list_codes(p)}
    p.close()
