"""An item's place on the map (issue 15): two optional numbers, set through the actions and
Excel, refused naming the field when they are not a point; the public pages draw the located
items, coloured by their derived status."""

import io
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from minsheng.core.errors import ActionError
from minsheng.pledges import actions
from minsheng.pledges.models import EventKind
from minsheng.pledges.tests.test_import import HEADER, post_import, row, workbook
from minsheng.testing import make_focus_area, make_item, make_pledge_list

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(people):
    return make_item(make_pledge_list(people.hukou), people.hukou_housing, title="湖口县城市驿站")


def test_a_new_item_keeps_its_point(people):
    draft = actions.ItemDraft(
        number="1", title="浔阳区城市驿站", focus_area=make_focus_area(), level="city", region=people.city,
        lead_department=people.city_housing, start_date=date(2026, 1, 1), deadline=date(2026, 12, 31),
        latitude="29.7051234", longitude=" 116.001 ",
    )
    item = actions.do_create_item(make_pledge_list(people.city), draft, actor=people.sun)
    item.refresh_from_db()
    assert (item.latitude, item.longitude) == (Decimal("29.705123"), Decimal("116.001000"))


def test_setting_the_point_is_one_edit_event(people, item):
    actions.do_edit_item(item, {"latitude": "29.7263", "longitude": "116.2517"}, actor=people.liu)
    item.refresh_from_db()
    assert (item.latitude, item.longitude) == (Decimal("29.726300"), Decimal("116.251700"))
    edit = item.events.get(kind=EventKind.EDITED)
    assert edit.note == "修改了纬度、经度。"
    assert edit.data == {"latitude": {"old": "", "new": "29.726300"}, "longitude": {"old": "", "new": "116.251700"}}
    # The same point again changes nothing; clearing both clears it.
    actions.do_edit_item(item, {"latitude": 29.7263, "longitude": "116.25170"}, actor=people.liu)
    assert item.events.filter(kind=EventKind.EDITED).count() == 1
    actions.do_edit_item(item, {"latitude": "", "longitude": None}, actor=people.liu)
    item.refresh_from_db()
    assert (item.latitude, item.longitude) == (None, None)


@pytest.mark.parametrize("changes, field, message", [
    ({"latitude": "北纬29度", "longitude": "116"}, "latitude", "纬度应为数字（如29.705000），不是“北纬29度”。"),
    ({"latitude": "29.7", "longitude": "abc"}, "longitude", "经度应为数字（如116.001000），不是“abc”。"),
    ({"latitude": "NaN", "longitude": "116"}, "latitude", "纬度应为数字"),
    ({"latitude": "91", "longitude": "116"}, "latitude", "纬度应在-90到90之间。"),
    ({"latitude": "29.7", "longitude": "-180.5"}, "longitude", "经度应在-180到180之间。"),
    ({"latitude": "29.7"}, "longitude", "填写了纬度，也请填写经度。"),
    ({"longitude": "116"}, "latitude", "填写了经度，也请填写纬度。"),
    ({"latitude": "30.5928", "longitude": "114.3055"}, "latitude", "不在九江市范围内"),  # 武汉
])
def test_a_bad_point_is_refused_naming_its_field(people, item, changes, field, message):
    with pytest.raises(ActionError) as refused:
        actions.do_edit_item(item, changes, actor=people.liu)
    assert refused.value.field == field and message in refused.value.message
    item.refresh_from_db()
    assert (item.latitude, item.longitude) == (None, None) and not item.events.filter(kind=EventKind.EDITED).exists()


