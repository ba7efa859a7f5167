"""The practical-matter pages in Debian's chromium (make e2e), on the demo's lists: a resident
on a phone finds what is done in his district, and a bureau ticks a milestone off on its day.

Screenshots go to $SCREENSHOT_DIR when it is set (to look at them), else to the test's folder."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from minsheng.core.tests.browser import log_in
from minsheng.org.demo import DEMO_PASSWORD, load_org
from minsheng.pledges.demo import load_pledges

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    with time_machine.travel(NOW, tick=True):
        load_pledges(load_org())
        yield live_server.url


def names_on_one_line(page, selector: str) -> list[str]:
    """The texts of the matching inline elements that wrapped onto a second line."""
    return page.eval_on_selector_all(selector, "els => els.filter(e => e.getClientRects().length > 1).map(e => e.textContent)")


def shown_dates(page) -> list[tuple[int, int, int]]:
    texts = page.locator("ol.timeline .when").all_inner_texts()
    return [tuple(int(part) for part in re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text).groups()) for text in texts]


def test_a_resident_finds_the_citys_lifts_in_his_district_and_reads_a_timeline_with_photos(site, phone, shots):
    phone.goto(site + "/")
    assert "市县两级共制定实事清单638项，已完成494项；其中市本级34项，已完成23项" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert names_on_one_line(phone, ".bar-row.named a") == []  # 聚焦民生保障, 共青城市: never cut in two
    phone.screenshot(path=str(shots / "board-phone.png"), full_page=True)

    phone.get_by_role("link", name="浔阳区", exact=True).click()
    phone.get_by_label("关键词").fill("老旧小区电梯")
    phone.get_by_role("button", name="查询").click()
    main = phone.inner_text("main")
    assert "浔阳区既有住宅加装电梯95部" in main and "实施地区：浔阳区" in main
    assert "其中1项是在本地实施的市本级事项" in main
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "search-phone.png"), full_page=True)

    phone.locator("ul.items a.title").filter(has_text=re.compile(r"^既有住宅加装电梯\d+部$")).first.click()
    body = phone.inner_text("body")
    assert "浔阳区住建局" in body and "进展时间线" in body
    dates = shown_dates(phone)
    assert len(dates) >= 2 and dates == sorted(dates)
    assert "2026-" not in phone.inner_text("main")
    photos = phone.locator("ol.timeline .evidence img")
    assert photos.count() >= 1
    for index in range(photos.count()):
        photo = photos.nth(index)
        photo.scroll_into_view_if_needed()  # they load lazily
        expect(photo).to_be_visible()
        assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320  # a real image
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "item-phone.png"), full_page=True)


def test_the_board_and_an_item_on_a_desk(site, desk, shots):
    desk.goto(site + "/")
    assert names_on_one_line(desk, ".bar-row.named a") == []
    desk.screenshot(path=str(shots / "board-desk.png"), full_page=True)
    desk.goto(site + "/pledges/items/?q=既有住宅加装电梯305部")
    desk.get_by_role("link", name="既有住宅加装电梯305部").click()
    assert desk.get_by_role("link", name="浔阳区既有住宅加装电梯95部").is_visible()
    dates = shown_dates(desk)
    assert dates == sorted(dates)
    desk.screenshot(path=str(shots / "item-desk.png"), full_page=True)


def test_a_bureau_ticks_a_milestone_off_on_the_day_it_was_done(site, desk, shots):
    log_in(desk, site, "lihong", DEMO_PASSWORD)
    desk.goto(site + "/pledges/items/?q=更新改造老化燃气管道120公里")
    desk.get_by_role("link", name="更新改造老化燃气管道120公里").click()
    desk.goto(desk.url.replace("/pledges/items/", "/pledges/staff/items/"))
    row = desk.locator("tr", has_text="全面完成")
    day = row.get_by_label("完成日期")
    assert day.input_value() == "2026-11-26"  # today, unless another day is entered
    day.fill("2026-11-30")
    row.get_by_role("button", name="确认完成").click()
    row = desk.locator("tr", has_text="全面完成")
    assert "完成日期：完成日期不能晚于今天。" in row.inner_text()
    assert row.get_by_label("完成日期").input_value() == "2026-11-30"  # what was typed stays
    desk.screenshot(path=str(shots / "milestone-refused-desk.png"), full_page=True)

    row.get_by_label("完成日期").fill("2026-11-20")
    row.get_by_role("button", name="确认完成").click()
    assert "已确认节点“全面完成”于2026年11月20日完成。" in desk.inner_text("main")
    assert "✔ 2026年11月20日" in desk.locator("tr", has_text="全面完成").inner_text()
    desk.get_by_role("link", name="查看公开页面").click()
    assert "✔ 2026年11月20日" in desk.locator("tr", has_text="全面完成").inner_text()
    assert "2026年11月20日 · 完成节点" in desk.inner_text("ol.timeline")
    dates = shown_dates(desk)
    assert dates == sorted(dates)
    desk.screenshot(path=str(shots / "milestone-public-desk.png"), full_page=True)
