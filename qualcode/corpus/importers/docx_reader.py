"""Word .docx: one stored paragraph per Word paragraph, separated by a blank line.

Blank-line separation makes paragraphs and speaker turns the same units as in .txt transcripts.
Tables are read row by row (cells joined by tabs) because some transcribers put turns in tables.
"""

import io
from pathlib import Path

from qualcode.corpus.importers.base import Extracted
from qualcode.corpus.importers.zipped import check_zip
from qualcode.errors import QualcodeError


def read_docx(path: Path, data: bytes, encoding: str | None) -> Extracted:
    check_zip(path, data, ".docx")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise QualcodeError(f"{path.name}: not a Word document ({e}); save it as .docx and try again") from None
    except Exception as e:  # noqa: BLE001 - lxml XMLSyntaxError and friends: a damaged document part
        raise QualcodeError(f"{path.name}: the document is damaged ({type(e).__name__}: {e})") from None
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text.strip():
                blocks.append(text.strip())
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip())
                    line = "\t".join(c for c in cells if c)
                    if line:
                        blocks.append(line)
    if not blocks:
        raise QualcodeError(f"{path.name}: the document has no text")
    return Extracted("\n\n".join(blocks), "docx", None)
