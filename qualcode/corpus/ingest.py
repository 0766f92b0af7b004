"""Importing documents: extract, normalise, segment, store — all or nothing.

By default a run is one transaction: if any file fails, nothing is stored and the error names
the file and the reason. With ``keep_going`` every good file is stored and the failures are
listed. Extraction and segmentation happen before the transaction opens, so the database is
locked only for the short write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.corpus.importers import extensions, read_file
from qualcode.corpus.wordindex import store_word_index
from qualcode.errors import QualcodeError
from qualcode.ids import new_guid, now
from qualcode.store import events
from qualcode.store.units import INSERT_SQL, pack, pack_spans
from qualcode.text.decoding import normalise, sha256
from qualcode.text.names import check_name, visible
from qualcode.text.segmentation import Segmented, Unit, segment_texts

if TYPE_CHECKING:
    from qualcode.project import Project
    from qualcode.store.changes import Transaction

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    attributes: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class _Prepared:
    path: Path
    name: str
    text: str
    fmt: str
    encoding: str | None
    source_sha: str
    text_sha: str
    kind: str
    language: str
    reader_turns: list[Unit]
    segmented: Segmented | None = None


_DA_HINTS = re.compile(r"\b(og|det|jeg|ikke|at|er|en|på|har|med|som|der|de|så|men)\b|[æøå]", re.IGNORECASE)
_EN_HINTS = re.compile(r"\b(and|the|i|not|to|is|a|on|have|with|that|there|they|so|but)\b", re.IGNORECASE)


def guess_language(text: str) -> str:
    """Danish or English from function-word counts: the study's two languages (pass --language otherwise)."""
    sample = text[:2000]
    return "da" if len(_DA_HINTS.findall(sample)) > len(_EN_HINTS.findall(sample)) else "en"


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    exts = set(extensions())
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                f
                for f in p.iterdir()
                if f.is_file() and not f.name.startswith(".") and f.suffix.lower().lstrip(".") in exts
            )
        elif p.exists():
            out.append(p)
        else:
            raise QualcodeError(f"{p}: no such file or folder")
    return out


def store_units(tx: Transaction, document_id: int, segmented: Segmented) -> None:
    """Write a document's units, one packed row per kind, inside the caller's open transaction.

    Units are derived data (recomputable from the text): bulk-written, not logged row by row.
    Shared by file import and REFI-QDA import so a document is stored the same way by both.
    """
    rows = [pack_spans(document_id, "sentence", *segmented.sentence_spans)]
    rows += [
        pack(document_id, kind, us)
        for kind, us in (("paragraph", segmented.paragraphs), ("turn", segmented.turns))
        if us
    ]
    tx.derived(INSERT_SQL, rows)


