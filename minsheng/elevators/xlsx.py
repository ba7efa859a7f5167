"""The cost-share agreement as a spreadsheet: one row a dwelling with its floor, area, weight
and share to the fen, the total, the subsidy and what the owners pay, a signature column, set
up to print on one A4 page."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

from minsheng.elevators import costs
from minsheng.elevators.actions import shares
from minsheng.elevators.models import Application, CostMethod

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _weight(application: Application, floor: int) -> str:
    method = application.cost_method or application.rule_set.cost_method
    table = application.cost_table or application.rule_set.cost_table or {}
    if method == CostMethod.AREA:
        return "按面积"
    if str(floor) in table:
        return f"{table[str(floor)]}{'%' if method == CostMethod.PERCENT else ''}"
    if method == CostMethod.COEFFICIENT:
        return str(costs.default_coefficient(floor))
    return ""


def agreement_sheet(application: Application, *, personal: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "费用分摊"
    entrance = application.entrance
    method = application.cost_method or application.rule_set.cost_method
    title = f"{entrance.building.estate.name}{entrance.building.name}{entrance.name}加装电梯费用分摊协议"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    owners_pay = application.estimated_cost - (application.subsidy or 0)
    sheet.append([f"申请编号：{application.number}　适用规则：{application.rule_set}"])
    sheet.append([f"工程总造价 {application.estimated_cost:,.2f} 元，政府补贴 {application.subsidy or 0:,.2f} 元，"
                  f"业主分摊 {owners_pay:,.2f} 元；分摊方式：{CostMethod(method).label}。"])
    sheet.append([])
    header = ["房号", "楼层", "专有部分面积（㎡）", "系数或比例", "分摊金额（元）", "产权人", "签字"]
    sheet.append(header)
    split = shares(application)
    first = sheet.max_row + 1
    for dwelling in entrance.dwellings.order_by("floor", "number").prefetch_related("owners"):
        names = "、".join(owner.name if personal else owner.name[:1] + "*" for owner in dwelling.owners.all())
        sheet.append([f"{dwelling.number}室", dwelling.floor, float(dwelling.area), _weight(application, dwelling.floor),
                      float(split.get(dwelling.pk, 0)), names, ""])
    last = sheet.max_row
    sheet.append(["合计", "", f"=SUM(C{first}:C{last})", "", f"=SUM(E{first}:E{last})", "", ""])
    for row in sheet.iter_rows(min_row=first - 1, max_row=sheet.max_row, max_col=7):
        for cell in row:
            cell.border = BOX
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row, min_col=3, max_col=5):
        row[0].number_format = "0.00"
        row[2].number_format = "#,##0.00"
    for column, width in zip("ABCDEFG", (10, 6, 16, 12, 16, 18, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([])
    sheet.append(["各户分摊金额精确到分，合计等于业主分摊总额；尾差按最大余数法分配（同余数时楼层高者优先）。"])
    sheet.append(["业主代表签字：　　　　　　　　　日期：　　　　年　　月　　日"])
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.print_title_rows = f"{first - 1}:{first - 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
