"""Every change to the policy library and the figures: one function a verb, atomic, one event."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q

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


def write_event(kind: str, *, actor, policy=None, entity=None, payout=None, application=None, note: str = "",
                data: dict | None = None, is_public: bool = False) -> PolicyEvent:
    return PolicyEvent.objects.create(kind=kind, actor=actor, policy=policy, entity=entity, payout=payout,
                                      application=application, note=note, data=data or {}, is_public=is_public,
                                      created_at=clock.now())


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
                     exclusive_group: str = "", document=None, actor) -> Policy:
    if actor is not None and not rules.may_keep_policies(actor, issuer):
        raise NotAllowed("您无权为该部门录入政策。")
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
    document_kind = None
    if document is not None:
        from minsheng.core.uploads import EVIDENCE_KINDS, check_upload

        documents = tuple(kind for kind in EVIDENCE_KINDS if kind.extensions[0] in (".pdf", ".docx"))
        document_kind = check_upload(document, field="document", label="政策原文", kinds=documents)
    region = issuer.region
    policy = create_numbered(
        Policy, f"ZC{clock.today().year}", 5, issuer=issuer, region=region, issued_on=issued_on,
        valid_from=valid_from, valid_to=valid_to, benefit_type=benefit_type, delivery=delivery,
        payment_days=payment_days, benefit_kind=formula.kind, amount=formula.amount, rate=formula.rate,
        base_field=formula.base_field, tiers=[[str(low), str(money)] for low, money in formula.tiers],
        floor=formula.floor, cap=formula.cap, budget=budget,
        publish_due=workdays.add_working_days(issued_on, PUBLISH_WITHIN_DAYS), created_at=clock.now(), **values)
    if document is not None:
        policy.document.save(f"{policy.number}{document_kind.extensions[0]}", document, save=False)
        policy.document_name = (document.name or "")[:200]
        policy.document_type = document_kind.content_type
        policy.save(update_fields=["document", "document_name", "document_type"])
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
    rows = _list_for_review(policy, firms, today, now)
    skipped = len(firms) - len(rows)
    write_event(EventKind.MATCHED, actor=actor, policy=policy,
                note=f"匹配{len(rows)}户符合条件的企业，待审核" + (
                    f"；{skipped}户缺少计算基数（{today.year - 1}年数据）或金额为零，未列入" if skipped else ""),
                data={"listed": len(rows), "skipped": skipped})
    return len(rows)


def _list_for_review(policy: Policy, firms: list[int], today, now) -> list:
    """Payouts listed for review for these eligible firms, not yet listed this year: amounts from
    each firm's base figure of last year (one query), a firm whose amount is nothing left out."""
    from minsheng.policies import queries
    from minsheng.policies.models import FirmFigure, Payout, PayoutState

    bases = {}
    if policy.base_field and firms:
        bases = dict(FirmFigure.objects.filter(entity__in=firms, year=today.year - 1, field=policy.base_field)
                     .values_list("entity_id", "value"))
    formula = queries.formula_of(policy)
    due = workdays.add_working_days(today, REVIEW_DAYS)
    rows = []
    for pk in firms:
        amount = benefits.amount_for(formula, bases.get(pk))
        if amount is not None and amount > 0:
            rows.append(Payout(policy=policy, entity_id=pk, year=today.year, amount=amount, state=PayoutState.LISTED,
                               due_on=due, listed_at=now))
    Payout.objects.bulk_create(rows, batch_size=1000)
    return rows


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
    from minsheng.cases.models import Result

    _tell_applicant(payout, text="", public_text="经审核，不予兑现。", basis=reason, actor=actor,
                    close_result=Result.EXPLAINED)
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
    listed = list(confirmed.filter(application__isnull=False))
    # The limit running now is the payment order's: the listing's days, then ORDER_DAYS.
    confirmed.update(state=PayoutState.PUBLICIZED, publicity_ends_on=ends,
                     due_on=workdays.add_working_days(ends, ORDER_DAYS))
    for payout in listed:
        _tell_applicant(payout, text=f"列入公示，公示期至{ends:%Y年%m月%d日}",
                        public_text=f"已列入拟兑现名单公示，公示期至{ends:%Y年%m月%d日}。", actor=actor)
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
    _tell_applicant(payout, text=f"公示期内收到异议，重新审核：{objection}", public_text="公示期内收到异议，正在重新审核。",
                    actor=actor)
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
    _tell_applicant(payout, text=f"下达拨付{payout.amount}元", public_text=f"公示无异议，已下达拨付{payout.amount}元。",
                    actor=actor)
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
    from minsheng.cases.models import Result

    _tell_applicant(payout, text="", public_text=f"已于{paid_on:%Y年%m月%d日}拨付{payout.amount}元。", actor=actor,
                    close_result=Result.SOLVED)
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


