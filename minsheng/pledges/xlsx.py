"""Practical-matter lists as spreadsheets: read a workbook into checked item drafts with a
row-by-row report, and write a list back out in the same columns (plus its progress)."""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minsheng.core.errors import ActionError
from minsheng.core.spreadsheets import SheetError, cell_text, read_rows
from minsheng.org.models import Department, Region
from minsheng.pledges.actions import ItemDraft, check_draft, read_point
from minsheng.pledges.models import FocusArea, Level, PledgeList

MAX_ROWS = 5000

# (key, header, required); the import also accepts the aliases below.
COLUMNS = [
    ("number", "序号", True),
    ("parent_number", "上级序号", False),
    ("title", "事项名称", True),
    ("description", "具体内容", False),
    ("focus_area", "聚焦领域", True),
    ("level", "层级", True),
    ("region", "所属地区", True),
    ("location", "实施地区", False),
    ("lead_leader", "牵头领导", False),
    ("lead_department", "牵头单位", True),
    ("co_departments", "配合单位", False),
    ("target", "目标任务", False),
    ("start_date", "开始日期", True),
    ("deadline", "完成时限", True),
    ("weight", "权重", False),
    ("milestones", "节点", False),
    # Last, so a sheet made before they existed still lines up: where the item is built, in
    # WGS-84 degrees (GPS, 天地图), both or neither.
    ("latitude", "纬度", False),
    ("longitude", "经度", False),
]
ALIASES = {
    "项目名称": "title",
    "实事项目": "title",
    "主要内容": "description",
    "责任领导": "lead_leader",
    "牵头部门": "lead_department",
    "责任单位": "lead_department",
    "配合部门": "co_departments",
    "完成时间": "deadline",
    "计划完成时间": "deadline",
    "起始日期": "start_date",
    "所在地区": "location",
    "实施地点": "location",
    "项目所在地": "location",
    "北纬": "latitude",
    "东经": "longitude",
}
HEADERS = {header: key for key, header, _required in COLUMNS} | ALIASES
LABELS = {key: header for key, header, _required in COLUMNS}
EXPORT_EXTRA = ["当前进度（%）", "状态", "完成日期"]


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        return f"{where}「{self.column}」：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class ParsedWorkbook:
    drafts: list[ItemDraft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0


class _Lookups:
    """Names in the sheet resolved against the registers, each register read once."""

    def __init__(self):
        self.focus_areas = {area.name: area for area in FocusArea.objects.all()}
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            self.regions[region.name] = region
            self.regions[region.code] = region
        self.departments: dict[str, list[Department]] = {}
        for department in Department.objects.select_related("region"):
            self.departments.setdefault(department.name, []).append(department)
            if department.short_name:
                self.departments.setdefault(department.short_name, []).append(department)

    def department(self, name: str, region: Region | None) -> Department:
        candidates = self.departments.get(name, [])
        if region is not None and len(candidates) > 1:
            candidates = [d for d in candidates if region.contains(d.region) or d.region.contains(region)] or candidates
        if not candidates:
            raise ValueError(f"没有名为“{name}”的部门，请使用部门全称。")
        if len({d.pk for d in candidates}) > 1:
            raise ValueError(f"“{name}”对应多个部门，请使用全称。")
        return candidates[0]


_text = cell_text


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise ValueError(f"无法识别的日期“{text}”，请写成2026-06-30。")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在。") from None


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,；;\n]", text) if part.strip()]


def _milestones(text: str) -> list[tuple[date, str]]:
    """'2026-03-31 完成选址；2026-09-30 主体完工' → [(date, title), ...]"""
    result = []
    for part in re.split(r"[；;\n]", text):
        part = part.strip()
        if not part:
            continue
        match = re.match(r"(\S+)\s+(.+)", part)
        if not match:
            raise ValueError(f"节点“{part}”应写成“日期 节点名称”，多个节点用分号分隔。")
        result.append((_date(match.group(1)), match.group(2).strip()[:100]))
    return result


def read_workbook(data: bytes, pledge_list: PledgeList) -> ParsedWorkbook:
    """Parse every row; each problem becomes a RowError and the row is left out of the drafts."""
    parsed = ParsedWorkbook()
    try:
        rows = read_rows(data, HEADERS, [(key, header) for key, header, required in COLUMNS if required])
    except SheetError as error:
        parsed.errors.append(RowError(0, "", error.message))
        return parsed

    lookups = _Lookups()
    numbers: dict[str, int] = {}
    for row_number, cells in rows:
        parsed.rows_read += 1
        if parsed.rows_read > MAX_ROWS:
            parsed.errors.append(RowError(row_number, "", f"一次最多导入{MAX_ROWS}行。"))
            break
        draft, row_errors = _read_row(row_number, cells, lookups, pledge_list)
        if draft is not None:
            if draft.number in numbers:
                row_errors.append(RowError(row_number, "序号", f"与第{numbers[draft.number]}行重复。"))
            else:
                numbers[draft.number] = row_number
        parsed.errors.extend(row_errors)
        if draft is not None and not row_errors:
            parsed.drafts.append(draft)

    for draft in parsed.drafts:
        if draft.parent_number:
            if draft.parent_number not in numbers:
                parsed.errors.append(
                    RowError(numbers[draft.number], "上级序号", f"表中没有序号为“{draft.parent_number}”的事项。")
                )
            elif draft.parent_number == draft.number:
                parsed.errors.append(RowError(numbers[draft.number], "上级序号", "不能是本行自己。"))
    by_number = {draft.number: draft for draft in parsed.drafts}
    for draft in parsed.drafts:
        parent = by_number.get(draft.parent_number)
        if parent is not None and parent.parent_number:
            parsed.errors.append(RowError(numbers[draft.number], "上级序号", "子项只能有一层，上级事项本身不能是子项。"))
    parsed.errors.sort(key=lambda error: error.row)
    return parsed


