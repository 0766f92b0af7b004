"""Export writers: exact CSV bytes, and every format read back equals the matrices."""

import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from qualcode.analysis.cooccurrence import Codings, Units, cooccurrence
from qualcode.analysis.matrices import code_attribute_crosstab, document_code_matrix
from qualcode.interchange.exporters import (
    Table,
    cooccurrence_table,
    crosstab_table,
    data_dictionary,
    document_code_table,
    matrix_table,
    pairs_table,
    write_tables,
)
from qualcode.interchange.exporters.csv_export import csv_text, write_csv
from qualcode.interchange.exporters.json_export import write_json
from qualcode.interchange.exporters.spss_stata_export import write_dta, write_sav
from qualcode.interchange.exporters.varnames import MAX_LENGTH, NAME_LENGTH, is_valid_varname, make_varnames, to_varname
from qualcode.interchange.exporters.xlsx_export import sheet_names, write_xlsx

CODE_NAMES = {
    1: "Hjælp søgt",
    2: "Barrierer/Dårligt samarbejde mellem myndigheder",
    3: 'Barrierer/Afstand, "langt væk"',
}
DOC_NAMES = {10: "Interview Vesterbro 01", 20: "Interview Sundholm 02", 30: "Feltnote 03"}
ROWS = [
    (10, 1, 1, 0, 10),
    (10, 2, 1, 5, 25),
    (10, 3, 1, 30, 40),
    (10, 1, 1, 60, 70),
    (10, 3, 1, 70, 80),
    (20, 2, 1, 0, 10),
    (20, 3, 1, 5, 15),
    (20, 1, 1, 40, 50),
]
CODINGS = Codings.from_rows(ROWS)
SENTENCES = Units.from_rows(
    [(10, 1, 0, 20), (10, 2, 20, 50), (10, 3, 50, 100), (20, 4, 0, 30), (20, 5, 30, 60), (30, 6, 0, 10)]
)
NAMES = [CODE_NAMES[c] for c in (1, 2, 3)]


def test_csv_exact_bytes(tmp_path):
    t = matrix_table(
        "m",
        ["Barrierer/Afstand", 'Hjælp, "afvist"'],
        ["Barrierer/Afstand", 'Hjælp, "afvist"'],
        np.array([[2, 0.5], [np.nan, 3]]),
    )
    path = write_csv(t, tmp_path / "m.csv")
    assert (
        path.read_bytes()
        == (
            'code,Barrierer/Afstand,"Hjælp, ""afvist"""\r\nBarrierer/Afstand,2.0,0.5\r\n"Hjælp, ""afvist""",,3.0\r\n'
        ).encode()
    )
    bom = write_csv(t, tmp_path / "bom.csv", bom=True).read_bytes()
    assert bom[:3] == b"\xef\xbb\xbf" and bom[3:] == path.read_bytes()
    text = Table("t", ["id", "text"], [[1, "line one\nline two"], [2, None]])
    assert csv_text(text) == 'id,text\r\n1,"line one\nline two"\r\n2,\r\n'


def test_cooccurrence_csv_reads_back_with_code_names(tmp_path):
    r = cooccurrence(CODINGS, "sentence", units=SENTENCES)
    for measure in ("count", "jaccard", "phi"):
        t = cooccurrence_table(r, CODE_NAMES, measure)
        assert t.name == f"cooccurrence_{measure}_sentence"
        assert "unit sentence" in t.description and "N = 6" in t.description
        df = pd.read_csv(write_csv(t, tmp_path / f"{measure}.csv"), index_col=0)
        assert list(df.index) == NAMES and list(df.columns) == NAMES
        np.testing.assert_allclose(df.to_numpy(), r.measure(measure))
    assert pd.read_csv(tmp_path / "count.csv", index_col=0).to_numpy().tolist() == [[3, 1, 1], [1, 3, 2], [1, 2, 3]]


def test_window_unit_named_in_table():
    r = cooccurrence(CODINGS, "window:5")
    assert cooccurrence_table(r, CODE_NAMES, "lift").name == "cooccurrence_lift_window5"
    assert "unit window:5" in cooccurrence_table(r, CODE_NAMES).description


def test_duplicate_row_names_are_refused():
    with pytest.raises(ValueError, match="unique"):
        matrix_table("m", ["a", "a"], ["x"], np.zeros((2, 1)))
    with pytest.raises(ValueError, match="duplicate column"):
        Table("t", ["a", "a"], [])
    with pytest.raises(ValueError, match="row 0"):
        Table("t", ["a", "b"], [[1]])


