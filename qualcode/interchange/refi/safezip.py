"""Read a .qdpx archive without trusting it: no zip slip, no decompression bombs.

Nothing is ever extracted to disk; entries are read through ``SafeZip.read`` or streamed by
``SafeZip.chunks``, which stop as soon as an entry yields more than its declared size or the archive more than the
total cap, because declared sizes in a crafted archive can lie.
"""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qualcode.errors import QualcodeError
from qualcode.files import require_regular_file
from qualcode.interchange.refi.errors import RefiError

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int = 2 * GiB  # uncompressed, whole archive
    max_ratio: float = 200.0  # uncompressed / compressed, per entry …
    ratio_applies_above: int = 1 * MiB  # … for entries larger than this
    max_entries: int = 100_000


def unsafe_entry_reason(name: str) -> str | None:
    """Why an entry name could escape an extraction folder, or None if it is safe."""
    if "\x00" in name:
        return "contains a NUL character"
    unified = name.replace("\\", "/")
    if unified.startswith("/"):
        return "is an absolute path"
    if len(unified) >= 2 and unified[1] == ":":
        return "starts with a drive letter"
    if ".." in PurePosixPath(unified).parts:
        return "contains '..'"
    return None


class SafeZip:
    """A zip opened for checked, in-memory reading. Use as a context manager."""

    def __init__(self, path: str | Path, limits: ZipLimits = ZipLimits()):
        self.path = str(path)
        self.limits = limits
        if Path(path).exists():  # a FIFO would block zipfile's open() forever
            try:
                require_regular_file(Path(path))
            except QualcodeError as e:
                raise RefiError(str(e)) from None
        try:
            self._zf = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise RefiError(f"{self.path}: file not found") from None
        except (zipfile.BadZipFile, OSError) as e:
            raise RefiError(f"{self.path}: not a valid .qdpx (zip) archive: {e}") from None
        try:
            self._check()
        except RefiError:
            self._zf.close()
            raise
        self._read_total = 0
        self._names = [i.filename for i in self._zf.infolist() if not i.is_dir()]
        self._folded = {n.replace("\\", "/").casefold(): n for n in reversed(self._names)}

    def _check(self) -> None:
        infos = self._zf.infolist()
        if len(infos) > self.limits.max_entries:
            raise RefiError(f"{self.path}: refused: {len(infos)} entries (limit {self.limits.max_entries})")
        total = 0
        for info in infos:
            reason = unsafe_entry_reason(info.filename)
            if reason:
                raise RefiError(f"{self.path}: refused: entry {info.filename!r} {reason} (zip slip)")
            total += info.file_size
            if total > self.limits.max_total_bytes:
                raise RefiError(
                    f"{self.path}: refused: entry {info.filename!r} brings the uncompressed size past "
                    f"{self.limits.max_total_bytes} bytes (possible decompression bomb)"
                )
            if info.file_size > self.limits.ratio_applies_above:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > self.limits.max_ratio:
                    raise RefiError(
                        f"{self.path}: refused: entry {info.filename!r} expands {ratio:.0f}:1 "
                        f"(limit {self.limits.max_ratio:.0f}:1; possible decompression bomb)"
                    )

    def names(self) -> list[str]:
        return list(self._names)

    def find(self, name: str) -> str | None:
        """The stored entry name matching ``name`` exactly, else case-insensitively, else None."""
        if name in self._zf.NameToInfo and not name.endswith("/"):
            return name
        return self._folded.get(name.replace("\\", "/").casefold())

    def read(self, name: str) -> bytes:
        """The entry's bytes, refused if it inflates past its declared size or the total cap."""
        return b"".join(self.chunks(name))

    def chunks(self, name: str) -> Iterator[bytes]:
        """The entry a mebibyte at a time, with the same refusals as ``read``: what a streaming
        parser reads, so a large project.qde is never whole in memory."""
        info = self._zf.getinfo(name)
        budget = self.limits.max_total_bytes - self._read_total
        allowed = min(info.file_size, budget)
        got = 0
        try:
            with self._zf.open(info) as fh:
                while True:
                    chunk = fh.read(min(1 * MiB, allowed - got + 1))
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > allowed:
                        raise RefiError(
                            f"{self.path}: refused: entry {name!r} inflates past "
                            f"{allowed} bytes (declared {info.file_size}; possible decompression bomb)"
                        )
                    self._read_total += len(chunk)
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise RefiError(f"{self.path}: entry {name!r} is damaged: {e}") from None

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> "SafeZip":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
