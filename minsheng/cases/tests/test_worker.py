from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from minsheng.cases import actions
from minsheng.cases.models import Case, EventKind, Notification, NotificationStatus, State, SupervisionLevel
from minsheng.testing import case_in_state, make_user
from minsheng.org.models import Role

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def leader(people):
    return make_user("hukou-leader", people.hukou_business, Role.LEADER, full_name="湖口县副县长")


def ladder(case):
    return list(case.events.filter(kind__in=[EventKind.WARNED, EventKind.ESCALATED]).values_list("data__new_level", flat=True))


def recipients(case, level):
    event = case.events.get(data__new_level=level)
    return sorted(n.recipient_user.username for n in Notification.objects.filter(event=event))


def test_an_unsigned_case_climbs_the_ladder_one_rung_at_a_time(people, leader):
    # Dispatched Thursday 2026-09-24 10:00 with a sign-for limit of 1 working day. 09-25 to 09-27
    # is the Mid-Autumn holiday, so the one working day is Monday 09-28: due at its end.
    with time_machine.travel(at(2026, 9, 24, 10, 0), tick=False) as clock:
        case = case_in_state(people, State.DISPATCHED)
        assert case.due_at == at(2026, 9, 29, 0, 0)
        assert case.warn_at == at(2026, 9, 28, 16, 48)  # 30% of the one working day is left

        call_command("worker", "--once")
        assert ladder(case) == []  # nothing due yet

        clock.move_to(at(2026, 9, 28, 16, 0))  # the last day, still green
        call_command("worker", "--once")
        assert ladder(case) == []
        case.refresh_from_db()
        assert case.deadline_colour(at(2026, 9, 28, 16, 0)) == "green"

        clock.move_to(at(2026, 9, 28, 17, 0))  # yellow: the handler is warned
        call_command("worker", "--once")
        case.refresh_from_db()
        assert case.supervision_level == SupervisionLevel.HANDLER
        assert case.deadline_colour(at(2026, 9, 28, 17, 0)) == "yellow"
        assert recipients(case, 1) == ["huangxin"]

        clock.move_to(at(2026, 9, 29, 9, 0))  # overdue: red, the department head is told
        call_command("worker", "--once")
        case.refresh_from_db()
        assert case.supervision_level == SupervisionLevel.DEPARTMENT_HEAD
        assert case.deadline_colour(at(2026, 9, 29, 9, 0)) == "red"
        assert recipients(case, 2) == ["zhoujian"]

        clock.move_to(at(2026, 9, 29, 23, 0))  # still the same working day: nothing more
        call_command("worker", "--once")
        assert ladder(case) == [1, 2]

        clock.move_to(at(2026, 9, 30, 0, 1))  # a working day later: the supervision office
        call_command("worker", "--once")
        assert recipients(case, 3) == ["liuwei"]

        clock.move_to(at(2026, 9, 30, 12, 0))
        call_command("worker", "--once")
        assert ladder(case) == [1, 2, 3]
        clock.move_to(at(2026, 10, 1, 0, 1))  # two working days late: the responsible leader
        call_command("worker", "--once")
        assert ladder(case) == [1, 2, 3, 4]
        assert recipients(case, 4) == ["hukou-leader"]
        case.refresh_from_db()
        assert case.next_check_at is None  # the top of the ladder: the board keeps it red


def test_the_office_and_the_leader_are_told_on_successive_working_days_after_a_friday_deadline(people, leader):
    # Dispatched Thursday 11-26: the sign-for day is Friday 11-27, due at its 24:00 (Saturday 00:00).
    with time_machine.travel(at(2026, 11, 26, 10, 0), tick=False) as clock:
        case = case_in_state(people, State.DISPATCHED)
        clock.move_to(at(2026, 11, 30, 12, 0))  # Monday: overdue, one rung short of the office
        call_command("worker", "--once")
        assert ladder(case) == [1, 2]
        clock.move_to(at(2026, 12, 1, 0, 1))  # end of Monday: the office
        call_command("worker", "--once")
        assert ladder(case) == [1, 2, 3]
        clock.move_to(at(2026, 12, 2, 0, 1))  # end of Tuesday: the leader
        call_command("worker", "--once")
        assert ladder(case) == [1, 2, 3, 4]


def test_a_worker_that_was_down_catches_up_in_one_sweep(people, leader):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        case = case_in_state(people, State.DISPATCHED)
        clock.move_to(at(2026, 12, 2, 10, 0))
        call_command("worker", "--once")
    assert ladder(case) == [1, 2, 3, 4]


