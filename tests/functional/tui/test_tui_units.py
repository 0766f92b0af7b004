"""The workbench's pure parts: wrapping, unit selection, fuzzy code ranking, the actions table."""

from __future__ import annotations

from collections import Counter

from qualcode.codebook.codes import list_codes
from qualcode.tui.actions import ACTIONS, SCOPES, bindings, reserved_keys
from qualcode.tui.fuzzy import rank_codes
from qualcode.tui.layout import wrap
from qualcode.tui.selection import Units, grow, move_edge, next_word_start, prev_word_start, words_near

TEXT = "Hello world. This is a test of wrapping.\n\nSecond para here."


def rows(text, w):
    return [text[s:e] for s, e in zip(w.starts, w.ends)]


def test_wrap_breaks_at_spaces_and_keeps_empty_lines():
    w = wrap(TEXT, 12)
    assert rows(TEXT, w) == ["Hello world.", "This is a", "test of", "wrapping.", "", "Second para", "here."]
    assert w.row_of(0) == 0 and w.row_of(12) == 0  # the soft-break space shows at its row's end
    assert w.row_of(13) == 1 and w.offset_at(1, 100) == 22


def test_wrap_cuts_words_longer_than_the_width():
    text = "abcdefghijklmnop qr"
    assert rows(text, wrap(text, 6)) == ["abcdef", "ghijkl", "mnop", "qr"]


def test_wrap_covers_every_character_once():
    text = ("Lorem ipsum dolor sit amet, consectetur adipiscing. " * 40 + "\n") * 30
    w = wrap(text, 37)
    covered = sum(e - s for s, e in zip(w.starts, w.ends))
    breaks = len(w) - 1  # each row boundary drops exactly one space or newline
    assert covered + breaks == len(text)
    assert all(e - s <= 37 for s, e in zip(w.starts, w.ends))


UNITS = Units([0, 13, 43], [12, 40, 60])  # three sentences of TEXT


def test_grow_selects_the_unit_then_adds_the_next():
    assert grow(None, 5, UNITS) == (0, 12)
    assert grow((0, 12), 12, UNITS) == (0, 40)
    assert grow((0, 40), 40, UNITS) == (0, 60)
    assert grow((0, 60), 60, UNITS) == (0, 60)  # nothing more to add
    assert grow(None, 41, UNITS) == (43, 60)  # between units: the next one


def test_move_edge_snaps_to_units_and_never_empties():
    assert move_edge((0, 12), UNITS, "end", 1) == (0, 40)
    assert move_edge((0, 40), UNITS, "end", -1) == (0, 12)
    assert move_edge((0, 12), UNITS, "end", -1) == (0, 12)
    assert move_edge((13, 40), UNITS, "start", -1) == (0, 40)
    assert move_edge((0, 40), UNITS, "start", 1) == (13, 40)
    assert move_edge((13, 40), UNITS, "start", 1) == (13, 40)


def test_words():
    w = words_near(TEXT, 0, 0)
    assert list(zip(w.starts, w.ends))[:4] == [(0, 5), (6, 11), (13, 17), (18, 20)]
    assert next_word_start(TEXT, 0) == 6 and next_word_start(TEXT, 7) == 13
    assert prev_word_start(TEXT, 8) == 6 and prev_word_start(TEXT, 6) == 0


def test_fuzzy_picker_ranks_paths_first(demo_copy):
    from qualcode.project import Project

    with Project.open(demo_copy) as p:
        codable = [c for c in list_codes(p) if c.codable]
        assert rank_codes("stig", codable)[0].path == "Barriers/Stigma"
        assert rank_codes("wait", codable)[0].path == "Barriers/Waiting"
        assert rank_codes("contact", codable)[0].path == "Resources/Contact person"
        assert [c.path for c in rank_codes("", codable)] == [c.path for c in codable]


def test_actions_table_is_consistent():
    assert {a.scope for a in ACTIONS} <= set(SCOPES)
    for scope in SCOPES:
        keys = Counter(k for a in ACTIONS if a.scope == scope for k in a.keys.split(","))
        assert [k for k, n in keys.items() if n > 1] == [], scope
    # keys the transcript and app bind must not collide with each other
    app_keys = reserved_keys("app")
    assert not app_keys & (reserved_keys("transcript") | reserved_keys("coding"))
    assert all(a.help for a in ACTIONS)
    assert len(bindings("transcript")) == sum(1 for a in ACTIONS if a.scope == "transcript")
    # no letter is bound in the transcript: letters are code hotkeys
    assert not [k for k in reserved_keys("app", "transcript", "coding") if len(k) == 1 and k.isalpha()]


def test_expired_notification_gets_a_positive_toast_timeout():
    import time

    from textual.notifications import Notification
    from textual.widgets._toast import Toast

    from qualcode.tui.compat import MIN_TIMEOUT, guard_toast_timeout

    guard_toast_timeout()
    late = Notification("x", timeout=1.0, raised_at=time.time() - 2.0)
    assert late.time_left < 0
    assert Toast(late)._timeout == MIN_TIMEOUT
