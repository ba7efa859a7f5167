"""Applications migrated from the county ledgers (台账导入): lifts applied for, approved and built
before the platform ran the programme, brought in with the register rows they stand on and the
dates each stage was entered, so the public funnel counts them like any other.

One call creates everything or nothing, in bulk (a county's ledger holds hundreds of entrances;
walking each through the actions, dwelling by dwelling and vote by vote, would take minutes):
the estates, buildings, entrances and dwellings the ledger names (estates and buildings already
on the register are reused), the applications with the rule set in force on their filing date,
one StageRecord per stage entered (its limit, due time, working days and lateness from the
working-day clock), the milestones exactly as the stage actions set them, and one public
ApplicationEvent per application saying it came from the ledger.

A row that cannot be what happened is refused, naming the row and the field: a stage outside the
pipeline, stages skipped or out of order, dates before the filing or after today, the permit
taken or skipped against the cost, a 公示 shorter than the rule set's, a vote past the
consultation that does not reach the thresholds."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_text, date_words
from minsheng.elevators import consent, rules
from minsheng.elevators.actions.applications import MAX_COST, department_for, subsidy_for
from minsheng.elevators.actions.register import check_area
from minsheng.elevators.models import (
    Application,
    ApplicationCounter,
    ApplicationEvent,
    Building,
    Choice,
    Dwelling,
    Entrance,
    Estate,
    EventKind,
    Owner,
    RegisterEvent,
    RuleSet,
    StageRecord,
)
from minsheng.elevators.stages import (
    APPROVED_FROM,
    COMPLETED_FROM,
    ORDER,
    RULES,
    UNDER_CONSTRUCTION,
    Stage,
    at_or_after,
    next_stage,
)
from minsheng.org import workdays
from minsheng.org.access import in_jurisdiction, is_staff_member, oversees
from minsheng.org.models import Region, RegionLevel, Role, User

MAX_ROWS = 20000
CHOICES = frozenset(Choice.values)
ZONE = ZoneInfo(settings.TIME_ZONE)
# A date alone (most ledgers) is read as the morning of that day.
LEDGER_HOUR = time(9, 0)


@dataclass
class LedgerDwelling:
    """One dwelling of the entrance as the ledger lists it."""

    number: str
    floor: int
    area: Decimal | str
    residents_over_60: int = 0
    owner: str = ""  # the voting owner's name when the ledger gives it (a vote still to come needs it)
    vote: str | None = None  # the choice the ledger records: agree, disagree, abstain, or None


@dataclass
class LedgerRow:
    """One application of a county's ledger: where, who lives there, and when each stage began."""

    region: Region  # the county (县、市、区)
    estate: str
    building: str
    entrance: str
    floors: int
    dwellings: list[LedgerDwelling]
    filed_on: date
    # stage -> the day (or aware moment) it was entered, from feasibility on, along the pipeline.
    entered: dict[str, date | datetime]
    street: Region | None = None
    community: str = ""
    address: str = ""
    year_built: int | None = None
    renovation_batch: str = ""
    implementing_body: str = ""
    estimated_cost: Decimal | str | None = None
    closed: str = ""  # "withdrawn" or "rejected", when it ended so
    closed_at: date | datetime | None = None
    reason: str = ""


def _may_import(actor: User | None, regions: set[Region]) -> None:
    """Administrators and supervisors over the counties named, or a county's 住建局 (which keeps
    the ledger) for its own county."""
    if actor is None:
        return
    if not is_staff_member(actor) or not all(in_jurisdiction(actor, region) for region in regions):
        raise NotAllowed("只能导入本辖区的加装电梯台账。")
    if oversees(actor) and actor.has_role(Role.ADMINISTRATOR, Role.SUPERVISOR):
        return
    if not rules.is_bureau(actor.department, "住建局"):
        raise NotAllowed("只有管理员、督办员或县（市、区）住建局可以导入加装电梯台账。")


