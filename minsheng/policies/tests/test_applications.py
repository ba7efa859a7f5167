"""Applying (办, JOURNEYS.md 13): the application is a case of the kind 惠企政策申报, sent to the
issuing department at once with its handling limit the policy's; what the government knows is
recorded with it, only the materials its data cannot show are asked for; a condition not met
needs an explanation; approved, it follows the payout's steps and its case closes when paid, so
a late payment is the case's, on the ladder and the scorecards."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.cases.models import CaseEvent, State
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.org.models import Role
from minsheng.org import workdays
from minsheng.policies import actions
from minsheng.policies.models import ApplicationStage, EventKind, PayoutState, PolicyApplication, PolicyEvent
from minsheng.policies.tests.conftest import create
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import make_category, make_user

pytestmark = pytest.mark.django_db

EQUIPMENT_RULES = [
    {"field": "employees", "operator": "gte", "value": "50", "period": "last_year"},
    {"field": "material", "operator": "has", "value": "2026年设备购置发票"},
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _category():
    make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")


def equipment_policy(county, **fields):
    values = {"title": "湖口县工业企业设备更新奖补办法", "delivery": "application", "conditions_rows": EQUIPMENT_RULES,
              "amount": "30000", "payment_days": 15, "budget": "60000"}
    return actions.do_publish_policy(create(county, **{**values, **fields}), actor=county["officer"])


def invoice():
    return SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")


def apply(policy, firm, **fields):
    values = {"applicant_name": "周敏", "applicant_phone": "13907920001", "materials": {1: invoice()}}
    return actions.do_apply_for_policy(policy, firm, **{**values, **fields}, actor=None)


def test_an_application_is_a_case_sent_to_the_issuer_with_the_policys_limit(county):
    policy = equipment_policy(county)
    firm = county["firms"]["湖口县精工阀门有限公司"]  # 120 employees last year
    application, code = apply(policy, firm)
    case = application.case
    assert code and len(code) == 8
    assert case.kind.code == "policy-application" and case.state == State.DISPATCHED
    assert case.lead_department == county["department"] and case.enterprise_uscc == firm.uscc
    assert case.handle_days == 5 + 5 + 5 + 15
    assert application.stage == ApplicationStage.SUBMITTED and application.missing == []
    # What the government knew is on record; the one material its data cannot show was uploaded.
    assert application.known_facts == [{"condition": "上一年度从业人员不低于50人", "data": "2025年120人"}]
    assert case.attachments.count() == 1
    assert application.expected_amount == Decimal("30000.00")
    assert PolicyEvent.objects.filter(kind=EventKind.APPLIED, application=application).count() == 1
    # Signed, the handling clock is the policy's: 30 working days.
    actions.do_review_application(application, approve=True, actor=county["officer"])
    case.refresh_from_db()
    assert case.state == State.HANDLING
    assert case.due_at.date() == workdays.add_working_days(date(2026, 12, 1), 30)


def test_only_the_missing_material_is_asked_for_and_a_miss_needs_an_explanation(county):
    policy = equipment_policy(county)
    small = county["firms"]["湖口县金砂湾新材料有限公司"]  # 40 employees
    with pytest.raises(ActionError) as refused:
        apply(policy, county["firms"]["湖口县精工阀门有限公司"], materials={})
    assert refused.value.field == "material_1" and "设备购置发票" in refused.value.message
    with pytest.raises(ActionError) as refused:
        apply(policy, small)
    assert refused.value.field == "explanation" and "从业人员不低于50人" in refused.value.message
    assert not PolicyApplication.objects.exists()
    application, _ = apply(policy, small, explanation="今年新招工15人，社保缴纳人数已达55人。")
    assert application.missing == ["上一年度从业人员不低于50人"]
    assert "情况说明" in application.case.description


def test_a_firm_applies_once_a_year_and_never_for_a_policy_that_pays_without_asking(county):
    policy = equipment_policy(county)
    firm = county["firms"]["湖口县精工阀门有限公司"]
    apply(policy, firm)
    with pytest.raises(ActionError, match="已申报过"):
        apply(policy, firm)
    automatic = actions.do_publish_policy(create(county), actor=county["officer"])
    with pytest.raises(ActionError, match="免申即享"):
        apply(automatic, firm)
    with pytest.raises(ActionError, match="适用于湖口县"):
        apply(policy, county["elsewhere"])


def test_the_same_form_sent_twice_makes_one_application(county):
    policy = equipment_policy(county)
    firm = county["firms"]["湖口县精工阀门有限公司"]
    first, code = apply(policy, firm, submission_token="tok-1")
    again, none = apply(policy, firm, submission_token="tok-1")
    assert again.pk == first.pk and none is None and PolicyApplication.objects.count() == 1


def test_approved_it_is_listed_ordered_and_paid_and_its_case_closes(county, _clock):
    officer = county["officer"]
    policy = equipment_policy(county)
    application, _ = apply(policy, county["firms"]["湖口县精工阀门有限公司"])
    actions.do_review_application(application, approve=True, actor=officer)
    application.refresh_from_db()
    assert application.stage == ApplicationStage.REVIEWED and application.payout.amount == Decimal("30000.00")
    actions.do_publicize_payouts(policy, actor=officer)
    application.refresh_from_db()
    assert application.stage == ApplicationStage.PUBLICIZED
    _clock.move_to(datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI))
    actions.do_order_payout(application.payout, actor=officer)
    actions.do_confirm_paid(application.payout, paid_on=date(2026, 12, 9), actor=officer)
    application.refresh_from_db()
    case = application.case
    assert application.stage == ApplicationStage.PAID
    assert case.state == State.CLOSED and case.result == "solved"
    public = list(CaseEvent.objects.filter(case=case, is_public=True).values_list("public_note", flat=True))
    assert any("将予公示" in note for note in public) and any("已于2026年12月09日拨付30000.00元" in note for note in public)


def test_a_refusal_closes_the_case_with_its_reason(county):
    policy = equipment_policy(county)
    application, _ = apply(policy, county["firms"]["湖口县精工阀门有限公司"])
    with pytest.raises(ActionError) as refused:
        actions.do_review_application(application, approve=False, note="", actor=county["officer"])
    assert refused.value.field == "note"
    actions.do_review_application(application, approve=False, note="发票日期早于政策执行期。", actor=county["officer"])
    application.refresh_from_db()
    assert application.stage == ApplicationStage.REJECTED
    assert application.case.state == State.CLOSED and application.case.result_basis == "发票日期早于政策执行期。"


def test_the_budget_holds_for_applications_too(county):
    officer = county["officer"]
    policy = equipment_policy(county, budget="30000")
    first, _ = apply(policy, county["firms"]["湖口县精工阀门有限公司"])
    second, _ = apply(policy, county["firms"]["湖口县恒达机械有限公司"])
    actions.do_review_application(first, approve=True, actor=officer)
    actions.do_review_application(second, approve=True, actor=officer)
    second.refresh_from_db()
    assert second.stage == ApplicationStage.WAITING and second.payout.state == PayoutState.WAITING
    with pytest.raises(ActionError) as refused:
        actions.do_review_application(first, approve=True, actor=officer)
    assert "已审核" in refused.value.message


def test_an_amount_above_the_cap_or_from_another_department_is_refused(county, people):
    policy = equipment_policy(county, cap="30000")
    application, _ = apply(policy, county["firms"]["湖口县精工阀门有限公司"])
    with pytest.raises(ActionError) as refused:
        actions.do_review_application(application, approve=True, amount="30000.01", actor=county["officer"])
    assert refused.value.field == "amount"
    outsider = make_user("waibu", people.hukou_housing, Role.HANDLER)
    with pytest.raises(NotAllowed):
        actions.do_review_application(application, approve=True, actor=outsider)


def test_a_late_payment_is_the_cases_and_climbs_its_ladder(county, _clock):
    from minsheng.cases.actions import sweep_due_cases
    from minsheng.cases.models import SupervisionLevel

    officer = county["officer"]
    policy = equipment_policy(county)
    application, _ = apply(policy, county["firms"]["湖口县精工阀门有限公司"])
    actions.do_review_application(application, approve=True, actor=officer)
    actions.do_publicize_payouts(policy, actor=officer)
    _clock.move_to(datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI))
    application.refresh_from_db()
    actions.do_order_payout(application.payout, actor=officer)
    case = application.case
    case.refresh_from_db()
    # Unpaid one day past the case's limit (the policy's 30 working days from the dispatch).
    _clock.move_to(case.due_at + timedelta(days=1))
    for _ in range(4):
        sweep_due_cases()
    case.refresh_from_db()
    assert case.supervision_level >= SupervisionLevel.DEPARTMENT_HEAD
    assert actions.sweep_late_payouts(10) == 1  # the payment step, past its own limit, reported once
    assert actions.sweep_late_payouts(10) == 0


def test_the_firms_that_may_qualify_and_their_helpers_are_told_once(county, people):
    from minsheng.cases.models import Notification
    from minsheng.enterprises.actions.helpers import do_assign_one_to_one
    from minsheng.enterprises import actions as enterprise_actions

    firm = county["firms"]["湖口县精工阀门有限公司"]
    draft = enterprise_actions.draft_of(firm)
    draft.contact_name, draft.contact_phone = "周敏", "13607921234"
    enterprise_actions.do_update_entity(firm, draft, actor=None)
    helper = make_user("bangfu", people.hukou_business, Role.HANDLER, full_name="帮扶干部")
    do_assign_one_to_one(firm, helper=helper, starts_on=date(2026, 1, 1), actor=None)
    policy = equipment_policy(county)
    Notification.objects.all().delete()
    assert actions.do_notify_candidates(policy, actor=county["officer"]) == {"firms": 1, "helpers": 1}
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient_address == "13607921234" and "您可能符合" in sms.body and policy.title in sms.body
    assert Notification.objects.get(channel="staff").recipient_user == helper
    with pytest.raises(ActionError, match="已提醒过"):
        actions.do_notify_candidates(policy, actor=county["officer"])
