"""Filing and carrying out a visit (入企检查备案): filed → approved (the inspection code issued)
→ inspected → published, or rejected / withdrawn before anyone goes.

The rules a filing must meet, each refused with a message naming its field:
- at least two inspectors of each department taking part, each with a certificate valid on the
  planned day and no declared conflict with the firm;
- routine visits filed a set number of working days ahead, and at most a set number a year by
  one department at one firm (the region's InspectionRules);
- never on the firm's quiet days (宁静生产日) unless a statutory exception is stated, which is
  then recorded and reported;
- a routine visit to a firm another department is already visiting soon joins that visit
  instead (进一次门、查多项事);
- a double-random visit names its draw, and the firm and inspectors the draw picked.
Results are published within the region's limit in working days (org/workdays)."""

import secrets
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.cases.actions._base import notify_users, sms_text
from minsheng.cases.models import Notification
from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.numbering import create_numbered
from minsheng.core.text import check_date, date_words
from minsheng.enterprises.models import Entity, EntityStatus
from minsheng.inspections import rules
from minsheng.inspections.actions._base import _text, write_event
from minsheng.inspections.actions.draws import recorded_picks
from minsheng.inspections.models import (
    VIOLATION_RESULTS,
    Conflict,
    DrawState,
    EventKind,
    Filing,
    FilingKind,
    FilingRating,
    FilingState,
    InspectionItem,
    Inspector,
    QuietException,
    ResultCode,
)
from minsheng.inspections.queries import COUNTED_STATES, OPEN_STATES, quiet_rules_covering, rules_for
from minsheng.org import workdays
from minsheng.org.access import in_jurisdiction
from minsheng.org.models import Department, Role, User

MIN_INSPECTORS = 2
# The worker warns this many working days before a result's publication limit.
WARN_DAYS_BEFORE = 3
# How near another department's open visit must be for a routine one to join it instead.
JOIN_WINDOW_DAYS = 10
# How far ahead a visit may be filed.
LONGEST_NOTICE_DAYS = 366
# The inspection code's letters: no 0/O, 1/I/L, so a code read aloud or typed is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _locked(filing: Filing) -> Filing:
    try:
        return Filing.objects.select_for_update().select_related("entity", "entity__region", "department").get(pk=filing.pk)
    except Filing.DoesNotExist:
        raise NotFound("没有找到该检查备案。") from None


def _locked_entity(entity: Entity) -> Entity:
    # Filings at one firm are serialised on its registry row: the yearly cap and "first offence"
    # are counted with no other filing of the firm in between.
    try:
        return Entity.objects.select_for_update().select_related("region").get(pk=entity.pk)
    except Entity.DoesNotExist:
        raise NotFound("没有找到该市场主体。") from None


def _items(department: Department, items) -> list[InspectionItem]:
    items = list(items)
    if not items:
        raise ActionError("请至少选择一项检查事项。", field="items")
    for item in items:
        if item.department_id != department.pk or not item.is_active:
            raise ActionError(f"检查事项“{item.name}”不是{department.name}在用的抽查事项。", field="items")
    return items


def _inspectors(departments: list[Department], inspectors, entity: Entity, day: date, *, field: str = "inspectors") -> list[Inspector]:
    inspectors = list({inspector.pk: inspector for inspector in inspectors}.values())
    names = "、".join(department.name for department in departments)
    if len(inspectors) < MIN_INSPECTORS:
        raise ActionError(f"入企检查应有至少{MIN_INSPECTORS}名执法检查人员。", field=field)
    department_ids = {department.pk for department in departments}
    for inspector in inspectors:
        if inspector.department_id not in department_ids:
            raise ActionError(f"{inspector}不是{names}的执法检查人员。", field=field)
        if not inspector.valid_on(day):
            raise ActionError(f"{inspector}的执法证在{date_words(day)}不在有效期内（{inspector.valid_from}至{inspector.valid_to}），"
                              "不能参加检查。", field=field)
    conflicted = (Conflict.objects.filter(entity=entity, inspector__in=inspectors)
                  .select_related("inspector").first())
    if conflicted is not None:
        raise ActionError(f"{conflicted.inspector}已申报与该企业回避（{conflicted.reason}），请另选人员。", field=field)
    return inspectors


