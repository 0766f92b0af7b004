"""Driving the workbench: wait for its workers, never for the clock."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Let every worker finish and the messages it posted be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def burst(pilot, *keys: str) -> None:
    """Type ``keys`` at full speed: every key is queued before the first is handled, as when a
    fast typist (or a paste) outruns the screen that a key opens. ``pilot.press`` waits between keys
    and so hides exactly the races people meet."""
    from textual import events
    from textual.app import _character_to_key

    driver = pilot.app._driver
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        char = key if len(key) == 1 else ("\t" if key == "tab" else ("\r" if key == "enter" else None))
        event = events.Key(name, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await settle_keys(pilot)


async def settle_keys(pilot, rounds: int = 400) -> None:
    """Wait until every key typed has been handed on (the app holds keys typed ahead of a dialog)."""
    holder = pilot.app.key_holder
    for _ in range(rounds):
        await settle(pilot)
        if holder.idle:
            return
    raise AssertionError(f"keys still held after {rounds} rounds: {[e.key for e in holder.held]}")