def test_signing_stops_the_ladder_and_starts_the_handling_clock(people):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        case = case_in_state(people, State.DISPATCHED)
        clock.move_to(at(2026, 11, 25, 9, 0))
        call_command("worker", "--once")
        actions.do_sign_case(case, actor=people.huang)
        case.refresh_from_db()
        assert case.supervision_level == SupervisionLevel.NONE
        signed = case.events.get(kind=EventKind.SIGNED)
        assert signed.on_time is False  # the late sign-for stays on the record for the scorecard
        assert case.due_at == at(2026, 12, 10, 0, 0)  # 10 working days after Wednesday 11-25


def test_the_worker_invites_a_callback_the_next_working_day_and_archives_when_unanswered(people):
    with time_machine.travel(at(2026, 11, 27, 16, 0), tick=False) as clock:  # Friday
        case = case_in_state(people, State.CLOSED)
        assert case.next_check_at == at(2026, 11, 30, 9, 0)  # Monday 09:00
        clock.move_to(at(2026, 11, 28, 10, 0))
        call_command("worker", "--once")
        assert not case.events.filter(kind=EventKind.CALLBACK_INVITED).exists()
        clock.move_to(at(2026, 11, 30, 9, 5))
        call_command("worker", "--once")
        assert case.events.filter(kind=EventKind.CALLBACK_INVITED).count() == 1
        sms = Notification.objects.filter(case=case, channel="sms", subject="请评价办理结果").get()
        assert sms.status == NotificationStatus.SENT
        clock.move_to(at(2026, 12, 2, 12, 0))
        call_command("worker", "--once")
        case.refresh_from_db()
        assert case.state == State.CLOSED
        clock.move_to(at(2026, 12, 3, 0, 1))  # callback limit: 3 working days after Friday
        call_command("worker", "--once")
        case.refresh_from_db()
        assert case.state == State.ARCHIVED
        assert case.events.get(kind=EventKind.ARCHIVED).actor is None


def test_notifications_are_retried_and_given_up_after_five_failures(people, settings):
    settings.MINSHENG_NOTIFICATION_SENDERS = {"sms": "minsheng.cases.actions.notifications.FailingSender"}
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        case = case_in_state(people, State.REGISTERED)
        sms = Notification.objects.get(case=case, channel="sms")
        for minute in (0, 3, 8, 17, 34):
            clock.move_to(at(2026, 11, 23, 10, minute))
            actions.send_pending()
        sms.refresh_from_db()
        assert sms.attempts == 5 and sms.status == NotificationStatus.FAILED and "短信网关无响应" in sms.last_error


def test_the_worker_stops_cleanly_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "MINSHENG_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "minsheng", "migrate", "-v", "0"], env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [sys.executable, "-m", "minsheng", "worker", "--interval", "30"], env=env, stdout=subprocess.PIPE, text=True
    )
    # Its first line says the signal handlers are in place (a loaded machine may take seconds).
    assert "工作进程已启动" in worker.stdout.readline()
    time.sleep(0.5)
    worker.send_signal(signal.SIGTERM)
    out, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0 and "收到停止信号，已退出" in out


def test_each_case_is_processed_once_even_if_swept_twice(people):
    from minsheng.cases.actions import process_due_case

    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        case = case_in_state(people, State.DISPATCHED)
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        now = at(2026, 11, 27, 9, 0)
        process_due_case(Case.objects.get(pk=case.pk), now)
        process_due_case(Case.objects.get(pk=case.pk), now)
    assert ladder(case) == [1, 2]


def test_a_reopened_case_closed_again_is_offered_the_callback_again(people):
    from minsheng.cases.models import Rating, Result

    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        case = case_in_state(people, State.CLOSED)
        clock.move_to(at(2026, 11, 24, 9, 5))
        call_command("worker", "--once")
        actions.do_rate_case(case, rating=Rating.UNSATISFIED, comment="没解决", actor=None, by_requester=True)
        clock.move_to(at(2026, 11, 25, 10, 0))
        actions.do_close_case(case, result=Result.SOLVED, text="重新办理完毕", actor=people.huang)
        clock.move_to(at(2026, 11, 26, 9, 5))
        call_command("worker", "--once")
    assert case.events.filter(kind=EventKind.CALLBACK_INVITED).count() == 2
