"""Department scorecards (办件考核), computed from case events. Reads only.

Every figure counts `CaseEvent` rows whose `created_at` falls in the period (dates in
Asia/Shanghai, both ends included), attributed to the event's `department`:

- 办件量 (volume): DISPATCHED events to the department; a re-dispatch counts as received too;
- 签收及时率: SIGNED with on_time / all SIGNED;
- 按时办结率: CLOSED with on_time / all CLOSED;
- 解决率: CLOSED with outcome solved / all CLOSED;
- 满意率: RATED satisfied or basically satisfied / (RATED + REOPENED); a REOPENED event is
  the unsatisfied callback;
- 退单率: RETURNED / DISPATCHED;
- 重办率: REOPENED / CLOSED;
- 平均办结用时: mean working_days over CLOSED.

A rate whose denominator is 0 is undefined ("—"), never 0% or 100%. Departments are ranked by
the mean of the four "higher is better" rates that are defined, and only when their volume in
the period reaches MIN_RANKED_VOLUME, so that one quick case cannot top the ranking.

The whole table costs two queries: the departments in scope, and one aggregate over
CaseEvent grouped by department (conditional counts), which the `case_event_scorecard`
index (kind, created_at, department) serves. Region rows are sums of department rows.
"""

import io
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minsheng.cases.models import CaseEvent, EventKind, Rating, Result
from minsheng.core.errors import ActionError
from minsheng.org.access import in_jurisdiction_q, is_staff_member, jurisdiction, oversees
from minsheng.org.models import Department, Region, RegionLevel, User

MIN_RANKED_VOLUME = 5
"""A department is ranked only when it received at least this many cases in the period."""

MAX_PERIOD_DAYS = 366
"""The longest period one scorecard covers (a leap year), so a request stays one cheap query."""

COUNTED_KINDS = (
    EventKind.DISPATCHED,
    EventKind.SIGNED,
    EventKind.RETURNED,
    EventKind.CLOSED,
    EventKind.RATED,
    EventKind.REOPENED,
)

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


# --- figures -------------------------------------------------------------------------------


def round_half_up(value: Fraction, places: int = 1) -> float:
    """四舍五入 on the exact value (no binary floating-point surprises): 78.75 -> 78.8, 6.25 -> 6.3."""
    scale = 10**places
    return math.floor(value * scale + Fraction(1, 2)) / scale


