"""GeoReport v2 as a client written only from the spec sees it: every JSON response checked
against the spec's JSON Schemas, every XML response parsed for the spec's elements."""

import json
from datetime import datetime

import pytest

from minsheng.cases import actions
from minsheng.cases.models import Case, CaseEvent
from minsheng.open311.tests.helpers import NOW, SHANGHAI, get, post, validate, xml
from minsheng.org.actions import do_create_api_client, do_revoke_api_client

pytestmark = pytest.mark.django_db


def test_discovery_lists_the_endpoint_in_both_formats(client, catalogue):
    body = client.get("/open311/v2/discovery.json").json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(body["endpoints"][0]["formats"]) == {"application/json", "text/xml"}
    for name in ("changeset", "contact", "key_service"):
        assert body[name]
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery" and root.find("endpoints/endpoint/url").text.endswith("/open311/v2/")


def test_services_come_from_the_catalogue(client, catalogue):
    response = get(client, "services.json")
    body = response.json()
    validate("services", body)
    elevator = next(s for s in body if s["service_code"] == "elevator-retrofit")
    assert elevator == {
        "service_code": "elevator-retrofit", "service_name": "既有住宅加装电梯", "description": "老旧小区加装电梯的申请和问题",
        "metadata": True, "type": "realtime", "keywords": "电梯,加装", "group": "住房城乡建设",
    }
    assert "既有住宅加装电梯" in response.content.decode()  # Chinese unescaped
    root = xml(get(client, "services.xml"))
    assert root.tag == "services"
    codes = [s.find("service_code").text for s in root.findall("service")]
    assert "elevator-retrofit" in codes and root.find("service/metadata").text in ("true", "false")


def test_a_service_definition_carries_the_extra_questions(client, catalogue):
    body = get(client, "services/elevator-retrofit.json").json()
    validate("service-definition", body)
    building, problems = body["attributes"]
    assert (building["code"], building["datatype"], building["required"], building["order"]) == ("building", "string", True, 1)
    assert problems["values"] == [{"key": "consent", "name": "业主意见不一"}, {"key": "funding", "name": "资金"}, {"key": "approval", "name": "审批"}]
    root = xml(get(client, "services/elevator-retrofit.xml"))
    assert root.tag == "service_definition"
    assert [v.find("key").text for v in root.findall("attributes/attribute/values/value")] == ["consent", "funding", "approval"]
    assert get(client, "services/no-such-thing.json").status_code == 404


def test_a_client_posts_reads_back_and_follows_a_request(client, people, catalogue, key, _setup):
    response = post(client, key)
    assert response.status_code == 200, response.content.decode()
    created = response.json()
    assert isinstance(created, list) and created[0]["account_id"] == "hotline-778"
    number = created[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.channel == "hotline" and case.region == people.hukou and case.requester_name == "赵秀英"
    assert case.answers == {"building": "5栋2单元", "problems": ["approval", "funding"]}

    actions.do_accept_case(case, actor=people.liu)
    actions.do_dispatch_case(case, department=people.hukou_housing, actor=people.liu)
    body = get(client, f"requests/{number}.json").json()
    validate("requests", body)
    request = body[0]
    assert request["status"] == "open" and request["agency_responsible"] == "湖口县住建局"
    assert request["expected_datetime"] == "2026-11-25T00:00:00+08:00"  # sign for within 1 working day
    assert request["requested_datetime"] == "2026-11-23T10:00:00+08:00"
    assert request["status_notes"] == "已转交湖口县住建局办理。"
    assert (request["lat"], request["long"]) == (29.7312, 116.2194)
    text = json.dumps(body, ensure_ascii=False)
    assert "赵秀英" not in text and "13812341234" not in text and "zhao@example.com" not in text and "hotline-778" not in text

    root = xml(get(client, f"requests/{number}.xml"))
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == number
    assert root.find("request/agency_responsible").text == "湖口县住建局"

    _setup.move_to(datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI))
    actions.do_sign_case(case, actor=people.huang)
    actions.do_close_case(case, result="solved", text="审批已办结", actor=people.huang)
    updates = get(client, "servicerequestupdates.json", start_date="2026-11-23T12:00:00+08:00").json()
    assert [(u["service_request_id"], u["status"]) for u in updates] == [(number, "open"), (number, "closed")]
    assert updates[-1]["description"].startswith("办理结果：已解决")
    root = xml(get(client, "servicerequestupdates.xml", start_date="2026-11-23T12:00:00+08:00"))
    assert len(root.findall("request_update")) == 2
    closed = get(client, "requests.json", status="closed").json()
    validate("requests", closed)
    assert [r["service_request_id"] for r in closed] == [number] and closed[0]["expected_datetime"] is None


def test_requests_filter_by_id_code_status_and_dates_and_page(client, people, catalogue, key, _setup):
    numbers = []
    for day in (2, 10, 20):
        _setup.move_to(datetime(2026, 11, day, 10, 0, tzinfo=SHANGHAI))
        numbers.append(post(client, key).json()[0]["service_request_id"])
    _setup.move_to(datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI))
    light = post(client, key, service_code="streetlight", **{"attribute[building]": None, "attribute[problems][]": None}).json()[0]["service_request_id"]
    _setup.move_to(NOW)

    def ids(**params):
        return [r["service_request_id"] for r in get(client, "requests.json", **params).json()]

    assert ids() == [light, numbers[2], numbers[1], numbers[0]]
    assert ids(service_code="streetlight") == [light]
    assert ids(service_code="streetlight,elevator-retrofit", start_date="2026-11-09", end_date="2026-11-21") == [numbers[2], numbers[1]]
    assert ids(service_request_id=f"{numbers[0]},{light}", service_code="no-such") == [light, numbers[0]]
    assert ids(page_size="2") == [light, numbers[2]]
    assert ids(page_size="2", page="2") == [numbers[1], numbers[0]]
    assert ids(status="closed") == []


