"""The policies app's spreadsheets: the eligible firms of a policy and its payouts as exports (one
header row, bold and frozen, streamed from the database: a policy may match 100,000 firms), and
the import of firms' yearly figures by data source (read here, checked and written by
actions.do_import_figures) with its blank template."""

from datetime import date
from itertools import chain

from django.db.models import OuterRef, Subquery

from minsheng.core.errors import ActionError
from minsheng.core.spreadsheets import SheetError, read_rows, workbook
from minsheng.policies import benefits, queries
from minsheng.policies.actions import FIGURE_COLUMNS, FIGURES_MAX_ROWS
from minsheng.policies.models import DataSource, FigureField, FirmFigure, Payout, PayoutState, Policy

EXPORT_CHUNK = 2000  # rows read from the database at a time
YES_NO = {True: "是", False: "否"}


# --- exports ----------------------------------------------------------------------------------------

def eligible_workbook(policy: Policy, day: date) -> bytes:
    """The firms that meet the policy's conditions on `day` (queries.eligible, one query, read a
    chunk at a time), by county and name, with last year's base figure when the benefit is
    computed from one, and what each would receive (benefits.amount_for: empty when its base
    figure is missing or below every tier)."""
    formula = queries.formula_of(policy)
    base_year = day.year - 1
    header = ["名称", "统一社会信用代码", "所在县（市、区）", "所在乡镇（街道）", "行业", "企业规模", "规上"]
    firms = queries.eligible(policy, day).select_related("region", "township", "industry")
    if policy.base_field:
        header.append(f"{base_year}年{FigureField(policy.base_field).label}")
        firms = firms.annotate(base_value=Subquery(
            FirmFigure.objects.filter(entity=OuterRef("pk"), year=base_year, field=policy.base_field).values("value")[:1]))
    header.append("测算金额（元）")

    def cells(entity) -> list:
        row = [entity.name, entity.uscc, entity.region.name, entity.township.name if entity.township_id else "",
               str(entity.industry) if entity.industry_id else "", entity.get_size_class_display(),
               YES_NO[entity.above_scale]]
        base = None
        if policy.base_field:
            base = entity.base_value
            row.append(base)
        row.append(benefits.amount_for(formula, base))
        return row

    rows = chain([header], (cells(entity) for entity in
                            firms.order_by("region__code", "name", "pk").iterator(chunk_size=EXPORT_CHUNK)))
    return workbook([("符合条件的企业", rows)])


def payouts_workbook(policy: Policy, state: str | None = None) -> bytes:
    """The policy's payouts (all, or those in one state: an unknown state is refused, naming
    the field "state"), in the order they were listed: the firm, the year, the amount, the step
    and its limit, the publicity's end, the payment date, the note, and whether it came from an
    application (with its case number) or was delivered without one (免申即享)."""
    payouts = Payout.objects.filter(policy=policy)
    if state:
        if state not in PayoutState.values:
            raise ActionError("没有这个兑现状态。", field="state")
        payouts = payouts.filter(state=state)
    header = ["企业", "统一社会信用代码", "年度", "金额（元）", "状态", "本环节期限", "公示截止", "拨付日期", "说明",
              "兑现方式", "申报办件编号"]

    def cells(payout: Payout) -> list:
        application = getattr(payout, "application", None)  # the reverse one-to-one: None without one
        return [payout.entity.name, payout.entity.uscc, payout.year, payout.amount, payout.get_state_display(),
                payout.due_on, payout.publicity_ends_on, payout.paid_on, payout.note,
                "依申请" if application is not None else "免申即享",
                application.case.number if application is not None else ""]

    rows = chain([header], (cells(payout) for payout in
                            payouts.select_related("entity", "application__case").order_by("listed_at", "pk")
                            .iterator(chunk_size=EXPORT_CHUNK)))
    return workbook([("兑现名单", rows)])


# --- the import of yearly figures -------------------------------------------------------------------

