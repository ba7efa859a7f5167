"""Scorecard figures month by month (趋势), so a leader sees direction, not just a snapshot:
for everything the user may see (the total) and, when one is chosen, for one department.

Months are cohorts too (definitions.py): a month's 签收及时率 is over the dispatches of that
month, however late they were signed. One call is the same three aggregate queries as a
scorecard, grouped by month as well, over the last TREND_MONTHS months.

The counts are cached under the newest event id (the generation: every change to a case writes
an event) and the day (open stages turn late at midnight, when due times fall). A busy city
writes events every few seconds, so a cached result is also served while it is younger than
TREND_MAX_STALE; the page shows the moment the figures were computed.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from minsheng.cases.models import CaseEvent
from minsheng.cases.scorecards.counts import stage_counts
from minsheng.cases.scorecards.definitions import BY_KEY, Score
from minsheng.cases.scorecards.report import visible_departments, scope_words
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.text import parse_id
from minsheng.org.access import is_staff_member
from minsheng.org.models import Department, Role, User

TREND_MONTHS = 12
TREND_MAX_STALE = timedelta(minutes=5)
# The charts, in the order they are shown: the residents' three rates first (the 12345 "三率"),
# the department's own 办结 claim beside the residents' 解决率, then the department's work.
CHART_KEYS = (
    "response_rate", "solve_rate", "satisfaction_rate", "reported_solve_rate",
    "sign_rate", "on_time_rate", "return_rate", "reopen_rate", "average_days",
)


def month_starts(today: date, months: int = TREND_MONTHS) -> list[date]:
    """The first days of the last `months` months, the current one last."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _bounds(first: date, today: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    after = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.combine(first, time.min), zone),
        timezone.make_aware(datetime.combine(after, time.min), zone),
    )


def monthly_counts(department_ids: list[int], months: list[date], now: datetime) -> tuple[dict, datetime]:
    """stage_counts by (department id, month) for the months, and when they were computed."""
    today = timezone.localtime(now).date()
    generation = CaseEvent.objects.aggregate(last=Max("id"))["last"] or 0
    scope = hashlib.sha1(",".join(map(str, sorted(department_ids))).encode()).hexdigest()
    key = f"cases:trends:{scope}:{months[0].isoformat()}:{today.isoformat()}"
    entry = cache.get(key)
    if entry is not None and (entry["generation"] == generation or now - entry["at"] < TREND_MAX_STALE):
        return entry["counts"], entry["at"]
    first, after = _bounds(months[0], today)
    counts = stage_counts(first, after, now, department_ids, by_month=True) if department_ids else {}
    cache.set(key, {"generation": generation, "at": now, "counts": counts}, int(TREND_MAX_STALE.total_seconds()) * 12)
    return counts, now


@dataclass
class Trend:
    months: list[date]
    scope: str  # whose departments: "湖口县全部部门", or the one department
    total: list[Score]  # one per month: every department the user may see
    department: Department | None = None  # the one chosen, if any
    series: list[Score] | None = None  # one per month: the chosen department
    as_of: datetime | None = None

    @property
    def lines(self) -> list[tuple[str, list[Score]]]:
        """(name, one Score a month): the chosen department first, then the total."""
        lines = [(self.department.name, self.series)] if self.department is not None else []
        if self.department is None or self.scope != self.department.name:
            lines.append((f"{self.scope}合计" if self.department is not None else self.scope, self.total))
        return lines

    @property
    def rows(self) -> list[tuple[date, list]]:
        """For the data table under the charts: each month, the first line's figures in chart order."""
        _name, scores = self.lines[0]
        return [(month, [score.rate(key) for key in CHART_KEYS]) for month, score in zip(self.months, scores)]

    def chart_data(self) -> dict:
        """What trends.js draws (through json_script): months, and per chart its lines."""
        charts = []
        for key in CHART_KEYS:
            definition = BY_KEY[key]
            lines = []
            for name, scores in self.lines:
                rates = [score.rate(key) for score in scores]
                lines.append({
                    "name": name,
                    "values": [rate.percent for rate in rates],
                    "details": [rate.detail for rate in rates],
                })
            charts.append({
                "key": key, "label": definition.label, "unit": definition.unit,
                "higher_is_better": definition.higher_is_better, "lines": lines,
            })
        return {
            "months": [f"{month.year}年{month.month}月" for month in self.months],
            "short_months": [f"{month.month}月" if month.month != 1 else f"{month.year}年1月" for month in self.months],
            "charts": charts,
        }


def parse_department(user: User, text: str | None) -> Department | None:
    """The department chosen for the trends: one the user may see; empty is none (the total)."""
    text = (text or "").strip()
    if not text:
        return None
    department = None
    pk = parse_id(text)
    if pk is not None:
        department = visible_departments(user).select_related("region").filter(pk=pk).first()
    if department is None:
        raise ActionError("所选部门不存在或不在您的查看范围内，以下为全部部门的合计。", field="department")
    return department


def build_trends(user: User, *, department: Department | None = None, now: datetime | None = None,
                 months: int = TREND_MONTHS) -> Trend:
    """The last `months` months for everything the user may see, and for `department` (which
    must come from `parse_department`)."""
    now = now or clock.now()
    firsts = month_starts(timezone.localtime(now).date(), months)
    ids = list(visible_departments(user).values_list("pk", flat=True))
    counts, as_of = monthly_counts(ids, firsts, now)
    total = [Score(name=f"{month:%Y-%m}") for month in firsts]
    for (department_id, month), values in counts.items():
        if month in firsts:
            total[firsts.index(month)].add(Score.of(**values))
    series = None
    if department is not None:
        series = [Score.of(f"{month:%Y-%m}", **counts.get((department.pk, month), {})) for month in firsts]
    return Trend(firsts, scope_words(user), total, department, series, as_of)


def home_trends(user: User, now: datetime | None = None) -> Trend | None:
    """The trends a leader's home page opens on; None for everyone else."""
    if not is_staff_member(user) or not user.has_role(Role.LEADER):
        return None
    return build_trends(user, now=now)


def trend_context(trend: Trend | None) -> dict:
    """What templates/cases/_trends.html needs."""
    if trend is None:
        return {"trend": None}
    return {"trend": trend, "trend_data": trend.chart_data(), "trend_rows": trend.rows}
