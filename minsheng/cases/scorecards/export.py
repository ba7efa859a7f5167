"""The scorecard as .xlsx: 部门考核 (the page's table), 地区汇总 and 说明 (the definitions).

Number columns hold numbers only: a rate is a fraction of 1 formatted as a percentage, rounded
as the page shows it; an undefined figure is an empty cell (never "—" text, which would break
a spreadsheet's sums and sorting). The rank has its own column, the reason a department is
not ranked another."""

import io

from django.utils import timezone

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minsheng.cases.scorecards.definitions import (
    COHORT_TEXT,
    COMPOSITE_TEXT,
    DEFINITIONS,
    UNDEFINED_TEXT,
    VOLUME_TEXT,
    Rate,
    Score,
    round_half_up,
)
from minsheng.cases.scorecards.report import Period, ScorecardReport


def _figure(key: str):
    def value(score: Score):
        rate = score.rate(key)
        if rate.percent is None:
            return None
        return rate.percent if rate.average else round(rate.percent / 100, 4)

    return value


def _composite(score: Score):
    return None if score.composite is None else round_half_up(score.composite * 100)


# header, width, value, number format (None: text)
RANK_COLUMNS = [
    ("排名", 7, lambda s: s.rank, "0"),
    ("不参与排名的原因", 26, lambda s: s.unranked_reason, None),
]
NAME_COLUMNS = [
    ("部门", 26, lambda s: s.name, None),
    ("地区", 12, lambda s: s.region_name, None),
]
FIGURE_COLUMNS = [
    ("办件量", 9, lambda s: s.volume, "0"),
    *[
        (f"{d.label}（{d.unit}）" if d.average else d.label, 13, _figure(d.key), "0.0" if d.average else "0.0%")
        for d in DEFINITIONS
    ],
]
COMPOSITE_COLUMN = ("综合得分", 10, _composite, "0.0")
# The counts behind the rates, so a reader can check any of them.
COUNT_COLUMNS = [
    ("派单数", 8, lambda s: s.sign_stages, "0"),
    ("按时签收", 9, lambda s: s.signed_on_time, "0"),
    ("超时签收", 9, lambda s: s.signed_late, "0"),
    ("超时未签收", 10, lambda s: s.unsigned_overdue, "0"),
    ("时限内退单", 10, lambda s: s.returned_on_time, "0"),
    ("超时退单", 9, lambda s: s.returned_late, "0"),
    ("退单获认可", 10, lambda s: s.return_accepted, "0"),
    ("退单被驳回", 10, lambda s: s.return_rejected, "0"),
    ("办理轮次", 9, lambda s: s.cycles, "0"),
    ("按时办结", 9, lambda s: s.closed_on_time, "0"),
    ("超时办结", 9, lambda s: s.closed_late, "0"),
    ("超期未办结", 10, lambda s: s.handling_overdue, "0"),
    ("办结数", 8, lambda s: s.closed, "0"),
    ("自报已解决", 10, lambda s: s.reported_solved, "0"),
    ("已回访", 8, lambda s: s.satisfied + s.reopened, "0"),
    ("满意或基本满意", 12, lambda s: s.satisfied, "0"),
    ("群众认可已解决", 12, lambda s: s.confirmed_solved, "0"),
    ("不满意重办", 10, lambda s: s.reopened, "0"),
]
EXPORT_COLUMNS = RANK_COLUMNS + NAME_COLUMNS + FIGURE_COLUMNS + [COMPOSITE_COLUMN] + COUNT_COLUMNS
REGION_COLUMNS = [("地区", 16, lambda s: s.name, None)] + FIGURE_COLUMNS + COUNT_COLUMNS


def _write_sheet(sheet, title: str, scores: list[Score], columns) -> None:
    sheet.title = title
    sheet.append([header for header, _width, _value, _format in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for score in scores:
        row = []
        for _header, _width, value, number_format in columns:
            cell = value(score)
            if number_format is None:
                cell = cell or None  # no empty strings: an empty cell
            elif isinstance(cell, Rate | str):
                raise TypeError("a number column got text")  # a guard for whoever adds a column
            row.append(cell)
        sheet.append(row)
    for index, (_header, width, _value, number_format) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"


def definition_rows(report: ScorecardReport | None = None) -> list[tuple[str, str]]:
    """The 说明 sheet: the report's scope, then every figure's definition."""
    rows = []
    if report is not None:
        as_of = f"{timezone.localtime(report.as_of):%Y-%m-%d %H:%M}" if report.as_of else ""
        rows += [
            ("统计期间", report.period.label),
            ("统计时点", f"{as_of}（尚未完成的环节按此时点判断是否超时）"),
            ("范围", report.scope or ""),
            ("参与排名的最低办件量", f"{report.min_volume}件"),
        ]
    rows += [("统计方法", COHORT_TEXT), ("办件量", VOLUME_TEXT)]
    rows += [(d.label, d.text) for d in DEFINITIONS]
    rows += [("综合得分", COMPOSITE_TEXT), ("空白", UNDEFINED_TEXT.replace("“—”", "空白单元格"))]
    return rows


def scorecard_workbook(report: ScorecardReport) -> bytes:
    workbook = Workbook()
    _write_sheet(workbook.active, "部门考核", report.rows, EXPORT_COLUMNS)
    _write_sheet(workbook.create_sheet(), "地区汇总", [*report.regions, report.total], REGION_COLUMNS)
    notes = workbook.create_sheet("说明")
    for row in definition_rows(report):
        notes.append(row)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    for cell in notes["A"]:
        cell.font = Font(bold=True)
    for cell in notes["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(period: Period) -> str:
    return f"办件考核_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.xlsx"
