"""A built report and what pages drew from it, as bytes the database keeps
(storage/report_snapshots.py).

The payload is a pickle, signed with HMAC-SHA256 under ``settings.secret_key`` (without one,
a key of this process only: snapshots then serve this process, and another's are rebuilt):
a row that was not written by this deployment is never unpickled."""

from __future__ import annotations

import hashlib
import hmac
import pickle
import secrets
from typing import Any, Final

from pydantic import SecretStr

MAC_BYTES: Final = 32  # SHA-256


class ReportSeal:
    """Signs payloads on the way into the database and checks them on the way out."""

    def __init__(self, secret_key: SecretStr | None) -> None:
        secret = secret_key.get_secret_value() if secret_key else ""
        self._key = hashlib.sha256(
            b"csat-report-snapshot:" + (secret.encode() or secrets.token_bytes(32))
        ).digest()

    def seal(self, value: Any) -> bytes:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return hmac.new(self._key, body, hashlib.sha256).digest() + body

    def open(self, payload: bytes) -> Any | None:
        """The value sealed in ``payload``; None when it was not sealed with this key or no
        longer unpickles (a release with other classes)."""
        mac, body = payload[:MAC_BYTES], payload[MAC_BYTES:]
        expected = hmac.new(self._key, body, hashlib.sha256).digest()
        if len(payload) <= MAC_BYTES or not hmac.compare_digest(mac, expected):
            return None
        try:
            return pickle.loads(body)  # signed by this deployment: checked above
        except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError):
            return None
