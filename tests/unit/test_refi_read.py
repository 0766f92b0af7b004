"""Reading .qdpx/.qdc from real exporters and from hand-made files with vendors' quirks."""

import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from helpers.paths import DATA as TEST_DATA
from helpers.paths import REPO
from qualcode.interchange.refi import RefiError, read_project_xml, read_qdc, read_qdc_bytes, read_qdpx

DATA = TEST_DATA / "refi"
SHARED = TEST_DATA / "refi" / "real"  # real exports, kept with the tests (PROVENANCE.md there)
HANDMADE = DATA / "handmade-themes.qdpx"

ANNA = "86D96175-70FA-46FA-88FD-425EAE3D6EB7"
BO = "F8CDD31D-3CFA-4770-A551-CDB9C0A8F39C"
S1 = "C8712F68-55F8-4FEF-B00E-90A4729078F6"  # stored with CRLF, positions count CRLF as two
S2 = "A04D3BF4-B224-4C41-81AC-A3F66162BB61"  # emoji + decomposed "e\u0301"


def quotes(project) -> list[tuple[str, int, int, str, str, str]]:
    """(source guid, start, end, quoted stored text, code guid, coder guid) per coding."""
    texts = {s.guid: s.text for s in project.sources}
    return [
        (c.source_guid, c.start, c.end, texts[c.source_guid][c.start : c.end], c.code_guid, c.coder_guid)
        for c in project.codings
    ]


