"""The worker's visit reminders: a firm whose last visit (or, never visited, the assignment's
start) is older than its helper's plan is overdue. The helper hears of their overdue firms once
when they fall due and then once a week while they stay overdue; each reminder is one event.
An assignment is looked at only on its `next_visit_check` day (partial index), so a sweep costs
what is due, not the size of the registry; two workers claim disjoint rows (SKIP LOCKED)."""

from datetime import date, timedelta

from django.db import transaction

from minsheng.cases.actions._base import notify_users
from minsheng.core import clock
from minsheng.enterprises.actions._base import write_event
from minsheng.enterprises.models import Assignment, AssignmentMode, EventKind
from minsheng.enterprises.queries import assignment_rows

REMIND_AGAIN_DAYS = 7
LISTED = 10


def first_check(assignment: Assignment) -> date:
    """The day after the first visit could be due: the plan's days from the start."""
    return assignment.starts_on + timedelta(days=assignment.visit_every_days + 1)


def _plan(assignment: Assignment, today: date) -> tuple[list[dict], date | None]:
    """The assignment's overdue firms today, and the day to look again."""
    rows = assignment_rows(assignment, today)
    overdue = [row for row in rows if row["due_on"] < today]
    if overdue:
        return overdue, today + timedelta(days=REMIND_AGAIN_DAYS)
    upcoming = [row["due_on"] for row in rows]
    return [], (min(upcoming) + timedelta(days=1)) if upcoming else today + timedelta(days=assignment.visit_every_days)


def sweep_visit_reminders(limit: int) -> int:
    """Look at up to `limit` assignments due a look; returns how many were looked at."""
    today = clock.today()
    now = clock.now()
    with transaction.atomic():
        batch = list(Assignment.objects.select_for_update(skip_locked=True, of=("self",))
                     .filter(next_visit_check__lte=today).select_related("helper", "entity", "grid")
                     .order_by("next_visit_check", "pk")[:limit])
        for assignment in batch:
            if assignment.ends_on is not None and assignment.ends_on < today:
                assignment.next_visit_check = None
                assignment.save(update_fields=["next_visit_check"])
                continue
            overdue, again = _plan(assignment, today)
            if overdue:
                names = "、".join(row["entity"].name for row in overdue[:LISTED])
                more = f"等{len(overdue)}户" if len(overdue) > LISTED else ""
                what = assignment.entity.name if assignment.mode == AssignmentMode.ONE_TO_ONE else f"网格“{assignment.grid.name}”"
                subject = f"走访提醒：{what}有{len(overdue)}户已超过走访周期"
                body = (f"{names}{more}已超过{assignment.visit_every_days}天未走访（最早应于{overdue[0]['due_on']:%Y年%m月%d日}前走访），"
                        "请尽快安排走访并在平台登记。")
                notify_users([assignment.helper], case=None, event=None, subject=subject, body=body, now=now)
                write_event(EventKind.VISIT_DUE, actor=None, entity=assignment.entity, grid=assignment.grid, note=subject,
                            data={"assignment": assignment.pk, "overdue": [row["entity"].pk for row in overdue[:200]],
                                  "count": len(overdue)})
            assignment.next_visit_check = again
            assignment.save(update_fields=["next_visit_check"])
    return len(batch)


def plan_first_checks(assignments) -> None:
    """New assignments start their plan (the actions that create them call this)."""
    for assignment in assignments:
        assignment.next_visit_check = first_check(assignment)
