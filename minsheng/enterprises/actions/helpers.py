"""Helpers (帮扶干部): one-to-one for a firm, or one-to-many for a grid of firms and 个体户; the
grids and their members; a helper's whole portfolio handed over in one action when they leave."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_date, check_text, date_words
from minsheng.enterprises import rules
from minsheng.enterprises.actions._base import locked, write_event
from minsheng.enterprises.actions.reminders import first_check
from minsheng.enterprises.models import Assignment, AssignmentMode, Entity, EventKind, Grid, GridMember
from minsheng.enterprises.queries import current
from minsheng.org.access import in_jurisdiction, is_staff_member
from minsheng.org.models import Region, RegionLevel, User

DEFAULT_VISIT_DAYS = {AssignmentMode.ONE_TO_ONE: 30, AssignmentMode.GRID: 90}


def _require_keeper(actor: User | None, region) -> None:
    if actor is not None and not rules.may_keep_registry(actor, region):
        raise NotAllowed("只有本地区营商办的督办员或管理员可以安排帮扶干部和网格。")


def _check_helper(helper: User, region: Region) -> None:
    if helper is None or not is_staff_member(helper):
        raise ActionError("帮扶干部应为在职的工作人员。", field="helper")
    if not in_jurisdiction(helper, region):
        raise ActionError(f"{helper.full_name or helper.username}不在{region.name}工作，不能帮扶该地区的市场主体。", field="helper")


def _start(starts_on, field: str = "starts_on") -> date:
    starts_on = check_date(starts_on, field=field, label="起始日期")
    if starts_on is None:
        raise ActionError("请填写起始日期。", field=field)
    return starts_on


def _visit_days(value, mode: str) -> int:
    days = DEFAULT_VISIT_DAYS[mode] if value is None else value
    if not isinstance(days, int) or not 1 <= days <= 366:
        raise ActionError("走访周期应为1至366天。", field="visit_every_days")
    return days


def _overlaps(queryset, starts_on: date, ends_on: date | None):
    """Rows of `queryset` whose period meets starts_on … ends_on (open ends reach forever)."""
    found = queryset.filter(ends_on__isnull=True) | queryset.filter(ends_on__gte=starts_on)
    return found.filter(starts_on__lte=ends_on) if ends_on else found


@transaction.atomic
def do_assign_one_to_one(entity: Entity, *, helper: User, starts_on: date, ends_on: date | None = None,
                         visit_every_days: int | None = None, actor: User | None) -> Assignment:
    """A named official for one firm from a day. A firm has one one-to-one helper at a time."""
    entity = locked(entity)
    _require_keeper(actor, entity.region)
    _check_helper(helper, entity.region)
    starts_on = _start(starts_on)
    ends_on = check_date(ends_on, field="ends_on", label="结束日期")
    if ends_on is not None and ends_on < starts_on:
        raise ActionError("结束日期不能早于起始日期。", field="ends_on")
    clash = _overlaps(Assignment.objects.filter(entity=entity, mode=AssignmentMode.ONE_TO_ONE), starts_on, ends_on) \
        .select_related("helper").first()
    if clash is not None:
        until = f"至{date_words(clash.ends_on)}" if clash.ends_on else "起至今"
        raise ActionError(f"{entity.name}自{date_words(clash.starts_on)}{until}已由{clash.helper.full_name or clash.helper.username}"
                          "一对一帮扶，时间不能重叠；请先结束原帮扶关系。", field="starts_on")
    assignment = Assignment(helper=helper, mode=AssignmentMode.ONE_TO_ONE, entity=entity, starts_on=starts_on,
                            ends_on=ends_on, visit_every_days=_visit_days(visit_every_days, AssignmentMode.ONE_TO_ONE))
    assignment.next_visit_check = first_check(assignment)
    assignment.save()
    write_event(EventKind.ASSIGNED, actor=actor, entity=entity,
                note=f"{helper.full_name or helper.username}一对一帮扶，{date_words(starts_on)}起",
                data={"assignment": assignment.pk, "helper": helper.pk, "mode": assignment.mode})
    return assignment


@transaction.atomic
def do_create_grid(*, region: Region, name: str, township: Region | None = None, actor: User | None) -> Grid:
    if region is None or region.level != RegionLevel.COUNTY:
        raise ActionError("请选择网格所在的县（市、区）。", field="region")
    _require_keeper(actor, region)
    name = check_text((name or "").strip(), field="name", label="网格名称")
    if not name:
        raise ActionError("请填写网格名称。", field="name")
    if len(name) > 60:
        raise ActionError("网格名称不能超过60字。", field="name")
    if township is not None and township.parent_id != region.pk:
        raise ActionError(f"{township.name}不在{region.name}。", field="township")
    if Grid.objects.filter(region=region, name=name).exists():
        raise ActionError(f"{region.name}已有名为“{name}”的网格。", field="name")
    grid = Grid.objects.create(region=region, township=township, name=name)
    write_event(EventKind.GRID_JOINED, actor=actor, grid=grid, note=f"建立网格{name}", data={"created": True})
    return grid


@transaction.atomic
def do_add_to_grid(grid: Grid, entities: list[Entity], *, starts_on: date, actor: User | None) -> int:
    """Put entities in the grid from a day; one that is in another grid then leaves it the day
    before. Returns how many joined (those already in this grid are left as they are)."""
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    _require_keeper(actor, grid.region)
    starts_on = _start(starts_on)
    ids = [e.pk for e in entities]
    outside = Entity.objects.filter(pk__in=ids).exclude(region=grid.region).first()
    if outside is not None:
        raise ActionError(f"{outside.name}不在{grid.region.name}，不能纳入该网格。", field="entities")
    memberships = GridMember.objects.select_for_update().filter(current(starts_on), entity_id__in=ids)
    already = set()
    for membership in memberships:
        if membership.grid_id == grid.pk:
            already.add(membership.entity_id)
            continue
        if membership.starts_on >= starts_on:
            raise ActionError(f"该主体{date_words(membership.starts_on)}才纳入其他网格，起始日期应晚于此。", field="starts_on")
        membership.ends_on = starts_on - timedelta(days=1)
        membership.save(update_fields=["ends_on"])
    joining = [pk for pk in dict.fromkeys(ids) if pk not in already]
    GridMember.objects.bulk_create(GridMember(grid=grid, entity_id=pk, starts_on=starts_on) for pk in joining)
    if joining:
        write_event(EventKind.GRID_JOINED, actor=actor, grid=grid, note=f"{len(joining)}户纳入网格{grid.name}",
                    data={"entities": joining[:1000], "count": len(joining), "starts_on": starts_on})
    return len(joining)


@transaction.atomic
def do_assign_grid(grid: Grid, *, helper: User, starts_on: date, visit_every_days: int | None = None,
                   actor: User | None) -> Assignment:
    """The grid's helper from a day; a grid has one helper at a time."""
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    _require_keeper(actor, grid.region)
    _check_helper(helper, grid.region)
    starts_on = _start(starts_on)
    clash = _overlaps(Assignment.objects.filter(grid=grid), starts_on, None).select_related("helper").first()
    if clash is not None:
        raise ActionError(f"网格{grid.name}已由{clash.helper.full_name or clash.helper.username}负责，请先结束原帮扶关系。",
                          field="starts_on")
    assignment = Assignment(helper=helper, mode=AssignmentMode.GRID, grid=grid, starts_on=starts_on,
                            visit_every_days=_visit_days(visit_every_days, AssignmentMode.GRID))
    assignment.next_visit_check = first_check(assignment)
    assignment.save()
    write_event(EventKind.ASSIGNED, actor=actor, grid=grid,
                note=f"{helper.full_name or helper.username}负责网格{grid.name}，{date_words(starts_on)}起",
                data={"assignment": assignment.pk, "helper": helper.pk, "mode": assignment.mode})
    return assignment


