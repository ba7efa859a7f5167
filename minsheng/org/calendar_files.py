"""Read one year's official holiday schedule from a small CSV or JSON file.

CSV: a header row `日期,类型,名称`, then one row a day, 类型 being 放假 or 上班 (调休上班).
JSON: {"year": 2027, "source": "国办发明电〔2026〕X号", "days": [{"date": "2027-01-01", "type": "放假", "name": "元旦"}, ...]}
holiday-cn JSON (github.com/NateScarlet/holiday-cn, which many Chinese systems already fetch):
{"year": 2027, "papers": ["https://www.gov.cn/..."], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, ...]}
A holiday-cn year file is one State Council notice: it also lists the days of a holiday that
spans the turn of the year (2019.json has 2018-12-29 上班 and 2018-12-30/31 放假), which no
other file repeats. Those come back as `neighbouring` and are kept as single days of that year.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from minsheng.core.errors import ActionError
from minsheng.core.text import check_text

HOLIDAY_WORDS = {"放假", "休", "休息", "假", "holiday", "off"}
WORKDAY_WORDS = {"上班", "班", "调休上班", "补班", "workday", "work"}


@dataclass
class Schedule:
    year: int
    days: dict[date, tuple[bool, str]]
    source: str = ""
    neighbouring: dict[date, tuple[bool, str]] | None = None  # the same notice's days in the year before or after

    @property
    def summary(self) -> str:
        """What an import of it reports: 2027年安排：放假N天，调休上班M天."""
        holidays = sum(1 for is_working, _name in self.days.values() if not is_working)
        return f"{self.year}年安排：放假{holidays}天，调休上班{len(self.days) - holidays}天"


def _day_type(text: str, where: str) -> bool:
    text = (text or "").strip().lower()
    if text in HOLIDAY_WORDS:
        return False
    if text in WORKDAY_WORDS:
        return True
    raise ActionError(f"{where}「类型」应为“放假”或“上班”，不是“{text}”。", field="file")


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ActionError(f"{where}「日期」“{text}”不是YYYY-MM-DD格式的日期。", field="file") from None


def parse_schedule(content: str, filename: str) -> Schedule:
    entries: list[tuple[str, str, str, str]] = []  # where, date, type, name
    source = ""
    year = None
    if filename.lower().endswith(".json"):
        try:
            document = json.loads(content)
        except json.JSONDecodeError as problem:
            raise ActionError(f"JSON格式错误：第{problem.lineno}行。", field="file") from None
        except (RecursionError, ValueError):  # nested beyond reason, or a number too long to read
            raise ActionError("JSON文件嵌套过深或含有无法读取的数值，不是节假日安排文件。", field="file") from None
        if not isinstance(document, dict) or not isinstance(document.get("days"), list):
            raise ActionError("JSON文件应包含“days”列表。", field="file")
        source = check_text(str(document.get("source", "")), field="file", label="「source」")[:200]
        papers = document.get("papers")
        if not source and isinstance(papers, list) and papers:
            source = check_text(str(papers[0]), field="file", label="「papers」")[:200]
        year = document.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2099):
            raise ActionError(f"JSON文件的“year”应为2000到2099之间的年份，不是“{year}”。", field="file")
        for index, entry in enumerate(document["days"], start=1):
            if not isinstance(entry, dict):
                raise ActionError(f"days第{index}项应为对象。", field="file")
            if "isOffDay" in entry:
                if not isinstance(entry["isOffDay"], bool):
                    raise ActionError(f"days第{index}项「isOffDay」应为true或false。", field="file")
                kind = "放假" if entry["isOffDay"] else "上班"
            else:
                kind = str(entry.get("type", ""))
            entries.append((f"days第{index}项", str(entry.get("date", "")), kind, str(entry.get("name", ""))))
    else:
        reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
        try:
            header = next(reader, None)
            if not header or [cell.strip() for cell in header[:2]] != ["日期", "类型"]:
                raise ActionError("CSV文件第一行应为列名：日期,类型,名称。", field="file")
            for line, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                row = [*row, "", ""]
                entries.append((f"第{line}行", row[0], row[1], row[2].strip()))
        except csv.Error:  # a field longer than the csv module reads, a stray quote
            raise ActionError(f"CSV文件第{reader.line_num}行无法读取（单元格过长或引号不成对）。", field="file") from None
    if not entries:
        raise ActionError("文件中没有日期。", field="file")
    days: dict[date, tuple[bool, str]] = {}
    for where, date_text, type_text, name in entries:
        day = _date(date_text, where)
        if day in days:
            raise ActionError(f"{where}「日期」{day:%Y-%m-%d}重复出现。", field="file")
        days[day] = (_day_type(type_text, where), check_text(name, field="file", label=f"{where}「名称」")[:30])
    years = {day.year for day in days}
    neighbouring: dict[date, tuple[bool, str]] = {}
    if year is None:
        if len(years) != 1:
            raise ActionError("文件中的日期跨越多个年度，请每个年度单独导入。", field="file")
        year = years.pop()
    elif filename.lower().endswith(".json"):
        neighbouring = {day: value for day, value in days.items() if day.year != year}
        days = {day: value for day, value in days.items() if day.year == year}
        if not days:
            raise ActionError(f"文件中没有{year}年的日期。", field="file")
    return Schedule(year=int(year), days=days, source=source, neighbouring=neighbouring)
