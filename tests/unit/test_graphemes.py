"""Grapheme clusters: offsets that never cut 👍🏽, 👨‍👩‍👧, a decomposed é or a flag in two."""

from __future__ import annotations

import pytest
import regex
from rich.cells import cell_len

from qualcode.errors import QualcodeError
from qualcode.text.graphemes import check_clusters, clusters, is_boundary, snap, step
from qualcode.tui.layout import shown, wrap

TEXT = "Tak 👍🏽 og ❤️ fra 👨‍👩‍👧 i 日本日本日本日本 café\u0301 🇩🇰🇸🇪 ok slut"


def reference_boundaries(text: str) -> list[int]:
    return sorted({0, len(text)} | {m.start() for m in regex.finditer(r"\X", text)})


def test_boundaries_match_uax29_everywhere():
    assert [i for i in range(len(TEXT) + 1) if is_boundary(TEXT, i)] == reference_boundaries(TEXT)
    assert [s for s, _ in clusters(TEXT)] == reference_boundaries(TEXT)[:-1]


def test_step_and_snap_move_by_whole_characters():
    thumb = TEXT.index("👍")
    assert TEXT[thumb : thumb + 2] == "👍🏽"
    assert step(TEXT, thumb, 1) == thumb + 2 and step(TEXT, thumb + 2, -1) == thumb
    assert snap(TEXT, thumb + 1, -1) == thumb and snap(TEXT, thumb + 1, 1) == thumb + 2
    family = TEXT.index("👨")
    assert step(TEXT, family, 1) == family + 5
    flags = TEXT.index("🇩")
    assert step(TEXT, flags, 1) == flags + 2 and step(TEXT, flags + 2, 1) == flags + 4


def test_a_span_that_cuts_a_character_is_refused_with_the_whole_span_offered():
    thumb = TEXT.index("👍")
    with pytest.raises(QualcodeError, match=rf"cuts the character at {thumb + 1} .* use \[{thumb}, {thumb + 2}\)"):
        check_clusters(TEXT, thumb + 1, thumb + 2, "int01")
    check_clusters(TEXT, thumb, thumb + 2, "int01")


@pytest.mark.parametrize("width", [5, 8, 10, 13, 21, 40])
def test_every_row_fits_its_width_and_no_row_splits_a_character(width):
    w = wrap(TEXT + "\nplain line that wraps like before", width)
    full = TEXT + "\nplain line that wraps like before"
    bounds = set(reference_boundaries(TEXT))
    for r in range(len(w)):
        row = full[w.starts[r] : w.ends[r]]
        assert cell_len(shown(row)) <= width, (r, row)
        if w.ends[r] <= len(TEXT):
            assert w.starts[r] in bounds and w.ends[r] in bounds
    assert "".join(full[w.starts[r] : w.ends[r]] for r in range(len(w))).replace(" ", "") == full.replace(
        " ", ""
    ).replace("\n", "")


def test_columns_map_to_character_starts():
    w = wrap(TEXT, 10)
    thumb = TEXT.index("👍")
    assert w.col_of(thumb) == 4 and w.col_of(thumb + 2) == 6
    assert w.offset_at(0, 5) == thumb  # the right half of the emoji is the emoji
    assert w.offset_at(0, 6) == thumb + 2


def test_a_line_of_wide_characters_alone_is_measured_in_cells():
    for line in ("日本語テキストはここにあります本当に長い行です", "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮ"):
        w = wrap(line, 10)
        assert all(cell_len(line[w.starts[r] : w.ends[r]]) <= 10 for r in range(len(w)))
        assert w.offset_at(0, 3) == 1 and w.col_of(1) == 2


def test_step_and_snap_agree_with_uax29_on_random_strings():
    import random

    rng = random.Random(7)
    alphabet = ["a", " ", "\u0600", "\u0301", "\u200d", "©", "®", "\ufe0f", "👍", "🏽", "🇩", "🇰", "日", "\n", "é"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        bounds = set(reference_boundaries(text))
        for i in range(len(text) + 1):
            assert is_boundary(text, i) == (i in bounds), (text, i)
            assert snap(text, i, -1) in bounds and snap(text, i, 1) in bounds, (text, i)
            assert step(text, i, 1) in bounds and step(text, i, -1) in bounds, (text, i)


def test_the_marks_terminals_size_differently_are_painted_without_them():
    # tmux 3.3a paints 👍🏽 in 4 cells and ❤️ in 1; 👍 and ❤ are 2 and 1 everywhere
    assert shown("Godt 👍🏽 og ❤️") == "Godt 👍 og ❤"
    assert shown("plain") == "plain" and shown("👨‍👩‍👧 🇩🇰") == "👨‍👩‍👧 🇩🇰"
    w = wrap("ab ❤️ cd", 20)
    assert w.col_of(6) == 5  # "cd" starts at column 5: ❤ takes one cell
