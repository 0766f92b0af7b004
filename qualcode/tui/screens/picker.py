"""The fuzzy code picker: type part of a path or a definition, Enter applies; a new code can be made here."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.tui.actions import bindings
from qualcode.tui.fuzzy import rank_codes
from qualcode.tui.widgets.code_info import describe

NEW = "__new__"
TOP = "__top__"


class CodePicker(ModalScreen[dict | None]):
    """Dismisses with ``{"code_id": id}``, ``{"new": "Parent/Name"}``, ``{"top": True}`` or None."""

    AUTO_FOCUS = "#picker-input"

    BINDINGS = bindings("picker")

    def __init__(
        self,
        codes: list,
        title: str = "Apply code",
        allow_new: bool = True,
        allow_top: bool = False,
        exclude: set[int] | None = None,
        recent: list[int] | None = None,
    ) -> None:
        """``recent``: code ids you applied last, most recent first — listed first before you type."""
        super().__init__()
        self.codes = [c for c in codes if not exclude or c.id not in exclude]
        self.by_id = {c.id: c for c in self.codes}
        self.recent = [i for i in (recent or []) if i in self.by_id][:5]
        self.title_text, self.allow_new, self.allow_top = title, allow_new, allow_top

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="type to search codes and definitions…", id="picker-input")
            yield OptionList(id="picker-list")
            yield Static(id="picker-info")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        ol = self.query_one(OptionList)
        ol.clear_options()
        if self.allow_top:
            ol.add_option(Option(Text("(top level)", style="italic"), id=TOP))
        q = query.strip()
        offer_new = self.allow_new and q and not any(c.path.casefold() == q.casefold() for c in self.codes)
        new_option = Option(Text(f"+ new code “{q}”", style="green"), id=NEW)
        if offer_new and "/" in q and not any(c.path.casefold().startswith(q.casefold()) for c in self.codes):
            ol.add_option(new_option)  # a full path that does not exist yet: creating it is the likely wish
            offer_new = False
        ranked = rank_codes(query, self.codes)
        if not q and self.recent:  # nothing typed: the codes you used last come first
            first = [self.by_id[i] for i in self.recent]
            ranked = first + [c for c in self.codes if c.id not in set(self.recent)]
        for c in ranked:
            label = Text()
            label.append("■ ", style=c.colour or "grey50")
            label.append(c.path)
            if c.hotkey:
                label.append(f"  [{c.hotkey}]", style="bold cyan")
            if not q and c.id in self.recent:
                label.append("  recent", style="dim italic")
            ol.add_option(Option(label, id=str(c.id)))
        if offer_new:
            ol.add_option(new_option)
        if ol.option_count:  # with a query, the best match rather than "(top level)"
            ol.highlighted = 1 if self.allow_top and q and ol.option_count > 1 else 0
        self._show_info()

    def _show_info(self) -> None:
        ol = self.query_one(OptionList)
        info = self.query_one("#picker-info", Static)
        if ol.highlighted is None:
            info.update("")
            return
        oid = ol.get_option_at_index(ol.highlighted).id
        if oid in (NEW, TOP):
            info.update(
                Text(
                    "Creates the code, and any parent in its path that does not exist yet (Parent/Name)."
                    if oid == NEW
                    else "Move to the top level of the codebook.",
                    style="dim",
                )
            )
        else:
            info.update(describe(self.by_id[int(str(oid))]))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_info()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one(OptionList).highlighted = event.option_index
        self.action_choose()

    def action_cursor(self, delta: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = ((ol.highlighted or 0) + delta) % ol.option_count

    def action_choose(self) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return
        oid = ol.get_option_at_index(ol.highlighted).id
        if oid == NEW:
            self.dismiss({"new": self.query_one(Input).value.strip()})
        elif oid == TOP:
            self.dismiss({"top": True})
        else:
            self.dismiss({"code_id": int(str(oid))})

    def action_cancel(self) -> None:
        self.dismiss(None)
