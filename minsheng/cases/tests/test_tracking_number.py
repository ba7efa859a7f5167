"""Tracking with the number as people type it: full-width digits and dashes from a Chinese input
method, spaces, any kind of dash, or without the place name. A wrong code still reveals
nothing, and typing the number differently buys a guesser no extra tries."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.cases.actions.intake import hash_query_code
from minsheng.cases.models import Case
from minsheng.testing import register

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def numbered(case, number, code, region=None):
    """The case under a number and code the test chooses (the database's sequences may
    have moved on in earlier tests, so serials are not assumed)."""
    fields = {"number": number, "query_code_hash": hash_query_code(number, code)}
    if region is not None:
        fields["region"] = region
    Case.objects.filter(pk=case.pk).update(**fields)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def hukou_case(people):
    case, _code = register(people)
    return numbered(case, "湖口-2026-000031", "11112222")


@pytest.fixture
def two_regions(people, hukou_case):
    """湖口-2026-000031 and 浔阳-2026-000031: one serial, two counties."""
    other, _code = register(people)
    return hukou_case, numbered(other, "浔阳-2026-000031", "33334444", region=people.xunyang)


def track(client, number, code, address="203.0.113.7"):
    return client.post("/cases/track/", {"number": number, "code": code}, REMOTE_ADDR=address)


def found(client, number, code, **extra):
    response = track(client, number, code, **extra)
    assert response.status_code == 200
    return response.context["case"], response.context["error"]


def test_it_finds_the_case_typed_in_full_width_digits_dashes_and_code(client, hukou_case):
    assert "湖口-2026-000031".translate(FULL_WIDTH) == "湖口－２０２６－００００３１"
    assert found(client, "湖口－２０２６－００００３１", "１１１１２２２２") == (hukou_case, "")
    assert found(client, "湖口﹣２０２６﹣００００３１", "１１１１　２２２２") == (hukou_case, "")


@pytest.mark.parametrize("typed", [
    " 湖口 - 2026 - 000031 ",
    "湖口—2026—000031",  # em dash, what a Chinese keyboard's shift+minus gives
    "湖口–2026–000031",
    "湖口‐2026‐000031",
    "湖口‑2026‑000031",
    "湖口‒2026‒000031",
    "湖口―2026―000031",
    "湖口−2026−000031",  # minus sign
    "湖口——2026——000031",
    "湖口\u30002026\u3000000031",  # full-width spaces
    "湖口2026000031",
    "湖口\u200b-2026-000031\ufeff",  # invisible characters copied from a message
    "湖口县-2026-000031",  # the county's full name
])
def test_it_finds_the_case_whatever_spaces_and_dashes_separate_the_parts(client, hukou_case, typed):
    assert found(client, typed, "11112222") == (hukou_case, "")


def test_yi_is_a_chinese_character_not_a_dash(client, hukou_case):
    response = track(client, "湖口一2026一000031", "11112222")
    assert response.status_code == 200 and response.context["case"] is None


@pytest.mark.parametrize("typed", ["2026-000031", "2026000031", "2026-000031".translate(FULL_WIDTH), "2026000031".translate(FULL_WIDTH), " 2026 000031 "])
def test_it_finds_the_case_without_the_place_name_when_only_one_region_has_the_number(client, hukou_case, typed):
    assert found(client, typed, "11112222") == (hukou_case, "")


def test_the_page_found_without_the_place_carries_the_whole_number_to_its_forms(client, hukou_case):
    page = track(client, "2026000031", "11112222").content.decode()
    assert '<input type="hidden" name="number" value="湖口-2026-000031">' in page


def test_a_number_with_an_extra_digit_in_front_is_not_the_case(client, hukou_case):
    for typed in ("12026-000031", "湖口-12026-000031", "湖口-2026-1000031"):
        response = track(client, typed, "11112222")
        assert response.status_code == 200 and response.context["case"] is None


def test_with_the_number_in_two_regions_the_code_tells_which_case(client, two_regions):
    hukou, xunyang = two_regions
    assert found(client, "2026-000031", "11112222") == (hukou, "")
    assert found(client, "2026-000031", "33334444") == (xunyang, "")
    assert found(client, "浔阳-2026-000031", "33334444") == (xunyang, "")
    assert found(client, "湖口-2026-000031", "33334444")[0] is None  # the place, when typed, is kept to


def test_with_the_number_in_two_regions_a_wrong_code_reads_like_an_unknown_number(client, two_regions):
    def page(number):
        html = track(client, number, "00000000").content.decode().replace(number, "NUMBER")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    shared = page("2026-000031")  # two regions have it
    assert "编号或查询码不正确" in shared and "多个地区" not in shared
    assert shared == page("2026-000032")  # nobody has it
    assert shared == page("湖口-2026-000031")  # one case, wrong code


def test_a_code_that_fits_both_regions_asks_for_the_place_name(client, people, two_regions):
    hukou, xunyang = two_regions
    numbered(xunyang, xunyang.number, "11112222")
    case, error = found(client, "2026-000031", "11112222")
    assert case is None
    assert error in (
        "有多个地区的办件使用这个编号，请连同地区名称一起输入，如“湖口-2026-000031”。",
        "有多个地区的办件使用这个编号，请连同地区名称一起输入，如“浔阳-2026-000031”。",
    )
    assert found(client, "浔阳-2026-000031", "11112222") == (Case.objects.get(pk=xunyang.pk), "")


def test_the_number_without_its_place_is_looked_up_through_the_number_index(client, two_regions):
    with CaptureQueriesContext(connection) as queries:
        found(client, "2026-000031", "11112222")
    lookups = [query["sql"] for query in queries.captured_queries if "cases_case" in query["sql"] and "LIKE" in query["sql"].upper()]
    assert lookups == []


def test_typing_the_number_differently_counts_against_the_same_limit(client, hukou_case):
    variants = ["2026-000031", "湖口-2026-000031".translate(FULL_WIDTH), "2026000031".translate(FULL_WIDTH), "湖口 2026 000031", "湖口—2026—000031",
                "湖口-2026-0000031", "湖口县-2026-000031", "2026000031", "浔阳-2026-000031", "湖口-2026-000031"]
    for index, typed in enumerate(variants):
        _case, error = found(client, typed, "00000000", address=f"198.51.100.{index}")
        assert "不正确" in error
    # Ten failures on one number, however typed: those addresses are refused on its canonical form...
    _case, error = found(client, "湖口-2026-000031", "11112222", address="198.51.100.3")
    assert "该编号近一小时查询失败次数过多" in error
    # ...and on any other way of typing it,
    _case, error = found(client, "2026-000031".translate(FULL_WIDTH), "11112222", address="198.51.100.3")
    assert "该编号近一小时查询失败次数过多" in error
    # while the resident, from her own phone, gets in typing it her way.
    assert found(client, "2026000031", "11112222", address="203.0.113.50") == (hukou_case, "")


def test_one_address_cannot_multiply_its_tries_by_retyping(client, hukou_case):
    # Five failures typed one way and five typed another are ten on the number, not five on each.
    for typed in ["2026-000031", "湖口-2026-000031".translate(FULL_WIDTH)] * 5:
        _case, error = found(client, typed, "00000000", address="198.51.100.1")
        assert "不正确" in error
    _case, error = found(client, "湖口2026000031", "11112222", address="198.51.100.1")
    assert "该编号近一小时查询失败次数过多" in error


@pytest.mark.parametrize("typed", ["😀", "-----", "——", "－ － －", "x" * 10_000, "湖口", "2026", "湖口-2026-31",
                                   "湖口\x01-2026-000031", "湖口-2026-000031😀", "<script>", "' OR 1=1 --"])
def test_garbage_in_the_number_is_a_message_on_the_field(client, hukou_case, typed):
    response = track(client, typed, "11112222")
    assert response.status_code == 200
    assert response.context["case"] is None and response.context["error"] == ""
    message = response.context["form"].errors["number"][0]
    assert "编号" in message and re.search("[\u4e00-\u9fff]{4}", message)
    assert "编号：编号" in response.content.decode()  # shown on the page with the field's label


@pytest.mark.parametrize("typed", ["😀", "x" * 10_000, "1234-abcd", "－－", "\x0b"])
def test_garbage_in_the_code_is_a_message_on_the_field(client, hukou_case, typed):
    response = track(client, "湖口-2026-000031", typed)
    assert response.status_code == 200 and response.context["case"] is None
    assert "查询码" in response.context["form"].errors["code"][0]


def test_a_nul_in_the_number_is_refused_naming_the_field(client, hukou_case):
    response = track(client, "湖口-2026\x00-000031", "11112222")
    assert response.status_code == 400 and "number" in response.content.decode()


def test_the_field_says_the_place_name_may_be_left_out(client):
    page = client.get("/cases/track/").content.decode()
    assert "不带地区名称也可以" in page and 'autocomplete="off"' in page
