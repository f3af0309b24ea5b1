"""``storage.engine.reading`` on both backends: every statement of the transaction sees the
data as committed when it first read (a report's fingerprint and its answers agree), writes
on other connections go on meanwhile, and a write inside it is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import WriteWhileReading, reading, transaction
from storage.models import Customer


async def _customers(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(Customer.id))) or 0)


async def test_a_reading_transaction_keeps_one_view_of_the_data(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sessions) as session:
        session.add(Customer(external_id="C1", name="Acme"))
    async with reading(sessions) as read:
        assert await _customers(read) == 1
        async with transaction(sessions) as session:  # not held up by the reader
            session.add(Customer(external_id="C2", name="Beta"))
        assert await _customers(read) == 1  # the same view as its first read
    async with reading(sessions) as read:
        assert await _customers(read) == 2


async def test_a_reading_transaction_refuses_a_write(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with reading(sessions) as read:
        read.add(Customer(external_id="C3", name="Gamma"))
        with pytest.raises(WriteWhileReading):
            await read.flush()
    async with reading(sessions) as read:
        assert await read.scalar(text("SELECT count(*) FROM customers")) == 0
