"""A client that did not hear the answer sends again with the same Idempotency-Key and gets
the first answer, not a second case; the same key with other content is a 409."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client

from minsheng.cases.models import Case
from minsheng.core.idempotency import purge_expired
from minsheng.core.models import IdempotencyKey
from minsheng.open311.tests.helpers import NOW, post

pytestmark = pytest.mark.django_db


def test_the_same_request_sent_twice_makes_one_case(client, catalogue, key):
    first = post(client, key, HTTP_IDEMPOTENCY_KEY="6f1c2d8e-retry-1")
    second = post(client, key, HTTP_IDEMPOTENCY_KEY="6f1c2d8e-retry-1")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    # The XML twin of a JSON request is another request: another key is expected.
    assert post(client, key, fmt="xml", HTTP_IDEMPOTENCY_KEY="6f1c2d8e-retry-1").status_code == 409


def test_the_key_may_travel_as_a_form_field(client, catalogue, key):
    first = post(client, key, idempotency_key="hotline-778-1")
    second = post(client, key, idempotency_key="hotline-778-1")
    assert json.loads(second.content) == json.loads(first.content) and Case.objects.count() == 1


def test_the_same_key_with_other_content_is_a_409_error_array(client, catalogue, key):
    post(client, key, HTTP_IDEMPOTENCY_KEY="k-1")
    response = post(client, key, description="另一件事", HTTP_IDEMPOTENCY_KEY="k-1")
    body = response.json()
    assert response.status_code == 409 and body[0]["code"] == 409 and "Idempotency-Key" in body[0]["description"]
    assert Case.objects.count() == 1


def test_a_refused_request_keeps_nothing_and_may_be_corrected_under_the_same_key(client, catalogue, key):
    refused = post(client, key, phone="110", HTTP_IDEMPOTENCY_KEY="k-2")
    assert refused.status_code == 400 and not IdempotencyKey.objects.exists()
    assert post(client, key, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 200
    assert Case.objects.count() == 1


@pytest.mark.parametrize("bad", ["带中文的键", "x" * 256, "a b"])
def test_a_malformed_key_is_a_400(client, catalogue, key, bad):
    response = post(client, key, idempotency_key=bad)
    assert response.status_code == 400 and "idempotency_key" in response.json()[0]["description"]
    assert not Case.objects.exists()


def test_keys_live_a_day(client, catalogue, key, _setup):
    post(client, key, HTTP_IDEMPOTENCY_KEY="k-3")
    _setup.move_to(NOW + timedelta(hours=25))
    assert post(client, key, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 200
    assert Case.objects.count() == 2
    _setup.move_to(NOW + timedelta(hours=50))
    assert purge_expired() == 1 and not IdempotencyKey.objects.exists()


def test_keys_of_different_clients_do_not_meet(client, people, catalogue, key):
    from minsheng.org.actions import do_create_api_client

    _other, other_key = do_create_api_client("市民App", region=people.hukou, actor=None)
    post(client, key, HTTP_IDEMPOTENCY_KEY="shared-1")
    assert post(client, other_key, HTTP_IDEMPOTENCY_KEY="shared-1").status_code == 200
    assert Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need a server database")
def test_two_copies_at_the_same_moment_make_one_case(catalogue, key):
    barrier = threading.Barrier(2)
    answers = []

    def send():
        barrier.wait()
        answers.append(post(Client(), key, HTTP_IDEMPOTENCY_KEY="same-moment"))
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].content == answers[1].content
    assert Case.objects.count() == 1
