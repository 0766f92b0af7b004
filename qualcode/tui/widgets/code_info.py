"""The highlighted code's definition, inclusion and exclusion criteria: the rules at hand while coding."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def describe(code, count: int | None = None, memo: str | None = None) -> Text:
    if code is None:
        return Text("No code highlighted.\nMove in the codebook tree, or put the cursor in a coding.", style="dim")
    out = Text()
    out.append("■ ", style=code.colour or "grey50")
    out.append(code.path, style="bold")
    if code.hotkey:
        out.append(f"  [{code.hotkey}]", style="bold cyan")
    if not code.codable:
        out.append("  (grouping code)", style="dim")
    if count is not None:
        out.append(f"  {count} codings", style="dim")
    for title, body in (
        ("Definition", code.description),
        ("Include", code.inclusion),
        ("Exclude", code.exclusion),
        ("Example", code.example),
        ("Memo", memo),
    ):
        if body:
            out.append(f"\n{title}: ", style="bold")
            out.append(body.strip())
    return out


class CodeInfo(Static):
    def show(self, code, count: int | None = None, memo: str | None = None) -> None:
        self.update(describe(code, count, memo))
