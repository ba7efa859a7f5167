"""Inspections in the JSON API. Public (no login): the draws with their hashes and a re-run of
one, the published results, the quiet days. Staff (token or session): the visits they may see,
filing one and each step after it, through the same actions as the pages."""

from datetime import date

from django.core.paginator import Paginator
from ninja import Router, Schema, Status

from minsheng.core import clock
from minsheng.core.apitools import Error
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.text import parse_id
from minsheng.enterprises.models import Entity
from minsheng.inspections import actions, queries
from minsheng.inspections.models import (
    Draw,
    DrawState,
    Filing,
    FilingState,
    Inspector,
    InspectionItem,
    QuietDayRule,
    ViolationType,
)
from minsheng.org.access import is_staff_member
from minsheng.org.models import Region

router = Router(tags=["入企检查"])
PUBLIC_ERRORS = {400: Error, 404: Error, 413: Error, 414: Error}
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 414: Error}
PAGE_SIZE = 100


# --- public ---------------------------------------------------------------------------------------

class DrawOut(Schema):
    number: str
    title: str
    department: str
    region: str
    state: str
    state_label: str
    above_scale_only: bool
    industry_prefix: str
    ratios: dict[str, str]
    inspectors_per_target: int
    algorithm: str
    seed_source: str
    seed_source_text: str
    seed_commitment: str
    seed: str
    pool_hash: str
    pool_targets: int
    pool_inspectors: int
    frozen_at: str | None
    result_hash: str
    drawn_count: int
    drawn_at: str | None
    witnesses: str


def _draw(draw: Draw) -> dict:
    drawn = draw.state == DrawState.DRAWN
    return {"number": draw.number, "title": draw.title, "department": draw.department.name, "region": draw.region.name,
            "state": draw.state, "state_label": draw.get_state_display(), "above_scale_only": draw.above_scale_only,
            "industry_prefix": draw.industry_prefix, "ratios": draw.ratios, "inspectors_per_target": draw.inspectors_per_target,
            "algorithm": draw.algorithm, "seed_source": draw.seed_source, "seed_source_text": draw.seed_source_text,
            "seed_commitment": draw.seed_commitment, "seed": draw.seed if drawn else "", "pool_hash": draw.pool_hash,
            "pool_targets": draw.pool_targets, "pool_inspectors": draw.pool_inspectors,
            "frozen_at": draw.frozen_at.isoformat() if draw.frozen_at else None, "result_hash": draw.result_hash,
            "drawn_count": draw.drawn_count, "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
            "witnesses": draw.witnesses}


class DrawPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DrawOut]


@router.get("/inspections/draws", auth=None, response={200: DrawPage, **PUBLIC_ERRORS}, summary="双随机抽查（公开）")
def draws(request, page: int = 1):
    paginator = Paginator(Draw.objects.select_related("department", "region").order_by("-number"), PAGE_SIZE)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "results": [_draw(draw) for draw in current.object_list]}


def _public_draw(number: str) -> Draw:
    draw = Draw.objects.select_related("department", "region").filter(number=number[:20]).first()
    if draw is None:
        raise NotFound("没有找到该抽查。")
    return draw


@router.get("/inspections/draws/{number}", auth=None, response={200: DrawOut, **PUBLIC_ERRORS}, summary="一次抽查的记录（公开）")
def draw_detail(request, number: str):
    return _draw(_public_draw(number))


class PickOut(Schema):
    uscc: str
    name: str
    grade: str
    inspectors: list[str]


class PickPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PickOut]


PICKS_PAGE_SIZE = 1000


@router.get("/inspections/draws/{number}/picks", auth=None, response={200: PickPage, **PUBLIC_ERRORS},
            summary="抽取结果（公开）：抽中的市场主体和执法检查人员的执法证号，按抽取顺序分页")
def draw_picks(request, number: str, page: int = 1):
    draw = _public_draw(number)
    picks = actions.recorded_picks(draw) if draw.state == DrawState.DRAWN else []
    current = Paginator(picks, PICKS_PAGE_SIZE).get_page(page)
    shown = list(current.object_list)
    names = dict(Entity.objects.filter(uscc__in=[pick.uscc for pick in shown]).values_list("uscc", "name"))
    return {"count": len(picks), "page": current.number, "pages": current.paginator.num_pages, "results": [
        {"uscc": pick.uscc, "name": names.get(pick.uscc, ""), "grade": pick.grade, "inspectors": list(pick.inspectors)}
        for pick in shown]}