@dataclass(frozen=True)
class Rate:
    """numerator / denominator; undefined ("—") when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def percent(self) -> float | None:
        """The rate in percent, one decimal, as shown on the page; None when undefined."""
        return None if self.value is None else round_half_up(self.value * 100)

    def __str__(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.1f}%"

    @property
    def detail(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass
class Score:
    """One row of the scorecard: a department, a region (the sum of its departments) or the total."""

    name: str
    region_name: str = ""
    department_id: int | None = None
    region_code: str = ""
    received: int = 0  # DISPATCHED
    signed: int = 0
    signed_on_time: int = 0
    returned: int = 0
    closed: int = 0
    closed_on_time: int = 0
    solved: int = 0
    rated: int = 0  # RATED: satisfied or basically satisfied callbacks (archived)
    satisfied: int = 0  # RATED with outcome satisfied or basically
    reopened: int = 0  # REOPENED: unsatisfied callbacks
    days_total: int = 0  # sum of working_days over CLOSED
    days_counted: int = 0  # CLOSED with working_days recorded
    rank: int | None = None
    unranked_reason: str = ""

    COUNTS = (
        "received", "signed", "signed_on_time", "returned", "closed", "closed_on_time", "solved",
        "rated", "satisfied", "reopened", "days_total", "days_counted",
    )

    @property
    def volume(self) -> int:
        return self.received

    @property
    def callbacks(self) -> int:
        return self.rated + self.reopened

    @property
    def sign_rate(self) -> Rate:
        return Rate(self.signed_on_time, self.signed)

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.closed_on_time, self.closed)

    @property
    def solve_rate(self) -> Rate:
        return Rate(self.solved, self.closed)

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(self.satisfied, self.callbacks)

    @property
    def return_rate(self) -> Rate:
        return Rate(self.returned, self.received)

    @property
    def reopen_rate(self) -> Rate:
        return Rate(self.reopened, self.closed)

    @property
    def average_days(self) -> Fraction | None:
        return Fraction(self.days_total, self.days_counted) if self.days_counted else None

    @property
    def average_days_display(self) -> str:
        return "—" if self.average_days is None else f"{round_half_up(self.average_days):.1f}"

    @property
    def composite(self) -> Fraction | None:
        """The mean of 签收及时率, 按时办结率, 解决率 and 满意率, over those defined."""
        rates = [
            rate.value
            for rate in (self.sign_rate, self.on_time_rate, self.solve_rate, self.satisfaction_rate)
            if rate.value is not None
        ]
        return sum(rates, Fraction(0)) / len(rates) if rates else None

    @property
    def composite_display(self) -> str:
        return "—" if self.composite is None else f"{round_half_up(self.composite * 100):.1f}"

    def add(self, other: "Score") -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        """For the JSON API: counts, rates as fractions of 1 (None when undefined), rank."""

        def ratio(value):
            return None if value is None else round(float(value), 4)

        return {
            "name": self.name,
            "region": self.region_name,
            "department_id": self.department_id,
            "region_code": self.region_code,
            **{name: getattr(self, name) for name in self.COUNTS},
            "volume": self.volume,
            "sign_rate": ratio(self.sign_rate.value),
            "on_time_rate": ratio(self.on_time_rate.value),
            "solve_rate": ratio(self.solve_rate.value),
            "satisfaction_rate": ratio(self.satisfaction_rate.value),
            "return_rate": ratio(self.return_rate.value),
            "reopen_rate": ratio(self.reopen_rate.value),
            "average_days": ratio(self.average_days),
            "composite": ratio(self.composite),
            "rank": self.rank,
            "unranked_reason": self.unranked_reason,
        }


def event_counts(period: Period, department_ids=None) -> dict[int, dict[str, int]]:
    """One aggregate query: per department id, the counts a Score is made of.

    `department_ids` limits the departments (an iterable of ids or a Department queryset);
    None counts every department."""
    first, after = period.bounds()
    events = CaseEvent.objects.filter(
        kind__in=COUNTED_KINDS, created_at__gte=first, created_at__lt=after, department__isnull=False
    )
    if department_ids is not None:
        events = events.filter(department_id__in=department_ids)
    rows = (
        events.order_by()
        .values("department_id")
        .annotate(
            received=Count("id", filter=Q(kind=EventKind.DISPATCHED)),
            signed=Count("id", filter=Q(kind=EventKind.SIGNED)),
            signed_on_time=Count("id", filter=Q(kind=EventKind.SIGNED, on_time=True)),
            returned=Count("id", filter=Q(kind=EventKind.RETURNED)),
            closed=Count("id", filter=Q(kind=EventKind.CLOSED)),
            closed_on_time=Count("id", filter=Q(kind=EventKind.CLOSED, on_time=True)),
            solved=Count("id", filter=Q(kind=EventKind.CLOSED, outcome=Result.SOLVED)),
            rated=Count("id", filter=Q(kind=EventKind.RATED)),
            satisfied=Count("id", filter=Q(kind=EventKind.RATED, outcome__in=[Rating.SATISFIED, Rating.BASICALLY])),
            reopened=Count("id", filter=Q(kind=EventKind.REOPENED)),
            # Sum and count rather than Avg, so region rows average over all their closings.
            days_total=Sum("working_days", filter=Q(kind=EventKind.CLOSED)),
            days_counted=Count("working_days", filter=Q(kind=EventKind.CLOSED)),
        )
    )
    return {
        row.pop("department_id"): {name: value or 0 for name, value in row.items()}
        for row in rows
    }


def _region_of(department: Department) -> Region:
    """The region a department's figures roll up to: its county, or the city for city departments."""
    return department.region.county or department.region


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