def make_qdpx(path: Path, qde: str | bytes, sources: dict[str, str | bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for name, data in (sources or {}).items():
            zf.writestr(name, data)
    return path


# --- real exports (skipped on a fresh clone without ../shared) --------------------------------


def test_maxqda24_export_reads_ten_sources_and_two_level_codebook():
    project, report = read_qdpx(SHARED / "maxqda24-icls-themes.qdpx")
    assert len(project.sources) == 10
    assert all(s.name.startswith("ICLS 202") and s.text for s in project.sources)
    assert all("\r" not in s.text for s in project.sources)  # the .txt files use CRLF
    assert len(project.codes) == 18
    assert sum(len(c.children) for c in project.codes) == 289
    assert all(not child.children for c in project.codes for child in c.children)
    first = project.codes[0]
    assert (first.name, first.color) == ("Additional Themes and Ideas", "#ef8256")
    assert first.description.startswith("This category encompasses a range of specific theoretical concepts")
    assert first.children[0].name == "THEME - Affinity Spaces (Gee)"
    assert first.children[0].description == "Apply this code when a study uses Gee's concept of affinity spaces."
    assert [u.name for u in project.users] == ["johnb"]
    assert report.counts["codes"] == 307 and report.counts["codings"] == 0
    assert report.skipped_counts() == {"Set": 2}
    assert report.lines() == [
        f"{SHARED / 'maxqda24-icls-themes.qdpx'}: imported 1 user, 307 codes, 10 sources",
        "skipped 2 × Set: sets are not imported",
    ]


def test_atlasti23_export_reads_users_and_nested_codebook():
    project, report = read_qdpx(SHARED / "atlasti23-win-codebook-only.qdpx")
    assert [(u.guid, u.name) for u in project.users] == [
        ("088B08AC-D5CD-4ADB-8B71-B4F3459C177F", "Enric Llagostera"),
        ("C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B", "ATLAS.ti"),
    ]
    assert [c.name for c in project.codes] == ["Commits"]
    assert [c.name for c in project.codes[0].children] == [
        "2022-05-10T02:05:59Z 19e4dce",
        "2022-02-11T10:39:25Z cdbfd92",
    ]
    assert project.codes[0].color is None
    assert project.sources == [] and report.skipped == []


# --- the hand-made fixture of the same shape (always runs) ------------------------------------


def test_handmade_fixture_matches_its_unpacked_tree():
    """The .qdpx is built from tests/data/refi/handmade-themes/; both must stay the same."""
    tree = DATA / "handmade-themes"
    with zipfile.ZipFile(HANDMADE) as zf:
        names = {n for n in zf.namelist() if not n.endswith("/")}
        assert names == {p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()}
        for n in names:
            assert zf.read(n) == (tree / n).read_bytes(), n


def test_handmade_fixture_reads_sources_codebook_and_codings():
    project, report = read_qdpx(HANDMADE)
    assert [s.name for s in project.sources] == [
        "Interview 05 Nordvest (user)",
        "Field note Vesterbro",
        "Interview 06 Sundholm (social worker)",
    ]
    assert [(c.name, c.color, [k.name for k in c.children]) for c in project.codes] == [
        ("Help", "#ef8256", ["Help sought", "Help declined"]),
        ("Barriers", "#32bd59", ["Shame and stigma", "Opening hours"]),
        ("Resources", "#71bbff", ["Nurse", "Peer support"]),
    ]
    assert project.codes[2].children[0].description == "Health staff, e.g. the nurse at Sundholm."
    assert report.counts == {
        "users": 2,
        "codes": 9,
        "sources": 3,
        "codings": 10,
        "variables": 0,
        "cases": 0,
        "notes": 0,
    }
    assert [(s.kind, s.name) for s in report.skipped] == [("Set", "Interviews")]
    assert report.warnings == []
    assert (
        report.lines()[1:]
        == [
            "skipped 1 × Set: sets are not imported",
            "positions of 'Field note Vesterbro': as stored (selection edges fall on word boundaries only so)",  # the emoji: the choice is reported
        ]
    )
    s1 = next(s for s in project.sources if s.guid == S1)
    assert s1.text.startswith("I: Hvad gør du, når du har brug for hjælp?\nIP: Jeg går")
    assert s1.creating_user == ANNA and s1.creation_datetime == "2026-11-02T09:00:00Z"
    assert s1.plain_text_path == f"internal://{S1}.txt"


def test_handmade_offsets_convert_crlf_and_combining_marks_to_stored_text():
    project, _ = read_qdpx(HANDMADE)
    got = [(q[1], q[2], q[3]) for q in quotes(project)]
    assert got == [
        (47, 71, "Jeg går ikke på kontoret"),  # file positions 48-72 counted CRLF as two
        (73, 88, "De kigger på én"),
        (73, 88, "De kigger på én"),
        (120, 133, "sygeplejerske"),
        (27, 34, "🙂 kl. 9"),  # astral emoji is one code point
        (48, 73, "Jeg vil ikke på afrusning"),
        (85, 96, "Café Dugnad"),  # file 85-97: "e" + U+0301 composed by NFC
        (106, 132, "peer-medarbejder hjalp ham"),
        (69, 95, "Many decline help at first"),
        (101, 128, "Opening hours are a barrier"),
    ]


def test_handmade_selection_with_two_codings_keeps_both_coders_and_normalises_guids():
    project, _ = read_qdpx(HANDMADE)
    shared = [c for c in project.codings if c.selection_guid == "98EB8E28-CAAD-4BCC-88D6-1D448D6919C7"]
    assert [(c.guid, c.coder_guid) for c in shared] == [
        ("A9116C2A-AB1E-4A65-99FD-EB1449A6EB8A", ANNA),
        ("981FDD23-5F2B-40ED-919D-55D55106B1A4", BO),
    ]
    assert "C90C3DDC-CE0B-4D9D-99FF-AB0E104150B1" in {c.guid for c in project.codings}  # was {lower case}


# --- line-break readings ----------------------------------------------------------------------


def _handmade_parts() -> tuple[bytes, dict[str, bytes]]:
    with zipfile.ZipFile(HANDMADE) as zf:
        return zf.read("project.qde"), {
            n: zf.read(n) for n in zf.namelist() if n.startswith("sources/") and not n.endswith("/")
        }


def test_lf_file_with_positions_counted_crlf_as_two_is_detected(tmp_path):
    qde, sources = _handmade_parts()
    name = f"sources/{S1}.txt"
    sources[name] = sources[name].replace(b"\r\n", b"\n")  # text stored with LF, positions still CRLF-counted
    project, report = read_qdpx(make_qdpx(tmp_path / "x.qdpx", qde, sources))
    assert [q[3] for q in quotes(project) if q[0] == S1] == [
        "Jeg går ikke på kontoret",
        "De kigger på én",
        "De kigger på én",
        "sygeplejerske",
    ]
    assert report.warnings == [
        "source 'Interview 05 Nordvest (user)': positions read with line breaks counted as two characters "
        "(selection edges fall on word boundaries only so)"
    ]


def test_crlf_file_with_positions_counted_lf_as_one_is_detected(tmp_path):
    qde, sources = _handmade_parts()
    qde = qde.replace(b'startPosition="48" endPosition="72"', b'startPosition="47" endPosition="71"')
    qde = qde.replace(b'startPosition="74" endPosition="89"', b'startPosition="73" endPosition="88"')
    qde = qde.replace(b'startPosition="122" endPosition="135"', b'startPosition="120" endPosition="133"')
    project, report = read_qdpx(make_qdpx(tmp_path / "x.qdpx", qde, sources))
    assert [q[3] for q in quotes(project) if q[0] == S1] == [
        "Jeg går ikke på kontoret",
        "De kigger på én",
        "De kigger på én",
        "sygeplejerske",
    ]
    assert report.warnings == [
        "source 'Interview 05 Nordvest (user)': positions read with line breaks counted as one character "
        "(selection edges fall on word boundaries only so)"
    ]


def test_positions_counted_in_utf16_units_are_detected(tmp_path):
    """NVivo-style: the emoji counts as two, so every later position is one higher."""
    qde, sources = _handmade_parts()
    for a, b, c, d in (
        ("27", "34", "27", "35"),
        ("48", "73", "49", "74"),
        ("85", "97", "86", "98"),
        ("107", "133", "108", "134"),
    ):
        qde = qde.replace(
            f'startPosition="{a}" endPosition="{b}"'.encode(), f'startPosition="{c}" endPosition="{d}"'.encode()
        )
    project, report = read_qdpx(make_qdpx(tmp_path / "x.qdpx", qde, sources))
    assert [q[1:4] for q in quotes(project) if q[0] == S2] == [
        (27, 34, "🙂 kl. 9"),
        (48, 73, "Jeg vil ikke på afrusning"),
        (85, 96, "Café Dugnad"),
        (106, 132, "peer-medarbejder hjalp ham"),
    ]
    assert report.warnings == [
        "source 'Field note Vesterbro': positions read with characters beyond U+FFFF counted as two (UTF-16) "
        "(selection edges fall on word boundaries only so)"
    ]


def test_excerpt_in_selection_name_decides_the_reading():
    """When both readings fall on word edges, the excerpt some tools store in name= decides."""
    text = "a b&#13;\nc d&#13;\ne f g h"  # CRs kept as character references
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="t"><PlainTextContent>{text}</PlainTextContent>
   <PlainTextSelection guid="{GUID_SEL}" name="f g" startPosition="10" endPosition="13">
    <Coding guid="{GUID_C}" creatingUser="{GUID_U}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection></TextSource>""")
    project, report = read_project_xml(qde.encode())
    assert quotes(project)[0][1:4] == (10, 13, "f g")  # as stored (CRLF) it would have been "e f"
    assert report.warnings == [
        "source 't': positions read with line breaks counted as one character (selection names quote the text only so)"
    ]


@pytest.mark.parametrize(
    "origin, expected",
    [
        ("SomeTool 1.0", ["abcd", "efgh"]),  # word-aligned only when line breaks count as one
        ("qualcode", ["\nabc", " efg"]),  # our own files are always read as stored
    ],
)
def test_own_exports_are_never_reinterpreted(origin, expected):
    def sel(i: int, a: int, b: int) -> str:
        return (
            f'<PlainTextSelection guid="0A1B2C3D-0000-4000-8000-0000000000E{i}" startPosition="{a}" '
            f'endPosition="{b}"><Coding guid="0A1B2C3D-0000-4000-8000-0000000000F{i}" creatingUser="{GUID_U}">'
            f'<CodeRef targetGUID="{GUID_CODE}"/></Coding></PlainTextSelection>'
        )

    body = (
        f'<TextSource guid="{GUID_S}" name="t"><PlainTextContent>xx&#13;\nabcd efgh&#13;\nijkl</PlainTextContent>'
        + sel(1, 3, 7)
        + sel(2, 8, 12)
        + "</TextSource>"
    )
    qde = project_qde(body).replace('name="variants"', f'name="variants" origin="{origin}"')
    project, _ = read_project_xml(qde.encode())
    text = project.sources[0].text
    assert [text[c.start : c.end] for c in project.codings] == expected


# --- vendor variants --------------------------------------------------------------------------

GUID_U = "{0a1b2c3d-0000-4000-8000-00000000000a}"
GUID_CODE = "{0a1b2c3d-0000-4000-8000-00000000000b}"
GUID_S = "0a1b2c3d-0000-4000-8000-00000000000c"
GUID_SEL = "0a1b2c3d-0000-4000-8000-00000000000d"
GUID_C = "0a1b2c3d-0000-4000-8000-00000000000e"

PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project name="variants" xmlns="urn:QDA-XML:project:1.0">
 <Users><User guid="{GUID_U}" name="x"/></Users>
 <CodeBook><Codes><Code guid="{GUID_CODE}" name="c" isCodable="true" color="#abc"/></Codes></CodeBook>
 <Sources>%BODY%
 </Sources>
</Project>""".replace("{GUID_U}", GUID_U).replace("{GUID_CODE}", GUID_CODE)


def project_qde(body: str, root_attrs: str = "") -> str:
    """A small project.qde with one user and one code around ``body`` (the <Sources> content)."""
    return PROJECT.replace("%BODY%", body).replace('name="variants"', f'name="variants" {root_attrs}')


def test_lowercase_braced_guids_inline_text_and_short_colour():
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="inline"><PlainTextContent>Hej med dig</PlainTextContent>
   <PlainTextSelection guid="{GUID_SEL}" startPosition="4" endPosition="7">
    <Coding guid="{GUID_C}" creatingUser="{GUID_U}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection></TextSource>""")
    project, _report = read_project_xml(qde.encode())
    assert project.users[0].guid == "0A1B2C3D-0000-4000-8000-00000000000A"
    assert project.codes[0].guid == "0A1B2C3D-0000-4000-8000-00000000000B"
    assert project.codes[0].color == "#aabbcc"  # "#abc" widened, spelled as the file spells it
    c = project.codings[0]
    assert (c.source_guid, c.selection_guid, c.guid) == (GUID_S.upper(), GUID_SEL.upper(), GUID_C.upper())
    assert project.sources[0].text[c.start : c.end] == "med"
    assert c.coder_guid == "0A1B2C3D-0000-4000-8000-00000000000A"


