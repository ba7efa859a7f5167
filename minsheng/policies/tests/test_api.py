"""The policies API: the library, one policy with its conditions and the delivery figures for
anyone, never a firm; a policy's eligible firms, payouts and applications and each delivery step
for its department, through the same actions and with the same refusals (a Chinese message
naming the field, a 404 for what the caller may not see, a 403 for what they may see but not
do); a 免申即享 payment from the policy's entry to the money, all through the API."""

from datetime import date, datetime

import pytest
import time_machine
from hypothesis import HealthCheck, settings

from minsheng.cases.tests.test_api_fuzz import CHECKS

from minsheng.policies import actions
from minsheng.policies.models import Payout, PayoutState, Policy, PolicyEvent
from minsheng.policies.tests.conftest import GROWTH_RULES, create
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import bearer, make_category

pytestmark = pytest.mark.django_db
API = "/api/v1/policies"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def published(county, **fields):
    return actions.do_publish_policy(create(county, **fields), actor=county["officer"])


def new_policy(**change) -> dict:
    return {"title": "湖口县支持专精特新企业加快成长的若干措施", "document_number": "湖府办发〔2026〕18号",
            "issued_on": "2026-11-24", "valid_from": "2026-11-24", "benefit_type": "grant", "delivery": "automatic",
            "beneficiaries": "上年度营业收入增长15%以上的专精特新中小企业", "amount_text": "一次性奖励5万元",
            "budget": "1000000", "conditions": GROWTH_RULES, "benefit_kind": "fixed", "amount": "50000", **change}


def test_anyone_finds_the_policies_in_force_and_reads_one_with_its_conditions(client, county):
    growth = published(county)
    jobs = published(county, title="湖口县稳岗扩岗奖补", document_number="湖人社发〔2026〕9号", delivery="application",
                     benefit_type="employment", amount="20000",
                     conditions_rows=[{"field": "employees", "operator": "gte", "value": 100, "period": "last_year"},
                                      {"field": "industry", "operator": "in", "value": ["C"]}])
    draft = create(county, title="湖口县尚未发布的政策", document_number="湖府办发〔2026〕30号")
    body = client.get(API).json()
    assert body["count"] == 2 and {row["number"] for row in body["results"]} == {growth.number, jobs.number}
    assert client.get(API, {"q": "专精特新 成长"}).json()["count"] == 1
    assert client.get(API, {"delivery": "application"}).json()["results"][0]["number"] == jobs.number
    assert client.get(API, {"benefit_type": "employment"}).json()["count"] == 1
    assert client.get(API, {"industry": "F"}).json()["count"] == 1  # the jobs policy is for manufacturing (C)
    assert client.get(API, {"region": "360429"}).json()["count"] == 2
    assert client.get(API, {"region": "360429100"}).json()["count"] == 2  # a township: its county's
    assert client.get(API, {"region": "360403"}).json()["count"] == 0  # another county's firms
    assert client.get(API, {"region": "999999"}).status_code == 404
    assert client.get(API, {"page": "99999999999999999999"}).json()["page"] == 1
    for nul in ({"q": "成长\x00"}, {"region": "\x00"}):
        response = client.get(API, nul)
        assert response.status_code == 400 and response.json()["detail"], response.content
    for name, value in (("benefit_type", "cash"), ("delivery", "可能"), ("industry", "ＣＣ"), ("size_class", "huge")):
        response = client.get(API, {name: value})
        assert response.status_code == 400 and response.json()["field"] == name, response.content

    detail = client.get(f"{API}/{growth.number}").json()
    assert detail["delivery_label"] == "免申即享" and detail["level"] == "county" and detail["all_verifiable"]
    assert detail["conditions"] == [
        {"position": 1, "text": "持有专精特新“小巨人”企业、专精特新中小企业", "field": "certification",
         "field_label": "资质认定", "operator": "has", "operator_label": "持有", "value": ["little_giant", "specialised_sme"],
         "period": "", "period_label": "", "verifiable": True},
        {"position": 2, "text": "上一年度营业收入增长率不低于15%", "field": "revenue_growth", "field_label": "营业收入增长率",
         "operator": "gte", "operator_label": "不低于", "value": "15", "period": "last_year", "period_label": "上一年度",
         "verifiable": True}]
    for number in (draft.number, "ZC209999999", "\u202e", "x" * 300):
        assert client.get(f"{API}/{number}").status_code == 404
    assert client.get(f"{API}/{draft.number}/figures").status_code == 404


