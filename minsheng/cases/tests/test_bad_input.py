"""Bad input on the workbench, the public form and the JSON API: a clear message on the field,
nothing saved, never a server error, on both databases."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.actions import do_register_case
from minsheng.cases.catalogue import kind
from minsheng.cases.models import Case, CaseEvent, State
from minsheng.core.errors import ActionError
from minsheng.testing import case_in_state, intake_for, make_category
from minsheng.org.actions import do_create_access_token

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def token(people):
    _row, secret = do_create_access_token(people.liu, "测试", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize("params, field", [({"date_to": "9999-12-31"}, "date_to"), ({"date_from": "0001-01-01"}, "date_from")])
def test_far_dates_in_the_staff_search_get_a_message_on_the_field(client, people, params, field):
    case_in_state(people, State.HANDLING)
    client.force_login(people.liu)
    response = client.get("/cases/staff/search/", params)
    assert response.status_code == 200
    assert "2000年1月1日至2099年12月31日" in response.context["form"].errors[field][0]


@pytest.mark.parametrize("params, field", [({"date_to": "9999-12-31"}, "date_to"), ({"date_from": "0001-01-01"}, "date_from")])
def test_far_dates_in_the_api_search_are_400_naming_the_parameter(client, people, token, params, field):
    case_in_state(people, State.HANDLING)
    response = client.get("/api/v1/cases", params, **token)
    assert response.status_code == 400
    assert response.json()["field"] == field and "2099年12月31日" in response.json()["detail"]


def test_a_huge_department_id_on_the_supervision_board_matches_nothing(client, people):
    case_in_state(people, State.HANDLING)
    client.force_login(people.liu)
    for value in ("9" * 26, "²", "１２", "-1"):
        response = client.get("/cases/staff/supervision/", {"department": value})
        assert response.status_code == 200


def test_a_ten_megabyte_note_is_a_413_and_writes_nothing(client, people, token):
    case = case_in_state(people, State.HANDLING)
    events = CaseEvent.objects.count()
    body = json.dumps({"text": "长" * (10 * 1024 * 1024 // 3)}, ensure_ascii=False)
    response = client.post(f"/api/v1/cases/{case.pk}/notes", body, content_type="application/json", **token)
    assert response.status_code == 413 and "过大" in response.json()["detail"]
    assert CaseEvent.objects.count() == events


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\ud800"])
def test_control_characters_in_api_bodies_are_400_naming_the_field(client, people, character):
    case = case_in_state(people, State.HANDLING)
    huang = {"HTTP_AUTHORIZATION": f"Bearer {do_create_access_token(people.huang, '测试', actor=None)[1]}"}
    events = CaseEvent.objects.count()
    body = json.dumps({"text": f"已联系{character}诉求人"})
    response = client.post(f"/api/v1/cases/{case.pk}/notes", body, content_type="application/json", **huang)
    assert response.status_code == 400 and response.json()["field"] == "text", response.content
    assert CaseEvent.objects.count() == events


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x7f"])
@pytest.mark.parametrize("parameter", ["number", "text", "phone"])
def test_control_characters_in_api_parameters_are_400_naming_it(client, people, token, character, parameter):
    response = client.get("/api/v1/cases", {parameter: f"湖口{character}"}, **token)
    assert response.status_code == 400 and response.json()["field"] == parameter


def test_actions_refuse_control_characters_whatever_called_them(people):
    with pytest.raises(ActionError) as refused:
        do_register_case(intake_for(people, description="电梯\x0b审批"), actor=people.chen)
    assert refused.value.field == "description" and "控制字符" in refused.value.message
    assert not Case.objects.exists()


def test_an_impossible_application_date_is_refused_on_its_field(client, people):
    with pytest.raises(ActionError) as refused:
        do_register_case(intake_for(people, kind_code="stuck-matter", applied_on=date(1, 1, 1)), actor=people.chen)
    assert refused.value.field == "applied_on"
    category = make_category(routes=[(people.hukou, people.hukou_housing)])
    client.force_login(people.chen)
    response = client.post("/cases/staff/new/", {
        "kind": kind("stuck-matter").pk, "requester_name": "赵秀英", "requester_phone": "13812341234",
        "applied_for": "加装电梯审批", "applied_on": "0001-01-01", "category": category.pk,
        "stuck_departments": [people.hukou_housing.pk], "visits": "3", "description": "审批两个月没结果",
        "submission_token": "t-1",
    })
    assert response.status_code == 200
    assert "原申请日期应在2000年1月1日至2099年12月31日之间" in response.context["form"].errors["applied_on"][0]
    assert not Case.objects.exists()


def test_the_public_form_names_the_field_that_carries_a_control_character(client, people):
    category = make_category(routes=[(people.hukou, people.hukou_housing)])
    data = {
        "region": people.hukou.code, "kind": kind("general").pk, "category": category.pk,
        "description": "楼道灯\x01\x08\x0b\x1f坏了", "requester_name": "王先生", "requester_phone": "13912345678",
        "submission_token": "public-1",
    }
    response = client.post("/cases/submit/", data)
    assert response.status_code == 200
    assert "诉求内容含有不可见的控制字符" in response.context["form"].errors["description"][0]
    assert "楼道灯" in response.content.decode()  # what the resident typed is kept
    data["description"] = "楼道灯\x00坏了"
    response = client.post("/cases/submit/", data)
    assert response.status_code == 400 and "description" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 900 + "]" * 900, '{"text": ' * 50 + '"x"' + "}" * 50])
@pytest.mark.parametrize("path", ["/api/v1/cases/1/notes", "/cases/submit/", "/open311/v2/requests.json"])
def test_deeply_nested_json_is_a_400_not_a_crash(client, people, token, body, path):
    response = client.post(path, body, content_type="application/json", **token)
    assert response.status_code == 400


def test_json_sent_as_plain_text_meets_the_same_rule(client, people, token):
    case = case_in_state(people, State.HANDLING)
    huang = {"HTTP_AUTHORIZATION": f"Bearer {do_create_access_token(people.huang, '测试', actor=None)[1]}"}
    response = client.post(f"/api/v1/cases/{case.pk}/notes", json.dumps({"text": "已\x01联系"}), content_type="text/plain", **huang)
    assert response.status_code == 400 and response.json()["field"] == "text"