# --- telling the firms that may qualify (送, for policies one applies for) -------------------------------

NOTIFY_LIMIT = 5000  # firms texted at once; a policy matching more is told through the helpers' grids


@transaction.atomic
def do_notify_candidates(policy: Policy, *, actor) -> dict:
    """After publication, "您可能符合…": an SMS to each candidate firm's registered contact and a
    notice to its helpers, once per policy (a second call finds nothing new). Candidates are the
    firms meeting every verifiable condition; the rest they prove when applying."""
    from minsheng.cases.actions._base import sms_text
    from minsheng.cases.models import Notification
    from minsheng.enterprises.models import Assignment, GridMember
    from minsheng.policies import queries

    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _keeper(actor, policy)
    if policy.state != PolicyState.PUBLISHED or policy.delivery != Delivery.APPLICATION:
        raise ActionError("只有已发布的依申请政策才提醒可能符合的企业。")
    if policy.events.filter(kind=EventKind.NOTIFIED).exists():
        raise ActionError("该政策已提醒过可能符合的企业。")
    today, now = clock.today(), clock.now()
    firms = list(queries.eligible(policy, today).exclude(contact_phone="").values_list("pk", "name", "contact_phone")
                 .order_by("pk")[:NOTIFY_LIMIT])
    text = f"您可能符合“{policy.title}”的申报条件，可登录惠企政策平台查看并在线申报（政策编号{policy.number}）。"
    sms = [Notification(channel="sms", recipient_address=phone, subject=f"政策提醒：{policy.title}"[:100],
                        body=sms_text(f"{name}：{text}"), next_attempt_at=now, created_at=now)
           for _, name, phone in firms]
    ids = [pk for pk, _, _ in firms]
    helper_ids = set(Assignment.objects.filter(entity__in=ids, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)).values_list("helper_id", flat=True))
    grids = GridMember.objects.filter(entity__in=ids, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)).values("grid")
    helper_ids |= set(Assignment.objects.filter(grid__in=grids, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)).values_list("helper_id", flat=True))
    from minsheng.org.models import User

    helpers = list(User.objects.filter(pk__in=helper_ids, is_active=True))
    notices = [Notification(channel="staff", recipient_user=user, recipient_address=user.phone or user.username,
                            subject=f"政策提醒：{policy.title}"[:100],
                            body=f"您帮扶的企业中可能有符合“{policy.title}”申报条件的，请提醒企业申报。",
                            next_attempt_at=now, created_at=now) for user in helpers]
    Notification.objects.bulk_create(sms + notices, batch_size=1000)
    write_event(EventKind.NOTIFIED, actor=actor, policy=policy,
                note=f"提醒{len(sms)}户可能符合条件的企业、{len(helpers)}名帮扶干部",
                data={"firms": len(sms), "helpers": len(helpers)})
    return {"firms": len(sms), "helpers": len(helpers)}


# --- applications (办): a case of the kind 惠企政策申报 ----------------------------------------------------

def application_days(policy: Policy) -> int:
    """The case's handling limit: review, public listing, the payment order, the policy's payment."""
    return REVIEW_DAYS + PUBLICITY_DAYS + ORDER_DAYS + policy.payment_days


