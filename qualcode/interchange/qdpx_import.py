"""Merging a REFI-QDA model into a project: all or nothing, by GUID, never silently.

Rules (the README's "Exchange with other QDA tools" repeats them for users):

- **One transaction, one event.** The file is read and checked and new texts are segmented
  before the transaction opens; any refusal leaves the project exactly as it was. An import that
  would add nothing (the same file twice) writes nothing, not even an event.
- **Identity is the GUID** (case and braces already folded by the reader). What the project
  already has is never changed by a .qdpx import: documents, codes, codings, attribute values and
  memos that differ from the file are kept and the difference is reported. A .qdc import is a
  codebook update instead: matched codes take the file's name, place, colour, description and
  codability (hotkeys are kept, REFI has none).
- **Documents**: a source whose GUID is known but whose text differs is refused (texts are
  immutable); a new GUID with a known text joins that document (reported); a clashing name gets
  " (2)". Units are computed exactly as for imported files (``ingest.store_units``).
- **Codes**: matched by GUID, then by path (as ``codebook.tree.import_codebook``); a "/" in a
  name becomes "∕" (it separates levels here); a grouping code that holds codings in the file
  becomes codable.
- **Users → coders**: by GUID. A new GUID whose name is taken by another coder is *not* merged
  into that coder (two tools' "anna" may be two people, and agreement must never pool coders
  silently): it is added as "anna (1A2B3C4D)" — the first GUID characters — and reported.
- **Codings** store the document's slice as their text; a selection's quoted name that does not
  match the slice is reported. Empty spans, duplicates and codings on grouping codes are skipped
  and reported.
- **Variables/cases → attributes** (by GUID, then name); ``kind``/``language`` set document fields.
- **Notes → memos** on the project, a document, a code or a coding; a note on a selection goes to
  the selection's codings; a note without a target is a project memo.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from qualcode.codebook.identity import CodeTreeMerger, IncomingCode, TreeMerge
from qualcode.corpus.attributes import to_storage
from qualcode.corpus.ingest import guess_language, store_units
from qualcode.corpus.wordindex import store_word_index
from qualcode.errors import QualcodeError
from qualcode.files import file_sha256
from qualcode.ids import now
from qualcode.interchange import refi
from qualcode.interchange.refi.model import OWN_ORIGIN
from qualcode.interchange.refi.readings import reads_as_quote
from qualcode.interchange.refi_mapping import (
    CODEBOOK_TITLE_NOTE,
    DOCUMENT_FIELDS,
    FIELD_VARIABLES,
    VARIABLE_TO_ATTR,
    derived_guid,
    split_description,
)
from qualcode.store import events
from qualcode.text.decoding import sha256
from qualcode.text.wording import article, counted

if TYPE_CHECKING:
    from qualcode.interchange.refi.model import VariableValue
    from qualcode.project import Project
    from qualcode.store.changes import Transaction
    from qualcode.text.segmentation import Segmented


MAX_MISMATCHES_LISTED = 10  # a tool that names selections otherwise must not flood the report


# ----------------------------------------------------------------------------- codes


class RefiCodes:
    """A REFI code tree merged with ``qualcode.codebook.identity`` (the one rule for every source)."""

    def __init__(
        self,
        project: Project,
        tx: Transaction,
        report: refi.ImportReport,
        update: bool,
        used: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        self.merger = CodeTreeMerger(project, tx, update=update, hotkey_clash="drop", must_be_codable=set(used))
        self.report = report
        self.map: dict[str, int] = {}  # file GUID → project code id
        self.codable: dict[int, bool] = {}

    def merge(self, roots: list[refi.Code]) -> TreeMerge:
        incoming = [self._incoming(r) for r in roots]
        result = self.merger.merge(incoming)
        for node in (n for r in incoming for n in r.walk()):
            assert node.guid is not None and node.code_id is not None  # every REFI code has a GUID; merged ones an id
            self.map[node.guid] = node.code_id
        self.codable = self.merger.codable
        self.report.warnings.extend(result.by_path + result.notes)
        return result

    def _incoming(self, node: refi.Code) -> IncomingCode:
        values: dict[str, Any] = {"codable": node.is_codable}
        if node.color:
            values["colour"] = node.color
        if node.description is not None:
            values.update(split_description(node.description))
        return IncomingCode(self._clean_name(node), node.guid, values, [self._incoming(c) for c in node.children])

    def _clean_name(self, node: refi.Code) -> str:
        name = " ".join((node.name or "").split())
        if not name:
            name = f"code {node.guid[:8]}"
            self.report.warnings.append(f"a code without a name ({node.guid}) was named '{name}'")
        if "/" in name:
            fixed = name.replace("/", "∕")
            self.report.warnings.append(f"code '{name}': '/' separates levels here, so it is named '{fixed}'")
            name = fixed
        return name


def import_codes(
    project: Project, codes: list[refi.Code], report: refi.ImportReport, name: str = "codebook"
) -> refi.ImportReport:
    """A .qdc import: one undoable transaction that adds new codes and updates matched ones."""
    with project.transaction(events.CODEBOOK_IMPORT, f"codebook from {name}") as tx:
        result = RefiCodes(project, tx, report, update=True).merge(codes)
        if not (result.added or result.changed):
            tx.abandon()
        tx.summary = f"codebook from {name}: {len(result.added)} new, {len(result.changed)} changed code(s)"
    report.counts = {"new codes": len(result.added), "changed codes": len(result.changed)}
    if result.unchanged:
        report.warnings.append(f"{len(result.unchanged)} code(s) already in the project unchanged")
    return report


# ----------------------------------------------------------------------------- whole projects


@dataclass
class _NewDocument:
    source: refi.TextSource
    name: str
    kind: str
    language: str
    segmented: Segmented | None = None
    fields: dict[str, str] = field(default_factory=dict)  # documents columns the file carries (source file …)


@dataclass
class _Doc:
    id: int | None  # None until a new document is inserted
    guid: str
    text: str


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _excerpt_matches(excerpt: str, quoted: str) -> bool:
    """Does a selection's name quote the coded text? Tools shorten and add "…", so prefixes count;
    a name that does not read as a quote (qc's ``line:6``) is not compared at all."""
    if not reads_as_quote(excerpt):
        return True
    name = _flat(excerpt).rstrip("…").rstrip(".").strip()
    quoted = _flat(quoted)
    return not name or quoted.startswith(name) or name.startswith(quoted)


def _as_storage(value: VariableValue, attr_type: str) -> Any:
    """A file's typed value as stored for an attribute of ``attr_type`` (ValueError if it does not fit)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
        if attr_type in ("integer", "float"):
            raise ValueError(text)
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    elif isinstance(value, float) and attr_type == "integer":
        if not value.is_integer():
            raise ValueError(value)
        text = str(int(value))
    else:
        text = str(value)
    return to_storage(text, attr_type)


COUNTED = (  # what an import report counts, memos by kind
    "documents",
    "coders",
    "codes",
    "codings",
    "attribute values",
    "project memos",
    "document memos",
    "code memos",
    "coding memos",
)


class ProjectImport:
    """One .qdpx model into one project. ``run()`` returns the report with what was added."""

    def __init__(
        self,
        project: Project,
        model: refi.Project,
        report: refi.ImportReport,
        kind: str = "interview",
        source_sha: str | None = None,
        archive: str | None = None,
    ):
        from qualcode.corpus.documents import KINDS

        if kind not in KINDS:
            raise QualcodeError(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
        self.project, self.model, self.report, self.kind = project, model, report, kind
        self.source_sha, self.archive = source_sha, archive or report.file
        self.db = project.db
        self.added = dict.fromkeys(COUNTED, 0)
        self.own = (model.origin or "").startswith(OWN_ORIGIN)  # our own file: its Descriptions repeat Notes
        self.user_names: dict[str, str] = {}  # user GUID → coder name in the project
        self.same = dict.fromkeys(self.added, 0)
        self.field_vars = {
            v.guid: v.name.strip().casefold() for v in model.variables if v.name.strip().casefold() in FIELD_VARIABLES
        }
        self.docs: dict[str, _Doc] = {}  # source GUID → document
        self.new_docs: list[_NewDocument] = []
        self.coders: dict[str, int] = {}  # user GUID → coder id
        self.codings: set[str] = set()  # coding GUIDs present in the project after the import
        self.values = self._values_by_source()

    # -- before the transaction: read-only checks and segmentation
    def _values_by_source(self) -> dict[str, dict[str, VariableValue]]:
        out: dict[str, dict[str, VariableValue]] = {s.guid: {} for s in self.model.sources}
        for case in self.model.cases:
            if case.variable_values and not case.source_guids:
                self.report.skip(
                    "Case", case.guid, case.name, "case without text sources: its values were not imported"
                )
            for sg in case.source_guids:
                for vg, value in case.variable_values.items():
                    if out[sg].setdefault(vg, value) != value:
                        self.report.warnings.append(
                            f"case '{case.name}' gives another value for a variable of source {sg}; kept the first"
                        )
        for s in self.model.sources:
            out[s.guid].update(s.variable_values)  # the source's own values win over its cases'
        return out

    def _plan_documents(self) -> None:
        from qualcode.corpus.documents import KINDS
        from qualcode.text.nlp import sentence_pipeline
        from qualcode.text.segmentation import segment_texts

        by_guid = {r["guid"]: r for r in self.db.query("SELECT id, guid, name, text_sha256 FROM documents")}
        by_sha = {r["text_sha256"]: r for r in by_guid.values()}
        names = {r["name"].casefold() for r in by_guid.values()}
        for s in self.model.sources:
            if not s.text.strip():
                self.report.skip("TextSource", s.guid, s.name, "empty text")
                continue
            sha = sha256(s.text)
            if s.guid in by_guid:
                row = by_guid[s.guid]
                if row["text_sha256"] != sha:
                    raise QualcodeError(
                        f"{self.archive}: source '{s.name}' ({s.guid}) is already in the project as document "
                        f"'{row['name']}' with a different text; an import never replaces a text, so nothing "
                        f"was imported (use 'qualcode revise' for a corrected text, or import into a new project)"
                    )
                self.docs[s.guid] = _Doc(row["id"], s.guid, s.text)
                self.same["documents"] += 1
                continue
            if sha in by_sha:
                row = by_sha[sha]
                self.report.warnings.append(
                    f"source '{s.name}' ({s.guid}) has the same text as document "
                    f"'{row['name']}': its codings and notes go there"
                )
                if "doc" in row:  # a source earlier in this file: share its (not yet inserted) document
                    self.docs[s.guid] = row["doc"]
                else:
                    self.docs[s.guid] = _Doc(row["id"], row["guid"], s.text)
                    self.same["documents"] += 1
                continue
            name = " ".join((s.name or "").split()) or f"source {s.guid[:8]}"
            base, n = name, 1
            while name.casefold() in names:
                n += 1
                name = f"{base} ({n})"
            if name != base:
                self.report.warnings.append(
                    f"source '{base}' was named '{name}': the project has a document of that name"
                )
            names.add(name.casefold())
            fields = {
                self.field_vars[vg]: str(v).strip() for vg, v in self.values[s.guid].items() if vg in self.field_vars
            }
            kind = fields.get("kind") or self.kind
            if kind not in KINDS:
                self.report.warnings.append(
                    f"source '{name}': kind '{kind}' is not one of {', '.join(KINDS)}; made it '{self.kind}'"
                )
                kind = self.kind
            language = fields.get("language") or guess_language(s.text)
            try:
                sentence_pipeline(language)
            except QualcodeError:
                guessed = guess_language(s.text)
                self.report.warnings.append(f"source '{name}': language '{language}' is unknown; guessed '{guessed}'")
                language = guessed
            carried = {DOCUMENT_FIELDS[k]: v for k, v in fields.items() if k not in ("kind", "language") and v}
            self.new_docs.append(_NewDocument(s, name, kind, language, fields=carried))
            self.docs[s.guid] = _Doc(None, s.guid, s.text)
            by_sha[sha] = {"guid": s.guid, "name": name, "doc": self.docs[s.guid]}
        for doc, seg in zip(
            self.new_docs, segment_texts(((d.source.text, d.language) for d in self.new_docs), index=True)
        ):
            doc.segmented = seg

    # -- the transaction
    def run(self) -> refi.ImportReport:
        self._plan_documents()
        with self.project.transaction(events.QDPX_IMPORT, f"imported {self.archive}") as tx:
            self.tx = tx
            try:
                self._write()
            except sqlite3.IntegrityError as e:  # a conflict the checks above did not foresee
                raise QualcodeError(f"{self.archive}: cannot import ({e}); nothing was imported") from None
            if not any(self.added.values()):
                tx.abandon()
            tx.summary = f"imported {self.archive}: " + ", ".join(counted(n, k) for k, n in self.added.items() if n)
        self.report.counts = dict(self.added)
        same = ", ".join(f"{n} {k}" for k, n in self.same.items() if n)
        if same:
            self.report.warnings.append(f"already in the project, unchanged: {same}")
        return self.report

    def _write(self) -> None:
        self._users()
        codes = RefiCodes(
            self.project, self.tx, self.report, update=False, used={c.code_guid for c in self.model.codings}
        )
        result = codes.merge(self.model.codes)
        self.code_map, self.code_codable = codes.map, codes.codable
        self.added["codes"], self.same["codes"] = len(result.added), len(result.unchanged)
        self._documents()
        self._attributes()
        self._codings()
        self._notes()
        if not self.own:
            self._descriptions()

    def _users(self) -> None:
        rows = list(self.db.query("SELECT id, guid, name FROM coders"))
        by_guid = {r["guid"]: r for r in rows}
        names = {r["name"] for r in rows}
        for u in self.model.users:
            if u.guid in by_guid:
                row = by_guid[u.guid]
                self.coders[u.guid] = row["id"]
                self.user_names[u.guid] = row["name"]
                self.same["coders"] += 1
                if u.name and u.name != row["name"]:
                    self.report.warnings.append(f"user '{u.name}' ({u.guid}) is the project's coder '{row['name']}'")
                continue
            base = " ".join(u.name.split()) or f"coder {u.guid[:8]}"
            name = base
            if name in names:
                name = f"{base} ({u.guid[:8]})"
                self.report.warnings.append(
                    f"user '{base}' ({u.guid}) is not the project's coder '{base}' (another GUID): added as '{name}'"
                )
            names.add(name)
            self.coders[u.guid] = self.tx.insert("coders", {"guid": u.guid, "name": name, "created_at": now()})
            self.user_names[u.guid] = name
            self.added["coders"] += 1

    def _documents(self) -> None:
        base = (self.db.execute("SELECT COALESCE(MAX(sort_order), 0) FROM documents").fetchone()[0] or 0) + 1
        for k, d in enumerate(self.new_docs):
            assert d.segmented is not None  # _plan_documents segmented every new document
            s = d.source
            doc_id = self.tx.insert(
                "documents",
                {
                    "guid": s.guid,
                    "name": d.name,
                    "kind": d.kind,
                    "language": d.language,
                    "text": s.text,
                    "text_sha256": sha256(s.text),
                    "source_sha256": d.fields.get("source_sha256", self.source_sha),
                    "source_name": d.fields.get("source_name", f"{self.archive}!{s.plain_text_path or s.name}"),
                    "source_format": d.fields.get("source_format", "qdpx"),
                    "encoding": d.fields.get("encoding", "utf-8"),
                    "char_count": len(s.text),
                    "word_count": d.segmented.words,
                    "imported_at": s.creation_datetime or now(),
                    "imported_by": self.user_names.get(s.creating_user or "") or self.project.coder,
                    "sort_order": base + k,
                },
            )
            store_units(self.tx, doc_id, d.segmented)
            assert d.segmented.index is not None  # asked for in _plan_documents
            store_word_index(self.tx, sha256(s.text), d.language, d.segmented.index)
            self.docs[s.guid].id = doc_id
            self.added["documents"] += 1

    def _attributes(self) -> None:
        rows = list(self.db.query("SELECT id, guid, name, type FROM attributes"))
        by_guid = {r["guid"]: r for r in rows}
        by_name = {r["name"]: r for r in rows}
        attrs: dict[str, dict[str, Any]] = {}
        for v in self.model.variables:
            if v.guid in self.field_vars:
                continue
            row = by_guid.get(v.guid) or by_name.get(v.name.strip())
            if row is None:
                name = v.name.strip()
                if not name or name.casefold() in FIELD_VARIABLES:
                    self.report.skip("Variable", v.guid, v.name, "variable without a usable name")
                    continue
                row = {"guid": v.guid, "name": name, "type": VARIABLE_TO_ATTR[v.type]}
                row["id"] = self.tx.insert("attributes", dict(row))
                by_name[name] = row
                if v.type == "DateTime":
                    self.report.warnings.append(f"variable '{name}' holds date-times: kept as ISO 8601 text")
            attrs[v.guid] = row
        for sguid, values in self.values.items():
            doc = self.docs.get(sguid)
            if doc is None:
                continue
            for vg, value in values.items():
                attr = attrs.get(vg)
                if attr is None:
                    continue
                try:
                    stored = _as_storage(value, attr["type"])
                except ValueError:
                    self.report.skip(
                        "VariableValue",
                        vg,
                        attr["name"],
                        f"value {value!r} is not {article(attr['type'])} {attr['type']} (the project's type for it)",
                    )
                    continue
                if stored is None:
                    continue
                cur = self.db.execute(  # also for new documents: two sources of one text share one
                    "SELECT value FROM document_attributes WHERE document_id = ? AND attribute_id = ?",
                    [doc.id, attr["id"]],
                ).fetchone()
                if cur is None:
                    self.tx.insert(
                        "document_attributes", {"document_id": doc.id, "attribute_id": attr["id"], "value": stored}
                    )
                    self.added["attribute values"] += 1
                elif cur[0] == stored:
                    self.same["attribute values"] += 1
                else:
                    self.report.warnings.append(
                        f"attribute '{attr['name']}' of document {doc.guid}: the file says "
                        f"{stored!r}, the project {cur[0]!r}; kept the project's"
                    )

    def _codings(self) -> None:
        existing = {
            r[0]: tuple(r[1:])
            for r in self.db.execute("SELECT guid, document_id, code_id, coder_id, start, [end] FROM codings")
        }
        keys = {v: g for g, v in existing.items()}
        self.codings = set(existing)
        skipped_sources: dict[str, int] = {}
        mismatches: list[str] = []
        rows: list[dict[str, Any]] = []
        for c in self.model.codings:
            doc = self.docs.get(c.source_guid)
            if doc is None:
                skipped_sources[c.source_guid] = skipped_sources.get(c.source_guid, 0) + 1
                continue
            code_id, coder_id = self.code_map[c.code_guid], self.coders[c.coder_guid]
            key = (doc.id, code_id, coder_id, c.start, c.end)
            where = f"[{c.start},{c.end})"
            if c.guid in existing:
                if existing[c.guid] == key:
                    self.same["codings"] += 1
                else:
                    self.report.warnings.append(
                        f"coding {c.guid} differs from the project's coding of that GUID; kept the project's"
                    )
                continue
            if c.start >= c.end:
                self.report.skip("Coding", c.guid, where, "empty selection")
                continue
            if not self.code_codable.get(code_id, True):
                self.report.skip("Coding", c.guid, where, "on a grouping code of the project (not codable)")
                continue
            if key in keys:
                self.report.skip("Coding", c.guid, where, f"same code, coder and span as coding {keys[key]}")
                continue
            text = doc.text[c.start : c.end]
            if c.excerpt and not _excerpt_matches(c.excerpt, text):
                mismatches.append(
                    f"coding {c.guid} {where}: the file quotes {c.excerpt[:60]!r} but the "
                    f"text there reads {text[:60]!r}"
                )
            created = c.created or now()
            rows.append(
                {
                    "guid": c.guid,
                    "document_id": doc.id,
                    "code_id": code_id,
                    "coder_id": coder_id,
                    "start": c.start,
                    "end": c.end,
                    "text": text,
                    "created_at": created,
                    "updated_at": created,
                },
            )
            if len(rows) == 10_000:
                self.tx.insert_many("codings", rows)
                rows = []
            keys[key] = c.guid
            self.codings.add(c.guid)
            self.added["codings"] += 1
        self.tx.insert_many("codings", rows)
        self.report.warnings += mismatches[:MAX_MISMATCHES_LISTED]
        if len(mismatches) > MAX_MISMATCHES_LISTED:
            self.report.warnings.append(
                f"and {len(mismatches) - MAX_MISMATCHES_LISTED} more codings whose quoted "
                f"text differs from the text at their positions"
            )
        for sguid, n in skipped_sources.items():
            self.report.skip("Coding", sguid, None, f"{n} coding(s) on a source that was not imported")

    def _notes(self) -> None:
        memos = {r[0]: r[1] for r in self.db.execute("SELECT guid, text FROM memos")}
        by_selection: dict[str, list[str]] = {}
        for c in self.model.codings:
            if c.selection_guid:
                by_selection.setdefault(c.selection_guid, []).append(c.guid)
        code_guid = {cid: g for g, cid in ((r[0], r[1]) for r in self.db.execute("SELECT guid, id FROM codes"))}
        for n in self.model.notes:
            if self.own and n.name == CODEBOOK_TITLE_NOTE:
                self._codebook_title(n.text)
                continue
            targets = n.targets or [refi.NoteTarget("project")]
            first = targets[0]
            first_guid = cast(str, first.guid)  # only a project target lacks a GUID
            if len(targets) == 1 and first.kind == "coding" and n.guid == derived_guid("coding-memo", first_guid):
                self._coding_memo(n, first_guid)
                continue
            resolved: list[tuple[str, str | None]] = []
            for t in targets:
                if t.kind == "project":
                    resolved.append(("project", None))
                elif t.kind == "source" and t.guid in self.docs:
                    resolved.append(("document", self.docs[t.guid].guid))
                elif t.kind == "code" and t.guid in self.code_map:
                    resolved.append(("code", code_guid[self.code_map[t.guid]]))
                elif t.kind == "coding" and t.guid in self.codings:
                    resolved.append(("coding", t.guid))
                elif t.kind == "selection":
                    resolved += [("coding", g) for g in by_selection.get(cast(str, t.guid), []) if g in self.codings]
            resolved = list(dict.fromkeys(resolved))
            if not resolved:
                self.report.skip("Note", n.guid, n.name, "attached only to things that were not imported")
                continue
            # a note without a creating user finds no coder here (None is never a key)
            coder_id = self.coders.get(cast(str, n.creating_user)) or self.project.coder_id(tx=self.tx)
            for i, (target, tguid) in enumerate(resolved):
                guid = n.guid if i == 0 else derived_guid(f"note:{target}:{tguid}", n.guid)
                if guid in memos:
                    if memos[guid] == n.text:
                        self.same[f"{target} memos"] += 1
                    else:
                        self.report.warnings.append(f"memo {guid} differs from the file's note; kept the project's")
                    continue
                created = n.creation_datetime or now()
                self.tx.insert(
                    "memos",
                    {
                        "guid": guid,
                        "target": target,
                        "target_guid": tguid,
                        "coder_id": coder_id,
                        "title": n.name or None,
                        "text": n.text,
                        "created_at": created,
                        "updated_at": created,
                    },
                )
                memos[guid] = n.text
                self.added[f"{target} memos"] += 1

    def _codebook_title(self, title: str) -> None:
        have = self.project.meta("codebook_title")
        if have is None:
            self.tx.insert("project", {"key": "codebook_title", "value": title})
        elif have != title:
            self.report.warnings.append(
                f"the file's codebook title {title!r} differs from the project's; kept the project's"
            )

    def _descriptions(self) -> None:
        """Memos that other tools keep as a <Description> (QualCoder, NVivo and MAXQDA do): the
        project's, a source's (and a case's, for its sources) become project and document memos; a
        selection's becomes the memo of each of its codings. GUIDs are derived from what they
        describe, so importing the file again finds them."""
        memos = {r[0]: r[1] for r in self.db.execute("SELECT guid, text FROM memos")}

        def memo(
            kind: str, guid: str, target_guid: str | None, text: str, coder: str | None, title: str | None
        ) -> None:
            text = text.strip()
            if not text:
                return
            if guid in memos:
                if memos[guid] == text:
                    self.same[f"{kind} memos"] += 1
                else:
                    self.report.warnings.append(f"memo {guid} differs from the file's description; kept the project's")
                return
            created = now()
            self.tx.insert(
                "memos",
                {
                    "guid": guid,
                    "target": kind,
                    "target_guid": target_guid,
                    "coder_id": self.coders.get(coder or "") or self.project.coder_id(tx=self.tx),
                    "title": title,
                    "text": text,
                    "created_at": created,
                    "updated_at": created,
                },
            )
            memos[guid] = text
            self.added[f"{kind} memos"] += 1

        m = self.model
        if m.description:
            memo(
                "project",
                derived_guid("description:project", sha256(m.description)),
                None,
                m.description,
                m.creating_user,
                None,
            )
        for src in m.sources:
            doc = self.docs.get(src.guid)
            if doc is not None and src.description:
                memo(
                    "document",
                    derived_guid("description:source", src.guid),
                    doc.guid,
                    src.description,
                    src.creating_user,
                    None,
                )
        for case in m.cases:
            for sg in case.source_guids:
                doc = self.docs.get(sg)
                if doc is not None and case.description:
                    guid = derived_guid(f"description:case:{sg}", case.guid)
                    memo("document", guid, doc.guid, case.description, None, f"case {case.name}")
        for c in m.codings:
            if c.selection_description and c.guid in self.codings:
                self._coding_memo(refi.Note(c.guid, "", c.selection_description.strip()), c.guid)

    def _coding_memo(self, note: refi.Note, coding_guid: str) -> None:
        row = self.db.execute("SELECT id, memo FROM codings WHERE guid = ?", [coding_guid]).fetchone()
        if row is None:
            self.report.skip("Note", note.guid, note.name, f"memo of coding {coding_guid}, which was not imported")
        elif row[1] == note.text:
            self.same["coding memos"] += 1
        elif not row[1]:
            self.tx.update("codings", row[0], {"memo": note.text})
            self.added["coding memos"] += 1
        else:
            self.report.warnings.append(f"the memo of coding {coding_guid} differs from the file's; kept the project's")


def import_model(
    project: Project,
    model: refi.Project,
    report: refi.ImportReport,
    *,
    kind: str = "interview",
    source_sha: str | None = None,
    archive: str | None = None,
) -> refi.ImportReport:
    """Merge a read .qdpx model into the project (see the module docstring for the rules)."""
    return ProjectImport(project, model, report, kind, source_sha, archive).run()


# ----------------------------------------------------------------------------- entry points


def import_qdpx(
    project: Project,
    path: str | Path,
    *,
    kind: str = "interview",
    allow_external_files: bool = False,
    limits: refi.ZipLimits = refi.ZipLimits(),
) -> refi.ImportReport:
    """Merge a .qdpx into the project, all or nothing, by GUID; the report lists what came in and what not."""
    model, report = refi.read_qdpx(path, limits=limits, allow_external_files=allow_external_files)
    return import_model(project, model, report, kind=kind, source_sha=file_sha256(path), archive=Path(path).name)


def import_qdc(project: Project, path: str | Path) -> refi.ImportReport:
    """Merge a .qdc codebook into the project (by GUID, then path), updating the codes it names."""
    codes, report = refi.read_qdc(path)
    return import_codes(project, codes, report, Path(path).name)
