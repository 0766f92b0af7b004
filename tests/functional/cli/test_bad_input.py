"""One catalogue of bad inputs: every command, every kind of file a user (or an attacker) can hand
it. Each case asserts the contract: exit status 1, one line on stderr that names the file and the
line or element (where there is one), no traceback, and the project file byte-identical — its
-wal and -shm included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.files import write_docx, write_pdf, zip_with
from qualcode.cli import main

DOC = "da_int01_vesterbro_bruger"
GOOD_TXT = "I: Hvordan går det?\n\nIP: Det går fint.\n"


def text(body: str) -> Callable[[Path], None]:
    return lambda p: p.write_text(body, encoding="utf-8")


def raw(body: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(body)


def fifo(p: Path) -> None:
    os.mkfifo(p)


def link_to(target: str) -> Callable[[Path], None]:
    return lambda p: p.symlink_to(target)


def sock(p: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    s.close()


def sparse(size: int) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        with open(p, "wb") as fh:
            fh.truncate(size)

    return make


def docx(paragraphs: list[str]) -> Callable[[Path], None]:
    return lambda p: write_docx(p, paragraphs) and None


def pdf_without_text(p: Path) -> None:
    write_pdf(p, [])


def zipped(entries: dict[str, bytes]) -> Callable[[Path], None]:
    return lambda p: zip_with(p, entries) and None


def survey(p: Path) -> None:
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE answers (id, answer)")
    con.commit()
    con.close()


def newer_copy(p: Path) -> None:
    shutil.copy(DEMO[0], p)
    con = sqlite3.connect(p)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()


def same_guid_other_text(p: Path) -> None:
    """A copy of the demo whose first document says something else under the same GUID."""
    shutil.copy(DEMO[0], p)
    con = sqlite3.connect(p)
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    con.execute("UPDATE documents SET text = 'Something else entirely.' , text_sha256 = 'x' WHERE id = 1")
    con.commit()
    con.close()


def yaml_nested(levels: int) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        s, ind = "codes:\n", ""
        for i in range(levels):
            s += f"{ind}- name: c{i}\n{ind}  children:\n"
            ind += "  "
        p.write_text(s, encoding="utf-8")

    return make


BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\ncodes: [*c]\n"
)
XML_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="1" name="&lol2;"/></Codes></CodeBook>'
)
CODINGS_HEAD = "document,start,end,code,coder\n"
DEMO: list[Path] = []


@dataclass
class Case:
    id: str
    args: list[str]  # {f} stands for the first file's path, {tmp} for the folder
    files: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    says: tuple[str, ...] = ()  # the line must contain each of these
    coder: str = "anna"


C = Case
CASES = [
    # --- importing transcripts
    C("binary", ["import", "{f}"], {"x.txt": raw(b"\x00\x01\x02binary" * 100)}, ("x.txt", "binary")),
    C("empty", ["import", "{f}"], {"x.txt": raw(b"")}, ("x.txt", "empty")),
    C("only-space", ["import", "{f}"], {"x.txt": text("   \n\n  ")}, ("x.txt", "white space")),
    C(
        "not-utf8",
        ["import", "{f}"],
        {"x.txt": raw("Hej\nGød dag\n".encode("latin-1"))},
        ("x.txt", "line 2", "--encoding"),
    ),
    C("bad-utf16", ["import", "{f}"], {"x.txt": raw(b"\xff\xfeA\x00\x00\xd8")}, ("x.txt", "UTF-16")),
    C(
        "wrong-encoding",
        ["import", "--encoding", "ascii", "{f}"],
        {"x.txt": text("Gød dag\n")},
        ("x.txt", "ascii", "line 1"),
    ),
    C("unknown-encoding", ["import", "--encoding", "klingon", "{f}"], {"x.txt": text(GOOD_TXT)}, ("x.txt", "klingon")),
    C("nul-in-md", ["import", "{f}"], {"x.md": raw(b"# Title\n\x00\x00")}, ("x.md", "binary")),
    C("docx-garbage", ["import", "{f}"], {"x.docx": raw(b"this is not a zip")}, ("x.docx",)),
    C("docx-not-word", ["import", "{f}"], {"x.docx": zipped({"hello.txt": b"hi"})}, ("x.docx",)),
    C("docx-empty", ["import", "{f}"], {"x.docx": docx([])}, ("x.docx",)),
    C("odt-garbage", ["import", "{f}"], {"x.odt": raw(b"PK\x03\x04broken")}, ("x.odt",)),
    C("pdf-garbage", ["import", "{f}"], {"x.pdf": raw(b"%PDF-1.4 broken")}, ("x.pdf",)),
    C("pdf-no-text", ["import", "{f}"], {"x.pdf": pdf_without_text}, ("x.pdf", "text")),
    C("vtt-bad-time", ["import", "{f}"], {"x.vtt": text("WEBVTT\n\n00:00:xx --> 00:00:02.000\nhej\n")}, ("x.vtt",)),
    C("srt-empty-cues", ["import", "{f}"], {"x.srt": text("1\n00:00:01,000 --> 00:00:02,000\n\n")}, ("x.srt",)),
    C("fifo", ["import", "{f}"], {"x.txt": fifo}, ("x.txt", "named pipe")),
    C("link-dev-zero", ["import", "{f}"], {"x.txt": link_to("/dev/zero")}, ("x.txt", "device", "symbolic link")),
    C("link-dev-urandom", ["import", "{f}"], {"x.txt": link_to("/dev/urandom")}, ("x.txt", "device")),
    C("socket", ["import", "{f}"], {"x.txt": sock}, ("x.txt", "socket")),
    C("too-large", ["import", "{f}"], {"x.txt": sparse(201 * 2**20)}, ("x.txt", "too large", "200 MB")),
    C("unsupported", ["import", "{f}"], {"x.exe": raw(b"MZ")}, ("x.exe", "cannot import .exe")),
    C("missing", ["import", "{tmp}/nope.txt"], {}, ("nope.txt", "no such file")),
    C("empty-folder", ["import", "{tmp}/sub"], {"sub/readme.bin": raw(b"x")}, ("no importable files",)),
    C(
        "one-bad-of-two",
        ["import", "{tmp}/good.txt", "{tmp}/bad.txt"],
        {"good.txt": text(GOOD_TXT), "bad.txt": raw(b"")},
        ("bad.txt", "empty"),
    ),
    C(
        "attrs-kind-column",
        ["import", "--attributes", "{tmp}/a.csv", "{tmp}/new.txt"],
        {"new.txt": text(GOOD_TXT), "a.csv": text("document,kind\nnew,interview\nnew,fieldnote\n")},
        ("a.csv", "lines 2 and 3"),
    ),
    C("language", ["import", "--language", "klingon", "{f}"], {"x.txt": text(GOOD_TXT)}, ("language 'klingon'",)),
    C("speaker-regex", ["import", "--speaker-pattern", "([", "{f}"], {"x.txt": text(GOOD_TXT)}, ("--speaker-pattern",)),
    C(
        "speaker-group",
        ["import", "--speaker-pattern", "^[A-Z]+:", "{f}"],
        {"x.txt": text(GOOD_TXT)},
        ("(?P<speaker>",),
    ),
    C(
        "bidi-file-name",
        ["import", "{f}"],
        {"evil\u202etxt.exe.txt": text(GOOD_TXT)},
        ("evil\\u202etxt.exe.txt: the document name", "U+202E"),
    ),
    C("already-named", ["import", "{f}"], {f"{DOC}.txt": text(GOOD_TXT)}, (DOC, "already in the project")),
    C(
        "attrs-duplicate",
        ["import", "--attributes", "{tmp}/a.csv", "{tmp}/new.txt"],
        {"new.txt": text(GOOD_TXT), "a.csv": text("document,site\nnew,A\nnew.txt,B\n")},
        ("a.csv", "lines 2 and 3", "new"),
    ),
    C(
        "attrs-missing-file",
        ["import", "--attributes", "{tmp}/none.csv", "{tmp}/new.txt"],
        {"new.txt": text(GOOD_TXT)},
        ("none.csv", "no such file"),
    ),
    C(
        "attrs-bad-kind",
        ["import", "--attributes", "{tmp}/a.csv", "{tmp}/new.txt"],
        {"new.txt": text(GOOD_TXT), "a.csv": text("document,kind\nnew,diary\n")},
        ("new.txt", "kind 'diary'"),
    ),
    # --- attributes
    C(
        "attr-duplicate",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f"document,site\n{DOC},A\n{DOC}.txt,B\n")},
        ("a.csv", "lines 2 and 3", DOC),
    ),
    C(
        "attr-unknown-doc",
        ["attributes", "import", "{f}"],
        {"a.csv": text("document,site\nint99_nobody,A\n")},
        ("a.csv", "line 2", "int99_nobody", "--keep-going"),
    ),
    C(
        "attr-empty-name",
        ["attributes", "import", "{f}"],
        {"a.csv": text("document,site\n,A\n")},
        ("a.csv", "line 2", "empty"),
    ),
    C("attr-empty-file", ["attributes", "import", "{f}"], {"a.csv": raw(b"")}, ("a.csv", "empty")),
    C(
        "attr-ragged",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f"document,site\n{DOC},A,extra\n")},
        ("a.csv", "line 2", "3 fields"),
    ),
    C(
        "attr-dup-columns",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f"document,site,site\n{DOC},A,B\n")},
        ("a.csv", "line 1", "duplicate"),
    ),
    C(
        "attr-bidi-column",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f"document,si\u202ete\n{DOC},A\n")},
        ("a.csv", "line 1", "U+202E"),
    ),
    C(
        "attr-newline-column",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f'document,"si\nte"\n{DOC},A\n')},
        ("a.csv", "line 1", "line break"),
    ),
    C(
        "attr-huge-field",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f'document,site\n{DOC},"{"x" * 1_100_000}\n')},
        ("a.csv", "line 2", "longer than"),
    ),
    C(
        "attr-bad-type",
        ["attributes", "import", "{f}"],
        {"a.csv": text(f"document,date\n{DOC},last spring\n")},
        ("a.csv", "line 2", "not a date"),
    ),
    C("attr-fifo", ["attributes", "import", "{f}"], {"a.csv": fifo}, ("a.csv", "named pipe")),
    C(
        "attr-not-utf8",
        ["attributes", "import", "{f}"],
        {"a.csv": raw("document,by\nx,Søren\n".encode("latin-1"))},
        ("a.csv", "line 2"),
    ),
    # --- codings CSV
    C(
        "codings-empty-coder",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},0,5,Help sought,\n")},
        ("c.csv", "line 2", "coder cell is empty"),
    ),
    C(
        "codings-unknown-doc",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + "nowhere,0,5,Help sought,anna\n")},
        ("c.csv", "line 2", "nowhere"),
    ),
    C(
        "codings-unknown-code",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},0,5,Nothing,anna\n")},
        ("c.csv", "line 2", "Nothing"),
    ),
    C(
        "codings-reversed",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},9,5,Help sought,anna\n")},
        ("c.csv", "line 2", "[9, 5)"),
    ),
    C(
        "codings-past-end",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},0,999999,Help sought,anna\n")},
        ("c.csv", "line 2", "not inside"),
    ),
    C(
        "codings-not-int",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},a,5,Help sought,anna\n")},
        ("c.csv", "line 2", "whole numbers"),
    ),
    C(
        "codings-grouping",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},0,5,Barriers,anna\n")},
        ("c.csv", "line 2", "grouping code"),
    ),
    C(
        "codings-text-mismatch",
        ["codings", "import", "{f}"],
        {"c.csv": text("document,start,end,code,coder,text\n" + f"{DOC},0,5,Help sought,anna,wrong\n")},
        ("c.csv", "line 2", "text column"),
    ),
    C(
        "codings-missing-column",
        ["codings", "import", "{f}"],
        {"c.csv": text("document,start,code\nx,1,y\n")},
        ("c.csv", "line 1", "missing column"),
    ),
    C(
        "codings-no-coder-column",
        ["codings", "import", "{f}"],
        {"c.csv": text("document,start,end,code\nx,1,2,y\n")},
        ("c.csv", "line 2", "no document 'x'"),
    ),
    C(
        "codings-bidi-coder",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},0,5,Help sought,an\u202ena\n")},
        ("c.csv", "line 2", "U+202E"),
    ),
    C(
        "codings-newline-coder",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f'{DOC},0,5,Help sought,"an\nna"\n')},
        ("c.csv", "line 2", "line break"),
    ),
    C(
        "codings-huge-field",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f'{DOC},0,5,Help sought,"{"y" * 1_100_000}\n')},
        ("c.csv", "line 2", "longer than"),
    ),
    C(
        "codings-second-line-bad",
        ["codings", "import", "{f}"],
        {"c.csv": text(CODINGS_HEAD + f"{DOC},0,5,Help sought,anna\n{DOC},0,5,Nope,anna\n")},
        ("c.csv", "line 3"),
    ),
    C("codings-missing", ["codings", "import", "{tmp}/none.csv"], {}, ("none.csv", "no such file")),
    # --- codebook YAML
    C("yaml-bomb", ["codebook", "import", "{f}"], {"b.yaml": text(BOMB)}, ("b.yaml", "line 2", "alias")),
    C(
        "yaml-cycle",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- &x\n  name: A\n  children: [*x]\n")},
        ("b.yaml", "line 4", "alias"),
    ),
    C("yaml-deep", ["codebook", "import", "{f}"], {"b.yaml": yaml_nested(300)}, ("b.yaml", "nested deeper")),
    C(
        "yaml-21-levels",
        ["codebook", "import", "{f}"],
        {"b.yaml": yaml_nested(21)},
        ("b.yaml", "deeper than 20 levels"),
    ),
    C(
        "yaml-dup-key",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- name: A\n  name: B\n")},
        ("b.yaml", "line 3", "appears twice"),
    ),
    C(
        "yaml-syntax",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes: [\n  - name: A\n")},
        ("b.yaml", "not valid YAML"),
    ),
    C(
        "yaml-not-mapping",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("- just\n- a list\n")},
        ("b.yaml", "'codes' list"),
    ),
    C(
        "yaml-no-name",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- description: nameless\n")},
        ("b.yaml", "code 1", "name"),
    ),
    C(
        "yaml-bidi-name",
        ["codebook", "import", "{f}"],
        {"b.yaml": text('codes:\n- name: "Sti\\u202egma"\n')},
        ("b.yaml", "code 1", "U+202E"),
    ),
    C(
        "yaml-newline-name",
        ["codebook", "import", "{f}"],
        {"b.yaml": text('codes:\n- name: "A\\nB"\n')},
        ("b.yaml", "code 1", "line break"),
    ),
    C("yaml-slash", ["codebook", "import", "{f}"], {"b.yaml": text("codes:\n- name: A/B\n")}, ("b.yaml", "'/'")),
    C(
        "yaml-colour",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- name: A\n  colour: red\n")},
        ("b.yaml", "colour"),
    ),
    C(
        "yaml-dup-path",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- name: A\n- name: A\n")},
        ("b.yaml", "twice"),
    ),
    C(
        "yaml-dup-hotkey",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- name: A\n  hotkey: q\n- name: B\n  hotkey: q\n")},
        ("b.yaml", "hotkey 'q'"),
    ),
    C(
        "yaml-unknown-key",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- name: A\n  colr: '#000000'\n")},
        ("b.yaml", "unknown key"),
    ),
    C(
        "yaml-bad-guid",
        ["codebook", "import", "{f}"],
        {"b.yaml": text("codes:\n- name: A\n  guid: not-a-guid\n")},
        ("b.yaml", "not a GUID"),
    ),
    C(
        "yaml-not-utf8",
        ["codebook", "import", "{f}"],
        {"b.yaml": raw("codes:\n- name: Sø\n".encode("latin-1"))},
        ("b.yaml", "UTF-8"),
    ),
    C("yaml-fifo", ["codebook", "import", "{f}"], {"b.yaml": fifo}, ("b.yaml", "named pipe")),
    # --- REFI-QDA
    C("qdpx-not-zip", ["qdpx", "import", "{f}"], {"x.qdpx": raw(b"not a zip")}, ("x.qdpx", "zip")),
    C(
        "qdpx-no-project",
        ["qdpx", "import", "{f}"],
        {"x.qdpx": zipped({"sources/a.txt": b"hi"})},
        ("x.qdpx", "project.qde"),
    ),
    C(
        "qdpx-traversal",
        ["qdpx", "import", "{f}"],
        {"x.qdpx": zipped({"../../etc/evil": b"x", "project.qde": b"<x/>"})},
        ("x.qdpx",),
    ),
    C("qdpx-fifo", ["qdpx", "import", "{f}"], {"x.qdpx": fifo}, ("x.qdpx", "named pipe")),
    C("qdc-entities", ["qdc", "import", "{f}"], {"x.qdc": text(XML_BOMB)}, ("x.qdc",)),
    C("qdc-not-xml", ["qdc", "import", "{f}"], {"x.qdc": text("<CodeBook><Codes>")}, ("x.qdc",)),
    C(
        "qdc-wrong-root",
        ["qdc", "import", "{f}"],
        {"x.qdc": text('<Project xmlns="urn:QDA-XML:project:1.0"/>')},
        ("x.qdc", "CodeBook"),
    ),
    # --- merging another project
    C("merge-foreign", ["merge", "{f}"], {"s.db": survey}, ("s.db", "not a qualcode project")),
    C("merge-not-sqlite", ["merge", "{f}"], {"s.db": text("notes\n" * 50)}, ("s.db", "not a qualcode project")),
    C("merge-newer", ["merge", "{f}"], {"n.db": newer_copy}, ("n.db", "newer qualcode")),
    C("merge-missing", ["merge", "{tmp}/none.db"], {}, ("none.db",)),
    C("merge-conflicting-text", ["merge", "{f}"], {"o.db": same_guid_other_text}, (DOC,)),
    # --- coding and the codebook from the command line
    C("code-unknown-doc", ["code", "nowhere", "0", "5", "Help sought"], {}, ("nowhere",)),
    C("code-unknown-code", ["code", DOC, "0", "5", "Hlep sougt"], {}, ("did you mean",)),
    C("code-past-end", ["code", DOC, "0", "999999", "Help sought"], {}, (DOC,)),
    C("code-grouping", ["code", DOC, "0", "5", "Barriers"], {}, ("grouping code",)),
    C("code-bidi-coder", ["code", DOC, "0", "5", "Help sought"], {}, ("coder name", "U+202E"), coder="an\u202ena"),
    C("code-newline-coder", ["code", DOC, "0", "5", "Help sought"], {}, ("coder name", "line break"), coder="an\nna"),
    C("codebook-add-duplicate", ["codebook", "add", "Help sought"], {}, ("already exists",)),
    C("codebook-add-bidi", ["codebook", "add", "Sti\u202egma"], {}, ("code name", "U+202E")),
    C("codebook-add-control", ["codebook", "add", "Sti\x07gma"], {}, ("code name", "U+0007")),
    C("codebook-add-no-parent", ["codebook", "add", "Nowhere/Child"], {}, ("Nowhere",)),
    C("memo-unknown-doc", ["memo", "document", "nowhere", "text"], {}, ("nowhere",)),
    C("remove-unknown-doc", ["remove", "nowhere"], {}, ("nowhere",)),
    C("remove-coded-doc", ["remove", DOC], {}, (DOC, "--with-codings")),
    C("codings-remove-unknown", ["codings", "remove", "0000"], {}, ("no coding",)),
    # --- analyses and search
    C("where-double-equals", ["cooccurrence", "--coder", "anna", "--where", "site==Vesterbro"], {}, ("NAME=VALUE",)),
    C("where-unknown-attr", ["cooccurrence", "--coder", "anna", "--where", "colour=red"], {}, ("colour",)),
    C("unknown-kind", ["cooccurrence", "--coder", "anna", "--kind", "diary"], {}, ("diary",)),
    C("bad-unit", ["cooccurrence", "--coder", "anna", "--unit", "chapter"], {}, ("chapter",)),
    C("unknown-coder", ["cooccurrence", "--coder", "zoe"], {}, ("zoe",)),
    C("search-regex", ["search", "--mode", "regex", "(unclosed"], {}, ("regular expression",)),
    C("search-attr", ["search", "hjælp", "--attr", "colour=red"], {}, ("colour",)),
    C("agreement-one-coder", ["agreement", "--coders", "anna"], {}, ("two coders",)),
    C("agreement-unknown-coder", ["agreement", "--coders", "anna,zoe"], {}, ("zoe",)),
    C("revise-empty", ["revise", DOC, "{f}", "--apply"], {"new.txt": raw(b"")}, ("new.txt", "empty")),
    C("revise-fifo", ["revise", DOC, "{f}"], {"new.txt": fifo}, ("new.txt", "named pipe")),
    C("pseudonym-bidi", ["pseudonyms", "add", "Mette\u202e", "Sanne"], {}, ("original", "U+202E")),
    C(
        "pseudonym-mapping-bad",
        ["pseudonyms", "import", "{f}"],
        {"m.csv": text("original,pseudonym\nMette\n")},
        ("m.csv", "line 2"),
    ),
    C("pseudonym-apply-empty-list", ["pseudonyms", "apply"], {}, ("list is empty",)),
    C("report-unknown-code", ["report", "quotes", "--code", "Nothing"], {}, ("Nothing",)),
]


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory) -> Path:
    from qualcode.demo import build_demo

    path = tmp_path_factory.mktemp("catalogue") / "demo.db"
    build_demo(path).close()
    DEMO[:] = [path]
    return path


def state(path: Path) -> dict[str, str | None]:
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(f"{path}{suffix}")
        out[suffix or "db"] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    return out


def test_the_catalogue_has_at_least_eighty_cases():
    assert len(CASES) >= 80 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, demo_once: Path, tmp_path: Path):
    project = tmp_path / "demo.db"
    shutil.copy(demo_once, project)
    for name, make in case.files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        make(target)
    first = tmp_path / next(iter(case.files)) if case.files else tmp_path
    args = [a.replace("{f}", str(first)).replace("{tmp}", str(tmp_path)) for a in case.args]
    before = state(project)
    signal.alarm(30)  # a FIFO must never hang the suite
    started = time.monotonic()
    try:
        result = CliRunner().invoke(main, ["-p", str(project), "-c", case.coder, *args])
    finally:
        signal.alarm(0)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip() and not ln.startswith("note:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    line = lines[0]
    assert line.startswith("Error: ")
    for word in case.says:
        assert word in line, (word, line)
    assert state(project) == before
    if case.id in ("fifo", "link-dev-zero", "link-dev-urandom"):
        assert elapsed < 1.0
