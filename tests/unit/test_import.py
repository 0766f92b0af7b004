"""Importing documents: encodings, offsets in code points, every format, bad files, all-or-nothing."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from helpers.db import dump
from helpers.files import truncate, write_docx, write_odt, write_pdf
from qualcode.cli import main
from qualcode.codebook.codes import get_code
from qualcode.coding.codings import add_coding
from qualcode.corpus.attributes import attribute_types, document_attributes, import_attributes_csv
from qualcode.corpus.documents import document_units, get_document, list_documents
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project

TRANSCRIPT = "I: Hvordan gik det på herberget?\r\nIP: Det gik skidt. De sagde nej.\r\n\r\nI: Og så?\r\nIP: Så gik jeg hjem 🙂 igen.\r\n"


def stored(project: Project, name: str) -> str:
    return get_document(project, name)["text"]


def test_utf8_bom_crlf_is_folded_and_offsets_are_code_points(project, tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8"))
    import_files(project, [f])
    text = stored(project, "bom")
    assert "\r" not in text and not text.startswith("\ufeff")
    assert text == TRANSCRIPT.replace("\r\n", "\n")
    # A user selects "De sagde nej." — its code-point offsets in the stored text:
    start = text.index("De sagde nej.")
    row = add_coding(project, "bom", start, start + len("De sagde nej."), _code(project))
    assert row["text"] == "De sagde nej."
    assert text[start : start + 13] == "De sagde nej."
    # the emoji is ONE code point: the span after it is not shifted
    s = text.index("igen")
    assert add_coding(project, "bom", s, s + 4, _code(project))["text"] == "igen"
    doc = get_document(project, "bom")
    assert doc["encoding"] == "utf-8-sig" and doc["char_count"] == len(text)


def test_utf16_with_bom(project, tmp_path):
    f = tmp_path / "u16.txt"
    f.write_bytes(TRANSCRIPT.encode("utf-16"))  # BOM + native order
    f2 = tmp_path / "u16be.txt"
    f2.write_bytes(codecs.BOM_UTF16_BE + "Interviewer: 🙂 ok\n".encode("utf-16-be"))
    import_files(project, [f, f2])
    assert stored(project, "u16") == TRANSCRIPT.replace("\r\n", "\n")
    assert stored(project, "u16be") == "Interviewer: 🙂 ok\n"
    assert get_document(project, "u16be")["char_count"] == 18  # 🙂 counts once


def test_combining_characters_are_stored_nfc_and_emoji_count_once(project, tmp_path):
    raw = "IP: Rene\u0301 sagde: \u201cja\u201d \U0001f600 og Ma\u030ale\u0301ne.\n"  # decomposed é, å
    f = tmp_path / "nfd.txt"
    f.write_text(raw, encoding="utf-8")
    import_files(project, [f])
    text = stored(project, "nfd")
    assert text == unicodedata.normalize("NFC", raw)
    assert "René" in text and "a\u030a" not in text and "e\u0301" not in text
    start = text.index("\U0001f600")
    row = add_coding(project, "nfd", start, start + 1, _code(project))
    assert row["text"] == "\U0001f600"
    s = text.index("Målé")
    assert add_coding(project, "nfd", s, s + len("Måléne"), _code(project))["text"] == "Måléne"
    assert get_document(project, "nfd")["source_sha256"] != get_document(project, "nfd")["text_sha256"]


def _code(project: Project) -> str:
    from qualcode.codebook.tree import add_code

    try:
        return get_code(project, "Test").path
    except QualcodeError:
        return add_code(project, "Test").path


@pytest.mark.parametrize("fmt", ["docx", "odt", "pdf", "md", "vtt", "srt"])
def test_every_format_imports_its_text(project, tmp_path, fmt):
    paras = ["I: Hvordan har du det?", "IP: Fint, tak. Jeg fik hjælp i går."]
    path = tmp_path / f"doc.{fmt}"
    if fmt == "docx":
        write_docx(path, paras)
    elif fmt == "odt":
        write_odt(path, paras)
    elif fmt == "pdf":
        write_pdf(path, paras)
    elif fmt == "md":
        path.write_text("# Interview\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    elif fmt == "vtt":
        path.write_text(
            "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n<v Interviewer>Hvordan har du det?\n\n"
            "00:00:04.000 --> 00:00:06.000\n<v Mette>Fint, tak.\n\n"
            "00:00:06.000 --> 00:00:08.250\n<v Mette>Jeg fik hjælp i går.\n",
            encoding="utf-8",
        )
    else:
        path.write_text(
            "1\n00:00:01,000 --> 00:00:03,500\nInterviewer: Hvordan har du det?\n\n"
            "2\n00:00:04,000 --> 00:00:08,250\nMette: Fint, tak. Jeg fik hjælp i går.\n",
            encoding="utf-8",
        )
    report = import_files(project, [path], language="da")
    assert report.imported == ["doc"]
    doc = get_document(project, "doc")
    assert doc["source_format"] == fmt
    assert "Jeg fik hjælp i går." in doc["text"]
    sentences = [doc["text"][u["start"] : u["end"]] for u in document_units(project, doc["id"], "sentence")]
    assert "Jeg fik hjælp i går." in sentences
    turns = document_units(project, doc["id"], "turn")
    if fmt in ("vtt", "srt"):
        assert doc["text"] == "Interviewer: Hvordan har du det?\n\nMette: Fint, tak. Jeg fik hjælp i går."
        assert [(t["speaker"], t["time_start"], t["time_end"]) for t in turns] == [
            ("Interviewer", 1.0, 3.5),
            ("Mette", 4.0, 8.25),
        ]
        assert doc["text"][turns[1]["start"] : turns[1]["end"]] == "Fint, tak. Jeg fik hjælp i går."
    elif fmt != "pdf":
        assert [t["speaker"] for t in turns] == ["I", "IP"]
        assert doc["text"][turns[1]["start"] : turns[1]["end"]] == "Fint, tak. Jeg fik hjælp i går."


def test_units_sentences_paragraphs_turns(project, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(
        "Interview 01\n\nI: Hej. Hvordan går det?\n\nIP: Godt! Jeg bor på Sundholm nu.\nDet er fint.\n\n"
        "Note: not a speaker\n",
        encoding="utf-8",
    )
    import_files(project, [f], language="da")
    doc = get_document(project, "t")
    text = doc["text"]
    cut = lambda kind: [text[u["start"] : u["end"]] for u in document_units(project, doc["id"], kind)]  # noqa: E731
    assert cut("paragraph") == [
        "Interview 01",
        "I: Hej. Hvordan går det?",
        "IP: Godt! Jeg bor på Sundholm nu.\nDet er fint.",
        "Note: not a speaker",
    ]
    # A turn runs until the next speaker label, across paragraphs; "Note:" occurs once, so it is no speaker.
    assert cut("turn") == [
        "Hej. Hvordan går det?",
        "Godt! Jeg bor på Sundholm nu.\nDet er fint.\n\nNote: not a speaker",
    ]
    assert "Hvordan går det?" in cut("sentence") and "Godt!" in cut("sentence")
    assert [u["speaker"] for u in document_units(project, doc["id"], "turn")] == ["I", "IP"]


def test_custom_speaker_pattern(project, tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("[A] hello there\n[B] hi\n", encoding="utf-8")
    import_files(project, [f], speaker_pattern=r"^\[(?P<speaker>[A-Z])\]\s*")
    doc = get_document(project, "p")
    assert [(u["speaker"], doc["text"][u["start"] : u["end"]]) for u in document_units(project, doc["id"], "turn")] == [
        ("A", "hello there"),
        ("B", "hi"),
    ]
    with pytest.raises(QualcodeError, match="named group"):
        import_files(project, [f], speaker_pattern=r"^\w+:")


def test_same_text_twice_is_skipped(project, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("same words\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("same words\r\n", encoding="utf-8")  # same stored text after folding
    r1 = import_files(project, [a])
    r2 = import_files(project, [a, b])
    assert r1.imported == ["a"] and r2.imported == []
    assert [n for n, _ in r2.skipped] == ["a.txt", "b.txt"]
    assert "already imported" in r2.skipped[0][1]


def test_attributes_types_are_inferred(project, tmp_path):
    for n in ("d1", "d2"):
        (tmp_path / f"{n}.txt").write_text(f"text of {n}\n", encoding="utf-8")
    csv = tmp_path / "attrs.csv"
    csv.write_text(
        "document,kind,site,age,score,consent,date\n"
        "d1,fieldnote,Vesterbro,34,1.5,yes,2021-03-14\nd2,,Nordvest,51,2,no,2021-04-02\n",
        encoding="utf-8",
    )
    import_files(project, [tmp_path / "d1.txt", tmp_path / "d2.txt"], attributes=csv)
    assert attribute_types(project) == {
        "site": "text",
        "age": "integer",
        "score": "float",
        "consent": "boolean",
        "date": "date",
    }
    ids = {d["name"]: d["id"] for d in list_documents(project)}
    attrs = document_attributes(project)
    assert attrs[ids["d1"]] == {"site": "Vesterbro", "age": 34, "score": 1.5, "consent": True, "date": "2021-03-14"}
    assert attrs[ids["d2"]]["consent"] is False and attrs[ids["d2"]]["age"] == 51
    assert get_document(project, "d1")["kind"] == "fieldnote" and get_document(project, "d2")["kind"] == "interview"


def test_attribute_csv_bad_value_names_line(project, tmp_path):
    (tmp_path / "d1.txt").write_text("x\n", encoding="utf-8")
    import_files(project, [tmp_path / "d1.txt"])
    ok = tmp_path / "a.csv"
    ok.write_text("document,age\nd1,34\n", encoding="utf-8")
    import_attributes_csv(project, ok)
    bad = tmp_path / "b.csv"
    bad.write_text("document,age\nd1,old\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"b.csv: line 2: 'old' in column 'age' is not an integer"):
        import_attributes_csv(project, bad)


# ---------------------------------------------------------------- bad input: clear error, nothing changed


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Linje et\nHun fik hjælp på Østerbro\n".encode("latin-1"))
    docx = truncate(write_docx(tmp_path / "broken.docx", ["I: hej", "IP: hej"] * 50))
    pdf = tmp_path / "fake.pdf"
    pdf.write_bytes(b"not a pdf at all")
    return {
        "binary": (binary, "photo.txt: looks like a binary file"),
        "empty": (empty, "empty.txt: the file is empty"),
        "undecodable": (latin1, "latin1.txt: not UTF-8 (byte 0xE6 at line 2, column 11)"),
        "truncated docx": (docx, "broken.docx: not a valid .docx file (the zip archive is damaged or truncated)"),
        "fake pdf": (pdf, "fake.pdf: not a PDF file"),
    }


@pytest.mark.parametrize("case", ["binary", "empty", "undecodable", "truncated docx", "fake pdf"])
def test_bad_file_one_clear_line_nonzero_exit_project_unchanged(tmp_path, runner, case):
    db = tmp_path / "p.db"
    good = tmp_path / "good.txt"
    good.write_text("IP: a good transcript\n", encoding="utf-8")
    assert runner.invoke(main, ["-p", str(db), "import", str(good)]).exit_code == 0
    before = dump(db)
    bad, message = _bad_files(tmp_path)[case]
    result = runner.invoke(main, ["-p", str(db), "import", str(good.parent / "good.txt"), str(bad)])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.strip().splitlines() if ln]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in result.output
    assert dump(db) == before


def test_explicit_encoding_reads_latin1(project, tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Hun fik hjælp på Østerbro\n".encode("latin-1"))
    import_files(project, [f], encoding="latin-1")
    assert stored(project, "latin1") == "Hun fik hjælp på Østerbro\n"


def test_forced_failure_mid_import_of_40_files_leaves_previous_state(tmp_path, monkeypatch):
    db = tmp_path / "p.db"
    project = Project.create(db, coder="tester")
    (tmp_path / "old.txt").write_text("IP: already here\n", encoding="utf-8")
    import_files(project, [tmp_path / "old.txt"])
    before = dump(db)
    folder = tmp_path / "forty"
    folder.mkdir()
    for i in range(40):
        (folder / f"int{i:02d}.txt").write_text(f"I: question {i}?\n\nIP: answer number {i}.\n", encoding="utf-8")
    import qualcode.corpus.ingest as ingest

    real_pack = ingest.pack
    calls = {"n": 0}

    def failing_pack(doc_id, kind, units):
        calls["n"] += 1
        if calls["n"] == 60:  # in the middle of storing the 20th document
            raise QualcodeError("disk full (simulated)")
        return real_pack(doc_id, kind, units)

    monkeypatch.setattr(ingest, "pack", failing_pack)
    with pytest.raises(QualcodeError, match="simulated"):
        import_files(project, [folder])
    assert calls["n"] == 60
    assert dump(db) == before
    project.close()


def test_keep_going_imports_good_files_and_lists_failures(tmp_path, runner):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("IP: fine\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.txt").write_bytes("æøå".encode("latin-1"))
    (folder / "d.txt").write_text("IP: also fine\n", encoding="utf-8")
    r = runner.invoke(main, ["-p", str(tmp_path / "p.db"), "import", "--keep-going", str(folder)])
    assert r.exit_code == 1
    assert "imported  a" in r.output and "imported  d" in r.output
    assert "b.txt: the file is empty" in r.output and "c.txt: not UTF-8" in r.output
    assert "2 imported, 0 skipped, 2 failed" in r.output
    with Project.open(tmp_path / "p.db") as p:
        assert [d["name"] for d in list_documents(p)] == ["a", "d"]


def test_unsupported_extension_and_missing_path(project, tmp_path):
    f = tmp_path / "data.xyz"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"data.xyz: cannot import .xyz files; supported: .*\.docx"):
        import_files(project, [f])
    with pytest.raises(QualcodeError, match="no such file or folder"):
        import_files(project, [tmp_path / "nope.txt"])


def test_import_event_is_logged(project, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("IP: x\n", encoding="utf-8")
    import_files(project, [f])
    ev = project.events(1)[0]
    assert ev["action"] == "documents.import" and "a" in ev["summary"] and ev["coder"] == "tester"


def test_huge_file_is_refused_before_reading(project, tmp_path, monkeypatch):
    import qualcode.corpus.importers.registry as registry

    monkeypatch.setattr(registry, "MAX_FILE_BYTES", 1024 * 1024)
    big = tmp_path / "dump.txt"
    big.write_bytes(b"IP: words words words\n" * 60_000)  # ~1.3 MB
    with pytest.raises(QualcodeError, match=r"dump.txt: 1 MB is too large to be a transcript \(limit 1 MB\)"):
        import_files(project, [big])
    assert list_documents(project) == []


def test_large_transcript_imports_with_exact_units(project, tmp_path):
    """A 200,000-word transcript (≈1.2 MB) imports; its last sentence is where the text says."""
    turn = "IP: Jeg ventede tre uger på metadon, og så lukkede de. Det var hårdt!\n\n"
    big = tmp_path / "long.txt"
    big.write_text(turn * 14_000 + "I: Tak for i dag.\n", encoding="utf-8")
    import_files(project, [big], language="da")
    doc = get_document(project, "long")
    sents = document_units(project, doc["id"], "sentence")
    assert len(sents) == 14_000 * 2 + 1
    last = sents[-1]
    assert doc["text"][last["start"] : last["end"]] == "Tak for i dag."
    assert doc["word_count"] == 14_000 * 14 + 5  # labels count as words; punctuation does not
