"""Enterprises in the JSON API (staff, by token or session): firms, their assignments and visits,
and the coverage report; filing a firm, recording a visit. Contact phones whole only for the
firm's helpers and the registry's keepers, as on the pages."""

from datetime import date

from django.core.paginator import Paginator
from ninja import Router, Schema, Status

from minsheng.core import clock
from minsheng.core.apitools import Error
from minsheng.core.errors import NotFound
from minsheng.core.text import check_date
from minsheng.enterprises import actions, queries, rules
from minsheng.enterprises.models import Assignment, Entity
from minsheng.org.access import is_staff_member, oversees
from minsheng.org.models import Region, RegionLevel

router = Router(tags=["市场主体与企业帮扶"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 414: Error}
PAGE_SIZE = 100


class HelperOut(Schema):
    name: str
    department: str
    mode: str


class EntityOut(Schema):
    id: int
    uscc: str
    name: str
    kind: str
    kind_label: str
    region: str
    region_code: str
    township: str | None
    industry: str
    industry_name: str
    status: str
    established_on: date | None
    size_class: str | None
    above_scale: bool
    is_key: bool
    contact_name: str
    contact_phone: str
    helpers: list[HelperOut]


class EntityPage(Schema):
    count: int
    page: int
    pages: int
    results: list[EntityOut]


def _entity(entity: Entity, user, *, helpers: bool = True) -> dict:
    return {
        "id": entity.pk, "uscc": entity.uscc, "name": entity.name, "kind": entity.kind, "kind_label": entity.get_kind_display(),
        "region": entity.region.name, "region_code": entity.region.code,
        "township": entity.township.name if entity.township_id else None,
        "industry": entity.industry.code, "industry_name": entity.industry.name, "status": entity.status,
        "established_on": entity.established_on, "size_class": entity.size_class or None, "above_scale": entity.above_scale,
        "is_key": entity.is_key, "contact_name": entity.contact_name,
        "contact_phone": entity.contact_phone if rules.may_see_contact(user, entity) else entity.masked_phone,
        "helpers": [{"name": h.full_name or h.username, "department": h.department.name if h.department_id else "", "mode": mode}
                    for h, mode in queries.helpers_of(entity)] if helpers else [],
    }


@router.get("/enterprises/entities", response={200: EntityPage, **ERRORS}, summary="市场主体名录（可见范围内）")
def entities(request, region: str | None = None, q: str | None = None, above_scale: bool | None = None, page: int = 1):
    if not is_staff_member(request.user):
        raise NotFound("没有找到市场主体。")
    from minsheng.enterprises.views.staff import _visible

    found = _visible(request.user).select_related("region", "township", "industry")
    if region:
        found = found.filter(region__code=region[:12])
    if q:
        text = q.strip()[:60]
        found = found.filter(uscc__startswith=text.upper()) | found.filter(name__contains=text)
    if above_scale is not None:
        found = found.filter(above_scale=above_scale)
    paginator = Paginator(found.order_by("region__code", "name", "pk"), PAGE_SIZE)
    current = paginator.get_page(page)
    # The list leaves each firm's helpers out (one query a firm); a firm's own endpoint has them.
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "results": [_entity(e, request.user, helpers=False) for e in current.object_list]}


@router.get("/enterprises/entities/{entity_id}", response={200: EntityOut, **ERRORS}, summary="一家市场主体")
def entity_detail(request, entity_id: str):
    return _entity(queries.access_entity(request.user, entity_id), request.user)


class EntityIn(Schema):
    uscc: str
    name: str
    industry: str
    kind: str = "enterprise"
    region: str | None = None
    township: str | None = None
    address: str = ""
    established_on: str | None = None
    legal_representative: str = ""
    figures_year: int | None = None
    employees: int | None = None
    revenue: str | None = None
    assets: str | None = None
    qualified: bool = False
    is_key: bool = False
    contact_name: str = ""
    contact_phone: str = ""


