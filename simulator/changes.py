"""A revision number for what a watcher of the chats can see, and a way to wait for the next.

Every message posted, edited or deleted and every answered button press bumps it, so the
control API can long-poll: "answer when the revision is past N, or after T seconds".
"""

from __future__ import annotations

import asyncio
import contextlib


class Changes:
    """A growing revision number with an event that wakes every waiter when it grows."""

    def __init__(self) -> None:
        self.revision = 0
        self._changed = asyncio.Event()

    def notify(self) -> None:
        """Something a watcher could see has changed."""
        self.revision += 1
        self.wake()

    def wake(self) -> None:
        """Wake every waiter (also when the server is stopping) without a new revision."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Sleep until the next notify or wake, or `timeout` seconds."""
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout)
