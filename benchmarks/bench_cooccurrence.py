"""Co-occurrence on corpus L (10,000 documents, 1,000,000 codings, 200 codes), with two baselines
in the same run.

- **qualcode**: load the codings from the project file and compute the matrix (one coder, and
  all three pooled), timed in a fresh subprocess that also reports its peak memory
  (``ru_maxrss``, so Python and numpy themselves are included).
- **pandas**: the same matrix from the tidy export, as an analyst would compute it: passages by
  a running maximum of ends per document, or codings joined to the sentence table on document
  and the overlap condition; then distinct (unit, code) pairs self-merged on the unit and
  counted. Timed from a DataFrame already in memory (reading the CSV is reported apart), and
  checked to give exactly our matrix.
- **qualitative-coding** (``qc codes crosstab``, PyPI), in its own virtualenv because it pins
  older rich/xmlschema: it issues one SQL self-join per pair of codes, so it runs on a subset
  of L (``QC_DOCS`` documents). Its unit is the line; in the generated texts a line is exactly
  a paragraph (speaker turns separated by blank lines), so we compare with our
  ``unit=paragraph`` on the same documents, and check the matrices agree.

The built L project and its tidy export are cached under ``benchmarks/.corpora/`` (git-ignored),
keyed by size and seed: building L takes about a minute, the tidy export a few more.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from qualcode.corpus.documents import get_document, list_documents, unit_arrays

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".corpora"
SIZE, SEED = "L", 7
CODER = "coder0"
QC_DOCS = int(os.environ.get("QC_DOCS", "100"))
QC_VENV = CACHE / "qc-venv"


# ----------------------------------------------------------------------------- cached inputs


def corpus_project(size: str = SIZE, seed: int = SEED) -> Path:
    """The built project file for ``size``/``seed`` (built once, then reused)."""
    path = CACHE / f"{size}-seed{seed}.db"
    if not path.exists():
        from benchmarks.generate import build_project, make_corpus

        CACHE.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        build_project(make_corpus(size, seed=seed), part).close()
        part.rename(path)
    return path


def tidy_export(project_path: Path) -> Path:
    """The tidy CSV of the whole project, written by our own exporter (cached)."""
    path = project_path.with_name(project_path.stem + "-tidy.csv")
    if not path.exists():
        from qualcode.interchange.exporters.csv_export import write_csv
        from qualcode.interchange.exporters.tidy import tidy_table
        from qualcode.project import Project

        with Project.open(project_path) as p:
            table = tidy_table(p)
        part = path.with_suffix(".part")
        write_csv(table, part)
        part.rename(path)
    return path


# ----------------------------------------------------------------------------- qualcode


def measure_ours(project_path: str, unit: str, coder: str | None, documents: int | None = None) -> dict:
    """Runs in a subprocess: load + compute, wall time and peak memory."""
    from qualcode.analysis import data as pdx
    from qualcode.project import Project

    t0 = time.perf_counter()
    with Project.open(project_path) as p:
        subset = None
        if documents is not None:
            subset = [d["id"] for d in list_documents(p)[:documents]]
        sel, choice = pdx.choose(p, coders=[coder] if coder else [], pool=coder is None, documents=subset)
        t1 = time.perf_counter()
        (r,) = pdx.project_cooccurrence(p, sel, unit, choice).values()
        compute = time.perf_counter() - t1
        names = sel.code_names()
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "compute": compute,
        "peak_mb": _peak_mb(),
        "n_units": r.n_units,
        "codings": len(sel.codings),
        "labels": [names[c] for c in r.codes],
        "counts": r.counts.tolist(),
    }


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM). Not ``ru_maxrss``: Linux carries that
    over from the parent through fork and exec, so a child of a big parent reports the
    parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clear_cache(project_path: Path) -> None:
    """Forget the cached coding arrays, so the next analysis reads every row (a 'cold' run)."""
    import sqlite3

    con = sqlite3.connect(project_path)
    with con:
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'analysis_cache'").fetchone():
            con.execute("DELETE FROM analysis_cache")
    con.close()


_added = 0


def _add_codings(project_path: Path, n: int) -> None:
    """``n`` codings by ``CODER``, one event each, as ``qualcode code`` would add them."""
    global _added
    from qualcode.coding.codings import add_coding
    from qualcode.project import Project

    with Project.open(project_path, coder=CODER) as p:
        doc = list_documents(p)[0]["id"]
        code = p.db.execute("SELECT id FROM codes WHERE codable = 1 ORDER BY id LIMIT 1").fetchone()[0]
        for _ in range(n):
            _added += 1
            add_coding(p, doc, 2 * _added, 2 * _added + 1, code)


def _subprocess_ours(project_path: Path, unit: str, coder: str | None, documents: int | None = None) -> dict:
    code = (
        "import json, sys; from benchmarks.bench_cooccurrence import measure_ours; "
        "print(json.dumps(measure_ours(*json.loads(sys.argv[1]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps([str(project_path), unit, coder, documents])],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- pandas


def _pairs_to_matrix(pd, pairs, labels):
    """Distinct (unit, code) rows → code × code counts (units with both codes)."""
    both = pairs.merge(pairs, on="unit", suffixes=("_a", "_b"))
    m = both.groupby(["code_a", "code_b"]).size().unstack(fill_value=0)
    return m.reindex(index=labels, columns=labels, fill_value=0)


def pandas_overlap(pd, df, labels):
    """Passages: sort by document and start; a coding starts a new passage when it begins at
    or after the furthest end so far in its document."""
    d = df.sort_values(["document", "start"], kind="stable")
    reach = d.groupby("document")["end"].cummax()
    prev = reach.groupby(d["document"]).shift()
    new = prev.isna() | (d["start"] >= prev)
    d = d.assign(unit=new.cumsum())
    pairs = d[["unit", "code"]].drop_duplicates()
    return _pairs_to_matrix(pd, pairs, labels)


def pandas_sentence(pd, df, sentences, labels):
    """Codings joined to sentences on document, kept where they share a character."""
    j = df[["document", "code", "start", "end"]].merge(sentences, on="document")
    j = j[(j["start"] < j["s_end"]) & (j["s_start"] < j["end"])]
    pairs = j[["unit", "code"]].drop_duplicates()
    return _pairs_to_matrix(pd, pairs, labels)


def _sentence_table(pd, project_path: Path):
    import numpy as np

    from qualcode.project import Project

    with Project.open(project_path) as p:
        names = {r["id"]: r["name"] for r in p.db.query("SELECT id, name FROM documents")}
        arrays = unit_arrays(p, "sentence")
    doc = np.concatenate([np.full(len(s), d) for d, (s, _) in arrays.items()])
    return pd.DataFrame(
        {
            "document": pd.Series([names[int(d)] for d in doc]),
            "s_start": np.concatenate([s for s, _ in arrays.values()]),
            "s_end": np.concatenate([e for _, e in arrays.values()]),
            "unit": np.arange(len(doc)),
        }
    )


# ----------------------------------------------------------------------------- qc


_QC_SETUP = r"""
import json, os, sqlite3, sys
from pathlib import Path
from qualitative_coding.corpus import QCCorpus
root = Path(sys.argv[1]); os.chdir(root)
QCCorpus.initialize("settings.yaml")
corpus = QCCorpus("settings.yaml")
data = json.loads(Path("codedlines.json").read_text())
with corpus.session():
    for name in data["docs"]:
        corpus.register_document(corpus.corpus_dir / f"{name}.txt")