def test_the_import_reads_the_point_and_the_export_writes_it(client, people):
    make_focus_area("聚焦城市建设")
    assert HEADER[-2:] == ["纬度", "经度"]
    client.force_login(people.liu)
    rows = [row("1", "双钟镇城市驿站") + [29.7263, "116.2517"], row("2", "县城道路改造")]
    response = post_import(client, workbook(rows), region=people.hukou.pk)
    assert response.status_code == 302, response.content.decode()
    items = {item.number: item for item in people.hukou.pledge_lists.get().items.all()}
    assert (items["1"].latitude, items["1"].longitude) == (Decimal("29.726300"), Decimal("116.251700"))
    assert (items["2"].latitude, items["2"].longitude) == (None, None)

    exported = client.get(f"/pledges/staff/lists/{items['1'].pledge_list_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [cell.value for cell in sheet[1]]
    assert [sheet.cell(row=2, column=header.index(name) + 1).value for name in ("纬度", "经度")] == [29.7263, 116.2517]
    template = load_workbook(io.BytesIO(client.get("/pledges/staff/lists/template.xlsx").content)).active
    assert {"纬度", "经度"} <= {cell.value for cell in template[1]}
    assert "“纬度”“经度”" in client.get("/pledges/staff/lists/import/").content.decode()


def test_bad_points_in_a_file_are_reported_by_row_and_nothing_is_imported(client, people):
    make_focus_area("聚焦城市建设")
    client.force_login(people.liu)
    rows = [row("1", "甲") + ["二十九", "116"], row("2", "乙") + ["29.7", ""], row("3", "丙") + ["29.7", "200"]]
    response = post_import(client, workbook(rows), region=people.hukou.pk)
    assert [str(error) for error in response.context["report"].errors] == [
        "第2行「纬度」：纬度应为数字（如29.705000），不是“二十九”。",
        "第3行「经度」：填写了纬度，也请填写经度。",
        "第4行「经度」：经度应在-180到180之间。",
    ]
    assert not people.hukou.pledge_lists.exists()


def test_the_public_search_draws_the_located_items_by_status(client, people):
    pledge_list = make_pledge_list(people.hukou)
    late = make_item(pledge_list, people.hukou_housing, title="城区公厕改造", deadline=date(2026, 10, 31))
    done = make_item(pledge_list, people.hukou_housing, title="双钟镇城市驿站")
    going = make_item(pledge_list, people.hukou_housing, title="县城道路改造")
    nowhere = make_item(pledge_list, people.hukou_housing, title="全县加装电梯")
    actions.do_post_progress(done, happened_on=date(2026, 11, 1), text="已建成开放", percent=100, actor=None)
    actions.do_post_progress(going, happened_on=date(2026, 11, 1), text="完成一半", percent=50, actor=None)
    for n, item in enumerate((late, done, going)):
        actions.do_edit_item(item, {"latitude": f"29.72{n}", "longitude": f"116.25{n}"}, actor=None)

    response = client.get("/pledges/items/", {"region": people.hukou.code})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="ms-map' in page and 'data-features="item-features"' in page and "标有位置的3项" in page
    features = json.loads(page.split('<script id="item-features" type="application/json">')[1].split("</script>")[0])["features"]
    shown = {feature["properties"]["title"]: feature for feature in features}
    assert {title: f["properties"]["tone"] for title, f in shown.items()} == {
        "城区公厕改造": "late", "双钟镇城市驿站": "done", "县城道路改造": "info"}
    assert nowhere.title in page and nowhere.title not in shown  # listed, not on the map
    assert shown["双钟镇城市驿站"]["geometry"]["coordinates"] == [116.251, 29.721]
    assert shown["双钟镇城市驿站"]["properties"]["url"] == f"/pledges/items/{done.pk}/"
    assert shown["城区公厕改造"]["properties"]["lines"][0] == "滞后 · 进度0%"

    # Filtered to items without a place, the page has no map at all.
    page = client.get("/pledges/items/", {"q": "电梯"}).content.decode()
    assert "ms-map" not in page and nowhere.title in page


def test_the_item_page_shows_its_place_when_it_has_one(client, people, item):
    assert "ms-map" not in client.get(f"/pledges/items/{item.pk}/").content.decode()
    actions.do_edit_item(item, {"latitude": "29.7263", "longitude": "116.2517"}, actor=None)
    page = client.get(f"/pledges/items/{item.pk}/").content.decode()
    assert 'data-features="item-features"' in page and "纬度29.726300，经度116.251700" in page
    assert '"tone": "info"' in page and f'"url": "/pledges/items/{item.pk}/"' in page
