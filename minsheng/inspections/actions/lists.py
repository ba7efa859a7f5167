"""The lists (一单两库): credit classes, the inspector library, declared conflicts, inspection items."""

from datetime import date

from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises.models import Entity
from minsheng.inspections import rules
from minsheng.inspections.actions._base import _text, write_event
from minsheng.core.text import check_date
from minsheng.inspections.models import (
    Conflict,
    CreditGrade,
    CreditRating,
    EventKind,
    FirmGroup,
    InspectionItem,
    InspectionRules,
    Inspector,
    QuietDayRule,
)
from minsheng.org.models import Department, Region


@transaction.atomic
def do_rate_credit(entity: Entity, *, grade: str, rated_on: date, actor) -> CreditRating:
    if grade not in CreditGrade.values:
        raise ActionError("信用风险分类只能是A、B、C、D类。", field="grade")
    if rated_on > clock.today():
        raise ActionError("分类日期不能晚于今天。", field="rated_on")
    if actor is not None and not rules.may_keep_lists(actor, entity.region):
        raise NotAllowed("您无权维护该市场主体的信用风险分类。")
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    rating = CreditRating.objects.filter(entity=entity).first()
    old = rating.grade if rating else ""
    if rating is None:
        rating = CreditRating.objects.create(entity=entity, grade=grade, rated_on=rated_on)
    elif (rating.grade, rating.rated_on) != (grade, rated_on):
        rating.grade, rating.rated_on = grade, rated_on
        rating.save(update_fields=["grade", "rated_on"])
    else:
        return rating
    write_event(EventKind.RATED, actor=actor, entity=entity, note=f"信用风险分类：{old or '未分类'} → {grade}",
                data={"old": old, "new": grade, "rated_on": rated_on})
    return rating


@transaction.atomic
def do_add_inspector(department: Department, *, name: str, certificate_number: str, field: str, valid_from: date,
                     valid_to: date, user=None, actor) -> Inspector:
    name = _text(name, "name", "姓名", 30)
    certificate_number = certificate_number.strip().upper()
    if not certificate_number or any(ch in certificate_number for ch in "\t\n\r, "):
        raise ActionError("请填写执法证号（不含空格、逗号）。", field="certificate_number")
    certificate_number = _text(certificate_number, "certificate_number", "执法证号", 30)
    field = _text(field, "field", "执法领域", 60)
    if valid_to < valid_from:
        raise ActionError("证件有效期至不能早于有效期起。", field="valid_to")
    if actor is not None and not rules.may_keep_lists(actor, department.region):
        raise NotAllowed("您无权维护该部门的执法检查人员。")
    if Inspector.objects.filter(certificate_number=certificate_number).exists():
        raise ActionError(f"执法证号{certificate_number}已在名录库中。", field="certificate_number")
    inspector = Inspector.objects.create(department=department, user=user, name=name, certificate_number=certificate_number,
                                         field=field, valid_from=valid_from, valid_to=valid_to)
    write_event(EventKind.INSPECTOR_ADDED, actor=actor, note=f"{department.name}：{inspector}",
                data={"inspector": inspector.pk, "certificate_number": certificate_number})
    return inspector


@transaction.atomic
def do_declare_conflict(inspector: Inspector, entity: Entity, *, reason: str, actor) -> Conflict:
    reason = _text(reason, "reason", "回避事由", 200)
    if actor is not None and not (rules.may_keep_lists(actor, inspector.department.region)
                                  or getattr(actor, "pk", None) == inspector.user_id):
        raise NotAllowed("只有本人或名录库维护人员可以申报回避。")
    conflict, created = Conflict.objects.get_or_create(inspector=inspector, entity=entity,
                                                       defaults={"reason": reason, "declared_on": clock.today()})
    if created:
        write_event(EventKind.CONFLICT_DECLARED, actor=actor, entity=entity, note=f"{inspector}申报回避：{reason}",
                    data={"inspector": inspector.pk})
    return conflict


