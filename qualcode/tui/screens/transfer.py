"""Import files and export codings in a thread worker, with a progress bar.

An import asks what the command line's ``import`` asks: the files or folders, their kind, their
language (``auto``: Danish or English per file) and an optional attributes CSV — and runs the same
domain import, all or nothing: a bad file or a bad CSV gets one line and nothing is stored.

The worker opens its own ``Project`` (a Project is not thread-safe), only posts messages, and
never touches widgets; the screen updates itself from those messages.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, RadioButton, RadioSet, Static

from qualcode.corpus.documents import KINDS
from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Session


class TransferScreen(ModalScreen[bool]):
    """``mode`` is "import" (files or a folder) or "export" (codings CSV). Dismisses True if it changed things."""

    AUTO_FOCUS = "#transfer-path"

    BINDINGS = [Binding("escape", "close", "close")]
    DEFAULT_CSS = """
    TransferScreen .field-row { height: auto; margin-top: 1; }
    TransferScreen .field-label { width: 11; }
    TransferScreen .field-row Input { width: 1fr; }
    TransferScreen #transfer-kind { layout: horizontal; width: 1fr; }
    TransferScreen #transfer-kind RadioButton { width: auto; margin-right: 1; }
    TransferScreen #transfer-progress { display: none; }
    """

    class Progress(Message):
        def __init__(self, done: int, total: int, what: str) -> None:
            super().__init__()
            self.done, self.total, self.what = done, total, what

    class Finished(Message):
        def __init__(self, summary: str, ok: bool, failed: bool = False) -> None:
            super().__init__()
            self.summary, self.ok, self.failed = summary, ok, failed

    def __init__(self, mode: str, session: Session, default: str = "") -> None:
        super().__init__()
        self.mode, self.session, self.default = mode, session, default
        self.changed = False
        self.running = False

    def compose(self) -> ComposeResult:
        question = (
            "Import files or a folder (paths separated by ';'):"
            if self.mode == "import"
            else "Export codings as CSV to:"
        )
        with Vertical(id="dialog"):
            yield Label(question, id="dialog-question")
            yield Input(self.default, id="transfer-path")
            if self.mode == "import":
                with Horizontal(classes="field-row"):
                    yield Label("Kind", classes="field-label")
                    with RadioSet(id="transfer-kind", compact=True):
                        for kind in KINDS:
                            yield RadioButton(kind, value=kind == KINDS[0], id=f"kind-{kind}", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label("Language", classes="field-label")
                    yield Input("auto", id="transfer-language", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label("Attributes", classes="field-label")
                    yield Input("", id="transfer-attributes", placeholder="optional: a CSV file", compact=True)
                yield Static(
                    "Tab moves, space picks a kind. auto: Danish or English per file. "
                    "The CSV's kind and language columns win over these.",
                    classes="hint",
                )
            yield ProgressBar(id="transfer-progress", show_eta=False)
            yield Static("Enter starts · esc closes", id="transfer-log", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#transfer-path", Input).focus()

    @property
    def kind(self) -> str:
        pressed = self.query_one("#transfer-kind", RadioSet).pressed_button
        return (pressed.id or "").removeprefix("kind-") if pressed else KINDS[0]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        target = self.query_one("#transfer-path", Input).value.strip()
        if self.running:
            return
        if not target:
            self.query_one("#transfer-path", Input).focus()
            return
        if self.mode == "import":
            language = self.query_one("#transfer-language", Input).value.strip() or "auto"
            attributes = self.query_one("#transfer-attributes", Input).value.strip()
            csv_path = Path(attributes).expanduser() if attributes else None
            if csv_path is not None and not csv_path.is_file():
                self._show(f"{attributes}: no such file; correct the attributes CSV path, or leave it empty")
                return
            self.running = True
            self.query_one("#transfer-log", Static).update("working…")
            self.run_import([p.strip() for p in target.split(";") if p.strip()], self.kind, language, csv_path)
        else:
            self.running = True
            self.query_one("#transfer-log", Static).update("working…")
            self.run_export(target)

    def _show(self, line: str) -> None:
        self.query_one("#transfer-log", Static).update(line + "  · esc closes")

    @work(thread=True, exclusive=True)
    def run_import(self, paths: list[str], kind: str, language: str, attributes: Path | None) -> None:
        """The command line's import, all or nothing: any failure stores nothing and says why."""
        try:
            with self.session.open() as project:
                report = import_files(
                    project,
                    [Path(p).expanduser() for p in paths],
                    kind=kind,
                    language=language,
                    attributes=attributes,
                    progress=self._progress,
                )
            parts = [f"imported {len(report.imported)} as {kind}"]
            if report.attributes and report.imported:
                types = report.attributes["types"]
                parts.append(f"attributes {', '.join(types)} on {report.attributes['documents']}" if types else "")
            if report.skipped:
                parts.append(f"skipped {len(report.skipped)} ({report.skipped[0][1]})")
            self.post_message(self.Finished(", ".join(p for p in parts if p), bool(report.imported)))
        except QualcodeError as e:
            self.post_message(self.Finished(f"nothing imported: {e}", False, failed=True))

    @work(thread=True, exclusive=True)
    def run_export(self, destination: str) -> None:
        from qualcode.coding.csv_io import codings_csv

        try:
            self.post_message(self.Progress(0, 2, "reading codings"))
            with self.session.open() as project:
                text = codings_csv(project)
            self.post_message(self.Progress(1, 2, "writing"))
            path = Path(destination).expanduser()
            from qualcode.files import write_text_atomic

            write_text_atomic(path, text, like=self.session.path)
            self.post_message(self.Progress(2, 2, str(path)))
            self.post_message(self.Finished(f"wrote {text.count(chr(13) + chr(10)) - 1} codings to {path}", False))
        except (QualcodeError, OSError) as e:
            self.post_message(self.Finished(str(e), False, failed=True))

    def _progress(self, done: int, total: int, what: str) -> None:
        self.post_message(self.Progress(done, total, str(what)))

    def on_transfer_screen_progress(self, event: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = True  # hidden until there is progress to show
        bar.update(total=max(event.total, 1), progress=event.done)
        self.query_one("#transfer-log", Static).update(f"{event.done}/{event.total} {Path(event.what).name}")

    def on_transfer_screen_finished(self, event: Finished) -> None:
        self.running = False
        self.changed = self.changed or event.ok
        self._show(event.summary + ("; fix it and press Enter again" if event.failed else ""))
        self.notify(event.summary, severity="error" if event.failed else "information")

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.changed)
