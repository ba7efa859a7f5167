"""Reading a workbook's first sheet by column names, as every import does."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from minsheng.core.spreadsheets import SheetError, read_rows

HEADERS = {"名称": "name", "人数": "people", "日期": "day"}
REQUIRED = [("name", "名称")]


def book(cells: dict[str, object]) -> bytes:
    workbook = Workbook()
    for address, value in cells.items():
        workbook.active[address] = value
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def test_it_reads_rows_by_header_names_with_excel_row_numbers():
    data = book({"A1": "人数", "B1": "名称（必填）", "C1": "日期", "A2": 5, "B2": "宏丰", "C2": date(2020, 1, 2),
                 "B4": "星火"})
    rows = list(read_rows(data, HEADERS, REQUIRED))
    assert [number for number, _ in rows] == [2, 4]  # the empty row 3 is skipped, not renumbered
    assert rows[0][1] == {"people": 5, "name": "宏丰", "day": date(2020, 1, 2)}
    assert rows[1][1]["name"] == "星火"


def test_a_table_that_does_not_start_at_a1_keeps_its_columns_and_row_numbers():
    data = book({"C1": "名称", "D1": "人数", "C3": "宏丰", "D3": 7})
    assert list(read_rows(data, HEADERS, REQUIRED)) == [(3, {"name": "宏丰", "people": 7})]


@pytest.mark.parametrize("cells", [{"A2": "名称", "A3": "宏丰"}, {}, {"A1": "人数", "A2": 3}])
def test_a_sheet_without_the_required_header_in_row_1_is_refused(cells):
    with pytest.raises(SheetError, match="缺少必填列：名称"):
        read_rows(book(cells), HEADERS, REQUIRED)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not really", b"name,people\n", b"\x00" * 100])
def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(data):
    with pytest.raises(SheetError, match="无法作为Excel"):
        read_rows(data, HEADERS, REQUIRED)
