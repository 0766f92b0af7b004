"""REFI-QDA exchange: .qdpx projects and .qdc codebooks ↔ a plain in-memory model.

Pure library: no database, no Textual/click. ``read_qdpx`` returns a Project and an
ImportReport (what was skipped and why); ``write_qdpx``/``write_qdc`` produce deterministic,
schema-valid files. Untrusted input is refused with a RefiError (zip slip, bombs, DOCTYPE).
"""

from qualcode.interchange.refi.codebook import read_qdc, read_qdc_bytes
from qualcode.interchange.refi.errors import RefiError
from qualcode.interchange.refi.model import (
    Case,
    Code,
    Coding,
    ImportReport,
    Note,
    NoteTarget,
    Project,
    Skipped,
    TextSource,
    User,
    Variable,
)
from qualcode.interchange.refi.reader import read_project_xml, read_qdpx
from qualcode.interchange.refi.safezip import ZipLimits
from qualcode.interchange.refi.writer import codebook_xml, project_xml, write_qdc, write_qdpx

__all__ = [
    "Case",
    "Code",
    "Coding",
    "ImportReport",
    "Note",
    "NoteTarget",
    "Project",
    "RefiError",
    "Skipped",
    "TextSource",
    "User",
    "Variable",
    "ZipLimits",
    "codebook_xml",
    "project_xml",
    "read_project_xml",
    "read_qdc",
    "read_qdc_bytes",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]