MAX_BYTES = 30 * 1024 * 1024  # 200,000 rows of four columns are about 6 MB
REQUIRED = [(key, header) for key, header in FIGURE_COLUMNS.items()]
_ALIASES = {
    "uscc": ["社会信用代码", "信用代码", "统一代码", "企业代码"],
    "year": ["年份", "数据年度", "所属年度"],
    "field": ["指标名称", "指标代码", "数据项", "项目"],
    "value": ["数据", "值", "指标值"],
}
HEADERS = {name: key for key, header in FIGURE_COLUMNS.items() for name in (header, *_ALIASES[key])}
EXAMPLES = {"uscc": None, "year": 2025, "field": "营业收入（万元）", "value": 18000}
NOTES = {
    "uscc": "18位，按营业执照填写；须为企业库中已建档的市场主体。",
    "year": "数据所属的年度，如2025，在2000年至今年之间。",
    "field": "指标名称或代码，见“指标”表，如“营业收入（万元）”“营业收入”或“revenue”。",
    "value": "按指标的单位填写的数字，不能为负数；从业人员、有效发明专利为整数，研发投入占比不超过100；"
             "小数保留两位（多于两位的四舍五入）。",
}


def _example_uscc() -> str:
    from minsheng.enterprises.actions.imports import EXAMPLE_USCC

    return EXAMPLE_USCC


def read_figures(uploaded_file) -> list[dict]:
    """The rows of an uploaded workbook of yearly figures (first sheet, columns found by the names
    in the first row, in any order): [{"row": Excel's row number, "uscc", "year", "field",
    "value": the cells as read}], empty rows left out. The rows are checked by
    actions.do_import_figures; here only the file: refused with ActionError on "file" when there
    is none, it is empty, not an .xlsx (by its first bytes and name), too big, unpacks to too
    much, lacks a column, has no data row or more than FIGURES_MAX_ROWS. Accepts an uploaded file
    or the workbook's bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.core.text import check_text
    from minsheng.core.uploads import XLSX_KIND, check_upload
    from minsheng.enterprises.actions.imports import check_archive

    if uploaded_file is None:
        raise ActionError("请选择要导入的文件。", field="file")
    if isinstance(uploaded_file, (bytes, bytearray)):
        uploaded_file = SimpleUploadedFile("企业年度数据.xlsx", bytes(uploaded_file))
    check_upload(uploaded_file, field="file", label="文件", kinds=(XLSX_KIND,), max_bytes=MAX_BYTES)
    name = check_text((uploaded_file.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1], field="file",
                      label="文件名")[:200]
    uploaded_file.seek(0)
    data = uploaded_file.read()
    check_archive(data, name)
    try:
        found = read_rows(data, HEADERS, REQUIRED)
    except SheetError as error:
        raise ActionError(error.message, field="file") from None
    rows = []
    for number, cells in found:
        if len(rows) >= FIGURES_MAX_ROWS:
            raise ActionError(f"文件超过{FIGURES_MAX_ROWS:,}行，请分成几个文件导入。", field="file")
        rows.append({"row": number, **cells})
    if not rows:
        raise ActionError("文件中没有数据行：第一行为列名，从第二行起一行一项数据。", field="file")
    return rows


def figures_template() -> bytes:
    """The blank workbook: the four columns with an example row, a sheet documenting them, and
    the indicators with their codes and units."""
    examples = {**EXAMPLES, "uscc": _example_uscc()}
    entry = [[f"{header}（必填）" for header in FIGURE_COLUMNS.values()], [examples[key] for key in FIGURE_COLUMNS]]
    notes = [["列名", "说明", "示例"]] + [[header, NOTES[key], str(examples[key])] for key, header in FIGURE_COLUMNS.items()]
    notes.append([])
    notes.append(["说明", "一行为一户企业一个年度的一项指标；第一行为列名，列的顺序不限。一个文件的数据来自同一数据来源"
                        f"（上传时选择：{'、'.join(DataSource.labels)}）。同一企业、年度、指标在文件中只能有一行；"
                        "已有的数据按新导入的替换。任何一行有误，整个文件都不导入。"
                        f"一次最多导入{FIGURES_MAX_ROWS:,}行。", ""])
    indicators = [["指标", "代码"]] + [[label, code] for code, label in FigureField.choices]
    return workbook([("企业年度数据", entry), ("填写说明", notes), ("指标", indicators)])
