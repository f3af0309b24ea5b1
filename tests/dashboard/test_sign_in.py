"""Signing in to the dashboard over real HTTP: a key of each role gets the signed session
cookie (HttpOnly, SameSite, an expiry, scoped to /dashboard); a wrong, revoked, expired or
tampered one does not; sign-out ends it; a form without this session's CSRF token is refused."""

from __future__ import annotations

import httpx

from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import Key, csrf_of, sign_in


async def test_a_viewer_signs_in_and_out(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    first = await client.get("/dashboard", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/dashboard/sign-in?next=%2Fdashboard"
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    assert page.status_code == 200
    assert str(page.url).endswith("/dashboard")
    assert "viewer Li" in page.text
    out = await client.post("/dashboard/sign-out", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    again = await client.get("/dashboard", follow_redirects=False)
    assert again.status_code == 303