# Columns the table may be sorted by: key -> (label, value). Undefined values sort last.
SORTS = {
    "rank": ("排名", lambda s: s.rank),
    "volume": ("办件量", lambda s: s.volume),
    "sign_rate": ("签收及时率", lambda s: s.sign_rate.value),
    "on_time_rate": ("按时办结率", lambda s: s.on_time_rate.value),
    "solve_rate": ("解决率", lambda s: s.solve_rate.value),
    "satisfaction_rate": ("满意率", lambda s: s.satisfaction_rate.value),
    "return_rate": ("退单率", lambda s: s.return_rate.value),
    "reopen_rate": ("重办率", lambda s: s.reopen_rate.value),
    "average_days": ("平均办结用时", lambda s: s.average_days),
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

    @property
    def rows(self) -> list[Score]:
        return self.ranked + self.unranked

    def as_dict(self) -> dict:
        return {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "region": self.region.code if self.region else None,
            "scope": self.scope,
            "min_ranked_volume": self.min_volume,
            "sort": self.sort,
            "ranked": [score.as_dict() for score in self.ranked],
            "unranked": [score.as_dict() for score in self.unranked],
            "regions": [score.as_dict() for score in self.regions],
            "total": self.total.as_dict(),
        }


def department_scores(period: Period, departments: QuerySet) -> list[Score]:
    """A Score for each department in `departments` with any counted event in the period."""
    by_id = {d.pk: d for d in departments.select_related("region", "region__parent")}
    counts = event_counts(period, list(by_id)) if by_id else {}
    scores = []
    for department_id, values in counts.items():
        department = by_id[department_id]
        region = _region_of(department)
        scores.append(
            Score(
                name=department.name,
                region_name=CITY_LEVEL_LABEL if region.level == RegionLevel.CITY else region.name,
                department_id=department_id,
                region_code=region.code,
                **values,
            )
        )
    return scores


def region_scores(scores: list[Score]) -> list[Score]:
    """Department rows summed per region (市本级 first, then counties by code)."""
    regions: dict[str, Score] = {}
    for score in scores:
        row = regions.setdefault(score.region_code, Score(name=score.region_name, region_code=score.region_code))
        row.add(score)
    return [regions[code] for code in sorted(regions)]


def build_scorecards(
    user: User,
    period: Period,
    *,
    region: Region | None = None,
    sort: str = DEFAULT_SORT,
    min_volume: int | None = None,
) -> ScorecardReport:
    """The scorecard the user may see for the period: departments ranked and unranked, region
    rows and the total. `region` must come from `parse_region` (it is not re-checked here)."""
    min_volume = MIN_RANKED_VOLUME if min_volume is None else min_volume
    sort = parse_sort(sort)
    own_department_only = is_staff_member(user) and not oversees(user)
    scores = department_scores(period, visible_departments(user, region))
    if own_department_only:  # one row is not a ranking
        ranked, unranked = [], scores
    else:
        ranked, unranked = rank_scores(scores, min_volume)
    if sort != DEFAULT_SORT:
        ranked, unranked = sort_scores(ranked, sort), sort_scores(unranked, sort)
    if own_department_only:
        scope = str(user.department)
    elif region is not None:
        scope = CITY_LEVEL_LABEL if region.level == RegionLevel.CITY else f"{region.name}全部部门"
    else:
        area = jurisdiction(user)
        scope = f"{area.name}全部部门" if area is not None else ""
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
        scope=scope,
    )


