"""Requests counted in fixed windows in the cache every process shares, and callers blocked
outright (a revoked API key) until the block lapses.

On Redis (django-redis) a hit is one pipelined round trip: SET the window's counter to 0 if it
is new (with its expiry), INCR it, and read the caller's block flag. That is all the Open311 intake path can afford per
request (django-ratelimit's add-then-increment costs two round trips and about half a
millisecond of CPU there). On the database cache the counter is added, then incremented
under a row lock (core/cache.py). If the cache cannot be reached the request counts as over
the limit: limits fail closed.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger("minsheng.ratelimit")


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends
    blocked: bool = False

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def exhausted(self) -> bool:
        """No attempt left in this window (for limits that count failures only)."""
        return self.count >= self.limit


def _block_key(group: str, value: str) -> str:
    return f"rl:block:{group}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def _window_key(group: str, value: str, period: int) -> tuple[str, int]:
    now = int(time.time())
    end = now - now % period + period
    digest = hashlib.sha256(f"{group}\n{value}\n{end}".encode()).hexdigest()[:40]
    return f"rl:{group}:{digest}", end - now


def _redis(shared):
    """The raw Redis client behind a django-redis cache, or None for other backends."""
    client = getattr(shared, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client else None


def hit(group: str, value: str, *, limit: int, period: int) -> Usage:
    """Count one more request of `value` in `group`'s current window."""
    key, retry_after = _window_key(group, value, period)
    block_key = _block_key(group, value)
    ttl = retry_after + 5
    try:
        redis = _redis(cache)
        if redis is not None:
            full_key = cache.make_key(key)
            pipeline = redis.pipeline(transaction=False)
            pipeline.set(full_key, 0, ex=ttl, nx=True)
            pipeline.incr(full_key)
            pipeline.exists(cache.make_key(block_key))
            _created, count, blocked = pipeline.execute()
        else:
            cache.add(key, 0, ttl)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, ttl)
                count = 1
            blocked = cache.get(block_key) is not None
    except Exception:  # the shared cache is down: refuse rather than count nothing
        logger.exception("rate limit %s: the shared cache cannot be reached", group)
        return Usage(limit + 1, limit, retry_after)
    return Usage(int(count), limit, retry_after, blocked=bool(blocked))


def block(group: str, value: str, *, seconds: int) -> None:
    """Refuse `value` in `group` for the next `seconds`, in every process, from its next hit."""
    redis = _redis(cache)
    if redis is not None:
        redis.set(cache.make_key(_block_key(group, value)), 1, ex=seconds)
    else:
        cache.set(_block_key(group, value), 1, seconds)


def peek(group: str, value: str, *, limit: int, period: int) -> Usage:
    """The current window's count, without adding to it."""
    key, retry_after = _window_key(group, value, period)
    try:
        redis = _redis(cache)
        count = redis.get(cache.make_key(key)) if redis is not None else cache.get(key)
    except Exception:
        logger.exception("rate limit %s: the shared cache cannot be reached", group)
        return Usage(limit, limit, retry_after)
    return Usage(int(count or 0), limit, retry_after)
