"""The elevator pages as residents and staff use them: the public funnel and lookup that never
show a name, a phone or a vote; the staff page that enters votes and refuses bad ones naming the
field; the agreement sheet that adds up; strangers who find nothing."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from minsheng.elevators import actions
from minsheng.elevators.models import Application, Choice, Target, Vote
from minsheng.elevators.stages import Stage
from minsheng.testing import make_entrance, make_rule_set, make_street_office

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def worker(people):
    return make_street_office(people)


@pytest.fixture
def application(people, worker):
    make_rule_set(people.city)
    Target.objects.create(region=people.city, year=2026, completed=305)
    entrance = make_entrance(people)
    owner = entrance.dwellings.get(number="701").voter
    owner.name, owner.phone = "赵金德", "13979212345"
    owner.save()
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[owner], actor=worker)
    return actions.do_advance_stage(application, actor=worker)  # consultation


def test_the_public_funnel_states_its_figures_and_definitions(client, application):
    page = client.get("/elevators/").content.decode()
    assert "已受理1台，已批复0台，在建0台，已完工0台" in page
    assert "2026年目标完工305台" in page
    assert "在建：统计日当天处于施工中" in page  # the definitions are on the page
    assert "赵金德" not in page and "13979212345" not in page


@pytest.mark.parametrize("as_of", ["2021-02-30", "abc", "9999-01-01", "2019-12-31", "\x00", "2026-03-02" * 50])
def test_a_bad_statistics_date_is_a_message_not_an_error(client, application, as_of):
    response = client.get("/elevators/", {"as_of": as_of})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "已显示截至今天的数据" in response.content.decode()


def test_a_resident_finds_the_building_and_sees_no_names_or_votes(client, people, application, worker):
    dwelling = application.entrance.dwellings.get(number="701")
    actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area, choice=Choice.AGREE,
                           cast_on=date(2026, 3, 2), actor=worker)
    found = client.get("/elevators/lookup/", {"region": people.hukou.pk, "estate": " 长运宿舍 ", "building": "7"})
    assert application.number in found.content.decode()
    public = client.get(f"/elevators/a/{application.number}/").content.decode()
    assert "征求意见和表决" in public and "长运宿舍7栋1单元" in public
    for private in ("赵金德", "13979212345", "701室表决", "同意）"):
        assert private not in public
    assert client.get("/elevators/a/湖口-加梯-2026-9999/").status_code == 404


def test_the_lookup_says_what_is_wrong_and_what_was_not_found(client, people, application):
    empty = client.get("/elevators/lookup/", {"region": "", "estate": "", "building": ""}).content.decode()
    assert "所在县（市、区）：请选择所在县（市、区）。" in empty and "小区名称：请填写小区名称。" in empty
    none = client.get("/elevators/lookup/", {"region": people.hukou.pk, "estate": "不存在小区", "building": "1栋"}).content.decode()
    assert "没有找到“不存在小区1栋”的加装电梯申请" in none


def test_the_street_enters_a_vote_on_the_page_and_the_ratios_move(client, application, worker):
    client.force_login(worker)
    dwelling = application.entrance.dwellings.get(number="301")
    response = client.post(f"/elevators/staff/{application.pk}/act/vote/", {
        "vote-dwelling": dwelling.pk, "vote-area": str(dwelling.area), "vote-choice": Choice.AGREE, "vote-cast_on": "2026-03-02"})
    assert response.status_code == 302
    page = client.get(f"/elevators/staff/{application.pk}/").content.decode()
    assert "已录入301室的表决意见" in page and "参与表决面积" in page
    assert Application.objects.get(pk=application.pk).participating_heads == 1


def test_a_wrong_area_on_the_page_is_refused_on_its_field_and_nothing_is_saved(client, application, worker):
    client.force_login(worker)
    dwelling = application.entrance.dwellings.get(number="301")
    response = client.post(f"/elevators/staff/{application.pk}/act/vote/", {
        "vote-dwelling": dwelling.pk, "vote-area": "99.99", "vote-choice": Choice.AGREE, "vote-cast_on": "2026-03-02"})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"表决票上的专有部分面积（㎡）：专有部分面积与产权登记不符：301室登记为{dwelling.area}㎡" in page
    assert "data-error-summary" in page and not Vote.objects.exists()


@pytest.mark.parametrize("action, data", [
    ("vote", {"vote-dwelling": "99999999999999999999", "vote-area": "NaN", "vote-choice": "x", "vote-cast_on": "2026-02-30"}),
    ("costs", {"costs-estimated_cost": "1e400", "costs-method": "area"}),
    ("notice", {"notice-text": "\x00", "notice-days": "-1"}),
    ("mediation", {"objection": "abc"}),
    ("link", {"link-number": "nope"}),
    ("nothing", {}),
])
def test_bad_input_on_any_action_is_a_clear_refusal(client, application, worker, action, data):
    client.force_login(worker)
    response = client.post(f"/elevators/staff/{application.pk}/act/{action}/", data)
    assert response.status_code in (302, 400, 404)


def test_a_stranger_finds_no_application_and_cannot_act(client, people, application):
    client.force_login(people.xu)  # 浔阳区住建局
    assert client.get(f"/elevators/staff/{application.pk}/").status_code == 404
    assert client.post(f"/elevators/staff/{application.pk}/act/advance/", {}).status_code == 404
    assert client.get("/elevators/staff/99999999999999999999/").status_code == 404
    client.force_login(people.huang)  # the county's bureau sees it but may not enter votes
    page = client.get(f"/elevators/staff/{application.pk}/").content.decode()
    assert "录入表决意见" not in page


def test_the_agreement_sheet_adds_up_to_what_the_owners_pay(client, application, worker):
    for dwelling in application.entrance.dwellings.all():
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area, choice=Choice.AGREE,
                               cast_on=date(2026, 3, 2), actor=worker)
    application = actions.do_advance_stage(application, actor=worker)
    actions.do_set_costs(application, estimated_cost="600000", implementing_body="业主委员会", actor=worker)
    client.force_login(worker)
    response = client.get(f"/elevators/staff/{application.pk}/agreement.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    amounts = [row[4] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0] and str(row[0]).endswith("室")]
    assert len(amounts) == 14 and sum(Decimal(str(a)) for a in amounts) == Decimal("400000.00")
    assert any("赵金德" in str(row[5]) for row in sheet.iter_rows(min_row=6, values_only=True) if row[5])


def test_the_api_serves_the_funnel_to_anyone_and_an_application_to_its_staff(client, people, application, worker):
    from minsheng.testing import bearer

    funnel = client.get("/api/v1/elevators/funnel", {"as_of": "2026-03-02"})
    assert funnel.status_code == 200 and funnel.json()["figures"]["accepted"] == 1 and funnel.json()["target"] == 305
    assert client.get("/api/v1/elevators/funnel", {"as_of": "2019-01-01"}).status_code == 400
    assert client.get("/api/v1/elevators/funnel", {"as_of": "2026-02-30"}).status_code == 400
    assert client.get("/api/v1/elevators/funnel", {"region": "999999"}).status_code == 404
    url = f"/api/v1/elevators/applications/{application.pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(people.xu)).status_code == 404  # another county
    body = client.get(url, **bearer(worker)).json()
    assert body["stage"] == Stage.CONSULTATION and body["ratios"]["missing"].startswith("还差")
    assert "赵金德" not in str(body)
    stale = client.post(f"{url}/advance", {"expected_stage": Stage.FEASIBILITY}, content_type="application/json",
                        **bearer(worker))
    assert stale.status_code == 409 and "请刷新后再办理" in stale.json()["detail"]
    refused = client.post(f"{url}/advance", {"expected_stage": Stage.CONSULTATION}, content_type="application/json",
                          **bearer(worker))
    assert refused.status_code == 400 and refused.json()["field"] == "stage"  # the vote has not passed


def test_the_street_finds_the_entrance_and_files_for_the_owners(client, people, worker):
    make_rule_set(people.city)
    entrance = make_entrance(people, estate_name="烟草公司宿舍", building="2栋")
    client.force_login(worker)
    found = client.get("/elevators/staff/new/", {"q": "烟草"}).content.decode()
    assert "烟草公司宿舍2栋1单元" in found
    page = client.get(f"/elevators/staff/new/{entrance.pk}/").content.decode()
    assert "（701室）" in page
    refused = client.post(f"/elevators/staff/new/{entrance.pk}/", {"filed_on": "2026-03-02"})
    assert refused.status_code == 400 and "业主代表：请选择业主代表。" in refused.content.decode()
    owners = [d.voter.pk for d in entrance.dwellings.filter(floor=7)]
    response = client.post(f"/elevators/staff/new/{entrance.pk}/", {"filed_on": "2026-03-02", "representatives": owners})
    application = Application.objects.get(entrance=entrance)
    assert response.status_code == 302 and response["Location"] == f"/elevators/staff/{application.pk}/"
    client.force_login(people.xu)  # another county's staff cannot even see the entrance
    assert client.get(f"/elevators/staff/new/{entrance.pk}/").status_code == 404