# --- export --------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    # header, width, value, number format
    ("排名", 14, lambda s: s.rank if s.rank is not None else (s.unranked_reason or ""), None),
    ("部门", 26, lambda s: s.name, None),
    ("地区", 12, lambda s: s.region_name, None),
    ("办件量", 9, lambda s: s.volume, "0"),
    ("签收及时率", 12, lambda s: s.sign_rate, "0.0%"),
    ("按时办结率", 12, lambda s: s.on_time_rate, "0.0%"),
    ("解决率", 10, lambda s: s.solve_rate, "0.0%"),
    ("满意率", 10, lambda s: s.satisfaction_rate, "0.0%"),
    ("退单率", 10, lambda s: s.return_rate, "0.0%"),
    ("重办率", 10, lambda s: s.reopen_rate, "0.0%"),
    ("平均办结用时（工作日）", 14, lambda s: None if s.average_days is None else round_half_up(s.average_days), "0.0"),
    ("综合得分", 10, lambda s: None if s.composite is None else round_half_up(s.composite * 100), "0.0"),
    ("签收数", 8, lambda s: s.signed, "0"),
    ("办结数", 8, lambda s: s.closed, "0"),
    ("回访数", 8, lambda s: s.callbacks, "0"),
    ("退单数", 8, lambda s: s.returned, "0"),
    ("重办数", 8, lambda s: s.reopened, "0"),
]


def _cell_value(value):
    """Rates as fractions of 1, rounded as the page shows them (formatted as percent);
    undefined figures as "—"."""
    if isinstance(value, Rate):
        return "—" if value.percent is None else round(value.percent / 100, 4)
    if value is None:
        return "—"
    return value


def _write_sheet(sheet, title: str, scores: list[Score], columns) -> None:
    sheet.title = title
    sheet.append([header for header, _width, _value, _format in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for score in scores:
        sheet.append([_cell_value(value(score)) for _header, _width, value, _format in columns])
    for index, (_header, width, _value, number_format) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = number_format
    sheet.freeze_panes = "A2"


def scorecard_workbook(report: ScorecardReport) -> bytes:
    """The scorecard as .xlsx: 部门考核 (the page's table, ranked first), 地区汇总 and 说明."""
    workbook = Workbook()
    _write_sheet(workbook.active, "部门考核", report.rows, EXPORT_COLUMNS)
    region_columns = [column for column in EXPORT_COLUMNS if column[0] not in ("排名", "地区", "综合得分")]
    region_columns[0] = ("地区", 16, lambda s: s.name, None)
    _write_sheet(workbook.create_sheet(), "地区汇总", [*report.regions, report.total], region_columns)
    notes = workbook.create_sheet("说明")
    for row in [
        ("统计期间", report.period.label),
        ("范围", report.scope or "—"),
        ("参与排名的最低办件量", f"{report.min_volume}件"),
        ("办件量", "期间内派至该部门的件数（退单后重新派单的，也计为收件）"),
        ("签收及时率", "按时签收数 ÷ 签收数"),
        ("按时办结率", "按时办结数 ÷ 办结数"),
        ("解决率", "办理结果为“已解决”的办结数 ÷ 办结数"),
        ("满意率", "评价为满意或基本满意的回访数 ÷ 回访数（含不满意重办）"),
        ("退单率", "退单数 ÷ 办件量"),
        ("重办率", "重办数 ÷ 办结数"),
        ("平均办结用时", "办结时自派至该部门起的工作日数的平均值"),
        ("综合得分", "签收及时率、按时办结率、解决率、满意率中有数据各项的平均值"),
        ("—", "分母为0，无法计算"),
    ]:
        notes.append(row)
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 70
    for cell in notes["A"]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(period: Period) -> str:
    return f"办件考核_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.xlsx"


__all__ = [
    "MAX_PERIOD_DAYS",
    "MIN_RANKED_VOLUME",
    "Period",
    "Rate",
    "Score",
    "ScorecardReport",
    "SORTS",
    "build_scorecards",
    "default_period",
    "department_scores",
    "event_counts",
    "export_filename",
    "parse_period",
    "parse_region",
    "parse_sort",
    "rank_scores",
    "region_choices",
    "region_scores",
    "scorecard_workbook",
    "sort_scores",
    "visible_departments",
]
