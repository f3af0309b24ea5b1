"""API keys are shown once and stored hashed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.apikeys import create_api_key, find_api_key, hash_key, revoke_api_key
from storage.engine import transaction
from storage.models import ApiKey
from survey.errors import InvalidValue


async def test_a_key_is_stored_only_as_its_hash(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        row, key = await create_api_key(session, name="qm", role="admin")
    async with transaction(sessions) as session:
        stored = (await session.scalars(select(ApiKey))).one()
        found = await find_api_key(session, key)
    assert key not in (stored.key_hash, stored.prefix) and stored.key_hash == hash_key(key)
    assert found is not None and found.id == row.id and found.last_used_at is not None


async def test_unknown_and_revoked_keys_are_not_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sessions) as session:
        row, key = await create_api_key(session, name="desk", role="staff")
        assert await find_api_key(session, key + "x") is None
        assert await revoke_api_key(session, row.id)
        assert not await revoke_api_key(session, row.id)
        assert await find_api_key(session, key) is None


async def test_only_known_roles_are_given(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        with pytest.raises(InvalidValue, match=r"^role must be one of"):
            await create_api_key(session, name="x", role="root")
