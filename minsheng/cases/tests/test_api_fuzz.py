"""A bounded schemathesis run against /api/v1/'s own OpenAPI document: whatever it sends,
no 5xx, no status code the document does not list, and every body matches its schema."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from minsheng.cases.models import State
from minsheng.testing import case_in_state
from minsheng.org.actions import do_create_access_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema():
    from minsheng.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


# The OpenAPI document needs no database: it is built from the routes at collection time.
schema = _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: the WSGI calls must not close the connection that holds the
    test's transaction (Django drops a connection left outside autocommit at request end)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(people):
    """A supervisor's token, with cases in several states to find."""
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        for state in (State.REGISTERED, State.DISPATCHED, State.HANDLING, State.CLOSED):
            case_in_state(people, state)
    _row, secret = do_create_access_token(people.liu, "fuzz", actor=None)
    return secret


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.django_db
def test_the_api_answers_every_request_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
