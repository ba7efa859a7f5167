"""A bounded fuzz run over what anyone can send without an account: GeoReport v2's parameters
and fields, and the public pages' GET parameters. Whatever arrives: no server error, and
GeoReport answers with its documents or the spec's error array."""

import json
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from minsheng.testing import case_in_state

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What attackers and broken clients send: any text (control characters included), numbers far
# beyond any column, impossible or far dates, NaN and friends, and plausible values.
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
moments = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:00{}".format,
    st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99),
    st.sampled_from(["", "+08:00", "Z", "+25:00", " 08:00"]),
)
values = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=10),
    numbers,
    moments,
    st.sampled_from(["NaN", "-Infinity", "1e999", "", "open,closed", "360429", "360400", "湖口-2026-000001", "%00"]),
)
OPEN311_PARAMETERS = ["jurisdiction_id", "start_date", "end_date", "status", "service_code", "service_request_id", "page", "page_size"]


def assert_open311_answer(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if response["Content-Type"].startswith("text/xml"):
        root = ElementTree.fromstring(response.content)
        assert response.status_code == 200 or root.tag == "errors"
    else:
        body = json.loads(response.content)
        if response.status_code != 200:
            assert isinstance(body, list) and body[0]["code"] == response.status_code and body[0]["description"]


@pytest.fixture
def some_cases(people, catalogue):
    case_in_state(people, "handling", category=catalogue[1])
    case_in_state(people, "closed", category=catalogue[1])


@FUZZ
@given(params=st.dictionaries(st.sampled_from(OPEN311_PARAMETERS), values, max_size=5), fmt=st.sampled_from(["json", "xml"]))
def test_request_lists_and_updates_never_fail(client, some_cases, params, fmt):
    for path in ("requests", "servicerequestupdates", "services"):
        assert_open311_answer(client.get(f"/open311/v2/{path}.{fmt}", params))


@FUZZ
@given(identifier=st.one_of(st.text(max_size=40), numbers), fmt=st.sampled_from(["json", "xml"]), params=st.dictionaries(st.sampled_from(OPEN311_PARAMETERS), values, max_size=2))
def test_single_documents_never_fail(client, some_cases, identifier, fmt, params):
    from urllib.parse import quote

    for path in ("requests", "tokens", "services"):
        response = client.get(f"/open311/v2/{path}/{quote(identifier, safe='')}.{fmt}", params)
        if response.status_code == 404 and not response.content.startswith((b"[", b"<?xml")):
            continue  # the identifier made another URL altogether (Django's own 404)
        assert_open311_answer(response)


POST_FIELDS = ["jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "description", "phone",
               "last_name", "first_name", "email", "device_id", "account_id", "media_url", "attribute[building]",
               "attribute[problems][]", "idempotency_key"]


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(POST_FIELDS), values, max_size=6), fmt=st.sampled_from(["json", "xml"]))
def test_filing_never_fails_and_what_it_refuses_it_names(client, catalogue, key, fields, fmt):
    data = {"api_key": key, "jurisdiction_id": "360429", "service_code": "streetlight", "lat": "29.73", "long": "116.21",
            "phone": "13812341234", "description": "路灯不亮"} | fields
    assert_open311_answer(client.post(f"/open311/v2/requests.{fmt}", data))


PUBLIC_PAGES = {
    "/": ["year"],
    "/pledges/items/": ["q", "region", "area", "status", "year", "page"],
    "/cases/submit/": ["region"],
    "/cases/track/": ["number", "code"],
    "/api/v1/board": ["year"],
}


@FUZZ
@given(page=st.sampled_from(sorted(PUBLIC_PAGES)), data=st.data())
def test_public_pages_never_fail_whatever_their_parameters(client, some_cases, page, data):
    params = data.draw(st.dictionaries(st.sampled_from(PUBLIC_PAGES[page]), values, max_size=4))
    response = client.get(page, params)
    assert response.status_code < 500
    assert response.status_code in (200, 400, 404)
