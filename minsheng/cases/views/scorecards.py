"""办件考核: department scorecards for a period, on the page and as a spreadsheet."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from minsheng.cases import scorecards
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.spreadsheets import download
from minsheng.org.access import is_staff_member


# The table's sortable columns, in page order; the first click sorts best first.
SORT_COLUMNS = [("volume", True)] + [(d.key, d.higher_is_better) for d in scorecards.DEFINITIONS] + [("composite", True)]


def _report(request):
    """(filters as typed, region choices, report or None, error or None) for the GET filters."""
    user = request.user
    filters = {key: request.GET.get(key, "").strip()[:20] for key in ("start", "end", "region", "sort")}
    choices = scorecards.region_choices(user)
    try:
        period = scorecards.parse_period(filters["start"], filters["end"], today=clock.today())
        region = scorecards.parse_region(user, filters["region"])
    except ActionError as error:
        return filters, choices, None, error
    filters["start"], filters["end"] = period.start.isoformat(), period.end.isoformat()
    filters["sort"] = scorecards.parse_sort(filters["sort"])
    report = scorecards.build_scorecards(user, period, region=region, sort=filters["sort"])
    return filters, choices, report, None


def _sort_links(filters: dict) -> dict:
    """For each sortable column: the link that sorts by it (toggling direction) and its aria-sort."""
    current = filters.get("sort") or scorecards.DEFAULT_SORT
    links = {}
    for key, best_first_descending in SORT_COLUMNS:
        first = f"-{key}" if best_first_descending else key
        other = key if best_first_descending else f"-{key}"
        target = other if current == first else first
        state = "none"
        if current.lstrip("-") == key:
            state = "descending" if current.startswith("-") else "ascending"
        query = {k: v for k, v in filters.items() if v and k != "sort"} | {"sort": target}
        links[key] = {"url": f"?{urlencode(query)}", "aria_sort": state}
    ranking = {k: v for k, v in filters.items() if v and k != "sort"}
    links["rank"] = {
        "url": f"?{urlencode(ranking)}" if ranking else "?",
        "aria_sort": "ascending" if current == scorecards.DEFAULT_SORT else "none",
    }
    return links


def _rate_groups() -> list[tuple[str, list]]:
    """The table's rate columns under their group headings (部门办理, 群众评价)."""
    groups: dict[str, list] = {}
    for definition in scorecards.DEFINITIONS:
        groups.setdefault(definition.group, []).append(definition)
    return list(groups.items())


def _notes() -> list[tuple[str, str]]:
    """The page's 口径: the same rows as the Excel 说明 sheet."""
    return scorecards.definition_rows()


def _render(request, filters, choices, report, error, *, status=200):
    query = {k: v for k, v in filters.items() if v and not (k == "sort" and v == scorecards.DEFAULT_SORT)}
    groups, region_rows = [], []
    if report is not None:
        heading = "" if report.own_department_only else (
            f"以下部门不参与排名：期间办件量少于{report.min_volume}件（办件量不足），或尚无可计算的指标"
        )
        groups = [("", report.ranked), (heading, report.unranked)]
        region_rows = report.regions + ([report.total] if len(report.regions) > 1 else [])
    return render(
        request,
        "cases/scorecards.html",
        {
            "filters": filters,
            "region_choices": choices,
            "report": report,
            "groups": groups,
            "region_rows": region_rows,
            "error": error,
            "min_volume": report.min_volume if report else scorecards.MIN_RANKED_VOLUME,
            "sort_links": _sort_links(filters),
            "rate_headers": [
                {"definition": d, **_sort_links(filters)[d.key]} for d in scorecards.DEFINITIONS
            ],
            "export_query": urlencode(query),
            "has_department": is_staff_member(request.user),
            "city_level_label": scorecards.CITY_LEVEL_LABEL,
            "definitions": scorecards.DEFINITIONS,
            "groups_of_rates": _rate_groups(),
            "notes": _notes(),
        },
        status=status,
    )


@login_required
def scorecard_page(request):
    """Supervisors, leaders and administrators: every department in their jurisdiction, ranked;
    other staff: their own department's row."""
    filters, choices, report, error = _report(request)
    return _render(request, filters, choices, report, error, status=400 if error else 200)


@login_required
def scorecard_export(request):
    """The same table as .xlsx; a bad filter shows the page with its message instead."""
    filters, choices, report, error = _report(request)
    if error is not None:
        return _render(request, filters, choices, report, error, status=400)
    return download(scorecards.scorecard_workbook(report), scorecards.export_filename(report.period))


@login_required
def trends_page(request):
    """The figures month by month (for the user's departments, or one of them), as charts."""
    user = request.user
    error, department = None, None
    try:
        department = scorecards.parse_department(user, request.GET.get("department", "")[:20])
    except ActionError as problem:
        error = problem
    trend = scorecards.build_trends(user, department=department) if is_staff_member(user) else None
    choices = scorecards.visible_departments(user).select_related("region").order_by("region__code", "name")
    return render(
        request,
        "cases/scorecard_trends.html",
        {
            **scorecards.trend_context(trend),
            "error": error,
            "department_choices": choices if choices.count() > 1 else [],
            "chosen": department.pk if department else None,
            "notes": _notes(),
            "has_department": is_staff_member(user),
        },
        status=400 if error else 200,
    )
