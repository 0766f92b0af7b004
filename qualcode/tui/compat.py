"""Where the workbench leans on Textual 8.2's internals (pinned in pyproject.toml).

``report_and_exit`` replaces Textual's crash screen (a traceback with local variables) by one line.
``guard_toast_timeout`` guards against a Textual 8.2 hang we hit in a real terminal.

A toast made for a notification that expires a few milliseconds earlier (a screen switch while a
worker thread holds the GIL is enough) gets a negative timeout; ``set_timer`` with a negative
delay then spins the event loop forever at full CPU. We clamp the toast's timeout to a positive
value. Remove once Textual clamps it itself.
"""

from __future__ import annotations

MIN_TIMEOUT = 0.05


def report_and_exit(app, error: Exception, line: str) -> None:
    """What ``App._handle_exception`` does, but ending with ``line`` instead of Textual's traceback,
    which shows local variables (and so the transcript's text). Pilot tests still get the error."""
    from rich.text import Text

    app._return_code = 1
    if app._exception is None:
        app._exception = error
        app._exception_event.set()
    app.bell()
    app.panic(Text(line))


def guard_toast_timeout() -> None:
    from textual.widgets import _toast

    original = _toast.Toast.__init__
    if getattr(original, "qualcode_guard", False):
        return

    def __init__(self, notification) -> None:
        original(self, notification)
        self._timeout = max(self._timeout, MIN_TIMEOUT)

    __init__.qualcode_guard = True  # type: ignore[attr-defined]  # marks the patch, so it is applied once
    _toast.Toast.__init__ = __init__  # type: ignore[method-assign]  # the guard itself
