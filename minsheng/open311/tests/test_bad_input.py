"""Whatever a client sends, GeoReport v2 answers with a document or the spec's error array,
never a server error, and stores nothing it was refused."""

import json
from xml.etree import ElementTree

import pytest

from minsheng.cases.models import Case, CaseEvent
from minsheng.testing import register
from minsheng.open311.tests.helpers import get, post, xml

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, *fragments: str) -> str:
    """The spec's error array in the format asked for, carrying the status and the fragments."""
    assert response.status_code == status, response.content[:300]
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors" and root.find("error/code").text == str(status)
        description = root.find("error/description").text
    else:
        body = response.json()
        assert isinstance(body, list) and body[0]["code"] == status
        description = body[0]["description"]
    for fragment in fragments:
        assert fragment in description, description
    return description


@pytest.mark.parametrize(
    "path, params",
    [
        ("requests", {"start_date": "2026-13-45T00:00:00"}),
        ("requests", {"start_date": "2026-11-20T25:00:00"}),
        ("requests", {"start_date": "0001-01-01T00:00:00"}),
        ("requests", {"end_date": "9999-12-31T00:00:00"}),
        ("requests", {"start_date": "9999-12-31"}),
        ("servicerequestupdates", {"end_date": "0001-01-01T00:00:00"}),
        ("servicerequestupdates", {"start_date": "2026-02-30T00:00:00"}),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_impossible_or_far_dates_are_400_naming_the_parameter(client, catalogue, path, params, fmt):
    name = next(iter(params))
    assert_error(get(client, f"{path}.{fmt}", **params), 400, name)


@pytest.mark.parametrize(
    "fields, parameter",
    [
        ({"lat": "NaN"}, "lat"),
        ({"lat": "nan", "long": "inf"}, "lat"),
        ({"long": "-Infinity"}, "long"),
        ({"lat": "1e999"}, "lat"),
    ],
)
def test_coordinates_that_are_not_numbers_are_refused(client, catalogue, key, fields, parameter):
    assert_error(post(client, key, **fields), 400, parameter)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "field",
    ["description", "address_string", "last_name", "first_name", "email", "attribute[building]", "account_id", "device_id"],
)
@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f"])
def test_a_control_character_in_any_field_is_refused_naming_it(client, catalogue, key, field, character):
    response = post(client, key, **{field: f"5栋{character}2单元"})
    assert_error(response, 400, field, "控制字符")
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    "path, params",
    [
        ("requests/%00.json", {}),
        ("requests.json", {"service_request_id": "\x00"}),
        ("tokens/%00.json", {}),
        ("requests.json", {"service_code": "a\x00b"}),
        ("servicerequestupdates.json", {"start_date": "\x00"}),
        ("services.json", {"jurisdiction_id": "3604\x0029"}),
    ],
)
def test_a_nul_in_a_read_is_a_400_error_array(client, catalogue, path, params):
    assert_error(get(client, path, **params), 400, "控制字符")


def test_the_xml_feed_stays_well_formed_whatever_was_stored(client, people, catalogue):
    """Rows stored before the input rule (or by a path that skipped it) must not break the feed."""
    case, _code = register(people, category=catalogue[0], answers={"building": "5栋"})
    Case.objects.filter(pk=case.pk).update(description="楼道\x01灯\x08坏\x0b了\x1f", address="5栋\x1b")
    for path in ("requests.xml", f"requests/{case.number}.xml"):
        for jurisdiction in ("360429", "360400"):
            response = get(client, path, jurisdiction_id=jurisdiction)
            assert response.status_code == 200
            root = ElementTree.fromstring(response.content)  # raises on a character XML forbids
            assert root.find("request/description").text == "楼道灯坏了"


def test_a_body_over_the_limit_is_a_413_error_array(client, catalogue, key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, key, description="长" * 20_000)
    assert_error(response, 413, "过大")
    response = post(client, key, fmt="xml", description="长" * 20_000)
    assert_error(response, 413, "过大")
    assert not Case.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize("path", ["requests.json", "requests.xml", "services.json", "discovery.json"])
def test_other_methods_get_a_405_error_array_with_allow(client, catalogue, method, path):
    response = getattr(client, method)(f"/open311/v2/{path}?jurisdiction_id=360429")
    assert_error(response, 405)
    assert "GET" in response["Allow"]


def test_an_over_long_query_string_is_a_414_error_array(client, catalogue):
    response = client.get("/open311/v2/requests.json", {"jurisdiction_id": "360429", "service_code": "x" * 5000})
    assert_error(response, 414, "过长")
    response = client.get("/open311/v2/requests.xml", {"jurisdiction_id": "360429", "service_code": "x" * 5000})
    assert_error(response, 414, "过长")


def test_an_api_key_in_the_url_is_refused_and_says_why(client, catalogue, key):
    response = client.post(
        f"/open311/v2/requests.json?api_key={key}",
        {"jurisdiction_id": "360429", "service_code": "elevator-retrofit", "lat": "29.73", "long": "116.21",
         "phone": "13812341234", "attribute[building]": "5栋"},
    )
    assert_error(response, 400, "api_key", "网址", "日志")
    assert not Case.objects.exists()
    assert_error(get(client, "requests.json", api_key=key), 400, "api_key", "网址")


def test_the_key_may_come_in_a_header(client, catalogue, key):
    response = client.post(
        "/open311/v2/requests.json",
        {"jurisdiction_id": "360429", "service_code": "elevator-retrofit", "lat": "29.73", "long": "116.21",
         "phone": "13812341234", "attribute[building]": "5栋"},
        HTTP_X_API_KEY=key,
    )
    assert response.status_code == 200, response.content
    assert json.loads(response.content)[0]["service_request_id"] == Case.objects.get().number


@pytest.mark.parametrize("path", ["/open311/v2/nothing.json", "/open311/v2/requests/a/b.xml", "/open311/v2/"])
def test_an_unknown_endpoint_is_the_spec_404_error_array(client, path):
    assert_error(client.get(path), 404, "discovery")


def test_an_overlong_email_is_refused_not_a_database_error(client, catalogue, key):
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".cn"
    assert 254 < len(address) <= 320
    assert_error(post(client, key, email=address), 400, "email", "254")
    assert not Case.objects.exists()