def _moment(value, *, where: str, label: str, field_name: str) -> datetime:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ActionError(f"{where}{label}应带时区。", field=field_name)
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, LEDGER_HOUR))
    raise ActionError(f"{where}{label}应为日期。", field=field_name)


def _text(value: str, *, where: str, field_name: str, label: str, max_length: int, required: bool = True) -> str:
    value = check_text((value or "").strip(), field=field_name, label=f"{where}{label}")
    if required and not value:
        raise ActionError(f"{where}请填写{label}。", field=field_name)
    if len(value) > max_length:
        raise ActionError(f"{where}{label}不能超过{max_length}字。", field=field_name)
    return value


class _RuleSets:
    """models.in_force for many rows: the county's own rule set if it has one, else the city's."""

    def __init__(self, regions: set[Region]):
        ids = {region.pk for region in regions} | {region.parent_id for region in regions if region.parent_id}
        self.by_region: dict[int, list[RuleSet]] = {}
        self.rules: dict[int, consent.ConsentRules] = {}
        for rule_set in RuleSet.objects.filter(region_id__in=ids).order_by("-effective_from"):
            self.by_region.setdefault(rule_set.region_id, []).append(rule_set)

    def consent_rules(self, rule_set: RuleSet) -> consent.ConsentRules:
        if rule_set.pk not in self.rules:
            self.rules[rule_set.pk] = rule_set.consent_rules
        return self.rules[rule_set.pk]

    def on(self, region: Region, day: date) -> RuleSet | None:
        for region_id in (region.pk, region.parent_id):
            for rule_set in self.by_region.get(region_id, []):
                if rule_set.effective_from <= day:
                    return rule_set
        return None


@dataclass
class _Plan:
    """A row checked: what will be written."""

    index: int
    row: LedgerRow
    rule_set: RuleSet
    path: list[tuple[str, datetime]]  # stages entered, in order
    cost: Decimal | None
    closed_at: datetime | None
    dwellings: list[tuple[str, int, Decimal, int, str, str | None]] = field(default_factory=list)
    sums: consent.Sums | None = None
    estate_key: tuple = ()
    building_key: tuple = ()
    entrance_key: tuple = ()
    number: str = ""


