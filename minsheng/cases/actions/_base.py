"""Helpers every case action shares: lock the row, check the transition and permission,
open a timed stage, plan the worker's next look, write the one event, queue notifications."""

from datetime import datetime

from django.conf import settings
from django.db.models import Q

from minsheng.cases import rules
from minsheng.cases.models import Case, CaseEvent, Notification, State, SupervisionLevel
from minsheng.cases.workflow import TRANSITIONS, last_day, rung_time, stage_days, warn_time
from minsheng.core import clock
from minsheng.core.errors import ActionError, Conflict, NotAllowed
from minsheng.core.text import check_text
from minsheng.org import workdays
from minsheng.org.models import Department, Region, RegionLevel, Role, User

PERMISSION_MESSAGES = {
    "supervisor": "只有本地区的督办员可以{label}。",
    "handler": "只有承办部门的办理员或负责人可以{label}。",
    "requester": "只有诉求人本人可以{label}。",
    "system": "{label}由系统自动完成。",
}


def lock_case(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("kind", "category", "region", "lead_department")
        .get(pk=pk)
    )


def check(case: Case, transition_name: str, actor: User | None, *, by_requester: bool = False) -> None:
    """Refuse unless the case is in a state the transition starts from and the actor may take it.

    A state that moved on while the user looked at the page reads as a conflict, not an error."""
    transition = TRANSITIONS[transition_name]
    if case.state not in transition.sources:
        raise Conflict(
            f"该件当前状态为“{State(case.state).label}”，不能{transition.label}。"
            "可能已有其他人处理，请刷新页面后查看。"
        )
    allowed = {
        "supervisor": lambda: actor is None or rules.can_supervise(actor, case),
        "handler": lambda: actor is None or rules.can_handle(actor, case),
        "requester": lambda: by_requester or actor is None or rules.can_supervise(actor, case)
        or rules.can_register(actor, case.region),
        "system": lambda: actor is None,
    }[transition.who]()
    if not allowed:
        raise NotAllowed(PERMISSION_MESSAGES[transition.who].format(label=transition.label))


def open_stage(case: Case, state: str, now: datetime, *, reset_ladder: bool = True) -> None:
    """Enter `state` and start its clock (or stop the clock for an untimed state)."""
    case.state = state
    case.stage_started_at = now
    days = stage_days(case, state)
    case.due_days = days
    if days is None:
        case.due_at = case.warn_at = None
        case.due_provisional = False
    else:
        case.due_at = workdays.due_at(now, days)
        case.warn_at = warn_time(now, days, case.kind.warn_share)
        case.due_provisional = is_provisional_due(now, case.due_at)
    if reset_ladder:
        case.supervision_level = SupervisionLevel.NONE
    plan_next_check(case)


def is_provisional_due(started: datetime, due: datetime) -> bool:
    """Whether a stage from `started` to `due` was counted on the provisional calendar (a year
    whose official holiday schedule is not yet imported): shown as 暂定, corrected later."""
    from django.utils import timezone

    return workdays.is_provisional_span(timezone.localtime(started).date(), last_day(due))


def plan_next_check(case: Case) -> None:
    """When the worker must look at this case next: the next rung of the ladder for an open
    stage; the callback steps for a closed case; never for a finished one."""
    if case.state in (State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING):
        if case.supervision_level >= SupervisionLevel.LEADER:
            case.next_check_at = None
        else:
            case.next_check_at = rung_time(case, case.supervision_level + 1)
    elif case.state == State.CLOSED:
        invited = callback_invited(case)
        case.next_check_at = case.due_at if invited else callback_invite_time(case.closed_at)
    else:
        case.next_check_at = None


def callback_invited(case: Case) -> bool:
    """Invited to rate since the latest close (a reopened case closed again is asked again)."""
    return (
        case.pk is not None
        and case.closed_at is not None
        and case.events.filter(kind="callback_invited", created_at__gte=case.closed_at).exists()
    )


def callback_invite_time(closed_at: datetime) -> datetime:
    """09:00 on the next working day after the case closed: residents are not texted at night."""
    from django.utils import timezone

    day = workdays.add_working_days(timezone.localtime(closed_at).date(), 1)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9))


