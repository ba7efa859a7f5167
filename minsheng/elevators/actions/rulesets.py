"""The city's dated rules, as an administrator keeps them. A rule set some application already
follows is fixed: a change of policy is a new rule set from its own date."""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import transaction

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_date, check_text
from minsheng.elevators.models import CostMethod, RuleSet
from minsheng.elevators.stages import GOVERNMENT_STAGES
from minsheng.org.access import in_jurisdiction
from minsheng.org.models import OrgEvent, Role, User

FRACTIONS = {
    "participation_area": "参与表决专有面积比例",
    "participation_heads": "参与表决人数比例",
    "agreement_area": "同意专有面积比例",
    "agreement_heads": "同意人数比例",
}


def _fraction(value: str, *, field: str, label: str) -> str:
    text = str(value or "").strip().replace("／", "/")
    try:
        share = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ActionError(f"{label}应写成分数，如2/3。", field=field) from None
    if not 0 < share <= 1:
        raise ActionError(f"{label}应大于0、不超过1。", field=field)
    return f"{share.numerator}/{share.denominator}"


def _table(raw, *, field: str, label: str, allowed_keys=None, whole=False) -> dict:
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise ActionError(f"{label}应为“键: 值”的表。", field=field)
    clean = {}
    for key, value in raw.items():
        key = str(key).strip()
        if allowed_keys is not None and key not in allowed_keys:
            raise ActionError(f"{label}中的“{key}”不是可设置的项目。", field=field)
        if allowed_keys is None and not key.lstrip("-").isdigit():
            raise ActionError(f"{label}的楼层“{key}”应为整数。", field=field)
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ActionError(f"{label}中“{key}”的值应为数字。", field=field) from None
        if not number.is_finite() or number < 0 or (whole and (number != number.to_integral_value() or not 1 <= number <= 120)):
            raise ActionError(f"{label}中“{key}”的值不合理。", field=field)
        clean[key] = int(number) if whole else str(number)
    return clean


@transaction.atomic
def do_save_rule_set(rule_set: RuleSet, *, actor: User | None) -> RuleSet:
    """Check and save a rule set (new or changed), with one organisation event."""
    if actor is not None and not (actor.is_superuser or (actor.has_role(Role.ADMINISTRATOR) and in_jurisdiction(actor, rule_set.region))):
        raise NotAllowed("只有本地区的管理员可以维护加装电梯政策规则。")
    if rule_set.pk is not None:
        used = rule_set.applications.count()
        stored = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        fixed = ("region_id", "effective_from", *FRACTIONS, "publicity_days", "publicity_in_working_days", "subsidy_fixed",
                 "subsidy_share", "subsidy_cap", "cost_method", "cost_table", "permit_threshold", "stage_days")
        if used and any(getattr(stored, name) != getattr(rule_set, name) for name in fixed):
            raise ActionError(f"已有{used}件申请适用该规则，不能修改；政策调整请新增一条规则，写明新的施行日期。", field="effective_from")
    check_date(rule_set.effective_from, field="effective_from", label="施行日期")
    rule_set.name = check_text((rule_set.name or "").strip(), field="name", label="名称")
    if not rule_set.name:
        raise ActionError("请填写名称。", field="name")
    for name, label in FRACTIONS.items():
        setattr(rule_set, name, _fraction(getattr(rule_set, name), field=name, label=label))
    if not 1 <= rule_set.publicity_days <= 60:
        raise ActionError("公示期应为1至60日。", field="publicity_days")
    for name, label in (("subsidy_fixed", "每台补贴"), ("subsidy_cap", "补贴上限"), ("permit_threshold", "需办理施工许可的造价")):
        value = getattr(rule_set, name)
        if value is not None and value < 0:
            raise ActionError(f"{label}不能为负数。", field=name)
    if not 0 <= rule_set.subsidy_share <= 100:
        raise ActionError("补贴占造价比例应在0至100之间。", field="subsidy_share")
    if rule_set.cost_method not in CostMethod.values:
        raise ActionError("请从列表中选择默认分摊方式。", field="cost_method")
    rule_set.cost_table = _table(rule_set.cost_table, field="cost_table", label="分摊系数或比例表")
    rule_set.stage_days = _table(rule_set.stage_days, field="stage_days", label="各审批环节时限",
                                 allowed_keys=set(GOVERNMENT_STAGES), whole=True)
    for name, label in (("maintenance_interval_days", "维护保养间隔"), ("registration_within_days", "使用登记期限"),
                        ("inspection_notice_days", "定期检验提前申请")):
        if not 1 <= getattr(rule_set, name) <= 365:
            raise ActionError(f"{label}应为1至365日。", field=name)
    duplicate = RuleSet.objects.filter(region=rule_set.region, effective_from=rule_set.effective_from).exclude(pk=rule_set.pk)
    if duplicate.exists():
        raise ActionError("该地区已有同一施行日期的规则。", field="effective_from")
    created = rule_set.pk is None
    rule_set.save()
    OrgEvent.objects.create(actor=actor, kind="elevator_rules", subject=f"加装电梯规则：{rule_set.name}"[:100],
                            note=("新增" if created else "修改") + f"{rule_set}", data={"rule_set": rule_set.pk})
    return rule_set

