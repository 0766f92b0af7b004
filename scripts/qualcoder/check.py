#!/usr/bin/env python3
"""Optional check: run QualCoder's own REFI-QDA importer/exporter headless.

Not part of qualcode and never run by CI. It needs a QualCoder source tree and
PyQt6 in the Python that runs it (see README.md in this folder).

  check.py FILE.qdpx
      Create a fresh QualCoder project (with the SQL of QualCoder's own
      MainWindow.new_project), import FILE.qdpx with qualcoder.refi.RefiImport,
      print JSON counts read from the project's data.qda: text sources, codes,
      codings and memos by kind.

  check.py --export-from-qualcoder OUT.qdpx
      Build a small QualCoder project (2 text files, 3 codes in a category, 5
      codings, memos of every kind) and write OUT.qdpx with
      qualcoder.refi.RefiExport; print the same JSON for the project exported.

QualCoder's dialogs are answered without a screen (QT_QPA_PLATFORM=offscreen):
its file dialogs return the paths given here, its message boxes are logged,
the MAXQDA line-ending question keeps its default ("no change").  Its AI
packages (langchain, openai, faiss, sentence_transformers, ...) are replaced by
empty stand-ins when not installed, as REFI import/export never calls them;
likewise PyQt6.QtMultimedia when its system libraries (libpulse) are missing.
Everything QualCoder writes to ~/.qualcoder goes to a temporary HOME.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback
import types
from pathlib import Path

EXIT_UNAVAILABLE = 3  # QualCoder or PyQt6 cannot be imported

# Packages QualCoder imports at module level only for its AI features.
AI_ONLY_PACKAGES = (
    "Bio",
    "httpx",
    "langchain_core",
    "langchain_community",
    "langchain_openai",
    "langchain_text_splitters",
    "json_repair",
    "openai",
    "pydantic",
    "huggingface_hub",
    "faiss",
    "requests",
    "sentence_transformers",
    "transformers",
    "torch",
    "mcp",
)

DEFAULT_SRC_CANDIDATES = ("/tmp/QualCoder",)


def die(msg: str, code: int = EXIT_UNAVAILABLE) -> None:
    print(f"qualcoder check: {msg}", file=sys.stderr)
    sys.exit(code)


# ---------------------------------------------------------------- stand-ins


class _Absent(Exception):
    """Base of every stand-in class (an Exception, so `except X:` still works)."""


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        cls = type(name, (_Absent,), {"__module__": self.__name__})
        setattr(self, name, cls)
        return cls


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, tops):
        self.tops = set(tops)

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] not in self.tops:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        mod = _StubModule(spec.name)
        mod.__path__ = []
        return mod

    def exec_module(self, module):
        pass


def install_stand_ins() -> list[str]:
    stubbed = [p for p in AI_ONLY_PACKAGES if importlib.util.find_spec(p) is None]
    if stubbed:
        sys.meta_path.insert(0, _StubFinder(stubbed))
    try:
        from PyQt6 import QtMultimedia, QtMultimediaWidgets  # noqa: F401
    except ImportError:
        import PyQt6

        for sub in ("QtMultimedia", "QtMultimediaWidgets"):
            mod = _StubModule(f"PyQt6.{sub}")
            sys.modules[mod.__name__] = mod
            setattr(PyQt6, sub, mod)
        stubbed.append("PyQt6.QtMultimedia")
    return stubbed


# ---------------------------------------------------------------- loading


def find_qualcoder_src(arg: str | None) -> Path | None:
    cands = [arg] if arg else [os.environ.get("QUALCODER_SRC"), *DEFAULT_SRC_CANDIDATES]
    for c in cands:
        if not c:
            continue
        p = Path(c).expanduser().resolve()
        for d in (p, p / "src"):
            if (d / "qualcoder" / "refi.py").is_file():
                return d
        if arg:
            die(f"--qualcoder-src {arg}: no qualcoder/refi.py there (give the QualCoder checkout or its src/ folder)")
    return None


def qualcoder_provenance(src: Path | None) -> dict:
    info: dict = {"source": str(src) if src else None}
    if src is None:
        return info
    root = src.parent if src.name == "src" else src
    for f in (root / "QUALCODER_COMMIT", src / "QUALCODER_COMMIT"):
        if f.is_file():
            info["commit"] = f.read_text().strip()
            break
    else:
        try:
            info["commit"] = subprocess.run(
                ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return info


def load_qualcoder(src_arg: str | None):
    """Import PyQt6 and QualCoder; exit with a clear message when either is missing."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PyQt6 import QtCore, QtWidgets  # noqa: F401
    except ImportError as err:
        die(
            f"PyQt6 cannot be imported ({err}).\n"
            "  This optional check needs a Python with PyQt6, pymupdf, Pillow, qtawesome and\n"
            "  PyYAML, plus a QualCoder source tree; see scripts/qualcoder/README.md."
        )
    src = find_qualcoder_src(src_arg)
    if src is not None:
        sys.path.insert(0, str(src))
    elif importlib.util.find_spec("qualcoder") is None:
        die(
            "QualCoder cannot be found: give --qualcoder-src DIR or set QUALCODER_SRC to a\n"
            "  QualCoder checkout (https://github.com/ccbogel/QualCoder); see README.md."
        )
    # QualCoder writes config.ini, logs and export staging under ~/.qualcoder.
    home = Path(tempfile.mkdtemp(prefix="qc-home-"))
    (home / ".qualcoder").mkdir()
    os.environ["HOME"] = str(home)
    stubbed = install_stand_ins()
    qapp = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    noise = io.StringIO()
    try:
        with contextlib.redirect_stdout(noise):
            refi = importlib.import_module("qualcoder.refi")
            app_mod = importlib.import_module("qualcoder.app")
    except ImportError as err:
        die(
            f"QualCoder cannot be imported ({err}).\n"
            "  Install what it names into the Python running this check (see README.md)."
        )
    sys.excepthook = sys.__excepthook__  # QualCoder's hook opens an error dialog
    prov = qualcoder_provenance(src)
    if src is None:
        prov["source"] = str(Path(refi.__file__).parent)
    return types.SimpleNamespace(
        refi=refi, app_mod=app_mod, qapp=qapp, home=home, stubbed=stubbed, provenance=prov, src=src, version=None
    )