class VerificationOut(Schema):
    number: str
    matches: bool
    message: str


@router.get("/inspections/draws/{number}/verify", auth=None, response={200: VerificationOut, **PUBLIC_ERRORS},
            summary="按记录重新抽取并比对（公开）")
def draw_verify(request, number: str):
    draw = _public_draw(number)
    outcome = queries.verification(draw)
    return {"number": draw.number, "matches": outcome["matches"], "message": outcome["message"]}


class ResultOut(Schema):
    number: str
    entity: str
    uscc: str
    region: str
    departments: list[str]
    kind: str
    inspected_on: date
    result: str
    result_label: str
    published_on: date


class ResultPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ResultOut]


@router.get("/inspections/results", auth=None, response={200: ResultPage, **PUBLIC_ERRORS}, summary="检查结果公示（公开）")
def results(request, region: str | None = None, page: int = 1):
    published = (Filing.objects.filter(state=FilingState.PUBLISHED).select_related("entity__region")
                 .prefetch_related("departments").order_by("-published_on", "-pk"))
    if region:
        area = Region.objects.filter(code=region[:12]).first()
        if area is None:
            raise NotFound("没有这个区划。")
        published = published.filter(entity__region__code__startswith=area.code_prefix)
    paginator = Paginator(published, PAGE_SIZE)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages, "results": [
        {"number": f.number, "entity": f.entity.name, "uscc": f.entity.uscc, "region": f.entity.region.name,
         "departments": [d.name for d in f.departments.all()], "kind": f.kind, "inspected_on": f.inspected_on,
         "result": f.result, "result_label": f.get_result_display(), "published_on": f.published_on}
        for f in current.object_list]}


class QuietDaysOut(Schema):
    region: str
    firm_group: str
    first_day: int
    last_day: int
    valid_from: date
    valid_to: date | None
    basis: str


@router.get("/inspections/quiet-days", auth=None, response={200: list[QuietDaysOut], **PUBLIC_ERRORS},
            summary="宁静生产日（公开）")
def quiet_days(request):
    return [{"region": r.region.name, "firm_group": r.firm_group, "first_day": r.first_day, "last_day": r.last_day,
             "valid_from": r.valid_from, "valid_to": r.valid_to, "basis": r.basis}
            for r in QuietDayRule.objects.select_related("region").order_by("region__code", "valid_from")]


# --- staff ----------------------------------------------------------------------------------------

class FilingOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    kind: str
    entity: str
    uscc: str
    department: str
    departments: list[str]
    items: list[str]
    inspectors: list[str]
    trigger: str
    planned_on: date
    quiet_exception: str
    check_code: str | None
    inspected_on: date | None
    result: str
    publish_due: date | None
    published_on: date | None


def _filing(filing: Filing) -> dict:
    return {"id": filing.pk, "number": filing.number, "state": filing.state, "state_label": filing.get_state_display(),
            "kind": filing.kind, "entity": filing.entity.name, "uscc": filing.entity.uscc, "department": filing.department.name,
            "departments": [d.name for d in filing.departments.all()], "items": [i.name for i in filing.items.all()],
            "inspectors": [f"{i.name}（{i.certificate_number}）" for i in filing.inspectors.all()],
            "trigger": filing.trigger, "planned_on": filing.planned_on, "quiet_exception": filing.quiet_exception,
            "check_code": filing.check_code, "inspected_on": filing.inspected_on, "result": filing.result,
            "publish_due": filing.publish_due, "published_on": filing.published_on}


class FilingPage(Schema):
    count: int
    page: int
    pages: int
    results: list[FilingOut]


@router.get("/inspections/filings", response={200: FilingPage, **ERRORS}, summary="入企检查备案（可见范围内）")
def filings(request, state: str | None = None, overdue: bool = False, page: int = 1):
    if not is_staff_member(request.user):
        raise NotFound("没有找到检查备案。")
    found = queries.visible_filings(request.user).select_related("entity", "department").prefetch_related(
        "departments", "items", "inspectors")
    if state:
        if state not in FilingState.values:
            raise ActionError("状态应为：" + "、".join(FilingState.values) + "。", field="state")
        found = found.filter(state=state)
    if overdue:
        found = found.publication_overdue(clock.today())
    paginator = Paginator(found.order_by("-filed_at", "-pk"), PAGE_SIZE)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "results": [_filing(f) for f in current.object_list]}