def test_decomposed_hangul_text_is_composed_and_positions_follow():
    """macOS-style NFD text: each syllable is 2-3 jamo of combining class 0, composed by NFC."""
    nfd = unicodedata.normalize("NFD", "한국어 텍스트")
    start = nfd.index(unicodedata.normalize("NFD", "텍스트"))
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="ko"><PlainTextContent>{nfd}</PlainTextContent>
   <PlainTextSelection guid="{GUID_SEL}" startPosition="{start}" endPosition="{len(nfd)}">
    <Coding guid="{GUID_C}" creatingUser="{GUID_U}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection></TextSource>""")
    project, _ = read_project_xml(qde.encode())
    assert (start, len(nfd)) == (9, 16)
    assert quotes(project)[0][1:4] == (4, 7, "텍스트")


def test_no_namespace_and_missing_optional_elements_are_tolerated():
    qde = b"""<Project name="bare"><CodeBook><Codes><Code guid="0A1B2C3D-0000-4000-8000-00000000000B"
      name="only" isCodable="false"/></Codes></CodeBook></Project>"""
    project, report = read_project_xml(qde)
    assert [(c.name, c.is_codable, c.description, c.color) for c in project.codes] == [("only", False, None, None)]
    assert report.warnings == ["namespace None instead of 'urn:QDA-XML:project:1.0'; read by element names"]


