"""Journeys 3–7 of JOURNEYS.md in Debian's chromium: the window, dispatch, handling, the
resident following up and rating, and lateness climbing the ladder."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from minsheng.cases import actions
from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, State
from minsheng.core import clock
from minsheng.core.tests.browser import log_in
from minsheng.org.demo import DEMO_PASSWORD, load_org
from minsheng.org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.cases.catalogue import create_kinds

    with time_machine.travel(MONDAY, tick=True) as traveller:
        create_kinds()  # the flush between browser tests empties the migration's rows
        load_org()
        load_catalogue()
        yield live_server.url, traveller


def staff(page, url, username):
    log_in(page, url, username, DEMO_PASSWORD)


def test_a_walk_in_is_registered_dispatched_handled_closed_tracked_and_rated(site, desk, phone):
    url, _ = site
    # 3. 陈静 registers 赵阿姨 at the window, by keyboard alone.
    staff(desk, url, "chenjing")
    desk.goto(f"{url}/cases/staff/new/")
    started = datetime.now()
    desk.get_by_label("姓名").focus()
    desk.keyboard.type("赵秀英")
    desk.keyboard.press("Tab")
    desk.keyboard.type("13812341234")
    desk.get_by_label("原来申请办理的事项").focus()
    desk.keyboard.type("既有住宅加装电梯审批")
    desk.get_by_label("事项分类").select_option(label="住房城乡建设 / 既有住宅加装电梯")
    # The category suggests the department and asks its own questions.
    assert desk.get_by_label("建议承办部门").evaluate("e => e.options[e.selectedIndex].text") == "湖口县住建局"
    desk.get_by_label("楼栋及单元 *").fill("5栋2单元")
    desk.get_by_label("本单元业主是否已签署同意书 *").select_option(label="是")
    desk.get_by_label("卡在哪个部门").select_option(label="湖口县住建局")
    desk.get_by_label("跑了几次").fill("3")
    desk.get_by_label("诉求内容").fill("两个月前递交加装电梯审批，跑了三次还没有结果。")
    desk.get_by_label("希望如何解决").fill("尽快完成审批")
    desk.get_by_role("button", name="登记并打印回执").press("Enter")
    desk.wait_for_url("**/slip/")
    assert (datetime.now() - started).total_seconds() < 60
    slip = desk.inner_text("main")
    case = Case.objects.get()
    code = desk.locator(".code").inner_text()
    assert case.number in slip and "138****1234" in slip and len(code) == 8
    assert case.answers == {"building": "5栋2单元", "consent": "yes"}

    # 4. 刘伟 accepts and dispatches to the suggested bureau.
    staff(desk, url, "liuwei")
    desk.goto(f"{url}/cases/staff/inbox/?tab=to_accept")
    desk.get_by_role("link", name=case.number).click()
    desk.get_by_text("受理", exact=True).first.click()  # opens the panel
    desk.get_by_role("button", name="受理", exact=True).click()
    assert "已受理" in desk.inner_text("main")
    desk.get_by_text("派单", exact=True).first.click()
    assert desk.get_by_label("承办部门").evaluate("e => e.options[e.selectedIndex].text") == "湖口县住建局"
    desk.get_by_role("button", name="派单", exact=True).click()
    assert "已派单" in desk.inner_text("main")

    # 黄鑫 signs the same day, records the call, closes as 已解决; an empty close is refused.
    staff(desk, url, "huangxin")
    desk.goto(f"{url}/cases/staff/inbox/?tab=to_sign")
    desk.get_by_role("link", name=case.number).click()
    desk.get_by_role("button", name="签收", exact=True).click()
    assert "已签收" in desk.inner_text("main")
    desk.get_by_text("联系诉求人", exact=True).first.click()
    desk.get_by_label("联系方式").select_option(label="电话")
    desk.get_by_label("沟通情况").fill("电话联系赵阿姨，材料卡在设计审查，已协调")
    desk.get_by_role("button", name="联系诉求人", exact=True).click()
    desk.get_by_text("办结", exact=True).first.click()
    desk.get_by_label("已解决").check()
    desk.get_by_role("button", name="办结", exact=True).click()
    assert "办理情况：请填写办理情况。" in desk.inner_text("main")
    desk.get_by_label("办理情况").fill("设计审查已完成，审批已办结，批文已送达赵阿姨。")
    desk.get_by_role("button", name="办结", exact=True).click()
    assert "已办结" in desk.inner_text("main")

    # 7. Her son tracks it on his phone: the public timeline, without staff names or notes.
    phone.goto(f"{url}/cases/track/")
    phone.get_by_label("编号").fill(case.number)
    phone.get_by_label("查询码").fill("00000000")
    phone.get_by_role("button", name="查询").click()
    assert "编号或查询码不正确" in phone.inner_text("main")
    phone.get_by_label("编号").fill(case.number)
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    progress = phone.inner_text("main")
    assert "已转交湖口县住建局办理" in progress and "办理结果：已解决" in progress
    assert "黄鑫" not in progress and "刘伟" not in progress and "设计审查，已协调" not in progress
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    assert "本件已归档" in phone.inner_text("main")
    case.refresh_from_db()
    assert case.state == State.ARCHIVED and case.rating == "satisfied"


def test_an_unsigned_case_climbs_the_ladder_when_the_worker_runs(site, desk):
    url, traveller = site
    users = {user.username: user for user in User.objects.all()}
    from minsheng.cases.catalogue import kind
    from minsheng.cases.models import Category
    from minsheng.org.models import Department, Region

    housing = Department.objects.get(name="湖口县住建局")
    intake = actions.Intake(
        region=Region.objects.get(name="湖口县"), kind=kind("general"), category=Category.objects.get(code="property-management"),
        channel="window", requester_name="李大爷", requester_phone="13912345678", description="物业不履行维修义务", title="物业拒修屋顶漏水",
    )
    with clock.fixed(datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)):
        case, _ = actions.do_register_case(intake, actor=users["chenjing"])
        actions.do_accept_case(case, actor=users["liuwei"])
        actions.do_dispatch_case(case, department=housing, actor=users["liuwei"])
    call_command("worker", "--once")
    case.refresh_from_db()
    assert case.supervision_level == 3  # due 11-20 00:00: warned, overdue to the head, then the office

    staff(desk, url, "zhoujian")  # the department head was told
    assert "已逾期" in desk.inner_text("main") and case.number in desk.inner_text("main")
    staff(desk, url, "liuwei")
    desk.goto(f"{url}/cases/staff/supervision/")
    first_row = desk.locator("section").filter(has_text="各部门逾期与临期").locator("tbody tr").first.inner_text()
    assert "湖口县住建局" in first_row and "1" in first_row
    desk.get_by_role("link", name=case.number).click()
    desk.get_by_text("下发督办单", exact=True).first.click()
    desk.get_by_label("督办要求").fill("请立即签收并于3个工作日内办结，书面回复。")
    desk.get_by_role("button", name="下发督办单", exact=True).click()
    assert f"督-{case.number}-01" in desk.inner_text("main")
