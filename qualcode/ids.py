"""GUIDs and timestamps, in the forms REFI-QDA uses."""

import re
import uuid
from datetime import UTC, datetime


def new_guid() -> str:
    """A uuid4 in upper case, as REFI-QDA writes GUIDs."""
    return str(uuid.uuid4()).upper()


_OURS = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def normalise_guid(value: str) -> str:
    """Accept other tools' spellings (lower case, braces) and return ours."""
    if _OURS.fullmatch(value):
        return value  # already ours: a million codings need no uuid.UUID each
    g = value.strip().strip("{}").upper()
    uuid.UUID(g)  # raises ValueError on garbage
    return g


def now() -> str:
    """UTC timestamp, ISO 8601 with seconds, as stored in every table."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
