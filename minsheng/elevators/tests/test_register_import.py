"""The communities' register spreadsheet: one row a dwelling, a row report, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from minsheng.elevators.models import Dwelling, Estate, Owner, RegisterEvent
from minsheng.elevators.register_xlsx import COLUMNS
from minsheng.testing import make_street_office, resident_id

pytestmark = pytest.mark.django_db
HEADER = [header for _key, header, _required in COLUMNS]


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("登记.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row(number="101", floor=1, area=63.52, owners="王一", ids="", phones="", estate="化纤厂宿舍", building="3栋", floors=6,
        street="双钟镇", over_60=0):
    return ["湖口县", street, "石钟山社区", estate, 1990, "2021年第一批", building, floors, "1单元", number, floor, area, owners, ids,
            phones, over_60]


def test_a_register_is_imported_with_co_owners_and_one_person_with_two_dwellings(client, people):
    client.force_login(make_street_office(people))
    same = resident_id("36042919600101123")
    response = client.post("/elevators/staff/register/import/", {"file": workbook([
        row("101", 1, 63.52, "王一、李二", f"{same}、{resident_id('36042919620202234')}", "13912345678、"),
        row("102", 1, 78.10, "王一", same),
        row("201", 2, 63.5, "赵三", over_60=2),
    ])})
    assert response.status_code == 302, response.content.decode()[-2000:]
    estate = Estate.objects.get(name="化纤厂宿舍")
    assert estate.street == people.shuangzhong and estate.renovation_batch == "2021年第一批"
    assert Dwelling.objects.count() == 3 and Owner.objects.filter(name="王一").count() == 1
    assert Dwelling.objects.get(number="101").voter.name == "王一"
    assert RegisterEvent.objects.filter(estate=estate).count() == 3  # estate, building, dwellings


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_imported(client, people):
    client.force_login(make_street_office(people))
    response = client.post("/elevators/staff/register/import/", {"file": workbook([
        row("101", 1, 63.52),
        row("102", 9, "六十", "钱四", "123"),
        row("101", 1, 70),
    ])})
    page = response.content.decode()
    assert response.status_code == 400
    for expected in ("第3行", "楼层", "不能高于地上层数（6层）", "专有部分面积（㎡）", "应为数字", "身份证号", "与第2行是同一户"):
        assert expected in page, expected
    assert not Estate.objects.exists() and not Owner.objects.exists()


def test_a_file_that_is_no_workbook_or_lacks_columns_is_refused(client, people):
    client.force_login(make_street_office(people))
    junk = SimpleUploadedFile("登记.xlsx", b"PK\x03\x04 not really", content_type="application/octet-stream")
    response = client.post("/elevators/staff/register/import/", {"file": junk})
    assert response.status_code == 400 and "文件" in response.content.decode()
    book = Workbook()
    book.active.append(["小区", "房号"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post("/elevators/staff/register/import/", {"file": SimpleUploadedFile("a.xlsx", buffer.getvalue())})
    assert "缺少必填列：县（市、区）" in response.content.decode()


def test_the_template_downloads(client, people):
    client.force_login(make_street_office(people))
    response = client.get("/elevators/staff/register/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
