"""Journey 11 in Debian's chromium: a helper's day (the visits due on her home page, a visit
recorded at the firm, a worker's child's school place raised for the firm as an enterprise case,
its progress on her list), then the firm's contact on a phone: logs in with the code texted to
the registered phone, sees the helper and the case, raises a demand of the firm's own and rates
the one solved. The department's own handling (dispatch, sign, close) is journey 4's, walked in
cases/tests/test_browser_cases.py; here it runs through the same actions. Screenshots go to
MINSHENG_SHOTS (or the test's folder)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions as case_actions
from minsheng.cases.models import Notification, Rating, Result, State
from minsheng.core.tests.browser import log_in, press
from minsheng.enterprises import actions
from minsheng.enterprises.models import Demand, Visit
from minsheng.testing import PASSWORD, make_department, make_entity, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.cases.catalogue import create_kinds, load_catalogue
    from minsheng.testing import make_personas

    with time_machine.travel(MONDAY, tick=True) as traveller:
        create_kinds()
        people = make_personas()
        education = make_department("湖口县教体局", people.hukou)
        load_catalogue()
        hongfeng = make_entity(people.hukou, name="江西宏丰塑胶有限公司", employees=320, revenue="18000",
                               contact_name="王经理", contact_phone="13907925566", actor=people.liu)
        other = make_entity(people.hukou, name="湖口县金砂湾新材料有限公司", employees=150, revenue="9000",
                            actor=people.liu)
        for firm, starts_on in ((hongfeng, date(2026, 9, 1)), (other, date(2026, 11, 2))):
            actions.do_assign_one_to_one(firm, helper=people.huang, starts_on=starts_on, actor=people.liu)
        teacher = make_user("jiaoti", education, "handler", full_name="程老师")
        yield live_server.url, people, hongfeng, teacher, traveller


def test_a_helpers_day_and_the_firm_following_its_demand_on_a_phone(site, desk, phone, shots):
    url, people, hongfeng, teacher, clock = site
    # Her home page: the visits due this month, 宏丰 overdue (last seen when the help began).
    log_in(desk, url, people.huang.username, PASSWORD)
    home = desk.inner_text("main")
    assert "本月应走访的企业" in home and "江西宏丰塑胶有限公司" in home and "已逾期" in home
    desk.screenshot(path=str(shots / "enterprise_helper_home.png"), full_page=True)
    desk.get_by_role("link", name="江西宏丰塑胶有限公司").first.click()
    desk.wait_for_url(re.compile(r"/enterprises/staff/\d+/(#visits)?$"))
    assert "13907925566" in desk.inner_text("main")  # her firm: the contact's phone whole
    # The visit, recorded at the firm.
    desk.get_by_role("link", name="登记走访").click()
    desk.get_by_label("实地走访").check()
    desk.get_by_label("走访情况").fill("与王经理座谈。职工李南星的孩子明年春季随迁入学，希望就近安排学位。")
    press(desk, "^登记$")
    assert "已登记走访" in desk.inner_text("main") and "李南星" in desk.inner_text("#visits")
    # The demand, for the firm: an enterprise case with a deadline, proposed to 县教体局.
    desk.get_by_role("link", name="代企业提出诉求").click()
    desk.get_by_label("诉求类别").select_option(label="职工子女入学")
    desk.get_by_label("标题").fill("职工李南星子女就近入学")
    desk.get_by_label("诉求内容").fill("职工李南星的孩子明年春季随迁入学，需要在工业园区附近安排小学学位。")
    press(desk, "^提出$")
    message = desk.inner_text("main")
    number = re.search(r"编号(湖口-\d{4}-\d{6})", message).group(1)
    assert "将按时限办理" in message and number in desk.inner_text("#demands")
    desk.screenshot(path=str(shots / "enterprise_profile_after_visit.png"), full_page=True)
    demand = Demand.objects.select_related("case").get()
    case = demand.case
    assert (case.kind.code, case.proposed_department.name) == ("enterprise", "湖口县教体局")
    assert Visit.objects.get().helper == people.huang
    # 县营商办 dispatches it, 县教体局 signs for it: on her list with its state.
    case_actions.do_accept_case(case, actor=people.liu)
    case_actions.do_dispatch_case(case, department=teacher.department, actor=people.liu)
    case_actions.do_sign_case(case, actor=teacher)
    desk.get_by_role("link", name="企业帮扶").first.click()
    desk.get_by_role("link", name="我帮扶的企业").first.click()
    mine = desk.inner_text("main")
    assert number in mine and "湖口县教体局" in mine
    desk.screenshot(path=str(shots / "enterprise_mine.png"), full_page=True)
    # Solved the next day.
    clock.move_to(datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI))
    case_actions.do_close_case(case, result=Result.SOLVED, text="已安排到工业园区小学就读，开学前通知家长报到。",
                               actor=teacher)

    # The firm's contact on a phone: the code to the registered phone, then the firm's page.
    phone.goto(f"{url}/enterprises/firm/login/")
    phone.get_by_label("统一社会信用代码").fill(hongfeng.uscc)
    press(phone, "获取验证码")
    sms = Notification.objects.filter(recipient_address="13907925566", body__contains="登录验证码").latest("pk")
    phone.get_by_label("短信验证码").fill(re.search(r"验证码为(\d{6})", sms.body).group(1))
    press(phone, "^登录$")
    phone.wait_for_url(f"{url}/enterprises/firm/")
    page = phone.inner_text("main")
    assert "黄鑫" in page and "一对一" in page and "职工李南星子女就近入学" in page
    assert "13907925566" not in page and "139****5566" in page
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "enterprise_firm_home_phone.png"), full_page=True)
    # It raises a demand of its own, and gets its number and query code.
    phone.get_by_role("link", name="提出诉求").click()
    phone.get_by_label("诉求类别").select_option(label="招工用工和人才")
    phone.get_by_label("诉求内容").fill("年后扩产需要招聘注塑操作工30名，希望参加县里的春风行动招聘会。")
    press(phone, "^提交$")
    assert "提交成功" in phone.inner_text("main") and "查询码" in phone.inner_text("main")
    phone.screenshot(path=str(shots / "enterprise_firm_new_demand_phone.png"), full_page=True)
    # It follows the schooling case to its result and rates it.
    phone.get_by_role("link", name=hongfeng.name).first.click()
    phone.get_by_role("link", name="职工李南星子女就近入学").click()
    result = phone.inner_text("main")
    assert "已安排到工业园区小学就读" in result and "程老师" not in result  # staff names stay inside
    phone.get_by_label("满意", exact=True).check()
    press(phone, "提交评价")
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED and case.state in (State.CLOSED, State.ARCHIVED)
    assert "本企业的评价：满意" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "enterprise_firm_rated_phone.png"), full_page=True)
    assert Demand.objects.count() == 2