def _fact_words(condition, facts, day) -> str:
    """What the government's data shows for a condition the firm meets (the pre-filled form)."""
    spec = condition.spec
    if spec.kind in ("figure", "growth"):
        years = conditions.period_years(condition.period, day)
        shown = []
        for year in years:
            if spec.kind == "figure":
                value = facts.figures.get((year, spec.name))
            else:
                now, before = facts.figures.get((year, "revenue")), facts.figures.get((year - 1, "revenue"))
                value = None if now is None or not before else ((now - before) * 100 / before).quantize(Decimal("0.1"))
            shown.append(f"{year}年{value.normalize():f}{spec.unit}" if value is not None else f"{year}年无数据")
        return "；".join(shown)
    return "已核验"


@transaction.atomic
def do_apply_for_policy(policy: Policy, entity, *, applicant_name: str, applicant_phone: str, statement: str = "",
                        explanation: str = "", materials=None, submission_token: str | None = None, actor=None):
    """A firm applies: the case is registered (its query code texted), accepted and sent to the
    issuing department at once, its handling limit the policy's. Facts the government holds are
    recorded with it; only the materials its data cannot show are asked for (one file each); a
    condition the firm does not meet needs its explanation, and the department decides.
    Returns (application, query code); a form sent twice makes one application (code None)."""
    from minsheng.cases.actions import Intake, do_accept_case, do_dispatch_case, do_register_case
    from minsheng.cases.catalogue import POLICY_APPLICATION
    from minsheng.cases.models import Case, CaseKind, Category, Channel
    from minsheng.enterprises.models import Entity, EntityStatus
    from minsheng.policies import queries
    from minsheng.policies.models import PolicyApplication

    if submission_token:
        existing = PolicyApplication.objects.filter(case__submission_token=submission_token, entity=entity).first()
        if existing is not None:
            return existing, None
    today = clock.today()
    if policy.state != PolicyState.PUBLISHED or policy.valid_from > today or (
            policy.valid_to is not None and policy.valid_to < today):
        raise ActionError("该政策不在申报期内。", field="policy")
    if policy.delivery != Delivery.APPLICATION:
        raise ActionError("该政策免申即享，无需申报：符合条件的企业由部门直接兑现。", field="policy")
    # One application of a firm at a time: a second, sent at the same moment, waits here and then
    # finds the first (the unique constraint would otherwise end it in an error).
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if submission_token:
        existing = PolicyApplication.objects.filter(case__submission_token=submission_token, entity=entity).first()
        if existing is not None:
            return existing, None
    if entity.status != EntityStatus.ACTIVE:
        raise ActionError("该企业不是存续状态，不能申报。", field="entity")
    facts = queries.facts_of(entity)
    if not any(code.startswith(policy.region.code_prefix) for code in facts.region_codes):
        raise ActionError(f"该政策适用于{policy.region.name}的企业。", field="policy")
    if PolicyApplication.objects.filter(policy=policy, entity=entity, year=today.year).exists():
        raise ActionError("本企业今年已申报过该政策，请在“我的申报”中查看进度。", field="policy")
    checked = queries.conditions_of(policy)
    missing = conditions.evaluate(checked, facts, today)
    explanation = _text(explanation, "explanation", "情况说明", 2000, required=False)
    if missing and not explanation:
        raise ActionError(f"贵企业尚不符合“{missing[0].describe()}”。如仍申报，请在情况说明中写明理由，由部门审核决定。",
                          field="explanation")
    needed = [c for c in checked if c.spec.kind == "material"]
    materials = dict(materials or {})
    files = []
    for position, condition in enumerate(needed, start=1):
        upload = materials.get(position)
        if upload is None:
            raise ActionError(f"请上传证明材料：{condition.value}。", field=f"material_{position}")
        files.append(upload)
    statement = _text(statement, "statement", "申报说明", 2000, required=False)
    known = [{"condition": c.describe(), "data": _fact_words(c, facts, today)}
             for c in checked if c.spec.verifiable and c not in missing]
    expected = queries.amount_for(policy, facts, today)
    kind = CaseKind.objects.filter(code=POLICY_APPLICATION).first()
    category = Category.objects.filter(code="policy-benefit", is_active=True).first()
    if kind is None or category is None:
        raise ActionError("政策申报暂未开通，请联系发布部门。", field="policy")
    lines = [f"申报政策：{policy.title}（{policy.document_number}，编号{policy.number}）。"]
    lines += [f"已核验：{row['condition']}（{row['data']}）" for row in known]
    lines += [f"不符合：{c.describe()}" for c in missing]
    if explanation:
        lines.append(f"情况说明：{explanation}")
    if statement:
        lines.append(f"申报说明：{statement}")
    case, code = do_register_case(Intake(
        region=entity.region, kind=kind, category=category, channel=Channel.ONLINE, requester_name=applicant_name,
        requester_phone=applicant_phone, description="\n".join(lines), title=f"申报：{policy.title}"[:100],
        enterprise_name=entity.name, enterprise_uscc=entity.uscc, address=entity.address,
        answers={"policy": policy.title[:100]}, proposed_department=policy.issuer, files=files,
        handle_days=application_days(policy), outside_reference=policy.number,
    ), actor=None, submission_token=submission_token)
    if code is None:  # the same submission, already made
        return PolicyApplication.objects.get(case=case), None
    do_accept_case(case, actor=None, note="惠企政策申报，自动受理")
    do_dispatch_case(case, department=policy.issuer, note="按政策发布部门派送", actor=None)
    case.refresh_from_db()
    application = PolicyApplication.objects.create(
        case=case, policy=policy, entity=entity, year=today.year, expected_amount=expected, known_facts=known,
        missing=[c.describe() for c in missing], explanation=explanation, created_at=clock.now())
    write_event(EventKind.APPLIED, actor=actor, policy=policy, entity=entity, application=application,
                note=f"{entity.name}申报，办件{case.number}" + ("（有不符合的条件，附情况说明）" if missing else ""),
                data={"case": case.number, "missing": application.missing, "expected": str(expected or "")})
    return application, code


