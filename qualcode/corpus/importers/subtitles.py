"""WebVTT and SubRip transcripts (from Zoom, Teams, Whisper, oTranscribe …).

Consecutive cues by one speaker become one turn, written as ``Speaker: words`` paragraphs, and
each turn keeps the time of its first and last cue so the TUI can show where it sits in the
recording. Speakers come from VTT voice tags ``<v Name>`` or a ``Name:`` prefix in the cue.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qualcode.corpus.importers.base import Extracted
from qualcode.errors import QualcodeError
from qualcode.text.decoding import decode, normalise
from qualcode.text.segmentation import Unit

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})"
_CUE_TIME = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
_TAGS = re.compile(r"</?[^>]+>")
_PREFIX = re.compile(r"^([A-ZÆØÅ][\w .'\-]{0,29}):\s+")


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _cues(text: str, name: str, kind: str) -> Iterator[tuple[float, float, str | None, str]]:
    lines = normalise(text).split("\n")
    i = 0
    if kind == "vtt":
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise QualcodeError(f"{name}: line 1: a WebVTT file must start with 'WEBVTT'")
    found_any = False
    while i < len(lines):
        m = _CUE_TIME.match(lines[i])
        if not m:
            if kind == "srt" and lines[i].strip() and not lines[i].strip().isdigit() and not found_any:
                raise QualcodeError(f"{name}: line {i + 1}: expected a cue number or 'HH:MM:SS,mmm --> …'")
            i += 1
            continue
        found_any = True
        start, end = _seconds(*m.groups()[:4]), _seconds(*m.groups()[4:])
        if end < start:
            raise QualcodeError(f"{name}: line {i + 1}: the cue ends before it starts")
        i += 1
        body = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        raw = " ".join(body)
        speaker = None
        v = _VOICE.search(raw)
        if v:
            speaker = v.group(1).strip()
        words = _TAGS.sub("", raw).strip()
        p = _PREFIX.match(words)
        if p and speaker is None:
            speaker, words = p.group(1).strip(), words[p.end() :]
        if words:
            yield start, end, speaker, words
    if not found_any:
        raise QualcodeError(f"{name}: no cues found (no 'HH:MM:SS.mmm --> HH:MM:SS.mmm' lines)")


def _build(path: Path, data: bytes, encoding: str | None, kind: str) -> Extracted:
    text, used = decode(data, path.name, encoding)
    turns: list[list[Any]] = []  # [speaker, start, end, [words]]
    for start, end, speaker, words in _cues(text, path.name, kind):
        if turns and turns[-1][0] == speaker:
            turns[-1][2] = end
            turns[-1][3].append(words)
        else:
            turns.append([speaker, start, end, [words]])
    parts: list[str] = []
    units: list[Unit] = []
    pos = 0
    for speaker, start, end, words in turns:
        label = f"{speaker}: " if speaker else ""
        body = " ".join(words)
        block = label + body
        if parts:
            pos += 2  # the blank line between turns
        units.append(Unit("turn", pos + len(label), pos + len(block), speaker=speaker, time_start=start, time_end=end))
        parts.append(block)
        pos += len(block)
    return Extracted("\n\n".join(parts), kind, used, turns=units)


def read_vtt(path: Path, data: bytes, encoding: str | None) -> Extracted:
    return _build(path, data, encoding, "vtt")


def read_srt(path: Path, data: bytes, encoding: str | None) -> Extracted:
    return _build(path, data, encoding, "srt")