# ---------------------------------------------------------------- headless Qt


class _Log:
    """Stands in for the QTextEdit QualCoder appends its progress to."""

    def __init__(self):
        self.lines: list[str] = []

    def append(self, text):
        self.lines.append(str(text))


@contextlib.contextmanager
def headless(qc, log: _Log, open_file: str | None = None, save_dir: str | None = None):
    """Answer QualCoder's dialogs: file dialogs get the paths given, messages are logged."""
    from PyQt6 import QtWidgets

    refi = qc.refi

    class Message:
        def __init__(self, app, title, text, icon=None, *a, **k):
            self.title, self.text = title, text

        def exec(self):
            log.append(f"[message] {self.title}: {self.text}")
            return 0

    saved = {
        "Message": refi.Message,
        "getOpenFileName": QtWidgets.QFileDialog.getOpenFileName,
        "getExistingDirectory": QtWidgets.QFileDialog.getExistingDirectory,
        "endings_exec": refi.RefiLineEndings.exec,
    }
    refi.Message = Message
    QtWidgets.QFileDialog.getOpenFileName = staticmethod(
        lambda *a, **k: (open_file or "", "(*.qdpx *.QDPX)" if open_file else "")
    )
    QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: save_dir or "")
    refi.RefiLineEndings.exec = lambda self: 1  # keep the default: no change to line endings
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            yield
    finally:
        refi.Message = saved["Message"]
        QtWidgets.QFileDialog.getOpenFileName = saved["getOpenFileName"]
        QtWidgets.QFileDialog.getExistingDirectory = saved["getExistingDirectory"]
        refi.RefiLineEndings.exec = saved["endings_exec"]
        for line in out.getvalue().splitlines():
            if line.strip():
                log.append(f"[stdout] {line}")


# ---------------------------------------------------------------- project


