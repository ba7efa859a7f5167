"""Deciding on an offence a visit found (首违不罚、首罚取下限), and keeping the lists it uses.

eligibility() computes, from the firm's history and the city's exemption list, what the rules
say (首查不罚、首罚取下限): no penalty with an education notice (an exemption in force and its
conditions met: for 首违不罚 also no same-type offence within the window); else the legal
minimum when it is the firm's first fine of the type within the window and nothing aggravates
(an offence exempted before does not count against it); else the discretion band. do_decide_penalty
records it beside the officer's choice; a choice that departs from it needs a written reason
and is reported to the supervisors."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from minsheng.cases.actions._base import notify_users
from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.numbering import next_number
from minsheng.core.text import check_date, date_words, parse_amount
from minsheng.enterprises.models import Entity
from minsheng.inspections import rules
from minsheng.inspections.actions._base import _text, write_event
from minsheng.inspections.actions.filings import _locked, _locked_entity, supervisors_of
from minsheng.inspections.models import (
    VIOLATION_RESULTS,
    Decision,
    Eligibility,
    EventKind,
    Exemption,
    ExemptionKind,
    Filing,
    FilingState,
    Outcome,
    ResultCode,
    ViolationType,
)
from minsheng.inspections.queries import rules_for
from minsheng.org.models import Department

DECIDABLE_RESULTS = VIOLATION_RESULTS | {ResultCode.CORRECTED}
MIN_REASON_LENGTH = 10
FINE_COLUMN_LIMIT = Decimal("1e10")  # what ViolationType.fine_max (12 digits, 2 decimals) holds


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Assessment:
    eligibility: str
    fine: Decimal | None  # what the rules suggest: None for no penalty, the minimum, or None (the band)
    priors: list = field(default_factory=list)
    exemption: Exemption | None = None
    window_years: int = 2

    @property
    def explanation(self) -> str:
        if self.priors:
            history = f"{self.window_years}年内有{len(self.priors)}次同类违法记录（{'、'.join(p['date'] for p in self.priors)}）"
        else:
            history = f"{self.window_years}年内无同类违法记录"
        if self.eligibility == Eligibility.EXEMPT:
            return f"{history}，符合{self.exemption.list_name}“{self.exemption.get_kind_display()}”，不予处罚，教育改正。"
        if self.eligibility == Eligibility.MINIMUM:
            return f"{history}，此前未因此罚款、无从重情节，首罚取下限：罚款{self.fine:,.2f}元。"
        return f"{history}，依裁量基准在法定幅度内处罚。"


def eligibility(entity: Entity, violation_type: ViolationType, offence_on: date, *, harm_minor: bool, corrected: bool,
                aggravating: str) -> Assessment:
    window = rules_for(entity.region).first_offence_window_years
    priors = [
        {"date": day.isoformat(), "decision": pk, "outcome": outcome}
        for pk, day, outcome in Decision.objects.filter(entity=entity, violation_type=violation_type,
                                                        offence_on__gte=_years_before(offence_on, window),
                                                        offence_on__lt=offence_on)
        .order_by("offence_on").values_list("pk", "offence_on", "outcome")
    ]
    first = not priors
    first_fine = not any(prior["outcome"] == Outcome.FINE for prior in priors)
    in_force = [rule for rule in violation_type.exemptions.all() if rule.in_force(offence_on)]
    for rule in in_force:
        # 轻微免罚: minor and corrected, whatever came before; 首违不罚: the first time as well.
        if harm_minor and corrected and not aggravating and (rule.kind == ExemptionKind.MINOR or first):
            return Assessment(Eligibility.EXEMPT, None, priors, rule, window)
    if first_fine and not aggravating:
        return Assessment(Eligibility.MINIMUM, violation_type.fine_min, priors, None, window)
    return Assessment(Eligibility.DISCRETION, None, priors, None, window)


def _departs(assessment: Assessment, outcome: str, fine: Decimal | None) -> bool:
    if assessment.eligibility == Eligibility.EXEMPT:
        return outcome != Outcome.NO_PENALTY
    if assessment.eligibility == Eligibility.MINIMUM:
        return outcome != Outcome.FINE or fine != assessment.fine
    return outcome != Outcome.FINE


@transaction.atomic
def do_decide_penalty(filing: Filing, *, violation_type: ViolationType, offence_on: date | None, harm_minor: bool,
                      corrected: bool, aggravating: str = "", outcome: str, fine=None, departure_reason: str = "",
                      correction_due: date | None = None, actor) -> Decision:
    filing = _locked(filing)
    if actor is not None and not rules.takes_part(actor, filing):
        raise NotAllowed("只有参加检查的部门可以作出处理决定。")
    if filing.state != FilingState.INSPECTED or filing.result not in DECIDABLE_RESULTS:
        raise ActionError("检查发现问题、尚未公示的，才能作出处理决定。")
    if not filing.departments.filter(pk=violation_type.department_id).exists():
        raise ActionError("该违法行为类型不属于参加检查的部门。", field="violation_type")
    offence_on = check_date(offence_on, field="offence_on", label="违法行为发生日期")
    if offence_on is None:
        raise ActionError("请填写违法行为发生日期。", field="offence_on")
    if offence_on > (filing.inspected_on or clock.today()):
        raise ActionError("违法行为发生日期不能晚于检查日期。", field="offence_on")
    aggravating = _text(aggravating, "aggravating", "从重情节", 300, required=False)
    if outcome not in Outcome.values:
        raise ActionError("请选择处理结果。", field="outcome")
    fine = parse_amount(fine, field="fine", label="罚款金额", required=False)
    if outcome == Outcome.FINE:
        if fine is None:
            raise ActionError("请填写罚款金额。", field="fine")
        if not violation_type.fine_min <= fine <= violation_type.fine_max or fine <= 0:
            raise ActionError(f"罚款金额应在法定幅度{violation_type.fine_min:,.2f}元至{violation_type.fine_max:,.2f}元之内。",
                              field="fine")
    elif fine is not None:
        raise ActionError("不予处罚的，不填罚款金额。", field="fine")
    correction_due = check_date(correction_due, field="correction_due", label="改正期限")
    if outcome == Outcome.NO_PENALTY:
        if correction_due is None:
            raise ActionError("不予处罚的，请填写责令改正期限。", field="correction_due")
        if correction_due < clock.today():
            raise ActionError("改正期限不能早于今天。", field="correction_due")
    entity = _locked_entity(filing.entity)
    assessment = eligibility(entity, violation_type, offence_on, harm_minor=harm_minor, corrected=corrected,
                             aggravating=aggravating)
    departs = _departs(assessment, outcome, fine)
    departure_reason = _text(departure_reason, "departure_reason", "偏离理由", 2000, required=False)
    if departs and len(departure_reason) < MIN_REASON_LENGTH:
        raise ActionError(f"处理结果与系统认定（{assessment.explanation}）不一致，请书面写明理由（至少{MIN_REASON_LENGTH}个字），"
                          "将报送督查部门。", field="departure_reason")
    if not departs:
        departure_reason = ""
    now = clock.now()
    decision = Decision.objects.create(
        filing=filing, entity=entity, violation_type=violation_type, offence_on=offence_on, harm_minor=harm_minor,
        corrected=corrected, aggravating=aggravating, eligibility=assessment.eligibility,
        prior_decisions=assessment.priors, outcome=outcome, fine=fine if outcome == Outcome.FINE else None,
        departs=departs, departure_reason=departure_reason,
        notice_number=next_number(Decision, f"JYGZ{now.year}", 5, field="notice_number") if outcome == Outcome.NO_PENALTY else "",
        correction_due=correction_due if outcome == Outcome.NO_PENALTY else None, decided_by=actor, decided_at=now)
    what = (f"不予处罚，出具教育告知书{decision.notice_number}，责令于{date_words(correction_due)}前改正"
            if outcome == Outcome.NO_PENALTY else f"罚款{fine:,.2f}元")
    write_event(EventKind.DECIDED, actor=actor, filing=filing, entity=entity,
                        note=f"{violation_type.name}：系统认定{Eligibility(assessment.eligibility).label}，"
                             f"决定{what}" + (f"；偏离系统认定，理由：{departure_reason}" if departs else ""),
                        data={"decision": decision.pk, "eligibility": assessment.eligibility, "priors": assessment.priors,
                              "outcome": outcome, "fine": str(fine) if fine is not None else None, "departs": departs})
    if departs:
        notify_users(supervisors_of(entity.region), case=None, event=None,
                     subject=f"处罚偏离系统认定：{filing.number}",
                     body=f"{filing.department.name}对{entity.name}的{violation_type.name}{what}，系统认定为"
                          f"{Eligibility(assessment.eligibility).label}。理由：{departure_reason}", now=now)
    return decision


# --- the lists these decisions use ------------------------------------------------------------

@transaction.atomic
def do_add_violation_type(department: Department, *, code: str, name: str, legal_basis: str, fine_min, fine_max,
                          actor) -> ViolationType:
    code, name = _text(code, "code", "编码", 30), _text(name, "name", "违法行为", 200)
    legal_basis = _text(legal_basis, "legal_basis", "处罚依据", 4000)
    low = parse_amount(fine_min, field="fine_min", label="罚款下限（元）")
    high = parse_amount(fine_max, field="fine_max", label="罚款上限（元）")
    if high < low:
        raise ActionError("罚款上限不能低于下限。", field="fine_max")
    if high >= FINE_COLUMN_LIMIT:
        raise ActionError("罚款上限过大。", field="fine_max")
    if actor is not None and not rules.may_keep_lists(actor, department.region):
        raise NotAllowed("您无权维护该部门的违法行为类型。")
    if ViolationType.objects.filter(department=department, code=code).exists():
        raise ActionError(f"本部门已有编码为{code}的违法行为类型。", field="code")
    violation_type = ViolationType.objects.create(department=department, code=code, name=name, legal_basis=legal_basis,
                                                  fine_min=low, fine_max=high)
    write_event(EventKind.VIOLATION_TYPE_ADDED, actor=actor, note=f"{department.name}：{violation_type}",
                data={"violation_type": violation_type.pk, "fine_min": str(low), "fine_max": str(high)})
    return violation_type


@transaction.atomic
def do_add_exemption(violation_type: ViolationType, *, kind: str, conditions: str, exclusions: str = "",
                     valid_from: date | None, valid_to: date | None = None, list_name: str = "", actor) -> Exemption:
    if kind not in ExemptionKind.values:
        raise ActionError("请选择首违不罚或轻微免罚。", field="kind")
    conditions = _text(conditions, "conditions", "适用条件", 2000)
    exclusions = _text(exclusions, "exclusions", "不适用情形", 2000, required=False)
    valid_from = check_date(valid_from, field="valid_from", label="施行日期")
    valid_to = check_date(valid_to, field="valid_to", label="废止日期")
    if valid_from is None:
        raise ActionError("请填写施行日期。", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ActionError("废止日期不能早于施行日期。", field="valid_to")
    if actor is not None and not rules.may_keep_lists(actor, violation_type.department.region):
        raise NotAllowed("您无权维护免罚清单。")
    extra = {"list_name": _text(list_name, "list_name", "清单名称", 120)} if list_name else {}
    exemption = Exemption.objects.create(violation_type=violation_type, kind=kind, conditions=conditions,
                                         exclusions=exclusions, valid_from=valid_from, valid_to=valid_to, **extra)
    write_event(EventKind.EXEMPTION_ADDED, actor=actor, note=str(exemption), data={"exemption": exemption.pk})
    return exemption
