"""The register of estates, buildings, entrances and dwellings as a spreadsheet (one row a
dwelling, as the property register lists them): read with a row-by-row report, and the blank
template the communities fill in."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font

from minsheng.core.errors import ActionError
from minsheng.core.identity import normalize_mobile, normalize_resident_id
from minsheng.core.spreadsheets import SheetError, cell_text, read_rows
from minsheng.core.text import forbidden_character
from minsheng.elevators.actions.register import check_area
from minsheng.org.models import Region, RegionLevel

MAX_ROWS = 20000

# (key, header, required)
COLUMNS = [
    ("region", "县（市、区）", True),
    ("street", "街道（乡镇）", False),
    ("community", "社区", False),
    ("estate", "小区", True),
    ("year_built", "建成年份", False),
    ("renovation_batch", "老旧小区改造批次", False),
    ("building", "楼栋", True),
    ("floors", "地上层数", True),
    ("entrance", "单元", True),
    ("number", "房号", True),
    ("floor", "楼层", True),
    ("area", "专有部分面积（㎡）", True),
    ("owners", "产权人", True),
    ("id_numbers", "身份证号", False),
    ("phones", "手机号码", False),
    ("over_60", "60岁以上住户人数", False),
]
HEADERS = {header: key for key, header, _ in COLUMNS} | {"专有部分面积": "area", "面积": "area", "县区": "region", "街道": "street"}
LABELS = {key: header for key, header, _ in COLUMNS}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RegisterRow:
    row: int
    region: Region
    street: Region | None
    community: str
    estate: str
    year_built: int | None
    renovation_batch: str
    building: str
    floors: int
    entrance: str
    number: str
    floor: int
    area: Decimal
    owners: list[tuple[str, str, str]]  # (name, id number, phone)
    over_60: int


@dataclass
class ParsedRegister:
    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0


_text = cell_text


def _whole(value, *, low: int, high: int) -> int | None:
    text = _text(value)
    if not text.lstrip("-").isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None


def _parts(text: str) -> list[str]:
    """'甲、乙' -> ['甲', '乙']; a position left empty stays ('139...、' -> ['139...', ''])."""
    if not text.strip():
        return []
    return [part.strip() for part in text.replace("，", "、").replace(",", "、").replace("；", "、").split("、")]


def _split(text: str) -> list[str]:
    return [part for part in _parts(text) if part]


def read_register(data: bytes) -> ParsedRegister:
    parsed = ParsedRegister()
    try:
        rows = read_rows(data, HEADERS, [(key, header) for key, header, required in COLUMNS if required])
    except SheetError as error:
        parsed.errors.append(RowError(0, "", error.message))
        return parsed
    counties = {region.name: region for region in Region.objects.filter(level=RegionLevel.COUNTY)}
    streets = {(region.parent_id, region.name): region for region in Region.objects.filter(level=RegionLevel.TOWNSHIP)}
    seen: dict[tuple, int] = {}
    for row_number, cells in rows:
        parsed.rows_read += 1
        if parsed.rows_read > MAX_ROWS:
            parsed.errors.append(RowError(row_number, "", f"一次最多导入{MAX_ROWS}行。"))
            break
        errors: list[RowError] = []

        def fail(key: str, message: str) -> None:
            errors.append(RowError(row_number, LABELS[key], message))

        for key, value in cells.items():
            text = _text(value)
            if forbidden_character(text) is not None:
                fail(key, "含有不可见的控制字符，请删除后重新导入。")
            elif len(text) > 200:
                fail(key, "内容过长（不能超过200字）。")
        for key, _header, required in COLUMNS:
            if required and _text(cells.get(key)) == "":
                fail(key, "必填，不能为空。")
        if errors:
            parsed.errors.extend(errors)
            continue
        region = counties.get(_text(cells["region"]))
        if region is None:
            fail("region", f"“{_text(cells['region'])}”不是本市的县（市、区）。")
        street = None
        if region is not None and _text(cells.get("street")):
            street = streets.get((region.pk, _text(cells["street"])))
            if street is None:
                fail("street", f"{region.name}没有名为“{_text(cells['street'])}”的街道（乡镇）。")
        year_built = None
        if _text(cells.get("year_built")):
            year_built = _whole(cells["year_built"], low=1900, high=2100)
            if year_built is None:
                fail("year_built", "应为1900至2100之间的年份。")
        floors = _whole(cells["floors"], low=1, high=60)
        if floors is None:
            fail("floors", "应为1至60的整数。")
        floor = _whole(cells["floor"], low=1, high=60)
        if floor is None:
            fail("floor", "应为1至60的整数。")
        elif floors is not None and floor > floors:
            fail("floor", f"不能高于地上层数（{floors}层）。")
        area = None
        try:
            area = check_area(_text(cells["area"]))
        except ActionError as error:
            fail("area", error.message.replace("专有部分面积", "", 1))
        names = _split(_text(cells["owners"]))
        ids = _parts(_text(cells.get("id_numbers")))
        phones = _parts(_text(cells.get("phones")))
        if ids and len(ids) != len(names):
            fail("id_numbers", f"身份证号个数（{len(ids)}）应与产权人个数（{len(names)}）相同，用“、”分隔。")
        if phones and len(phones) != len(names):
            fail("phones", f"手机号码个数（{len(phones)}）应与产权人个数（{len(names)}）相同，用“、”分隔。")
        owners = []
        for position, name in enumerate(names):
            id_number = ids[position] if position < len(ids) else ""
            phone = phones[position] if position < len(phones) else ""
            try:
                id_number = normalize_resident_id(id_number) if id_number else ""
            except ValidationError as error:
                fail("id_numbers", f"{name}：{error.messages[0]}")
            try:
                phone = normalize_mobile(phone) if phone else ""
            except ValidationError as error:
                fail("phones", f"{name}：{error.messages[0]}")
            owners.append((name[:30], id_number, phone))
        over_60 = 0
        if _text(cells.get("over_60")):
            over_60 = _whole(cells["over_60"], low=0, high=20)
            if over_60 is None:
                fail("over_60", "应为0至20的整数。")
        key = (_text(cells["region"]), _text(cells["estate"]), _text(cells["building"]), _text(cells["entrance"]), _text(cells["number"]))
        if key in seen:
            fail("number", f"与第{seen[key]}行是同一户。")
        else:
            seen[key] = row_number
        if errors:
            parsed.errors.extend(errors)
            continue
        parsed.rows.append(RegisterRow(
            row=row_number, region=region, street=street, community=_text(cells.get("community"))[:40], estate=_text(cells["estate"])[:60],
            year_built=year_built, renovation_batch=_text(cells.get("renovation_batch"))[:40], building=_text(cells["building"])[:20],
            floors=floors, entrance=_text(cells["entrance"])[:20], number=_text(cells["number"])[:10], floor=floor, area=area,
            owners=owners, over_60=over_60 or 0,
        ))
    return parsed


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "住户登记"
    sheet.append([header + ("（必填）" if required else "") for _key, header, required in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["浔阳区", "", "湓浦社区", "长运宿舍", 1992, "", "7栋", 7, "1单元", "701", 7, 78.10, "赵金德", "", "", 1])
    sheet.append(["浔阳区", "", "湓浦社区", "长运宿舍", 1992, "", "7栋", 7, "1单元", "702", 7, 63.52, "钱国平、孙丽华", "", "", 0])
    for column in "ABCDEFGHIJKLMNOP":
        sheet.column_dimensions[column].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