def _check_row(index: int, row: LedgerRow, rule_sets: _RuleSets, now: datetime) -> _Plan:
    n = index + 1
    where = f"第{n}行"
    prefix = f"rows[{index}]."
    if not isinstance(row.region, Region) or row.region.level != RegionLevel.COUNTY:
        raise ActionError(f"{where}：地区应为县（市、区）。", field=prefix + "region")
    if row.street is not None and row.street.parent_id != row.region.pk:
        raise ActionError(f"{where}：{row.street.name}不属于{row.region.name}。", field=prefix + "street")
    estate = _text(row.estate, where=where, field_name=prefix + "estate", label="小区名称", max_length=60)
    building = _text(row.building, where=where, field_name=prefix + "building", label="楼栋", max_length=20)
    entrance = _text(row.entrance, where=where, field_name=prefix + "entrance", label="单元", max_length=20)
    where = f"第{n}行（{estate}{building}{entrance}）"
    row = replace(row, estate=estate, building=building, entrance=entrance, **{
        name: _text(getattr(row, name), where=where, field_name=prefix + name, label=label, max_length=limit, required=False)
        for name, label, limit in (("community", "社区", 40), ("address", "地址", 120),
                                   ("renovation_batch", "老旧小区改造批次", 40), ("implementing_body", "实施主体", 100),
                                   ("reason", "撤回或不予通过的原因", 1000))})
    if not isinstance(row.floors, int) or not 1 <= row.floors <= 60:
        raise ActionError(f"{where}：地上层数应为1至60的整数。", field=prefix + "floors")
    if row.year_built is not None and not 1900 <= row.year_built <= 2100:
        raise ActionError(f"{where}：建成年份应在1900年至2100年之间。", field=prefix + "year_built")

    # The dwellings.
    if not row.dwellings:
        raise ActionError(f"{where}：请列出本单元各户的房号、楼层和专有部分面积。", field=prefix + "dwellings")
    dwellings = []
    numbers = set()
    for dwelling in row.dwellings:
        number = _text(dwelling.number, where=where, field_name=prefix + "dwellings", label="房号", max_length=10)
        if number in numbers:
            raise ActionError(f"{where}：{number}室重复。", field=prefix + "dwellings")
        numbers.add(number)
        if not isinstance(dwelling.floor, int) or not 1 <= dwelling.floor <= row.floors:
            raise ActionError(f"{where}：{number}室的楼层应在1至{row.floors}层之间。", field=prefix + "dwellings")
        area = check_area(dwelling.area, field=prefix + "dwellings", label=f"{where}{number}室专有部分面积")
        if not isinstance(dwelling.residents_over_60, int) or not 0 <= dwelling.residents_over_60 <= 20:
            raise ActionError(f"{where}：{number}室60岁以上住户人数应在0至20之间。", field=prefix + "dwellings")
        owner = _text(dwelling.owner, where=where, field_name=prefix + "dwellings", label=f"{number}室业主姓名",
                      max_length=30, required=False)
        if dwelling.vote is not None and dwelling.vote not in CHOICES:
            raise ActionError(f"{where}：{number}室的表决意见应为同意、不同意或弃权。", field=prefix + "dwellings")
        dwellings.append((number, dwelling.floor, area, dwelling.residents_over_60, owner, dwelling.vote))

    # The rule set of the filing date, and the cost (which decides the permit).
    if not isinstance(row.filed_on, date) or isinstance(row.filed_on, datetime):
        raise ActionError(f"{where}：申请日期应为日期。", field=prefix + "filed_on")
    if row.filed_on > now.astimezone(ZONE).date():
        raise ActionError(f"{where}：申请日期不能晚于今天。", field=prefix + "filed_on")
    rule_set = rule_sets.on(row.region, row.filed_on)
    if rule_set is None:
        raise ActionError(f"{where}：{date_words(row.filed_on)}{row.region.name}没有施行中的加装电梯政策规则，请管理员先录入。",
                          field=prefix + "filed_on")
    cost = None
    if row.estimated_cost not in (None, ""):
        try:
            cost = Decimal(str(row.estimated_cost).strip())
        except ArithmeticError:
            cost = None
        if cost is None or not cost.is_finite() or cost <= 0 or cost >= MAX_COST or cost != cost.quantize(Decimal("0.01")):
            raise ActionError(f"{where}：工程总造价应为大于0、最多精确到分的金额。", field=prefix + "estimated_cost")
    needs_permit = cost is not None and cost >= rule_set.permit_threshold

    # The stages, along the pipeline.
    entered = dict(row.entered or {})
    for stage in entered:
        if stage not in RULES:
            label = Stage(stage).label if stage in Stage.values else stage
            raise ActionError(f"{where}：“{label}”不是加装电梯办理流程中的环节（撤回、未通过请填在办结方式）。",
                              field=prefix + f"entered.{stage}")
    if Stage.FEASIBILITY not in entered:
        raise ActionError(f"{where}：请填写进入“可行性评估”的日期（即受理日期）。", field=prefix + "entered.feasibility")
    path: list[tuple[str, datetime]] = []
    stage: str | None = Stage.FEASIBILITY
    while stage is not None and stage in entered:
        where_field = prefix + f"entered.{stage}"
        moment = _moment(entered.pop(stage), where=where, label=f"进入“{Stage(stage).label}”的日期", field_name=where_field)
        day = moment.astimezone(ZONE).date()
        if moment > now:
            raise ActionError(f"{where}：进入“{Stage(stage).label}”的日期不能晚于今天。", field=where_field)
        if day < row.filed_on:
            raise ActionError(f"{where}：进入“{Stage(stage).label}”的日期早于申请日期{date_words(row.filed_on)}。",
                              field=where_field)
        if path and moment < path[-1][1]:
            raise ActionError(
                f"{where}：进入“{Stage(stage).label}”的日期（{date_words(day)}）"
                f"早于进入上一环节“{Stage(path[-1][0]).label}”的日期（{date_words(path[-1][1].astimezone(ZONE).date())}）。",
                field=where_field)
        path.append((stage, moment))
        stage = next_stage(stage, needs_permit=needs_permit)
    if entered:
        stray = min(entered, key=lambda s: ORDER[s])
        if stray == Stage.PERMIT and not needs_permit:
            why = "未填写工程总造价" if cost is None else f"工程总造价{cost:,.2f}元低于施工许可限额{rule_set.permit_threshold:,.2f}元"
            raise ActionError(f"{where}：{why}，不需办理施工许可，却填写了进入“施工许可”的日期。",
                              field=prefix + "entered.permit")
        missing = Stage(stage).label if stage else ""
        raise ActionError(f"{where}：填写了进入“{Stage(stray).label}”的日期，却没有进入“{missing}”的日期：环节不能跳过。",
                          field=prefix + f"entered.{stray}")
    reached = [stage for stage, _ in path]
    last_stage, last_moment = path[-1]

    # What each stage's gate requires (actions/applications.py _gate), as the ledger must show it.
    votes = [(number, area, vote) for number, _floor, area, _o60, _owner, vote in dwellings]
    sums = None
    if at_or_after(last_stage, Stage.AGREEMENT):
        if all(vote is None for _n, _a, vote in votes):
            raise ActionError(f"{where}：已完成征求意见和表决，请填写各户的表决意见（同意、不同意或弃权；未参与的留空）。",
                              field=prefix + "dwellings")
        sums = consent.Sums.from_votes(
            consent.Vote(owner=number, dwelling=number, area=area, vote=vote) for number, area, vote in votes)
        tally = consent.tally_from_sums(sums, rule_sets.consent_rules(rule_set))
        if not tally.passes:
            raise ActionError(f"{where}：表决未达到规定比例（{tally.missing_words()}），不能进入“签订协议、确定实施主体”。",
                              field=prefix + "dwellings")
    elif any(vote is not None for _n, _a, vote in votes):
        raise ActionError(f"{where}：尚在征求意见的申请，表决意见请在平台逐户录入，不从台账导入。", field=prefix + "dwellings")
    if at_or_after(last_stage, Stage.DESIGN):
        if cost is None:
            raise ActionError(f"{where}：已签订协议，请填写工程总造价。", field=prefix + "estimated_cost")
        if not row.implementing_body:
            raise ActionError(f"{where}：已签订协议，请填写实施主体。", field=prefix + "implementing_body")
    if Stage.STREET_REVIEW in reached:
        ends = _publicity_end(rule_set, dict(path)[Stage.PUBLICITY])
        street = dict(path)[Stage.STREET_REVIEW].astimezone(ZONE).date()
        if street <= ends:
            raise ActionError(f"{where}：公示期至{date_words(ends)}（{rule_set.name}规定不少于{rule_set.publicity_days}日），"
                              f"进入“街道审查”的日期不能早于公示期满。", field=prefix + "entered.street_review")

    # How it ended, if it did.
    closed_at = None
    if row.closed:
        if row.closed not in (Stage.WITHDRAWN, Stage.REJECTED):
            raise ActionError(f"{where}：办结方式应为撤回或未通过审查。", field=prefix + "closed")
        if last_stage == Stage.IN_SERVICE:
            raise ActionError(f"{where}：电梯已投入使用，不能再撤回或不予通过。", field=prefix + "closed")
        if row.closed == Stage.REJECTED and (not RULES[last_stage].is_government or last_stage == Stage.PUBLICITY):
            raise ActionError(f"{where}：只有审查、审批环节可以作出不予通过的决定，该申请最后处于“{Stage(last_stage).label}”。",
                              field=prefix + "closed")
        if row.closed_at is None:
            raise ActionError(f"{where}：请填写撤回或不予通过的日期。", field=prefix + "closed_at")
        closed_at = _moment(row.closed_at, where=where, label="撤回或不予通过的日期", field_name=prefix + "closed_at")
        if closed_at < last_moment or closed_at > now:
            raise ActionError(f"{where}：撤回或不予通过的日期应在进入“{Stage(last_stage).label}”之后、今天之前。",
                              field=prefix + "closed_at")
    elif row.closed_at is not None:
        raise ActionError(f"{where}：填写了办结日期，却没有填写办结方式（撤回或未通过审查）。", field=prefix + "closed")

    return _Plan(index=index, row=row, rule_set=rule_set, path=path, cost=cost, closed_at=closed_at, dwellings=dwellings,
                 sums=sums, estate_key=(row.region.pk, estate), building_key=(row.region.pk, estate, building),
                 entrance_key=(row.region.pk, estate, building, entrance))


