"""The survey as a Telegram Mini App: ``POST /s/{token}/telegram`` binds the web form to the
Telegram user whose signed ``initData`` the page read from its URL fragment.

Telegram opens the invitation's ``web_app`` button at ``/s/{token}#tgWebAppData=…``: the web
form's own page, with ``static/mini_app.js`` (ours; Telegram's telegram-web-app.js is never
loaded) posting the fragment here. The binding is the chat's rule
(``storage.campaigns.open_invitation``): an invitation another Telegram account opened is
refused. The form then goes on as for any browser: answers are in the database, so chat and
form continue where the other left off. Answers are JSON, with a message in the page's
language for the script to show (``page_says_so``: the page shows that state itself).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pagekit.fields import read_fields
from storage.campaigns import open_invitation
from storage.engine import is_transient, transaction
from storage.types import utcnow
from survey.errors import (
    CampaignClosed,
    InvitationCompleted,
    InvitationError,
    InvitationExpired,
    InvitationInUse,
    TemporarilyUnavailable,
)
from survey.settings import Settings
from web.initdata import InitDataRefused, MiniAppUser, validate
from web.site import TOKEN_SHAPE, web_state
from web.texts import w

PATH = "/s/{token}/telegram"
FALLBACK = "en"
MAX_FIELD_CHARS = 8192  # initData is a few hundred characters; the body limit is the app's

# The Mini App's own phrases; the rest are the form's (web.texts), so both say the same.
TEXTS: dict[str, dict[str, str]] = {
    "bound": {
        "zh-CN": "您正以 Telegram 账号「{name}」作答。",
        "en": "You are answering as {name} (Telegram).",
    },
    "not_confirmed": {
        "zh-CN": "无法确认您的 Telegram 账号。请从与机器人的对话中重新打开此表单。",
        "en": "We could not confirm your Telegram account. Please open this form again "
        "from the chat with the bot.",
    },
    "in_use": {
        "zh-CN": "此邀请已由另一个 Telegram 账号作答。如有疑问，请联系邀请您的人。",
        "en": "This invitation is already being answered from another Telegram account. "
        "If this is unexpected, please contact whoever invited you.",
    },
    "no_mini_app": {
        "zh-CN": "此服务未启用 Telegram 小程序。请直接使用表单。",
        "en": "The Telegram Mini App is not enabled here. Please use the form directly.",
    },
}

# What each refusal answers: (status, message key). Order matters: subclasses first.
REFUSALS: tuple[tuple[type[Exception], int, str], ...] = (
    (InvitationInUse, 409, "in_use"),
    (InvitationCompleted, 409, "completed_web"),
    (CampaignClosed, 410, "closed_web"),
    (InvitationExpired, 410, "expired_web"),
    (InvitationError, 404, "invitation_not_found"),
    (TemporarilyUnavailable, 503, "unavailable_web"),
)

# Refusals the form's page shows by itself already (its own page for that state): the script
# need not repeat them.
PAGE_SAYS_SO = frozenset({"completed_web", "closed_web", "expired_web", "invitation_not_found"})

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the Mini App's binding route (the page and its script are the web form's)."""
    app.include_router(router)


def phrase(key: str, lang: str | None, **values: str) -> str:
    """A Mini App phrase, else the form's, in ``lang`` (falling back to English)."""
    if key not in TEXTS:
        return w(key, lang, **values)
    variants = TEXTS[key]
    return variants.get(lang or FALLBACK, variants[FALLBACK]).format(**values)


@router.post(PATH)
async def bind(request: Request, token: str) -> JSONResponse:
    """Validate the posted initData and bind the invitation to its Telegram user."""
    fields = await _fields(request)
    lang = fields.get("lang") if fields.get("lang") in TEXTS["bound"] else None
    # The form's own limits (per address, per invitation): a binding is a write like an answer.
    shared = web_state(request.app)
    client = request.client.host if request.client else "unknown"
    if wait := shared.per_ip.take(client) or shared.per_token.take(token):
        refusal = _refusal(429, "too_many", lang, reason="too_many_requests", seconds=str(wait))
        refusal.headers["Retry-After"] = str(wait)
        return refusal
    if not TOKEN_SHAPE.fullmatch(token):  # no invitation has such a token: no database work
        return _refusal(404, "invitation_not_found", lang, reason="invitation_not_found")
    settings: Settings = request.app.state.settings
    if not settings.token:  # no bot, so no Mini App of ours could have signed anything
        return _refusal(403, "no_mini_app", lang, reason="no_bot")
    try:
        user = validate(fields.get("init_data", ""), settings.token, now=utcnow())
    except InitDataRefused as refused:
        return _refusal(403, "not_confirmed", lang, reason=refused.problem.value)
    try:
        await _bind(request.app.state.sessions, token, user)
    except (InvitationError, TemporarilyUnavailable) as exc:
        status, key = next((s, k) for kind, s, k in REFUSALS if isinstance(exc, kind))
        return _refusal(status, key, lang, reason=_code(exc), page_says_so=key in PAGE_SAYS_SO)
    message = phrase("bound", lang or _language(user), name=user.first_name)
    return JSONResponse({"bound": True, "user_id": user.id, "message": message})


async def _bind(sessions: async_sessionmaker[AsyncSession], token: str, user: MiniAppUser) -> None:
    try:
        async with transaction(sessions) as session:
            await open_invitation(session, token, user.id)
    except (SQLAlchemyError, ConnectionError, TimeoutError) as error:
        if is_transient(error):  # a fail-over or a lock: the page asks to try again
            raise TemporarilyUnavailable(str(error)) from error
        raise


async def _fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (a body the parser cannot read has none), each at most
    MAX_FIELD_CHARS long."""
    fields = await read_fields(request) or {}
    return {name: value for name, value in fields.items() if len(value) <= MAX_FIELD_CHARS}


def _refusal(
    status: int,
    key: str,
    lang: str | None,
    *,
    reason: str,
    page_says_so: bool = False,
    **values: str,
) -> JSONResponse:
    message = phrase(key, lang, **values)
    body: dict[str, Any] = {
        "bound": False,
        "reason": reason,
        "message": message,
        "page_says_so": page_says_so,
    }
    return JSONResponse(body, status_code=status)


def _code(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) else "temporarily_unavailable"


def _language(user: MiniAppUser) -> str:
    """Telegram's language code (``zh-hans``, ``en-GB``) as one of ours."""
    return "zh-CN" if (user.language_code or "").lower().startswith("zh") else FALLBACK