def new_project_statements(src_file: Path) -> list[ast.stmt]:
    """The database statements of QualCoder's MainWindow.new_project, in order.

    From `cur = self.app.conn.cursor()` to the commit after `INSERT INTO project`:
    every CREATE TABLE, app.update_coder_names() and the project row."""
    tree = ast.parse(src_file.read_text(encoding="utf-8"))
    func = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "MainWindow":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "new_project":
                    func = item
    if func is None:
        raise RuntimeError(f"MainWindow.new_project not found in {src_file}")
    stmts, started, inserted = [], False, False
    for st in func.body:
        code = ast.unparse(st)
        if not started:
            if code == "cur = self.app.conn.cursor()":
                started = True
                stmts.append(st)
            continue
        if not (code.startswith("cur.execute(") or code in ("self.app.update_coder_names()", "self.app.conn.commit()")):
            raise RuntimeError(f"unexpected statement in new_project: {code[:80]}")
        stmts.append(st)
        if "INSERT INTO project" in code:
            inserted = True
        if inserted and code == "self.app.conn.commit()":
            return stmts
    raise RuntimeError("new_project: could not find its CREATE TABLE ... INSERT INTO project block")


def create_project(qc, parent: Path, name: str):
    """A new, empty QualCoder project folder NAME.qda, as MainWindow.new_project makes it."""
    app = qc.app_mod.App()
    qc.version = app.version
    project_path = parent / f"{name}.qda"
    project_path.mkdir()
    for sub in ("images", "audio", "video", "documents"):
        (project_path / sub).mkdir()
    app.project_path = str(project_path)
    app.project_name = project_path.name
    app.settings["directory"] = str(parent)
    app.create_connection(app.project_path)
    main_py = Path(qc.refi.__file__).with_name("__main__.py")
    ns = {"self": types.SimpleNamespace(app=app), "datetime": datetime}
    for st in new_project_statements(main_py):
        exec(compile(ast.Module(body=[st], type_ignores=[]), str(main_py), "exec"), ns)
    return app


# ---------------------------------------------------------------- counting


def _nonempty(cur, sql):
    return cur.execute(sql).fetchone()[0]


def count_project(db: Path, show: bool) -> dict:
    con = sqlite3.connect(db)
    cur = con.cursor()
    ne = "ifnull(trim(memo),'') != ''"
    res = {
        "sources": _nonempty(cur, "select count(*) from source"),
        "sources_text": _nonempty(cur, "select count(*) from source where fulltext is not null"),
        "codes": _nonempty(cur, "select count(*) from code_name"),
        "categories": _nonempty(cur, "select count(*) from code_cat"),
        "codings_text": _nonempty(cur, "select count(*) from code_text"),
        "cases": _nonempty(cur, "select count(*) from cases"),
        "memos": {
            "project": _nonempty(cur, f"select count(*) from project where {ne}"),
            "file": _nonempty(cur, f"select count(*) from source where {ne}"),
            "code": _nonempty(cur, f"select count(*) from code_name where {ne}"),
            "category": _nonempty(cur, f"select count(*) from code_cat where {ne}"),
            "coding_text": _nonempty(cur, f"select count(*) from code_text where {ne}"),
            "coding_image": _nonempty(cur, f"select count(*) from code_image where {ne}"),
            "coding_av": _nonempty(cur, f"select count(*) from code_av where {ne}"),
            "case": _nonempty(cur, f"select count(*) from cases where {ne}"),
            "variable": _nonempty(cur, f"select count(*) from attribute_type where {ne}"),
            "annotation": _nonempty(cur, "select count(*) from annotation"),
            "journal": _nonempty(cur, "select count(*) from journal"),
        },
    }
    if show:

        def rows(sql):
            return [[*r[:-1], (r[-1] or "")[:120]] for r in cur.execute(sql).fetchall()]

        res["memo_texts"] = {
            "project": rows(f"select memo from project where {ne}"),
            "file": rows(f"select name, memo from source where {ne}"),
            "code": rows(f"select name, memo from code_name where {ne}"),
            "category": rows(f"select name, memo from code_cat where {ne}"),
            "coding_text": rows(
                "select source.name, code_name.name, pos0, pos1, code_text.memo from code_text "
                "join source on source.id=fid left join code_name using(cid) "
                "where ifnull(trim(code_text.memo),'') != ''"
            ),
            "case": rows(f"select name, memo from cases where {ne}"),
            "annotation": rows(
                "select source.name, pos0, pos1, annotation.memo from annotation join source on source.id=fid"
            ),
            "journal": rows("select name, jentry from journal"),
        }
    con.close()
    return res


