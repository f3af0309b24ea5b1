"""What the browser tests of the web survey share: Debian's Chromium driven by Playwright
(the launch arguments of tests/simulator/test_sim_page.py), a phone-sized tab that notes any
script error or request outside the app, screenshots of each screen, pressing a button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from cli.hosting import AppServer

PHONE = {"width": 360, "height": 740}
SOON = 20_000  # ms: at most, for a page on a loaded machine

# The browser does not care which database the app uses: SQLite only.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def phone_tab(browser: Browser, app: AppServer, *, scripts: bool) -> tuple[Page, list[str]]:
    """A phone-sized tab; what it asked of anywhere but our app, or any script error, is
    collected in the list returned (the test asserts it stays empty)."""
    context = await browser.new_context(
        viewport=PHONE, java_script_enabled=scripts, locale="en-US", has_touch=True
    )
    tab = await context.new_page()
    tab.set_default_timeout(SOON)
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "request",
        lambda request: (
            None if request.url.startswith(app.url) else problems.append(f"request {request.url}")
        ),
    )
    return tab, problems


class Shots:
    """A screenshot of each screen, numbered in order, under the test's tmp_path."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.taken = page, folder, []  # type: list[Path]
        folder.mkdir(parents=True, exist_ok=True)

    async def take(self, name: str) -> None:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        # Usable at 360 px: nothing wider than the screen, so nothing scrolls sideways.
        width = await self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width} px wide"


async def press(page: Page, starts: str) -> None:
    """Press the button whose name starts with ``starts`` and wait for the next page."""
    button = page.get_by_role("button", name=re.compile(f"^{re.escape(starts)}"))
    async with page.expect_navigation():
        await button.first.click()


async def heading(page: Page, text: str) -> None:
    await expect(page.locator("main")).to_contain_text(text)
