"""What every reader returns: the text as the file had it, and any units only the reader knows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
