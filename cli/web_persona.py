"""A demo respondent on the web form: opens their web link over HTTP and answers as a browser
with JavaScript off would, posting each page's form (its hidden fields: the flags, the nonce
and the CSRF token) with the button pressed. The choices are the chat personas' (``personas``),
so the seed decides the answers whichever channel asks."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

from cli.personas import (
    Persona,
    choose_causes,
    choose_comment,
    choose_level,
    choose_nps,
    choose_what_happened,
)
from survey.flow import COMMENT_CURSOR

MAX_STEPS = 200  # a survey never needs this many presses; guards against a loop
MAX_WAITS = 20  # "too many requests" and "try again shortly" pages waited out
TRY_AGAIN = (429, 503)  # the rate limit; the database busy for a moment
# As a phone's browser says it: the page comes in the respondent's language.
ACCEPT_LANGUAGE = {"zh-CN": "zh-CN,zh;q=0.9", "en": "en"}


@dataclass
class WebForm:
    """The form of a survey page: where it posts, its hidden fields, its buttons' ``do``
    values in page order, and whether it has a text field."""

    action: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    presses: list[str] = field(default_factory=list)
    has_text: bool = False

    @property
    def key(self) -> str:
        return self.hidden.get("key", "")

    def verbs(self, verb: str) -> list[str]:
        """The buttons that post ``verb`` (``level`` → ``level:5``, …, ``level:na``)."""
        return [do for do in self.presses if do.partition(":")[0] == verb]


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form: WebForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = WebForm(action=a.get("action", ""))
        elif self.form is None:
            return
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.form.hidden[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name") == "do":
            self.form.presses.append(a.get("value", ""))
        elif tag == "textarea":
            self.form.has_text = True


def read_form(html: str) -> WebForm | None:
    """The page's form, None for a page without one (the thank-you page, a refusal)."""
    reader = _FormReader()
    reader.feed(html)
    return reader.form


class WebAnswerer:
    """One respondent's browser at their web link; ``address`` is where they are on the
    internet, as the reverse proxy in front of the app forwards it (``X-Forwarded-For``,
    which uvicorn takes from a local proxy): each person has their own, as they would."""

    def __init__(
        self, client: httpx.AsyncClient, link: str, persona: Persona, address: str
    ) -> None:
        self.client = client
        self.headers = {
            "Accept-Language": ACCEPT_LANGUAGE[persona.language],
            "X-Forwarded-For": address,
        }
        self.url = httpx.URL(link)  # of the page shown now

    async def _send(
        self, method: str, url: httpx.URL, fields: dict[str, str] | None
    ) -> httpx.Response:
        """The response to the request; a "too many requests" or "try again shortly" one
        (nothing was stored) is waited out and the request sent again, as a person would."""
        for _ in range(MAX_WAITS):
            response = await self.client.request(method, url, data=fields, headers=self.headers)
            if response.status_code not in TRY_AGAIN:
                return response
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        raise RuntimeError(f"{method} {url}: still refused after {MAX_WAITS} tries")

    async def _show(self, url: httpx.URL) -> WebForm | None:
        response = await self._send("GET", url, None)
        self.url = response.url
        return read_form(response.text)

    async def open(self) -> WebForm | None:
        return await self._show(self.url)

    async def press(self, form: WebForm, do: str, text: str | None = None) -> WebForm | None:
        """Post the form with the button ``do`` pressed (and ``text`` typed); the next page.
        Its redirect is followed by hand: a refused GET must not post the answer again."""
        fields = form.hidden | {"do": do} | ({"text": text} if text is not None else {})
        response = await self._send("POST", self.url.join(form.action), fields)
        if response.is_redirect:
            return await self._show(self.url.join(response.headers["location"]))
        self.url = response.url
        return read_form(response.text)

    @property
    def thanked(self) -> bool:
        """The page shown is the thank-you page of a submitted survey."""
        return bool(self.url.params.get("submitted") == "1")


async def answer_on_web(
    client: httpx.AsyncClient, link: str, persona: Persona, rng: random.Random, address: str
) -> str:
    """Open the web link from ``address`` and answer until submitted or the persona leaves;
    returns the outcome ("completed", "partial", or "stuck" when a page was not one the form
    shows)."""
    browser = WebAnswerer(client, link, persona, address)
    form = await browser.open()
    answered = 0
    for _ in range(MAX_STEPS):
        if form is None:
            return "stuck"
        text: str | None = None
        if languages := form.verbs("language"):
            wanted = f"language:{persona.language}"
            do = wanted if wanted in languages else languages[0]
        elif form.verbs("begin"):
            do = "begin"
        elif form.verbs("level"):
            if persona.stop_after is not None and answered >= persona.stop_after:
                return "partial"
            level = choose_level(persona, rng)
            do = f"level:{'na' if level is None else level}"
            answered += 1
        elif causes := form.verbs("toggle"):
            for index in choose_causes(len(causes), rng):
                form = await browser.press(form, causes[index])
                if form is None or not form.verbs("causes_done"):
                    return "stuck"
            do = "causes_done"
        elif form.verbs("nps"):
            nps = choose_nps(persona, rng)
            do = "skip" if nps is None else f"nps:{nps}"
        elif form.has_text:
            words = (
                choose_comment(persona, rng)
                if form.key == COMMENT_CURSOR
                else choose_what_happened(persona, rng)
            )
            do, text = ("skip", None) if words is None else ("text", words)
        elif form.verbs("submit"):
            await browser.press(form, "submit")
            return "completed" if browser.thanked else "stuck"
        else:
            return "stuck"
        form = await browser.press(form, do, text)
    return "stuck"
