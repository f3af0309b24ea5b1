"""``/docs`` (Swagger UI) and ``/redoc`` served with no internet: their scripts, style and icon
come from an installed package, never from a CDN.

FastAPI's own pages load swagger-ui and ReDoc from jsDelivr. The package ``fastapi-offline``
ships those dist files (swagger-ui 5, which renders the OpenAPI 3.1 FastAPI writes; ReDoc 2);
we serve its ``static`` folder as it is installed, so no third-party file lives in this repo.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL: Final = "/docs"
REDOC_URL: Final = "/redoc"
ASSETS_URL: Final = "/docs/assets"
ASSETS_PACKAGE: Final = "fastapi_offline"  # its static/: swagger-ui-bundle.js, swagger-ui.css,
# redoc.standalone.js, favicon.png


def assets_directory() -> str:
    """Where the installed package keeps the dist files."""
    return str(files(ASSETS_PACKAGE) / "static")


def install_docs(app: FastAPI) -> None:
    """Add the two documentation pages and their assets to ``app`` (made with
    ``docs_url=None, redoc_url=None``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_directory()), name="docs-assets")

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{name}"

    def schema_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    # Plain Starlette routes, as FastAPI adds its own docs pages: not API routes, no API key.
    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=schema_url(request),
            title=f"{app.title} — Swagger UI",
            swagger_js_url=asset(request, "swagger-ui-bundle.js"),
            swagger_css_url=asset(request, "swagger-ui.css"),
            swagger_favicon_url=asset(request, "favicon.png"),
        )

    async def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=schema_url(request),
            title=f"{app.title} — ReDoc",
            redoc_js_url=asset(request, "redoc.standalone.js"),
            redoc_favicon_url=asset(request, "favicon.png"),
            with_google_fonts=False,
        )

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
