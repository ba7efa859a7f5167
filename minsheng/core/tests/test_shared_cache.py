"""The embedded shared cache (the database) counts exactly when two connections increment at
once, and an increment keeps the counter's expiry, so a window's count ends with the window."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from minsheng.core.cache import DatabaseCache


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = {**settings.CACHES, "counting": {"BACKEND": "minsheng.core.cache.DatabaseCache", "LOCATION": "minsheng_cache"}}
    call_command("createcachetable", "minsheng_cache", verbosity=0)  # present unless REDIS_URL is set
    yield caches["counting"]


def test_the_default_cache_is_shared_not_per_process(settings):
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in ("minsheng.core.cache.DatabaseCache", "django_redis.cache.RedisCache")
    assert (backend == "django_redis.cache.RedisCache") == bool(settings.REDIS_URL)


def test_an_increment_keeps_the_expiry(database_cache):
    assert isinstance(database_cache, DatabaseCache)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        database_cache.add("counter", 0, 60)
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert database_cache.incr("counter") == 1  # Django's own would restart a 300 s expiry here
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert database_cache.get("counter") is None
        with pytest.raises(ValueError):
            database_cache.incr("counter")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need a server database")
def test_two_connections_incrementing_at_once_lose_no_count(database_cache):
    database_cache.set("hits", 0, 600)
    barrier = threading.Barrier(2)

    def hammer():
        barrier.wait()
        for _ in range(100):
            database_cache.incr("hits")
        connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert database_cache.get("hits") == 200
    cache.clear()


@pytest.mark.django_db
def test_hits_are_counted_per_window_and_a_peek_counts_nothing():
    from minsheng.core import ratelimit

    for expected in (1, 2, 3):
        assert ratelimit.hit("test", "client-1", limit=2, period=60).count == expected
    assert ratelimit.peek("test", "client-1", limit=2, period=60).count == 3
    assert ratelimit.hit("test", "client-1", limit=2, period=60).exceeded
    assert ratelimit.hit("test", "client-2", limit=2, period=60).count == 1  # its own counter
    usage = ratelimit.peek("test", "client-1", limit=2, period=60)
    assert 0 < usage.retry_after <= 60


@pytest.mark.django_db
def test_a_cache_that_cannot_be_reached_refuses_rather_than_counts_nothing(monkeypatch):
    from minsheng.core import ratelimit

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_redis", unreachable)
    assert ratelimit.hit("test", "client-1", limit=100, period=60).exceeded
    assert ratelimit.peek("test", "client-1", limit=100, period=60).exhausted


@pytest.mark.django_db
def test_permits_taken_in_batches_never_add_up_to_more_than_the_limit():
    from minsheng.core import ratelimit

    granted = 0
    for _process in range(10):  # each process starts with no permits of its own
        ratelimit.forget_permits()
        for _request in range(7):
            if not ratelimit.hit("test", "busy", limit=20, period=60, batch=5).exceeded:
                granted += 1
    # Permits a process took but never used are lost to the window, never added to it.
    assert 10 <= granted <= 20
    assert ratelimit.batch_for(30) == 1 and ratelimit.batch_for(600) == 6 and ratelimit.batch_for(10**8) == 100
