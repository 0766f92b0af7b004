"""A leak check: is any name on the list still anywhere — in the project file's pages or in exports?

The project is read page by page, as SQLite stores it: every table, old versions, the event log,
the search index, index pages, free pages and the unused space inside pages. Reading is done on a
copy taken with SQLite's backup API (which copies every page, free ones included) in a private
temporary folder — never by opening the project file itself, which would release this process's
locks. The write-ahead log is emptied into the file first; if others have the project open and it
cannot be, the report says so. Pages of the pseudonym list itself (the mapping) are not leaks.
Compression hides words from a page read, so every zip archive stored in a BLOB column — an assist
model, whose vocabulary holds words of the texts it was trained on — is also opened and read entry
by entry (a deleted one is overwritten: models are deleted with secure delete).

Export files are read by format: text (CSV, JSON, Markdown, HTML, YAML), zip containers (XLSX, DOCX,
ODT, QDPX) entry by entry, XML (QDC), and binary SPSS/Stata files as UTF-8 and Latin-1 bytes.

A word counts as a name if it stands for a word of an original on the list under the same rules as
replacing (``qualcode.revision.pseudonyms.matching``): any capitalisation, a genitive -s, a spelling variant,
a lower-case form only where the language has no such word.
"""

from __future__ import annotations

import html
import io
import re
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.revision.pseudonyms.entries import pseudonyms
from qualcode.revision.pseudonyms.matching import DEFAULT_THRESHOLD, WordTest

if TYPE_CHECKING:
    from qualcode.project import Project

_WORD = re.compile(r"\w+")
MAX_EXPORT_BYTES = 2 * 2**30
TEXT_SUFFIXES = {".csv", ".tsv", ".json", ".md", ".html", ".htm", ".txt", ".yaml", ".yml", ".qdc", ".xml"}
ZIP_SUFFIXES = {".xlsx", ".docx", ".odt", ".ods", ".qdpx", ".zip"}
BINARY_SUFFIXES = {".sav", ".dta", ".zsav", ".por", ".db", ".sqlite"}
CONTEXT = 30


@dataclass
class Hit:
    place: str  # "events (the history)", "free page 412", "report.docx › word/document.xml, line 3"
    found: str  # the word as it stands there
    original: str  # the list entry it belongs to
    context: str  # a little text around it (control characters shown as ·)
    count: int = 1


@dataclass
class ScanReport:
    hits: list[Hit] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)  # what was read
    notes: list[str] = field(default_factory=list)  # what could not be (fully) read

    @property
    def clean(self) -> bool:
        return not self.hits


class NameWords:
    """Every single word a name on the list can appear as (each word of each original)."""

    def __init__(self, project: Project, threshold: float = DEFAULT_THRESHOLD) -> None:
        from qualcode.text.lexicon import lexicon

        entries = pseudonyms(project)
        if not entries:
            raise QualcodeError(
                "the pseudonym list is empty: there is nothing to look for "
                "(add names with 'qualcode pseudonyms add ORIGINAL PSEUDONYM')"
            )
        self.words = [(w, e.original) for e in entries for w in _WORD.findall(e.original) if len(w) >= 2]
        languages = [r[0] for r in project.db.execute("SELECT DISTINCT language FROM documents")]
        words: frozenset[str] = frozenset()
        for lang in languages:
            words |= lexicon(lang)
        self.test = WordTest(threshold, lexicon=words if languages else None)
        self._cache: dict[str, str | None] = {}

    def entry(self, token: str) -> str | None:
        """The list entry ``token`` stands for, or None."""
        if token not in self._cache:
            self._cache[token] = next((orig for w, orig in self.words if self.test(token, w)), None)
        return self._cache[token]

    def hits(self, text: str, place: str, limit: int | None = None) -> Iterator[Hit]:
        """Names in ``text``; with ``limit``, only words that start before it (the rest is read only
        to complete a word cut at the end of a page)."""
        for m in _WORD.finditer(text):
            if limit is not None and m.start() >= limit:
                break
            tok = m.group()
            if len(tok) < 2 or tok.isdigit():
                continue
            original = self.entry(tok)
            if original is not None:
                a, b = max(0, m.start() - CONTEXT), m.end() + CONTEXT
                context = re.sub(r"[\x00-\x1f\ufffd]+", "·", text[a:b])
                yield Hit(place, tok, original, context)


def _group(hits: Iterable[Hit]) -> list[Hit]:
    out: dict[tuple[str, str], Hit] = {}
    for h in hits:
        key = (h.place, h.found)
        if key in out:
            out[key].count += 1
        else:
            out[key] = h
    return list(out.values())