def _publicity_end(rule_set: RuleSet, started: datetime) -> date:
    """The last day of a 公示 posted the day the stage was entered (do_publish_notice's count)."""
    start = started.astimezone(ZONE).date()
    if rule_set.publicity_in_working_days:
        return workdays.add_working_days(start, rule_set.publicity_days)
    return start + timedelta(days=rule_set.publicity_days)


def _insert_rows(model, names: list[str], rows: list[tuple]) -> None:
    """INSERT many rows in one executemany, each value prepared by its field for this database:
    bulk_create's work without a model instance per row (tens of thousands of stage records and
    dwellings in a ledger). For rows whose ids nobody needs back."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    ops = connection.ops
    adapters = {}
    for i, f in enumerate(fields):
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters[i] = ops.adapt_datetimefield_value
        elif kind == "DecimalField":
            adapters[i] = lambda value, f=f: ops.adapt_decimalfield_value(value, f.max_digits, f.decimal_places)
        elif kind == "DateField":
            adapters[i] = ops.adapt_datefield_value
        elif kind == "JSONField":
            adapters[i] = lambda value, f=f: f.get_db_prep_save(value, connection)
    quote = ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    params = []
    for row in rows:
        row = list(row)
        for i, adapt in adapters.items():
            row[i] = adapt(row[i])
        params.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _insert_instances(model, objects: list) -> None:
    """Unsaved instances INSERTed by _insert_rows (their ids are not read back)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    _insert_rows(model, [f.name for f in fields], [tuple(getattr(obj, f.attname) for f in fields) for obj in objects])


