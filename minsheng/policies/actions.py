"""Every change to the policy library and the figures: one function a verb, atomic, one event."""

from django.db import transaction
from django.db.models import F

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.numbering import create_numbered
from minsheng.core.text import check_date, clean_text, parse_amount
from minsheng.org import workdays
from minsheng.policies import benefits, conditions, rules
from minsheng.policies.models import (
    BenefitType,
    Delivery,
    EventKind,
    Policy,
    PolicyCondition,
    PolicyEvent,
    PolicyState,
)

PUBLISH_WITHIN_DAYS = 7  # working days from issue to publication on the platform


def write_event(kind: str, *, actor, policy=None, entity=None, payout=None, note: str = "", data: dict | None = None,
                is_public: bool = False) -> PolicyEvent:
    return PolicyEvent.objects.create(kind=kind, actor=actor, policy=policy, entity=entity, payout=payout, note=note,
                                      data=data or {}, is_public=is_public, created_at=clock.now())


def _row(payout):
    from minsheng.policies.models import Payout

    return Payout.objects.filter(pk=payout.pk)


def _text(value, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    return clean_text(value, field=field, label=label, max_length=max_length, required=required)


def check_conditions(rows) -> list[conditions.Condition]:
    """Conditions as entered: each a dict of field, operator, value and period; refused with the
    position and the problem, nothing saved."""
    if not isinstance(rows, (list, tuple)):
        raise ActionError("条件应为一组“字段、比较、值、年度”。", field="conditions")
    checked = []
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ActionError(f"第{position}个条件应写明字段、比较、值和年度。", field="conditions")
        try:
            checked.append(conditions.check(row.get("field", ""), row.get("operator", ""), row.get("value"),
                                            row.get("period", "") or ""))
        except conditions.ConditionProblem as problem:
            raise ActionError(f"第{position}个条件：{problem}", field="conditions") from None
    return checked


def _json_value(value):
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return str(value) if not isinstance(value, (bool, str)) else value


@transaction.atomic
def do_create_policy(issuer, *, title: str, document_number: str, issued_on, valid_from, valid_to=None,
                     benefit_type: str, delivery: str, beneficiaries: str, amount_text: str, budget,
                     conditions_rows=(), benefit_kind: str = "fixed", amount=None, rate=None, base_field: str = "",
                     tiers=(), floor=0, cap=None, payment_days: int = 20, where_to_apply: str = "", contact: str = "",
                     exclusive_group: str = "", actor) -> Policy:
    values = {
        "title": _text(title, "title", "政策名称", 200), "document_number": _text(document_number, "document_number", "文号", 60),
        "beneficiaries": _text(beneficiaries, "beneficiaries", "支持对象", 2000),
        "amount_text": _text(amount_text, "amount_text", "支持标准", 2000),
        "where_to_apply": _text(where_to_apply, "where_to_apply", "申报渠道", 200, required=False),
        "contact": _text(contact, "contact", "咨询电话", 60, required=False),
        "exclusive_group": _text(exclusive_group, "exclusive_group", "不可重复享受组", 40, required=False),
    }
    issued_on = check_date(issued_on, field="issued_on", label="印发日期")
    valid_from = check_date(valid_from, field="valid_from", label="执行期起")
    valid_to = check_date(valid_to, field="valid_to", label="执行期至")
    if issued_on is None:
        raise ActionError("请填写印发日期。", field="issued_on")
    if valid_from is None:
        raise ActionError("请填写执行期起。", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ActionError("执行期至不能早于执行期起。", field="valid_to")
    if benefit_type not in BenefitType.values:
        raise ActionError("请选择支持方式。", field="benefit_type")
    if delivery not in Delivery.values:
        raise ActionError("请选择兑现方式：免申即享或依申请。", field="delivery")
    if not isinstance(payment_days, int) or isinstance(payment_days, bool) or not 1 <= payment_days <= 120:
        raise ActionError("兑现时限应为1到120个工作日。", field="payment_days")
    formula = benefits.check(benefit_kind, amount=amount, rate=rate, base_field=base_field, tiers=tiers, floor=floor, cap=cap)
    budget = parse_amount(budget, field="budget", label="预算")
    checked = check_conditions(conditions_rows)
    if delivery == Delivery.AUTOMATIC:
        unverifiable = [c.describe() for c in checked if not c.spec.verifiable]
        if unverifiable:
            raise ActionError(f"免申即享的政策，条件须都能由政府数据核验；“{unverifiable[0]}”不能。", field="delivery")
        if not checked:
            raise ActionError("免申即享的政策须有可核验的条件。", field="conditions")
    if actor is not None and not rules.may_keep_policies(actor, issuer):
        raise NotAllowed("您无权为该部门录入政策。")
    region = issuer.region
    policy = create_numbered(
        Policy, f"ZC{clock.today().year}", 5, issuer=issuer, region=region, issued_on=issued_on,
        valid_from=valid_from, valid_to=valid_to, benefit_type=benefit_type, delivery=delivery,
        payment_days=payment_days, benefit_kind=formula.kind, amount=formula.amount, rate=formula.rate,
        base_field=formula.base_field, tiers=[[str(low), str(money)] for low, money in formula.tiers],
        floor=formula.floor, cap=formula.cap, budget=budget,
        publish_due=workdays.add_working_days(issued_on, PUBLISH_WITHIN_DAYS), created_at=clock.now(), **values)
    PolicyCondition.objects.bulk_create([
        PolicyCondition(policy=policy, position=n, field=c.field, operator=c.operator, value=_json_value(c.value),
                        period=c.period, verifiable=c.spec.verifiable, text=c.describe()[:300])
        for n, c in enumerate(checked, start=1)])
    write_event(EventKind.POLICY_CREATED, actor=actor, policy=policy, note=f"录入政策：{policy.title}（{policy.document_number}）",
                data={"conditions": [c.describe() for c in checked], "delivery": delivery})
    return policy


@transaction.atomic
def do_publish_policy(policy: Policy, *, actor) -> Policy:
    try:
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
    except Policy.DoesNotExist:
        raise NotFound("没有找到该政策。") from None
    if actor is not None and not rules.may_keep_policies(actor, policy.issuer):
        raise NotAllowed("您无权发布该部门的政策。")
    if policy.state != PolicyState.DRAFT:
        raise ActionError(f"该政策{policy.get_state_display()}，不能再发布。")
    now = clock.now()
    Policy.objects.filter(pk=policy.pk).update(state=PolicyState.PUBLISHED, published_at=now)
    policy.refresh_from_db()
    late = clock.today() > policy.publish_due
    write_event(EventKind.POLICY_PUBLISHED, actor=actor, policy=policy, is_public=True,
                note=f"发布政策{policy.number}" + ("（超过印发后7个工作日）" if late else ""),
                data={"publish_due": policy.publish_due, "late": late})
    return policy


# --- the figures ------------------------------------------------------------------------------------

@transaction.atomic
def do_record_figure(entity, *, year: int, field: str, value, source: str, actor):
    """One firm's figure of a year from a data source; the firm alone is then re-matched."""
    from minsheng.policies.models import DataSource, FigureField, FirmFigure

    if field not in FigureField.values:
        raise ActionError("没有这项年度数据。", field="field")
    if source not in DataSource.values:
        raise ActionError("请选择数据来源。", field="source")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= clock.today().year:
        raise ActionError("年度应为2000年至今年之间的年份。", field="year")
    number = parse_amount(value, field="value", label="数值")
    now = clock.now()
    figure, created = FirmFigure.objects.update_or_create(entity=entity, year=year, field=field,
                                                          defaults={"value": number, "source": source, "updated_at": now})
    write_event(EventKind.FIGURES_IMPORTED, actor=actor, entity=entity,
                note=f"{year}年{figure.get_field_display()}：{number}（{figure.get_source_display()}）",
                data={"year": year, "field": field, "value": str(number), "source": source, "created": created})
    do_rematch_firm(entity, actor=actor)
    return figure


# --- delivery without application (免申即享) ---------------------------------------------------------

REVIEW_DAYS = 5  # working days to review a firm listed by the match
PUBLICITY_DAYS = 5  # working days a confirmed list is publicly listed for objections
ORDER_DAYS = 5  # working days from the end of the publicity to the payment order


def _locked_payout(payout):
    from minsheng.policies.models import Payout

    try:
        return Payout.objects.select_for_update().select_related("policy", "entity").get(pk=payout.pk)
    except Payout.DoesNotExist:
        raise NotFound("没有找到该兑现记录。") from None


def _keeper(actor, policy) -> None:
    if actor is not None and not rules.may_keep_policies(actor, policy.issuer):
        raise NotAllowed("您无权办理该政策的兑现。")


def _automatic_in_force(policy, day) -> None:
    if policy.state != PolicyState.PUBLISHED or policy.delivery != Delivery.AUTOMATIC:
        raise ActionError("只有已发布的免申即享政策按匹配结果兑现。")
    if policy.valid_from > day or (policy.valid_to is not None and policy.valid_to < day):
        raise ActionError("该政策不在执行期内。")


@transaction.atomic
def do_match_policy(policy: Policy, *, actor) -> int:
    """List every eligible firm not yet listed this year for review: one query for the firms,
    one for the base figure of each; returns how many were listed."""
    from minsheng.policies import queries
    from minsheng.policies.models import FirmFigure, Payout, PayoutState

    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _keeper(actor, policy)
    today, now = clock.today(), clock.now()
    _automatic_in_force(policy, today)
    listed = set(Payout.objects.filter(policy=policy, year=today.year).values_list("entity_id", flat=True))
    firms = [pk for pk in queries.eligible(policy, today).values_list("pk", flat=True) if pk not in listed]
    bases = {}
    if policy.base_field:
        bases = dict(FirmFigure.objects.filter(entity__in=firms, year=today.year - 1, field=policy.base_field)
                     .values_list("entity_id", "value"))
    formula = queries.formula_of(policy)
    rows = []
    for pk in firms:
        amount = benefits.amount_for(formula, bases.get(pk))
        if amount is not None and amount > 0:
            rows.append(Payout(policy=policy, entity_id=pk, year=today.year, amount=amount, state=PayoutState.LISTED,
                               due_on=workdays.add_working_days(today, REVIEW_DAYS), listed_at=now))
    Payout.objects.bulk_create(rows)
    write_event(EventKind.MATCHED, actor=actor, policy=policy, note=f"匹配{len(rows)}户符合条件的企业，待审核",
                data={"listed": len(rows)})
    return len(rows)


@transaction.atomic
def do_rematch_firm(entity, *, actor=None) -> list:
    """Only this firm, after its facts changed: listed for every automatic policy in force that
    it now meets and was not listed for this year."""
    from minsheng.policies import queries
    from minsheng.policies.models import Payout, PayoutState

    today, now = clock.today(), clock.now()
    facts = queries.facts_of(entity)
    listed = set(Payout.objects.filter(entity=entity, year=today.year).values_list("policy_id", flat=True))
    created = []
    for policy, missing in queries.policies_for(entity, today, facts=facts):
        if missing or policy.delivery != Delivery.AUTOMATIC or policy.pk in listed:
            continue
        amount = queries.amount_for(policy, facts, today)
        if amount is None or amount <= 0:
            continue
        payout = Payout.objects.create(policy=policy, entity=entity, year=today.year, amount=amount,
                                       state=PayoutState.LISTED, due_on=workdays.add_working_days(today, REVIEW_DAYS),
                                       listed_at=now)
        write_event(EventKind.MATCHED, actor=actor, policy=policy, entity=entity, payout=payout,
                    note=f"{entity.name}数据更新后符合条件，待审核", data={"amount": str(amount)})
        created.append(payout)
    return created


def _committed(policy):
    from django.db.models import Sum

    from minsheng.policies.models import COMMITTED_STATES, Payout

    return Payout.objects.filter(policy=policy, state__in=COMMITTED_STATES).aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def do_confirm_payout(payout, *, actor):
    """Reviewed and confirmed: within the budget (else it waits its turn), and never a second
    policy of the same exclusivity group for the firm in a year."""
    from minsheng.policies.models import COMMITTED_STATES, Payout, PayoutState

    payout = _locked_payout(payout)
    _keeper(actor, payout.policy)
    if payout.state not in (PayoutState.LISTED, PayoutState.WAITING):
        raise ActionError(f"该兑现{payout.get_state_display()}，不能再审核确认。")
    policy = Policy.objects.select_for_update().get(pk=payout.policy_id)  # the budget: one confirmation at a time
    if policy.exclusive_group:
        other = (Payout.objects.filter(entity=payout.entity, year=payout.year, state__in=COMMITTED_STATES,
                                       policy__exclusive_group=policy.exclusive_group).exclude(policy=policy)
                 .select_related("policy").first())
        if other is not None:
            raise ActionError(f"该企业本年度已享受同类政策“{other.policy.title}”，不能重复享受。")
    now = clock.now()
    if _committed(policy) + payout.amount > policy.budget:
        first_wait = payout.state != PayoutState.WAITING
        _row(payout).update(state=PayoutState.WAITING, queued_at=payout.queued_at or now, due_on=None)
        payout.refresh_from_db()
        if first_wait:
            write_event(EventKind.QUEUED, actor=actor, policy=policy, entity=payout.entity, payout=payout,
                        note=f"预算余额不足，按顺序排队：{payout.amount}元", data={"amount": str(payout.amount)})
        return payout
    _row(payout).update(state=PayoutState.CONFIRMED, due_on=None)
    payout.refresh_from_db()
    write_event(EventKind.CONFIRMED, actor=actor, policy=policy, entity=payout.entity, payout=payout,
                note=f"审核确认：{payout.entity.name} {payout.amount}元", data={"amount": str(payout.amount)})
    return payout


def _promote_waiting(policy, actor) -> None:
    """Budget freed: the waiting payouts, in the order they queued, while it lasts."""
    from minsheng.policies.models import Payout, PayoutState

    for waiting in Payout.objects.filter(policy=policy, state=PayoutState.WAITING).order_by("queued_at", "pk"):
        if _committed(policy) + waiting.amount > policy.budget:
            break
        do_confirm_payout(waiting, actor=None)


@transaction.atomic
def do_reject_payout(payout, *, reason: str, actor):
    from minsheng.policies.models import PayoutState

    payout = _locked_payout(payout)
    _keeper(actor, payout.policy)
    reason = _text(reason, "reason", "不予兑现的理由", 300)
    if payout.state in (PayoutState.ORDERED, PayoutState.PAID, PayoutState.REJECTED):
        raise ActionError(f"该兑现{payout.get_state_display()}，不能再不予兑现。")
    _row(payout).update(state=PayoutState.REJECTED, due_on=None, note=reason)
    payout.refresh_from_db()
    write_event(EventKind.REJECTED, actor=actor, policy=payout.policy, entity=payout.entity, payout=payout,
                note=f"不予兑现：{reason}")
    _promote_waiting(payout.policy, actor)
    return payout


@transaction.atomic
def do_publicize_payouts(policy: Policy, *, actor) -> int:
    """The confirmed list goes on public listing for objections."""
    from minsheng.policies.models import Payout, PayoutState

    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _keeper(actor, policy)
    confirmed = Payout.objects.filter(policy=policy, state=PayoutState.CONFIRMED)
    count = confirmed.count()
    if not count:
        raise ActionError("没有审核确认待公示的企业。")
    ends = workdays.add_working_days(clock.today(), PUBLICITY_DAYS)
    # The limit running now is the payment order's: the listing's days, then ORDER_DAYS.
    confirmed.update(state=PayoutState.PUBLICIZED, publicity_ends_on=ends,
                     due_on=workdays.add_working_days(ends, ORDER_DAYS))
    write_event(EventKind.PUBLICIZED, actor=actor, policy=policy, is_public=True,
                note=f"公示{count}户拟兑现企业，公示期至{ends:%Y年%m月%d日}", data={"count": count, "ends": ends})
    return count


@transaction.atomic
def do_object_payout(payout, *, objection: str, actor):
    """An objection during the listing: the firm goes back to review, its amount off the budget."""
    from minsheng.policies.models import PayoutState

    payout = _locked_payout(payout)
    _keeper(actor, payout.policy)
    objection = _text(objection, "objection", "异议内容", 500)
    if payout.state != PayoutState.PUBLICIZED or clock.today() > payout.publicity_ends_on:
        raise ActionError("只能在公示期内登记异议。")
    _row(payout).update(state=PayoutState.LISTED, publicity_ends_on=None,
                                      due_on=workdays.add_working_days(clock.today(), REVIEW_DAYS))
    payout.refresh_from_db()
    write_event(EventKind.OBJECTED, actor=actor, policy=payout.policy, entity=payout.entity, payout=payout,
                note=f"公示期内收到异议，退回重新审核：{objection}")
    _promote_waiting(payout.policy, actor)
    return payout


@transaction.atomic
def do_order_payout(payout, *, actor):
    from minsheng.policies.models import PayoutState

    payout = _locked_payout(payout)
    _keeper(actor, payout.policy)
    if payout.state != PayoutState.PUBLICIZED:
        raise ActionError("公示结束后才能下达拨付。")
    if clock.today() <= payout.publicity_ends_on:
        raise ActionError(f"公示期至{payout.publicity_ends_on:%Y年%m月%d日}，期满后才能下达拨付。")
    due = workdays.add_working_days(clock.today(), payout.policy.payment_days)
    _row(payout).update(state=PayoutState.ORDERED, due_on=due)
    payout.refresh_from_db()
    write_event(EventKind.ORDERED, actor=actor, policy=payout.policy, entity=payout.entity, payout=payout,
                note=f"下达拨付{payout.amount}元，应于{due:%Y年%m月%d日}前拨付", data={"due_on": due})
    return payout


@transaction.atomic
def do_confirm_paid(payout, *, paid_on, actor):
    from minsheng.policies.models import PayoutState

    payout = _locked_payout(payout)
    _keeper(actor, payout.policy)
    paid_on = check_date(paid_on, field="paid_on", label="拨付日期")
    if paid_on is None or paid_on > clock.today():
        raise ActionError("请填写不晚于今天的拨付日期。", field="paid_on")
    if payout.state != PayoutState.ORDERED:
        raise ActionError("下达拨付后才能确认拨付。")
    late = paid_on > payout.due_on
    _row(payout).update(state=PayoutState.PAID, paid_on=paid_on, due_on=None)
    payout.refresh_from_db()
    write_event(EventKind.PAID, actor=actor, policy=payout.policy, entity=payout.entity, payout=payout, is_public=False,
                note=f"已拨付{payout.amount}元" + ("（超过兑现时限）" if late else ""),
                data={"paid_on": paid_on, "late": late, "amount": str(payout.amount)})
    return payout


def sweep_late_payouts(limit: int) -> int:
    """The ladder for 免申即享: a step past its limit (review, publicity's end unordered, payment)
    is reported once to the issuing department's heads and to the supervisors over its region."""
    from minsheng.cases.actions._base import notify_users
    from minsheng.org.access import in_jurisdiction
    from minsheng.org.models import Role, User
    from minsheng.policies.models import Payout

    today, now = clock.today(), clock.now()
    with transaction.atomic():
        late = list(Payout.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(due_on__lt=today).exclude(late_reported=F("state"))
                    .select_related("policy__issuer__region", "entity").order_by("due_on", "pk")[:limit])
        if not late:
            return 0
        supervisors = list(User.objects.filter(is_active=True, role_grants__role=Role.SUPERVISOR, department__isnull=False)
                           .select_related("department__region").distinct())
        for payout in late:
            policy = payout.policy
            heads = User.objects.filter(is_active=True, department=policy.issuer, role_grants__role=Role.DEPARTMENT_HEAD)
            told = [*heads, *(user for user in supervisors if in_jurisdiction(user, policy.region))]
            subject = f"兑现逾期：{policy.title}（{payout.entity.name}）"
            notify_users(told, case=None, event=None, subject=subject[:100],
                         body=f"“{payout.get_state_display()}”环节应于{payout.due_on:%Y年%m月%d日}前完成，金额{payout.amount}元。",
                         now=now)
            write_event(EventKind.LATE, actor=None, policy=policy, entity=payout.entity, payout=payout, note=subject,
                        data={"state": payout.state, "due_on": payout.due_on})
            _row(payout).update(late_reported=payout.state)
    return len(late)