def import_files(
    project: Project,
    paths: Iterable[str | Path],
    kind: str = "interview",
    language: str = "auto",
    speaker_pattern: str | None = None,
    encoding: str | None = None,
    keep_going: bool = False,
    attributes: str | Path | None = None,
    progress: Progress | None = None,
    transform: Callable[[str, str], str] | None = None,
) -> ImportReport:
    """Import files or folders; ``transform`` rewrites each text before it is stored (pseudonymisation),
    so the original never reaches the project file — only the source file's hash does."""
    from qualcode.corpus.attributes import apply_attribute_rows, read_csv_rows, rows_by_document
    from qualcode.corpus.documents import KINDS

    if kind not in KINDS:
        raise QualcodeError(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
    if speaker_pattern:
        try:
            if "speaker" not in re.compile(speaker_pattern).groupindex:
                raise QualcodeError(
                    "--speaker-pattern needs a named group (?P<speaker>…), e.g. '^(?P<speaker>[A-Z]+):\\s*'"
                )
        except re.error as e:
            raise QualcodeError(f"--speaker-pattern is not a valid regular expression: {e}") from None
    files = expand_paths(paths)
    if not files:
        raise QualcodeError("no importable files found (supported: " + ", ".join("." + e for e in extensions()) + ")")
    per_doc: dict[str, dict[str, str]] = {}
    attr_header: list[str] = []
    attr_rows: list[dict[str, str]] = []
    if attributes:
        attr_header, attr_rows = read_csv_rows(Path(attributes))
        per_doc = rows_by_document(attr_header, attr_rows, Path(attributes).name)
    report = ImportReport()
    total = len(files) * 2
    known_shas = {r[0]: r[1] for r in project.db.execute("SELECT text_sha256, name FROM documents")}
    known_names = {r[0] for r in project.db.execute("SELECT name FROM documents")}
    prepared: list[_Prepared] = []

    # 1. extract and normalise (no database lock held)
    for i, path in enumerate(files):
        if progress:
            progress(i, total, f"reading {path.name}")
        try:
            ex = read_file(path, encoding)
            text = normalise(ex.text)
            row = per_doc.get(path.stem, {})
            lang = (row.get("language") or "").strip() or language
            if lang == "auto":
                lang = guess_language(text)
            if transform is not None:
                if ex.turns:
                    raise QualcodeError(
                        f"{path.name}: subtitles keep timed turns whose offsets a rewrite would break; "
                        "import without --pseudonymise, then run 'qualcode pseudonyms apply'"
                    )
                text = normalise(transform(text, lang))
            if not text.strip():
                raise QualcodeError(f"{path.name}: no text after decoding (only white space)")
            source_sha = ex.source_sha256
            text_sha = sha256(text)
            name = check_name(path.stem, f"{visible(path.name)}: the document name")
            if text_sha in known_shas:
                report.skipped.append((path.name, f"same text as '{known_shas[text_sha]}', already imported"))
                continue
            if name in known_names:
                raise QualcodeError(
                    f"{path.name}: a different document named '{name}' is already in the project; rename the file"
                )
            doc_kind = (row.get("kind") or "").strip() or kind
            if doc_kind not in KINDS:
                raise QualcodeError(
                    f"{path.name}: kind '{doc_kind}' from the attributes file must be one of {', '.join(KINDS)}"
                )
            prepared.append(
                _Prepared(path, name, text, ex.format, ex.encoding, source_sha, text_sha, doc_kind, lang, ex.turns)
            )
            known_shas[text_sha] = name
            known_names.add(name)
        except QualcodeError as e:
            if not keep_going:
                raise
            report.failed.append((path.name, str(e)))

    # 2. segment and index every text, batched per language through spaCy's nlp.pipe
    segmented = segment_texts(((p.text, p.language) for p in prepared), speaker_pattern, index=True)
    for j, (p, seg) in enumerate(zip(prepared, segmented)):
        if progress:
            progress(len(files) + j, total, f"segmenting {p.name}")
        if p.reader_turns:  # subtitles: timed turns from the reader replace pattern-detected ones
            seg.turns = p.reader_turns
        p.segmented = seg

    # 3. store: one transaction for the run (or a savepoint per file with keep_going)
    base_order = (project.db.execute("SELECT COALESCE(MAX(sort_order), 0) FROM documents").fetchone()[0] or 0) + 1
    coder = project.coder
    names = ", ".join(p.name for p in prepared)
    with project.transaction(events.DOCUMENTS_IMPORT, f"imported {len(prepared)} document(s): {names}"[:2000]) as tx:
        for k, p in enumerate(prepared):
            assert p.segmented is not None  # step 2 segmented every prepared file
            if keep_going:
                project.db.execute("SAVEPOINT import_file")
            try:
                doc_id = tx.insert(
                    "documents",
                    {
                        "guid": new_guid(),
                        "name": p.name,
                        "kind": p.kind,
                        "language": p.language,
                        "text": p.text,
                        "text_sha256": p.text_sha,
                        "source_sha256": p.source_sha,
                        "source_name": p.path.name,
                        "source_format": p.fmt,
                        "encoding": p.encoding,
                        "char_count": len(p.text),
                        "word_count": p.segmented.words,
                        "imported_at": now(),
                        "imported_by": coder,
                        "sort_order": base_order + k,
                    },
                )
                store_units(tx, doc_id, p.segmented)
                assert p.segmented.index is not None  # asked for above
                store_word_index(tx, p.text_sha, p.language, p.segmented.index)
                if keep_going:
                    project.db.execute("RELEASE import_file")
                report.imported.append(p.name)
            except QualcodeError as e:
                if not keep_going:
                    raise
                project.db.execute("ROLLBACK TO import_file")
                project.db.execute("RELEASE import_file")
                report.failed.append((p.path.name, str(e)))
        if attr_rows:
            assert attributes is not None  # the rows were read from it
            report.attributes = apply_attribute_rows(
                project, tx, attr_header, attr_rows, Path(attributes).name, only=set(report.imported)
            )
    if progress:
        progress(total, total, "done")
    return report
