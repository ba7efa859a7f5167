"""The enterprise endpoints under /api/v1: the same actions and access as the pages (a firm
outside the caller's reach reads as not found, phones masked for oversight without the registry),
bad input a 400 naming the field."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.enterprises import actions
from minsheng.enterprises.models import Entity
from minsheng.testing import bearer, make_entity, uscc

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def hongfeng(people):
    entity = make_entity(people.hukou, name="江西宏丰塑胶有限公司", employees=320, revenue="18000", contact_name="王经理",
                         contact_phone="13907925566", actor=people.liu)
    actions.do_assign_one_to_one(entity, helper=people.huang, starts_on=date(2026, 1, 1), actor=people.liu)
    return entity


def test_a_firm_for_its_helper_and_for_a_leader(client, people, hongfeng):
    url = f"/api/v1/enterprises/entities/{hongfeng.pk}"
    body = client.get(url, **bearer(people.huang)).json()
    assert body["uscc"] == hongfeng.uscc and body["contact_phone"] == "13907925566" and body["above_scale"]
    assert body["helpers"] == [{"name": "黄鑫", "department": "湖口县住建局", "mode": "one_to_one"}]
    assert client.get(url, **bearer(people.zhang)).json()["contact_phone"] == "139****5566"
    assert client.get(url, **bearer(people.wu)).status_code == 404
    assert client.get("/api/v1/enterprises/entities/99999999999999999999999", **bearer(people.liu)).status_code == 404
    assert client.get(url).status_code == 401


def test_the_list_is_the_callers_reach(client, people, hongfeng):
    make_entity(people.xunyang, name="浔阳区某公司", actor=people.sun)
    names = [r["name"] for r in client.get("/api/v1/enterprises/entities", **bearer(people.liu)).json()["results"]]
    assert names == ["江西宏丰塑胶有限公司"]
    assert client.get("/api/v1/enterprises/entities", **bearer(people.sun)).json()["count"] == 2


def test_filing_a_firm_and_its_bad_input(client, people):
    payload = {"uscc": uscc(people.hukou.code, 7), "name": "湖口县新开物流有限公司", "industry": "5431", "employees": 25,
               "revenue": "600"}
    response = client.post("/api/v1/enterprises/entities", payload, content_type="application/json", **bearer(people.liu))
    assert response.status_code == 201, response.json()
    assert response.json()["size_class"] == "small"
    bad = {**payload, "uscc": payload["uscc"][:-1] + ("0" if payload["uscc"][-1] != "0" else "1")}
    response = client.post("/api/v1/enterprises/entities", bad, content_type="application/json", **bearer(people.liu))
    assert response.status_code == 400 and response.json()["field"] == "uscc"
    for field, value in (("industry", "9999"), ("revenue", "NaN"), ("name", "a\u0000b")):
        body = {**payload, "uscc": uscc(people.hukou.code, 8), field: value}
        response = client.post("/api/v1/enterprises/entities", body, content_type="application/json", **bearer(people.liu))
        assert response.status_code == 400 and response.json()["field"] in (field, "name"), (field, response.json())
    response = client.post("/api/v1/enterprises/entities", {**payload, "uscc": uscc(people.hukou.code, 9)},
                           content_type="application/json", **bearer(people.huang))
    assert response.status_code == 403
    assert Entity.objects.count() == 1


def test_visits_and_coverage(client, people, hongfeng):
    url = f"/api/v1/enterprises/entities/{hongfeng.pk}/visits"
    response = client.post(url, {"visited_on": "2026-11-27", "kind": "phone", "summary": "电话了解用工需求"},
                           content_type="application/json", **bearer(people.huang))
    assert response.status_code == 201
    response = client.post(url, {"visited_on": "2026-12-27", "kind": "phone", "summary": "未来"},
                           content_type="application/json", **bearer(people.huang))
    assert response.status_code == 400 and response.json()["field"] == "visited_on"
    assert [v["summary"] for v in client.get(url, **bearer(people.huang)).json()] == ["电话了解用工需求"]
    assignments = client.get(f"/api/v1/enterprises/entities/{hongfeng.pk}/assignments", **bearer(people.liu)).json()
    assert [(a["helper"], a["mode"]) for a in assignments] == [("黄鑫", "one_to_one")]
    body = client.get("/api/v1/enterprises/coverage", {"day": "2026-11-30"}, **bearer(people.liu)).json()
    assert body["region"] == "湖口县" and body["total"]["covered"] == 1 and body["gap_count"] == 0
    assert client.get("/api/v1/enterprises/coverage", **bearer(people.huang)).status_code == 404
    assert client.get("/api/v1/enterprises/coverage", {"day": "2026-02-30"}, **bearer(people.liu)).status_code == 400
