"""Fixtures for the Bot API simulator tests: a running simulator and a PTB bot on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot

from simulator import BotApiSimulator


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on int-valued durations (RetryAfter.retry_after) unless opted in."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    """A started simulator with default limits."""
    async with BotApiSimulator() as simulator:
        yield simulator


@pytest_asyncio.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    """A real python-telegram-bot Bot talking HTTP to the simulator."""
    async with Bot(sim.token, base_url=sim.base_url) as tg_bot:
        yield tg_bot
