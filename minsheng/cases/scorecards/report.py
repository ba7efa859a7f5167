"""Department scorecards (办件考核) for a period: who sees which departments, the period and
filters, ranking and sorting. Reads only; what each figure means is in definitions.py, how it
is counted in counts.py.

Departments are ranked by the composite (the mean of the rates marked `in_composite` that are
defined), and only when their volume in the period reaches MIN_RANKED_VOLUME, so that one
quick case cannot top the ranking. Region rows are sums of department counts (so a region's
rate is over all its departments' stages, not a mean of their rates).

The whole table costs four queries: the departments in scope, and one aggregate over
CaseEvent per cohort (counts.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from minsheng.cases.scorecards.counts import stage_counts
from minsheng.cases.scorecards.definitions import DEFINITIONS, Score
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.org.access import in_jurisdiction_q, is_staff_member, jurisdiction, oversees
from minsheng.org.models import Department, Region, RegionLevel, User

MIN_RANKED_VOLUME = 5
"""A department is ranked only when it received at least this many cases in the period."""

MAX_PERIOD_DAYS = 366
"""The longest period one scorecard covers (a leap year), so a request stays a few cheap queries."""

CITY_LEVEL_LABEL = "市本级"
UNRANKED_LOW_VOLUME = "办件量不足，不参与排名"
UNRANKED_NO_RATES = "尚无签收、办结或回访，不参与排名"


# --- the period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From the start of `start` to the end of `end`, in Asia/Shanghai."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes [first moment, first moment after the period)."""
        zone = timezone.get_default_timezone()
        first = timezone.make_aware(datetime.combine(self.start, time.min), zone)
        after = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone)
        return first, after

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def default_period(today: date) -> Period:
    """The current month so far."""
    return Period(today.replace(day=1), today)


FIELD_LABELS = {"start": "开始日期", "end": "结束日期", "region": "地区", "sort": "排序"}


def _parse_date(text: str, field_name: str) -> date:
    label = FIELD_LABELS[field_name]
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ActionError(f"{label}“{text[:20]}”不是有效的日期，请按 2026-11-01 的格式填写。", field=field_name) from None
    if not 2000 <= value.year <= 2099:
        raise ActionError(f"{label}“{text[:20]}”超出可统计的年份（2000—2099年）。", field=field_name)
    return value


def parse_period(start: str | None, end: str | None, *, today: date) -> Period:
    """The period from the page's or the API's `start` and `end` (YYYY-MM-DD).

    Both empty: the current month so far. Only `start`: up to today (or that day, if later).
    Only `end`: from the first of its month. Refuses with an ActionError naming the field."""
    start, end = (start or "").strip(), (end or "").strip()
    if not start and not end:
        return default_period(today)
    start_date = _parse_date(start, "start") if start else None
    end_date = _parse_date(end, "end") if end else None
    if start_date is None:
        start_date = end_date.replace(day=1)
    if end_date is None:
        end_date = max(today, start_date)
    if end_date < start_date:
        raise ActionError(
            f"结束日期（{end_date:%Y-%m-%d}）不能早于开始日期（{start_date:%Y-%m-%d}）。", field="end"
        )
    period = Period(start_date, end_date)
    if period.days > MAX_PERIOD_DAYS:
        raise ActionError(f"统计期间最长{MAX_PERIOD_DAYS}天，请把结束日期提前或把开始日期推后。", field="end")
    return period


# --- who sees which departments ----------------------------------------------------------------


def region_choices(user: User) -> list[Region]:
    """The regions an overseer may filter by: the city (its own departments, 市本级) when the
    user's jurisdiction is the city, then each county within it. Empty for other users."""
    if not oversees(user):
        return []
    area = jurisdiction(user)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=area.code_prefix).order_by("code"))
    return ([area] if area.level == RegionLevel.CITY else []) + counties


