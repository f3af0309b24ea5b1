"""The questionnaire's pages over HTTP: ``GET {prefix}/{token}`` shows the step to answer now,
``POST {prefix}/{token}`` answers it (through ``surveying.service``, as the chat does) and
redirects to the next one. A ``FormSite`` says which way in this is: the respondent's own link
(``/s``, channel web) or, reusing the same pages, an interviewer's (another prefix, channel and
a check of who is asking).

The channel keeps nothing in memory: the progress flags travel in the URL and in the form's
hidden fields, the answers are in the database, so any device resumes where the last left off.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException

from survey import events as ev
from survey.errors import (
    CampaignClosed,
    InvitationError,
    InvitationExpired,
    TemporarilyUnavailable,
)
from survey.events import Refusal
from survey.flow import Progress
from survey.settings import Settings
from survey.vocabulary import Channel
from surveying.service import Outcome, handle, request_number, visit
from web.csrf import Signer
from web.forms import Posted, Problem, progress_of, query_of, read
from web.limits import PER_IP, PER_TOKEN, Limiter
from web.pages import step_page
from web.rendering import accepted_language, render

# Link previews (Telegram's, WhatsApp's, …) fetch a link pasted in a chat: nobody opened it.
PREVIEW_AGENTS = re.compile(r"bot\b|crawler|spider|preview|facebookexternalhit|whatsapp", re.I)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what storage.campaigns.new_token makes
STATIC_PATH = "/s/static"
# A page names its invitation's token, the credential: no cache keeps it, no referrer sends it.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
REFUSAL_NOTICES = {Refusal.STALE: "stale_web", Refusal.FIRST_QUESTION: "first_question"}
PROBLEM_STATUS = {Problem.INCOMPLETE: 422, Problem.BAD_CHOICE: 422, Problem.EMPTY_TEXT: 422,
                  Problem.TOO_LONG: 422}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Asking:
    """Who fills the form on a respondent's behalf, and in which channel (phone, visit)."""

    interviewer: str
    channel: Channel


# Checks who is asking, for an interviewer's way in: who, or the page refusing (a sign-in).
Asker = Callable[[Request, str], Awaitable[Asking | Response]]


@dataclass(frozen=True, slots=True)
class FormSite:
    """One way into the questionnaire: its URL prefix, the channel its answers are stored
    with, and (interviewers) who may use it."""

    prefix: str
    channel: Channel
    asker: Asker | None = None
    scripts: tuple[str, ...] = ()  # of web/static, loaded by its pages (they only enhance)

    def url(self, token: str, progress: Progress, **extra: str) -> str:
        query = urlencode(query_of(progress, **extra))
        return f"{self.prefix}/{token}" + (f"?{query}" if query else "")


class WebState:
    """What the pages share in one process: the form signer and the rate limiters."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.signer = Signer(settings)
        self.per_token = Limiter(PER_TOKEN)
        self.per_ip = Limiter(PER_IP)


def web_state(app: FastAPI) -> WebState:
    state = getattr(app.state, "web", None)
    if state is None:
        state = app.state.web = WebState(app.state.settings)
    assert isinstance(state, WebState)
    return state


def survey_router(site: FormSite) -> APIRouter:
    """The GET and POST routes of ``site``'s pages."""
    router = APIRouter(include_in_schema=False)

    @router.get(site.prefix + "/{token}", response_class=HTMLResponse)
    async def show(request: Request, token: str) -> Response:
        shared = web_state(request.app)
        asking = await _gate(request, site, shared, token, post=False)
        if isinstance(asking, Response):
            return asking
        progress = progress_of(request.query_params)
        submitted = request.query_params.get("submitted") == "1"
        try:
            outcome = await visit(
                _sessions(request), token=token, progress=progress, opening=not _preview(request)
            )
        except (InvitationError, TemporarilyUnavailable) as exc:
            return _problem_page(request, site, token, progress, exc)
        return _step(request, site, token, outcome, submitted=submitted, asking=asking)

    @router.post(site.prefix + "/{token}", response_class=HTMLResponse)
    async def answer(request: Request, token: str) -> Response:
        shared = web_state(request.app)
        asking = await _gate(request, site, shared, token, post=True)
        if isinstance(asking, Response):
            return asking
        fields = await read_fields(request)
        posted = read(fields or {}, max_text=shared.settings.max_text)
        try:
            if fields is None or not shared.signer.valid(
                site.prefix, token, fields.get("nonce"), fields.get("csrf")
            ):
                return await _again(request, site, token, posted, "bad_form", 403, asking)
            if posted.problem is not None or posted.event is None:
                problem = posted.problem or Problem.INCOMPLETE
                status = PROBLEM_STATUS[problem]
                return await _again(request, site, token, posted, problem.value, status, asking)
            outcome = await handle(
                _sessions(request),
                request_id=request_number(site.channel, f"{token}:{fields['nonce']}"),
                token=token,
                progress=posted.progress,
                event=posted.event,
                channel=asking.channel if asking else site.channel,
                interviewer=asking.interviewer if asking else None,
            )
        except (InvitationError, TemporarilyUnavailable) as exc:
            return _problem_page(request, site, token, posted.progress, exc)
        if outcome is None:  # posted before (a double click, a replay): show where things are
            return RedirectResponse(site.url(token, posted.progress), status_code=303)
        if outcome.refused is not None:
            notice = REFUSAL_NOTICES.get(outcome.refused, "bad_form")
            return _step(request, site, token, outcome, notice=notice, status=409, asking=asking)
        if outcome.opened_tickets or outcome.alerts_due:
            _wake(request)  # the staff alert goes out now, not at the scheduler's next pass
        extra = {"submitted": "1"} if isinstance(outcome.event, ev.Submit) else {}
        return RedirectResponse(site.url(token, outcome.progress, **extra), status_code=303)

    return router