def test_the_public_reads_no_firm_and_staff_work_needs_a_login(client, county):
    policy = published(county)
    actions.do_match_policy(policy, actor=county["officer"])
    payout = Payout.objects.get()
    for path in (API, f"{API}/{policy.number}", f"{API}/{policy.number}/figures", f"{API}/figures"):
        response = client.get(path)
        text = response.content.decode()
        assert response.status_code == 200 and "精工" not in text and payout.entity.uscc not in text
    for path in (f"{API}/{policy.number}/eligible", f"{API}/{policy.number}/payouts", f"{API}/{policy.number}/applications",
                 f"{API}/library", f"{API}/firms/{payout.entity_id}"):
        assert client.get(path).status_code == 401
    assert client.post(f"{API}/payouts/{payout.pk}/confirm").status_code == 401
    assert client.post(API, new_policy(), content_type=JSON).status_code == 401
    assert Payout.objects.get().state == PayoutState.LISTED


def test_a_payment_goes_from_the_policys_entry_to_the_money_through_the_api(client, county, _clock):
    officer = bearer(county["officer"])
    response = client.post(API, new_policy(), content_type=JSON, **officer)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["state"] == "draft" and client.get(f"{API}/{number}").status_code == 404
    assert client.get(f"{API}/library/{number}", **officer).json()["title"] == "湖口县支持专精特新企业加快成长的若干措施"
    assert client.post(f"{API}/{number}/publish", **officer).json()["state"] == "published"
    eligible = client.get(f"{API}/{number}/eligible", **officer).json()
    assert [row["name"] for row in eligible["results"]] == ["湖口县精工阀门有限公司"]
    assert client.post(f"{API}/{number}/match", **officer).json() == {"listed": 1}
    assert client.post(f"{API}/{number}/match", **officer).json() == {"listed": 0}
    listed = client.get(f"{API}/{number}/payouts", {"state": "listed"}, **officer).json()
    assert listed["count"] == 1 and listed["results"][0]["amount"] == "50000.00"
    payout_id = listed["results"][0]["id"]
    assert client.post(f"{API}/payouts/{payout_id}/confirm", **officer).json()["state"] == "confirmed"
    assert client.post(f"{API}/{number}/publicize", **officer).json() == {"count": 1}
    early = client.post(f"{API}/payouts/{payout_id}/order", **officer)
    assert early.status_code == 400 and "期满后" in early.json()["detail"]
    _clock.move_to(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))
    ordered = client.post(f"{API}/payouts/{payout_id}/order", **officer).json()
    assert ordered["state"] == "ordered" and ordered["due_on"] == "2027-01-07"
    _clock.move_to(datetime(2026, 12, 15, 16, 0, tzinfo=SHANGHAI))
    future = client.post(f"{API}/payouts/{payout_id}/paid", {"paid_on": "2026-12-16"}, content_type=JSON, **officer)
    assert future.status_code == 400 and future.json()["field"] == "paid_on"
    paid = client.post(f"{API}/payouts/{payout_id}/paid", {"paid_on": "2026-12-15"}, content_type=JSON, **officer).json()
    assert paid["state"] == "paid" and paid["paid_on"] == "2026-12-15"
    shown = client.get(f"{API}/{number}/figures").json()
    assert (shown["firms_paid"], shown["amount_paid"]) == (1, "50000.00")
    assert (shown["days_median"], shown["on_time_share"]) == (15.0, 100.0)
    assert {row["state"]: row["count"] for row in shown["payouts"]}["paid"] == 1
    board = client.get(f"{API}/figures", {"year": 2026}).json()
    hukou = next(row for row in board["rows"] if row["name"] == "湖口县")
    assert (hukou["policies_published"], hukou["automatic_published"], hukou["paid"]) == (1, 1, 1)
    assert board["total"]["amount_paid"] == "50000.00"
    assert client.get(f"{API}/figures", {"year": 1999}).json()["field"] == "year"


def test_another_department_reads_nothing_and_a_supervisor_reads_but_may_not_act(client, county, people):
    policy = published(county)
    actions.do_match_policy(policy, actor=county["officer"])
    payout = Payout.objects.get()
    for outsider in (people.xu, people.huang, people.nobody):  # another county's, another department's, no department
        headers = bearer(outsider)
        for path in (f"{API}/{policy.number}/eligible", f"{API}/{policy.number}/payouts", f"{API}/library/{policy.number}"):
            assert client.get(path, **headers).status_code == 404, (outsider, path)
        assert client.post(f"{API}/payouts/{payout.pk}/confirm", **headers).status_code == 404
        assert client.post(f"{API}/{policy.number}/match", **headers).status_code == 404
    assert client.get(f"{API}/library", **bearer(people.xu)).json()["count"] == 0
    assert client.get(f"{API}/library", **bearer(people.nobody)).status_code == 404
    supervisor = bearer(people.liu)  # 湖口县营商办 oversees the county
    assert client.get(f"{API}/{policy.number}/payouts", **supervisor).json()["count"] == 1
    refused = client.post(f"{API}/payouts/{payout.pk}/confirm", **supervisor)
    assert refused.status_code == 403 and refused.json()["detail"]
    response = client.post(API, new_policy(), content_type=JSON, **supervisor)
    assert response.status_code == 403 and not Policy.objects.filter(issuer=people.hukou_business).exists()
    assert Payout.objects.get().state == PayoutState.LISTED
    assert PolicyEvent.objects.filter(payout=payout).count() == 0


