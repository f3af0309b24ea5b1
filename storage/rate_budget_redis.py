"""The shared rate budget in Redis (``CSAT_RATE_BUDGET_URL=redis://host:port/db``): the same
windows as storage/rate_budget.py, each a sorted set of request tokens scored by when their
slot stops counting, taken and ended by Lua scripts (atomic, on Redis's clock).

An open slot scores ``now + FLIGHT + period``, an ended one ``end + period``: a score beyond
``now + period`` is therefore a request still in flight. Keys share one hash tag (the
namespace), so a take's windows stay in one slot of a Redis Cluster too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from redis.asyncio import Redis

from storage.rate_budget import FLIGHT, POLL, TAKEN, Verdict, Window

# KEYS: the windows; ARGV: token, flight, poll, then limit and period of each window.
# Returns {} when taken, else {wait (a string: Lua numbers would be truncated), key index}.
TAKE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local token, flight, poll = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local wait, full = 0, 0
for i, key in ipairs(KEYS) do
  local limit, period = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local first = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local score = tonumber(first[2])
    local w = score - now
    if score > now + period then w = poll end
    if w < poll then w = poll end
    if w > wait then wait, full = w, i end
  end
end
if full > 0 then return {tostring(wait), full} end
for i, key in ipairs(KEYS) do
  local period = tonumber(ARGV[3 + 2 * i])
  redis.call('ZADD', key, now + flight + period, token)
  redis.call('PEXPIRE', key, math.ceil((flight + period) * 1000) + 1000)
end
return {}
"""
# KEYS: the windows; ARGV: token, then the period of each window.
END: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[1 + i]), ARGV[1])
end
return 0
"""
ROOM: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
"""


class RedisBudget:
    """The shared budget in one Redis database."""

    def __init__(self, client: Redis, namespace: str) -> None:
        self._redis = client
        self._namespace = namespace
        self._take = client.register_script(TAKE)
        self._end = client.register_script(END)
        self._room = client.register_script(ROOM)

    @classmethod
    def from_url(cls, url: str, namespace: str) -> RedisBudget:
        return cls(Redis.from_url(url), namespace)

    def _keys(self, windows: Sequence[Window]) -> list[str]:
        return [f"csat:rate:{{{self._namespace}}}:{w.key}" for w in windows]

    async def take(self, windows: Sequence[Window], token: str) -> Verdict:
        args: list[Any] = [token, FLIGHT, POLL]
        for window in windows:
            args += [window.limit, window.period]
        answer = await self._take(keys=self._keys(windows), args=args)
        if not answer:
            return TAKEN
        wait, index = answer
        return Verdict(float(wait), windows[int(index) - 1].key)

    async def end(self, windows: Sequence[Window], token: str) -> None:
        await self._end(keys=self._keys(windows), args=[token, *(w.period for w in windows)])

    async def room(self, window: Window) -> int:
        used = await self._room(keys=self._keys([window]), args=[])
        return max(0, window.limit - int(used))

    async def close(self) -> None:
        await self._redis.aclose()
