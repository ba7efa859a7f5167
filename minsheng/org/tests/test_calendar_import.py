from datetime import date

import pytest
from django.core.management import CommandError, call_command

from minsheng.testing import log_in_verified
from minsheng.org import workdays
from minsheng.org.models import CalendarDay, CalendarYear, OrgEvent

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = """日期,类型,名称
2027-01-01,放假,元旦
2027-02-05,放假,春节
2027-02-08,放假,春节
2027-02-06,上班,春节调休上班
"""


def test_it_imports_a_year_from_csv_and_records_who_did_it(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("import_calendar", str(path), "--source", "国办发明电〔2026〕测试号")
    assert "已导入2027年安排：放假3天，调休上班1天" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕测试号"
    assert not workdays.is_working_day(date(2027, 2, 5))
    assert workdays.is_working_day(date(2027, 2, 6))  # a Saturday made a working day
    event = OrgEvent.objects.get(kind="calendar_imported")
    assert event.actor is None and event.data["holidays"] == 3 and event.data["workdays"] == 1


def test_it_imports_json_and_replaces_an_earlier_import(tmp_path):
    csv_path = tmp_path / "2027.csv"
    csv_path.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("import_calendar", str(csv_path))
    json_path = tmp_path / "2027.json"
    json_path.write_text(
        '{"year": 2027, "source": "更正", "days": [{"date": "2027-01-01", "type": "放假", "name": "元旦"}]}',
        encoding="utf-8",
    )
    call_command("import_calendar", str(json_path))
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 1, 1)]
    assert workdays.is_working_day(date(2027, 2, 5))


@pytest.mark.parametrize(
    "content, message",
    [
        ("日期,类型,名称\n2027-13-01,放假,元旦\n", "第2行「日期」“2027-13-01”不是YYYY-MM-DD格式的日期"),
        ("日期,类型,名称\n2027-01-01,放个假,元旦\n", "第2行「类型」应为“放假”或“上班”"),
        ("date,type\n2027-01-01,放假\n", "第一行应为列名"),
        ("日期,类型,名称\n2027-01-01,放假,元旦\n2028-01-01,放假,元旦\n", "跨越多个年度"),
        ("日期,类型,名称\n2027-01-01,放假,元旦\n2027-01-01,放假,元旦\n", "重复出现"),
        ("日期,类型,名称\n2027-01-05,上班,调休\n", "没有任何放假日期"),
    ],
)
def test_a_bad_file_imports_nothing_and_says_where(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_calendar", str(path))
    assert message in str(raised.value)
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_the_staff_home_warns_administrators_of_the_missing_year(client, people):
    log_in_verified(client, people.admin)
    page = client.get("/staff/").content.decode()
    assert "2027年的法定节假日和调休安排尚未导入" in page
    client.force_login(people.huang)
    assert "尚未导入" not in client.get("/staff/").content.decode()
    log_in_verified(client, people.sun)  # supervisors plan on the deadlines too
    assert "落在2027年的期限按法定节假日暂定计算" in client.get("/staff/").content.decode()


HOLIDAY_CN_2027 = {
    "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
    "year": 2027,
    "papers": ["https://www.gov.cn/zhengce/content/2026-11/test.htm"],
    "days": [
        {"name": "元旦", "date": "2026-12-31", "isOffDay": True},  # the same notice, the year before
        {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
        {"name": "春节", "date": "2027-02-05", "isOffDay": True},
        {"name": "春节", "date": "2027-02-20", "isOffDay": False},
    ],
}


def test_it_imports_the_holiday_cn_format(tmp_path, capsys):
    import json

    path = tmp_path / "2027.json"
    path.write_text(json.dumps(HOLIDAY_CN_2027, ensure_ascii=False), encoding="utf-8")
    call_command("import_calendar", str(path))
    out = capsys.readouterr().out
    assert "已导入2027年安排：放假2天，调休上班1天" in out and "相邻年度的日期已作为单日安排导入：2026-12-31" in out
    assert CalendarYear.objects.get(year=2027).source == "https://www.gov.cn/zhengce/content/2026-11/test.htm"
    assert workdays.is_working_day(date(2027, 2, 20)) and not workdays.is_working_day(date(2027, 2, 5))
    # The turn-of-the-year day is kept (no other file has it), without making 2026 an imported year.
    assert not workdays.is_working_day(date(2026, 12, 31)) and workdays.is_working_day(date(2026, 12, 30))
    assert not CalendarYear.objects.filter(year=2026).exists()


def test_an_administrator_imports_a_year_in_the_admin_and_sees_where_each_year_comes_from(client, people):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    log_in_verified(client, people.admin)
    listing = client.get("/admin/org/calendaryear/").content.decode()
    assert "2026年</td><td>chinese_calendar" in listing
    assert "2027年</td><td><strong>暂定" in listing and "导入节假日安排" in listing
    upload = SimpleUploadedFile("2027.json", json.dumps(HOLIDAY_CN_2027).encode(), content_type="application/json")
    response = client.post("/admin/org/calendaryear/import/", {"file": upload, "source": ""}, follow=True)
    assert "已导入2027年安排：放假2天，调休上班1天；同一通知中相邻年度的1天已作为单日安排导入" in response.content.decode()
    assert "2027年</td><td>已导入国务院安排" in response.content.decode()
    assert OrgEvent.objects.get(kind="calendar_imported").actor == people.admin
    bad = SimpleUploadedFile("2027.json", b'{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": "yes"}]}')
    page = client.post("/admin/org/calendaryear/import/", {"file": bad}).content.decode()
    assert "days第1项「isOffDay」应为true或false" in page and CalendarDay.objects.count() == 4
    deep = SimpleUploadedFile("2027.json", b"[" * 50000)
    assert "JSON文件嵌套过深" in client.post("/admin/org/calendaryear/import/", {"file": deep}).content.decode()
    wide = SimpleUploadedFile("2027.csv", ("日期,类型,名称\n2027-01-01,放假," + "节" * 200000 + "\n").encode())
    assert "CSV文件第2行无法读取" in client.post("/admin/org/calendaryear/import/", {"file": wide}).content.decode()
    nul = SimpleUploadedFile("2027.csv", "日期,类型,名称\n2027-01-01,放假,元\x00旦\n".encode())
    assert "控制字符" in client.post("/admin/org/calendaryear/import/", {"file": nul}).content.decode()
    client.force_login(people.huang)
    assert client.get("/admin/org/calendaryear/import/").status_code in (302, 403)
