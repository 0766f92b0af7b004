"""A three-document corpus small enough to count co-occurrences by hand (see test_analysis_cli)."""

from __future__ import annotations

from pathlib import Path

from qualcode.codebook.tree import add_code
from qualcode.coding.codings import add_coding
from qualcode.corpus.ingest import import_files
from qualcode.project import Project

TEXTS = {
    "a": "I: Alpha beta. Gamma delta.\n\nP: Epsilon zeta. Eta theta.\n",
    "b": "Iota kappa. Lambda mu.\n",
    "c": "Nu xi omicron.\n",
}
ATTRS = "document,kind,site,age\na,interview,Vesterbro,34\nb,interview,Nordvest,51\nc,fieldnote,Vesterbro,\n"
CODES = ["Help", "Barriers/Stigma", "Barriers/Waiting"]
CODINGS = [
    ("a", 3, 14, "Help", "anna"),
    ("a", 9, 20, "Barriers/Stigma", "anna"),
    ("a", 21, 27, "Barriers/Waiting", "anna"),
    ("a", 32, 45, "Barriers/Stigma", "anna"),
    ("a", 46, 56, "Barriers/Waiting", "anna"),
    ("b", 0, 11, "Help", "anna"),
    ("b", 12, 22, "Barriers/Waiting", "anna"),
    ("b", 5, 16, "Barriers/Stigma", "anna"),
    ("a", 3, 14, "Help", "bo"),
    ("a", 32, 45, "Barriers/Waiting", "bo"),
]


def build(path: Path) -> Path:
    src = path.parent / "src"
    src.mkdir()
    for name, text in TEXTS.items():
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    (src / "attrs.csv").write_text(ATTRS, encoding="utf-8")
    p = Project.create(path, coder="anna")
    import_files(p, sorted(src.glob("*.txt")), language="en", attributes=src / "attrs.csv")
    add_code(p, "Help")
    add_code(p, "Barriers")
    add_code(p, "Stigma", parent="Barriers")
    add_code(p, "Waiting", parent="Barriers")
    for doc, s, e, code, coder in CODINGS:
        memo = "first mention" if (doc, s, coder) == ("a", 32, "anna") else None
        add_coding(p, doc, s, e, code, coder=coder, memo=memo)
    p.close()
    return path
