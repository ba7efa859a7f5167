"""Supervision: the 督办单 a supervisor issues by hand, and the ladder the worker climbs for
late cases (warning, department head, supervision office, leader) plus callbacks."""

from datetime import datetime

from django.db import transaction

from minsheng.cases.actions._base import (
    callback_invited,
    check,
    department_staff,
    is_provisional_due,
    leaders_for,
    lock_case,
    notify_requester,
    notify_users,
    now as clock_now,
    open_stage,
    plan_next_check,
    require_text,
    save_case,
    staff_with_role,
    supervisors_for,
    write_event,
)
from minsheng.cases.models import Case, EventKind, State, SupervisionLevel, SupervisionNotice
from minsheng.cases.workflow import due_words, rung_time
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.org import workdays
from minsheng.org.models import Role, User

MAX_RESPONSE_DAYS = 20


@transaction.atomic
def do_issue_supervision_notice(case: Case, *, requirement: str, response_days: int, actor: User):
    """督办单 to the department holding the case, with its own response deadline."""
    case = lock_case(case)
    check(case, "supervise", actor)
    requirement = require_text(requirement, "requirement", "督办要求")
    if not 1 <= response_days <= MAX_RESPONSE_DAYS:
        raise ActionError(f"回复时限应为1到{MAX_RESPONSE_DAYS}个工作日。", field="response_days")
    department = case.lead_department
    if department is None:
        raise ActionError("本件尚未派单，没有可督办的部门。")
    moment = clock_now()
    sequence = SupervisionNotice.objects.filter(case=case).count() + 1
    notice = SupervisionNotice.objects.create(
        case=case,
        number=f"督-{case.number}-{sequence:02d}",
        department=department,
        issued_by=actor,
        issued_at=moment,
        requirement=requirement,
        response_days=response_days,
        response_due_at=(response_due := workdays.due_at(moment, response_days)),
        response_due_provisional=is_provisional_due(moment, response_due),
    )
    event = write_event(
        case, EventKind.SUPERVISION_ISSUED, actor=actor, old_state=case.state, now=moment, department=department,
        note=requirement, data={"notice": notice.number, "response_due_at": notice.response_due_at.isoformat()},
    )
    notify_users(
        department_staff(department), case=case, event=event, subject=f"督办单 {notice.number}",
        body=f"{requirement}（请于{due_words(notice.response_due_at)}前回复）", now=moment,
    )
    return notice


@transaction.atomic
def do_answer_supervision_notice(notice: SupervisionNotice, *, response: str, actor: User | None):
    notice = SupervisionNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    if actor is not None and actor.department_id != notice.department_id:
        raise NotAllowed("只有被督办部门可以回复督办单。")
    if notice.responded_at is not None:
        raise ActionError("该督办单已回复。")
    response = require_text(response, "response", "回复内容")
    moment = clock_now()
    notice.response, notice.responded_at, notice.responded_by = response, moment, actor
    notice.save(update_fields=["response", "responded_at", "responded_by"])
    case = lock_case(notice.case)
    return write_event(
        case, EventKind.SUPERVISION_ANSWERED, actor=actor, old_state=case.state, now=moment,
        department=notice.department, note=response, on_time=moment <= notice.response_due_at,
        data={"notice": notice.number},
    )


# --- the worker's work on one case ------------------------------------------------------------

RUNG_TEXT = {
    SupervisionLevel.HANDLER: ("临期预警", "剩余时间不足，请抓紧办理。"),
    SupervisionLevel.DEPARTMENT_HEAD: ("已逾期", "已超过期限，请部门负责人督促办理。"),
    SupervisionLevel.OFFICE: ("逾期督办", "逾期一个工作日仍未办理，督办机构介入督办。"),
    SupervisionLevel.LEADER: ("逾期报分管领导", "逾期两个工作日仍未办理，已报分管领导。"),
}


def _rung_recipients(case: Case, rung: int):
    department = case.lead_department if case.state in (State.DISPATCHED, State.HANDLING) else None
    if rung == SupervisionLevel.HANDLER:
        if department is None:
            return supervisors_for(case.region)
        return staff_with_role(Role.HANDLER, department=department)
    if rung == SupervisionLevel.DEPARTMENT_HEAD:
        if department is None:
            return supervisors_for(case.region)
        return staff_with_role(Role.DEPARTMENT_HEAD, department=department)
    if rung == SupervisionLevel.OFFICE:
        return supervisors_for(case.region)
    return leaders_for(case.region)


def process_due_case(case: Case, now: datetime) -> list[str]:
    """Do whatever is due on a locked case and plan its next check. Safe to run twice: each
    step looks at the case as it is, so a step already done is not done again."""
    done = []
    if case.state in (State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING):
        while case.supervision_level < SupervisionLevel.LEADER:
            rung = case.supervision_level + 1
            at = rung_time(case, rung)
            if at is None or at > now:
                break
            old_level = case.supervision_level
            case.supervision_level = rung
            title, text = RUNG_TEXT[rung]
            kind = EventKind.WARNED if rung == SupervisionLevel.HANDLER else EventKind.ESCALATED
            event = write_event(
                case, kind, actor=None, old_state=case.state, now=now, department=case.lead_department,
                note=text, data={"old_level": old_level, "new_level": rung, "due_at": case.due_at.isoformat()},
            )
            notify_users(
                _rung_recipients(case, rung), case=case, event=event, subject=f"{title}：{case.number}",
                body=f"{case.title}（{State(case.state).label}，期限{due_words(case.due_at)}）{text}",
                now=now,
            )
            done.append(kind)
    elif case.state == State.CLOSED:
        invited = callback_invited(case)
        if not invited:
            event = write_event(
                case, EventKind.CALLBACK_INVITED, actor=None, old_state=case.state, now=now,
                department=case.lead_department, note="已短信邀请诉求人评价。",
            )
            notify_requester(
                case, event, subject="请评价办理结果",
                body=f"您的诉求{case.number}已办结，请凭编号和查询码登录网站评价，或等待回访电话。",
                now=now,
            )
            done.append(EventKind.CALLBACK_INVITED)
        elif case.due_at is not None and case.due_at <= now:
            old = case.state
            open_stage(case, State.ARCHIVED, now)
            write_event(
                case, EventKind.ARCHIVED, actor=None, old_state=old, now=now, department=case.lead_department,
                note="回访期满，诉求人未评价，自动归档。", public_note="本件已办结归档。", is_public=True,
            )
            done.append(EventKind.ARCHIVED)
    plan_next_check(case)
    save_case(case, now)
    return done


def sweep_due_cases(*, limit: int = 200, now: datetime | None = None) -> int:
    """Claim up to `limit` cases whose next check is due and process them, in one transaction.

    Rows are claimed with SKIP LOCKED, so several workers share the work and never take the
    same case; a case another worker just finished has moved its next check past now."""
    now = now or clock_now()
    processed = 0
    with transaction.atomic():
        due = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("kind", "category", "region", "lead_department")
            .filter(next_check_at__lte=now)
            .order_by("next_check_at")[:limit]
        )
        for case in due:
            process_due_case(case, now)
            processed += 1
    return processed

