"""Shell completion of the project's own names: documents, codes, coders and attributes.

click completes commands and options itself (``eval "$(_QUALCODE_COMPLETE=bash_source qualcode)"``);
these callbacks add what is in the project file named by ``-p`` (or the default), read-only and
quietly: a completion never writes, never prompts, and offers nothing rather than an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from qualcode.errors import QualcodeError


def _names(ctx: click.Context, read: Callable[[Any], list[str]]) -> list[str]:
    from qualcode.defaults import default_project_path

    root = ctx.find_root()
    path = Path(root.params.get("project") or default_project_path())
    if not path.is_file():
        return []
    try:
        from qualcode.project import Project

        with Project.open(path, readonly=True) as p:
            return read(p)
    except (QualcodeError, sqlite3.Error, OSError):  # a completion offers nothing rather than an error
        return []


def _complete(
    read: Callable[[Any], list[str]],
) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    def complete(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        folded = incomplete.casefold()
        return [CompletionItem(n) for n in _names(ctx, read) if n.casefold().startswith(folded)]

    return complete


def _documents(p: Any) -> list[str]:
    from qualcode.corpus.documents import list_documents

    return [d["name"] for d in list_documents(p)]


def _codes(p: Any) -> list[str]:
    from qualcode.codebook.codes import list_codes

    return [c.path for c in list_codes(p)]


def _coders(p: Any) -> list[str]:
    return [c["name"] for c in p.coders()]


def _attributes(p: Any) -> list[str]:
    from qualcode.corpus.attributes import attribute_types

    return [*attribute_types(p), "kind", "language"]


def _where(p: Any) -> list[str]:
    return [f"{a}=" for a in _attributes(p)]


documents = _complete(_documents)
codes = _complete(_codes)
coders = _complete(_coders)
attributes = _complete(_attributes)
where = _complete(_where)
