"""The web survey refuses politely: unknown, expired, completed and closed links each get their
own page and status; a forged or missing CSRF token, a replayed post, a level 7, an unknown
question, a 100 kB comment or a missing field store nothing and show the page again with a
clear message (never a 500); too many posts get a 429 that says when to retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from storage.campaigns import campaign_by_key, mark_closed
from storage.models import Answer, AnswerChange, Invitation
from storage.types import utcnow
from survey.loader import load_template
from survey.vocabulary import AnswerKind
from tests.support import respond, seed_campaign
from tests.web.webform import WebRespondent

SURVEY = load_template("ecss-5")
FIRST = SURVEY.questions()[0]
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(app: AppServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=app.url) as http:
        yield http


async def answer_count(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Answer)) or 0)


async def at_first_question(client: httpx.AsyncClient, token: str) -> WebRespondent:
    alice = WebRespondent(client, token)
    page = await alice.open()
    if page.has("Please choose your language"):  # Dan (r4) has none
        await alice.press("English")
    await alice.press("Begin")
    assert alice.page is not None and alice.page.has("Question 1 of")
    return alice


async def test_each_link_that_takes_no_answers_has_its_own_page(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    unknown = await WebRespondent(client, "x" * 64).open("lang=en")
    assert unknown.status == 404 and unknown.has("Link not valid")
    for odd in ["a" * 65, "bad%20token", "%F0%9F%98%80", "..%2F..%2Fetc"]:
        response = await client.get(f"/s/{odd}")
        assert response.status_code == 404, odd
    chinese = await WebRespondent(client, "nope", **{"accept-language": "zh-CN"}).open()
    assert chinese.status == 404 and chinese.has("链接无效")

    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.token == tokens["r2"])
            .values(expires_at=utcnow() - timedelta(days=1))
        )
    expired = await WebRespondent(client, tokens["r2"]).open()
    assert expired.status == 410 and expired.has("Invitation expired")

    await respond(sessions, tokens["r1"], {q.key: 4 for q in SURVEY.questions()}, nps=8)
    completed = await WebRespondent(client, tokens["r1"]).open()
    assert completed.status == 200 and completed.has("Already submitted")
    assert completed.form is None  # nothing left to answer

    alice = await at_first_question(client, tokens["r4"])
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await mark_closed(session, campaign, now=utcnow())
    closed = await WebRespondent(client, tokens["r3"], **{"accept-language": "zh-CN,zh"}).open()
    assert closed.status == 410 and closed.has("调查已结束")
    late = await alice.press("4")  # a page left open while the campaign closed
    assert late.status == 410 and late.has("Survey closed")
    assert await answer_count(sessions) == len(SURVEY.questions()) + 2  # r1's only


async def test_a_forged_or_missing_csrf_token_stores_nothing(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await at_first_question(client, tokens["r1"])
    fields = alice.fields(alice.page.button("4"))  # type: ignore[union-attr]
    page = await alice.post({**fields, "csrf": "0" * 64})
    assert page.status == 403 and page.has("nothing was saved") and page.has("Question 1 of")
    page = await alice.post({k: v for k, v in fields.items() if k != "csrf"})
    assert page.status == 403
    # A form of another invitation does not sign this one's posts.
    bob = await at_first_question(client, tokens["r2"])
    bob_fields = bob.fields(bob.page.button("4"))  # type: ignore[union-attr]
    stolen = await client.post(f"/s/{tokens['r1']}", data=bob_fields)
    assert stolen.status_code == 403
    assert await answer_count(sessions) == 0
    page = await alice.post(fields)  # the genuine form still works
    assert page.status == 200 and page.has("Question 2 of")


async def test_a_double_or_replayed_post_stores_once(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await at_first_question(client, tokens["r1"])
    at_first = alice.fields(alice.page.button("4"))  # type: ignore[union-attr]
    await alice.post(at_first)
    page = await alice.press("5")  # question 2
    assert page.has("Question 3 of")
    replay = await alice.post(at_first)  # the first form again: the current page, nothing new
    assert replay.status == 200 and replay.has("Question 3 of")
    async with sessions() as session:
        likert = list(await session.scalars(select(Answer).where(Answer.kind == AnswerKind.LIKERT)))
        changes = await session.scalar(select(func.count()).select_from(AnswerChange))
    assert [(a.question, a.level) for a in likert] == [
        (SURVEY.questions()[0].key, 4),
        (SURVEY.questions()[1].key, 5),
    ]
    assert changes == 0


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"do": "level:7"}, 422, "That choice is not valid"),
        ({"do": "level:-1"}, 422, "That choice is not valid"),
        ({"do": "level:²"}, 422, "That choice is not valid"),
        ({"key": "no.such.question"}, 409, "not the current question"),
        ({"key": "k" * 500}, 422, "expired or was incomplete"),
        ({"do": ""}, 422, "expired or was incomplete"),
        ({"do": "explode:now"}, 422, "expired or was incomplete"),
        ({"do": "nps:11"}, 422, "That choice is not valid"),
        ({"do": "language:fr"}, 422, "That choice is not valid"),
        ({"do": "text", "text": "   "}, 422, "Please write your answer"),
    ],
)
async def test_bad_input_gets_the_page_again_with_a_message(
    client: httpx.AsyncClient,
    sessions: Sessions,
    change: dict[str, str],
    status: int,
    message: str,
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await at_first_question(client, tokens["r1"])
    fields = alice.fields(alice.page.button("4"))  # type: ignore[union-attr]
    page = await alice.post({**fields, **change})
    assert page.status == status and page.has(message), page.text
    assert page.has("Question 1 of") and page.form is not None  # answerable as it was
    assert await answer_count(sessions) == 0


async def test_a_missing_field_or_a_body_that_is_not_a_form(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await at_first_question(client, tokens["r1"])
    fields = alice.fields(alice.page.button("4"))  # type: ignore[union-attr]
    for missing in ["do", "key", "nonce"]:
        page = await alice.post({k: v for k, v in fields.items() if k != missing})
        assert page.status in (403, 422) and page.has("nothing was saved"), missing
    for body, kind in [(b"\xff\xfe{", "application/json"), (b"--x\r\n", "multipart/form-data")]:
        response = await client.post(
            f"/s/{tokens['r1']}", content=body, headers={"content-type": kind}
        )
        assert response.status_code == 403 and "nothing was saved" in response.text
    assert await answer_count(sessions) == 0


async def test_a_100_kb_comment_is_refused_and_kept_to_the_limit(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    levels: dict[str, int | None] = {q.key: 4 for q in SURVEY.questions()}
    await respond(sessions, tokens["r1"], levels, nps=7, complete=False)
    alice = WebRespondent(client, tokens["r1"])
    page = await alice.open("cursor=comment")  # the summary's change link for the comment
    assert page.has("any comment or suggestion") and page.form is not None
    huge = "很" * 100_000
    page = await alice.press("Send", text=huge)
    assert page.status == 422 and page.has("Your text has 100000 characters; at most 1000")
    assert page.form is not None and page.form.textarea == "很" * 1000  # kept to shorten
    async with sessions() as session:
        comment = await session.scalar(select(Answer).where(Answer.kind == AnswerKind.COMMENT))
    assert comment is not None and comment.text is None  # still skipped, as it was
    page = await alice.press("Send", text="很好" * 10)
    assert page.status == 200 and page.has("Your answers")


async def test_too_many_posts_get_a_429_that_says_when_to_retry(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await at_first_question(client, tokens["r1"])
    fields = alice.fields(alice.page.button("4"))  # type: ignore[union-attr]
    forged = {**fields, "csrf": "forged"}
    statuses = []
    for _ in range(80):
        response = await client.post(f"/s/{tokens['r1']}", data=forged)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {403}
    assert 55 <= len(statuses) <= 80  # a burst of 60 per invitation, slowly refilled
    assert int(response.headers["retry-after"]) >= 1
    assert "Please try again in" in response.text
    bob = await at_first_question(client, tokens["r2"])  # another invitation is not held up
    assert (await bob.press("4")).has("Question 2 of")
