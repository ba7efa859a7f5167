"""The business-environment evaluation demo (issue 14), as the city's report tells it.

- The 2020 national framework (framework_2020.py): 营商环境评价指标体系 of 国家发展改革委, 18
  first-level and 87 second-level indicators with their units, directions, methods, plausible
  ranges and equal weights; the stated frontier (the national best) of the three at which 九江
  scored full marks: 低压流程和低压费用 (获得电力), 获得用气费用 (获得用水用气), 董事责任程度
  (保护中小投资者). Imported in April 2021 by 孙丽 (sunli) of 市营商办.
- Measurements of 2020 and 2021 (measurements.py) for 九江市 itself and its 13 counties (县、市、区),
  1,218 a year, recorded when each year's provincial report came out by 李萍 (武宁县营商办) and
  刘伟 (湖口县营商办) for their counties and by 孙丽 for the city and the others. In 2020 瑞昌市
  ranks first of the counties (the province's first of 100); the city and several counties stand at
  the frontier of the three full-mark indicators. In 2021 共青城市 edges ahead, 武宁县 and 湖口县
  climb.
- Benchmark cities for each of the 18 first-level indicators (benchmarks.py): 北京, 上海, 深圳,
  杭州, 广州, 厦门, 苏州, 台州, with the value of one second-level indicator and the practice,
  set by 孙丽 in January.
- 2026年九江市优化营商环境改革任务清单 (reform_2026.py): 158 tasks over the 18 first-level
  indicators, led by 26 city departments and units (the court, customs, the tax bureau, the grid
  company...; 33 with those that help), imported from its workbook by 孙丽 on 2 March; progress
  posted by the departments through the year: 104 done (8 of them after their deadline), 9 late,
  40 under way, 5 not started.
- 局长走流程 in 武宁县 (walkthroughs.py): 企业开办 walked by 熊伟 (xiongwei, 县市场监管局), three
  problems all fixed and the service cut from 6 steps, 6 materials and 3 days to 3, 4 and 1, online;
  不动产登记 (存量房转移登记) walked by 卢志刚 (luzhigang, 县自然资源局), three problems, one still
  open. Four services the platform runs are registered with their measure (policy applications,
  免申即享 payments, 办不成事, lift joint review), so their real working days show beside the promise.

Everything goes through the actions under the clock of its day; one seed, so every load is the
same; "today" is the other demos' anchor (at the latest 2026-12-10)."""

import io
import random
from datetime import date, timedelta

from openpyxl import Workbook

from minsheng.cases.demo import anchor_now, at, local
from minsheng.core import clock
from minsheng.evaluation import actions, queries
from minsheng.evaluation.demo import benchmarks, framework_2020, measurements, reform_2026, walkthroughs
from minsheng.evaluation.models import Framework, ReformTask, SecondIndicator, WalkThrough
from minsheng.org.models import Region, RegionLevel, User
from minsheng.pledges.actions import do_post_progress
from minsheng.pledges.models import FocusArea, PledgeList, Status

SEED = "20210518"
REFORM_TITLE = "2026年九江市优化营商环境改革任务清单"
REFORM_FOCUS = "优化营商环境"
LIST_ISSUED = date(2026, 3, 2)
# How the reform tasks stand today: done (some after their deadline), late, under way, not started.
FATES = {"done": 96, "done_late": 8, "late": 9, "open": 40, "not_started": 5}
DONE_BY = [date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
           date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 20)]
