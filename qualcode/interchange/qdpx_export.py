"""Projects ↔ REFI-QDA files: .qdpx projects and .qdc codebooks for NVivo, MAXQDA, ATLAS.ti, QualCoder.

``qualcode.interchange.refi`` reads and writes the files into a plain model without touching a database.
This module maps a project to that model (export); ``qdpx_import`` maps it back (merging into a project
that may already hold some of the file); ``refi_mapping`` is how things are spelt in REFI both ways.

What REFI-QDA has no place for is carried in a documented, recognisable form so that it survives a
round trip through qualcode and stays readable in other tools:

- a code's inclusion, exclusion and example follow its description as paragraphs
  ``Inclusion: …``, ``Exclusion: …``, ``Example: …`` (see ``compose_description``); import splits
  them back, from any tool's file. Hotkeys are not exported (REFI has no field for them);
- a document's ``kind``, ``language`` and original file (``source file``, ``source format``,
  ``source sha256``, ``source encoding``) travel as Text variables of those names; other attributes
  as typed Variables. Values are written both on the TextSource (MAXQDA's document variables) and
  on one Case per document (NVivo's cases); when it was imported and by whom are the TextSource's
  ``creationDateTime`` and ``creatingUser``;
- memos become Notes attached (NoteRef) to the project, a source, a code or a coding; a coding's
  own memo becomes a Note whose GUID is derived from the coding's GUID, so that re-importing the
  file finds it again instead of adding a copy. Project, document and coding memos are also
  written as the ``<Description>`` of the Project, TextSource and PlainTextSelection, where
  QualCoder, NVivo and MAXQDA look for them (an import of our own file reads the Notes only);
- the codebook's title is a project Note named ``qualcode: codebook title``; the project's
  creator is ``Project@creatingUserGUID``; coders who imported documents are Users even without
  codings.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.codebook.codes import list_codes
from qualcode.corpus.attributes import document_attributes
from qualcode.errors import QualcodeError
from qualcode.interchange import refi
from qualcode.interchange.refi_mapping import (
    ATTR_TO_VARIABLE,
    CODEBOOK_TITLE_NOTE,
    DOCUMENT_FIELDS,
    FIELD_VARIABLES,
    compose_description,
    derived_guid,
)

if TYPE_CHECKING:
    from qualcode.interchange.refi.model import NoteTargetKind
    from qualcode.project import Project

__all__ = ["code_tree", "export_qdc", "export_qdpx", "project_model"]


# ----------------------------------------------------------------------------- export


def code_tree(project: Project) -> list[refi.Code]:
    """The codebook as REFI codes (roots with nested children), in tree order."""
    nodes: dict[int, refi.Code] = {}
    roots: list[refi.Code] = []
    for c in list_codes(project):  # parents come before their children
        node = refi.Code(
            guid=c.guid,
            name=c.name,
            color=c.colour or None,  # as the project spells it (REFI takes either case)
            description=compose_description(c.description, c.inclusion, c.exclusion, c.example),
            is_codable=c.codable,
        )
        nodes[c.id] = node
        (nodes[c.parent_id].children if c.parent_id else roots).append(node)
    return roots


def _selected_coders(project: Project, coders: Iterable[str] | None) -> list[dict[str, Any]]:
    rows = project.coders()
    me = project.visible_coder()  # blind coding: only your own codings leave with you
    if me is not None:
        if coders is not None and any(c.strip() != me for c in coders):
            project.require_supervisor("exporting other coders' codings")
        return [r for r in rows if r["name"] == me]
    if coders is None:
        return rows
    wanted = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if not wanted:
        raise QualcodeError("--coders names no coder; leave it out to export everyone's codings")
    known = {r["name"] for r in rows}
    missing = [c for c in wanted if c not in known]
    if missing:
        raise QualcodeError(
            f"no coder named {', '.join(repr(m) for m in missing)}; known: {', '.join(sorted(known)) or 'none'}"
        )
    return [r for r in rows if r["name"] in wanted]


def project_model(project: Project, coders: Iterable[str] | None = None) -> refi.Project:
    """The project as a REFI model: all documents and codes; codings and memos of ``coders`` (default all)."""
    db = project.db
    coder_rows = _selected_coders(project, coders)
    coder_guid = {r["id"]: r["guid"] for r in coder_rows}
    last_change = db.execute("SELECT MAX(at) FROM events").fetchone()[0]
    creator = db.execute("SELECT coder FROM events ORDER BY id LIMIT 1").fetchone()
    users = list(coder_rows)
    if project.visible_coder() is None:  # blind coding hands on no other coder's name
        wanted = {r[0] for r in db.execute("SELECT DISTINCT imported_by FROM documents")} | {creator and creator[0]}
        users += [r for r in project.coders() if r["name"] in wanted and r["id"] not in coder_guid]
    guid_by_name = {r["name"]: r["guid"] for r in users}
    model = refi.Project(
        name=project.meta("name") or project.path.stem,
        creation_datetime=project.meta("created_at"),
        modified_datetime=last_change,
        creating_user=guid_by_name.get(creator[0]) if creator else None,
        users=[refi.User(r["guid"], r["name"]) for r in users],
        codes=code_tree(project),
    )

    # variables: the two document fields, then the typed attributes
    field_vars = {
        name: refi.Variable(derived_guid("variable", name), name, "Text", f"qualcode document {name}")
        for name in FIELD_VARIABLES
    }
    memo_rows = [
        m
        for m in db.query("SELECT guid, target, target_guid, coder_id, title, text, created_at FROM memos ORDER BY id")
        if m["coder_id"] is None or m["coder_id"] in coder_guid  # another coder's memo leaves with their codings
    ]
    described: dict[tuple[str, str | None], list[str]] = {}  # (target, GUID) → memo texts, for <Description>
    for m in memo_rows:
        text = f"{m['title']}\n\n{m['text']}" if m["title"] else m["text"]
        described.setdefault((m["target"], m["target_guid"]), []).append(text)
    model.description = "\n\n".join(described.get(("project", None), [])) or None
    attr_rows = list(db.query("SELECT id, guid, name, type FROM attributes ORDER BY id"))
    attr_vars = {
        r["name"]: refi.Variable(r["guid"], r["name"], ATTR_TO_VARIABLE.get(r["type"], "Text"))
        for r in attr_rows
        if r["name"] not in FIELD_VARIABLES
    }
    model.variables = list(field_vars.values()) + list(attr_vars.values())
    values = document_attributes(project)

    doc_guids: set[str] = set()
    columns = ", ".join(
        dict.fromkeys(("id", "guid", "name", "text", "imported_at", "imported_by", *DOCUMENT_FIELDS.values()))
    )
    for d in db.query(f"SELECT {columns} FROM documents ORDER BY sort_order, name"):
        vals: dict[str, Any] = {
            field_vars[var].guid: d[col] for var, col in DOCUMENT_FIELDS.items() if d[col] not in (None, "")
        }
        for name, value in values.get(d["id"], {}).items():
            var = attr_vars.get(name)
            if var is not None and value is not None:
                vals[var.guid] = str(value) if var.type in ("Text", "Date") else value
        model.sources.append(
            refi.TextSource(
                guid=d["guid"],
                name=d["name"],
                text=d["text"],
                creating_user=guid_by_name.get(d["imported_by"]),
                creation_datetime=d["imported_at"],
                description="\n\n".join(described.get(("document", d["guid"]), [])) or None,
                variable_values=vals,
            )
        )
        model.cases.append(
            refi.Case(derived_guid("case", d["guid"]), d["name"], variable_values=dict(vals), source_guids=[d["guid"]])
        )
        doc_guids.add(d["guid"])

    coding_guids: set[str] = set()
    shared: dict[str, str] = {}  # one string per document and code GUID, not one per coding
    for r in db.query(
        "SELECT c.guid, d.guid AS doc, k.guid AS code, c.coder_id, c.start, c.[end], c.text, c.memo, "
        "c.created_at, c.updated_at FROM codings c JOIN documents d ON d.id = c.document_id "
        "JOIN codes k ON k.id = c.code_id ORDER BY c.id"
    ):
        if r["coder_id"] not in coder_guid:
            continue
        coder = coder_guid[r["coder_id"]]
        model.codings.append(
            refi.Coding(
                r["guid"],
                shared.setdefault(r["doc"], r["doc"]),
                r["start"],
                r["end"],
                shared.setdefault(r["code"], r["code"]),
                coder,
                created=r["created_at"],
                excerpt=_excerpt(r["text"]),
                selection_description="\n\n".join(
                    ([r["memo"]] if r["memo"] else []) + described.get(("coding", r["guid"]), [])
                )
                or None,
            )
        )
        coding_guids.add(r["guid"])
        if r["memo"]:
            model.notes.append(
                refi.Note(
                    derived_guid("coding-memo", r["guid"]),
                    "coding memo",
                    r["memo"],
                    coder,
                    r["updated_at"] or r["created_at"],
                    [refi.NoteTarget("coding", r["guid"])],
                )
            )

    code_guids = {c.guid for c in model.all_codes()}
    kinds: dict[str, tuple[NoteTargetKind, set[str] | None]] = {
        "project": ("project", None),
        "document": ("source", doc_guids),
        "code": ("code", code_guids),
        "coding": ("coding", coding_guids),
    }
    for m in memo_rows:
        kind, allowed = kinds.get(m["target"], (None, None))
        if kind is None or (allowed is not None and m["target_guid"] not in allowed):
            continue  # attached to something not exported
        model.notes.append(
            refi.Note(
                m["guid"],
                m["title"],
                m["text"],
                coder_guid.get(m["coder_id"]),
                m["created_at"],
                [refi.NoteTarget(kind, None if kind == "project" else m["target_guid"])],
            )
        )
    title = project.meta("codebook_title")
    if title:
        model.notes.append(
            refi.Note(
                derived_guid("codebook-title", project.meta("guid") or ""),
                CODEBOOK_TITLE_NOTE,
                title,
                model.creating_user,
                model.creation_datetime,
                [refi.NoteTarget("project", None)],
            )
        )
    return model


def _excerpt(text: str, limit: int = 60) -> str:
    """The quote a selection is named by in other tools (and checked against on import)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def export_qdpx(project: Project, path: str | Path, coders: Iterable[str] | None = None) -> refi.Project:
    """Write the project to ``path`` as .qdpx (atomically) and return the model written."""
    model = project_model(project, coders)
    refi.write_qdpx(model, path, like=project.path)
    return model


def export_qdc(project: Project, path: str | Path) -> list[refi.Code]:
    """Write the codebook to ``path`` as .qdc and return the codes written (roots)."""
    codes = code_tree(project)
    if not codes:
        raise QualcodeError("the codebook is empty: nothing to export")
    refi.write_qdc(codes, path, like=project.path)
    return codes
