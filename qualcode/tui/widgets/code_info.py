"""The highlighted code's definition, inclusion and exclusion criteria: the rules at hand while coding.

Its memos come first, marked ✎: the first lines of each (the memo browser, ctrl+a, shows them whole).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

MEMO_LINES = 3  # the first lines of a memo shown under the code's definition

Memos = str | Sequence[tuple[str | None, str]] | None  # one text, or (coder, text) per memo


def memo_excerpt(text: str, lines: int = MEMO_LINES) -> str:
    """The memo's first ``lines`` non-empty lines, "…" where more follow."""
    kept = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[:lines]) + (" …" if len(kept) > lines else "")


def describe(code, count: int | None = None, memo: Memos = None) -> Text:
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
    # the memos first: what the coder thought about the code, in view even in 24 rows
    memos = [(None, memo)] if isinstance(memo, str) else list(memo or [])
    for coder, text in memos:
        if text and text.strip():
            out.append("\n✎ Memo", style="bold yellow")
            out.append(f" ({coder})" if coder else "", style="dim")
            out.append(": ", style="bold")
            out.append(memo_excerpt(text))
    for title, body in (
        ("Definition", code.description),
        ("Include", code.inclusion),
        ("Exclude", code.exclusion),
        ("Example", code.example),
    ):
        if body:
            out.append(f"\n{title}: ", style="bold")
            out.append(body.strip())
    return out


class CodeInfo(Static):
    def show(self, code, count: int | None = None, memo: Memos = None) -> None:
        self.update(describe(code, count, memo))