def test_a_firms_matches_show_what_it_misses(client, county, people):
    published(county)
    firm = county["firms"]["湖口县恒达机械有限公司"]
    matches = client.get(f"{API}/firms/{firm.pk}", **bearer(people.liu)).json()
    assert matches == [{"number": matches[0]["number"], "title": "湖口县支持专精特新企业加快成长的若干措施", "region": "湖口县",
                        "delivery": "automatic", "delivery_label": "免申即享", "meets": False,
                        "missing": ["上一年度营业收入增长率不低于15%"], "expected_amount": "50000.00"}]
    assert client.get(f"{API}/firms/{firm.pk}", **bearer(people.xu)).status_code == 404
    assert client.get(f"{API}/firms/{county['elsewhere'].pk}", **bearer(people.liu)).status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"conditions": [{"field": "profit", "operator": "gte", "value": "1", "period": "last_year"}]}, "conditions"),
    ({"conditions": [{"field": "revenue", "operator": "gte", "value": "NaN", "period": "last_year"}]}, "conditions"),
    ({"conditions": [{"field": "above_scale", "operator": "is", "value": "yes"}]}, "conditions"),
    ({"conditions": [{"field": "revenue", "operator": "between", "value": ["9", "1"], "period": "last_year"}]}, "conditions"),
    ({"conditions": [{"field": "revenue", "operator": "gte", "value": {"a": 1}, "period": "last_year"}]}, "conditions"),
    ({"conditions": [{"field": "industry", "operator": "in", "value": [["C"]]}]}, "conditions"),
    ({"conditions": [{"field": "years_founded", "operator": "gte", "value": 1e300}]}, "conditions"),
    ({"conditions": "all"}, "conditions"),
    ({"amount": "NaN"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"budget": "Infinity"}, "budget"),
    ({"budget": "1e400"}, "budget"),
    ({"benefit_kind": "rate", "rate": "1.5", "base_field": "revenue", "cap": None}, "cap"),
    ({"benefit_kind": "tiers", "base_field": "employees", "tiers": [["300", "1"], ["100", "2"]]}, "tiers"),
    ({"title": "成长\x00措施"}, None),
    ({"title": "x" * 100_000}, "title"),
    ({"issued_on": "2026-02-30"}, "issued_on"),
    ({"valid_from": "9999-12-31"}, "valid_from"),
    ({"payment_days": 10**30}, "payment_days"),
    ({"delivery": None}, "delivery"),
])
def test_a_bad_policy_gets_a_clear_error_and_nothing_is_saved(client, county, change, field):
    response = client.post(API, new_policy(**change), content_type=JSON, **bearer(county["officer"]))
    assert response.status_code in (400, 413), response.content
    body = response.json()
    assert body["detail"] and (field is None or body["field"] == field), body
    assert not Policy.objects.exists() and not PolicyEvent.objects.exists()


def test_other_peoples_and_made_up_ids_read_as_not_found(client, county, people):
    policy = published(county)
    actions.do_match_policy(policy, actor=county["officer"])
    officer = bearer(county["officer"])
    for bad in ("0", "-1", "99999999999999999999", "1e3", "%EF%BC%91", "abc"):
        assert client.post(f"{API}/payouts/{bad}/confirm", **officer).status_code == 404
        assert client.post(f"{API}/applications/{bad}/review", {"approve": True}, content_type=JSON,
                           **officer).status_code == 404
        assert client.get(f"{API}/firms/{bad}", **officer).status_code == 404
    xunyang = actions.do_create_policy(people.xunyang_housing, title="浔阳区老旧小区商户补贴", document_number="浔府发〔2026〕2号",
                                       issued_on=date(2026, 11, 24), valid_from=date(2026, 11, 24), benefit_type="grant",
                                       delivery="automatic", beneficiaries="浔阳区商户", amount_text="1万元", budget="100000",
                                       conditions_rows=GROWTH_RULES, amount="10000", actor=None)
    actions.do_match_policy(actions.do_publish_policy(xunyang, actor=None), actor=None)
    theirs = Payout.objects.get(policy=xunyang)
    assert client.post(f"{API}/payouts/{theirs.pk}/confirm", **officer).status_code == 404
    assert client.get(f"{API}/{xunyang.number}/payouts", **officer).status_code == 404
    listing = client.get(f"{API}/{policy.number}/payouts", {"page": "99999999999999999999", "state": "listed"}, **officer)
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert client.get(f"{API}/{policy.number}/payouts", {"state": "lost"}, **officer).json()["field"] == "state"