# ----------------------------------------------------------------------------------------- the project
def scan_project(project: Project, names: NameWords | None = None) -> ScanReport:
    """Every page of the project file (through a backup copy), the mapping's own pages excepted."""
    names = names or NameWords(project)
    report = ScanReport()
    if not project.readonly:
        busy, frames, done = project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            report.notes.append(
                f"others have {project.path.name} open: {max(frames - done, 0)} page(s) in its "
                "write-ahead log could not be read; scan again when nobody has it open"
            )
    with tempfile.TemporaryDirectory(prefix="qualcode-scan-") as tmp:  # 0700: private
        copy = Path(tmp) / "scan.db"
        dst = sqlite3.connect(copy)
        try:
            project.db.conn.backup(dst)
            page_size = dst.execute("PRAGMA page_size").fetchone()[0]
            owners = {p: n for n, p in dst.execute("SELECT name, pageno FROM dbstat")}
            skip = {r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'pseudonyms'")}
            hits: list[Hit] = list(_archive_hits(dst, names, report))
        finally:
            dst.close()
        data = copy.read_bytes()  # our private copy, not the project file
    free = _free_pages(data, page_size)
    for k in range(0, len(data), page_size):
        pageno = k // page_size + 1
        owner = owners.get(pageno)
        if owner in skip:
            continue
        place = _place(owner, pageno, free)
        page = data[k : k + page_size].decode("utf-8", errors="replace")
        spill = data[k + page_size : k + page_size + 64].decode("utf-8", errors="replace")
        hits.extend(names.hits(page + spill, place, limit=len(page)))
    report.hits = _group(hits)
    report.scanned.append(f"{project.path.name}: {len(data) // page_size} pages")
    return report


def _archive_hits(conn: sqlite3.Connection, names: NameWords, report: ScanReport) -> Iterator[Hit]:
    """Names inside zip archives stored in BLOB columns (an assist model's ``.npz``), entry by entry:
    compressed, their words are invisible to the page read."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'pseudonyms'"
        )
    ]
    for table in tables:
        blobs = [c[1] for c in conn.execute(f"PRAGMA table_info([{table}])") if str(c[2]).upper() == "BLOB"]
        for col in blobs:
            rows = conn.execute(
                f"SELECT rowid, [{col}] FROM [{table}] WHERE typeof([{col}]) = 'blob' AND substr([{col}], 1, 4) = ?",
                [b"PK\x03\x04"],
            )
            for rowid, blob in rows:
                place = f"{PLACES.get(table, table)}, row {rowid}"
                try:
                    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                        for info in zf.infolist():
                            if info.is_dir() or info.file_size > MAX_EXPORT_BYTES:
                                continue
                            body = zf.read(info).decode("utf-8", errors="replace")
                            yield from names.hits(body, f"{place} › {info.filename}")
                except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
                    report.notes.append(f"{place}: a stored archive could not be read; its bytes were read as pages")


PLACES = {
    "events": "events (the history)",
    "documents": "documents (current texts)",
    "document_versions": "document_versions (old versions)",
    "codings": "codings (quoted text, memos)",
    "memos": "memos",
    "search_vocab": "search index (words)",
    "search_postings": "search index",
    "search_splits": "search index (tokenizer rules)",
    "coding_reviews": "coding_reviews (words before a revision)",
    "analysis_cache": "analysis cache",
    "assist_models": "assist_models (a model's vocabulary)",
}


def _place(owner: str | None, pageno: int, free: set[int]) -> str:
    if pageno in free:
        return f"free page {pageno} (deleted data)"
    if owner is None:
        return f"page {pageno} (unused)"
    return PLACES.get(owner, owner)


def _free_pages(data: bytes, page_size: int) -> set[int]:
    """Page numbers on the freelist (trunk and leaf pages), read from the file header."""
    free: set[int] = set()
    trunk = int.from_bytes(data[32:36], "big")
    while trunk and trunk not in free and trunk * page_size <= len(data):
        free.add(trunk)
        base = (trunk - 1) * page_size
        nxt = int.from_bytes(data[base : base + 4], "big")
        n = int.from_bytes(data[base + 4 : base + 8], "big")
        for i in range(min(n, (page_size - 8) // 4)):
            free.add(int.from_bytes(data[base + 8 + 4 * i : base + 12 + 4 * i], "big"))
        trunk = nxt
    return free


# ----------------------------------------------------------------------------------------- exports
def scan_files(paths: Iterable[str | Path], names: NameWords) -> ScanReport:
    report = ScanReport()
    hits = []
    for path in map(Path, paths):
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                hits.extend(_scan_file(f, names, report))
        else:
            hits.extend(_scan_file(path, names, report))
    report.hits = _group(hits)
    return report


def _scan_file(path: Path, names: NameWords, report: ScanReport) -> list[Hit]:
    data = read_input(path, MAX_EXPORT_BYTES, "an export")
    suffix = path.suffix.lower()
    report.scanned.append(path.name)
    out: list[Hit] = []
    if suffix in ZIP_SUFFIXES or data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.is_dir() or info.file_size > MAX_EXPORT_BYTES:
                        continue
                    with zf.open(info) as fh:
                        body = fh.read(MAX_EXPORT_BYTES)
                    out.extend(_text_hits(body, f"{path.name} › {info.filename}", names, unescape=True))
            return out
        except zipfile.BadZipFile:
            report.notes.append(f"{path.name}: not a readable zip archive; read as bytes")
    if suffix in BINARY_SUFFIXES or (suffix not in TEXT_SUFFIXES and b"\x00" in data[:4096]):
        text = data.decode("utf-8", errors="replace")
        out.extend(names.hits(text, f"{path.name} (binary)"))
        latin = data.decode("latin-1")
        seen = {(h.found, h.context) for h in out}
        out.extend(h for h in names.hits(latin, f"{path.name} (binary, Latin-1)") if (h.found, h.context) not in seen)
        return out
    return _text_hits(data, path.name, names, unescape=suffix in {".html", ".htm", ".xml", ".qdc"})


def _text_hits(data: bytes, place: str, names: NameWords, unescape: bool) -> list[Hit]:
    text = data.decode("utf-8", errors="replace")
    if unescape:
        text = html.unescape(text)
    out: list[Hit] = []
    for n, line in enumerate(text.split("\n"), start=1):
        out.extend(names.hits(line, f"{place}, line {n}"))
    return out