@router.post("/enterprises/entities", response={201: EntityOut, **ERRORS}, summary="建档（统一社会信用代码不得重复）")
def register(request, payload: EntityIn):
    entity = actions.do_register_entity(actions.EntityDraft(**payload.dict()), actor=request.user)
    return Status(201, _entity(entity, request.user))


class AssignmentOut(Schema):
    id: int
    helper: str
    mode: str
    grid: str | None
    starts_on: date
    ends_on: date | None
    visit_every_days: int


@router.get("/enterprises/entities/{entity_id}/assignments", response={200: list[AssignmentOut], **ERRORS},
            summary="一家市场主体的帮扶关系（含网格）")
def entity_assignments(request, entity_id: str):
    entity = queries.access_entity(request.user, entity_id)
    grids = entity.grid_memberships.values("grid")
    rows = Assignment.objects.filter(entity=entity) | Assignment.objects.filter(grid__in=grids)
    return [{"id": a.pk, "helper": a.helper.full_name or a.helper.username, "mode": a.mode, "grid": a.grid.name if a.grid_id else None,
             "starts_on": a.starts_on, "ends_on": a.ends_on, "visit_every_days": a.visit_every_days}
            for a in rows.select_related("helper", "grid").order_by("starts_on", "pk")]


class VisitOut(Schema):
    id: int
    visited_on: date
    kind: str
    helper: str
    summary: str


class VisitIn(Schema):
    visited_on: date
    kind: str
    summary: str


@router.get("/enterprises/entities/{entity_id}/visits", response={200: list[VisitOut], **ERRORS}, summary="走访记录")
def entity_visits(request, entity_id: str):
    entity = queries.access_entity(request.user, entity_id)
    return [{"id": v.pk, "visited_on": v.visited_on, "kind": v.kind, "helper": v.helper.full_name or v.helper.username,
             "summary": v.summary} for v in entity.visits.select_related("helper")[:200]]


@router.post("/enterprises/entities/{entity_id}/visits", response={201: VisitOut, **ERRORS}, summary="登记走访")
def record_visit(request, entity_id: str, payload: VisitIn):
    entity = queries.access_entity(request.user, entity_id)
    visit = actions.do_record_visit(entity, visited_on=payload.visited_on, kind=payload.kind, summary=payload.summary,
                                    actor=request.user)
    return Status(201, {"id": visit.pk, "visited_on": visit.visited_on, "kind": visit.kind,
                 "helper": visit.helper.full_name or visit.helper.username, "summary": visit.summary})


class CoverageRowOut(Schema):
    region: str
    entities: int
    above_scale: int
    key: int
    individuals: int
    one_to_one: int
    covered: int
    uncovered: int


class CoverageOut(Schema):
    day: date
    region: str | None
    total: dict[str, int]
    rows: list[CoverageRowOut]
    gaps: list[dict]
    gap_count: int


@router.get("/enterprises/coverage", response={200: CoverageOut, **ERRORS}, summary="帮扶覆盖情况（某日）")
def coverage(request, region: str | None = None, day: date | None = None):
    if not oversees(request.user):
        raise NotFound("没有找到该报表。")
    day = check_date(day or clock.today(), field="day", label="日期")
    area = None
    if region:
        area = Region.objects.filter(code=region[:12], level=RegionLevel.COUNTY).first()
        if area is None:
            raise NotFound("没有这个县（市、区）。")
    own = request.user.department.region
    if own.level != RegionLevel.CITY and (area is None or area.pk != own.pk):
        area = own if own.level == RegionLevel.COUNTY else own.parent
    report = queries.coverage(area, day)
    return {"day": report.day, "region": area.name if area else None, "total": report.total,
            "rows": [{k: row[k] for k in CoverageRowOut.model_fields} for row in report.rows],
            "gaps": [{"id": e.pk, "uscc": e.uscc, "name": e.name, "kind": e.kind, "region": e.region.name} for e in report.gaps],
            "gap_count": report.gap_count}
