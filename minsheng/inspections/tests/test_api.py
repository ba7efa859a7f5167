"""The inspections API: the draws, their re-run and the published results for anyone; the
visits and each step after filing for staff, through the same actions and with the same
refusals (a Chinese message naming the field, a 404 for what the caller may not see)."""

import hashlib
from datetime import date, datetime

import pytest
import time_machine

from minsheng.inspections import actions
from minsheng.inspections.models import FilingState, SeedSource
from minsheng.inspections.tests.conftest import SHANGHAI, TUESDAY, file
from minsheng.testing import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def test_anyone_reads_a_draw_its_picks_and_re_runs_it(client, town, people):
    draw = actions.do_plan_draw(town["regulator"], title="2026年第四季度双随机抽查", region=people.hukou,
                                ratios={"A": "1", "B": "1", "C": "1", "D": "1"}, seed_source=SeedSource.COMMITTED,
                                seed_source_text="抽取当日公布种子", seed_commitment=hashlib.sha256("种子2026".encode()).hexdigest(),
                                actor=town["head"])
    planned = client.get(f"{API}/draws/{draw.number}").json()
    assert planned["state"] == "planned" and planned["seed"] == "" and planned["seed_commitment"] == draw.seed_commitment
    assert client.get(f"{API}/draws/{draw.number}/picks").json()["results"] == []
    draw = actions.do_run_draw(actions.do_freeze_draw(draw, actor=town["head"]), seed="种子2026", witnesses="县司法局 黄律师",
                               actor=town["head"])
    body = client.get(f"{API}/draws").json()
    assert body["count"] == 1 and body["results"][0]["result_hash"] == draw.result_hash
    picks = client.get(f"{API}/draws/{draw.number}/picks").json()["results"]
    assert {pick["name"] for pick in picks} == {"湖口县麦香园烘焙店", "江西宏丰塑胶有限公司"}
    assert all(len(pick["inspectors"]) == 2 for pick in picks)
    verified = client.get(f"{API}/draws/{draw.number}/verify").json()
    assert verified["matches"] is True and "核验一致" in verified["message"]
    assert client.get(f"{API}/draws/SJ20269999").status_code == 404


def test_a_visit_through_the_api_from_filing_to_publication(client, town, _clock):
    he, head = bearer(town["he"]), bearer(town["head"])
    payload = {"uscc": town["bakery"].uscc.lower(), "kind": "routine", "items": [town["food"].pk],
               "inspectors": [town["inspectors"][0].pk, town["inspectors"][1].pk], "planned_on": "2026-12-04",
               "trigger": "年度检查计划"}
    response = client.post(f"{API}/filings", {**payload, "inspectors": [town["inspectors"][0].pk]},
                           content_type="application/json", **he)
    assert response.status_code == 400 and response.json()["field"] == "inspectors"
    response = client.post(f"{API}/filings", payload, content_type="application/json", **he)
    assert response.status_code == 201, response.json()
    filing_id = response.json()["id"]
    assert client.post(f"{API}/filings/{filing_id}/approve", **he).status_code == 403  # the filer
    approved = client.post(f"{API}/filings/{filing_id}/approve", **head).json()
    assert approved["state"] == FilingState.APPROVED and len(approved["check_code"]) == 8
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    response = client.post(f"{API}/filings/{filing_id}/result", {"inspected_on": "2026-12-04", "result": "no_problem"},
                           content_type="application/json", **he)
    assert response.status_code == 200 and response.json()["publish_due"] == "2027-01-04"
    assert client.post(f"{API}/filings/{filing_id}/publish", **he).json()["state"] == FilingState.PUBLISHED
    listed = client.get(f"{API}/results").json()["results"]
    assert [row["entity"] for row in listed] == ["湖口县麦香园烘焙店"] and listed[0]["result_label"] == "未发现问题"
    assert client.get(f"{API}/filings?state=published", **he).json()["count"] == 1
    assert client.get(f"{API}/filings?state=nonsense", **he).json()["field"] == "state"


def test_staff_see_only_their_visits_and_anonymous_callers_none(client, town, people):
    filing = file(town)
    assert client.get(f"{API}/filings/{filing.pk}").status_code == 401
    for outsider in (town["su"], people.huang):
        assert client.get(f"{API}/filings/{filing.pk}", **bearer(outsider)).status_code == 404
    assert client.get(f"{API}/filings/{filing.pk}", **bearer(people.liu)).status_code == 200
    for bad in ("0", "-1", "99999999999999999999", "1e3", "%EF%BC%91"):
        assert client.get(f"{API}/filings/{bad}", **bearer(town["he"])).status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"planned_on": "2026-02-30"}, "planned_on"),
    ({"planned_on": "9999-12-31"}, "planned_on"),
    ({"items": [2**70]}, "items"),
    ({"inspectors": [-1, 0]}, "inspectors"),
    ({"uscc": "\x00"}, None),
    ({"trigger": "x" * 100_000}, "trigger"),
    ({"kind": None}, "kind"),
])
def test_bad_filings_through_the_api_get_a_clear_error(client, town, change, field):
    payload = {"uscc": town["bakery"].uscc, "kind": "routine", "items": [town["food"].pk],
               "inspectors": [town["inspectors"][0].pk, town["inspectors"][1].pk], "planned_on": "2026-12-04",
               "trigger": "年度检查计划", **change}
    response = client.post(f"{API}/filings", payload, content_type="application/json", **bearer(town["he"]))
    assert response.status_code in (400, 413), response.content
    body = response.json()
    assert body["detail"] and (field is None or body["field"] == field)


def test_a_fine_outside_the_law_or_not_a_number_is_refused(client, town, _clock):
    labelling = actions.do_add_violation_type(town["regulator"], code="SP-125", name="标签不符合规定", fine_min="5000",
                                              fine_max="50000", legal_basis="《食品安全法》第一百二十五条", actor=None)
    filing = actions.do_approve_filing(file(town, kind="complaint", trigger="投诉", planned_on=date(2026, 12, 1)),
                                       actor=town["head"])
    actions.do_record_inspection(filing, inspected_on=date(2026, 12, 1), result="other_violation", findings="标签无日期",
                                 actor=town["he"])
    for fine in ("NaN", "Infinity", "1e400", "100", "50000.01", "五千"):
        response = client.post(f"{API}/filings/{filing.pk}/decisions",
                               {"violation_type": labelling.pk, "offence_on": "2026-12-01", "outcome": "fine", "fine": fine},
                               content_type="application/json", **bearer(town["he"]))
        assert response.status_code == 400 and response.json()["field"] == "fine", (fine, response.content)
