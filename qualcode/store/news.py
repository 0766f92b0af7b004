"""What arrived from other processes, in a few words: "bo: 3 codings in da_int02".

The workbench polls ``PRAGMA data_version`` and, when another connection committed, reads the new
events. Their change sets say which tables moved, so it refreshes only what changed, and this
module turns them into one quiet line per coder.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from qualcode.store import events
from qualcode.text.wording import plural

AREAS = {
    "documents": "documents",
    "document_attributes": "documents",
    "attributes": "documents",
    "unit_sets": "documents",
    "document_versions": "documents",
    "codes": "codes",
    "codings": "codings",
    "memos": "memos",
    "project": "project",
    "coders": "coders",
}
QUIET = {events.SUPERVISOR_ACCESS.name, events.PROJECT_BACKUP.name}  # nothing for others to refresh


@dataclass
class News:
    last_id: int = 0
    areas: set[str] = field(default_factory=set)  # documents, codes, codings, memos, project, coders
    lines: list[str] = field(default_factory=list)
    documents: set[int] = field(default_factory=set)  # documents whose codings changed

    def __bool__(self) -> bool:
        return bool(self.areas)


def summarise(rows: list[tuple[Any, ...]], doc_names: dict[int, str], hide_others: str | None = None) -> News:
    """``rows``: (id, coder, action, summary, changes JSON) in order. ``hide_others``: blind coding's
    session coder — others' news only says that something changed, never where."""
    news = News(last_id=max((r[0] for r in rows), default=0))
    per_coder: dict[str, list[str]] = defaultdict(list)
    codings: dict[str, Counter[int]] = defaultdict(Counter)
    for _, coder, action, summary, changes in rows:
        coder = coder or "someone"
        if action in QUIET:
            continue
        kind = events.kind(action)
        touched = set(kind.touches)
        for ch in json.loads(changes) if changes else []:
            area = AREAS.get(ch["t"])
            if area:
                touched.add(area)
            if ch["t"] == "codings":
                row = ch.get("after") or ch.get("before") or {}
                document_id = cast(int, row.get("document_id"))  # a coding row always names its document
                news.documents.add(document_id)
                codings[coder][document_id] += 1
        news.areas |= touched
        if hide_others is not None and coder != hide_others:
            continue
        if kind.touches:
            per_coder[coder].append(summary or action)
        elif touched - {"codings", "coders"}:
            per_coder[coder].append(
                {
                    "codes": "changed the codebook",
                    "memos": "wrote a memo",
                    "documents": "changed documents",
                    "project": "changed a setting",
                }.get(sorted(touched - {"codings", "coders"})[0], action)
            )
    for coder, by_doc in codings.items():
        if hide_others is not None and coder != hide_others:
            continue
        parts = [f"{plural(n, 'coding')} in {doc_names.get(d, 'a removed document')}" for d, n in by_doc.most_common(2)]
        if len(by_doc) > 2:
            parts.append(f"{len(by_doc) - 2} more document(s)")
        per_coder[coder].insert(0, ", ".join(parts))
    news.lines = [f"{coder}: {'; '.join(dict.fromkeys(items))}" for coder, items in per_coder.items()]
    return news
