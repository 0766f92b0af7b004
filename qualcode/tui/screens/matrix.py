"""The co-occurrence matrix as a heatmap: which codes meet, in which unit, and where.

Keys: ``u`` next unit, ``m`` next measure, ``p`` pool all coders / back to the coder, ``x`` export
the matrix as shown (every format ``cooccurrence`` and ``plot cooccurrence`` write), Enter on a
cell lists the units (segments) where both codes occur, Enter on a segment posts
:class:`MatrixScreen.OpenSegment` to the app and dismisses with ``(document_id, start, end)``.
Computation runs in a thread worker with its own ``Project`` (a Project is not thread-safe). The
screen follows the project: when codings arrive from another process, the app calls
:meth:`MatrixScreen.news_arrived` and the matrix is computed again, the cursor kept on its cell.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.corpus.documents import get_document
from qualcode.project import Session
from qualcode.tui.actions import bindings
from qualcode.tui.messages import OpenSegment

if TYPE_CHECKING:
    from qualcode.store.news import News

UNITS = ("overlap", "sentence", "turn", "paragraph", "document")
MEASURES = ("count", "jaccard", "conditional", "phi", "lift")


@dataclass(frozen=True)
class MatrixData:
    unit: str
    measure: str
    labels: list[str]
    codes: list[int]
    values: list[list[float]]
    counts: list[list[int]]
    n_units: int
    who: str


def _fmt(v: float, measure: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return str(int(v)) if measure == "count" else f"{v:.2f}"


def _heat(v: float, top: float, measure: str) -> str:
    """Background colour: white → red with the value; phi below zero shades to blue."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or top <= 0:
        return ""
    share = max(-1.0, min(1.0, v / top))
    if share >= 0:
        g = int(255 - 175 * share)
        return f"#000000 on rgb(255,{g},{g})" if share > 0 else ""
    r = int(255 + 175 * share)
    return f"#000000 on rgb({r},{r},255)"


