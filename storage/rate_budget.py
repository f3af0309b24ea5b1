"""One rate budget for every process sending as one bot: Telegram's windows, kept where all of
them see it (PostgreSQL here, Redis in storage/rate_budget_redis.py).

Telegram limits a bot, not a process: N ``csat serve`` processes together may send 30 messages
a second, one a second into a private chat and 20 a minute into a group. Each window is a set
of slots under a key (``all``, ``chat:42``, ``group:-100123``) in a namespace (the bot's id).
A bulk send takes one slot in each of its windows at once, or none (``take``), sends, and then
ends them (``end``): an ended slot counts until ``period`` seconds after its request was
answered, as in bot/rate_limits.py's ``SlidingWindow`` (Telegram counts a message somewhere
between the two). A slot left open by a process that died counts for ``FLIGHT`` seconds more.
Times are the shared server's clock, so the processes' own clocks do not matter.

On PostgreSQL one transaction-scoped advisory lock serialises the takes of every process (a
few milliseconds each, at most 30 a second get through); ending is a plain update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import transaction

FLIGHT: Final = 30.0  # seconds a taken slot may stay open: longer than any request's timeouts
POLL: Final = 0.02  # seconds to wait when only an open slot's end can free room
PRUNE_EVERY: Final = 200  # takes between two sweeps of every expired slot (forgotten chats)
# The advisory lock of the budget's takes: any fixed number no other code uses.
LOCK_KEY: Final = 0x6373_6174_7261_7465  # "csatrate"
OVERALL: Final = "all"


@dataclass(frozen=True)
class Window:
    """At most ``limit`` messages in any ``period`` seconds, under ``key``."""

    key: str
    limit: int
    period: float


@dataclass(frozen=True)
class Verdict:
    """A take's answer: ``wait`` 0, the slots are taken; else seconds until ``full`` (the key
    of the window without room) may have room."""

    wait: float
    full: str | None = None

    @property
    def taken(self) -> bool:
        return self.wait == 0


TAKEN: Final = Verdict(0.0)


class SharedBudget(Protocol):
    """Slots in windows that every process of one bot shares."""

    async def take(self, windows: Sequence[Window], token: str) -> Verdict:
        """A slot in every window for the request ``token``, or none and how long to wait."""
        ...

    async def end(self, windows: Sequence[Window], token: str) -> None:
        """The request ``token`` was answered (or never sent): its slots count ``period`` more."""
        ...

    async def room(self, window: Window) -> int:
        """How many more messages the window takes now."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def verdict_of(window: Window, slots: Sequence[tuple[float, bool]], now: float) -> Verdict:
    """Whether ``window`` has room for one more, given its live slots (until, open)."""
    if len(slots) < window.limit:
        return TAKEN
    # The slot whose expiry makes room: the (n - limit)-th to expire.
    until, is_open = sorted(slots)[len(slots) - window.limit]
    return Verdict(POLL if is_open else max(until - now, POLL), window.key)


def slowest(verdicts: Sequence[Verdict]) -> Verdict:
    """Taken if every window has room; else the longest wait (the overall window's first on
    a tie: the caller waits for it in the process's queue)."""
    full = [v for v in verdicts if not v.taken]
    if not full:
        return TAKEN
    return max(full, key=lambda v: (v.wait, v.full == OVERALL))


metadata = MetaData()
rate_slots = Table(
    "rate_slots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(120), nullable=False),  # namespace + window key
    Column("token", String(40), nullable=False),  # the request holding the slot
    Column("until", Float, nullable=False),  # epoch seconds when the slot stops counting
    Column("period", Float, nullable=False),
    Column("open", Boolean, nullable=False),  # taken, its request not answered yet
    Index("ix_rate_slots_scope_until", "scope", "until"),
    Index("ix_rate_slots_token", "token"),
)
NOW_SQL = text("SELECT extract(epoch FROM clock_timestamp())::float8")


class PostgresBudget:
    """The shared budget in the application's PostgreSQL database (table ``rate_slots``)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], namespace: str) -> None:
        self._sessions = sessions
        self._namespace = namespace
        self._takes = 0

    def _scope(self, window: Window) -> str:
        return f"{self._namespace}:{window.key}"

    async def take(self, windows: Sequence[Window], token: str) -> Verdict:
        scopes = {self._scope(w): w for w in windows}
        async with transaction(self._sessions) as session:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            now = float(await session.scalar(NOW_SQL) or 0.0)
            self._takes += 1
            if self._takes % PRUNE_EVERY == 0:
                await session.execute(delete(rate_slots).where(rate_slots.c.until <= now))
            rows = await session.execute(
                select(rate_slots.c.scope, rate_slots.c.until, rate_slots.c.open).where(
                    rate_slots.c.scope.in_(list(scopes)), rate_slots.c.until > now
                )
            )
            live: dict[str, list[tuple[float, bool]]] = {scope: [] for scope in scopes}
            for scope, until, is_open in rows:
                live[scope].append((until, is_open))
            verdict = slowest([verdict_of(w, live[s], now) for s, w in scopes.items()])
            if not verdict.taken:
                return verdict
            await session.execute(
                insert(rate_slots),
                [
                    {
                        "scope": scope,
                        "token": token,
                        "until": now + FLIGHT + w.period,
                        "period": w.period,
                        "open": True,
                    }
                    for scope, w in scopes.items()
                ],
            )
        return TAKEN

    async def end(self, windows: Sequence[Window], token: str) -> None:
        async with transaction(self._sessions) as session:
            await session.execute(
                update(rate_slots)
                .where(rate_slots.c.token == token, rate_slots.c.open.is_(True))
                .values(
                    until=text("extract(epoch FROM clock_timestamp())::float8 + period"),
                    open=False,
                )
            )

    async def room(self, window: Window) -> int:
        async with transaction(self._sessions) as session:
            now = float(await session.scalar(NOW_SQL) or 0.0)
            rows = await session.scalars(
                select(rate_slots.c.id).where(
                    rate_slots.c.scope == self._scope(window), rate_slots.c.until > now
                )
            )
            return max(0, window.limit - len(rows.all()))

    async def close(self) -> None:
        """The sessions are the application's: nothing of its own to release."""