def _check_quiet_day(entity: Entity, day: date, exception: str, note: str) -> tuple[str, str]:
    """The exception to keep: none when the day is not quiet; refused when it is and none is given."""
    covering = quiet_rules_covering(entity, day)
    if not covering:
        return "", ""
    if exception not in QuietException.values:
        raise ActionError(f"{date_words(day)}是该企业的宁静生产日（{covering[0]}），除法定例外情形外不得入企检查；"
                          "确属例外的，请选择例外情形并写明说明。", field="quiet_exception")
    note = _text(note, "quiet_exception_note", "例外情形说明", 300)
    return exception, note


def _check_cap(entity: Entity, department: Department, day: date, *, excluding: Filing | None = None) -> None:
    limit = rules_for(entity.region).routine_yearly_cap
    counted = Filing.objects.filter(entity=entity, departments=department, kind=FilingKind.ROUTINE,
                                    planned_on__year=day.year, state__in=COUNTED_STATES)
    if excluding is not None:
        counted = counted.exclude(pk=excluding.pk)
    if counted.count() >= limit:
        raise ActionError(f"{department.name}{day.year}年对该企业的日常检查已达{limit}次上限，不能再备案日常检查。",
                          field="kind")


@transaction.atomic
def do_file_inspection(department: Department, entity: Entity, *, kind: str, items, inspectors, planned_on: date | None,
                       trigger: str, quiet_exception: str = "", quiet_exception_note: str = "", draw=None,
                       actor) -> Filing:
    if kind not in FilingKind.values:
        raise ActionError("请选择检查类型。", field="kind")
    trigger = _text(trigger, "trigger", "检查事由", 300)
    planned_on = check_date(planned_on, field="planned_on", label="计划检查日期")
    if planned_on is None:
        raise ActionError("请填写计划检查日期。", field="planned_on")
    today = clock.today()
    if planned_on < today:
        raise ActionError("计划检查日期不能早于今天。", field="planned_on")
    if planned_on > today + timedelta(days=LONGEST_NOTICE_DAYS):
        raise ActionError("计划检查日期不能晚于一年以后。", field="planned_on")
    if actor is not None and not rules.may_file(actor, department):
        raise NotAllowed("您无权为该部门备案入企检查。")
    entity = _locked_entity(entity)
    if entity.status != EntityStatus.ACTIVE:
        raise ActionError("该市场主体已注销或吊销，不能备案检查。", field="entity")
    if not department.region.contains(entity.region):
        raise ActionError(f"该市场主体不在{department.name}的辖区内。", field="entity")
    region_rules = rules_for(entity.region)
    if kind == FilingKind.ROUTINE:
        earliest = workdays.add_working_days(today, region_rules.routine_notice_days)
        if planned_on < earliest:
            raise ActionError(f"日常检查应至少提前{region_rules.routine_notice_days}个工作日备案，"
                              f"计划检查日期最早为{date_words(earliest)}。", field="planned_on")
    items = _items(department, items)
    inspector_departments = [department]
    if kind == FilingKind.RANDOM:
        inspector_departments = _check_draw(draw, entity, inspectors)
    elif draw is not None:
        raise ActionError("只有双随机抽查需要关联抽查任务。", field="draw")
    inspectors = _inspectors(inspector_departments, inspectors, entity, planned_on)
    quiet_exception, quiet_exception_note = _check_quiet_day(entity, planned_on, quiet_exception, quiet_exception_note)
    if kind == FilingKind.ROUTINE:
        _check_cap(entity, department, planned_on)
        nearby = (Filing.objects.filter(entity=entity, state__in=OPEN_STATES,
                                        planned_on__range=(planned_on - timedelta(days=JOIN_WINDOW_DAYS),
                                                           planned_on + timedelta(days=JOIN_WINDOW_DAYS)))
                  .exclude(departments=department).select_related("department").first())
        if nearby is not None:
            raise ActionError(f"{nearby.department.name}已备案{date_words(nearby.planned_on)}到该企业检查（{nearby.number}），"
                              "请加入该次联合检查，进一次门、查多项事。", field="planned_on")
    filing = create_numbered(Filing, f"JC{today.year}", 6, entity=entity, department=department, kind=kind,
                             trigger=trigger, draw=draw, planned_on=planned_on, quiet_exception=quiet_exception,
                             quiet_exception_note=quiet_exception_note, filed_by=actor, filed_at=clock.now())
    filing.departments.set([department])
    filing.items.set(items)
    filing.inspectors.set(inspectors)
    note = f"{department.name}备案{filing.get_kind_display()}，计划{date_words(planned_on)}，执法人员{len(inspectors)}名"
    if quiet_exception:
        note += f"；宁静生产日例外：{filing.get_quiet_exception_display()}（{quiet_exception_note}）"
    write_event(EventKind.FILED, actor=actor, filing=filing, entity=entity, note=note,
                data={"kind": kind, "planned_on": planned_on, "items": [item.pk for item in items],
                      "inspectors": [inspector.certificate_number for inspector in inspectors],
                      "quiet_exception": quiet_exception})
    return filing