def _locked_application(application):
    from minsheng.policies.models import PolicyApplication

    try:
        return (PolicyApplication.objects.select_for_update(of=("self",))
                .select_related("case", "policy__issuer", "entity").get(pk=application.pk))
    except PolicyApplication.DoesNotExist:
        raise NotFound("没有找到该申报。") from None


@transaction.atomic
def do_review_application(application, *, approve: bool, amount=None, note: str = "", actor):
    """The department's review. Approved: a payout of the amount (the policy's formula over the
    firm's figures, or what the reviewer sets within the cap), confirmed against the budget and
    the exclusivity rule, then listed and paid like every payout. Refused: the case is closed with
    the reason as its basis."""
    from minsheng.cases.actions import do_add_note, do_close_case, do_sign_case
    from minsheng.cases.models import Result, State
    from minsheng.policies.models import Payout, PayoutState

    application = _locked_application(application)
    policy, case = application.policy, application.case
    _keeper(actor, policy)
    if application.payout_id is not None or case.state not in (State.DISPATCHED, State.HANDLING):
        raise ActionError("该申报已审核或已办结，不能再审核。")
    if case.state == State.DISPATCHED:
        do_sign_case(case, actor=actor)
        case.refresh_from_db()
    note = _text(note, "note", "审核意见", 1000, required=not approve)
    if not approve:
        do_close_case(case, result=Result.EXPLAINED, text="经审核，不予兑现。", basis=note, actor=actor)
        write_event(EventKind.REVIEWED, actor=actor, policy=policy, entity=application.entity, application=application,
                    note=f"审核不予兑现：{note}", data={"approve": False})
        return application
    if amount in (None, ""):
        amount = application.expected_amount
        if amount is None:
            raise ActionError("该企业缺少计算基数的数据，请填写核定金额。", field="amount")
    amount = parse_amount(amount, field="amount", label="核定金额")
    if amount <= 0:
        raise ActionError("核定金额应大于0；不予兑现的，请选择不予兑现并写明理由。", field="amount")
    if policy.cap is not None and amount > policy.cap:
        raise ActionError(f"核定金额不能超过政策的最高金额{policy.cap}元。", field="amount")
    if Payout.objects.filter(policy=policy, entity=application.entity, year=application.year).exists():
        raise ActionError("该企业今年已有本政策的兑现记录，不能重复兑现。", field="amount")
    payout = Payout.objects.create(policy=policy, entity=application.entity, year=application.year, amount=amount,
                                   state=PayoutState.LISTED, listed_at=clock.now())
    application.payout = payout
    application.save(update_fields=["payout"])
    payout = do_confirm_payout(payout, actor=actor)
    waiting = payout.state == PayoutState.WAITING
    do_add_note(case, text=f"审核通过，核定{amount}元" + ("，预算余额不足，按顺序排队" if waiting else "，待公示") + (f"。{note}" if note else ""),
                public_text=f"审核通过，核定金额{amount}元，" + ("因预算余额不足按申报顺序排队。" if waiting else "将予公示。"),
                actor=actor)
    write_event(EventKind.REVIEWED, actor=actor, policy=policy, entity=application.entity, application=application,
                payout=payout, note=f"审核通过，核定{amount}元", data={"approve": True, "amount": str(amount)})
    return application


