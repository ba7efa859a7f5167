"""An item's location region, besides its owner: set through the actions, the admin and Excel."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.errors import ActionError
from minsheng.testing import log_in_verified, make_focus_area, make_item, make_pledge_list
from minsheng.pledges import actions
from minsheng.pledges.models import EventKind
from minsheng.pledges.tests.test_import import HEADER, post_import, row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_item(people):
    return make_item(make_pledge_list(people.city), people.city_housing, title="中心城区新建城市驿站30座")


def test_setting_the_location_is_one_edit_event_on_the_timeline(client, people, city_item):
    actions.do_edit_item(city_item, {"location": people.xunyang}, actor=people.sun)
    city_item.refresh_from_db()
    assert city_item.location == people.xunyang
    edit = city_item.events.get(kind=EventKind.EDITED)
    assert (edit.note, edit.actor) == ("修改了实施地区。", people.sun)
    assert edit.data == {"location": {"old": "", "new": "浔阳区"}}
    page = client.get(f"/pledges/items/{city_item.pk}/").content.decode()
    assert "<dt>实施地区</dt><dd>浔阳区</dd>" in page
    # Setting it again changes nothing and records nothing.
    actions.do_edit_item(city_item, {"location": people.xunyang}, actor=people.sun)
    assert city_item.events.filter(kind=EventKind.EDITED).count() == 1


def test_a_location_outside_the_lists_region_is_refused_on_its_field(people):
    item = make_item(make_pledge_list(people.hukou), people.hukou_housing)
    actions.do_edit_item(item, {"location": people.shuangzhong}, actor=people.liu)  # a township of the county
    with pytest.raises(ActionError) as refused:
        actions.do_edit_item(item, {"location": people.xunyang}, actor=people.liu)
    assert refused.value.field == "location" and "实施地区“浔阳区”不在清单制定地区“湖口县”范围内" in refused.value.message
    item.refresh_from_db()
    assert item.location == people.shuangzhong


def test_the_import_reads_the_location_column_and_the_export_writes_it(client, people):
    make_focus_area("聚焦城市建设")
    assert "实施地区" in HEADER
    client.force_login(people.liu)
    rows = [row("1", "双钟镇老旧小区改造", location="双钟镇"), row("2", "县城道路改造")]
    response = post_import(client, workbook(rows), region=people.hukou.pk)
    assert response.status_code == 302, response.content.decode()
    items = {item.number: item for item in people.hukou.pledge_lists.get().items.all()}
    assert (items["1"].location, items["2"].location) == (people.shuangzhong, None)

    exported = client.get(f"/pledges/staff/lists/{items['1'].pledge_list_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("实施地区")
    assert [sheet.cell(row=r, column=column + 1).value for r in (2, 3)] == ["双钟镇", None]

    template = load_workbook(io.BytesIO(client.get("/pledges/staff/lists/template.xlsx").content)).active
    assert "实施地区" in [cell.value for cell in template[1]]
    assert "实施地区" in client.get("/pledges/staff/lists/import/").content.decode()  # the page documents it


def test_an_unknown_or_foreign_location_in_a_file_is_reported_by_row(client, people):
    make_focus_area("聚焦城市建设")
    client.force_login(people.liu)
    rows = [row("1", "甲", location="火星区"), row("2", "乙", location="浔阳区")]
    response = post_import(client, workbook(rows), region=people.hukou.pk)
    errors = [str(error) for error in response.context["report"].errors]
    assert errors == [
        "第2行「实施地区」：没有名为“火星区”的行政区划。",
        "第3行「实施地区」：实施地区“浔阳区”不在清单制定地区“湖口县”范围内。",
    ]
    assert not people.hukou.pledge_lists.exists()


def test_an_old_file_without_the_column_still_imports(client, people):
    make_focus_area("聚焦城市建设")
    client.force_login(people.liu)
    header = [name for name in HEADER if name != "实施地区"]
    data = row("1", "甲")
    del data[HEADER.index("实施地区")]
    response = post_import(client, workbook([data], header=header), region=people.hukou.pk)
    assert response.status_code == 302


def test_the_admin_sets_the_location_through_the_action(client, people, city_item):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    log_in_verified(client, people.admin)
    url = reverse("admin:pledges_pledgeitem_change", args=[city_item.pk])
    form = client.get(url).context["adminform"].form
    assert "location" in form.fields
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(
        focus_area=city_item.focus_area_id,
        region=city_item.region_id,
        location=people.xunyang.pk,
        lead_department=city_item.lead_department_id,
        co_departments=[],
        start_date="2026-01-01",
        deadline="2026-12-31",
        weight="",
        **{"milestones-TOTAL_FORMS": "0", "milestones-INITIAL_FORMS": "0"},
    )
    response = client.post(url, {key: value for key, value in data.items() if value is not None})
    assert response.status_code == 302, response.content.decode()[:2000]
    city_item.refresh_from_db()
    assert city_item.location == people.xunyang
    assert city_item.events.get(kind=EventKind.EDITED).data == {"location": {"old": "", "new": "浔阳区"}}


def test_a_new_item_may_be_created_with_its_location(people):
    pledge_list = make_pledge_list(people.city)
    draft = actions.ItemDraft(
        number="9", title="浔阳区城市驿站", focus_area=make_focus_area(), level="city", region=people.city,
        location=people.xunyang, lead_department=people.city_housing, start_date=date(2026, 1, 1), deadline=date(2026, 12, 31),
    )
    item = actions.do_create_item(pledge_list, draft, actor=people.sun)
    assert item.location == people.xunyang
    assert item.events.get().kind == EventKind.CREATED
