"""Limits hold across processes: three worker processes (forked, as gunicorn's are) share one
per-key rate limit, and a key revoked in one process is refused by the others on their next
request. PostgreSQL only: the processes need a database they can all open."""

import multiprocessing
import time

import pytest
from django.db import connection, connections
from django.test import Client

from minsheng.cases.models import Case
from minsheng.open311.tests.helpers import post
from minsheng.org.access import api_client_for
from minsheng.org.actions import do_create_api_client, do_revoke_api_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="forked processes need a server database"),
]


def _worker(key: str, count: int, results) -> None:
    connections.close_all()  # never the parent's socket
    client = Client()
    statuses = [post(client, key).status_code for _ in range(count)]
    connections.close_all()
    results.put(statuses)


def run_processes(key: str, processes: int, each: int) -> list[int]:
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_worker, args=(key, each, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    statuses = [status for _ in workers for status in results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=30)
    return statuses


def _not_at_a_minutes_end() -> None:
    """Counts are per clock minute: start well inside one, so all requests share a window."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


def test_three_processes_share_one_rate_limit(people, catalogue):
    _client, key = do_create_api_client("12345热线", region=people.city, requests_per_minute=30, actor=None)
    _not_at_a_minutes_end()
    statuses = run_processes(key, processes=3, each=20)
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == 30 and statuses.count(429) == 30
    assert Case.objects.count() == 30


def test_a_revoked_key_is_refused_by_every_process_at_once(people, catalogue):
    api_client, key = do_create_api_client("12345热线", region=people.city, actor=None)
    assert run_processes(key, processes=2, each=2) == [200] * 4
    # The processes about to be forked remember the client as active, as long-running ones would.
    assert api_client_for(key) == api_client
    do_revoke_api_client(api_client, actor=None)
    assert run_processes(key, processes=3, each=1) == [403] * 3
    assert Case.objects.count() == 4
