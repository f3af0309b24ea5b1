"""What the dashboard's tests share: API keys of each role, signing a client or a browser tab
in through the real sign-in form, reading a page's CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from playwright.async_api import Page
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.apikeys import create_api_key
from survey.vocabulary import ApiKeyRole

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SECRET = "dashboard-test-secret"  # the keyed_client fixture's settings.secret_key


@dataclass(frozen=True, slots=True)
class Key:
    id: int
    role: ApiKeyRole
    name: str
    secret: str


async def make_key(
    sessions: async_sessionmaker[AsyncSession], role: ApiKeyRole, name: str | None = None
) -> Key:
    async with sessions() as session, session.begin():
        row, secret = await create_api_key(session, name=name or f"{role.value} Li", role=role)
        return Key(row.id, role, row.name, secret)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, key: str, next_path: str = "/dashboard"
) -> httpx.Response:
    """Sign ``client`` in through the form (its cookies then carry the session); the response
    after the redirect."""
    form = await client.get("/dashboard/sign-in", params={"next": next_path})
    fields = {"csrf": csrf_of(form.text), "next": next_path, "api_key": key}
    return await client.post("/dashboard/sign-in", data=fields, follow_redirects=True)


async def sign_in_tab(page: Page, base_url: str, key: str, next_path: str = "/dashboard") -> None:
    """Sign a browser tab in through the form and land on ``next_path``."""
    await page.goto(f"{base_url}{next_path}")  # redirected to the sign-in page
    await page.locator("#api_key").fill(key)
    async with page.expect_navigation():
        await page.locator("form button[type=submit]").last.click()


async def report_json(client: httpx.AsyncClient, key: Key, campaign: str) -> dict[str, Any]:
    """``GET /campaigns/{campaign}/report`` of the admin API, as the page's numbers must be."""
    response = await client.get(
        f"/campaigns/{campaign}/report", headers={"Authorization": f"Bearer {key.secret}"}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data
