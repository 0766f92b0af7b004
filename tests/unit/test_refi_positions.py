"""Offset conversion from an exporter's text to our stored (\\n, NFC) text."""

import unicodedata

import pytest

from qualcode.text.decoding import normalise as fold_text
from qualcode.text.offsets import (
    crlf_to_lf_offsets,
    nfc_offset_map,
    to_stored_offsets,
    utf16_to_codepoint_offsets,
)


def test_crlf_pairs_shrink_later_offsets_by_one_each():
    text = "ab\r\ncd\r\nef"  # folded: "ab\ncd\nef"
    assert crlf_to_lf_offsets(text, [0, 2, 3, 4, 6, 8, 10]) == [0, 2, 2, 3, 5, 6, 8]


def test_lone_cr_keeps_its_length():
    assert crlf_to_lf_offsets("a\rb\r\nc", [2, 3, 5, 6]) == [2, 3, 4, 5]


def test_offsets_past_the_end_are_clamped():
    assert crlf_to_lf_offsets("a\r\n", [-1, 99]) == [0, 2]


def test_nfc_map_composes_combining_acute():
    original = "Cafe\u0301 ok"  # 8 code points; NFC "Café ok" has 7
    normalised = unicodedata.normalize("NFC", original)
    m = nfc_offset_map(original, normalised)
    assert len(m) == len(original) + 1
    assert m == [0, 1, 2, 3, 3, 4, 5, 6, 7]  # inside "e\u0301" → start of "é"


def test_nfc_map_is_identity_for_astral_emoji():
    original = "a🙂b"
    assert nfc_offset_map(original, original) == [0, 1, 2, 3]


def test_nfc_map_hangul_jamo_compose_across_starters():
    original = "x\u1100\u1161y"  # L + V jamo → one syllable U+AC00
    normalised = unicodedata.normalize("NFC", original)
    assert normalised == "x\uac00y"
    assert nfc_offset_map(original, normalised) == [0, 1, 1, 2, 3]


def test_nfc_map_rejects_a_text_that_is_not_the_nfc_form():
    with pytest.raises(ValueError):
        nfc_offset_map("e\u0301", "e\u0301x")


def test_to_stored_offsets_combines_crlf_and_nfc():
    exporter = "Cafe\u0301\r\nDugnad 🙂"
    stored = fold_text(exporter)
    assert stored == "Café\nDugnad 🙂"
    start, end = to_stored_offsets(exporter, [7, 15])  # "Dugnad 🙂" in the exporter's text
    assert stored[start:end] == "Dugnad 🙂"
    assert (start, end) == (5, 13)


def test_utf16_offsets_count_astral_characters_twice():
    text = "a🙂b👍🏽c"  # 👍 is astral, the skin tone modifier U+1F3FD too
    assert utf16_to_codepoint_offsets(text, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) == [0, 1, 1, 2, 3, 3, 4, 4, 5, 6]
    assert utf16_to_codepoint_offsets(text, [12]) == [9]  # past the end stays past the end