def parse_region(user: User, code: str | None) -> Region | None:
    """The region filter: a code from `region_choices(user)`, or None for the whole scope.
    Users who see only their own department have no region filter; theirs is ignored."""
    code = (code or "").strip()
    if not code or not oversees(user):
        return None
    for region in region_choices(user):
        if region.code == code:
            return region
    raise ActionError(f"地区“{code[:20]}”不存在或不在您的管辖范围内，请从列表中选择。", field="region")


def visible_departments(user: User, region: Region | None = None) -> QuerySet:
    """The departments whose scorecards the user may see. Supervisors, leaders and
    administrators: every department in their jurisdiction (narrowed to `region`: the city's
    own departments for the city, a county's and its townships' for a county). Other staff:
    their own department. Accounts without a department: none."""
    if not is_staff_member(user):
        return Department.objects.none()
    if not oversees(user):
        return Department.objects.filter(pk=user.department_id)
    departments = Department.objects.filter(in_jurisdiction_q(user, "region"))
    if region is not None:
        if region.level == RegionLevel.CITY:
            departments = departments.filter(region=region)
        else:
            departments = departments.filter(region__code__startswith=region.code_prefix)
    return departments


def _region_of(department: Department) -> Region:
    """The region a department's figures roll up to: its county, or the city for city departments."""
    return department.region.county or department.region


def region_label(region: Region) -> str:
    return CITY_LEVEL_LABEL if region.level == RegionLevel.CITY else region.name


def rank_scores(scores: list[Score], min_volume: int | None = None) -> tuple[list[Score], list[Score]]:
    """Set `rank` on departments with enough volume and a composite (equal composites share a
    rank: 1, 2, 2, 4); the others get their `unranked_reason`. Returns (ranked, unranked),
    the ranked best first, the unranked by volume, then region and name."""
    min_volume = MIN_RANKED_VOLUME if min_volume is None else min_volume
    ranked, unranked = [], []
    for score in scores:
        score.rank = None
        if score.volume < min_volume:
            score.unranked_reason = UNRANKED_LOW_VOLUME
            unranked.append(score)
        elif score.composite is None:
            score.unranked_reason = UNRANKED_NO_RATES
            unranked.append(score)
        else:
            score.unranked_reason = ""
            ranked.append(score)
    ranked.sort(key=lambda s: (-s.composite, -s.volume, s.region_code, s.name))
    for position, score in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        score.rank = previous.rank if previous is not None and previous.composite == score.composite else position
    unranked.sort(key=lambda s: (-s.volume, s.region_code, s.name))
    return ranked, unranked


def _rate_value(key: str):
    return lambda s: s.rate(key).value


# Columns the table may be sorted by: key -> (label, value). Undefined values sort last.
SORTS = {
    "rank": ("排名", lambda s: s.rank),
    "volume": ("办件量", lambda s: s.volume),
    **{d.key: (d.label, _rate_value(d.key)) for d in DEFINITIONS},
    "composite": ("综合得分", lambda s: s.composite),
}
DEFAULT_SORT = "rank"


def parse_sort(text: str | None) -> str:
    """'sign_rate' (ascending) or '-sign_rate' (descending); anything unknown is the ranking."""
    text = (text or "").strip()
    return text if text.lstrip("-") in SORTS else DEFAULT_SORT


