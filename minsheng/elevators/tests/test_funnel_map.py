"""The public funnel's map (issue 15): the counties shaded by the applications each accepted,
from the same counts as the county table beside it."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.elevators import actions, queries
from minsheng.elevators.models import Application
from minsheng.testing import make_entrance, make_rule_set, make_street_office

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def applications(people):
    """Two applications filed in 湖口县 and one, filed later, counted under 浔阳区."""
    worker = make_street_office(people)
    make_rule_set(people.city)
    filed = []
    for building, day in (("7栋", date(2026, 2, 20)), ("8栋", date(2026, 2, 25)), ("9栋", date(2026, 2, 27))):
        entrance = make_entrance(people, building=building)
        owner = entrance.dwellings.get(number="701").voter
        filed.append(actions.do_file_application(entrance, filed_on=day, representatives=[owner], actor=worker))
    Application.objects.filter(pk=filed[2].pk).update(region=people.xunyang, street=None)
    return filed


def county_values(page: str) -> dict:
    return json.loads(page.split('<script id="lift-counties" type="application/json">')[1].split("</script>")[0])


def test_the_funnel_page_shades_each_county_by_its_applications(client, applications):
    response = client.get("/elevators/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="ms-map' in page and 'data-mode="regions"' in page and 'data-values="lift-counties"' in page
    assert county_values(page) == {"360429": {"value": 2, "label": "2台"}, "360403": {"value": 1, "label": "1台"}}
    # The table beside it says the same.
    assert '湖口县</a></th>\n      <td class="right">2</td>' in page
    assert '浔阳区</a></th>\n      <td class="right">1</td>' in page


def test_the_map_counts_as_of_the_statistics_date(client, applications):
    page = client.get("/elevators/", {"as_of": "2026-02-26"}).content.decode()
    assert county_values(page) == {"360429": {"value": 2, "label": "2台"}}
    page = client.get("/elevators/", {"as_of": "2026-02-21"}).content.decode()
    assert county_values(page) == {"360429": {"value": 1, "label": "1台"}}


def test_the_counts_are_the_same_whether_read_from_the_funnel_or_counted(applications):
    as_of = date(2026, 3, 2)
    counted: dict[str, int] = {}
    for application in Application.objects.filter(filed_on__lte=as_of).select_related("region"):
        counted[application.region.code[:6]] = counted.get(application.region.code[:6], 0) + 1
    from_funnel = queries.accepted_by_county(queries.funnel(as_of).rows)
    assert {code: entry["value"] for code, entry in from_funnel.items()} == counted


def test_a_county_page_lists_its_streets_without_the_city_map(client, people, applications):
    page = client.get("/elevators/", {"region": people.hukou.code}).content.decode()
    assert "各街道（乡镇）" in page and "lift-counties" not in page


def test_with_no_application_the_map_has_nothing_to_shade(client, people):
    page = client.get("/elevators/").content.decode()
    assert county_values(page) == {} and "暂无申请" in page
