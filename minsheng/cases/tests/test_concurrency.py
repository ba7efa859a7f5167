"""Two staff, two workers, at the same moment, on PostgreSQL with two real connections."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from minsheng.cases import actions
from minsheng.cases.models import CaseEvent, EventKind, Notification, NotificationStatus, State
from minsheng.core.errors import Conflict
from minsheng.testing import case_in_state, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and SKIP LOCKED need PostgreSQL"),
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_two_staff_signing_at_once_one_wins_the_other_is_told(people):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=True):
        case = case_in_state(people, State.DISPATCHED)
        results = run_together(
            lambda: actions.do_sign_case(case, actor=people.huang),
            lambda: actions.do_sign_case(case, actor=people.zhou),
        )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, Conflict) and "可能已有其他人处理" in error.message
    assert CaseEvent.objects.filter(case=case, kind=EventKind.SIGNED).count() == 1


def test_two_supervisors_dispatching_at_once_send_it_to_one_department(people):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=True):
        case = case_in_state(people, State.ACCEPTED)
        results = run_together(
            lambda: actions.do_dispatch_case(case, department=people.hukou_housing, actor=people.liu),
            lambda: actions.do_dispatch_case(case, department=people.hukou_land, actor=people.liu),
        )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DISPATCHED).count() == 1


def test_two_workers_never_escalate_or_send_the_same_thing_twice(people):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False):
        cases = [case_in_state(people, State.DISPATCHED) for _ in range(40)]
    later = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)  # due 11-25 00:00: warned, overdue, office
    with time_machine.travel(later, tick=False):
        results = run_together(
            lambda: sum(actions.sweep_due_cases(limit=7) for _ in range(10)),
            lambda: sum(actions.sweep_due_cases(limit=7) for _ in range(10)),
        )
    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(value for _, value in results) == 40  # each case claimed by exactly one worker
    for case in cases:
        ladder = list(case.events.filter(kind__in=[EventKind.WARNED, EventKind.ESCALATED]).values_list("data__new_level", flat=True))
        assert ladder == [1, 2, 3]

    sent: list[int] = []
    lock = threading.Lock()

    class RecordingSender:
        def send(self, notification):
            with lock:
                sent.append(notification.pk)

    from minsheng.cases.actions import notifications

    original = notifications._senders
    notifications._senders = lambda: {channel: RecordingSender() for channel in ("sms", "email", "staff")}
    try:
        with time_machine.travel(later, tick=False):
            run_together(
                lambda: sum(actions.send_pending(limit=5) for _ in range(60)),
                lambda: sum(actions.send_pending(limit=5) for _ in range(60)),
            )
    finally:
        notifications._senders = original
    pending = Notification.objects.filter(status=NotificationStatus.PENDING).count()
    assert pending == 0
    assert len(sent) == len(set(sent)) == Notification.objects.count()


def test_intakes_at_the_same_moment_in_one_county_get_distinct_numbers_without_waiting(people):
    from minsheng.testing import register

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=True):
        register(people)  # the county's first case of the year creates its number sequence
        results = run_together(*[lambda: register(people)[0].number for _ in range(6)])
    assert [kind for kind, _ in results] == ["ok"] * 6
    numbers = sorted(value for _, value in results)
    assert numbers == [f"湖口-2026-{n:06d}" for n in range(2, 8)]
