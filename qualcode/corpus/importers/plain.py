"""Plain text and Markdown: the bytes are the transcript."""

from pathlib import Path

from qualcode.corpus.importers.base import Extracted
from qualcode.text.decoding import decode


def read_txt(path: Path, data: bytes, encoding: str | None) -> Extracted:
    text, used = decode(data, path.name, encoding)
    return Extracted(text, "txt", used)


def read_md(path: Path, data: bytes, encoding: str | None) -> Extracted:
    """Markdown is kept as written: coders see and quote the source, and offsets stay exact."""
    text, used = decode(data, path.name, encoding)
    return Extracted(text, "md", used)
