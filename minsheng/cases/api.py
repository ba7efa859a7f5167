"""The workbench over JSON: the same queries, rules and actions as the pages."""

from datetime import date

from django.core.paginator import Paginator
from ninja import Query, Router

from minsheng.cases import actions, queries, rules, scorecards
from minsheng.cases.models import Case, State
from minsheng.cases.schemas import (
    AcceptIn,
    CallbackIn,
    CaseDetail,
    CaseList,
    CloseIn,
    ContactIn,
    DispatchIn,
    Event,
    ExtensionDecisionIn,
    ExtensionIn,
    Inbox,
    NoteIn,
    PublicTextIn,
    ReasonIn,
    ReturnIn,
    SuperviseIn,
    WithdrawIn,
)
from minsheng.core.apitools import ERRORS, IDEMPOTENCY_DOC, idempotent
from minsheng.core import clock
from minsheng.core.net import client_ip
from minsheng.core.errors import ActionError
from minsheng.core.identity import mask_personal_text
from minsheng.org.models import Department

router = Router(tags=["办件"])
PAGE_SIZE = 50


def _text_for(user, case: Case):
    """Free text as this user may see it: as typed for the staff handling the requester's
    matter, with personal data masked for everyone else (the pages' `private` filter)."""
    if rules.can_see_personal_data(user, case):
        return lambda text: text
    return lambda text: mask_personal_text(text, names=(case.requester_name,))


def summary(user, case: Case, now) -> dict:
    shown = _text_for(user, case)
    return {
        "id": case.pk,
        "number": case.number,
        "title": shown(case.title),
        "kind": case.kind.name,
        "category": case.category.name,
        "category_code": case.category.code,
        "state": case.state,
        "state_label": State(case.state).label,
        "region": case.region.name,
        "lead_department": case.lead_department.name if case.lead_department_id else None,
        "created_at": case.created_at,
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "deadline_colour": case.deadline_colour(now),
        "supervision_level": case.supervision_level,
    }


def detail(user, case: Case) -> dict:
    now = clock.now()
    shown = _text_for(user, case)
    return summary(user, case, now) | {
        "description": shown(case.description),
        "wants": shown(case.wants),
        "channel": case.channel,
        "requester_name": case.masked_name,
        "requester_phone": case.masked_phone,
        "address": shown(case.address),
        "lead_department_id": case.lead_department_id,
        "co_departments": [d.name for d in case.co_departments.all()],
        "extension_requested_days": case.extension_requested_days,
        "result": case.result,
        "result_text": shown(case.result_text),
        "public_summary": shown(case.public_summary),
        "public_result": shown(case.public_result),
        "rating": case.rating,
        "available_actions": rules.available_actions(user, case, now),
    }


def _case(request, case_id: int) -> Case:
    return queries.access_case(request.auth, case_id)


@router.get("/inbox", response={200: Inbox, **ERRORS}, summary="收件箱")
def inbox(request, tab: str = "", page: int = Query(1, ge=1)):
    now = clock.now()
    tabs = queries.inbox_tabs(request.auth, now)
    counts = queries.tab_counts(tabs)
    if not tabs:
        return {"tabs": [], "tab": "", "total": 0, "cases": []}
    if tab and tab not in tabs:
        raise ActionError(f"没有名为“{tab[:20]}”的收件箱分类，可用：{'、'.join(tabs)}。", field="tab")
    selected = tab or next((t.key for t in counts if t.count), counts[0].key)
    paginator = Paginator(tabs[selected], PAGE_SIZE)
    rows = paginator.get_page(page).object_list
    return {
        "tabs": [t.__dict__ for t in counts],
        "tab": selected,
        "total": paginator.count,
        "cases": [summary(request.auth, case, now) for case in rows],
    }


@router.get("/cases", response={200: CaseList, **ERRORS}, summary="办件查询")
def search(
    request,
    number: str = "",
    phone: str = "",
    text: str = "",
    state: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = Query(1, ge=1),
):
    if state and state not in State.values:
        raise ActionError(f"状态应为{'、'.join(State.values)}之一。", field="state")
    results = queries.search_cases(
        request.auth, number=number[:30], phone=phone[:20], text=text[:50], state=state, date_from=date_from, date_to=date_to
    )
    if phone:
        actions.do_log_phone_search(
            results.values_list("pk", flat=True), actor=request.auth, ip_address=client_ip(request)
        )
    paginator = Paginator(results, PAGE_SIZE)
    now = clock.now()
    return {"total": paginator.count, "cases": [summary(request.auth, c, now) for c in paginator.get_page(page).object_list]}


@router.get("/cases/{case_id}", response={200: CaseDetail, **ERRORS}, summary="办件详情（个人信息已脱敏）")
def case_detail(request, case_id: int):
    return detail(request.auth, _case(request, case_id))


@router.get("/cases/{case_id}/timeline", response={200: list[Event], **ERRORS}, summary="办理记录")
def timeline(request, case_id: int):
    case = _case(request, case_id)
    shown = _text_for(request.auth, case)
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": e.kind_label,
            "created_at": e.created_at,
            "actor": str(e.actor) if e.actor else None,
            "department": e.department.name if e.department_id else None,
            "old_state": e.old_state,
            "new_state": e.new_state,
            "note": shown(e.note),
            "public_note": shown(e.public_note),
            "is_public": e.is_public,
            "on_time": e.on_time,
        }
        for e in queries.staff_timeline(case)
    ]


