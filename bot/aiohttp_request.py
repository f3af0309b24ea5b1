"""The bot's Bot API calls over aiohttp, at most a few on the wire at once, the rest in turn.

PTB's own request class goes through httpx, which costs about 1.1 ms of CPU per call here
against 0.09 ms for aiohttp on the same local server (C parsers, a simpler pool); an answer
makes three calls, so that was a third of the CPU of each answer (bench/conversation.py).
A call waits for its turn in a FIFO semaphore before it reaches the connection pool, so the
pool never holds a queue of its own: calls to a local or nearby Bot API take milliseconds,
so a few connections carry hundreds a second.

PTB's timeouts map onto aiohttp's: ``pool`` + ``connect`` bound getting a connection (aiohttp
counts the wait for a free one in ``connect``), ``connect`` the TCP/TLS handshake and ``read``
each read of the answer. aiohttp has no write timeout; a request body here is a few KB, or a
file upload bounded by ``read`` once it is sent.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import Any, Final
from urllib.parse import urlencode

import aiohttp
import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_API_CONNECTIONS: Final = 16
GET_UPDATES_CONNECTIONS: Final = 1  # one long poll at a time
# PTB's defaults (telegram/request/_httpxrequest.py)
READ_TIMEOUT: Final = 5.0
CONNECT_TIMEOUT: Final = 5.0
POOL_TIMEOUT: Final = 1.0


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default context (certifi's CA bundle, or SSL_CERT_FILE), made once: building
    one loads the whole CA bundle (about 45 ms of CPU), and a process makes several clients."""
    return httpx.create_ssl_context()


def _given(value: object, default: float | None) -> float | None:
    """A timeout PTB passed, or ours where it passed its ``DEFAULT_NONE`` marker."""
    if value is BaseRequest.DEFAULT_NONE or not (value is None or isinstance(value, int | float)):
        return default
    return None if value is None else float(value)


class AiohttpRequest(BaseRequest):
    """A PTB request over ``connections`` pooled aiohttp connections, as many calls at once."""

    def __init__(
        self,
        connections: int = BOT_API_CONNECTIONS,
        *,
        read_timeout: float | None = READ_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
    ) -> None:
        self.connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._slots = asyncio.Semaphore(connections)
        self._session: aiohttp.ClientSession | None = None
        default = BaseRequest.DEFAULT_NONE
        self._defaults = self._timeout(default, default, default)  # what nearly every call uses

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        # made here, not in __init__: an aiohttp session belongs to the running event loop
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, ssl=tls_context())
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(self, read: object, connect: object, pool: object) -> aiohttp.ClientTimeout:
        connect_s = _given(connect, self._connect_timeout)
        pool_s = _given(pool, self._pool_timeout)
        acquire = None if connect_s is None or pool_s is None else connect_s + pool_s
        return aiohttp.ClientTimeout(
            total=None,
            connect=acquire,
            sock_connect=connect_s,
            sock_read=_given(read, self._read_timeout),
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        given = (read_timeout, connect_timeout, pool_timeout)
        default = BaseRequest.DEFAULT_NONE
        timeout = self._defaults if all(t is default for t in given) else self._timeout(*given)
        body, headers = _body(request_data)
        try:
            async with (
                self._slots,
                self._session.request(
                    method, url, data=body, headers=headers, timeout=timeout
                ) as response,
            ):
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


FORM: Final = {"Content-Type": "application/x-www-form-urlencoded"}


def _body(request_data: RequestData | None) -> tuple[bytes | aiohttp.FormData | None, Any]:
    """The body and its headers: parameters form-encoded, their values JSON as PTB encodes
    them; with files, multipart. The form is encoded here, as bytes: aiohttp's FormData
    would build a multipart writer for every call only to urlencode the fields."""
    if request_data is None:
        return None, None
    files = request_data.multipart_data
    if not files:
        fields = request_data.json_parameters
        return (urlencode(fields).encode(), FORM) if fields else (None, None)
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form, None


def bot_request(*, get_updates: bool = False) -> AiohttpRequest:
    """The request for the bot's calls, or for its one getUpdates long poll at a time."""
    return AiohttpRequest(GET_UPDATES_CONNECTIONS if get_updates else BOT_API_CONNECTIONS)