def _tell_applicant(payout, *, text: str, public_text: str, actor, close_result: str = "", basis: str = "") -> None:
    """A payout step of an application shows on its case: a note, or the case's end."""
    from minsheng.cases.actions import do_add_note, do_close_case
    from minsheng.cases.models import State
    from minsheng.policies.models import PolicyApplication

    application = PolicyApplication.objects.filter(payout=payout).select_related("case").first()
    if application is None or application.case.state not in (State.DISPATCHED, State.HANDLING):
        return
    if close_result:
        do_close_case(application.case, result=close_result, text=public_text, basis=basis, actor=actor)
    else:
        do_add_note(application.case, text=text, public_text=public_text, actor=actor)


# --- importing yearly figures by data source (a workbook: xlsx.read_figures) -----------------------------

FIGURES_MAX_ROWS = 200_000  # rows an import may carry (xlsx.read_figures refuses more before reading them all)
FIGURES_PROBLEMS_KEPT = 1000  # problems FiguresRefused carries; its message names the first few
FIGURES_PROBLEMS_NAMED = 5
FIGURES_CHUNK = 1000  # codes or firms looked up, figures written, in one query
FIGURE_COLUMNS = {"uscc": "统一社会信用代码", "year": "年度", "field": "指标", "value": "数值"}
FIGURES_EARLIEST_YEAR = 2000  # as do_record_figure
WHOLE_FIGURES = ("employees", "patents")  # people and patents are counted, not measured
PERCENT_FIGURES = ("rd_share",)


class FiguresRefused(ActionError):
    """An import refused because of its rows: nothing was saved. `problems` lists the first
    FIGURES_PROBLEMS_KEPT as {"row", "column", "message"} (row as Excel numbers it), `bad_rows`
    counts the rows with one; the message names the first few, on the field "file"."""

    def __init__(self, message: str, *, problems: list[dict], bad_rows: int):
        super().__init__(message, field="file")
        self.problems = problems
        self.bad_rows = bad_rows


def figure_problem_text(problem: dict) -> str:
    """第5行「指标」：… as the refusal and the upload page write a problem."""
    where = f"第{problem['row']}行" if problem.get("row") else "文件"
    return f"{where}「{problem['column']}」：{problem['message']}" if problem.get("column") else f"{where}：{problem['message']}"


