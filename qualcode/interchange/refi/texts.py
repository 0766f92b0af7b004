"""Where a source's text lives (inside the archive, or on disk when allowed) and how it is decoded."""

import re
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.files import read_input
from qualcode.interchange.refi.errors import RefiError
from qualcode.interchange.refi.safezip import SafeZip

MAX_EXTERNAL_BYTES = 200 * 2**20  # a source text outside the archive: the same cap as any transcript


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 (BOM optional) or UTF-16 with BOM, as the spec and our invariants allow."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RefiError(f"{where}: not UTF-8 text (byte {e.start}): {e.reason}") from None


class ArchiveTexts:
    """Resolves a text path (internal://, bare, relative://, absolute://) to its text."""

    def __init__(self, zf: SafeZip | None, archive: str, allow_external: bool):
        self.zf, self.archive, self.allow_external = zf, archive, allow_external
        self.base_path: str | None = None

    def load(self, path: str) -> tuple[str | None, str]:
        """(text, '') or (None, reason it could not be read)."""
        p = path.strip()
        scheme, sep, rest = p.partition("://")
        if not sep:
            scheme, rest = "", p
        scheme = scheme.lower()
        if scheme in ("internal", ""):
            if ".." in rest.replace("\\", "/").split("/") or "\x00" in rest:
                raise RefiError(
                    f"{self.archive}: refused: text path {path!r} climbs out of the archive ('..'); "
                    "nothing was imported"
                )
            if self.zf is None:
                return None, f"text path {path!r} needs the .qdpx archive"
            rest = rest.replace("\\", "/").lstrip("/")
            candidates = [rest] if rest.lower().startswith("sources/") else [f"sources/{rest}", rest]
            for c in candidates:
                entry = self.zf.find(c)
                if entry:
                    return decode_text(self.zf.read(entry), f"{self.archive}!{entry}"), ""
            if scheme == "":
                return self._external(Path(p))
            return None, f"{path!r} not found in the archive"
        if scheme in ("relative", "absolute", "file"):
            rest = rest.lstrip("/") if scheme == "relative" else rest
            if scheme == "relative":
                if not self.base_path:
                    return None, f"{path!r} is relative but the project has no basePath"
                return self._external(Path(self.base_path) / rest)
            if re.match(r"^/[A-Za-z]:", rest):  # absolute:///C:/…
                rest = rest[1:]
            return self._external(Path(rest))
        return None, f"unknown path scheme in {path!r}"

    def _external(self, path: Path) -> tuple[str | None, str]:
        if not self.allow_external:
            return None, f"text is in an external file {str(path)!r} (not read; --allow-external-files reads it)"
        try:
            return decode_text(read_input(path, MAX_EXTERNAL_BYTES), str(path)), ""
        except QualcodeError as e:
            return None, f"external file {str(path)!r} cannot be read: {e}"
