"""What the demo's cases guarantee the journeys (JOURNEYS.md 3-9): loaded once for the module
through the same command `make demo` runs, on the morning the browser tests assume."""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from minsheng.cases import actions, demo as case_demo
from minsheng.cases.models import (
    Case,
    CaseEvent,
    CategoryDepartment,
    EventKind,
    Notification,
    NotificationStatus,
    State,
    SupervisionLevel,
)
from minsheng.cases.queries import inbox_tabs, is_under_supervision, supervision_board
from minsheng.core.identity import normalize_mobile, normalize_resident_id, normalize_uscc
from minsheng.org.models import User
from minsheng.testing import after_flush

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
LAST_MONTH = (datetime(2026, 10, 1, tzinfo=SHANGHAI), datetime(2026, 11, 1, tzinfo=SHANGHAI))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module by the command `make demo` runs."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        after_flush()
        call_command("demo", "--no-serve")
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        after_flush()


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def user(username: str) -> User:
    return User.objects.get(username=username)


def tabs(username: str) -> dict[str, list[Case]]:
    return {key: list(queryset) for key, queryset in inbox_tabs(user(username), NOW).items()}


pytestmark = pytest.mark.django_db


def test_it_replays_every_step_through_the_actions(demo):
    assert case_demo.dropped == []
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert kinds >= {
        EventKind.RETURNED, EventKind.RETURN_UPHELD, EventKind.EXTENSION_APPROVED, EventKind.EXTENSION_REFUSED,
        EventKind.SUPERVISION_ISSUED, EventKind.SUPERVISION_ANSWERED, EventKind.REOPENED, EventKind.ARCHIVED,
        EventKind.WARNED, EventKind.ESCALATED, EventKind.CALLBACK_INVITED, EventKind.REJECTED, EventKind.WITHDRAWN,
    }
    # Re-dispatches after a return, late sign-fors and late closes are part of the history.
    assert CaseEvent.objects.filter(kind=EventKind.DISPATCHED, data__redispatch=True).exists()
    assert CaseEvent.objects.filter(kind=EventKind.SIGNED, on_time=False).exists()
    assert CaseEvent.objects.filter(kind=EventKind.CLOSED, on_time=False).exists()


def test_the_hukou_window_opened_in_may_2021_and_got_busier(demo):
    hukou = Case.objects.filter(region__name="湖口县")
    first = hukou.order_by("created_at", "id").first()
    assert timezone.localtime(first.created_at).date() == date(2021, 5, 6)
    assert (first.number, first.kind.code, first.channel) == ("湖口-2021-000001", "stuck-matter", "window")
    assert first.registered_by.username == "chenjing" and first.state == State.ARCHIVED
    assert 300 <= hukou.count() <= 500
    per_year = Counter(timezone.localtime(moment).year for moment in hukou.values_list("created_at", flat=True))
    assert per_year[2021] < per_year[2023] < per_year[2025]
    # Most of it is over: archived with a rating.
    assert hukou.filter(state=State.ARCHIVED).exclude(rating="").count() > hukou.count() * 0.7
    # 湖口县's window opened in May 2021 (武宁县's enterprise demands go back to 2020).
    events = CaseEvent.objects.order_by("created_at")
    assert timezone.localtime(events.filter(case__region__name="湖口县").first().created_at).date() >= date(2021, 5, 6)
    assert events.last().created_at <= NOW
    # (A policy application's limit is its policy's, 35 working days and more: it may run into
    # next year, counted on the provisional calendar; the cases of the window and the hotline not.)
    latest_due = (Case.objects.filter(due_at__isnull=False).exclude(kind__code="policy-application")
                  .order_by("-due_at").first().due_at)
    assert latest_due <= datetime(2026, 12, 21, tzinfo=SHANGHAI)


def test_requesters_look_real_and_pass_the_checks(demo):
    cases = Case.objects.all()
    for phone, id_number, uscc in cases.values_list("requester_phone", "requester_id_number", "enterprise_uscc"):
        assert normalize_mobile(phone) == phone
        if id_number:
            assert normalize_resident_id(id_number) == id_number
        if uscc:
            assert normalize_uscc(uscc) == uscc
    assert cases.exclude(requester_id_number="").count() >= 10
    assert cases.filter(kind__code="enterprise").exclude(enterprise_uscc="").count() >= 10
    assert cases.values("requester_name").distinct().count() > 100


