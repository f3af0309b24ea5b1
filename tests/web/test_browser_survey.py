"""The web survey in headless Chromium (Debian's `chromium`, driven by Playwright) on a phone's
360×740 viewport, as a respondent would: open the link, answer a 2 with its causes and what
happened, go Back, change an answer from the summary, submit, see the thank-you — with
JavaScript off, so nothing depends on a script. A screenshot of each screen goes under the
test's tmp_path; then the answers (channel web), the ticket and the staff alert are checked in
the database and in the simulator's staff chat.

Chromium and Playwright are part of the test set-up (scripts/test.sh installs both): if either
is missing these tests fail, they are never skipped."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, Invitation, Ticket
from survey.loader import load_template
from survey.vocabulary import AnswerKind, Channel, InvitationState, TicketStatus
from tests.browsing import SOON, Shots, heading, phone_tab, press, sqlite_only
from tests.support import STAFF_CHAT, seed_campaign

SURVEY = load_template("ecss-5")
QUESTIONS = SURVEY.questions()


@sqlite_only
async def test_a_whole_survey_on_a_phone_with_javascript_off(
    browser: Browser, staff_app: AppServer, sim: BotApiSimulator, sessions, tmp_path: Path
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    page, problems = await phone_tab(browser, staff_app, scripts=False)
    shots = Shots(page, tmp_path / "screens")
    total, gi = len(QUESTIONS), QUESTIONS[0]

    started = time.perf_counter()
    await page.goto(f"{staff_app.url}/s/{tokens['r1']}")
    await heading(page, "Hello Alice!")
    await shots.take("greeting")
    await press(page, "Begin")
    await expect(page.locator("#progress")).to_have_text(f"Question 1 of {total}")
    question = page.get_by_role("group", name=re.compile("Overall, how satisfied"))  # the legend
    await expect(question).to_be_visible()
    await shots.take("question-1")
    await press(page, "2 · Dissatisfied")

    await heading(page, "We are sorry that you are not satisfied with “Overall performance”")
    await shots.take("causes")
    for index in (1, 3):
        await press(page, gi.attributes[index].text["en"])  # the box is not in its name
    ticked = page.get_by_role("button", name=re.compile(re.escape(gi.attributes[3].text["en"])))
    await expect(ticked).to_have_attribute("aria-pressed", "true")
    await shots.take("causes-ticked")
    await press(page, "Done")

    await heading(page, "what happened")
    field = page.get_by_label(re.compile("what happened"))
    await field.fill("The order came two weeks late and nobody told us.")
    await shots.take("what-happened")
    await press(page, "Send")

    await expect(page.locator("#progress")).to_have_text(f"Question 2 of {total}")
    await press(page, "4 · Agree")
    await expect(page.locator("#progress")).to_have_text(f"Question 3 of {total}")
    await press(page, "◀ Back")
    await expect(page.locator("#progress")).to_have_text(f"Question 2 of {total}")
    current = page.get_by_role("button", name=re.compile("^4 · Agree"))
    await expect(current).to_have_attribute("aria-pressed", "true")
    await shots.take("back-to-question-2")
    await press(page, "5 · Strongly agree")

    for number in range(3, total + 1):
        await expect(page.locator("#progress")).to_have_text(f"Question {number} of {total}")
        if number == 4:  # by keyboard: Tab to the answer, Enter presses it
            target = page.get_by_role("button", name=re.compile("^3 · "))
            await target.focus()
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            continue
        await press(page, "Unable to comment" if number == 5 else "4 · ")

    await heading(page, "How likely are you to recommend us")
    await shots.take("nps")
    await press(page, "9")
    await heading(page, "any comment or suggestion")
    await page.get_by_label(re.compile("any comment")).fill("Keep our sales contact, please.")
    await shots.take("comment")
    await press(page, "Send")

    await heading(page, "Your answers")
    await shots.take("summary")
    await press(page, "Change: Understanding your needs")
    await expect(page.locator("#progress")).to_have_text(f"Question 2 of {total}")
    await shots.take("change-question-2")
    await press(page, "3 · Neutral")
    summary = page.locator("ol.summary")
    await expect(summary).to_contain_text("Understanding your needs")
    await expect(summary.locator("li").nth(1)).to_contain_text("3 · Neutral")
    await expect(summary.locator("li").first).to_contain_text("2 · Dissatisfied")
    await press(page, "Submit")
    await heading(page, "Thank you!")
    elapsed = time.perf_counter() - started
    await shots.take("thank-you")
    print(f"one full web survey in the browser: {elapsed:.1f} s, {len(shots.taken)} screens")

    assert problems == []
    assert all(path.stat().st_size > 1000 for path in shots.taken)

    def alerts() -> list[str]:
        return [m.text or "" for m in staff.messages if (m.text or "").startswith("🔴")]

    await sim.wait_for(alerts, timeout=SOON / 1000, what="the staff alert")
    (alert,) = alerts()
    assert "Customer: Customer C1 (KA)" in alert and "Score: 2" in alert
    assert "The order came two weeks late and nobody told us." in alert
    assert gi.attributes[1].text["en"] in alert and gi.attributes[3].text["en"] in alert

    async with sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
        (ticket,) = list(await session.scalars(select(Ticket)))
        query = select(Invitation).where(Invitation.token == tokens["r1"])
        invitation = await session.scalar(query)
    assert {a.channel for a in answers} == {Channel.WEB}
    levels = {a.question: (a.level, a.na) for a in answers if a.kind == AnswerKind.LIKERT}
    assert levels[gi.key] == (2, False) and levels[QUESTIONS[1].key] == (3, False)
    assert levels[QUESTIONS[3].key] == (3, False) and levels[QUESTIONS[4].key] == (None, True)
    assert len(levels) == total
    assert [(a.level, a.text) for a in answers if a.kind == AnswerKind.NPS] == [(9, None)]
    comment = [a.text for a in answers if a.kind == AnswerKind.COMMENT]
    assert comment == ["Keep our sales contact, please."]
    assert ticket.status == TicketStatus.OPEN and ticket.alert_message_id is not None
    assert sorted(ticket.causes) == sorted([gi.attributes[1].key, gi.attributes[3].key])
    assert invitation is not None and invitation.state == InvitationState.COMPLETED
    assert invitation.opened_at is not None and invitation.completed_at is not None


@sqlite_only
async def test_with_scripts_on_nothing_is_fetched_from_elsewhere_and_chinese_reads_well(
    browser: Browser, staff_app: AppServer, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    page, problems = await phone_tab(browser, staff_app, scripts=True)
    shots = Shots(page, tmp_path / "screens")
    await page.goto(f"{staff_app.url}/s/{tokens['r3']}")  # 王芳 answers in Chinese
    await heading(page, "王芳您好")
    await press(page, "开始")
    await expect(page.locator("#progress")).to_have_text(f"第 1 题，共 {len(QUESTIONS)} 题")
    await shots.take("question-1-zh")
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("#progress")).to_have_text(f"Question 1 of {len(QUESTIONS)}")
    await press(page, "5 · ")
    await expect(page.locator("#progress")).to_have_text(f"Question 2 of {len(QUESTIONS)}")
    await shots.take("question-2-en")
    assert problems == []