@pytest.mark.parametrize(
    "fields, status, fragment",
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "no-such"}, 404, "service_code"),
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"attribute[building]": None}, 400, "attribute[building]"),
        ({"attribute[problems][]": ["approval", "bribe"]}, 400, "attribute[problems]"),
        ({"description": "长" * 4001}, 400, "description"),
        ({"lat": None, "long": None}, 400, "lat/long"),
        ({"phone": "110"}, 400, "phone"),
        ({"jurisdiction_id": None}, 400, "jurisdiction_id"),
        ({"jurisdiction_id": "999999"}, 400, "jurisdiction_id"),
    ],
)
def test_each_bad_post_gets_the_spec_error_and_creates_nothing(client, catalogue, key, fields, status, fragment):
    for fmt in ("json", "xml"):
        response = post(client, key, fmt=fmt, **fields)
        assert response.status_code == status
        if fmt == "json":
            body = response.json()
            assert isinstance(body, list) and body[0]["code"] == status and fragment in body[0]["description"]
        else:
            root = xml(response)
            assert root.tag == "errors" and root.find("error/code").text == str(status)
            assert fragment in root.find("error/description").text
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "90天"),
        ({"start_date": "2026-11-20", "end_date": "2026-11-10"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_query_parameters_are_400(client, catalogue, params, fragment):
    response = get(client, "requests.json", **params)
    assert response.status_code == 400 and fragment in response.json()[0]["description"]


def test_unknown_request_is_404(client, catalogue):
    assert get(client, "requests/湖口-2026-999999.json").status_code == 404
    root = xml(get(client, "requests/湖口-2026-999999.xml"))
    assert root.find("error/code").text == "404"


def test_a_revoked_key_is_refused_and_a_key_is_limited_per_minute(client, people, catalogue):
    _limited, secret = do_create_api_client("测试系统", region=people.hukou, requests_per_minute=2, actor=None)
    assert post(client, secret).status_code == 200
    assert post(client, secret).status_code == 200
    third = post(client, secret)
    assert third.status_code == 429 and 0 < int(third["Retry-After"]) <= 60
    hotline, hotline_secret = do_create_api_client("12345热线", region=people.hukou, actor=None)
    assert post(client, hotline_secret).status_code == 200
    do_revoke_api_client(hotline, actor=None)
    refused = post(client, hotline_secret)  # the very next request, though this process remembers the key
    assert refused.status_code == 403 and "吊销" in refused.json()[0]["description"]
    assert Case.objects.count() == 3


def test_a_county_key_cannot_file_for_another_county(client, people, catalogue):
    _client, secret = do_create_api_client("浔阳区App", region=people.xunyang, actor=None)
    response = post(client, secret)
    assert response.status_code == 403 and "浔阳区" in response.json()[0]["description"]


def test_the_apikey_command_prints_a_key_once_and_stores_its_digest(people, capsys):
    from django.core.management import call_command

    from minsheng.org.models import ApiClient

    call_command("apikey", "create", "市民App", "--region", "360429", "--channel", "api")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    stored = ApiClient.objects.get(name="市民App")
    assert stored.region == people.hukou and stored.channel == "api"
    assert secret not in stored.key_hash and len(secret) >= 40
    from minsheng.org.access import api_client_for

    assert api_client_for(secret) == stored


def test_a_cached_list_changes_as_soon_as_a_case_does(client, people, catalogue, key):
    number = post(client, key).json()[0]["service_request_id"]
    first = get(client, "requests.json").json()
    assert first[0]["agency_responsible"] == "湖口县住建局"  # where the catalogue routes it, from the start
    case = Case.objects.get(number=number)
    actions.do_accept_case(case, actor=people.liu)
    actions.do_dispatch_case(case, department=people.hukou_housing, actor=people.liu)
    again = get(client, "requests.json").json()
    assert again[0]["agency_responsible"] == "湖口县住建局" and again[0]["status_notes"] == "已转交湖口县住建局办理。"


def test_a_new_request_names_its_routed_department_or_the_receiving_centre(client, people, catalogue, key):
    from minsheng.testing import make_category

    make_category("noise", "噪声扰民", parent_code="environment")  # no department routed anywhere
    routed = post(client, key).json()[0]["service_request_id"]
    unrouted = post(client, key, service_code="noise").json()[0]["service_request_id"]
    city_level = post(client, key, jurisdiction_id="360400").json()[0]["service_request_id"]
    for number, agency in ((routed, "湖口县住建局"), (unrouted, "湖口县营商办"), (city_level, "市营商办")):
        body = get(client, f"requests/{number}.json", jurisdiction_id="360400").json()
        validate("requests", body)
        assert body[0]["agency_responsible"] == agency, number
    root = xml(get(client, f"requests/{unrouted}.xml"))
    assert root.find("request/agency_responsible").text == "湖口县营商办"