def test_liuweis_inbox_has_work_in_every_queue(demo):
    queues = tabs("liuwei")
    for key in ("to_accept", "to_dispatch", "returned", "extension_requests", "callbacks", "overdue_all"):
        assert queues[key], key
    pending = queues["extension_requests"][0]
    assert pending.extension_requested_days and pending.lead_department.name == "湖口县住建局"
    returned = queues["returned"][0]
    assert returned.events.filter(kind=EventKind.RETURNED, actor__username="wumin").exists()


def test_huangxin_has_cases_to_sign_and_in_hand(demo):
    queues = tabs("huangxin")
    assert any(case.due_at > NOW for case in queues["to_sign"])  # one to sign today (journey 4)
    assert queues["handling"] and queues["due_soon"] and queues["overdue"]
    assert any(case.due_at > NOW and not case.extension_requested_days for case in queues["handling"])


def test_wumin_can_return_a_case_that_is_not_his_bureaus_job(demo, at_now):
    wumin = user("wumin")
    routes = dict(CategoryDepartment.objects.filter(region__name="湖口县").values_list("category_id", "department__name"))
    wrong = [case for case in tabs("wumin")["to_sign"] if routes[case.category_id] != "湖口县自然资源局"]
    assert wrong, "no wrong dispatch for 县自然资源局 to return"
    case = wrong[0]
    assert case.due_at > NOW
    actions.do_return_case(case, reason="城镇违法建设由城管部门查处。", legal_basis="三定方案", actor=wumin)
    case.refresh_from_db()
    assert case.state == State.RETURNED


def test_lateness_is_on_the_board_and_climbs_when_the_worker_runs(demo, at_now):
    unsigned = Case.objects.filter(state=State.DISPATCHED, due_at__lt=NOW, lead_department__name="湖口县住建局")
    handling = Case.objects.filter(state=State.HANDLING, due_at__lt=NOW, lead_department__name="湖口县住建局")
    assert unsigned.exists() and handling.exists()
    board, listed = supervision_board(user("liuwei"), NOW)
    assert any(row.department == "湖口县住建局" and row.overdue >= 2 for row in board)
    assert set(unsigned) | set(handling) <= set(listed)
    # Old notifications went out during the load; the first run sends only what it creates.
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()
    levels = dict(unsigned.values_list("pk", "supervision_level"))
    call_command("worker", "--once")
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATED, created_at=NOW).exists()
    for case in unsigned:
        case.refresh_from_db()
        assert case.supervision_level > levels[case.pk]
        assert case.supervision_level >= SupervisionLevel.DEPARTMENT_HEAD
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()


def test_a_stuck_matter_links_the_case_it_is_about(demo):
    complaint = Case.objects.filter(kind__code="stuck-matter", linked_case__isnull=False, state=State.HANDLING).first()
    assert complaint is not None
    assert complaint.linked_case.created_at < complaint.created_at
    assert is_under_supervision(complaint.linked_case)


def test_last_months_scorecards_rank_several_departments_with_different_results(demo):
    first, after = LAST_MONTH
    in_month = CaseEvent.objects.filter(created_at__gte=first, created_at__lt=after, department__isnull=False)
    volumes = dict(
        in_month.filter(kind=EventKind.DISPATCHED).values_list("department__name").annotate(n=Count("id"))
    )
    ranked = [name for name, volume in volumes.items() if volume >= 5]
    assert len(ranked) >= 5, volumes
    rates = (
        in_month.filter(department__name__in=ranked, kind__in=[EventKind.SIGNED, EventKind.CLOSED])
        .values("department__name")
        .annotate(
            timely=Count("id", filter=Q(on_time=True)),
            total=Count("id"),
        )
    )
    assert len({round(row["timely"] / row["total"], 2) for row in rates}) >= 3
