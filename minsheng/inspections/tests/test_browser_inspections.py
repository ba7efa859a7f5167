"""Journey 12 in Debian's chromium: 县市场监管局's handler files a routine visit to a bakery three
working days ahead with two certified inspectors (a quiet day for 规上 firms, but the bakery is
not one); the head approves it and the code is issued; the bakery's owner types the code on her
phone and sees who comes and why, and opens the QR link; the visit happens, its result is
recorded and published, and the public list shows it. Screenshots go to MINSHENG_SHOTS (or the
test's folder)."""

import re
from datetime import datetime

import pytest
import time_machine

from minsheng.core.tests.browser import log_in, press
from minsheng.inspections.models import Filing, FilingState
from minsheng.inspections.tests.conftest import SHANGHAI
from minsheng.testing import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.inspections.tests.conftest import TUESDAY
    from minsheng.inspections.tests.conftest import town as make_town

    with time_machine.travel(TUESDAY, tick=True) as traveller:
        people = make_personas()
        town = make_town.__wrapped__(people)
        for user in (town["he"], town["head"]):
            user.set_password(PASSWORD)
            user.save()
        yield live_server.url, town, traveller


def test_a_visit_filed_approved_checked_on_a_phone_inspected_and_published(site, desk, phone, shots):
    url, town, clock = site
    bakery = town["bakery"]
    # 何平 files the visit: three working days ahead, two inspectors, two items.
    log_in(desk, url, town["he"].username, PASSWORD)
    desk.get_by_role("link", name="入企检查").first.click()
    desk.get_by_role("link", name="备案入企检查").click()
    desk.get_by_label("检查对象（统一社会信用代码）").fill(bakery.uscc)
    desk.get_by_label("日常检查").check()
    desk.get_by_label("检查事由").fill("2026年度食品经营者日常监督检查计划")
    desk.get_by_label("计划检查日期").fill("2026-12-03")  # two working days: too soon
    desk.get_by_label("食品生产经营者检查").check()
    desk.get_by_label("食品标签检查").check()
    desk.get_by_label("王军（JX04290001）").check()
    desk.get_by_label("赵静（JX04290002）").check()
    press(desk, "提交备案")
    assert "至少提前3个工作日备案" in desk.inner_text("main") and not Filing.objects.exists()
    desk.get_by_label("计划检查日期").fill("2026-12-04")
    press(desk, "提交备案")
    assert "已备案" in desk.inner_text("main")
    filing = Filing.objects.get()
    assert filing.entity == bakery and filing.state == FilingState.FILED
    desk.screenshot(path=str(shots / "inspection_filed.png"), full_page=True)

    # 江涛, the head, approves: the code is issued.
    log_in(desk, url, town["head"].username, PASSWORD)
    desk.goto(f"{url}/inspections/staff/{filing.pk}/")
    press(desk, "批准并签发检查码")
    text = desk.inner_text("main")
    number, code = re.search(r"检查编号 (JC\d{10}) · 核验码 ([0-9A-Z]{8})", text).groups()
    assert number == filing.number and desk.locator(".qr svg").is_visible()
    desk.screenshot(path=str(shots / "inspection_code.png"), full_page=True)

    # The owner, on her phone, types the code from the SMS.
    phone.goto(f"{url}/inspections/")
    phone.get_by_label("检查编号").fill(number)
    phone.get_by_label("核验码").fill(code.lower())
    press(phone, "^核验$")
    page = phone.inner_text("main")
    assert "经备案批准" in page and bakery.name in page and "王军" in page and "JX04290002" in page
    assert "食品标签检查" in page and "2026年12月4日" in page
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "inspection_check_phone.png"), full_page=True)
    phone.goto(f"{url}/inspections/check/{number}/{code}/")  # the QR code's link
    assert "赵静" in phone.inner_text("main")

    # Friday: the visit, its result, its publication.
    clock.move_to(datetime(2026, 12, 4, 15, 0, tzinfo=SHANGHAI))
    log_in(desk, url, town["he"].username, PASSWORD)
    desk.goto(f"{url}/inspections/staff/{filing.pk}/")
    desk.get_by_text("登记检查结果").click()
    desk.get_by_label("实际检查日期").fill("2026-12-04")
    desk.get_by_label("未发现问题").check()
    press(desk, "^提交$")
    assert "请在期限内公示" in desk.inner_text("main")
    press(desk, "公示检查结果")
    assert "检查结果已公示" in desk.inner_text("main")
    filing.refresh_from_db()
    assert filing.state == FilingState.PUBLISHED and filing.publish_due.isoformat() == "2027-01-04"
    desk.screenshot(path=str(shots / "inspection_published.png"), full_page=True)

    phone.goto(f"{url}/inspections/results/")
    results = phone.inner_text("main")
    assert bakery.name in results and "未发现问题" in results
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "inspection_results_phone.png"), full_page=True)
