"""PDF text layer via pypdf; pages are separated by a blank line.

A scanned PDF has no text layer: we say so rather than import an empty document, since OCR
quality is a research decision the user should make knowingly.
"""

import io
import logging
from pathlib import Path

from qualcode.corpus.importers.base import Extracted
from qualcode.errors import QualcodeError


def read_pdf(path: Path, data: bytes, encoding: str | None) -> Extracted:
    if not data:
        raise QualcodeError(f"{path.name}: the file is empty; nothing to import")
    if not data.lstrip()[:5] == b"%PDF-":
        raise QualcodeError(f"{path.name}: not a PDF file (no %PDF header)")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise QualcodeError(f"{path.name}: the PDF is encrypted; remove the password and try again")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except QualcodeError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise QualcodeError(f"{path.name}: the PDF is damaged or truncated ({e})") from None
    pages = [p for p in pages if p]
    if not pages:
        raise QualcodeError(f"{path.name}: the PDF has no text layer (a scan?); run OCR on it first")
    return Extracted("\n\n".join(pages), "pdf", None)
