"""Form tokens: each rendered form carries a fresh nonce (a double or replayed POST of it is
stored once, as one request id) and a CSRF token that signs the nonce for this invitation and
this form's path, so a page of one invitation cannot post to another's."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from survey.settings import Settings

NONCE_BYTES = 16
MAX_NONCE_CHARS = 64  # a posted nonce longer than any we make is not one of ours


@dataclass(frozen=True, slots=True)
class FormToken:
    nonce: str
    csrf: str


class Signer:
    """Signs form nonces with ``settings.secret_key`` (unset: a key of this process only)."""

    def __init__(self, settings: Settings) -> None:
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        self._key = secret.encode() if secret else secrets.token_bytes(32)

    def sign(self, scope: str, token: str, nonce: str) -> str:
        message = f"{scope}\n{token}\n{nonce}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def new(self, scope: str, token: str) -> FormToken:
        """A nonce and its CSRF token for one rendered form."""
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        return FormToken(nonce, self.sign(scope, token, nonce))

    def valid(self, scope: str, token: str, nonce: str | None, csrf: str | None) -> bool:
        if not nonce or not csrf or len(nonce) > MAX_NONCE_CHARS:
            return False
        return hmac.compare_digest(self.sign(scope, token, nonce), csrf)
