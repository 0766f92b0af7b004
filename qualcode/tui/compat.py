"""A guard against a Textual 8.2 hang we hit in a real terminal.

A toast made for a notification that expires a few milliseconds earlier (a screen switch while a
worker thread holds the GIL is enough) gets a negative timeout; ``set_timer`` with a negative
delay then spins the event loop forever at full CPU. We clamp the toast's timeout to a positive
value. Remove once Textual clamps it itself.
"""

from __future__ import annotations

MIN_TIMEOUT = 0.05


def guard_toast_timeout() -> None:
    from textual.widgets import _toast

    original = _toast.Toast.__init__
    if getattr(original, "qualcode_guard", False):
        return

    def __init__(self, notification) -> None:
        original(self, notification)
        self._timeout = max(self._timeout, MIN_TIMEOUT)

    __init__.qualcode_guard = True
    _toast.Toast.__init__ = __init__
