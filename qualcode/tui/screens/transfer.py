"""Import files and export codings in a thread worker, with a progress bar.

The worker opens its own ``Project`` (a Project is not thread-safe), only posts messages, and
never touches widgets; the screen updates itself from those messages.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from qualcode.corpus.ingest import import_files
from qualcode.errors import QualcodeError
from qualcode.project import Session


class TransferScreen(ModalScreen[bool]):
    """``mode`` is "import" (files or a folder) or "export" (codings CSV). Dismisses True if it changed things."""

    BINDINGS = [Binding("escape", "close", "close")]

    class Progress(Message):
        def __init__(self, done: int, total: int, what: str) -> None:
            super().__init__()
            self.done, self.total, self.what = done, total, what

    class Finished(Message):
        def __init__(self, summary: str, ok: bool) -> None:
            super().__init__()
            self.summary, self.ok = summary, ok

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
            yield ProgressBar(id="transfer-progress", show_eta=False)
            yield Static("Enter starts · esc closes", id="transfer-log", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running or not event.value.strip():
            return
        self.running = True
        self.query_one("#transfer-log", Static).update("working…")
        if self.mode == "import":
            self.run_import([p.strip() for p in event.value.split(";") if p.strip()])
        else:
            self.run_export(event.value.strip())

    @work(thread=True, exclusive=True)
    def run_import(self, paths: list[str]) -> None:
        try:
            with self.session.open() as project:
                report = import_files(
                    project,
                    [Path(p).expanduser() for p in paths],
                    keep_going=True,
                    progress=self._progress,
                )
            parts = [f"imported {len(report.imported)}"]
            if report.skipped:
                parts.append(f"skipped {len(report.skipped)} ({report.skipped[0][1]})")
            if report.failed:
                parts.append(f"failed {len(report.failed)} ({report.failed[0][0]}: {report.failed[0][1]})")
            self.post_message(self.Finished(", ".join(parts), bool(report.imported)))
        except QualcodeError as e:
            self.post_message(self.Finished(str(e), False))

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
            self.post_message(self.Finished(str(e), False))

    def _progress(self, done: int, total: int, what: str) -> None:
        self.post_message(self.Progress(done, total, str(what)))

    def on_transfer_screen_progress(self, event: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=max(event.total, 1), progress=event.done)
        self.query_one("#transfer-log", Static).update(f"{event.done}/{event.total} {Path(event.what).name}")

    def on_transfer_screen_finished(self, event: Finished) -> None:
        self.running = False
        self.changed = self.changed or event.ok
        self.query_one("#transfer-log", Static).update(event.summary + "  · esc closes")
        self.notify(event.summary, severity="information" if "failed" not in event.summary else "warning")

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.changed)
