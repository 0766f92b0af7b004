"""The coding workbench: documents · transcript · codebook, on one screen.

The app owns the open ``Project`` and is the only place that writes to it from the main thread.
Widgets get data through attributes/methods (down) and report gestures as messages (up); slow work
(import, export) runs in thread workers on their own ``Project`` (see ``screens/transfer.py``).
"""

from __future__ import annotations

import dataclasses
import gc
import time
from pathlib import Path

from textual import events, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from qualcode.codebook import tree as code_ops
from qualcode.codebook.codes import code_counts, list_codes
from qualcode.coding.codings import (
    add_coding,
    add_coding_with_new_code,
    codings_in_document,
    codings_per_document,
    get_coding,
    other_coders,
    recent_codes,
    remove_coding,
    resize_coding,
    set_coding_memo,
)
from qualcode.coding.memos import code_memos, codes_with_memos, list_memos, set_memo
from qualcode.corpus.attributes import document_attributes
from qualcode.corpus.documents import document_text, document_units, get_document, list_documents
from qualcode.errors import QualcodeError, describe_unexpected
from qualcode.project import Project, Session
from qualcode.tui.actions import bindings, in_scope
from qualcode.tui.commands import WorkbenchCommands
from qualcode.tui.compat import KeyHolder, guard_toast_timeout, report_and_exit
from qualcode.tui.messages import OpenSegment
from qualcode.tui.screens.cases import CasesScreen
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.screens.dialogs import Prompt, confirm
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.screens.memo import MemoScreen
from qualcode.tui.screens.picker import CodePicker
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.screens.transfer import TransferScreen
from qualcode.tui.selection import Units
from qualcode.tui.widgets.code_info import CodeInfo
from qualcode.tui.widgets.code_tree import CodeTree, code_label
from qualcode.tui.widgets.document_list import DocumentList
from qualcode.tui.widgets.find_bar import FindBar, matches, pick
from qualcode.tui.widgets.transcript import Shown, Transcript

MAIN_ONLY = {a.action for a in in_scope("app") if a.bind and a.action != "help"}
NARROW = 100
LARGE_CHANGE = 20  # rows; a larger undo/redo asks first
POLL_SECONDS = 0.2  # how often the workbench looks for changes other processes committed


class QualcodeApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "qualcode"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {WorkbenchCommands}

    def __init__(
        self,
        project_path: str | Path,
        coder: str | None = None,
        document: str | int | None = None,
        readonly: bool = False,
        supervisor: bool = False,
    ) -> None:
        """``document``: open this one (id, name or GUID) instead of the first."""
        guard_toast_timeout()
        super().__init__()
        self.project_path = Path(project_path)
        self.project = Project.open(self.project_path, coder=coder, readonly=True if readonly else None)
        self.session = Session(
            self.project_path, self.project.coder, True if readonly else None, supervisor, self.project.own_events
        )
        if supervisor:
            self.project.as_supervisor("workbench")
        self._seen_event = self.project.last_event_id()
        self._data_version = self.project.data_version()
        self.start_document = get_document(self.project, document)["id"] if document is not None else None
        self.doc: dict | None = None
        self.view = "mine"
        self.other: str | None = None
        self.code_id: int | None = None
        self.document_rows: list[dict] = []
        self.show_documents = True
        self.narrow_documents = False
        self.committed_at = 0.0
        self.key_holder = KeyHolder(self)
        self._find_note = ""
        self.suggesting = False  # the assistant's suggestion lane (ctrl+x)
        self.min_precision = 0.8
        self.find_query = ""  # find in the document: remembered across uses and documents
        self._found: tuple[tuple[int | None, str], list[tuple[int, int]]] = ((None, ""), [])
        self.counts: dict[int, int] = {}  # codes' coding counts, kept in step by your own changes
        self._code_memos: dict[int, list] = {}
        self.mine_per_doc: dict[int, int] = {}
        self.recent_codes: list[int] = recent_codes(self.project, self.project.coder)  # the picker lists them first

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield DocumentList(id="documents")
            with Vertical(id="centre"):
                yield Transcript(id="transcript")
                yield FindBar(placeholder="find in this document — Enter next · ↑ previous · esc back", id="find")
                yield Static(id="status")
            with Vertical(id="side"):
                yield CodeTree(id="codes")
                yield Static(id="at-cursor")
                yield CodeInfo(id="info")
        yield Footer()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    async def on_event(self, event: events.Event) -> None:
        """Keys are handed on one at a time, and wait for a dialog that is opening (``compat.KeyHolder``)."""
        if isinstance(event, events.Key):
            if event.is_forwarded:  # bubbled back up: the app's own bindings run now
                await super().on_event(event)
                self.key_holder.returned(event)
                return
            if self.key_holder.hold(event):
                return
            await self.dispatch_held_key(event)
            return
        await super().on_event(event)

    async def dispatch_held_key(self, event: events.Key) -> None:
        await super().on_event(event)
        if event.is_forwarded:  # on its way to the focused widget (a priority binding took it otherwise)
            self.key_holder.sent(event)

    def on_mount(self) -> None:
        self.title = f"qualcode · {self.project.meta('name') or self.project_path.stem}"
        if self.project.readonly:
            self.title += " · read-only"
            self.notify(self.project.notice or f"read-only: {self.project.readonly_reason}", timeout=6)
        self.poll_timer = self.set_interval(POLL_SECONDS, self.poll_changes)
        for selector, title in (
            ("#documents", "Documents"),
            ("#transcript", "Transcript"),
            ("#codes", "Codebook"),
            ("#info", "Code"),
        ):
            self.query_one(selector).border_title = title
        self._apply_width(self.size.width)
        self.refresh_documents()
        self.refresh_codes()
        if self.start_document is not None or self.document_rows:
            self.open_document(self.start_document or self.document_rows[0]["id"])
        self.transcript.focus()
        if not self.project.readonly:
            self.prepare_search()
        # What start-up built lives as long as the app: keep full garbage collections from walking
        # it again and again (on 10,000 documents a pause long enough to stall scrolling).
        self.call_after_refresh(gc.freeze)

    @work(thread=True, group="prepare", exit_on_error=False)
    def prepare_search(self) -> None:
        """Fill in the lemmas of words imported since the last lemma search while the coder reads,
        so the first lemma search in this session does not wait for the lexicon (half a second)."""
        from qualcode.corpus.wordindex import fill_lemmas, index_languages

        try:
            with self.session.open() as p:
                for lang in index_languages(p):
                    fill_lemmas(p, lang)
        except QualcodeError:
            pass  # busy or gone: the lemma search fills them itself

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        """Under NARROW columns the document list replaces the codebook panes when shown (f2)."""
        narrow = width < NARROW
        self.screen.set_class(narrow, "narrow")
        docs = self.narrow_documents if narrow else self.show_documents
        self.query_one("#documents").display = docs
        self.query_one("#side").display = not (narrow and docs)

    def on_unmount(self) -> None:
        gc.unfreeze()
        self.project.close()

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error ends the app with one line and exit status 1: never a traceback with
        locals, which would print the transcript's text (see compat.report_and_exit)."""
        report_and_exit(self, error, describe_unexpected(error, self.project_path))

    # ------------------------------------------------------------------ news from other processes
    def poll_changes(self) -> None:
        """Another process (or a worker) committed: refresh what it touched, say who did what.

        The cursor, selection and scroll stay where they are; only the highlight and the counts move.
        """
        try:
            version = self.project.data_version()
            if version == self._data_version:
                return
            self._data_version = version
            news = self.project.news_since(self._seen_event, exclude=self.project.own_events)
        except QualcodeError:
            return
        self._seen_event = max(self._seen_event, news.last_id)
        if not news:
            return
        if self.screen is not self.screen_stack[0]:  # a screen over the workbench follows the news too
            follow = getattr(self.screen, "news_arrived", None)
            if follow is not None:
                follow(news)
        if "codes" in news.areas:
            self.refresh_codes()
        if news.areas & {"documents", "codings", "project"}:
            self.refresh_documents(keep_highlight=True)
            if self.doc and self.doc["id"] not in {d["id"] for d in self.document_rows}:
                self.refresh_all()
                return
        if news.areas & {"codings", "project"}:
            self.refresh_codings()
            self.update_counts()
            self.show_code(self.code_id)
        if "memos" in news.areas:
            self.refresh_memos()
        if news.lines:
            self.notify(" · ".join(news.lines), title="arrived", timeout=4)

    # ------------------------------------------------------------------ data down
    def refresh_documents(self, keep_highlight: bool = False) -> None:
        self.document_rows = list_documents(self.project)
        self.transcript.placeholder = (
            "" if self.document_rows else "No documents yet: ctrl+o imports transcripts (files or a folder)."
        )
        mine = self.mine_per_doc = codings_per_document(self.project, self.project.coder)
        from qualcode.corpus.attributes import attribute_types

        self.query_one(DocumentList).show(
            self.document_rows,
            document_attributes(self.project),
            mine,
            self.doc["id"] if self.doc else None,
            keep_highlight,
            types=attribute_types(self.project),
        )

    def refresh_codes(self) -> None:
        self.codes = list_codes(self.project)
        self.by_hotkey = {c.hotkey: c for c in self.codes if c.hotkey}
        memo_codes = codes_with_memos(self.project)
        self.counts = code_counts(self.project)
        self._code_memos = {}
        self.query_one(CodeTree).show(self.codes, self.counts, self.code_id, memo_codes)
        self.show_code(self.code_id)

    def update_counts(self, reload: bool = True) -> None:
        """After a coding changes: relabel tree nodes in place (cheap; keeps the tree's cursor). Your
        own change was already counted in memory (``reload=False``); another process's is re-read."""
        if reload:
            self.counts = code_counts(self.project)
        totals = dict(self.counts)
        for c in reversed(self.codes):
            if c.parent_id is not None:
                totals[c.parent_id] = totals.get(c.parent_id, 0) + totals.get(c.id, 0)
        by_id = {c.id: c for c in self.codes}
        tree = self.query_one(CodeTree)
        for node in tree._tree_nodes.values():
            if node.data in by_id:
                node.set_label(code_label(by_id[node.data], totals.get(node.data, 0), node.data in tree.memo_codes))

    def refresh_memos(self) -> None:
        """A memo was written or removed: the codebook's ✎ marks and the code box follow (one query)."""
        self.query_one(CodeTree).memo_codes = codes_with_memos(self.project)
        self._code_memos = {}
        self.update_counts()
        self.show_code(self.code_id)

    def refresh_codings(self) -> None:
        if not self.doc:
            return
        me = self.project.coder
        rows = codings_in_document(self.project, self.doc["id"])
        compare = None
        if self.view == "mine":
            rows = [r for r in rows if r["coder"] == me]
        elif self.view == "compare" and self.other is not None:
            rows = [r for r in rows if r["coder"] in (me, self.other)]
            compare = (me, self.other)
        codes = {c.id: (c.name, c.colour) for c in self.codes}
        self.transcript.set_codings(
            [
                Shown(r["id"], r["code_id"], r["coder"], r["start"], r["end"], r["coder"] == me, bool(r["memo"]))
                for r in rows
            ],
            codes,
            compare,
        )
        self.update_header()

    def update_header(self) -> None:
        view = {"mine": "mine", "all": "all coders"}.get(self.view, f"{self.project.coder} vs {self.other}")
        doc = self.doc["name"] if self.doc else "no document"
        flags = (
            (" · read-only" if self.project.readonly else "")
            + (" · blind" if self.project.blind and not self.project.supervisor else "")
            + (" · supervisor" if self.project.supervisor else "")
        )
        self.sub_title = f"coder {self.project.coder} · {doc} · {view}{flags}"
        self.update_status()

    def update_status(self) -> None:
        t = self.transcript
        sel = t.selection
        parts = []
        if sel:
            parts.append(f"selected {sel[0]}–{sel[1]} ({sel[1] - sel[0]}): hotkey or / codes it")
        else:
            parts.append(f"cursor {t.cursor}")
        parts.append(f"unit {t.unit_kind}")
        if self._find_note:
            parts.insert(0, self._find_note)
        sug = t.suggestion
        if self.suggesting and sug is not None and sel == (sug.start, sug.end):
            k = t.suggested.index(sug) + 1 if sug in t.suggested else 0
            parts.insert(
                0, f"suggestion {k}/{len(t.suggested)}: {sug.code_path} {sug.confidence:.2f} (+ accept · - reject)"
            )
        elif self.suggesting:
            parts.append(f"{len(t.suggested)} suggestion(s): > next")
        if self.view == "compare":
            parts.append("┆ dotted = " + str(self.other) + ", ≠ differs")
        self.query_one("#status", Static).update(" · ".join(parts), layout=False)
        state = (sel is not None, t.my_coding_at_cursor() is not None)
        if state != getattr(self, "_key_state", None):  # the footer shows keys that work now
            self._key_state = state
            t.refresh_bindings()

    def show_code(self, code_id: int | None) -> None:
        self.code_id = code_id
        code = next((c for c in self.codes if c.id == code_id), None)
        memos = None
        if code is not None:
            memos = self._code_memos.get(code.id)
            if memos is None:
                memos = self._code_memos[code.id] = code_memos(self.project, code.guid)
        self.query_one(CodeInfo).show(code, self.counts.get(code.id) if code else None, memos)

    def open_document(self, doc_id: int, cursor: int = 0, select: tuple[int, int] | None = None) -> None:
        doc, text = document_text(self.project, doc_id)
        self.doc = doc
        if self.view == "compare":
            others = other_coders(self.project, doc_id, self.project.coder)
            self.other = self.other if self.other in others else (others[0] if others else None)
            if self.other is None:
                self.view = "all"
        project = self.project
        self.transcript.load(
            doc_id, text, lambda kind: Units.from_rows(document_units(project, doc_id, kind)), cursor, select
        )
        self.refresh_codings()
        if self.suggesting:
            self.load_suggestions()
        self.mine_per_doc = codings_per_document(self.project, self.project.coder)
        self.query_one(DocumentList).set_current(doc_id, self.mine_per_doc)

    def refresh_all(self) -> None:
        """After undo/redo or another screen's edits: anything may have changed, even the open document."""
        self.refresh_codes()
        self.refresh_documents()
        ids = {d["id"] for d in self.document_rows}
        if self.doc and self.doc["id"] not in ids:  # e.g. an import was undone
            self.doc = None
            if self.document_rows:
                self.open_document(self.document_rows[0]["id"])
            return
        self.refresh_codings()

    # ------------------------------------------------------------------ messages up
    def on_document_list_opened(self, event: DocumentList.Opened) -> None:
        self.open_document(event.doc_id)
        if self.narrow_documents:
            self.narrow_documents = False
            self._apply_width(self.size.width)
        self.transcript.focus()

    def on_code_tree_highlighted(self, event: CodeTree.Highlighted) -> None:
        if event.control.id == "codes":
            self.show_code(event.code_id)

    def on_code_tree_apply_requested(self, event: CodeTree.ApplyRequested) -> None:
        if event.control.id != "codes":
            return
        sel = self.transcript.selection
        if not sel:
            self.notify("select text in the transcript first (1–4, shift+arrows or drag)", severity="warning")
            return
        self.apply_code(event.code_id, sel)

    def on_transcript_cursor_moved(self, event: Transcript.CursorMoved) -> None:
        if event.codings:
            self.show_code(event.codings[0].code_id)
        self.show_at_cursor(event.codings)
        self.update_status()

    def show_at_cursor(self, codings: list[Shown]) -> None:
        """Every coding at the cursor: code (colour, path), coder, span, memo; ▶ the current one."""
        from rich.text import Text

        panel = self.query_one("#at-cursor", Static)
        panel.border_title = "At cursor"
        panel.display = bool(codings)
        if not codings:
            return
        current = self.transcript.my_coding_at_cursor()
        out = Text()
        room = 3 if self.size.height < 30 else 5  # the panel is a few lines high: say what is not shown
        hidden = codings[room:]
        for i, c in enumerate(codings[:room]):
            code = next((k for k in self.codes if k.id == c.code_id), None)
            out.append("\n" if i else "")
            out.append("▶ " if current is not None and c.id == current.id else "  ", style="bold")
            out.append("■ ", style=(code.colour if code else None) or "grey50")
            out.append(code.path if code else "?", style="bold" if c.mine else "")
            out.append(f"  {c.coder} [{c.start}–{c.end})", style="dim")
            if c.memo:
                out.append("  ✎", style="yellow")
        if hidden:
            out.append(f"\n+{len(hidden)} more here", style="bold")
        if sum(1 for c in codings if c.mine) > 1:
            out.append("  =: next of yours" if hidden else "\n=: next of yours", style="dim")
        panel.update(out)

    def on_transcript_current_chosen(self, event: Transcript.CurrentChosen) -> None:
        self.notify(f"current: {self._code_name(event.coding.code_id)} [{event.coding.start}–{event.coding.end})")

    def on_transcript_selection_changed(self, event: Transcript.SelectionChanged) -> None:
        self.update_status()

    def on_transcript_hotkey_pressed(self, event: Transcript.HotkeyPressed) -> None:
        code = self.by_hotkey.get(event.key)
        if code is None:
            self.notify(f"no code has the hotkey '{event.key}' (see ? for keys)", severity="warning")
        elif not event.span:
            self.notify(f"select text first to code it {code.path} (1–4, shift+arrows or drag)", severity="warning")
        else:
            self.apply_code(code.id, event.span)

    def on_transcript_uncode_requested(self, event: Transcript.UncodeRequested) -> None:
        c = event.coding
        if self._write(remove_coding, self.project, c.id):
            self.notify(f"removed {self._code_name(c.code_id)} [{c.start}–{c.end}) (ctrl+z undoes)")
            self.after_coding_change(removed=(c.id,), counted={c.code_id: -1})

    def on_transcript_resize_requested(self, event: Transcript.ResizeRequested) -> None:
        c = event.coding
        if self._write(resize_coding, self.project, c.id, event.start, event.end):
            self.transcript.current_id = c.id  # the keys stay on this coding
            self.notify(f"{self._code_name(c.code_id)} now [{event.start}–{event.end})")
            self.after_coding_change(added=(dataclasses.replace(c, start=event.start, end=event.end),))

    def on_transcript_in_vivo_requested(self, event: Transcript.InVivoRequested) -> None:
        """In-vivo coding: the selected words name a new code (editable first), which is applied."""
        span = event.span
        words = " ".join(self.transcript.text[span[0] : span[1]].split()).strip(" .,;:!?\"'“”‘’«»()-–—")
        words = words.replace("/", "-")
        if len(words) > 60:
            words = words[:60].rsplit(" ", 1)[0] + "…"

        def make(name):
            name = (name or "").strip().strip("/")
            if not name:
                return
            existing = next((c for c in self.codes if c.path.casefold() == name.casefold()), None)
            if existing is not None:
                self.apply_code(existing.id, span)
            else:
                self.code_new(name, span, "in-vivo code")

        self.push_screen(
            Prompt("In-vivo code — name it (Parent/Name places it):", words, hint="Enter creates and applies it"), make
        )

    PRECISIONS = (0.8, 0.6, 0.4)  # ctrl+x steps through them, then hides the lane

    def action_toggle_suggestions(self) -> None:
        """The assistant's suggestion lane for the open document (◇ in the gutter; > < + -). Each
        ctrl+x asks for less precision (0.8, 0.6, 0.4), then hides the lane."""
        if self.suggesting and self.min_precision == self.PRECISIONS[-1]:
            self.suggesting = False
            self.transcript.lane_on = False
            self.transcript.show_suggestions([])
            self.notify("suggestions hidden")
            self.update_status()
            return
        if self.suggesting:
            self.min_precision = self.PRECISIONS[self.PRECISIONS.index(self.min_precision) + 1]
        else:
            self.suggesting, self.min_precision = True, self.PRECISIONS[0]
        self.load_suggestions(announce=True)

    def load_suggestions(self, announce: bool = False) -> None:
        from qualcode.assist import suggestions

        if self.doc is None:
            return
        try:
            found = suggestions(self.project, self.doc["id"], self.min_precision, coder=self.project.coder)
        except QualcodeError as e:
            self.suggesting = False
            self.notify(str(e), severity="warning")  # e.g. "no assist model yet: train one with …"
            return
        self.transcript.lane_on = True
        self.transcript.show_suggestions(found)
        if announce:
            model = found[0].model_id if found else "the newest model"
            lower = [p for p in self.PRECISIONS if p < self.min_precision]
            again = f"ctrl+x again: precision ≥ {lower[0]:g}" if lower else "ctrl+x again hides them"
            self.notify(
                f"{len(found)} suggestion(s) from {model} at precision ≥ {self.min_precision:g}"
                + (": > next · + accept · - reject" if found else "")
                + f" ({again})"
            )
        self.update_status()

    def on_transcript_suggestion_decided(self, event: Transcript.SuggestionDecided) -> None:
        from qualcode.assist import accept, reject

        s = event.suggestion
        what = f"{s.code_path} [{s.start}–{s.end})"
        if event.accepted:
            row = self._write(accept, self.project, s)
            if not row:
                return
            shown = Shown(row["id"], s.code_id, self.project.coder, s.start, s.end, True, False)
            self.after_coding_change(added=(shown,), counted={s.code_id: 1})
            self.notify(f"accepted {what}: now your coding (ctrl+z undoes)")
        else:
            if not self._write(reject, self.project, s):
                return
            self.notify(f"rejected {what} (the next training learns from it)")
        self.transcript.forget_suggestion(s)
        self.update_status()

    def action_find_in_document(self) -> None:
        bar = self.query_one(FindBar)
        bar.display = True
        bar.value = self.find_query
        bar.focus()

    def on_find_bar_step(self, event: FindBar.Step) -> None:
        self.find_query = event.query
        t = self.transcript
        key = (self.doc["id"] if self.doc else None, event.query)
        if self._found[0] != key:
            self._found = (key, matches(t.text, event.query))
        found = self._found[1]
        sel = t.selection
        at = sel[0] if sel else t.cursor
        if sel is None and event.direction > 0:
            at -= 1  # a match right at the cursor counts
        chosen = pick(found, at, event.direction)
        if chosen is None:
            self._find_note = f"“{event.query}” is not in this document"
            self.update_status()
            return
        i, wrapped = chosen
        self._find_note = f"match {i + 1} of {len(found)}" + (" (wrapped)" if wrapped else "")
        t.select_span(*found[i])
        self.update_status()

    def on_find_bar_closed(self, event: FindBar.Closed) -> None:
        self.query_one(FindBar).display = False
        self._find_note = ""
        self.transcript.focus()

    def on_transcript_memo_requested(self, event: Transcript.MemoRequested) -> None:
        row = get_coding(self.project, event.coding.id)

        def save(text):
            if text is not None and self._write(set_coding_memo, self.project, row["id"], text):
                self.notify("memo saved" if text.strip() else "memo removed")
                marked = dataclasses.replace(event.coding, memo=bool(text.strip()))
                self.transcript.change_codings(added=(marked,))  # the ✎ in the gutter and the panel follow

        self.push_screen(
            MemoScreen(f"Memo on {self._code_name(row['code_id'])} [{row['start']}–{row['end']})", row["memo"] or ""),
            save,
        )

    # ------------------------------------------------------------------ writes
    def _write(self, fn, *args, **kw):
        try:
            return fn(*args, **kw) or True
        except QualcodeError as e:
            self.notify(str(e), severity="error")
            return None

    def _code_name(self, code_id: int) -> str:
        return next((c.path for c in self.codes if c.id == code_id), "?")

    def apply_code(self, code_id: int, span: tuple[int, int]) -> None:
        if self.doc is None:
            return
        row = self._write(add_coding, self.project, self.doc["id"], span[0], span[1], code_id)
        if row:
            self.committed_at = time.perf_counter()
            self.code_id = code_id
            me = self.project.coder
            shown = Shown(row["id"], code_id, me, row["start"], row["end"], True, bool(row.get("memo")))
            self.after_coding_change(added=(shown,), counted={code_id: 1})
            self.recent_codes = [code_id, *(c for c in self.recent_codes if c != code_id)][:20]

    def code_new(self, path: str, span: tuple[int, int], what: str = "code") -> None:
        """Create the code (and missing parents) and apply it to ``span``: one event, one ctrl+z."""
        if self.doc is None:
            return
        done = self._write(add_coding_with_new_code, self.project, self.doc["id"], span[0], span[1], path)
        if not done:
            return
        row, code = done
        self.committed_at = time.perf_counter()
        self.code_id = code.id
        self.notify(f"created {what} {code.path} and applied it (ctrl+z undoes both)")
        shown = Shown(row["id"], code.id, self.project.coder, row["start"], row["end"], True, False)
        self.after_coding_change(added=(shown,), counted={code.id: 1})
        self.refresh_codes()  # the new code in the tree (its count re-read with it)
        self.recent_codes = [code.id, *(c for c in self.recent_codes if c != code.id)][:20]

    def after_coding_change(
        self, removed: tuple[int, ...] = (), added: tuple[Shown, ...] = (), counted: dict[int, int] | None = None
    ) -> None:
        """Your own coding changed: the highlight repaints at once from memory, and the counts in the
        tree, the code box and the document list follow a frame later — no query re-reads the project
        (another process's changes arrive through ``poll_changes``, which does)."""
        self.transcript.change_codings(removed, added)
        for code_id, delta in (counted or {}).items():
            self.counts[code_id] = self.counts.get(code_id, 0) + delta
            if self.doc is not None:
                self.mine_per_doc[self.doc["id"]] = self.mine_per_doc.get(self.doc["id"], 0) + delta
        self.call_after_refresh(self._after_paint)

    def _after_paint(self) -> None:
        self.update_counts(reload=False)
        self.show_code(self.code_id)
        self.query_one(DocumentList).set_current(self.doc["id"] if self.doc else None, self.mine_per_doc)

    # ------------------------------------------------------------------ actions (see actions.py)
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Workbench actions work on the workbench; over another screen only help stays (and Textual's
        own) — and undo/redo over the codebook editor, the case sheet and the memo browser, whose
        changes they undo."""
        if action in MAIN_ONLY and len(self.screen_stack) > 1:
            if isinstance(self.screen, CasesScreen):  # edits there are undone there; an empty sheet imports
                return action in ("undo", "redo", "import_files")
            from qualcode.tui.screens.memo_browser import MemoBrowserScreen

            return action in ("undo", "redo") and isinstance(self.screen, CodebookScreen | MemoBrowserScreen)
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.codes))

    def action_pick_code(self) -> None:
        span = self.transcript.selection

        def chosen(choice):
            if not choice:
                return
            code_id = choice.get("code_id")
            if "new" in choice and span:  # a whole path (missing parents too) and the coding: one undo step
                self.code_new(choice["new"], span)
                return
            if "new" in choice:
                created = self._write(code_ops.add_code_path, self.project, choice["new"])
                if not created:
                    return
                code_id = created.id
                self.code_id = code_id
                self.refresh_codes()
                self.notify(f"created code {created.path}")
            if span:
                self.apply_code(code_id, span)
            else:
                self.query_one(CodeTree).select_code(code_id)
                self.show_code(code_id)

        codes = [c for c in self.codes if c.codable] if span else self.codes
        title = f"Apply code to [{span[0]}–{span[1]})" if span else "Find code (select text to apply)"
        self.push_screen(CodePicker(codes, title, recent=self.recent_codes), chosen)

    def _history(self, kind: str) -> None:
        """Undo/redo; one that touches many rows (a whole import, a merge) asks first."""
        upcoming = self.project.peek(kind)
        if upcoming is None:
            self.notify(f"nothing to {kind} for {self.project.coder}", severity="warning")
            return
        rows = len(upcoming["changes"])
        if rows > LARGE_CHANGE:
            question = f"{kind.capitalize()} “{upcoming['summary']}”? It changes {rows} rows."
            self.push_screen(
                confirm(question, kind.capitalize()), lambda answer: self._replay(kind) if answer == "yes" else None
            )
            return
        self._replay(kind)

    def _replay(self, kind: str) -> None:
        event = self._write(getattr(self.project, kind))
        if event is True or event is None:
            self.notify(f"nothing to {kind} for {self.project.coder}", severity="warning")
            return
        self.notify(f"{kind}: {event['summary']}")
        for line in event.get("removed") or ():  # e.g. an assist model trained on a text this step changed
            self.notify(line, severity="warning", timeout=8)
        self.refresh_all()
        if self.screen is not self.screen_stack[0]:  # the codebook editor shows what was undone too
            follow = getattr(self.screen, "history_replayed", None)
            if follow is not None:
                follow()

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def action_switch_coder(self) -> None:
        names = ", ".join(c["name"] for c in self.project.coders())

        known = {c["name"] for c in self.project.coders()}

        def switch(name):
            name = (name or "").strip()
            if not name or name == self.project.coder:
                return
            if name in known:
                self.set_coder(name)
                return
            # a new name adds a coder: never silently (a half-typed "an" is not anna)
            self.push_screen(
                confirm(f"No coder is called “{name}”. Add “{name}” as a new coder?", "Add coder"),
                lambda answer: self.set_coder(name) if answer == "yes" else None,
            )

        self.push_screen(
            Prompt("Code as:", self.project.coder, hint=f"coders: {names} (a new name adds a coder)"), switch
        )

    def set_coder(self, name: str) -> None:
        self.project.coder = name
        self.session = dataclasses.replace(self.session, coder=name)
        self.notify(f"coding as {name}")
        self.recent_codes = recent_codes(self.project, name)
        self.refresh_documents()
        self.refresh_codings()
        self.update_counts()

    def action_cycle_view(self) -> None:
        """mine → all coders → me vs each other coder in turn (most codings first) → mine."""
        if self.project.visible_coder() is not None:
            self.view = "mine"
            self.notify("blind coding is on: you see only your own codings", severity="warning")
            return
        others = other_coders(self.project, self.doc["id"], self.project.coder) if self.doc else []
        if self.view == "mine":
            self.view = "all"
        elif self.view == "all" and others:
            self.view, self.other = "compare", others[0]
        elif self.view == "compare" and self.other in others and others.index(self.other) + 1 < len(others):
            self.other = others[others.index(self.other) + 1]
        else:
            self.view = "mine"
        self.refresh_codings()

    def action_cases(self) -> None:
        def opened(doc_id):
            self.refresh_all()
            if doc_id is not None:
                self.open_document(doc_id)
                self.transcript.focus()

        self.push_screen(CasesScreen(self.project, self.doc["id"] if self.doc else None), opened)

    def action_codebook(self) -> None:
        self.push_screen(CodebookScreen(self.project, self.code_id), lambda _: self.refresh_all())

    def action_retrieve(self) -> None:
        def opened(target):
            self.refresh_all()
            if target:
                doc_id, start, end = target
                self.open_document(doc_id, select=(start, end))
                self.transcript.focus()

        self.push_screen(RetrievalScreen(self.project, self.code_id), opened)

    def action_search(self) -> None:
        from qualcode.tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(self.session))

    def action_matrix(self) -> None:
        from qualcode.tui.screens.matrix import MatrixScreen

        self.push_screen(MatrixScreen(self.session))

    def action_agreement(self) -> None:
        from qualcode.tui.screens.agreement import AgreementScreen

        if self.project.visible_coder() is not None:
            self.notify(
                "blind coding is on: agreement compares coders; a supervisor opens the workbench with --supervisor",
                severity="warning",
            )
            return
        self.push_screen(AgreementScreen(self.session), lambda _: self.refresh_all())

    def on_open_segment(self, message: OpenSegment) -> None:
        """A search hit, matrix cell segment or disagreement: back to the transcript, opened there."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.refresh_all()
        self.open_document(message.document_id, select=(message.start, message.end))
        self.transcript.focus()

    def _memo(self, target: str, guid: str, title: str) -> None:
        mine = [m for m in list_memos(self.project, target, guid) if m["coder"] == self.project.coder]

        def save(text):
            if text is not None and self._write(set_memo, self.project, target, guid, text):
                self.notify("memo saved" if text.strip() else "memo removed")
                self.refresh_memos()

        self.push_screen(MemoScreen(title, mine[0]["text"] if mine else ""), save)

    def action_memo_document(self) -> None:
        if self.doc:
            self._memo("document", self.doc["guid"], f"Memo on document {self.doc['name']}")

    def action_memo_code(self) -> None:
        code = next((c for c in self.codes if c.id == self.code_id), None)
        if code is None:
            self.notify("highlight a code first", severity="warning")
            return
        self._memo("code", code.guid, f"Memo on code {code.path}")

    def action_memos(self) -> None:
        from qualcode.tui.screens.memo_browser import MemoBrowserScreen

        def opened(place):
            if place and place[0] == "code":
                self.code_id = place[1]  # the tree, rebuilt below, keeps it highlighted
            self.refresh_all()
            if place:
                self.open_place(*place)

        self.push_screen(MemoBrowserScreen(self.project), opened)

    def open_place(self, kind: str, ref: int) -> None:
        """Where a memo leads (the memo browser's Enter): a document, a coding (the cursor in it, made
        current, shown whoever coded it), or a code (highlighted in the codebook)."""
        if kind == "code":
            self.query_one(CodeTree).select_code(ref)
            self.show_code(ref)
            self.query_one(CodeTree).focus()
            return
        if kind == "coding":
            row = self._write(get_coding, self.project, ref)
            if not row:
                return
            self.transcript.current_id = row["id"]
            self.open_document(row["document_id"], cursor=row["start"])
            if self.view == "mine" and all(c.id != row["id"] for c in self.transcript.codings):
                self.view = "all"  # another coder's coding: show it (blind coding never lists one)
                self.refresh_codings()
            self.show_code(row["code_id"])
        else:
            self.open_document(ref)
        self.transcript.focus()

    def action_import_files(self) -> None:
        def imported(changed):
            if not changed:
                return
            self.refresh_documents()
            if self.doc is None and self.document_rows:  # the first import: open what came in
                self.open_document(self.document_rows[0]["id"])
                self.transcript.focus()

        self.push_screen(TransferScreen("import", self.session), imported)

    def action_export_codings(self) -> None:
        from qualcode.tui.screens.export_view import choose_and_export

        choose_and_export(self, self.session, "codings", "every coding")

    def action_toggle_documents(self) -> None:
        if self.size.width < NARROW:
            self.narrow_documents = not self.narrow_documents
        else:
            self.show_documents = not self.show_documents
        self._apply_width(self.size.width)
        if self.query_one("#documents").display:
            self.query_one(DocumentList).focus()
        else:
            self.transcript.focus()


def run(
    project_path: str | Path,
    coder: str | None = None,
    document: str | int | None = None,
    readonly: bool = False,
    supervisor: bool = False,
) -> int:
    """Open the workbench on a project file (the CLI's bare ``qualcode``); returns the exit status."""
    app = QualcodeApp(project_path, coder, document, readonly=readonly, supervisor=supervisor)
    app.run()
    return app.return_code or 0
