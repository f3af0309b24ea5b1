"""The simulator's chat page in headless Chromium (Debian's `chromium`, driven by Playwright),
against the real app: a survey started from a deep link and answered by clicking, and the
staff group panel showing the alert of a low score, whose Take button works.

Chromium and Playwright are part of the test set-up (scripts/test.sh installs both): if either
is missing these tests fail, they are never skipped."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from cli.hosting import AppServer
from simulator import BotApiSimulator
from simulator.page import STATIC
from tests.browsing import sqlite_only
from tests.support import STAFF_CHAT, seed_campaign

SOON = 20_000  # ms: at most, for a step of the bot (scheduler passes of 1 s, a loaded machine)


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh tab; any script error on the page fails the test."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    tab = await context.new_page()
    tab.set_default_timeout(SOON)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    await context.close()
    assert errors == []


def bot_messages(page: Page, panel: str = "#private-messages"):  # type: ignore[no-untyped-def]
    return page.locator(f"{panel} li.msg.bot")


async def click(page: Page, label: str, panel: str = "#private-messages") -> None:
    """Press the button starting with ``label`` (``4`` for "4 · Satisfied") on the bot's
    newest message in a panel."""
    newest = bot_messages(page, panel).last
    await newest.get_by_role("button", name=re.compile(f"^{re.escape(label)}")).click()


@sqlite_only
async def test_a_survey_opened_from_a_deep_link_is_answered_by_clicking(
    staff_app: AppServer, sim: BotApiSimulator, sessions, page: Page
) -> None:
    tokens = await seed_campaign(sessions)
    await page.goto(f"{sim.api_root}/?start={tokens['r1']}")
    await expect(page.locator("body")).to_have_attribute("data-ready", "yes")
    assert "start=" not in page.url  # a reload must not open the link again
    await expect(page.locator("#private-messages li.msg.mine").first).to_have_text(
        re.compile(r"^/start ")
    )
    await expect(bot_messages(page).last).to_contain_text("Hello Alice", timeout=SOON)
    await click(page, "Begin")
    await expect(bot_messages(page).last).to_contain_text(re.compile(r"^1/"), timeout=SOON)
    first = bot_messages(page).last
    await expect(first.get_by_role("button", name="Unable to comment")).to_be_visible()
    await click(page, "4")
    await expect(bot_messages(page).last).to_contain_text(re.compile(r"^2/"), timeout=SOON)
    await expect(page.locator("#bot-status")).to_contain_text("connected (webhook)")
    (user,) = sim.users  # made by the page, as nobody was there yet
    assert user.profile["first_name"] == "Customer"
    assert (user.last_text or "").startswith("2/")


@sqlite_only
async def test_the_staff_panel_shows_a_low_scores_alert_and_takes_it(
    staff_app: AppServer, sim: BotApiSimulator, sessions, page: Page
) -> None:
    tokens = await seed_campaign(sessions)
    await page.goto(sim.api_root + "/")
    await expect(page.locator("body")).to_have_attribute("data-ready", "yes")

    # Bob creates himself, adds the staff group to watch, and pastes his invitation link.
    await page.get_by_text("New user…").click()
    await page.locator("#new-user-form input[name=first_name]").fill("Bob")
    await page.get_by_role("button", name="Create and switch").click()
    await expect(page.locator("#private-title")).to_contain_text("you are Bob")
    await page.get_by_text("Add a group…").click()
    await page.locator("#group-id").fill(str(STAFF_CHAT))
    await page.locator("#group-title").fill("Staff")
    await page.get_by_role("button", name="Add and watch").click()
    await expect(page.locator("#group-select")).to_have_value(str(STAFF_CHAT))
    await page.locator("#link-input").fill(f"https://t.me/{sim.bot_username}?start={tokens['r2']}")
    await page.get_by_role("button", name="Open link").click()
    await expect(bot_messages(page).last).to_contain_text("Hello Bob", timeout=SOON)

    await click(page, "Begin")
    await expect(bot_messages(page).last).to_contain_text(re.compile(r"^1/"), timeout=SOON)
    await click(page, "2")
    await expect(bot_messages(page).last.get_by_role("button", name="Done")).to_be_visible()
    await click(page, "Done")
    await page.locator("#private-input").fill("Nobody called back about the late order.")
    await page.locator("#private-form").get_by_role("button", name="Send").click()
    await expect(bot_messages(page).last).to_contain_text(re.compile(r"^2/"), timeout=SOON)

    alert = bot_messages(page, "#group-messages").last
    await expect(alert).to_contain_text("🔴 Low score", timeout=SOON)
    await expect(alert).to_contain_text("Comment: Nobody called back about the late order.")

    # Wang, a member of the staff group, takes the ticket from the panel.
    await page.get_by_text("New user…").click()
    await page.locator("#new-user-form input[name=first_name]").fill("Wang")
    await page.get_by_role("button", name="Create and switch").click()
    await expect(page.locator("#private-title")).to_contain_text("you are Wang")
    await click(page, "Take it", panel="#group-messages")
    await expect(page.locator("#toast")).to_contain_text("is yours", timeout=SOON)
    await expect(alert).to_contain_text("Owner: Wang", timeout=SOON)
    await expect(alert.locator(".meta")).to_contain_text("edited")


async def test_errors_are_told_politely(sim: BotApiSimulator, page: Page) -> None:
    await page.goto(sim.api_root + "/")
    await expect(page.locator("body")).to_have_attribute("data-ready", "yes")
    await page.locator("#link-input").fill("https://t.me/someone_else_bot?start=abc")
    await page.get_by_role("button", name="Open link").click()
    notice = page.locator("#notice")
    await expect(notice).to_be_visible()
    await expect(notice).to_contain_text("this link is for @someone_else_bot")
    await expect(notice).to_contain_text("--bot-username someone_else_bot")
    await page.locator("#notice-close").click()
    await expect(notice).to_be_hidden()


async def test_the_page_is_served_whole_by_the_simulator(sim: BotApiSimulator) -> None:
    """Every asset the page names is the simulator's own: nothing from a CDN."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") or a == "data:," for a in assets), assets
    scripts = {path.name: path.read_text(encoding="utf-8") for path in STATIC.glob("*.js")}
    assert "chat.js" in scripts and len(scripts) > 1
    for name, script in scripts.items():
        assert not re.search(r"https?://", script), name  # no remote fetches
        imported = re.findall(r'from "([^"]+)"', script)
        assert all(f"{target[2:]}" in scripts for target in imported), (name, imported)
    async with httpx.AsyncClient(base_url=sim.api_root) as client:
        index = await client.get("/")
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        local = [a for a in assets if a.startswith("/static/")]
        for asset in [*local, *(f"/static/{name}" for name in scripts)]:
            response = await client.get(asset)
            assert response.status_code == 200, asset
        assert (await client.get("/static/missing.js")).status_code == 404
