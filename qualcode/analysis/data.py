"""From a project file to the plain arrays of :mod:`qualcode.analysis.cooccurrence` and
:mod:`qualcode.analysis.matrices`, with the filters both front ends offer.

Why a module of its own: the analysis functions stay pure (tested without a database), and the
CLI, the TUI and the benchmarks select documents, coders and codes the same way. Codings are
read as five integer columns straight into numpy (no dicts per row), so a million codings load
in about a second; units come from the packed ``unit_sets`` blobs.

Filters are ``qualcode.corpus.filters`` (the one document filter: kind, language, attribute
conditions); ``codes`` selects a code with its descendants; see :func:`resolve_coders` for the
rule on coders when none is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.analysis.arrays import Scope, coding_rows
from qualcode.analysis.cooccurrence import (
    Codings,
    Cooccurrence,
    Units,
    cooccurrence,
    cooccurrence_by_coder,
    parse_unit,
    roll_up,
)
from qualcode.codebook.codes import descendants, get_code, list_codes
from qualcode.corpus.attributes import attribute_types, document_attributes
from qualcode.corpus.documents import unit_arrays
from qualcode.corpus.filters import Condition, select_documents
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

__all__ = [
    "CoderChoice",
    "CooccurrenceRun",
    "Selection",
    "attribute_groups",
    "choose",
    "chosen_codings",
    "cooccurrence_runs",
    "cooccurring_units",
    "load",
    "load_units",
    "ordered_codes",
    "project_cooccurrence",
    "resolve_attribute",
    "resolve_coders",
]

_I64 = np.int64


@dataclass
class Selection:
    """Codings of the selected documents, with the names needed to label results."""

    documents: list[dict[str, Any]]
    codings: Codings
    codes: dict[int, Code]
    coders: dict[int, str]
    coding_ids: np.ndarray = field(repr=False)
    counts: dict[str, int] | None = None  # codings per coder before any coder filter

    @property
    def document_ids(self) -> list[int]:
        return [d["id"] for d in self.documents]

    def document_names(self) -> dict[int, str]:
        return {d["id"]: d["name"] for d in self.documents}

    def code_names(self) -> dict[int, str]:
        return {i: c.path for i, c in self.codes.items()}

    def definitions(self) -> dict[int, str]:
        return {i: c.description or "" for i, c in self.codes.items()}

    def parents(self) -> dict[int, int | None]:
        return {i: c.parent_id for i, c in self.codes.items()}

    def coder_id(self, name: str) -> int:
        for i, n in self.coders.items():
            if n == name:
                return i
        raise QualcodeError(f"no coder named {name!r}; coders: {', '.join(sorted(self.coders.values())) or 'none'}")

    def coder_counts(self) -> dict[str, int]:
        if self.counts is not None:
            return dict(self.counts)
        ids, n = np.unique(self.codings.coder, return_counts=True)
        return {self.coders[int(i)]: int(k) for i, k in zip(ids, n)}


def _in(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _fetch_codings(project: Project, scope: Scope) -> tuple[np.ndarray, Codings]:
    """The scope's codings as columns (see :mod:`qualcode.analysis.arrays` for how they stay current)."""
    rows = coding_rows(project, scope)
    return rows["id"], Codings(rows["document"], rows["code"], rows["coder"], rows["start"], rows["end"])


def code_ids_with_children(project: Project, refs: Iterable[str | int]) -> list[int]:
    ids: list[int] = []
    for ref in refs:
        c = get_code(project, ref)
        for k in [c.id, *(d.id for d in descendants(project, c.id))]:
            if k not in ids:
                ids.append(k)
    return ids


def _coder_ids(coder_names: Mapping[int, str], names: Iterable[str]) -> list[int]:
    by_name = {n: i for i, n in coder_names.items()}
    out = []
    for name in dict.fromkeys(names):
        if name not in by_name:
            raise QualcodeError(f"no coder named {name!r}; coders: {', '.join(sorted(coder_names.values())) or 'none'}")
        out.append(by_name[name])
    return out


def _documents(
    project: Project,
    kind: str | None,
    where: Sequence[str] | Sequence[Condition],
    documents: Sequence[int] | None,
) -> tuple[list[dict[str, Any]], bool]:
    """Selected documents and whether that is every document of the project."""
    docs = select_documents(project, kind, where)
    if documents is not None:
        wanted = set(documents)
        docs = [d for d in docs if d["id"] in wanted]
    total = project.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    return docs, len(docs) == total


