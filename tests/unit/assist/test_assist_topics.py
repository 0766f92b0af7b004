"""Topics of uncoded text: deterministic, passages placed by offsets that quote the text, and with
--uncoded only units no coder coded."""

from __future__ import annotations

import pytest

from qualcode.assist import topics
from qualcode.errors import QualcodeError


def test_topics_are_deterministic_and_their_passages_quote_the_text(demo):
    a = topics(demo, k=4, uncoded=True, seed=1)
    b = topics(demo, k=4, uncoded=True, seed=1)
    assert a == b
    assert len(a.topics) == 4 and all(t.words for t in a.topics)
    texts = dict(demo.db.execute("SELECT id, text FROM documents").fetchall())
    coded = demo.db.execute("SELECT document_id, start, [end] FROM codings").fetchall()
    for t in a.topics:
        assert t.passages
        for ps in t.passages:
            text = texts[ps.document_id]
            assert text[ps.keyword_start : ps.keyword_end] == ps.keyword
            assert ps.start <= ps.keyword_start < ps.keyword_end <= ps.end
            assert not any(d == ps.document_id and s < ps.end and ps.start < e for d, s, e in coded)


def test_all_units_and_bad_k(demo):
    assert topics(demo, k=3, unit="paragraph").units > topics(demo, k=3, unit="paragraph", uncoded=True).units
    with pytest.raises(QualcodeError, match="-k"):
        topics(demo, k=1)


def test_topics_are_not_led_by_stop_words_or_fillers(demo):
    """Danish "med" and "gør" lemmatise to "mede" and "gø", past a filter on lemmas alone; "ja" is no
    stop word but a filler."""
    from qualcode.text.lexicon import fillers, stop_words

    skip = stop_words("da") | stop_words("en") | fillers("da") | fillers("en")
    result = topics(demo, k=4, uncoded=True)
    for t in result.topics:
        top = [w for w, _ in t.words[:5]]
        assert not [w for w in top if w in skip], top
        assert not {"mede", "gø", "ja", "nej"} & {w for w, _ in t.words}, t.words
