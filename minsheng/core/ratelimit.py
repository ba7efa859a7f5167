"""Requests counted in fixed windows in the cache every process shares.

The count lives in the shared cache, so a limit holds across every process: the total a window
grants never exceeds the limit. A process takes permits from it in batches (`reserve`): one
round trip to Redis grants it up to `batch` requests of the window, which it then hands out
without asking again. With batch 1 (the default) every request is one round trip and the
count is exact; a busy caller with a high limit (another system filing hundreds of requests a
minute) reserves 1 % of its limit at a time, so the intake path pays a round trip per hundred
requests rather than one each, and at most 1 % per process of a window may go unused.

On Redis (django-redis) a reservation is one pipelined SET NX (the window's counter, with its
expiry) and INCRBY. On the database cache it is an add and an increment under a row lock
(core/cache.py). If the cache cannot be reached, nothing is granted: limits fail closed.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger("minsheng.ratelimit")
MAX_BATCH = 100

_permits: dict[str, int] = {}  # this process's unspent permits, by window key
_lock = threading.Lock()


@dataclass(frozen=True)
class Usage:
    count: int  # granted in this window so far, as far as this process knows
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def exhausted(self) -> bool:
        """No attempt left in this window (for limits that count failures only)."""
        return self.count >= self.limit


def batch_for(limit: int) -> int:
    """Permits to take at a time for a limit: 1 % of it, between 1 and MAX_BATCH."""
    return max(1, min(MAX_BATCH, limit // 100))


def _window_key(group: str, value: str, period: int) -> tuple[str, int]:
    now = int(time.time())
    end = now - now % period + period
    digest = hashlib.sha256(f"{group}\n{value}\n{end}".encode()).hexdigest()[:40]
    return f"rl:{group}:{end}:{digest}", end - now


def _redis(shared):
    """The raw Redis client behind a django-redis cache, or None for other backends."""
    client = getattr(shared, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client else None


def _add(key: str, amount: int, ttl: int) -> int:
    """Add `amount` to the window's shared counter; the new total."""
    redis = _redis(cache)
    if redis is not None:
        full_key = cache.make_key(key)
        pipeline = redis.pipeline(transaction=False)
        pipeline.set(full_key, 0, ex=ttl, nx=True)
        pipeline.incrby(full_key, amount)
        _created, total = pipeline.execute()
        return int(total)
    cache.add(key, 0, ttl)
    try:
        return int(cache.incr(key, amount))
    except ValueError:  # expired between the two calls
        cache.set(key, amount, ttl)
        return amount


def hit(group: str, value: str, *, limit: int, period: int, batch: int = 1) -> Usage:
    """Count one more request of `value` in `group`'s current window."""
    key, retry_after = _window_key(group, value, period)
    with _lock:
        if _permits.get(key, 0) > 0:
            _permits[key] -= 1
            return Usage(limit, limit, retry_after)  # within a batch already granted
    try:
        total = _add(key, batch, retry_after + 5)
    except Exception:  # the shared cache is down: refuse rather than count nothing
        logger.exception("rate limit %s: the shared cache cannot be reached", group)
        return Usage(limit + 1, limit, retry_after)
    granted = max(0, min(batch, limit - (total - batch)))
    if granted == 0:
        return Usage(total, limit, retry_after)
    if granted > 1:
        with _lock:
            now = time.time()
            for stale in [k for k in _permits if int(k.split(":")[2]) < now]:
                del _permits[stale]
            _permits[key] = _permits.get(key, 0) + granted - 1
    return Usage(total - batch + 1, limit, retry_after)


def refund(group: str, value: str, *, period: int) -> None:
    """Take back one hit of an exact (batch 1) counter: a request counted before its outcome
    was known turned out not to count (a lookup with the right code)."""
    key, retry_after = _window_key(group, value, period)
    try:
        _add(key, -1, retry_after + 5)
    except Exception:
        logger.exception("rate limit %s: the shared cache cannot be reached", group)


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


def forget_permits() -> None:
    """Drop this process's unspent permits (tests)."""
    with _lock:
        _permits.clear()
