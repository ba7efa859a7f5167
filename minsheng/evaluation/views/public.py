"""The public side of the business-environment evaluation: the counties' scores and ranking over
the periods, the indicators at full marks, the reform tasks' progress per indicator, the heads'
walk-throughs and what they fixed; an indicator's page with each county's value and score and the
benchmark city's value and practice beside ours."""

from django.http import Http404
from django.shortcuts import render

from minsheng.core import clock
from minsheng.evaluation import queries, rules
from minsheng.evaluation.models import FirstIndicator, Framework, WalkThrough
from minsheng.org.models import Region, RegionLevel


def _framework(request) -> Framework | None:
    chosen = request.GET.get("framework", "")
    if chosen.isdigit() and len(chosen) < 10:
        found = Framework.objects.filter(pk=int(chosen)).first()
        if found is not None:
            return found
    return queries.latest_framework()


def _period(request, framework) -> int | None:
    years = queries.periods(framework)
    chosen = request.GET.get("period", "")
    if chosen.isdigit() and int(chosen) in years:
        return int(chosen)
    return years[-1] if years else None


def index(request):
    framework = _framework(request)
    today = clock.today()
    context = {"framework": framework, "frameworks": Framework.objects.all()[:20]}
    if framework is not None:
        period = _period(request, framework)
        scored = queries.board(framework, period) if period else None
        city = Region.objects.filter(level=RegionLevel.CITY).first()
        city_board = queries.board(framework, period, level=RegionLevel.CITY) if period else None
        series = queries.ranking_over_periods(framework)
        context |= {
            "period": period, "periods": queries.periods(framework), "board": scored,
            "city_row": city_board.regions[0] if city_board and city_board.regions else None,
            "series": series,
            "chart": {"periods": series.periods,
                      "lines": [{"name": region.name, "ranks": ranks} for region, ranks, _ in series.rows]},
            "progress": queries.reform_progress(framework, today),
            "walks": queries.walks_by_department(None, today), "city": city,
            "may_keep": rules.may_keep_frameworks(request.user) if request.user.is_authenticated else False,
        }
    return render(request, "evaluation/index.html", context)


def indicator(request, pk):
    first = FirstIndicator.objects.select_related("framework").filter(pk=pk).first() if str(pk).isdigit() else None
    if first is None:
        raise Http404("没有找到该指标。")
    framework = first.framework
    period = _period(request, framework)
    scored = queries.board(framework, period) if period else None
    regions = scored.regions if scored else []
    rows = []
    for second in first.seconds.all():
        cells = []
        for region_score in regions:
            item = next((item for group in region_score.firsts if group.first.pk == first.pk for item in group.seconds
                         if item.indicator.pk == second.pk), None)
            cells.append(item)
        rows.append((second, cells, scored.bounds.get(second.pk) if scored else None))
    city = Region.objects.filter(level=RegionLevel.CITY).first()
    gaps = [gap for gap in queries.gaps(framework, city, period) if gap.indicator.first_id == first.pk] \
        if city and period else []
    from minsheng.pledges.models import PledgeItem

    tasks = (PledgeItem.objects.filter(reform_task__first=first).select_related("lead_department")
             .with_status(clock.today()).order_by("deadline", "pk")[:100])
    return render(request, "evaluation/indicator.html", {
        "first": first, "framework": framework, "period": period, "regions": [row.region for row in regions],
        "rows": rows, "benchmarks": first.benchmarks.select_related("second"), "gaps": gaps, "tasks": tasks,
    })


def walkthroughs(request):
    today = clock.today()
    walks = (WalkThrough.objects.select_related("service__department__region", "walker")
             .prefetch_related("walk_steps").order_by("-walked_on", "-pk")[:50])
    return render(request, "evaluation/walkthroughs.html", {
        "outcomes": [queries.walk_outcome(walk, today) for walk in walks],
        "services": queries.services_measured(today),
    })


PAGE_SIZE = 30


def reforms(request):
    """The reform task list in full, as the pledge engine keeps it: each task's indicator, lead
    department, deadline, progress and derived status; by indicator and by status."""
    from django.core.paginator import Paginator

    from minsheng.pledges.models import PledgeItem, Status

    framework = _framework(request)
    today = clock.today()
    tasks = PledgeItem.objects.none()
    firsts = []
    if framework is not None:
        firsts = list(framework.first_indicators.all())
        tasks = (PledgeItem.objects.top_level().filter(reform_task__first__framework=framework)
                 .select_related("lead_department", "reform_task__first", "pledge_list"))
    chosen = next((first for first in firsts if str(first.pk) == request.GET.get("indicator", "")), None)
    if chosen is not None:
        tasks = tasks.filter(reform_task__first=chosen)
    status = request.GET.get("status", "")
    if status in Status.values:
        tasks = tasks.with_status_in(status, today)
    tasks = tasks.with_status(today).order_by("reform_task__first__position", "deadline", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "evaluation/reforms.html", {
        "framework": framework, "firsts": firsts, "chosen": chosen, "status": status, "statuses": Status.choices,
        "page": page, "query_string": query.urlencode(), "total": page.paginator.count,
    })
