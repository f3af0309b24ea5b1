"""The HTTP face of the simulator: `<root>/bot<token>/<method>` answered as Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Iterator, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from simulator.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from simulator.faults import FaultPlan
from simulator.methods import CANONICAL_NAMES, METHODS, Api, Described
from simulator.params import Params, read_params
from simulator.recording import RecordedCall

# Telegram answers 401 to a well-formed but wrong token and 404 to anything else.
_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")

Transports = dict[tuple[str, int], asyncio.Transport]


def tracking_protocol(transports: Transports) -> type[H11Protocol]:
    """uvicorn's h11 protocol, remembering each connection's transport by client address."""

    class TrackingH11Protocol(H11Protocol):
        """Lets the app find, and abort, the socket a request came in on."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if self.client:
                transports[self.client] = transport

        def connection_lost(self, exc: Exception | None) -> None:
            if self.client:
                transports.pop(self.client, None)
            super().connection_lost(exc)

    return TrackingH11Protocol


class DroppedConnection(Response):
    """Aborts the socket and answers nothing, so the client sees a real network error."""

    def __init__(self, transports: Transports) -> None:
        super().__init__()
        self._transports = transports

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        transport = self._transports.get((client[0], client[1])) if client else None
        if transport is None:
            raise RuntimeError(f"cannot drop the connection from {client}: not an h11 connection")
        transport.abort()
        # Returning only after uvicorn saw the disconnect keeps it from sending a 500.
        while (await receive())["type"] != "http.disconnect":
            pass


class EmbeddedServer(uvicorn.Server):
    """uvicorn that stops at once when asked and leaves signals to the host program if told."""

    def __init__(self, config: uvicorn.Config, *, handle_signals: bool) -> None:
        super().__init__(config)
        self._handle_signals = handle_signals
        self._exit = asyncio.Event()

    def request_exit(self) -> None:
        """Stop serving; wakes the main loop instead of waiting for its next 100 ms tick."""
        self.should_exit = True
        self._exit.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Under pytest or `csat demo` Ctrl-C belongs to the host program, not to uvicorn.
        if self._handle_signals:
            with super().capture_signals():
                yield
        else:
            yield

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exit.wait(), 0.1)


class ApiServer:
    """A Starlette app serving the Bot API methods over an `Api` state, and `routes` beside
    them (the control API and the chat page)."""

    def __init__(
        self, api: Api, faults: FaultPlan, token: str, routes: Sequence[BaseRoute] = ()
    ) -> None:
        self.api = api
        self.faults = faults
        self.token = token
        self.transports: Transports = {}
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                *routes,
                Route("/{path:path}", _not_found, methods=["GET", "POST"]),
            ]
        )

    async def _endpoint(self, request: Request) -> Response:
        token, name = request.path_params["token"], request.path_params["method"]
        if token != self.token:
            if _TOKEN_SHAPE.fullmatch(token):
                return _error_response(ApiError(UNAUTHORIZED, 401))
            return _error_response(ApiError(NOT_FOUND, 404))
        method = CANONICAL_NAMES.get(name.lower(), name)
        arrived = time.time()
        params: Params = {}
        self.api.calls.begin(method)
        try:
            params = await read_params(request)
            fault = self.faults.take(method)
            if fault is not None and fault.error is None:
                self._record(method, params, arrived, ok=False, error_code=None)
                return DroppedConnection(self.transports)
            if fault is not None and fault.error is not None:
                raise fault.error
            handler = METHODS.get(method)
            if handler is None:
                raise ApiError(NOT_FOUND, 404)
            result = await handler(self.api, params)
        except ApiError as error:
            self._record(method, params, arrived, ok=False, error_code=error.error_code)
            return _error_response(error)
        except Exception:
            self._record(method, params, arrived, ok=False, error_code=500)
            raise
        self._record(method, params, arrived, ok=True, error_code=None)
        if isinstance(result, Described):
            return JSONResponse(
                {"ok": True, "result": result.result, "description": result.description}
            )
        return JSONResponse({"ok": True, "result": result})

    def _record(
        self, method: str, params: Params, arrived: float, *, ok: bool, error_code: int | None
    ) -> None:
        self.api.calls.end(RecordedCall(method, params, ok, error_code, arrived))


async def _not_found(request: Request) -> Response:
    return _error_response(ApiError(NOT_FOUND, 404))


def _error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.to_json(), status_code=error.error_code)