def test_relative_plain_text_path_inside_archive_and_external_path_reported(tmp_path):
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="bare path" plainTextPath="sources/a.txt"/>
  <TextSource guid="0A1B2C3D-0000-4000-8000-0000000000F1" name="outside" plainTextPath="absolute:///C:/data/b.txt"/>""")
    path = make_qdpx(tmp_path / "p.qdpx", qde, {"Sources/A.TXT": "en\r\nto\r\n".encode("utf-8-sig")})
    project, report = read_qdpx(path)
    assert [(s.name, s.text) for s in project.sources] == [("bare path", "en\nto\n")]
    assert [(s.kind, s.name) for s in report.skipped] == [("TextSource", "outside")]
    assert "external file" in report.skipped[0].reason and "--allow-external-files reads it" in report.skipped[0].reason


def test_external_relative_path_read_when_allowed(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "b.txt").write_text("ekstern tekst", encoding="utf-8")
    qde = project_qde(
        f'<TextSource guid="{GUID_S}" name="ext" plainTextPath="relative:///texts/b.txt"/>', f'basePath="{tmp_path}"'
    )
    path = make_qdpx(tmp_path / "p.qdpx", qde)
    project, _ = read_qdpx(path, allow_external_files=True)
    assert project.sources[0].text == "ekstern tekst"


def test_non_text_sources_and_pdf_areas_are_reported_not_dropped():
    qde = project_qde(f"""
  <PictureSource guid="0A1B2C3D-0000-4000-8000-0000000000A1" name="photo" path="internal://p.jpg">
   <PictureSelection guid="0A1B2C3D-0000-4000-8000-0000000000A2" firstX="1" firstY="1" secondX="2" secondY="2"/>
  </PictureSource>
  <AudioSource guid="0A1B2C3D-0000-4000-8000-0000000000A3" name="tape"/>
  <VideoSource guid="0A1B2C3D-0000-4000-8000-0000000000A4" name="clip"/>
  <PDFSource guid="0A1B2C3D-0000-4000-8000-0000000000A5" name="report.pdf">
   <PDFSelection guid="0A1B2C3D-0000-4000-8000-0000000000A6" page="1" firstX="1" firstY="1" secondX="2" secondY="2"/>
   <Representation guid="0A1B2C3D-0000-4000-8000-0000000000A7"><PlainTextContent>PDF tekst her</PlainTextContent>
    <PlainTextSelection guid="{GUID_SEL}" startPosition="4" endPosition="9">
     <Coding guid="{GUID_C}" creatingUser="{GUID_U}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
    </PlainTextSelection></Representation>
  </PDFSource>""")
    project, report = read_project_xml(qde.encode())
    assert [(s.kind, s.name) for s in report.skipped] == [
        ("PictureSource", "photo"),
        ("AudioSource", "tape"),
        ("VideoSource", "clip"),
        ("PDFSelection", "report.pdf"),
    ]
    assert "1 selections" in report.skipped[0].reason
    assert [(s.guid, s.name, s.text) for s in project.sources] == [
        ("0A1B2C3D-0000-4000-8000-0000000000A5", "report.pdf", "PDF tekst her")
    ]
    assert quotes(project)[0][3] == "tekst"


def test_unknown_code_out_of_range_and_uncoded_selections_are_reported():
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="t"><PlainTextContent>kort</PlainTextContent>
   <PlainTextSelection guid="0A1B2C3D-0000-4000-8000-0000000000B1" startPosition="0" endPosition="99">
    <Coding guid="0A1B2C3D-0000-4000-8000-0000000000B2"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="0A1B2C3D-0000-4000-8000-0000000000B3" startPosition="0" endPosition="2">
    <Coding guid="0A1B2C3D-0000-4000-8000-0000000000B4"><CodeRef targetGUID="0A1B2C3D-0000-4000-8000-0000000000FF"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="0A1B2C3D-0000-4000-8000-0000000000B5" startPosition="1" endPosition="2"/>
  </TextSource>""")
    project, report = read_project_xml(qde.encode())
    assert project.codings == []
    assert [(s.kind, s.guid[-2:]) for s in report.skipped] == [
        ("PlainTextSelection", "B1"),
        ("Coding", "B4"),
        ("PlainTextSelection", "B5"),
    ]
    assert "outside the text (length 4)" in report.skipped[0].reason
    assert "unknown code 0A1B2C3D-0000-4000-8000-0000000000FF" in report.skipped[1].reason


