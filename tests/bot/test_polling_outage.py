"""Polling through a Bot API outage (issue 9 point 14): one log line per failed getUpdates,
spaced by a growing back-off, no traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest

from cli.hosting import AppServer
from simulator import BotApiSimulator
from tests.support import polling_settings

OUTAGE = 4.0  # seconds: PTB waits 1, 1.5, 2.25 … s between attempts


async def test_an_unreachable_bot_api_is_logged_once_per_attempt_without_traceback(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sim = BotApiSimulator()
    await sim.start()
    polling = AppServer(polling_settings(db_url, sim))
    await polling.start()
    try:
        with caplog.at_level(logging.WARNING):
            await sim.stop()
            await asyncio.sleep(OUTAGE)
            during = list(caplog.records)  # PTB's last getUpdates at shutdown logs its own
    finally:
        await polling.stop()
    failures = [r for r in during if "polling failed" in r.getMessage()]
    assert 2 <= len(failures) <= 6  # backing off, not spinning
    assert [r for r in during if r.exc_info] == []
    assert "NetworkError" in failures[-1].getMessage()