def test_pairs_table_rows():
    r = cooccurrence(CODINGS, "sentence", units=SENTENCES)
    t = pairs_table(r, CODE_NAMES, "jaccard")
    assert t.columns == ["code_a", "code_b", "n_a", "n_b", "n_ab", "jaccard", "unit", "n_units"]
    assert t.rows[2] == [NAMES[1], NAMES[2], 3, 3, 2, 0.5, "sentence", 6]


def _matrices():
    r = cooccurrence(CODINGS, "sentence", units=SENTENCES)
    binary = document_code_matrix(CODINGS, "binary", documents=[10, 20, 30])
    chars = document_code_matrix(CODINGS, "characters", documents=[10, 20, 30])
    cross = code_attribute_crosstab(CODINGS, {10: "Vesterbro", 20: "Sundholm", 30: "Vesterbro"})
    return [
        cooccurrence_table(r, CODE_NAMES, "count"),
        cooccurrence_table(r, CODE_NAMES, "jaccard"),
        document_code_table(binary, DOC_NAMES, CODE_NAMES),
        document_code_table(chars, DOC_NAMES, CODE_NAMES),
        crosstab_table(cross, CODE_NAMES, "district"),
    ]


def _frame(t: Table) -> pd.DataFrame:
    return pd.DataFrame(t.rows, columns=t.columns).set_index(t.columns[0])


