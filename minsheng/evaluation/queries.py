"""Reads of the evaluation: a period's scores of every region measured under a framework (the
indicators' frontier and worst over the regions of a level, dtf, the weighted roll-up, the
ranking), the full-mark indicators, each indicator's gap to its benchmark."""

from dataclasses import dataclass, field
from decimal import Decimal

from minsheng.evaluation import scoring
from minsheng.evaluation.models import Benchmark, FirstIndicator, Framework, Measurement, SecondIndicator
from minsheng.org.models import Region, RegionLevel


@dataclass
class IndicatorScore:
    indicator: SecondIndicator
    value: Decimal | None
    score: float | None
    full_mark: bool = False  # reached the frontier the framework states (the national best)


@dataclass
class FirstScore:
    first: FirstIndicator
    score: float | None
    seconds: list[IndicatorScore]
    complete: bool  # every second-level indicator measured


@dataclass
class RegionScore:
    region: Region
    overall: float | None
    firsts: list[FirstScore]
    complete: bool
    rank: int | None = None

    @property
    def full_marks(self) -> list[SecondIndicator]:
        return [item.indicator for first in self.firsts for item in first.seconds if item.full_mark]


@dataclass
class Board:
    framework: Framework
    period: int
    regions: list[RegionScore]  # ranked: the best overall score first
    bounds: dict[int, scoring.Bounds | None] = field(default_factory=dict)  # by second-level indicator id


def structure(framework: Framework) -> list[tuple[FirstIndicator, list[SecondIndicator]]]:
    firsts = list(framework.first_indicators.prefetch_related("seconds"))
    return [(first, list(first.seconds.all())) for first in firsts]


def _weighted(pairs: list[tuple[float, Decimal]]) -> float | None:
    """The weighted mean of the scores present, their weights renormalised to sum to 1 (a region
    that lacks a measurement is scored on the rest, and marked incomplete)."""
    if not pairs:
        return None
    total = sum(float(weight) for _, weight in pairs)
    if total <= 0:
        return None
    return scoring.roll_up([score for score, _ in pairs], [float(weight) / total for _, weight in pairs])


def _full_mark(indicator: SecondIndicator, value: Decimal) -> bool:
    if indicator.stated_best is None:
        return False
    return value <= indicator.stated_best if indicator.lower_is_better else value >= indicator.stated_best


def board(framework: Framework, period: int, *, level: str = RegionLevel.COUNTY) -> Board:
    """Every region of `level` measured in `period`, scored and ranked. Each indicator's frontier
    and worst are the best and worst values of those regions, unless the framework states them;
    an indicator on which every region stands alike scores 100 for all."""
    layout = structure(framework)
    measured = (Measurement.objects.filter(indicator__first__framework=framework, period=period, region__level=level)
                .select_related("region"))
    values: dict[int, dict[int, Decimal]] = {}
    regions: dict[int, Region] = {}
    for row in measured:
        values.setdefault(row.region_id, {})[row.indicator_id] = row.value
        regions[row.region_id] = row.region
    bounds = {}
    for _, seconds in layout:
        for indicator in seconds:
            observed = [by_indicator[indicator.pk] for by_indicator in values.values() if indicator.pk in by_indicator]
            bounds[indicator.pk] = scoring.bounds(observed, lower_is_better=indicator.lower_is_better,
                                                  stated_best=indicator.stated_best,
                                                  stated_worst=indicator.stated_worst) if observed else None
    scored = [score_region(region, layout, values.get(region.pk, {}), bounds) for region in regions.values()]
    scored.sort(key=lambda row: (row.overall is None, -(row.overall or 0), row.region.code))
    for rank, row in enumerate(scored, start=1):
        row.rank = rank if row.overall is not None else None
    return Board(framework, period, scored, bounds)


def score_region(region: Region, layout, values: dict[int, Decimal], bounds: dict) -> RegionScore:
    firsts, complete = [], True
    for first, seconds in layout:
        items, pairs = [], []
        for indicator in seconds:
            value = values.get(indicator.pk)
            if value is None:
                items.append(IndicatorScore(indicator, None, None))
                continue
            limits = bounds.get(indicator.pk)
            score = 100.0 if limits is None else scoring.dtf(value, limits.best, limits.worst)
            items.append(IndicatorScore(indicator, value, score, _full_mark(indicator, value)))
            pairs.append((score, indicator.weight))
        first_complete = len(pairs) == len(seconds)
        complete = complete and first_complete
        firsts.append(FirstScore(first, _weighted(pairs), items, first_complete))
    overall = _weighted([(first.score, first.first.weight) for first in firsts if first.score is not None])
    return RegionScore(region, overall, firsts, complete)


def latest_framework(scope: str | None = None) -> Framework | None:
    frameworks = Framework.objects.all()
    if scope:
        frameworks = frameworks.filter(scope=scope)
    return frameworks.order_by("-year", "-version", "-pk").first()


@dataclass
class Gap:
    indicator: SecondIndicator
    ours: Decimal | None
    benchmark: Benchmark
    gap: Decimal | None  # how far ours is from the benchmark's value, in the indicator's unit (positive: behind)
    share: float | None  # the gap as a share of the indicator's plausible range: what orders the next reform list