def test_an_application_is_reviewed_through_the_api(client, county, people):
    make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")
    policy = published(county, title="湖口县工业企业设备更新奖补办法", delivery="application", amount="30000",
                       cap="30000",
                       conditions_rows=[{"field": "employees", "operator": "gte", "value": "100", "period": "last_year"}])
    small = county["firms"]["湖口县恒达机械有限公司"]  # 80 employees
    application, _ = actions.do_apply_for_policy(policy, small, applicant_name="周敏", applicant_phone="13907920001",
                                                 explanation="今年新招工30人，联系周敏13907920001。", actor=None)
    officer = bearer(county["officer"])
    told = client.post(f"{API}/{policy.number}/notify", **officer)
    assert told.status_code == 200 and set(told.json()) == {"firms", "helpers"}
    assert "已提醒过" in client.post(f"{API}/{policy.number}/notify", **officer).json()["detail"]
    listed = client.get(f"{API}/{policy.number}/applications", **officer).json()["results"]
    assert listed[0]["missing"] == ["上一年度从业人员不低于100人"] and "13907920001" in listed[0]["explanation"]
    overseen = client.get(f"{API}/{policy.number}/applications", **bearer(people.liu)).json()["results"]
    assert "13907920001" not in overseen[0]["explanation"]
    path = f"{API}/applications/{application.pk}/review"
    assert client.post(path, {"approve": True}, content_type=JSON, **bearer(people.xu)).status_code == 404
    assert client.post(path, {"approve": True}, content_type=JSON, **bearer(people.liu)).status_code == 403
    for amount in ("NaN", "-1", "30000.01", "三万"):
        response = client.post(path, {"approve": True, "amount": amount}, content_type=JSON, **officer)
        assert response.status_code == 400 and response.json()["field"] == "amount", (amount, response.content)
    refused = client.post(path, {"approve": False, "note": ""}, content_type=JSON, **officer)
    assert refused.status_code == 400 and refused.json()["field"] == "note"
    approved = client.post(path, {"approve": True, "note": "新招工人数已核实。"}, content_type=JSON, **officer).json()
    assert approved["stage"] == "reviewed" and approved["amount"] == "30000.00"
    again = client.post(path, {"approve": True}, content_type=JSON, **officer)
    assert again.status_code == 400 and "已审核" in again.json()["detail"]
    shown = client.get(f"{API}/{policy.number}/figures").json()
    assert (shown["applications"], shown["applications_approved"], shown["budget_used_share"]) == (1, 1, 3.0)


# --- whatever is sent: no 5xx, only documented codes, bodies as documented -------------------------------

def _policies_schema():
    import schemathesis

    from minsheng.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/policies")


fuzzed = _policies_schema()


@pytest.fixture
def keeper_with_work(county, people):
    """The county's policy officer's token, with a published policy matched and one payout
    confirmed, and the WSGI calls kept off the test's connection (as in cases' fuzz test)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from minsheng.org.actions import do_create_access_token

    policy = published(county)
    actions.do_match_policy(policy, actor=county["officer"])
    actions.do_confirm_payout(Payout.objects.get(), actor=county["officer"])
    _row, secret = do_create_access_token(county["officer"], "fuzz", actor=None)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield secret
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@fuzzed.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_the_policies_api_answers_every_request_as_documented(case, keeper_with_work):
    case.call_and_validate(headers={"Authorization": f"Bearer {keeper_with_work}"}, checks=CHECKS)


def test_a_malformed_member_of_a_union_is_named_by_its_field_not_its_type():
    import json

    from django.test import RequestFactory
    from ninja.errors import ValidationError

    from minsheng.api import validation_error

    error = ValidationError([{"loc": ("body", "payload", "conditions", 0, "value", "list[str]"), "msg": "x"}])
    answer = json.loads(validation_error(RequestFactory().post("/api/v1/policies"), error).content)
    assert answer == {"detail": "参数“value”格式不正确或缺失。", "field": "value"}
