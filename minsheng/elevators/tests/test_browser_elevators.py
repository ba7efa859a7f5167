"""Journey 10 in Debian's chromium: the street files for the owners' representatives, the
community enters the paper votes until the vote passes, the street and the bureau move the
application through its stages, and a resident looks it up on a phone. Screenshots go to
MINSHENG_SHOTS (or the test's folder)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.tests.browser import log_in, press
from minsheng.elevators.models import Application
from minsheng.elevators.stages import Stage
from minsheng.testing import PASSWORD, make_entrance, make_personas, make_rule_set, make_street_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.cases.catalogue import create_kinds

    with time_machine.travel(MONDAY, tick=True) as traveller:
        create_kinds()
        people = make_personas()
        make_rule_set(people.city)
        make_entrance(people)
        yield live_server.url, people, make_street_office(people), traveller


def test_an_entrance_gets_its_lift_from_the_first_vote_to_a_resident_looking_it_up(site, desk, phone, shots):
    url, people, worker, clock = site
    log_in(desk, url, worker.username, PASSWORD)
    desk.get_by_role("link", name="加装电梯").first.click()
    desk.get_by_role("link", name="登记申请").click()
    desk.get_by_label("小区名称").fill("长运")
    desk.get_by_role("button", name="查找单元").click()
    desk.get_by_role("link", name="长运宿舍7栋1单元").click()
    desk.get_by_label(re.compile("（701室）")).check()
    desk.get_by_label(re.compile("（702室）")).check()
    press(desk, "登记申请")
    assert "已登记申请湖口-加梯-2026-0001" in desk.inner_text("main")
    application = Application.objects.get()
    press(desk, "可行性评估”办结")
    # The community enters the paper forms one by one; the ratios move with each.
    desk.screenshot(path=str(shots / "elevator_consultation.png"), full_page=True)
    dwellings = list(application.entrance.dwellings.order_by("floor", "number"))
    for dwelling in dwellings:
        choice = "不同意" if dwelling.number == "101" else "弃权" if dwelling.number == "102" else "同意"
        desk.get_by_role("combobox", name="户", exact=True).select_option(label=f"{dwelling.number}室（{dwelling.floor}层，{dwelling.area}㎡）")
        desk.get_by_label("表决票上的专有部分面积（㎡）").fill(str(dwelling.area))
        desk.get_by_label(choice, exact=True).check()
        press(desk, "^录入$")
        assert f"已录入{dwelling.number}室的表决意见" in desk.inner_text("main")
        if dwelling.number == "401":
            assert "还差" in desk.inner_text("#votes")
            desk.screenshot(path=str(shots / "elevator_votes_short.png"), full_page=True)
    assert "已达到" in desk.inner_text("#votes")
    desk.screenshot(path=str(shots / "elevator_votes_passed.png"), full_page=True)
    press(desk, "征求意见和表决”办结")
    desk.get_by_label("工程总造价（元）").fill("600000")
    desk.get_by_label("实施主体").fill("长运宿舍7栋业主委员会")
    press(desk, "^保存$")
    total = sum(float(text.replace(",", "")) for text in desk.locator("#votes tbody td:last-child").all_inner_texts() if text.strip())
    assert round(total, 2) == 400000.00  # 600,000 less the 200,000 subsidy, to the fen
    press(desk, "签订协议、确定实施主体”办结")
    press(desk, "设计”办结")
    desk.get_by_label("公示内容").fill("长运宿舍7栋1单元拟加装电梯一部，井道位于楼梯间北侧。公示期10日。")
    press(desk, "^发布$")
    clock.move_to(datetime(2026, 3, 13, 9, 0, tzinfo=SHANGHAI))
    press(desk, "公示”办结")
    press(desk, "街道审查”办结")
    assert Application.objects.get().stage == Stage.JOINT_REVIEW
    # The county bureau approves the joint review on its own account.
    log_in(desk, url, people.huang.username, PASSWORD)
    desk.goto(f"{url}/elevators/staff/{application.pk}/")
    assert "湖口县住建局" in desk.inner_text("main")
    press(desk, "联合审查”办结")
    assert Application.objects.get().stage == Stage.CONSTRUCTION
    desk.screenshot(path=str(shots / "elevator_staff_construction.png"), full_page=True)
    # 赵金德's grandson looks it up on a phone: the stage, the 公示, no names and no votes.
    phone.goto(f"{url}/elevators/")
    phone.get_by_label("所在县（市、区）").select_option(label="湖口县")
    phone.get_by_label("小区名称").fill("长运宿舍")
    phone.get_by_role("textbox", name="楼栋").fill("7")
    with phone.expect_navigation():
        phone.get_by_role("button", name="查询").click()
    phone.get_by_role("link", name="长运宿舍7栋1单元").click()
    public = phone.inner_text("main")
    assert "施工" in public and "井道位于楼梯间北侧" in public and "联合审查" in public
    assert "业主701" not in public and "不同意" not in public
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "elevator_public_phone.png"), full_page=True)
