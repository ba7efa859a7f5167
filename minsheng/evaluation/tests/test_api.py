"""The evaluation in the JSON API: the frameworks, scores and ranking, reform progress and the
walk-throughs to anyone; recording a measurement or a walk-through only to those the actions
allow, with Chinese errors naming the field and never a 500."""

from datetime import datetime

import pytest
import time_machine

from minsheng.evaluation import actions
from minsheng.evaluation.tests.test_frameworks import SHANGHAI
from minsheng.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def test_anyone_reads_the_frameworks_and_the_ranking(client, scored):
    listed = client.get("/api/v1/evaluation/frameworks").json()
    assert [item["name"] for item in listed] == ["营商环境评价指标体系"]
    detail = client.get(f"/api/v1/evaluation/frameworks/{scored.pk}").json()
    assert [first["code"] for first in detail["firsts"]] == ["01", "02"] and detail["periods"] == [2020]
    ranking = client.get(f"/api/v1/evaluation/frameworks/{scored.pk}/scores", {"period": 2020}).json()
    assert [row["region"] for row in ranking] == ["瑞昌市", "湖口县", "浔阳区"] and ranking[0]["rank"] == 1
    assert ranking[0]["full_marks"] == ["01.1", "02.1"]
    assert client.get("/api/v1/evaluation/frameworks/99999999999/scores", {"period": 2020}).status_code in (400, 404)
    assert client.get(f"/api/v1/evaluation/frameworks/{scored.pk}/scores", {"period": "x"}).status_code == 400


def test_a_measurement_through_the_api_keeps_to_unit_range_and_permission(client, scored, people):
    indicator = scored.first_indicators.get(code="01").seconds.get(code="01.1")
    body = {"indicator_id": indicator.pk, "region_code": "360429", "period": 2020, "value": "3", "source": "县营商办"}
    assert client.post("/api/v1/evaluation/measurements", body, content_type="application/json").status_code == 401
    headers = bearer(people.liu)
    wrong = client.post("/api/v1/evaluation/measurements", {**body, "unit": "小时"}, content_type="application/json",
                        **headers)
    assert wrong.status_code == 400 and wrong.json()["field"] == "unit"
    nan = client.post("/api/v1/evaluation/measurements", {**body, "value": "NaN"}, content_type="application/json",
                      **headers)
    assert nan.status_code == 400 and nan.json()["field"] == "value"
    other = client.post("/api/v1/evaluation/measurements", {**body, "region_code": "360403"},
                        content_type="application/json", **headers)
    assert other.status_code == 403
    done = client.post("/api/v1/evaluation/measurements", body, content_type="application/json", **headers)
    assert done.status_code == 201 and done.json()["value"] == "3"


def test_a_walk_through_through_the_api(client, people):
    service = actions.do_register_service(people.hukou_housing, name="商品房转移登记", promised_days=5,
                                          steps=["受理", "登簿"], actor=people.zhou)
    body = {"service_id": service.pk, "walked_on": "2026-11-18", "applicant_kind": "resident",
            "steps": [{"name": "受理", "minutes": 30}, {"name": "登簿"}]}
    refused = client.post("/api/v1/evaluation/walkthroughs", body, content_type="application/json", **bearer(people.zhou))
    assert refused.status_code == 400 and "没有填写实际用时" in refused.json()["detail"]
    body["steps"][1]["minutes"] = 20
    assert client.post("/api/v1/evaluation/walkthroughs", body, content_type="application/json",
                       **bearer(people.huang)).status_code == 403
    done = client.post("/api/v1/evaluation/walkthroughs", body, content_type="application/json", **bearer(people.zhou))
    assert done.status_code == 201
    listed = client.get("/api/v1/evaluation/walkthroughs").json()
    assert listed[0]["service"] == "商品房转移登记" and listed[0]["steps"][1] == {"name": "登簿", "minutes": 20,
                                                                          "materials": []}