def _load(
    project: Project,
    docs: list[dict[str, Any]],
    everything: bool,
    code_ids: list[int] | None,
    coder_ids: list[int] | None,
) -> Selection:
    coder_names = {r["id"]: r["name"] for r in project.coders()}
    scope = Scope(
        tuple(sorted(coder_ids)) if coder_ids is not None else None,
        # a short list: let SQLite skip the rest (a long one is a mask on all of them, below)
        tuple(sorted(d["id"] for d in docs)) if not everything and len(docs) <= 2000 else None,
    )
    ids, c = _fetch_codings(project, scope)
    mask = None
    if not everything and len(docs) > 2000:
        mask = np.isin(c.document, np.asarray([d["id"] for d in docs], _I64))
    if code_ids is not None:
        m = np.isin(c.code, np.asarray(code_ids, _I64))
        mask = m if mask is None else mask & m
    if mask is not None:
        c, ids = c.select(mask), ids[mask]
    return Selection(docs, c, {code.id: code for code in list_codes(project)}, coder_names, ids)


def load(
    project: Project,
    *,
    kind: str | None = None,
    where: Sequence[str] | Sequence[Condition] = (),
    codes: Sequence[str | int] = (),
    coders: Sequence[str] = (),
    documents: Sequence[int] | None = None,
) -> Selection:
    """Codings of the selected documents (all coders unless ``coders`` names some;
    ``documents`` restricts to these ids)."""
    docs, everything = _documents(project, kind, where, documents)
    code_ids = code_ids_with_children(project, codes) if codes else None
    names = {r["id"]: r["name"] for r in project.coders()}
    me = project.visible_coder()
    if me is not None and not coders:
        coders = [me] if me in names.values() else []
        if not coders:
            return _load(project, docs, everything, code_ids, [])
    coder_ids = _coder_ids(names, coders) if coders else None
    if coders:
        _blind_guard(project, coders)
    return _load(project, docs, everything, code_ids, coder_ids)


def _blind_guard(project: Project, coder_names: Iterable[str]) -> None:
    """While blind coding is on, a session may analyse only its own coder's codings."""
    me = project.visible_coder()
    if me is not None and any(n != me for n in coder_names):
        project.require_supervisor("this analysis")


def choose(
    project: Project,
    *,
    kind: str | None = None,
    where: Sequence[str] | Sequence[Condition] = (),
    codes: Sequence[str | int] = (),
    coders: Sequence[str] = (),
    pool: bool = False,
    session_coder: str | None = None,
    documents: Sequence[int] | None = None,
) -> tuple[Selection, CoderChoice]:
    """Resolve the coders first (counted in SQL), then load only their codings: with three
    coders, a one-coder matrix reads a third of the rows. See :func:`resolve_coders`."""
    docs, everything = _documents(project, kind, where, documents)
    code_ids = code_ids_with_children(project, codes) if codes else None
    names = {r["id"]: r["name"] for r in project.coders()}
    conditions = []
    if not everything:
        conditions.append(f"document_id IN ({_in(d['id'] for d in docs)})")
    if code_ids is not None:
        conditions.append(f"code_id IN ({_in(code_ids)})")
    sql = (
        "SELECT coder_id, COUNT(*) FROM codings"
        + (f" WHERE {' AND '.join(conditions)}" if conditions else "")
        + " GROUP BY coder_id"
    )
    counts = {names[i]: n for i, n in project.db.execute(sql).fetchall() if n}
    choice = _resolve(counts, names, coders, pool, session_coder)
    _blind_guard(project, [names[i] for i in choice.coder_ids])
    sel = _load(project, docs, everything, code_ids, list(choice.coder_ids))
    sel.counts = counts
    return sel, choice


def load_units(project: Project, unit: str, documents: Sequence[dict[str, Any]]) -> Units | None:
    """Units of one text kind for the given documents; None for passage units (overlap, window).

    Unit ids number the units across documents from 0, in document order.
    """
    kind, _ = parse_unit(unit)
    if kind in ("overlap", "window"):
        return None
    if kind == "document":
        ids = np.asarray([d["id"] for d in documents], _I64)
        lengths = np.asarray([d["char_count"] or 0 for d in documents], _I64)
        return Units(ids, np.arange(len(ids), dtype=_I64), np.zeros(len(ids), _I64), lengths)
    wanted = [d["id"] for d in documents]
    packed = unit_arrays(project, kind, wanted if len(wanted) < 900 else None)
    chosen = set(wanted)
    parts = [(d, s, e) for d, (s, e) in packed.items() if d in chosen]
    if not parts:
        z = np.zeros(0, _I64)
        return Units(z, z, z, z)
    doc = np.concatenate([np.full(len(s), d, _I64) for d, s, _ in parts])
    start = np.concatenate([s for _, s, _ in parts])
    end = np.concatenate([e for _, _, e in parts])
    return Units(doc, np.arange(len(doc), dtype=_I64), start, end)


