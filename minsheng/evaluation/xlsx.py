"""Frameworks come as workbooks (each evaluation year's, a province's own): one row a
second-level indicator with its first-level one, read here into the rows
actions.do_import_framework checks."""

from minsheng.core.errors import ActionError
from minsheng.core.spreadsheets import SheetError, read_rows
from minsheng.evaluation.actions import FRAMEWORK_COLUMNS

MAX_ROWS = 1000
HEADERS = {header: key for key, header in FRAMEWORK_COLUMNS.items()} | {
    "一级指标名称": "first_name", "二级指标名称": "name", "计量单位": "unit", "指标方向": "direction",
    "权重（一级）": "first_weight", "权重（二级）": "weight", "最优值": "stated_best",
}
REQUIRED = [(key, FRAMEWORK_COLUMNS[key]) for key in ("first_code", "first_name", "first_weight", "code", "name",
                                                        "unit", "direction", "weight", "plausible_min", "plausible_max")]


def read_framework(data: bytes) -> list[dict]:
    """The rows of the first sheet, each with its Excel row number; a file that is not a workbook,
    lacks a column or is too long is refused on the field "file"."""
    try:
        rows = []
        for number, cells in read_rows(data, HEADERS, REQUIRED):
            rows.append({"row": number, **cells})
            if len(rows) > MAX_ROWS:
                raise ActionError(f"一个指标体系最多{MAX_ROWS}个二级指标。", field="file")
    except SheetError as error:
        raise ActionError(error.message, field="file") from None
    if not rows:
        raise ActionError("文件中没有指标。", field="file")
    return rows


def template() -> bytes:
    from minsheng.core.spreadsheets import workbook

    return workbook([("指标体系", [list(FRAMEWORK_COLUMNS.values()), [
        "01", "开办企业", "0.055556", "01.1", "开办企业时间", "天", "越低越好",
        "申请人从提交申请到领取营业执照、刻制印章、申领发票、社保登记的全部用时", "0.25", "0", "60", "0.5", ""]])])


DRAFT_ROWS = 40


def draft_reform_workbook(framework, region, period: int, today) -> bytes:
    """The next reform list, drafted from the indicators furthest from their benchmarks: one task
    a benchmarked indicator where we are behind, in the reform list's columns, its 对应指标 and
    the benchmark's practice filled in; the office assigns the lead departments and imports it."""
    from datetime import date

    from minsheng.core.spreadsheets import workbook
    from minsheng.evaluation import queries

    header = ["序号", "事项名称", "具体内容", "聚焦领域", "层级", "所属地区", "牵头单位", "开始日期", "完成时限", "对应指标",
              "我市现值", "标杆值", "差距占合理范围"]
    rows = [header]
    behind = [gap for gap in queries.gaps(framework, region, period) if gap.gap is not None and gap.gap > 0]
    year = today.year + 1 if today.month >= 11 else today.year
    for number, gap in enumerate(behind[:DRAFT_ROWS], start=1):
        indicator, benchmark = gap.indicator, gap.benchmark
        title = f"对标{benchmark.city}“{benchmark.practice_name}”，提升{indicator.name}"
        rows.append([str(number), title[:200], benchmark.practice, "优化营商环境", "市本级", region.name, "",
                     date(year, 1, 1), date(year, 12, 31), indicator.name,
                     f"{gap.ours.normalize():f}{indicator.unit}", f"{benchmark.value.normalize():f}{indicator.unit}",
                     f"{gap.share:.1%}"])
    return workbook([("改革任务清单（草稿）", rows)])