async def _gate(
    request: Request, site: FormSite, shared: WebState, token: str, *, post: bool
) -> Asking | Response | None:
    """The checks before any work: the rate limits, the token's shape, the asker. Returns who
    is interviewing (None for a respondent's own link) or the page refusing."""
    lang = _hint(request)
    client = request.client.host if request.client else "unknown"
    wait = shared.per_ip.take(client)
    if not wait and post:
        wait = shared.per_token.take(token)
    if wait:
        html = render("too_many.html", lang, seconds=wait, retry=str(request.url), **_chrome())
        headers = {**PAGE_HEADERS, "Retry-After": str(wait)}
        return HTMLResponse(html, status_code=429, headers=headers)
    if not TOKEN_SHAPE.fullmatch(token):
        return _message(lang, "not_found_title", "invitation_not_found", 404)
    if site.asker is None:
        return None
    return await site.asker(request, token)


async def read_fields(request: Request) -> dict[str, str] | None:
    """The posted fields (a file or a repeated field: the first text value), None when the
    body is not a form at all."""
    try:
        form = await request.form()
    except (HTTPException, ValueError, KeyError, AssertionError):  # a body it cannot read
        return None
    fields: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, value)
    return fields


async def _again(
    request: Request,
    site: FormSite,
    token: str,
    posted: Posted,
    notice: str,
    status: int,
    asking: Asking | None,
) -> Response:
    """The page as it is now, with what went wrong and nothing stored."""
    outcome = await visit(_sessions(request), token=token, progress=posted.progress)
    limit = web_state(request.app).settings.max_text
    length = len((await read_fields(request) or {}).get("text", "").strip())
    return _step(
        request, site, token, outcome, notice=notice, status=status, text=posted.text,
        asking=asking, limit=limit, length=length,
    )  # fmt: skip


def _step(
    request: Request,
    site: FormSite,
    token: str,
    outcome: Outcome,
    *,
    notice: str | None = None,
    status: int = 200,
    text: str | None = None,
    submitted: bool = False,
    asking: Asking | None = None,
    **notice_values: Any,
) -> HTMLResponse:
    lang = outcome.state.language or _hint(request)
    state = replace(outcome.state, language=lang)
    page = step_page(outcome.survey, state, outcome.step, outcome.name, text=text,
                     submitted=submitted)  # fmt: skip
    form = web_state(request.app).signer.new(site.prefix, token)
    progress = outcome.progress
    html = render(
        page.template,
        lang,
        action=f"{site.prefix}/{token}",
        key=page.key,
        hidden=query_of(progress),
        form=form,
        notice=notice,
        notice_values=notice_values,
        switch=_switch(site, token, progress),
        scripts=site.scripts,
        asking=asking,
        respondent=outcome.name,
        max_text=web_state(request.app).settings.max_text,
        **page.values,
        **_chrome(),
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def _switch(site: FormSite, token: str, progress: Progress) -> list[dict[str, str]]:
    """The language links: the same page in the other language."""
    return [
        {"code": code, "url": site.url(token, replace(progress, language=code))}
        for code in ("zh-CN", "en")
    ]


def _problem_page(
    request: Request, site: FormSite, token: str, progress: Progress, exc: Exception
) -> HTMLResponse:
    lang = progress.language or _hint(request)
    if isinstance(exc, InvitationExpired):
        return _message(lang, "expired_title", "expired_web", 410)
    if isinstance(exc, CampaignClosed):
        return _message(lang, "closed_title", "closed_web", 410)
    if isinstance(exc, TemporarilyUnavailable):
        return _message(lang, "unavailable_title", "unavailable_web", 503)
    return _message(lang, "not_found_title", "invitation_not_found", 404)


def _message(lang: str | None, title: str, body: str, status: int) -> HTMLResponse:
    html = render("message.html", lang, title=title, body=body, **_chrome())
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def _chrome() -> dict[str, Any]:
    return {"static": STATIC_PATH}


def _hint(request: Request) -> str | None:
    query: Mapping[str, str] = request.query_params
    lang = query.get("lang")
    if lang in ("zh-CN", "en"):
        return lang
    return accepted_language(request.headers.get("accept-language"))


def _preview(request: Request) -> bool:
    return bool(PREVIEW_AGENTS.search(request.headers.get("user-agent", "")))


def _sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


def _wake(request: Request) -> None:
    wake = getattr(request.app.state, "wake_scheduler", None)
    if wake is not None:
        wake()
