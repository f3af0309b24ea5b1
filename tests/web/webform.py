"""A respondent on the web survey without a browser: httpx against the real app, reading each
page's form (hidden fields, buttons) with the standard library's HTML parser and pressing its
buttons as a browser with JavaScript off would post them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

VOID_TAGS = {"input", "br", "meta", "link"}


@dataclass
class Button:
    name: str
    value: str
    text: str = ""
    pressed: bool = False


@dataclass
class Form:
    action: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    textarea: str | None = None  # its text, when the page has one


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form: Form | None = None
        self._button: Button | None = None
        self._in_textarea = False
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("style", "script", "title"):
            self._skip += 1
        if tag == "form":
            self.form = Form(action=a.get("action", ""))
        elif tag == "input" and a.get("type") == "hidden" and self.form is not None:
            self.form.hidden[a["name"]] = a.get("value", "")
        elif tag == "button" and self.form is not None:
            pressed = a.get("aria-pressed") == "true"
            self._button = Button(a.get("name", ""), a.get("value", ""), pressed=pressed)
        elif tag == "textarea" and self.form is not None:
            self.form.textarea = ""
            self._in_textarea = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._skip -= 1
        if tag == "button" and self._button is not None and self.form is not None:
            self._button.text = " ".join(self._button.text.split())
            self.form.buttons.append(self._button)
            self._button = None
        elif tag == "textarea":
            self._in_textarea = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._button is not None:
            self._button.text += data
        if self._in_textarea and self.form is not None:
            self.form.textarea = (self.form.textarea or "") + data


@dataclass
class Page:
    response: httpx.Response
    form: Form | None
    text: str  # the page's visible words, whitespace folded

    @property
    def status(self) -> int:
        return self.response.status_code

    def button(self, starts: str) -> Button:
        """The button whose words start with ``starts`` (``2`` for "2 · Dissatisfied")."""
        assert self.form is not None, self.text
        found = [b for b in self.form.buttons if b.text.startswith(starts)]
        assert found, f"no button {starts!r} among {[b.text for b in self.form.buttons]}"
        return found[0]

    def labels(self) -> list[str]:
        return [b.text for b in self.form.buttons] if self.form else []

    def has(self, words: str) -> bool:
        return words in self.text


def read_page(response: httpx.Response) -> Page:
    reader = _Reader()
    reader.feed(response.text)
    text = re.sub(r"\s+", " ", " ".join(reader.text)).strip()
    return Page(response, reader.form, text)


class WebRespondent:
    """Opens a link and presses buttons; ``page`` is the page shown now."""

    def __init__(self, client: httpx.AsyncClient, token: str, **headers: str) -> None:
        self.client, self.token, self.headers = client, token, headers
        self.page: Page | None = None

    async def open(self, query: str = "") -> Page:
        url = f"/s/{self.token}" + (f"?{query}" if query else "")
        self.page = read_page(await self.client.get(url, headers=self.headers))
        return self.page

    async def post(self, fields: dict[str, str]) -> Page:
        """Post fields as they are (the test forges them), following the redirect."""
        assert self.page is not None and self.page.form is not None
        response = await self.client.post(
            self.page.form.action, data=fields, headers=self.headers, follow_redirects=True
        )
        self.page = read_page(response)
        return self.page

    def fields(self, button: Button, text: str | None = None) -> dict[str, str]:
        """What the browser posts for a press of ``button`` on the page shown."""
        assert self.page is not None and self.page.form is not None
        fields = dict(self.page.form.hidden)
        fields[button.name] = button.value
        if self.page.form.textarea is not None:
            fields["text"] = self.page.form.textarea if text is None else text
        return fields

    async def press(self, starts: str, text: str | None = None) -> Page:
        assert self.page is not None
        return await self.post(self.fields(self.page.button(starts), text))
