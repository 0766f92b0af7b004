"""Driving the workbench: wait for its workers, never for the clock."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Let every worker finish and the messages it posted be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
