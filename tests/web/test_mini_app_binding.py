"""POST /s/{token}/telegram over HTTP, in the real app on a real database: a correctly signed
initData binds the invitation to its Telegram user (the chat's rule), a forged, tampered,
stale or missing one is refused politely with a 4xx and binds nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.app import create_app
from storage.models import Campaign, Invitation, Respondent
from storage.types import utcnow
from survey.settings import Settings
from survey.vocabulary import CampaignStatus, InvitationState
from tests.support import seed_campaign
from tests.web.mini_app_signing import init_data
from web import mini_app
from web.limits import PER_TOKEN
from web.texts import w

BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
ALICE = 5001  # r1's Telegram account in these tests


def settings_for(db_url: str, *, token: str | None = BOT_TOKEN) -> Settings:
    return Settings(database_url=db_url, telegram_token=token, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app (no bot: the route needs only the token to check signatures) with the Mini
    App's route, its lifespan run, spoken to over ASGI."""
    app = create_app(settings_for(db_url), channels=[mini_app.install])
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://csat") as http,
    ):
        yield http


async def bound_to(
    sessions: async_sessionmaker[AsyncSession], token: str
) -> tuple[int | None, str]:
    async with sessions() as session:
        row = (
            await session.execute(
                select(Respondent.telegram_user_id, Invitation.state)
                .join(Invitation, Invitation.respondent_id == Respondent.id)
                .where(Invitation.token == token)
            )
        ).one()
    return row[0], row[1]


async def post(client: httpx.AsyncClient, token: str, **fields: str) -> httpx.Response:
    return await client.post(f"/s/{token}/telegram", data=fields)


@pytest.mark.both_backends  # the binding locks the invitation row (FOR UPDATE on PostgreSQL)
async def test_a_signed_init_data_binds_the_invitation(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    signed = init_data(BOT_TOKEN, ALICE, "Alice")
    answer = await post(client, tokens["r1"], init_data=signed, lang="en")
    assert answer.status_code == 200
    assert answer.json() == {
        "bound": True,
        "user_id": ALICE,
        "message": "You are answering as Alice (Telegram).",
    }
    assert await bound_to(sessions, tokens["r1"]) == (ALICE, InvitationState.STARTED)
    # Opening it again (the next page, another day) is the same binding.
    again = await post(client, tokens["r1"], init_data=signed, lang="zh-CN")
    assert (
        again.status_code == 200
        and again.json()["message"] == "您正以 Telegram 账号「Alice」作答。"
    )


async def test_the_users_language_is_used_when_the_page_gives_none(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    signed = init_data(BOT_TOKEN, ALICE, "丽", language_code="zh-hans")
    answer = await post(client, tokens["r3"], init_data=signed)
    assert answer.json()["message"] == "您正以 Telegram 账号「丽」作答。"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: init_data("999:another-bot", ALICE, "Alice"), "bad_hash"),
        (lambda: init_data(BOT_TOKEN, ALICE, "Alice").replace("5001", "5002"), "bad_hash"),
        (
            lambda: init_data(BOT_TOKEN, ALICE, "Alice", auth_date=utcnow() - timedelta(days=2)),
            "expired",
        ),
        (lambda: "query_id=1&auth_date=1&user=%7B%7D", "missing_hash"),
        (lambda: "<script>alert(1)</script>", "malformed"),
        (lambda: "", "malformed"),
    ],
    ids=["another-bot", "tampered", "stale", "no-hash", "junk", "empty"],
)
async def test_a_forged_init_data_is_refused_and_binds_nothing(
    client, sessions, make, reason: str
) -> None:
    tokens = await seed_campaign(sessions)
    answer = await post(client, tokens["r1"], init_data=make(), lang="en")
    assert answer.status_code == 403
    assert answer.json() == {
        "bound": False,
        "reason": reason,
        "message": "We could not confirm your Telegram account. Please open this form again "
        "from the chat with the bot.",
        "page_says_so": False,
    }
    assert await bound_to(sessions, tokens["r1"]) == (None, InvitationState.CREATED)


