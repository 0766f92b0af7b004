"""The supervisor's agreement screen: per-code table, per-document breakdown, disagreements, adjudication.

Left: one row per code (units, % agreement, κ, α, a note where κ is unreadable). Right, for the
highlighted code: its per-document breakdown, and its disagreements -- each passage shown once
per coder, side by side, in context, with that coder's spans highlighted: the characters every
coder took in reverse video, those only this coder took underlined in the coder's colour, and the
offsets and lengths stated (``anna 2454–2669 (215 chars) · bo 2375–2669 (294 chars) · shared 215 ·
only bo 79``). Keys a / b / o / n accept A's spans, B's, both or neither into the consensus coder
(one undoable event each): the first press previews what the consensus coder would get, the same
key again writes it. What was decided is read from the data (the consensus coder's codings of the
passage), so a reopened screen shows it, and a second decision says what it replaces. Enter on
a passage posts :class:`AgreementScreen.OpenSegment` so the app can open the transcript;
``x`` exports the agreement as the ``agreement`` command does.

Computing the audit and writing decisions happen in thread workers that open their own
``Project`` (a Project is not thread-safe) and only post messages.
"""

from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.analysis.agreement.adjudication import Decision, decision_preview_over, decision_spans, span_parts
from qualcode.analysis.agreement.report import AgreementReport
from qualcode.errors import QualcodeError
from qualcode.project import Session
from qualcode.tui.actions import bindings
from qualcode.tui.messages import OpenSegment

UNITS = ("sentence", "turn", "paragraph", "document", "character", "character:skip-uncoded")
CONTEXT = 40
MAX_PASSAGE = 1000  # a longer stretch of one kind is shown by its two ends
CODE_WIDTH = 34
CHOICE_KEYS = {"a": "a", "b": "b", "o": "both", "n": "neither"}
KEY_OF = {v: k for k, v in CHOICE_KEYS.items()}
CODER_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00")  # Okabe–Ito
STYLES = {"coded": "reverse bold", "shared": "reverse bold", "some": "reverse italic"}


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _short(warning: str | None) -> str:
    return (warning or "").split(":", 1)[0]


def only_style(colour: str) -> str:
    """Characters only this coder took: underlined, on the coder's colour."""
    return f"bold underline #000000 on {colour}"


