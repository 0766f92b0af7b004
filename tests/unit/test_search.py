"""Search (exact, regex, lemma, fuzzy), filters, KWIC, the stored index, words per code, and the CLI."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.analysis.words import log_likelihood, words_per_code
from qualcode.cli import main
from qualcode.coding.codings import add_coding
from qualcode.corpus.attributes import document_attributes
from qualcode.corpus.documents import get_document, list_documents
from qualcode.corpus.filters import DocumentFilter
from qualcode.corpus.ingest import import_files
from qualcode.corpus.wordindex import index_missing, index_status
from qualcode.project import Project
from qualcode.search import kwic, search

DA = (
    "I: Hvem hjalp dig dengang?\n\n"
    "IP: Min kontaktperson hjælper mig stadig. Hun har hjulpet mig med metadonbehandling.\n\n"
    "I: Fik du hjælpen?\n\n"
    "IP: Ja, jeg vil gerne hjælpe andre. Jeg henter metadon, men nogle skriver methadon.\n"
)
EN = (
    "Interviewer: Who helped you back then?\n\n"
    "Participant: My contact person is helping me. She helps everyone. Helped by nobody else.\n\n"
    "Interviewer: Did that help?\n\n"
    "Participant: I get methadone every day, but the forms say metadone.\n"
)


def _spans(res):
    return [(h.document, h.start, h.end) for h in res.hits]


@pytest.fixture()
def small(tmp_path: Path) -> Project:
    (tmp_path / "da_one.txt").write_text(DA, encoding="utf-8")
    (tmp_path / "en_one.txt").write_text(EN, encoding="utf-8")
    p = Project.create(tmp_path / "p.db", coder="anna")
    import_files(p, [tmp_path / "da_one.txt"], language="da")
    import_files(p, [tmp_path / "en_one.txt"], language="en", kind="fieldnote")
    yield p
    p.close()


def _at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return starts[nth], starts[nth] + len(word)


# --------------------------------------------------------------------------------------- lemma
def test_danish_inflected_forms_found_by_lemma(small):
    res = search(small, "hjælpe", "lemma")
    found = sorted(DA[h.start : h.end] for h in res.hits)
    assert found == ["hjalp", "hjulpet", "hjælpe", "hjælper"]
    assert set(res.forms) >= {"hjalp", "hjælper", "hjulpet", "hjælpe"}
    # an inflected query word finds the same forms (its lemma is looked up first)
    assert _spans(search(small, "hjalp", "lemma")) == _spans(res)
    # the noun is a lemma of its own in spaCy's Danish table; alternatives join them
    assert sorted(DA[h.start : h.end] for h in search(small, "hjælp", "lemma").hits) == ["hjælpen"]
    both = search(small, "hjælp|hjælpe", "lemma")
    assert len(both) == 5


def test_english_inflected_forms_found_by_lemma(small):
    res = search(small, "help", "lemma", DocumentFilter(language="en"))
    assert sorted(EN[h.start : h.end] for h in res.hits) == ["Helped", "help", "helped", "helping", "helps"]
    assert res.hits[0].start == EN.index("helped")


def test_exact_is_whole_word_case_insensitive_and_phrases_use_consecutive_tokens(small):
    res = search(small, "Metadon", "exact")
    assert _spans(res) == [("da_one", *_at(DA, "metadon"))]  # not inside "metadonbehandling"
    phrase = search(small, "min kontaktperson", "exact")
    at = DA.index("Min kontaktperson")
    assert [(h.start, h.end) for h in phrase.hits] == [(at, at + 17)]
    assert len(search(small, "kontaktperson min", "exact")) == 0


def test_fuzzy_finds_spelling_variants_above_the_threshold_and_not_below(small):
    from rapidfuzz import fuzz

    assert fuzz.ratio("metadon", "methadon") == pytest.approx(93.333, abs=0.001)
    da = DocumentFilter(language="da")
    res = search(small, "metadon", "fuzzy", da, threshold=90)
    assert sorted(DA[h.start : h.end] for h in res.hits) == ["metadon", "methadon"]
    assert res.forms["methadon"] == pytest.approx(93.333, abs=0.001)
    assert [h.score for h in res.hits if DA[h.start : h.end] == "methadon"] == [pytest.approx(93.333, abs=0.001)]
    # 93.3 is below a threshold of 94: only the exact spelling is left
    assert sorted(DA[h.start : h.end] for h in search(small, "metadon", "fuzzy", da, threshold=94).hits) == ["metadon"]
    # English: "metadone" ~ "methadone" (ratio 94.1), at 95 it is not found
    en = search(small, "methadone", "fuzzy", DocumentFilter(language="en"), threshold=90)
    assert sorted(EN[h.start : h.end] for h in en.hits) == ["metadone", "methadone"]
    assert len(search(small, "methadone", "fuzzy", DocumentFilter(language="en"), threshold=95)) == 1


def test_regex_offsets_are_those_of_re(small):
    res = search(small, r"meth?adon\w*", "regex")
    expected = [("da_one", m.start(), m.end()) for m in re.finditer(r"meth?adon\w*", DA, re.I)] + [
        ("en_one", m.start(), m.end()) for m in re.finditer(r"meth?adon\w*", EN, re.I)
    ]
    assert _spans(res) == expected and len(expected) == 5


def test_filters_speaker_kind_document(small):
    ip = search(small, "hjælpe", "lemma", speakers=["IP"])
    assert sorted(DA[h.start : h.end] for h in ip.hits) == ["hjulpet", "hjælpe", "hjælper"]  # not the I's "hjalp"
    assert len(search(small, "help", "lemma", DocumentFilter(kind="interview"))) == 0
    assert len(search(small, "help", "lemma", DocumentFilter(kind="fieldnote"))) == 5
    assert len(search(small, "help", "lemma", DocumentFilter(documents=("da_one",)))) == 0


def test_attribute_filter_on_demo(demo):
    res = search(demo, "metadon", "exact", DocumentFilter(where=("site=vesterbro",)))
    vesterbro = {
        n
        for n, a in ((get_document(demo, i)["name"], a) for i, a in document_attributes(demo).items())
        if a.get("site") == "Vesterbro"
    }
    expected = {n for n in vesterbro if re.search(r"(?<!\w)metadon(?!\w)", get_document(demo, n)["text"], re.I)}
    assert {h.document for h in res.hits} == expected == {"da_int01_vesterbro_bruger", "en_obs04_vesterbro_cafe"}
    assert "da_int02_nordvest_bruger" in {h.document for h in search(demo, "metadon").hits}
    with pytest.raises(Exception, match="no attribute 'sted'"):
        search(demo, "metadon", "exact", DocumentFilter(where=("sted=Vesterbro",)))


def test_exact_search_agrees_with_a_regex_scan_over_the_demo(demo):
    docs = {d["id"]: get_document(demo, d["id"])["text"] for d in list_documents(demo)}
    for word in ("metadon", "kontaktperson", "help", "the"):
        res = search(demo, word, "exact")
        expected = sorted(
            (i, m.start()) for i, t in docs.items() for m in re.finditer(rf"(?<!\w){word}(?!\w)", t, re.I)
        )
        assert sorted((h.document_id, h.start) for h in res.hits) == expected, word
        assert all(docs[h.document_id][h.start : h.end].lower() == word for h in res.hits)


def test_kwic_lines(small):
    res = search(small, "metadon", "exact")
    (line,) = kwic(small, res.hits, width=10)
    assert (line.left, line.match, line.right) == ("eg henter ", "metadon", ", men nogl")
    assert line.plain(10) == "eg henter  [metadon] , men nogl"
    fik = kwic(small, search(small, "fik", "exact").hits, width=8)[0]
    assert (fik.left, fik.match, fik.right) == ("ng.  I: ", "Fik", " du hjæl")  # line breaks shown as spaces


@pytest.fixture()
def fresh(tmp_path: Path) -> Project:
    (tmp_path / "a.txt").write_text(DA, encoding="utf-8")
    p = Project.create(tmp_path / "f.db", coder="anna")
    import_files(p, [tmp_path / "a.txt"], language="da")
    yield p
    p.close()


def _index_rows(project: Project) -> tuple[list, list, list]:
    return (
        project.db.execute("SELECT * FROM search_postings ORDER BY form, text_sha256").fetchall(),
        project.db.execute("SELECT form, language FROM search_vocab ORDER BY language, form").fetchall(),
        project.db.execute("SELECT * FROM search_docs ORDER BY text_sha256").fetchall(),
    )


def test_import_writes_the_index_that_a_rebuild_would(fresh):
    assert index_status(fresh) == (1, 1)  # ready at import: no search has run
    at_import = _index_rows(fresh)
    assert at_import[0] and at_import[1] and at_import[2][0][2] > 0
    assert index_missing(fresh) == 0
    # lemmas wait for the first lemma search (their lexicon takes half a second to load)
    assert fresh.db.execute("SELECT lemma FROM search_vocab WHERE form = 'hjulpet'").fetchone()[0] is None
    assert {h.form for h in search(fresh, "hjælpe", "lemma").hits} >= {"hjulpet"}
    assert fresh.db.execute("SELECT lemma FROM search_vocab WHERE form = 'hjulpet'").fetchone()[0] == "hjælpe"
    assert index_missing(fresh, rebuild=True) == 1  # the other way of making it: reading the stored text
    assert _index_rows(fresh) == at_import
    # the index is not part of the event log
    assert not any("search" in (e["action"] or "") for e in fresh.events(100))


def test_a_revision_indexes_its_new_text_and_the_old_one_is_pruned(fresh):
    from qualcode.revision.revise import revise_document

    old_sha = fresh.db.execute("SELECT text_sha256 FROM documents").fetchone()[0]
    revise_document(fresh, "a", DA.replace("metadon", "kaffe"))
    new_sha = fresh.db.execute("SELECT text_sha256 FROM documents").fetchone()[0]
    assert fresh.db.execute("SELECT 1 FROM search_docs WHERE text_sha256 = ?", [new_sha]).fetchone()
    assert not search(fresh, "metadon").hits and search(fresh, "kaffe").hits
    assert not fresh.db.execute("SELECT 1 FROM search_docs WHERE text_sha256 = ?", [old_sha]).fetchone()


def test_lemmas_are_spacys_lookup_lemmatizer(demo_path):
    from qualcode.text.lexicon import lemma_of
    from qualcode.text.nlp import lemma_pipeline

    with Project.open(demo_path) as p:
        for lang in ("da", "en"):
            table = lemma_pipeline(lang).get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
            forms = [r[0] for r in p.db.execute("SELECT form FROM search_vocab WHERE language = ?", [lang])]
            assert len(forms) > 500
            for form in forms:  # the lemmatizer's lookup mode is table.get(form, form)
                assert lemma_of(form, lang) == table.get(form, form).lower(), form


def test_bad_queries_are_user_errors(small):
    from qualcode.errors import QualcodeError

    for q, mode in (("", "exact"), ("(", "regex"), ("...", "exact"), ("x", "soundex")):
        with pytest.raises(QualcodeError):
            search(small, q, mode)


# --------------------------------------------------------------------------------------- words per code
def test_log_likelihood_reference_value():
    # Rayson & Garside (2000): G2 = 2 * sum(O ln(O/E)); a=10 in 100 words vs b=5 in 1,000
    e1, e2 = 100 * 15 / 1100, 1000 * 15 / 1100
    expected = 2 * (10 * math.log(10 / e1) + 5 * math.log(5 / e2))
    assert log_likelihood(10, 5, 100, 1000) == pytest.approx(expected)
    assert log_likelihood(10, 5, 100, 1000) == pytest.approx(29.8155, abs=1e-3)
    assert log_likelihood(1, 100, 100, 1000) < 0  # under-used words get a negative sign
    assert log_likelihood(0, 0, 100, 1000) == 0.0


def test_words_per_code_counts_and_stop_words(small):
    from qualcode.codebook.tree import add_code

    add_code(small, "Treatment")
    text = get_document(small, "da_one")["text"]
    s = text.index("IP: Ja")
    add_coding(small, "da_one", s + 4, len(text.rstrip()), "Treatment")  # "Ja, jeg vil gerne hjælpe andre. …"
    r = words_per_code(small, "Treatment", min_count=1, top=0)
    # words with a letter in the segment: Ja jeg vil gerne hjælpe andre Jeg henter metadon men nogle skriver methadon
    assert r.words_in_code == 13
    total = sum(1 for m in re.finditer(r"\w+", DA) if any(c.isalpha() for c in m.group()))
    assert r.words_in_rest == total - 13
    words = {w.word: w for w in r.words}
    assert "jeg" not in words and "men" not in words  # spaCy's Danish stop words
    assert words["metadon"].count == 1 and words["metadon"].rest == 0
    assert words["metadon"].ll == pytest.approx(log_likelihood(1, 0, 13, total - 13))
    lem = words_per_code(small, "Treatment", min_count=1, top=0, lemmas=True)
    assert {w.word for w in lem.words} >= {"hjælpe", "metadon"}


# --------------------------------------------------------------------------------------- CLI and layering
def test_cli_search_json_and_text(demo):
    runner = CliRunner()
    args = ["-p", str(demo.path), "-c", "anna", "search", "hjælpe", "--mode", "lemma", "--speaker", "IP", "--json"]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["total"] == len(data["hits"]) > 0
    for h in data["hits"]:
        text = get_document(demo, h["document"])["text"]
        assert text[h["start"] : h["end"]] == h["match"]
    out = runner.invoke(main, ["-p", str(demo.path), "search", "metadon", "-n", "2"])
    assert out.exit_code == 0 and "(showing 2; --limit 0 for all)" in out.output
    bad = runner.invoke(main, ["-p", str(demo.path), "search", "x", "--attr", "site"])
    assert bad.exit_code == 1 and "NAME=VALUE" in bad.output


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_plain_word_is_one_token_unless_a_recorded_rule_cuts_it(lang):
    from qualcode.text.lexicon import lemma_table
    from qualcode.text.nlp import sentence_pipeline
    from qualcode.text.wordindex import letter_splits

    tokenizer = sentence_pipeline(lang).tokenizer
    cut = letter_splits(lang)
    if lang == "en":
        assert cut["cannot"] == ["can", "not"] and cut["Gonna"] == ["gon", "na"]
    words = [w for w in list(lemma_table(lang))[::7] if w.isalpha()][:20000]
    for word in words:
        for variant in (word, word.capitalize(), word.upper()):
            expected = [t.lower_ for t in tokenizer(variant)]
            assert cut.get(variant, [variant.lower()]) == expected, variant


def test_a_query_word_the_tokenizer_cuts_finds_its_tokens(tmp_path):
    text = "I: Why not?\n\nIP: I cannot go there. We can not.\n"
    (tmp_path / "e.txt").write_text(text, encoding="utf-8")
    with Project.create(tmp_path / "e.db", coder="anna") as p:
        import_files(p, [tmp_path / "e.txt"], language="en")
        hits = search(p, "cannot").hits
        one, two = text.index("cannot"), text.index("can not")
        assert [(h.start, h.end) for h in hits] == [(one, one + 6), (two, two + 7)]


def test_searching_the_demo_loads_no_spacy(demo_path):
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from qualcode.project import Project\n"
        "from qualcode.search import search\n"
        "with Project.open(sys.argv[1]) as p:\n"
        "    found = [len(search(p, q).hits) for q in ('metadon', 'hjælp', 'kontaktperson', 'cannot')]\n"
        "    found.append(len(search(p, 'metadon', 'fuzzy').hits))\n"
        "print(found, 'spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(demo_path)], capture_output=True, text=True, check=True)
    counts, spacy_loaded = out.stdout.rsplit("]", 1)
    assert spacy_loaded.strip() == "False"
    assert all(int(n) > 0 for n in counts.strip("[").split(",")[:3]) and int(counts.strip("[").split(",")[4]) > 0


def test_a_hit_spans_its_token_even_when_lower_casing_changes_the_length(tmp_path):
    text = "IP: Vi mødtes i İstanbul og så i Odense.\n"  # 'İ'.lower() is two code points
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    with Project.create(tmp_path / "t.db", coder="anna") as p:
        import_files(p, [tmp_path / "t.txt"], language="da")
        for word in ("İstanbul", "odense"):
            (hit,) = search(p, word).hits
            assert text[hit.start : hit.end].lower() == word.lower()
        assert p.db.execute("SELECT COUNT(*) FROM search_postings WHERE ends IS NOT NULL").fetchone()[0] == 1