def test_whole_source_coding_becomes_a_coding_of_the_full_text():
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="t"><PlainTextContent>Hele teksten</PlainTextContent>
   <Coding guid="{GUID_C}" creatingUser="{GUID_U}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
  </TextSource>""")
    project, report = read_project_xml(qde.encode())
    assert [(q[1], q[2], q[3]) for q in quotes(project)] == [(0, 12, "Hele teksten")]
    assert project.codings[0].selection_guid is None
    assert report.warnings == ["source 't': a whole-source coding became a coding of the full text"]


def test_repeated_source_guid_is_refused():
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="a"><PlainTextContent>a</PlainTextContent></TextSource>
  <TextSource guid="{{{GUID_S}}}" name="b"><PlainTextContent>b</PlainTextContent></TextSource>""")
    with pytest.raises(
        RefiError,
        match=r"line 7: <TextSource> repeats GUID " + GUID_S.upper() + ", already the GUID of <TextSource> at line 6",
    ):
        read_project_xml(qde.encode())


def test_repeated_coding_guid_is_refused():
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="t"><PlainTextContent>abc</PlainTextContent>
   <PlainTextSelection guid="{GUID_SEL}" startPosition="0" endPosition="3">
    <Coding guid="{GUID_C}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
    <Coding guid="{GUID_C}"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection></TextSource>""")
    with pytest.raises(
        RefiError, match=r"line 9: <Coding> repeats GUID " + GUID_C.upper() + ", already the GUID of <Coding> at line 8"
    ):
        read_project_xml(qde.encode())


def test_coding_without_creating_user_falls_back_to_selection_then_placeholder():
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="t"><PlainTextContent>abc def</PlainTextContent>
   <PlainTextSelection guid="0A1B2C3D-0000-4000-8000-0000000000B1" startPosition="0" endPosition="3" creatingUser="{GUID_U}">
    <Coding guid="0A1B2C3D-0000-4000-8000-0000000000B2"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="0A1B2C3D-0000-4000-8000-0000000000B3" startPosition="4" endPosition="7">
    <Coding guid="0A1B2C3D-0000-4000-8000-0000000000B4"><CodeRef targetGUID="{GUID_CODE}"/></Coding>
   </PlainTextSelection>
  </TextSource>""")
    project, report = read_project_xml(qde.encode())
    assert [c.coder_guid for c in project.codings] == [
        "0A1B2C3D-0000-4000-8000-00000000000A",
        "00000000-0000-4000-8000-000000000000",
    ]
    assert project.users[-1].name == "unknown coder"
    assert report.warnings == ["codings without any creating user were given the user 'unknown coder'"]


