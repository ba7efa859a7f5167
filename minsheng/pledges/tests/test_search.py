"""Finding items: by words (jieba), and by the region an item is owned by or located in."""

import subprocess
import sys
from datetime import date

import pytest

from minsheng.testing import make_focus_area, make_item, make_pledge_list
from minsheng.core.words import search_words
from minsheng.pledges import actions
from minsheng.pledges.queries import compute_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(people):
    """The city's elevator item with its 浔阳区 part, one 浔阳区 item, one 湖口县 item."""
    area = make_focus_area("聚焦城市建设")
    city = make_pledge_list(people.city)
    elevators = make_item(city, people.city_housing, title="既有住宅加装电梯305部", area=area)
    xunyang_part = make_item(
        city, people.xunyang_housing, parent=elevators, region=people.xunyang, level="city", title="浔阳区既有住宅加装电梯95部"
    )
    actions.do_edit_item(xunyang_part, {"location": people.xunyang}, actor=people.admin)
    station = make_item(city, people.city_housing, title="中心城区新建城市驿站30座", area=area)
    actions.do_edit_item(station, {"location": people.xunyang}, actor=people.admin)
    make_item(city, people.city_housing, title="新开优化城市公交线路15条", area=area)
    xunyang_own = make_item(make_pledge_list(people.xunyang), people.xunyang_housing, title="老旧小区既有住宅加装电梯12部", area=area)
    hukou_own = make_item(make_pledge_list(people.hukou), people.hukou_housing, title="改造城区破损道路8条", area=area)
    return {"elevators": elevators, "xunyang_part": xunyang_part, "station": station, "xunyang_own": xunyang_own, "hukou_own": hukou_own}


def found(client, **params) -> list[str]:
    response = client.get("/pledges/items/", params)
    assert response.status_code == 200
    return sorted(item.title for item in response.context["page"].object_list)


def test_the_query_is_split_into_words_each_of_which_must_appear(client, items):
    assert found(client, q="老旧小区电梯") == ["老旧小区既有住宅加装电梯12部"]
    assert found(client, q="电梯 老旧小区") == ["老旧小区既有住宅加装电梯12部"]
    # Words may come from different fields: the place, the lead department.
    assert found(client, q="浔阳区加装电梯") == ["老旧小区既有住宅加装电梯12部"]
    assert found(client, q="湖口县住建局的道路") == ["改造城区破损道路8条"]
    assert found(client, q="公交线路") == ["新开优化城市公交线路15条"]
    assert found(client, q="老旧小区驿站") == []
    assert found(client, q="的") == []  # a stop word alone matches what contains it, not everything
    assert found(client, q="🏠") == []


def test_words_drop_punctuation_and_one_character_stop_words():
    assert search_words("老旧小区电梯") == ("老旧", "小区", "电梯")
    assert search_words("城市公交线路") == ("城市", "公交", "线路")
    assert search_words("  加装电梯，的 和 305部！") == ("加装", "电梯", "305", "部")
    assert search_words("Wi-Fi") == ("wi", "fi")
    assert search_words("，。") == ("，。",)
    assert search_words("  ") == ()


def test_the_dictionary_is_not_loaded_when_a_process_starts():
    """Every management command and web process starts without jieba's second of loading: the
    dictionary is read on the first search, once per process."""
    code = (
        "import sys, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'minsheng.settings'); django.setup();"
        "import minsheng.urls, minsheng.pledges.queries, minsheng.pledges.views; print('jieba' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_a_countys_filter_shows_the_items_it_owns_and_the_city_items_located_in_it(client, people, items):
    listed = found(client, region=people.xunyang.code)
    assert listed == ["中心城区新建城市驿站30座", "浔阳区既有住宅加装电梯95部", "老旧小区既有住宅加装电梯12部"]
    page = client.get("/pledges/items/", {"region": people.xunyang.code}).content.decode()
    assert "共 3 项，其中2项是在本地实施的市本级事项" in page
    assert "实施地区：浔阳区" in page and "既有住宅加装电梯305部" in page  # the sub-item names its parent
    assert found(client, region=people.xunyang.code, q="加装电梯") == ["浔阳区既有住宅加装电梯95部", "老旧小区既有住宅加装电梯12部"]
    assert found(client, region=people.hukou.code) == ["改造城区破损道路8条"]
    # The city level keeps its own top-level items; sub-items stay under their parent.
    assert found(client, region="city") == ["中心城区新建城市驿站30座", "新开优化城市公交线路15条", "既有住宅加装电梯305部"]
    assert len(found(client)) == 5


@pytest.mark.parametrize("region", ["360", "36040", "360400", "360429100", "x" * 40, "３６０４０３"])
def test_a_region_that_is_not_a_county_matches_nothing(client, items, region):
    assert found(client, region=region) == []


def test_the_board_still_counts_each_item_once_by_its_owner(people, items):
    figures = compute_board(2026, date(2026, 11, 26))
    assert (figures.overall.total, figures.city.total, figures.county.total) == (5, 3, 2)
    assert {tally.label: tally.total for tally in figures.by_region} == {"市本级": 3, "湖口县": 1, "浔阳区": 1}
