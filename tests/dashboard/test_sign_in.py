"""Signing in to the dashboard over real HTTP: a key of each role gets the signed session
cookie (HttpOnly, SameSite, an expiry, scoped to /dashboard); a wrong, revoked, expired or
tampered one does not; sign-out ends it; a form without this session's CSRF token is refused;
the role rule is the admin API's."""

from __future__ import annotations

import time

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.deps import ADMITS
from dashboard.signing import COOKIE, SESSION_SECONDS
from storage.apikeys import revoke_api_key
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import SECRET, Key, csrf_of, sign_in

SIGN_IN = "/dashboard/sign-in"


def session_cookie(client: httpx.AsyncClient) -> str:
    value = client.cookies.get(COOKIE, path="/dashboard")
    assert value, "no session cookie"
    return value


async def test_a_viewer_signs_in_and_out(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    first = await client.get("/dashboard/campaigns/2026-H2?lang=en", follow_redirects=False)
    assert first.status_code == 303
    assert (
        first.headers["location"]
        == f"{SIGN_IN}?next=%2Fdashboard%2Fcampaigns%2F2026-H2%3Flang%3Den"
    )
    form = await client.get(SIGN_IN)
    assert form.status_code == 200
    assert 'name="api_key"' in form.text and 'name="csrf"' in form.text
    response = await client.post(
        SIGN_IN,
        data={
            "csrf": csrf_of(form.text),
            "next": "/dashboard",
            "api_key": keys[ApiKeyRole.VIEWER].secret,
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    set_cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "=")]
    assert len(set_cookie) == 1
    attributes = set_cookie[0].lower()
    assert (
        "httponly" in attributes
        and "samesite=lax" in attributes
        and "path=/dashboard" in attributes
    )
    assert f"max-age={SESSION_SECONDS}" in attributes
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "viewer Li" in page.text
    out = await client.post("/dashboard/sign-out", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == f"{SIGN_IN}?out=1"
    again = await client.get("/dashboard", follow_redirects=False)
    assert again.status_code == 303


@pytest.mark.parametrize("role", list(ApiKeyRole))
async def test_every_role_signs_in_and_sees_its_name(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key], role: ApiKeyRole
) -> None:
    page = await sign_in(client, keys[role].secret)
    assert page.status_code == 200
    assert f"{role.value} Li" in page.text


@pytest.mark.parametrize("bad", ["csat_not-a-key", "", " ", "x" * 5000])
async def test_a_wrong_key_is_refused_politely(client: httpx.AsyncClient, bad: str) -> None:
    form = await client.get(SIGN_IN)
    response = await client.post(SIGN_IN, data={"csrf": csrf_of(form.text), "api_key": bad})
    assert response.status_code == 401
    assert "unknown or revoked" in response.text or "无效" in response.text
    assert client.cookies.get(COOKIE, path="/dashboard") is None


async def test_sign_in_without_its_form_token_is_refused(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    key = keys[ApiKeyRole.ADMIN].secret
    missing = await client.post(SIGN_IN, data={"api_key": key})
    assert missing.status_code == 403
    form = await client.get(SIGN_IN)
    wrong = await client.post(SIGN_IN, data={"api_key": key, "csrf": csrf_of(form.text) + "x"})
    assert wrong.status_code == 403
    client.cookies.clear()  # another browser: the token without its cookie
    alone = await client.post(SIGN_IN, data={"api_key": key, "csrf": csrf_of(form.text)})
    assert alone.status_code == 403
    assert client.cookies.get(COOKIE, path="/dashboard") is None


async def test_a_revoked_key_is_signed_out_at_its_next_request(
    client: httpx.AsyncClient,
    keys: dict[ApiKeyRole, Key],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = keys[ApiKeyRole.STAFF]
    assert (await sign_in(client, key.secret)).status_code == 200
    assert (await client.get("/dashboard")).status_code == 200
    async with sessions() as session, session.begin():
        assert await revoke_api_key(session, key.id)
    after = await client.get("/dashboard", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith(SIGN_IN)
    again = await sign_in(client, key.secret)
    assert again.status_code == 401


async def test_a_tampered_or_foreign_cookie_is_no_session(
    keyed_client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    await sign_in(keyed_client, keys[ApiKeyRole.VIEWER].secret)
    good = session_cookie(keyed_client)
    admin_id = keys[ApiKeyRole.ADMIN].id
    forged = URLSafeTimedSerializer("another secret", salt="csat-dashboard-session").dumps(
        [admin_id, "s"]
    )
    for value in (
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        forged,
        "junk",
        "x" * 5000,
    ):
        keyed_client.cookies.set(COOKIE, value, path="/dashboard")
        response = await keyed_client.get("/dashboard", follow_redirects=False)
        assert response.status_code == 303, value
    keyed_client.cookies.set(COOKIE, good, path="/dashboard")
    assert (await keyed_client.get("/dashboard")).status_code == 200


class _Aged(TimestampSigner):
    """Signs as if it were a second past the session's life ago."""

    def get_timestamp(self) -> int:
        return int(time.time()) - SESSION_SECONDS - 1


async def test_an_expired_cookie_is_no_session(
    keyed_client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    key_id = keys[ApiKeyRole.ADMIN].id
    fresh = URLSafeTimedSerializer(SECRET, salt="csat-dashboard-session").dumps([key_id, "s1"])
    aged = URLSafeTimedSerializer(SECRET, salt="csat-dashboard-session", signer=_Aged).dumps(
        [key_id, "s1"]
    )
    keyed_client.cookies.set(COOKIE, fresh, path="/dashboard")
    assert (await keyed_client.get("/dashboard")).status_code == 200  # the secret is the app's
    keyed_client.cookies.set(COOKIE, aged, path="/dashboard")
    response = await keyed_client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303


async def test_a_form_without_this_sessions_token_is_refused(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    token = csrf_of(page.text)
    for fields in ({}, {"csrf": ""}, {"csrf": token[:-1]}, {"csrf": "x" * 3000}):
        response = await client.post("/dashboard/sign-out", data=fields)
        assert response.status_code == 403
        assert "form" in response.text.lower() or "表单" in response.text
    other = httpx.AsyncClient(base_url=str(client.base_url))
    async with other:
        other_page = await sign_in(other, keys[ApiKeyRole.ADMIN].secret)
        stolen = await client.post("/dashboard/sign-out", data={"csrf": csrf_of(other_page.text)})
        assert stolen.status_code == 403  # another session's token
    assert (await client.get("/dashboard")).status_code == 200  # still signed in
    body = await client.post(
        "/dashboard/sign-out",
        content=b"\xff\x00",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert body.status_code == 403


async def test_a_viewer_may_not_work_tickets(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    response = await client.post("/dashboard/tickets/1/take", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 403
    assert "staff" in response.text or "员工" in response.text


def test_the_role_rule_is_the_admin_apis() -> None:
    for needed in ApiKeyRole:
        admitted = {role for role in ApiKeyRole if needed.admits(role)}
        assert admitted == ADMITS[needed.value]
    assert ApiKeyRole.VIEWER.admits("staff") and not ApiKeyRole.ADMIN.admits("staff")
    assert not ApiKeyRole.VIEWER.admits("owner")  # not a role at all


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/docs", "/dashboard\\..", "javascript:x"],
)
async def test_after_sign_in_only_the_dashboard(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key], target: str
) -> None:
    form = await client.get(SIGN_IN, params={"next": target})
    assert 'name="next" value="/dashboard"' in form.text
    response = await client.post(
        SIGN_IN,
        data={
            "csrf": csrf_of(form.text),
            "next": target,
            "api_key": keys[ApiKeyRole.VIEWER].secret,
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