def test_variables_cases_and_notes_are_read():
    qde = f"""<Project name="v" xmlns="urn:QDA-XML:project:1.0">
 <Users><User guid="{GUID_U}" name="x"/></Users>
 <CodeBook><Codes><Code guid="{GUID_CODE}" name="c" isCodable="true"><NoteRef targetGUID="0A1B2C3D-0000-4000-8000-0000000000D1"/></Code></Codes></CodeBook>
 <Variables>
  <Variable guid="0A1B2C3D-0000-4000-8000-0000000000C1" name="Site" typeOfVariable="Text"/>
  <Variable guid="0A1B2C3D-0000-4000-8000-0000000000C2" name="Age" typeOfVariable="Integer"/>
 </Variables>
 <Cases><Case guid="0A1B2C3D-0000-4000-8000-0000000000C3" name="K.">
  <VariableValue><VariableRef targetGUID="0A1B2C3D-0000-4000-8000-0000000000C2"/><IntegerValue>41</IntegerValue></VariableValue>
  <SourceRef targetGUID="{GUID_S}"/></Case></Cases>
 <Sources><TextSource guid="{GUID_S}" name="t"><PlainTextContent>tekst</PlainTextContent>
  <VariableValue><VariableRef targetGUID="0A1B2C3D-0000-4000-8000-0000000000C1"/><TextValue>Nordvest</TextValue></VariableValue>
  <VariableValue><VariableRef targetGUID="0A1B2C3D-0000-4000-8000-0000000000C2"/><IntegerValue>fyrre</IntegerValue></VariableValue>
 </TextSource></Sources>
 <Notes><Note guid="0A1B2C3D-0000-4000-8000-0000000000D1" name="memo"><PlainTextContent>Husk\r\nat spørge</PlainTextContent></Note></Notes>
 <NoteRef targetGUID="0A1B2C3D-0000-4000-8000-0000000000D1"/>
</Project>"""
    project, report = read_project_xml(qde.encode())
    assert [(v.name, v.type) for v in project.variables] == [("Site", "Text"), ("Age", "Integer")]
    assert project.sources[0].variable_values == {"0A1B2C3D-0000-4000-8000-0000000000C1": "Nordvest"}
    assert [(s.kind, s.reason.split(":")[1].strip()) for s in report.skipped] == [
        ("VariableValue", "IntegerValue 'fyrre' is not valid")
    ]
    case = project.cases[0]
    assert (case.name, case.variable_values, case.source_guids) == (
        "K.",
        {"0A1B2C3D-0000-4000-8000-0000000000C2": 41},
        [GUID_S.upper()],
    )
    note = project.notes[0]
    assert (note.name, note.text) == ("memo", "Husk\nat spørge")
    assert [(t.kind, t.guid) for t in note.targets] == [
        ("code", "0A1B2C3D-0000-4000-8000-00000000000B"),
        ("project", None),
    ]


