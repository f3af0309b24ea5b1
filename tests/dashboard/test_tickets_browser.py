"""The ticket board, a ticket page and the funnel in headless Chromium: staff sign in, take a
ticket from the board and update it through the page's forms; a viewer sees no forms and no
token; full-page screenshots of each page at 1280×800 and 390×844 under tmp_path, with nothing
wider than the screen and nothing fetched from outside the app."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, expect

from cli.hosting import AppServer
from survey.vocabulary import ApiKeyRole, TicketStatus
from tests.browsing import SOON, sqlite_only
from tests.dashboard.dashing import sign_in_tab
from tests.dashboard.ticket_seed import KEY, seed_tickets, ticket_row

DESK, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
BOARD = "/dashboard/tickets"
FUNNEL = f"/dashboard/campaigns/{KEY}/funnel"


async def tab(
    browser: Browser, app: AppServer, viewport: dict[str, int], locale: str
) -> tuple[BrowserContext, Page, list[str]]:
    """A tab with JavaScript off (the pages need none); what it asked of anywhere but the app,
    and any script error, is collected in the list returned."""
    context = await browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        java_script_enabled=False,
        locale=locale,
    )
    page = await context.new_page()
    page.set_default_timeout(SOON)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith(app.url) else problems.append(f"request {r.url}"),
    )
    return context, page, problems


async def shoot(page: Page, folder: Path, name: str, width: int) -> Path:
    """A full-page screenshot; the page must fit the screen's width (no sideways scrolling)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    scroll = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} is {scroll} px wide on a {width} px screen"
    return path


@sqlite_only
async def test_staff_take_and_update_a_ticket_from_the_board(
    browser: Browser, app: AppServer, keys, sessions, tmp_path: Path
) -> None:
    seeded = await seed_tickets(sessions)
    context, page, problems = await tab(browser, app, DESK, "en-US")
    staff = keys[ApiKeyRole.STAFF]
    await sign_in_tab(page, app.url, staff.secret, BOARD)
    await expect(page.locator("h1")).to_have_text("Ticket board")
    await expect(page.locator("#by-department")).to_contain_text("quality")
    await expect(page.locator(f'tr[data-ticket="{seeded.overdue}"]')).to_contain_text("overdue")

    async with page.expect_navigation():
        await page.locator(f'tr[data-ticket="{seeded.fresh}"] a').first.click()
    await expect(page.locator("h1")).to_contain_text(f"Ticket #{seeded.fresh}")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Take this ticket").click()
    await expect(page.locator("#done")).to_have_text("You have taken this ticket.")
    await expect(page.locator('[data-field="owner"]')).to_have_text(staff.name)

    await page.get_by_label("Status").select_option("plan_submitted")
    await page.get_by_label("Cause analysis and corrective action").fill(
        "Cause: the carrier missed two pick-ups. Action: a second carrier on standby."
    )
    await page.get_by_label("Planned completion").fill("2026-12-20T17:00")
    await page.get_by_label("Note").fill("agreed with the customer by phone")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#done")).to_have_text("Saved.")
    await expect(page.locator("h1")).to_contain_text("plan submitted")
    await expect(page.locator("#history")).to_contain_text("agreed with the customer by phone")

    await page.get_by_label("Status").select_option("in_progress")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save").click()
    await expect(page.locator("h1")).to_contain_text("in progress")
    row = await ticket_row(sessions, seeded.fresh)
    assert (row.owner, row.status) == (staff.name, TicketStatus.IN_PROGRESS)
    assert row.plan is not None and row.plan.startswith("Cause: the carrier")
    assert row.due_at is not None and row.due_at.isoformat().startswith("2026-12-20T09:00")

    # escalated, it may close only with its call-back report: the page says so, then closes
    await page.get_by_label("Status").select_option("escalated")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save").click()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Close the ticket").click()
    await expect(page.locator("#refused")).to_contain_text(
        "An escalated ticket needs its call-back report before it closes."
    )
    await page.get_by_label("Call-back report").fill("Called back on Monday: satisfied now.")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save").click()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Close the ticket").click()
    await expect(page.locator("#closed-final")).to_be_visible()
    row = await ticket_row(sessions, seeded.fresh)
    assert (row.status, row.callback_report) == (
        TicketStatus.CLOSED,
        "Called back on Monday: satisfied now.",
    )
    assert problems == []
    await context.close()


@sqlite_only
async def test_screenshots_of_the_board_a_ticket_and_the_funnel(
    browser: Browser, app: AppServer, keys, sessions, tmp_path: Path
) -> None:
    seeded = await seed_tickets(sessions)
    shots = tmp_path / "screens"
    taken: list[Path] = []
    for size, viewport in (("1280x800", DESK), ("390x844", PHONE)):
        for role in (ApiKeyRole.STAFF, ApiKeyRole.VIEWER):
            context, page, problems = await tab(browser, app, viewport, "zh-CN")
            await sign_in_tab(page, app.url, keys[role].secret, BOARD)
            await expect(page.locator("h1")).to_have_text("工单看板")
            taken.append(await shoot(page, shots, f"board-{role}-{size}", viewport["width"]))
            await page.goto(f"{app.url}{BOARD}/{seeded.taken}")
            await expect(page.locator("#history")).to_contain_text("认领")
            forms = await page.locator('main form[method="post"]').count()
            assert forms == (0 if role == ApiKeyRole.VIEWER else 1)  # the update form
            taken.append(await shoot(page, shots, f"ticket-{role}-{size}", viewport["width"]))
            await page.goto(f"{app.url}{FUNNEL}")
            await expect(page.locator("#funnel-all")).to_contain_text("已完成")
            html = await page.content()
            for token in seeded.tokens.values():
                assert token not in html
            taken.append(await shoot(page, shots, f"funnel-{role}-{size}", viewport["width"]))
            assert problems == []
            await context.close()
    assert all(path.stat().st_size > 10_000 for path in taken)
    print(f"screenshots in {shots}")
