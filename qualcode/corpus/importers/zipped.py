"""Shared guard for zip-based office formats (.docx, .odt)."""

import io
import zipfile
from pathlib import Path

from qualcode.errors import QualcodeError


def check_zip(path: Path, data: bytes, kind: str) -> None:
    if not data:
        raise QualcodeError(f"{path.name}: the file is empty; nothing to import")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise QualcodeError(
            f"{path.name}: not a valid {kind} file (the zip archive is damaged or truncated); "
            f"open and re-save it in a word processor"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise QualcodeError(f"{path.name}: not a valid {kind} file ({e}); open and re-save it") from None
    if bad:
        raise QualcodeError(f"{path.name}: the {kind} archive is damaged (entry {bad} fails its checksum)")
