"""Fixtures of the admin API tests: the app with its lifespan run, over httpx's ASGI transport,
an API key per role, and respondents answering through the storage functions the bot uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.app import create_app
from storage.apikeys import ROLES, create_api_key
from storage.engine import transaction
from survey.settings import Settings

BOT_USERNAME = "csat_test_bot"


@dataclass
class Api:
    """The app and a client on it; ``as_(role)`` sends that role's key."""

    app: FastAPI
    client: httpx.AsyncClient
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        sessions: async_sessionmaker[AsyncSession] = self.app.state.sessions
        return sessions

    def auth(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"} if role else {}

    async def call(
        self, method: str, path: str, *, role: str | None = "admin", **kwargs: Any
    ) -> httpx.Response:
        headers = {**self.auth(role), **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.call("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.call("PATCH", path, **kwargs)


def api_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, bot_username=BOT_USERNAME, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Api]:
    """The admin app (no bot) with its lifespan entered, and one key per role."""
    app = create_app(api_settings(db_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://admin") as client:
            harness = Api(app, client)
            async with transaction(harness.sessions) as session:
                for role in ROLES:
                    _, harness.keys[role] = await create_api_key(
                        session, name=f"{role} tester", role=role
                    )
            yield harness


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error object of a response, after checking it has the one error shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status and error["message"] and error["code"]
    return error
