"""The case workflow in one table: every action, the states it starts from, the state it
leads to, and who may take it. Actions check against this table; pages list from it the
buttons a user may press now; a test checks every state has its row."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from minsheng.cases.models import Case, State, SupervisionLevel
from minsheng.org import workdays


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the case stays in its state
    who: str  # "supervisor", "handler", "requester", "system"


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("accept", "受理", (State.REGISTERED,), State.ACCEPTED, "supervisor"),
        Transition("reject", "不予受理", (State.REGISTERED,), State.REJECTED, "supervisor"),
        Transition("dispatch", "派单", (State.ACCEPTED, State.RETURNED), State.DISPATCHED, "supervisor"),
        Transition("uphold_dispatch", "退单不予认可", (State.RETURNED,), State.DISPATCHED, "supervisor"),
        Transition("return", "退单", (State.DISPATCHED,), State.RETURNED, "handler"),
        Transition("sign", "签收", (State.DISPATCHED,), State.HANDLING, "handler"),
        Transition("note", "办理进展", (State.HANDLING,), None, "handler"),
        Transition("contact", "联系诉求人", (State.HANDLING,), None, "handler"),
        Transition("request_extension", "申请延期", (State.HANDLING,), None, "handler"),
        Transition("decide_extension", "审批延期", (State.HANDLING,), None, "supervisor"),
        Transition("close", "办结", (State.HANDLING,), State.CLOSED, "handler"),
        Transition("rate", "回访评价", (State.CLOSED,), State.ARCHIVED, "supervisor"),  # 不满意 leads to 重办 instead
        Transition("archive", "归档", (State.CLOSED,), State.ARCHIVED, "system"),
        Transition(
            "withdraw",
            "撤回",
            (State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING),
            State.WITHDRAWN,
            "requester",
        ),
        Transition(
            "supervise",
            "下发督办单",
            (State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING),
            None,
            "supervisor",
        ),
    ]
}

# What may happen next in each state; final states end here.
STATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    state: tuple(name for name, t in TRANSITIONS.items() if state in t.sources) for state in State.values
}


def stage_days(case: Case, state: str) -> int | None:
    """The working days the stage entered in `state` may take; None when nothing is timed."""
    kind, category = case.kind, case.category
    if state in (State.REGISTERED, State.ACCEPTED, State.RETURNED):
        return kind.accept_days
    if state == State.DISPATCHED:
        return category.sign_days or kind.sign_days
    if state == State.HANDLING:
        return case.handle_days or category.handle_days or kind.handle_days
    if state == State.CLOSED:
        return kind.callback_days
    return None


def warn_time(started: datetime, days: int, share) -> datetime:
    """Yellow once less than `share` of the stage's working time is left: whole working days
    counted back from the due time, and the fraction of a day in hours (so a one-day stage
    turns yellow late in its one day, not the moment it begins)."""
    yellow = days * float(share)
    whole = min(days, math.floor(yellow))
    start_day = timezone.localtime(started).date()
    boundary = workdays.end_of_working_day(workdays.add_working_days(start_day, days - whole))
    return max(started, boundary - timedelta(hours=24 * (yellow - whole)))


def rung_time(case: Case, rung: int) -> datetime | None:
    """When rung `rung` of the ladder is reached for the current stage: the warning, the due
    time, then one and two working days after the stage's last day."""
    if case.due_at is None:
        return None
    if rung == SupervisionLevel.HANDLER:
        return case.warn_at
    if rung == SupervisionLevel.DEPARTMENT_HEAD:
        return case.due_at
    last_day = date.fromordinal(timezone.localtime(case.due_at).date().toordinal() - 1)
    if rung == SupervisionLevel.OFFICE:
        return workdays.end_of_working_day(workdays.add_working_days(last_day, 1))
    if rung == SupervisionLevel.LEADER:
        return workdays.end_of_working_day(workdays.add_working_days(last_day, 2))
    return None


def working_time_left(case: Case, now: datetime) -> tuple[int, bool] | None:
    """(working days, overdue?): days left including today, or days overdue; None if untimed."""
    if case.due_at is None or case.state not in (
        State.REGISTERED,
        State.ACCEPTED,
        State.DISPATCHED,
        State.RETURNED,
        State.HANDLING,
        State.CLOSED,
    ):
        return None
    today = timezone.localtime(now).date()
    last_day = date.fromordinal(timezone.localtime(case.due_at).date().toordinal() - 1)
    if now <= case.due_at:
        left = workdays.working_days_between(today, last_day) + (1 if workdays.is_working_day(today) else 0)
        return left, False
    return max(1, workdays.working_days_between(last_day, today)), True


def due_words(moment: datetime | None) -> str:
    """A due time as people say it: a stage ends at 24:00 of its last day, not 00:00 of the next."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0:
        last = date.fromordinal(local.date().toordinal() - 1)
        return f"{last.year}年{last.month}月{last.day}日24:00"
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


def last_day(moment: datetime) -> date:
    """The last day of a stage due at `moment` (a stage ends at 24:00, stored as 00:00 next day)."""
    local = timezone.localtime(moment)
    day = local.date()
    return date.fromordinal(day.toordinal() - 1) if (local.hour, local.minute) == (0, 0) else day


def day_words(day: date, *, today: date | None = None) -> str:
    """A date as people write it: 12月9日 (no leading zeros), with the year when it is not this year."""
    from minsheng.core import clock

    today = today or clock.today()
    return f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"