def _figure_key(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").lower()


def figure_field_names() -> dict[str, str]:
    """How an indicator may be written in a workbook: its code (revenue), its label as shown
    (营业收入（万元）, brackets full-width or not) or the label without its unit (营业收入)."""
    from minsheng.policies.models import FigureField

    names = {}
    for code, label in FigureField.choices:
        for name in (code, label, label.split("（")[0]):
            names[_figure_key(name)] = code
    return names


def _figure_cell_text(value) -> str:
    from minsheng.core.spreadsheets import cell_text

    return cell_text(value)


def _figure_year(value, this_year: int) -> int:
    """A year cell: 2025, 2025.0, "2025" or "2025年"; else ValueError with the message."""
    import math
    from datetime import date as _date

    if isinstance(value, bool) or isinstance(value, _date):
        raise ValueError("应为四位数的年份，如2025。")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError("应为四位数的年份，如2025。")
        year = int(value)
    elif isinstance(value, int):
        year = value
    else:
        text = _figure_key(str(value or "")).removesuffix("年")
        if not text:
            raise ValueError("必填，不能为空。")
        if len(text) != 4 or not text.isascii() or not text.isdigit():
            raise ValueError("应为四位数的年份，如2025。")
        year = int(text)
    if not FIGURES_EARLIEST_YEAR <= year <= this_year:
        raise ValueError(f"应为{FIGURES_EARLIEST_YEAR}年至{this_year}年之间的年份。")
    return year


def _figure_value(value, field: str) -> Decimal:
    """A value cell as stored (two decimals, rounded half up: a computed Excel cell carries
    float noise); else ValueError with the message. NaN, infinities, negatives and amounts
    beyond core.text's bound are refused by parse_amount, the one amount rule."""
    from datetime import date as _date
    from datetime import time as _time
    from datetime import timedelta as _timedelta
    from decimal import ROUND_HALF_UP, InvalidOperation

    from minsheng.core.text import LARGEST_AMOUNT

    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("必填，不能为空。")
    if isinstance(value, (bool, _date, _time, _timedelta)):
        raise ValueError("应为数字。")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "").replace("，", "")
    if len(text) > 60:
        raise ValueError("应为数字。")
    try:
        number = Decimal(_figure_key(text))
    except (InvalidOperation, ValueError):
        raise ValueError("应为数字。") from None
    if number.is_finite():
        if abs(number) >= LARGEST_AMOUNT:
            raise ValueError(f"数字过大，应小于{LARGEST_AMOUNT / 10 ** 12:g}万亿。")
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    try:
        number = parse_amount(number, field="value", label="数值")
    except ActionError as error:
        raise ValueError(error.message.removeprefix("数值")) from None
    if field in WHOLE_FIGURES and number != number.to_integral_value():
        raise ValueError("应为整数。")
    if field in PERCENT_FIGURES and number > 100:
        raise ValueError("比例不能超过100。")
    return number


