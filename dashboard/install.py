"""The dashboard channel's installer for ``admin.app.create_app(channels=...)``: its pages under
``/dashboard``, its stylesheet and scripts at ``/dashboard/static``, and the pages it answers
with instead of JSON errors (sign in, 403, 404, 422).

Another module's pages: add its router factory to ``ROUTERS``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Final

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from dashboard.campaign_list import campaign_list_router
from dashboard.campaign_page import campaign_router
from dashboard.deps import DashboardState, FormRefused, RoleTooShort, SignInNeeded, signed_in
from dashboard.drill_down import drill_down_router
from dashboard.rendering import PREFIX, STATIC_PATH, message_page
from dashboard.report_cache import ReportCache
from dashboard.report_store import ReportSeal
from dashboard.sign_in import sign_in_router, sign_in_url
from dashboard.signing import Signatures
from dashboard.tickets_routes import tickets_router

STATIC = Path(__file__).parent / "static"
ROUTERS: Final[tuple[Callable[[], APIRouter], ...]] = (
    sign_in_router,
    campaign_list_router,
    campaign_router,
    drill_down_router,
    tickets_router,  # D2: the ticket board, ticket pages, funnel and chase list
)


def _fallback_router() -> APIRouter:
    """A polite 404 for any other path under /dashboard (after every other route)."""
    router = APIRouter(include_in_schema=False)

    @router.api_route(PREFIX + "/{rest:path}", methods=["GET", "POST"])
    async def unknown(request: Request, rest: str) -> Response:
        await signed_in(request)  # the header says who is signed in
        return message_page(request, "not_found_title", "not_found_body", status=404)

    return router


def install(app: FastAPI) -> None:
    """Add the dashboard's routes, static files and error pages to ``app``."""
    settings = app.state.settings
    reports = ReportCache(ReportSeal(settings.secret_key), wait=settings.dashboard_report_wait)
    app.state.dashboard = DashboardState(Signatures(settings.secret_key), reports)
    app.state.on_stop.append(reports.close)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="dashboard-static")
    for router in ROUTERS:
        app.include_router(router())
    app.include_router(_fallback_router())

    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInNeeded)
        return RedirectResponse(sign_in_url(exc.next_path), status_code=303)

    async def role_too_short(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RoleTooShort)
        return message_page(
            request,
            "forbidden_title",
            "forbidden_body",
            status=403,
            role=exc.needed.value,
            have=exc.have.value,
        )

    async def form_refused(request: Request, exc: Exception) -> Response:
        return message_page(request, "bad_form_title", "bad_form_body", status=403)

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(RoleTooShort, role_too_short)
    app.add_exception_handler(FormRefused, form_refused)

    # Junk in a dashboard URL (a path or query value of the wrong type) is a page, not JSON;
    # the API's paths keep the API's handler.
    api_handler = app.exception_handlers.get(RequestValidationError)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        if request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/"):
            await signed_in(request)
            return message_page(request, "bad_request_title", "bad_request_body", status=422)
        assert api_handler is not None
        result = api_handler(request, exc)
        return await result if inspect.isawaitable(result) else result

    if api_handler is not None:
        app.add_exception_handler(RequestValidationError, invalid_request)
