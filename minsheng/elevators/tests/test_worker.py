"""The worker's due work on elevator applications: a government stage past its limit climbs the
cases' ladder (the department warned, marked late and its head told, the supervision office a
working day later), once each rung; a stage finished in time says nothing; two workers claim
disjoint rows; a lift in service is reminded of its servicing and its annual inspection once a
period; maintenance input is refused naming the field."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from minsheng.cases.models import Notification, NotificationStatus
from minsheng.core import sweeps
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.elevators import actions
from minsheng.elevators.actions import service
from minsheng.elevators.models import Application, ApplicationEvent, Choice, EventKind, Owner
from minsheng.elevators.stages import Stage
from minsheng.testing import make_entrance, make_rule_set, make_street_office, run_together

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
PHONE = "13907920001"
LADDER = [EventKind.WARNED, EventKind.LATE, EventKind.ESCALATED]


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def worker(people):
    make_rule_set(people.city)
    return make_street_office(people)


def file_application(people, worker, building: str = "7栋") -> Application:
    """A small entrance (two floors, one dwelling each) filed and taken to its 公示, published."""
    entrance = make_entrance(people, building=building, floors=2, per_floor=1)
    owners = list(Owner.objects.filter(dwellings__entrance=entrance))
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=owners[:1],
                                              implementing_body=f"长运宿舍{building}业主委员会", actor=worker)
    application = actions.do_advance_stage(application, actor=worker)  # -> consultation
    for dwelling in entrance.dwellings.all():
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                               choice=Choice.AGREE, cast_on=date(2026, 3, 2), actor=worker)
    application = actions.do_advance_stage(application, actor=worker)  # -> agreement
    actions.do_set_costs(application, estimated_cost="300000", actor=worker)
    for _ in range(2):  # -> design -> publicity
        application = actions.do_advance_stage(application, actor=worker)
    actions.do_publish_notice(application, text="拟加装电梯公示", days=10, actor=worker)
    return application


def to_joint_review(applications, worker, clock):
    """After the 公示 (to 2026-03-12): on Friday 13 March the street reviews at once and the joint
    review at 湖口县住建局 begins, 15 working days."""
    clock.move_to(at(2026, 3, 13, 9, 0))
    moved = []
    for application in applications:
        application = actions.do_advance_stage(application, actor=worker)  # -> street review
        moved.append(actions.do_advance_stage(application, actor=worker))  # -> joint review
    return moved


def to_service(people, application, worker):
    for actor in (people.huang, worker, worker, people.sun, people.huang):  # joint review ... subsidy
        application = actions.do_advance_stage(application, actor=actor)
    assert application.stage == Stage.IN_SERVICE
    return application


@pytest.fixture
def joint_review(people, worker, _clock):
    return to_joint_review([file_application(people, worker)], worker, _clock)[0]


@pytest.fixture
def in_service(people, joint_review, worker):
    return to_service(people, joint_review, worker)


def ladder(application):
    return list(ApplicationEvent.objects.filter(application=application, kind__in=LADDER)
                .order_by("created_at", "pk").values_list("kind", flat=True))


def told(subject_start: str) -> list[str]:
    return sorted(n.recipient_user.username for n in Notification.objects.filter(
        channel="staff", subject__startswith=subject_start))


def sweep() -> int:
    return actions.sweep_due_applications(200)


# --- the ladder --------------------------------------------------------------------------------

def test_a_late_joint_review_climbs_the_ladder_in_order_once_each_to_the_right_people(people, joint_review, worker, _clock):
    application = joint_review
    # 15 working days from Friday 13 March: the 16th to 3 April (清明 is 4-6 April), due at 24:00
    # on 3 April; yellow once 30 % (4.5 working days) is left: 12:00 on 30 March.
    assert application.due_at == at(2026, 4, 4, 0, 0)
    assert application.rung == 0 and application.next_check_at == at(2026, 3, 30, 12, 0)
    assert service.rung_time(application, 3) == at(2026, 4, 8, 0, 0)  # a working day after 3 April

    _clock.move_to(at(2026, 3, 30, 11, 59))
    assert sweep() == 0 and ladder(application) == []

    _clock.move_to(at(2026, 3, 30, 12, 0))
    assert sweep() == 1
    assert ladder(application) == [EventKind.WARNED]
    assert told("临期预警") == ["huangxin", "zhoujian"]  # the department's handler and head
    application.refresh_from_db()
    assert application.rung == 1 and application.next_check_at == application.due_at

    _clock.move_to(at(2026, 4, 3, 23, 59))
    assert sweep() == 0  # the last day is not over

    _clock.move_to(at(2026, 4, 4, 0, 1))
    assert sweep() == 1
    assert ladder(application) == [EventKind.WARNED, EventKind.LATE]
    late = ApplicationEvent.objects.get(application=application, kind=EventKind.LATE)
    assert not late.is_public and late.actor is None and "联合审查" in late.note and "湖口县住建局" in late.note
    assert told("已超期") == ["zhoujian"]  # the head

    _clock.move_to(at(2026, 4, 7, 23, 0))  # 4-6 April is the holiday: 7 April is the working day after
    assert sweep() == 0
    _clock.move_to(at(2026, 4, 8, 0, 1))
    assert sweep() == 1
    assert told("逾期督办") == ["liuwei"]  # 湖口县营商办, the county's supervision office
    application.refresh_from_db()
    assert application.rung == 3 and application.next_check_at is None

    _clock.move_to(at(2026, 5, 20, 9, 0))
    assert sweep() == 0
    assert ladder(application) == LADDER  # once each
    assert Notification.objects.filter(channel="staff").count() == 4
    # The stage, finished late at last, starts no ladder of its own: construction is the body's.
    application = actions.do_advance_stage(application, actor=people.huang)
    assert application.stage == Stage.CONSTRUCTION and application.rung == 0 and application.next_check_at is None


def test_a_worker_that_was_down_climbs_every_rung_due_once_in_order(joint_review, _clock):
    _clock.move_to(at(2026, 4, 20, 9, 0))
    assert sweep() == 1
    assert ladder(joint_review) == LADDER
    assert [e.data["rung"] for e in ApplicationEvent.objects.filter(application=joint_review, kind__in=LADDER)] == [1, 2, 3]
    assert sweep() == 0


def test_a_stage_finished_in_time_never_warns(people, joint_review, worker, _clock):
    _clock.move_to(at(2026, 3, 27, 16, 0))  # before the warning
    application = actions.do_advance_stage(joint_review, actor=people.huang)
    assert application.next_check_at is None
    for moment in (at(2026, 3, 30, 12, 0), at(2026, 4, 4, 0, 1), at(2026, 4, 8, 0, 1), at(2026, 6, 1, 9, 0)):
        _clock.move_to(moment)
        assert sweep() == 0
    assert ladder(application) == [] and not Notification.objects.exists()


def test_the_street_review_warns_the_street_office(people, worker, _clock):
    application = file_application(people, worker)
    _clock.move_to(at(2026, 3, 13, 9, 0))
    application = actions.do_advance_stage(application, actor=worker)  # -> street review, 10 working days
    assert application.due_at == at(2026, 3, 28, 0, 0)
    _clock.move_to(at(2026, 3, 28, 0, 1))
    assert sweep() == 1
    assert told("临期预警") == ["qianfang"] and told("已超期") == ["qianfang"]  # the office has no head: its staff


def test_the_worker_once_runs_the_elevator_sweep_and_sends_what_it_queued(joint_review, _clock):
    assert ("加装电梯申请", actions.sweep_due_applications) in sweeps.registered()
    _clock.move_to(at(2026, 4, 4, 9, 0))
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "加装电梯申请：处理到期事项1件。" in out.getvalue()
    assert "处理到期办件0件，发送通知3条。" in out.getvalue()  # warning (2) and lateness (1), sent this round
    assert ladder(joint_review) == [EventKind.WARNED, EventKind.LATE]
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert out.getvalue() == "处理到期办件0件，发送通知0条。\n"  # nothing due: the old line alone


# --- two workers (PostgreSQL) -------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and SKIP LOCKED need PostgreSQL")
def test_two_workers_claim_disjoint_applications(people, worker, _clock):
    applications = to_joint_review([file_application(people, worker, f"{n}栋") for n in range(1, 9)], worker, _clock)
    _clock.move_to(at(2026, 4, 20, 9, 0))  # every rung due on every application
    results = run_together(
        lambda: sum(actions.sweep_due_applications(2) for _ in range(8)),
        lambda: sum(actions.sweep_due_applications(2) for _ in range(8)),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(value for _, value in results) == 8  # each application claimed by exactly one worker
    for application in applications:
        assert ladder(application) == LADDER
    assert Notification.objects.count() == 8 * 4  # handler + head, head, office: nobody told twice


# --- in service ----------------------------------------------------------------------------------

def reminders(which: str) -> list[str]:
    return [e.data["due_on" if which == "servicing" else "expires_on"] for e in ApplicationEvent.objects.filter(
        kind=EventKind.REMINDER, data__reminder=which).order_by("created_at", "pk")]


def test_servicing_is_reminded_once_a_period_by_sms_to_the_contractor_and_to_the_street(in_service, worker, _clock):
    application = actions.do_set_maintenance(in_service, contractor="九江安达电梯维保有限公司", phone="139 0792 0001",
                                             inspection_expires_on=date(2027, 3, 12), actor=worker)
    assert application.maintenance_phone == PHONE and application.entered_service_on == date(2026, 3, 13)
    assert application.next_check_at == at(2026, 3, 28, 9, 0)  # 15 days after entering service, at 09:00
    event = ApplicationEvent.objects.get(application=application, kind=EventKind.MAINTENANCE)
    assert event.actor == worker and event.data["new"]["phone"] == PHONE and not event.is_public

    _clock.move_to(at(2026, 3, 28, 8, 59))
    assert sweep() == 0
    _clock.move_to(at(2026, 3, 28, 9, 0))
    assert sweep() == 1
    assert reminders("servicing") == ["2026-03-28"]
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient_address == PHONE and sms.case is None
    assert sms.body.startswith(settings.MINSHENG_SMS_SIGNATURE) and "2026年3月28日前完成维护保养" in sms.body
    assert told("电梯维护保养提醒") == ["qianfang"]  # the street's staff
    _clock.move_to(at(2026, 3, 28, 18, 0))
    assert sweep() == 0  # once a period

    _clock.move_to(at(2026, 3, 30, 10, 0))
    application = actions.do_record_service(application, serviced_on=date(2026, 3, 30), note="例行保养，更换门机皮带", actor=worker)
    assert application.last_serviced_on == date(2026, 3, 30)
    assert application.next_check_at == at(2026, 4, 14, 9, 0)
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.SERVICED).count() == 1
    _clock.move_to(at(2026, 4, 13, 9, 0))
    assert sweep() == 0
    # Not serviced again: reminded on 14 April, and again 15 days on; once each.
    for moment in (at(2026, 4, 14, 9, 0), at(2026, 4, 14, 9, 5), at(2026, 4, 29, 9, 0), at(2026, 5, 2, 9, 0)):
        _clock.move_to(moment)
        sweep()
    assert reminders("servicing") == ["2026-03-28", "2026-04-14", "2026-04-29"]
    assert Notification.objects.filter(channel="sms").count() == 3
    assert reminders("inspection") == []


def test_a_rule_set_may_ask_for_servicing_more_often_never_less(people, in_service):
    rule_set = in_service.rule_set
    rule_set.maintenance_interval_days = 10
    assert service.service_interval(rule_set) == 10
    rule_set.maintenance_interval_days = 30
    assert service.service_interval(rule_set) == 15


def test_the_annual_inspection_is_reminded_once_the_rule_sets_days_before_it_expires(in_service, worker, _clock):
    application = actions.do_set_maintenance(in_service, contractor="九江安达电梯维保有限公司", phone=PHONE,
                                             inspection_expires_on=date(2026, 5, 1), actor=worker)
    _clock.move_to(at(2026, 4, 1, 8, 0))
    sweep()  # the servicing due on 28 March
    assert reminders("inspection") == []
    _clock.move_to(at(2026, 4, 1, 9, 0))  # 30 days before 1 May
    assert sweep() == 1
    assert reminders("inspection") == ["2026-05-01"]
    sms = Notification.objects.filter(channel="sms", subject="电梯定期检验提醒").get()
    assert "定期检验有效期至2026年5月1日" in sms.body and sms.body.startswith(settings.MINSHENG_SMS_SIGNATURE)
    assert told("电梯定期检验提醒") == ["qianfang"]
    for moment in (at(2026, 4, 2, 9, 0), at(2026, 4, 30, 9, 0), at(2026, 5, 2, 9, 0)):
        _clock.move_to(moment)
        sweep()
    assert reminders("inspection") == ["2026-05-01"]  # once a certificate
    # Inspected and renewed to 2027: reminded again a month before that.
    application = actions.do_set_maintenance(application, contractor="九江安达电梯维保有限公司", phone=PHONE,
                                             inspection_expires_on=date(2027, 4, 30), actor=worker)
    _clock.move_to(at(2027, 3, 31, 9, 0))
    sweep()
    assert reminders("inspection") == ["2026-05-01", "2027-04-30"]


def test_a_certificate_already_in_its_notice_period_is_reminded_at_the_next_sweep(in_service, worker, _clock):
    application = actions.do_set_maintenance(in_service, contractor="九江安达电梯维保有限公司", phone=PHONE,
                                             inspection_expires_on=date(2026, 4, 1), actor=worker)
    assert application.next_check_at == at(2026, 3, 13, 9, 0)  # now
    assert sweep() == 1 and reminders("inspection") == ["2026-04-01"]
    assert Application.objects.get(pk=application.pk).next_check_at == at(2026, 3, 28, 9, 0)


def test_setting_the_same_maintenance_twice_writes_one_event(in_service, worker):
    for _ in range(2):
        actions.do_set_maintenance(in_service, contractor="九江安达电梯维保有限公司", phone=PHONE,
                                   inspection_expires_on=date(2027, 3, 12), actor=worker)
    assert ApplicationEvent.objects.filter(kind=EventKind.MAINTENANCE).count() == 1


MAINTENANCE = {"contractor": "九江安达电梯维保有限公司", "phone": PHONE, "inspection_expires_on": date(2027, 3, 12)}


@pytest.mark.parametrize("action, changes, field, message", [
    ("maintenance", {"phone": "0792-8221234"}, "phone", "维保单位联系电话应为11位手机号码"),
    ("maintenance", {"phone": ""}, "phone", "维保单位联系电话应为11位手机号码"),
    ("maintenance", {"contractor": "  "}, "contractor", "请填写维保单位名称"),
    ("maintenance", {"contractor": "维" * 101}, "contractor", "维保单位名称不能超过100字"),
    ("maintenance", {"inspection_expires_on": None}, "inspection_expires_on", "请填写定期检验有效期"),
    ("maintenance", {"inspection_expires_on": date(2026, 3, 1)}, "inspection_expires_on",
     "定期检验有效期不能早于投入使用日期（2026年3月13日）"),
    ("maintenance", {"inspection_expires_on": date(2030, 1, 1)}, "inspection_expires_on", "有效期不能晚于"),
    ("service", {"serviced_on": date(2026, 3, 14)}, "serviced_on", "维保日期不能晚于今天"),
    ("service", {"serviced_on": date(2026, 3, 12)}, "serviced_on", "维保日期不能早于电梯投入使用日期（2026年3月13日）"),
    ("service", {"serviced_on": None}, "serviced_on", "请填写维保日期"),
    ("service", {"note": "很长" * 501}, "note", "维保情况不能超过1000字"),
])
def test_bad_maintenance_input_is_refused_naming_the_field_and_nothing_is_saved(in_service, worker, action, changes,
                                                                                field, message):
    with pytest.raises(ActionError, match=message) as refused:
        if action == "maintenance":
            actions.do_set_maintenance(in_service, **(MAINTENANCE | changes), actor=worker)
        else:
            actions.do_record_service(in_service, **({"serviced_on": date(2026, 3, 13), "note": ""} | changes), actor=worker)
    assert refused.value.field == field
    application = Application.objects.get(pk=in_service.pk)
    assert (application.maintenance_contractor, application.maintenance_phone, application.inspection_expires_on,
            application.last_serviced_on, application.next_check_at) == ("", "", None, None, None)
    assert not ApplicationEvent.objects.filter(kind__in=[EventKind.MAINTENANCE, EventKind.SERVICED]).exists()


def test_a_servicing_is_recorded_once_and_only_for_a_lift_in_service(people, joint_review, worker):
    with pytest.raises(ActionError, match="电梯投入使用后才能登记维保") as early:
        actions.do_set_maintenance(joint_review, **MAINTENANCE, actor=worker)
    assert early.value.field == "stage"
    application = to_service(people, joint_review, worker)
    actions.do_record_service(application, serviced_on=date(2026, 3, 13), actor=worker)
    with pytest.raises(ActionError, match="2026年3月13日的维护保养已经登记过") as twice:
        actions.do_record_service(application, serviced_on=date(2026, 3, 13), actor=worker)
    assert twice.value.field == "serviced_on"


def test_only_the_street_the_market_bureau_and_oversight_record_maintenance(people, in_service, worker):
    from minsheng.org.models import Role
    from minsheng.testing import make_department, make_user

    for outsider in (people.wu, people.xu, people.nobody):
        with pytest.raises(NotAllowed):
            actions.do_set_maintenance(in_service, **MAINTENANCE, actor=outsider)
    market = make_user("shijian", make_department("湖口县市场监管局", people.hukou), Role.HANDLER, full_name="施检")
    actions.do_record_service(in_service, serviced_on=date(2026, 3, 13), actor=market)
    actions.do_set_maintenance(in_service, **MAINTENANCE, actor=people.sun)


def test_the_street_keeps_the_lifts_service_record_on_its_page(client, people, in_service, worker):
    client.force_login(worker)
    page = client.get(f"/elevators/staff/{in_service.pk}/").content.decode()
    assert "运行维护" in page and "登记维保单位和定期检验" in page
    refused = client.post(f"/elevators/staff/{in_service.pk}/act/maintenance/", {
        "maintenance-contractor": "九江安达电梯维保有限公司", "maintenance-phone": "0792-1234",
        "maintenance-inspection_expires_on": "2027-03-31"})
    assert refused.status_code == 400 and "维保单位手机号码：" in refused.content.decode()
    saved = client.post(f"/elevators/staff/{in_service.pk}/act/maintenance/", {
        "maintenance-contractor": "九江安达电梯维保有限公司", "maintenance-phone": "13907921234",
        "maintenance-inspection_expires_on": "2027-03-31"})
    assert saved.status_code == 302
    in_service.refresh_from_db()
    assert in_service.maintenance_contractor == "九江安达电梯维保有限公司" and in_service.maintenance_phone == "13907921234"
