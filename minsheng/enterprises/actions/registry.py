"""The registry (一企一档): a firm's file opened, updated, closed; its certifications. One rule for
what a valid entry is (`clean_entity`), used alike by the page, the import and the API."""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.identity import normalize_mobile, normalize_uscc
from minsheng.core.text import LATEST_DATE, check_date, check_text, date_words
from minsheng.enterprises import rules, sizes
from minsheng.enterprises.actions._base import locked, write_event
from minsheng.enterprises.actions.helpers import leave_other_counties_grids
from minsheng.enterprises.models import (
    Certification,
    CertificationKind,
    EnterpriseEvent,
    Entity,
    EntityKind,
    EntityStatus,
    EventKind,
    Industry,
    IndustryLevel,
)
from minsheng.org.models import Region, RegionLevel, User

MAX_EMPLOYEES = 10_000_000
MAX_FIGURE = Decimal("1000000000")  # 万元: ten trillion yuan, beyond any firm

# What a clerk, a spreadsheet row or an API call brings; every value as typed (text) or already
# parsed. `region` and `township` may be Region objects or their codes/names.
@dataclass
class EntityDraft:
    uscc: str
    name: str
    industry: str
    kind: str = EntityKind.ENTERPRISE
    region: object = None
    township: object = None
    address: str = ""
    established_on: object = None
    legal_representative: str = ""
    status: str = EntityStatus.ACTIVE
    closed_on: object = None
    figures_year: object = None
    employees: object = None
    revenue: object = None
    assets: object = None
    qualified: object = False
    is_key: object = False
    contact_name: str = ""
    contact_phone: str = ""


# A registry holds firms registered decades ago (state-owned firms, old 个体户), unlike the
# platform's own records (core.text's dates from 2000): founding and closing dates go back to
# the People's Republic's first registrations.
REGISTERED_SINCE = date(1949, 10, 1)


LABELS = {
    "uscc": "统一社会信用代码", "name": "名称", "industry": "行业代码", "kind": "主体类型", "region": "所在县（市、区）",
    "township": "所在乡镇（街道）", "address": "住所（经营场所）", "established_on": "成立日期",
    "legal_representative": "法定代表人（经营者）", "status": "登记状态", "closed_on": "注销（吊销）日期",
    "figures_year": "经营数据年度", "employees": "从业人员", "revenue": "营业收入（万元）", "assets": "资产总额（万元）",
    "qualified": "具有建筑业或房地产开发资质", "is_key": "重点企业", "contact_name": "联系人", "contact_phone": "联系人手机",
}
TEXT_LIMITS = {"name": 200, "address": 200, "legal_representative": 50, "contact_name": 30}


def _text(value, name: str) -> str:
    text = check_text(str(value or "").strip(), field=name, label=LABELS[name])
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise ActionError(f"{LABELS[name]}不能超过{limit}字。", field=name)
    return text


