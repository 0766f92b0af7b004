"""What a search returns: hits (document and code-point span) and keyword-in-context lines."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Hit:
    document_id: int
    document: str
    start: int
    end: int
    form: str = ""  # the indexed form(s) that matched, lower-cased
    score: float = 100.0  # fuzzy similarity (100 for exact, lemma and regex)


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[Hit]
    documents_searched: int
    forms: dict[str, float] = field(default_factory=dict)  # matched forms and their scores

    def __len__(self) -> int:
        return len(self.hits)


@dataclass(frozen=True, slots=True)
class KwicLine:
    document_id: int
    document: str
    start: int
    end: int
    left: str
    match: str
    right: str

    def plain(self, width: int) -> str:
        return f"{self.left:>{width}} [{self.match}] {self.right:<{width}}"
