"""Export what a screen shows: a dialog to choose the format, and the export in a thread worker.

Retrieval (ctrl+r), the co-occurrence heatmap (ctrl+t), the agreement screen (ctrl+w) and the
workbench's codings (ctrl+e) each offer every format the command line writes for that table; the
file is written by the same functions, under the same name and with the same provenance as the
command (see ``interchange.exporters.view_exports``), in ``exports/`` beside the project. The
worker opens its own ``Project`` (a Project is not thread-safe) and only reports back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError, describe_unexpected
from qualcode.interchange.exporters.view_exports import VIEW_FORMATS, ViewExport, export_folder, export_view
from qualcode.project import Session

__all__ = ["ExportDialog", "choose_and_export", "start_export"]


class ExportDialog(ModalScreen[str | None]):
    """The formats a view can be written in; Enter writes the highlighted one, escape cancels."""

    AUTO_FOCUS = "#export-formats"

    BINDINGS = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    ExportDialog #export-formats { height: auto; max-height: 14; margin: 1 0 0 0; }
    """

    def __init__(self, view: str, what: str, folder: Path) -> None:
        super().__init__()
        self.view, self.what, self.folder = view, what, folder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Export {self.what}", id="dialog-question")
            yield Label(f"to {self.folder}/", classes="hint")
            options = []
            for f in VIEW_FORMATS[self.view]:
                label = Text()
                label.append(f"{f.key:<8}", style="bold")
                label.append(f.label)
                options.append(Option(label, id=f.key))
            yield OptionList(*options, id="export-formats")
            yield Label("Enter writes · esc cancels", classes="hint")

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = 0
        formats.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def start_export(
    screen: Screen[Any] | App[Any],
    session: Session,
    view: str,
    fmt: str,
    done: Callable[[ViewExport], None] | None = None,
    **options: Any,
) -> None:
    """Write ``view`` as ``fmt`` in a thread worker; a notice when it starts and one naming the files."""
    folder = export_folder(session.path)
    screen.notify(f"exporting as {fmt} to {folder}/ …", timeout=3)
    app = screen.app

    def finished(result: ViewExport) -> None:
        names = ", ".join(p.name for p in result.paths[:3]) + (" …" if len(result.paths) > 3 else "")
        count = "" if result.rows is None else f"{result.rows:,} row(s) · "
        notes = "".join(f" · {n}" for n in result.notes)  # e.g. "replaced the earlier codings.csv"
        screen.notify(f"{count}wrote {names} in {folder}/{notes}", title="exported", timeout=8)
        if done is not None:
            done(result)

    def failed(message: str) -> None:
        screen.notify(f"export failed, nothing written: {message}", severity="error", timeout=8)

    def job() -> None:
        try:
            with session.open() as p:
                result = export_view(p, session.path, view, fmt, **options)
        except QualcodeError as e:
            app.call_from_thread(failed, str(e))
            return
        except (OSError, ValueError, RuntimeError) as e:  # a writer's message may quote a cell: never shown
            app.call_from_thread(failed, describe_unexpected(e, session.path))
            return
        app.call_from_thread(finished, result)

    # the app's worker: closing the view does not stop a file half-way (nor could it: a thread)
    app.run_worker(job, thread=True, group="export", name=f"export {view} {fmt}")


def choose_and_export(
    screen: Screen[Any] | App[Any],
    session: Session,
    view: str,
    what: str,
    done: Callable[[ViewExport], None] | None = None,
    **options: Any,
) -> None:
    """The format dialog, then the export of ``view`` with ``options`` (the view's filters)."""

    def chosen(fmt: str | None) -> None:
        if fmt:
            start_export(screen, session, view, fmt, done, **options)

    screen.app.push_screen(ExportDialog(view, what, export_folder(session.path)), chosen)
