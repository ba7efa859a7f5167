"""Issue 8: the due time people see — the resident's tracking page and slip (预计…前答复, 暂定,
summary, hotline, QR code without the query code), and 暂定 on the staff pages."""

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions
from minsheng.cases.models import Case, State, SupervisionNotice
from minsheng.cases.views.common import qr_svg
from minsheng.cases.workflow import last_day
from minsheng.testing import case_in_state, make_category, register

pytestmark = pytest.mark.django_db
# A Tuesday late in November: the acceptance is due on a December day with one digit.
NOW = datetime(2026, 11, 30, 9, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def expected(case) -> str:
    day = last_day(case.due_at)
    return f"预计{day.month}月{day.day}日前答复"


def make_provisional(case):
    Case.objects.filter(pk=case.pk).update(due_provisional=True)
    return Case.objects.get(pk=case.pk)


def test_the_tracking_page_shows_due_time_summary_hotline_and_a_qr_without_the_code(client, people, settings):
    settings.MINSHENG_HOTLINE = "0792-12345"
    case, code = register(people, description="小区3栋加装电梯审批两个月没有结果，联系人赵秀英13812341234。")
    page = client.post("/cases/track/", {"number": case.number, "code": code}).content.decode()
    assert expected(case) in page and "月0" not in page and "暂定" not in page
    assert "小区3栋加装电梯审批两个月没有结果" in page and "13812341234" not in page  # the summary, masked
    assert "0792-12345" in page
    link = f"http://testserver/cases/track/?number={quote(case.number)}"
    assert qr_svg(link, "打开本件查询页的二维码") in page  # the QR holds the number only
    assert code not in qr_svg(link, "")  # (and its address never the code)
    # The link the QR opens fills the number in; the code is typed by hand.
    opened = client.get(link).content.decode()
    assert f'value="{case.number}"' in opened and code not in opened


def test_a_provisional_due_time_reads_zanding_for_the_resident(client, people):
    case, code = register(people)
    make_provisional(case)
    page = client.post("/cases/track/", {"number": case.number, "code": code}).content.decode()
    assert expected(case) + '</span><span class="badge provisional"' in page


def test_the_slip_shows_due_time_summary_hotline_and_qr(client, people, settings):
    settings.MINSHENG_PUBLIC_URL = "https://minsheng.example.gov.cn/"
    client.force_login(people.chen)
    case, code = register(people, actor=people.chen)
    make_provisional(case)
    slip = client.get(f"/cases/staff/new/{case.pk}/slip/").content.decode()
    assert expected(case) in slip and "暂定" in slip and "加装电梯的审批申请两个月了" in slip and settings.MINSHENG_HOTLINE in slip
    assert qr_svg(f"https://minsheng.example.gov.cn/cases/track/?number={quote(case.number)}", "扫码查询办理进度") in slip
    assert "https://minsheng.example.gov.cn/cases/track/" in slip


def test_staff_see_zanding_beside_provisional_due_times(client, people):
    case = make_provisional(case_in_state(people, State.DISPATCHED))
    client.force_login(people.huang)
    inbox = client.get("/cases/staff/inbox/?tab=to_sign").content.decode()
    assert case.number in inbox and "暂定" in inbox
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert page.count(">暂定<") == 2  # the badge and the stage's due time
    notice = actions.do_issue_supervision_notice(case, requirement="请尽快签收", response_days=3, actor=people.liu)
    SupervisionNotice.objects.filter(pk=notice.pk).update(response_due_provisional=True)
    Case.objects.filter(pk=case.pk).update(due_provisional=False)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert page.count(">暂定<") == 1
    client.force_login(people.liu)
    board = client.get("/cases/staff/supervision/").content.decode()
    assert notice.number in board and ">暂定<" in board


def test_dates_are_written_without_leading_zeros(client, people):
    case = case_in_state(people, State.HANDLING)
    client.force_login(people.huang)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    day = last_day(case.due_at)
    assert f"{day.month}月{day.day}日止" in page and "2026年11月30日 09:12" in page and "-30 09:12" not in page


def test_the_city_level_has_one_name(client, people):
    category = make_category("city-housing", "城市住房", routes=[(people.city, people.city_housing)])
    case, _ = register(people, region=people.city, category=category, actor=people.sun)
    client.force_login(people.sun)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert "· 市本级 ·" in page
    submit = client.get("/cases/submit/").content.decode()
    assert ">市本级</option>" in submit and "市直部门）" not in submit and ">九江市</option>" not in submit


def test_due_today_and_two_days_left_look_different_from_five(client, people):
    from minsheng.cases.templatetags.cases_tags import urgency

    assert [urgency("green", 1, False), urgency("green", 2, False), urgency("green", 5, False), urgency("red", 3, True)] == [
        "today", "yellow", "green", "red"]
    case = case_in_state(people, State.DISPATCHED)  # one working day to sign: due the end of tomorrow
    client.force_login(people.huang)
    inbox = client.get("/cases/staff/inbox/?tab=to_sign").content.decode()
    assert 'class="deadline d-yellow"' in inbox and "剩2个工作日" in inbox
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert case.deadline_colour(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))) != "red"
        inbox = client.get("/cases/staff/inbox/?tab=to_sign").content.decode()
    assert 'class="deadline d-today"' in inbox and "今天到期" in inbox
    assert '<table class="data case-list">' in inbox and '<td class="title">' in inbox  # cards on a phone (site.css)


def test_a_title_cut_from_the_description_is_masked_on_the_tracking_page_and_the_slip(client, people):
    # No title typed: the first clause becomes it, and here that clause is a name and a phone.
    case, code = register(
        people, title="", requester_name="张三", description="我叫张三，电话13912345678，小区东门路灯不亮。"
    )
    assert "13912345678" in case.title
    page = client.post("/cases/track/", {"number": case.number, "code": code}).content.decode()
    assert "13912345678" not in page and "139****5678" in page and "张三" not in page
    client.force_login(people.chen)
    slip = client.get(f"/cases/staff/new/{case.pk}/slip/").content.decode()
    assert "13912345678" not in slip and "139****5678" in slip
