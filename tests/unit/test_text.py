"""Offsets, normalisation and segmentation: the text layer every other feature stands on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.paths import REPO
from qualcode.errors import QualcodeError
from qualcode.text import offsets
from qualcode.text.decoding import decode, normalise
from qualcode.text.nlp import sentence_pipeline
from qualcode.text.segmentation import paragraphs, segment_many, speaker_turns, trim

CORPUS = REPO / "corpus"


def test_conversions_between_code_points_utf8_utf16_and_lines():
    text = "Å🙂b\nc\u0301d"
    assert offsets.cp_to_utf8(text, 2) == 2 + 4  # Å is 2 bytes, 🙂 4
    assert offsets.utf8_to_cp(text, 6) == 2
    assert offsets.cp_to_utf16(text, 2) == 3  # 🙂 is a surrogate pair
    assert offsets.utf16_to_codepoint_offsets(text, [0, 1, 3, 4]) == [0, 1, 2, 3]
    idx = offsets.LineIndex(text)
    assert idx.to_line_col(4) == (2, 1) and idx.to_line_col(3) == (1, 4)
    assert idx.to_cp(2, 2) == 5
    assert offsets.lf_offset_to_crlf("a\nb\nc", 4) == 6
    assert offsets.crlf_to_lf_offsets("a\r\nb\r\nc", [0, 3, 6, 7]) == [0, 2, 4, 5]


def test_to_stored_offsets_folds_crlf_and_composes():
    exporter = "Rene\u0301\r\nsagde 🙂 ja"
    stored = normalise(exporter)
    assert stored == "René\nsagde 🙂 ja"
    s, e = offsets.to_stored_offsets(exporter, [exporter.index("sagde"), len(exporter)])
    assert stored[s:e] == "sagde 🙂 ja"
    # decomposed Hangul: combining class 0 yet composes
    import unicodedata

    ko = unicodedata.normalize("NFD", "한국어 텍스트")
    m = offsets.to_stored_offsets(ko, [ko.index(" "), len(ko)])
    assert unicodedata.normalize("NFC", ko)[m[0] : m[1]] == " 텍스트"


def test_check_span_refuses_outside_and_empty():
    offsets.check_span(10, 0, 10)
    for s, e in [(-1, 3), (3, 11), (5, 5), (6, 2)]:
        with pytest.raises(QualcodeError, match="not inside the text"):
            offsets.check_span(10, s, e, "doc")


def test_merge_spans_and_overlap():
    assert offsets.merge_spans([(5, 9), (0, 3), (3, 4), (8, 12)]) == [(0, 4), (5, 12)]
    assert offsets.span_overlap((0, 5), (4, 9)) == 1 and offsets.span_overlap((0, 5), (5, 9)) == 0


def test_decode_rules():
    assert decode("æ".encode(), "f") == ("æ", "utf-8")
    assert decode(b"\xef\xbb\xbf\xc3\xa6", "f") == ("æ", "utf-8-sig")
    assert decode("æ".encode("utf-16"), "f")[0] == "æ"
    assert decode(b"\xe6", "f", "cp1252") == ("æ", "cp1252")
    with pytest.raises(QualcodeError, match="unknown encoding 'klingon'"):
        decode(b"x", "f", "klingon")


def test_fast_sentence_bounds_equal_spacy_sentencizer_on_the_demo_corpus():
    """Import applies the sentencizer's rule on token arrays; it must give spaCy's exact sentences."""
    from qualcode.text.segmentation import lexeme_flags, sentence_bounds

    files = sorted(CORPUS.glob("*.txt"))
    assert len(files) >= 12
    for f in files:
        text = f.read_text(encoding="utf-8")
        lang = f.name[:2]
        nlp = sentence_pipeline(lang)
        expected = []
        for sent in nlp(text).sents:
            s, e = trim(text, sent.start_char, sent.end_char)
            if e > s:
                expected.append((s, e))
        starts, ends, words = sentence_bounds(nlp.tokenizer(text), text, lexeme_flags(nlp))
        assert list(zip(starts.tolist(), ends.tolist())) == expected, f.name
        assert words > 500


def test_sentences_never_cross_blank_lines_or_include_labels():
    text = "Interview 01\n\nI: Hej. Hvordan går det?\n\nIP: Godt! Tak."
    ((units, words),) = segment_many([(text, "da")])
    sents = [text[u.start : u.end] for u in units if u.kind == "sentence"]
    assert sents == ["Interview 01", "Hej.", "Hvordan går det?", "Godt!", "Tak."]
    assert words == 10  # speaker labels are words too, as in NVivo's word counts


def test_segment_many_keeps_input_order_across_languages():
    items = [("Jeg hjalp. Han kom.", "da"), ("I helped. He came.", "en"), ("Vi gik.", "da")]
    out = list(segment_many(items))
    assert [[t[u.start : u.end] for u in us if u.kind == "sentence"] for (us, _), (t, _) in zip(out, items)] == [
        ["Jeg hjalp.", "Han kom."],
        ["I helped.", "He came."],
        ["Vi gik."],
    ]


def test_speaker_detection_needs_recurring_or_known_labels():
    text = "Note: sunny day.\n\nMark: hi\n\nMark: again\n\nI: question"
    assert [(u.speaker, text[u.start : u.end]) for u in speaker_turns(text)] == [
        ("Mark", "hi"),
        ("Mark", "again"),
        ("I", "question"),
    ]
    assert next(text[u.start : u.end] for u in paragraphs(text)) == "Note: sunny day."


def test_core_does_not_import_textual_or_the_front_ends():
    """The core stays headless. (click itself may load: sqlite-utils imports it for its plugins.)"""
    code = (
        "import sys, qualcode.project, qualcode.corpus.ingest, qualcode.codebook.tree, qualcode.coding.csv_io, "
        "qualcode.demo, qualcode.analysis.agreement, qualcode.analysis.cooccurrence, qualcode.interchange.exporters, "
        "qualcode.interchange.refi, qualcode.analysis.data, qualcode.analysis.agreement.audit, qualcode.interchange.exporters.tidy, "
        "qualcode.interchange.exporters.quotes, qualcode.interchange.qdpx_export, qualcode.interchange.qdpx_import, qualcode.interchange.merge, qualcode.analysis.agreement.adjudication, qualcode.search, "
        "qualcode.coding.autocode, qualcode.revision.revise, qualcode.revision.pseudonyms, qualcode.analysis.words; bad = [m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('qualcode.cli', 'qualcode.tui'))]; print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_labels_inside_a_paragraph_are_cut_out_of_sentences():
    text = "I: Hvad så\nIP: Jeg ventede tre uger. Det var hårdt.\nI: Okay?\n\nIP: Ja."
    ((units, _),) = segment_many([(text, "da")])
    assert [text[u.start : u.end] for u in units if u.kind == "sentence"] == [
        "Hvad så",
        "Jeg ventede tre uger.",
        "Det var hårdt.",
        "Okay?",
        "Ja.",
    ]
    assert [text[u.start : u.end] for u in units if u.kind == "turn"] == [
        "Hvad så",
        "Jeg ventede tre uger. Det var hårdt.",
        "Okay?",
        "Ja.",
    ]


def test_counts_agree_with_their_nouns():
    """ "1 coding", never "1 codings"; "an integer", never "a integer"."""
    from qualcode.interchange.refi.model import ImportReport
    from qualcode.text.wording import article, counted, plural

    assert [plural(n, "coding") for n in (0, 1, 2)] == ["0 codings", "1 coding", "2 codings"]
    assert plural(1, "analysis", "analyses") == "1 analysis" and plural(3, "analysis", "analyses") == "3 analyses"
    assert counted(1, "attribute values") == "1 attribute value" and counted(2, "codings") == "2 codings"
    assert [article(w) for w in ("integer", "float", "date", "Event")] == ["an", "a", "a", "an"]
    report = ImportReport("x.qdpx", {"documents": 1, "codes": 3, "codings": 1})
    assert report.lines()[0] == "x.qdpx: imported 1 document, 3 codes, 1 coding"
