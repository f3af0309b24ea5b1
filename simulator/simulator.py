"""BotApiSimulator: the server, its state and the test-facing controls in one object."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

import uvicorn

from simulator.changes import Changes
from simulator.client import SimChat, SimUser
from simulator.control import ControlApi
from simulator.delivery import DEFAULT_WEBHOOK_TIMEOUT, Delivery, Intake, WebhookPusher
from simulator.errors import ApiError
from simulator.faults import Fault, FaultPlan
from simulator.limits import Clock, Limits, RateLimiter
from simulator.methods import Api
from simulator.page import page_routes
from simulator.recording import CallLog, RecordedCall
from simulator.server import ApiServer, EmbeddedServer, tracking_protocol
from simulator.state import JSON, Account, ChatType, SimState
from simulator.webapps import launch_url

DEFAULT_TOKEN = "123456:TEST-token"
DEFAULT_BOT_USERNAME = "csat_test_bot"
IDLE_QUIET_SECONDS = 0.1
# A long-polling bot calls getUpdates at least every poll timeout (PTB: 10 s by default).
BOT_SEEN_SECONDS = 60.0


class BotApiSimulator:
    """A local Telegram Bot API server with simulated users, limits and fault injection."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        limits: Limits | None = None,
        *,
        bot_first_name: str = "CSAT test bot",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = time.monotonic,
        webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT,
    ) -> None:
        self.token = token
        self.host, self.port = host, port
        bot = Account(int(token.split(":")[0]), bot_first_name, username=bot_username, is_bot=True)
        self._state = SimState(bot)
        self._faults = FaultPlan()
        self._api = Api(self._state, RateLimiter(limits or Limits(), clock), CallLog())
        routes = [*ControlApi(self).routes(), *page_routes()]
        self._server = ApiServer(self._api, self._faults, token, routes)
        self._pusher = WebhookPusher(self._state, webhook_timeout)
        self._users: dict[int, SimUser] = {}
        self._uvicorn: EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def api_root(self) -> str:
        """`http://127.0.0.1:PORT`; requests go to `<api_root>/bot<token>/<method>`."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What python-telegram-bot takes as `base_url` (it appends the token)."""
        return f"{self.api_root}/bot"

    @property
    def bot_id(self) -> int:
        """The bot's user id (the token's numeric part)."""
        return self._state.bot.id

    @property
    def bot_username(self) -> str:
        """The simulated bot's username, as in its deep links `https://t.me/<username>`."""
        return self._state.bot.username or ""

    @property
    def users(self) -> list[SimUser]:
        """Every simulated person, in order of creation."""
        return list(self._users.values())

    @property
    def groups(self) -> list[SimChat]:
        """Every group the bot is in, in order of creation."""
        chats = self._state.chats.values()
        return [SimChat(self._state, chat) for chat in chats if chat.user is None]

    def chat(self, chat_id: int) -> SimChat:
        """A private chat or group by id; LookupError if there is none."""
        chat = self._state.chats.get(chat_id)
        if chat is None:
            raise LookupError(f"no chat {chat_id}")
        return SimChat(self._state, chat)

    @property
    def changes(self) -> Changes:
        """The revision of everything a chat watcher sees, to long-poll on."""
        return self._state.changes

    @property
    def closing(self) -> bool:
        """True once `stop()` began: long polls should answer now."""
        return self._api.closing

    @property
    def bot_connected(self) -> bool:
        """A webhook is set, or the bot called the API within the last minute."""
        return bool(self._state.webhook.url) or self._api.calls.seen_within(BOT_SEEN_SECONDS)

    async def start(self, *, handle_signals: bool = False) -> None:
        """Serve on the configured host and port (0: a free port, then known via `port`)."""
        config = uvicorn.Config(
            self._server.app,
            host=self.host,
            port=self.port,
            http=tracking_protocol(self._server.transports),
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
            # Longer than httpx's 5 s keep-alive, so clients drop idle connections first and
            # never reuse one the server is closing (a spurious NetworkError in long runs).
            timeout_keep_alive=30,
        )
        self._uvicorn = EmbeddedServer(config, handle_signals=handle_signals)
        self._api.closing = False
        self._task = asyncio.create_task(self._uvicorn.serve())
        while not self._uvicorn.started:
            if self._task.done():
                await self._task  # re-raise why uvicorn did not start
                raise RuntimeError(f"the simulator could not listen on {self.host}:{self.port}")
            await asyncio.sleep(0.005)
        self.port = self._uvicorn.servers[0].sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        """Wait until the server stops (standalone use)."""
        if self._task is not None:
            await self._task

    async def stop(self) -> None:
        """End long polls, stop serving and close the webhook client."""
        self._api.closing = True
        self._state.updates.wake()
        self._state.changes.wake()
        if self._uvicorn is not None and self._task is not None:
            self._uvicorn.request_exit()
            await self._task
        self._uvicorn = self._task = None
        await self._pusher.close()

    async def __aenter__(self) -> BotApiSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimUser:
        """A person with a private chat (id == user id); an existing id returns the same user."""
        if user_id not in self._users:
            account = Account(user_id, first_name, last_name, username, language_code)
            self._state.add_user(account)
            self._users[user_id] = SimUser(self._state, account, self._deliver)
        return self._users[user_id]

    def open_web_app(self, user: SimUser, label: str, message_id: int | None = None) -> str:
        """What Telegram opens when ``user`` taps the Mini App button ``label`` on a message
        (the newest with a keyboard by default): its URL with initData signed for them."""
        message = user.chat.keyboard_message(message_id)
        url = message.web_app_url(label)
        if url is None:
            raise LookupError(f"button {label!r} on message {message.message_id} opens no Mini App")
        return launch_url(url, self.token, user.profile, self._state.now())

    def group(self, chat_id: int, title: str = "Group", chat_type: str | None = None) -> SimChat:
        """A group the bot is in; ids starting with -100 are supergroups unless told otherwise."""
        if chat_id >= 0:
            raise ValueError(f"group chat ids are negative, got {chat_id}")
        supergroup = str(chat_id).startswith("-100")
        chat_type = chat_type or (ChatType.SUPERGROUP if supergroup else ChatType.GROUP)
        return SimChat(self._state, self._state.add_group(chat_id, title, chat_type))

    def calls(
        self, method: str | None = None, chat_id: int | str | None = None
    ) -> list[RecordedCall]:
        """Recorded calls, optionally of one method (case-insensitive) and/or to one chat."""
        return self._api.calls.select(method, chat_id)

    def inject_error(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail with `status` and have no effect."""
        error = ApiError.for_status(status, description, retry_after)
        self._faults.add(method, Fault(error), times)

    def drop_connections(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` get their connection closed, no answer, no effect."""
        self._faults.add(method, Fault(None), times)

    @property
    def webhook_targets(self) -> list[str] | None:
        """URLs that receive updates round-robin instead of the webhook URL (load balancing)."""
        return self._pusher.targets

    @webhook_targets.setter
    def webhook_targets(self, targets: list[str] | None) -> None:
        self._pusher.targets = list(targets) if targets else None

    @property
    def intake(self) -> Intake:
        """Whether updates go to the webhook or wait for getUpdates."""
        return Intake.WEBHOOK if self._state.webhook.url else Intake.GET_UPDATES

    @property
    def webhook_url(self) -> str | None:
        """The URL set by setWebhook, or None in getUpdates mode."""
        return self._state.webhook.url or None

    @property
    def updates(self) -> list[JSON]:
        """Every update made so far, oldest first."""
        return list(self._state.updates.history.values())

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a getUpdates offset or a webhook's 2xx."""
        return list(self._state.updates.pending)

    async def redeliver_pending(self) -> list[Delivery]:
        """Push every pending update to the webhook again, oldest first."""
        return [await self._push(update) for update in list(self._state.updates.pending)]

    async def redeliver(self, update_id: int) -> Delivery:
        """Push an earlier update again, verbatim (as Telegram does when it got no 2xx)."""
        update = self._state.updates.history.get(update_id)
        if update is None:
            raise LookupError(f"no update {update_id}")
        return await self._push(update)

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until getUpdates confirmed every update and no call came for ~100 ms."""
        await self.wait_for(self._is_idle, timeout, what="the bot to go idle")

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 5.0, *, what: str = "the condition"
    ) -> None:
        """Poll `predicate` every 10 ms until it is truthy; TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.01)

    def _is_idle(self) -> bool:
        # With a webhook, deliveries were awaited already; what stays pending failed for good.
        polling = not self._state.webhook.url
        if polling and self._state.updates.pending:
            return False
        return self._api.calls.quiet_for() >= IDLE_QUIET_SECONDS

    async def _deliver(self, update: JSON) -> Delivery:
        return await self._touching(self._pusher.deliver(update))

    async def _push(self, update: JSON) -> Delivery:
        return await self._touching(self._pusher.push(update))

    async def _touching(self, delivery: Awaitable[Delivery]) -> Delivery:
        # A delivery's start and end both count as activity for wait_idle.
        self._api.calls.touch()
        try:
            return await delivery
        finally:
            self._api.calls.touch()
