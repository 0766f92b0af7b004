"""Shared fixtures for the workbench tests: the demo study built once, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo study (built once per session by conftest's ``demo_template``)."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return target


def codings(path: Path, **where) -> list[tuple]:
    """Stored rows (document name, code path, coder, start, end, memo) — read straight from the file."""
    import sqlite3

    con = sqlite3.connect(path)
    sql = (
        "WITH RECURSIVE p(id, path) AS (SELECT id, name FROM codes WHERE parent_id IS NULL UNION ALL "
        "SELECT c.id, p.path || '/' || c.name FROM codes c JOIN p ON c.parent_id = p.id) "
        "SELECT d.name, p.path, k.name, c.start, c.[end], c.memo FROM codings c "
        "JOIN documents d ON d.id = c.document_id JOIN p ON p.id = c.code_id JOIN coders k ON k.id = c.coder_id"
    )
    conds, params = [], []
    for key, column in (
        ("document", "d.name"),
        ("code", "p.path"),
        ("coder", "k.name"),
        ("start", "c.start"),
        ("end", "c.[end]"),
    ):
        if key in where:
            conds.append(f"{column} = ?")
            params.append(where[key])
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    rows = con.execute(sql + " ORDER BY d.name, c.start, c.[end], p.path, k.name", params).fetchall()
    con.close()
    return rows


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
