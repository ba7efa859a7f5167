"""Elevator retrofits in the JSON API: the public funnel, and for staff an application with its
stages and its vote's ratios (never individual votes), and completing a stage."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Router, Schema, Status

from minsheng.core.apitools import Error
from minsheng.core.text import check_date
from minsheng.elevators import actions, queries
from minsheng.org.models import Region, RegionLevel

router = Router(tags=["加装电梯"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 414: Error}


class FiguresOut(Schema):
    accepted: int
    approved: int
    under_construction: int
    completed: int
    approved_not_started: int
    with_renovation: int
    in_service: int
    households: int
    residents_over_60: int


class AreaRowOut(FiguresOut):
    name: str
    code: str


class StageDaysOut(Schema):
    stage: str
    label: str
    average: float | None
    finished: int
    late: int


class FunnelOut(Schema):
    as_of: date
    region: str | None
    figures: FiguresOut
    target: int | None
    rows: list[AreaRowOut]
    stage_days: list[StageDaysOut]
    definitions: dict[str, str]


@router.get("/elevators/funnel", auth=None, response={200: FunnelOut, 400: Error, 404: Error, 413: Error, 414: Error},
            summary="加装电梯进展（公开）")
def funnel(request, as_of: date | None = None, region: str | None = None):
    today = timezone.localdate()
    as_of = as_of or today
    check_date(as_of, field="as_of", label="统计日期")
    if as_of > today or as_of < queries.EARLIEST_FIGURES:
        return Status(400, {"detail": "统计日期应在2020年1月1日至今天之间。", "field": "as_of"})
    area = None
    if region:
        area = Region.objects.filter(code=region[:12], level=RegionLevel.COUNTY).first()
        if area is None:
            return Status(404, {"detail": "没有这个县（市、区）。", "field": "region"})
    result = queries.funnel(as_of, area)
    keys = FiguresOut.model_fields.keys()
    return {
        "as_of": as_of, "region": area.name if area else None, "target": result.target,
        "figures": {key: result.figures[key] or 0 for key in keys},
        "rows": [{"name": row["name"], "code": row["code"], **{key: row[key] or 0 for key in keys}} for row in result.rows],
        "stage_days": queries.stage_days(area), "definitions": result.definitions,
    }


class StageOut(Schema):
    stage: str
    label: str
    department: str | None
    started_at: datetime
    due_at: datetime | None
    limit_days: int | None
    ended_at: datetime | None
    working_days: int | None
    was_late: bool


class RatiosOut(Schema):
    participation_area: str
    participation_heads: str
    agreement_area: str
    agreement_heads: str
    passes: bool
    missing: str


class ApplicationOut(Schema):
    id: int
    number: str
    estate: str
    building: str
    entrance: str
    region: str
    stage: str
    stage_label: str
    due_at: datetime | None
    due_provisional: bool
    filed_on: date
    households: int
    estimated_cost: str | None
    subsidy: str | None
    ratios: RatiosOut
    stages: list[StageOut]


def _application(application) -> dict:
    entrance = application.entrance
    tally = application.tally
    return {
        "id": application.pk, "number": application.number, "estate": entrance.building.estate.name,
        "building": entrance.building.name, "entrance": entrance.name, "region": application.region.name,
        "stage": application.stage, "stage_label": application.get_stage_display(), "due_at": application.due_at,
        "due_provisional": application.due_provisional, "filed_on": application.filed_on, "households": application.households,
        "estimated_cost": str(application.estimated_cost) if application.estimated_cost is not None else None,
        "subsidy": str(application.subsidy) if application.subsidy is not None else None,
        "ratios": {"participation_area": str(tally.participation_area), "participation_heads": str(tally.participation_heads),
                   "agreement_area": str(tally.agreement_area), "agreement_heads": str(tally.agreement_heads),
                   "passes": application.consent_passes, "missing": tally.missing_words()},
        "stages": _stages(application),
    }


def _stages(application) -> list[dict]:
    return [
        {"stage": r.stage, "label": r.get_stage_display(), "department": r.department.name if r.department else None,
         "started_at": r.started_at, "due_at": r.due_at, "limit_days": r.limit_days, "ended_at": r.ended_at,
         "working_days": r.working_days, "was_late": r.was_late}
        for r in application.stage_records.select_related("department").order_by("started_at", "id")
    ]


@router.get("/elevators/applications/{application_id}", response={200: ApplicationOut, **ERRORS}, summary="加装电梯申请")
def application_detail(request, application_id: str):
    return _application(queries.access_application(request.user, application_id))


@router.get("/elevators/applications/{application_id}/stages", response={200: list[StageOut], **ERRORS},
            summary="加装电梯申请的办理环节")
def application_stages(request, application_id: str):
    return _stages(queries.access_application(request.user, application_id))


class AdvanceIn(Schema):
    expected_stage: str
    note: str = ""


@router.post("/elevators/applications/{application_id}/advance", response={200: ApplicationOut, **ERRORS},
             summary="办结当前环节，进入下一环节")
def advance(request, application_id: str, payload: AdvanceIn):
    application = queries.access_application(request.user, application_id)
    application = actions.do_advance_stage(application, actor=request.user, note=payload.note,
                                           expected_stage=payload.expected_stage)
    return _application(application)
