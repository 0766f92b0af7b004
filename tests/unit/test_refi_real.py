"""qualcode's REFI reader against real .qdpx exports of other tools (tests/data/refi/real/).

Each file is read twice: by ``read_qdpx`` and by the independent, plain reading in
``helpers.refi_reading``; what the two say must agree, and whatever our reader leaves out must be
something its report lists as skipped. Where each file comes from: PROVENANCE.md in that folder.

Not compared, because our reader lists them in ``report.skipped`` as not imported and the
independent reading does not count them: <Sets>, <Links>, <Graphs>, case members other than sources.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from helpers.paths import DATA
from helpers.refi_reading import norm, quote_reading, read_refi
from qualcode.interchange.refi import read_qdpx

REAL = DATA / "refi" / "real"
FILES = sorted(REAL.glob("*.qdpx"))


def guid(g: str | None) -> str | None:
    """GUIDs as our model keeps them: upper case, no braces."""
    return None if g is None else g.strip().strip("{}").upper()


def stored(text: str) -> str:
    """The model's stored form of a text: line endings folded to LF, then NFC."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


@cache
def both(path: Path):
    project, report = read_qdpx(path)
    return read_refi(path), project, report


@pytest.fixture(params=FILES, ids=[p.name for p in FILES])
def real(request):
    return both(request.param)


def test_every_file_has_its_provenance():
    table = (REAL / "PROVENANCE.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w.-]+\.qdpx)`", table, re.MULTILINE))
    assert {p.name for p in FILES} == listed
    assert len(FILES) >= 7  # see PROVENANCE.md for what was looked at and left out


def test_origin_users_and_codes(real):
    indep, project, _ = real
    assert project.origin == indep["origin"]
    # the reader may add users (coders that <Users> does not list), never lose one
    assert len(project.users) >= indep["counts"]["users"]
    assert len(project.all_codes()) == indep["counts"]["codes"]
    assert sum(bool(c.description) for c in project.all_codes()) == indep["descriptions"]["code"]


def test_text_sources(real):
    indep, project, report = real
    skipped = {guid(s.guid) for s in report.skipped if s.kind in ("TextSource", "PDFSource")}
    # Legitimately skipped: a text source whose text is neither inline nor in the archive (the
    # ATLAS.ti 8 file keeps an empty Sources/ folder); the independent reading finds no text for
    # exactly those.
    assert skipped == {guid(s["guid"]) for s in indep["sources"] if s["text"] is None}
    assert len(project.sources) == indep["counts"]["text_sources"] - len(skipped)
    by_guid = {s.guid: s for s in project.sources}
    for s in indep["sources"]:
        if s["text"] is not None:
            assert by_guid[guid(s["guid"])].text == stored(s["text"]), s["name"]
            assert by_guid[guid(s["guid"])].name == (s["name"] or "")
    # the report tells only what happened: a PDF it says came in through its text is among the sources
    imported = {s.name for s in project.sources}
    for w in report.warnings:
        m = re.fullmatch(r"PDF source (.+): imported its plain-text representation", w)
        if m:
            assert m.group(1)[1:-1] in imported, w
    # TODO memos: a non-empty <Description> of a text source (indep["descriptions"]["text_source"])
    # and of the project (indep["descriptions"]["project"]) should arrive as memos.


