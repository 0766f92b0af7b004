"""What an export is called and how it says where it came from: one place for the command line and
the workbench, so the same options make the same file name and the same provenance line.

A file's name states every option that changes its content (a different command never overwrites
another's file, the same command writes the same file); where the readable name would lose what
tells two commands apart, it ends in a short hash of the exact options.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.analysis.data import CoderChoice, Selection

__all__ = ["MAX_STEM", "coder_label", "export_stem", "provenance_line", "slug"]

MAX_STEM = 96  # characters; longer names end in a hash of the whole


def slug(text: str) -> str:
    """A file-name part: ASCII, lower case, ``_`` between words (any script transliterated);
    unlike a variable name it may start with a digit ("34")."""
    from qualcode.interchange.exporters.varnames import to_varname

    return to_varname(f"x{text}", max_length=41)[1:].strip("_") or "x"


def _lossy(text: str) -> bool:
    """Whether a slug drops what tells two values apart: operators (``age>=30`` vs ``age<=30``),
    other punctuation, or a part cut at 41 characters. Case and spaces are not counted: the
    filters ignore case, and code paths differ by more than a space."""
    return len(text) > 40 or any(not (ch.isalnum() or ch in " =_/-.:%") for ch in text)


def export_stem(base: str, *parts: str | None, **options: object) -> str:
    """``base`` and every option that changes the content, readable and stable:
    ``cooccurrence_overlap_count_anna_depth_1_where_site_vesterbro``. Options that are None, False
    or empty are left out. Where the readable name loses what distinguishes the options (an
    operator, punctuation, a long path cut short) or passes ``MAX_STEM`` characters, it ends in a
    short hash of the exact options, so two different commands never share a name."""
    raw = [p for p in parts if p]
    words = [base, *(slug(p) for p in raw)]
    for key, value in options.items():
        if value in (None, False, (), [], ""):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        if value is True:
            words.append(slug(key))
        else:
            words.append("_".join([slug(key), *(slug(str(v)) for v in values)]))
            raw += [str(v) for v in values]
    stem = "_".join(w for w in words if w)
    exact = repr((base, parts, sorted(options.items())))
    digest = hashlib.sha256(exact.encode()).hexdigest()[:8]
    if len(stem) > MAX_STEM:
        stem = stem[: MAX_STEM - 9].rstrip("_") + "_" + digest
    elif any(_lossy(r) for r in raw):
        stem = f"{stem}_{digest}"
    return stem


def provenance_line(command: str, project_path: Path) -> str:
    """``qualcode … (project demo.db, 2026-11-30T18:30:00Z, qualcode 0.1.0)``: the exact command
    (its filters included), the project and the time, as every export records them."""
    from qualcode import __version__
    from qualcode.ids import now

    return f"{command} (project {project_path.name}, {now()}, qualcode {__version__})"


def coder_label(sel: Selection, choice: CoderChoice, name: str | None = None) -> str:
    """The coders of a result as a file-name part: ``anna``, ``pooled_anna_bo``."""
    if name is not None:
        return name
    names = [sel.coders[i] for i in choice.coder_ids]
    return ("pooled_" if choice.pool else "") + "_".join(names)
