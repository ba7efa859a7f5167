"""Deadlines computed from the provisional calendar, corrected once the official one is known.

From mid-December deadlines reach a year whose official holiday schedule the State Council has
not yet published; the clock then counts on the provisional calendar (org/workdays.py) and the
stage is flagged `due_provisional` (shown as 暂定). Once the year is official (an import, or a
calendar package that ships it), the worker re-counts each flagged stage on it:
- a later date replaces the provisional one: the resident and the handlers are told why;
- an earlier date does not: the department planned on the date it was given, so it stands;
- either way the flag goes and one event records what was checked.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minsheng.cases.actions._base import (
    lock_case,
    notify_requester,
    notify_users,
    now as clock_now,
    plan_next_check,
    department_staff,
    save_case,
    supervisors_for,
    write_event,
)
from minsheng.cases.models import Case, CaseEvent, EventKind, Notification, State, SupervisionNotice
from minsheng.cases.workflow import due_words, last_day, warn_time
from minsheng.core.errors import NotAllowed
from minsheng.core.text import date_words
from minsheng.org import workdays
from minsheng.org.models import Role, User

REMINDER_EVERY = timedelta(days=7)


def provisional_years(first: date, last: date) -> list[int]:
    return [year for year in range(first.year, last.year + 1) if workdays.is_provisional_year(year)]


def _first_provisional_moment(now: datetime) -> datetime | None:
    """Midnight opening the earliest year (last year to next) still without an official schedule:
    stages due before it can be checked now; None when every such year is official."""
    today = timezone.localtime(now).date()
    for year in (today.year - 1, today.year, today.year + 1):
        if workdays.is_provisional_year(year):
            return timezone.make_aware(datetime(year, 1, 1))
    return None


def _stage_recipients(case: Case):
    """Who plans on this stage's date: the handlers of the department holding it, or the
    supervision office while nobody has signed for it."""
    if case.state in (State.DISPATCHED, State.HANDLING) and case.lead_department_id:
        return department_staff(case.lead_department)
    return supervisors_for(case.region)


@transaction.atomic
def do_correct_provisional_due(case: Case, *, actor: User | None = None) -> CaseEvent | None:
    """Re-count a provisional due time on the now official calendar (see the module's rules).
    Returns the event, or None when there is nothing to correct yet."""
    if actor is not None and not actor.is_superuser:
        raise NotAllowed("期限按正式日历调整由系统自动完成。")
    case = lock_case(case)
    if not case.due_provisional or case.due_at is None or case.stage_started_at is None or not case.due_days:
        return None
    start_day = timezone.localtime(case.stage_started_at).date()
    old_due, old_last = case.due_at, last_day(case.due_at)
    if provisional_years(start_day, old_last):
        return None
    moment = clock_now()
    official_due = workdays.due_at(case.stage_started_at, case.due_days)
    official_last = last_day(official_due)
    years = sorted({old_last.year, official_last.year} - {start_day.year} or {old_last.year})
    year_words = "、".join(f"{year}年" for year in years)
    data = {
        "old_due_at": old_due.isoformat(),
        "official_due_at": official_due.isoformat(),
        "working_days": case.due_days,
        "years": years,
    }
    if official_due > old_due:
        case.due_at = official_due
        case.warn_at = max(case.warn_at or official_due, warn_time(case.stage_started_at, case.due_days, case.kind.warn_share))
        case.due_provisional = workdays.is_provisional_span(start_day, official_last)
        plan_next_check(case)
        save_case(case, moment)
        why = f"国务院办公厅公布{year_words}节假日安排后，按正式日历重新计算"
        event = write_event(
            case, EventKind.DUE_CORRECTED, actor=actor, old_state=case.state, now=moment,
            department=case.lead_department,
            note=f"期限按正式日历调整：由{date_words(old_last)}调整为{date_words(official_last)}（{why}）。",
            public_note=f"本阶段期限由{date_words(old_last)}调整为{date_words(official_last)}：{why}。",
            is_public=True, data={**data, "outcome": "later"},
        )
        if case.is_open or case.state == State.CLOSED:
            notify_users(
                _stage_recipients(case), case=case, event=event, subject=f"期限按正式日历调整：{case.number}",
                body=f"{case.title}（{State(case.state).label}）的期限由{due_words(old_due)}调整为"
                f"{due_words(case.due_at)}：{why}。",
                now=moment,
            )
        if case.is_open:
            notify_requester(
                case, event, subject="预计答复时间调整",
                body=f"您的诉求{case.number}预计答复时间调整为{official_last.month}月{official_last.day}日前"
                f"（{why}）。",
                now=moment,
            )
        return event
    case.due_provisional = False
    save_case(case, moment)
    if official_due < old_due:
        note = (
            f"按正式日历本应为{date_words(official_last)}；本阶段已按{date_words(old_last)}安排办理，"
            f"维持原期限不变。"
        )
        outcome = "kept"
    else:
        note = f"按正式日历核对，期限{date_words(old_last)}不变。"
        outcome = "same"
    return write_event(
        case, EventKind.DUE_CORRECTED, actor=actor, old_state=case.state, now=moment,
        department=case.lead_department, note=note, data={**data, "outcome": outcome},
    )


@transaction.atomic
def do_correct_provisional_notice_due(notice: SupervisionNotice, *, actor: User | None = None) -> CaseEvent | None:
    """The same correction for a supervision notice's response deadline."""
    if actor is not None and not actor.is_superuser:
        raise NotAllowed("期限按正式日历调整由系统自动完成。")
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if not notice.response_due_provisional or notice.responded_at is not None:
        return None
    start_day = timezone.localtime(notice.issued_at).date()
    old_due = notice.response_due_at
    if provisional_years(start_day, last_day(old_due)):
        return None
    official_due = workdays.due_at(notice.issued_at, notice.response_days)
    moment = clock_now()
    notice.response_due_provisional = False
    later = official_due > old_due
    if later:
        notice.response_due_at = official_due
    notice.save(update_fields=["response_due_at", "response_due_provisional"])
    case = lock_case(notice.case_id)
    words = f"督办单{notice.number}的回复期限"
    if later:
        note = f"{words}按正式日历由{due_words(old_due)}调整为{due_words(official_due)}。"
    elif official_due < old_due:
        note = f"{words}按正式日历本应为{due_words(official_due)}，已在办理中，维持{due_words(old_due)}不变。"
    else:
        note = f"{words}按正式日历核对，{due_words(old_due)}不变。"
    event = write_event(
        case, EventKind.DUE_CORRECTED, actor=actor, old_state=case.state, now=moment, department=notice.department,
        note=note,
        data={"notice": notice.number, "old_due_at": old_due.isoformat(), "official_due_at": official_due.isoformat(),
              "outcome": "later" if later else ("kept" if official_due < old_due else "same")},
    )
    if later:
        notify_users(
            department_staff(notice.department), case=case, event=event, subject=f"督办单回复期限调整：{notice.number}", body=note, now=moment,
        )
    return event


def sweep_provisional_dues(*, limit: int = 200, now: datetime | None = None) -> int:
    """Correct up to `limit` provisional due times whose years are now official. Costs nothing
    while none is: the partial indexes hold only flagged rows, and the bound skips those still
    waiting for their year."""
    now = now or clock_now()
    bound = _first_provisional_moment(now)
    done = 0
    # A flagged stage always has its limit (open_stage and extensions set both); a row without
    # one could never be corrected and must not hold the head of the queue.
    cases = Case.objects.filter(due_provisional=True, due_days__isnull=False)
    notices = SupervisionNotice.objects.filter(response_due_provisional=True, responded_at__isnull=True)
    if bound is not None:
        cases, notices = cases.filter(due_at__lt=bound), notices.filter(response_due_at__lt=bound)
    for pk in cases.order_by("due_at").values_list("pk", flat=True)[:limit]:
        done += do_correct_provisional_due(Case(pk=pk)) is not None
    for notice in notices.order_by("response_due_at")[: max(0, limit - done)]:
        done += do_correct_provisional_notice_due(notice) is not None
    return done


@transaction.atomic
def do_remind_calendar_import(*, now: datetime | None = None) -> int:
    """From 1 November, once a week until it is imported: tell administrators and supervisors
    that a year's official schedule is missing (their deadlines reaching it are provisional).
    Returns the number of messages queued; safe for several workers (the reminder rows are the
    record, checked under a lock on the recipients)."""
    now = now or clock_now()
    years = workdays.years_without_schedule(timezone.localtime(now).date())
    if not years:
        return 0
    subject = f"请导入{'、'.join(f'{year}年' for year in years)}法定节假日安排"
    wanted = set(
        User.objects.filter(is_active=True)
        .filter(Q(role_grants__role__in=[Role.ADMINISTRATOR, Role.SUPERVISOR]) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )

    def reminded() -> set[int]:
        return set(
            Notification.objects.filter(
                recipient_user__in=wanted, subject=subject, created_at__gt=now - REMINDER_EVERY
            ).values_list("recipient_user", flat=True)
        )

    if not wanted - reminded():
        return 0
    # Someone is due a reminder: lock the recipients, so a second worker doing the same waits
    # here and then finds the reminders this one wrote.
    list(User.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    recipients = list(User.objects.filter(pk__in=wanted - reminded()).order_by("pk"))
    body = (
        f"国务院办公厅的{'、'.join(f'{year}年' for year in years)}节假日安排尚未导入，"
        "落在该年的期限按法定节假日暂定计算（显示“暂定”），导入后系统自动按正式日历调整。"
        "请在管理后台“节假日安排年度”中导入，或运行 python -m minsheng import_calendar 文件。"
    )
    Notification.objects.bulk_create(
        Notification(
            channel="staff", recipient_user=user, recipient_address=user.phone or user.email or user.username,
            subject=subject, body=body, next_attempt_at=now, created_at=now,
        )
        for user in recipients
    )
    return len(recipients)
