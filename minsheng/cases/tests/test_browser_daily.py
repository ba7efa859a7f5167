"""Issue 8's daily screens in Debian's chromium, at phone and desk width: the window form's
errors all at once, the tracking page with its due time and QR code, the inbox on a phone.
Screenshots go to $SCREENSHOT_DIR (default /tmp/minsheng-screens) to be looked at."""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions
from minsheng.cases.catalogue import kind, load_catalogue
from minsheng.cases.models import Case, Category
from minsheng.core.tests.browser import log_in, wait_until
from minsheng.org.demo import DEMO_PASSWORD, load_org
from minsheng.org.models import Department, Region, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 9, 12, tzinfo=SHANGHAI)
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/minsheng-screens"))


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.cases.catalogue import create_kinds

    SHOTS.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(MONDAY, tick=True):
        create_kinds()
        load_org()
        load_catalogue()
        yield live_server.url


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_window_form_shows_every_problem_beside_its_field(site, desk, phone):
    for page, width in ((desk, "desk"), (phone, "phone")):
        log_in(page, site, "chenjing", DEMO_PASSWORD)
        page.goto(f"{site}/cases/staff/new/")
        page.get_by_label("事项分类").select_option(label="住房城乡建设 / 既有住宅加装电梯")
        page.get_by_label("手机号码").fill("12345")
        page.get_by_role("button", name="登记并打印回执").click()
        page.wait_for_load_state()
        page.get_by_text("楼栋及单元：请回答“楼栋及单元”。").wait_for()  # drawn by intake.js under the question
        main = page.inner_text("main")
        for problem in ("姓名：请填写姓名。", "手机号码：手机号码应为11位数字", "诉求内容：请填写诉求内容。",
                        "原来申请办理的事项：办不成事反映须填写", "卡在哪个部门：请选择卡在哪个部门", "跑了几次：办不成事反映须填写跑了几次。",
                        "楼栋及单元：请回答“楼栋及单元”。"):
            assert problem in main, problem
        assert "处需要修改" in main
        # The summary at the top has the focus; its first link leads to the first problem.
        wait_until(page, "document.activeElement.hasAttribute('data-error-summary')", timeout_ms=3000)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.name") == "requester_name"
        # 卡在哪个部门: the county's and the city's departments, filtered as one types.
        picker = page.get_by_label("卡在哪个部门")
        groups = picker.evaluate("e => [...e.querySelectorAll('optgroup')].map(g => g.label)")
        assert groups == ["湖口县", "市本级"]
        page.get_by_placeholder("按名称筛选部门，如“住建”").fill("住建")
        shown = picker.evaluate("e => [...e.options].filter(o => !o.hidden).map(o => o.text)")
        assert shown and all("住建" in name for name in shown) and "湖口县住建局" in shown
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        shot(page, f"window-errors-{width}")


def test_the_tracking_page_shows_the_due_time_and_a_qr_code(site, desk, phone):
    users = {user.username: user for user in User.objects.all()}
    intake = actions.Intake(
        region=Region.objects.get(name="湖口县"), kind=kind("general"), category=Category.objects.get(code="property-management"),
        channel="window", requester_name="李大爷", requester_phone="13912345678",
        description="小区物业不履行屋顶维修义务，雨天屋顶漏水已经三个月，多次找物业没有结果。", title="",
    )
    case, code = actions.do_register_case(intake, actor=users["chenjing"])
    Case.objects.filter(pk=case.pk).update(due_provisional=True)
    for page, width in ((phone, "phone"), (desk, "desk")):
        page.goto(f"{site}/cases/track/?number={case.number}")
        assert page.get_by_label("编号").input_value() == case.number
        page.get_by_label("查询码").fill(code)
        page.get_by_role("button", name="查询").click()
        main = page.inner_text("main")
        assert "预计12月1日前答复" in main and "暂定" in main and "0792-12345" in main
        assert "小区物业不履行屋顶维修义务" in main and "13912345678" not in main
        assert page.locator(".qr svg").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        shot(page, f"track-{width}")
    log_in(desk, site, "chenjing", DEMO_PASSWORD)
    desk.goto(f"{site}/cases/staff/new/{case.pk}/slip/")
    assert "预计12月1日前答复" in desk.inner_text("main") and desk.locator(".qr svg").is_visible()
    shot(desk, "slip-desk")


def test_the_inbox_is_usable_on_a_phone(site, phone, desk):
    users = {user.username: user for user in User.objects.all()}
    housing = Department.objects.get(name="湖口县住建局")
    for title in ("屋顶漏水三个月物业拒不维修", "加装电梯审批两个月没有结果"):
        intake = actions.Intake(
            region=Region.objects.get(name="湖口县"), kind=kind("general"), category=Category.objects.get(code="property-management"),
            channel="window", requester_name="李大爷", requester_phone="13912345678", description=title, title=title,
        )
        case, _ = actions.do_register_case(intake, actor=users["chenjing"])
        actions.do_accept_case(case, actor=users["liuwei"])
        actions.do_dispatch_case(case, department=housing, actor=users["liuwei"])
    for page, width in ((phone, "phone"), (desk, "desk")):
        log_in(page, site, "huangxin", DEMO_PASSWORD)
        page.goto(f"{site}/cases/staff/inbox/?tab=to_sign")
        title = page.get_by_role("link", name="屋顶漏水三个月物业拒不维修")
        assert title.bounding_box()["width"] > 150  # not squeezed to two characters
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        shot(page, f"inbox-{width}")
