"""办件考核: department scorecards and their monthly trends, computed from case events. Reads only.

- definitions.py: what every figure means, in one table (the page's 口径, the Excel 说明 sheet);
- counts.py: the aggregate queries over CaseEvent, one per cohort;
- report.py: the period, who sees which departments, ranking and sorting;
- trends.py: the same figures month by month, for the charts;
- export.py: the .xlsx export.
"""

from minsheng.cases.scorecards.definitions import (
    BY_KEY,
    COHORT_TEXT,
    COMPOSITE_TEXT,
    DEFINITIONS,
    UNDEFINED_TEXT,
    VOLUME_TEXT,
    Definition,
    Rate,
    Score,
    round_half_up,
)
from minsheng.cases.scorecards.export import definition_rows, export_filename, scorecard_workbook
from minsheng.cases.scorecards.report import (
    CITY_LEVEL_LABEL,
    DEFAULT_SORT,
    MAX_PERIOD_DAYS,
    MIN_RANKED_VOLUME,
    SORTS,
    Period,
    ScorecardReport,
    build_scorecards,
    default_period,
    department_scores,
    parse_period,
    parse_region,
    parse_sort,
    rank_scores,
    region_choices,
    region_scores,
    sort_scores,
    visible_departments,
)
from minsheng.cases.scorecards.trends import Trend, build_trends, home_trends, parse_department, trend_context

__all__ = [
    "BY_KEY", "CITY_LEVEL_LABEL", "COHORT_TEXT", "COMPOSITE_TEXT", "DEFAULT_SORT", "DEFINITIONS", "Definition",
    "MAX_PERIOD_DAYS", "MIN_RANKED_VOLUME", "Period", "Rate", "SORTS", "Score", "ScorecardReport", "Trend",
    "UNDEFINED_TEXT", "VOLUME_TEXT", "build_scorecards", "build_trends", "default_period", "definition_rows",
    "department_scores", "export_filename", "home_trends", "parse_department", "parse_period", "parse_region",
    "parse_sort", "rank_scores", "region_choices", "region_scores", "round_half_up", "scorecard_workbook",
    "sort_scores", "trend_context", "visible_departments",
]
