"""Extension → reader registry, and the shared result type."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.text.decoding import sha256
from qualcode.text.segmentation import Unit


@dataclass
class Extracted:
    """Text as the reader produced it (before NFC/newline normalisation) plus reader-made units."""

    text: str
    format: str
    encoding: str | None = None
    turns: list[Unit] = field(default_factory=list)  # e.g. timed turns from subtitles, offsets into normalised text
    source_sha256: str = ""  # of the file's bytes, filled in by read_file


Reader = Callable[[Path, bytes, str | None], Extracted]

# A transcript of 100,000 words is under 1 MB; a file far larger is almost surely the wrong file
# (a video, a database dump) and would hold the import for minutes. Refuse it before reading.
MAX_FILE_BYTES = 200 * 1024 * 1024
_READERS: dict[str, Reader] = {}


def register(*exts: str):
    def deco(fn: Reader) -> Reader:
        for ext in exts:
            _READERS[ext] = fn
        return fn

    return deco


def extensions() -> list[str]:
    _load()
    return sorted(_READERS)


def _load() -> None:
    # Importing the modules registers them; done lazily so ``qualcode --help`` stays fast.
    from qualcode.corpus.importers import docx_reader, odt_reader, pdf_reader, plain, subtitles  # noqa: F401


def read_file(path: Path, encoding: str | None = None) -> Extracted:
    _load()
    ext = path.suffix.lower().lstrip(".")
    reader = _READERS.get(ext)
    if reader is None:
        raise QualcodeError(
            f"{path.name}: cannot import .{ext or '(no extension)'} files; supported: "
            + ", ".join("." + e for e in extensions())
        )
    data = read_input(path, MAX_FILE_BYTES)
    extracted = reader(path, data, encoding)
    extracted.source_sha256 = sha256(data)
    return extracted
