"""Journey 13 in Debian's chromium.

1. 湖口县工信局's officer 甘政 enters the county's new policy (5万 to every 专精特新 firm whose revenue
   grew 15 % last year) with its conditions on the form; the page shows the eligible firm at once;
   he publishes it, lists the firm for review, confirms it and lists it publicly; after the five
   working days he orders the payment and confirms it paid. The firm never applied.
2. 恒达机械's manager, on her phone, logs in with the code texted to her, searches the policies she
   may apply for: two she meets, one she misses by one condition (employees); she opens one and
   applies, with only the missing material (an invoice) asked for; her application is a case with
   its number and query code, and its steps show on her page.

Screenshots go to MINSHENG_SHOTS (or the test's folder)."""

import re
from datetime import date, datetime

import pytest
import time_machine

from minsheng.cases.models import Notification
from minsheng.core.tests.browser import log_in, press
from minsheng.policies import actions
from minsheng.policies.models import Payout, PayoutState, Policy, PolicyApplication
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import PASSWORD, after_flush, make_category, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY = datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.policies.tests.conftest import county as make_county

    with time_machine.travel(TUESDAY, tick=True) as traveller:
        after_flush()  # an earlier transactional test's flush emptied the case kinds the migrations load
        people = make_personas()
        county = make_county.__wrapped__(people)
        make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")
        county["officer"].set_password(PASSWORD)
        county["officer"].save()
        yield live_server.url, county, traveller


def test_a_policy_pays_without_the_firm_applying(site, desk, shots):
    url, county, clock = site
    log_in(desk, url, county["officer"].username, PASSWORD)
    desk.get_by_role("link", name="惠企政策").first.click()
    desk.get_by_role("link", name="录入政策").first.click()
    desk.get_by_label("政策名称").fill("湖口县支持专精特新企业加快成长的若干措施")
    desk.get_by_label("文号").fill("湖府办发〔2026〕18号")
    desk.get_by_label("印发日期").fill("2026-11-30")
    desk.get_by_label("执行期起").fill("2026-12-01")
    desk.get_by_label("支持方式").select_option("grant")
    desk.get_by_label("免申即享").check()
    desk.get_by_label("支持对象").fill("上年度营业收入增长15%以上的专精特新中小企业")
    desk.get_by_label("支持标准").fill("一次性奖励5万元")
    desk.get_by_label("计算方式").select_option("fixed")
    desk.get_by_label("定额（元）").fill("50000")
    desk.get_by_label("预算（元）").fill("1000000")
    desk.get_by_label("条件1", exact=True).select_option("certification")
    desk.get_by_label("条件1比较").select_option("has")
    desk.get_by_label("条件1的值").fill("专精特新中小企业、专精特新“小巨人”企业")
    desk.get_by_label("条件2", exact=True).select_option("revenue_growth")
    desk.get_by_label("条件2比较").select_option("gte")
    desk.get_by_label("条件2的值").fill("15")
    press(desk, "保存草稿")
    # The year of a figure is required: refused on the form, nothing saved.
    assert "须注明年度" in desk.inner_text("main") and not Policy.objects.exists()
    desk.get_by_label("条件2年度").select_option("last_year")
    press(desk, "保存草稿")
    text = desk.inner_text("main")
    assert "符合条件的企业：1户" in text and "湖口县精工阀门有限公司" in text
    desk.screenshot(path=str(shots / "policy_entered.png"), full_page=True)
    press(desk, "发布政策")
    press(desk, "匹配符合条件的企业")
    press(desk, "^审核确认$")
    press(desk, "公示审核确认的1户企业")
    payout = Payout.objects.get()
    assert payout.state == PayoutState.PUBLICIZED and payout.publicity_ends_on == date(2026, 12, 8)
    # The listing ends: the payment order, then the money.
    clock.move_to(datetime(2026, 12, 9, 9, 30, tzinfo=SHANGHAI))
    desk.reload()
    press(desk, "下达拨付")
    press(desk, "确认拨付")
    payout.refresh_from_db()
    assert payout.state == PayoutState.PAID and payout.paid_on == date(2026, 12, 9)
    assert not PolicyApplication.objects.exists()
    assert "已拨付 1" in desk.inner_text("main")
    desk.screenshot(path=str(shots / "policy_paid.png"), full_page=True)
    desk.goto(f"{url}/policies/figures/")
    assert "湖口县" in desk.inner_text("main") and "50000.00" in desk.inner_text("main")
    desk.screenshot(path=str(shots / "policy_figures.png"), full_page=True)


