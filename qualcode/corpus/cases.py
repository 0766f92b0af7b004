"""Cases: documents as the rows of a sheet — name, kind, language, typed attributes, codings —
and the one small language that sorts and filters them (the workbench's case sheet and document list).

A filter is words separated by spaces, all of which must hold:

- ``site=Vesterbro`` (``site=Vesterbro,Nordvest`` for either, ``site!=Vesterbro`` to exclude):
  equal, case-insensitively, a typed value answering to its spellings (``yes``/``ja``/``true``);
- ``age>30``, ``age<=45``, ``date>=2021-03-01``: compared as the attribute's type (numbers as
  numbers, dates as dates, text alphabetically);
- ``role~work``: the value contains the text;
- ``coded:me`` (you have coded it), ``not:me`` (you have not yet), ``coded:none`` (nobody has),
  ``coded:any`` (somebody has);
- any other word: some cell of the row (name, kind, language, an attribute) contains it.

A value with spaces is quoted (``role="social worker"``) or simply continues (``role=social
worker``): words after a condition with ``=``, ``!=`` or ``~`` belong to its value. Fields are
``name``, ``kind``, ``language``, ``mine`` (your codings), ``codings`` (everyone's) and the
attributes; a name the project does not have is an error that lists them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from qualcode.corpus.attributes import attribute_types, document_attributes, shown
from qualcode.corpus.filters import Condition
from qualcode.errors import QualcodeError
from qualcode.text.wording import article

if TYPE_CHECKING:
    from qualcode.project import Project

Doc = Mapping[str, Any]
Attrs = Mapping[int, Mapping[str, Any]]
FIXED = {"name": "text", "kind": "text", "language": "text"}
COUNTS = {"mine": "integer", "codings": "integer"}
FLAGS = ("coded:me", "not:me", "coded:none", "coded:any")
_OP = re.compile(r"^(?P<field>[^=!<>~:]+?)\s*(?P<op>!=|>=|<=|=|>|<|~)(?P<value>.*)$")


@dataclass
class Cases:
    """The sheet: documents (dicts with id, name, kind, language, codings — everyone's, or only
    yours while blind — and mine), their attributes, and the attributes' types in column order."""

    documents: list[dict[str, Any]]
    attributes: dict[int, dict[str, Any]]
    types: dict[str, str]

    @property
    def mine(self) -> dict[int, int]:
        return {d["id"]: d["mine"] for d in self.documents}

    @property
    def fields(self) -> dict[str, str]:
        return case_fields(self.types)


def read_cases(project: Project) -> Cases:
    """Every document with its attributes and codings (the session coder's and everyone's visible)."""
    me = project.visible_coder()
    coder = project.coder
    mine_sql = "(SELECT COUNT(*) FROM codings c WHERE c.document_id = d.id AND c.coder_id = k.id)"
    all_sql = (
        "(SELECT COUNT(*) FROM codings c WHERE c.document_id = d.id)"
        if me is None
        else mine_sql  # blind coding: only your own codings exist for you
    )
    rows = project.db.execute(
        f"SELECT d.id, d.name, d.kind, d.language, {all_sql}, COALESCE({mine_sql}, 0) "
        "FROM documents d LEFT JOIN (SELECT id FROM coders WHERE name = ?) k ORDER BY d.sort_order, d.name",
        [coder],
    ).fetchall()
    docs = [dict(zip(("id", "name", "kind", "language", "codings", "mine"), r)) for r in rows]
    return Cases(docs, document_attributes(project), attribute_types(project))


def case_fields(types: Mapping[str, str]) -> dict[str, str]:
    """Every field a filter or sort can name, with its type: name, kind, language, the attributes,
    mine and codings."""
    return {**FIXED, **{k: v for k, v in types.items() if k not in FIXED and k not in COUNTS}, **COUNTS}


def value_of(field: str, doc: Doc, attrs: Attrs, mine: Mapping[int, int]) -> Any:
    """One cell: a document's value of ``field`` (None where an attribute is missing)."""
    if field in FIXED:
        return doc.get(field)
    if field == "mine":
        return mine.get(doc["id"], 0)
    if field == "codings":
        return doc.get("codings", 0)
    return attrs.get(doc["id"], {}).get(field)


# ---------------------------------------------------------------------- filtering
@dataclass(frozen=True)
class Term:
    """One condition of a filter: ``field op value``, a flag (``coded:me``) or free text."""

    kind: str  # "equal" | "compare" | "contains" | "flag" | "text"
    field: str = ""
    op: str = ""
    value: Any = None
    condition: Condition | None = None

    def matches(self, doc: Doc, attrs: Attrs, mine: Mapping[int, int], fields: Sequence[str]) -> bool:
        if self.kind == "flag":
            n_mine, n_all = mine.get(doc["id"], 0), doc.get("codings", 0)
            flags = {"coded:me": n_mine > 0, "not:me": n_mine == 0, "coded:none": n_all == 0, "coded:any": n_all > 0}
            return bool(flags[self.value])
        if self.kind == "text":
            return any(self.value in shown(value_of(f, doc, attrs, mine)).casefold() for f in fields if f not in COUNTS)
        value = value_of(self.field, doc, attrs, mine)
        if self.kind == "equal":
            assert self.condition is not None  # made with it
            if isinstance(value, str):  # the common case, without the typed spellings (10,000 rows add up)
                return (value.casefold() in self.condition.values) != self.condition.negate
            return self.condition.matches(value)
        if self.kind == "contains":
            return value is not None and self.value in shown(value).casefold()
        if value is None:
            return False
        key = _comparable(value)
        return bool(
            {
                ">": key > self.value,
                "<": key < self.value,
                ">=": key >= self.value,
                "<=": key <= self.value,
            }[self.op]
        )


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return value.casefold()
    return value


