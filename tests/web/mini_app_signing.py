"""initData as Telegram signs it, written here from Telegram's documented algorithm with
hmac/hashlib (never web.initdata's own functions), for the tests to check ours against."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import quote, urlencode

from storage.types import utcnow


def telegram_sign(fields: dict[str, str], token: str) -> str:
    """What Telegram does: the hash of the sorted key=value lines, keyed by the secret that is
    the bot token signed with "WebAppData"; the fields URL-encoded with the hash appended."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest}, quote_via=quote)


def init_data(
    token: str,
    user_id: int,
    first_name: str,
    *,
    language_code: str = "en",
    auth_date: datetime | None = None,
) -> str:
    """A Mini App's initData for ``user_id``, signed with bot ``token`` at ``auth_date``."""
    user = {"id": user_id, "first_name": first_name, "language_code": language_code}
    moment = auth_date or utcnow()
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(moment.timestamp())),
    }
    return telegram_sign(fields, token)


def launch_fragment(signed: str) -> str:
    """The URL fragment Telegram opens a Mini App with: the initData URL-encoded once more."""
    return "#" + urlencode({"tgWebAppData": signed, "tgWebAppVersion": "8.0"}, quote_via=quote)
