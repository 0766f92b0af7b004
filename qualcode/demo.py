"""Build the bundled demo study into a project file.

The demo is the synthetic study in ``demo_study/corpus/`` (12 documents, two sites' worth of
interviews and field notes in Danish and English), the codebook in ``demo_study/study.yaml`` and two
coders' codings in ``demo_study/corpus/codings/*.csv`` — enough material for agreement and
co-occurrence. It is package data, so ``qualcode demo`` works after ``pip install``; a checkout
also shows it as ``corpus/`` and ``codebooks/study.yaml`` (links to the same files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.codebook import tree, yaml_format
from qualcode.coding.csv_io import import_codings_csv
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.store import events

STUDY = Path(__file__).resolve().parent / "demo_study"


def demo_paths(root: Path | None = None) -> tuple[Path, Path, Path]:
    root = root or STUDY
    corpus, codebook = root / "corpus", root / "study.yaml"
    if not corpus.is_dir() or not codebook.exists():
        raise QualcodeError(f"the demo study is missing from this installation ({corpus}); reinstall qualcode")
    return corpus, codebook, corpus / "codings"


def build_demo(
    path: Path, root: Path | None = None, progress: Callable[[int, int, str], None] | None = None, coder: str = "demo"
) -> Project:
    """(Re)build the demo project at ``path``; refuses to overwrite a file that is not a demo.

    The build's events belong to the ``demo`` coder, not to anna or bo, so a coder's first undo in
    the workbench undoes their own work, never the import of the whole study.
    """
    corpus, codebook, codings = demo_paths(root)
    if path.exists():
        probe = Project.open(path)
        is_demo = probe.meta("demo") == "1"
        probe.close()
        if not is_demo:
            raise QualcodeError(f"{path} exists and is not a demo project; choose another --project")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    project = Project.create(path, coder=coder)
    with project.transaction(events.PROJECT_META, "marked as demo") as tx:
        tx.insert("project", {"key": "demo", "value": "1"})
    book = yaml_format.load(codebook)
    tree.import_codebook(project, book)
    with project.transaction(events.PROJECT_META, "codebook title") as tx:
        tx.insert("project", {"key": "codebook_title", "value": book.title or ""})
    import_files(project, sorted(corpus.glob("*.txt")), attributes=corpus / "attributes.csv", progress=progress)
    for f in sorted(codings.glob("*.csv")):
        import_codings_csv(project, f)
    return project
