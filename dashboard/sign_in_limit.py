"""How many failed sign-ins one client may make: ``FAILURES`` wrong API keys within
``WINDOW`` seconds from one IP address, then the sign-in form answers 429 with ``Retry-After``
until the oldest of them is out of the window. A key is 32 random bytes, so this is not what
keeps it from being guessed; it keeps a script from hammering the key table and the logs.

Per process, in memory: each ``csat serve`` process counts its own clients' failures (several
processes behind one address let a client try ``FAILURES`` times in each), and a restart
forgets them. Only failures count, and only the client's own: a sign-in with a live key resets
that client's count, and other clients' failures never block it. The client is the TCP peer
(``request.client``); behind a reverse proxy, run uvicorn with ``--proxy-headers`` and
``--forwarded-allow-ips`` so that it is the real client's address."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

FAILURES: Final = 5
WINDOW: Final = 60.0  # seconds
CLIENTS_KEPT: Final = 10_000  # the clients remembered at most; the least recent go first


@dataclass
class SignInLimit:
    """The recent failed sign-ins of each client, oldest first."""

    failures: int = FAILURES
    window: float = WINDOW
    clock: Callable[[], float] = time.monotonic
    kept: int = CLIENTS_KEPT
    _failed: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failed.get(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until ``client`` may try again, or None if it may now."""
        now = self.clock()
        times = self._recent(client, now)
        if not times:
            self._failed.pop(client, None)
            return None
        if len(times) < self.failures:
            return None
        return max(1, math.ceil(times[-self.failures] + self.window - now))

    def failed(self, client: str) -> None:
        """Count one wrong key from ``client``."""
        now = self.clock()
        times = self._recent(client, now)
        times.append(now)
        self._failed[client] = times
        self._failed.move_to_end(client)
        while len(self._failed) > self.kept:
            self._failed.popitem(last=False)

    def succeeded(self, client: str) -> None:
        """A live key from ``client``: its failures are forgiven."""
        self._failed.pop(client, None)
