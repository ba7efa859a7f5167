"""A lift in service: a resident reports its fault from the lift's public page, without an
account. The report is a case of the catalogue's 电梯故障 category (proposed to the county's
市场监管局, three working days), linked both ways to the application; the handler sees whom to
call out. Bad input is refused on its field and nothing is half-saved."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, State
from minsheng.core.errors import ActionError
from minsheng.elevators import actions
from minsheng.elevators.apps import case_links
from minsheng.elevators.models import ApplicationCase, ApplicationEvent, Choice, EventKind, Owner
from minsheng.elevators.stages import Stage
from minsheng.org import workdays
from minsheng.testing import make_department, make_entrance, make_rule_set, make_street_office

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTRACTOR_PHONE = "13907920001"


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def market(people):
    """湖口县市场监管局, and the catalogue routing 电梯故障 to it."""
    department = make_department("湖口县市场监管局", people.hukou)
    load_catalogue()
    return department


@pytest.fixture
def lift(people, market, _clock):
    """长运宿舍7栋1单元's lift, in service since 2026-04-30, serviced by 九江安达."""
    make_rule_set(people.city)
    worker = make_street_office(people)
    entrance = make_entrance(people, floors=2, per_floor=1)
    owner = Owner.objects.filter(dwellings__entrance=entrance).first()
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[owner],
                                              implementing_body="长运宿舍7栋业主委员会", actor=worker)
    application = actions.do_advance_stage(application, actor=worker)
    for dwelling in entrance.dwellings.all():
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                               choice=Choice.AGREE, cast_on=date(2026, 3, 2), actor=worker)
    application = actions.do_advance_stage(application, actor=worker)
    actions.do_set_costs(application, estimated_cost="300000", actor=worker)
    application = actions.do_advance_stage(actions.do_advance_stage(application, actor=worker), actor=worker)
    actions.do_publish_notice(application, text="拟加装电梯公示", days=10, actor=worker)
    _clock.move_to(at(2026, 3, 13, 9, 0))
    for actor in (worker, worker, people.huang, worker, worker, people.sun, people.huang):
        application = actions.do_advance_stage(application, actor=actor)
    assert application.stage == Stage.IN_SERVICE
    _clock.move_to(at(2026, 5, 6, 9, 0))
    actions.do_set_maintenance(application, contractor="九江安达电梯维保有限公司", phone=CONTRACTOR_PHONE,
                               inspection_expires_on=date(2027, 4, 30), actor=worker)
    actions.do_record_service(application, serviced_on=date(2026, 5, 5), actor=worker)
    _clock.move_to(at(2026, 5, 11, 9, 0))  # a Monday
    application.refresh_from_db()
    return application


def fault_form(**fields):
    return {"fault": "stopped", "description": "电梯从昨晚开始停运，显示屏不亮。", "floor": "7楼",
            "requester_name": "赵金德", "requester_phone": "13807921234", "submission_token": "f" * 32} | fields


def test_a_resident_reports_a_fault_from_the_lifts_page_and_both_sides_see_the_link(client, people, market, lift):
    page = client.get(reverse("elevators:public", args=[lift.number]))
    assert reverse("elevators:fault", args=[lift.number]) in page.content.decode()
    assert "九江安达电梯维保有限公司" in page.content.decode()
    assert CONTRACTOR_PHONE not in page.content.decode()  # the contractor's mobile is for the handler

    response = client.post(reverse("elevators:fault", args=[lift.number]), fault_form())
    assert response.status_code == 302 and response["Location"] == reverse("cases:submitted")
    receipt = client.get(response["Location"]).content.decode()
    case = Case.objects.get()
    assert case.number in receipt

    assert case.category.code == "elevator-fault" and case.kind.code == "general"
    assert case.region == people.hukou and case.state == State.REGISTERED
    assert case.proposed_department == market
    assert case.answers == {"building": "长运宿舍7栋1单元，7楼", "fault": "stopped"}
    assert case.title == "长运宿舍7栋1单元加装电梯停运"
    # The category's own limit: three working days to handle, not the general kind's ten.
    assert case.category.handle_days == 3

    link = ApplicationCase.objects.get()
    assert (link.application, link.case, link.stage) == (lift, case, Stage.IN_SERVICE)
    event = ApplicationEvent.objects.get(application=lift, kind=EventKind.FAULT)
    assert case.number in event.note and "停运" in event.note and not event.is_public

    shown = case_links(case, people.huang)
    assert shown[0]["title"] == f"关联的加装电梯申请 {lift.number}"
    assert f"维保单位：九江安达电梯维保有限公司，电话{CONTRACTOR_PHONE}" in shown[0]["lines"]
    assert "最近维保：2026-05-05" in shown[0]["lines"]