def _check_draw(draw, entity: Entity, inspectors) -> list[Department]:
    if draw is None:
        raise ActionError("双随机抽查应关联已抽取的抽查任务。", field="draw")
    if draw.state != DrawState.DRAWN:
        raise ActionError("该抽查任务尚未抽取。", field="draw")
    pick = next((pick for pick in recorded_picks(draw) if pick.uscc == entity.uscc), None)
    if pick is None:
        raise ActionError(f"该企业不在抽查任务{draw.number}的抽取结果中。", field="entity")
    drawn = set(pick.inspectors)
    chosen = {inspector.certificate_number for inspector in inspectors}
    if chosen != drawn:
        raise ActionError(f"双随机抽查的执法人员应为随机抽取的{'、'.join(sorted(drawn))}。", field="inspectors")
    return list(draw.inspector_departments.all())


@transaction.atomic
def do_join_filing(filing: Filing, department: Department, *, items, inspectors, actor) -> Filing:
    """Another department joins a filed or approved visit with its own items and inspectors."""
    filing = _locked(filing)
    if actor is not None and not rules.may_file(actor, department):
        raise NotAllowed("您无权为该部门备案入企检查。")
    if filing.state not in OPEN_STATES or filing.planned_on < clock.today():
        raise ActionError("只能加入尚未进行的检查。")
    if filing.departments.filter(pk=department.pk).exists():
        raise ActionError(f"{department.name}已在该次检查中。", field="department")
    if not department.region.contains(filing.entity.region):
        raise ActionError(f"该市场主体不在{department.name}的辖区内。", field="department")
    entity = _locked_entity(filing.entity)
    items = _items(department, items)
    inspectors = _inspectors([department], inspectors, entity, filing.planned_on)
    if filing.kind == FilingKind.ROUTINE:
        _check_cap(entity, department, filing.planned_on)
    filing.departments.add(department)
    filing.items.add(*items)
    filing.inspectors.add(*inspectors)
    write_event(EventKind.JOINED, actor=actor, filing=filing, entity=entity,
                note=f"{department.name}加入联合检查，检查事项{len(items)}项，执法人员{len(inspectors)}名",
                data={"department": department.pk, "items": [item.pk for item in items],
                      "inspectors": [inspector.certificate_number for inspector in inspectors]})
    return filing


def _new_check_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@transaction.atomic
def do_approve_filing(filing: Filing, *, actor) -> Filing:
    filing = _locked(filing)
    if actor is not None and not rules.may_approve(actor, filing):
        raise NotAllowed("入企检查由牵头部门负责人审批，备案人不能审批自己的备案。")
    if filing.state != FilingState.FILED:
        raise ActionError(f"该备案{filing.get_state_display()}，不能再审批。")
    if filing.planned_on < clock.today():
        raise ActionError("计划检查日期已过，请撤销后重新备案。", field="planned_on")
    lapsed = [inspector for inspector in filing.inspectors.all() if not inspector.valid_on(filing.planned_on)]
    if lapsed:
        raise ActionError(f"{lapsed[0]}的执法证在计划检查日期不在有效期内，请撤销后重新备案。", field="inspectors")
    for attempt in range(5):
        try:
            with transaction.atomic():
                Filing.objects.filter(pk=filing.pk).update(check_code=_new_check_code())
            break
        except IntegrityError:
            if attempt == 4:
                raise
    filing.refresh_from_db()
    now = clock.now()
    Filing.objects.filter(pk=filing.pk).update(state=FilingState.APPROVED, approver=actor, approved_at=now)
    filing.refresh_from_db()
    write_event(EventKind.APPROVED, actor=actor, filing=filing, entity=filing.entity,
                note=f"批准入企检查，签发检查码{filing.number}", data={"number": filing.number})
    if filing.entity.contact_phone:
        Notification.objects.create(
            channel="sms", recipient_address=filing.entity.contact_phone, subject="入企检查告知",
            body=sms_text(f"{filing.department.name}将于{date_words(filing.planned_on)}到贵单位开展"
                          f"{filing.get_kind_display()}，检查编号{filing.number}，核验码{filing.check_code}。"
                          "可扫执法人员出示的检查码或在“民生”平台输入编号和核验码，核实检查人员和事项。"),
            next_attempt_at=now, created_at=now)
    return filing


