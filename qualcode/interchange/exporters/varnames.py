"""Variable names for SPSS and Stata from code paths and column titles.

Rules (the intersection of what Stata and SPSS accept, so one name works in both, and in R and
pandas): lower-case ASCII letters, digits and ``_``; starts with a letter; at most
:data:`NAME_LENGTH` = 28 characters; does not end with ``_``; not a reserved word of either
program. Stata allows 32 characters (SPSS 64 bytes), but pyreadstat names a Stata value-label
set after its variable plus a counter ("coded0", "coded17"…) and Stata caps *those* names at 32
too, so we keep 4 characters in hand: the same names then work in .dta with value labels, .sav,
and the data dictionary. Danish letters are transliterated as Danes write them without (æ→ae,
ø→o, å→aa); every other script by ``anyascii`` (é→e, Помощь→pomoshch, 帮助→bangzhu), so a
codebook in any language gets readable names rather than ``v``, ``v_2``, ``v_3``. Names are
unique case-insensitively (SPSS ignores case);
collisions get ``_2``, ``_3``… in the order the names are given, so the same codebook in the
same order always yields the same names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "MAX_LENGTH",
    "NAME_LENGTH",
    "RESERVED",
    "is_valid_varname",
    "make_varnames",
    "to_varname",
]

MAX_LENGTH = 32  # what Stata and SPSS accept
NAME_LENGTH = 28  # what we generate (see the module docstring)

_STATA_RESERVED = {
    "_all",
    "_b",
    "byte",
    "_coef",
    "_cons",
    "double",
    "float",
    "if",
    "in",
    "int",
    "long",
    "_n",
    "_pi",
    "_pred",
    "_rc",
    "_se",
    "_skip",
    "strl",
    "using",
    "with",
}
_SPSS_RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
RESERVED = frozenset(_STATA_RESERVED | _SPSS_RESERVED)

_TRANSLIT = str.maketrans(
    {
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "å": "aa",
        "Å": "AA",
        "ä": "ae",
        "Ä": "AE",
        "ö": "o",
        "Ö": "O",
        "ü": "u",
        "Ü": "U",
        "ß": "ss",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ł": "l",
        "Ł": "L",
        "œ": "oe",
        "Œ": "OE",
    }
)
_VALID = re.compile(r"[a-z][a-z0-9_]{0,31}")


def is_valid_varname(name: str) -> bool:
    """True if ``name`` follows the rules above."""
    return (
        bool(_VALID.fullmatch(name))
        and not name.endswith("_")
        and name not in RESERVED
        and not re.fullmatch(r"str\d+", name)
    )


def _fit(name: str, limit: int) -> str:
    return name[:limit].rstrip("_")


def to_varname(text: str, *, prefix: str = "v", max_length: int = NAME_LENGTH) -> str:
    """One name, not de-duplicated.

    ``"Barrierer/Dårlig samarbejde"`` → ``barrierer_daarlig_samarbejde``.
    """
    from anyascii import anyascii

    s = anyascii(unicodedata.normalize("NFC", text).translate(_TRANSLIT)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    if not s:
        s = prefix
    elif not s[0].isalpha():
        s = f"{prefix}_{s}"
    s = _fit(s, max_length)
    if s in RESERVED or re.fullmatch(r"str\d+", s):
        s = _fit(f"{prefix}_{s}", max_length)
    return s


def make_varnames(
    texts: Iterable[str], *, prefix: str = "v", taken: Iterable[str] = (), max_length: int = NAME_LENGTH
) -> list[str]:
    """Unique names for ``texts`` in order; ``taken`` are names already in use.

    A longer ``max_length`` gives safe file-name stems from the same rules."""
    used = {t.lower() for t in taken}
    out = []
    for text in texts:
        base = to_varname(text, prefix=prefix, max_length=max_length)
        name, n = base, 1
        while name in used:
            n += 1
            suffix = f"_{n}"
            name = _fit(base, max_length - len(suffix)) + suffix
        used.add(name)
        out.append(name)
    return out