def _after(request, case: Case) -> dict:
    return detail(request.auth, Case.objects.select_related("kind", "category", "region", "lead_department").get(pk=case.pk))


def _department(department_id: int, field: str) -> Department:
    department = Department.objects.filter(pk=department_id).select_related("region").first()
    if department is None:
        raise ActionError(f"没有编号为{department_id}的部门。", field=field)
    return department


@router.post("/cases/{case_id}/accept", response={200: CaseDetail, **ERRORS}, summary="受理", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def accept(request, case_id: int, payload: AcceptIn):
    case = _case(request, case_id)
    actions.do_accept_case(case, note=payload.note, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/reject", response={200: CaseDetail, **ERRORS}, summary="不予受理", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def reject(request, case_id: int, payload: ReasonIn):
    case = _case(request, case_id)
    actions.do_reject_case(case, reason=payload.reason, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/dispatch", response={200: CaseDetail, **ERRORS}, summary="派单（含退单后重新派单）", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def dispatch(request, case_id: int, payload: DispatchIn):
    case = _case(request, case_id)
    department = _department(payload.department_id, "department_id")
    co = [_department(pk, "co_department_ids") for pk in payload.co_department_ids[:20]]
    actions.do_dispatch_case(case, department=department, co_departments=co, note=payload.note, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/uphold", response={200: CaseDetail, **ERRORS}, summary="退单不予认可，仍由原部门办理", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def uphold(request, case_id: int, payload: ReasonIn):
    case = _case(request, case_id)
    actions.do_uphold_dispatch(case, reason=payload.reason, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/sign", response={200: CaseDetail, **ERRORS}, summary="签收", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def sign(request, case_id: int):
    case = _case(request, case_id)
    actions.do_sign_case(case, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/return", response={200: CaseDetail, **ERRORS}, summary="退单（签收前）", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def return_case(request, case_id: int, payload: ReturnIn):
    case = _case(request, case_id)
    actions.do_return_case(case, reason=payload.reason, legal_basis=payload.legal_basis, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/notes", response={200: CaseDetail, **ERRORS}, summary="办理进展", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def note(request, case_id: int, payload: NoteIn):
    case = _case(request, case_id)
    co = not rules.can_handle(request.auth, case) and rules.is_co_department(request.auth, case)
    actions.do_add_note(case, text=payload.text, public_text=payload.public_text, actor=request.auth, co_department=co)
    return _after(request, case)


@router.post("/cases/{case_id}/contacts", response={200: CaseDetail, **ERRORS}, summary="联系诉求人", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def contact(request, case_id: int, payload: ContactIn):
    case = _case(request, case_id)
    actions.do_record_contact(case, method=payload.method, summary=payload.summary, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/extension", response={200: CaseDetail, **ERRORS}, summary="申请延期", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def extension(request, case_id: int, payload: ExtensionIn):
    case = _case(request, case_id)
    actions.do_request_extension(case, days=payload.days, reason=payload.reason, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/extension/decision", response={200: CaseDetail, **ERRORS}, summary="审批延期", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def extension_decision(request, case_id: int, payload: ExtensionDecisionIn):
    case = _case(request, case_id)
    actions.do_decide_extension(
        case, approve=payload.approve, new_due_date=payload.new_due_date, note=payload.note, actor=request.auth
    )
    return _after(request, case)


@router.post("/cases/{case_id}/close", response={200: CaseDetail, **ERRORS}, summary="办结", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def close(request, case_id: int, payload: CloseIn):
    case = _case(request, case_id)
    actions.do_close_case(case, result=payload.result, text=payload.text, basis=payload.basis, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/callback", response={200: CaseDetail, **ERRORS}, summary="回访评价（电话回访后录入）", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def callback(request, case_id: int, payload: CallbackIn):
    case = _case(request, case_id)
    actions.do_rate_case(case, rating=payload.rating, comment=payload.comment, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/withdraw", response={200: CaseDetail, **ERRORS}, summary="代诉求人撤回", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def withdraw(request, case_id: int, payload: WithdrawIn):
    case = _case(request, case_id)
    actions.do_withdraw_case(case, reason=payload.reason, actor=request.auth)
    return _after(request, case)


@router.post("/cases/{case_id}/supervise", response={200: CaseDetail, **ERRORS}, summary="下发督办单", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def supervise(request, case_id: int, payload: SuperviseIn):
    case = _case(request, case_id)
    actions.do_issue_supervision_notice(
        case, requirement=payload.requirement, response_days=payload.response_days, actor=request.auth
    )
    return _after(request, case)


@router.post("/cases/{case_id}/public-text", response={200: CaseDetail, **ERRORS}, summary="改写对外公开的摘要和办理结果", openapi_extra=IDEMPOTENCY_DOC)
@idempotent(CaseDetail)
def public_text(request, case_id: int, payload: PublicTextIn):
    case = _case(request, case_id)
    actions.do_edit_public_text(case, summary=payload.public_summary, result=payload.public_result, actor=request.auth)
    return _after(request, case)


@router.get("/scorecards", response={200: dict, **ERRORS}, summary="部门考核")
def scorecard(request, start: str = "", end: str = "", region: str = "", sort: str = ""):
    today = clock.today()
    period = scorecards.parse_period(start or None, end or None, today=today)
    chosen = scorecards.parse_region(request.auth, region or None)
    report = scorecards.build_scorecards(request.auth, period, region=chosen, sort=scorecards.parse_sort(sort or None))
    return report.as_dict()