def _access(request, filing_id: str) -> Filing:
    return queries.access_filing(request.user, parse_id(filing_id))


@router.get("/inspections/filings/{filing_id}", response={200: FilingOut, **ERRORS}, summary="一次入企检查")
def filing_detail(request, filing_id: str):
    return _filing(_access(request, filing_id))


class FilingIn(Schema):
    uscc: str
    kind: str
    items: list[int]
    inspectors: list[int]
    planned_on: date
    trigger: str
    quiet_exception: str = ""
    quiet_exception_note: str = ""
    draw: str | None = None


@router.post("/inspections/filings", response={201: FilingOut, **ERRORS}, summary="备案入企检查（本部门）")
def file_inspection(request, payload: FilingIn):
    user = request.user
    if not is_staff_member(user):
        raise NotFound("没有找到该部门。")
    entity = queries.firm_by_uscc(payload.uscc)
    items = list(InspectionItem.objects.filter(pk__in=[pk for pk in payload.items if 0 < pk < 2**63]))
    if len(items) != len(set(payload.items)):
        raise ActionError("检查事项中有不存在的事项。", field="items")
    inspectors = list(Inspector.objects.filter(pk__in=[pk for pk in payload.inspectors if 0 < pk < 2**63]))
    if len(inspectors) != len(set(payload.inspectors)):
        raise ActionError("执法检查人员中有名录库里没有的人员。", field="inspectors")
    draw = None
    if payload.draw:
        draw = Draw.objects.filter(number=payload.draw[:20]).first()
        if draw is None:
            raise ActionError("没有找到该抽查任务。", field="draw")
    filing = actions.do_file_inspection(user.department, entity, kind=payload.kind, items=items, inspectors=inspectors,
                                        planned_on=payload.planned_on, trigger=payload.trigger,
                                        quiet_exception=payload.quiet_exception,
                                        quiet_exception_note=payload.quiet_exception_note, draw=draw, actor=user)
    return Status(201, _filing(filing))


@router.post("/inspections/filings/{filing_id}/approve", response={200: FilingOut, **ERRORS}, summary="批准并签发检查码")
def approve(request, filing_id: str):
    return _filing(actions.do_approve_filing(_access(request, filing_id), actor=request.user))


class ResultIn(Schema):
    inspected_on: date
    result: str
    findings: str = ""


@router.post("/inspections/filings/{filing_id}/result", response={200: FilingOut, **ERRORS}, summary="登记检查结果")
def record_result(request, filing_id: str, payload: ResultIn):
    filing = actions.do_record_inspection(_access(request, filing_id), inspected_on=payload.inspected_on,
                                          result=payload.result, findings=payload.findings, actor=request.user)
    return _filing(filing)


class DecisionIn(Schema):
    violation_type: int
    offence_on: date
    harm_minor: bool = False
    corrected: bool = False
    aggravating: str = ""
    outcome: str
    fine: str | None = None
    correction_due: date | None = None
    departure_reason: str = ""


class DecisionOut(Schema):
    id: int
    eligibility: str
    outcome: str
    fine: str | None
    departs: bool
    notice_number: str


@router.post("/inspections/filings/{filing_id}/decisions", response={201: DecisionOut, **ERRORS},
             summary="作出处理决定（首违不罚、首罚取下限由系统认定）")
def decide(request, filing_id: str, payload: DecisionIn):
    filing = _access(request, filing_id)
    violation_type = ViolationType.objects.filter(pk=payload.violation_type if 0 < payload.violation_type < 2**63 else 0).first()
    if violation_type is None:
        raise ActionError("没有该违法行为类型。", field="violation_type")
    decision = actions.do_decide_penalty(filing, violation_type=violation_type, offence_on=payload.offence_on,
                                         harm_minor=payload.harm_minor, corrected=payload.corrected,
                                         aggravating=payload.aggravating, outcome=payload.outcome, fine=payload.fine,
                                         correction_due=payload.correction_due, departure_reason=payload.departure_reason,
                                         actor=request.user)
    return Status(201, {"id": decision.pk, "eligibility": decision.eligibility, "outcome": decision.outcome,
                        "fine": str(decision.fine) if decision.fine is not None else None, "departs": decision.departs,
                        "notice_number": decision.notice_number})


@router.post("/inspections/filings/{filing_id}/publish", response={200: FilingOut, **ERRORS}, summary="公示检查结果")
def publish(request, filing_id: str):
    return _filing(actions.do_publish_result(_access(request, filing_id), actor=request.user))
