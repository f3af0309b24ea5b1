"""One TLS context for every HTTP client of the process.

httpx builds a new ``ssl.SSLContext`` for each client it makes, loading the whole CA bundle
each time (about 45 ms of CPU here); a process that starts the bot and talks to the Bot API
makes four of them (the bot's request pools, ``csat webhook set``). A context is safe to share.
"""

from __future__ import annotations

import functools
import ssl

import httpx
from telegram.request import HTTPXRequest

# PTB's own defaults (telegram/ext/_applicationbuilder.py): 256 connections for the bot's
# calls, 1 for getUpdates (one long poll at a time).
CONNECTIONS = 256
GET_UPDATES_CONNECTIONS = 1


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default context (certifi's CA bundle, or SSL_CERT_FILE), made once."""
    return httpx.create_ssl_context()


def bot_request(*, get_updates: bool = False) -> HTTPXRequest:
    """A PTB request pool as PTB would make it, on the process's TLS context."""
    return HTTPXRequest(
        connection_pool_size=GET_UPDATES_CONNECTIONS if get_updates else CONNECTIONS,
        httpx_kwargs={"verify": tls_context()},
    )
