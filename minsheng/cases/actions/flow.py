"""The workflow's transitions, one action each. Every action: atomic, locks the case, checks
state and permission against the transition table, writes exactly one CaseEvent."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from minsheng.cases.actions._base import (
    check,
    department_staff,
    is_provisional_due,
    lock_case,
    notify_requester,
    notify_users,
    now as clock_now,
    open_stage,
    optional_text,
    plan_next_check,
    require_text,
    save_case,
    supervisors_for,
    write_event,
)
from minsheng.cases.models import (
    Case,
    EventKind,
    Rating,
    Result,
    State,
    SupervisionLevel,
)
from minsheng.cases.workflow import day_words, due_words, warn_time
from minsheng.core.errors import ActionError
from minsheng.core.text import check_date
from minsheng.org import workdays
from minsheng.org.access import in_jurisdiction
from minsheng.org.models import Department, User

MAX_EXTENSION_DAYS = 30


@transaction.atomic
def do_accept_case(case: Case, *, actor: User | None, note: str = ""):
    case = lock_case(case)
    check(case, "accept", actor)
    note = optional_text(note, "note", "受理意见")
    moment, old = clock_now(), case.state
    open_stage(case, State.ACCEPTED, moment)
    save_case(case, moment)
    return write_event(
        case, EventKind.ACCEPTED, actor=actor, old_state=old, now=moment, note=note,
        public_note="您的诉求已受理。", is_public=True,
    )


@transaction.atomic
def do_reject_case(case: Case, *, reason: str, actor: User | None):
    case = lock_case(case)
    check(case, "reject", actor)
    reason = require_text(reason, "reason", "不予受理的理由")
    moment, old = clock_now(), case.state
    open_stage(case, State.REJECTED, moment)
    save_case(case, moment)
    event = write_event(
        case, EventKind.REJECTED, actor=actor, old_state=old, now=moment, note=reason,
        public_note=f"不予受理：{reason}", is_public=True,
    )
    notify_requester(case, event, subject="诉求不予受理", body=f"您的诉求{case.number}不予受理：{reason}", now=moment)
    return event


def _check_department(actor: User | None, case: Case, department: Department, field: str) -> None:
    if actor is not None and not in_jurisdiction(actor, department.region):
        raise ActionError(f"“{department}”不在您的派单范围内。", field=field)
    if not (case.region.contains(department.region) or department.region.contains(case.region)):
        raise ActionError(f"“{department}”不属于本件的受理地区{case.region}。", field=field)


@transaction.atomic
def do_dispatch_case(
    case: Case, *, department: Department, co_departments=(), note: str = "", actor: User | None
):
    """Send the case to one lead department (and optional co-departments); its sign-for clock starts."""
    case = lock_case(case)
    check(case, "dispatch", actor)
    _check_department(actor, case, department, "department")
    note = optional_text(note, "note", "派单意见")
    co_departments = [d for d in co_departments if d.pk != department.pk]
    for co in co_departments:
        _check_department(actor, case, co, "co_departments")
    moment, old = clock_now(), case.state
    previous = case.lead_department
    case.lead_department = department
    case.assigned_at = moment
    open_stage(case, State.DISPATCHED, moment)
    save_case(case, moment, "lead_department", "assigned_at")
    case.co_departments.set(co_departments)
    redispatch = old == State.RETURNED
    event = write_event(
        case, EventKind.DISPATCHED, actor=actor, old_state=old, now=moment, department=department,
        note=note,
        public_note=f"已转交{department}办理。",
        is_public=True,
        data={
            "co_departments": [d.name for d in co_departments],
            "previous_department": previous.name if redispatch and previous else "",
            "redispatch": redispatch,
        },
    )
    notify_users(
        department_staff(department), case=case, event=event, subject=f"新派单：{case.number}",
        body=f"{case.title}（{case.kind}），请在{due_words(case.due_at)}前签收。", now=moment,
    )
    return event


@transaction.atomic
def do_return_case(case: Case, *, reason: str, legal_basis: str, actor: User | None):
    """退单: before signing, the department returns a wrong dispatch with its reason and basis."""
    case = lock_case(case)
    check(case, "return", actor)
    reason = require_text(reason, "reason", "退单理由")
    legal_basis = require_text(legal_basis, "legal_basis", "退单依据（职责或法律法规）")
    moment, old = clock_now(), case.state
    department = case.lead_department
    open_stage(case, State.RETURNED, moment)
    save_case(case, moment)
    event = write_event(
        case, EventKind.RETURNED, actor=actor, old_state=old, now=moment, department=department,
        note=reason, data={"legal_basis": legal_basis},
        on_time=moment <= case.due_at if case.due_at else None,
    )
    notify_users(
        supervisors_for(case.region), case=case, event=event, subject=f"退单：{case.number}",
        body=f"{department}退回：{reason}（依据：{legal_basis}）", now=moment,
    )
    return event


@transaction.atomic
def do_uphold_dispatch(case: Case, *, reason: str, actor: User | None):
    """The dispatcher rules that a returned case stays with its department; signing restarts."""
    case = lock_case(case)
    check(case, "uphold_dispatch", actor)
    reason = require_text(reason, "reason", "不予认可退单的理由")
    if case.lead_department is None:
        raise ActionError("本件尚未派单。")
    moment, old = clock_now(), case.state
    case.assigned_at = moment
    open_stage(case, State.DISPATCHED, moment)
    save_case(case, moment, "assigned_at")
    event = write_event(
        case, EventKind.RETURN_UPHELD, actor=actor, old_state=old, now=moment, department=case.lead_department,
        note=reason, public_note=f"继续由{case.lead_department}办理。", is_public=True,
    )
    notify_users(
        department_staff(case.lead_department), case=case, event=event, subject=f"退单未获认可：{case.number}",
        body=f"督办员认定本件仍由贵单位办理：{reason}", now=moment,
    )
    return event


@transaction.atomic
def do_sign_case(case: Case, *, actor: User | None):
    case = lock_case(case)
    check(case, "sign", actor)
    moment, old = clock_now(), case.state
    on_time = moment <= case.due_at
    open_stage(case, State.HANDLING, moment)
    save_case(case, moment)
    return write_event(
        case, EventKind.SIGNED, actor=actor, old_state=old, now=moment, department=case.lead_department,
        public_note=f"{case.lead_department}已签收，正在办理。", is_public=True, on_time=on_time,
    )


@transaction.atomic
def do_add_note(case: Case, *, text: str, public_text: str = "", actor: User | None, co_department: bool = False):
    """A progress note. Co-departments may add theirs too; `public_text` is what the resident sees."""
    case = lock_case(case)
    if co_department and actor is not None:
        if case.state != State.HANDLING:
            raise ActionError("本件不在办理中，不能添加协办意见。")
        if not case.co_departments.filter(pk=actor.department_id).exists():
            raise ActionError("只有协办部门可以添加协办意见。")
    else:
        check(case, "note", actor)
    text = require_text(text, "text", "办理进展")
    public_text = optional_text(public_text, "public_text", "告知诉求人的内容")
    moment = clock_now()
    return write_event(
        case, EventKind.NOTE, actor=actor, old_state=case.state, now=moment,
        department=actor.department if actor else case.lead_department, note=text, public_note=public_text,
        is_public=bool(public_text), data={"co_department": co_department},
    )


CONTACT_METHODS = {"phone": "电话", "visit": "上门", "sms": "短信", "meeting": "面谈"}


@transaction.atomic
def do_record_contact(case: Case, *, method: str, summary: str, actor: User | None):
    case = lock_case(case)
    check(case, "contact", actor)
    if method not in CONTACT_METHODS:
        raise ActionError("请选择联系方式。", field="method")
    summary = require_text(summary, "summary", "沟通情况")
    moment = clock_now()
    return write_event(
        case, EventKind.CONTACT, actor=actor, old_state=case.state, now=moment, department=case.lead_department,
        note=summary, public_note=f"承办部门已通过{CONTACT_METHODS[method]}与您联系。", is_public=True,
        data={"method": method},
    )


@transaction.atomic
def do_request_extension(case: Case, *, days: int, reason: str, actor: User | None):
    case = lock_case(case)
    check(case, "request_extension", actor)
    moment = clock_now()
    if case.extension_requested_days:
        raise ActionError("已有一项延期申请待审批。")
    if case.due_at is None or moment > case.due_at:
        raise ActionError("已超过办理期限，不能再申请延期。")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ActionError(f"延期天数应为1到{MAX_EXTENSION_DAYS}个工作日。", field="days")
    reason = require_text(reason, "reason", "延期理由")
    case.extension_requested_days = days
    save_case(case, moment, "extension_requested_days")
    event = write_event(
        case, EventKind.EXTENSION_REQUESTED, actor=actor, old_state=case.state, now=moment,
        department=case.lead_department, note=reason, data={"days": days},
    )
    notify_users(
        supervisors_for(case.region), case=case, event=event, subject=f"延期申请：{case.number}",
        body=f"{case.lead_department}申请延期{days}个工作日：{reason}", now=moment,
    )
    return event


@transaction.atomic
def do_decide_extension(case: Case, *, approve: bool, new_due_date: date | None = None, note: str = "", actor: User | None):
    """Approve with the new deadline (by default the requested working days past the old one),
    or refuse. Approval restarts the ladder from the new deadline."""
    case = lock_case(case)
    check(case, "decide_extension", actor)
    if not case.extension_requested_days:
        raise ActionError("本件没有待审批的延期申请。")
    note = optional_text(note, "note", "说明")
    check_date(new_due_date, field="new_due_date", label="新的期限")
    moment, requested = clock_now(), case.extension_requested_days
    old_due = case.due_at
    case.extension_requested_days = None
    if approve:
        last_day = date.fromordinal(timezone.localtime(old_due).date().toordinal() - 1)
        new_due_date = new_due_date or workdays.add_working_days(last_day, requested)
        if new_due_date <= last_day:
            raise ActionError("新的期限应晚于原期限。", field="new_due_date")
        if not workdays.is_working_day(new_due_date):
            raise ActionError(f"{day_words(new_due_date)}不是工作日，请选择工作日作为新期限。", field="new_due_date")
        case.due_at = workdays.end_of_working_day(new_due_date)
        days = workdays.working_days_between(timezone.localtime(case.stage_started_at).date(), new_due_date)
        case.due_days = max(days, 1)
        case.due_provisional = is_provisional_due(case.stage_started_at, case.due_at)
        case.warn_at = warn_time(case.stage_started_at, max(days, 1), case.kind.warn_share)
        case.supervision_level = SupervisionLevel.NONE
        plan_next_check(case)
    save_case(case, moment, "extension_requested_days")
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
    event = write_event(
        case, kind, actor=actor, old_state=case.state, now=moment, department=case.lead_department,
        note=note,
        public_note=f"办理期限延长至{new_due_date.year}年{new_due_date.month}月{new_due_date.day}日。" if approve else "",
        is_public=approve,
        data={
            "requested_days": requested,
            "old_due_at": old_due.isoformat() if old_due else None,
            "new_due_at": case.due_at.isoformat() if approve else None,
        },
    )
    notify_users(
        department_staff(case.lead_department), case=case, event=event,
        subject=f"延期申请{'已同意' if approve else '未同意'}：{case.number}",
        body=(f"新期限：{day_words(new_due_date)}。" if approve else "请按原期限办结。") + (note or ""), now=moment,
    )
    return event


@transaction.atomic
def do_close_case(case: Case, *, result: str, text: str, basis: str = "", actor: User | None):
    """办结 with a result: 已解决; 已解释说明 with its basis; 无法解决 with the reason and what was done."""
    case = lock_case(case)
    check(case, "close", actor)
    if result not in Result.values:
        raise ActionError("请选择办理结果：已解决、已解释说明或无法解决。", field="result")
    text = require_text(text, "text", "办理情况", max_length=4000)
    basis = optional_text(basis, "basis", "依据或原因", max_length=4000)
    if result == Result.EXPLAINED and not basis:
        raise ActionError("已解释说明的，请填写政策或法律依据。", field="basis")
    if result == Result.UNSOLVABLE and not basis:
        raise ActionError("无法解决的，请写明原因及已做的工作。", field="basis")
    moment, old = clock_now(), case.state
    on_time = moment <= case.due_at
    # This cycle's working days: from the dispatch to the department, or, after a resident's
    # 不满意, from the reopening (each cycle counted once: the scorecards average per cycle).
    cycle_start = case.stage_started_at if case.reopen_count else (case.assigned_at or case.created_at)
    start_day = timezone.localtime(cycle_start).date()
    days_taken = workdays.working_days_between(start_day, timezone.localtime(moment).date())
    case.result, case.result_text, case.result_basis, case.closed_at = result, text, basis, moment
    case.rating, case.rating_comment = "", ""
    open_stage(case, State.CLOSED, moment, reset_ladder=True)
    save_case(case, moment, "result", "result_text", "result_basis", "closed_at", "rating", "rating_comment")
    label = Result(result).label
    event = write_event(
        case, EventKind.CLOSED, actor=actor, old_state=old, now=moment, department=case.lead_department,
        note=text, public_note=f"办理结果：{label}。{text}" + (f"（依据：{basis}）" if basis else ""),
        is_public=True, on_time=on_time, working_days=days_taken, outcome=result,
    )
    return event


@transaction.atomic
def do_rate_case(case: Case, *, rating: str, comment: str = "", actor: User | None, by_requester: bool = False):
    """回访: 满意 or 基本满意 archives the case; 不满意 sends it back to the same department
    (重办) with its supervision raised."""
    case = lock_case(case)
    check(case, "rate", actor, by_requester=by_requester)
    if rating not in Rating.values:
        raise ActionError("请选择满意、基本满意或不满意。", field="rating")
    comment = optional_text(comment, "comment", "评价意见", max_length=1000)
    if rating == Rating.UNSATISFIED and not comment:
        raise ActionError("不满意的，请说明原因，以便重新办理。", field="comment")
    moment, old = clock_now(), case.state
    case.rating, case.rating_comment = rating, comment
    label = Rating(rating).label
    department = case.lead_department
    if rating == Rating.UNSATISFIED:
        raised = min(SupervisionLevel.LEADER, max(case.supervision_level, SupervisionLevel.HANDLER) + 1)
        case.reopen_count += 1
        open_stage(case, State.HANDLING, moment)
        case.supervision_level = raised
        plan_next_check(case)
        save_case(case, moment, "rating", "rating_comment", "reopen_count")
        event = write_event(
            case, EventKind.REOPENED, actor=actor, old_state=old, now=moment, department=department,
            note=comment, public_note=f"您评价为“{label}”，已退回{department}重新办理。", is_public=True,
            outcome=rating, data={"by_requester": by_requester, "supervision_level": raised},
        )
        notify_users(
            department_staff(department), case=case, event=event, subject=f"重办：{case.number}",
            body=f"诉求人不满意：{comment}。本件已提级督办，请重新办理。", now=moment,
        )
        return event
    open_stage(case, State.ARCHIVED, moment)
    save_case(case, moment, "rating", "rating_comment")
    return write_event(
        case, EventKind.RATED, actor=actor, old_state=old, now=moment, department=department, note=comment,
        public_note=f"评价：{label}。感谢您的反馈，本件已归档。", is_public=True, outcome=rating,
        data={"by_requester": by_requester},
    )


@transaction.atomic
def do_withdraw_case(case: Case, *, reason: str = "", actor: User | None, by_requester: bool = False):
    case = lock_case(case)
    check(case, "withdraw", actor, by_requester=by_requester)
    reason = optional_text(reason, "reason", "撤回原因", max_length=1000)
    moment, old = clock_now(), case.state
    open_stage(case, State.WITHDRAWN, moment)
    save_case(case, moment)
    return write_event(
        case, EventKind.WITHDRAWN, actor=actor, old_state=old, now=moment, department=case.lead_department,
        note=reason, public_note="诉求人已撤回本诉求。", is_public=True,
        data={"by_requester": by_requester},
    )