def test_xlsx_sheets_and_dictionary(tmp_path):
    tables = _matrices()
    path = write_xlsx(tables, tmp_path / "out.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, index_col=0)
    assert list(sheets) == [*sheet_names([t.name for t in tables]), "tables", "dictionary"]
    for t, name in zip(tables, sheets):
        pd.testing.assert_frame_equal(sheets[name], _frame(t), check_dtype=False)
    dictionary = pd.read_excel(path, sheet_name="dictionary")
    row = dictionary[(dictionary.table == "documents_codes_binary") & (dictionary.column == NAMES[1])].iloc[0]
    assert row.variable == "barrierer_daarligt_samarbejd"
    assert row.code_path == NAMES[1]
    assert row.value_labels == "0 = not coded; 1 = coded"


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    t = Table("quotes", ["id", "text"], [[1, '=HYPERLINK("x")'], [2, "bell\x07"]])
    ws = openpyxl.load_workbook(write_xlsx([t], tmp_path / "q.xlsx"))["quotes"]
    assert ws["B2"].value == '=HYPERLINK("x")' and ws["B2"].data_type == "s"
    assert ws["B3"].value == "bell\ufffd"


def test_sheet_names():
    assert sheet_names(["a/b", "x" * 40, "x" * 40, "History", "A/B"]) == [
        "a_b",
        "x" * 31,
        "x" * 29 + "_2",
        "History_2",
        "A_B_2",
    ]


def test_json_records_and_dictionary(tmp_path):
    tables = _matrices()
    data = json.loads(write_json(tables, tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in data["tables"]] == [t.name for t in tables]
    jac = data["tables"][1]
    assert jac["index"] == "code"
    assert jac["records"][1] == {"code": NAMES[1], NAMES[0]: 0.2, NAMES[1]: 1.0, NAMES[2]: 0.5}
    binary = data["tables"][2]
    assert binary["columns"][1]["value_labels"] == {"0": "not coded", "1": "coded"}
    assert len(data["dictionary"]) == sum(len(t.columns) for t in tables)


def test_json_writes_nan_as_null(tmp_path):
    t = matrix_table("m", ["a"], ["b"], np.array([[np.nan]]))
    data = json.loads(write_json([t], tmp_path / "n.json").read_text(encoding="utf-8"))
    assert data["tables"][0]["records"] == [{"code": "a", "b": None}]


@pytest.mark.parametrize("writer, reader", [(write_sav, pyreadstat.read_sav), (write_dta, pyreadstat.read_dta)])
def test_sav_and_dta_round_trip_with_labels(tmp_path, writer, reader):
    for i, t in enumerate(_matrices()):
        path = writer(t, tmp_path / f"t{i}.{'sav' if writer is write_sav else 'dta'}")
        df, meta = reader(str(path))
        names = t.varnames()
        assert list(df.columns) == names
        assert df.iloc[:, 0].tolist() == t.column(t.columns[0])
        expected = np.array([r[1:] for r in t.rows], dtype=float)
        np.testing.assert_allclose(df.iloc[:, 1:].to_numpy(dtype=float), expected)
        labels = meta.column_names_to_labels
        for col, var in zip(t.columns, names):
            assert labels[var] == t.label(col)[:80]
        if t.name == "documents_codes_binary":
            assert meta.variable_value_labels[names[1]] == {0: "not coded", 1: "coded"}
    df, meta = reader(str(tmp_path / f"t4.{'sav' if writer is write_sav else 'dta'}"))
    assert meta.column_names_to_labels["sundholm"] == "district = Sundholm (n = 1 documents)"


def test_labels_are_cut_to_format_limits(tmp_path):
    long = "Barrierer/" + "ø" * 200
    t = Table("t", ["x"], [[1]], labels={"x": long}, description="æ" * 100)
    _, meta = pyreadstat.read_dta(str(write_dta(t, tmp_path / "t.dta")))
    # one long word: cut where it must, marked "…" (the dictionary has the whole label)
    assert meta.column_names_to_labels["x"] == long[:79] + "…" and meta.file_label == "æ" * 79 + "…"
    _, meta = pyreadstat.read_sav(str(write_sav(t, tmp_path / "t.sav")))
    assert meta.column_names_to_labels["x"] == long[:131] + "…"  # 10 + 121 × 2 + 3 bytes ≤ 256
    assert meta.file_label == "æ" * 30 + "…"  # 30 × 2 + 3 bytes ≤ 64


def test_sav_dta_mixed_and_missing_columns(tmp_path):
    t = Table(
        "long",
        ["document", "code path", "start", "weight", "text"],
        [
            ["Interview 1", "Hjælp søgt", 0, 0.5, "Jeg gik på væresteder"],
            ["Interview 2", "Barrierer", None, None, None],
        ],
    )
    for writer, reader in ((write_sav, pyreadstat.read_sav), (write_dta, pyreadstat.read_dta)):
        df, meta = reader(str(writer(t, tmp_path / f"long.{writer.__name__[-3:]}")))
        assert list(df.columns) == ["document", "code_path", "start", "weight", "text"]
        assert df["text"].tolist() == ["Jeg gik på væresteder", ""]
        assert df["start"].tolist()[0] == 0 and np.isnan(df["start"].tolist()[1])
        assert meta.column_names_to_labels["code_path"] == "code path"


def test_write_tables_every_format(tmp_path):
    tables = _matrices()[:2]
    for fmt in ("csv", "xlsx", "json", "sav", "dta"):
        paths = write_tables(tables, tmp_path / fmt, fmt)
        assert all(p.exists() for p in paths)
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "export_cooccurrence_count_sentence.csv",
        "export_cooccurrence_jaccard_sentence.csv",
        "export_dictionary.csv",
    ]
    with pytest.raises(ValueError, match="unknown format"):
        write_tables(tables, tmp_path, "rds")


def test_data_dictionary_maps_variables_to_code_paths():
    t = _matrices()[3]
    entries = {e.column: e for e in data_dictionary([t])}
    assert entries[NAMES[2]].variable == "barrierer_afstand_langt_vaek"
    assert entries[NAMES[2]].code_path == NAMES[2]
    assert entries["document"].variable == "document"


# ----------------------------------------------------------------------------- varnames


def test_varname_examples():
    assert to_varname("Barriers/Poor cooperation between authorities") == "barriers_poor_cooperation_be"
    assert to_varname("Ressourcer/Støtte fra pårørende") == "ressourcer_stotte_fra_paaror"
    assert to_varname("Støtte/Pårørende") == "stotte_paarorende"
    assert to_varname("Æblegrød på Ørestad") == "aeblegrod_paa_orestad"
    assert to_varname("Café Dugnad") == "cafe_dugnad"
    assert to_varname("2020 survey") == "v_2020_survey"
    assert to_varname("_all") == "v_all"
    assert to_varname("IN") == "v_in"
    assert to_varname("str244") == "v_str244"
    assert to_varname("!!!") == "v"


def test_varnames_unique_stable_and_valid():
    texts = [
        "Barriers/Poor cooperation between authorities",
        "Barriers/Poor cooperation between authorities (other)",
        "Barriers/Poor cooperation between authorities",
        "Hjælp",
        "hjaelp",
        "HJÆLP",
        "with",
        "by",
        "if",
        "x" * 80,
        "Ærø/Årø",
        "",
        "9",
    ]
    names = make_varnames(texts)
    assert names[:6] == [
        "barriers_poor_cooperation_be",
        "barriers_poor_cooperation_2",
        "barriers_poor_cooperation_3",
        "hjaelp",
        "hjaelp_2",
        "hjaelp_3",
    ]
    assert len({n.lower() for n in names}) == len(names)
    for n in names:
        assert is_valid_varname(n), n
        assert len(n) <= NAME_LENGTH < MAX_LENGTH and n.isascii()
        assert re.fullmatch(r"[a-z][a-z0-9_]*", n)
    assert make_varnames(texts) == names  # deterministic
    assert make_varnames(["a", "a"], taken=["a"]) == ["a_2", "a_3"]
    assert not is_valid_varname("_all") and not is_valid_varname("in")
    assert not is_valid_varname("a_") and not is_valid_varname("1a")
