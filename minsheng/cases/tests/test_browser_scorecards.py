"""The leader's trends in Debian's chromium (make e2e): a leader logs in and his home page opens
on the scorecards' monthly charts (Apache ECharts, served from this site under the
Content-Security-Policy); he narrows them to one bureau, on a desk and on a phone.

Screenshots go to $SCREENSHOT_DIR when it is set (to look at them), else to the test's folder."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions
from minsheng.cases.catalogue import create_kinds, kind, load_catalogue
from minsheng.cases.models import Category, Rating, Result
from minsheng.core import clock
from minsheng.core.tests.browser import log_in, wait_until
from minsheng.org.demo import DEMO_PASSWORD, load_org
from minsheng.org.models import Department, Region, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)


def months_of_cases():
    """Six months of 湖口县住建局's cases, getting better month by month: in the first month
    half are signed late and the residents reject some closings; by the last, few are."""
    users = {user.username: user for user in User.objects.all()}
    housing = Department.objects.get(name="湖口县住建局")
    category = Category.objects.get(code="property-management")
    hukou = Region.objects.get(name="湖口县")
    for month_index, month in enumerate(range(5, 11)):
        for n in range(6):
            start = datetime(2026, month, 3 + 3 * n, 9, 0, tzinfo=SHANGHAI)
            while start.weekday() >= 5:
                start += timedelta(days=1)
            late_sign = n < 3 - month_index // 2
            rejected = n < 2 - month_index // 3
            with clock.fixed(start):
                case, _ = actions.do_register_case(actions.Intake(
                    region=hukou, kind=kind("general"), category=category, channel="window",
                    requester_name="李大爷", requester_phone="13912345678", description="物业不履行维修义务",
                    title="物业拒修屋顶漏水",
                ), actor=users["chenjing"])
                actions.do_accept_case(case, actor=users["liuwei"])
                actions.do_dispatch_case(case, department=housing, actor=users["liuwei"])
            signed = start + timedelta(days=4 if late_sign else 0, hours=1)
            with clock.fixed(signed):
                actions.do_sign_case(case, actor=users["huangxin"])
            with clock.fixed(signed + timedelta(days=2)):
                actions.do_close_case(case, result=Result.SOLVED, text="已督促物业维修", actor=users["huangxin"])
            with clock.fixed(signed + timedelta(days=3)):
                rating = Rating.UNSATISFIED if rejected else Rating.SATISFIED
                actions.do_rate_case(case, rating=rating, comment="还在漏" if rejected else "", actor=users["liuwei"])


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    with time_machine.travel(NOW, tick=True):
        create_kinds()
        load_org()
        load_catalogue()
        months_of_cases()
        yield live_server.url


def charts_drawn(page) -> int:
    wait_until(page, "document.querySelectorAll('.trend-chart[data-drawn] canvas').length >= 9")
    return page.locator(".trend-chart[data-drawn]").count()


def test_a_leader_opens_on_the_trends_and_narrows_them_to_one_bureau(site, desk, phone, shots):
    log_in(desk, site, "zhangming", DEMO_PASSWORD)  # 张明, the city's leader: his home page
    assert "考核趋势 · 九江市全部部门" in desk.inner_text("main")
    assert charts_drawn(desk) == 9
    captions = desk.locator(".trend figcaption").all_inner_texts()
    assert captions[:3] == ["响应率", "解决率", "满意率"] and len(captions) == 9
    # Each chart has room: three abreast on a desk, none squeezed.
    widths = desk.eval_on_selector_all(".trend-chart canvas", "els => els.map(e => e.getBoundingClientRect().width)")
    assert min(widths) > 250
    desk.screenshot(path=str(shots / "trends-home-desk.png"), full_page=True)

    desk.get_by_role("link", name="按部门查看趋势").click()
    desk.get_by_label("部门", exact=True).select_option(label="湖口县住建局")
    desk.get_by_role("button", name="查看").click()
    assert "湖口县住建局 对比 九江市全部部门合计" in desk.inner_text("h2#trends-heading")
    assert charts_drawn(desk) == 9
    # The same figures as a table, for screen readers: the sign-for rate rose month by month.
    desk.get_by_text("查看数据表").click()
    rows = desk.locator("#trend-table tbody tr").all_inner_texts()
    may = next(r for r in rows if r.startswith("2026年5月"))
    october = next(r for r in rows if r.startswith("2026年10月"))
    assert "50.0%" in may and "100.0%" in october
    # Hovering a point of the first chart shows its month and figure (drawn on the canvas).
    box = desk.locator('[data-trend="response_rate"]').bounding_box()
    desk.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    desk.screenshot(path=str(shots / "trends-department-desk.png"), full_page=True)

    log_in(phone, site, "zhangming", DEMO_PASSWORD)
    assert charts_drawn(phone) == 9
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # one chart a row, nothing off the screen
    widths = phone.eval_on_selector_all(".trend-chart canvas", "els => els.map(e => e.getBoundingClientRect().width)")
    assert min(widths) > 300
    phone.screenshot(path=str(shots / "trends-home-phone.png"), full_page=True)
    phone.screenshot(path=str(shots / "trends-home-phone-top.png"))
