"""Injected failures: error answers and dropped connections for the next calls of a method."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from simulator.errors import ApiError


@dataclass(frozen=True)
class Fault:
    """One planned failure; `error` is None for a dropped connection."""

    error: ApiError | None

    @property
    def drops_connection(self) -> bool:
        """True when the server closes the socket without answering."""
        return self.error is None


class FaultPlan:
    """Per-method queues of faults, consumed first-in first-out, one per call."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}

    def add(self, method: str, fault: Fault, times: int) -> None:
        """Make the next `times` calls of `method` (case-insensitive) fail with `fault`."""
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        self._queues.setdefault(method.lower(), deque()).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        """The fault for this call of `method`, if one is planned."""
        queue = self._queues.get(method.lower())
        return queue.popleft() if queue else None

    def clear(self) -> None:
        """Forget every planned fault."""
        self._queues.clear()
