"""Interviewer mode in headless Chromium on a phone's 360×740 viewport: a staff member signs in
with a staff key, records a phone interview (a 2 with causes and what happened, Back, a change
from the summary, submit), with a screenshot of each screen under tmp_path; the answers carry
channel phone and the interviewer's name, the ticket is open and its alert reached the
simulator's staff chat."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.apikeys import create_api_key
from storage.models import Answer, Invitation, Ticket
from survey.loader import load_template
from survey.vocabulary import AnswerKind, Channel, InvitationState, TicketStatus
from tests.browsing import SOON, Shots, heading, phone_tab, press, sqlite_only
from tests.support import STAFF_CHAT, seed_campaign

QUESTIONS = load_template("ecss-5").questions()


@sqlite_only
async def test_a_phone_interview_recorded_in_the_browser(
    browser: Browser, staff_app: AppServer, sim: BotApiSimulator, sessions, tmp_path: Path
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        _, key = await create_api_key(session, name="service desk", role="staff")
    page, problems = await phone_tab(browser, staff_app, scripts=False)
    shots = Shots(page, tmp_path / "screens")
    total, gi = len(QUESTIONS), QUESTIONS[0]

    await page.goto(f"{staff_app.url}/interview/{tokens['r2']}")
    await heading(page, "Interviewer sign-in")
    await page.get_by_label("API key").fill(key)
    await page.get_by_label(re.compile("Your name")).fill("Wang Lei")
    await page.get_by_label("phone").check()
    await shots.take("sign-in")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".interviewer")).to_have_text(
        "Interview with Bob by phone, recorded by Wang Lei"
    )
    await shots.take("greeting")
    await press(page, "Begin")
    await press(page, "2 · Dissatisfied")
    await press(page, gi.attributes[4].text["en"])
    await shots.take("causes")
    await press(page, "Done")
    await page.get_by_label(re.compile("what happened")).fill("Prices rose twice this year.")
    await press(page, "Send")
    await press(page, "4 · ")
    await press(page, "◀ Back")
    await expect(page.locator("#progress")).to_have_text(f"Question 2 of {total}")
    await shots.take("back")
    await press(page, "4 · ")
    for _ in range(3, total + 1):
        await press(page, "5 · ")
    await press(page, "Skip")  # NPS
    await press(page, "Skip")  # comment
    await heading(page, "Your answers")
    await shots.take("summary")
    await press(page, "Change: Recommendation")
    await press(page, "7")
    await heading(page, "Your answers")
    await expect(page.locator("ol.summary")).to_contain_text("Recommendation 7")
    await press(page, "Submit")
    await heading(page, "Thank you!")
    await shots.take("thank-you")
    assert problems == []

    def alerts() -> list[str]:
        return [m.text or "" for m in staff.messages if (m.text or "").startswith("🔴")]

    await sim.wait_for(alerts, timeout=SOON / 1000, what="the staff alert")
    (alert,) = alerts()
    assert "Customer: Customer C1 (KA)" in alert and "Prices rose twice this year." in alert

    async with sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
        (ticket,) = list(await session.scalars(select(Ticket)))
        query = select(Invitation).where(Invitation.token == tokens["r2"])
        invitation = await session.scalar(query)
    assert {(a.channel, a.interviewer) for a in answers} == {(Channel.PHONE, "Wang Lei")}
    assert [a.level for a in answers if a.kind == AnswerKind.NPS] == [7]
    assert ticket.status == TicketStatus.OPEN and ticket.causes == [gi.attributes[4].key]
    assert invitation is not None and invitation.state == InvitationState.COMPLETED
