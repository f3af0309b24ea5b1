"""A local Telegram Bot API simulator for tests, the demo and benchmarks.

It serves `<root>/bot<token>/<method>` over real HTTP with Telegram's JSON shapes, limits and
error wordings, records every call, pushes updates to a webhook or queues them for getUpdates,
and injects failures. It imports nothing else of ours.
"""

from simulator.client import Button, SimChat, SimMessage, SimUser
from simulator.delivery import SECRET_HEADER, Delivery
from simulator.errors import ApiError
from simulator.limits import (
    DEFAULT_CHAT_BURST,
    DEFAULT_CHAT_PER_SECOND,
    DEFAULT_GLOBAL_BURST,
    DEFAULT_GLOBAL_PER_SECOND,
    DEFAULT_GROUP_BURST,
    DEFAULT_GROUP_PER_MINUTE,
    Limits,
    RateLimiter,
    TokenBucket,
)
from simulator.recording import RecordedCall
from simulator.simulator import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN, BotApiSimulator

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_CHAT_BURST",
    "DEFAULT_CHAT_PER_SECOND",
    "DEFAULT_GLOBAL_BURST",
    "DEFAULT_GLOBAL_PER_SECOND",
    "DEFAULT_GROUP_BURST",
    "DEFAULT_GROUP_PER_MINUTE",
    "DEFAULT_TOKEN",
    "SECRET_HEADER",
    "ApiError",
    "BotApiSimulator",
    "Button",
    "Delivery",
    "Limits",
    "RateLimiter",
    "RecordedCall",
    "SimChat",
    "SimMessage",
    "SimUser",
    "TokenBucket",
]
