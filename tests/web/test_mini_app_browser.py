"""The Mini App page in headless Chromium (Debian's, driven by Playwright) at 360×740, against
the real app and the Bot API simulator: opened as Telegram opens it (/s/{token}#tgWebAppData=…)
with a correctly signed initData it binds the form to that Telegram user and takes answers;
with a forged one it shows the refusal and no form. Chat and form continue where the other
left off. A screenshot of each screen is written under the test's tmp dir.

Chromium and Playwright are part of the test set-up (scripts/test.sh installs both): if either
is missing these tests fail, they are never skipped."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select, update

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.campaigns import campaign_by_key
from storage.models import Answer, Invitation, Respondent, Ticket
from storage.reminders import ReminderPolicy, send_invitations
from storage.types import utcnow
from survey.calendar import WorkingCalendar
from survey.loader import load_template
from survey.vocabulary import AnswerKind, Channel, InvitationState
from tests.browsing import sqlite_only
from tests.support import begin, make_settings, seed_campaign
from tests.web.mini_app_signing import init_data, launch_fragment
from web.texts import w

PHONE = {"width": 360, "height": 740}
SOON = 20_000  # ms: at most, for a page of a loaded machine
QUESTIONS = load_template("ecss-5").questions()
BOUND_EN = "You are answering as Alice (Telegram)."
NOT_CONFIRMED = "We could not confirm your Telegram account"
PROXY = "https://survey.example.com"  # the https address a reverse proxy gives the app
STAFF_CHAT = -1009876543210
STAFF = {"staff_chat_id": STAFF_CHAT, "staff_language": "en"}

POLICY = ReminderPolicy(WorkingCalendar("CN", "Asia/Shanghai"))


@pytest.fixture
def public_url(request: pytest.FixtureRequest) -> str | None:
    """The app's public URL; None (unless a test says otherwise): its own address."""
    return getattr(request, "param", None)


@pytest.fixture
async def web_app(
    db_url: str, sim: BotApiSimulator, public_url: str | None
) -> AsyncIterator[AppServer]:
    """The app on the simulator, with a staff chat and a quick scheduler."""
    settings = make_settings(db_url, sim)
    public = public_url or f"http://{settings.host}:{settings.port}"
    changes = {"public_url": public, "scheduler_interval": 1.0, **STAFF}
    server = AppServer(settings.model_copy(update=changes))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()


@pytest.fixture
async def phone(browser: Browser, web_app: AppServer) -> AsyncIterator[Page]:
    """A phone-sized tab; a script error, or a request to anywhere but our app, fails."""
    context = await browser.new_context(viewport=PHONE, locale="en-US")
    tab = await context.new_page()
    tab.set_default_timeout(SOON)
    errors: list[str] = []
    elsewhere: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "request",
        lambda request: (
            None if request.url.startswith(web_app.url) else elsewhere.append(request.url)
        ),
    )
    yield tab
    await context.close()
    assert errors == []
    assert elsewhere == []  # no CDN: telegram-web-app.js is never fetched


def noon_before_now() -> datetime:
    """The latest 12:00 UTC: daytime for a respondent in UTC, so an invitation is due at once."""
    noon = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= utcnow() else noon - timedelta(days=1)


def mini_app_url(server: AppServer, token: str, signed: str) -> str:
    return f"{server.url}/s/{token}{launch_fragment(signed)}"


async def telegram_id(sessions, token: str) -> int | None:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        found: int | None = await session.scalar(
            select(Respondent.telegram_user_id)
            .join(Invitation, Invitation.respondent_id == Respondent.id)
            .where(Invitation.token == token)
        )
    return found