def test_the_same_report_sent_twice_makes_one_case(client, lift):
    url = reverse("elevators:fault", args=[lift.number])
    for _ in range(2):
        assert client.post(url, fault_form()).status_code == 302
    assert Case.objects.count() == 1 and ApplicationCase.objects.count() == 1
    assert ApplicationEvent.objects.filter(kind=EventKind.FAULT).count() == 1


@pytest.mark.parametrize("fields, field_label", [
    ({"fault": ""}, "故障情况"),
    ({"fault": "exploded"}, "故障情况"),
    ({"description": ""}, "具体情况"),
    ({"requester_phone": "12345"}, "手机号码"),
    ({"requester_name": ""}, "姓名"),
    ({"description": "停运\x00"}, "不可见的控制字符"),  # the input guard, before the form
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(client, lift, fields, field_label):
    response = client.post(reverse("elevators:fault", args=[lift.number]), fault_form(**fields))
    assert response.status_code == 400
    assert field_label in response.content.decode()
    assert not Case.objects.exists() and not ApplicationCase.objects.exists()
    assert not ApplicationEvent.objects.filter(kind=EventKind.FAULT).exists()


def test_a_lift_not_yet_in_service_has_no_fault_report(client, people, market, lift):
    other = make_entrance(people, building="8栋", floors=2, per_floor=1)
    owner = Owner.objects.filter(dwellings__entrance=other).first()
    worker = make_street_office(people, username="qian2", full_name="钱二")
    application = actions.do_file_application(other, filed_on=date(2026, 5, 8), representatives=[owner],
                                              implementing_body="长运宿舍8栋业主委员会", actor=worker)
    assert client.get(reverse("elevators:fault", args=[application.number])).status_code == 404
    assert client.post(reverse("elevators:fault", args=[application.number]), fault_form()).status_code == 404
    page = client.get(reverse("elevators:public", args=[application.number])).content.decode()
    assert reverse("elevators:fault", args=[application.number]) not in page
    with pytest.raises(ActionError) as refused:
        actions.do_report_fault(application, fault="stopped", description="停运", requester_name="赵金德",
                                requester_phone="13807921234")
    assert refused.value.field == "application"
    assert not Case.objects.exists()


def test_without_the_category_the_page_says_whom_to_call(client, lift):
    from minsheng.cases.models import Category

    Category.objects.filter(code="elevator-fault").update(is_active=False)
    page = client.get(reverse("elevators:fault", args=[lift.number])).content.decode()
    assert "96333" in page and "<form" not in page.split("</header>")[-1]
    with pytest.raises(ActionError) as refused:
        actions.do_report_fault(lift, fault="stopped", description="停运", requester_name="赵金德",
                                requester_phone="13807921234")
    assert "96333" in refused.value.message


def test_the_application_page_lists_the_fault_case_with_its_category(client, people, lift):
    actions.do_report_fault(lift, fault="doors", description="门关不上。", requester_name="赵金德",
                            requester_phone="13807921234")
    case = Case.objects.get()
    client.force_login(people.huang)
    page = client.get(reverse("elevators:application", args=[lift.pk])).content.decode()
    assert case.number in page and "电梯故障" in page


def test_the_fault_is_handled_on_the_categorys_three_day_clock(people, market, lift):
    from minsheng.cases import actions as case_actions
    from minsheng.core import clock
    from minsheng.org.models import Role
    from minsheng.testing import make_user

    case, _ = actions.do_report_fault(lift, fault="trapped", description="昨晚困人半小时，已脱困。", requester_name="赵金德",
                                      requester_phone="13807921234")
    handler = make_user("market", market, Role.HANDLER, full_name="市场监管承办人")
    case_actions.do_accept_case(case, actor=people.liu)
    case_actions.do_dispatch_case(case, department=market, actor=people.liu)
    case_actions.do_sign_case(case, actor=handler)
    case.refresh_from_db()
    assert case.state == State.HANDLING and case.due_days == 3  # the general kind's would be 10
    assert case.due_at == workdays.due_at(clock.now(), 3)
