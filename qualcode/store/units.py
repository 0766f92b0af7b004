"""Packing text units (sentences, paragraphs, turns) into one row per document and kind.

Starts and ends are little-endian int32 arrays of code-point offsets, sorted by start; speakers
are a JSON list (or NULL when a kind has none); times are float64 pairs for subtitle turns.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from qualcode.text.segmentation import Unit

    UnitArrays = tuple[NDArray[np.int64], NDArray[np.int64]]  # (starts, ends) of one document's units

# (document_id, kind, count, starts, ends, speakers JSON, times): one row of ``unit_sets``
UnitSetRow = tuple[int, str, int, bytes, bytes, str | None, bytes | None]


def _ints(values: Sequence[int]) -> bytes:
    a = array("i", values)
    if sys.byteorder != "little":  # pragma: no cover
        a.byteswap()
    return a.tobytes()


def from_ints(blob: bytes) -> array[int]:
    a = array("i")
    a.frombytes(blob)
    if sys.byteorder != "little":  # pragma: no cover
        a.byteswap()
    return a


def pack(document_id: int, kind: str, units: list[Unit]) -> UnitSetRow:
    """One row of ``unit_sets`` for units of one kind."""
    if any(units[i].start > units[i + 1].start for i in range(len(units) - 1)):
        units = sorted(units, key=lambda u: (u.start, u.end))
    speakers = [u.speaker for u in units]
    time_blob = None
    if any(u.time_start is not None or u.time_end is not None for u in units):  # subtitles only
        times = [t for u in units for t in (u.time_start, u.time_end)]
        time_blob = array("d", [float("nan") if t is None else t for t in times]).tobytes()
    return (
        document_id,
        kind,
        len(units),
        _ints([u.start for u in units]),
        _ints([u.end for u in units]),
        json.dumps(speakers, ensure_ascii=False) if any(speakers) else None,
        time_blob,
    )


def pack_spans(document_id: int, kind: str, starts: NDArray[np.int64], ends: NDArray[np.int64]) -> UnitSetRow:
    """One row for sorted spans without speakers or times (sentences), from two arrays."""
    return (document_id, kind, len(starts), starts.astype("<i4").tobytes(), ends.astype("<i4").tobytes(), None, None)


INSERT_SQL = (
    "INSERT OR REPLACE INTO unit_sets (document_id, kind, count, starts, ends, speakers, times) VALUES (?,?,?,?,?,?,?)"
)


def unpack(row: tuple[Any, ...]) -> list[dict[str, Any]]:
    """``(starts, ends, speakers, times)`` blobs → unit dicts with ``seq`` counting from 1."""
    starts_b, ends_b, speakers_j, times_b = row
    starts, ends = from_ints(starts_b), from_ints(ends_b)
    speakers = json.loads(speakers_j) if speakers_j else [None] * len(starts)
    times = array("d")
    if times_b:
        times.frombytes(times_b)
    out = []
    for i, (s, e) in enumerate(zip(starts, ends)):
        ts = te = None
        if times_b:
            ts, te = times[2 * i], times[2 * i + 1]
            ts = None if ts != ts else ts
            te = None if te != te else te
        out.append({"seq": i + 1, "start": s, "end": e, "speaker": speakers[i], "time_start": ts, "time_end": te})
    return out


def arrays(row: tuple[Any, ...]) -> UnitArrays:
    """``(starts, ends)`` as numpy int64 arrays, for analysis."""
    import numpy as np

    return (np.frombuffer(row[0], dtype="<i4").astype(np.int64), np.frombuffer(row[1], dtype="<i4").astype(np.int64))
