"""Finding the names on the list in a text: every variant, and nothing that is only a word.

Matching works on word tokens (``\\w+``), so "Bo" never matches inside "Boligen". A token stands for
an entry word if it is the same word in any capitalisation ("Mette", "METTE"), the same word with a
genitive "s" ("Mettes" → "Sannes"), or — for words of at least ``min_fuzzy_length`` letters — a
spelling variant whose rapidfuzz ratio reaches ``threshold`` ("Mete" for "Mette") unless it is a
word of the language ("Hele", whole, is not a misspelt "Helle"). A token written
in lower case stands for a capitalised name only where the document's language has no such word
(``qualcode.text.lexicon``): "mette" is replaced, the Danish verb "bo" is not taken for "Bo".

A multi-word entry matches as a whole on consecutive tokens, and each capitalised part of it also
on its own: "Mette Hansen" → "Sanne Holm" replaces "Mette" with "Sanne" and "Hansen" with "Holm"
(first part with first, last with last, a middle part with the pseudonym's middle word if it has
one, else its first). An entry of its own for a part takes precedence; two entries that would give
one part different pseudonyms are reported (``conflicts``), the first one in the list winning.
Longer rules win over shorter ones; matches never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from qualcode.revision.pseudonyms.entries import Pseudonym

    Entry = Pseudonym | Sequence[str]  # a list entry, or an (original, pseudonym) pair

DEFAULT_THRESHOLD = 85.0
_WORD = re.compile(r"\w+")
_JOIN = re.compile(r"[ \t\-‐–]+")  # what may stand between the words of a multi-word entry


@dataclass(frozen=True)
class Rule:
    words: tuple[str, ...]  # the words to find (an entry, or one part of a multi-word entry)
    replacement: str
    original: str  # the list entry it comes from
    part: bool = False


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    found: str
    replacement: str
    original: str  # the list entry
    how: str  # exact | inflected | fuzzy | lower case
    score: float


def _pairs(entries: Iterable[Any]) -> list[tuple[str, str]]:  # Pseudonyms or pairs (duck typed)
    return [(e.original, e.pseudonym) if hasattr(e, "original") else (e[0], e[1]) for e in entries]


def rules(entries: Iterable[Entry]) -> tuple[list[Rule], list[str]]:
    """The rules for a list of entries (``Pseudonym`` objects or (original, pseudonym) pairs), and the
    parts two entries would replace differently."""
    pairs = _pairs(entries)
    out = [Rule(tuple(_WORD.findall(o)), p, o) for o, p in pairs if _WORD.search(o)]
    explicit = {r.words[0].casefold() for r in out if len(r.words) == 1}
    derived: dict[str, Rule] = {}
    conflicts: list[str] = []
    for o, p in pairs:
        ow, pw = _WORD.findall(o), _WORD.findall(p)
        if len(ow) < 2 or not pw:
            continue
        for i, w in enumerate(ow):
            if len(w) < 2 or not w[:1].isupper() or w.casefold() in explicit:
                continue
            rep = pw[-1] if i == len(ow) - 1 else (pw[i] if i < len(pw) - 1 else pw[0])
            have = derived.get(w.casefold())
            if have is None:
                derived[w.casefold()] = Rule((w,), rep, o, part=True)
            elif have.replacement != rep:
                conflicts.append(
                    f"'{w}' is part of '{have.original}' ({have.replacement}) and of '{o}' ({rep}); "
                    f"add '{w}' on its own to choose"
                )
    return out + list(derived.values()), conflicts


def _case_like(found: str, replacement: str) -> str:
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found.islower():
        return replacement.lower()
    return replacement


class WordTest:
    """Whether one token stands for one entry word, with the lexicon of the text's language."""

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, min_fuzzy_length: int = 4, lexicon: frozenset[str] | None = None
    ) -> None:
        self.threshold, self.min_fuzzy_length, self.lexicon = threshold, min_fuzzy_length, lexicon

    def __call__(self, tok: str, want: str) -> tuple[str, float, str] | None:
        """(how, score, suffix kept) if ``tok`` stands for ``want``, else None."""
        from rapidfuzz import fuzz

        t, w = tok.casefold(), want.casefold()
        lower = want[:1].isupper() and not tok[:1].isupper()
        if lower and (self.lexicon is None or t in self.lexicon or (t.endswith("s") and t[:-1] in self.lexicon)):
            return None
        how = "lower case" if lower else "exact"
        if t == w:
            return how, 100.0, ""
        if t == w + "s":
            return ("lower case" if lower else "inflected"), 100.0, tok[-1]
        if t in (self.lexicon or ()) or (t.endswith("s") and t[:-1] in (self.lexicon or ())):
            return None  # a word of the language ("Hele" at a sentence start) is no misspelt "Helle"
        if len(w) >= self.min_fuzzy_length and self.threshold < 100 and abs(len(t) - len(w)) <= 3:
            score = fuzz.ratio(t, w)
            if score >= self.threshold:
                return "fuzzy", score, ""
            if t.endswith("s") and fuzz.ratio(t[:-1], w) >= self.threshold:
                return "fuzzy", fuzz.ratio(t[:-1], w), tok[-1]
        return None


def find_matches(
    text: str,
    entries: Iterable[Entry | Rule],
    threshold: float = DEFAULT_THRESHOLD,
    min_fuzzy_length: int = 4,
    lexicon: frozenset[str] | None = None,
) -> list[Match]:
    """Non-overlapping matches of the entries (or ready ``Rule`` objects) in a text, in text order.

    ``lexicon``: the lower-case words of the text's language; without it, lower-case tokens never
    stand for a capitalised name.
    """
    entries = list(entries)
    prepared = (  # all entries or all rules
        cast(list[Rule], entries)
        if entries and isinstance(entries[0], Rule)
        else rules(cast("list[Entry]", entries))[0]
    )
    prepared = sorted(prepared, key=lambda r: (-len(r.words), r.part))
    test = WordTest(threshold, min_fuzzy_length, lexicon)
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    folded = [w[2].casefold() for w in words]
    taken = [False] * len(words)
    out: list[Match] = []
    for rule in prepared:
        n = len(rule.words)
        first = rule.words[0].casefold()
        for i in range(len(words) - n + 1):
            if taken[i] or (abs(len(folded[i]) - len(first)) > 3 and not folded[i].startswith(first)):
                continue
            if any(taken[i : i + n]):
                continue
            got = []
            for k in range(n):
                if k and not _JOIN.fullmatch(text[words[i + k - 1][1] : words[i + k][0]]):
                    break
                m = test(words[i + k][2], rule.words[k])
                if m is None:
                    break
                got.append(m)
            if len(got) < n:
                continue
            s, e = words[i][0], words[i + n - 1][1]
            found = text[s:e]
            replacement = _case_like(found, rule.replacement + got[-1][2])
            hows = {g[0] for g in got}
            how = next(h for h in ("fuzzy", "lower case", "inflected", "exact") if h in hows)
            out.append(Match(s, e, found, replacement, rule.original, how, min(g[1] for g in got)))
            for k in range(i, i + n):
                taken[k] = True
    return sorted(out, key=lambda m: m.start)


def pseudonymise_text(
    text: str, entries: Iterable[Entry], threshold: float = DEFAULT_THRESHOLD, lexicon: frozenset[str] | None = None
) -> tuple[str, list[Match]]:
    matches = find_matches(text, entries, threshold, lexicon=lexicon)
    parts, a = [], 0
    for m in matches:
        parts += [text[a : m.start], m.replacement]
        a = m.end
    parts.append(text[a:])
    return "".join(parts), matches
