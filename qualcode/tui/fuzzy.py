"""Fuzzy ranking of codes for the picker: by path first, then by definition.

Typing "stig" must put Barriers/Stigma first; typing a word of a definition ("pharmacy") finds
codes whose definitions mention it.
"""

from __future__ import annotations

from rapidfuzz import fuzz

THRESHOLD = 72


def rank_codes(query: str, codes: list, limit: int = 50) -> list:
    """Codes matching ``query``, best first; an empty query keeps tree order."""
    q = query.strip().casefold()
    if not q:
        return codes[:limit]
    scored = []
    for order, c in enumerate(codes):
        path = c.path.casefold()
        score = fuzz.partial_ratio(q, path)
        if any(part.startswith(q) for part in path.split("/")):
            score += 20
        elif q in path:
            score += 10
        if len(q) >= 3:
            text = " ".join(x for x in (c.description, c.inclusion, c.example) if x).casefold()
            if text:
                score = max(score, 0.8 * fuzz.partial_ratio(q, text))
        if score >= THRESHOLD:
            scored.append((-score, order, c))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [c for _, _, c in scored[:limit]]