@transaction.atomic
def do_reject_filing(filing: Filing, *, reason: str, actor) -> Filing:
    filing = _locked(filing)
    reason = _text(reason, "reason", "不予批准的理由", 300)
    if actor is not None and not rules.may_approve(actor, filing):
        raise NotAllowed("入企检查由牵头部门负责人审批，备案人不能审批自己的备案。")
    if filing.state != FilingState.FILED:
        raise ActionError(f"该备案{filing.get_state_display()}，不能再审批。")
    Filing.objects.filter(pk=filing.pk).update(state=FilingState.REJECTED, approver=actor)
    filing.refresh_from_db()
    write_event(EventKind.REJECTED, actor=actor, filing=filing, entity=filing.entity, note=f"不予批准：{reason}")
    return filing


@transaction.atomic
def do_withdraw_filing(filing: Filing, *, reason: str, actor) -> Filing:
    filing = _locked(filing)
    reason = _text(reason, "reason", "撤销理由", 300)
    if actor is not None and not rules.takes_part(actor, filing):
        raise NotAllowed("只有参加检查的部门可以撤销备案。")
    if filing.state not in OPEN_STATES:
        raise ActionError(f"该备案{filing.get_state_display()}，不能撤销。")
    Filing.objects.filter(pk=filing.pk).update(state=FilingState.WITHDRAWN)
    filing.refresh_from_db()
    write_event(EventKind.WITHDRAWN, actor=actor, filing=filing, entity=filing.entity, note=f"撤销备案：{reason}")
    return filing


@transaction.atomic
def do_record_inspection(filing: Filing, *, inspected_on: date | None, result: str, findings: str, actor) -> Filing:
    """What the visit found; the result must be published within the region's working days."""
    filing = _locked(filing)
    if actor is not None and not rules.takes_part(actor, filing):
        raise NotAllowed("只有参加检查的部门可以登记检查结果。")
    if filing.state != FilingState.APPROVED:
        raise ActionError("经批准并签发检查码的检查才能登记结果。")
    inspected_on = check_date(inspected_on, field="inspected_on", label="实际检查日期")
    if inspected_on is None:
        raise ActionError("请填写实际检查日期。", field="inspected_on")
    if inspected_on > clock.today():
        raise ActionError("实际检查日期不能晚于今天。", field="inspected_on")
    if filing.approved_at is not None and inspected_on < timezone.localtime(filing.approved_at).date():
        raise ActionError("实际检查日期不能早于批准日期：未经批准不得入企检查。", field="inspected_on")
    if inspected_on < filing.planned_on:
        raise ActionError(f"实际检查日期不能早于备案的计划检查日期（{date_words(filing.planned_on)}）。", field="inspected_on")
    if inspected_on != filing.planned_on and not filing.quiet_exception and quiet_rules_covering(filing.entity, inspected_on):
        raise ActionError(f"{date_words(inspected_on)}是该企业的宁静生产日，备案时未载明例外情形，不能在这一天检查。",
                          field="inspected_on")
    if result not in ResultCode.values:
        raise ActionError("检查结果应从结果代码中选择。", field="result")
    findings = _text(findings, "findings", "检查情况", 4000, required=result != ResultCode.NO_PROBLEM)
    due = workdays.add_working_days(inspected_on, rules_for(filing.entity.region).publish_within_days)
    Filing.objects.filter(pk=filing.pk).update(state=FilingState.INSPECTED, inspected_on=inspected_on, result=result,
                                               findings=findings, publish_due=due,
                                               publication_check=max(workdays.add_working_days(due, -WARN_DAYS_BEFORE),
                                                                     clock.today()))
    filing.refresh_from_db()
    write_event(EventKind.INSPECTED, actor=actor, filing=filing, entity=filing.entity,
                note=f"{date_words(inspected_on)}检查：{filing.get_result_display()}；结果应于{date_words(due)}前公示",
                data={"result": result, "inspected_on": inspected_on, "publish_due": due})
    return filing


