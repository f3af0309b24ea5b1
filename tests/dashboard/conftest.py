"""Fixtures of the dashboard's tests: an API key of each role and an httpx client of the app
(the ``app`` fixture of tests/conftest.py: the real app on a real socket)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import Key, make_key


@pytest.fixture
async def keys(sessions: async_sessionmaker[AsyncSession]) -> dict[ApiKeyRole, Key]:
    """A live key of each role: ``keys[ApiKeyRole.VIEWER].secret`` signs a viewer in."""
    return {role: await make_key(sessions, role) for role in ApiKeyRole}


@pytest.fixture
async def client(app: AppServer) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the served app, signed in as nobody (``dashing.sign_in`` signs it in)."""
    async with httpx.AsyncClient(base_url=app.url, timeout=60) as http:
        yield http
