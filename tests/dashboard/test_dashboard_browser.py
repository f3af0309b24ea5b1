"""The dashboard in headless Chromium (Debian's, through Playwright) on two campaigns seeded
through the real services: a viewer, staff and an admin sign in through the form; the index
cards show the report JSON's numbers (``GET /campaigns/{key}/report``) as a reader sees them;
no page shows an invitation token; nothing scrolls sideways on a phone; the pages ask nothing
of any other site and raise no script error; on a phone a table or chart that scrolls in its frame
shows a shadow on the edge with more beyond it (pixels compared with the cue switched off). A
full-page screenshot of each page at 1280×800
and 390×844 goes under the test's tmp_path."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from PIL import Image, ImageStat
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from storage.models import Invitation
from survey.vocabulary import ApiKeyRole
from tests.dashboard.conftest import Site
from tests.dashboard.dashing import report_json, sign_in_tab
from tests.dashboard.seeding import CURRENT

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SOON = 30_000  # ms: at most, for a page on a loaded machine
CAMPAIGN = f"/dashboard/campaigns/{CURRENT}"
PAGES = {
    "campaigns": "/dashboard",
    "campaign": CAMPAIGN,
    "low-answers": f"{CAMPAIGN}/low/TS",
    "customer": f"{CAMPAIGN}/customers/C01",
}


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


async def _tab(browser: Browser, site: Site, viewport: dict[str, int]) -> tuple[Page, list[str]]:
    context = await browser.new_context(viewport=viewport, locale="zh-CN")
    page = await context.new_page()
    page.set_default_timeout(SOON)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith(site.url) else problems.append(f"request {r.url}"),
    )
    return page, problems


async def _visit(page: Page, site: Site, path: str, shot: Path, tokens: list[str]) -> None:
    response = await page.goto(site.url + path)
    assert response is not None and response.status == 200, path
    await page.screenshot(path=str(shot), full_page=True)
    html = await page.content()
    assert not [t for t in tokens if t in html], f"a token on {path}"
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None and width <= viewport["width"], f"{path} is {width} px wide"


EDGE = 6  # px: the strip of a frame's edge compared
DARKER = 4  # grey levels: the least a shadow darkens its edge (it is 30 % ink at the rim)


async def _edges(page: Page, frame: str) -> tuple[float, float]:
    """How much darker the frame's left and right edge strips are with the cue than without
    (the frame's own background switched off), in mean grey levels."""
    element = page.locator(frame)

    async def strips() -> tuple[float, float]:
        shot = Image.open(io.BytesIO(await element.screenshot())).convert("L")
        width, height = shot.size
        left = ImageStat.Stat(shot.crop((0, 0, EDGE, height))).mean[0]
        right = ImageStat.Stat(shot.crop((width - EDGE, 0, width, height))).mean[0]
        return left, right

    with_cue = await strips()
    await element.evaluate("frame => { frame.style.background = 'none'; }")
    without = await strips()
    await element.evaluate("frame => { frame.style.background = ''; }")
    return without[0] - with_cue[0], without[1] - with_cue[1]


async def _scroll_cue(page: Page, frame: str) -> None:
    """A frame wider inside than out shadows the edge it hides content behind, only that one."""
    element = page.locator(frame)
    overflow = await element.evaluate("frame => frame.scrollWidth - frame.clientWidth")
    assert overflow > 20, f"{frame} does not scroll on a phone"
    left, right = await _edges(page, frame)
    assert right >= DARKER and abs(left) < 1, (frame, "at the start", left, right)
    await element.evaluate("frame => { frame.scrollLeft = frame.scrollWidth; }")
    left, right = await _edges(page, frame)
    assert left >= DARKER and abs(right) < 1, (frame, "at the end", left, right)
    await element.evaluate("frame => { frame.scrollLeft = 0; }")


async def test_the_dashboard_in_a_browser(browser: Browser, site: Site, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        report = await report_json(http, site.keys[ApiKeyRole.VIEWER], CURRENT)
    async with site.sessions() as session:
        tokens = list(await session.scalars(select(Invitation.token)))
    shots = tmp_path / "screens"
    shots.mkdir()
    # The viewer sees every page at both sizes.
    for size, viewport in (("1280x800", DESKTOP), ("390x844", PHONE)):
        page, problems = await _tab(browser, site, viewport)
        await sign_in_tab(page, site.url, site.keys[ApiKeyRole.VIEWER].secret, "/dashboard")
        await expect(page.locator("#signed-in")).to_contain_text("viewer Li")
        for name, path in PAGES.items():
            await _visit(page, site, path, shots / f"viewer-{name}-{size}.png", tokens)
        if viewport == PHONE:
            await page.goto(site.url + CAMPAIGN)
            for frame in ("#factors-chart", "div.table-wrap:has(> #items-table)"):
                await _scroll_cue(page, frame)
        assert problems == []
        await page.context.close()
    # Staff and admin sign in and read the same numbers; the cards say what the report says.
    summary = report["summary"]
    for role in (ApiKeyRole.STAFF, ApiKeyRole.ADMIN):
        page, problems = await _tab(browser, site, DESKTOP)
        await sign_in_tab(page, site.url, site.keys[role].secret, CAMPAIGN + "?lang=en")
        await expect(page.locator("h1")).to_have_text(f"Campaign {CURRENT}")
        await expect(page.locator("#signed-in")).to_contain_text(f"{role.value} Li")
        cards = page.locator("#cards")
        await expect(cards.locator('[data-metric="satisfaction_rate"] .value')).to_have_text(
            percent(summary["satisfaction_rate"]["value"])
        )
        await expect(cards.locator('[data-metric="response_rate"] .value')).to_have_text(
            percent(report["response"]["rate"]["value"])
        )
        await expect(cards.locator('[data-metric="nps"] .value')).to_have_text(
            f"{summary['nps']['value']:.1f}"
        )
        await expect(cards.locator('[data-metric="mean_score"] .value')).to_have_text(
            f"{summary['mean_score']['value']:.1f}"
        )
        await expect(page.locator("#not-representative")).to_contain_text("Not representative")
        for factor in report["factors"]:
            cell = page.locator(f'#factors-table tr[data-key="{factor["group"]}"] td').first
            await expect(cell).to_have_text(f"{factor['mean_score']:.1f}")
        await expect(page.locator("#factors-chart svg")).to_be_visible()
        await expect(page.locator("#quadrant-chart svg")).to_be_visible()
        await page.screenshot(
            path=str(shots / f"{role.value}-campaign-1280x800.png"), full_page=True
        )
        # From a factor to its 1–2 answers, then to a customer.
        async with page.expect_navigation():
            await page.locator('#factors-table tr[data-key="TS"] a').click()
        await expect(page.locator("#low-table")).to_be_visible()
        async with page.expect_navigation():
            await page.locator("#low-table tbody tr a").first.click()
        await expect(page.locator("#customer-answers")).to_be_visible()
        html = await page.content()
        assert not [t for t in tokens if t in html]
        assert problems == []
        await page.context.close()
    taken = sorted(p.name for p in shots.iterdir())
    assert len(taken) == 2 * len(PAGES) + 2
