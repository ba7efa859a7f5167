from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.testing import make_focus_area, make_item, make_pledge_list
from minsheng.pledges import actions
from minsheng.pledges.queries import compute_board

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def finish(item, percent=100):
    actions.do_post_progress(item, happened_on=date(2026, 10, 1), text="完成", percent=percent, actor=None)


@pytest.fixture
def lists(people):
    """City: 3 items, 2 done. 湖口: 4 items (one in a township), 2 done, 1 late. 浔阳: 1 item, done."""
    housing, ecology = make_focus_area("聚焦城市建设"), make_focus_area("聚焦生态环境")
    city = make_pledge_list(people.city)
    items = [make_item(city, people.city_housing, area=housing) for _ in range(3)]
    finish(items[0])
    finish(items[1])
    parent = items[2]
    # Sub-items are not counted on the board: their parent is.
    child = make_item(city, people.city_housing, parent=parent)
    finish(child)
    hukou = make_pledge_list(people.hukou)
    hukou_items = [make_item(hukou, people.hukou_housing, area=ecology) for _ in range(3)]
    hukou_items.append(make_item(hukou, people.hukou_housing, region=people.shuangzhong, area=ecology, deadline=date(2026, 11, 1)))
    finish(hukou_items[0])
    finish(hukou_items[1])
    finish(hukou_items[3], percent=50)  # past its deadline: late
    xunyang = make_pledge_list(people.xunyang)
    finish(make_item(xunyang, people.xunyang_housing, area=housing))
    # Another year's list stays off this year's board.
    make_item(make_pledge_list(people.city, year=2025), people.city_housing, start_date=date(2025, 1, 1), deadline=date(2025, 12, 31))
    return parent


def test_the_board_counts_top_level_items_by_level_region_and_area(people, lists):
    figures = compute_board(2026, TODAY)
    assert (figures.overall.total, figures.overall.done, figures.overall.late) == (8, 6, 1)
    assert (figures.city.total, figures.city.done) == (3, 3)  # the parent completed through its only child
    assert (figures.county.total, figures.county.done) == (5, 3)
    assert figures.headline == "市县两级共制定实事清单8项，已完成6项；其中市本级3项，已完成3项"
    regions = {tally.label: (tally.total, tally.done, tally.late) for tally in figures.by_region}
    assert regions == {"市本级": (3, 3, 0), "湖口县": (4, 2, 1), "浔阳区": (1, 1, 0)}
    areas = {tally.label: (tally.total, tally.done) for tally in figures.by_area}
    assert areas == {"聚焦城市建设": (4, 4), "聚焦生态环境": (4, 2)}


def test_the_public_board_shows_the_computed_figures_without_login(client, people, lists):
    page = client.get("/").content.decode()
    assert "市县两级共制定实事清单8项，已完成6项；其中市本级3项，已完成3项" in page
    assert "湖口县" in page and "滞后1" in page


def test_the_board_changes_as_soon_as_progress_is_posted(client, people, lists):
    assert "已完成6项" in client.get("/").content.decode()
    item = people.hukou_housing.led_pledge_items.filter(percent=0).first()
    finish(item)
    assert "已完成7项" in client.get("/").content.decode()


def test_the_board_has_other_years_on_request(client, people, lists):
    page = client.get("/?year=2025").content.decode()
    assert "市县两级共制定实事清单1项，已完成0项" in page


def test_the_item_search_filters_by_text_region_area_and_status(client, people, lists):
    hukou_late = people.hukou_housing.led_pledge_items.get(region=people.shuangzhong)
    actions.do_edit_item(hukou_late, {"title": "双钟镇污水管网改造"}, actor=people.liu)
    response = client.get("/pledges/items/", {"q": "污水管网"})
    assert [item.pk for item in response.context["page"].object_list] == [hukou_late.pk]
    response = client.get("/pledges/items/", {"region": people.hukou.code})
    assert response.context["page"].paginator.count == 4
    response = client.get("/pledges/items/", {"region": people.hukou.code, "status": "late"})
    assert [item.pk for item in response.context["page"].object_list] == [hukou_late.pk]
    response = client.get("/pledges/items/", {"region": "city"})
    assert response.context["page"].paginator.count == 3
    assert client.get("/pledges/items/", {"area": "x"}).context["page"].paginator.count == 0


def test_an_item_page_shows_its_public_timeline_and_a_missing_one_is_404(client, people, lists):
    item = people.xunyang_housing.led_pledge_items.get()
    page = client.get(f"/pledges/items/{item.pk}/").content.decode()
    assert item.title in page and "浔阳区住建局" in page and "已完成" in page
    assert "2026年10月1日" in page and "报送进度" in page
    assert client.get("/pledges/items/999999/").status_code == 404


def test_text_typed_by_staff_is_shown_escaped(client, people, lists):
    item = people.xunyang_housing.led_pledge_items.get()
    actions.do_post_progress(item, happened_on=date(2026, 11, 1), text="<script>alert('x')</script>", percent=100, actor=people.xu)
    page = client.get(f"/pledges/items/{item.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_staff_see_their_departments_items_late_first(client, people, lists):
    client.force_login(people.huang)
    response = client.get("/staff/")
    items = response.context["items"]
    assert len(items) == 4
    assert items[0].status == "late"
    page = response.content.decode()
    assert "滞后1项" in page


def test_the_board_counts_the_practical_matters_only(people):
    """A reform task list or a rectification list runs on the same engine but is not a
    practical matter: the public board and the item search leave it out."""
    from datetime import date

    from minsheng.pledges import queries
    from minsheng.pledges.models import ListKind

    practical = make_pledge_list(people.city, year=2026)
    reform = make_pledge_list(people.city, year=2026, title="2026年优化营商环境改革任务清单")
    reform.kind = ListKind.REFORM
    reform.save()
    make_item(practical, people.city_housing, title="老旧小区加装电梯")
    make_item(reform, people.city_housing, title="企业开办一日办结")
    board = queries.compute_board(2026, date(2026, 12, 1))
    assert board.overall.total == 1
    found = [item.title for item in queries.search_items(year=2026, today=date(2026, 12, 1))]
    assert found == ["老旧小区加装电梯"]
    reform_items = queries.search_items(year=2026, today=date(2026, 12, 1), kind=ListKind.REFORM)
    assert [item.title for item in reform_items] == ["企业开办一日办结"]
