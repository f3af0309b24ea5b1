"""The web survey at /s/{token} over real HTTP against the real app: a whole survey with a 2,
its causes and "what happened", Back, a change from the summary and the submit; the ticket and
the staff alert in the simulator's staff chat; resuming on another device; both languages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, Invitation, Ticket
from survey.loader import load_template
from survey.vocabulary import AnswerKind, Channel, InvitationState, TicketStatus
from tests.support import STAFF_CHAT, seed_campaign
from tests.web.webform import WebRespondent

SURVEY = load_template("ecss-5")
QUESTIONS = SURVEY.questions()
SOON = 10.0

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(app: AppServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=app.url) as http:
        yield http


async def rows(sessions: Sessions, model: type) -> list:  # type: ignore[type-arg]
    async with sessions() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def test_a_whole_web_survey_with_a_2_back_and_a_change(
    staff_app: AppServer, sim: BotApiSimulator, sessions: Sessions
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    async with httpx.AsyncClient(base_url=staff_app.url) as http:
        preview = await http.get(
            f"/s/{tokens['r1']}", headers={"user-agent": "TelegramBot (like TwitterBot)"}
        )
        assert preview.status_code == 200  # a link preview in a chat: not opened by anyone
        (invitation,) = [i for i in await rows(sessions, Invitation) if i.token == tokens["r1"]]
        assert invitation.opened_at is None and invitation.state == InvitationState.CREATED
        alice = WebRespondent(http, tokens["r1"])
        page = await alice.open()
        assert page.status == 200 and page.has("Hello Alice!") and page.has("Begin")
        assert page.response.headers["cache-control"] == "no-store"  # the token is in it
        assert page.response.headers["referrer-policy"] == "no-referrer"
        (invitation,) = [i for i in await rows(sessions, Invitation) if i.token == tokens["r1"]]
        assert invitation.state == InvitationState.STARTED and invitation.opened_at is not None

        page = await alice.press("Begin")
        total = len(QUESTIONS)
        assert page.has(f"Question 1 of {total}") and page.has(QUESTIONS[0].text["en"])
        assert page.labels() == [
            "5 · Extremely satisfied",
            "4 · Satisfied",
            "3 · Neutral",
            "2 · Dissatisfied",
            "1 · Extremely dissatisfied",
            "Unable to comment",
        ]  # no Back on the first question
        page = await alice.press("2")
        gi = QUESTIONS[0]
        assert page.has("We are sorry that you are not satisfied with “Overall performance”")
        page = await alice.press(f"☐ {gi.attributes[1].text['en']}")
        page = await alice.press(f"☐ {gi.attributes[3].text['en']}")
        assert page.button(f"☑ {gi.attributes[1].text['en']}").pressed
        page = await alice.press("Done")
        assert page.has("what happened")
        page = await alice.press("Send", text="  The order came two weeks late.  ")
        assert page.has(f"Question 2 of {total}")

        await staff_app_alert(sim, staff)
        (ticket,) = await rows(sessions, Ticket)
        assert ticket.comment == "The order came two weeks late."
        assert sorted(ticket.causes) == sorted([gi.attributes[1].key, gi.attributes[3].key])

        page = await alice.press("4")
        assert page.has(f"Question 3 of {total}")
        page = await alice.press("◀ Back")  # back to question 2, its answer marked
        assert page.has(f"Question 2 of {total}")
        assert page.button("4 · Agree").pressed
        page = await alice.press("5")
        assert page.has(f"Question 3 of {total}")

        # Another device, no flags: the first unanswered question.
        other = WebRespondent(http, tokens["r1"])
        resumed = await other.open()
        assert resumed.has(f"Question 3 of {total}") and resumed.has("Back")

        for number in range(3, total + 1):
            page = await alice.press("Unable" if number == 5 else "4")
        assert page.has("How likely are you to recommend us")
        page = await alice.press("9")
        assert page.has("any comment or suggestion")
        page = await alice.press("Send", text="Keep the same sales contact, please.")
        assert page.has("Your answers") and page.has("Submit")
        assert page.has("Overall performance 2 · Dissatisfied")
        assert page.has("Recommendation 9")

        # Change the overall answer from the summary: raising it withdraws the ticket.
        page = await alice.press("Change")
        assert page.has(f"Question 1 of {total}") and page.button("2 · Dissatisfied").pressed
        page = await alice.press("4")
        assert page.has("Your answers") and page.has("Overall performance 4 · Satisfied")
        page = await alice.press("Submit")
        assert page.status == 200 and page.has("Thank you!") and page.has("Submitted.")

        again = await WebRespondent(http, tokens["r1"]).open()
        assert again.status == 200 and again.has("Already submitted")

    answers = [a for a in await rows(sessions, Answer) if a.kind != AnswerKind.FOLLOW_UP]
    assert {a.channel for a in answers} == {Channel.WEB}
    assert len([a for a in answers if a.kind == AnswerKind.LIKERT]) == total
    (nps,) = [a for a in answers if a.kind == AnswerKind.NPS]
    assert nps.level == 9
    (invitation,) = [i for i in await rows(sessions, Invitation) if i.token == tokens["r1"]]
    assert invitation.state == InvitationState.COMPLETED
    (ticket,) = await rows(sessions, Ticket)
    assert ticket.status == TicketStatus.CLOSED  # withdrawn: the score was raised to 4


async def staff_app_alert(sim: BotApiSimulator, staff) -> None:  # type: ignore[no-untyped-def]
    def alerts() -> list[str]:
        return [m.text or "" for m in staff.messages if (m.text or "").startswith("🔴")]

    await sim.wait_for(alerts, timeout=SOON, what="the staff alert")
    (alert,) = alerts()
    assert "Customer C1" in alert and "Score: 2" in alert
    assert "The order came two weeks late." in alert


async def test_chinese_first_and_the_language_switch(app: AppServer, sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions)
    async with httpx.AsyncClient(base_url=app.url) as http:
        wang = WebRespondent(http, tokens["r3"])  # 王芳 speaks zh-CN
        page = await wang.open()
        assert page.has("王芳您好") and page.has("开始")
        assert '<html lang="zh-CN">' in page.response.text
        page = await wang.press("开始")
        assert page.has(f"第 1 题，共 {len(QUESTIONS)} 题") and page.has("非常满意")
        english = await wang.open("lang=en&begun=1")
        assert english.has(f"Question 1 of {len(QUESTIONS)}") and english.has("Extremely")
        page = await wang.press("5")  # answered in English: the flags carry the language on
        assert page.has(f"Question 2 of {len(QUESTIONS)}")
        assert '<html lang="en">' in page.response.text

        dan = WebRespondent(http, tokens["r4"], **{"accept-language": "en-GB,en;q=0.8"})
        page = await dan.open()  # Dan has no language: he is asked, the page in his browser's
        assert page.has("Please choose your language") and page.labels() == ["中文", "English"]
        page = await dan.press("中文")
        assert page.has("Dan您好")
    async with sessions() as session:
        from storage.models import Respondent

        dan_row = await session.scalar(select(Respondent).where(Respondent.external_id == "r4"))
    assert dan_row is not None and dan_row.language == "zh-CN"  # kept for any device
