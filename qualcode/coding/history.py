"""A coder's codings as they stood at an earlier moment, rebuilt from the event log.

Why: code–recode (intra-coder) reliability compares a coder with herself weeks apart, and
supervisors ask for it beside inter-coder agreement. Every change to codings is logged with its
rows before and after, so today's codings, walked back through the changes logged after a moment,
are that moment's codings — no snapshot needs to have been taken. An event that changed codings
without recording its rows (a .qdpx import, a pseudonymisation) cannot be walked back; the
rebuild then refuses by naming it instead of guessing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.store import events

if TYPE_CHECKING:
    from qualcode.project import Project

CodingRow = tuple[int, int, int, int, str]  # document id, code id, start, end, GUID


def parse_moment(text: str) -> str:
    """``2026-11-01`` → the end of that day, ``2026-11-01T12:00`` → the end of that minute, both UTC and in
    the log's spelling (``2026-11-01T23:59:59Z``); an offset is converted to UTC."""
    t = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            moment = datetime.fromisoformat(t).replace(hour=23, minute=59, second=59, tzinfo=UTC)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", t):  # a minute: all of it
            moment = datetime.fromisoformat(t).replace(second=59, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(t.replace("Z", "+00:00"))
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:
        raise QualcodeError(
            f"'{text}' is not a date or time; write e.g. anna@2026-11-01 or anna@2026-11-01T14:30"
        ) from None
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def codings_as_of(project: Project, coder_id: int, moment: str) -> list[CodingRow]:
    """The coder's codings as they stood at ``moment`` (the log's UTC spelling), in no order."""
    rows: dict[int, CodingRow] = {
        r[0]: (r[1], r[2], r[3], r[4], r[5])
        for r in project.db.execute(
            "SELECT id, document_id, code_id, start, [end], guid FROM codings WHERE coder_id = ?", [coder_id]
        ).fetchall()
    }
    later = project.db.execute(
        "SELECT id, at, action, summary, changes FROM events WHERE at > ? ORDER BY id DESC", [moment]
    ).fetchall()
    for _, at, action, summary, changes in later:
        if action == events.DOCUMENT_REVISE.name and (changes is None or '"codings"' in changes):
            raise QualcodeError(
                f"cannot compare with the codings as of {moment}: at {at} '{summary or action}' revised a "
                "document's text, and earlier codings sit in the old text; choose a moment after it"
            )
        if changes is None:
            kind = events.KINDS.get(action)
            if kind is None or kind.records_rows or "codings" in kind.touches:
                raise QualcodeError(
                    f"cannot rebuild the codings as of {moment}: at {at} '{summary or action}' changed codings "
                    "without recording them; choose a moment after it"
                )
            continue
        if '"codings"' not in changes:
            continue
        for change in reversed(json.loads(changes)):
            if change.get("t") != "codings":
                continue
            after, before = change.get("after"), change.get("before")
            if after and after["coder_id"] == coder_id:
                rows.pop(after["id"], None)
            if before and before["coder_id"] == coder_id:
                rows[before["id"]] = (
                    before["document_id"],
                    before["code_id"],
                    before["start"],
                    before["end"],
                    before["guid"],
                )
    return list(rows.values())
