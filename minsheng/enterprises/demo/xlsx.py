"""The registry workbook as the smallest valid .xlsx (one sheet, its text in the shared strings
table, dates written as text the way many clerks type them), straight from the rows.

Why not openpyxl's writer (core/spreadsheets.workbook): it takes some ten seconds for the 18,000
rows of 武宁县's list, and the import, reading it back, three more than for this file; the demo
must load in well under a minute. What the import reads is the same either way (it parses both
with openpyxl, and the demo fails on any refused row)."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
                    f'Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
                                   f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_DOC}/sharedStrings" '
                                   f'Target="sharedStrings.xml"/></Relationships>'),
}


def workbook(title: str, rows: list[list]) -> bytes:
    """An .xlsx whose one sheet, `title`, holds `rows` (the first the header)."""
    letters = [get_column_letter(index) for index in range(1, len(rows[0]) + 1)]
    strings: dict[str, int] = {}

    def cell(ref: str, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value}</v></c>'
        text = value.isoformat() if isinstance(value, date) else str(value)
        index = strings.setdefault(text, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    body = "".join(f'<row r="{number}">' + "".join(cell(f"{letter}{number}", value) for letter, value in zip(letters, row))
                   + "</row>" for number, row in enumerate(rows, start=1))
    sheet = (f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:{letters[-1]}{len(rows)}"/>'
             f'<sheetData>{body}</sheetData></worksheet>')
    shared = (f'<sst xmlns="{_MAIN}" uniqueCount="{len(strings)}">'
              + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings) + "</sst>")
    book = (f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets><sheet name="{escape(title)}" sheetId="1" r:id="rId1"/>'
            f'</sheets></workbook>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (*_PARTS.items(), ("xl/workbook.xml", book), ("xl/worksheets/sheet1.xml", sheet),
                           ("xl/sharedStrings.xml", shared)):
            archive.writestr(name, _HEAD + text)
    return buffer.getvalue()
