"""Where the workbench leans on Textual 8.2's internals (pinned in pyproject.toml).

``KeyHolder`` keeps keys typed while a dialog is still opening for the dialog: Textual pushes a
screen at once but mounts it and moves focus a few frames later, and a fast typist's keys in
between went to no widget (``ctrl+u anna`` made the coder "an"; ``AAA tab BBB`` in the code form
was lost or hit the codebook behind it).

``report_and_exit`` replaces Textual's crash screen (a traceback with local variables) by one line.
``guard_toast_timeout`` guards against a Textual 8.2 hang we hit in a real terminal.

A toast made for a notification that expires a few milliseconds earlier (a screen switch while a
worker thread holds the GIL is enough) gets a negative timeout; ``set_timer`` with a negative
delay then spins the event loop forever at full CPU. We clamp the toast's timeout to a positive
value. Remove once Textual clamps it itself.
"""

from __future__ import annotations

import time

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


class KeyHolder:
    """Hands keys on one at a time: a key waits while the key before it is still on its way (Textual
    forwards a key to the focused widget's queue and runs bindings when it bubbles back, while the
    app reads the next key at once) and while a screen or dialog that key opened is not yet mounted and
    focused. Keys typed in a burst so land where they would have landed typed slowly. Gives up
    after ``PATIENCE`` seconds, so nothing can swallow keys."""

    PATIENCE = 1.0
    TICK = 0.004

    def __init__(self, app) -> None:
        self.app = app
        import weakref

        self.held: list = []
        self.ready: weakref.WeakSet = weakref.WeakSet()  # dialogs whose focus is set
        self.pending: object = None
        self.last = None  # the key on its way
        self.sent_at = 0.0
        self.since = 0.0
        self.waiting = False

    def _opening(self) -> bool:
        """The top screen (a dialog, the case sheet, search …) has not yet painted once with its focus set (its
        ``on_mount`` moves focus a frame after Textual's automatic focus)."""
        if not self._alive():
            return False
        screen = self.app.screen
        if screen is self.app.screen_stack[0] or screen in self.ready:  # the workbench itself is never opening
            return False
        if screen is not self.pending:
            self.pending = screen
            self.app.call_after_refresh(self._settle, screen, 0)
        return True

    def _alive(self) -> bool:
        """False once the app is closing: held keys are dropped, never handed to no screen."""
        if self.app._exit or not self.app.screen_stack:
            self.held = []
            return False
        return True

    def _settle(self, screen, frames: int) -> None:
        """Two frames after the dialog is mounted, its focus is where its ``on_mount`` put it."""
        if not self._alive() or screen is not self.app.screen:
            self.pending = None  # it may come back on top: settle it again then
            return
        if not screen.is_mounted or frames < 1:
            self.app.call_after_refresh(self._settle, screen, frames + (1 if screen.is_mounted else 0))
            return
        self.ready.add(screen)
        if self.held:
            self._wait(now=True)

    def _busy(self) -> bool:
        if self._opening():
            return True
        last = self.last
        if last is None:
            return False
        if last._stop_propagation or time.monotonic() - self.sent_at > self.PATIENCE:
            self.last = None  # a widget took it (an Input, the transcript's hotkeys) or it got lost
            return False
        return True

    def sent(self, event) -> None:
        """``event`` went to the focused widget: later keys wait until it is taken or comes back."""
        self.last, self.sent_at = event, time.monotonic()

    def returned(self, event) -> None:
        """``event`` bubbled back to the app, whose bindings have now run: the next key may go."""
        if event is self.last:
            self.last = None
            if self.held:
                self._wait(now=True)

    def hold(self, event) -> bool:
        if not self.held and not self._busy():
            return False
        if not self.held:
            self.since = time.monotonic()
        self.held.append(event)
        self._wait()
        return True

    def _wait(self, now: bool = False) -> None:
        """Run ``_release`` in the app's message loop (a timer's callback runs in its own task), and
        only one at a time."""
        if self.waiting:
            return
        self.waiting = True
        if now:
            self.app.call_later(self._release)
        else:
            self.app.set_timer(self.TICK, lambda: self.app.call_later(self._release))

    async def _release(self) -> None:
        self.waiting = False
        if not self.held or not self._alive():
            return
        if self._busy() and time.monotonic() - self.since < self.PATIENCE:
            self._wait()
            return
        event = self.held.pop(0)
        self.since = time.monotonic()
        await self.app.dispatch_held_key(event)
        if self.held:
            self._wait()

    @property
    def idle(self) -> bool:
        """No key held or on its way (tests wait for this after typing a burst)."""
        return not self.held and not self._busy()
