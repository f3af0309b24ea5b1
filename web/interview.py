"""Interviewer mode: staff fill the respondent's questionnaire during a call or a visit at
``/interview/{token}``, the same pages as the respondent's own link (``web.site``), answers
stored with channel phone or visit and the interviewer's name (``answers.interviewer``).

Staff sign in once per browser with an admin API key of role staff or admin (checked through
``storage.apikeys``, as the admin API does), their name and the channel; a signed, HttpOnly
cookie scoped to ``/interview`` then carries the key's id, the name and the channel, and every
request checks that the key is still live. The respondent's own link keeps working.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pagekit.fields import read_fields
from storage.apikeys import find_api_key
from storage.models import ApiKey
from survey.vocabulary import Channel
from web.rendering import page
from web.requests import language_hint, sessions_of
from web.site import TOKEN_SHAPE, Asking, FormSite, web_state

PREFIX = "/interview"
COOKIE = "csat_interviewer"
COOKIE_SCOPE = "interviewer-cookie"  # what the signer signs the cookie under
COOKIE_NONCE = "pass"
LOGIN_SCOPE = PREFIX + "/sign-in"
ROLES = ("staff", "admin")
CHANNELS = (Channel.PHONE, Channel.VISIT)
SESSION_SECONDS = 12 * 3600  # one working day; then the key is asked again
MAX_NAME = 120  # answers.interviewer
MAX_KEY = 200  # far longer than any key we make


@dataclass(frozen=True, slots=True)
class Pass:
    """What the cookie says: the key that signed in, the interviewer's name, the channel."""

    key_id: int
    name: str
    channel: Channel
    expires: int


def _encode(payload: Pass) -> str:
    body = json.dumps([payload.key_id, payload.name, payload.channel.value, payload.expires])
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def _decode(raw: str) -> Pass | None:
    try:
        body = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        key_id, name, channel, expires = json.loads(body)
        return Pass(int(key_id), str(name), Channel(channel), int(expires))
    except (ValueError, TypeError):
        return None


def issue(request: Request, payload: Pass) -> str:
    """The cookie's value: the pass and its signature."""
    body = _encode(payload)
    return f"{body}.{web_state(request.app).signer.sign(COOKIE_SCOPE, body, COOKIE_NONCE)}"


def read_pass(request: Request, value: str | None, now: float) -> Pass | None:
    """The pass of a cookie we signed that has not expired, else None."""
    if not value or "." not in value or len(value) > 1024:
        return None
    body, _, signature = value.rpartition(".")
    if not web_state(request.app).signer.valid(COOKIE_SCOPE, body, COOKIE_NONCE, signature):
        return None
    payload = _decode(body)
    if payload is None or payload.expires <= now or payload.channel not in CHANNELS:
        return None
    return payload


async def ask(request: Request, token: str) -> Asking | Response:
    """The interviewer of a request, or the sign-in page."""
    payload = read_pass(request, request.cookies.get(COOKIE), time.time())
    if payload is None:
        return sign_in_page(request, token, status=401)
    async with sessions_of(request)() as session:
        key = await session.get(ApiKey, payload.key_id)
    if key is None or key.revoked_at is not None or key.role not in ROLES:
        return sign_in_page(request, token, notice="key_refused", status=401)
    return Asking(payload.name, payload.channel)


INTERVIEW = FormSite(prefix=PREFIX, channel=Channel.PHONE, asker=ask)


def sign_in_page(
    request: Request,
    token: str,
    *,
    notice: str | None = None,
    status: int = 200,
    name: str = "",
    channel: Channel = Channel.PHONE,
) -> HTMLResponse:
    lang = language_hint(request)
    form = web_state(request.app).signer.new(LOGIN_SCOPE, token)
    return page(
        "sign_in.html",
        lang,
        status,
        action=f"{PREFIX}/{token}/sign-in",
        form=form,
        notice=notice,
        notice_values={},
        name=name,
        channel=channel.value,
        channels=[c.value for c in CHANNELS],
    )


def interview_router() -> APIRouter:
    """The sign-in route; the questionnaire's own routes come from ``web.site.survey_router``."""
    router = APIRouter(include_in_schema=False)

    @router.post(PREFIX + "/{token}/sign-in", response_class=HTMLResponse)
    async def sign_in(request: Request, token: str) -> Response:
        shared = web_state(request.app)
        client = request.client.host if request.client else "unknown"
        if shared.per_ip.take(client) or not TOKEN_SHAPE.fullmatch(token):
            return sign_in_page(request, token, notice="key_refused", status=429)
        fields = await read_fields(request) or {}
        name = " ".join(fields.get("name", "").split())
        try:
            channel = Channel(fields.get("channel", ""))
        except ValueError:
            channel = Channel.PHONE
        if not shared.signer.valid(LOGIN_SCOPE, token, fields.get("nonce"), fields.get("csrf")):
            return sign_in_page(request, token, notice="bad_form", status=403, name=name)
        if channel not in CHANNELS or not 1 <= len(name) <= MAX_NAME:
            return sign_in_page(request, token, notice="sign_in_incomplete", status=422,
                                name=name[:MAX_NAME], channel=Channel.PHONE)  # fmt: skip
        key = fields.get("api_key", "").strip()
        row = None
        if 0 < len(key) <= MAX_KEY:
            async with sessions_of(request)() as session, session.begin():
                row = await find_api_key(session, key)
        if row is None or row.role not in ROLES:
            return sign_in_page(request, token, notice="key_refused", status=401, name=name,
                                channel=channel)  # fmt: skip
        payload = Pass(row.id, name, channel, int(time.time()) + SESSION_SECONDS)
        response = RedirectResponse(f"{PREFIX}/{token}", status_code=303)
        response.set_cookie(
            COOKIE,
            issue(request, payload),
            max_age=SESSION_SECONDS,
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    return router