con = sqlite3.connect(corpus.settings["database"])
loc = {}
for lid, start, end, doc in con.execute(
        "SELECT l.id, l.start_line, l.end_line, d.document_id FROM location l "
        "JOIN document_index d ON d.id = l.document_index_id WHERE d.name = 'paragraphs'"):
    for line in range(start, end):
        loc[(doc, line)] = lid
con.executemany("INSERT INTO coder (name) VALUES (?)", [(c,) for c in data["coders"]])
con.executemany("INSERT INTO code (name) VALUES (?)", [(c,) for c in data["codes"]])
for i, (doc, line, code, coder) in enumerate(data["lines"], start=1):
    con.execute("INSERT INTO coded_line (id, line, coder_id, code_id) VALUES (?,?,?,?)",
                (i, line, coder, code))
    con.execute("INSERT INTO coded_line_location_association VALUES (?,?)",
                (i, loc[(data["docs"][doc] + ".txt", line)]))
con.commit()
with corpus.session():
    corpus.update_codebook()
"""


def _qc_python() -> Path | None:
    py = QC_VENV / "bin" / "python"
    if not (QC_VENV / "bin" / "qc").exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(QC_VENV)], check=True, capture_output=True)
            subprocess.run(
                [str(py), "-m", "pip", "install", "-q", "qualitative-coding"],
                check=True,
                capture_output=True,
                timeout=900,
            )
        except (subprocess.SubprocessError, OSError):
            return None
    return py


def run_qc(project_path: Path, documents: int, workdir: Path) -> dict | None:
    """Build a qc project from the first ``documents`` documents (coded lines, blank lines
    excluded) and time ``qc codes crosstab -n line -c coder0``."""
    py = _qc_python()
    if py is None:
        return None
    from qualcode.project import Project

    with Project.open(project_path) as p:
        docs = list_documents(p)[:documents]
        texts = {d["id"]: get_document(p, d["id"])["text"] for d in docs}
        rows = p.db.execute(
            "SELECT c.document_id, k.name, c.start, c.[end], o.name FROM codings c "
            "JOIN codes k ON k.id = c.code_id JOIN coders o ON o.id = c.coder_id "
            f"WHERE c.document_id IN ({','.join(str(d['id']) for d in docs)})"
        ).fetchall()
    (workdir / "corpus").mkdir(parents=True)
    index = {d["id"]: i for i, d in enumerate(docs)}
    line_starts = {}
    for d in docs:
        text = texts[d["id"]]
        (workdir / "corpus" / f"{d['name']}.txt").write_text(text, encoding="utf-8")
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        line_starts[d["id"]] = starts
    import bisect

    lines = set()
    for doc, code, s, e, coder in rows:
        starts, text = line_starts[doc], texts[doc]
        for line in range(bisect.bisect_right(starts, s) - 1, bisect.bisect_right(starts, e - 1)):
            a = starts[line]
            b = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            if text[a:b].strip() and max(s, a) < min(e, b):  # shares a character, not just "\n"
                lines.add((index[doc], line, code, coder))
    data = {
        "docs": [d["name"] for d in docs],
        "lines": sorted(lines),
        "codes": sorted({r[1] for r in rows}),
        "coders": sorted({r[4] for r in rows}),
    }
    (workdir / "codedlines.json").write_text(json.dumps(data))
    subprocess.run([str(py), "-c", _QC_SETUP, str(workdir)], check=True, capture_output=True)
    out = workdir / "crosstab.csv"
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(QC_VENV / "bin" / "qc"),
            "codes",
            "crosstab",
            "-s",
            "settings.yaml",
            "-n",
            "line",
            "-c",
            CODER,
            "-o",
            str(out),
        ],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t0
    import csv

    with out.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)[1:]
        matrix = {r[0]: dict(zip(header, map(int, r[1:]))) for r in reader}
    version = subprocess.run(
        [str(py), "-c", "from importlib.metadata import version; print(version('qualitative-coding'))"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "seconds": seconds,
        "matrix": matrix,
        "version": version,
        "coded_lines": sum(1 for x in lines if x[3] == CODER),
    }


# ----------------------------------------------------------------------------- run


def _same(pd, ours: dict, frame) -> bool:
    import numpy as np

    return bool(np.array_equal(np.asarray(ours["counts"]), frame.to_numpy()))


def _row(
    benchmark: str,
    seconds: float | None,
    peak: float | None = None,
    baseline: float | None = None,
    target: str = "",
    same: str = "",
) -> dict:
    return {
        "benchmark": benchmark,
        "seconds": seconds,
        "peak MB": peak,
        "speed-up": (baseline / seconds) if baseline and seconds else None,
        "target": target,
        "same matrix": same,
    }


def run(size: str = SIZE) -> list[dict]:
    """Rows: each baseline, then qualcode with its speed-up over that baseline."""
    import tempfile

    import pandas as pd

    project_path = corpus_project(size)
    tidy = tidy_export(project_path)
    rows: list[dict] = []

    t0 = time.perf_counter()
    df = pd.read_csv(tidy, usecols=["document", "code", "coder", "start", "end"])
    read_seconds = time.perf_counter() - t0
    one = df[df["coder"] == CODER]
    rows.append(_row(f"pandas: read the tidy CSV ({len(df):,} codings)", read_seconds))
    sentences = _sentence_table(pd, project_path)

    work = Path(tempfile.mkdtemp(prefix="qualcode-bench-cooc-"))
    original, project_path = project_path, work / project_path.name  # the changes below go to a copy
    for unit in ("overlap", "sentence"):
        shutil.copy(original, project_path)  # the codings the pandas side reads
        _clear_cache(project_path)
        cold = _subprocess_ours(project_path, unit, CODER)  # reads every row, keeps the arrays
        ours = _subprocess_ours(project_path, unit, CODER)  # what the next analysis costs
        _add_codings(project_path, 1)
        changed = _subprocess_ours(project_path, unit, CODER)  # the log's one event applied to the arrays
        _add_codings(project_path, 40)
        busy = _subprocess_ours(project_path, unit, CODER)  # forty events since the stored arrays
        t0 = time.perf_counter()
        frame = (
            pandas_overlap(pd, one, ours["labels"])
            if unit == "overlap"
            else pandas_sentence(pd, one, sentences, ours["labels"])
        )
        pandas_seconds = time.perf_counter() - t0
        same = "yes" if _same(pd, ours, frame) else "NO"
        what = f"{ours['codings']:,} codings of {CODER}"
        rows.append(_row(f"pandas, unit={unit}: read CSV + compute ({what})", read_seconds + pandas_seconds))
        rows.append(
            _row(
                f"qualcode, unit={unit}: first analysis ever (no arrays kept) — open, read every row, "
                f"compute (N = {cold['n_units']:,} units)",
                cold["seconds"],
                cold["peak_mb"],
                read_seconds + pandas_seconds,
                "≤ 5 s, ≤ 1 GB",
                same,
            )
        )
        for label, r in (("one coding", changed), ("40 more codings", busy)):
            rows.append(
                _row(
                    f"qualcode, unit={unit}: first analysis after {label} (another process) — open, "
                    "stored arrays + the events since, compute",
                    r["seconds"],
                    r["peak_mb"],
                    read_seconds + pandas_seconds,
                    "≤ 5 s, ≤ 1 GB, ≥ 5×",
                    "yes" if r["codings"] == ours["codings"] + (1 if r is changed else 41) else "NO",
                )
            )
        rows.append(
            _row(
                f"qualcode, unit={unit}: next analyses — open, cached arrays, compute",
                ours["seconds"],
                ours["peak_mb"],
                read_seconds + pandas_seconds,
                "≤ 5 s, ≤ 1 GB, ≥ 5×",
                same,
            )
        )
        rows.append(_row(f"pandas, unit={unit}: compute only, DataFrame in memory", pandas_seconds))
        rows.append(
            _row(
                f"qualcode, unit={unit}: compute only (units + matrix)",
                ours["compute"],
                None,
                pandas_seconds,
                "≥ 5×",
                same,
            )
        )
        pooled = _subprocess_ours(project_path, unit, None)
        rows.append(
            _row(
                f"qualcode, unit={unit}, 3 coders pooled ({pooled['codings']:,} codings): open, load, compute",
                pooled["seconds"],
                pooled["peak_mb"],
                target="≤ 5 s, ≤ 1 GB",
            )
        )

    shutil.rmtree(work, ignore_errors=True)
    project_path = original
    with tempfile.TemporaryDirectory() as tmp:
        qc = run_qc(project_path, QC_DOCS, Path(tmp) / "qc")
    if qc is None:
        rows.append(_row("qc codes crosstab: qualitative-coding could not be installed", None))
        return rows
    ours = _subprocess_ours(project_path, "paragraph", CODER, QC_DOCS)
    leaf = [name.rsplit("/", 1)[-1] for name in ours["labels"]]
    same = all(
        qc["matrix"].get(a, {}).get(b, 0) == ours["counts"][i][j]
        for i, a in enumerate(leaf)
        for j, b in enumerate(leaf)
    )
    rows.append(
        _row(
            f"qc codes crosstab -n line (qualitative-coding {qc['version']}; "
            f"{QC_DOCS} documents, {qc['coded_lines']:,} coded lines of {CODER})",
            qc["seconds"],
        )
    )
    rows.append(
        _row(
            f"qualcode, unit=paragraph (= qc's line here), same {QC_DOCS} documents: open, load, compute",
            ours["seconds"],
            ours["peak_mb"],
            qc["seconds"],
            same="yes" if same else "NO",
        )
    )
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
