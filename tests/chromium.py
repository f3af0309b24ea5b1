"""Where Debian's Chromium is and how the browser tests start it (the ``browser`` fixture of
tests/conftest.py): `playwright install` cannot download browsers here."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
