"""The dashboard's session cookie and CSRF tokens, signed with itsdangerous under
``settings.secret_key`` (unset: a key of this process only, so a restart signs everyone out).

The cookie carries only the API key's id, a random session id and its signing time; the key's
name and role are read from the database on every request, so a revoked key's session stops at
its next request and a changed role shows at once. A form's CSRF token is the signature of the
session id: a page of one session cannot post for another."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Final

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer
from pydantic import SecretStr

from survey.vocabulary import ApiKeyRole

COOKIE: Final = "csat_dashboard"
SIGN_IN_COOKIE: Final = "csat_dashboard_sign_in"  # the sign-in form's own CSRF nonce
LANG_COOKIE: Final = "csat_dashboard_lang"
COOKIE_PATH: Final = "/dashboard"
SESSION_SECONDS: Final = 8 * 3600  # a working day; then the key is asked again
SIGN_IN_SECONDS: Final = 3600  # how long a sign-in form stays good
MAX_COOKIE: Final = 1024  # far longer than any cookie we sign
CSRF_FIELD: Final = "csrf"  # the hidden field every dashboard form posts


@dataclass(frozen=True, slots=True)
class Signed:
    """Who is signed in: the API key's id, name and role, and this session's CSRF token."""

    key_id: int
    name: str
    role: ApiKeyRole
    csrf: str

    def may(self, needed: ApiKeyRole) -> bool:
        return needed.admits(self.role)

    @property
    def is_staff(self) -> bool:
        """Staff or admin: works tickets, sees the links to hand on."""
        return self.may(ApiKeyRole.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.may(ApiKeyRole.ADMIN)


@dataclass(frozen=True, slots=True)
class Session:
    """What a valid cookie says."""

    key_id: int
    session_id: str


class Signatures:
    """Signs and reads the session cookie and the CSRF tokens."""

    def __init__(self, secret_key: SecretStr | None) -> None:
        secret = secret_key.get_secret_value() if secret_key else ""
        secret = secret or secrets.token_urlsafe(32)
        self._cookies = URLSafeTimedSerializer(secret, salt="csat-dashboard-session")
        self._sign_in = URLSafeTimedSerializer(secret, salt="csat-dashboard-sign-in")
        self._csrf = Signer(secret, salt="csat-dashboard-csrf")

    def new_session(self, key_id: int) -> tuple[str, Session]:
        """A fresh session for ``key_id`` and the cookie value that carries it."""
        session = Session(key_id, secrets.token_urlsafe(16))
        return self._cookies.dumps([session.key_id, session.session_id]), session

    def read_session(self, value: str | None, *, max_age: int = SESSION_SECONDS) -> Session | None:
        """The session of a cookie we signed less than ``max_age`` seconds ago, else None."""
        if not value or len(value) > MAX_COOKIE:
            return None
        try:
            key_id, session_id = self._cookies.loads(value, max_age=max_age)
            return Session(int(key_id), str(session_id))
        except (BadSignature, ValueError, TypeError):  # tampered, expired or not ours
            return None

    def csrf_token(self, session_id: str) -> str:
        return self._csrf.get_signature(session_id).decode()

    def csrf_valid(self, session_id: str, posted: str | None) -> bool:
        if not posted or len(posted) > MAX_COOKIE:
            return False
        return hmac.compare_digest(self.csrf_token(session_id), posted)

    def new_sign_in(self) -> tuple[str, str]:
        """The sign-in form's cookie value (a signed, timed nonce) and its CSRF token."""
        nonce = secrets.token_urlsafe(16)
        return self._sign_in.dumps(nonce), self.csrf_token("sign-in:" + nonce)

    def sign_in_valid(self, cookie: str | None, posted: str | None) -> bool:
        if not cookie or len(cookie) > MAX_COOKIE:
            return False
        try:
            nonce = self._sign_in.loads(cookie, max_age=SIGN_IN_SECONDS)
        except BadSignature:
            return False
        return isinstance(nonce, str) and self.csrf_valid("sign-in:" + nonce, posted)
