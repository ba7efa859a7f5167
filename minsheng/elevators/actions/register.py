"""The register: estates, buildings, entrances, dwellings and their owners. The xlsx import and
the admin call these; each writes one RegisterEvent."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.identity import normalize_mobile, normalize_resident_id
from minsheng.core.text import check_text
from minsheng.elevators.models import Building, Dwelling, Entrance, Estate, Owner, RegisterEvent
from minsheng.org.access import in_jurisdiction, is_staff_member
from minsheng.org.models import Region, RegionLevel, User

MAX_AREA = Decimal("10000")


def _may_register(actor: User | None, region: Region) -> None:
    if actor is not None and not (is_staff_member(actor) and in_jurisdiction(actor, region)):
        raise NotAllowed("只能登记本辖区的小区。")


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = check_text((value or "").strip(), field=field, label=label)
    if required and not value:
        raise ActionError(f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ActionError(f"{label}不能超过{max_length}字。", field=field)
    return value


def check_area(value, *, field: str = "area", label: str = "专有部分面积") -> Decimal:
    """An exclusive area in m² with at most two decimals, as the property register writes it."""
    try:
        area = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(f"{label}应为数字，如63.52。", field=field) from None
    if not area.is_finite():
        raise ActionError(f"{label}应为数字，如63.52。", field=field)
    if area <= 0 or area >= MAX_AREA:
        raise ActionError(f"{label}应大于0、小于{MAX_AREA}㎡。", field=field)
    if area != area.quantize(Decimal("0.01")):
        raise ActionError(f"{label}最多保留两位小数。", field=field)
    return area.quantize(Decimal("0.01"))


@transaction.atomic
def do_create_estate(*, region: Region, name: str, street: Region | None = None, community: str = "", address: str = "",
                     year_built: int | None = None, renovation_batch: str = "", actor: User | None) -> Estate:
    if region.level != RegionLevel.COUNTY:
        raise ActionError("小区应登记在县（市、区）下。", field="region")
    if street is not None and street.parent_id != region.pk:
        raise ActionError(f"{street.name}不属于{region.name}。", field="street")
    _may_register(actor, region)
    name = _text(name, field="name", label="小区名称", max_length=60)
    if Estate.objects.filter(region=region, name=name).exists():
        raise ActionError(f"{region.name}已登记名为“{name}”的小区。", field="name")
    if year_built is not None and not 1900 <= year_built <= 2100:
        raise ActionError("建成年份应在1900年至2100年之间。", field="year_built")
    estate = Estate.objects.create(
        region=region, street=street, name=name,
        community=_text(community, field="community", label="社区", max_length=40, required=False),
        address=_text(address, field="address", label="地址", max_length=120, required=False),
        year_built=year_built,
        renovation_batch=_text(renovation_batch, field="renovation_batch", label="老旧小区改造批次", max_length=40, required=False),
    )
    RegisterEvent.objects.create(estate=estate, actor=actor, kind="estate_created", note=f"登记小区{name}")
    return estate


@dataclass
class OwnerDraft:
    name: str
    id_number: str = ""
    phone: str = ""


@dataclass
class DwellingDraft:
    number: str
    floor: int
    area: Decimal | str
    owners: list[OwnerDraft] = field(default_factory=list)
    residents_over_60: int = 0


def _owner(draft: OwnerDraft, *, row: str) -> Owner:
    """The register's row for a person: found by ID number when given (one person owning several
    dwellings is one owner, one head in a vote), else a new row."""
    name = _text(draft.name, field="owners", label=f"{row}产权人姓名", max_length=30)
    id_number = ""
    if draft.id_number.strip():
        try:
            id_number = normalize_resident_id(draft.id_number)
        except ValidationError as error:
            raise ActionError(f"{row}产权人身份证号：{error.messages[0]}", field="owners") from None
    phone = ""
    if draft.phone.strip():
        try:
            phone = normalize_mobile(draft.phone)
        except ValidationError as error:
            raise ActionError(f"{row}产权人手机号码：{error.messages[0]}", field="owners") from None
    if id_number:
        owner, created = Owner.objects.get_or_create(id_number=id_number, defaults={"name": name, "phone": phone})
        if not created and owner.name != name:
            raise ActionError(f"{row}身份证号{owner.masked_id_number}已登记为另一姓名的业主，请核对。", field="owners")
        return owner
    return Owner.objects.create(name=name, phone=phone)


@transaction.atomic
def do_add_building(estate: Estate, *, name: str, floors: int, entrances: list[str], actor: User | None) -> Building:
    _may_register(actor, estate.region)
    name = _text(name, field="name", label="楼栋", max_length=20)
    if not isinstance(floors, int) or not 1 <= floors <= 60:
        raise ActionError("地上层数应为1至60的整数。", field="floors")
    if Building.objects.filter(estate=estate, name=name).exists():
        raise ActionError(f"{estate.name}已有{name}。", field="name")
    names = [_text(entrance, field="entrances", label="单元", max_length=20) for entrance in entrances]
    if not names:
        raise ActionError("请至少登记一个单元。", field="entrances")
    if len(set(names)) != len(names):
        raise ActionError("单元名称重复。", field="entrances")
    building = Building.objects.create(estate=estate, name=name, floors=floors)
    Entrance.objects.bulk_create([Entrance(building=building, name=entrance) for entrance in names])
    RegisterEvent.objects.create(estate=estate, actor=actor, kind="building_added", note=f"登记{name}（{len(names)}个单元）",
                                 data={"building": building.pk, "entrances": names})
    return building


@transaction.atomic
def do_add_dwellings(entrance: Entrance, drafts: list[DwellingDraft], *, actor: User | None) -> list[Dwelling]:
    """Add an entrance's dwellings with their owners: all or none."""
    estate = entrance.building.estate
    _may_register(actor, estate.region)
    if not drafts:
        raise ActionError("请至少登记一户。", field="dwellings")
    taken = set(entrance.dwellings.values_list("number", flat=True))
    created = []
    for draft in drafts:
        number = _text(draft.number, field="number", label="房号", max_length=10)
        row = f"{number}室"
        if number in taken:
            raise ActionError(f"{entrance}已登记{row}。", field="number")
        taken.add(number)
        if not isinstance(draft.floor, int) or not -3 <= draft.floor <= entrance.building.floors or draft.floor == 0:
            raise ActionError(f"{row}楼层应在1至{entrance.building.floors}层之间。", field="floor")
        area = check_area(draft.area, label=f"{row}专有部分面积")
        if not draft.owners:
            raise ActionError(f"{row}请至少登记一名产权人。", field="owners")
        owners = [_owner(owner, row=row) for owner in draft.owners]
        if not 0 <= draft.residents_over_60 <= 20:
            raise ActionError(f"{row}60岁以上住户人数应在0至20之间。", field="residents_over_60")
        dwelling = Dwelling.objects.create(entrance=entrance, number=number, floor=draft.floor, area=area, voter=owners[0],
                                           residents_over_60=draft.residents_over_60)
        dwelling.owners.set(owners)
        created.append(dwelling)
    RegisterEvent.objects.create(estate=estate, actor=actor, kind="dwellings_added", note=f"{entrance}登记{len(created)}户",
                                 data={"entrance": entrance.pk, "dwellings": [d.pk for d in created]})
    return created


