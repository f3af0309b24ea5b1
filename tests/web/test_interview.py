"""Interviewer mode over real HTTP: staff sign in at /interview/{token} with a staff or admin
API key, their name and phone or visit, then fill the same pages on the customer's behalf;
answers carry that channel and the interviewer's name; a viewer key, a revoked key, a forged
cookie or a missing sign-in CSRF token are refused; the respondent's own link keeps working."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from storage.apikeys import create_api_key, revoke_api_key
from storage.models import Answer, Ticket
from survey.loader import load_template
from survey.vocabulary import AnswerKind, Channel
from tests.support import seed_campaign
from tests.web.webform import Page, WebRespondent, read_page

SURVEY = load_template("ecss-5")
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(app: AppServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=app.url) as http:
        yield http


async def api_key(sessions: Sessions, role: str, name: str = "Wang Lei") -> tuple[int, str]:
    async with sessions() as session, session.begin():
        row, key = await create_api_key(session, name=name, role=role)
        return row.id, key


class Interviewer(WebRespondent):
    """Staff at /interview/{token}: the same pages, another prefix."""

    async def open(self, query: str = "") -> Page:
        url = f"/interview/{self.token}" + (f"?{query}" if query else "")
        self.page = read_page(await self.client.get(url, headers=self.headers))
        return self.page

    async def sign_in(self, key: str, name: str = "Wang Lei", channel: str = "phone") -> Page:
        page = self.page or await self.open()
        assert page.form is not None
        fields = {**page.form.hidden, "api_key": key, "name": name, "channel": channel}
        response = await self.client.post(page.form.action, data=fields, follow_redirects=True)
        self.page = read_page(response)
        return self.page


async def test_staff_record_a_phone_interview_on_the_same_pages(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    _, key = await api_key(sessions, "staff")
    wang = Interviewer(client, tokens["r1"])
    page = await wang.open()
    assert page.status == 401 and page.has("Interviewer sign-in") and page.has("API key")
    page = await wang.sign_in(key, name="  Wang   Lei ")
    assert page.status == 200 and page.has("Hello Alice!")
    assert page.has("Interview with Alice by phone, recorded by Wang Lei")
    cookie = next(c for c in client.cookies.jar if c.name == "csat_interviewer")
    assert cookie.path == "/interview" and cookie.has_nonstandard_attr("HttpOnly")

    await wang.press("Begin")
    page = await wang.press("2")
    first = SURVEY.questions()[0]
    page = await wang.press(f"☐ {first.attributes[0].text['en']}")
    page = await wang.press("Done")
    page = await wang.press("Send", text="Said on the phone: deliveries are late.")
    assert page.has("Question 2 of")
    await wang.press("4")

    # The respondent's own link goes on where the interview stopped.
    alice = WebRespondent(client, tokens["r1"])
    page = await alice.open()
    assert page.status == 200 and page.has("Question 3 of") and not page.has("Interview with")
    await alice.press("5")

    async with sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
        (ticket,) = list(await session.scalars(select(Ticket)))
    likert = [(a.channel, a.interviewer) for a in answers if a.kind == AnswerKind.LIKERT]
    assert likert == [
        (Channel.PHONE, "Wang Lei"),
        (Channel.PHONE, "Wang Lei"),
        (Channel.WEB, None),
    ]
    assert ticket.comment == "Said on the phone: deliveries are late."


async def test_a_visit_by_an_admin_in_chinese(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    tokens = await seed_campaign(sessions)
    _, key = await api_key(sessions, "admin", "Li")
    li = Interviewer(client, tokens["r3"], **{"accept-language": "zh-CN"})
    page = await li.open()
    assert page.has("访谈员登录")
    page = await li.sign_in(key, name="李明", channel="visit")
    assert page.has("王芳您好") and page.has("访谈：王芳 · 拜访 · 记录人 李明")
    await li.press("开始")
    await li.press("3")
    async with sessions() as session:
        answer = await session.scalar(select(Answer))
    assert answer is not None and (answer.channel, answer.interviewer) == (Channel.VISIT, "李明")


async def test_who_may_not_interview(client: httpx.AsyncClient, sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions)
    _, viewer = await api_key(sessions, "viewer")
    key_id, staff = await api_key(sessions, "staff")
    wang = Interviewer(client, tokens["r1"])
    await wang.open()
    for key in ["", "csat_not-a-key", viewer, "k" * 5000]:
        page = await wang.sign_in(key)
        assert page.status == 401 and page.has("not a staff key"), key[:20]
    page = await wang.sign_in(staff, name="")
    assert page.status == 422 and page.has("Please give your name")
    page = await wang.sign_in(staff, channel="telegram")
    assert page.status == 422
    # The sign-in form's CSRF token is bound to it.
    response = await client.post(
        f"/interview/{tokens['r1']}/sign-in",
        data={"api_key": staff, "name": "Wang", "channel": "phone", "nonce": "n", "csrf": "x"},
    )
    assert response.status_code == 403
    # A forged or tampered cookie is no pass.
    for forged in ["WzEsIldhbmciLCJwaG9uZSIsOTk5OTk5OTk5OV0.00", "garbage", "a.b.c"]:
        client.cookies.set("csat_interviewer", forged, path="/interview")
        page = await wang.open()
        assert page.status == 401 and page.has("Interviewer sign-in")
    client.cookies.clear()
    await wang.open()
    page = await wang.sign_in(staff)
    assert page.status == 200 and page.has("Hello Alice!")
    async with sessions() as session, session.begin():
        assert await revoke_api_key(session, key_id)
    page = await wang.open()
    assert page.status == 401 and page.has("was revoked")
    posted = await client.post(f"/interview/{tokens['r1']}", data={"do": "begin"})
    assert posted.status_code == 401  # posts too: nothing is stored
    async with sessions() as session:
        assert await session.scalar(select(Answer)) is None
