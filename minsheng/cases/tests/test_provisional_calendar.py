"""Service does not stop at a year's end: deadlines reaching a year without an official holiday
schedule are provisional, and are corrected (never shortened) when the schedule is imported."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from minsheng.cases.actions import do_issue_supervision_notice, sweep_provisional_dues
from minsheng.cases.models import EventKind, Notification, State
from minsheng.testing import bearer, case_in_state, register
from minsheng.org import actions as org_actions

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DECEMBER_20 = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)  # a Sunday


def import_2027(days: dict) -> None:
    org_actions.do_import_calendar_year(2027, days, source="国办发明电〔2026〕测试号", actor=None)


def test_a_case_registered_on_20_december_gets_a_provisional_january_deadline(people, client):
    with time_machine.travel(DECEMBER_20, tick=False):
        case = case_in_state(people, State.HANDLING)
    # 10 working days from Sunday 20 December: 21–25, 28–31 December (9), then 元旦 (Friday
    # 1 January, statutory) is skipped: due at the end of Monday 4 January, provisionally.
    assert case.due_at == datetime(2027, 1, 5, tzinfo=SHANGHAI)
    assert case.due_provisional and case.due_days == 10
    body = client.get(f"/api/v1/cases/{case.pk}", **bearer(people.huang)).json()
    assert body["due_provisional"] is True and body["due_at"] == "2027-01-04T16:00:00Z"
    request = client.get(f"/open311/v2/requests/{case.number}.json?jurisdiction_id=360429").json()[0]
    assert request["service_notice"] == (
        "办理中，本阶段期限2027年1月4日24:00（暂定：该年节假日安排尚未公布，公布后按正式日历调整，不会提前）。"
    )


def test_importing_a_schedule_that_adds_a_day_off_moves_the_deadline_later_and_tells_everyone(people):
    with time_machine.travel(DECEMBER_20, tick=False):
        case = case_in_state(people, State.HANDLING)
    with time_machine.travel(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert sweep_provisional_dues() == 0  # 2027 not official yet: nothing to do
        # The official schedule gives 1–3 January off and makes Monday 4 January a rest day too.
        import_2027({date(2027, 1, 1): (False, "元旦"), date(2027, 1, 4): (False, "元旦")})
        assert sweep_provisional_dues() == 1
    case.refresh_from_db()
    assert case.due_at == datetime(2027, 1, 6, tzinfo=SHANGHAI) and not case.due_provisional
    event = case.events.get(kind=EventKind.DUE_CORRECTED)
    assert event.is_public and event.actor is None
    assert "期限按正式日历调整：由2027年1月4日调整为2027年1月5日" in event.note
    assert event.public_note.startswith("本阶段期限由2027年1月4日调整为2027年1月5日")
    told = Notification.objects.filter(event=event)
    assert {n.recipient_user for n in told if n.channel == "staff"} == {people.huang, people.zhou}
    sms = told.get(channel="sms")
    assert sms.recipient_address == "13812341234" and "预计答复时间调整为1月5日前" in sms.body
    # The yellow warning stays where it was (the tenth day's warning share is the same day), the
    # worker looks again then, and a second sweep does nothing.
    assert case.next_check_at == case.warn_at == datetime(2026, 12, 30, tzinfo=SHANGHAI)
    with time_machine.travel(datetime(2026, 12, 28, 9, 5, tzinfo=SHANGHAI), tick=False):
        assert sweep_provisional_dues() == 0
    assert case.events.filter(kind=EventKind.DUE_CORRECTED).count() == 1


def test_a_running_stage_is_never_shortened_by_a_make_up_working_day(people):
    with time_machine.travel(DECEMBER_20, tick=False):
        case = case_in_state(people, State.HANDLING)
    # Saturday 2 January made a working day: on the official calendar the tenth day is the 2nd.
    import_2027({date(2027, 1, 1): (False, "元旦"), date(2027, 1, 2): (True, "调休上班")})
    with time_machine.travel(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert sweep_provisional_dues() == 1
    case.refresh_from_db()
    assert case.due_at == datetime(2027, 1, 5, tzinfo=SHANGHAI) and not case.due_provisional
    event = case.events.get(kind=EventKind.DUE_CORRECTED)
    assert not event.is_public and "维持原期限不变" in event.note and event.data["outcome"] == "kept"
    assert not Notification.objects.filter(event=event).exists()


def test_a_deadline_within_this_year_is_not_provisional(people):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = case_in_state(people, State.HANDLING)
    assert case.due_at == datetime(2026, 12, 16, tzinfo=SHANGHAI) and not case.due_provisional


def test_a_supervision_notice_deadline_is_provisional_and_corrected_too(people):
    with time_machine.travel(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = case_in_state(people, State.HANDLING)
        notice = do_issue_supervision_notice(case, requirement="请于限期内回复办理进度", response_days=5, actor=people.liu)
    assert notice.response_due_provisional
    assert notice.response_due_at == datetime(2027, 1, 6, tzinfo=SHANGHAI)  # 29, 30, 31, 4, 5
    import_2027({date(2027, 1, 1): (False, "元旦"), date(2027, 1, 4): (False, "元旦")})
    with time_machine.travel(datetime(2026, 12, 29, 9, 0, tzinfo=SHANGHAI), tick=False):
        sweep_provisional_dues()
    notice.refresh_from_db()
    assert notice.response_due_at == datetime(2027, 1, 7, tzinfo=SHANGHAI) and not notice.response_due_provisional


def test_the_worker_corrects_after_an_import_and_reminds_weekly_until_then(people):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        call_command("worker", "--once")
    reminders = Notification.objects.filter(subject="请导入2027年法定节假日安排")
    assert {n.recipient_user for n in reminders.all()} == {people.admin, people.hukou_admin, people.sun, people.liu}
    with time_machine.travel(datetime(2026, 11, 6, 9, 0, tzinfo=SHANGHAI), tick=False):
        call_command("worker", "--once")
    assert reminders.count() == 4  # once a week, not every round
    with time_machine.travel(datetime(2026, 11, 9, 10, 0, tzinfo=SHANGHAI), tick=False):
        call_command("worker", "--once")
    assert reminders.count() == 8
    with time_machine.travel(DECEMBER_20, tick=False):
        case, _code = register(people)
    assert case.due_provisional is False  # one working day to accept: 21 December
    import_2027({date(2027, 1, 1): (False, "元旦")})
    with time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=SHANGHAI), tick=False):
        call_command("worker", "--once")
    assert reminders.count() == 8  # imported: no more reminders