class MatrixScreen(Screen):
    """Co-occurrence heatmap for ``coder`` (or all coders pooled with ``p``)."""

    AUTO_FOCUS = "DataTable"

    BINDINGS = bindings("matrix")
    DEFAULT_CSS = """
    MatrixScreen #matrix-title { height: auto; padding: 0 1; text-style: bold; }
    MatrixScreen #matrix-table { height: 2fr; }
    MatrixScreen #segments-title { height: auto; padding: 0 1; color: $text-muted; }
    MatrixScreen #segments { height: 1fr; }
    """

    OpenSegment = OpenSegment  # posted when a segment is chosen; the app opens it

    class _Computed(Message):
        def __init__(self, data: MatrixData | None, error: str = "") -> None:
            super().__init__()
            self.data, self.error = data, error

    class _Segments(Message):
        def __init__(self, title: str, rows: list[tuple[int, int, int, str]]) -> None:
            super().__init__()
            self.title, self.rows = title, rows

    def __init__(self, session: Session, unit: str = "overlap", measure: str = "count") -> None:
        super().__init__()
        self.session = session
        self.unit, self.measure, self.pool = unit, measure, False
        self.data: MatrixData | None = None
        self.painted_at = 0.0  # perf_counter when the latest matrix was on screen (benchmarks read it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("computing…", id="matrix-title")
            yield DataTable(id="matrix-table", cursor_type="cell", zebra_stripes=False)
            yield Static("Enter on a cell lists the segments where both codes occur", id="segments-title")
            yield OptionList(id="segments")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.compute()

    def news_arrived(self, news: News) -> None:
        """Another process changed the project: compute the matrix again if it can have changed."""
        if news.areas & {"codings", "codes", "documents"}:
            self.compute()

    # ------------------------------------------------------------------ workers
    def _open(self):
        from qualcode.analysis import data as pdx

        p = self.session.open()
        try:
            sel, choice = pdx.choose(p, pool=self.pool, session_coder=self.session.coder)
        except BaseException:
            p.close()
            raise
        return p, sel, choice

    @work(thread=True, exclusive=True, group="matrix")
    def compute(self) -> None:
        from qualcode.analysis import data as pdx
        from qualcode.errors import QualcodeError

        try:
            p, sel, choice = self._open()
            with p:
                (r,) = pdx.project_cooccurrence(p, sel, self.unit, choice).values()
            names = sel.code_names()
            who = ("pooled " if choice.pool else "") + ", ".join(sel.coders[i] for i in choice.coder_ids)
            data = MatrixData(
                self.unit,
                self.measure,
                [names[c] for c in r.codes],
                list(r.codes),
                r.measure(self.measure).tolist(),
                r.counts.tolist(),
                r.n_units,
                who,
            )
            self.post_message(self._Computed(data))
        except QualcodeError as e:
            self.post_message(self._Computed(None, str(e)))

    @work(thread=True, exclusive=True, group="segments")
    def find_segments(self, row: int, column: int) -> None:
        from qualcode.analysis import data as pdx

        data = self.data
        if data is None:
            return
        p, sel, choice = self._open()
        with p:
            units = pdx.cooccurring_units(
                p, sel, data.unit, choice, data.codes[row], data.codes[column], codes=data.codes
            )
            names = sel.document_names()
            texts: dict[int, str] = {}
            rows = []
            for doc, start, end in units:
                if doc not in texts:
                    texts[doc] = get_document(p, doc)["text"]
                snippet = " ".join(texts[doc][start:end].split())
                rows.append((doc, start, end, f"{names[doc]} [{start}–{end})  {snippet[:90]}"))
        a, b = data.labels[row], data.labels[column]
        title = (
            f"{len(rows)} {data.unit} unit(s) with {a}"
            if row == column
            else f"{len(rows)} {data.unit} unit(s) with both {a} and {b}"
        )
        self.post_message(self._Segments(title, rows))

    # ------------------------------------------------------------------ showing
    def on_matrix_screen__computed(self, message: _Computed) -> None:
        title = self.query_one("#matrix-title", Static)
        table = self.query_one(DataTable)
        keep = table.cursor_coordinate if self.data is not None else None  # a refresh keeps the cell
        table.clear(columns=True)
        if message.data is None:
            title.update(Text(message.error, style="bold red"))
            return
        d = self.data = message.data
        title.update(
            f"Co-occurrence — unit: {d.unit}, measure: {d.measure}, N = {d.n_units} "
            f"units, coder {d.who}   [u] unit  [m] measure  [p] pool"
        )
        off = [
            abs(v)
            for i, row in enumerate(d.values)
            for j, v in enumerate(row)
            if i != j and v is not None and not math.isnan(v)
        ]
        top = max(off, default=0.0)
        table.add_column("code", key="code")
        for j, _ in enumerate(d.labels, start=1):
            table.add_column(str(j), key=f"c{j}")
        for i, (label, row) in enumerate(zip(d.labels, d.values)):
            cells = [
                Text(_fmt(v, d.measure), justify="right", style="bold" if i == j else _heat(v, top, d.measure))
                for j, v in enumerate(row)
            ]
            table.add_row(Text(f"{i + 1} {label}"), *cells, key=f"r{i}")
        if d.labels:
            if keep is not None and keep.row < len(d.labels) and 0 < keep.column <= len(d.labels):
                table.move_cursor(row=keep.row, column=keep.column)
            else:
                table.move_cursor(row=0, column=1)
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.painted_at = time.perf_counter()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        row, column = event.coordinate.row, event.coordinate.column - 1
        if self.data is None or column < 0:
            return
        self.query_one("#segments-title", Static).update("finding segments…")
        self.find_segments(row, column)

    def on_matrix_screen__segments(self, message: _Segments) -> None:
        self.query_one("#segments-title", Static).update(message.title)
        ol = self.query_one(OptionList)
        ol.clear_options()
        for _k, (doc, start, end, label) in enumerate(message.rows):
            ol.add_option(Option(label, id=f"{doc}:{start}:{end}"))
        if message.rows:
            ol.highlighted = 0
            ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        doc, start, end = (int(x) for x in str(event.option.id).split(":"))
        self.app.post_message(self.OpenSegment(doc, start, end))
        self.dismiss((doc, start, end))

    # ------------------------------------------------------------------ actions
    def action_next_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)] if self.unit in UNITS else UNITS[0]
        self.compute()

    def action_next_measure(self) -> None:
        self.measure = MEASURES[(MEASURES.index(self.measure) + 1) % len(MEASURES)]
        self.compute()

    def action_toggle_pool(self) -> None:
        self.pool = not self.pool
        self.compute()

    def action_export(self) -> None:
        from qualcode.tui.screens.export_view import choose_and_export

        if self.data is None:
            self.notify("nothing to export yet: the matrix is being computed", severity="warning")
            return
        who = "all coders pooled" if self.pool else f"coder {self.data.who}"
        choose_and_export(
            self,
            self.session,
            "cooccurrence",
            f"co-occurrence ({self.measure}), unit {self.unit}, {who}",
            unit=self.unit,
            measure=self.measure,
            pool=self.pool,
            session_coder=self.session.coder,
        )

    def action_close(self) -> None:
        self.dismiss(None)
