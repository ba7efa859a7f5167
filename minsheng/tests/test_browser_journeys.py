"""The journeys of JOURNEYS.md walked in Debian's chromium (make e2e)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from django.core.management import call_command

from minsheng.testing import png_bytes
from minsheng.core.tests.browser import log_in as browser_log_in
from minsheng.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    with time_machine.travel(NOW, tick=True):
        call_command("demo", "--no-serve", verbosity=0)
        yield live_server.url


def log_in(page, site, username):
    browser_log_in(page, site, username, DEMO_PASSWORD)


def test_a_resident_reads_the_board_and_an_items_timeline_on_a_phone(site, phone, tmp_path):
    phone.goto(site + "/")
    headline = phone.get_by_role("heading", level=1)
    assert "我为群众办实事" in headline.inner_text()
    assert "市县两级共制定实事清单638项，已完成494项；其中市本级34项，已完成23项" in phone.inner_text("body")
    # Nothing on the page is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name="浔阳区").click()
    phone.get_by_label("关键词").fill("加装电梯")
    phone.get_by_role("button", name="查询").click()
    phone.get_by_role("link", name="既有住宅加装电梯").first.click()
    body = phone.inner_text("body")
    assert "浔阳区住建局" in body and "进展时间线" in body and "牵头领导" in body
    assert "登录" not in phone.get_by_role("heading", level=1).inner_text()
    phone.screenshot(path=str(tmp_path / "item.png"), full_page=True)


def test_a_bureau_posts_progress_with_a_photo_and_the_public_sees_it(site, desk, tmp_path):
    log_in(desk, site, "lihong")
    assert "滞后" in desk.inner_text("main")
    desk.get_by_role("link", name="改造城镇老旧小区99个").first.click()
    desk.get_by_label("完成进度（%）").fill("92")
    desk.get_by_label("进展情况").fill("本周新完成3个小区的外立面和管网改造，累计完成91个。")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes(40, 30))
    desk.get_by_label("佐证材料").set_input_files(str(photo))
    desk.get_by_role("button", name="报送").click()
    assert "进度已报送" in desk.inner_text("main")
    desk.get_by_role("link", name="查看公开页面").click()
    public = desk.inner_text("main")
    assert "累计完成91个" in public and "92%" in public
    # Waits for the image: before it has loaded it has no size, and Playwright calls that hidden.
    expect(desk.get_by_role("img", name="佐证材料：现场照片.png")).to_be_visible()
    assert "李红" not in public


def test_bad_progress_input_is_explained_next_to_the_field(site, desk):
    log_in(desk, site, "lihong")
    desk.get_by_role("link", name="改造城镇老旧小区99个").first.click()
    desk.get_by_label("完成进度（%）").fill("150")
    desk.get_by_role("button", name="报送").click()
    main = desk.inner_text("main")
    assert "完成进度（%）：完成进度不能大于100。" in main
    assert "进展情况：请填写进展情况。" in main


def test_a_bureau_cannot_post_on_another_bureaus_item(site, desk):
    log_in(desk, site, "huangxin")
    desk.goto(f"{site}/pledges/items/?q=改造城镇老旧小区99个")
    desk.get_by_role("link", name="改造城镇老旧小区99个").click()
    item_url = desk.url
    desk.goto(item_url.replace("/pledges/items/", "/pledges/staff/items/"))
    assert "您可以查看但不能报送进度" in desk.inner_text("main")
    assert desk.get_by_role("button", name="报送").count() == 0


def test_the_administrator_binds_an_authenticator_and_is_told_which_calendar_year_is_missing(site, desk):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    desk.context.clear_cookies()
    desk.goto(f"{site}/accounts/login/")
    desk.get_by_label("用户名").fill("admin")
    desk.get_by_label("密码").fill(DEMO_PASSWORD)
    desk.get_by_role("button", name="登录").click()
    desk.wait_for_url(f"{site}/accounts/two-factor/**")
    assert "管理员账号必须开启两步验证" in desk.inner_text("main")
    assert desk.locator(".qr svg").is_visible()
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)  # the phone's app would show this
    desk.get_by_label("验证码").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
    desk.get_by_role("button", name="完成绑定").click()
    desk.wait_for_url(f"{site}/staff/")
    assert "2027年的法定节假日和调休安排尚未导入" in desk.get_by_role("alert").first.inner_text()


def test_the_api_docs_render_from_this_site_under_its_policy(site, desk):
    log_in(desk, site, "sunli")
    requests = []
    desk.on("request", lambda request: requests.append(request.url))
    desk.goto(site + "/api/v1/docs")
    desk.wait_for_selector(".swagger-ui .info .title")
    assert "民生平台接口" in desk.inner_text(".swagger-ui .info .title")
    assert all(url.startswith(site) or url.startswith("data:") for url in requests), requests
