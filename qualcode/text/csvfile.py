"""Reading a CSV file someone hands us: bounded, decoded like transcripts, errors with a line.

One reader for every CSV input (attributes, codings, pseudonym mappings): UTF-8 or UTF-16 with a
BOM, comma, semicolon or tab (decided from the header line, where quoted fields cannot mislead),
at most ``MAX_BYTES`` per file and ``MAX_FIELD`` characters per field — a longer field is almost
always a missing closing quote, and is refused naming its line instead of ending in ``_csv.Error``.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.text.decoding import decode, normalise

MAX_BYTES = 50 * 2**20
MAX_FIELD = 1_000_000


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_records(path: str | Path, sniff: bool = True) -> list[tuple[int, list[str]]]:
    """``(line number, fields)`` of every record; ``sniff``: choose the delimiter from the first line."""
    path = Path(path)
    if not path.exists():
        raise QualcodeError(f"{path}: no such file")
    text, _ = decode(read_input(path, MAX_BYTES, "a CSV file"), path.name)
    text = normalise(text)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if sniff else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out = []
    with _field_limit(MAX_FIELD):
        try:
            line = 1
            for rec in reader:
                out.append((line, rec))
                line = reader.line_num + 1
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                raise QualcodeError(
                    f"{path.name}: line {line}: a field is longer than {MAX_FIELD:,} characters "
                    "(a missing closing quote?)"
                ) from None
            raise QualcodeError(f"{path.name}: line {line}: not valid CSV ({e})") from None
    return out