# ---------------------------------------------------------------- modes


def run_import(qc, qdpx: Path, keep: Path | None, show: bool, verbose: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="qc-import-"))
    # RefiImport unpacks next to the file it reads: give it a copy inside `work`.
    copy = work / qdpx.name
    shutil.copyfile(qdpx, copy)
    log = _Log()
    app = create_project(qc, work, "imported")
    try:
        with headless(qc, log, open_file=str(copy)):
            qc.refi.RefiImport(app, log, "qdpx")
    except Exception as err:  # noqa: BLE001 - a crash inside QualCoder's importer is a finding too
        log.append("[traceback] " + traceback.format_exc())
        print(
            json.dumps(
                {
                    "mode": "import",
                    "qdpx": str(qdpx),
                    "error": f"QualCoder's RefiImport raised {type(err).__name__}: {err}",
                    "qualcoder_log": log.lines,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        shutil.rmtree(work, ignore_errors=True)
        sys.exit(1)
    app.conn.close()
    db = Path(app.project_path) / "data.qda"
    result = {"mode": "import", "qdpx": str(qdpx), **count_project(db, show)}
    if keep:
        if keep.exists():
            shutil.rmtree(keep)
        shutil.copytree(app.project_path, keep)
        result["project_kept"] = str(keep)
    if verbose:
        result["qualcoder_log"] = log.lines
    shutil.rmtree(work, ignore_errors=True)
    return result


SAMPLE_TEXTS = {
    "interview_a.txt": (
        "I moved to the city in 2019. Finding work was hard at first.\n"
        "My neighbours helped me a lot, they showed me where to go.\n"
        "Now I volunteer at the library on Saturdays.\n"
    ),
    "interview_b.txt": (
        "We had no help from the council for months.\n"
        "In the end a friend from church found us a flat.\n"
        "I still do not trust the office & its forms <at all>.\n"
    ),
}


def build_sample(qc, app) -> None:
    """Memos of every kind QualCoder has, stored as QualCoder's own dialogs store them."""
    cur = app.conn.cursor()
    owner = app.settings["codername"]
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    cur.execute("update project set memo=?", ("PROJECT MEMO: migration interviews, pilot.",))
    fids = {}
    for name, text in SAMPLE_TEXTS.items():
        (Path(app.project_path) / "documents" / name).write_text(text, encoding="utf-8")
        memo = "FILE MEMO: first interview, recorded at home." if name == "interview_a.txt" else ""
        cur.execute(
            "insert into source(name,fulltext,mediapath,memo,owner,date) values(?,?,?,?,?,?)",
            (name, text, f"/docs/{name}", memo, owner, now),
        )
        fids[name] = cur.lastrowid
    cur.execute(
        "insert into code_cat (name, memo, owner, date, supercatid) values(?,?,?,?,null)",
        ("Support", "CATEGORY MEMO: where help came from.", owner, now),
    )
    catid = cur.lastrowid
    cids = {}
    for name, memo, cat, color in (
        ("Neighbours", "CODE MEMO: informal help from people living nearby.", catid, "#EB7333"),
        ("Institutions", "", catid, "#5882FA"),
        ("Distrust", "", None, "#DF0101"),
    ):
        cur.execute(
            "insert into code_name (name,memo,owner,date,catid,color) values(?,?,?,?,?,?)",
            (name, memo, owner, now, cat, color),
        )
        cids[name] = cur.lastrowid

    def code(fname, code_name, phrase, memo=""):
        text = SAMPLE_TEXTS[fname]
        pos0 = text.index(phrase)
        pos1 = pos0 + len(phrase)
        cur.execute(
            "insert into code_text (cid,fid,seltext,pos0,pos1,owner,memo,date,important) values(?,?,?,?,?,?,?,?,null)",
            (cids[code_name], fids[fname], phrase, pos0, pos1, owner, memo, now),
        )

    code(
        "interview_a.txt",
        "Neighbours",
        "My neighbours helped me a lot",
        "CODING MEMO 1: the turning point of the story.",
    )
    code("interview_a.txt", "Institutions", "I volunteer at the library")
    code(
        "interview_b.txt",
        "Institutions",
        "We had no help from the council for months",
        "CODING MEMO 2: compare with interview A.",
    )
    code("interview_b.txt", "Neighbours", "a friend from church found us a flat")
    code("interview_b.txt", "Distrust", "I still do not trust the office & its forms <at all>")
    t = SAMPLE_TEXTS["interview_a.txt"]
    p = t.index("Finding work was hard")
    cur.execute(
        "insert into annotation (fid,pos0,pos1,memo,owner,date) values(?,?,?,?,?,?)",
        (fids["interview_a.txt"], p, p + len("Finding work was hard"), "ANNOTATION: she said this twice.", owner, now),
    )
    cur.execute(
        "insert into cases (name,memo,owner,date) values(?,?,?,?)",
        ("Participant A", "CASE MEMO: 34, arrived 2019.", owner, now),
    )
    caseid = cur.lastrowid
    cur.execute(
        "insert into case_text (caseid, fid, pos0, pos1, owner, date, memo) values(?,?,0,0,?,?,'')",
        (caseid, fids["interview_a.txt"], owner, now),
    )
    cur.execute(
        "insert into journal(name,jentry,owner,date) values(?,?,?,?)",
        ("Field journal", "JOURNAL: second visit went better than the first.", owner, now),
    )
    app.conn.commit()
    app.update_coder_names()


def run_export(qc, out: Path, keep: Path | None, show: bool, verbose: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="qc-export-"))
    name = out.name[:-5] if out.name.lower().endswith(".qdpx") else out.name
    app = create_project(qc, work, name)
    build_sample(qc, app)
    log = _Log()
    save_dir = work / "out"
    save_dir.mkdir()
    with headless(qc, log, save_dir=str(save_dir)):
        qc.refi.RefiExport(app, log, "project")
    written = sorted(save_dir.glob("*.qdpx"))
    if len(written) != 1:
        die(f"RefiExport wrote {len(written)} .qdpx files; log:\n  " + "\n  ".join(log.lines), 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(written[0], out)
    app.conn.close()
    result = {"mode": "export", "qdpx": str(out), **count_project(Path(app.project_path) / "data.qda", show)}
    if keep:
        if keep.exists():
            shutil.rmtree(keep)
        shutil.copytree(app.project_path, keep)
        result["project_kept"] = str(keep)
    if verbose:
        result["qualcoder_log"] = log.lines
    shutil.rmtree(work, ignore_errors=True)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("qdpx", nargs="?", type=Path, help=".qdpx to import with QualCoder")
    ap.add_argument(
        "--export-from-qualcoder",
        metavar="OUT.qdpx",
        type=Path,
        help="build a sample QualCoder project and export it with RefiExport",
    )
    ap.add_argument(
        "--qualcoder-src",
        metavar="DIR",
        help="QualCoder checkout or its src/ (default: $QUALCODER_SRC, /tmp/QualCoder)",
    )
    ap.add_argument(
        "--keep-project", metavar="DIR", type=Path, help="copy the QualCoder project folder (data.qda ...) to DIR"
    )
    ap.add_argument("--show-memos", action="store_true", help="also print memo texts (cut at 120)")
    ap.add_argument("-v", "--verbose", action="store_true", help="include QualCoder's log lines")
    args = ap.parse_args(argv)
    if bool(args.qdpx) == bool(args.export_from_qualcoder):
        ap.error("give either a .qdpx to import or --export-from-qualcoder OUT.qdpx")
    if args.qdpx and not args.qdpx.is_file():
        ap.error(f"{args.qdpx}: no such file")
    qc = load_qualcoder(args.qualcoder_src)
    try:
        if args.qdpx:
            result = run_import(qc, args.qdpx.resolve(), args.keep_project, args.show_memos, args.verbose)
        else:
            result = run_export(
                qc, args.export_from_qualcoder.resolve(), args.keep_project, args.show_memos, args.verbose
            )
    finally:
        shutil.rmtree(qc.home, ignore_errors=True)
    result["qualcoder"] = {"version": qc.version, **qc.provenance, "stand_ins": qc.stubbed}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
