import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from minsheng.testing import make_focus_area
from minsheng.pledges.models import EventKind, PledgeEvent, PledgeItem, PledgeList
from minsheng.pledges.xlsx import COLUMNS

pytestmark = pytest.mark.django_db
HEADER = [header for _key, header, _required in COLUMNS]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(number, title, *, parent="", area="聚焦城市建设", level="县级", region="湖口县", location="", leader="王强（副县长）",
        lead="湖口县住建局", co="", start="2026-01-01", deadline="2026-12-31", weight="", milestones=""):
    return [number, parent, title, f"{title}的具体内容", area, level, region, location, leader, lead, co, f"{title}的目标",
            start, deadline, weight, milestones]


GOOD_ROWS = [
    row("1", "既有住宅加装电梯20部", co="湖口县自然资源局、湖口县营商办", milestones="2026-06-30 完成10部；2026-12-31 完成20部"),
    row("2", "改造老旧小区8个", start=date(2026, 2, 1), deadline=date(2026, 11, 30)),
    row("3", "城区道路改造", lead="湖口县自然资源局"),
    row("3.1", "双钟镇道路改造", parent="3", region="双钟镇", weight="2"),
    row("3.2", "县城道路改造", parent="3", weight="1"),
]


def post_import(client, content, *, title="2026年湖口县实事清单", region=None, name="清单.xlsx"):
    return client.post(
        "/pledges/staff/lists/import/",
        {"title": title, "year": "2026", "region": str(region), "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def area(db):
    return make_focus_area("聚焦城市建设")


def test_a_good_file_imports_every_item_with_its_details(client, people, area):
    client.force_login(people.liu)
    response = post_import(client, workbook(GOOD_ROWS), region=people.hukou.pk)
    assert response.status_code == 302, response.content.decode()
    pledge_list = PledgeList.objects.get()
    assert (pledge_list.title, pledge_list.year, pledge_list.region) == ("2026年湖口县实事清单", 2026, people.hukou)
    items = {item.number: item for item in pledge_list.items.all()}
    assert sorted(items) == ["1", "2", "3", "3.1", "3.2"]
    first = items["1"]
    assert first.lead_department == people.hukou_housing
    assert sorted(d.name for d in first.co_departments.all()) == ["湖口县自然资源局", "湖口县营商办"]
    assert [(m.due_date, m.title) for m in first.milestones.all()] == [
        (date(2026, 6, 30), "完成10部"),
        (date(2026, 12, 31), "完成20部"),
    ]
    assert items["2"].deadline == date(2026, 11, 30)  # a real Excel date cell
    assert items["3.1"].parent == items["3"] and items["3.1"].region == people.shuangzhong
    assert items["3.1"].weight == 2
    assert PledgeEvent.objects.filter(kind=EventKind.IMPORTED, actor=people.liu).count() == 5


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_row(client, people, area):
    rows = [
        GOOD_ROWS[0],
        row("2", "", deadline="2026-12-31"),
        row("3", "错误领域", area="聚焦太空探索"),
        row("4", "错误日期", deadline="2026-02-30"),
        row("5", "时限早于开始", start="2026-06-01", deadline="2026-05-01"),
        row("6", "外县单位", lead="浔阳区住建局"),
        row("1", "重复序号"),
        row("7", "无上级", parent="99"),
        row("8", "层级不对", level="省级"),
        row("9", "不存在的单位", lead="湖口县宇宙局"),
    ]
    client.force_login(people.liu)
    response = post_import(client, workbook(rows), region=people.hukou.pk)
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    messages = [str(error) for error in report.errors]
    assert "第3行「事项名称」：必填，不能为空。" in messages
    assert any(m.startswith("第4行「聚焦领域」：“聚焦太空探索”不是已设置的聚焦领域") for m in messages)
    assert "第5行「完成时限」：日期“2026-02-30”不存在。" in messages
    assert "第6行「完成时限」：完成时限不能早于开始日期。" in messages
    assert any(m.startswith("第7行「牵头单位」") for m in messages)
    assert "第8行「序号」：与第2行重复。" in messages
    assert "第9行「上级序号」：表中没有序号为“99”的事项。" in messages
    assert "第10行「层级」：应为“市本级”或“县级”，不是“省级”。" in messages
    assert "第11行「牵头单位」：没有名为“湖口县宇宙局”的部门，请使用部门全称。" in messages
    assert "未导入任何事项" in page and "第11行" in page
    assert not PledgeList.objects.exists() and not PledgeItem.objects.exists() and not PledgeEvent.objects.exists()


def test_missing_columns_are_named(client, people, area):
    client.force_login(people.liu)
    response = post_import(client, workbook([["1", "x"]], header=["序号", "事项名称"]), region=people.hukou.pk)
    assert "缺少必填列：聚焦领域、层级、所属地区、牵头单位、开始日期、完成时限" in response.content.decode()
    assert not PledgeList.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client, people, area):
    client.force_login(people.liu)
    response = post_import(client, b"<script>alert(1)</script>", region=people.hukou.pk, name="清单.xlsx")
    page = response.content.decode()
    assert "类型不受支持" in page and "&lt;script&gt;" not in page
    response = post_import(client, b"PK\x03\x04 broken zip", region=people.hukou.pk)
    assert "文件无法作为Excel（.xlsx）工作簿打开" in response.content.decode()
    assert not PledgeList.objects.exists()


def test_items_must_lie_in_the_region_of_the_list(client, people, area):
    client.force_login(people.sun)
    response = post_import(client, workbook([row("1", "浔阳区的事", region="浔阳区", lead="浔阳区住建局")]), region=people.hukou.pk)
    assert "所属地区“浔阳区”不在清单制定地区“湖口县”范围内" in response.content.decode()


def test_handlers_cannot_import_and_county_supervisors_only_for_their_county(client, people, area):
    client.force_login(people.huang)
    response = client.get("/pledges/staff/lists/import/", follow=True)
    assert "只有管理员或督办员可以导入实事清单" in response.content.decode()
    client.force_login(people.liu)
    response = post_import(client, workbook(GOOD_ROWS), region=people.xunyang.pk)
    assert "请选择您所在地区" in response.content.decode()
    assert not PledgeList.objects.exists()


def test_the_same_title_twice_in_a_year_is_refused(client, people, area):
    client.force_login(people.liu)
    post_import(client, workbook(GOOD_ROWS), region=people.hukou.pk)
    response = post_import(client, workbook(GOOD_ROWS), region=people.hukou.pk)
    assert "已有名为“2026年湖口县实事清单”的清单" in response.content.decode()
    assert PledgeList.objects.count() == 1


def test_an_exported_list_imports_back_unchanged(client, people, area):
    client.force_login(people.liu)
    post_import(client, workbook(GOOD_ROWS), region=people.hukou.pk)
    original = PledgeList.objects.get()
    response = client.get(f"/pledges/staff/lists/{original.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    exported = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(exported)).active
    assert [cell.value for cell in sheet[1]][:3] == ["序号", "上级序号", "事项名称"]
    assert [cell.value for cell in sheet[1]][-3:] == ["当前进度（%）", "状态", "完成日期"]

    post_import(client, exported, title="复制的清单", region=people.hukou.pk)
    copy = PledgeList.objects.get(title="复制的清单")

    def shape(pledge_list):
        return sorted(
            (i.number, i.parent.number if i.parent else "", i.title, i.lead_department.name, i.start_date, i.deadline,
             i.weight, tuple(sorted(d.name for d in i.co_departments.all())),
             tuple((m.due_date, m.title) for m in i.milestones.all()))
            for i in pledge_list.items.all()
        )

    assert shape(copy) == shape(original)


def test_county_staff_cannot_export_another_countys_list(client, people, area):
    client.force_login(people.liu)
    post_import(client, workbook(GOOD_ROWS), region=people.hukou.pk)
    client.force_login(people.xu)
    assert client.get(f"/pledges/staff/lists/{PledgeList.objects.get().pk}/export.xlsx").status_code == 404


def test_the_template_lists_every_column(client, people):
    client.force_login(people.liu)
    response = client.get("/pledges/staff/lists/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "序号（必填）" and "节点" in headers
