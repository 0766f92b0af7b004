"""Keyword in context: a hit with the words either side, on one line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qualcode.search.results import Hit, KwicLine

if TYPE_CHECKING:
    from qualcode.project import Project


def kwic(project: Project, hits: Iterable[Hit], width: int = 40) -> list[KwicLine]:
    """Keyword-in-context lines: ``width`` characters either side, line breaks shown as spaces."""
    texts: dict[int, str] = {}
    out = []
    for h in hits:
        if h.document_id not in texts:
            texts[h.document_id] = project.db.execute(
                "SELECT text FROM documents WHERE id = ?", [h.document_id]
            ).fetchone()[0]
        t = texts[h.document_id]
        left = t[max(0, h.start - width) : h.start]
        right = t[h.end : h.end + width]
        out.append(
            KwicLine(h.document_id, h.document, h.start, h.end, _flat(left), _flat(t[h.start : h.end]), _flat(right))
        )
    return out


def _flat(s: str) -> str:
    return re.sub(r"\s", " ", s)