async def answers(sessions) -> dict[str, tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    """The scale answers: level and channel by question."""
    async with sessions() as session:
        rows = await session.execute(
            select(Answer.question, Answer.level, Answer.channel).where(
                Answer.kind == AnswerKind.LIKERT
            )
        )
    return {question: (level, channel) for question, level, channel in rows.all()}


async def choose(page: Page, level: str) -> None:
    """Press the answer button starting with ``level`` ("4" for "4 · Satisfied")."""
    await page.get_by_role("button", name=re.compile(f"^{re.escape(level)} ")).click()


@sqlite_only
async def test_a_signed_mini_app_binds_the_form_and_takes_answers(
    phone: Page, web_app: AppServer, sim: BotApiSimulator, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    signed = init_data(web_app.settings.token or "", 1001, "Alice")
    await phone.goto(mini_app_url(web_app, tokens["r1"], signed))
    note = phone.locator("#mini-app-note")
    await expect(note).to_have_text(BOUND_EN)
    await expect(note).to_have_attribute("role", "status")
    assert "tgWebAppData" not in phone.url  # the credential left the address bar
    await phone.screenshot(path=tmp_path / "mini-app-1-bound.png", full_page=True)
    assert await telegram_id(sessions, tokens["r1"]) == 1001

    await phone.get_by_role("button", name="Begin").click()
    await expect(phone.locator("#progress")).to_have_text(f"Question 1 of {len(QUESTIONS)}")
    await phone.screenshot(path=tmp_path / "mini-app-2-question.png", full_page=True)
    await choose(phone, "4")
    await expect(phone.locator("#progress")).to_have_text(f"Question 2 of {len(QUESTIONS)}")
    await expect(note).to_have_text(BOUND_EN)  # still said on the next page
    await phone.screenshot(path=tmp_path / "mini-app-3-next.png", full_page=True)
    assert await answers(sessions) == {QUESTIONS[0].key: (4, Channel.WEB)}

    # A 2: its causes and what happened, then a ticket and the staff group's alert.
    staff = sim.group(STAFF_CHAT, "Staff")
    await choose(phone, "2")
    first_cause = phone.locator("button.cause").first
    await first_cause.click()
    await expect(phone.locator("button.cause").first).to_have_attribute("aria-pressed", "true")
    await phone.screenshot(path=tmp_path / "mini-app-4-causes.png", full_page=True)
    await phone.get_by_role("button", name="Done").click()
    await phone.locator("#text").fill("Nobody called back about the late order.")
    await phone.screenshot(path=tmp_path / "mini-app-5-what-happened.png", full_page=True)
    await phone.get_by_role("button", name="Send").click()
    await expect(phone.locator("#progress")).to_have_text(f"Question 3 of {len(QUESTIONS)}")
    assert (await answers(sessions))[QUESTIONS[1].key] == (2, Channel.WEB)
    async with sessions() as session:
        tickets = list(await session.scalars(select(Ticket)))
    assert len(tickets) == 1
    await sim.wait_for(lambda: "Low score" in (staff.last_text or ""), timeout=15, what="alert")
    assert "Nobody called back about the late order." in (staff.last_text or "")

    # The invitation's chat button (/start <token>) carries on where the form is.
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text(f"/start {tokens['r1']}")
    assert (alice.last_text or "").startswith(f"3/{len(QUESTIONS)}")


@sqlite_only
async def test_a_forged_mini_app_is_refused_politely(
    phone: Page, web_app: AppServer, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    forged = init_data("654321:not-our-bot", 1001, "Alice")
    await phone.goto(mini_app_url(web_app, tokens["r1"], forged))
    note = phone.locator("#mini-app-note")
    await expect(note).to_contain_text(NOT_CONFIRMED)
    await expect(note).to_have_attribute("role", "alert")
    await expect(phone.locator("form")).to_have_count(0)
    await phone.screenshot(path=tmp_path / "mini-app-forged.png", full_page=True)
    assert await telegram_id(sessions, tokens["r1"]) is None
    assert await answers(sessions) == {}


@sqlite_only
async def test_chat_and_form_continue_where_the_other_left_off(
    phone: Page, web_app: AppServer, sim: BotApiSimulator, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    total = len(QUESTIONS)
    alice = await begin(sim, tokens["r1"])  # chat: /start <token>, Begin
    await alice.press("4")  # Q1 in the chat
    assert (alice.last_text or "").startswith(f"2/{total}")

    signed = init_data(web_app.settings.token or "", alice.id, "Alice")
    await phone.goto(mini_app_url(web_app, tokens["r1"], signed))
    await expect(phone.locator("#mini-app-note")).to_have_text(BOUND_EN)
    await expect(phone.locator("#progress")).to_have_text(f"Question 2 of {total}")
    await phone.screenshot(path=tmp_path / "switch-1-form-at-q2.png", full_page=True)
    await choose(phone, "3")  # Q2 in the form
    await expect(phone.locator("#progress")).to_have_text(f"Question 3 of {total}")

    await alice.send_text("/start")  # back in the chat: it asks Q3
    assert (alice.last_text or "").startswith(f"3/{total}")
    await alice.press("5")  # Q3 in the chat

    await phone.goto(f"{web_app.url}/s/{tokens['r1']}")  # the form again, from its link
    await expect(phone.locator("#progress")).to_have_text(f"Question 4 of {total}")
    await phone.screenshot(path=tmp_path / "switch-2-form-at-q4.png", full_page=True)
    assert await answers(sessions) == {
        QUESTIONS[0].key: (4, Channel.TELEGRAM),
        QUESTIONS[1].key: (3, Channel.WEB),
        QUESTIONS[2].key: (5, Channel.TELEGRAM),
    }


@sqlite_only
@pytest.mark.parametrize("public_url", [PROXY], indirect=True)
async def test_the_invitations_button_opens_the_form_bound_in_telegram(
    phone: Page, web_app: AppServer, sim: BotApiSimulator, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text("/start")  # she has talked to the bot before
    async with sessions() as session, session.begin():
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == "r1")
            .values(telegram_user_id=alice.id, timezone="UTC")
        )
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await send_invitations(session, campaign, now=noon_before_now(), policy=POLICY)
    await sim.wait_for(  # the app's scheduler sends it
        lambda: "invite" in (alice.last_text or ""), timeout=15, what="the invitation"
    )
    # She taps "Answer in a form": Telegram opens the Mini App with initData signed for her.
    launch = sim.open_web_app(alice, "Answer in a form")
    assert launch.startswith(f"{PROXY}/s/{tokens['r1']}#tgWebAppData=")
    await phone.goto(web_app.url + launch.removeprefix(PROXY))  # through the proxy
    await expect(phone.locator("#mini-app-note")).to_have_text(BOUND_EN)
    await phone.screenshot(path=tmp_path / "mini-app-from-the-invitation.png", full_page=True)
    assert await telegram_id(sessions, tokens["r1"]) == alice.id


@sqlite_only
async def test_a_submitted_survey_opened_as_a_mini_app_says_so_once(
    phone: Page, web_app: AppServer, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.token == tokens["r1"])
            .values(state=InvitationState.COMPLETED)
        )
    signed = init_data(web_app.settings.token or "", 1001, "Alice")
    async with phone.expect_response(re.compile(r"/telegram$")) as binding:
        await phone.goto(mini_app_url(web_app, tokens["r1"], signed))
    assert (await binding.value).status == 409
    await expect(phone.locator("main")).to_contain_text(w("completed_web", "en"))
    await expect(phone.locator("#mini-app-note")).to_have_count(0)  # the page said it already
    await phone.screenshot(path=tmp_path / "mini-app-completed.png", full_page=True)


@sqlite_only
@pytest.mark.parametrize("public_url", [PROXY], indirect=True)
async def test_the_simulators_chat_page_opens_the_mini_app_signed(
    browser: Browser, web_app: AppServer, sim: BotApiSimulator, sessions, tmp_path: Path
) -> None:
    """The whole way by hand: the chat page's "Answer in a form" opens the Mini App with
    initData the simulator signed, through the https address (routed here to the app)."""
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text("/start")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == "r1")
            .values(telegram_user_id=alice.id, timezone="UTC")
        )
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await send_invitations(session, campaign, now=noon_before_now(), policy=POLICY)
    await sim.wait_for(lambda: "invite" in (alice.last_text or ""), timeout=15, what="invitation")

    context = await browser.new_context(viewport={"width": 1000, "height": 800})
    errors: list[str] = []

    async def through_the_proxy(route):  # type: ignore[no-untyped-def]
        upstream = web_app.url + route.request.url.removeprefix(PROXY)
        await route.fulfill(response=await route.fetch(url=upstream))

    await context.route(f"{PROXY}/**", through_the_proxy)
    context.on("page", lambda tab: tab.on("pageerror", lambda e: errors.append(str(e))))
    try:
        chat = await context.new_page()
        chat.set_default_timeout(SOON)
        await chat.goto(f"{sim.api_root}/?user={alice.id}")
        key = chat.locator("#private-messages li.msg.bot").last.get_by_role(
            "button", name="Answer in a form"
        )
        async with context.expect_page() as opened:
            await key.click()
        mini_app = await opened.value
        mini_app.set_default_timeout(SOON)
        await expect(mini_app.locator("#mini-app-note")).to_have_text(BOUND_EN)
        assert mini_app.url == f"{PROXY}/s/{tokens['r1']}"  # the fragment is gone
        await mini_app.screenshot(path=tmp_path / "mini-app-from-the-chat-page.png")
    finally:
        await context.close()
    assert errors == []
    assert await telegram_id(sessions, tokens["r1"]) == alice.id
