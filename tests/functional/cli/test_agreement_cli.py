"""End to end: two coders' codings from CSV → `qualcode agreement` gives the hand-computed numbers.

The project (built through the CLI: init, codebook import, import, codings import):

int1 (187 characters)
    sentences  s1 [3,37)  s2 [38,51)  s3 [52,77)  s4 [78,93)  s5 [94,116)
               s6 [121,138)  s7 [139,161)  s8 [162,186)
    turns      t1 [3,51)  t2 [56,116)  t3 [121,138)  t4 [143,186)
    paragraphs p1 [0,116)  p2 [118,186)
int2 (113 characters)
    sentences  s1 [4,23)  s2 [24,45)  s3 [51,86)  s4 [87,112)
    turns      t1 [4,45)  t2 [51,112)
    paragraphs p1 [0,45)  p2 [47,112)

Codings (CODINGS below)
    Barriers/Waiting  anna int1 [52,116), int2 [51,86)
                      bo   int1 [56,93),  int2 [24,45), [51,86)
    Barriers/Stigma   anna int1 [139,161)
                      bo   int1 [143,186)
    Help sought       nobody

Notation: a 2 x 2 table (both, only anna, only bo, neither) over N units;
p_o = (both + neither) / N, p_e = pA pB + (1 - pA)(1 - pB) (Cohen),
α (nominal, two coders, no missing data) = 1 - (n - 1) * D / (2 * n1 * n0) with n = 2N values,
n1 coded and n0 uncoded values, D = 2 x (units the coders split on) the off-diagonal coincidences.
"""

import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.coding.codings import list_codings

INT1 = (
    "I: Did you ask the shelter for a bed? They said no.\n"
    "IP: I waited three weeks. Then I gave up. Nobody called me back.\n\n"
    "I: And the pharmacy?\nIP: They stared at me. I never went back there.\n"
)
INT2 = (
    "IP: My sister helps me. She calls on Sundays.\n\n"
    "IP: The outreach van comes on Tuesdays. They bring clean needles.\n"
)
BOOK = """title: test
codes:
  - name: Help sought
  - name: Barriers
    codable: false
    children:
      - name: Waiting
      - name: Stigma
"""
CODINGS = """document,start,end,code,coder
int1,52,116,Barriers/Waiting,anna
int1,56,93,Barriers/Waiting,bo
int2,51,86,Barriers/Waiting,anna
int2,24,45,Barriers/Waiting,bo
int2,51,86,Barriers/Waiting,bo
int1,139,161,Barriers/Stigma,anna
int1,143,186,Barriers/Stigma,bo
"""


