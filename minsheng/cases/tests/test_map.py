"""办件地图 (issue 15): the located cases the user may see, coloured by state or counted in a
grid, every case of the filter counted by county and state below; never a requester's name or
phone, never a case the user may not open."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import queries
from minsheng.cases.models import Case, State
from minsheng.testing import case_in_state, register

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HUKOU = {"latitude": "29.731200", "longitude": "116.251300"}


@pytest.fixture(autouse=True)
def traveller():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def features(response) -> list[dict]:
    page = response.content.decode()
    data = page.split('<script id="case-features" type="application/json">')[1].split("</script>")[0]
    return json.loads(data)["features"]


def numbers(response) -> set[str]:
    return {feature["properties"]["title"].split()[0] for feature in features(response)}


def table_cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell.split('class="right">', 1)[-1]) for cell in row.split("</td>")[:-1]]


def test_the_map_shows_the_located_cases_the_user_may_see_and_no_personal_data(client, people):
    handling = case_in_state(people, State.HANDLING, title="赵秀英反映路灯不亮，请回电13812341234", **HUKOU)
    waiting = case_in_state(people, State.REGISTERED, **HUKOU)  # no department leads it yet
    unlocated = case_in_state(people, State.HANDLING)
    xunyang, _ = register(people, region=people.xunyang, actor=people.sun,
                          latitude="29.705000", longitude="116.001000")

    client.force_login(people.liu)  # 湖口县's supervisor: the county's cases
    response = client.get("/cases/staff/map/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="ms-map' in page and 'data-features="case-features"' in page and 'data-mode="points"' in page
    assert numbers(response) == {handling.number, waiting.number}
    assert unlocated.number not in numbers(response) and xunyang.number not in page
    # The requester's name and phone appear nowhere, not even in the title as typed.
    assert "赵秀英" not in page and "13812341234" not in page
    shown = next(f for f in features(response) if f["properties"]["title"].startswith(handling.number))
    assert shown["geometry"]["coordinates"] == [116.2513, 29.7312]
    assert shown["properties"]["url"] == f"/cases/staff/{handling.pk}/"
    assert shown["properties"]["tone"] == "info" and shown["properties"]["lines"][0] == "办理中"
    assert "赵*" in shown["properties"]["title"] and "138****1234" in shown["properties"]["title"]
    # The table counts every case of the filter, located or not.
    hukou_row = page.split("<th scope=\"row\">湖口县</th>")[1].split("</tr>")[0]
    assert table_cells(hukou_row) == ["3", "0", "0", "0", "3", "2"]

    client.force_login(people.huang)  # 湖口县住建局's handler: only what his department leads
    response = client.get("/cases/staff/map/")
    assert numbers(response) == {handling.number}

    client.force_login(people.xu)  # 浔阳区住建局: none of these
    response = client.get("/cases/staff/map/")
    assert response.status_code == 200 and features(response) == []
    assert "所选范围内没有标注了位置的办件" in response.content.decode()


def test_each_state_group_has_its_colour_and_its_filter(client, people):
    open_case = case_in_state(people, State.HANDLING, **HUKOU)
    late_case = case_in_state(people, State.HANDLING, **HUKOU)
    Case.objects.filter(pk=late_case.pk).update(due_at=NOW - timedelta(days=1))
    closed_case = case_in_state(people, State.ARCHIVED, **HUKOU)
    withdrawn = case_in_state(people, State.WITHDRAWN, **HUKOU)
    client.force_login(people.liu)

    tones = {f["properties"]["title"].split()[0]: f["properties"]["tone"] for f in features(client.get("/cases/staff/map/"))}
    assert tones == {open_case.number: "info", late_case.number: "late", closed_case.number: "done", withdrawn.number: "off"}
    assert numbers(client.get("/cases/staff/map/?group=open")) == {open_case.number, late_case.number}
    assert numbers(client.get("/cases/staff/map/?group=late")) == {late_case.number}
    assert numbers(client.get("/cases/staff/map/?group=closed")) == {closed_case.number}
    # A value the page never offers is read as the default, not an error.
    assert numbers(client.get("/cases/staff/map/?group=mars&days=7&mode=x")) == set(tones)

    page = client.get("/cases/staff/map/").content.decode()
    total = page.split("<tfoot>")[1].split("</tfoot>")[0]
    assert table_cells(total) == ["2", "1", "1", "1", "4", "4"]


def test_the_date_range_keeps_the_recent_cases(client, people, traveller):
    traveller.move_to(NOW - timedelta(days=100))
    old = case_in_state(people, State.ARCHIVED, **HUKOU)
    traveller.move_to(NOW - timedelta(days=40))
    middle = case_in_state(people, State.ARCHIVED, **HUKOU)
    traveller.move_to(NOW)
    new = case_in_state(people, State.HANDLING, **HUKOU)
    client.force_login(people.liu)
    assert numbers(client.get("/cases/staff/map/?days=30")) == {new.number}
    assert numbers(client.get("/cases/staff/map/")) == {new.number, middle.number}  # 90 days by default
    assert numbers(client.get("/cases/staff/map/?days=365")) == {new.number, middle.number, old.number}


def test_the_map_draws_the_newest_points_and_says_when_it_stops(client, people, monkeypatch, traveller):
    cases = []
    for hour in range(3):
        traveller.move_to(NOW - timedelta(hours=3 - hour))
        cases.append(case_in_state(people, State.HANDLING, **HUKOU))
    traveller.move_to(NOW)
    monkeypatch.setattr(queries, "MAP_POINTS", 2)
    client.force_login(people.liu)
    response = client.get("/cases/staff/map/")
    assert numbers(response) == {cases[1].number, cases[2].number}
    page = response.content.decode()
    assert "有位置的办件超过2件，地图只显示最新登记的2件" in page
    assert table_cells(page.split("<tfoot>")[1].split("</tfoot>")[0]) == ["3", "0", "0", "0", "3", "3"]  # all counted


def test_the_grid_view_counts_the_same_cases(client, people):
    case_in_state(people, State.HANDLING, **HUKOU)
    client.force_login(people.liu)
    page = client.get("/cases/staff/map/?mode=grid&group=open").content.decode()
    assert 'data-mode="grid"' in page and 'data-cell="0.01"' in page
    assert 'href="?group=open&amp;days=90&amp;mode=points" aria-' not in page  # the other mode is a plain link
    assert 'href="?group=open&amp;days=90&amp;mode=grid" aria-current="true"' in page


def test_the_map_is_for_staff_and_reached_from_the_staff_nav(client, people):
    assert client.get("/cases/staff/map/").status_code == 302
    client.force_login(people.liu)
    assert 'href="/cases/staff/map/"' in client.get("/cases/staff/inbox/").content.decode()
    assert '<a href="/cases/staff/map/" aria-current="page">办件地图</a>' in client.get("/cases/staff/map/").content.decode()