@transaction.atomic
def do_add_item(department: Department, *, code: str, name: str, legal_basis: str, scope: str, method: str,
                rules_text: str = "", actor) -> InspectionItem:
    values = {"code": _text(code, "code", "事项编码", 30), "name": _text(name, "name", "检查事项", 120),
              "legal_basis": _text(legal_basis, "legal_basis", "检查依据", 4000),
              "scope": _text(scope, "scope", "检查对象范围", 200), "method": _text(method, "method", "检查方式", 100)}
    rules_text = _text(rules_text, "rules", "工作细则", 20000, required=False)
    if actor is not None and not rules.may_keep_lists(actor, department.region):
        raise NotAllowed("您无权维护该部门的抽查事项清单。")
    if InspectionItem.objects.filter(department=department, code=values["code"]).exists():
        raise ActionError(f"本部门已有编码为{values['code']}的抽查事项。", field="code")
    item = InspectionItem.objects.create(department=department, rules=rules_text, **values)
    write_event(EventKind.ITEM_ADDED, actor=actor, note=f"{department.name}：{item}", data={"item": item.pk})
    return item


# --- a region's rules and quiet days --------------------------------------------------------------

RULE_BOUNDS = {  # field: (label, least, most)
    "routine_notice_days": ("日常检查提前备案工作日数", 0, 60),
    "routine_yearly_cap": ("每年日常检查上限", 1, 52),
    "first_offence_window_years": ("首次违法认定期限（年）", 1, 10),
    "publish_within_days": ("检查结果公示时限（工作日）", 1, 60),
}


@transaction.atomic
def do_set_rules(region: Region, *, actor, **values) -> InspectionRules:
    for name, value in values.items():
        if name not in RULE_BOUNDS:
            raise ActionError(f"未知的规则项：{name}。")
        label, least, most = RULE_BOUNDS[name]
        if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most:
            raise ActionError(f"{label}应为{least}到{most}之间的整数。", field=name)
    if actor is not None and not rules.may_keep_lists(actor, region):
        raise NotAllowed("您无权设置该区划的入企检查规则。")
    row, _ = InspectionRules.objects.select_for_update().get_or_create(region=region)
    old = {name: getattr(row, name) for name in values}
    if old == values:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    write_event(EventKind.RULES_SET, actor=actor, note=f"{region.name}入企检查规则：" + "，".join(
        f"{RULE_BOUNDS[name][0]}{old[name]}→{value}" for name, value in values.items()), data={"old": old, "new": values})
    return row


@transaction.atomic
def do_add_quiet_day_rule(region: Region, *, firm_group: str, first_day: int, last_day: int, valid_from: date | None,
                          basis: str, valid_to: date | None = None, actor) -> QuietDayRule:
    if firm_group not in FirmGroup.values:
        raise ActionError("请选择适用企业。", field="firm_group")
    for name, value, label in (("first_day", first_day, "每月自"), ("last_day", last_day, "每月至")):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 31:
            raise ActionError(f"{label}应为1到31之间的日期。", field=name)
    if last_day < first_day:
        raise ActionError("每月至不能早于每月自。", field="last_day")
    valid_from = check_date(valid_from, field="valid_from", label="施行日期")
    valid_to = check_date(valid_to, field="valid_to", label="废止日期")
    if valid_from is None:
        raise ActionError("请填写施行日期。", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ActionError("废止日期不能早于施行日期。", field="valid_to")
    basis = _text(basis, "basis", "依据文件", 200)
    if actor is not None and not rules.may_keep_lists(actor, region):
        raise NotAllowed("您无权设置该区划的宁静生产日。")
    rule = QuietDayRule.objects.create(region=region, firm_group=firm_group, first_day=first_day, last_day=last_day,
                                       valid_from=valid_from, valid_to=valid_to, basis=basis)
    write_event(EventKind.QUIET_DAYS_SET, actor=actor, is_public=True, note=f"设置宁静生产日：{rule}（{basis}）",
                data={"rule": rule.pk})
    return rule