def _check_figure_rows(rows, *, actor, today):
    """Every row checked, none written: (checked rows, problems, bad row count), each checked row
    (row number, entity id, year, field, value). One query per FIGURES_CHUNK codes."""
    from minsheng.core.text import forbidden_character
    from minsheng.enterprises.actions.firm_login import clean_uscc
    from minsheng.enterprises.models import Entity
    from minsheng.org.access import jurisdiction
    from minsheng.org.models import Region
    from minsheng.policies.models import FigureField

    names = figure_field_names()
    problems: list[dict] = []
    bad: set[int] = set()

    def fail(row_number: int, key: str, message: str) -> None:
        bad.add(row_number)
        if len(problems) < FIGURES_PROBLEMS_KEPT:
            problems.append({"row": row_number, "column": FIGURE_COLUMNS.get(key, ""), "message": message})

    parsed = []  # (row number, uscc, year, field, value)
    codes_seen: dict[str, object] = {}  # the code as typed -> the clean code, or why it is not one
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            fail(position, "", "应为一行数据（统一社会信用代码、年度、指标、数值）。")
            continue
        number = row.get("row")
        number = number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else position
        before = len(bad)
        for key in FIGURE_COLUMNS:
            cell = row.get(key)
            if isinstance(cell, str) and forbidden_character(cell) is not None:
                fail(number, key, "含有不可见的控制字符。")
        if len(bad) != before:
            continue
        text = _figure_cell_text(row.get("uscc"))
        if text not in codes_seen:  # a firm has a row a figure: its code is cleaned once
            try:
                codes_seen[text] = clean_uscc(text)
            except ActionError as error:
                codes_seen[text] = error
        uscc = codes_seen[text]
        if isinstance(uscc, ActionError):
            fail(number, "uscc", uscc.message)
            uscc = None
        try:
            year = _figure_year(row.get("year"), today.year)
        except ValueError as error:
            fail(number, "year", str(error))
            year = None
        text = _figure_cell_text(row.get("field"))
        field = names.get(_figure_key(text))
        if field is None:
            choices = "、".join(label.split("（")[0] for label in FigureField.labels)
            fail(number, "field", f"没有“{text[:30]}”这项指标，应为：{choices}（或其代码）。" if text else "必填，不能为空。")
        value = None
        if field is not None:
            try:
                value = _figure_value(row.get("value"), field)
            except ValueError as error:
                fail(number, "value", str(error))
        if None not in (uscc, year, field, value):
            parsed.append((number, uscc, year, field, value))

    # The firms, by code, a chunk at a time; within the uploader's jurisdiction (enterprises' rule:
    # the registry's keepers, for their own counties).
    firms: dict[str, tuple[int, int]] = {}
    codes = sorted({uscc for _, uscc, _, _, _ in parsed})
    for start in range(0, len(codes), FIGURES_CHUNK):
        for uscc, pk, region_id in Entity.objects.filter(uscc__in=codes[start:start + FIGURES_CHUNK]).values_list(
                "uscc", "pk", "region_id"):
            firms[uscc] = (pk, region_id)
    allowed = None
    if actor is not None:
        area = jurisdiction(actor)
        allowed = set(Region.objects.filter(code__startswith=area.code_prefix).values_list("pk", flat=True)) if area else set()
    checked = []
    seen: dict[tuple, int] = {}
    for number, uscc, year, field, value in parsed:
        found = firms.get(uscc)
        if found is None:
            fail(number, "uscc", "企业库中没有该统一社会信用代码的市场主体，请核对。")
            continue
        pk, region_id = found
        if allowed is not None and region_id not in allowed:
            fail(number, "uscc", "该企业不在您管理的辖区内，不能导入其数据。")
            continue
        key = (pk, year, field)
        if key in seen:
            fail(number, "field", f"与第{seen[key]}行重复（同一企业、年度、指标只能有一行）。")
            continue
        seen[key] = number
        checked.append((number, pk, year, field, value))
    problems.sort(key=lambda problem: problem["row"])
    return checked, problems, len(bad)