@dataclass(frozen=True)
class CoderChoice:
    """Which coders a result uses: ``per_coder`` gives one result each, ``pool`` one pooled."""

    coder_ids: tuple[int, ...]
    pool: bool
    per_coder: bool
    note: str = ""


def resolve_coders(
    selection: Selection, names: Sequence[str] = (), pool: bool = False, session_coder: str | None = None
) -> CoderChoice:
    """Never pool silently (an invariant, docs/ARCHITECTURE.md).

    - ``names`` given: those coders; several → one result per coder, or pooled with ``pool``;
    - ``pool`` alone: all coders of the selection, pooled;
    - neither: the only coder of the selection, else the session coder if they have codings
      there, else an error listing the coders and their numbers of codings.
    """
    return _resolve(selection.coder_counts(), selection.coders, names, pool, session_coder)


def _resolve(
    counts: Mapping[str, int],
    coder_names: Mapping[int, str],
    names: Sequence[str],
    pool: bool,
    session_coder: str | None,
) -> CoderChoice:
    if names:
        ids = tuple(_coder_ids(coder_names, names))
        return CoderChoice(ids, pool and len(ids) > 1, len(ids) > 1 and not pool)
    id_of = {n: i for i, n in coder_names.items()}
    present = tuple(sorted(id_of[n] for n in counts))
    if pool:
        return CoderChoice(present, len(present) > 1, False)
    if len(present) <= 1:
        return CoderChoice(present, False, False)
    if session_coder in counts:
        assert session_coder is not None  # counts holds coder names only
        others = ", ".join(n for n in sorted(counts) if n != session_coder)
        return CoderChoice(
            (id_of[session_coder],),
            False,
            False,
            f"coder {session_coder} (also coded: {others}; use --coder NAME or --pool)",
        )
    listing = ", ".join(f"{n} ({k})" for n, k in sorted(counts.items()))
    raise QualcodeError(
        f"codings from {len(counts)} coders: {listing}; choose --coder NAME "
        "(repeat it for one result per coder) or --pool to pool them"
    )


def ordered_codes(selection: Selection, codings: Codings, depth: int | None = None) -> list[int]:
    """Codes present in ``codings`` (after roll-up to ``depth``) in codebook tree order."""
    code = codings.code
    if depth is not None and len(code):
        code = roll_up(code, selection.parents(), depth)
    present = set(np.unique(code).tolist())
    return [i for i in selection.codes if i in present]


def project_cooccurrence(
    project: Project,
    selection: Selection,
    unit: str,
    choice: CoderChoice,
    depth: int | None = None,
    codes: Sequence[int] | None = None,
) -> dict[str | None, Cooccurrence]:
    """Co-occurrence for a coder choice: ``{coder name: result}`` per coder, else ``{None: r}``.

    Rows/columns are the codes present in the chosen coders' codings, in tree order (``codes``
    fixes them instead, e.g. the same rows for every attribute value).
    """
    try:
        _kind, _ = parse_unit(unit)
    except ValueError as e:
        raise QualcodeError(str(e)) from None
    c = chosen_codings(selection, choice)
    if depth is not None and depth < 1:
        raise QualcodeError("--depth starts at 1 (top-level codes)")
    if codes is None:
        codes = ordered_codes(selection, c, depth)
    units = load_units(project, unit, selection.documents)
    opts: dict[str, Any] = {"units": units, "codes": list(codes), "parents": selection.parents(), "depth": depth}
    try:
        if choice.per_coder:
            by = cooccurrence_by_coder(c, unit, coders=list(choice.coder_ids), **opts)
            return {selection.coders[k]: v for k, v in by.items()}
        return {None: cooccurrence(c, unit, coders=list(choice.coder_ids), pool=choice.pool, **opts)}
    except ValueError as e:
        raise QualcodeError(str(e)) from None


def resolve_attribute(project: Project, name: str) -> str:
    """The attribute's stored spelling (case-insensitive match); ``kind`` and ``language``
    count as attributes too."""
    names = {k.casefold(): k for k in [*attribute_types(project), "kind", "language"]}
    if name.casefold() not in names:
        raise QualcodeError(f"no attribute {name!r}; attributes: {', '.join(sorted(names.values()))}")
    return names[name.casefold()]


def chosen_codings(selection: Selection, choice: CoderChoice) -> Codings:
    """The codings of the chosen coders."""
    c = selection.codings
    return c.select(np.isin(c.coder, np.asarray(choice.coder_ids, _I64)))


