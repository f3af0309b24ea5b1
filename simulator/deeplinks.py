"""Deep links `https://t.me/<bot>?start=<payload>`: what Telegram does when one is opened.

Opening a deep link sends `/start <payload>` to the bot from the person who opened it; the
payload is at most 64 characters of `A-Za-z0-9_-`, as Telegram allows.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_WEB_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog", "www.t.me"})

NOT_A_LINK = "{link!r} is not a bot link: paste one like https://t.me/{bot}?start=TOKEN"
NO_START = "the link opens @{bot} but has no start=TOKEN; paste the invitation's whole link"
BAD_PAYLOAD = "the start token must be 1–64 characters of A–Z, a–z, 0–9, _ and -; got {payload!r}"
OTHER_BOT = (
    "this link is for @{other}, but the simulated bot is @{bot}: "
    "start the simulator with --bot-username {other}"
)


class DeepLinkError(ValueError):
    """A pasted link that does not open the simulated bot with a start payload."""


def start_payload(link: str, bot_username: str) -> str:
    """The payload of a deep link to `bot_username` (a bare payload is taken as is)."""
    link = link.strip()
    if _PAYLOAD.fullmatch(link):
        return link
    target, payload = _parse(link, bot_username)
    if target.lower() != bot_username.lower():
        raise DeepLinkError(OTHER_BOT.format(other=target, bot=bot_username))
    if payload is None:
        raise DeepLinkError(NO_START.format(bot=bot_username))
    if not _PAYLOAD.fullmatch(payload):
        raise DeepLinkError(BAD_PAYLOAD.format(payload=payload))
    return payload


def deep_link(bot_username: str, payload: str) -> str:
    """The link Telegram's clients open for `payload`."""
    return f"https://t.me/{bot_username}?start={payload}"


def _parse(link: str, bot_username: str) -> tuple[str, str | None]:
    """(bot username, start payload or None) of a t.me, telegram.me or tg:// link."""
    # "t.me/bot?start=…" is how people often paste it
    parts = urlsplit(link if "://" in link else f"https://{link}")
    query = parse_qs(parts.query, keep_blank_values=True)
    start = query.get("start", [None])[0]
    if parts.scheme == "tg" and parts.netloc == "resolve" and query.get("domain"):
        return query["domain"][0], start
    path = parts.path.strip("/")
    web = parts.scheme in ("http", "https") and parts.netloc.lower() in _WEB_HOSTS
    if web and path and "/" not in path:
        return path, start
    raise DeepLinkError(NOT_A_LINK.format(link=link, bot=bot_username))