@transaction.atomic
def do_import_figures(rows, *, source: str, actor) -> dict:
    """Yearly figures of many firms from one data source (rows as xlsx.read_figures gives them:
    {"row", "uscc", "year", "field", "value"}). Every row is checked first; if any is wrong,
    nothing is saved and FiguresRefused (an ActionError on "file") names the first problems by row
    and column. Otherwise the figures are written in bulk (a figure of the same firm, year and
    indicator is replaced), one FIGURES_IMPORTED event sums the import up, and each firm whose
    figures changed is re-matched once (do_rematch_firm). Returns the counts: rows, created,
    updated, unchanged, firms, rematched, listed (payouts the re-match listed), years, source.
    Who: the command line (actor None) or a keeper of the registry (enterprises' rule), for the
    firms of their jurisdiction."""
    from minsheng.enterprises.models import Entity
    from minsheng.policies.models import DataSource, FirmFigure

    if actor is not None and not rules.may_import_figures(actor):
        raise NotAllowed("只有营商办的督办员或管理员可以导入企业年度数据。")
    if source not in DataSource.values:
        raise ActionError("请选择数据来源。", field="source")
    if not isinstance(rows, (list, tuple)):
        raise ActionError("请选择要导入的文件。", field="file")
    if not rows:
        raise ActionError("文件中没有数据行：第一行为列名，从第二行起一行一项数据。", field="file")
    if len(rows) > FIGURES_MAX_ROWS:
        raise ActionError(f"一次最多导入{FIGURES_MAX_ROWS:,}行，请分成几个文件导入。", field="file")
    today, now = clock.today(), clock.now()
    checked, problems, bad_rows = _check_figure_rows(rows, actor=actor, today=today)
    if problems:
        named = "；".join(figure_problem_text(problem).rstrip("。") for problem in problems[:FIGURES_PROBLEMS_NAMED])
        more = "等" if len(problems) > FIGURES_PROBLEMS_NAMED else ""
        raise FiguresRefused(f"文件中有{bad_rows}行有误，未导入任何数据：{named}{more}。请改正后重新导入。",
                             problems=problems, bad_rows=bad_rows)

    # What is there now, for the counts and the firms to re-match.
    firm_ids = sorted({pk for _, pk, _, _, _ in checked})
    years = sorted({year for _, _, year, _, _ in checked})
    fields = sorted({field for _, _, _, field, _ in checked})
    existing: dict[tuple, tuple] = {}
    for start in range(0, len(firm_ids), FIGURES_CHUNK):
        for pk, year, field, value, was in FirmFigure.objects.filter(
                entity_id__in=firm_ids[start:start + FIGURES_CHUNK], year__in=years, field__in=fields).values_list(
                "entity_id", "year", "field", "value", "source"):
            existing[(pk, year, field)] = (value, was)
    created = updated = unchanged = 0
    changed_firms: set[int] = set()
    writes = []
    for _, pk, year, field, value in checked:
        before = existing.get((pk, year, field))
        if before is None:
            created += 1
            changed_firms.add(pk)
        elif before[0] != value:
            updated += 1
            changed_firms.add(pk)
        elif before[1] != source:
            updated += 1  # the same value, now from this source: recorded, nothing to re-match
        else:
            unchanged += 1
            continue
        writes.append(FirmFigure(entity_id=pk, year=year, field=field, value=value, source=source, updated_at=now))
    FirmFigure.objects.bulk_create(writes, batch_size=FIGURES_CHUNK, update_conflicts=True,
                                   unique_fields=["entity", "year", "field"], update_fields=["value", "source", "updated_at"])
    label = DataSource(source).label
    year_words = "、".join(str(year) for year in years)
    write_event(EventKind.FIGURES_IMPORTED, actor=actor,
                note=f"导入{label}提供的{year_words}年度数据{len(checked)}条，涉及{len(firm_ids)}户企业"
                     f"（新增{created}条，更新{updated}条，未变{unchanged}条）",
                data={"source": source, "rows": len(checked), "created": created, "updated": updated,
                      "unchanged": unchanged, "firms": len(firm_ids), "years": years, "fields": fields})

    # Each firm whose figures changed is re-matched once, policy by policy: each 免申即享 policy in
    # force runs its one SQL query (queries.eligible) over the changed firms, a chunk at a time,
    # and lists those it finds not yet listed this year (as do_rematch_firm would for one firm,
    # in bulk: a yearly import may change every firm of a county).
    from minsheng.policies import queries
    from minsheng.policies.models import Payout

    listed = 0
    rematched = sorted(changed_firms)
    automatic = list(queries.in_force(today).filter(delivery=Delivery.AUTOMATIC).select_related("region")
                     .prefetch_related("conditions")) if rematched else []
    now = clock.now()
    for policy in automatic:
        already = Payout.objects.filter(policy=policy, year=today.year).values("entity_id")
        found: list[int] = []
        for start in range(0, len(rematched), FIGURES_CHUNK):
            found += (queries.eligible(policy, today).filter(pk__in=rematched[start:start + FIGURES_CHUNK])
                      .exclude(pk__in=already).values_list("pk", flat=True))
        rows = _list_for_review(policy, sorted(found), today, now) if found else []
        if rows:
            write_event(EventKind.MATCHED, actor=actor, policy=policy,
                        note=f"导入{label}数据后，{len(rows)}户企业符合条件，待审核", data={"listed": len(rows), "import": True})
        listed += len(rows)
    return {"rows": len(checked), "created": created, "updated": updated, "unchanged": unchanged,
            "firms": len(firm_ids), "rematched": len(rematched), "listed": listed, "years": years, "source": source}
