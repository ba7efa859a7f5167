from datetime import date

import pytest
from django.core.management import CommandError, call_command

from minsheng.core.testing import log_in_verified
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
