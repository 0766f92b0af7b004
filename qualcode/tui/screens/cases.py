"""The case sheet: documents × attributes, sortable, filterable, editable (ctrl+s / f7).

Each row is a document — its name, kind, language, typed attributes and codings (yours / all).
``s`` sorts by the column under the cursor (again: reversed), ``f`` filters (the language of
:mod:`qualcode.corpus.cases`), Enter edits a cell — checked against the attribute's type, one
undoable event per edit — ``a`` adds an attribute, and Enter on a name (or ``o`` anywhere) opens
the document. The data come from the corpus package; this module only shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, RadioButton, RadioSet, Static

from qualcode.corpus.attributes import TYPE_HINTS, TYPES, add_attribute, set_attribute, shown
from qualcode.corpus.cases import (
    COUNTS,
    CaseFilter,
    Cases,
    parse_case_filter,
    read_cases,
    sort_documents,
)
from qualcode.errors import QualcodeError
from qualcode.tui.actions import bindings
from qualcode.tui.screens.dialogs import Prompt

MAX_WIDTH = 24  # a column's widest; longer values are cut (the edit dialog shows them whole)
NAME_WIDTH = 32
NUMERIC = {"integer", "float"}
EMPTY = "No documents yet: ctrl+o imports transcripts (files or a folder, with kind, language and attributes)."
LABELS = {"mine": ("mine", "codings"), "codings": ("all", "codings")}


class AttributeForm(ModalScreen[str | None]):
    """A new attribute: its name (Enter adds) and its type. ``create(name, type)`` writes it or
    returns the one line that says why not."""

    AUTO_FOCUS = "#attribute-name"

    DEFAULT_CSS = """
    AttributeForm { align: center middle; }
    AttributeForm RadioSet { width: 100%; margin: 1 0 0 0; }
    AttributeForm Input { margin: 1 0; }
    #attribute-error { color: $error; }
    """
    # Enter adds from any field: the type RadioSet's own Enter would only re-choose a type (space
    # chooses one), so the dialog takes Enter first.
    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("enter", "add", "add", show=False, priority=True)]

    def __init__(self, create: Callable[[str, str], str | None]) -> None:
        super().__init__()
        self.create = create

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("New attribute — its name:", id="dialog-question")
            yield Input(id="attribute-name", placeholder="e.g. age", compact=True)
            yield Label("its type (tab, then arrows and space):", classes="hint")
            with RadioSet(id="attribute-type", compact=True):
                for i, typ in enumerate(TYPES):
                    yield RadioButton(f"{typ}: {TYPE_HINTS[typ]}", value=i == 0, id=f"type-{typ}", compact=True)
            yield Static("", id="attribute-error")
            yield Button("Add", id="attribute-add", variant="primary", compact=True)
            yield Label("Enter adds · esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def chosen_type(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.id or "type-text").removeprefix("type-") if pressed else "text"

    def _submit(self) -> None:
        name = self.query_one(Input).value
        problem = self.create(name, self.chosen_type)
        if problem:
            self.query_one("#attribute-error", Static).update(problem)
            return
        self.dismiss(name.strip())

    def action_add(self) -> None:
        self._submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._submit()

    def action_cancel(self) -> None:
        self.dismiss(None)


class CasesScreen(Screen[int | None]):
    """Dismisses with the id of a document to open in the workbench, or None."""

    AUTO_FOCUS = "#cases-table"

    BINDINGS = bindings("cases")
    DEFAULT_CSS = """
    #cases-summary { height: 1; padding: 0 1; color: $text-muted; }
    #cases-table { height: 1fr; }
    #cases-empty { height: 1fr; padding: 1 2; color: $text-muted; display: none; }
    """

    def __init__(self, project: Any, current: int | None = None) -> None:
        super().__init__()
        self.project = project
        self.current = current  # the document open in the workbench: the cursor starts on it
        self.cases = Cases([], {}, {})
        self.shown: list[Any] = []
        self.sort_field: str | None = None
        self.sort_reverse = False
        self.filter = CaseFilter()
        self.seen_event = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="cases-summary")
        yield DataTable(id="cases-table", cursor_type="cell", zebra_stripes=True, header_height=2, fixed_columns=1)
        yield Static(EMPTY, id="cases-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "cases"
        self.reload(keep=(self.current, "name") if self.current is not None else None)
        self.query_one(DataTable).focus()

    @property
    def table(self) -> DataTable:
        return self.query_one("#cases-table", DataTable)

    # ------------------------------------------------------------------ data
    def columns(self) -> list[tuple[str, str]]:
        """(field, type) in sheet order: name, kind, language, mine, codings, the attributes."""
        fields = self.cases.fields
        first = ["name", "kind", "language", *COUNTS]  # the counts before the attributes: always in view
        return [(f, fields[f]) for f in first] + [(f, t) for f, t in fields.items() if f not in first]

    def reload(self, keep: tuple[int | None, str] | None = None) -> None:
        """Read the sheet again (after an edit, undo, news from elsewhere) and show it; the cursor
        stays on the same document and column where it still can."""
        if keep is None:
            keep = self.cursor_cell()
        self.seen_event = self.project.last_event_id()
        self.cases = read_cases(self.project)
        if self.filter:
            try:  # an attribute the filter names may have been undone away
                self.filter = parse_case_filter(self.filter.text, self.cases.fields)
            except QualcodeError as e:
                self.notify(f"filter cleared: {e}", severity="warning")
                self.filter = CaseFilter()
        if self.sort_field is not None and self.sort_field not in self.cases.fields:
            self.sort_field = None
        self.show(keep)

    def show(self, keep: tuple[int | None, str] | None) -> None:
        cases = self.cases
        mine = cases.mine
        docs: list[Any] = cases.documents
        fields = list(cases.fields)
        docs = self.filter.apply(docs, cases.attributes, mine, fields)
        if self.sort_field is not None:
            docs = sort_documents(docs, cases.attributes, mine, self.sort_field, self.sort_reverse)
        self.shown = docs
        empty = not cases.documents
        self.query_one("#cases-empty").display = empty
        table = self.table
        table.display = not empty
        table.clear(columns=True)
        columns = self.columns()
        for field, typ in columns:
            values = [self._cell(d, field, typ) for d in docs]
            widest = NAME_WIDTH if field == "name" else MAX_WIDTH
            width = min(widest, max([len(v) for v in values] + [len(field) + 2, len(typ), 4]))
            table.add_column(self._label(field, typ), key=field, width=width)
        for d in docs:
            table.add_row(*[self._styled(self._cell(d, f, t), t) for f, t in columns], key=str(d["id"]))
        self._summary()
        if keep is not None and docs:
            doc_id, field = keep
            ids = [d["id"] for d in docs]
            row = ids.index(doc_id) if doc_id in ids else 0
            col = [f for f, _ in columns].index(field) if field in dict(columns) else 0
            table.move_cursor(row=row, column=col, animate=False)

    def _cell(self, doc: Mapping[str, Any], field: str, typ: str) -> str:
        if field in ("name", "kind", "language"):
            return str(doc[field])
        if field in COUNTS:
            return str(doc[field])
        return shown(self.cases.attributes.get(doc["id"], {}).get(field), typ)

    @staticmethod
    def _styled(value: str, typ: str) -> Text:
        return Text(value, justify="right" if typ in NUMERIC else "left", no_wrap=True)

    def _label(self, field: str, typ: str) -> Text:
        first, second = LABELS.get(field, (field, {"name": "document", "kind": "", "language": ""}.get(field, typ)))
        arrow = ("▼" if self.sort_reverse else "▲") if field == self.sort_field else ""
        label = Text(first + arrow, style="bold", justify="right" if typ in NUMERIC else "left")
        label.append("\n" + second, style="dim")
        return label

    def _summary(self) -> None:
        n, total = len(self.shown), len(self.cases.documents)
        parts = [f"{n} of {total} documents" if self.filter else f"{total} documents"]
        if self.filter:
            parts.append(f"filter {self.filter.text}")
        if self.sort_field is not None:
            parts.append(f"sorted by {self.sort_field} {'▼' if self.sort_reverse else '▲'}")
        parts.append(f"{len(self.cases.types)} attributes")
        self.query_one("#cases-summary", Static).update(" · ".join(parts))

    def cursor_cell(self) -> tuple[int, str] | None:
        """(document id, field) under the cursor, or None on an empty sheet."""
        table = self.table
        if not self.shown or table.row_count == 0:
            return None
        row, col = table.cursor_coordinate
        row = min(row, len(self.shown) - 1)
        columns = self.columns()
        return self.shown[row]["id"], columns[min(col, len(columns) - 1)][0]

    # ------------------------------------------------------------------ news and history
    def news_arrived(self, news: Any) -> None:
        """Another process changed the project: the sheet as it now is."""
        self.reload()

    def history_replayed(self) -> None:
        """ctrl+z / ctrl+y (the app's keys) undid or redid a step: the sheet as it now is."""
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from a dialog (an import, say) that wrote: read again."""
        if self.project.last_event_id() != self.seen_event:
            self.reload()

    # ------------------------------------------------------------------ actions
    def action_sort(self) -> None:
        cell = self.cursor_cell()
        if cell is None:
            return
        field = cell[1]
        if field == self.sort_field:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_field, self.sort_reverse = field, False
        self.show(cell)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        cell = self.cursor_cell()
        if cell is not None:
            self.table.move_cursor(column=event.column_index, animate=False)
            self.action_sort()

    def action_filter(self) -> None:
        fields = self.cases.fields

        def check(text: str) -> str | None:
            try:
                self.filter = parse_case_filter(text, fields)
            except QualcodeError as e:
                return str(e)
            return None

        def done(text: str | None) -> None:
            if text is not None:
                self.show(self.cursor_cell())

        names = ", ".join(f for f in fields if f not in ("name",))
        self.app.push_screen(
            Prompt(
                "Show documents where (empty shows all):",
                self.filter.text,
                hint=f"site=Vesterbro · age>30 · role~work · coded:me · not:me · a word   fields: {names}",
                check=check,
            ),
            done,
        )

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """Enter (or a second click) on a cell: the name opens the document, any other cell edits."""
        event.stop()
        cell = self.cursor_cell()
        if cell is not None and cell[1] == "name":
            self.action_open()
        else:
            self.action_edit()

    def action_edit(self) -> None:
        cell = self.cursor_cell()
        if cell is None:
            return
        doc_id, field = cell
        doc = next(d for d in self.shown if d["id"] == doc_id)
        if field == "name":
            self.notify("a document keeps its name (its file's); Enter on it opens the document", severity="warning")
            return
        if field in COUNTS:
            self.notify("codings are counted, not typed: code in the transcript", severity="warning")
            return
        if field == "language":
            self.notify("the language was fixed at import: it chose the sentence rules and lemmas", severity="warning")
            return
        if self.project.readonly:
            self.notify("the project is read-only: nothing can be changed", severity="warning")
            return
        typ = dict(self.columns())[field] if field != "kind" else "kind"
        before = self._cell(doc, field, typ)
        written: list[bool] = []

        def check(text: str) -> str | None:
            try:
                written.append(set_attribute(self.project, doc_id, field, text))
            except QualcodeError as e:
                return str(e)
            return None

        def done(text: str | None) -> None:
            if text is None:
                return
            if written and written[-1]:
                self.reload((doc_id, field))
                now = next((d for d in self.cases.documents if d["id"] == doc_id), doc)
                after = self._cell(now, field, typ)
                self.notify(f"{field} of {doc['name']}: {before or '(empty)'} → {after or '(empty)'} (ctrl+z undoes)")
            else:
                self.notify("unchanged")

        hint = "interview · fieldnote · other" if field == "kind" else TYPE_HINTS.get(typ, "")
        self.app.push_screen(
            Prompt(
                f"{field} of {doc['name']}:",
                before,
                hint=f"{hint} · empty removes the value · esc cancels" if field != "kind" else hint,
                check=check,
            ),
            done,
        )

    def action_add_attribute(self) -> None:
        if self.project.readonly:
            self.notify("the project is read-only: nothing can be changed", severity="warning")
            return

        def create(name: str, typ: str) -> str | None:
            try:
                add_attribute(self.project, name, typ)
            except QualcodeError as e:
                return str(e)
            return None

        def done(name: str | None) -> None:
            if name:
                self.notify(f"added attribute {name} (ctrl+z undoes)")
                cell = self.cursor_cell()
                self.reload((cell[0], name) if cell else None)

        self.app.push_screen(AttributeForm(create), done)

    def action_open(self) -> None:
        cell = self.cursor_cell()
        if cell is not None:
            self.dismiss(cell[0])

    def action_close(self) -> None:
        self.dismiss(None)


def cell_at(table: DataTable, row: int, column: int) -> str:
    """The text of a cell (tests and the dialog read it)."""
    value = table.get_cell_at(Coordinate(row, column))
    return value.plain if isinstance(value, Text) else str(value)
