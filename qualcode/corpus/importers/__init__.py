"""Readers that turn a file into text (and, for subtitles, timed speaker turns).

One module per format, named by file extension in ``registry``. A reader only extracts; decoding rules,
normalisation, segmentation and storage are shared and live elsewhere.
"""

from qualcode.corpus.importers.base import Extracted
from qualcode.corpus.importers.registry import extensions, read_file

__all__ = ["Extracted", "extensions", "read_file"]
