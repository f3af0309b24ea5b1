"""``/docs`` (and ``/redoc``) work with no internet: the page and every asset it references come
from the app itself, fetched over a real socket from the app as ``csat serve`` runs it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from cli.hosting import AppServer
from survey.settings import Settings
from tests.support import free_port

# Any absolute or protocol-relative URL written in a page, a script's string or a stylesheet.
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+(?::\d+)?[^\s"'<>()]*""")
SCRIPT_URL = re.compile(r"""\burl:\s*['"]([^'"]+)['"]""")  # SwaggerUIBundle({url: '/openapi.json'})
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


class _References(HTMLParser):
    """The ``src``, ``href`` (and ReDoc's ``spec-url``) of every element, and inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "spec-url") and v]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)


@pytest.fixture
async def served(db_url: str) -> AsyncIterator[str]:
    """The app (no bot) on a real port; yields its base URL."""
    settings = Settings(database_url=db_url, port=free_port(), _env_file=None)  # type: ignore[call-arg]
    server = AppServer(settings)
    await server.start()
    yield server.url
    await server.stop()


def _own(base: str, url: str) -> bool:
    return urlsplit(urljoin(base + "/", url)).netloc == urlsplit(base).netloc


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_page_and_every_asset_it_references_come_from_our_own_host(
    served: str, path: str
) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=30) as client:
        page = await client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        foreign = [u for u in ABSOLUTE_URL.findall(page.text) if not _own(served, u)]
        assert foreign == [], f"{path} points to other hosts: {foreign}"

        parsed = _References()
        parsed.feed(page.text)
        script_urls = [u for script in parsed.scripts for u in SCRIPT_URL.findall(script)]
        assets = parsed.urls + script_urls
        kinds = {urlsplit(u).path.rsplit(".", 1)[-1] for u in assets}
        assert {"js", "json"} <= kinds, assets  # the bundle and the schema (and a style)
        for url in assets:
            assert _own(served, url), url
            response = await client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert response.content, f"{url} is empty"
            if url.endswith(".css"):
                linked = [u for u in CSS_URL.findall(response.text) if not u.startswith("data:")]
                assert all(_own(served, u) for u in linked), (url, linked)
        (schema_url,) = [u for u in assets if u.endswith("openapi.json")]
        schema = (await client.get(schema_url)).json()
        assert schema["info"]["title"] == "csat-bot admin API"
        assert "/tickets/{ticket_id}" in schema["paths"]


async def test_the_bundled_swagger_ui_renders_openapi_3_1(served: str) -> None:
    """FastAPI writes OpenAPI 3.1, which Swagger UI renders from version 5 on (4.x shows
    "Unable to render this definition"): the bundle served must be a 5.x one."""
    async with httpx.AsyncClient(base_url=served, timeout=30) as client:
        parsed = _References()
        parsed.feed((await client.get("/docs")).text)
        (bundle,) = [u for u in parsed.urls if u.endswith("swagger-ui-bundle.js")]
        script = (await client.get(bundle)).text
        assert (await client.get("/openapi.json")).json()["openapi"].startswith("3.1")
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.\d+\.\d+"', script)
    assert version is not None and int(version.group(1)) >= 5