def passage_view(
    text: str, start: int, end: int, spans, marks: list[tuple[int, int, str]] | None = None, colour: str = "yellow"
) -> Text:
    """The passage with ``CONTEXT`` characters around it and the coder's spans marked: in reverse
    video, or by ``marks`` (from :func:`span_parts`) — shared characters in reverse video, those only
    this coder took underlined on ``colour``, those some but not all coders took in reverse italic."""
    lo = max(0, min([start, *(s.start for s in spans)]) - CONTEXT)
    hi = min(len(text), max([end, *(s.end for s in spans)]) + CONTEXT)
    kinds: list[str | None] = [None] * (hi - lo)
    for s, e, kind in marks if marks is not None else [(s.start, s.end, "coded") for s in spans]:
        for i in range(max(s, lo), min(e, hi)):
            kinds[i - lo] = kind
    out = Text("…" if lo > 0 else "")
    i = lo
    while i < hi:
        j = i
        while j < hi and kinds[j - lo] == kinds[i - lo]:
            j += 1
        piece = text[i:j]
        if len(piece) > MAX_PASSAGE:
            piece = piece[: MAX_PASSAGE // 2] + " … " + piece[-MAX_PASSAGE // 2 :]
        kind = kinds[i - lo]
        style = "dim" if kind is None else only_style(colour) if kind == "only" else STYLES[kind]
        out.append(piece.replace("\n", " ⏎ "), style=style)
        i = j
    if hi < len(text):
        out.append("…")
    return out


class AgreementScreen(Screen[None]):
    """Agreement of ``coders`` (default: the two coders with most codings) at ``unit``."""

    DEFAULT_CSS = """
    AgreementScreen #agr-summary { height: auto; padding: 0 1; }
    AgreementScreen #agr-body { height: 1fr; }
    AgreementScreen #agr-codes { width: 1fr; }
    AgreementScreen #agr-right { width: 1fr; }
    AgreementScreen #agr-docs { height: 2fr; }
    AgreementScreen #agr-disagreements { height: 3fr; }
    AgreementScreen #agr-preview { height: auto; max-height: 6; padding: 0 1; background: $boost; }
    """

    BINDINGS = bindings("agreement")

    OpenSegment = OpenSegment  # posted when a segment is chosen; the app opens it

    class Computed(Message):
        def __init__(
            self, report, texts: dict[int, str], error: str | None = None, decided: dict | None = None
        ) -> None:
            super().__init__()
            self.report, self.texts, self.error = report, texts, error
            self.decided: dict[tuple, Decision] = decided or {}

    class Decided(Message):
        def __init__(self, key: tuple, label: str, error: str | None = None, decision: Decision | None = None) -> None:
            super().__init__()
            self.key, self.label, self.error, self.decision = key, label, error, decision

    def __init__(
        self, session: Session, coders: list[str] | None = None, unit: str = "sentence", consensus: str = "consensus"
    ) -> None:
        super().__init__()
        self.session = session
        self.coders, self.unit, self.consensus = coders, unit, consensus
        self.report: AgreementReport | None = None
        self.texts: dict[int, str] = {}
        self.code_id: int | None = None
        self.shown: list = []  # disagreements of the highlighted code, in list order
        self.decided: dict[tuple, Decision] = {}  # read from the consensus coder's codings
        self.pending: tuple[tuple, str] | None = None  # (disagreement key, choice) previewed, not yet written
        self.busy = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("computing agreement…", id="agr-summary")
        with Horizontal(id="agr-body"):
            yield DataTable(id="agr-codes", cursor_type="row", zebra_stripes=True)
            with Vertical(id="agr-right"):
                yield DataTable(id="agr-docs", cursor_type="row")
                yield OptionList(id="agr-disagreements")
                yield Static(id="agr-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "agreement"
        self.compute()

    # ------------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="agreement")
    def compute(self) -> None:
        from qualcode.analysis.agreement.adjudication import decisions
        from qualcode.analysis.agreement.audit import audit, default_coders
        from qualcode.corpus.documents import document_texts

        try:
            with self.session.open() as p:
                coders = self.coders or default_coders(p, self.consensus)
                report = audit(p, coders, self.unit)
                ids = {d.document_id for d in report.disagreements}
                texts = document_texts(p, ids)
                decided = decisions(p, report.disagreements, self.consensus)
            self.post_message(self.Computed(report, texts, decided=decided))
        except QualcodeError as e:
            self.post_message(self.Computed(None, {}, str(e)))

    @work(thread=True, group="decide")
    def write_decision(self, disagreement, choice: str) -> None:
        from qualcode.analysis.agreement.adjudication import adjudicate, decisions

        try:
            with self.session.open() as p:
                r = adjudicate(p, disagreement, choice, self.consensus)
                decision = decisions(p, [disagreement], self.consensus).get(disagreement.key)
            label = " + ".join(r.accepted) if r.accepted else "neither"
            self.post_message(self.Decided(disagreement.key, label, decision=decision))
        except QualcodeError as e:
            self.post_message(self.Decided(disagreement.key, "", str(e)))

    # ------------------------------------------------------------------ messages
    def on_agreement_screen_computed(self, event: Computed) -> None:
        event.stop()
        self.busy = False
        if event.error:
            self.query_one("#agr-summary", Static).update(Text(event.error, style="red"))
            self.notify(event.error, severity="error")
            return
        self.report, self.texts, self.decided = event.report, event.texts, event.decided
        assert self.report is not None  # a computation without an error has a report
        self.coders = list(self.report.coders)
        self._fill_codes()

    def on_agreement_screen_decided(self, event: Decided) -> None:
        event.stop()
        if event.error:
            self.notify(event.error, severity="error")
            return
        earlier = self.decided.pop(event.key, None)
        if event.decision is not None:
            self.decided[event.key] = event.decision
        replaced = (
            f" (replaces the earlier decision: {earlier.describe(self.consensus)})"
            if earlier is not None and earlier != event.decision
            else ""
        )
        self.notify(f"{self.consensus}: accepted {event.label}{replaced}")
        self._fill_disagreements(keep=True)
        self._show_preview()

    # ------------------------------------------------------------------ filling
    def _fill_codes(self) -> None:
        r = self.report
        if r is None:
            return
        n_docs = len(r.documents)
        summary = Text()
        summary.append(f"{' vs '.join(r.coders)}", style="bold")
        summary.append(
            f" · unit {r.unit.label} · {n_docs} document(s) · {r.kappa_name} · "
            f"{len(r.disagreements)} disagreement(s) · consensus coder: {self.consensus}",
            style="dim",
        )
        if r.codes and r.codes[0].stats.kappa.name not in ("Cohen's kappa", "Fleiss' kappa"):
            summary.append(f"\nκ: {r.codes[0].stats.kappa.name}", style="dim")
        for label, moment in r.as_of.items():
            summary.append(f"\n{label}: codings as they stood at {moment} (code–recode; not adjudicable)", style="dim")
        self.query_one("#agr-summary", Static).update(summary)
        table = self.query_one("#agr-codes", DataTable)
        table.clear(columns=True)
        table.add_columns("code", "units", "% agree", "κ", "AC1", "α", "note")
        rows = list(r.codes) + ([r.overall] if r.overall else [])
        for row in rows:
            st = row.stats
            kappa = (
                Text(_num(st.kappa.value))
                if st.kappa.value is not None
                else Text(f"⚠ {_short(st.warning)}", style="yellow")
            )
            name = row.code if len(row.code) <= CODE_WIDTH else "…" + row.code[-(CODE_WIDTH - 1) :]
            table.add_row(
                name,
                f"{st.units:,}",
                "—" if st.agreement is None else f"{100 * st.agreement:.1f}",
                kappa,
                _num(st.ac1.value),
                _num(st.alpha.value),
                Text(_short(st.warning), style="yellow"),
                key=str(row.code_id if row.code_id is not None else "all"),
            )
        if r.codes and self.code_id is None:
            self.code_id = r.codes[0].code_id
        self._fill_docs()
        self._fill_disagreements()
        table.focus()

    def _fill_docs(self) -> None:
        table = self.query_one("#agr-docs", DataTable)
        table.clear(columns=True)
        table.add_columns("document", "units", "% agree", "κ", "α")
        if self.report is None:
            return
        for d in self.report.per_document:
            if d.code_id == self.code_id:
                st = d.stats
                table.add_row(
                    d.document,
                    f"{st.units:,}",
                    "—" if st.agreement is None else f"{100 * st.agreement:.1f}",
                    _num(st.kappa.value) if st.kappa.value is not None else f"⚠ {_short(st.warning)}",
                    _num(st.alpha.value),
                )

    def _fill_disagreements(self, keep: bool = False) -> None:
        ol = self.query_one("#agr-disagreements", OptionList)
        highlighted = ol.highlighted if keep else None
        ol.clear_options()
        if self.report is None:
            return
        self.shown = [d for d in self.report.disagreements if self.code_id is None or d.code_id == self.code_id]
        for i, d in enumerate(self.shown):
            ol.add_option(Option(self._passage_table(d), id=str(i)))
        if self.shown:
            ol.highlighted = min(highlighted or 0, len(self.shown) - 1)
        self._show_preview()

    def colour(self, coder: str) -> str:
        coders = list(self.report.coders) if self.report else []
        k = coders.index(coder) if coder in coders else 0
        return CODER_COLOURS[k % len(CODER_COLOURS)]

    def views(self, d) -> dict[str, Text]:
        """Each coder's view of the passage, in full context, the characters only they took marked."""
        text = self.texts.get(d.document_id, "")
        parts = span_parts(d)
        return {c: passage_view(text, d.start, d.end, d.spans[c], parts.marks[c], self.colour(c)) for c in d.spans}

    def _passage_table(self, d) -> RichTable:
        decision = self.decided.get(d.key)
        parts = span_parts(d)
        title = Text()
        title.append(f"{d.document} [{d.start}–{d.end})  {d.code}", style="bold")
        title.append(f"  shared {parts.length(parts.shared)}", style="dim")
        for c in parts.coders:
            if parts.only[c]:
                title.append(" · ", style="dim")
                title.append(f"only {c} {parts.length(parts.only[c])}", style=only_style(self.colour(c)))
        title.append(f"  · {d.units:,} unit(s) apart", style="dim")
        if decision is not None:
            title.append(f"  ✓ {decision.label or self.consensus + ' by hand'}", style="green")
        grid = RichTable(title=title, title_justify="left", expand=True, show_lines=False)
        for coder in d.spans:
            spans = parts.spans[coder]
            where = ", ".join(f"{s}–{e}" for s, e in spans)
            head = Text(f"{coder} ", style=f"bold {self.colour(coder)}")
            head.append(f"{where} ({parts.length(spans)} chars)" if spans else "not coded")
            grid.add_column(head, ratio=1)
        grid.add_row(*self.views(d).values())
        return grid

    def _show_preview(self) -> None:
        """Under the passages: how the highlighted one splits, and what each key would write —
        or, after a first press, exactly what the same key again writes."""
        panel = self.query_one("#agr-preview", Static)
        d = self._current()
        if d is None:
            panel.update(Text("no disagreements for this code", style="dim") if self.report else "")
            return
        out = Text(span_parts(d).summary(), style="bold")
        earlier = self.decided.get(d.key)
        if earlier is not None:
            out.append(f"\n✓ decided: {earlier.describe(self.consensus)}", style="green")
        out.append("\n")
        if self.pending is not None and self.pending[0] == d.key:
            key = KEY_OF[self.pending[1]]
            preview = decision_preview_over(d, self.pending[1], earlier, self.consensus)
            out.append(f"{key}: {preview}", style="bold yellow")
            out.append(f" — press {key} again to write it", style="yellow")
        else:
            choices = []
            for key, choice in CHOICE_KEYS.items():
                spans = decision_spans(d, choice)
                choices.append(f"{key} " + (", ".join(f"{s}–{e}" for s, e in spans) or "none"))
            out.append(" · ".join(choices) + f"  → {self.consensus} (a key previews, again writes)", style="dim")
        panel.update(out)

    # ------------------------------------------------------------------ events and actions
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "agr-codes" or event.row_key is None:
            return
        key = event.row_key.value
        self.code_id = None if key == "all" else int(str(key))
        self._fill_docs()
        self._fill_disagreements()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_segment()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.pending = None  # a preview is for the passage it was made on
        self._show_preview()

    def _current(self):
        ol = self.query_one("#agr-disagreements", OptionList)
        if ol.highlighted is None or not self.shown:
            return None
        return self.shown[ol.highlighted]

    def action_decide(self, choice: str) -> None:
        """First press: preview what the consensus coder would get; the same key again: write it."""
        d = self._current()
        if d is None:
            self.notify("no disagreement highlighted", severity="warning")
            return
        if self.pending == (d.key, choice):
            self.pending = None
            self._show_preview()
            self.write_decision(d, choice)
            return
        try:
            preview = decision_preview_over(d, choice, self.decided.get(d.key), self.consensus)
        except QualcodeError as e:
            self.notify(str(e), severity="error")
            return
        self.pending = (d.key, choice)
        self._show_preview()
        self.notify(f"{KEY_OF[choice]}: {preview} — press {KEY_OF[choice]} again to write", timeout=4)

    def action_open_segment(self) -> None:
        d = self._current()
        if d is not None:
            self.post_message(self.OpenSegment(d.document_id, d.start, d.end))

    def action_cycle_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)] if self.unit in UNITS else UNITS[0]
        self.action_recompute()

    def action_choose_coders(self) -> None:
        from qualcode.tui.screens.dialogs import Prompt

        def chosen(text: str | None) -> None:
            if text and text.strip():
                self.coders = [c.strip() for c in text.split(",") if c.strip()]
                self.action_recompute()

        self.app.push_screen(
            Prompt(
                "Coders to compare (comma separated):",
                ",".join(self.coders or []),
                hint="anna,bo · or anna@2026-11-01,anna: anna then and now (code–recode)",
            ),
            chosen,
        )

    def action_recompute(self) -> None:
        self.busy = True
        self.query_one("#agr-summary", Static).update(f"computing agreement at unit {self.unit}…")
        self.compute()

    def action_export(self) -> None:
        """The per-code table, the per-document breakdown and the disagreements — or the reliability
        report — of these coders at this unit, as ``agreement --format`` / ``--report`` write them."""
        from qualcode.tui.screens.export_view import choose_and_export

        if self.report is None or self.busy:
            self.notify("nothing to export yet: the agreement is being computed", severity="warning")
            return
        coders = list(self.report.coders)
        choose_and_export(
            self,
            self.session,
            "agreement",
            f"agreement of {', '.join(coders)} at unit {self.unit} ({len(self.report.disagreements)} disagreement(s))",
            coders=coders,
            unit=self.unit,
        )

    def action_close(self) -> None:
        self.dismiss(None)
