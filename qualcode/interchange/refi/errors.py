"""The error raised for any REFI-QDA file we refuse or cannot read."""

from qualcode.errors import QualcodeError


class RefiError(QualcodeError):
    """A .qdpx/.qdc problem; the message names the file or entry, the element/line, and why."""