@dataclass(frozen=True)
class CaseFilter:
    """A parsed filter: ``text`` as typed, its terms (empty: everything)."""

    text: str = ""
    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def apply(self, docs: Sequence[Doc], attrs: Attrs, mine: Mapping[int, int], fields: Sequence[str]) -> list[Doc]:
        """The documents every term holds for, in their order."""
        if not self.terms:
            return list(docs)
        return [d for d in docs if all(t.matches(d, attrs, mine, fields) for t in self.terms)]


def _typed_bound(field: str, typ: str, raw: str, op: str) -> Any:
    raw = raw.strip()
    try:
        if typ in ("integer", "float"):
            return float(raw.replace(",", "."))
        if typ == "date":
            return date.fromisoformat(raw).isoformat()
        if typ == "boolean":
            low = raw.lower()
            if low in {"true", "yes", "ja", "y", "1"}:
                return 1
            if low in {"false", "no", "nej", "n", "0"}:
                return 0
            raise ValueError(raw)
    except ValueError:
        what = {"integer": "a number", "float": "a number", "date": "a date (YYYY-MM-DD)", "boolean": "yes or no"}[typ]
        kind = f"{article(typ)} {typ} attribute"
        raise QualcodeError(f"{field}{op}{raw}: {field} is {kind}, compare it with {what}") from None
    return raw.casefold()


def parse_case_filter(text: str, fields: Mapping[str, str]) -> CaseFilter:
    """``"site=Vesterbro age>30 coded:me"`` → a filter over ``fields`` (name → type, see
    :func:`case_fields`); a field the project lacks, or a value its type cannot take, is an error."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise QualcodeError(f"{text!r}: a quote is not closed") from None
    known = {k.casefold(): k for k in fields}
    terms: list[Term] = []
    open_value: list[str] | None = None  # the words of the last =, != or ~ condition's value
    raw_terms: list[tuple[str, str, list[str]] | str] = []
    for word in words:
        m = _OP.match(word)
        low = word.casefold()
        if low in FLAGS:
            raw_terms.append(low)
            open_value = None
        elif m and m.group("field").strip().casefold() in known:
            parts = [m.group("value")]
            raw_terms.append((known[m.group("field").strip().casefold()], m.group("op"), parts))
            open_value = parts if m.group("op") in ("=", "!=", "~") else None
        elif m and not word.startswith(("=", "<", ">", "~", "!")):
            raise QualcodeError(
                f"{word!r}: no field '{m.group('field').strip()}'; fields: {', '.join(fields)} (and {', '.join(FLAGS)})"
            )
        elif ":" in word and not m:
            raise QualcodeError(f"{word!r}: write one of {', '.join(FLAGS)}")
        elif open_value is not None:
            open_value.append(word)
        else:
            raw_terms.append(f"text:{word}")
    for raw in raw_terms:
        if isinstance(raw, str):
            if raw.startswith("text:"):
                terms.append(Term("text", value=raw[5:].casefold()))
            else:
                terms.append(Term("flag", value=raw))
            continue
        field, op, parts = raw
        value = " ".join(p for p in parts if p).strip()
        if not value:
            raise QualcodeError(f"{field}{op}: say what to compare with (e.g. {field}{op}…)")
        if op in ("=", "!="):
            values = frozenset(v.strip().casefold() for v in value.split(",") if v.strip())
            terms.append(Term("equal", field, op, value, Condition(field, values, op == "!=")))
        elif op == "~":
            terms.append(Term("contains", field, op, value.casefold()))
        else:
            terms.append(Term("compare", field, op, _typed_bound(field, fields[field], value, op)))
    return CaseFilter(text.strip(), tuple(terms))


# ---------------------------------------------------------------------- sorting
def sort_documents(
    docs: Sequence[Doc], attrs: Attrs, mine: Mapping[int, int], field: str, reverse: bool = False
) -> list[Doc]:
    """By one field, as its type sorts (numbers as numbers, text case-insensitively); documents
    without a value come last either way, and ties keep the project's order."""
    have: list[tuple[Any, Doc]] = []
    missing: list[Doc] = []
    for d in docs:
        v = value_of(field, d, attrs, mine)
        if v is None or v == "":
            missing.append(d)
        else:
            have.append((_comparable(v), d))
    try:
        have.sort(key=lambda p: p[0], reverse=reverse)
    except TypeError:  # mixed types in one column (an old project): compare as text
        have.sort(key=lambda p: str(p[0]), reverse=reverse)
    return [d for _, d in have] + missing


def cycle(options: Sequence[str], current: str) -> str:
    """The option after ``current`` (the first after the last, or when ``current`` is gone)."""
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]
