"""The business-environment evaluation in the JSON API. Public (no login): the frameworks with
their indicators, a period's scores and ranking, an indicator's benchmarks, the reform tasks'
progress per indicator, the walk-throughs with their outcome. Staff: recording a measurement and
a walk-through, through the same actions as the pages."""

from datetime import date

from ninja import Router, Schema, Status

from minsheng.core import clock
from minsheng.core.apitools import Error
from minsheng.core.errors import NotFound
from minsheng.core.text import parse_id
from minsheng.evaluation import actions, queries
from minsheng.evaluation.models import Framework, SecondIndicator, Service, WalkThrough
from minsheng.org.models import Region, RegionLevel

router = Router(tags=["营商环境评价"])
PUBLIC_ERRORS = {400: Error, 404: Error, 413: Error, 414: Error}
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 414: Error}


class SecondOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    direction: str
    weight: str
    method: str
    stated_best: str | None


class FirstOut(Schema):
    id: int
    code: str
    name: str
    weight: str
    seconds: list[SecondOut]


class FrameworkOut(Schema):
    id: int
    name: str
    year: int
    version: int
    scope: str
    issuer: str
    periods: list[int]
    firsts: list[FirstOut]


def _decimal(value) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _framework(framework_id: int) -> Framework:
    framework = Framework.objects.filter(pk=framework_id).first() if 0 < framework_id < 2**31 else None
    if framework is None:
        raise NotFound("没有找到该指标体系。")
    return framework


@router.get("/evaluation/frameworks", auth=None, response={200: list[dict], **PUBLIC_ERRORS}, summary="评价指标体系（公开）")
def frameworks(request):
    return [{"id": f.pk, "name": f.name, "year": f.year, "version": f.version, "scope": f.scope, "issuer": f.issuer}
            for f in Framework.objects.all()[:100]]


@router.get("/evaluation/frameworks/{framework_id}", auth=None, response={200: FrameworkOut, **PUBLIC_ERRORS},
            summary="一个指标体系及其指标（公开）")
def framework_detail(request, framework_id: int):
    framework = _framework(framework_id)
    return {"id": framework.pk, "name": framework.name, "year": framework.year, "version": framework.version,
            "scope": framework.scope, "issuer": framework.issuer, "periods": queries.periods(framework),
            "firsts": [{"id": first.pk, "code": first.code, "name": first.name, "weight": _decimal(first.weight),
                        "seconds": [{"id": s.pk, "code": s.code, "name": s.name, "unit": s.unit, "direction": s.direction,
                                     "weight": _decimal(s.weight), "method": s.method,
                                     "stated_best": _decimal(s.stated_best)} for s in seconds]}
                       for first, seconds in queries.structure(framework)]}


class ScoreOut(Schema):
    region: str
    region_code: str
    rank: int | None
    overall: float | None
    complete: bool
    firsts: dict[str, float | None]
    full_marks: list[str]


@router.get("/evaluation/frameworks/{framework_id}/scores", auth=None, response={200: list[ScoreOut], **PUBLIC_ERRORS},
            summary="一个评价年度各县（市、区）的得分和排名（公开）")
def scores(request, framework_id: int, period: int, level: str = RegionLevel.COUNTY):
    framework = _framework(framework_id)
    if level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise NotFound("没有该层级的评价。")
    board = queries.board(framework, period, level=level)
    return [{"region": row.region.name, "region_code": row.region.code, "rank": row.rank,
             "overall": None if row.overall is None else round(row.overall, 4), "complete": row.complete,
             "firsts": {first.first.code: None if first.score is None else round(first.score, 4) for first in row.firsts},
             "full_marks": [indicator.code for indicator in row.full_marks]} for row in board.regions]


@router.get("/evaluation/frameworks/{framework_id}/reform-progress", auth=None, response={200: list[dict], **PUBLIC_ERRORS},
            summary="改革任务按一级指标的进展（公开）")
def reform_progress(request, framework_id: int):
    framework = _framework(framework_id)
    return [{"code": row.first.code, "name": row.first.name, "total": row.total, "done": row.done, "late": row.late,
             "in_progress": row.in_progress, "not_started": row.not_started}
            for row in queries.reform_progress(framework, clock.today())]


@router.get("/evaluation/walkthroughs", auth=None, response={200: list[dict], **PUBLIC_ERRORS},
            summary="局长走流程及整改前后（公开）")
def walkthroughs(request):
    today = clock.today()
    found = []
    for walk in WalkThrough.objects.select_related("service__department").order_by("-walked_on", "-pk")[:100]:
        outcome = queries.walk_outcome(walk, today)
        found.append({"id": walk.pk, "service": walk.service.name, "department": walk.service.department.name,
                      "walked_on": walk.walked_on, "applicant_kind": walk.applicant_kind,
                      "steps": [{"name": s.name, "minutes": s.minutes, "materials": s.materials_asked}
                                for s in walk.walk_steps.all()],
                      "problems": [{"kind": p.kind, "description": p.description, "status": status,
                                    "deadline": p.item.deadline} for p, status in outcome.problems],
                      "before": outcome.before, "after": outcome.after})
    return found


class MeasurementIn(Schema):
    indicator_id: int
    region_code: str
    period: int
    value: str
    unit: str | None = None
    source: str


@router.post("/evaluation/measurements", response={201: dict, **ERRORS}, summary="记录一个地区的指标测量值")
def record_measurement(request, payload: MeasurementIn):
    indicator = SecondIndicator.objects.select_related("first__framework").filter(
        pk=payload.indicator_id).first() if 0 < payload.indicator_id < 2**31 else None
    region = Region.objects.filter(code=payload.region_code[:12]).first() if payload.region_code.isdigit() else None
    if indicator is None or region is None:
        raise NotFound("没有找到该指标或地区。")
    measurement = actions.do_record_measurement(indicator, region, period=payload.period, value=payload.value,
                                                unit=payload.unit, source=payload.source, actor=request.user)
    return Status(201, {"indicator": indicator.code, "region": region.code, "period": measurement.period,
                        "value": _decimal(measurement.value)})


class StepIn(Schema):
    name: str
    minutes: int | None = None
    materials: list[str] = []


class ProblemIn(Schema):
    kind: str
    description: str
    deadline: date | None = None


class WalkIn(Schema):
    service_id: int
    walked_on: date
    applicant_kind: str
    summary: str = ""
    steps: list[StepIn]
    problems: list[ProblemIn] = []


@router.post("/evaluation/walkthroughs", response={201: dict, **ERRORS}, summary="记录局长走流程（部门负责人）")
def record_walkthrough(request, payload: WalkIn):
    service_id = parse_id(str(payload.service_id))
    service = Service.objects.filter(pk=service_id).first() if service_id else None
    if service is None:
        raise NotFound("没有找到该事项。")
    walk = actions.do_record_walkthrough(
        service, walked_on=payload.walked_on, applicant_kind=payload.applicant_kind, summary=payload.summary,
        steps=[step.dict() for step in payload.steps], problems=[problem.dict() for problem in payload.problems],
        actor=request.user)
    return Status(201, {"id": walk.pk, "problems": walk.problems.count()})
