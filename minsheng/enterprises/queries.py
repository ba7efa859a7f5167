"""Reads shared by pages, the API and reports: who helps a firm on a day, a county's coverage,
a helper's portfolio and the visits due."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, FilteredRelation, Max, OuterRef, Q

from minsheng.core import clock
from minsheng.core.errors import NotFound
from minsheng.enterprises import rules
from minsheng.enterprises.models import Assignment, AssignmentMode, Entity, EntityKind, EntityStatus, GridMember, Visit
from minsheng.org.models import Region, RegionLevel


def current(day: date, prefix: str = "") -> Q:
    """Rows whose period (starts_on … ends_on, open when None) covers `day`."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day}))


def helpers_of(entity: Entity, day: date | None = None) -> list[tuple[object, str]]:
    """(helper, mode) of `entity` on `day`: its one-to-one helpers, then its grid's. Two queries,
    each on its (entity|grid, starts_on) index: one query with entity = … OR grid IN (…) reads the
    whole assignment table."""
    day = day or clock.today()
    found = list(Assignment.objects.filter(current(day), entity=entity).select_related("helper__department")
                 .order_by("starts_on", "pk"))
    grids = GridMember.objects.filter(current(day), entity=entity).values("grid")
    found += Assignment.objects.filter(current(day), grid__in=grids).select_related("helper__department").order_by("starts_on", "pk")
    return [(assignment.helper, assignment.mode) for assignment in found]


@dataclass
class HelpRecord:
    """A firm's help as its profile shows it: every one-to-one assignment and grid membership it
    has had, and its helpers on the day (as helpers_of finds them), in three queries."""
    assignments: list
    memberships: list
    helpers: list


def help_record(entity: Entity, day: date) -> HelpRecord:
    assignments = list(entity.assignments.select_related("helper__department").order_by("-starts_on"))
    memberships = list(entity.grid_memberships.select_related("grid").order_by("-starts_on"))
    grid_assignments: dict[int, list] = {}
    for assignment in (Assignment.objects.filter(current(day), grid__in=[m.grid_id for m in memberships])
                       .select_related("helper__department").order_by("starts_on", "pk")):
        grid_assignments.setdefault(assignment.grid_id, []).append(assignment)
    helpers = [(a.helper, AssignmentMode.ONE_TO_ONE) for a in reversed(assignments) if a.covers(day)]
    helpers += [(a.helper, AssignmentMode.GRID) for m in memberships if m.covers(day) for a in grid_assignments.get(m.grid_id, [])]
    return HelpRecord(assignments, memberships, helpers)


def _helped(day: date, region: Region | None = None) -> tuple[Exists, Exists]:
    """The two ways an entity has a helper on `day`: a current one-to-one assignment, or a current
    membership of a grid of its own county that has a current assignment (do_add_to_grid takes
    only the grid's county's entities; a move to another county ends the old memberships, see
    actions.helpers.leave_other_counties_grids). For one county the grid side names it, so the
    planner reads only that county's grids."""
    one_to_one = Assignment.objects.filter(current(day), entity=OuterRef("pk"))
    grid_helped = Assignment.objects.filter(current(day), grid=OuterRef("grid"))
    in_helped_grid = (GridMember.objects.filter(current(day), entity=OuterRef("pk"),
                                                grid__region=region if region is not None else OuterRef("region"))
                      .filter(Exists(grid_helped)))
    return Exists(one_to_one), Exists(in_helped_grid)


def uncovered(entities, day: date, region: Region | None = None):
    """`entities` without a helper on `day`. Two top-level NOT EXISTS, which PostgreSQL runs as
    anti-joins: `NOT (EXISTS … OR EXISTS …)` would stay two subplans run for every entity (the
    planner pulls sublinks up before it pushes the NOT into the OR): 7.3 s for a county of
    150,000 in the benchmark of commit b3e5ab6, 0.58 s this way (bench/results/enterprises.md)."""
    one_to_one, in_helped_grid = _helped(day, region)
    return entities.exclude(one_to_one).exclude(in_helped_grid)


def active_on(day: date) -> Q:
    """Entities in business on `day`: established by then (or date unknown), not closed by then."""
    return ((Q(established_on__isnull=True) | Q(established_on__lte=day))
            & (Q(status=EntityStatus.ACTIVE) | Q(closed_on__gt=day)))


@dataclass
class Coverage:
    day: date
    region: Region | None
    rows: list[dict] = field(default_factory=list)  # per county
    total: dict = field(default_factory=dict)
    gaps: list[Entity] = field(default_factory=list)  # the first uncovered entities
    gap_count: int = 0


GAP_LIMIT = 200