def _read_row(row_number: int, cells: dict, lookups: _Lookups, pledge_list: PledgeList):
    errors: list[RowError] = []
    values: dict = {}

    def fail(key: str, message: str) -> None:
        errors.append(RowError(row_number, LABELS[key], message))

    for key, header, required in COLUMNS:
        if required and _text(cells.get(key)) == "":
            fail(key, "必填，不能为空。")
    if errors:
        return None, errors

    values["number"] = _text(cells["number"])[:20]
    values["parent_number"] = _text(cells.get("parent_number"))[:20]
    title = _text(cells["title"])
    if len(title) > 200:
        fail("title", "不能超过200字。")
    values["title"] = title
    values["description"] = _text(cells.get("description"))
    values["target"] = _text(cells.get("target"))
    values["lead_leader"] = _text(cells.get("lead_leader"))[:60]

    area_name = _text(cells["focus_area"])
    values["focus_area"] = lookups.focus_areas.get(area_name)
    if values["focus_area"] is None:
        fail("focus_area", f"“{area_name}”不是已设置的聚焦领域（{'、'.join(lookups.focus_areas) or '尚未设置'}）。")

    level_text = _text(cells["level"])
    level = {label: value for value, label in Level.choices}.get(level_text)
    if level is None:
        fail("level", f"应为“市本级”或“县级”，不是“{level_text}”。")
    values["level"] = level

    region_text = _text(cells["region"])
    region = lookups.regions.get(region_text)
    if region is None:
        fail("region", f"没有名为“{region_text}”的行政区划。")
    values["region"] = region

    location_text = _text(cells.get("location"))
    values["location"] = None
    if location_text:
        values["location"] = lookups.regions.get(location_text)
        if values["location"] is None:
            fail("location", f"没有名为“{location_text}”的行政区划。")

    for key in ("lead_department",):
        try:
            values[key] = lookups.department(_text(cells[key]), region)
        except ValueError as problem:
            fail(key, str(problem))
    co_departments = []
    for name in _split(_text(cells.get("co_departments"))):
        try:
            co_departments.append(lookups.department(name, region))
        except ValueError as problem:
            fail("co_departments", str(problem))
    values["co_departments"] = co_departments

    for key in ("start_date", "deadline"):
        try:
            values[key] = _date(cells[key])
        except ValueError as problem:
            fail(key, str(problem))

    weight_text = _text(cells.get("weight"))
    values["weight"] = None
    if weight_text:
        try:
            weight = Decimal(weight_text)
            if weight <= 0 or weight >= 10000:
                raise InvalidOperation
            values["weight"] = weight.quantize(Decimal("0.01"))
        except InvalidOperation:
            fail("weight", f"应为大于0的数字，不是“{weight_text}”。")

    try:
        values["milestones"] = _milestones(_text(cells.get("milestones")))
    except ValueError as problem:
        fail("milestones", str(problem))

    try:
        values["latitude"], values["longitude"] = read_point(_text(cells.get("latitude")), _text(cells.get("longitude")))
    except ActionError as problem:
        fail(problem.field, problem.message)

    if errors:
        return None, errors
    draft = ItemDraft(**values)
    for key, message in check_draft(draft, pledge_list):
        fail(key, message)
    return draft, errors


def write_workbook(pledge_list: PledgeList, today: date) -> bytes:
    from minsheng.pledges.models import Status

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "实事清单"
    headers = [header for _key, header, _required in COLUMNS] + EXPORT_EXTRA
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    items = (
        pledge_list.items.select_related("parent", "focus_area", "region", "location", "lead_department")
        .prefetch_related("co_departments", "milestones")
        .order_by("id")
    )
    for item in items:
        sheet.append(
            [
                item.number,
                item.parent.number if item.parent else "",
                item.title,
                item.description,
                item.focus_area.name,
                item.get_level_display(),
                item.region.name,
                item.location.name if item.location else "",
                item.lead_leader,
                item.lead_department.name,
                "、".join(d.name for d in item.co_departments.all()),
                item.target,
                item.start_date,
                item.deadline,
                item.weight,
                "；".join(f"{m.due_date:%Y-%m-%d} {m.title}" for m in item.milestones.all()),
                item.latitude,
                item.longitude,
                item.percent,
                Status(item.status_on(today)).label,
                item.completed_on,
            ]
        )
    widths = [8, 8, 40, 50, 12, 8, 10, 10, 16, 18, 24, 30, 12, 12, 8, 40, 11, 11, 10, 8, 12]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    """An empty sheet with the expected columns, for staff to fill in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "实事清单"
    sheet.append([header + ("（必填）" if required else "") for _key, header, required in COLUMNS])
    sheet.append(
        [
            "1",
            "",
            "老旧小区既有住宅加装电梯",
            "对具备条件的老旧小区住宅加装电梯给予补助",
            "聚焦民生保障",
            "县级",
            "湖口县",
            "",
            "王强（副县长）",
            "湖口县住建局",
            "湖口县财政局",
            "全年完成加装电梯20部",
            "2026-01-01",
            "2026-12-31",
            "",
            "2026-06-30 完成10部；2026-12-31 完成20部",
            "",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