@dataclass
class CooccurrenceRun:
    """One matrix of a co-occurrence command: per coder (``coder``) and per attribute value (``value``)."""

    result: Cooccurrence
    coder: str | None = None
    value: Any = None


def cooccurrence_runs(
    project: Project,
    selection: Selection,
    unit: str,
    choice: CoderChoice,
    depth: int | None = None,
    by_attribute: str | None = None,
) -> tuple[list[int], list[CooccurrenceRun]]:
    """Every matrix a co-occurrence asks for — one per coder (or pooled) and, with ``by_attribute``,
    one per value of that document attribute, all with the same rows and columns (the codes in
    tree order) so they can be compared. The CLI and the workbench call this one function."""
    code_ids = ordered_codes(selection, chosen_codings(selection, choice), depth)
    groups = (
        {None: selection.documents}
        if not by_attribute
        else attribute_groups(project, selection.documents, by_attribute)
    )
    runs = []
    for value, docs in groups.items():
        sub = selection
        if by_attribute:
            keep = np.isin(selection.codings.document, np.asarray([d["id"] for d in docs], _I64))
            sub = Selection(
                docs, selection.codings.select(keep), selection.codes, selection.coders, selection.coding_ids[keep]
            )
        for coder, result in project_cooccurrence(project, sub, unit, choice, depth, codes=code_ids).items():
            runs.append(CooccurrenceRun(result, coder, value))
    return code_ids, runs


def attribute_groups(
    project: Project, documents: Sequence[dict[str, Any]], attribute: str
) -> dict[Any, list[dict[str, Any]]]:
    """Documents grouped by one attribute's value (sorted; missing values last as None)."""
    attribute = resolve_attribute(project, attribute)
    attrs = document_attributes(project)
    groups: dict[Any, list[dict[str, Any]]] = {}
    for d in documents:
        v = d.get(attribute) if attribute in ("kind", "language") else attrs.get(d["id"], {}).get(attribute)
        groups.setdefault(v, []).append(d)
    keys = sorted(
        (k for k in groups if k is not None),
        key=lambda v: (
            not isinstance(v, (int, float)) or isinstance(v, bool),
            v if isinstance(v, (int, float)) else str(v),
        ),
    )
    return {k: groups[k] for k in keys + ([None] if None in groups else [])}


def cooccurring_units(
    project: Project,
    selection: Selection,
    unit: str,
    choice: CoderChoice,
    code_a: int,
    code_b: int,
    depth: int | None = None,
    codes: Sequence[int] | None = None,
) -> list[tuple[int, int, int]]:
    """``(document_id, start, end)`` of the units in which both codes occur — the units one
    cell of :func:`project_cooccurrence` counts (the diagonal: the units with the code).

    A passage (overlap, window) spans from its first segment's start to the furthest end.
    Passages are formed from the same codings as the matrix (all of ``codes``, by default all
    present), so the list has exactly as many entries as the cell counts.
    """
    from qualcode.analysis.cooccurrence import _passages, _unit_hits

    kind, window = parse_unit(unit)
    c = selection.codings
    c = c.select(np.isin(c.coder, np.asarray(choice.coder_ids, _I64)))
    if depth is not None:
        c = c.with_codes(roll_up(c.code, selection.parents(), depth))
    if codes is not None:
        c = c.select(np.isin(c.code, np.asarray(list(codes), _I64)))
    out: list[tuple[int, int, int]] = []
    if kind in ("overlap", "window"):
        pid, n = _passages(c, 0 if kind == "overlap" else window + 1)
        with_a = set(pid[c.code == code_a].tolist())
        both = sorted(with_a & set(pid[c.code == code_b].tolist()))
        first = np.full(n, np.iinfo(_I64).max, _I64)
        np.minimum.at(first, pid, c.start)
        last = np.zeros(n, _I64)
        np.maximum.at(last, pid, c.end)
        doc = np.zeros(n, _I64)
        doc[pid] = c.document
        out = [(int(doc[p]), int(first[p]), int(last[p])) for p in both]
    else:
        units = load_units(project, unit, selection.documents)
        if units is None or not len(units) or not len(c):
            return []
        ci, ui = _unit_hits(c, units)
        both = sorted(set(ui[c.code[ci] == code_a].tolist()) & set(ui[c.code[ci] == code_b].tolist()))
        out = [(int(units.document[u]), int(units.start[u]), int(units.end[u])) for u in both]
    order = {d["id"]: k for k, d in enumerate(selection.documents)}
    return sorted(out, key=lambda x: (order.get(x[0], 0), x[1], x[2]))
