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


def write_event(kind: str, *, actor, framework=None, region=None, service=None, walk=None, note: str = "",
                data: dict | None = None, is_public: bool = False) -> EvaluationEvent:
    return EvaluationEvent.objects.create(kind=kind, actor=actor, framework=framework, region=region, service=service,
                                          walk=walk, note=note, data=data or {}, is_public=is_public,
                                          created_at=clock.now())


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
        shown = "；".join(problem_text(problem) for problem in problems[:5])
        more = f"等{len(problems)}处" if len(problems) > 5 else ""
        super().__init__(f"指标体系有误，未导入：{shown}{more}。", field="file")
        self.problems = problems


def problem_text(problem: dict) -> str:
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


def _indicator_names(text: str, known) -> list[str]:
    """The names in a 对应指标 cell, separated by 、 or ；, a known name that itself holds a 、
    (知识产权创造、保护和运用) kept whole: at each place the longest run of parts that is a name."""
    parts = [part.strip() for part in text.replace("；", "、").replace(";", "、").split("、") if part.strip()]
    names, start = [], 0
    while start < len(parts):
        end = next((end for end in range(len(parts), start + 1, -1) if "、".join(parts[start:end]) in known), start + 1)
        names.append("、".join(parts[start:end]))
        start = end
    return names


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
        names = _indicator_names(cell_text(cells.get("indicators")), firsts.keys() | seconds.keys())
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


# --- services and the heads' walk-throughs (局长走流程) -------------------------------------------------

MAX_LIST = 60  # steps, materials or problems of one service or walk-through


def _text_list(values, field: str, label: str, *, max_length: int = 100) -> list[str]:
    if not isinstance(values, (list, tuple)) or len(values) > MAX_LIST:
        raise ActionError(f"{label}应为一组（最多{MAX_LIST}项）。", field=field)
    return [clean_text(value, field=field, label=label, max_length=max_length) for value in values]


