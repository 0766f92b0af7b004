"""Cases: the sheet's rows, the filter language, sorting, and one undoable event per attribute edit."""

from __future__ import annotations

import pytest

from qualcode.corpus.attributes import add_attribute, attribute_types, document_attributes, set_attribute
from qualcode.corpus.cases import case_fields, parse_case_filter, read_cases, sort_documents
from qualcode.errors import QualcodeError

DOC = "da_int01_vesterbro_bruger"


def events(project):
    return project.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def last_event(project):
    return tuple(project.db.execute("SELECT action, summary FROM events ORDER BY id DESC LIMIT 1").fetchone())


def names(docs):
    return [d["name"] for d in docs]


def select(demo, text):
    cases = read_cases(demo)
    flt = parse_case_filter(text, cases.fields)
    return names(flt.apply(cases.documents, cases.attributes, cases.mine, list(cases.fields)))


def test_read_cases_counts_mine_and_all(demo):
    cases = read_cases(demo)
    assert len(cases.documents) == 12
    row = next(d for d in cases.documents if d["name"] == DOC)
    counts = dict(
        demo.db.execute(
            "SELECT k.name, COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE c.document_id = ? GROUP BY k.name",
            [row["id"]],
        ).fetchall()
    )
    assert row["mine"] == counts["anna"] and row["codings"] == sum(counts.values())
    assert list(cases.types) == ["site", "role", "gender", "age_band", "date"]
    assert list(case_fields(cases.types)) == ["name", "kind", "language", *cases.types, "mine", "codings"]


def test_filter_language(demo):
    assert len(select(demo, "site=Vesterbro")) == 5
    assert len(select(demo, "site=vesterbro,nordvest")) == 9  # either, case-insensitive
    assert len(select(demo, "site!=Vesterbro")) == 7
    assert select(demo, "role=person who uses drugs site=Sundholm") == ["en_int06_sundholm_user"]  # words continue
    assert select(demo, 'role="social worker" site=Sundholm') == ["da_int03_sundholm_socialarbejder"]
    assert select(demo, "date>=2021-10-01") == ["en_int08_vesterbro_peer", "en_obs04_vesterbro_cafe"]
    assert select(demo, "role~work kind=interview") == select(demo, 'role="social worker"')
    assert select(demo, "codings<20") == ["en_obs04_vesterbro_cafe"]
    assert select(demo, "cafe") == ["en_obs04_vesterbro_cafe"]  # a word: any cell
    assert len(select(demo, "coded:me")) == 12 and select(demo, "not:me") == []
    assert select(demo, "coded:none") == [] and len(select(demo, "coded:any")) == 12
    assert len(select(demo, "")) == 12


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("city=Aarhus", "no field 'city'"),
        ("codings>many", "codings is an integer attribute, compare it with a number"),
        ("date<March", "a date (YYYY-MM-DD)"),
        ("coded:bo", "write one of coded:me"),
        ('site="Vesterbro', "a quote is not closed"),
        ("site=", "say what to compare with"),
    ],
)
def test_filter_mistakes_are_one_line(demo, text, says):
    with pytest.raises(QualcodeError, match=None) as e:
        select(demo, text)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_sort_by_type_missing_last_and_reversed(demo):
    cases = read_cases(demo)
    docs, attrs, mine = cases.documents, cases.attributes, cases.mine
    by_all = sort_documents(docs, attrs, mine, "codings")
    assert [d["codings"] for d in by_all] == sorted(d["codings"] for d in docs)
    by_age = sort_documents(docs, attrs, mine, "age_band")
    assert names(by_age)[-4:] == [d["name"] for d in docs if "age_band" not in attrs.get(d["id"], {})]
    reverse = sort_documents(docs, attrs, mine, "age_band", reverse=True)
    assert names(reverse)[-4:] == names(by_age)[-4:]  # missing values last either way
    assert names(reverse)[0] == "en_int06_sundholm_user"  # 55-64


def test_set_attribute_checks_the_type_and_is_one_undoable_event(demo):
    add_attribute(demo, "age", "integer")
    assert attribute_types(demo)["age"] == "integer"
    assert last_event(demo) == ("attribute.add", "added attribute age (integer)")
    n = events(demo)
    with pytest.raises(QualcodeError, match=r"age takes a whole number \(e.g. 45\), not 'thirty'"):
        set_attribute(demo, DOC, "age", "thirty")
    assert events(demo) == n
    assert set_attribute(demo, DOC, "age", "34")
    assert events(demo) == n + 1
    assert last_event(demo) == ("attribute.set", f"age of {DOC}: (empty) → 34")
    assert not set_attribute(demo, DOC, "age", " 34 ")  # unchanged: no event
    assert events(demo) == n + 1
    set_attribute(demo, DOC, "site", "Amager")
    assert last_event(demo) == ("attribute.set", f"site of {DOC}: Vesterbro → Amager")
    undone = demo.undo()
    assert undone is not None and "site of da_int01" in undone["summary"]
    doc_id = demo.db.execute("SELECT id FROM documents WHERE name = ?", [DOC]).fetchone()[0]
    assert document_attributes(demo, doc_id)[doc_id]["site"] == "Vesterbro"
    demo.undo()
    assert "age" not in document_attributes(demo, doc_id)[doc_id]
    set_attribute(demo, DOC, "site", "")  # empty removes the value
    assert "site" not in document_attributes(demo, doc_id)[doc_id]


@pytest.mark.parametrize(
    ("typ", "good", "stored", "bad"),
    [
        ("float", "3,5", 3.5, "3.5.1"),
        ("date", "2021-03-14", "2021-03-14", "14/3/2021"),
        ("boolean", "ja", True, "maybe"),
        ("text", "anything at all", "anything at all", None),
    ],
)
def test_each_type_takes_its_values(demo, typ, good, stored, bad):
    add_attribute(demo, "x", typ)
    set_attribute(demo, DOC, "x", good)
    doc_id = demo.db.execute("SELECT id FROM documents WHERE name = ?", [DOC]).fetchone()[0]
    assert document_attributes(demo, doc_id)[doc_id]["x"] == stored
    if bad is not None:
        with pytest.raises(QualcodeError, match="x takes"):
            set_attribute(demo, DOC, "x", bad)


def test_kind_language_and_mistakes(demo):
    set_attribute(demo, DOC, "kind", "other")
    assert last_event(demo) == ("attribute.set", f"kind of {DOC}: interview → other")
    with pytest.raises(QualcodeError, match="not a kind: write one of interview, fieldnote, other"):
        set_attribute(demo, DOC, "kind", "diary")
    with pytest.raises(QualcodeError, match="fixed at import"):
        set_attribute(demo, DOC, "language", "en")
    with pytest.raises(QualcodeError, match="no attribute 'town'"):
        set_attribute(demo, DOC, "town", "x")
    with pytest.raises(QualcodeError, match="already an attribute 'site'"):
        add_attribute(demo, "Site", "text")
    with pytest.raises(QualcodeError, match="not an attribute type"):
        add_attribute(demo, "age", "number")
    with pytest.raises(QualcodeError, match="already a column"):
        add_attribute(demo, "kind", "text")