# --- errors name element and line ------------------------------------------------------------


def test_missing_required_attribute_names_element_and_line():
    qde = b"""<Project name="x" xmlns="urn:QDA-XML:project:1.0">
<CodeBook><Codes>
<Code guid="0A1B2C3D-0000-4000-8000-00000000000B" isCodable="true"/>
</Codes></CodeBook></Project>"""
    with pytest.raises(RefiError, match=r"^in\.qde line 3: <Code> lacks required attribute 'name'$"):
        read_project_xml(qde, "in.qde")


def test_bad_guid_and_bad_position_name_element_and_line():
    with pytest.raises(RefiError, match=r"line 1: <User> has an invalid GUID in 'guid': 'nope'"):
        read_project_xml(b'<Project name="x"><Users><User guid="nope"/></Users></Project>')
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="t"><PlainTextContent>x</PlainTextContent>
   <PlainTextSelection guid="{GUID_SEL}" startPosition="a" endPosition="1"/></TextSource>""")
    with pytest.raises(RefiError, match=r"line 7: <PlainTextSelection> has a non-integer 'startPosition': 'a'"):
        read_project_xml(qde.encode())


def test_malformed_xml_names_the_entry_and_line(tmp_path):
    path = make_qdpx(tmp_path / "broken.qdpx", "<Project name='x'>\n<Users>\n</Project>")
    with pytest.raises(RefiError, match=r"broken\.qdpx!project\.qde: not well-formed XML at line 3"):
        read_qdpx(path)


def test_qdc_given_where_a_project_is_expected_is_explained():
    with pytest.raises(RefiError, match=r"expected <Project> \(is this a \.qdc codebook\?\)"):
        read_project_xml(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')


def test_non_utf8_source_names_the_entry(tmp_path):
    qde = project_qde(f'<TextSource guid="{GUID_S}" name="t" plainTextPath="internal://t.txt"/>')
    path = make_qdpx(tmp_path / "enc.qdpx", qde, {"sources/t.txt": "Køb".encode("latin-1")})
    with pytest.raises(RefiError, match=r"enc\.qdpx!sources/t\.txt: not UTF-8 text"):
        read_qdpx(path)


def test_missing_file_and_non_zip_are_clear(tmp_path):
    with pytest.raises(RefiError, match="file not found"):
        read_qdpx(tmp_path / "nope.qdpx")
    (tmp_path / "text.qdpx").write_text("not a zip")
    with pytest.raises(RefiError, match=r"not a valid \.qdpx \(zip\) archive"):
        read_qdpx(tmp_path / "text.qdpx")


# --- .qdc ---------------------------------------------------------------------------------------


def test_taguette_style_qdc_with_empty_sets_reads():
    codes, report = read_qdc(DATA / "taguette-codebook.qdc")
    assert [(c.name, c.description, c.is_codable) for c in codes] == [
        ("barriers", "What stands between people and help", True),
        ("help.declined", None, True),
        ("help.sought", None, True),
    ]
    assert codes[0].guid == "3F2B7F0C-3E0B-5C7A-9E8B-1B7F0C3E0B5C"
    assert report.counts == {"codes": 3} and report.skipped == []


def test_qdc_sets_are_reported_and_nested_codes_kept():
    qdc = b"""<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes>
 <Code guid="0A1B2C3D-0000-4000-8000-000000000001" name="p" isCodable="false" color="#010203">
  <Code guid="0A1B2C3D-0000-4000-8000-000000000002" name="k" isCodable="true"/></Code></Codes>
 <Sets><Set guid="0A1B2C3D-0000-4000-8000-000000000003" name="s"><MemberCode guid="0A1B2C3D-0000-4000-8000-000000000002"/></Set></Sets>