LATE_BY = [date(2026, 6, 30), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
YEAR_END = date(2026, 12, 31)
RECORDERS = {"武宁县": "liping", "湖口县": "liuwei"}  # counties whose own office records; the city records the rest


def load_evaluation(regions: dict[str, Region]) -> None:
    today = local(anchor_now()).date()
    rng = random.Random(SEED)
    office = User.objects.get(username="sunli")
    with clock.fixed(at(date(2021, 4, 12), 10)):
        framework = actions.do_import_framework(
            framework_2020.rows(), name=framework_2020.NAME, year=framework_2020.YEAR, scope="national",
            issuer=framework_2020.ISSUER, source=framework_2020.SOURCE, actor=office)
    _measure(rng, framework, regions, office)
    _benchmarks(framework, office)
    _reform_list(rng, framework, regions["九江市"], office, today)
    walkthroughs.load_walkthroughs()
    _check(framework, regions, today)


def _measure(rng, framework, regions, office) -> None:
    indicators = list(SecondIndicator.objects.filter(first__framework=framework)
                      .select_related("first__framework").order_by("first__position", "position"))
    counties = sorted((region for region in regions.values() if region.level == RegionLevel.COUNTY), key=lambda r: r.code)
    names = ["九江市"] + [county.name for county in counties]
    recorders = {name: User.objects.get(username=username) for name, username in RECORDERS.items()}
    for year, recorded_on in ((2020, date(2021, 5, 18)), (2021, date(2022, 5, 17))):
        county_source, city_source = measurements.SOURCES[year]
        for hour, name in enumerate(names):
            region = regions[name]
            actor = recorders.get(name, office)
            with clock.fixed(at(recorded_on, 9 + hour // 4, 15 * (hour % 4))):
                for indicator in indicators:
                    number = measurements.value(rng, indicator, name, year, framework_2020.FULL_MARKS)
                    actions.do_record_measurement(indicator, region, period=year, value=number, unit=indicator.unit,
                                                  source=city_source if name == "九江市" else county_source, actor=actor)


def _benchmarks(framework, office) -> None:
    firsts = {first.name: first for first in framework.first_indicators.all()}
    seconds = {second.name: second for second in SecondIndicator.objects.filter(first__framework=framework)}
    with clock.fixed(at(date(2026, 1, 12), 10)):
        for first, second, city, value, name, practice, source in benchmarks.BENCHMARKS:
            actions.do_set_benchmark(firsts[first], second=seconds[second], value=value, city=city, practice_name=name,
                                     practice=practice, source=source, actor=office)


def _reform_list(rng, framework, city, office, today) -> None:
    """The list as its workbook, imported; then the departments' progress through the year."""
    FocusArea.objects.get_or_create(name=REFORM_FOCUS, defaults={"order": 90, "description": "营商环境评价指标对应的改革任务和整改任务"})
    tasks = [(first, *task) for first, rows in reform_2026.TASKS.items() for task in rows]
    fates = [fate for fate, count in FATES.items() for _ in range(count)]
    if len(fates) != len(tasks):
        raise RuntimeError(f"改革任务{len(tasks)}项，进展安排{len(fates)}项")
    rng.shuffle(fates)
    plan = {}
    book = Workbook()
    sheet = book.active
    sheet.title = "改革任务清单"
    sheet.append(["序号", "事项名称", "聚焦领域", "层级", "所属地区", "牵头领导", "牵头单位", "配合单位", "开始日期", "完成时限",
                  "对应指标"])
    for number, ((first, title, lead, second, helpers), fate) in enumerate(zip(tasks, fates, strict=True), start=1):
        if fate in ("done", "done_late"):
            deadline = rng.choice(DONE_BY if fate == "done" else DONE_BY[:-1])
        elif fate == "late":
            deadline = rng.choice(LATE_BY)
        else:
            deadline = YEAR_END
        plan[str(number)] = (fate, deadline)
        sheet.append([str(number), title, REFORM_FOCUS, "市本级", city.name, reform_2026.LEADER, lead, helpers,
                      LIST_ISSUED.isoformat(), deadline.isoformat(), "、".join(filter(None, (first, second)))])
    buffer = io.BytesIO()
    book.save(buffer)
    with clock.fixed(at(LIST_ISSUED, 15)):
        reform = actions.do_import_reform_list(buffer.getvalue(), framework, title=REFORM_TITLE, year=LIST_ISSUED.year,
                                               region=city, actor=office)
    for item in reform.items.order_by("pk"):
        fate, deadline = plan[item.number]
        _progress(rng, item, fate, deadline, today)


PROGRESS_TEXTS = [
    "已制定实施方案，明确责任分工和时间节点",
    "配套制度文件已起草，正在征求相关部门和企业意见",
    "改革措施已在部分窗口和园区试行，正在总结完善",
    "改革措施已全面推开，正在开展效果评估",
]
DONE_TEXT = "改革任务已全面完成，相关制度文件已印发实施，经市营商办核验销号"


def _progress(rng, item, fate: str, deadline: date, today: date) -> None:
    """The department's updates, each on its day: the last one when the task was done, or lately."""
    yesterday = today - timedelta(days=1)
    if fate == "not_started":
        return
    if fate == "done":
        finish = min(deadline - timedelta(days=rng.randint(0, 25)), yesterday)
        percents = rng.choice([[40, 100], [30, 70, 100], [50, 100]])
    elif fate == "done_late":
        finish = min(deadline + timedelta(days=rng.randint(5, 20)), yesterday)
        percents = rng.choice([[30, 60, 100], [40, 100]])
    elif fate == "late":
        finish = min(deadline + timedelta(days=rng.randint(10, 30)), yesterday)
        percents = rng.choice([[30, 60], [20, 50, 80], [40, 70]])
    else:
        finish = yesterday - timedelta(days=rng.randint(0, 20))
        percents = rng.choice([[20], [30, 60], [20, 50, 70], [40, 80]])
    start = item.start_date + timedelta(days=10)
    span = max((finish - start).days, len(percents))
    for position, percent in enumerate(percents, start=1):
        day = min(start + timedelta(days=span * position // len(percents)), yesterday)
        text = DONE_TEXT if percent >= 100 else PROGRESS_TEXTS[min(position - 1, len(PROGRESS_TEXTS) - 1)]
        with clock.fixed(at(day, 16, (item.pk * 7 + position * 13) % 60)):
            do_post_progress(item, happened_on=day, text=f"{text}（完成{percent}%）。", percent=percent, actor=None)


def _check(framework: Framework, regions: dict[str, Region], today: date) -> None:
    """What the report says, as the demo shows it: a demo that drifted says so."""
    problems = []
    firsts = framework.first_indicators.count()
    seconds = SecondIndicator.objects.filter(first__framework=framework).count()
    if (firsts, seconds) != (18, 87):
        problems.append(f"指标体系为{firsts}/{seconds}（应为18/87）")
    board = queries.board(framework, 2020)
    if not board.regions or board.regions[0].region.name != "瑞昌市" or len(board.regions) != 13:
        problems.append(f"2020年县（市、区）排名第一为{board.regions[0].region.name if board.regions else '无'}（应为瑞昌市）")
    [city] = queries.board(framework, 2020, level=RegionLevel.CITY).regions
    marks = sorted(indicator.name for indicator in city.full_marks)
    if marks != sorted(framework_2020.FULL_MARKS):
        problems.append(f"九江市2020年满分指标为{marks}")
    tasks = ReformTask.objects.filter(first__framework=framework)
    if tasks.count() != 158 or tasks.values("first").distinct().count() != 18:
        problems.append(f"改革任务{tasks.count()}项")
    reform = PledgeList.objects.get(title=REFORM_TITLE)
    statuses = {item.status for item in reform.items.with_status(today)}
    if statuses != set(Status.values):
        problems.append(f"改革任务的状态只有{sorted(statuses)}")
    if framework.first_indicators.filter(benchmarks__isnull=True).exists():
        problems.append("有一级指标没有标杆城市")
    walks = [queries.walk_outcome(walk, today) for walk in WalkThrough.objects.order_by("walked_on")]
    if [outcome.open for outcome in walks] != [0, 1] or walks[0].after is None:
        problems.append(f"局长走流程未整改问题为{[outcome.open for outcome in walks]}（应为[0, 1]）")
    if problems:
        raise RuntimeError(f"营商环境评价演示数据与报告不符：{'；'.join(problems)}")