def coverage(region: Region | None, day: date | None = None, *, gap_limit: int | None = GAP_LIMIT) -> Coverage:
    """Every active entity of the city (or of one county) on `day`, whether a helper covers it,
    by county: entities, of which 规上, key firms, 个体工商户; one-to-one assignments; covered;
    uncovered; and the first `gap_limit` uncovered entities (all of them when None) by county and
    name. Two passes, and no subplan runs per entity: the counts in one grouped pass, the
    uncovered as anti-joins (see `uncovered`)."""
    day = day or clock.today()
    entities = Entity.objects.filter(active_on(day))
    if region is not None:
        entities = entities.filter(region=region)
    rows = list(
        # The one-to-one assignment of the day as a LEFT JOIN (at most one per firm: do_assign_one_to_one
        # refuses overlaps; a grid's assignment has no entity), so one pass counts everything.
        entities.annotate(helper_now=FilteredRelation("assignments", condition=current(day, "assignments__")))
        .values("region_id")
        .annotate(
            # Not named after the fields they count: an annotation shadows a field of its name.
            entities=Count("pk"),
            above_scale_count=Count("pk", filter=Q(above_scale=True)),
            key_count=Count("pk", filter=Q(is_key=True, above_scale=False)),
            individuals=Count("pk", filter=Q(kind=EntityKind.INDIVIDUAL)),
            one_to_one=Count("helper_now__id"),
        )
        .order_by("region_id")
    )
    order = ("name", "pk") if region is not None else ("region__code", "name", "pk")
    gaps = list(uncovered(entities, day, region).order_by(*order).values_list("pk", "region_id"))
    gaps_by_region = Counter(region_id for _pk, region_id in gaps)
    regions = Region.objects.in_bulk([row["region_id"] for row in rows])
    for row in rows:
        row["above_scale"], row["key"] = row.pop("above_scale_count"), row.pop("key_count")
        row["region"] = regions[row["region_id"]].name
        row["uncovered"] = gaps_by_region[row["region_id"]]
        row["covered"] = row["entities"] - row["uncovered"]
    rows.sort(key=lambda row: regions[row["region_id"]].code)
    keys = ("entities", "above_scale", "key", "individuals", "one_to_one", "covered", "uncovered")
    total = {key: sum(row[key] for row in rows) for key in keys}
    result = Coverage(day=day, region=region, rows=rows, total=total, gap_count=len(gaps))
    chosen = [pk for pk, _region in (gaps if gap_limit is None else gaps[:gap_limit])]
    if chosen:
        loaded = Entity.objects.select_related("region", "township", "industry").in_bulk(chosen)
        result.gaps = [loaded[pk] for pk in chosen]
    return result


def access_entity(user, pk) -> Entity:
    from minsheng.core.text import parse_id

    number = parse_id(str(pk))
    entity = (Entity.objects.select_related("region", "township", "industry__parent__parent__parent").filter(pk=number).first()
              if number is not None else None)
    if entity is None or not rules.may_view(user, entity):
        raise NotFound("没有找到该市场主体。")
    return entity


def assignment_rows(assignment, day: date) -> list[dict]:
    """The firms one assignment covers on `day` (active then), each with its last visit and the day
    its next visit falls due: the plan's days after the last visit, or after the assignment's
    start when never visited since."""
    last_visit = Visit.objects.filter(entity=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    if assignment.mode == AssignmentMode.ONE_TO_ONE:
        entities = Entity.objects.filter(pk=assignment.entity_id)
    else:
        entities = Entity.objects.filter(grid_memberships__in=GridMember.objects.filter(current(day), grid_id=assignment.grid_id))
    rows = []
    for entity in entities.filter(active_on(day)).annotate(last_visit=last_visit).select_related("industry"):
        since = max(filter(None, [entity.last_visit, assignment.starts_on]))
        rows.append({"entity": entity, "assignment": assignment, "mode": assignment.mode, "last_visit": entity.last_visit,
                     "due_on": since + timedelta(days=assignment.visit_every_days)})
    rows.sort(key=lambda r: (r["due_on"], r["entity"].name))
    return rows


def portfolio(helper, day: date | None = None):
    """The firms `helper` covers on `day`, one-to-one first, each with the assignment's visit plan
    and its last visit; `due_on` is the day the next visit falls due (today or earlier: due)."""
    day = day or clock.today()
    rows = []
    for assignment in Assignment.objects.filter(current(day), helper=helper).select_related("entity", "grid"):
        rows.extend(assignment_rows(assignment, day))
    rows.sort(key=lambda r: (r["mode"] != AssignmentMode.ONE_TO_ONE, r["due_on"], r["entity"].name))
    return rows


def visits_due_by(helper, day: date, *, shown: int = 8) -> dict | None:
    """For the helper's home page: the firms whose next visit falls due by the end of `day`'s
    month (overdue first); None for someone who helps no firm."""
    from calendar import monthrange

    if not Assignment.objects.filter(current(day), helper=helper).exists():
        return None
    month_end = date(day.year, day.month, monthrange(day.year, day.month)[1])
    due = sorted((r for r in portfolio(helper, day) if r["due_on"] <= month_end), key=lambda r: (r["due_on"], r["entity"].name))
    return {"count": len(due), "overdue": sum(r["due_on"] < day for r in due), "rows": due[:shown], "month_end": month_end}


def counties() -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))


def last_visits(entity_ids) -> dict[int, date]:
    return dict(Visit.objects.filter(entity_id__in=entity_ids).values("entity_id").annotate(last=Max("visited_on"))
                .values_list("entity_id", "last"))
