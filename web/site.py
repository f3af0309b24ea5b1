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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pagekit.fields import read_fields
from survey import events as ev
from survey.errors import (
    CampaignClosed,
    InvitationError,
    InvitationExpired,
    TemporarilyUnavailable,
)
from survey.events import Refusal
from survey.flow import Progress
from survey.schema import SUPPORTED_LANGUAGES
from survey.settings import Settings
from survey.vocabulary import Channel
from surveying.service import Outcome, handle, request_number, visit
from web.csrf import Signer
from web.forms import Posted, Problem, progress_of, query_of, read
from web.limits import PER_IP, PER_TOKEN, Limiter
from web.pages import step_page
from web.rendering import message_page, page
from web.requests import is_preview, language_hint, sessions_of, wake_scheduler

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what storage.campaigns.new_token makes
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
            opening = not is_preview(request)
            outcome = await visit(
                sessions_of(request), token=token, progress=progress, opening=opening
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
                sessions_of(request),
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
            wake_scheduler(request)  # the staff alert goes now, not at the scheduler's next pass
        extra = {"submitted": "1"} if isinstance(outcome.event, ev.Submit) else {}
        return RedirectResponse(site.url(token, outcome.progress, **extra), status_code=303)

    return router


async def _gate(
    request: Request, site: FormSite, shared: WebState, token: str, *, post: bool
) -> Asking | Response | None:
    """The checks before any work: the rate limits, the token's shape, the asker. Returns who
    is interviewing (None for a respondent's own link) or the page refusing."""
    lang = language_hint(request)
    client = request.client.host if request.client else "unknown"
    wait = shared.per_ip.take(client)
    if not wait and post:
        wait = shared.per_token.take(token)
    if wait:
        refusal = page("too_many.html", lang, 429, seconds=wait, retry=str(request.url))
        refusal.headers["Retry-After"] = str(wait)
        return refusal
    if not TOKEN_SHAPE.fullmatch(token):
        return message_page(lang, "not_found_title", "invitation_not_found", 404)
    if site.asker is None:
        return None
    return await site.asker(request, token)


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
    outcome = await visit(sessions_of(request), token=token, progress=posted.progress)
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
    lang = outcome.state.language or language_hint(request)
    state = replace(outcome.state, language=lang)
    shown = step_page(outcome.survey, state, outcome.step, outcome.name, text=text,
                      submitted=submitted)  # fmt: skip
    form = web_state(request.app).signer.new(site.prefix, token)
    progress = outcome.progress
    return page(
        shown.template,
        lang,
        status,
        action=f"{site.prefix}/{token}",
        key=shown.key,
        hidden=query_of(progress),
        form=form,
        notice=notice,
        notice_values=notice_values,
        switch=_switch(site, token, progress),
        scripts=site.scripts,
        asking=asking,
        respondent=outcome.name,
        max_text=web_state(request.app).settings.max_text,
        **shown.values,
    )


def _switch(site: FormSite, token: str, progress: Progress) -> list[dict[str, str]]:
    """The language links: the same page in the other language."""
    return [
        {"code": code, "url": site.url(token, replace(progress, language=code))}
        for code in SUPPORTED_LANGUAGES
    ]


def _problem_page(
    request: Request, site: FormSite, token: str, progress: Progress, exc: Exception
) -> HTMLResponse:
    lang = progress.language or language_hint(request)
    if isinstance(exc, InvitationExpired):
        return message_page(lang, "expired_title", "expired_web", 410)
    if isinstance(exc, CampaignClosed):
        return message_page(lang, "closed_title", "closed_web", 410)
    if isinstance(exc, TemporarilyUnavailable):
        return message_page(lang, "unavailable_title", "unavailable_web", 503)
    return message_page(lang, "not_found_title", "invitation_not_found", 404)
