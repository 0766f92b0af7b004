"""Small pieces of user-facing wording: a count and the word that agrees with it.

Messages say "1 coding" and "3 codings", never "1 codings"; and "an integer", not "a integer".
"""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun agreeing with it: "1 coding", "0 codings", "2 codings" (``many``: an
    irregular plural, "1 memo", "2 analyses")."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def counted(n: int, kinds: str) -> str:
    """:func:`plural` from the plural a tally is kept under ("codings", "attribute values")."""
    return f"{n} {kinds[:-1] if n == 1 and kinds.endswith('s') else kinds}"


def article(word: str) -> str:
    """ "a" or "an" before ``word`` by its first letter ("an integer", "a date")."""
    return "an" if word[:1].lower() in "aeiou" else "a"
