"""Opening a Mini App (a ``web_app`` button) as Telegram's client does: the button's URL with
the launch parameters in its fragment, ``#tgWebAppData=<initData>&tgWebAppVersion=…``, where
initData names the person and is signed with the bot's token as Telegram documents it
(secret = HMAC-SHA256(key="WebAppData", msg=token); hash = hex HMAC-SHA256 of the sorted
``key=value`` lines under that secret)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from simulator.state import JSON

WEB_APP_VERSION = "8.0"
PLATFORM = "simulator"
USER_FIELDS = ("id", "first_name", "last_name", "username", "language_code")


def init_data(bot_token: str, user: JSON, auth_date: int) -> str:
    """The signed, URL-encoded initData of ``user`` (a Telegram ``User`` object)."""
    person = {key: user[key] for key in USER_FIELDS if user.get(key) is not None}
    fields = {
        "query_id": secrets.token_urlsafe(18),
        "user": json.dumps(person, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(auth_date),
    }
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields, quote_via=quote)


def launch_url(url: str, bot_token: str, user: JSON, auth_date: int) -> str:
    """``url`` as the Mini App is opened: its fragment replaced by the launch parameters."""
    launch = urlencode(
        {
            "tgWebAppData": init_data(bot_token, user, auth_date),
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": PLATFORM,
        },
        quote_via=quote,
    )
    return urlunsplit(urlsplit(url)._replace(fragment=launch))
