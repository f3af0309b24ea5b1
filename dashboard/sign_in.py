"""Sign-in with an API key, exchanged for the session cookie (``dashboard.signing``), and
sign-out. The sign-in form has its own CSRF nonce in a short cookie, so no other site can sign
a browser in under a key of its choosing."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard.deps import Viewer, dashboard_state, posted, sessions_of, signed_in
from dashboard.rendering import PREFIX, message_page, render
from dashboard.signing import (
    COOKIE,
    COOKIE_PATH,
    CSRF_FIELD,
    SESSION_SECONDS,
    SIGN_IN_COOKIE,
    SIGN_IN_SECONDS,
)
from pagekit.fields import read_fields
from storage.apikeys import find_api_key

SIGN_IN: Final = PREFIX + "/sign-in"
SIGN_OUT: Final = PREFIX + "/sign-out"
MAX_KEY: Final = 200  # far longer than any key we make
MAX_NEXT: Final = 2000


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of the dashboard, never another site."""
    if (
        value
        and len(value) <= MAX_NEXT
        and (value == PREFIX or value.startswith(PREFIX + "/") or value.startswith(PREFIX + "?"))
        and "\\" not in value
        and not any(ord(c) < 32 for c in value)
    ):
        return value
    return PREFIX


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN}?next={quote(next_path, safe='')}"


def sign_in_page(
    request: Request, *, next_path: str, notice: str | None = None, status: int = 200
) -> HTMLResponse:
    cookie, token = dashboard_state(request).signatures.new_sign_in()
    response = render(
        request,
        "sign_in.html",
        {
            "action": SIGN_IN,
            "next_path": next_path,
            "notice": notice,
            "sign_in_csrf": token,
            "csrf_name": CSRF_FIELD,
        },
        status=status,
    )
    response.set_cookie(
        SIGN_IN_COOKIE,
        cookie,
        max_age=SIGN_IN_SECONDS,
        path=SIGN_IN,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def client_of(request: Request) -> str:
    """The address the sign-in limit counts by (``dashboard.sign_in_limit``)."""
    return request.client.host if request.client is not None else "unknown"


def limited_page(request: Request, wait: int) -> HTMLResponse:
    """429: too many wrong keys from this client lately; try again in ``wait`` seconds."""
    response = message_page(
        request, "sign_in_limited_title", "sign_in_limited_body", status=429, seconds=wait
    )
    response.headers["Retry-After"] = str(wait)
    return response


def sign_in_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(SIGN_IN, response_class=HTMLResponse)
    async def show(request: Request) -> Response:
        next_path = safe_next(request.query_params.get("next"))
        notice = "signed_out" if request.query_params.get("out") == "1" else None
        return sign_in_page(request, next_path=next_path, notice=notice)

    @router.post(SIGN_IN, response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        state = dashboard_state(request)
        client = client_of(request)
        wait = state.sign_in_limit.retry_after(client)
        if wait is not None:
            return limited_page(request, wait)
        fields = await read_fields(request) or {}
        next_path = safe_next(fields.get("next"))
        signatures = state.signatures
        if not signatures.sign_in_valid(
            request.cookies.get(SIGN_IN_COOKIE), fields.get(CSRF_FIELD)
        ):
            return message_page(request, "bad_form_title", "bad_form_body", status=403)
        key = fields.get("api_key", "").strip()
        row = None
        if 0 < len(key) <= MAX_KEY:
            async with sessions_of(request)() as session, session.begin():
                row = await find_api_key(session, key)  # records its last use
        if row is None:
            state.sign_in_limit.failed(client)
            return sign_in_page(request, next_path=next_path, notice="key_refused", status=401)
        state.sign_in_limit.succeeded(client)
        value, _ = signatures.new_session(row.id)
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(
            COOKIE,
            value,
            max_age=SESSION_SECONDS,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",  # a link from a mail or chat to a campaign page keeps the session
            secure=request.url.scheme == "https",
        )
        response.delete_cookie(SIGN_IN_COOKIE, path=SIGN_IN)
        return response

    @router.post(SIGN_OUT)
    async def sign_out(request: Request, signed: Viewer) -> Response:
        await posted(request, signed)
        response = RedirectResponse(f"{SIGN_IN}?out=1", status_code=303)
        response.delete_cookie(COOKIE, path=COOKIE_PATH)
        return response

    @router.get(SIGN_OUT)
    async def sign_out_link(request: Request) -> Response:
        """A sign-out is a POST (a link could sign anyone out): a GET says so."""
        if await signed_in(request) is None:
            return RedirectResponse(SIGN_IN, status_code=303)
        return message_page(request, "bad_request_title", "sign_out_by_button", status=405)

    return router