def _planned_check(application: Application) -> datetime | None:
    """When the worker first looks at a stage just entered, as _enter_stage plans it: the
    ladder's first rung (the warning) in a timed government stage, else never."""
    from minsheng.elevators.actions import service

    return service.rung_time(application, service.WARNED)


@transaction.atomic
def do_import_history(rows: list[LedgerRow], *, actor: User | None) -> list[Application]:
    """Import the ledger's applications, all or none. Returns them in the rows' order."""
    if not rows:
        raise ActionError("台账中没有申请。", field="rows")
    if len(rows) > MAX_ROWS:
        raise ActionError(f"一次最多导入{MAX_ROWS}条申请，请分批导入。", field="rows")
    regions = {row.region for row in rows if isinstance(row.region, Region)}
    _may_import(actor, regions)
    now = clock.now()
    rule_sets = _RuleSets(regions)
    plans = [_check_row(index, row, rule_sets, now) for index, row in enumerate(rows)]

    # The register: reuse what is there, create the rest.
    seen_entrances: dict[tuple, int] = {}
    for plan in plans:
        if plan.entrance_key in seen_entrances:
            raise ActionError(f"第{plan.index + 1}行与第{seen_entrances[plan.entrance_key] + 1}行是同一单元，一个单元只导入一条申请。",
                              field=f"rows[{plan.index}].entrance")
        seen_entrances[plan.entrance_key] = plan.index
    estates = {(e.region_id, e.name): e for e in Estate.objects.filter(
        region__in=regions, name__in={plan.estate_key[1] for plan in plans})}
    new_estates = {}
    for plan in plans:
        row = plan.row
        if plan.estate_key in estates or plan.estate_key in new_estates:
            known = estates.get(plan.estate_key) or new_estates[plan.estate_key]
            if bool(known.renovation_batch) != bool(row.renovation_batch) and plan.estate_key in new_estates:
                raise ActionError(f"第{plan.index + 1}行：{row.estate}在各行中是否列入老旧小区改造不一致。",
                                  field=f"rows[{plan.index}].renovation_batch")
            continue
        new_estates[plan.estate_key] = Estate(
            region=row.region, street=row.street, community=row.community, name=plan.estate_key[1], address=row.address,
            year_built=row.year_built, renovation_batch=row.renovation_batch)
    Estate.objects.bulk_create(new_estates.values())
    estates.update(new_estates)

    buildings = {(b.estate.region_id, b.estate.name, b.name): b for b in Building.objects.filter(
        estate__in=[e for e in estates.values()]).select_related("estate")}
    new_buildings = {}
    for plan in plans:
        if plan.building_key not in buildings and plan.building_key not in new_buildings:
            new_buildings[plan.building_key] = Building(estate=estates[plan.estate_key], name=plan.building_key[2],
                                                        floors=plan.row.floors)
        building = buildings.get(plan.building_key) or new_buildings[plan.building_key]
        if building.floors != plan.row.floors:
            raise ActionError(f"第{plan.index + 1}行：{plan.row.estate}{plan.row.building}登记为{building.floors}层，台账为{plan.row.floors}层。",
                              field=f"rows[{plan.index}].floors")
    Building.objects.bulk_create(new_buildings.values())
    buildings.update(new_buildings)

    entrances = {(e.building.estate.region_id, e.building.estate.name, e.building.name, e.name): e for e in
                 Entrance.objects.filter(building__in=list(buildings.values())).select_related("building__estate")}
    if entrances:
        registered = set(Dwelling.objects.filter(entrance__in=list(entrances.values())).values_list("entrance_id", flat=True))
        live = set(Application.objects.filter(entrance__in=list(entrances.values())).exclude(
            stage__in=(Stage.WITHDRAWN, Stage.REJECTED)).values_list("entrance_id", flat=True))
        for plan in plans:
            entrance = entrances.get(plan.entrance_key)
            if entrance is None:
                continue
            if entrance.pk in live:
                raise ActionError(f"第{plan.index + 1}行：{entrance}已有正在办理或已建成的加装电梯申请。",
                                  field=f"rows[{plan.index}].entrance")
            if entrance.pk in registered:
                raise ActionError(f"第{plan.index + 1}行：{entrance}的住户已在登记簿中，请直接在平台办理，不从台账导入。",
                                  field=f"rows[{plan.index}].dwellings")
    new_entrances = {plan.entrance_key: Entrance(building=buildings[plan.building_key], name=plan.entrance_key[3])
                     for plan in plans if plan.entrance_key not in entrances}
    Entrance.objects.bulk_create(new_entrances.values())
    entrances.update(new_entrances)

    owners = [Owner(name=owner) for plan in plans for *_ignored, owner, _vote in plan.dwellings if owner]
    Owner.objects.bulk_create(owners)
    owner_ids = iter(owner.pk for owner in owners)
    _insert_rows(Dwelling, ["entrance", "number", "floor", "area", "voter", "residents_over_60"], [
        (entrances[plan.entrance_key].pk, number, floor, area, next(owner_ids) if owner else None, over_60)
        for plan in plans for number, floor, area, over_60, owner, _vote in plan.dwellings])
    if owners:
        Dwelling.owners.through.objects.bulk_create(
            Dwelling.owners.through(dwelling_id=pk, owner_id=voter_id) for pk, voter_id in
            Dwelling.objects.filter(voter__in=owners).values_list("pk", "voter_id"))
    touched: dict[int, list[int]] = {}
    for plan in plans:
        touched.setdefault(estates[plan.estate_key].pk, [0, 0])
        touched[estates[plan.estate_key].pk][0] += 1
        touched[estates[plan.estate_key].pk][1] += len(plan.dwellings)
    RegisterEvent.objects.bulk_create(
        RegisterEvent(estate_id=estate_id, actor=actor, kind="imported", created_at=now,
                      note=f"台账导入：{units}个单元、{households}户", data={"entrances": units, "dwellings": households})
        for estate_id, (units, households) in touched.items())

    # The applications, numbered per county and year in the order they were filed.
    counters = {}
    for plan in sorted(plans, key=lambda p: (p.row.filed_on, p.index)):
        key = (plan.row.region.pk, plan.row.filed_on.year)
        if key not in counters:
            counter, _ = ApplicationCounter.objects.select_for_update().get_or_create(region_id=key[0], year=key[1])
            counters[key] = counter
        counters[key].last += 1
        plan.number = f"{plan.row.region.short_name}-加梯-{key[1]}-{counters[key].last:04d}"
    ApplicationCounter.objects.bulk_update(counters.values(), ["last"])

    cache = _Cache()
    applications, records = [], []
    for plan in plans:
        application, stage_records = _build(plan, estates[plan.estate_key], entrances[plan.entrance_key], cache)
        applications.append(application)
        records.append(stage_records)
    for application in applications:
        application.created_at = now
    _insert_instances(Application, applications)
    ids = {}
    numbers = [application.number for application in applications]
    for start in range(0, len(numbers), 500):
        ids.update(Application.objects.filter(number__in=numbers[start:start + 500]).values_list("number", "pk"))
    for application in applications:
        application.pk = ids[application.number]
        application._state.adding, application._state.db = False, connection.alias
    _insert_rows(StageRecord, ["application", "stage", "department", "started_at", "due_at", "limit_days", "ended_at",
                               "working_days", "was_late"],
                 [(application.pk, *record) for application, stage_records in zip(applications, records, strict=True)
                  for record in stage_records])
    _insert_instances(ApplicationEvent, [
        ApplicationEvent(application=application, kind=EventKind.FILED, actor=actor, is_public=True, created_at=now,
                         stage=application.stage, note=_note(plan, application), data=_data(plan, application))
        for plan, application in zip(plans, applications, strict=True)])
    return applications


