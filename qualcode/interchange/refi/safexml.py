"""Parse untrusted REFI-QDA XML: any DOCTYPE is refused before a tree is built.

REFI-QDA files never need a DTD, so refusing every DOCTYPE closes XXE (external entities) and
billion-laughs (nested entity expansion) at once. An expat pre-scan stops at the DOCTYPE, or
at the root element when there is none, so nothing is expanded; then lxml builds the tree
(with entities, DTD loading and network off as a second guard) to keep line numbers.
"""

import xml.parsers.expat
from typing import Any, cast

from lxml import etree

from qualcode.interchange.refi.errors import RefiError


class _RootReached(Exception):
    pass


def _refuse_doctype(data: bytes, where: str) -> None:
    def on_doctype(name: str, sysid: str | None, pubid: str | None, has_internal_subset: int) -> None:
        raise RefiError(f"{where}: refused: XML with a DOCTYPE ({name!r}) is not accepted (entities/DTD)")

    def on_entity(*args: object) -> None:
        raise RefiError(f"{where}: refused: XML entity declarations are not accepted")

    def on_start(name: str, attrs: object) -> None:
        raise _RootReached

    p = xml.parsers.expat.ParserCreate()
    p.StartDoctypeDeclHandler = on_doctype
    p.EntityDeclHandler = on_entity
    p.StartElementHandler = on_start
    try:
        p.Parse(data, True)
    except _RootReached:
        return
    except xml.parsers.expat.ExpatError as e:
        raise RefiError(
            f"{where}: not well-formed XML at line {e.lineno}, column {e.offset}: "
            f"{xml.parsers.expat.ErrorString(e.code)}"
        ) from None


def parse_xml(data: bytes, where: str) -> etree._Element:
    """The root element of ``data``; ``where`` names the file/entry in error messages."""
    _refuse_doctype(data, where)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line = e.lineno if e.lineno else "?"
        raise RefiError(f"{where}: not well-formed XML at line {line}: {e.msg}") from None
    if cast(Any, root.getroottree().docinfo).doctype:  # lxml-stubs' DocInfo lacks ``doctype``
        raise RefiError(f"{where}: refused: XML with a DOCTYPE is not accepted")
    return root