def save_case(case: Case, now: datetime, *fields: str) -> None:
    case.updated_at = now
    case.save(
        update_fields=[
            *fields,
            "state",
            "stage_started_at",
            "due_at",
            "warn_at",
            "due_days",
            "due_provisional",
            "supervision_level",
            "next_check_at",
            "updated_at",
        ]
    )


def write_event(case: Case, kind: str, **fields) -> CaseEvent:
    event = new_event(case, kind, **fields)
    event.save()
    return event


def new_event(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    old_state: str,
    now: datetime,
    note: str = "",
    public_note: str = "",
    is_public: bool = False,
    department: Department | None = None,
    data: dict | None = None,
    on_time: bool | None = None,
    working_days: int | None = None,
    outcome: str = "",
) -> CaseEvent:
    """The event, not yet saved (write_event saves it; the intake inserts it with its case)."""
    return CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        created_at=now,
        old_state=old_state,
        new_state=case.state,
        note=note,
        public_note=public_note,
        is_public=is_public,
        department=department,
        data=data or {},
        on_time=on_time,
        working_days=working_days,
        outcome=outcome,
    )


def require_text(value: str, field: str, label: str, *, max_length: int = 2000) -> str:
    text = optional_text(value, field, label, max_length=max_length)
    if not text:
        raise ActionError(f"请填写{label}。", field=field)
    return text


def optional_text(value: str, field: str, label: str, *, max_length: int = 2000) -> str:
    """Free text as stored: stripped, free of control characters, within its length."""
    text = check_text((value or "").strip(), field=field, label=label)
    if len(text) > max_length:
        raise ActionError(f"{label}不能超过{max_length}字。", field=field)
    return text


# --- notifications -------------------------------------------------------------------------


def notify_users(users, *, case: Case, event: CaseEvent, subject: str, body: str, now: datetime) -> int:
    """Queue one staff notification per person, in the caller's transaction. Recipient lists are
    unions of roles (handlers | the head), and one person may hold several: each is told once."""
    unique = {user.pk: user for user in users}
    rows = [
        Notification(
            channel="staff",
            recipient_user=user,
            recipient_address=user.phone or user.email or user.username,
            case=case,
            event=event,
            subject=subject[:100],
            body=body,
            next_attempt_at=now,
            created_at=now,
        )
        for user in unique.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def sms_text(text: str) -> str:
    """An SMS as the gateway sends it: the city's registered signature first (settings)."""
    return f"{settings.MINSHENG_SMS_SIGNATURE}{text}"


def notify_requester(case: Case, event: CaseEvent, *, subject: str, body: str, now: datetime) -> None:
    requester_sms(case, event, subject=subject, body=body, now=now).save()


def requester_sms(case: Case, event: CaseEvent, *, subject: str, body: str, now: datetime) -> Notification:
    """An SMS to the requester for the outbox, not yet saved; `body` without the signature."""
    return Notification(
        channel="sms",
        recipient_address=case.requester_phone,
        case=case,
        event=event,
        subject=subject[:100],
        body=sms_text(body),
        next_attempt_at=now,
        created_at=now,
    )


def region_chain(region: Region) -> list[Region]:
    """The region and the regions above it, nearest first: who answers for it."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent if region.level != RegionLevel.CITY else None
    return chain


def department_staff(department: Department):
    """A department's handlers and its head: who is told of what happens to its cases."""
    return staff_with_role(Role.HANDLER, department=department) | staff_with_role(
        Role.DEPARTMENT_HEAD, department=department
    )


def staff_with_role(role: str, *, department: Department | None = None, region: Region | None = None):
    users = User.objects.filter(is_active=True, role_grants__role=role)
    if department is not None:
        return users.filter(department=department)
    return users.filter(department__region=region)


def supervisors_for(region: Region):
    """The supervision office staff answering for a region: its own, else the level above."""
    for area in region_chain(region.county or region):
        users = staff_with_role(Role.SUPERVISOR, region=area).filter(
            Q(department__is_supervision_office=True)
        )
        if users.exists():
            return users
    return User.objects.none()


def leaders_for(region: Region):
    for area in region_chain(region.county or region):
        users = staff_with_role(Role.LEADER, region=area)
        if users.exists():
            return users
    return User.objects.none()


def now() -> datetime:
    return clock.now()
