"""An application's life: filed for an entrance, costs and shares set, moved stage by stage along
the pipeline (stages.py) with the government's stages on the working-day clock, the 公示
countdown, rejection and withdrawal, the 办不成事 cases that point at it."""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from minsheng.core import clock
from minsheng.core.errors import ActionError, Conflict, NotAllowed
from minsheng.core.text import check_date, check_text, date_words
from minsheng.elevators import costs, rules
from minsheng.elevators.actions._base import locked, require_open, write_event
from minsheng.elevators.actions.service import rung_time as ladder_time
from minsheng.elevators.models import (
    Application,
    ApplicationCase,
    ApplicationCounter,
    CostMethod,
    Entrance,
    EventKind,
    Owner,
    StageRecord,
    in_force,
)
from minsheng.elevators.stages import APPROVED_FROM, COMPLETED_FROM, RULES, UNDER_CONSTRUCTION, Stage, at_or_after, next_stage
from minsheng.org import workdays
from minsheng.org.models import Department, User

MAX_REPRESENTATIVES = 5
MAX_COST = Decimal("100000000")


def _number(region, year: int) -> str:
    counter, _ = ApplicationCounter.objects.select_for_update().get_or_create(region=region, year=year)
    ApplicationCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    return f"{region.short_name}-加梯-{year}-{counter.last:04d}"


def department_for(application: Application, stage: str) -> Department | None:
    """The department that acts on a government stage: the county's bureau of that name, or the
    city's; for the street's stages the street's own office when it has one on the platform."""
    rule = RULES[stage]
    if rule.department_short_name:
        for region_id in (application.region_id, application.region.parent_id):
            department = Department.objects.filter(
                Q(short_name=rule.department_short_name) | Q(name__endswith=rule.department_short_name), region_id=region_id,
            ).order_by("pk").first()
            if department is not None:
                return department
        return None
    if rule.is_government and application.street_id:
        return Department.objects.filter(region_id=application.street_id).order_by("pk").first()
    return None


def _enter_stage(application: Application, stage: str, now: datetime) -> StageRecord:
    days = application.rule_set.days_for(stage) if RULES[stage].is_government and stage != Stage.PUBLICITY else None
    due = workdays.due_at(now, days) if days else None
    application.stage = stage
    application.stage_started_at = now
    application.due_at = due
    application.due_provisional = bool(due) and workdays.is_provisional_span(timezone.localtime(now).date(),
                                                                            timezone.localtime(due).date())
    application.rung = 0
    application.next_check_at = ladder_time(application, 1)  # the warning, first rung of the ladder
    # The funnel's milestones: the first time each was reached.
    if at_or_after(stage, APPROVED_FROM) and application.approved_at is None:
        application.approved_at = now
    if at_or_after(stage, UNDER_CONSTRUCTION) and application.construction_started_at is None:
        application.construction_started_at = now
    if at_or_after(stage, COMPLETED_FROM) and application.completed_at is None:
        application.completed_at = now
    if stage == Stage.IN_SERVICE and application.in_service_at is None:
        application.in_service_at = now
    return StageRecord.objects.create(application=application, stage=stage, department=department_for(application, stage),
                                      started_at=now, due_at=due, limit_days=days)


def _finish_stage(application: Application, now: datetime) -> StageRecord | None:
    record = application.stage_records.filter(stage=application.stage, ended_at__isnull=True).order_by("-started_at").first()
    if record is None:
        return None
    record.ended_at = now
    record.working_days = workdays.working_days_between(timezone.localtime(record.started_at).date(),
                                                        timezone.localtime(now).date())
    record.was_late = record.due_at is not None and now > record.due_at
    record.save(update_fields=["ended_at", "working_days", "was_late"])
    return record


