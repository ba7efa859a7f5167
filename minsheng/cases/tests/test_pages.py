"""The workbench pages as staff and residents use them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.catalogue import kind
from minsheng.cases.models import Case, EventKind, PersonalDataView, State
from minsheng.testing import case_in_state, make_category, register

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def category(people):
    return make_category(routes=[(people.hukou, people.hukou_housing)])


def window_post(people, category, **overrides):
    data = {
        "kind": kind("stuck-matter").pk,
        "requester_name": "赵秀英",
        "requester_phone": "138 1234 1234",
        "applied_for": "既有住宅加装电梯审批",
        "category": category.pk,
        "stuck_departments": [people.hukou_housing.pk],
        "visits": "3",
        "description": "两个月前递交加装电梯审批，跑了三次还没有结果。",
        "wants": "尽快完成审批",
        "proposed_department": people.hukou_housing.pk,
        "submission_token": "tok-1",
    }
    data.update(overrides)
    return data


def test_the_clerk_registers_a_walk_in_and_gets_a_slip_with_the_code(client, people, category):
    client.force_login(people.chen)
    page = client.get("/cases/staff/new/").content.decode()
    assert "窗口登记" in page and str(people.hukou_housing.pk) in page
    response = client.post("/cases/staff/new/", window_post(people, category))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/staff/new/{case.pk}/slip/"
    slip = client.get(response["Location"]).content.decode()
    assert case.number in slip and "138****1234" in slip and "赵*" in slip
    code = slip.split('class="code">')[1].split("<")[0]
    assert len(code) == 8
    # The code is shown once.
    assert 'class="code"' not in client.get(response["Location"]).content.decode()
    assert case.proposed_department == people.hukou_housing and case.visits == 3
    assert case.requester_phone == "13812341234"


def test_the_same_form_sent_twice_makes_one_case(client, people, category):
    client.force_login(people.chen)
    client.post("/cases/staff/new/", window_post(people, category))
    client.post("/cases/staff/new/", window_post(people, category))
    assert Case.objects.count() == 1


def test_bad_window_input_is_named_and_nothing_saved(client, people, category):
    client.force_login(people.chen)
    response = client.post("/cases/staff/new/", window_post(people, category, requester_phone="12345", visits="三"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "跑了几次：跑了几次应为整数。" in page
    response = client.post("/cases/staff/new/", window_post(people, category, requester_phone="12345"))
    assert "手机号码：手机号码应为11位数字，以13至19开头。" in response.content.decode()
    assert not Case.objects.exists()


def test_a_supervisor_accepts_and_dispatches_from_the_case_page(client, people):
    case, _ = register(people)
    client.force_login(people.liu)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert "受理" in page and "不予受理" in page and "签收" not in page
    client.post(f"/cases/staff/{case.pk}/act/accept/", {"accept-note": ""})
    response = client.post(f"/cases/staff/{case.pk}/act/dispatch/", {"dispatch-department": people.hukou_housing.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.lead_department == people.hukou_housing


def test_the_handler_sees_it_to_sign_signs_and_cannot_close_empty(client, people):
    case = case_in_state(people, State.DISPATCHED)
    client.force_login(people.huang)
    inbox = client.get("/cases/staff/inbox/?tab=to_sign").content.decode()
    assert case.number in inbox
    client.post(f"/cases/staff/{case.pk}/act/sign/")
    case.refresh_from_db()
    assert case.state == State.HANDLING
    response = client.post(f"/cases/staff/{case.pk}/act/close/", {"close-result": "solved", "close-text": ""})
    assert "办理情况：请填写办理情况。" in response.content.decode()
    response = client.post(f"/cases/staff/{case.pk}/act/close/", {"close-result": "explained", "close-text": "已解释"})
    assert "依据或原因：已解释说明的，请填写政策或法律依据。" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.HANDLING


def test_a_handler_of_another_department_cannot_see_the_case(client, people):
    case = case_in_state(people, State.HANDLING)
    client.force_login(people.wu)
    assert client.get(f"/cases/staff/{case.pk}/").status_code == 404
    assert client.post(f"/cases/staff/{case.pk}/act/close/", {"close-result": "solved", "close-text": "x"}).status_code == 404
    client.force_login(people.xu)
    assert client.get(f"/cases/staff/{case.pk}/").status_code == 404
    assert client.get("/cases/staff/search/", {"number": case.number}).context["page"].paginator.count == 0


def test_a_stale_button_gets_a_clear_message(client, people):
    case = case_in_state(people, State.DISPATCHED)
    client.force_login(people.huang)
    client.post(f"/cases/staff/{case.pk}/act/sign/")
    response = client.post(f"/cases/staff/{case.pk}/act/sign/", follow=True)
    assert "可能已有其他人处理" in response.content.decode()


def test_personal_data_is_masked_and_each_reveal_is_logged(client, people):
    case = case_in_state(people, State.HANDLING, requester_id_number="11010519491231002X")
    client.force_login(people.zhang)  # the leader sees the case, masked, with no reveal
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert "138****1234" in page and "13812341234" not in page and "11010519491231002X" not in page
    assert "显示完整号码" not in page
    assert client.post(f"/cases/staff/{case.pk}/personal/phone/").status_code == 404
    client.force_login(people.huang)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert "13812341234" not in page and "显示完整号码" in page
    response = client.post(f"/cases/staff/{case.pk}/personal/phone/")
    assert response.status_code == 302 and response["Location"] == f"/cases/staff/{case.pk}/"  # a refresh posts nothing
    page = client.get(response["Location"]).content.decode()
    assert "13812341234" in page and "11010519491231002X" not in page
    view = PersonalDataView.objects.get()
    assert (view.user, view.field, view.case) == (people.huang, "requester_phone", case)
    assert "13812341234" in client.get(f"/cases/staff/{case.pk}/").content.decode()  # reloading: no new log
    assert PersonalDataView.objects.count() == 1
    client.force_login(people.zhang)  # the reveal was huang's, in huang's session
    assert "13812341234" not in client.get(f"/cases/staff/{case.pk}/").content.decode()


def test_a_resident_tracks_with_number_and_code_and_sees_only_the_public_timeline(client, people):
    case, code = register(people)
    from minsheng.cases import actions

    actions.do_accept_case(case, note="内部意见：优先办理", actor=people.liu)
    actions.do_dispatch_case(case, department=people.hukou_housing, actor=people.liu)
    actions.do_sign_case(case, actor=people.huang)
    actions.do_add_note(case, text="内部：设计审查卡住了", actor=people.huang)
    page = client.post("/cases/track/", {"number": case.number, "code": code}).content.decode()
    assert "已转交湖口县住建局办理" in page and "湖口县住建局已签收" in page
    assert "内部意见" not in page and "设计审查卡住了" not in page
    assert "黄鑫" not in page and "刘伟" not in page and "13812341234" not in page


def test_a_wrong_code_and_an_unknown_number_read_the_same(client, people):
    case, code = register(people)
    wrong_code = client.post("/cases/track/", {"number": case.number, "code": "00000000"}).content.decode()
    no_number = client.post("/cases/track/", {"number": "湖口-2026-999999", "code": code}).content.decode()
    assert "编号或查询码不正确" in wrong_code
    strip = lambda html: html.replace(case.number, "X").replace("湖口-2026-999999", "X").replace(code, "C").replace("00000000", "C")  # noqa: E731
    import re

    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", strip(wrong_code)) == token.sub("", strip(no_number))


def test_the_resident_rates_and_an_unhappy_rating_reopens(client, people):
    case = case_in_state(people, State.CLOSED)
    from minsheng.cases.actions.intake import hash_query_code

    Case.objects.filter(pk=case.pk).update(query_code_hash=hash_query_code(case.number, "12345678"))
    data = {"number": case.number, "code": "12345678", "do": "rate", "rate-rating": "unsatisfied", "rate-comment": ""}
    page = client.post("/cases/track/", data).content.decode()
    assert "不满意的，请说明原因" in page
    data["rate-comment"] = "电梯还没装"
    client.post("/cases/track/", data)
    case.refresh_from_db()
    assert case.state == State.HANDLING and case.events.filter(kind=EventKind.REOPENED).exists()


def test_a_resident_submits_online_without_an_account(client, people, category):
    data = {
        "region": people.hukou.code,
        "kind": kind("general").pk,
        "category": category.pk,
        "title": "小区电梯",
        "description": "<b>小区</b>想加装电梯，怎么申请？",
        "requester_name": "王先生",
        "requester_phone": "13912345678",
        "submission_token": "public-1",
    }
    response = client.post("/cases/submit/", data)
    assert response.status_code == 302
    done = client.get("/cases/submitted/").content.decode()
    case = Case.objects.get()
    assert case.channel == "online" and case.number in done and case.registered_by is None
    assert case.description == "<b>小区</b>想加装电梯，怎么申请？"
    client.force_login(people.liu)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert "&lt;b&gt;小区&lt;/b&gt;" in page


def test_a_bot_filling_the_hidden_field_creates_nothing(client, people, category):
    data = {"region": people.hukou.code, "kind": kind("general").pk, "category": category.pk, "description": "广告",
            "requester_name": "bot", "requester_phone": "13912345678", "website": "http://spam"}
    assert client.post("/cases/submit/", data).status_code == 302
    assert not Case.objects.exists()


def test_the_supervision_board_lists_overdue_cases_by_department(client, people, _now):
    case = case_in_state(people, State.DISPATCHED)
    _now.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(people.liu)
    response = client.get("/cases/staff/supervision/")
    rows = response.context["rows"]
    assert [(r.department, r.overdue) for r in rows] == [("湖口县住建局", 1)]
    assert case.number in response.content.decode()
    client.force_login(people.huang)
    assert client.get("/cases/staff/supervision/").status_code == 302