async def test_a_body_that_is_no_form_is_refused_not_a_crash(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    for body, kind in [
        (b'{"init_data": 1}', "application/json"),
        (b"\xff\xfe", "multipart/form-data; boundary=x"),
        (b"", "text/plain"),
    ]:
        answer = await client.post(
            f"/s/{tokens['r1']}/telegram", content=body, headers={"content-type": kind}
        )
        assert answer.status_code == 403, body
        assert answer.json()["reason"] == "malformed"


async def test_an_invitation_opened_from_another_account_is_refused(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Respondent).where(Respondent.external_id == "r1").values(telegram_user_id=7)
        )
    answer = await post(client, tokens["r1"], init_data=init_data(BOT_TOKEN, ALICE, "Mallory"))
    assert answer.status_code == 409
    assert answer.json()["reason"] == "invitation_in_use"
    assert "another Telegram account" in answer.json()["message"]
    assert (await bound_to(sessions, tokens["r1"]))[0] == 7


async def test_unknown_completed_and_closed_invitations_get_their_reason(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    signed = init_data(BOT_TOKEN, ALICE, "Alice")
    unknown = await post(client, "A" * 64, init_data=signed)
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "invitation_not_found")
    misshapen = await post(client, "A" * 65, init_data=signed)
    assert (misshapen.status_code, misshapen.json()["reason"]) == (404, "invitation_not_found")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.token == tokens["r2"])
            .values(state=InvitationState.COMPLETED)
        )
    done = await post(client, tokens["r2"], init_data=signed)
    assert (done.status_code, done.json()["reason"]) == (409, "invitation_completed")
    assert done.json()["page_says_so"] is True  # its page says "already submitted" itself
    async with sessions() as session, session.begin():
        await session.execute(update(Campaign).values(status=CampaignStatus.CLOSED))
    closed = await post(client, tokens["r1"], init_data=signed, lang="en")
    assert (closed.status_code, closed.json()["reason"]) == (410, "campaign_closed")
    assert closed.json()["message"] == w("closed_web", "en")  # the form's own words


async def test_without_a_bot_token_nothing_is_bound(db_url: str, sessions) -> None:
    tokens = await seed_campaign(sessions)
    app = create_app(settings_for(db_url, token=None), channels=[mini_app.install])
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://csat") as http,
    ):
        answer = await post(http, tokens["r1"], init_data=init_data(BOT_TOKEN, ALICE, "A"))
    assert (answer.status_code, answer.json()["reason"]) == (403, "no_bot")
    assert await bound_to(sessions, tokens["r1"]) == (None, InvitationState.CREATED)


@pytest.mark.both_backends
async def test_two_accounts_at_once_bind_one(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    first, second = await asyncio.gather(
        post(client, tokens["r1"], init_data=init_data(BOT_TOKEN, ALICE, "Alice")),
        post(client, tokens["r1"], init_data=init_data(BOT_TOKEN, 6002, "Mallory")),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner = ALICE if first.status_code == 200 else 6002
    assert (await bound_to(sessions, tokens["r1"]))[0] == winner


async def test_bindings_are_rate_limited_like_answers(client, sessions) -> None:
    tokens = await seed_campaign(sessions)
    forged = init_data("999:another-bot", ALICE, "Alice")
    statuses = [
        (await post(client, tokens["r1"], init_data=forged, lang="en")).status_code
        for _ in range(PER_TOKEN.burst)
    ]
    assert set(statuses) == {403}
    limited = await post(client, tokens["r1"], init_data=forged, lang="en")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["reason"] == "too_many_requests"
    assert limited.json()["message"] == w("too_many", "en", seconds=limited.headers["retry-after"])
    # Another invitation from the same address still goes through.
    other = await post(client, tokens["r2"], init_data=init_data(BOT_TOKEN, 6002, "Bob"))
    assert other.status_code == 200
