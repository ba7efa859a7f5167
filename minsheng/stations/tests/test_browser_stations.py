"""Issue 15's journey in Debian's chromium: at 12:00 on a holiday (2026-10-04, 国庆) a sanitation
worker on 花果园北路 lets her phone tell the finder where she is and asks for the nearest station
open now with hot water. The closest station with hot water is closed for the holiday and the
closest open one has none: the finder gives the one after, open with its holiday duty. She
opens it, sees the duty roster, and reports the broken water heater; she gets the case number
and query code. 浔阳区城管局's 钱城 logs in and finds the case on the stations page and in his
inbox, with the station named on the case.

Screenshots go to MINSHENG_SHOTS (or the test's folder)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.tests.browser import log_in
from minsheng.org.models import Role
from minsheng.stations import actions
from minsheng.testing import PASSWORD, after_flush, make_category, make_department, make_personas, make_station, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOLIDAY_NOON = datetime(2026, 10, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WORKER_AT = {"latitude": 29.71330, "longitude": 115.98790}  # 花果园北路


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    with time_machine.travel(HOLIDAY_NOON, tick=True):
        after_flush()
        people = make_personas()
        bureau = make_department("浔阳区城管局", people.xunyang)
        qian = make_user("qiancheng", bureau, Role.HANDLER, full_name="钱城")
        make_category("station-facility", "城市驿站", parent_code="urban-management")
        every_day = {day: "06:30-21:00" for day in range(7)}
        closed_for_the_holiday = make_station(people, name="城市驿站·湓浦站", operator=bureau, weekly=every_day,
                                              point=(29.71380, 115.98820), amenities=["toilet", "hot-water"])
        actions.do_plan_holiday(closed_for_the_holiday, day=date(2026, 10, 4), spans="休息", actor=None)
        make_station(people, name="城市驿站·庾亮站", operator=bureau, weekly=every_day, point=(29.71400, 115.98900),
                     amenities=["toilet", "rest"])
        xunyang = make_station(people, name="城市驿站·浔阳站", operator=bureau, weekly=every_day,
                               point=(29.71600, 115.99100), amenities=["toilet", "hot-water", "microwave", "charging"])
        actions.do_plan_holiday(xunyang, day=date(2026, 10, 4), spans="08:00-20:00", duty_staff="王芳（站长）、志愿者黄秀英",
                                duty_phone="0792-8226001", services="饮用水、医药箱、爱心雨伞、应急充电", actor=None)
        make_station(people, name="城市驿站·甘棠湖站", operator=bureau, weekly=every_day, point=(29.70600, 115.98400),
                     amenities=["toilet", "hot-water"])
        yield live_server.url, qian


def test_a_sanitation_worker_finds_an_open_station_with_hot_water_on_a_holiday_and_reports_the_heater(
        site, browser, desk, shots):
    url, qian = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", geolocation=WORKER_AT, permissions=["geolocation"])
    phone = context.new_page()
    violations = []
    phone.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    phone.goto(url + "/stations/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("checkbox", name="热水").check()
    phone.get_by_role("checkbox", name="只看正在开放的").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="用我的位置").click()
    results = phone.locator(".station-list li")
    first = results.first.inner_text()
    assert "城市驿站·浔阳站" in first and "正在开放" in first and re.search(r"约\d+米", first)
    listed = phone.locator(".station-list").inner_text()
    assert "湓浦站" not in listed and "庾亮站" not in listed  # closed for the holiday; no hot water
    assert "甘棠湖站" in listed
    phone.wait_for_selector(".ms-map .leaflet-interactive")  # the stations drawn on the map
    phone.screenshot(path=str(shots / "stations-nearest.png"), full_page=True)

    phone.get_by_role("link", name="城市驿站·浔阳站").first.click()
    page = phone.inner_text("main")
    assert "正在开放" in page and "国庆节" in page and "王芳（站长）、志愿者黄秀英" in page
    phone.screenshot(path=str(shots / "stations-station.png"), full_page=True)
    phone.get_by_role("main").get_by_role("link", name="我要反映").click()
    phone.get_by_label("哪项设施").select_option(label="热水")
    phone.get_by_label("具体情况").fill("热水器坏了，中午没有热水泡面，麻烦尽快修一下。")
    phone.get_by_label("姓名").fill("刘桂兰")
    phone.get_by_label("手机号码").fill("13907921234")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交").click()
    receipt = phone.inner_text("main")
    number = re.search(r"浔阳-\d{4}-\d{6}", receipt).group(0)
    assert "查询码" in receipt
    phone.screenshot(path=str(shots / "stations-receipt.png"), full_page=True)
    context.close()
    assert violations == []

    qian.set_password(PASSWORD)
    qian.save()
    log_in(desk, url, "qiancheng", PASSWORD)
    desk.goto(url + "/stations/staff/")
    feedback = desk.locator("#cases-title + ul").inner_text()
    assert number in feedback and "城市驿站·浔阳站" in feedback
    desk.screenshot(path=str(shots / "stations-operator.png"), full_page=True)
    desk.get_by_role("link", name=re.compile(number)).click()
    case_page = desk.inner_text("main")
    assert "热水器坏了" in case_page and "城市驿站 · 城市驿站·浔阳站" in case_page and "涉及设施：热水" in case_page
    desk.goto(url + "/cases/staff/inbox/")
    assert number in desk.inner_text("main")
