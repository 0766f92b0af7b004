"""Decode bytes to the stored form of a text: NFC, ``\\n`` line endings.

What is accepted is deliberately narrow (docs/ARCHITECTURE.md: UTF-8 with or without BOM, UTF-16 with BOM, or
an explicit encoding), because guessing an encoding silently corrupts quotes that end up in papers.
"""

import codecs
import hashlib
import unicodedata

from qualcode.errors import QualcodeError


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def normalise(text: str) -> str:
    """The stored form: line endings folded to ``\\n`` first, then NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _line_col(data: bytes, pos: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    return line, col


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_used)`` or raise a QualcodeError that names the file and place."""
    if not data:
        raise QualcodeError(f"{name}: the file is empty; nothing to import")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise QualcodeError(f"{name}: unknown encoding '{encoding}'") from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as e:
            line, col = _line_col(data, e.start)
            raise QualcodeError(
                f"{name}: not valid {encoding} at line {line}, column {col} (byte 0x{data[e.start]:02X})"
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        body, used = data[3:], "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise QualcodeError(f"{name}: starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    else:
        body, used = data, "utf-8"
    if b"\x00" in body[:8192]:
        raise QualcodeError(
            f"{name}: looks like a binary file (contains NUL bytes), not text; "
            "export it as .txt, .docx, .odt or .pdf with a text layer"
        )
    try:
        return body.decode("utf-8"), used
    except UnicodeDecodeError as e:
        line, col = _line_col(body, e.start)
        raise QualcodeError(
            f"{name}: not UTF-8 (byte 0x{body[e.start]:02X} at line {line}, column {col}); "
            "re-save it as UTF-8 or pass --encoding (for example --encoding cp1252)"
        ) from None
