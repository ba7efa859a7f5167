"""Every change to the evaluation's data: a framework imported whole, a region's measurement, a
benchmark city's practice. One function a verb, atomic, one event; refusals name the field (or
the workbook's row and column) and save nothing."""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import clean_text
from minsheng.evaluation import rules, scoring
from minsheng.evaluation.models import (
    Benchmark,
    Direction,
    EvaluationEvent,
    EventKind,
    FirstIndicator,
    Framework,
    Measurement,
    ReformTask,
    Scope,
    SecondIndicator,
)

LARGEST = Decimal("1e12")
DIRECTION_WORDS = {"lower": Direction.LOWER, "越低越好": Direction.LOWER, "越小越好": Direction.LOWER, "低": Direction.LOWER,
                   "higher": Direction.HIGHER, "越高越好": Direction.HIGHER, "越大越好": Direction.HIGHER,
                   "高": Direction.HIGHER}
# The workbook's columns (xlsx.read_framework gives rows with these keys; the API and tests the same).
FRAMEWORK_COLUMNS = {
    "first_code": "一级指标编号", "first_name": "一级指标", "first_weight": "一级指标权重",
    "code": "二级指标编号", "name": "二级指标", "unit": "单位", "direction": "方向", "method": "测量方法",
    "weight": "二级指标权重", "plausible_min": "合理下限", "plausible_max": "合理上限",
    "stated_best": "前沿值", "stated_worst": "最差值",
}


def write_event(kind: str, *, actor, framework=None, region=None, note: str = "", data: dict | None = None,
                is_public: bool = False) -> EvaluationEvent:
    return EvaluationEvent.objects.create(kind=kind, actor=actor, framework=framework, region=region, note=note,
                                          data=data or {}, is_public=is_public, created_at=clock.now())