def _days(value, field: str, label: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ActionError(f"请填写{label}。", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
        raise ActionError(f"{label}应为0到365之间的整数个工作日。", field=field)
    return value


def _service_values(*, promised_days, statutory_days, materials, steps, online, measure) -> dict:
    from minsheng.evaluation.models import Measure

    values = {"promised_days": _days(promised_days, "promised_days", "承诺时限"),
              "statutory_days": _days(statutory_days, "statutory_days", "法定时限", required=False),
              "materials": _text_list(materials, "materials", "申请材料"),
              "steps": _text_list(steps, "steps", "办理环节"), "online": bool(online)}
    if not values["steps"]:
        raise ActionError("请列出办理环节。", field="steps")
    if values["statutory_days"] is not None and values["promised_days"] > values["statutory_days"]:
        raise ActionError("承诺时限不能长于法定时限。", field="promised_days")
    if measure not in Measure.values:
        raise ActionError("未知的实测方式。", field="measure")
    values["measure"] = measure
    return values


@transaction.atomic
def do_register_service(department, *, name: str, promised_days, steps, materials=(), statutory_days=None,
                        online: bool = False, measure: str = "", actor):
    from minsheng.evaluation.models import Service

    if actor is not None and not rules.may_keep_services(actor, department):
        raise NotAllowed("您无权登记该部门的政务服务事项。")
    name = clean_text(name, field="name", label="事项名称", max_length=100)
    values = _service_values(promised_days=promised_days, statutory_days=statutory_days, materials=materials,
                             steps=steps, online=online, measure=measure)
    if Service.objects.filter(department=department, name=name).exists():
        raise ActionError(f"{department.name}已有事项“{name}”。", field="name")
    service = Service.objects.create(department=department, name=name, updated_at=clock.now(), **values)
    write_event(EventKind.SERVICE_REGISTERED, actor=actor, service=service, region=department.region, is_public=True,
                note=f"登记{service}：{len(values['steps'])}个环节，{len(values['materials'])}份材料，承诺{values['promised_days']}个工作日",
                data={"after": service.snapshot()})
    return service


@transaction.atomic
def do_update_service(service, *, promised_days, steps, materials, reason: str, statutory_days=None,
                      online: bool = False, actor):
    """The service after a rectification (or any change): its before and after in the event."""
    from minsheng.evaluation.models import Service

    service = Service.objects.select_for_update().select_related("department__region").get(pk=service.pk)
    if actor is not None and not rules.may_keep_services(actor, service.department):
        raise NotAllowed("您无权调整该部门的政务服务事项。")
    reason = clean_text(reason, field="reason", label="调整原因", max_length=500)
    values = _service_values(promised_days=promised_days, statutory_days=statutory_days, materials=materials,
                             steps=steps, online=online, measure=service.measure)
    before = service.snapshot()
    Service.objects.filter(pk=service.pk).update(updated_at=clock.now(), **values)
    service.refresh_from_db()
    after = service.snapshot()
    write_event(EventKind.SERVICE_UPDATED, actor=actor, service=service, region=service.department.region,
                is_public=True, note=f"调整{service}：{reason}", data={"before": before, "after": after, "reason": reason})
    return service


def _day(value, *, field: str, label: str):
    """A date, or one written as 2026-12-15 (from a form or JSON); None when empty."""
    from datetime import date as _date

    from minsheng.core.text import check_date

    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = _date.fromisoformat(value.strip())
        except ValueError:
            raise ActionError(f"{label}格式不正确，请写成2026-12-15。", field=field) from None
    if not isinstance(value, _date):
        raise ActionError(f"{label}应为日期。", field=field)
    return check_date(value, field=field, label=label)


def rectification_list(region, year: int, actor):
    """The region's rectification list of the year, where walk-through problems become tasks."""
    from minsheng.pledges.actions import do_open_list
    from minsheng.pledges.models import ListKind

    return do_open_list(title=f"{year}年{region.name}局长走流程问题整改清单", year=year, region=region,
                        kind=ListKind.RECTIFICATION, actor=None)


@transaction.atomic
def do_record_walkthrough(service, *, walked_on, applicant_kind: str, steps, problems=(), summary: str = "", actor):
    """A walk-through as the head did it: every step with its real time (minutes) and what was
    asked for; every problem found becomes a rectification task of the region's list, owned by
    the service's department, with its deadline. The service as it stood is kept for comparison."""
    from minsheng.evaluation.models import ApplicantKind, Problem, ProblemKind, Service, WalkStep, WalkThrough
    from minsheng.pledges.actions import ItemDraft, do_create_item
    from minsheng.pledges.models import FocusArea, Level

    service = Service.objects.select_related("department__region").get(pk=service.pk)
    if actor is None or not rules.may_walk(actor, service):
        raise NotAllowed("局长走流程由该事项所属部门的负责人（或本地区领导）亲自体验并记录。")
    walked_on = _day(walked_on, field="walked_on", label="体验日期")
    today = clock.today()
    if walked_on is None or walked_on > today:
        raise ActionError("请填写不晚于今天的体验日期。", field="walked_on")
    if applicant_kind not in ApplicantKind.values:
        raise ActionError("请选择以何种身份办理。", field="applicant_kind")
    if not isinstance(steps, (list, tuple)) or not steps or len(steps) > MAX_LIST:
        raise ActionError("请逐个记录体验的环节（至少一个）。", field="steps")
    checked_steps = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            raise ActionError(f"第{number}个环节应写明名称和用时。", field="steps")
        name = clean_text(step.get("name"), field="steps", label=f"第{number}个环节的名称", max_length=100)
        minutes = step.get("minutes")
        if minutes in (None, ""):
            raise ActionError(f"第{number}个环节“{name}”没有填写实际用时。", field="steps")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 60 * 24 * 90:
            raise ActionError(f"第{number}个环节“{name}”的用时应为正整数分钟。", field="steps")
        checked_steps.append((name, minutes, _text_list(step.get("materials", []), "steps", f"第{number}个环节索要的材料"),
                              clean_text(step.get("note", ""), field="steps", label="说明", max_length=300, required=False)))
    if not isinstance(problems, (list, tuple)) or len(problems) > MAX_LIST:
        raise ActionError(f"发现的问题最多{MAX_LIST}个。", field="problems")
    checked_problems = []
    for number, problem in enumerate(problems, start=1):
        if not isinstance(problem, dict):
            raise ActionError(f"第{number}个问题应写明类型、内容和整改期限。", field="problems")
        if problem.get("kind") not in ProblemKind.values:
            raise ActionError(f"请选择第{number}个问题的类型。", field="problems")
        description = clean_text(problem.get("description"), field="problems", label=f"第{number}个问题", max_length=1000)
        deadline = _day(problem.get("deadline"), field="problems", label=f"第{number}个问题的整改期限")
        if deadline is None or deadline < today:
            raise ActionError(f"第{number}个问题的整改期限应不早于今天。", field="problems")
        checked_problems.append((problem["kind"], description, deadline))
    summary = clean_text(summary, field="summary", label="体验情况", max_length=2000, required=False)

    walk = WalkThrough.objects.create(service=service, walker=actor, walked_on=walked_on, applicant_kind=applicant_kind,
                                      summary=summary, service_before=service.snapshot(), created_at=clock.now())
    WalkStep.objects.bulk_create(WalkStep(walk=walk, position=n, name=name, minutes=minutes, materials_asked=materials,
                                          note=note) for n, (name, minutes, materials, note) in enumerate(checked_steps, 1))
    region = service.department.region
    if checked_problems:
        pledge_list = rectification_list(region, today.year, actor)
        area, _ = FocusArea.objects.get_or_create(name="优化营商环境", defaults={"order": 90})  # the lists' grouping
        next_number = pledge_list.items.count() + 1
        for offset, (kind, description, deadline) in enumerate(checked_problems):
            title = f"{service.name}：{ProblemKind(kind).label}"
            draft = ItemDraft(number=str(next_number + offset), title=title[:200], focus_area=area,
                              level=Level.CITY if region.county is None else Level.COUNTY, region=region,
                              lead_department=service.department, start_date=today, deadline=deadline,
                              description=description, target=f"{service.department.name}局长走流程发现的问题整改到位")
            item = do_create_item(pledge_list, draft, actor=None)
            Problem.objects.create(walk=walk, kind=kind, description=description, item=item)
    total = sum(minutes for _, minutes, _, _ in checked_steps)
    write_event(EventKind.WALKED, actor=actor, service=service, walk=walk, region=region, is_public=True,
                note=f"{actor.full_name or actor.username}以{ApplicantKind(applicant_kind).label}身份体验“{service.name}”："
                     f"{len(checked_steps)}个环节，用时{total}分钟，发现问题{len(checked_problems)}个",
                data={"steps": len(checked_steps), "minutes": total, "problems": len(checked_problems)})
    return walk
