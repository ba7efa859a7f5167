"""The policy library: a policy entered with its conditions and benefit, published on the platform
within seven working days of issue."""

from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.numbering import create_numbered
from minsheng.core.text import check_date, parse_amount
from minsheng.org import workdays
from minsheng.policies import benefits, conditions, rules
from minsheng.policies.models import BenefitType, Delivery, EventKind, Policy, PolicyCondition, PolicyState
from minsheng.policies.actions._base import _text, write_event

PUBLISH_WITHIN_DAYS = 7  # working days from issue to publication on the platform


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