def _decimal(value, label: str, *, required: bool = True) -> Decimal | None:
    """A number as typed or read from a cell: finite, of sensible size; None when optional and empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"请填写{label}。")
        return None
    if isinstance(value, bool):
        raise ValueError(f"{label}应为数字。")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{label}应为有限的数字。")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{label}应为数字。") from None
    if not number.is_finite():
        raise ValueError(f"{label}应为有限的数字。")
    if abs(number) >= LARGEST:
        raise ValueError(f"{label}过大。")
    return number


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


# --- frameworks --------------------------------------------------------------------------------------

@dataclass
class CheckedSecond:
    code: str
    name: str
    unit: str
    direction: str
    method: str
    weight: Decimal
    plausible_min: Decimal
    plausible_max: Decimal
    stated_best: Decimal | None
    stated_worst: Decimal | None


@dataclass
class CheckedFirst:
    code: str
    name: str
    weight: Decimal
    seconds: list[CheckedSecond]


class FrameworkRefused(ActionError):
    """A framework workbook refused because of its rows: nothing saved. `problems` lists
    {"row", "column", "message"}; the message names the first few, on the field "file"."""

    def __init__(self, problems: list[dict]):
        shown = "；".join(_problem_text(problem) for problem in problems[:5])
        more = f"等{len(problems)}处" if len(problems) > 5 else ""
        super().__init__(f"指标体系有误，未导入：{shown}{more}。", field="file")
        self.problems = problems


def _problem_text(problem: dict) -> str:
    where = f"第{problem['row']}行" if problem.get("row") else "整表"
    return f"{where}「{problem['column']}」{problem['message']}" if problem.get("column") else f"{where}：{problem['message']}"


def check_framework_rows(rows) -> list[CheckedFirst]:
    """Every row checked, then the weights: each first-level indicator's weight given alike on
    its rows, the first-level weights summing to 1, each one's second-level weights summing to 1.
    Raises FrameworkRefused with every problem found."""
    problems: list[dict] = []
    firsts: dict[str, CheckedFirst] = {}
    seen_codes: dict[str, int] = {}

    def fail(row, key, message):
        problems.append({"row": row, "column": FRAMEWORK_COLUMNS.get(key, ""), "message": message})

    for position, row in enumerate(rows, start=1):
        number = row.get("row", position) if isinstance(row, dict) else position
        if not isinstance(row, dict):
            fail(number, "", "应为一行指标。")
            continue
        texts = {key: _cell_text(row.get(key)) for key in ("first_code", "first_name", "code", "name", "unit", "method")}
        for key in ("first_code", "first_name", "code", "name", "unit"):
            if not texts[key]:
                fail(number, key, "必填，不能为空。")
        for key, limit in (("first_code", 10), ("first_name", 60), ("code", 12), ("name", 100), ("unit", 20),
                           ("method", 2000)):
            if len(texts[key]) > limit:
                fail(number, key, f"不能超过{limit}字。")
            if any(ord(char) < 32 and char not in "\n\t" for char in texts[key]):
                fail(number, key, "含有不可见的控制字符。")
        direction = DIRECTION_WORDS.get(_cell_text(row.get("direction")).lower())
        if direction is None:
            fail(number, "direction", "应为“越低越好”或“越高越好”。")
        values = {}
        for key, label, required in (("first_weight", "一级指标权重", True), ("weight", "二级指标权重", True),
                                     ("plausible_min", "合理下限", True), ("plausible_max", "合理上限", True),
                                     ("stated_best", "前沿值", False), ("stated_worst", "最差值", False)):
            try:
                values[key] = _decimal(row.get(key), label, required=required)
            except ValueError as error:
                fail(number, key, str(error).removeprefix(label))
                values[key] = None
        for key in ("first_weight", "weight"):
            if values[key] is not None and not 0 < values[key] <= 1:
                fail(number, key, "应大于0且不超过1。")
        low, high = values["plausible_min"], values["plausible_max"]
        if low is not None and high is not None and low >= high:
            fail(number, "plausible_max", "应大于合理下限。")
        best, worst = values["stated_best"], values["stated_worst"]
        if best is not None and worst is not None and best == worst:
            fail(number, "stated_best", "前沿值不能等于最差值。")
        if direction and best is not None and worst is not None and (best < worst) != (direction == Direction.LOWER):
            fail(number, "stated_best", "与方向不符：越低越好的指标，前沿值应低于最差值。" if direction == Direction.LOWER
                 else "与方向不符：越高越好的指标，前沿值应高于最差值。")
        code = texts["code"]
        if code and code in seen_codes:
            fail(number, "code", f"与第{seen_codes[code]}行重复。")
        seen_codes.setdefault(code, number)
        if any(problem["row"] == number for problem in problems):
            continue
        first = firsts.get(texts["first_code"])
        if first is None:
            first = firsts[texts["first_code"]] = CheckedFirst(texts["first_code"], texts["first_name"],
                                                               values["first_weight"], [])
        elif first.name != texts["first_name"] or first.weight != values["first_weight"]:
            fail(number, "first_weight" if first.name == texts["first_name"] else "first_name",
                 f"一级指标{first.code}在各行应一致（{first.name}，权重{first.weight}）。")
            continue
        first.seconds.append(CheckedSecond(code, texts["name"], texts["unit"], direction, texts["method"],
                                           values["weight"], low, high, best, worst))
    if not problems and not firsts:
        problems.append({"row": None, "column": "", "message": "没有指标。"})
    if not problems:
        try:
            scoring.check_weights([first.weight for first in firsts.values()], "一级指标权重")
        except scoring.ScoringError as error:
            problems.append({"row": None, "column": FRAMEWORK_COLUMNS["first_weight"], "message": str(error)})
        for first in firsts.values():
            try:
                scoring.check_weights([second.weight for second in first.seconds], f"一级指标“{first.name}”的二级指标权重")
            except scoring.ScoringError as error:
                problems.append({"row": None, "column": FRAMEWORK_COLUMNS["weight"], "message": str(error)})
    if problems:
        raise FrameworkRefused(problems)
    return list(firsts.values())


@transaction.atomic
def do_import_framework(rows, *, name: str, year: int, scope: str, issuer: str, source: str = "", actor) -> Framework:
    """A framework imported whole from its rows, as a new version of (name, year)."""
    if actor is not None and not rules.may_keep_frameworks(actor):
        raise NotAllowed("只有市营商办的督办员或管理员可以导入指标体系。")
    name = clean_text(name, field="name", label="指标体系名称", max_length=100)
    issuer = clean_text(issuer, field="issuer", label="发布单位", max_length=100)
    source = clean_text(source, field="source", label="来源", max_length=300, required=False)
    if scope not in Scope.values:
        raise ActionError("请选择层级：国家或省级。", field="scope")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= clock.today().year + 1:
        raise ActionError("评价年度应为2000年至明年之间的年份。", field="year")
    firsts = check_framework_rows(rows)
    version = (Framework.objects.select_for_update().filter(name=name, year=year).aggregate(last=Max("version"))["last"]
               or 0) + 1
    framework = Framework.objects.create(name=name, year=year, version=version, scope=scope, issuer=issuer,
                                         source=source, imported_at=clock.now())
    seconds = []
    for position, first in enumerate(firsts, start=1):
        row = FirstIndicator.objects.create(framework=framework, code=first.code, name=first.name, weight=first.weight,
                                            position=position)
        seconds += [SecondIndicator(first=row, code=s.code, name=s.name, unit=s.unit, direction=s.direction,
                                    method=s.method, weight=s.weight, plausible_min=s.plausible_min,
                                    plausible_max=s.plausible_max, stated_best=s.stated_best,
                                    stated_worst=s.stated_worst, position=n)
                    for n, s in enumerate(first.seconds, start=1)]
    SecondIndicator.objects.bulk_create(seconds)
    write_event(EventKind.FRAMEWORK_IMPORTED, actor=actor, framework=framework, is_public=True,
                note=f"导入{framework}：一级指标{len(firsts)}个，二级指标{len(seconds)}个",
                data={"firsts": len(firsts), "seconds": len(seconds), "version": version})
    return framework


# --- measurements -----------------------------------------------------------------------------------

@transaction.atomic
def do_record_measurement(indicator: SecondIndicator, region, *, period: int, value, unit: str | None = None,
                          source: str, actor) -> Measurement:
    """A region's measured value of an indicator for a period: in the indicator's unit and within
    its plausible range; recorded again, it replaces the value before."""
    if actor is not None and not rules.may_measure(actor, region):
        raise NotAllowed("您无权记录该地区的测量值。")
    from minsheng.org.models import RegionLevel

    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise ActionError("测量值按市或县（市、区）记录。", field="region")
    if unit is not None and unit.strip() != indicator.unit:
        raise ActionError(f"“{indicator.name}”的单位是“{indicator.unit}”，不是“{unit.strip()}”。", field="unit")
    if not isinstance(period, int) or isinstance(period, bool) or not 2000 <= period <= clock.today().year:
        raise ActionError("评价年度应为2000年至今年之间的年份。", field="period")
    try:
        number = _decimal(value, "测量值")
    except ValueError as error:
        raise ActionError(str(error), field="value") from None
    if not indicator.plausible_min <= number <= indicator.plausible_max:
        raise ActionError(f"“{indicator.name}”的测量值应在{indicator.plausible_min.normalize():f}至"
                          f"{indicator.plausible_max.normalize():f}{indicator.unit}之间，请核对。", field="value")
    source = clean_text(source, field="source", label="数据来源", max_length=200)
    measurement, created = Measurement.objects.update_or_create(
        indicator=indicator, region=region, period=period,
        defaults={"value": number, "source": source, "recorded_at": clock.now()})
    write_event(EventKind.MEASURED, actor=actor, framework=indicator.first.framework, region=region,
                note=f"{region.name}{period}年“{indicator.name}”：{number.normalize():f}{indicator.unit}（{source}）",
                data={"indicator": indicator.code, "period": period, "value": str(number), "created": created})
    return measurement


# --- benchmarks -------------------------------------------------------------------------------------

@transaction.atomic
def do_set_benchmark(first: FirstIndicator, *, city: str, practice_name: str, practice: str, source: str,
                     second: SecondIndicator | None = None, value=None, actor) -> Benchmark:
    if actor is not None and not rules.may_keep_frameworks(actor):
        raise NotAllowed("只有市营商办的督办员或管理员可以记录标杆做法。")
    if second is not None and second.first_id != first.pk:
        raise ActionError("二级指标不属于该一级指标。", field="second")
    try:
        number = _decimal(value, "标杆值", required=False)
    except ValueError as error:
        raise ActionError(str(error), field="value") from None
    if number is not None and second is None:
        raise ActionError("标杆值须对应一个二级指标。", field="second")
    if number is not None and not second.plausible_min <= number <= second.plausible_max:
        raise ActionError(f"标杆值应在“{second.name}”的合理范围内。", field="value")
    benchmark = Benchmark.objects.create(
        first=first, second=second, value=number,
        city=clean_text(city, field="city", label="标杆城市", max_length=30),
        practice_name=clean_text(practice_name, field="practice_name", label="做法名称", max_length=100),
        practice=clean_text(practice, field="practice", label="做法", max_length=4000),
        source=clean_text(source, field="source", label="来源", max_length=300))
    write_event(EventKind.BENCHMARK_SET, actor=actor, framework=first.framework, is_public=True,
                note=f"{first.name}：{benchmark.city}“{benchmark.practice_name}”",
                data={"first": first.code, "second": second.code if second else "", "city": benchmark.city})
    return benchmark


# --- the reform task list, on the pledge engine --------------------------------------------------------

INDICATOR_HEADERS = {"序号": "number", "对应指标": "indicators", "评价指标": "indicators", "指标": "indicators"}


def read_reform_indicators(data: bytes, framework: Framework) -> tuple[dict[str, tuple], list[dict]]:
    """The 对应指标 column of a reform task workbook: for each task number, its first-level
    indicator and any second-level ones (names or codes, separated by 、or ；); problems by row."""
    from minsheng.core.spreadsheets import SheetError, cell_text, read_rows

    firsts = {}
    seconds = {}
    for first in framework.first_indicators.prefetch_related("seconds"):
        firsts[first.name] = firsts[first.code] = first
        for second in first.seconds.all():
            seconds[second.name] = seconds[second.code] = second
    try:
        rows = list(read_rows(data, INDICATOR_HEADERS, [("number", "序号"), ("indicators", "对应指标")]))
    except SheetError as error:
        raise ActionError(error.message, field="file") from None
    found, problems = {}, []
    for row_number, cells in rows:
        number = cell_text(cells.get("number"))
        names = [name.strip() for name in cell_text(cells.get("indicators")).replace("；", "、").replace(";", "、").split("、")
                 if name.strip()]
        if not names:
            problems.append({"row": row_number, "column": "对应指标", "message": "必填：写明改革任务对应的评价指标。"})
            continue
        first, chosen = None, []
        for name in names:
            if name in firsts:
                first = first or firsts[name]
            elif name in seconds:
                chosen.append(seconds[name])
            else:
                problems.append({"row": row_number, "column": "对应指标", "message": f"“{name[:30]}”不是{framework.name}的指标。"})
        first = first or (chosen[0].first if chosen else None)
        if first is not None and any(second.first_id != first.pk for second in chosen):
            problems.append({"row": row_number, "column": "对应指标", "message": "二级指标应属于同一个一级指标。"})
        if first is not None:
            found[number] = (first, chosen)
    return found, problems


@transaction.atomic
def do_import_reform_list(data: bytes, framework: Framework, *, title: str, year: int, region, actor):
    """A reform task list from its workbook: the pledge engine's columns (owners, deadlines,
    milestones...) and 对应指标, every row checked first; the list (kind 改革任务清单) and each
    task's indicator are created together, or nothing."""
    from minsheng.pledges import xlsx as pledge_xlsx
    from minsheng.pledges.actions import do_import_pledge_list
    from minsheng.pledges.models import ListKind, PledgeList

    if actor is not None and not rules.may_keep_frameworks(actor):
        raise NotAllowed("只有市营商办的督办员或管理员可以导入改革任务清单。")
    parsed = pledge_xlsx.read_workbook(data, PledgeList(title=title, year=year, region=region, kind=ListKind.REFORM))
    problems = [{"row": error.row, "column": error.column, "message": error.message} for error in parsed.errors]
    links, link_problems = ({}, []) if any(p["row"] == 0 for p in problems) else read_reform_indicators(data, framework)
    problems += link_problems
    if problems:
        raise FrameworkRefused(sorted(problems, key=lambda problem: problem["row"] or 0))
    pledge_list = do_import_pledge_list(title=title, year=year, region=region, drafts=parsed.drafts, actor=actor,
                                        kind=ListKind.REFORM)
    tasks = 0
    for item in pledge_list.items.all():
        first, chosen = links[item.number]
        task = ReformTask.objects.create(item=item, first=first)
        task.seconds.set(chosen)
        tasks += 1
    write_event(EventKind.REFORM_LIST_IMPORTED, actor=actor, framework=framework, region=region, is_public=True,
                note=f"导入《{title}》：改革任务{tasks}项，对应{len({first.pk for first, _ in links.values()})}个一级指标",
                data={"list": pledge_list.pk, "tasks": tasks})
    return pledge_list