class _Cache:
    """What many rows share: each stage's limit under a rule set, each county's departments."""

    def __init__(self):
        self.days: dict[tuple, int | None] = {}
        self.departments: dict[tuple, int | None] = {}
        self.provisional: dict[tuple, bool] = {}
        self.zone = timezone.get_current_timezone()

    def limit(self, rule_set: RuleSet, stage: str) -> int | None:
        key = (rule_set.pk, stage)
        if key not in self.days:
            self.days[key] = rule_set.days_for(stage) if RULES[stage].is_government and stage != Stage.PUBLICITY else None
        return self.days[key]

    def department(self, application: Application, stage: str) -> int | None:
        key = (application.region_id, application.street_id, stage)
        if key not in self.departments:
            department = department_for(application, stage)
            self.departments[key] = department.pk if department else None
        return self.departments[key]

    def is_provisional(self, first: date, last: date) -> bool:
        key = (first.year, last.year)
        if key not in self.provisional:
            self.provisional[key] = workdays.is_provisional_span(first, last)
        return self.provisional[key]


def _build(plan: _Plan, estate: Estate, entrance: Entrance, cache: _Cache) -> tuple[Application, list[tuple]]:
    """The application as the actions would have left it, and its stage records as tuples
    (stage, department, started_at, due_at, limit_days, ended_at, working_days, was_late)."""
    row, rule_set, zone = plan.row, plan.rule_set, cache.zone
    total_area = sum((area for _n, _f, area, _o, _w, _v in plan.dwellings), Decimal("0"))
    sums = plan.sums or consent.Sums()
    application = Application(
        number=plan.number, entrance=entrance, region=row.region, street_id=estate.street_id, rule_set=rule_set,
        filed_on=row.filed_on, implementing_body=row.implementing_body, with_renovation=bool(estate.renovation_batch),
        households=len(plan.dwellings), residents_over_60=sum(o60 for _n, _f, _a, o60, _w, _v in plan.dwellings),
        total_area=total_area, total_heads=len(plan.dwellings),
        participating_area=sums.participating_area, participating_heads=sums.participating_heads,
        agreeing_area=sums.agreeing_area, agreeing_heads=sums.agreeing_heads,
    )
    if plan.cost is not None:
        application.estimated_cost = plan.cost
        application.subsidy = subsidy_for(rule_set, plan.cost)
        application.cost_method = rule_set.cost_method
    records = []
    for position, (stage, moment) in enumerate(plan.path):
        # _enter_stage: the clock for the government's stages, the milestones reached first.
        days = cache.limit(rule_set, stage)
        due = workdays.due_at(moment, days) if days else None
        started_on = moment.astimezone(zone).date()
        application.stage, application.stage_started_at, application.due_at = stage, moment, due
        application.due_provisional = bool(due) and cache.is_provisional(started_on, due.astimezone(zone).date())
        application.rung = 0
        if application.approved_at is None and at_or_after(stage, APPROVED_FROM):
            application.approved_at = moment
        if application.construction_started_at is None and at_or_after(stage, UNDER_CONSTRUCTION):
            application.construction_started_at = moment
        if application.completed_at is None and at_or_after(stage, COMPLETED_FROM):
            application.completed_at = moment
        if stage == Stage.IN_SERVICE and application.in_service_at is None:
            application.in_service_at = moment
        # _finish_stage: each stage ends when the next begins (or the application is closed).
        ends = plan.path[position + 1][1] if position + 1 < len(plan.path) else plan.closed_at
        working_days = None if ends is None else workdays.working_days_between(started_on, ends.astimezone(zone).date())
        records.append((stage, cache.department(application, stage), moment, due, days, ends, working_days,
                        ends is not None and due is not None and ends > due))
        if stage == Stage.PUBLICITY:
            application.publicity_ends_on = _publicity_end(rule_set, moment)
            application.public_notice = (f"{entrance}拟加装电梯，{'实施主体' + row.implementing_body + '，' if row.implementing_body else ''}"
                                         f"公示期{rule_set.publicity_days}{'个工作日' if rule_set.publicity_in_working_days else '日'}，"
                                         f"至{date_words(application.publicity_ends_on)}。（由台账导入）")
    application.next_check_at = _planned_check(application)
    if application.stage == Stage.IN_SERVICE:
        # do_advance_stage on entering service.
        application.entered_service_on = application.stage_started_at.astimezone(zone).date()
        application.next_check_at = None
    if plan.closed_at is not None:
        # do_withdraw_application / do_reject_application.
        application.stage, application.due_at, application.next_check_at = row.closed, None, None
        application.closed_at = plan.closed_at
    return application, records


def _note(plan: _Plan, application: Application) -> str:
    row = plan.row
    words = f"由台账导入：{date_words(row.filed_on)}申请，共{application.households}户"
    if application.closed_at is not None:
        how = "撤回" if row.closed == Stage.WITHDRAWN else f"在“{Stage(plan.path[-1][0]).label}”未通过"
        return words + f"；{date_words(timezone.localtime(application.closed_at).date())}{how}" + (f"：{row.reason}" if row.reason else "。")
    return words + f"；现处于“{application.get_stage_display()}”环节。"


def _data(plan: _Plan, application: Application) -> dict:
    return {
        "imported": True,
        "households": application.households,
        "entered": {stage: moment.isoformat() for stage, moment in plan.path},
        "closed": plan.row.closed or None,
        "closed_at": plan.closed_at.isoformat() if plan.closed_at else None,
    }
