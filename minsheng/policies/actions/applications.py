"""Policies one applies for (办): the firms that may qualify told (您可能符合…), the application as a
case of the kind 惠企政策申报, its review into a payout."""

from decimal import Decimal

from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.text import parse_amount
from minsheng.policies import conditions
from minsheng.policies.models import Delivery, EventKind, Policy, PolicyState
from minsheng.policies.actions._base import (
    ORDER_DAYS,
    PUBLICITY_DAYS,
    REVIEW_DAYS,
    _keeper,
    _text,
    write_event,
)
from minsheng.policies.actions.delivery import do_confirm_payout


# --- telling the firms that may qualify (送, for policies one applies for) -------------------------------

NOTIFY_LIMIT = 5000  # firms texted at once; a policy matching more is told through the helpers' grids


@transaction.atomic
def do_notify_candidates(policy: Policy, *, actor) -> dict:
    """After publication, "您可能符合…": an SMS to each candidate firm's registered contact and a
    notice to its helpers, once per policy (a second call finds nothing new). Candidates are the
    firms meeting every verifiable condition; the rest they prove when applying."""
    from minsheng.cases.actions._base import notify_users, sms_text
    from minsheng.cases.models import Notification
    from minsheng.enterprises.models import Assignment, GridMember
    from minsheng.enterprises.queries import current
    from minsheng.org.models import User
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
    # Their helpers on the day: one-to-one, and their grids' (enterprises' rule for a period).
    helper_ids = set(Assignment.objects.filter(current(today), entity__in=ids).values_list("helper_id", flat=True))
    grids = GridMember.objects.filter(current(today), entity__in=ids).values("grid")
    helper_ids |= set(Assignment.objects.filter(current(today), grid__in=grids).values_list("helper_id", flat=True))
    Notification.objects.bulk_create(sms, batch_size=1000)
    told = notify_users(User.objects.filter(pk__in=helper_ids, is_active=True), case=None, event=None,
                        subject=f"政策提醒：{policy.title}",
                        body=f"您帮扶的企业中可能有符合“{policy.title}”申报条件的，请提醒企业申报。", now=now)
    write_event(EventKind.NOTIFIED, actor=actor, policy=policy,
                note=f"提醒{len(sms)}户可能符合条件的企业、{told}名帮扶干部",
                data={"firms": len(sms), "helpers": told})
    return {"firms": len(sms), "helpers": told}


# --- applications (办): a case of the kind 惠企政策申报 ----------------------------------------------------

def application_days(policy: Policy) -> int:
    """The case's handling limit: review, public listing, the payment order, the policy's payment."""
    return REVIEW_DAYS + PUBLICITY_DAYS + ORDER_DAYS + policy.payment_days


def fact_words(condition, facts, day) -> str:
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
    from minsheng.cases.models import CaseKind, Category, Channel
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
    known = [{"condition": c.describe(), "data": fact_words(c, facts, today)}
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
