"""Emoji, ZWJ families, flags and CJK: rows keep their borders, the cursor never stops inside a character."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import regex

from helpers.tui import settle
from qualcode.cli import main
from qualcode.codebook.tree import add_code
from qualcode.corpus.ingest import import_files
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp

pytestmark = pytest.mark.anyio
TEXT = (
    "I: Hvordan gik det?\n"
    "P: Godt 👍🏽 tak, og ❤️ til personalet. Min familie 👨‍👩‍👧 kom med. Skilt på 日本語 og 🇩🇰🇸🇪 flag, "
    "og et q\u0301 til sidst i en lang linje som skal ombrydes flere gange på en smal skærm.\n"
)


@pytest.fixture()
def emoji_project(tmp_path: Path) -> Path:
    (tmp_path / "emoji.txt").write_text(TEXT, encoding="utf-8")
    p = Project.create(tmp_path / "p.db", coder="anna")
    import_files(p, [tmp_path / "emoji.txt"], language="da")
    add_code(p, "Praise")
    p.close()
    return tmp_path / "p.db"


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20)])
async def test_rows_keep_their_width_and_the_cursor_steps_over_whole_characters(emoji_project, size):
    app = QualcodeApp(emoji_project, "anna")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        t = app.transcript
        text = t.text
        bounds = {0, len(text)} | {m.start() for m in regex.finditer(r"\X", text)}
        for y in range(t.scrollable_content_region.height):  # the borders stay where they belong
            assert t.render_line(y).cell_length == t.size.width
        thumb = text.index("👍")
        t._set_cursor(thumb - 2)
        await pilot.press("right", "right")  # the keys themselves, over the thumb
        assert t.cursor == thumb
        await pilot.press("right")
        assert t.cursor == thumb + 2
        await pilot.press("left")
        assert t.cursor == thumb
        seen = []  # then every character of the text, through the same action the keys run
        t._set_cursor(0)
        for _ in range(len(bounds) + 5):
            t.action_move(1)
            seen.append(t.cursor)
        assert set(seen) <= bounds and t.cursor == len(text)
        assert thumb in seen and thumb + 1 not in seen and thumb + 2 in seen
        t._set_cursor(0)
        for _ in range(len(t._wrapped) + 2):
            t.action_move_row(1)
            assert t.cursor in bounds
        for _ in range(60):
            t.action_move(-1)
            assert t.cursor in bounds


async def test_a_selection_by_character_and_word_codes_whole_characters(emoji_project):
    app = QualcodeApp(emoji_project, "anna")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        t = app.transcript
        text = t.text
        thumb = text.index("👍")
        t._set_cursor(thumb - 1)
        await pilot.press("shift+right", "shift+right")
        assert t.selection == (thumb - 1, thumb + 2)  # the space and the whole thumb
        e = text.index("q\u0301")
        t._set_cursor(e)
        await pilot.press("1")  # the word unit stops before the combining accent; the selection does not
        assert t.selection == (e, e + 2)
        await pilot.press("slash", *"Praise", "enter")
        await settle(pilot)
    con = sqlite3.connect(emoji_project)
    assert con.execute("SELECT start, [end], text FROM codings").fetchall() == [(e, e + 2, "q\u0301")]
    con.close()


def test_the_command_line_refuses_a_span_inside_an_emoji(emoji_project, runner):
    before = emoji_project.read_bytes()
    thumb = TEXT.index("👍")
    r = runner.invoke(
        main, ["-p", str(emoji_project), "-c", "anna", "code", "emoji", str(thumb + 1), str(thumb + 2), "Praise"]
    )
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [
        f"Error: emoji: [{thumb + 1}, {thumb + 2}) cuts the character at {thumb + 1} in two "
        f"(a character such as an emoji with a skin tone is several code points); use [{thumb}, {thumb + 2})"
    ]
    assert emoji_project.read_bytes() == before
