"""Names people give things — codes, coders, attributes, documents, pseudonyms — checked once.

A name is shown in tables, file names, SPSS labels and other tools. A line break splits a CSV row
or a log line; a right-to-left override (U+202E) makes "Stigma" display as something else; an
invisible character makes two names that look the same differ. Such names are refused with the
character named by its code point, never rendered.
"""

from __future__ import annotations

import unicodedata

from qualcode.errors import QualcodeError

MAX_NAME = 200
# Control, format (direction overrides, zero-width), line/paragraph separators, private use,
# surrogates and unassigned code points.
_REFUSED = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, or None."""
    if not value.strip():
        return "is empty"
    for ch in value:
        if unicodedata.category(ch) in _REFUSED:
            what = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}.get(ch) or unicodedata.name(
                ch, "an invisible or control character"
            ).lower()
            return f"contains {what} (U+{ord(ch):04X}); names may not hold control, direction or invisible characters"
    if len(value) > MAX_NAME:
        return f"is {len(value)} characters long (at most {MAX_NAME})"
    return None


def visible(value: str, limit: int = 60) -> str:
    """A name as it can be shown safely: refused characters as ``\\uXXXX``, cut at ``limit``."""
    shown = "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _REFUSED else ch for ch in value)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def check_name(value: str | None, what: str) -> str:
    """The name, NFC-normalised and stripped, or a QualcodeError saying what is wrong (``what``: "code name")."""
    v = unicodedata.normalize("NFC", value or "").strip()
    why = problem(v)
    if why:
        raise QualcodeError(f"{what} '{visible(v)}' {why}" if v.strip() else f"{what} {why}")
    return v


# Name columns of the tables the change log writes, checked on every insert and update as a last
# line of defence (importers check first, so their messages can name the file and line).
NAME_COLUMNS = {
    "coders": ("name",),
    "codes": ("name",),
    "attributes": ("name",),
    "documents": ("name",),
    "pseudonyms": ("original", "pseudonym"),
}
