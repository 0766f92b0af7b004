"""Extension → reader, and reading a file through it.

Readers are plain functions in one module per format (``plain``, ``docx_reader`` …), named here by
extension and imported only when a file of theirs is read, so ``qualcode --help`` does not load
python-docx or pypdf.
"""

import importlib
from pathlib import Path

from qualcode.corpus.importers.base import Extracted, Reader
from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.text.decoding import sha256

# A transcript of 100,000 words is under 1 MB; a file far larger is almost surely the wrong file
# (a video, a database dump) and would hold the import for minutes. Refuse it before reading.
MAX_FILE_BYTES = 200 * 1024 * 1024
READERS: dict[str, tuple[str, str]] = {  # extension → (module, function)
    "txt": ("plain", "read_txt"),
    "text": ("plain", "read_txt"),
    "md": ("plain", "read_md"),
    "markdown": ("plain", "read_md"),
    "docx": ("docx_reader", "read_docx"),
    "odt": ("odt_reader", "read_odt"),
    "pdf": ("pdf_reader", "read_pdf"),
    "vtt": ("subtitles", "read_vtt"),
    "srt": ("subtitles", "read_srt"),
}


def extensions() -> list[str]:
    return sorted(READERS)


def reader_for(ext: str) -> Reader | None:
    if ext not in READERS:
        return None
    module, name = READERS[ext]
    reader: Reader = getattr(importlib.import_module(f"qualcode.corpus.importers.{module}"), name)
    return reader


def read_file(path: Path, encoding: str | None = None) -> Extracted:
    ext = path.suffix.lower().lstrip(".")
    reader = reader_for(ext)
    if reader is None:
        raise QualcodeError(
            f"{path.name}: cannot import .{ext or '(no extension)'} files; supported: "
            + ", ".join("." + e for e in extensions())
        )
    data = read_input(path, MAX_FILE_BYTES)
    extracted = reader(path, data, encoding)
    extracted.source_sha256 = sha256(data)
    return extracted
