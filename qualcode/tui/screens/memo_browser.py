"""The memo browser (ctrl+a / f8): every memo of the project — on the project, documents, codes and
codings — filtered by kind, coder, code and words; Enter opens the memo's place, ``e`` edits it.

Blind coding hides other coders' memos as it hides their codings (``qualcode.coding.memos``).
The screen follows the project: another process's memo, or an undo, shows within a poll.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from qualcode.codebook.codes import descendants, get_code, list_codes
from qualcode.coding.codings import set_coding_memo
from qualcode.coding.memos import TARGETS, MemoEntry, all_memos, set_memo
from qualcode.errors import QualcodeError
from qualcode.tui.actions import bindings
from qualcode.tui.screens.dialogs import Prompt
from qualcode.tui.screens.memo import MemoScreen
from qualcode.tui.screens.picker import CodePicker
from qualcode.tui.widgets.virtual_list import VirtualList

EMPTY = "No memos yet: ctrl+n on a coding, ctrl+g on a document, ctrl+b on a code."
NO_MATCH = "No memo matches the filters: x clears them."
KIND_STYLE = {"project": "bold magenta", "document": "bold cyan", "code": "bold green", "coding": "bold yellow"}

Place = tuple[str, int]  # ("document", document id) | ("coding", coding id) | ("code", code id)


def when(at: str | None) -> str:
    """``2026-11-30T19:48:54Z`` → ``2026-11-30 19:48`` (UTC, as stored)."""
    return (at or "")[:16].replace("T", " ")


class MemoList(VirtualList):
    """Memos, two rows each: kind, place, coder and time; the memo's first line."""

    ROWS_PER_ITEM = 2

    class Moved(Message):
        """The highlight moved to another memo (the preview follows)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.colours: dict[int, str | None] = {}

    def watch_highlighted(self, new: int | None) -> None:
        super().watch_highlighted(new)
        self.post_message(self.Moved())

    def render_item(self, index: int, width: int) -> list[Text]:
        m: MemoEntry = self.items[index]
        head = Text()
        head.append("▌", style=(self.colours.get(m.code_id) if m.code_id is not None else None) or "grey50")
        head.append(f"{m.kind:<9}", style=KIND_STYLE.get(m.kind, "bold"))
        tail = f"  {m.coder or '(no coder)'} · {when(m.updated_at)}"
        room = max(8, width - 10 - len(tail))  # the place gives way, so coder and time stay in view
        span = f" [{m.start},{m.end})" if m.kind == "coding" and m.target.endswith(f" [{m.start},{m.end})") else ""
        place = m.target[: len(m.target) - len(span)]
        room -= len(span)  # a coding's span stays whole: its document name gives way
        head.append((place if len(place) <= room else place[: max(1, room - 1)] + "…") + span)
        head.append(tail, style="dim")
        body = Text("  ✎ ", style="yellow")
        body.append(m.first_line[: width * 2])
        return [head, body]


class MemoBrowserScreen(Screen[Place | None]):
    """Dismisses with the place to open (see ``Place``), or None."""

    AUTO_FOCUS = "MemoList"

    BINDINGS = bindings("memos")

    def __init__(self, project) -> None:
        super().__init__()
        self.project = project
        self.kind: str | None = None
        self.coder: str | None = None
        self.code_id: int | None = None
        self.words = ""
        self.memos: list[MemoEntry] = []  # every memo this session may see
        self.rows: list[MemoEntry] = []  # those the filters keep, as listed

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="mb-summary")
        yield MemoList(id="mb-list")
        yield Static(id="mb-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "memos"
        self.query_one("#mb-preview").border_title = "Memo"
        self._reload()
        self.query_one(MemoList).focus()

    # ------------------------------------------------------------------ following the project
    def history_replayed(self) -> None:
        """ctrl+z / ctrl+y undid or redid a step: the memos as they now are."""
        self._reload()

    def news_arrived(self, news: Any) -> None:
        """Another process changed the project: the memos as they now are."""
        if news.areas & {"memos", "codings", "codes", "documents", "project", "coders"}:
            self._reload()

    # ------------------------------------------------------------------ data
    def _code_ids(self) -> set[int]:
        if self.code_id is None:
            return set()
        return {self.code_id} | {d.id for d in descendants(self.project, self.code_id)}

    def filtered(self) -> list[MemoEntry]:
        codes = self._code_ids()
        words = self.words.casefold().split()
        return [
            m
            for m in self.memos
            if (self.kind is None or m.kind == self.kind)
            and (self.coder is None or m.coder == self.coder)
            and (self.code_id is None or m.code_id in codes)
            and all(w in f"{m.text} {m.target} {m.coder or ''}".casefold() for w in words)
        ]

    def _reload(self) -> None:
        memo_list = self.query_one(MemoList)
        keep = self.rows[memo_list.highlighted].key if self.rows and memo_list.highlighted is not None else None
        try:
            self.memos = all_memos(self.project)
            codes = list_codes(self.project)
        except QualcodeError as e:
            self.notify(str(e), severity="error")
            return
        if self.code_id is not None and self.code_id not in {c.id for c in codes}:
            self.code_id = None  # the code was deleted (here or elsewhere)
        self.rows = self.filtered()
        memo_list.colours = {c.id: c.colour for c in codes}
        keys = [m.key for m in self.rows]
        memo_list.set_items(self.rows, keys.index(keep) if keep in keys else 0)
        self._summarise()
        self._preview()

    def _summarise(self) -> None:
        per_kind = {k: sum(1 for m in self.memos if m.kind == k) for k in TARGETS}
        summary = Text()
        summary.append(f"{len(self.memos)} memo(s)", style="bold")
        summary.append("  " + " · ".join(f"{k} {n}" for k, n in per_kind.items()))
        if len(self.rows) != len(self.memos):
            summary.append(f"   showing {len(self.rows)}", style="bold")
        code = get_code(self.project, self.code_id).path + " (with children)" if self.code_id is not None else "any"
        summary.append(
            f"\nkind: {self.kind or 'all'} · coder: {self.coder or 'all'} · code: {code} · words: {self.words or '—'}",
            style="dim",
        )
        self.query_one("#mb-summary", Static).update(summary)
        self.sub_title = f"memos · {len(self.rows)} of {len(self.memos)}"

    def _preview(self) -> None:
        preview = self.query_one("#mb-preview", Static)
        m = self.current
        if m is None:
            preview.update(Text(NO_MATCH if self.memos else EMPTY, style="dim"))
            return
        out = Text()
        out.append(f"{m.kind} ", style=KIND_STYLE.get(m.kind, "bold"))
        out.append(m.target, style="bold")
        out.append(f"  {m.coder or '(no coder)'} · {when(m.updated_at)}\n", style="dim")
        out.append(m.text.strip())
        preview.update(out)

    @property
    def current(self) -> MemoEntry | None:
        highlighted = self.query_one(MemoList).highlighted
        return self.rows[highlighted] if self.rows and highlighted is not None else None

    def on_memo_list_moved(self, event: MemoList.Moved) -> None:
        event.stop()
        self._preview()

    # ------------------------------------------------------------------ filters
    def action_cycle_kind(self) -> None:
        kinds: list[str | None] = [None, *TARGETS]
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        self._reload()

    def action_cycle_coder(self) -> None:
        names: list[str | None] = [None, *sorted({m.coder for m in self.memos if m.coder})]
        self.coder = names[(names.index(self.coder) + 1) % len(names)] if self.coder in names else None
        self._reload()

    def action_choose_code(self) -> None:
        def chosen(choice):
            if choice and "code_id" in choice:
                self.code_id = choice["code_id"]
                self._reload()

        self.app.push_screen(
            CodePicker(list_codes(self.project), "Memos of code… (esc keeps the filter)", allow_new=False), chosen
        )

    def action_filter_text(self) -> None:
        def apply(text):
            if text is not None:
                self.words = text.strip()
                self._reload()

        self.app.push_screen(
            Prompt("Memos containing (words, empty for all):", self.words, hint="in the memo, its place or coder"),
            apply,
        )

    def action_clear_filters(self) -> None:
        self.kind = self.coder = self.code_id = None
        self.words = ""
        self._reload()

    # ------------------------------------------------------------------ open, edit, close
    def on_virtual_list_chosen(self, event: VirtualList.Chosen) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        m = self.current
        if m is None:
            return
        if m.kind == "document" and m.document_id is not None:
            self.dismiss(("document", m.document_id))
        elif m.kind == "coding" and m.coding_id is not None:
            self.dismiss(("coding", m.coding_id))
        elif m.kind == "code" and m.code_id is not None:
            self.dismiss(("code", m.code_id))
        else:  # the project's memo has no place but itself
            self.action_edit()

    def action_edit(self) -> None:
        m = self.current
        if m is None:
            return
        if m.coder != self.project.coder:
            whose = f"{m.coder}'s" if m.coder else "an imported"
            self.notify(f"this is {whose} memo: you edit only your own", severity="warning")
            return

        def save(text):
            if text is None:
                return
            try:
                if m.memo_id is None and m.coding_id is not None:
                    set_coding_memo(self.project, m.coding_id, text)
                else:
                    set_memo(self.project, m.kind, m.target_guid, text)
            except QualcodeError as e:
                self.notify(str(e), severity="error")
                return
            self.notify("memo saved" if text.strip() else "memo removed")
            self._reload()

        self.app.push_screen(MemoScreen(f"Memo on {m.kind} {m.target}", m.text), save)

    def action_close(self) -> None:
        self.dismiss(None)
