"""The sign-in form's limit on wrong keys (dashboard.sign_in_limit), over real HTTP: the sixth
wrong key within a minute from one address gets the polite 429 page with ``Retry-After``, and
so does any key from it until then; another address (127.0.0.2, a client of its own) signs in
meanwhile; a live key resets its own address's count. The window's end is checked on the
limit itself with a clock the test turns."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from cli.hosting import AppServer
from dashboard.sign_in_limit import FAILURES, WINDOW, SignInLimit
from dashboard.signing import COOKIE
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import Key, sign_in

WRONG = "csat_this-is-not-a-key"


@pytest.fixture
async def other_client(app: AppServer) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the served app from another loopback address than ``client``'s."""
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=app.url, timeout=60, transport=transport) as http:
        yield http


async def test_the_sixth_wrong_key_in_a_minute_waits(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    viewer = keys[ApiKeyRole.VIEWER].secret
    client.headers["Accept-Language"] = "en"
    for _ in range(FAILURES):
        refused = await sign_in(client, WRONG)
        assert refused.status_code == 401
    limited = await sign_in(client, WRONG)
    assert limited.status_code == 429
    wait = int(limited.headers["Retry-After"])
    assert 1 <= wait <= WINDOW
    assert "Too many sign-in attempts" in limited.text
    assert f"Please wait {wait} seconds" in limited.text
    assert limited.headers["content-type"].startswith("text/html")
    # Until then not even a live key is tried from there (a guess must not learn it was right).
    again = await sign_in(client, viewer)
    assert again.status_code == 429 and COOKIE not in again.headers.get("set-cookie", "")
    assert client.cookies.get(COOKIE, path="/dashboard") is None
    # Another client is not held back by these failures.
    signed = await sign_in(other_client, viewer)
    assert signed.status_code == 200 and str(signed.url).endswith("/dashboard")
    assert "Too many" not in signed.text
    # In Chinese for a Chinese browser.
    client.headers["Accept-Language"] = "zh-CN"
    chinese = await sign_in(client, WRONG)
    assert chinese.status_code == 429 and "登录尝试次数过多" in chinese.text
    assert f"请等待 {chinese.headers['Retry-After']} 秒后再登录" in chinese.text


async def test_a_live_key_forgives_its_clients_failures(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    for _ in range(FAILURES - 1):
        assert (await sign_in(client, WRONG)).status_code == 401
    assert (await sign_in(client, keys[ApiKeyRole.STAFF].secret)).status_code == 200
    for _ in range(FAILURES - 1):
        assert (await sign_in(client, WRONG)).status_code == 401
    assert (await sign_in(client, WRONG)).status_code == 401  # the fifth since the sign-in
    assert (await sign_in(client, WRONG)).status_code == 429


class Clock:
    """A clock the test turns by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_wait_ends_when_the_oldest_failure_leaves_the_window() -> None:
    clock = Clock()
    limit = SignInLimit(failures=3, window=60.0, clock=clock)
    for step in (0.0, 10.0, 20.5):
        clock.now += step
        assert limit.retry_after("a") is None
        limit.failed("a")
    # failures at 1000, 1010 and 1030.5: the first leaves the window at 1060
    assert limit.retry_after("a") == 30  # 1060 − 1030.5, rounded up
    assert limit.retry_after("b") is None
    clock.now = 1059.9
    assert limit.retry_after("a") == 1
    clock.now = 1060.0
    assert limit.retry_after("a") is None
    limit.failed("a")  # 1010, 1030.5 and 1060: the wait runs to 1070
    assert limit.retry_after("a") == 10


def test_it_remembers_a_bounded_number_of_clients() -> None:
    clock = Clock()
    limit = SignInLimit(failures=1, window=60.0, clock=clock, kept=2)
    for client in ("a", "b", "c"):
        limit.failed(client)
    assert limit.retry_after("a") is None  # forgotten: the least recent of three
    assert limit.retry_after("b") == 60 and limit.retry_after("c") == 60
