"""The policy library: a county's 专精特新 growth policy (JOURNEYS.md 13) entered with its
conditions as data, its eligible firms found at once by one query, a firm's policies with the
conditions it misses, the amount each would receive; and what the library refuses."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.policies import actions, benefits, queries
from minsheng.policies.models import Policy, PolicyEvent, PolicyState
from minsheng.policies.tests.conftest import GROWTH_RULES, create

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def test_a_county_policy_finds_its_eligible_firms_at_once(county):
    policy = actions.do_publish_policy(create(county), actor=county["officer"])
    assert policy.state == PolicyState.PUBLISHED and policy.publish_due == date(2026, 12, 3)
    assert [c.text for c in policy.conditions.all()] == ["持有专精特新“小巨人”企业、专精特新中小企业",
                                                         "上一年度营业收入增长率不低于15%"]
    assert set(queries.eligible(policy, TODAY).values_list("name", flat=True)) == {"湖口县精工阀门有限公司"}
    assert PolicyEvent.objects.filter(policy=policy).count() == 2


def test_a_firm_sees_the_policies_it_meets_and_what_it_misses(county):
    growth = actions.do_publish_policy(create(county), actor=county["officer"])
    jobs = actions.do_publish_policy(create(
        county, title="湖口县稳岗扩岗奖补", document_number="湖人社发〔2026〕9号", delivery="application",
        conditions_rows=[{"field": "employees", "operator": "gte", "value": 100, "period": "last_year"}],
        benefit_kind="tiers", base_field="employees", tiers=[["100", "20000"], ["300", "50000"]], amount=None),
        actor=county["officer"])
    found = dict(queries.policies_for(county["firms"]["湖口县恒达机械有限公司"], TODAY))
    assert [c.describe() for c in found[growth]] == ["上一年度营业收入增长率不低于15%"]
    assert [c.describe() for c in found[jobs]] == ["上一年度从业人员不低于100人"]
    met = dict(queries.policies_for(county["firms"]["湖口县精工阀门有限公司"], TODAY))
    assert met[growth] == [] and met[jobs] == []
    facts = queries.facts_of(county["firms"]["湖口县精工阀门有限公司"])
    assert queries.amount_for(growth, facts, TODAY) == Decimal("50000.00")
    assert queries.amount_for(jobs, facts, TODAY) == Decimal("20000.00")
    # A county's policy is not another county's firm's.
    assert queries.policies_for(county["elsewhere"], TODAY) == []


def test_amounts_keep_to_floor_cap_and_tiers():
    rate = benefits.check("rate", rate="1.5", base_field="revenue", cap="300000", floor="10000")
    assert benefits.amount_for(rate, Decimal("940")) == Decimal("141000.00")  # 1.5 % of 940 万元
    assert benefits.amount_for(rate, Decimal("100")) == Decimal("15000.00")
    assert benefits.amount_for(rate, Decimal("50000")) == Decimal("300000.00")
    assert benefits.amount_for(rate, Decimal("-500")) == Decimal("10000.00")  # never below the floor
    assert benefits.amount_for(rate, None) is None
    tiers = benefits.check("tiers", base_field="employees", tiers=[["100", "20000"], ["300", "50000"]])
    assert [benefits.amount_for(tiers, Decimal(n)) for n in ("99", "100", "299", "300")] == [
        None, Decimal("20000.00"), Decimal("20000.00"), Decimal("50000.00")]


@pytest.mark.parametrize("fields, field, words", [
    ({"conditions_rows": [{"field": "profit", "operator": "gte", "value": 1}]}, "conditions", "第1个条件：没有“profit”"),
    ({"conditions_rows": [GROWTH_RULES[0], {"field": "revenue", "operator": "gte", "value": "many",
                                            "period": "last_year"}]}, "conditions", "第2个条件"),
    ({"conditions_rows": "revenue > 100"}, "conditions", "一组"),
    ({"amount": "-50000"}, "amount", "不能为负数"),
    ({"amount": "NaN"}, "amount", "有限的数字"),
    ({"benefit_kind": "rate", "rate": "5", "base_field": "revenue", "amount": None}, "cap", "须设最高金额"),
    ({"benefit_kind": "rate", "rate": "150", "base_field": "revenue", "cap": "1", "amount": None}, "rate", "100%"),
    ({"benefit_kind": "rate", "rate": "5", "base_field": "profit", "cap": "1", "amount": None}, "base_field", "计算基数"),
    ({"benefit_kind": "tiers", "base_field": "employees", "tiers": [["300", "5"], ["100", "2"]], "amount": None},
     "tiers", "从低到高"),
    ({"floor": "100", "cap": "50"}, "cap", "不能低于最低金额"),
    ({"budget": "-1"}, "budget", "不能为负数"),
    ({"delivery": "automatic", "conditions_rows": []}, "conditions", "可核验的条件"),
    ({"valid_to": date(2026, 1, 1)}, "valid_to", "不能早于"),
    ({"issued_on": date(9999, 1, 1)}, "issued_on", "印发日期"),
    ({"title": "x\x00"}, "title", "政策名称"),
])
def test_a_bad_policy_is_refused_naming_the_field_and_nothing_is_saved(county, fields, field, words):
    with pytest.raises(ActionError, match=words) as refused:
        create(county, **fields)
    assert refused.value.field == field
    assert not Policy.objects.exists() and not PolicyEvent.objects.exists()


def test_only_the_issuing_department_keeps_its_policies(county, people):
    with pytest.raises(NotAllowed):
        actions.do_create_policy(county["department"], title="x", document_number="x", issued_on=TODAY, valid_from=TODAY,
                                 benefit_type="grant", delivery="application", beneficiaries="x", amount_text="x",
                                 budget="1", amount="1", actor=people.huang)
    policy = create(county)
    with pytest.raises(NotAllowed):
        actions.do_publish_policy(policy, actor=people.liu)


def test_publication_after_seven_working_days_is_marked_late(county, _clock):
    policy = create(county)
    _clock.move_to(datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI))
    actions.do_publish_policy(policy, actor=county["officer"])
    assert PolicyEvent.objects.get(kind="policy_published").data["late"] is True


def test_the_firm_sees_on_its_home_page_the_policies_it_meets_and_one_it_misses_by_one_condition(client, county):
    import re

    from minsheng.cases.models import Notification

    actions.do_publish_policy(create(county), actor=county["officer"])
    from minsheng.enterprises import actions as enterprise_actions

    firm = county["firms"]["湖口县恒达机械有限公司"]
    draft = enterprise_actions.draft_of(firm)
    draft.contact_phone = "13607921234"
    enterprise_actions.do_update_entity(firm, draft, actor=None)
    client.post("/enterprises/firm/login/", {"uscc": firm.uscc, "do": "send"})
    sms = Notification.objects.filter(recipient_address="13607921234").latest("pk")
    client.post("/enterprises/firm/login/", {"uscc": firm.uscc, "code": re.search(r"(\d{6})", sms.body).group(1), "do": "login"})
    home = client.get("/enterprises/firm/").content.decode()
    assert "您可能符合的惠企政策" in home and "差一个条件" in home and "上一年度营业收入增长率不低于15%" in home
