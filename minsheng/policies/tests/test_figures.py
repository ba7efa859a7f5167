"""The public delivery figures (市县一体), computed from the data: a county's three policies and
the city's one, matched, paid on time and late, applied for, approved and refused, and what the
figures say of each policy and of the city and each county side by side."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from minsheng.org.models import Role
from minsheng.policies import actions, figures
from minsheng.policies.models import Payout, PayoutState
from minsheng.policies.tests.conftest import GROWTH_RULES, create
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import make_category, make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def at(traveller, day: date) -> None:
    traveller.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def year_of_delivery(county, people, _clock):
    """On 2026-12-01 the county publishes two 免申即享 policies and one to apply for, the city one
    免申即享 policy; by 2026-12-15 three payments are made, one of them late, and two steps have
    passed their limits."""
    make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")
    officer, firms = county["officer"], county["firms"]
    valve, machines = firms["湖口县精工阀门有限公司"], firms["湖口县恒达机械有限公司"]
    publish = actions.do_publish_policy

    growth = publish(create(county), actor=officer)  # issued 11-24, published on time
    steady = publish(create(county, title="湖口县企业稳定增长奖励", document_number="湖府办发〔2026〕7号",
                            issued_on=date(2026, 11, 10), valid_from=date(2026, 11, 10), payment_days=1,
                            amount="20000", budget="100000",
                            conditions_rows=[GROWTH_RULES[0], {**GROWTH_RULES[1], "value": "5"}]),
                     actor=officer)  # due 11-19: published late
    equipment = publish(create(county, title="湖口县工业企业设备更新奖补办法", delivery="application",
                               document_number="湖工信发〔2026〕3号", amount="30000", budget="60000",
                               conditions_rows=[{"field": "employees", "operator": "gte", "value": "50",
                                                 "period": "last_year"}]), actor=officer)
    city_department = make_department("九江市工业和信息化局", people.city)
    city_officer = make_user("shigongxin", city_department, Role.HANDLER, full_name="柯明")
    city = publish(actions.do_create_policy(
        city_department, title="九江市专精特新企业成长奖励", document_number="九府办发〔2026〕40号",
        issued_on=date(2026, 11, 20), valid_from=date(2026, 11, 20), benefit_type="grant", delivery="automatic",
        beneficiaries="全市营业收入增长15%以上的专精特新企业", amount_text="10万元", budget="1000000",
        conditions_rows=GROWTH_RULES, amount="100000", actor=city_officer), actor=city_officer)

    for policy, keeper in ((growth, officer), (steady, officer), (city, city_officer)):
        actions.do_match_policy(policy, actor=keeper)
    for payout in Payout.objects.exclude(policy=city, entity=valve):  # the city's review of 精工 is left undone
        actions.do_confirm_payout(payout, actor=officer if payout.policy != city else city_officer)
    for policy, keeper in ((growth, officer), (steady, officer), (city, city_officer)):
        actions.do_publicize_payouts(policy, actor=keeper)
    applied, _ = actions.do_apply_for_policy(equipment, valve, applicant_name="周敏", applicant_phone="13907920001",
                                             materials={}, actor=None)
    refused, _ = actions.do_apply_for_policy(equipment, machines, applicant_name="王强", applicant_phone="13907920002",
                                             materials={}, actor=None)
    actions.do_review_application(applied, approve=True, actor=officer)
    actions.do_review_application(refused, approve=False, note="设备购置发票日期早于执行期。", actor=officer)

    at(_clock, date(2026, 12, 9))
    for payout in Payout.objects.filter(state=PayoutState.PUBLICIZED):
        actions.do_order_payout(payout, actor=officer if payout.policy != city else city_officer)
    at(_clock, date(2026, 12, 10))
    actions.do_confirm_paid(Payout.objects.get(policy=city, state=PayoutState.ORDERED), paid_on=date(2026, 12, 10),
                            actor=city_officer)
    at(_clock, date(2026, 12, 15))
    actions.do_confirm_paid(Payout.objects.get(policy=growth), paid_on=date(2026, 12, 15), actor=officer)
    actions.do_confirm_paid(Payout.objects.get(policy=steady, entity=valve), paid_on=date(2026, 12, 15),
                            actor=officer)  # due 12-10: late
    return {"growth": growth, "steady": steady, "equipment": equipment, "city": city, "city_officer": city_officer}


def test_each_policy_shows_what_it_paid_how_fast_and_how_much_budget_is_used(year_of_delivery):
    steady = figures.policy_figures(year_of_delivery["steady"], 2026)
    assert steady.by_state == {"listed": 0, "waiting": 0, "confirmed": 0, "publicized": 0, "ordered": 1, "paid": 1,
                               "rejected": 0}
    assert (steady.firms_paid, steady.paid, steady.amount_paid) == (1, 1, Decimal("20000.00"))
    assert (steady.days_median, steady.days_max) == (25.0, 25)  # 11-10 → 12-15 in working days
    assert (steady.paid_on_time, steady.on_time_share) == (0, 0.0)
    assert (steady.committed, steady.budget_used_share) == (Decimal("40000.00"), 40.0)

    growth = figures.policy_figures(year_of_delivery["growth"], 2026)
    assert (growth.firms_paid, growth.amount_paid, growth.days_median, growth.days_max) == (1, Decimal("50000.00"), 15.0, 15)
    assert growth.on_time_share == 100.0 and growth.budget_used_share == 5.0

    equipment = figures.policy_figures(year_of_delivery["equipment"], 2026)
    assert (equipment.applications, equipment.applications_approved, equipment.applications_refused) == (2, 1, 1)
    assert equipment.by_state["confirmed"] == 1 and equipment.paid == 0 and equipment.days_median is None
    assert equipment.on_time_share is None and equipment.budget_used_share == 50.0

    city = figures.policy_figures(year_of_delivery["city"], 2026)
    assert city.by_state["listed"] == 1 and city.by_state["paid"] == 1 and city.days_median == 14.0

    assert figures.policy_figures(year_of_delivery["steady"], 2025).paid == 0  # another year: nothing


def test_the_city_sees_every_countys_delivery_beside_its_own(year_of_delivery):
    board = figures.region_board(2026)
    rows = {row.name: row for row in board.rows}
    assert [row.name for row in board.rows] == ["九江市", "浔阳区", "湖口县"]
    city, hukou, xunyang = rows["九江市"], rows["湖口县"], rows["浔阳区"]
    assert (city.policies_published, city.automatic_published, city.published_on_time) == (1, 1, 1)
    assert (city.firms_paid, city.paid, city.amount_paid, city.days_median) == (1, 1, Decimal("100000.00"), 14.0)
    assert (city.overdue_now, city.applications) == (1, 0)  # the review of 精工, due 12-08
    assert (hukou.policies_published, hukou.automatic_published, hukou.published_on_time) == (3, 2, 2)
    assert hukou.published_on_time_share == 66.7
    assert (hukou.firms_paid, hukou.paid, hukou.amount_paid, hukou.days_median) == (1, 2, Decimal("70000.00"), 20.0)
    assert (hukou.overdue_now, hukou.applications) == (1, 2)  # 恒达's payment, due 12-10
    assert (xunyang.policies_published, xunyang.paid, xunyang.amount_paid, xunyang.days_median) == (0, 0, Decimal("0.00"), None)
    total = board.total
    assert (total.policies_published, total.automatic_published, total.published_on_time) == (4, 3, 3)
    assert (total.firms_paid, total.paid, total.amount_paid, total.days_median) == (2, 3, Decimal("170000.00"), 15.0)
    assert (total.overdue_now, total.applications) == (2, 2)


def test_the_figures_follow_the_next_change_at_once(year_of_delivery, county):
    before = figures.region_board(2026)
    assert figures.region_board(2026).total.paid == 3  # read again: the cached copy
    steady = year_of_delivery["steady"]
    late = Payout.objects.get(policy=steady, state=PayoutState.ORDERED)
    actions.do_confirm_paid(late, paid_on=date(2026, 12, 15), actor=county["officer"])
    after = figures.region_board(2026)
    assert (before.total.paid, after.total.paid) == (3, 4) and after.total.overdue_now == 1
    assert figures.policy_figures(steady, 2026).firms_paid == 2