@transaction.atomic
def do_file_application(entrance: Entrance, *, filed_on: date, representatives: list[Owner], implementing_body: str = "",
                        actor: User | None) -> Application:
    """The owners' representatives (up to five owners of the entrance) apply for its lift. The
    rule set in force on the filing date applies to the application for good."""
    estate = entrance.building.estate
    filed_on = check_date(filed_on, field="filed_on", label="申请日期")
    if filed_on is None:
        raise ActionError("请填写申请日期。", field="filed_on")
    if filed_on > clock.now().date():
        raise ActionError("申请日期不能晚于今天。", field="filed_on")
    dwellings = list(entrance.dwellings.all())
    if not dwellings:
        raise ActionError(f"{entrance}尚未登记住户，请先登记各户的专有部分面积和产权人。", field="entrance")
    if any(dwelling.voter_id is None for dwelling in dwellings):
        raise ActionError(f"{entrance}有住户未登记表决业主。", field="entrance")
    if not 1 <= len(representatives) <= MAX_REPRESENTATIVES:
        raise ActionError(f"业主代表应为1至{MAX_REPRESENTATIVES}名本单元业主。", field="representatives")
    owner_ids = {owner_id for dwelling in dwellings for owner_id in dwelling.owners.values_list("pk", flat=True)}
    strangers = [owner.name for owner in representatives if owner.pk not in owner_ids]
    if strangers:
        raise ActionError(f"{'、'.join(strangers)}不是本单元的业主，不能作为业主代表。", field="representatives")
    rule_set = in_force(estate.region, filed_on)
    if rule_set is None:
        raise ActionError(f"{date_words(filed_on)}{estate.region.name}没有施行中的加装电梯政策规则，请管理员先录入。", field="filed_on")
    now = clock.now()
    application = Application(
        entrance=entrance, region=estate.region, street=estate.street, rule_set=rule_set, filed_on=filed_on,
        implementing_body=check_text(implementing_body.strip(), field="implementing_body", label="实施主体")[:100],
        with_renovation=bool(estate.renovation_batch), households=len(dwellings),
        residents_over_60=sum(dwelling.residents_over_60 for dwelling in dwellings),
        total_area=sum((dwelling.area for dwelling in dwellings), Decimal("0")),
        total_heads=len({dwelling.voter_id for dwelling in dwellings}),
        stage=Stage.FEASIBILITY, stage_started_at=now,
    )
    if actor is not None and not rules.works_for_street(actor, application) and not rules.may_act_on_stage(actor, application, Stage.FEASIBILITY):
        raise NotAllowed("只有所在街道、社区或县住建局的工作人员可以为业主登记申请。")
    application.number = _number(estate.region, filed_on.year)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ActionError(f"{entrance}已有正在办理或已建成的加装电梯申请。", field="entrance") from None
    application.representatives.set(representatives)
    _enter_stage(application, Stage.FEASIBILITY, now)
    application.save()
    write_event(application, EventKind.FILED, actor=actor, is_public=True, stage=Stage.FEASIBILITY,
                note=f"{entrance}业主提出加装电梯申请，共{len(dwellings)}户。",
                data={"rule_set": rule_set.pk, "households": len(dwellings)})
    return application