@transaction.atomic
def do_end_assignment(assignment: Assignment, *, ends_on: date, reason: str = "", actor: User | None) -> Assignment:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("entity", "grid").get(pk=assignment.pk)
    region = assignment.entity.region if assignment.entity_id else assignment.grid.region
    _require_keeper(actor, region)
    ends_on = check_date(ends_on, field="ends_on", label="结束日期")
    if ends_on is None:
        raise ActionError("请填写结束日期。", field="ends_on")
    if ends_on < assignment.starts_on:
        raise ActionError(f"结束日期不能早于起始日期（{date_words(assignment.starts_on)}）。", field="ends_on")
    if assignment.ends_on is not None and assignment.ends_on <= ends_on:
        raise ActionError(f"该帮扶关系已于{date_words(assignment.ends_on)}结束。", field="ends_on")
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])  # the worker stops looking once the day has passed
    reason = check_text((reason or "").strip(), field="reason", label="原因")[:200]
    write_event(EventKind.ASSIGNMENT_ENDED, actor=actor, entity=assignment.entity, grid=assignment.grid,
                note=f"帮扶关系于{date_words(ends_on)}结束" + (f"：{reason}" if reason else ""),
                data={"assignment": assignment.pk, "ends_on": ends_on})
    return assignment


@transaction.atomic
def do_reassign_portfolio(helper: User, *, to: User, on: date, reason: str = "", actor: User | None) -> int:
    """`helper` leaves: from `on`, every firm and grid they cover passes to `to` with the same visit
    plans; their assignments end the day before. All or nothing, one event. Returns how many
    assignments passed."""
    on = _start(on, field="on")
    if to is None or to.pk == helper.pk:
        raise ActionError("请选择接手的帮扶干部（不能是本人）。", field="to")
    handed = list(Assignment.objects.select_for_update(of=("self",)).filter(current(on), helper=helper)
                  .select_related("entity__region", "grid__region").order_by("pk"))
    if not handed:
        raise ActionError(f"{helper.full_name or helper.username}在{date_words(on)}没有帮扶对象。", field="helper")
    regions = {(a.entity.region if a.entity_id else a.grid.region) for a in handed}
    for region in regions:
        _require_keeper(actor, region)
        _check_helper(to, region)
    reason = check_text((reason or "").strip(), field="reason", label="原因")[:200]
    created = []
    for assignment in handed:
        if assignment.starts_on >= on:
            raise ActionError(f"有帮扶关系{date_words(assignment.starts_on)}才开始，交接日期应晚于此。", field="on")
        # The successor takes the rest of the period, no more: a firm's next one-to-one helper
        # already named for a later day keeps that day (one one-to-one helper at a time).
        later = (Assignment.objects.filter(entity_id=assignment.entity_id, grid_id=assignment.grid_id, starts_on__gte=on)
                 .exclude(pk=assignment.pk).order_by("starts_on").first())
        until = assignment.ends_on
        if later is not None and (until is None or later.starts_on <= until):
            until = later.starts_on - timedelta(days=1)
        assignment.ends_on, assignment.next_visit_check = on - timedelta(days=1), None
        if until is not None and until < on:
            continue  # nothing of the period is left to hand over
        # The firms' visit plans carry on: the new helper is reminded from the same due days.
        created.append(Assignment(helper=to, mode=assignment.mode, entity_id=assignment.entity_id, grid_id=assignment.grid_id,
                                  starts_on=on, ends_on=until, visit_every_days=assignment.visit_every_days,
                                  next_visit_check=on))
    Assignment.objects.bulk_update(handed, ["ends_on", "next_visit_check"])
    Assignment.objects.bulk_create(created)
    names = (helper.full_name or helper.username, to.full_name or to.username)
    write_event(EventKind.REASSIGNED, actor=actor,
                note=f"{names[0]}的{len(handed)}项帮扶关系于{date_words(on)}交由{names[1]}" + (f"：{reason}" if reason else ""),
                data={"from": helper.pk, "to": to.pk, "on": on, "ended": [a.pk for a in handed],
                      "one_to_one": sum(a.mode == AssignmentMode.ONE_TO_ONE for a in handed),
                      "grids": sum(a.mode == AssignmentMode.GRID for a in handed)})
    return len(handed)


def leave_other_counties_grids(entity_ids, day: date) -> int:
    """Firms moved to another county leave their old county's grids: a grid covers the firms of
    its own county (do_add_to_grid takes no other), and coverage counts only those. Memberships
    current on `day` end the day before; those not begun by then never happen. Called inside
    the action that moved them (do_update_entity, the import), whose event records it. Returns
    how many memberships ended or were dropped."""
    elsewhere = (GridMember.objects.filter(entity_id__in=list(entity_ids)).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
                 .exclude(grid__region=F("entity__region")))
    ended = elsewhere.filter(starts_on__lt=day).update(ends_on=day - timedelta(days=1))
    dropped, _ = elsewhere.filter(starts_on__gte=day).delete()
    return ended + dropped
