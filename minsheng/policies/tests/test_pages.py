"""The policy pages as people use them: anyone searches the library; a logged-in firm sees at
once what it meets and misses, applies with only the missing material asked for and follows its
application; the officer enters a policy with its conditions, sees the eligible firms at once,
walks a 免申即享 payout to paid and reviews applications. Other departments and other firms
read as not found; bad input gets its message on the field."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.cases.models import State
from minsheng.core.errors import ActionError
from minsheng.org.models import Role
from minsheng.policies import actions
from minsheng.policies.models import Payout, PayoutState, Policy, PolicyApplication
from minsheng.policies.tests.conftest import create, log_in_firm
from minsheng.policies.tests.test_applications import EQUIPMENT_RULES
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import log_in_verified, make_category, make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _category():
    make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")


def publish(county, **fields):
    return actions.do_publish_policy(create(county, **fields), actor=county["officer"])


def equipment(county):
    return publish(county, title="湖口县工业企业设备更新奖补办法", delivery="application", conditions_rows=EQUIPMENT_RULES,
                   amount="30000", document_number="湖府办发〔2026〕21号")


def test_anyone_searches_the_library_by_words_and_filters(client, county):
    growth, machine = publish(county), equipment(county)
    page = client.get("/policies/", {"q": "专精特新 成长"}).content.decode()
    assert growth.title in page and machine.title not in page
    page = client.get("/policies/", {"delivery": "application"}).content.decode()
    assert machine.title in page and growth.title not in page
    # An industry outside the policy's own industry condition leaves it out; none means open.
    assert machine.title in client.get("/policies/", {"industry": "C"}).content.decode()
    bad = client.get("/policies/", {"industry": "中文", "region": "999999"})
    assert bad.status_code == 200 and "行业请填门类字母" in bad.content.decode()
    assert client.get("/policies/", {"q": "\x00"}).status_code == 400  # the platform's answer to NUL bytes
    assert client.get("/policies/", {"q": "专精特新", "page": "99999"}).status_code == 200
    drafted = create(county, title="尚未发布的草稿政策")
    assert drafted.title not in client.get("/policies/").content.decode()
    assert client.get(f"/policies/p/{drafted.number}/").status_code == 404
    assert client.get("/policies/p/..%2F/").status_code == 404


def test_a_logged_in_firm_sees_what_it_meets_and_what_it_misses(client, county):
    growth, machine = publish(county), equipment(county)
    log_in_firm(client, county["firms"]["湖口县恒达机械有限公司"])  # +10 % growth, 80 employees
    page = client.get("/policies/").content.decode()
    assert "符合全部条件" in page and "差1项" in page and "上一年度营业收入增长率不低于15%" in page
    detail = client.get(f"/policies/p/{machine.number}/").content.decode()
    assert "在线申报" in detail and "申报时提供材料" in detail
    detail = client.get(f"/policies/p/{growth.number}/").content.decode()
    assert "免申即享" in detail and "在线申报" not in detail


def test_a_firm_applies_with_only_the_missing_material_and_follows_it(client, county):
    machine = equipment(county)
    firm = county["firms"]["湖口县精工阀门有限公司"]
    log_in_firm(client, firm)
    form = client.get(f"/policies/p/{machine.number}/apply/").content.decode()
    assert "政府已掌握的信息" in form and "2025年120人" in form and "证明材料：2026年设备购置发票" in form
    token = "a" * 32
    missing = client.post(f"/policies/p/{machine.number}/apply/", {
        "applicant_name": "周敏", "applicant_phone": "13607921234", "submission_token": token})
    assert missing.status_code == 200 and "请上传证明材料：2026年设备购置发票" in missing.content.decode()
    assert not PolicyApplication.objects.exists()
    sent = client.post(f"/policies/p/{machine.number}/apply/", {
        "applicant_name": "周敏", "applicant_phone": "13607921234", "submission_token": token,
        "material_1": SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")})
    application = PolicyApplication.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/policies/firm/applications/{application.pk}/"
    page = client.get(sent["Location"]).content.decode()
    assert application.case.number in page and "查询码" in page and "已申报待审核" in page
    assert "查询码" not in client.get(sent["Location"]).content.decode()  # the slip shows once
    home = client.get("/enterprises/firm/").content.decode()
    assert "我的政策申报" in home and application.case.number in home
    # Another firm's application reads as not found.
    client.logout()
    log_in_firm(client, county["firms"]["湖口县恒达机械有限公司"], phone="13607925678")
    assert client.get(f"/policies/firm/applications/{application.pk}/").status_code == 404


def test_the_officer_enters_a_policy_and_sees_the_eligible_firms_at_once(client, county):
    officer = county["officer"]
    client.force_login(officer)
    form = {"title": "湖口县专精特新企业成长奖励", "document_number": "湖府办发〔2026〕30号", "issued_on": "2026-11-30",
            "valid_from": "2026-12-01", "benefit_type": "grant", "delivery": "automatic",
            "beneficiaries": "专精特新中小企业", "amount_text": "一次性奖励5万元", "benefit_kind": "fixed", "amount": "50000",
            "budget": "1000000", "payment_days": "20",
            "c1_field": "certification", "c1_operator": "has", "c1_value": "专精特新中小企业",
            "c2_field": "revenue_growth", "c2_operator": "gte", "c2_value": "15", "c2_period": "last_year"}
    refused = client.post("/policies/staff/new/", {**form, "c2_field": "revenue_growt"})
    assert refused.status_code == 200 and Policy.objects.count() == 0
    refused = client.post("/policies/staff/new/", {**form, "c2_period": ""})
    assert "第2个条件" in refused.content.decode() and "须注明年度" in refused.content.decode()
    refused = client.post("/policies/staff/new/", {**form, "amount": "NaN"})
    assert "定额" in refused.content.decode() and Policy.objects.count() == 0
    saved = client.post("/policies/staff/new/", form)
    policy = Policy.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/policies/staff/p/{policy.number}/"
    page = client.get(saved["Location"]).content.decode()
    assert "符合条件的企业：1户" in page and "湖口县精工阀门有限公司" in page
    assert client.post(f"/policies/staff/p/{policy.number}/act/publish/").status_code == 302
    client.post(f"/policies/staff/p/{policy.number}/act/match/")
    payout = Payout.objects.get()
    assert payout.state == PayoutState.LISTED
    client.post(f"/policies/staff/payouts/{payout.pk}/act/confirm/")
    client.post(f"/policies/staff/p/{policy.number}/act/publicize/")
    payout.refresh_from_db()
    assert payout.state == PayoutState.PUBLICIZED
    export = client.get(f"/policies/staff/p/{policy.number}/payouts.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_officer_reviews_an_application_and_it_shows_on_the_case(client, county):
    machine = equipment(county)
    application, _ = actions.do_apply_for_policy(
        machine, county["firms"]["湖口县精工阀门有限公司"], applicant_name="周敏", applicant_phone="13607921234",
        materials={1: SimpleUploadedFile("发票.pdf", b"%PDF-1.4", content_type="application/pdf")}, actor=None)
    client.force_login(county["officer"])
    page = client.get(f"/policies/staff/applications/{application.pk}/").content.decode()
    assert "已核验" in page and "发票.pdf" in page and "30000.00元" in page
    refused = client.post(f"/policies/staff/applications/{application.pk}/", {"decision": "reject", "note": ""})
    assert "审核意见" in refused.content.decode() or "请填写" in refused.content.decode()
    client.post(f"/policies/staff/applications/{application.pk}/", {"decision": "approve", "amount": ""})
    application.refresh_from_db()
    assert application.payout.state == PayoutState.CONFIRMED and application.case.state == State.HANDLING
    case_page = client.get(f"/cases/staff/{application.case.pk}/").content.decode()
    assert f"惠企政策申报 · {machine.number}" in case_page and "审核通过" in case_page


def test_other_departments_and_the_public_cannot_reach_the_staff_pages(client, county, people):
    policy = publish(county)
    outsider = make_user("qita", make_department("湖口县商务局", people.hukou), Role.HANDLER)
    client.force_login(outsider)
    assert client.get(f"/policies/staff/p/{policy.number}/").status_code == 404
    assert client.get(f"/policies/staff/p/{policy.number}/eligible.xlsx").status_code == 404
    assert client.get("/policies/staff/new/").status_code == 200  # its own department may enter its own
    client.logout()
    assert client.get("/policies/staff/").status_code == 302
    assert client.get(f"/policies/staff/p/{policy.number}/").status_code == 302


def test_the_public_figures_show_the_city_and_counties_side_by_side(client, county):
    publish(county)
    page = client.get("/policies/figures/").content.decode()
    assert "市县一体" in page and "湖口县" in page and "全市合计" in page
    assert client.get("/policies/figures/", {"year": "99999"}).status_code == 200


def test_the_officers_home_page_shows_what_waits_for_them(client, county, _clock):
    policy = publish(county)
    actions.do_match_policy(policy, actor=county["officer"])
    create(county, title="草稿政策", issued_on=datetime(2026, 11, 10).date(), valid_from=datetime(2026, 11, 10).date())
    client.force_login(county["officer"])
    page = client.get("/staff/").content.decode()
    assert "惠企政策" in page and "待审核1户次" in page and "草稿待发布1项" in page and "1项超过发布期限" in page


def test_the_registry_keepers_import_figures_and_a_bad_row_saves_nothing(client, county, people):
    import io

    from openpyxl import Workbook

    from minsheng.policies.models import FirmFigure

    def workbook(*rows):
        book = Workbook()
        sheet = book.active
        sheet.append(["统一社会信用代码", "年度", "指标", "数值"])
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        book.save(buffer)
        return SimpleUploadedFile("figures.xlsx", buffer.getvalue(),
                                  content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    client.force_login(county["officer"])  # a policy officer keeps policies, not the registry's figures
    assert client.get("/policies/staff/figures/import/").status_code == 404
    log_in_verified(client, people.hukou_admin)  # the county's administrator, second factor done
    firm = county["firms"]["湖口县金砂湾新材料有限公司"]
    before = FirmFigure.objects.count()
    refused = client.post("/policies/staff/figures/import/", {"source": "hr", "file": workbook(
        (firm.uscc, 2025, "从业人员", 45), (firm.uscc, 2025, "从业人员（人）", "NaN"))}).content.decode()
    assert "有误的行" in refused and "第3行" in refused and FirmFigure.objects.count() == before
    done = client.post("/policies/staff/figures/import/", {"source": "hr", "file": workbook(
        (firm.uscc, 2025, "从业人员", 45))}).content.decode()
    assert "已导入1条数据" in done
    assert FirmFigure.objects.get(entity=firm, year=2025, field="employees").value == 45


def test_the_original_document_is_public_once_the_policy_is(client, county):
    document = SimpleUploadedFile("湖府办发〔2026〕18号.pdf", b"%PDF-1.4 original", content_type="application/pdf")
    policy = create(county, document=document)
    assert client.get(f"/policies/p/{policy.number}/document/").status_code == 404  # a draft's
    actions.do_publish_policy(policy, actor=county["officer"])
    assert "湖府办发〔2026〕18号.pdf" in client.get(f"/policies/p/{policy.number}/").content.decode()
    served = client.get(f"/policies/p/{policy.number}/document/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"%PDF-1.4 original"
    assert served["Content-Security-Policy"].startswith("default-src 'none'")
    with pytest.raises(ActionError) as refused:
        create(county, document=SimpleUploadedFile("原文.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    assert refused.value.field == "document"


def test_a_firm_follows_what_it_receives_without_asking(client, county):
    policy = publish(county)
    actions.do_match_policy(policy, actor=county["officer"])
    actions.do_confirm_payout(Payout.objects.get(), actor=county["officer"])
    actions.do_publicize_payouts(policy, actor=county["officer"])
    log_in_firm(client, county["firms"]["湖口县精工阀门有限公司"])
    home = client.get("/enterprises/firm/").content.decode()
    assert "免申即享：无需申请的兑现" in home and "公示中" in home and "50000.00元" in home
    page = client.get(f"/policies/p/{policy.number}/").content.decode()
    assert "贵企业已列入2026年兑现名单" in page and "公示至2026年12月8日" in page