</CodeBook>"""
    codes, report = read_qdc_bytes(qdc)
    assert [(c.name, c.color, c.is_codable, [k.name for k in c.children]) for c in codes] == [
        ("p", "#010203", False, ["k"])
    ]
    assert [(s.kind, s.name) for s in report.skipped] == [("Set", "s")]


def test_qdc_with_duplicate_code_guid_is_refused():
    qdc = b"""<CodeBook><Codes><Code guid="0A1B2C3D-0000-4000-8000-000000000001" name="a" isCodable="true"/>
<Code guid="{0a1b2c3d-0000-4000-8000-000000000001}" name="b" isCodable="true"/></Codes></CodeBook>"""
    with pytest.raises(RefiError, match=r"line 2: <Code> repeats code GUID 0A1B2C3D-0000-4000-8000-000000000001"):
        read_qdc_bytes(qdc)


# --- layering -----------------------------------------------------------------------------------


def test_refi_package_imports_no_front_end_or_database():
    code = (
        "import sys, qualcode.interchange.refi, qualcode.interchange.refi.writer, qualcode.interchange.refi.reader;"
        "bad = [m for m in ('textual', 'click', 'sqlite3', 'sqlite_utils') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert out.stdout.strip() == ""


def test_streamed_reading_resolves_cases_and_values_whatever_the_order():
    """Sections are read as their end tags arrive, so references forward in the file — case
    members before <Sources>, and (out of schema order) <Variables> after the sources that use
    them — are resolved at the end, as a whole-tree reading would."""
    var = "0A1B2C3D-0000-4000-8000-0000000000F1"
    case = "0A1B2C3D-0000-4000-8000-0000000000F2"
    value = f'<VariableValue><VariableRef targetGUID="{var}"/><IntegerValue>42</IntegerValue></VariableValue>'
    qde = project_qde(f"""
  <TextSource guid="{GUID_S}" name="late"><PlainTextContent>Hej med dig</PlainTextContent>{value}</TextSource>
 </Sources>
 <Variables><Variable guid="{var}" name="age" typeOfVariable="Integer"/></Variables>
 <Sources>""")
    qde = qde.replace(
        "<Sources>",
        f'<Cases><Case guid="{case}" name="c"><SourceRef targetGUID="{GUID_S}"/></Case></Cases><Sources>',
        1,
    )
    project, report = read_project_xml(qde.encode())
    assert project.sources[0].variable_values == {var: 42}
    assert project.cases[0].source_guids == [GUID_S.upper()]
    assert not [s for s in report.skipped if s.kind in ("VariableValue", "SourceRef")]
