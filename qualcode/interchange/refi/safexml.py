"""Parse untrusted REFI-QDA XML: any DOCTYPE is refused before a tree is built.

REFI-QDA files never need a DTD, so refusing every DOCTYPE closes XXE (external entities) and
billion-laughs (nested entity expansion) at once. An expat pre-scan stops at the DOCTYPE, or
at the root element when there is none, so nothing is expanded; then lxml builds the tree
(with entities, DTD loading and network off as a second guard) to keep line numbers.
"""

import xml.parsers.expat
from collections.abc import Iterable, Iterator
from typing import Any, cast

from lxml import etree

from qualcode.interchange.refi.errors import RefiError


class _RootReached(Exception):
    pass


def _refuse_doctype(data: bytes, where: str) -> None:
    _DoctypeScan(where).feed(data, final=True)


class _DoctypeScan:
    """Feeds expat until the root element starts; refuses a DOCTYPE or entity seen before it."""

    def __init__(self, where: str) -> None:
        self.where = where

        def on_doctype(name: str, sysid: str | None, pubid: str | None, has_internal_subset: int) -> None:
            raise RefiError(f"{where}: refused: XML with a DOCTYPE ({name!r}) is not accepted (entities/DTD)")

        def on_entity(*args: object) -> None:
            raise RefiError(f"{where}: refused: XML entity declarations are not accepted")

        def on_start(name: str, attrs: object) -> None:
            raise _RootReached

        self.p = xml.parsers.expat.ParserCreate()
        self.p.StartDoctypeDeclHandler = on_doctype
        self.p.EntityDeclHandler = on_entity
        self.p.StartElementHandler = on_start

    def feed(self, data: bytes, final: bool = False) -> bool:
        """True while the root element has not been reached yet (more data wanted)."""
        try:
            self.p.Parse(data, final)
        except _RootReached:
            return False
        except xml.parsers.expat.ExpatError as e:
            raise RefiError(
                f"{self.where}: not well-formed XML at line {e.lineno}, column {e.offset}: "
                f"{xml.parsers.expat.ErrorString(e.code)}"
            ) from None
        return not final


_SAFE: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse_xml(data: bytes, where: str) -> etree._Element:
    """The root element of ``data``; ``where`` names the file/entry in error messages."""
    _refuse_doctype(data, where)
    parser = etree.XMLParser(**_SAFE)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line = e.lineno if e.lineno else "?"
        raise RefiError(f"{where}: not well-formed XML at line {line}: {e.msg}") from None
    if cast(Any, root.getroottree().docinfo).doctype:  # lxml-stubs' DocInfo lacks ``doctype``
        raise RefiError(f"{where}: refused: XML with a DOCTYPE is not accepted")
    return root


def iter_xml(chunks: Iterable[bytes], where: str) -> Iterator[tuple[str, etree._Element]]:
    """("start" | "end", element) events over XML arriving in chunks, with the same refusals as
    ``parse_xml``: the caller processes and clears each finished element, so a document of a
    million elements is never a whole tree in memory."""
    scan: _DoctypeScan | None = _DoctypeScan(where)
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE)
    try:
        for chunk in chunks:
            if scan is not None and not scan.feed(chunk):
                scan = None
            parser.feed(chunk)
            yield from cast(Iterator[tuple[str, etree._Element]], parser.read_events())
        if scan is not None:
            scan.feed(b"", final=True)
        root = parser.close()
        yield from cast(Iterator[tuple[str, etree._Element]], parser.read_events())
    except etree.XMLSyntaxError as e:
        line = e.lineno if e.lineno else "?"
        raise RefiError(f"{where}: not well-formed XML at line {line}: {e.msg}") from None
    if cast(Any, root.getroottree().docinfo).doctype:
        raise RefiError(f"{where}: refused: XML with a DOCTYPE is not accepted")
