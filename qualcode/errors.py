"""The one exception type for user errors.

Front ends print ``str(error)`` as a single line and exit 1; anything else is a bug and may
show a traceback. Messages name the file, line or element and say what to do.
"""


class QualcodeError(Exception):
    """A problem with the user's input or request, explained in one line."""
