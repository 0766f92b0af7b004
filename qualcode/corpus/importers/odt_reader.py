"""OpenDocument .odt: paragraphs and headings, separated by a blank line (as for .docx)."""

import io
from pathlib import Path

from qualcode.corpus.importers.base import Extracted
from qualcode.corpus.importers.zipped import check_zip
from qualcode.errors import QualcodeError


def read_odt(path: Path, data: bytes, encoding: str | None) -> Extracted:
    check_zip(path, data, ".odt")
    from odf import teletype
    from odf import text as odftext
    from odf.opendocument import load

    try:
        doc = load(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - odfpy raises anything on a damaged file
        raise QualcodeError(f"{path.name}: not a readable OpenDocument text ({type(e).__name__}: {e})") from None
    blocks = []
    for el in doc.text.childNodes:
        if el.qname[1] in ("p", "h", "list", "section", "table"):
            for p in [el] if el.qname[1] in ("p", "h") else el.getElementsByType(odftext.P):
                t = teletype.extractText(p).strip()
                if t:
                    blocks.append(t)
    if not blocks:
        raise QualcodeError(f"{path.name}: the document has no text")
    return Extracted("\n\n".join(blocks), "odt", None)
