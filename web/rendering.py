"""Jinja2 over web/templates: HTML escaped, no template reads anything it is not given."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from survey.schema import SUPPORTED_LANGUAGES
from survey.texts import LANGUAGE_NAMES
from web.texts import w

STATIC_PATH = "/s/static"
# A page names its invitation's token, the credential: no cache keeps it, no referrer sends it.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

_ENVIRONMENT = Environment(
    loader=PackageLoader("web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a value a template needs and was not given is a bug, loudly
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, lang: str | None, **values: Any) -> str:
    """The page ``template`` in ``lang``; templates say ``w("key")`` for a phrase."""

    def phrase(key: str, **filled: Any) -> str:
        return w(key, lang, **filled)

    return _ENVIRONMENT.get_template(template).render(
        lang=lang or "en",
        w=phrase,
        language_names=LANGUAGE_NAMES,
        languages=SUPPORTED_LANGUAGES,
        static=STATIC_PATH,
        **values,
    )


def page(template: str, lang: str | None, status: int = 200, **values: Any) -> HTMLResponse:
    """``render`` as a response, with the headers every page of ours carries."""
    return HTMLResponse(render(template, lang, **values), status_code=status, headers=PAGE_HEADERS)


def message_page(lang: str | None, title: str, body: str, status: int) -> HTMLResponse:
    """A page that only says something (the phrase keys ``title`` and ``body``)."""
    return page("message.html", lang, status, title=title, body=body)
