"""The chat page at `/`: talk to the bot as a simulated person and watch a group, in a browser.

Its HTML, script and styles are package data in `simulator/static/`, served from here (no
CDN, no third-party files); the script drives the control API under `/control/`.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# The page changes with the package; a browser should never run yesterday's script.
NO_CACHE = {"Cache-Control": "no-cache"}


async def index(request: Request) -> Response:
    """The page itself; `/?start=TOKEN` is read by its script (it opens that deep link)."""
    return FileResponse(STATIC / "index.html", media_type="text/html", headers=NO_CACHE)


def page_routes() -> list[BaseRoute]:
    """`/` and `/static/*`."""
    return [
        Route("/", index, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
