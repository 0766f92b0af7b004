"""Tidy long export: one row per coding, ready for R, pandas, SPSS and Stata.

Columns: ``coding_guid``, ``document``, ``document_guid``, ``kind``, ``language``, one column
per document attribute (typed: numbers stay numbers, dates are ISO text), ``code`` (the full
path), ``code_guid``, ``level_1`` … ``level_n`` (the path's parts, empty below the code's
depth, so a model can group at any level), ``coder``, ``start``, ``end`` (code points,
half-open), ``text`` and ``memo``. An attribute named like a fixed column gets the prefix
``attribute_``.

Also the codebook as a table (``codebook_table``), so the data dictionary of an analysis can
travel with the code definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.codebook.codes import list_codes
from qualcode.corpus.attributes import attribute_types, document_attributes
from qualcode.interchange.exporters.tables import Table

if TYPE_CHECKING:
    from qualcode.project import Project

__all__ = ["FIXED_COLUMNS", "codebook_table", "documents_table", "tidy_table", "with_document_columns"]

FIXED_COLUMNS = (
    "coding_guid",
    "document",
    "document_guid",
    "kind",
    "language",
    "code",
    "code_guid",
    "coder",
    "start",
    "end",
    "text",
    "memo",
)


def _attribute_columns(names: Sequence[str], depth: int) -> dict[str, str]:
    taken = set(FIXED_COLUMNS) | {f"level_{i}" for i in range(1, depth + 1)}
    return {n: (f"attribute_{n}" if n in taken else n) for n in names}


def tidy_table(
    project: Project,
    *,
    kind: str | None = None,
    where: Sequence[str] = (),
    codes: Sequence[str | int] = (),
    coders: Sequence[str] = (),
    name: str = "codings",
    children: bool = True,
) -> Table:
    """One row per coding of the selected documents, codes and coders (all coders by default:
    the ``coder`` column keeps them apart), in document order then by position. ``codes`` come with
    their child codes unless ``children`` is False."""
    from qualcode.analysis.data import load
    from qualcode.codebook.codes import get_code

    sel = load(project, kind=kind, where=where, codes=codes, coders=coders)
    keep = set(sel.coding_ids.tolist())
    if codes and not children:
        only = {get_code(project, c).id for c in codes}
        keep = {i for i, c in zip(sel.coding_ids.tolist(), sel.codings.code.tolist()) if c in only}
    docs = {d["id"]: d for d in sel.documents}
    order = {d["id"]: k for k, d in enumerate(sel.documents)}
    attr_types = attribute_types(project)
    attrs = document_attributes(project)
    rows_db = [
        r
        for r in project.db.execute(
            "SELECT id, guid, document_id, code_id, coder_id, start, [end], text, memo FROM codings"
        )
        if r[0] in keep
    ]
    rows_db.sort(key=lambda r: (order[r[2]], r[5], r[6], r[0]))
    used_codes = {r[3] for r in rows_db}
    depth = max((sel.codes[c].depth + 1 for c in used_codes), default=1)
    attr_cols = _attribute_columns(list(attr_types), depth)
    levels = [f"level_{i}" for i in range(1, depth + 1)]
    columns = [*FIXED_COLUMNS[:5], *attr_cols.values(), *FIXED_COLUMNS[5:7], *levels, *FIXED_COLUMNS[7:]]
    rows: list[list[Any]] = []
    for _cid, guid, doc_id, code_id, coder_id, start, end, text, memo in rows_db:
        d, code = docs[doc_id], sel.codes[code_id]
        parts = code.path.split("/")
        a = attrs.get(doc_id, {})
        rows.append(
            [
                guid,
                d["name"],
                d["guid"],
                d["kind"],
                d["language"],
                *(a.get(n) for n in attr_cols),
                code.path,
                code.guid,
                *(parts + [None] * (depth - len(parts))),
                sel.coders[coder_id],
                start,
                end,
                text,
                memo,
            ]
        )
    labels = {
        "coding_guid": "Coding GUID (REFI-QDA identity)",
        "document": "Document name",
        "kind": "Document kind",
        "language": "Document language",
        "code": "Code path",
        "coder": "Coder",
        "start": "Start offset (Unicode code points, inclusive)",
        "end": "End offset (Unicode code points, exclusive)",
        "text": "Coded text",
        "memo": "Memo on the coding",
    }
    labels.update({lv: f"Code path level {i}" for i, lv in enumerate(levels, start=1)})
    labels.update({col: f"Document attribute {n} ({attr_types[n]})" for n, col in attr_cols.items()})
    return Table(name, columns, rows, labels=labels, description=f"Codings, one row per coding ({len(rows)} rows)")


def codebook_table(project: Project, name: str = "codebook") -> Table:
    """One row per code in tree order: path, levels, definitions, variable name, counts per coder."""
    from qualcode.interchange.exporters.varnames import make_varnames

    codes = list_codes(project)
    me = project.visible_coder()  # blind coding: only your own counts
    coders = [c["name"] for c in project.coders() if me is None or c["name"] == me]
    depth = max((c.depth + 1 for c in codes), default=1)
    levels = [f"level_{i}" for i in range(1, depth + 1)]
    counts = {
        k: dict(
            project.db.execute(
                "SELECT code_id, COUNT(*) FROM codings WHERE coder_id = (SELECT id FROM coders WHERE "
                "name = ?) GROUP BY code_id",
                [k],
            ).fetchall()
        )
        for k in coders
    }
    count_cols = make_varnames([f"codings {k}" for k in coders], taken=["codings"])
    varnames = make_varnames([c.path for c in codes])
    rows = []
    for c, var in zip(codes, varnames):
        parts = c.path.split("/")
        per = [counts[k].get(c.id, 0) for k in coders]
        rows.append(
            [
                c.path,
                *(parts + [None] * (depth - len(parts))),
                c.name,
                var,
                c.guid,
                c.depth + 1,
                int(c.codable),
                c.description,
                c.inclusion,
                c.exclusion,
                c.example,
                c.colour,
                c.hotkey,
                int(np.sum(per)) if per else 0,
                *per,
            ]
        )
    columns = [
        "code",
        *levels,
        "name",
        "variable",
        "guid",
        "depth",
        "codable",
        "description",
        "inclusion",
        "exclusion",
        "example",
        "colour",
        "hotkey",
        "codings",
        *count_cols,
    ]
    labels = {
        "code": "Code path",
        "variable": "Variable name used in matrix exports",
        "depth": "Depth in the tree (1 = top level)",
        "codings": "Codings (all coders)",
    }
    labels.update({col: f"Codings by {k}" for col, k in zip(count_cols, coders)})
    return Table(
        name,
        columns,
        rows,
        labels=labels,
        index="code",
        value_labels={"codable": {0: "grouping only", 1: "codable"}},
        description=f"Codebook, {len(codes)} codes",
    )


DOCUMENT_COLUMNS = ("document", "document_guid", "kind", "language", "words", "characters")


def documents_table(
    project: Project, *, kind: str | None = None, where: Sequence[str] = (), name: str = "documents"
) -> Table:
    """One row per document — the cases: kind, language, size, every attribute (typed) and the
    number of codings by each coder — so a model joins it to any matrix by ``document``."""
    from qualcode.corpus.filters import DocumentFilter
    from qualcode.interchange.exporters.varnames import make_varnames

    docs = DocumentFilter(kind=kind, where=tuple(where)).select(project)
    attr_types = attribute_types(project)
    attrs = document_attributes(project)
    words = dict(project.db.execute("SELECT id, word_count FROM documents").fetchall())
    me = project.visible_coder()  # blind coding: only your own counts
    coders = [c for c in project.coders() if me is None or c["name"] == me]
    per: dict[tuple[int, int], int] = {
        (d, k): n
        for d, k, n in project.db.execute(
            "SELECT document_id, coder_id, COUNT(*) FROM codings GROUP BY document_id, coder_id"
        ).fetchall()
    }
    attr_cols = {n: (f"attribute_{n}" if n in DOCUMENT_COLUMNS else n) for n in attr_types}
    count_cols = make_varnames([f"codings {c['name']}" for c in coders], taken=[*DOCUMENT_COLUMNS, *attr_cols.values()])
    rows = [
        [
            d["name"],
            d["guid"],
            d["kind"],
            d["language"],
            words.get(d["id"]),
            d["char_count"],
            *(attrs.get(d["id"], {}).get(n) for n in attr_cols),
            *(per.get((d["id"], c["id"]), 0) for c in coders),
        ]
        for d in docs
    ]
    labels = {
        "document": "Document name",
        "document_guid": "Document GUID (REFI-QDA identity)",
        "kind": "Document kind",
        "language": "Document language",
        "words": "Words in the document",
        "characters": "Characters in the document (Unicode code points)",
    }
    labels.update({col: f"Document attribute {n} ({attr_types[n]})" for n, col in attr_cols.items()})
    labels.update({col: f"Codings by {c['name']}" for col, c in zip(count_cols, coders)})
    return Table(
        name,
        [*DOCUMENT_COLUMNS, *attr_cols.values(), *count_cols],
        rows,
        labels=labels,
        index="document",
        description=f"Documents (cases), {len(rows)} rows: kind, language, size, attributes, codings per coder",
    )


def with_document_columns(table: Table, project: Project) -> Table:
    """A documents × … table with each document's kind, language and attributes after its name,
    so ``glm(code ~ site + gender)`` runs on the file as read."""
    attr_types = attribute_types(project)
    attrs = document_attributes(project)
    by_name = {d["name"]: d for d in project.db.query("SELECT id, name, kind, language FROM documents")}
    taken = set(table.columns)
    attr_cols = {n: (f"attribute_{n}" if n in taken or n in ("kind", "language") else n) for n in attr_types}
    rows = []
    for row in table.rows:
        d = by_name[row[0]]
        a = attrs.get(d["id"], {})
        rows.append([row[0], d["kind"], d["language"], *(a.get(n) for n in attr_cols), *row[1:]])
    labels = dict(table.labels)
    labels.update({"kind": "Document kind", "language": "Document language"})
    labels.update({col: f"Document attribute {n} ({attr_types[n]})" for n, col in attr_cols.items()})
    return Table(
        table.name,
        [table.columns[0], "kind", "language", *attr_cols.values(), *table.columns[1:]],
        rows,
        labels=labels,
        value_labels=table.value_labels,
        code_paths=table.code_paths,
        definitions=table.definitions,
        index=table.index,
        description=table.description + "; with each document's kind, language and attributes",
    )