def sort_scores(scores: list[Score], sort: str) -> list[Score]:
    """Order rows by a column of SORTS ('-' first for descending), undefined values last;
    ties by region, then name."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    getter = SORTS[key][1]
    defined = [s for s in scores if getter(s) is not None]
    undefined = [s for s in scores if getter(s) is None]
    defined.sort(key=lambda s: (s.region_code, s.name))
    defined.sort(key=getter, reverse=descending)  # stable: ties keep region, name order
    undefined.sort(key=lambda s: (s.region_code, s.name))
    return defined + undefined


@dataclass
class ScorecardReport:
    period: Period
    region: Region | None
    min_volume: int
    ranked: list[Score]  # departments with enough volume, in the chosen order
    unranked: list[Score]  # the rest, listed below, in the chosen order
    regions: list[Score]  # one row per region (市本级, each county), sums of its departments
    total: Score
    sort: str = DEFAULT_SORT
    own_department_only: bool = False  # staff who see only their own department's row
    scope: str = ""  # whose departments, in words: "湖口县全部部门", "市本级", "湖口县住建局"
    as_of: datetime | None = None  # stages still open are judged late or pending at this moment

    @property
    def rows(self) -> list[Score]:
        return self.ranked + self.unranked

    def as_dict(self) -> dict:
        return {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "region": self.region.code if self.region else None,
            "scope": self.scope,
            "min_ranked_volume": self.min_volume,
            "sort": self.sort,
            "definitions": [
                {"key": d.key, "label": d.label, "group": d.group, "definition": d.text, "unit": d.unit}
                for d in DEFINITIONS
            ],
            "ranked": [score.as_dict() for score in self.ranked],
            "unranked": [score.as_dict() for score in self.unranked],
            "regions": [score.as_dict() for score in self.regions],
            "total": self.total.as_dict(),
        }


def department_score(department: Department, counts: dict) -> Score:
    region = _region_of(department)
    return Score.of(
        department.name,
        region_name=region_label(region),
        department_id=department.pk,
        region_code=region.code,
        **counts,
    )


def department_scores(period: Period, departments: QuerySet, now: datetime) -> list[Score]:
    """A Score for each department in `departments` with any stage begun in the period."""
    by_id = {d.pk: d for d in departments.select_related("region", "region__parent")}
    first, after = period.bounds()
    counts = stage_counts(first, after, now, list(by_id)) if by_id else {}
    return [department_score(by_id[department_id], values) for department_id, values in counts.items()]


def region_scores(scores: list[Score]) -> list[Score]:
    """Department rows summed per region (市本级 first, then counties by code)."""
    regions: dict[str, Score] = {}
    for score in scores:
        row = regions.setdefault(score.region_code, Score(name=score.region_name, region_code=score.region_code))
        row.add(score)
    return [regions[code] for code in sorted(regions)]


def scope_words(user: User, region: Region | None = None) -> str:
    """Whose departments, in words: "湖口县全部部门", "市本级", "湖口县住建局"."""
    if is_staff_member(user) and not oversees(user):
        return str(user.department)
    if region is not None:
        return CITY_LEVEL_LABEL if region.level == RegionLevel.CITY else f"{region.name}全部部门"
    area = jurisdiction(user)
    return f"{area.name}全部部门" if area is not None else ""


def build_scorecards(
    user: User,
    period: Period,
    *,
    region: Region | None = None,
    sort: str = DEFAULT_SORT,
    min_volume: int | None = None,
    now: datetime | None = None,
) -> ScorecardReport:
    """The scorecard the user may see for the period, as of `now` (the platform clock by
    default): departments ranked and unranked, region rows and the total. `region` must come
    from `parse_region` (it is not re-checked here)."""
    now = now or clock.now()
    min_volume = MIN_RANKED_VOLUME if min_volume is None else min_volume
    sort = parse_sort(sort)
    own_department_only = is_staff_member(user) and not oversees(user)
    scores = department_scores(period, visible_departments(user, region), now)
    if own_department_only:  # one row is not a ranking
        ranked, unranked = [], scores
    else:
        ranked, unranked = rank_scores(scores, min_volume)
    if sort != DEFAULT_SORT:
        ranked, unranked = sort_scores(ranked, sort), sort_scores(unranked, sort)
    total = Score(name="合计")
    for score in scores:
        total.add(score)
    return ScorecardReport(
        period=period,
        region=region,
        min_volume=min_volume,
        ranked=ranked,
        unranked=unranked,
        regions=region_scores(scores),
        total=total,
        sort=sort,
        own_department_only=own_department_only,
        scope=scope_words(user, region),
        as_of=now,
    )
