"""免申即享 from match to money (JOURNEYS.md 13): the eligible firms listed for review, confirmed
within the budget (the last ones wait, in order) and never twice in an exclusivity group, publicly
listed for five working days with objections possible, ordered and paid, each step with its
event and its limit on the working-day clock; a firm whose figures change is re-matched alone."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from minsheng.core.errors import ActionError
from minsheng.policies import actions
from minsheng.policies.models import EventKind, Payout, PayoutState, PolicyEvent
from minsheng.policies.tests.conftest import create
from minsheng.policies.tests.test_policies import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def growth_policy(county, **fields):
    return actions.do_publish_policy(create(county, **fields), actor=county["officer"])


def test_a_payment_goes_from_match_to_paid_without_the_firm_applying(county, _clock):
    officer = county["officer"]
    policy = growth_policy(county)
    assert actions.do_match_policy(policy, actor=officer) == 1
    assert actions.do_match_policy(policy, actor=officer) == 0  # listed once a year
    payout = Payout.objects.get()
    assert payout.entity.name == "湖口县精工阀门有限公司" and payout.amount == Decimal("50000.00")
    assert payout.state == PayoutState.LISTED and payout.due_on == date(2026, 12, 8)
    payout = actions.do_confirm_payout(payout, actor=officer)
    assert actions.do_publicize_payouts(policy, actor=officer) == 1
    payout.refresh_from_db()
    assert payout.state == PayoutState.PUBLICIZED and payout.publicity_ends_on == date(2026, 12, 8)
    with pytest.raises(ActionError, match="期满后"):
        actions.do_order_payout(payout, actor=officer)
    _clock.move_to(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))
    payout = actions.do_order_payout(payout, actor=officer)
    assert payout.state == PayoutState.ORDERED and payout.due_on == date(2027, 1, 7)  # 20 working days
    _clock.move_to(datetime(2026, 12, 15, 16, 0, tzinfo=SHANGHAI))
    payout = actions.do_confirm_paid(payout, paid_on=date(2026, 12, 15), actor=officer)
    assert payout.state == PayoutState.PAID and payout.paid_on == date(2026, 12, 15)
    kinds = list(PolicyEvent.objects.filter(payout=payout).values_list("kind", flat=True))
    assert kinds == [EventKind.CONFIRMED, EventKind.ORDERED, EventKind.PAID]


def test_the_budget_is_never_overspent_and_the_last_ones_wait_in_order(county, people):
    officer = county["officer"]
    firms = county["firms"]
    actions.do_record_figure(firms["湖口县恒达机械有限公司"], year=2025, field="revenue", value="6000", source="tax",
                             actor=officer)  # now +20 %
    policy = growth_policy(county, budget="60000")
    assert actions.do_match_policy(policy, actor=officer) == 2
    first, second = Payout.objects.order_by("pk")
    assert actions.do_confirm_payout(first, actor=officer).state == PayoutState.CONFIRMED
    waiting = actions.do_confirm_payout(second, actor=officer)
    assert waiting.state == PayoutState.WAITING and waiting.queued_at is not None
    # The first is refused after all: the budget frees and the waiting one is confirmed.
    actions.do_reject_payout(first, reason="经核查，该企业2025年度营业收入数据有误", actor=officer)
    waiting.refresh_from_db()
    assert waiting.state == PayoutState.CONFIRMED


def test_a_firm_receives_one_policy_of_an_exclusivity_group_a_year(county):
    officer = county["officer"]
    city_like = growth_policy(county, exclusive_group="成长奖励")
    other = growth_policy(county, title="湖口县企业上台阶奖励", document_number="湖府办发〔2026〕19号",
                          exclusive_group="成长奖励", amount="30000")
    actions.do_match_policy(city_like, actor=officer)
    actions.do_match_policy(other, actor=officer)
    actions.do_confirm_payout(Payout.objects.get(policy=city_like), actor=officer)
    with pytest.raises(ActionError, match="不能重复享受"):
        actions.do_confirm_payout(Payout.objects.get(policy=other), actor=officer)


def test_an_objection_sends_the_firm_back_to_review(county):
    officer = county["officer"]
    policy = growth_policy(county)
    actions.do_match_policy(policy, actor=officer)
    actions.do_confirm_payout(Payout.objects.get(), actor=officer)
    actions.do_publicize_payouts(policy, actor=officer)
    payout = actions.do_object_payout(Payout.objects.get(), objection="举报该企业专精特新证书已被撤销", actor=officer)
    assert payout.state == PayoutState.LISTED and payout.publicity_ends_on is None


def test_new_figures_re_match_only_that_firm(county):
    officer = county["officer"]
    policy = growth_policy(county)
    actions.do_match_policy(policy, actor=officer)
    lagging = county["firms"]["湖口县恒达机械有限公司"]
    assert not Payout.objects.filter(entity=lagging).exists()
    actions.do_record_figure(lagging, year=2025, field="revenue", value="6200", source="tax", actor=officer)
    payout = Payout.objects.get(entity=lagging)
    assert payout.state == PayoutState.LISTED and payout.policy == policy
    assert PolicyEvent.objects.filter(kind=EventKind.MATCHED, entity=lagging).count() == 1
    # A firm no longer active is listed for nothing, whatever its figures say: 宏远 is certified,
    # and a 2024 revenue of 500 would make its growth to 900 qualify.
    closed = county["firms"]["湖口县宏远电子有限公司"]
    from minsheng.enterprises.models import Entity

    Entity.objects.filter(pk=closed.pk).update(status="cancelled", closed_on="2026-11-30")
    actions.do_record_figure(closed, year=2024, field="revenue", value="500", source="tax", actor=officer)
    assert not Payout.objects.filter(entity=closed).exists()
    for bad, field in (({"year": 1999}, "year"), ({"field": "profit"}, "field"), ({"value": "-1"}, "value"),
                       ({"value": "NaN"}, "value"), ({"source": "rumour"}, "source")):
        values = {"year": 2025, "field": "revenue", "value": "1", "source": "tax", **bad}
        with pytest.raises(ActionError) as refused:
            actions.do_record_figure(lagging, **values, actor=officer)
        assert refused.value.field == field


def test_a_step_past_its_limit_is_reported_once_to_the_head_and_the_supervisors(county, people, _clock):
    from minsheng.cases.models import Notification
    from minsheng.core import sweeps
    from minsheng.org.models import Role
    from minsheng.testing import make_user

    assert ("惠企政策兑现", actions.sweep_late_payouts) in sweeps.registered()
    head = make_user("gongju", county["department"], Role.DEPARTMENT_HEAD, full_name="龚局")
    policy = growth_policy(county)
    actions.do_match_policy(policy, actor=county["officer"])  # review due 2026-12-08
    _clock.move_to(datetime(2026, 12, 8, 18, 0, tzinfo=SHANGHAI))
    assert actions.sweep_late_payouts(10) == 0
    _clock.move_to(datetime(2026, 12, 9, 7, 0, tzinfo=SHANGHAI))
    assert actions.sweep_late_payouts(10) == 1 and actions.sweep_late_payouts(10) == 0
    told = {note.recipient_user for note in Notification.objects.filter(subject__startswith="兑现逾期")}
    assert told == {head, people.liu, people.sun}
    # Confirmed late and listed: the listing's limit is its own, and reported again only if passed.
    payout = actions.do_confirm_payout(Payout.objects.get(), actor=county["officer"])
    actions.do_publicize_payouts(policy, actor=county["officer"])
    payout.refresh_from_db()
    assert payout.publicity_ends_on == date(2026, 12, 16) and payout.due_on == date(2026, 12, 23)
    _clock.move_to(datetime(2026, 12, 17, 7, 0, tzinfo=SHANGHAI))
    assert actions.sweep_late_payouts(10) == 0
    _clock.move_to(datetime(2026, 12, 24, 7, 0, tzinfo=SHANGHAI))
    assert actions.sweep_late_payouts(10) == 1
    assert PolicyEvent.objects.filter(kind=EventKind.LATE).count() == 2