@transaction.atomic
def do_import_register(rows, *, actor: User | None) -> dict:
    """A register workbook's checked rows (register_xlsx.read_register), all or nothing: estates,
    buildings and entrances found by name or created, then each entrance's dwellings. A refusal
    names the first row it concerns."""
    counts = {"estates": 0, "buildings": 0, "entrances": 0, "dwellings": 0}
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault((row.region.pk, row.estate, row.building, row.entrance), []).append(row)
    for (_region, estate_name, building_name, entrance_name), group in groups.items():
        first = group[0]
        try:
            estate = Estate.objects.filter(region=first.region, name=estate_name).first()
            if estate is None:
                estate = do_create_estate(region=first.region, street=first.street, community=first.community, name=estate_name,
                                          year_built=first.year_built, renovation_batch=first.renovation_batch, actor=actor)
                counts["estates"] += 1
            else:
                _may_register(actor, estate.region)
            building = estate.buildings.filter(name=building_name).first()
            if building is None:
                building = do_add_building(estate, name=building_name, floors=first.floors, entrances=[entrance_name], actor=actor)
                counts["buildings"] += 1
                counts["entrances"] += 1
            elif building.floors != first.floors:
                raise ActionError(f"{estate_name}{building_name}已登记为{building.floors}层，表中为{first.floors}层。", field="floors")
            entrance = building.entrances.filter(name=entrance_name).first()
            if entrance is None:
                entrance = Entrance.objects.create(building=building, name=entrance_name)
                RegisterEvent.objects.create(estate=estate, actor=actor, kind="entrance_added", note=f"登记{entrance}")
                counts["entrances"] += 1
            drafts = [DwellingDraft(number=row.number, floor=row.floor, area=row.area, residents_over_60=row.over_60,
                                    owners=[OwnerDraft(name=name, id_number=id_number, phone=phone) for name, id_number, phone in row.owners])
                      for row in group]
            counts["dwellings"] += len(do_add_dwellings(entrance, drafts, actor=actor))
        except ActionError as error:
            raise ActionError(f"第{first.row}行起（{estate_name}{building_name}{entrance_name}）：{error.message}", field="file") from None
    return counts