def test_codings(real):
    indep, project, report = real
    texts = {guid(s["guid"]): s["text"] for s in indep["sources"] if s["text"] is not None}
    skipped = {guid(s.guid) for s in report.skipped if s.guid}
    # a selection our reader may drop: positions outside the text in the file's own counting
    outside = {
        guid(sel["guid"])
        for s in indep["sources"]
        if s["text"] is not None
        for sel in s["selections"]
        if not 0 <= sel["start"] <= sel["end"] <= len(s["text"])
    }
    expected = 0
    for c in indep["codings"]:
        src, sel, kind = guid(c["source"]), guid(c["selection"]), c["selection_kind"]
        if src in texts and kind in (None, "PlainTextSelection") and sel not in outside:
            expected += 1
            continue
        # Everything else must be something the report lists as skipped: codings of sources we do
        # not import (pictures, audio, video, texts missing from the archive), of PDF area
        # selections, of selections outside the text; or of selections inside notes (a warning).
        explained = (
            src in skipped
            or sel in skipped
            or (src is None and any("selections inside notes" in w for w in report.warnings))
        )
        assert explained, f"coding in {kind} {sel} of source {src} is neither imported nor reported"
    assert len(project.codings) == expected
    # TODO memos: a non-empty <Description> of a selection (indep["descriptions"]["selection"]) should
    # become a coding memo, and indep["counts"]["notes"] should equal len(project.notes) with targets.


def test_each_selection_keeps_its_codings(real):
    indep, project, _ = real
    per_selection: dict[str, int] = {}
    for c in project.codings:
        per_selection[c.selection_guid] = per_selection.get(c.selection_guid, 0) + 1
    for s in indep["sources"]:
        if s["text"] is None:
            continue
        for sel in s["selections"]:
            if sel["codings"] and 0 <= sel["start"] <= sel["end"] <= len(s["text"]):
                assert per_selection.get(guid(sel["guid"])) == sel["codings"], (s["name"], sel)


def test_quotes_match_selection_names(real):
    """Where a selection's name is the quote (as the independent reading judges, in code points or
    UTF-16 units), the text our reader puts at the coding's positions is that quote."""
    indep, project, _ = real
    texts = {s.guid: s.text for s in project.sources}
    codings: dict[str, list] = {}
    for c in project.codings:
        codings.setdefault(c.selection_guid, []).append(c)
    for s in indep["sources"]:
        if s["text"] is None:
            continue
        for sel in s["selections"]:
            if quote_reading(s["text"], sel, indep["origin"]) is None:
                continue
            name = norm(sel["name"])
            for c in codings.get(guid(sel["guid"]), []):
                got = norm(texts[c.source_guid][c.start : c.end])
                assert got.startswith(name) or name.startswith(got), (s["name"], sel["guid"], name, got)
                assert c.excerpt == sel["name"]


QC_FILES = [p for p in FILES if (read_refi(p)["origin"] or "").startswith("qc ")]


@pytest.mark.parametrize("path", QC_FILES, ids=[p.name for p in QC_FILES])
def test_qc_line_selections_quote_their_line(path):
    """qc names each selection "line:N" and it spans exactly line N of the text (counted from 0, line
    break included): a check of every position in these files, where names are not quotes."""
    indep, project, _ = both(path)
    texts = {s.guid: s.text for s in project.sources}
    lines = {guid(s["guid"]): stored(s["text"]).splitlines(keepends=True) for s in indep["sources"]}
    assert project.codings
    for c in project.codings:
        n = int(c.excerpt.removeprefix("line:"))
        assert texts[c.source_guid][c.start : c.end] == lines[c.source_guid][n], (c.source_guid, c.excerpt)


def test_the_independent_quote_reading():
    """The judge itself: names that quote the text in code points, in UTF-16 units (NVivo), or not at all."""
    text = "Intro 😀 then: the quoted words, and more."
    start = text.index("the quoted")
    sel = {"start": start, "end": start + 16, "name": "the quoted words"}
    assert quote_reading(text, sel, "MAXQDA 24") == "code points"
    utf16 = {**sel, "start": start + 1, "end": start + 17}  # the emoji counted as two units
    assert quote_reading(text, utf16, "NVivo 14") == "utf-16"
    assert quote_reading(text, {**sel, "name": "line:6"}, "qc 1.3.2") is None
    assert quote_reading(text, {**sel, "name": "the quoted wor…"}, "ATLAS.ti 23") == "code points"
    assert quote_reading(text, {**sel, "name": "something else"}, "MAXQDA 24") is None