def application_policies(county):
    """Two the manager's firm (80 employees) meets and one it misses by its employees."""
    officer = county["officer"]
    common = {"delivery": "application", "benefit_type": "grant", "budget": "500000", "issued_on": date(2026, 11, 24),
              "valid_from": date(2026, 11, 24), "beneficiaries": "湖口县工业企业", "amount_text": "按标准奖补"}
    made = []
    for title, document, rules, amount in (
            ("湖口县工业企业设备更新奖补办法", "湖府办发〔2026〕21号", [
                {"field": "employees", "operator": "gte", "value": "50", "period": "last_year"},
                {"field": "material", "operator": "has", "value": "2026年设备购置发票"}], "30000"),
            ("湖口县稳岗扩岗补贴实施细则", "湖人社发〔2026〕9号", [
                {"field": "employees", "operator": "gte", "value": "30", "period": "last_year"}], "20000"),
            ("湖口县骨干工业企业研发奖励办法", "湖府办发〔2026〕22号", [
                {"field": "employees", "operator": "gte", "value": "100", "period": "last_year"}], "80000")):
        policy = actions.do_create_policy(county["department"], title=title, document_number=document,
                                          conditions_rows=rules, amount=amount, **common, actor=officer)
        made.append(actions.do_publish_policy(policy, actor=officer))
    return made


def test_a_firm_finds_policies_on_a_phone_and_applies_for_one(site, phone, shots):
    url, county, _ = site
    equipment, jobs, research = application_policies(county)
    firm = county["firms"]["湖口县恒达机械有限公司"]
    from minsheng.enterprises import actions as enterprise_actions

    draft = enterprise_actions.draft_of(firm)
    draft.contact_name, draft.contact_phone = "周敏", "13607921234"
    enterprise_actions.do_update_entity(firm, draft, actor=None)

    phone.goto(f"{url}/policies/")
    phone.get_by_role("link", name="企业登录").first.click()
    phone.get_by_label("统一社会信用代码").fill(firm.uscc)
    press(phone, "获取验证码")
    sms = Notification.objects.filter(recipient_address="13607921234", body__contains="登录验证码").latest("pk")
    phone.get_by_label("短信验证码").fill(re.search(r"验证码为(\d{6})", sms.body).group(1))
    press(phone, "^登录$")
    phone.goto(f"{url}/policies/")
    phone.get_by_text("按地区、支持方式、行业、规模筛选").click()
    phone.get_by_label("兑现方式").select_option("application")
    press(phone, "^查询$")
    text = phone.inner_text("main")
    assert "共3项政策" in text and "符合全部条件的2项" in text
    assert phone.locator(".policy-list .badge.s-done").count() == 2
    assert "差1项" in text and "尚不符合：上一年度从业人员不低于100人" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "policy_search_phone.png"), full_page=True)

    phone.get_by_role("link", name=equipment.title).click()
    assert "申报时提供材料" in phone.inner_text("main")
    phone.get_by_role("link", name="在线申报").click()
    text = phone.inner_text("main")
    assert "政府已掌握的信息" in text and "2025年80人" in text
    assert phone.get_by_label("申报联系人").input_value() == "周敏"
    phone.get_by_label("证明材料：2026年设备购置发票").set_input_files(
        files=[{"name": "发票.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 invoice"}])
    phone.screenshot(path=str(shots / "policy_apply_phone.png"), full_page=True)
    press(phone, "提交申报")
    application = PolicyApplication.objects.get()
    text = phone.inner_text("main")
    assert application.case.number in text and "查询码" in text and "已申报待审核" in text
    assert application.case.lead_department == county["department"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "policy_applied_phone.png"), full_page=True)
