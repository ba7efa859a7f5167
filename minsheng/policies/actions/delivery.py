"""Delivery without application (免申即享): the eligible firms listed for review, confirmed within the
budget and the exclusivity rule, publicly listed, ordered and paid, each step on the working-day
clock and on the worker's ladder. Approved applications follow the same steps."""

from django.db import transaction
from django.db.models import F

from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.text import check_date
from minsheng.org import workdays
from minsheng.policies import benefits
from minsheng.policies.models import Delivery, EventKind, Policy, PolicyState
from minsheng.policies.actions._base import (
    ORDER_DAYS,
    PUBLICITY_DAYS,
    REVIEW_DAYS,
    _keeper,
    _locked_payout,
    _row,
    _tell_applicant,
    _text,
    write_event,
)


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
    from minsheng.policies.models import Payout

    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _keeper(actor, policy)
    today, now = clock.today(), clock.now()
    _automatic_in_force(policy, today)
    listed = set(Payout.objects.filter(policy=policy, year=today.year).values_list("entity_id", flat=True))
    # Unordered in SQL (a sort of 100,000 rows spills to disk), in order of id here.
    firms = sorted(pk for pk in queries.eligible(policy, today).order_by().values_list("pk", flat=True)
                   if pk not in listed)
    rows = _list_for_review(policy, firms, today, now)
    skipped = len(firms) - len(rows)
    write_event(EventKind.MATCHED, actor=actor, policy=policy,
                note=f"匹配{len(rows)}户符合条件的企业，待审核" + (
                    f"；{skipped}户缺少计算基数（{today.year - 1}年数据）或金额为零，未列入" if skipped else ""),
                data={"listed": len(rows), "skipped": skipped})
    return len(rows)


BASES_CHUNK = 10_000


def _list_for_review(policy: Policy, firms: list[int], today, now) -> list:
    """Payouts listed for review for these eligible firms, not yet listed this year: amounts from
    each firm's base figure of last year (a query per BASES_CHUNK firms: PostgreSQL takes at most
    65,535 parameters a query), a firm whose amount is nothing left out."""
    from minsheng.policies import queries
    from minsheng.policies.models import FirmFigure, Payout, PayoutState

    bases = {}
    if policy.base_field:
        for start in range(0, len(firms), BASES_CHUNK):
            bases.update(FirmFigure.objects.filter(entity__in=firms[start:start + BASES_CHUNK], year=today.year - 1,
                                                   field=policy.base_field).values_list("entity_id", "value"))
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
    it now meets and was not listed for this year; a firm no longer active is listed for nothing
    (as queries.eligible leaves it out)."""
    from minsheng.enterprises.models import Entity, EntityStatus
    from minsheng.policies import queries
    from minsheng.policies.models import Payout, PayoutState

    if not Entity.objects.filter(pk=entity.pk, status=EntityStatus.ACTIVE).exists():
        return []
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
