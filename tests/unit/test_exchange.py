"""Projects ↔ REFI-QDA: export, import, round trips, other tools' files, merging rules."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers.db import dump
from helpers.paths import DATA as TEST_DATA
from qualcode.codebook.codes import get_code, list_codes
from qualcode.coding.codings import add_coding, get_coding, list_codings, set_coding_memo
from qualcode.coding.memos import list_memos, set_memo
from qualcode.corpus.attributes import attribute_types, document_attributes, import_attributes_csv
from qualcode.corpus.documents import document_units, get_document, list_documents
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.interchange.qdpx_export import export_qdc, export_qdpx
from qualcode.interchange.qdpx_import import COUNTED, import_qdc, import_qdpx
from qualcode.interchange.refi_mapping import compose_description, derived_guid, split_description
from qualcode.project import Project

DATA = TEST_DATA / "refi"
SHARED = TEST_DATA / "refi" / "real"  # real exports, kept with the tests (PROVENANCE.md there)
HANDMADE = DATA / "handmade-themes.qdpx"
ANNA = "86D96175-70FA-46FA-88FD-425EAE3D6EB7"
BO = "F8CDD31D-3CFA-4770-A551-CDB9C0A8F39C"


# ----------------------------------------------------------------------------- what a project holds


def documents(p: Project) -> list[tuple]:
    return [
        (
            d["guid"],
            d["name"],
            d["kind"],
            d["language"],
            d["char_count"],
            d["word_count"],
            get_document(p, d["id"])["text"],
        )
        for d in list_documents(p)
    ]


def codes(p: Project) -> list[tuple]:
    return [
        (
            c.guid,
            c.path,
            c.colour.upper() if c.colour else None,
            c.description,
            c.inclusion,
            c.exclusion,
            c.example,
            c.codable,
        )
        for c in list_codes(p)
    ]


def coders(p: Project) -> list[tuple]:
    return sorted((c["guid"], c["name"]) for c in p.coders())


def codings(p: Project) -> list[tuple]:
    guid = {d["id"]: d["guid"] for d in list_documents(p)}
    code_guid = {c.id: c.guid for c in list_codes(p)}
    return sorted(
        (
            c["guid"],
            guid[c["document_id"]],
            code_guid[c["code_id"]],
            c["coder"],
            c["start"],
            c["end"],
            c["text"],
            c["memo"],
        )
        for c in list_codings(p)
    )


def attributes(p: Project) -> dict:
    guid = {d["id"]: d["guid"] for d in list_documents(p)}
    return {guid[k]: v for k, v in document_attributes(p).items()}


def memos(p: Project) -> list[tuple]:
    return sorted(
        (m["guid"], m["target"], m["target_guid"] or "", m["coder"], m["title"] or "", m["text"]) for m in list_memos(p)
    )


def units(p: Project) -> list:
    return [
        [
            (u["start"], u["end"], u["speaker"])
            for kind in ("sentence", "paragraph", "turn")
            for u in document_units(p, d["id"], kind)
        ]
        for d in list_documents(p)
    ]


def add_memos(p: Project) -> None:
    set_memo(p, "project", None, "Memo on the whole study.", title="Study memo")
    set_memo(p, "document", list_documents(p)[0]["guid"], "Interview felt rushed.")
    set_memo(p, "code", list_codes(p)[-1].guid, "Check this code with bo.")
    first = list_codings(p)[0]
    set_memo(p, "coding", first["guid"], "A memo in the memos table on a coding.")
    set_coding_memo(p, first["id"], "The coding's own memo.")


# ----------------------------------------------------------------------------- round trip


def test_demo_round_trips_through_qdpx(demo, tmp_path):
    add_memos(demo)
    path = tmp_path / "demo.qdpx"
    model = export_qdpx(demo, path)
    n_codings = len(list_codings(demo))
    users = len(demo.coders())  # anna and bo, and "demo", who imported the texts and made the project
    assert (len(model.sources), len(model.all_codes()), len(model.codings), len(model.users)) == (
        12,
        22,
        n_codings,
        users,
    )

    fresh = Project.create(tmp_path / "fresh.db", coder="tester")
    report = import_qdpx(fresh, path)
    kinds = [m["target"] for m in list_memos(demo)]
    n_values = sum(len(v) for v in document_attributes(demo).values())
    assert report.counts == {
        "documents": 12,
        "coders": users,
        "codes": 22,
        "codings": n_codings,
        "attribute values": n_values,
        "project memos": kinds.count("project"),
        "document memos": kinds.count("document"),
        "code memos": kinds.count("code"),
        "coding memos": kinds.count("coding") + sum(1 for c in list_codings(demo) if c["memo"]),
    }
    assert report.skipped == []
    assert documents(fresh) == documents(demo)
    assert codes(fresh) == codes(demo)
    assert coders(fresh) == coders(demo)
    assert codings(fresh) == codings(demo)
    assert attributes(fresh) == attributes(demo)
    assert attribute_types(fresh) == attribute_types(demo)
    assert memos(fresh) == memos(demo)
    assert units(fresh) == units(demo)
    assert [c.hotkey for c in list_codes(fresh)] == [None] * 22  # REFI has no hotkeys (documented)
    assert fresh.events(1)[0]["action"] == "qdpx.import"


def test_importing_the_same_file_twice_changes_nothing(demo, tmp_path):
    path = tmp_path / "demo.qdpx"
    export_qdpx(demo, path)
    fresh = Project.create(tmp_path / "fresh.db", coder="tester")
    import_qdpx(fresh, path)
    before = dump(fresh.path)
    report = import_qdpx(fresh, path)
    assert dump(fresh.path) == before
    assert report.counts == dict.fromkeys(COUNTED, 0)
    assert COUNTED[-4:] == ("project memos", "document memos", "code memos", "coding memos")
    assert report.lines()[0] == f"{path}: imported nothing"
    assert report.lines()[-1].startswith("note: already in the project, unchanged: 12 documents, 2 coders, 22 codes, ")
    # and back into the project it came from: everything is already there
    before = dump(demo.path)
    import_qdpx(demo, path)
    assert dump(demo.path) == before


def test_crlf_emoji_and_combining_characters_round_trip(project, tmp_path):
    raw = (
        "I: Hvordan gik det?\r\nIP: Caf\u0065\u0301en var lukket 😞 igen.\r\n\r\n"
        "I: Og så?\r\nIP: Så gik jeg 🚶\u200d♂️ hjem.\r\n"
    )
    (tmp_path / "int01.txt").write_bytes(raw.encode("utf-8"))
    import_files(project, [tmp_path / "int01.txt"], language="da")
    text = get_document(project, "int01")["text"]
    assert "\r" not in text and "Caf\u00e9en" in text
    from qualcode.codebook.tree import add_code

    add_code(
        project,
        "Barriers",
        colour="#32BD59",
        description="What stands between.",
        inclusion="Closed doors.",
        example="Caféen var lukket",
    )
    add_code(project, "Opening hours", parent="Barriers")
    spans = [
        (text.index("Caféen"), text.index("igen") + 4),
        (text.index("😞"), text.index("😞") + 1),
        (text.index("Så gik"), text.index("hjem") + 4),
    ]
    for start, end in spans:
        add_coding(project, "int01", start, end, "Barriers/Opening hours")
    expected = [text[s:e] for s, e in spans]
    assert expected == ["Caféen var lukket 😞 igen", "😞", "Så gik jeg 🚶\u200d♂️ hjem"]

    (tmp_path / "attrs.csv").write_text(
        "document,age,score,consent,site\nint01,47,3.5,yes,Nordvest\n", encoding="utf-8"
    )
    import_attributes_csv(project, tmp_path / "attrs.csv")
    path = tmp_path / "x.qdpx"
    export_qdpx(project, path)
    with zipfile.ZipFile(path) as zf:
        stored = zf.read(f"sources/{get_document(project, 'int01')['guid']}.txt").decode("utf-8")
        qde = zf.read("project.qde")
    assert stored == text  # "\n" line breaks, NFC: positions are code points into exactly this
    import xmlschema

    xmlschema.XMLSchema(str(DATA / "Project-mrt2019.xsd")).validate(qde)
    assert b"<IntegerValue>47</IntegerValue>" in qde and b"<FloatValue>3.5</FloatValue>" in qde
    assert b"<BooleanValue>true</BooleanValue>" in qde

    fresh = Project.create(tmp_path / "fresh.db", coder="tester")
    import_qdpx(fresh, path)
    assert [(c["start"], c["end"], c["text"]) for c in list_codings(fresh)] == [
        (s, e, t) for (s, e), t in zip(spans, expected)
    ]
    assert codings(fresh) == codings(project)
    assert codes(fresh) == codes(project)
    assert (
        attributes(fresh)
        == attributes(project)
        == {get_document(project, "int01")["guid"]: {"age": 47, "score": 3.5, "consent": True, "site": "Nordvest"}}
    )
    assert attribute_types(fresh) == {"age": "integer", "score": "float", "consent": "boolean", "site": "text"}
    assert get_code(fresh, "Barriers").inclusion == "Closed doors."
    assert get_code(fresh, "Barriers").example == "Caféen var lukket"


def test_export_validates_against_the_project_schema(demo, tmp_path):
    import xmlschema

    add_memos(demo)
    path = tmp_path / "demo.qdpx"
    export_qdpx(demo, path)
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde")
        names = zf.namelist()
    xmlschema.XMLSchema(str(DATA / "Project-mrt2019.xsd")).validate(qde)
    assert names == ["project.qde"] + [f"sources/{d['guid']}.txt" for d in list_documents(demo)]


def test_export_is_read_by_pyrefiqda_with_the_same_counts(demo, tmp_path):
    from pyrefiqda import RefiProject

    path = tmp_path / "demo.qdpx"
    export_qdpx(demo, path)
    other = RefiProject.load(path, extract_dir=str(tmp_path / "extracted"))

    def walk(cs):
        for c in cs:
            yield c
            yield from walk(c.code)

    sources = other.sources.text_source
    n_codings = sum(len(sel.coding) for s in sources for sel in s.plain_text_selection)
    assert (len(sources), len(list(walk(other.code_book.codes.code))), n_codings) == (
        len(list_documents(demo)),
        len(list_codes(demo)),
        len(list_codings(demo)),
    )
    assert len(other.users.user) == len(demo.coders())


def test_export_of_some_coders(demo, tmp_path):
    model = export_qdpx(demo, tmp_path / "bo.qdpx", coders=["bo"])
    bo = {c["guid"] for c in demo.coders() if c["name"] == "bo"}
    assert [u.name for u in model.users] == ["bo"]
    assert {c.coder_guid for c in model.codings} == bo
    assert len(model.codings) == len(list_codings(demo, coder="bo"))
    with pytest.raises(QualcodeError, match=r"no coder named 'carl'; known: anna, bo"):
        export_qdpx(demo, tmp_path / "x.qdpx", coders=["carl"])


# ----------------------------------------------------------------------------- other tools' files


def test_maxqda24_export_imports_ten_sources_and_a_two_level_codebook(project):
    report = import_qdpx(project, SHARED / "maxqda24-icls-themes.qdpx")
    docs = list_documents(project)
    assert len(docs) == 10 and all(d["name"].startswith("ICLS 202") and d["char_count"] > 0 for d in docs)
    assert [d["name"] for d in docs][:2] == ["ICLS 2024 3-10", "ICLS 2024 11-18"]
    cs = list_codes(project)
    assert (len(cs), max(c.depth for c in cs), sum(c.depth == 0 for c in cs)) == (307, 1, 18)
    first = cs[0]
    assert (first.path, first.colour) == ("Additional Themes and Ideas", "#ef8256")
    assert first.description.startswith("This category encompasses a range of specific theoretical concepts")
    assert cs[1].path == "Additional Themes and Ideas/THEME - Affinity Spaces (Gee)"
    assert cs[1].description == "Apply this code when a study uses Gee's concept of affinity spaces."
    assert all(c.colour and c.description for c in cs)
    assert [c["name"] for c in project.coders()] == ["johnb"]
    assert report.counts["documents"] == 10 and report.counts["codes"] == 307
    assert "skipped 2 × Set: sets are not imported" in report.lines()


def test_handmade_fixture_imports_texts_codes_coders_and_codings(project):
    report = import_qdpx(project, HANDMADE)
    assert report.lines() == [
        f"{HANDMADE}: imported 3 documents, 2 coders, 9 codes, 10 codings",
        "skipped 1 × Set: sets are not imported",
        "positions of 'Field note Vesterbro': as stored (selection edges fall on word boundaries only so)",
    ]
    assert [d["name"] for d in list_documents(project)] == [
        "Interview 05 Nordvest (user)",
        "Field note Vesterbro",
        "Interview 06 Sundholm (social worker)",
    ]
    assert coders(project) == [(ANNA, "anna"), (BO, "bo")]
    assert [(c.path, c.colour) for c in list_codes(project)][:3] == [
        ("Help", "#ef8256"),
        ("Help/Help sought", "#ef8256"),
        ("Help/Help declined", "#ef8256"),
    ]
    got = [(c["document"][:14], c["code"], c["coder"], c["start"], c["end"], c["text"]) for c in list_codings(project)]
    assert got == [
        ("Interview 05 N", "Help/Help declined", "anna", 47, 71, "Jeg går ikke på kontoret"),
        ("Interview 05 N", "Barriers/Shame and stigma", "anna", 73, 88, "De kigger på én"),
        ("Interview 05 N", "Help/Help declined", "bo", 73, 88, "De kigger på én"),
        ("Interview 05 N", "Resources/Nurse", "bo", 120, 133, "sygeplejerske"),
        ("Field note Ves", "Help/Help sought", "anna", 27, 34, "🙂 kl. 9"),
        ("Field note Ves", "Help/Help declined", "anna", 48, 73, "Jeg vil ikke på afrusning"),
        ("Field note Ves", "Resources/Peer support", "anna", 85, 96, "Café Dugnad"),
        ("Field note Ves", "Resources/Peer support", "bo", 106, 132, "peer-medarbejder hjalp ham"),
        ("Interview 06 S", "Help/Help declined", "bo", 69, 95, "Many decline help at first"),
        ("Interview 06 S", "Barriers/Opening hours", "bo", 101, 128, "Opening hours are a barrier"),
    ]
    assert get_coding(project, "{c90c3ddc-ce0b-4d9d-99ff-ab0e104150b1}".strip("{}"))["text"] == "Café Dugnad"


def make_qdpx(path: Path, qde: str, sources: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for name, text in sources.items():
            zf.writestr(name, text)
    return path


G = [f"{i:08X}-0000-4000-8000-000000000000" for i in range(40)]


def qde(body: str, users: str = f'<User guid="{ANNA}" name="anna"/>') -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="test">'
        f'<Users>{users}</Users><CodeBook><Codes><Code guid="{G[1]}" name="Help" isCodable="true" color="#112233">'
        f"<Description>Asking.\n\nExample: Jeg ringede.</Description></Code>"
        f'<Code guid="{G[2]}" name="Places" isCodable="false"/></Codes></CodeBook>{body}</Project>'
    )


def text_source(guid: str, name: str, selections: str = "") -> str:
    return f'<TextSource guid="{guid}" name="{name}" plainTextPath="internal://{guid}.txt">{selections}</TextSource>'


def selection(guid: str, start: int, end: int, coding: str, code: str, name: str | None = None) -> str:
    n = f' name="{name}"' if name else ""
    return (
        f'<PlainTextSelection guid="{guid}"{n} startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{coding}" creatingUser="{ANNA}"><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


TEXT = "Jeg ringede til sygeplejersken i går."


def test_pictures_audio_pdf_and_bad_codings_are_reported_not_dropped(project, tmp_path):
    body = (
        "<Sources>"
        + text_source(
            G[10],
            "Interview",
            selection(G[11], 0, 11, G[12], G[1], "Jeg ringede")
            + selection(G[13], 16, 30, G[14], G[1], "til lægen")
            + selection(G[15], 5, 5, G[16], G[1])
            + selection(G[17], 0, 3, G[18], G[2]),
        )
        + f'<PictureSource guid="{G[20]}" name="Map" path="internal://{G[20]}.png">'
        f'<PictureSelection guid="{G[21]}" firstX="0" firstY="0" secondX="1" secondY="1"/></PictureSource>'
        + f'<AudioSource guid="{G[22]}" name="Walk" path="internal://{G[22]}.mp3"/>'
        + f'<PDFSource guid="{G[23]}" name="Report" path="internal://{G[23]}.pdf">'
        f'<PDFSelection guid="{G[24]}" page="1" firstX="0" firstY="0" secondX="1" secondY="1"/></PDFSource>'
        + "</Sources>"
    )
    path = make_qdpx(tmp_path / "mixed.qdpx", qde(body), {f"sources/{G[10]}.txt": TEXT})
    report = import_qdpx(project, path)
    assert report.counts["documents"] == 1 and report.counts["codings"] == 3
    assert report.skipped_counts() == {
        "PictureSource": 1,
        "AudioSource": 1,
        "PDFSelection": 1,
        "PDFSource": 1,
        "Coding": 1,
    }
    lines = report.lines()
    assert "skipped 1 × Coding: empty selection" in lines
    assert "skipped 1 × PictureSource: picture sources are not imported (with 1 selections/transcripts)" in lines
    assert any(
        line.startswith(
            f"note: coding {G[14]} [16,30): the file quotes 'til lægen' but the text there reads 'sygeplejersken'"
        )
        for line in lines
    )
    # the grouping code holds a coding in the file: made codable rather than losing the coding
    assert "note: code 'Places' is not codable in the source but holds codings: made codable" in lines
    assert [(c["code"], c["text"]) for c in list_codings(project)] == [
        ("Places", "Jeg"),
        ("Help", "Jeg ringede"),
        ("Help", "sygeplejersken"),
    ]
    assert (get_code(project, "Help").description, get_code(project, "Help").example) == ("Asking.", "Jeg ringede.")


def test_a_known_source_with_another_text_is_refused_and_nothing_changes(project, tmp_path):
    import_qdpx(project, HANDMADE)
    with zipfile.ZipFile(HANDMADE) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    changed = "sources/A04D3BF4-B224-4C41-81AC-A3F66162BB61.txt"
    entries[changed] = entries[changed].replace("Mændenes Hjem".encode(), b"Halmtorvet")
    entries["project.qde"] = entries["project.qde"].replace(b'name="bo"', b'name="bodil"')
    path = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)
    before = dump(project.path)
    with pytest.raises(QualcodeError) as err:
        import_qdpx(project, path)
    assert str(err.value) == (
        "edited.qdpx: source 'Field note Vesterbro' (A04D3BF4-B224-4C41-81AC-A3F66162BB61) is already in the project "
        "as document 'Field note Vesterbro' with a different text; an import never replaces a text, so nothing "
        "was imported (use 'qualcode revise' for a corrected text, or import into a new project)"
    )
    assert dump(project.path) == before


def test_same_coder_name_with_another_guid_is_kept_apart(project, tmp_path):
    project.coder_id("anna")
    import_qdpx(project, HANDMADE)
    names = {c["name"]: c["guid"] for c in project.coders()}
    assert names["anna (86D96175)"] == ANNA and names["bo"] == BO and names["anna"] != ANNA
    assert {c["coder"] for c in list_codings(project)} == {"anna (86D96175)", "bo"}


def test_codes_merge_by_guid_then_path_and_project_codes_are_kept(project, tmp_path):
    from qualcode.codebook.tree import add_code

    add_code(project, "Help", colour="#000000", hotkey="h")  # same path as the file's "Help", another GUID
    add_code(project, "Resources")
    add_code(project, "Nurse", parent="Resources")
    report = import_qdpx(project, HANDMADE)
    help_ = get_code(project, "Help")
    assert (help_.colour, help_.hotkey, help_.description) == ("#000000", "h", None)  # kept
    assert (
        "note: code 'Help' (666437DC-03E5-4DBA-84E6-587B9ABC395A) matched the project's code of that path "
        f"({help_.guid}) by path" in report.lines()
    )
    assert "note: code 'Help': the source differs in colour, description; kept the project's" in report.lines()
    assert [c.path for c in list_codes(project)] == [
        "Help",
        "Help/Help sought",
        "Help/Help declined",
        "Resources",
        "Resources/Nurse",
        "Resources/Peer support",
        "Barriers",
        "Barriers/Shame and stigma",
        "Barriers/Opening hours",
    ]
    assert len(list_codings(project, code="Resources/Nurse")) == 1


def test_attributes_and_memos_come_in_as_variables_cases_and_notes(project, tmp_path):
    var_kind, var_age, var_site = derived_guid("variable", "kind"), G[30], G[31]
    body = (
        f'<Variables><Variable guid="{var_kind}" name="kind" typeOfVariable="Text"/>'
        f'<Variable guid="{var_age}" name="age" typeOfVariable="Integer"/>'
        f'<Variable guid="{var_site}" name="site" typeOfVariable="Text"/></Variables>'
        f'<Cases><Case guid="{G[32]}" name="P05"><VariableValue><VariableRef targetGUID="{var_age}"/>'
        f'<IntegerValue>47</IntegerValue></VariableValue><VariableValue><VariableRef targetGUID="{var_site}"/>'
        f'<TextValue>Nordvest</TextValue></VariableValue><SourceRef targetGUID="{G[10]}"/></Case></Cases>'
        "<Sources>"
        + text_source(G[10], "Interview", selection(G[11], 0, 11, G[12], G[1])).replace(
            "</TextSource>",
            f'<NoteRef targetGUID="{G[34]}"/><VariableValue><VariableRef targetGUID="{var_kind}"/>'
            f"<TextValue>fieldnote</TextValue></VariableValue></TextSource>",
        )
        + "</Sources>"
        f'<Notes><Note guid="{G[34]}" name="Observation" creatingUser="{ANNA}"><PlainTextContent>Rainy day.'
        f'</PlainTextContent></Note><Note guid="{G[35]}" name="Free"><PlainTextContent>About everything.'
        f'</PlainTextContent></Note><Note guid="{G[36]}" name="On Help"><PlainTextContent>Broad code.'
        f"</PlainTextContent></Note></Notes>"
    )
    qde_text = qde(body).replace("</Description></Code>", f'</Description><NoteRef targetGUID="{G[36]}"/></Code>')
    path = make_qdpx(tmp_path / "attrs.qdpx", qde_text, {f"sources/{G[10]}.txt": TEXT})
    report = import_qdpx(project, path)
    doc = get_document(project, "Interview")
    assert doc["kind"] == "fieldnote"
    assert document_attributes(project, doc["id"]) == {doc["id"]: {"age": 47, "site": "Nordvest"}}
    assert attribute_types(project) == {"age": "integer", "site": "text"}
    assert [(m["target"], m["target_guid"], m["coder"], m["title"], m["text"]) for m in list_memos(project)] == [
        ("document", G[10], "anna", "Observation", "Rainy day."),
        ("project", None, "tester", "Free", "About everything."),
        ("code", G[1], "tester", "On Help", "Broad code."),
    ]
    memo_counts = {k: n for k, n in report.counts.items() if k.endswith("memos")}
    assert memo_counts == {"project memos": 1, "document memos": 1, "code memos": 1, "coding memos": 0}
    assert report.counts["attribute values"] == 2


def test_descriptions_carry_inclusion_exclusion_example_recognisably():
    text = compose_description("Asking for help.", "Phoning.\nVisiting.", None, "Jeg ringede.")
    assert text == "Asking for help.\n\nInclusion: Phoning.\nVisiting.\n\nExample: Jeg ringede."
    assert split_description(text) == {
        "description": "Asking for help.",
        "inclusion": "Phoning.\nVisiting.",
        "exclusion": None,
        "example": "Jeg ringede.",
    }
    assert split_description("Inclusion: only this") == {
        "description": None,
        "inclusion": "only this",
        "exclusion": None,
        "example": None,
    }
    # out of order or inline labels are plain description text
    plain = "See the Example: section.\n\nExclusion: x\n\nInclusion: y"
    assert split_description(plain)["description"] == "See the Example: section."
    assert split_description(plain)["inclusion"] is None
    assert split_description(plain)["exclusion"] == "x\n\nInclusion: y"
    assert compose_description(None) is None


# ----------------------------------------------------------------------------- .qdc


def test_codebook_round_trips_through_qdc_and_validates(demo, tmp_path):
    import xmlschema

    path = tmp_path / "demo.qdc"
    export_qdc(demo, path)
    xmlschema.XMLSchema(str(DATA / "Codebook.xsd")).validate(path.read_bytes())
    fresh = Project.create(tmp_path / "fresh.db", coder="tester")
    report = import_qdc(fresh, path)
    assert report.counts == {"new codes": 22, "changed codes": 0}
    assert codes(fresh) == codes(demo)
    before = dump(fresh.path)
    import_qdc(fresh, path)
    assert dump(fresh.path) == before
    fresh.undo()  # a codebook import is one undoable step
    assert list_codes(fresh) == []


def test_qdc_import_updates_matched_codes_and_keeps_hotkeys(demo, tmp_path):
    from qualcode.codebook.tree import update_code

    path = tmp_path / "demo.qdc"
    export_qdc(demo, path)
    update_code(demo, "Help sought", name="Help asked", colour="#000000", inclusion=None)
    report = import_qdc(demo, path)
    assert report.counts == {"new codes": 0, "changed codes": 1}
    c = get_code(demo, "Help sought")
    assert (c.colour, c.hotkey) == ("#1f77b4", "h")  # the colour as the project spells it
    assert c.inclusion.startswith("Accounts of asking, phoning")


def test_taguette_codebook_with_empty_sets_imports(project):
    report = import_qdc(project, DATA / "taguette-codebook.qdc")
    assert [(c.guid, c.path, c.description) for c in list_codes(project)] == [
        ("3F2B7F0C-3E0B-5C7A-9E8B-1B7F0C3E0B5C", "barriers", "What stands between people and help"),
        ("9D2C1A40-6E55-5B1D-8F0A-2C4D6E8F0A1B", "help.declined", None),
        ("5A7E3C21-0B9D-5F4E-A1C3-E5F7091B3D5F", "help.sought", None),
    ]
    assert report.lines()[0].endswith("taguette-codebook.qdc: imported 3 new codes")


def test_empty_codebook_is_not_exported(project, tmp_path):
    with pytest.raises(QualcodeError, match="the codebook is empty"):
        export_qdc(project, tmp_path / "x.qdc")


def test_same_text_twice_slash_in_names_and_notes_on_selections(project, tmp_path):
    sel = selection(G[11], 0, 11, G[12], G[1]).replace(
        "</PlainTextSelection>", f'<NoteRef targetGUID="{G[37]}"/></PlainTextSelection>'
    )

    def site(value: str) -> str:
        return (
            f'<VariableValue><VariableRef targetGUID="{G[31]}"/><TextValue>{value}</TextValue></VariableValue>'
            "</TextSource>"
        )

    body = (
        f'<Variables><Variable guid="{G[31]}" name="site" typeOfVariable="Text"/></Variables><Sources>'
        + text_source(G[10], "Interview", sel).replace("</TextSource>", site("Nordvest"))
        + text_source(G[19], "Interview", selection(G[13], 16, 30, G[14], G[1])).replace(
            "</TextSource>", site("Sundholm")
        )
        + "</Sources>"
        f'<Notes><Note guid="{G[37]}" name="Why"><PlainTextContent>Called twice.</PlainTextContent></Note></Notes>'
    )
    text = qde(body).replace('name="Places"', 'name="Places/Spaces"')
    path = make_qdpx(tmp_path / "dup.qdpx", text, {f"sources/{G[10]}.txt": TEXT, f"sources/{G[19]}.txt": TEXT})
    report = import_qdpx(project, path)
    assert [d["name"] for d in list_documents(project)] == ["Interview"]
    assert [(c["document"], c["text"]) for c in list_codings(project)] == [
        ("Interview", "Jeg ringede"),
        ("Interview", "sygeplejersken"),
    ]
    assert (
        f"note: source 'Interview' ({G[19]}) has the same text as document 'Interview': its codings and notes "
        "go there" in report.lines()
    )
    assert [c.path for c in list_codes(project)] == ["Help", "Places∕Spaces"]
    doc_id = get_document(project, "Interview")["id"]
    assert document_attributes(project, doc_id) == {doc_id: {"site": "Nordvest"}}
    assert (
        f"note: attribute 'site' of document {G[10]}: the file says 'Sundholm', the project 'Nordvest'; "
        "kept the project's" in report.lines()
    )
    assert [(m["target"], m["target_guid"], m["text"]) for m in list_memos(project)] == [
        ("coding", G[12], "Called twice.")
    ]
    before = dump(project.path)
    import_qdpx(project, path)
    assert dump(project.path) == before


def test_a_new_source_with_a_taken_name_is_renamed(project, tmp_path):
    import_qdpx(project, HANDMADE)
    body = "<Sources>" + text_source(G[10], "Field note Vesterbro", selection(G[11], 0, 11, G[12], G[1])) + "</Sources>"
    report = import_qdpx(project, make_qdpx(tmp_path / "n.qdpx", qde(body), {f"sources/{G[10]}.txt": TEXT}))
    assert get_document(project, G[10])["name"] == "Field note Vesterbro (2)"
    assert (
        "note: source 'Field note Vesterbro' was named 'Field note Vesterbro (2)': the project has a document "
        "of that name" in report.lines()
    )
    assert report.counts == {
        "documents": 1,
        "coders": 0,
        "codes": 1,
        "codings": 1,
        "attribute values": 0,
        **dict.fromkeys(("project memos", "document memos", "code memos", "coding memos"), 0),
    }