def run(db: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["-p", str(db), "-c", "sup", *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("e2e")
    (tmp / "int1.txt").write_text(INT1, encoding="utf-8")
    (tmp / "int2.txt").write_text(INT2, encoding="utf-8")
    (tmp / "book.yaml").write_text(BOOK, encoding="utf-8")
    (tmp / "codings.csv").write_text(CODINGS, encoding="utf-8")
    db = tmp / "t.db"
    run(db, "init")
    run(db, "codebook", "import", str(tmp / "book.yaml"))
    run(db, "import", str(tmp / "int1.txt"), str(tmp / "int2.txt"), "--language", "en")
    assert "7 coding(s) added" in run(db, "codings", "import", str(tmp / "codings.csv")).output
    return db


def agreement(db: Path, unit: str, *extra: str) -> dict:
    out = db.parent / f"out_{unit.replace(':', '').replace('%', '')}"
    run(db, "agreement", "--coders", "anna,bo", "--unit", unit, "--format", "json", "-o", str(out), *extra)
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    return {t["name"].split("_")[0] + ("_doc" if "by_document" in t["name"] else ""): t for t in data["tables"]}


def rows(table: dict) -> dict:
    return {r["code"]: r for r in table["records"]}


def alpha2(n_units: int, coded_values: int, split_units: int) -> float:
    n = 2 * n_units
    return float(1 - F((n - 1) * 2 * split_units, 2 * coded_values * (n - coded_values)))


def kappa(both: int, a: int, b: int, neither: int) -> float:
    n = both + a + b + neither
    p_o = F(both + neither, n)
    pa, pb = F(both + a, n), F(both + b, n)
    p_e = pa * pb + (1 - pa) * (1 - pb)
    return float((p_o - p_e) / (1 - p_e))


def test_sentence_unit(project):
    r = rows(agreement(project, "sentence")["agreement"])
    # Waiting: int1 s3, s4 both; s5 anna only; int2 s2 bo only; s3 both → (3, 1, 1, 7), N = 12.
    # p_o = 10/12, p_e = (4/12)(4/12) + (8/12)(8/12) = 80/144, κ = (120 - 80) / (144 - 80) = 40/64.
    w = r["Barriers/Waiting"]
    assert w["units"] == 12 and w["agreement_pct"] == pytest.approx(100 * 10 / 12)
    assert w["kappa"] == pytest.approx(0.625) == pytest.approx(kappa(3, 1, 1, 7))
    # α: n = 24 values, 8 coded, 2 split units: 1 - 23·4 / (2·8·16) = 1 - 92/256 = 0.640625.
    assert w["alpha"] == pytest.approx(0.640625) == pytest.approx(alpha2(12, 8, 2))
    assert (w["coded_anna"], w["coded_bo"]) == (4, 4)
    # Stigma: int1 s7 both, s8 bo only → (1, 0, 1, 10): p_o = 11/12, p_e = 112/144, κ = 20/32.
    s = r["Barriers/Stigma"]
    assert s["kappa"] == pytest.approx(0.625)
    assert s["alpha"] == pytest.approx(40 / 63)  # 1 - 23·2 / (2·3·21) = 1 - 46/126
    assert s["warning"].startswith("few units (2 coded)")
    # Help sought: nobody applied it → a warning instead of κ.
    h = r["Help sought"]
    assert h["kappa"] is None and h["alpha"] is None and h["warning"].startswith("never applied")
    # Pooled over the three codes: (4, 1, 2, 29), N = 36: κ = (1188 - 960) / (1296 - 960) = 228/336.
    assert r["(all codes pooled)"]["kappa"] == pytest.approx(228 / 336)


def test_turn_paragraph_document_window_units(project):
    t = rows(agreement(project, "turn")["agreement"])
    # Waiting: int1 t2 both; int2 t1 bo only, t2 both → (2, 0, 1, 3), N = 6:
    # p_o = 5/6, p_e = (2/6)(3/6) + (4/6)(3/6) = 1/2, κ = 2/3; α = 1 - 11·2 / (2·5·7) = 48/70.
    assert t["Barriers/Waiting"]["kappa"] == pytest.approx(2 / 3)
    assert t["Barriers/Waiting"]["alpha"] == pytest.approx(48 / 70)
    # Stigma: int1 t4 both, the other 5 turns neither → perfect: κ = α = 1.
    assert t["Barriers/Stigma"]["kappa"] == pytest.approx(1.0) and t["Barriers/Stigma"]["alpha"] == pytest.approx(1.0)
    p = rows(agreement(project, "paragraph")["agreement"])
    # Waiting: int1 p1 both, p2 neither; int2 p1 bo only, p2 both → (2, 0, 1, 1), N = 4:
    # p_o = 3/4, p_e = (2/4)(3/4) + (2/4)(1/4) = 1/2, κ = 1/2; α = 1 - 7·2 / (2·5·3) = 16/30.
    assert p["Barriers/Waiting"]["units"] == 4
    assert p["Barriers/Waiting"]["kappa"] == pytest.approx(0.5)
    assert p["Barriers/Waiting"]["alpha"] == pytest.approx(16 / 30)
    d = rows(agreement(project, "document")["agreement"])
    # Waiting is in both documents for both coders: no variation → undefined, with the reason.
    assert d["Barriers/Waiting"]["kappa"] is None and d["Barriers/Waiting"]["warning"].startswith("always applied")
    # Stigma: int1 both, int2 neither → κ = α = 1 (p_e = 1/2).
    assert d["Barriers/Stigma"]["kappa"] == pytest.approx(1.0)
    w = rows(agreement(project, "window:50")["agreement"])
    # Windows of 50: int1 [0,50) [50,100) [100,150) [150,187); int2 [0,50) [50,100) [100,113).
    # Waiting: int1 w2 both, w3 anna only; int2 w1 bo only, w2 both → (2, 1, 1, 3), N = 7:
    # κ = (35 - 25) / (49 - 25) = 10/24; α = 1 - 13·4 / (2·6·8) = 44/96.
    assert w["Barriers/Waiting"]["units"] == 7
    assert w["Barriers/Waiting"]["kappa"] == pytest.approx(10 / 24)
    assert w["Barriers/Waiting"]["alpha"] == pytest.approx(44 / 96)


def test_character_unit_as_nvivo_defines_it(project):
    tables = agreement(project, "character")
    r = rows(tables["agreement"])
    # Waiting, int1 (187 chars): anna [52,116) 64, bo [56,93) 37 → both 37, anna only 27, bo only 0,
    #   neither 123: p_o = 160/187, κ = (160·187 - (64·37 + 123·150)) / (187² - 20818) = 9102/14151.
    # Waiting, int2 (113 chars): anna [51,86) 35, bo 21 + 35 → both 35, bo only 21, neither 57:
    #   p_o = 92/113, κ = (92·113 - (35·56 + 78·57)) / (113² - 6406) = 3990/6363.
    # NVivo averages weighted by length: % = (160 + 92) / 300; κ = (187 κ1 + 113 κ2) / 300.
    k1, k2 = 9102 / 14151, 3990 / 6363
    assert k1 == pytest.approx(kappa(37, 27, 0, 123)) and k2 == pytest.approx(kappa(35, 0, 21, 57))
    w = r["Barriers/Waiting"]
    assert w["units"] == 300
    assert w["agreement_pct"] == pytest.approx(100 * 252 / 300)
    assert w["kappa"] == pytest.approx((187 * k1 + 113 * k2) / 300)
    # α pooled over the 300 characters: both 72, split 48, coded values 2·72 + 48 = 192:
    # 1 - 599·96 / (2·192·408).
    assert w["alpha"] == pytest.approx(1 - 599 * 96 / (2 * 192 * 408)) == pytest.approx(alpha2(300, 192, 48))
    # Stigma, int1: anna [139,161) 22, bo [143,186) 43 → both 18, anna only 4, bo only 25, neither 140:
    #   κ = 4840/10263; int2: nobody coded it, κ undefined → NVivo sets it to 1 and averages it in.
    s = r["Barriers/Stigma"]
    assert 4840 / 10263 == pytest.approx(kappa(18, 4, 25, 140))
    assert s["kappa"] == pytest.approx((187 * 4840 / 10263 + 113 * 1) / 300)
    assert s["agreement_pct"] == pytest.approx(100 * (158 + 113) / 300)
    assert "NVivo" in s["kappa_variant"] and "1 where neither coded" in s["kappa_variant"]
    # character:skip-uncoded leaves int2 out of Stigma's κ average instead (and says so).
    skip = rows(agreement(project, "character:skip-uncoded")["agreement"])["Barriers/Stigma"]
    assert skip["kappa"] == pytest.approx(4840 / 10263)
    assert "1 document(s) with undefined κ" in skip["warning"] and "left out" in skip["kappa_variant"]
    # The per-document table holds NVivo's per code × document figures.
    docs = {(x["code"], x["document"]): x for x in tables["agreement_doc"]["records"]}
    assert docs[("Barriers/Waiting", "int1")]["kappa"] == pytest.approx(k1)
    assert docs[("Barriers/Waiting", "int2")]["agreement_pct"] == pytest.approx(100 * 92 / 113)


def test_segment_unit_as_maxqda_defines_it(project):
    r = rows(agreement(project, "segment:90%")["agreement"])
    # Waiting: int1 [52,116) vs [56,93) overlap 37 of 64 = 58 % < 90 → two unmatched segments;
    # int2 [51,86) = [51,86) matched (2 segments), bo's [24,45) unmatched → 2 of 5 agree.
    # Brennan-Prediger with 3 codes: (0.4 - 1/3) / (2/3) = 0.1.
    assert r["Barriers/Waiting"]["units"] == 5
    assert r["Barriers/Waiting"]["agreement_pct"] == pytest.approx(40.0)
    assert r["Barriers/Waiting"]["kappa"] == pytest.approx(0.1)
    # Stigma: overlap 18 of 47 = 38 % → 0 of 2 agree: κ = (0 - 1/3) / (2/3) = -0.5.
    assert r["Barriers/Stigma"]["kappa"] == pytest.approx(-0.5)
    r50 = rows(agreement(project, "segment:50%")["agreement"])
    assert r50["Barriers/Waiting"]["agreement_pct"] == pytest.approx(80.0)  # 58 % ≥ 50 %: 4 of 5


def test_unitized_unit_names_each_variant(project):
    from qualcode.analysis.agreement import binary_u_alpha

    t = agreement(project, "unitized")["agreement"]
    rec = {(x["variant"], x["scope"]): x for x in t["records"]}
    # All documents as one continuum: int2 starts at 187; |uα per code equals the direct call.
    segs = {"anna": [(52, 116)], "bo": [(56, 93), (187 + 24, 187 + 45), (187 + 51, 187 + 86)]}
    segs["anna"].append((187 + 51, 187 + 86))
    assert rec[("|uα", "Barriers/Waiting")]["value"] == pytest.approx(binary_u_alpha(300, segs).value)
    assert {v for v, _ in rec} == {"|uα", "uα", "cuα", "Cuα"}


def test_printed_table_methods_and_disagreements(project):
    out = run(project, "agreement", "--coders", "anna,bo", "--unit", "sentence", "--methods", "--disagreements").output
    assert "0.625" in out and "0.641" in out and "never applied" in out
    assert "N = 12 sentences per code" in out and "Cohen's κ" in out and "Two coders (anna, bo)" in out
    # Disagreements are passages: Waiting int1 [52,116), int2 [24,45); Stigma int1 [139,186).
    assert "3 disagreement(s)" in out and "52-116" in out and "139-186" in out


def test_bootstrap_interval_is_seeded(project):
    extra = ("--bootstrap", "200", "--seed", "3", "--bootstrap-method", "units")
    a = rows(agreement(project, "sentence", *extra)["agreement"])
    b = rows(agreement(project, "sentence", *extra)["agreement"])
    w = a["Barriers/Waiting"]
    assert w["alpha_ci_low"] == b["Barriers/Waiting"]["alpha_ci_low"]
    assert w["alpha_ci_low"] <= w["alpha"] <= w["alpha_ci_high"]
    assert "200 resamples of units" in w["interval"] and "seed 3" in w["interval"]
    # the default resamples documents: two are too few, and the file says so instead of an interval
    d = rows(agreement(project, "sentence", "--bootstrap", "200")["agreement"])["Barriers/Waiting"]
    assert d["alpha_ci_low"] is None and "no interval: only 2 document(s)" in d["interval"]


def test_user_errors_are_one_line(project):
    r = run(project, "agreement", "--coders", "anna", ok=False)
    assert r.exit_code == 1 and "at least two coders" in r.output
    r = run(project, "agreement", "--coders", "anna,zoe", ok=False)
    assert r.exit_code == 1 and "no coder named 'zoe'" in r.output
    r = run(project, "agreement", "--coders", "anna,bo", "--unit", "word", ok=False)
    assert r.exit_code == 1 and "unknown unit 'word'" in r.output


def test_adjudicate_command(project, tmp_path):
    import shutil

    db = tmp_path / "adj.db"
    shutil.copy(project, db)
    out = run(db, "adjudicate", "--coders", "anna,bo", "--codes", "Barriers/Waiting", "--accept", "a").output
    assert "2 disagreement(s) resolved into 'consensus'" in out
    from qualcode.project import Project

    with Project.open(db) as p:
        spans = [(c["document"], c["start"], c["end"]) for c in list_codings(p, coder="consensus")]
    # anna's spans in the two passages: int1 [52,116); in int2's passage [24,45) anna had nothing.
    assert spans == [("int1", 52, 116)]


def test_reliability_report_html_and_docx(project):
    """One file a supervisor can attach: the table, a forest plot, the per-document rows, the
    disagreements in their text, and the methods paragraph with its references."""
    import docx

    html_path = project.parent / "reliability.html"
    run(project, "agreement", "--coders", "anna,bo", "--unit", "sentence", "--report", str(html_path))
    page = html_path.read_text(encoding="utf-8")
    assert oct(html_path.stat().st_mode & 0o777) == "0o600"
    assert "<svg" in page and page.count("<circle") == 2 and page.count("<rect") == 1  # two codes + pooled
    assert "Two coders (anna, bo) independently coded the same 2 documents" in page
    assert "Cohen, J. (1960)" in page and "Gwet, K. L. (2008)" in page
    assert "qualcode agreement --coders anna,bo --unit sentence" in page
    # the first disagreement (Waiting, int1 [52,116)) in its context, anna's part marked apart
    assert "1. Barriers/Waiting · int1 · 52–116" in page
    assert '<mark class="a" title="only anna">IP: </mark><mark class="ab" title="both">I waited three weeks.' in page
    docx_path = project.parent / "reliability.docx"
    run(project, "agreement", "--coders", "anna,bo", "--unit", "sentence", "--report", str(docx_path))
    d = docx.Document(str(docx_path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Forest plot" in text and "●" in text and "■" in text
    assert "2. Barriers/Stigma · int1 · 139–186" in text
    assert d.core_properties.author == "qualcode"
    bad = run(project, "agreement", "--coders", "anna,bo", "--report", str(project.parent / "r.pdf"), ok=False)
    assert bad.exit_code == 1 and "--report writes .html or .docx" in bad.output


@pytest.mark.parametrize("unit", ["sentence", "document"])  # document: with the column of notes
def test_table_keeps_every_code_path_at_80_columns(demo_path, unit):
    """Piped or in an 80-column terminal the code column used to shrink to "Barriers/Dista…" (or
    "Barrie…" beside the notes), so rows could not be told apart: every path appears in full."""
    from qualcode.codebook.codes import list_codes
    from qualcode.project import Project

    with Project.open(demo_path) as p:
        paths = [c.path for c in list_codes(p) if c.codable]
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        main, ["-p", str(demo_path), "agreement", "--coders", "anna,bo", "--unit", unit], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    table = [line for line in result.output.splitlines() if line.startswith("│")]
    assert table and all(len(line) <= 80 for line in result.output.splitlines())
    labels: list[str] = []
    for line in table:
        cells = line.split("│")
        if cells[2].strip():  # N: a new row
            labels.append("")
        labels[-1] += cells[1]
    squeeze = ["".join(label.split()) for label in labels]
    assert "…" not in "".join(squeeze)
    assert squeeze == ["".join(path.split()) for path in paths] + ["(allcodespooled)"]
