"""The codebook editor: the core's tree operations, asking first where codings are affected."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from qualcode.codebook import tree as ops
from qualcode.codebook.codes import code_counts, descendants, get_code, list_codes
from qualcode.coding.memos import list_memos, set_memo
from qualcode.errors import QualcodeError
from qualcode.tui.actions import bindings
from qualcode.tui.screens.code_form import CodeForm
from qualcode.tui.screens.dialogs import Choose, Prompt, confirm
from qualcode.tui.screens.memo import MemoScreen
from qualcode.tui.screens.picker import CodePicker
from qualcode.tui.widgets.code_info import CodeInfo
from qualcode.tui.widgets.code_tree import CodeTree, EditorTree

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#c7c7c7",
    "#dbdb8d",
    "#9edae5",
)


class CodebookScreen(Screen[None]):
    AUTO_FOCUS = "CodeTree"
    BINDINGS = bindings("codebook")

    def __init__(self, project, highlight: int | None = None) -> None:
        super().__init__()
        self.project = project
        self.code_id = highlight

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook"):
            yield EditorTree(id="cb-tree")
            yield CodeInfo(id="cb-info")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "codebook editor"
        self._reload()
        self.query_one(CodeTree).focus()

    def _reload(self, highlight: int | None = None) -> None:
        if highlight is not None:
            self.code_id = highlight
        codes = list_codes(self.project)
        if self.code_id not in {c.id for c in codes}:
            self.code_id = codes[0].id if codes else None
        self.query_one(CodeTree).show(codes, code_counts(self.project), self.code_id)
        self._show_info()

    def history_replayed(self) -> None:
        """ctrl+z / ctrl+y (the app's keys) undid or redid a step: show the codebook as it now is."""
        self._reload()

    def news_arrived(self, news: object) -> None:
        """Another process changed the project: the codebook as it now is."""
        self._reload()

    def _show_info(self) -> None:
        code = self.current
        memo = None
        if code:
            memos = [m for m in list_memos(self.project, "code", code.guid) if m["coder"] == self.project.coder]
            memo = memos[0]["text"] if memos else None
        self.query_one(CodeInfo).show(code, code_counts(self.project).get(code.id, 0) if code else None, memo)

    @property
    def current(self):
        try:
            return get_code(self.project, self.code_id) if self.code_id is not None else None
        except QualcodeError:
            return None

    def on_code_tree_highlighted(self, event: CodeTree.Highlighted) -> None:
        self.code_id = event.code_id
        self._show_info()

    def on_code_tree_apply_requested(self, event: CodeTree.ApplyRequested) -> None:
        self.action_edit()

    def _do(self, fn, *args, done: str | None = None, **kw):
        try:
            result = fn(self.project, *args, **kw)
        except QualcodeError as e:
            self.notify(str(e), severity="error")
            return None
        if done:
            self.notify(done)
        self._reload(getattr(result, "id", None))
        return result

    def action_add_child(self) -> None:
        parent = self.current
        where = f"under {parent.path}" if parent else "at the top level"
        self.app.push_screen(
            Prompt(f"New code {where}:"),
            lambda name: name and self._do(ops.add_code, name, parent.id if parent else None, done=f"added {name}"),
        )

    def action_add_top(self) -> None:
        self.app.push_screen(
            Prompt("New top-level code:"),
            lambda name: name and self._do(ops.add_code, name, None, done=f"added {name}"),
        )

    def action_rename(self) -> None:
        code = self.current
        if code:
            self.app.push_screen(
                Prompt(f"Rename {code.path} to:", code.name),
                lambda name: name and self._do(ops.update_code, code.id, name=name, done=f"renamed to {name}"),
            )

    def action_edit(self) -> None:
        code = self.current
        if code:
            self.app.push_screen(
                CodeForm(code),
                lambda fields: fields and self._do(ops.update_code, code.id, **fields, done=f"saved {code.path}"),
            )

    def action_recolour(self) -> None:
        code = self.current
        if not code:
            return
        used = {c.colour for c in list_codes(self.project)}
        suggestion = next((p for p in PALETTE if p not in used), PALETTE[(code.id) % len(PALETTE)])
        self.app.push_screen(
            Prompt(f"Colour for {code.path} (#RRGGBB):", suggestion),
            lambda colour: self._recolour(code, colour) if colour else None,
        )

    def _recolour(self, code, colour: str) -> None:
        colour = colour.strip()
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            self.notify(f"'{colour}' is not a colour like #1f77b4", severity="error")
            return
        self._do(ops.update_code, code.id, colour=colour.lower(), done=f"recoloured {code.path}")

    def action_move(self) -> None:
        code = self.current
        if not code:
            return
        exclude = {code.id} | {d.id for d in descendants(self.project, code.id)}
        picker = CodePicker(
            list_codes(self.project), f"Move {code.path} under…", allow_new=False, allow_top=True, exclude=exclude
        )

        def moved(choice):
            if choice:
                parent = None if choice.get("top") else choice["code_id"]
                self._do(ops.move_code, code.id, parent, done=f"moved {code.name}")

        self.app.push_screen(picker, moved)

    def action_merge(self) -> None:
        code = self.current
        if not code:
            return
        exclude = {code.id} | {d.id for d in descendants(self.project, code.id)}
        targets = [c for c in list_codes(self.project) if c.codable]
        picker = CodePicker(targets, f"Merge {code.path} into…", allow_new=False, exclude=exclude)

        def chosen(choice):
            if not choice:
                return
            target = get_code(self.project, choice["code_id"])
            n = code_counts(self.project).get(code.id, 0)
            question = (
                f"Merge {code.path} into {target.path}?\n{n} coding(s) move to {target.path}; "
                f"{code.path} is deleted. (ctrl+z undoes it)"
            )
            self.app.push_screen(
                confirm(question, "Merge"), lambda ok: self._merge(code, target) if ok == "yes" else None
            )

        self.app.push_screen(picker, chosen)

    def _merge(self, code, target) -> None:
        result = self._do(ops.merge_codes, code.id, target.id)
        if result:
            self.notify(f"merged: {result.moved} moved, {result.collapsed} collapsed, {result.children} child code(s)")
            self._reload(target.id)

    def action_reorder(self, delta: int) -> None:
        code = self.current
        if code:
            self._do(ops.reorder_code, code.id, delta)

    def action_delete(self) -> None:
        code = self.current
        if not code:
            return
        n = code_counts(self.project).get(code.id, 0)
        if n:
            parent = get_code(self.project, code.parent_id) if code.parent_id else None
            choices = [("delete", f"Delete {n} coding(s)"), ("no", "Cancel")]
            question = f"{code.path} holds {n} coding(s). Where do they go?"
            if parent is not None and parent.codable:  # only offered where it can be done
                choices.insert(0, ("parent", f"Move them to {parent.path}"))
            else:
                why = f"{parent.path} is a grouping code" if parent else "it is a top-level code"
                question += f" (they cannot move up: {why}; merge it into another code with g instead)"
        else:
            choices = [("refuse", "Delete"), ("no", "Cancel")]
            question = f"Delete {code.path}?"
        self.app.push_screen(
            Choose(question, choices),
            lambda how: (
                how and how != "no" and self._do(ops.delete_code, code.id, codings=how, done=f"deleted {code.path}")
            ),
        )

    def action_memo(self) -> None:
        code = self.current
        if not code:
            return
        mine = [m for m in list_memos(self.project, "code", code.guid) if m["coder"] == self.project.coder]

        def save(text):
            if text is not None:
                self._do(lambda p: set_memo(p, "code", code.guid, text), done="memo saved")

        self.app.push_screen(MemoScreen(f"Memo on code {code.path}", mine[0]["text"] if mine else ""), save)

    def action_close(self) -> None:
        self.dismiss(None)
