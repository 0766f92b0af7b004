"""The command palette (ctrl+p): the actions table's palette rows, plus "open document …"."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from qualcode.tui.actions import ACTIONS, key_label


class WorkbenchCommands(Provider):
    def _commands(self):
        for a in ACTIONS:
            if a.palette:
                yield a.help, partial(self.app.run_action, a.action), f"key {key_label(a)}"
        app: Any = self.app  # the workbench (QualcodeApp): documents to open
        for d in getattr(app, "document_rows", []):
            yield (
                f"Open document {d['name']}",
                partial(app.open_document, d["id"]),
                f"{d['kind']}, {d['codings']} codings",
            )

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