def _date(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ActionError(f"{LABELS[name]}格式不正确，请写成2021-03-15。", field=name) from None
    if not isinstance(value, date):
        raise ActionError(f"{LABELS[name]}格式不正确，请写成2021-03-15。", field=name)
    if not REGISTERED_SINCE <= value <= LATEST_DATE:
        raise ActionError(f"{LABELS[name]}应在{date_words(REGISTERED_SINCE)}至{date_words(LATEST_DATE)}之间。", field=name)
    return value


def _number(value, name: str, *, whole: bool = False) -> Decimal | int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ActionError(f"{LABELS[name]}应为数字。", field=name) from None
    if not number.is_finite():
        raise ActionError(f"{LABELS[name]}应为数字。", field=name)
    if number < 0:
        raise ActionError(f"{LABELS[name]}不能为负数。", field=name)
    if whole:
        if number != number.to_integral_value():
            raise ActionError(f"{LABELS[name]}应为整数。", field=name)
        if number > MAX_EMPLOYEES:
            raise ActionError(f"{LABELS[name]}超出合理范围。", field=name)
        return int(number)
    if number >= MAX_FIGURE:
        raise ActionError(f"{LABELS[name]}超出合理范围（单位为万元）。", field=name)
    return number.quantize(Decimal("0.01"))


def _flag(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip()
    if text in ("", "否", "0", "false", "False", "N", "n"):
        return False
    if text in ("是", "1", "true", "True", "Y", "y"):
        return True
    raise ActionError(f"{LABELS[name]}请填“是”或“否”。", field=name)


def _choice(value, name: str, choices) -> str:
    value = str(value or "").strip()
    for key, label in choices.choices:
        if value in (key, label):
            return key
    raise ActionError(f"{LABELS[name]}应为{'、'.join(label for _, label in choices.choices)}之一。", field=name)


def _region(value, name: str, *, level: str) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        region = value
    else:
        text = str(value).strip()
        region = Region.objects.filter(code=text).first() or Region.objects.filter(name=text).first()
        if region is None:
            raise ActionError(f"{LABELS[name]}“{text[:30]}”不在本市的行政区划中。", field=name)
    if region.level != level:
        raise ActionError(f"{LABELS[name]}应为{'县（市、区）' if level == RegionLevel.COUNTY else '乡镇（街道）'}。", field=name)
    return region


def industry_for(code: str, *, industries: dict | None = None) -> Industry:
    """A 小类 of GB/T 4754-2017 from its code as people write it: "2922", or with the section
    letter "C2922"."""
    text = str(code or "").strip().upper()
    if len(text) == 5 and text[0].isalpha():
        text = text[1:]
    if not text:
        raise ActionError("请填写行业代码（《国民经济行业分类》小类，四位数字，如2922）。", field="industry")
    found = industries.get(text) if industries is not None else Industry.objects.filter(code=text).first()
    if found is None or found.level != IndustryLevel.CLASS:
        raise ActionError(f"行业代码“{text[:10]}”不是《国民经济行业分类》（GB/T 4754-2017）的小类代码，请填四位小类代码，如2922。",
                          field="industry")
    return found


def clean_entity(draft: EntityDraft, *, industries: dict | None = None, regions: dict | None = None) -> dict:
    """The draft's values, checked and parsed, or ActionError naming the first bad field. The
    county comes from the draft or else from the code's registration-authority digits (3-8)."""
    try:
        uscc = normalize_uscc(check_text(str(draft.uscc or ""), field="uscc", label=LABELS["uscc"]))
    except ValidationError as error:
        raise ActionError(error.messages[0], field="uscc") from None
    name = _text(draft.name, "name")
    if not name:
        raise ActionError("请填写名称。", field="name")
    kind = _choice(draft.kind or EntityKind.ENTERPRISE, "kind", EntityKind)
    region = _region(draft.region, "region", level=RegionLevel.COUNTY)
    if region is None:
        lookup = regions if regions is not None else None
        authority = uscc[2:8]
        region = (lookup.get(authority) if lookup is not None
                  else Region.objects.filter(code=authority, level=RegionLevel.COUNTY).first())
    if region is None:
        raise ActionError("请填写所在县（市、区）：统一社会信用代码的登记机关代码不是本市的县（市、区）。", field="region")
    township = _region(draft.township, "township", level=RegionLevel.TOWNSHIP)
    if township is not None and township.parent_id != region.pk:
        raise ActionError(f"{township.name}不在{region.name}。", field="township")
    status = _choice(draft.status or EntityStatus.ACTIVE, "status", EntityStatus)
    closed_on = _date(draft.closed_on, "closed_on")
    if status == EntityStatus.ACTIVE:
        closed_on = None
    elif closed_on is None:
        raise ActionError("注销或吊销的，请填写注销（吊销）日期。", field="closed_on")
    established_on = _date(draft.established_on, "established_on")
    today = clock.today()
    if established_on and established_on > today:
        raise ActionError("成立日期不能晚于今天。", field="established_on")
    if closed_on and (closed_on > today or (established_on and closed_on < established_on)):
        raise ActionError("注销（吊销）日期应在成立日期和今天之间。", field="closed_on")
    figures_year = _number(draft.figures_year, "figures_year", whole=True)
    if figures_year is not None and not 1978 <= figures_year <= today.year:
        raise ActionError(f"经营数据年度应在1978年至{today.year}年之间。", field="figures_year")
    phone = str(draft.contact_phone or "").strip()
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as error:
            raise ActionError(f"联系人手机：{error.messages[0]}", field="contact_phone") from None
    return {
        "uscc": uscc, "name": name, "kind": kind, "region": region, "township": township,
        "address": _text(draft.address, "address"), "industry": industry_for(draft.industry, industries=industries),
        "established_on": established_on, "legal_representative": _text(draft.legal_representative, "legal_representative"),
        "status": status, "closed_on": closed_on, "figures_year": figures_year,
        "employees": _number(draft.employees, "employees", whole=True), "revenue": _number(draft.revenue, "revenue"),
        "assets": _number(draft.assets, "assets"), "qualified": _flag(draft.qualified, "qualified"),
        "is_key": _flag(draft.is_key, "is_key"), "contact_name": _text(draft.contact_name, "contact_name"),
        "contact_phone": phone,
    }


def derive(values: dict, industry_code: str, on: date) -> dict:
    """Size class and 规上 from the figures, by the rules in force `on`; 个体工商户 are not
    enterprises and are classed by neither."""
    if values["kind"] == EntityKind.INDIVIDUAL:
        return {"size_class": "", "above_scale": False}
    size = sizes.size_class(industry_code, employees=values["employees"], revenue=values["revenue"], assets=values["assets"],
                            on=on)
    return {"size_class": size or "",
            "above_scale": sizes.is_above_scale(industry_code, revenue=values["revenue"], qualified=values["qualified"], on=on)}


def _require_keeper(actor: User | None, region) -> None:
    if actor is not None and not rules.may_keep_registry(actor, region):
        raise NotAllowed("只有本地区营商办的督办员或管理员可以维护市场主体名录。")


@transaction.atomic
def do_register_entity(draft: EntityDraft, *, actor: User | None) -> Entity:
    values = clean_entity(draft)
    _require_keeper(actor, values["region"])
    if Entity.objects.filter(uscc=values["uscc"]).exists():
        raise ActionError(f"统一社会信用代码{values['uscc']}已建档，请修改原档案。", field="uscc")
    values |= derive(values, values["industry"].code, clock.today())
    entity = Entity.objects.create(**values)
    write_event(EventKind.REGISTERED, actor=actor, entity=entity, note=f"建档：{entity.name}",
                data={"size_class": entity.size_class, "above_scale": entity.above_scale})
    return entity


TRACKED = ["name", "kind", "region", "township", "address", "industry", "established_on", "legal_representative", "status",
           "closed_on", "figures_year", "employees", "revenue", "assets", "qualified", "is_key", "contact_name",
           "contact_phone", "size_class", "above_scale"]


def _shown(value) -> object:
    return value.pk if hasattr(value, "pk") else str(value) if isinstance(value, (date, Decimal)) else value


@transaction.atomic
def do_update_entity(entity: Entity, draft: EntityDraft, *, actor: User | None) -> Entity:
    """Replace the file's values with the draft's (the code cannot change: a new code is a new
    entity). Writes one event listing what changed, old and new; nothing changed, no event."""
    entity = locked(entity)
    _require_keeper(actor, entity.region)
    values = clean_entity(draft)
    if values["uscc"] != entity.uscc:
        raise ActionError("统一社会信用代码不能修改。", field="uscc")
    _require_keeper(actor, values["region"])
    values |= derive(values, values["industry"].code, clock.today())
    changed = {name: [_shown(getattr(entity, name)), _shown(values[name])] for name in TRACKED
               if getattr(entity, name) != values[name]}
    if not changed:
        return entity
    for name in TRACKED:
        setattr(entity, name, values[name])
    entity.save()
    data = {"changed": changed}
    if "region" in changed:
        data["left_grids"] = leave_other_counties_grids([entity.pk], clock.today())
    kind = EventKind.CLOSED if "status" in changed and entity.status != EntityStatus.ACTIVE else EventKind.UPDATED
    write_event(kind, actor=actor, entity=entity, note="更新" + "、".join(LABELS.get(n, n) for n in changed if n in LABELS),
                data=data)
    return entity


@transaction.atomic
def do_add_certification(entity: Entity, *, kind: str, valid_from: date, valid_to: date | None = None, number: str = "",
                         actor: User | None) -> Certification:
    entity = locked(entity)
    _require_keeper(actor, entity.region)
    if kind not in CertificationKind.values:
        raise ActionError("请选择认定类别。", field="kind")
    valid_from = check_date(valid_from, field="valid_from", label="有效期起")
    valid_to = check_date(valid_to, field="valid_to", label="有效期至")
    if valid_from is None:
        raise ActionError("请填写有效期起始日期。", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ActionError("有效期至不能早于有效期起。", field="valid_to")
    number = check_text((number or "").strip(), field="number", label="证书编号")[:60]
    overlapping = entity.certifications.filter(kind=kind, valid_from__lte=valid_to or date.max)
    if any(c.valid_to is None or c.valid_to >= valid_from for c in overlapping):
        raise ActionError(f"{CertificationKind(kind).label}在这段时间已有认定记录。", field="valid_from")
    certification = Certification.objects.create(entity=entity, kind=kind, number=number, valid_from=valid_from,
                                                 valid_to=valid_to)
    write_event(EventKind.CERTIFIED, actor=actor, entity=entity, note=f"{CertificationKind(kind).label}（{valid_from}起）",
                data={"certification": certification.pk, "kind": kind})
    return certification


def draft_of(entity: Entity) -> EntityDraft:
    """The file's current values as a draft (a page's form starts from it)."""
    values = {f.name: getattr(entity, f.name) for f in fields(EntityDraft)}
    values["industry"] = entity.industry.code
    return EntityDraft(**values)


EXPORT_FILTERS = ("q", "region", "kind", "size", "scale", "help")


def do_record_registry_export(count: int, *, filters: dict, contacts: bool, actor: User) -> EnterpriseEvent:
    """Who took how many firms out of the registry, with which filter, and whether the contacts'
    phones went with them: an export changes nothing, but personal data left the platform."""
    filters = {key: value[:60] for key, value in filters.items() if key in EXPORT_FILTERS and value}
    return write_event(EventKind.EXPORTED, actor=actor,
                       note=f"导出名录{count}户" + ("（含联系人手机）" if contacts else ""),
                       data={"count": count, "filters": filters, "contacts": contacts})
