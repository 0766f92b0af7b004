"""The workbench's codings export (ctrl+e): its row count is the codings written, whatever line
breaks a memo holds, and a second export says it replaced the earlier file."""

from __future__ import annotations

import csv
import sqlite3

from qualcode.interchange.exporters.view_exports import export_view
from qualcode.project import Project


def test_codings_export_counts_rows_not_line_breaks_and_says_it_replaced(demo_path):
    con = sqlite3.connect(demo_path)
    n = con.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
    con.execute("UPDATE codings SET memo = ? WHERE id IN (SELECT id FROM codings ORDER BY id LIMIT 2)", ["one\r\ntwo"])
    con.commit()
    con.close()
    p = Project.open(demo_path, coder="anna")
    try:
        first = export_view(p, demo_path, "codings", "codings.csv")
        out = demo_path.parent / "exports" / "codings.csv"
        with out.open(newline="", encoding="utf-8") as f:
            assert len(list(csv.reader(f))) == n + 1
        assert first.rows == n
        assert first.replaced == [] and first.notes == []
        second = export_view(p, demo_path, "codings", "codings.csv")
        assert second.rows == n
        assert second.replaced == [out]
        assert second.notes == ["replaced the earlier codings.csv"]
    finally:
        p.close()
