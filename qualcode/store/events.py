"""Every kind of event the log can hold: its name, what it changes, and how it is undone.

Every write names one of these (``project.transaction(events.CODING_ADD, summary)``), so the log's
vocabulary is one list, and whether a step is undoable or records its rows is a property of the
kind, not of the call. An event that records its rows holds the change set (each row before and
after) and is undone by applying it backwards; one that does not holds only its summary — an
import, whose way back is ``qualcode remove``, or a pseudonymisation, whose rows would carry the
names it removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventKind:
    name: str
    changes: str  # what it changes, in words
    undo: str  # how it is undone
    undoable: bool = True  # a step for ``qualcode undo``
    records_rows: bool = True  # the change set holds the rows (else only the summary)
    touches: frozenset[str] = frozenset()  # what it changes when it records no rows (for news)

    def __str__(self) -> str:
        return self.name


def _kind(name: str, changes: str, undo: str = "undo applies the change set backwards", **kw: Any) -> EventKind:
    return EventKind(name, changes, undo, **kw)


NOT_UNDONE = {"undoable": False, "records_rows": False}
PROJECT_CREATE = _kind(
    "project.create",
    "the project's identity: GUID, name, creation time",
    "not undoable: delete the file",
    undoable=False,
)
PROJECT_META = _kind("project.meta", "a project setting (codebook title, demo mark)")
PROJECT_BLIND = _kind("project.blind", "blind coding on or off")
PROJECT_BACKUP = _kind("project.backup", "nothing: records that a backup was taken", "nothing to undo", **NOT_UNDONE)
PROJECT_SHARE = _kind(
    "project.share",
    "a shared copy's whole content (its first and only event)",
    "not undoable: delete the copy",
    **NOT_UNDONE,
    touches=frozenset({"documents", "codes", "codings"}),
)
PROJECT_MERGE = _kind("project.merge", "coders, codes, documents, codings and memos from another project file")
SUPERVISOR_ACCESS = _kind(
    "blind.supervisor",
    "nothing: records a supervisor's access while blind coding is on",
    "nothing to undo",
    **NOT_UNDONE,
)
CODER_ADD = _kind("coder.add", "a new coder")
DOCUMENTS_IMPORT = _kind(
    "documents.import",
    "new documents with their units and attributes",
    "not undoable: 'qualcode remove DOC' takes a document out",
    **NOT_UNDONE,
    touches=frozenset({"documents"}),
)
DOCUMENT_REMOVE = _kind("document.remove", "a document with its units, attributes, versions, memos and codings")
DOCUMENT_REVISE = _kind("document.revise", "a document's text (a new version), its units and its codings' places")
ATTRIBUTES_IMPORT = _kind("attributes.import", "document attributes, kinds and languages")
ATTRIBUTE_SET = _kind("attribute.set", "one document's value of one attribute (or its kind)")
ATTRIBUTE_ADD = _kind("attribute.add", "a new document attribute with its type")
REVIEW_RESOLVE = _kind("review.resolve", "the list of codings to check after a revision")
QDPX_IMPORT = _kind(
    "qdpx.import",
    "coders, codes, documents, codings and memos from a .qdpx file",
    "not undoable: remove what came in",
    **NOT_UNDONE,
    touches=frozenset({"documents", "codes", "codings", "memos", "coders"}),
)
CODEBOOK_IMPORT = _kind("codebook.import", "codes from a codebook file (.yaml or .qdc)")
CODE_ADD = _kind("code.add", "a new code")
CODE_EDIT = _kind("code.edit", "a code's name, definition, colour, hotkey or codability")
CODE_MOVE = _kind("code.move", "a code's place in the tree")
CODE_REORDER = _kind("code.reorder", "a code's order among its siblings")
CODE_MERGE = _kind("code.merge", "two codes into one: codings move, exact duplicates collapse")
CODE_DELETE = _kind("code.delete", "a code, and its codings moved or removed")
CODING_ADD = _kind("coding.add", "a new coding")
CODING_REMOVE = _kind("coding.remove", "a coding and its memos")
CODING_RESIZE = _kind("coding.resize", "a coding's span")
CODING_MEMO = _kind("coding.memo", "a coding's memo")
CODINGS_IMPORT = _kind("codings.import", "codings from a CSV file")
AUTOCODE = _kind("autocode", "an auto-coding run's codings (coder auto:QUERY)")
ASSIST_TRAIN = _kind(
    "assist.train",
    "a trained model of the coding assistant, with its card (the summary names it; the model is not copied here)",
    "not undoable: a model is the record of what made its suggestions",
    **NOT_UNDONE,
)
ASSIST_FORGET = _kind(
    "assist.forget",
    "deletes stored models of the coding assistant (the summary names them; the models are not copied here)",
    "not undoable: the log never held the models; 'qualcode assist train' trains a new one",
    **NOT_UNDONE,
)
ASSIST_APPLY = _kind("assist.apply", "the assistant's suggestions as codings of coder assist:MODEL")
ASSIST_ACCEPT = _kind(
    "assist.accept", "an accepted suggestion: the coder's coding and the decision (model, confidence)"
)
ASSIST_REJECT = _kind("assist.reject", "a rejected suggestion: the decision, which the next training reads")
ADJUDICATE = _kind("adjudicate", "the consensus coder's codings of one passage")
ADJUDICATE_AGREED = _kind("adjudicate.agreed", "the consensus coder's codings of the passages coders agree on")
MEMO_SET = _kind("memo.set", "a memo on the project, a document, a code or a coding")
PSEUDONYM_ADD = _kind(
    "pseudonym.add",
    "the pseudonym list (the names are not recorded)",
    "not undoable: 'qualcode pseudonyms remove'",
    **NOT_UNDONE,
)
PSEUDONYM_REMOVE = _kind(
    "pseudonym.remove", "the pseudonym list (the names are not recorded)", "not undoable: add it again", **NOT_UNDONE
)
PSEUDONYM_IMPORT = _kind(
    "pseudonym.import",
    "the pseudonym list (the names are not recorded)",
    "not undoable: remove the entries",
    **NOT_UNDONE,
)
PSEUDONYMS_APPLY = _kind(
    "pseudonyms.apply",
    "every text that named someone on the list (new versions)",
    "undoable only with --keep-original; otherwise revise back from a backup",
    touches=frozenset({"documents", "codings", "memos", "codes"}),
)
UNDO = _kind("undo", "the inverse of an earlier step (ref: its event)", "redo", undoable=False)
REDO = _kind("redo", "an undone step again (ref: its event)", "undo", undoable=False)

KINDS: dict[str, EventKind] = {k.name: k for k in globals().values() if isinstance(k, EventKind)}


def kind(name: str) -> EventKind:
    """The kind of a logged event by its name (older logs may hold names no longer written)."""
    return KINDS.get(name) or EventKind(name, "unknown", "unknown")