@transaction.atomic
def do_publish_result(filing: Filing, *, actor) -> Filing:
    filing = _locked(filing)
    if actor is not None and not rules.takes_part(actor, filing):
        raise NotAllowed("只有参加检查的部门可以公示检查结果。")
    if filing.state != FilingState.INSPECTED:
        raise ActionError("登记检查结果后才能公示。")
    if filing.result in VIOLATION_RESULTS and not filing.decisions.exists():
        raise ActionError("发现违法行为的，请先作出处理决定（含不予处罚的教育改正）再公示。")
    today = clock.today()
    Filing.objects.filter(pk=filing.pk).update(state=FilingState.PUBLISHED, published_on=today, publication_check=None)
    filing.refresh_from_db()
    late = today > filing.publish_due
    write_event(EventKind.PUBLISHED, actor=actor, filing=filing, entity=filing.entity, is_public=True,
                note=f"公示检查结果：{filing.get_result_display()}" + ("（逾期公示）" if late else ""),
                data={"published_on": today, "publish_due": filing.publish_due, "late": late})
    return filing


@transaction.atomic
def do_rate_filing(filing: Filing, entity: Entity, *, score, disturbed: bool, comment: str) -> FilingRating:
    """The firm rates a visit once it has happened. The event names neither the firm nor the
    score: a department reads ratings only as figures over several (queries.rating_summary)."""
    filing = _locked(filing)
    if filing.entity_id != entity.pk:
        raise NotFound("没有找到该检查。")
    if filing.state not in (FilingState.INSPECTED, FilingState.PUBLISHED):
        raise ActionError("检查完成后才能评价。")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ActionError("请选择1到5分的评分。", field="score")
    comment = _text(comment, "comment", "意见", 300, required=False)
    if FilingRating.objects.filter(filing=filing).exists():
        raise ActionError("您已评价过这次检查。")
    rating = FilingRating.objects.create(filing=filing, score=score, disturbed=bool(disturbed), comment=comment,
                                         created_at=clock.now())
    write_event(EventKind.RATED_BY_FIRM, actor=None, note="企业提交了一条检查评价")
    return rating


def _staff_of(filing: Filing, *roles) -> list[User]:
    return list(User.objects.filter(is_active=True, department__in=filing.departments.all(), role_grants__role__in=roles)
                .distinct())


def sweep_publication(limit: int) -> int:
    """The publication ladder on the working-day clock: a few working days before the limit the
    departments taking part are reminded; once past it, their heads and the supervisors are
    told, and the overdue visit stays on their lists and in the figures until published."""
    today, now = clock.today(), clock.now()
    with transaction.atomic():
        batch = list(Filing.objects.select_for_update(skip_locked=True, of=("self",))
                     .filter(state=FilingState.INSPECTED, publication_check__lte=today)
                     .select_related("entity__region", "department").order_by("publication_check", "pk")[:limit])
        for filing in batch:
            if today <= filing.publish_due:
                subject = f"公示提醒：{filing.number}检查结果应于{date_words(filing.publish_due)}前公示"
                notify_users(_staff_of(filing, Role.HANDLER, Role.DEPARTMENT_HEAD), case=None, event=None, subject=subject,
                             body=f"{filing.entity.name}的检查结果（{filing.get_result_display()}）尚未公示，"
                                  f"期限{date_words(filing.publish_due)}。", now=now)
                write_event(EventKind.PUBLICATION_DUE, actor=None, filing=filing, entity=filing.entity, note=subject,
                            data={"publish_due": filing.publish_due})
                next_check = workdays.add_working_days(filing.publish_due, 1)
            else:
                subject = f"逾期未公示：{filing.number}检查结果超过{date_words(filing.publish_due)}的公示期限"
                notify_users(_staff_of(filing, Role.DEPARTMENT_HEAD) + supervisors_of(filing.entity.region), case=None,
                             event=None, subject=subject,
                             body=f"{filing.department.name}对{filing.entity.name}的检查（{date_words(filing.inspected_on)}）"
                                  f"结果尚未公示，已超过{date_words(filing.publish_due)}的期限。", now=now)
                write_event(EventKind.PUBLICATION_OVERDUE, actor=None, filing=filing, entity=filing.entity, note=subject,
                            data={"publish_due": filing.publish_due})
                next_check = None
            Filing.objects.filter(pk=filing.pk).update(publication_check=next_check)
    return len(batch)


def publication_overdue(today: date | None = None):
    """Inspected visits whose result is past its publication limit (the partial index)."""
    return Filing.objects.publication_overdue(today or clock.today())


def supervisors_of(region) -> list[User]:
    """The supervisors whose jurisdiction holds the region: they are told of departures."""
    candidates = User.objects.filter(is_active=True, role_grants__role=Role.SUPERVISOR,
                                     department__isnull=False).select_related("department__region").distinct()
    return [user for user in candidates if in_jurisdiction(user, region)]
