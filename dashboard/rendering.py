"""Jinja2 over dashboard/templates, and the page responses: HTML escaped, the security headers
on every page, the language (``?lang=``, then the language cookie, then Accept-Language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from dashboard import formatting
from dashboard.signing import COOKIE_PATH, CSRF_FIELD, LANG_COOKIE, Signed
from dashboard.texts import t
from dashboard.words import department_word, role_word
from pagekit.languages import accepted_language
from survey.schema import SUPPORTED_LANGUAGES
from survey.texts import LANGUAGE_NAMES

PREFIX: Final = "/dashboard"
STATIC_PATH: Final = PREFIX + "/static"
DEFAULT_LANGUAGE: Final = "zh-CN"
LANG_COOKIE_SECONDS: Final = 365 * 24 * 3600
# Pages name customers and their comments: no cache keeps them, no referrer leaks a path, no
# other site frames them; charts are inline SVG (their <style> needs inline styles).
PAGE_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}

_ENVIRONMENT = Environment(
    loader=PackageLoader("dashboard", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a value a template needs and was not given is a bug, loudly
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.globals.update(
    percent=formatting.percent,
    number=formatting.number,
    change=formatting.change,
    show=formatting.show,
    interval=formatting.interval,
    shift=formatting.shift,
)


def asked_language(request: Request) -> str | None:
    """``?lang=`` when it names one of our languages."""
    lang = request.query_params.get("lang")
    return lang if lang in SUPPORTED_LANGUAGES else None


def language_of(request: Request) -> str:
    remembered = request.cookies.get(LANG_COOKIE)
    if (lang := asked_language(request)) is not None:
        return lang
    if remembered in SUPPORTED_LANGUAGES:
        return remembered
    return accepted_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


def signed_of(request: Request) -> Signed | None:
    """Who the request's dependencies found signed in (``dashboard.deps``), if anyone."""
    signed = getattr(request.state, "signed", None)
    return signed if isinstance(signed, Signed) else None


def csrf_input(signed: Signed | None) -> Markup:
    """The hidden CSRF field for a form of this session (empty when nobody is signed in)."""
    if signed is None:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, signed.csrf)


def render_text(request: Request, template: str, context: Mapping[str, Any] | None = None) -> str:
    lang = language_of(request)
    signed = signed_of(request)

    def phrase(key: str, /, **filled: Any) -> str:
        return t(key, lang, **filled)

    def phrase_around(key: str, /, **markup: Any) -> Markup:
        """A phrase with markup (a macro's output) in its gaps, where the language puts them:
        "较上期 −40.0 pp" but "−40.0 pp vs previous"; other values are escaped."""
        return Markup(escape(t(key, lang))).format(**markup)

    switch = [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": str(request.url.include_query_params(lang=code)),
        }
        for code in SUPPORTED_LANGUAGES
    ]
    values: dict[str, Any] = {
        "lang": lang,
        "t": phrase,
        "t_around": phrase_around,
        "role_word": lambda code: role_word(code, lang),
        "department_word": lambda code: department_word(code, lang),
        "signed": signed,
        "csrf_field": csrf_input(signed),
        "static": STATIC_PATH,
        "prefix": PREFIX,
        "switch": switch,
        "nav": None,
        "scripts": (),
        "here": request.url.path,
    }
    values.update(context or {})
    return _ENVIRONMENT.get_template(template).render(**values)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """The page ``template`` (which extends base.html) for this request, with our headers; a
    ``?lang=`` choice is remembered in a cookie."""
    response = HTMLResponse(
        render_text(request, template, context), status_code=status, headers=PAGE_HEADERS
    )
    if (lang := asked_language(request)) is not None:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=LANG_COOKIE_SECONDS,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


def message_page(
    request: Request, title: str, body: str, *, status: int, **values: Any
) -> HTMLResponse:
    """A page that only says something: the phrase keys ``title`` and ``body`` (filled with
    ``values``), and a link back to the campaigns."""
    return render(
        request,
        "message.html",
        {"title_key": title, "body_key": body, "body_values": values},
        status=status,
    )