def subsidy_for(rule_set, estimated_cost: Decimal) -> Decimal:
    """The subsidy the rule set grants for a lift of this cost: a fixed amount plus a share of the
    cost, at most the cap, never more than the cost."""
    amount = rule_set.subsidy_fixed + (estimated_cost * rule_set.subsidy_share / 100)
    if rule_set.subsidy_cap is not None:
        amount = min(amount, rule_set.subsidy_cap)
    return min(amount, estimated_cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _money(value, *, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(f"{label}应为金额数字，如600000或600000.00。", field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_COST:
        raise ActionError(f"{label}应在0至{MAX_COST:,.0f}元之间。", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ActionError(f"{label}最多精确到分。", field=field)
    return amount


def shares(application: Application) -> dict[int, Decimal]:
    """Each dwelling's share of what the owners pay, by the application's method (to the fen)."""
    if application.estimated_cost is None:
        return {}
    dwellings = [(d.pk, d.floor, d.area) for d in application.entrance.dwellings.order_by("floor", "number")]
    return costs.split(application.estimated_cost, application.subsidy or Decimal("0"), dwellings,
                       application.cost_method or application.rule_set.cost_method,
                       _table(application.cost_table or application.rule_set.cost_table))


def _table(raw: dict) -> dict[int, Decimal] | None:
    if not raw:
        return None
    return {int(floor): Decimal(str(value)) for floor, value in raw.items()}


@transaction.atomic
def do_set_costs(application: Application, *, estimated_cost, method: str = "", table: dict | None = None,
                 subsidy=None, implementing_body: str | None = None, actor: User | None) -> Application:
    """The owners' agreement on cost: the total, the subsidy (the rule set's unless stated), and how
    the rest is shared. The split is tried before anything is saved: a table that does not add up
    is refused with the rest."""
    application = locked(application)
    require_open(application)
    if actor is not None and not rules.may_run_consultation(actor, application):
        raise NotAllowed("只有所在街道、社区的工作人员可以录入造价和分摊方案。")
    cost = _money(estimated_cost, field="estimated_cost", label="工程总造价")
    if cost == 0:
        raise ActionError("工程总造价应大于0。", field="estimated_cost")
    grant = subsidy_for(application.rule_set, cost) if subsidy in (None, "") else _money(subsidy, field="subsidy", label="政府补贴")
    if grant > cost:
        raise ActionError("政府补贴不能大于工程总造价。", field="subsidy")
    method = method or application.rule_set.cost_method
    if method not in CostMethod.values:
        raise ActionError("请从列表中选择分摊方式。", field="cost_method")
    try:
        clean_table = {str(int(floor)): str(Decimal(str(value))) for floor, value in (table or {}).items()}
    except (InvalidOperation, ValueError, TypeError):
        raise ActionError("分摊表应为“楼层：系数（或比例）”，楼层为整数，系数为数字。", field="cost_table") from None
    application.estimated_cost, application.subsidy = cost, grant
    application.cost_method, application.cost_table = method, clean_table
    if implementing_body is not None and implementing_body.strip():
        body = check_text(implementing_body.strip(), field="implementing_body", label="实施主体")
        if len(body) > 100:
            raise ActionError("实施主体不能超过100字。", field="implementing_body")
        application.implementing_body = body
    try:
        split = shares(application)
    except ValueError as error:
        raise ActionError(str(error), field="cost_table") from None
    application.save(update_fields=["estimated_cost", "subsidy", "cost_method", "cost_table", "implementing_body"])
    write_event(application, EventKind.COSTS, actor=actor,
                note=f"工程总造价{cost:,.2f}元，政府补贴{grant:,.2f}元，{CostMethod(method).label}分摊。",
                data={"estimated_cost": str(cost), "subsidy": str(grant), "method": method, "table": clean_table,
                      "shares": {str(pk): str(amount) for pk, amount in split.items()}})
    return application


def _gate(application: Application, today: date) -> None:
    """What must hold before the current stage may end."""
    stage = application.stage
    if stage == Stage.CONSULTATION:
        tally = application.tally
        if not tally.passes:
            raise ActionError(f"表决未达到规定比例：{tally.missing_words()}。", field="stage")
        if application.blocking_owners:
            raise ActionError(f"有{application.blocking_owners}户专有部分被井道或连廊占用而未同意，不能进入下一环节。", field="stage")
    elif stage == Stage.AGREEMENT:
        if application.estimated_cost is None:
            raise ActionError("请先录入工程总造价和费用分摊方案。", field="stage")
        if not application.implementing_body:
            raise ActionError("请先确定实施主体。", field="stage")
    elif stage == Stage.PUBLICITY:
        if application.publicity_ends_on is None:
            raise ActionError("尚未发布公示。", field="stage")
        if today <= application.publicity_ends_on:
            raise ActionError(f"公示期至{date_words(application.publicity_ends_on)}，期满后才能进入街道审查。", field="stage")
        open_objections = application.objections.filter(state="open").count()
        if open_objections:
            raise ActionError(f"公示期内有{open_objections}件异议尚在调解，处理完毕后才能进入街道审查。", field="stage")


@transaction.atomic
def do_advance_stage(application: Application, *, actor: User | None, note: str = "", expected_stage: str = "") -> Application:
    """Complete the current stage and enter the next one. `expected_stage` (what the page showed)
    guards against two people pressing at once: a stage already moved on is refused."""
    application = locked(application)
    require_open(application)
    if expected_stage and expected_stage != application.stage:
        raise Conflict(f"该申请已进入“{application.get_stage_display()}”环节，请刷新后再办理。", field="stage")
    current = application.stage
    if actor is not None and not rules.may_act_on_stage(actor, application, current):
        raise NotAllowed(f"“{Stage(current).label}”环节不由您所在的单位办理。")
    note = check_text((note or "").strip(), field="note", label="办理意见")
    if len(note) > 2000:
        raise ActionError("办理意见不能超过2000字。", field="note")
    now = clock.now()
    _gate(application, timezone.localtime(now).date())
    target = next_stage(current, needs_permit=application.needs_permit)
    if target is None:
        raise ActionError("该申请已是最后一个环节。", field="stage")
    finished = _finish_stage(application, now)
    _enter_stage(application, target, now)
    if target == Stage.IN_SERVICE:
        application.entered_service_on = timezone.localtime(now).date()
        application.next_check_at = None
    application.save()
    late = f"（超期{workdays.working_days_between(timezone.localtime(finished.due_at).date(), timezone.localtime(now).date())}个工作日）" if finished and finished.was_late else ""
    write_event(application, EventKind.STAGE, actor=actor, is_public=True, old_stage=current, stage=target,
                note=f"“{Stage(current).label}”完成{late}，进入“{Stage(target).label}”。" + (f"\n{note}" if note else ""),
                data={"working_days": finished.working_days if finished else None, "late": bool(finished and finished.was_late)})
    return application


@transaction.atomic
def do_publish_notice(application: Application, *, text: str, days: int, actor: User | None) -> Application:
    """Post the 公示 at the building: its text and its period, at least the rule set's."""
    application = locked(application)
    if application.stage != Stage.PUBLICITY:
        raise ActionError("只有在公示环节才能发布公示。", field="stage")
    if actor is not None and not rules.may_act_on_stage(actor, application, Stage.PUBLICITY):
        raise NotAllowed("只有所在街道、社区的工作人员可以发布公示。")
    text = check_text((text or "").strip(), field="text", label="公示内容")
    if not text:
        raise ActionError("请填写公示内容。", field="text")
    if len(text) > 4000:
        raise ActionError("公示内容不能超过4000字。", field="text")
    rule_set = application.rule_set
    if not isinstance(days, int) or days < rule_set.publicity_days:
        unit = "个工作日" if rule_set.publicity_in_working_days else "日"
        raise ActionError(f"公示期不能少于{rule_set.publicity_days}{unit}（{rule_set.name}）。", field="days")
    if days > 60:
        raise ActionError("公示期不能超过60日。", field="days")
    start = timezone.localtime(clock.now()).date()
    ends = workdays.add_working_days(start, days) if rule_set.publicity_in_working_days else start + timedelta(days=days)
    application.public_notice, application.publicity_ends_on = text, ends
    application.save(update_fields=["public_notice", "publicity_ends_on"])
    write_event(application, EventKind.NOTICE, actor=actor, is_public=True,
                note=f"发布公示，公示期至{date_words(ends)}。", data={"days": days, "ends": ends.isoformat()})
    return application


@transaction.atomic
def do_reject_application(application: Application, *, reason: str, actor: User | None) -> Application:
    """A reviewing authority refuses the application, with its reasons (the owners may apply anew)."""
    application = locked(application)
    require_open(application)
    if not RULES[application.stage].is_government or application.stage == Stage.PUBLICITY:
        raise ActionError("只有审查、审批环节可以作出不予通过的决定。", field="stage")
    if actor is not None and not rules.may_act_on_stage(actor, application, application.stage):
        raise NotAllowed(f"“{application.get_stage_display()}”环节不由您所在的单位办理。")
    reason = check_text((reason or "").strip(), field="reason", label="不予通过的理由")
    if not reason:
        raise ActionError("请填写不予通过的理由和依据。", field="reason")
    now = clock.now()
    current = application.stage
    _finish_stage(application, now)
    application.stage, application.due_at, application.next_check_at, application.closed_at = Stage.REJECTED, None, None, now
    application.save(update_fields=["stage", "due_at", "next_check_at", "closed_at"])
    write_event(application, EventKind.REJECTED, actor=actor, is_public=True, old_stage=current, stage=Stage.REJECTED,
                note=f"“{Stage(current).label}”未通过：{reason}")
    return application


@transaction.atomic
def do_withdraw_application(application: Application, *, reason: str, actor: User | None) -> Application:
    application = locked(application)
    require_open(application)
    if actor is not None and not rules.may_run_consultation(actor, application):
        raise NotAllowed("只有所在街道、社区的工作人员可以为业主办理撤回。")
    reason = check_text((reason or "").strip(), field="reason", label="撤回原因")[:1000]
    now = clock.now()
    current = application.stage
    _finish_stage(application, now)
    application.stage, application.due_at, application.next_check_at, application.closed_at = Stage.WITHDRAWN, None, None, now
    application.save(update_fields=["stage", "due_at", "next_check_at", "closed_at"])
    write_event(application, EventKind.WITHDRAWN, actor=actor, is_public=True, old_stage=current, stage=Stage.WITHDRAWN,
                note="业主撤回申请。" + (f"原因：{reason}" if reason else ""))
    return application


@transaction.atomic
def do_link_case(application: Application, case, *, actor: User | None) -> ApplicationCase:
    """A case (a 办不成事 report above all) is about this application: each shows the other, and
    the case records the stage the application was stuck in when it came."""
    application = locked(application)
    if application.region_id != case.region_id and application.region.parent_id != case.region_id:
        raise ActionError("诉求件和加装电梯申请不在同一地区。", field="application")
    link, created = ApplicationCase.objects.get_or_create(application=application, case=case,
                                                         defaults={"stage": application.stage})
    if created:
        write_event(application, EventKind.CASE_LINKED, actor=actor, note=f"关联诉求件{case.number}（反映时处于“{application.get_stage_display()}”环节）",
                    data={"case": case.pk, "stage": application.stage})
    return link


def stage_summary(application: Application) -> dict:
    """Where the application stands, as the 办不成事 window and the supervisors need it."""
    record = application.stage_records.filter(stage=application.stage, ended_at__isnull=True).select_related("department").first()
    now = clock.now()
    late_days = 0
    if application.due_at and now > application.due_at:
        late_days = workdays.working_days_between(timezone.localtime(application.due_at).date(), timezone.localtime(now).date())
    return {
        "stage": application.get_stage_display(),
        "department": record.department.name if record and record.department else "",
        "since": application.stage_started_at,
        "due_at": application.due_at,
        "late_days": late_days,
    }