def gaps(framework: Framework, region: Region, period: int) -> list[Gap]:
    """Each benchmarked indicator's value here beside the benchmark city's, the furthest behind first."""
    ours = dict(Measurement.objects.filter(indicator__first__framework=framework, region=region, period=period)
                .values_list("indicator_id", "value"))
    found = []
    for benchmark in (Benchmark.objects.filter(first__framework=framework, second__isnull=False, value__isnull=False)
                      .select_related("first", "second")):
        indicator = benchmark.second
        value = ours.get(indicator.pk)
        gap = share = None
        if value is not None:
            gap = (value - benchmark.value) if indicator.lower_is_better else (benchmark.value - value)
            span = indicator.plausible_max - indicator.plausible_min
            share = float(gap / span) if span else None
        found.append(Gap(indicator, value, benchmark, gap, share))
    found.sort(key=lambda item: (item.share is None, -(item.share or 0)))
    return found


@dataclass
class IndicatorProgress:
    first: FirstIndicator
    total: int
    done: int
    late: int
    in_progress: int
    not_started: int


def reform_progress(framework: Framework, today) -> list[IndicatorProgress]:
    """The reform tasks' progress per first-level indicator: their top-level items counted by the
    pledge engine's derived status, one aggregate query."""
    from django.db.models import Count, Q

    from minsheng.pledges.models import PledgeItem

    rows = {row["reform_task__first"]: row for row in (
        PledgeItem.objects.top_level().filter(reform_task__first__framework=framework)
        .values("reform_task__first").annotate(
            total=Count("id"), done=Count("id", filter=Q(percent__gte=100)),
            late=Count("id", filter=Q(percent__lt=100, deadline__lt=today)),
            not_started=Count("id", filter=Q(percent__lte=0, deadline__gte=today))))}
    found = []
    for first in framework.first_indicators.all():
        row = rows.get(first.pk)
        if row is None:
            found.append(IndicatorProgress(first, 0, 0, 0, 0, 0))
            continue
        in_progress = row["total"] - row["done"] - row["late"] - row["not_started"]
        found.append(IndicatorProgress(first, row["total"], row["done"], row["late"], in_progress, row["not_started"]))
    return found


@dataclass
class WalkOutcome:
    walk: object
    problems: list  # (problem, status) with the rectification task's derived status
    open: int
    before: dict
    after: dict | None  # the service now, once every rectification is done


def walk_outcome(walk, today) -> WalkOutcome:
    """A walk-through's problems with their rectification's status, and the service before and,
    once every problem is fixed, after."""
    from minsheng.pledges.models import Status

    problems = [(problem, problem.item.status_on(today)) for problem in walk.problems.select_related("item")]
    open_count = sum(1 for _, status in problems if status != Status.DONE)
    from minsheng.evaluation.models import Service

    after = Service.objects.get(pk=walk.service_id).snapshot() if problems and open_count == 0 else None
    return WalkOutcome(walk, problems, open_count, walk.service_before, after)


def periods(framework: Framework) -> list[int]:
    return sorted(set(Measurement.objects.filter(indicator__first__framework=framework)
                      .values_list("period", flat=True)))


@dataclass
class RankingSeries:
    periods: list[int]
    rows: list[tuple[Region, list[int | None], list[float | None]]]  # each county's rank and score by period


def ranking_over_periods(framework: Framework) -> RankingSeries:
    """Each county's rank and overall score in each period measured, for the chart and its table;
    the counties in their latest rank."""
    years = periods(framework)
    boards = [board(framework, year) for year in years]
    regions: dict[int, Region] = {}
    ranks: dict[int, list] = {}
    scores: dict[int, list] = {}
    for index, one in enumerate(boards):
        for row in one.regions:
            regions[row.region.pk] = row.region
            ranks.setdefault(row.region.pk, [None] * len(years))[index] = row.rank
            scores.setdefault(row.region.pk, [None] * len(years))[index] = (
                round(row.overall, 2) if row.overall is not None else None)
    order = sorted(regions, key=lambda pk: (ranks[pk][-1] is None, ranks[pk][-1] or 0, regions[pk].code))
    return RankingSeries(years, [(regions[pk], ranks[pk], scores[pk]) for pk in order])


@dataclass
class DepartmentWalks:
    department: object
    walks: int
    problems: int
    fixed: int


def walks_by_department(region: Region | None, today) -> list[DepartmentWalks]:
    """Walk-throughs and the problems they found, fixed or not, per department (of a region)."""
    from minsheng.evaluation.models import Problem, WalkThrough
    from minsheng.pledges.models import Status

    walks = WalkThrough.objects.select_related("service__department")
    if region is not None:
        walks = walks.filter(service__department__region__code__startswith=region.code_prefix)
    found: dict[int, DepartmentWalks] = {}
    for walk in walks:
        department = walk.service.department
        found.setdefault(department.pk, DepartmentWalks(department, 0, 0, 0)).walks += 1
    problems = Problem.objects.filter(walk__in=walks).select_related("item", "walk__service")
    for problem in problems:
        row = found[problem.walk.service.department_id]
        row.problems += 1
        row.fixed += problem.item.status_on(today) == Status.DONE
    return sorted(found.values(), key=lambda row: (-row.walks, row.department.name))


@dataclass
class ServiceRow:
    service: object
    measured: object | None  # measures.Measured over the last year, for a service the platform runs


def services_measured(today) -> list[ServiceRow]:
    """Every registered service with its promised limit, and, where the platform runs it, the
    working days it really took over the last twelve months."""
    from datetime import timedelta

    from minsheng.evaluation import measures
    from minsheng.evaluation.models import Service

    start = today - timedelta(days=365)
    return [ServiceRow(service, measures.measure(service, start, today))
            for service in Service.objects.select_related("department").order_by("department__region__code",
                                                                                   "department__name", "name")]
