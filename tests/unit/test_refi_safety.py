"""Untrusted .qdpx/.qdc input: each attack is refused with a message naming the entry and reason."""

import os
import struct
import zipfile
from pathlib import Path

import pytest

from qualcode.interchange.refi import RefiError, ZipLimits, read_project_xml, read_qdc, read_qdpx

QDE = b'<?xml version="1.0"?><Project name="x" xmlns="urn:QDA-XML:project:1.0"/>'

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project name="&xxe;" xmlns="urn:QDA-XML:project:1.0"/>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project name="&lol9;" xmlns="urn:QDA-XML:project:1.0"/>"""


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize(
    "entry, reason",
    [
        ("../../evil.txt", "contains '..'"),
        ("sources/../../evil.txt", "contains '..'"),
        ("/etc/cron.d/evil", "is an absolute path"),
        ("C:/Windows/evil.dll", "starts with a drive letter"),
        ("..\\evil.txt", "contains '..'"),
    ],
)
def test_zip_slip_entries_are_refused(tmp_path, entry, reason):
    path = make_zip(tmp_path / "slip.qdpx", {"project.qde": QDE, entry: b"x"})
    with pytest.raises(RefiError) as err:
        read_qdpx(path)
    assert str(err.value) == f"{path}: refused: entry {entry!r} {reason} (zip slip)"


def test_entry_with_a_bomb_ratio_is_refused(tmp_path):
    path = make_zip(tmp_path / "bomb.qdpx", {"project.qde": QDE, "sources/zeros.txt": b"0" * (3 * 1024 * 1024)})
    with pytest.raises(
        RefiError,
        match=r"refused: entry 'sources/zeros\.txt' expands \d+:1 \(limit 200:1; "
        r"possible decompression bomb\)",
    ):
        read_qdpx(path)


def test_entry_expanding_past_the_total_cap_is_refused(tmp_path):
    path = make_zip(tmp_path / "big.qdpx", {"project.qde": QDE, "sources/big.txt": os.urandom(300_000)})
    limits = ZipLimits(max_total_bytes=200_000)
    with pytest.raises(
        RefiError,
        match=r"refused: entry 'sources/big\.txt' brings the uncompressed size past "
        r"200000 bytes \(possible decompression bomb\)",
    ):
        read_qdpx(path, limits=limits)


def test_entry_lying_about_its_size_is_stopped_while_reading(tmp_path):
    """A crafted header declares 10 bytes; the stream holds 200 000. Reading must not trust it."""
    path = make_zip(tmp_path / "liar.qdpx", {"project.qde": b"<Project name='x'>" + b" " * 200_000 + b"</Project>"})
    data = bytearray(path.read_bytes())
    # patch the uncompressed size in the local header (offset 22) and the central directory (offset 24)
    struct.pack_into("<I", data, 22, 10)
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 10)
    path.write_bytes(bytes(data))
    with pytest.raises(
        RefiError,
        match=r"liar\.qdpx: (refused: entry 'project\.qde' inflates past 10 bytes|"
        r"entry 'project\.qde' is damaged)",
    ):
        read_qdpx(path)


def test_too_many_entries_are_refused(tmp_path):
    path = make_zip(tmp_path / "many.qdpx", {"project.qde": QDE, **{f"sources/{i}.txt": b"" for i in range(5)}})
    with pytest.raises(RefiError, match=r"refused: 6 entries \(limit 3\)"):
        read_qdpx(path, limits=ZipLimits(max_entries=3))


def test_xxe_project_is_refused(tmp_path):
    path = make_zip(tmp_path / "xxe.qdpx", {"project.qde": XXE})
    with pytest.raises(RefiError) as err:
        read_qdpx(path)
    assert str(err.value) == (
        f"{path}!project.qde: refused: XML with a DOCTYPE ('Project') is not accepted (entities/DTD)"
    )


def test_billion_laughs_project_is_refused(tmp_path):
    path = make_zip(tmp_path / "lol.qdpx", {"project.qde": LAUGHS})
    with pytest.raises(RefiError, match=r"lol\.qdpx!project\.qde: refused: XML with a DOCTYPE \('lolz'\)"):
        read_qdpx(path)


def test_doctype_refused_in_codebooks_and_bare_project_xml(tmp_path):
    qdc = tmp_path / "evil.qdc"
    qdc.write_bytes(LAUGHS.replace(b"Project", b"CodeBook"))
    with pytest.raises(RefiError, match=r"evil\.qdc: refused: XML with a DOCTYPE"):
        read_qdc(qdc)
    with pytest.raises(RefiError, match=r"project\.qde: refused: XML with a DOCTYPE"):
        read_project_xml(XXE)


def test_doctype_in_utf16_is_refused_too():
    with pytest.raises(RefiError, match="refused: XML with a DOCTYPE"):
        read_project_xml(XXE.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16"))


def test_oversized_qdc_is_refused(tmp_path):
    qdc = tmp_path / "huge.qdc"
    qdc.write_bytes(b"<CodeBook>" + b" " * 2000 + b"</CodeBook>")
    with pytest.raises(RefiError, match=r"huge\.qdc: 2,021 bytes is too large to be a codebook \(limit 1,000 bytes\)"):
        read_qdc(qdc, max_bytes=1000)


def test_doctype_split_across_streamed_chunks_is_refused():
    """The project.qde is parsed as it streams out of the archive: a DOCTYPE cut across chunk
    boundaries is refused all the same, before anything is expanded."""
    from qualcode.interchange.refi.safexml import iter_xml

    for size in (1, 7, 64):
        chunks = [LAUGHS[k : k + size] for k in range(0, len(LAUGHS), size)]
        with pytest.raises(RefiError, match=r"refused: XML with a DOCTYPE \('lolz'\)"):
            list(iter_xml(chunks, "lol.qde"))
