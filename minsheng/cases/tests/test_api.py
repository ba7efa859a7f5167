"""The JSON API as the workbench's scripts and the hotline's agent desktop use it."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.models import EventKind, State
from minsheng.testing import bearer, case_in_state, register

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, url, auth, payload=None):
    return client.post(url, json.dumps(payload or {}), content_type="application/json", **auth)


def test_the_full_path_through_the_api(client, people):
    case, _ = register(people)
    liu, huang = bearer(people.liu), bearer(people.huang)
    assert post(client, f"/api/v1/cases/{case.pk}/accept", liu).status_code == 200
    response = post(client, f"/api/v1/cases/{case.pk}/dispatch", liu, {"department_id": people.hukou_housing.pk})
    assert response.status_code == 200 and response.json()["lead_department"] == "湖口县住建局"
    inbox = client.get("/api/v1/inbox?tab=to_sign", **huang).json()
    assert [c["number"] for c in inbox["cases"]] == [case.number]
    detail = post(client, f"/api/v1/cases/{case.pk}/sign", huang).json()
    assert detail["state"] == State.HANDLING and "close" in detail["available_actions"]
    assert detail["requester_phone"] == "138****1234"
    response = post(client, f"/api/v1/cases/{case.pk}/close", huang, {"result": "solved", "text": ""})
    assert response.status_code == 400 and response.json() == {"detail": "请填写办理情况。", "field": "text"}
    closed = post(client, f"/api/v1/cases/{case.pk}/close", huang, {"result": "solved", "text": "已办结"}).json()
    assert closed["state"] == State.CLOSED
    rated = post(client, f"/api/v1/cases/{case.pk}/callback", liu, {"rating": "satisfied"}).json()
    assert rated["state"] == State.ARCHIVED
    kinds = [e["kind"] for e in client.get(f"/api/v1/cases/{case.pk}/timeline", **liu).json()]
    assert kinds == [EventKind.REGISTERED, EventKind.ACCEPTED, EventKind.DISPATCHED, EventKind.SIGNED, EventKind.CLOSED, EventKind.RATED]


def test_chinese_is_sent_unescaped(client, people):
    case, _ = register(people)
    raw = client.get(f"/api/v1/cases/{case.pk}", **bearer(people.liu)).content.decode()
    assert "加装电梯审批两个月未办结" in raw and "\\u" not in raw


def test_the_same_permission_rules_as_the_pages(client, people):
    case = case_in_state(people, State.DISPATCHED)
    wu = bearer(people.wu)
    assert client.get(f"/api/v1/cases/{case.pk}", **wu).status_code == 404
    assert post(client, f"/api/v1/cases/{case.pk}/sign", wu).status_code == 404
    response = post(client, f"/api/v1/cases/{case.pk}/accept", bearer(people.liu))
    assert response.status_code == 409 and "不能受理" in response.json()["detail"]
    response = post(client, f"/api/v1/cases/{case.pk}/close", bearer(people.huang), {"result": "solved", "text": "x"})
    assert response.status_code == 409


def test_no_or_a_wrong_token_is_401(client, people):
    assert client.get("/api/v1/inbox").status_code == 401
    response = client.get("/api/v1/inbox", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401 and "访问令牌" in response.json()["detail"]


def test_a_logged_in_session_reads_too(client, people):
    case_in_state(people, State.DISPATCHED)
    client.force_login(people.huang)
    assert client.get("/api/v1/inbox").json()["tab"] == "to_sign"


def test_malformed_input_is_a_400_naming_the_parameter(client, people):
    case = case_in_state(people, State.ACCEPTED)
    response = post(client, f"/api/v1/cases/{case.pk}/dispatch", bearer(people.liu), {"department_id": "住建局"})
    assert response.status_code == 400 and response.json()["field"] == "department_id"
    response = client.get("/api/v1/inbox?tab=nonsense", **bearer(people.liu))
    assert response.status_code == 400 and response.json()["field"] == "tab"


def test_the_public_board_needs_no_login(client, people):
    assert client.get("/api/v1/board").status_code == 404  # no lists yet
    from minsheng.testing import make_item, make_pledge_list

    make_item(make_pledge_list(people.city), people.city_housing)
    body = client.get("/api/v1/board").json()
    assert body["headline"] == "市县两级共制定实事清单1项，已完成0项；其中市本级1项，已完成0项"


def test_the_openapi_document_documents_every_status(client):
    spec = client.get("/api/v1/openapi.json").json()
    close = spec["paths"]["/api/v1/cases/{case_id}/close"]["post"]["responses"]
    # 413 and 414 are the input guard's answers, before any route runs.
    assert set(close) == {"200", "400", "401", "403", "404", "409", "413", "414"}
    assert client.get("/api/v1/docs").status_code == 200


def test_a_retried_note_with_its_idempotency_key_is_written_once(client, people):
    case = case_in_state(people, State.HANDLING)
    huang = bearer(people.huang) | {"HTTP_IDEMPOTENCY_KEY": "note-2026-11-23-1"}
    first = post(client, f"/api/v1/cases/{case.pk}/notes", huang, {"text": "已联系诉求人"})
    again = post(client, f"/api/v1/cases/{case.pk}/notes", huang, {"text": "已联系诉求人"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert case.events.filter(kind=EventKind.NOTE).count() == 1
    other = post(client, f"/api/v1/cases/{case.pk}/notes", huang, {"text": "另一条进展"})
    assert other.status_code == 409 and other.json()["field"] == "Idempotency-Key"
    # Without a key, a second note is a second note.
    post(client, f"/api/v1/cases/{case.pk}/notes", bearer(people.huang), {"text": "已联系诉求人"})
    assert case.events.filter(kind=EventKind.NOTE).count() == 2


def test_a_refused_action_keeps_no_key(client, people):
    case = case_in_state(people, State.HANDLING)
    huang = bearer(people.huang) | {"HTTP_IDEMPOTENCY_KEY": "close-1"}
    refused = post(client, f"/api/v1/cases/{case.pk}/close", huang, {"result": "solved", "text": ""})
    assert refused.status_code == 400
    closed = post(client, f"/api/v1/cases/{case.pk}/close", huang, {"result": "solved", "text": "已办结"})
    assert closed.status_code == 200 and closed.json()["state"] == State.CLOSED
