from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from minsheng.core.errors import ActionError, NotFound
from minsheng.core.files import file_response
from minsheng.core.forms import apply_action_error
from minsheng.core.spreadsheets import download
from minsheng.core.text import date_words, parse_id
from minsheng.core.uploads import XLSX_KIND, check_upload
from minsheng.org.access import is_staff_member, jurisdiction
from minsheng.org.models import Region
from minsheng.pledges import actions, queries, xlsx
from minsheng.pledges.forms import ImportForm, MilestoneForm, ProgressForm
from minsheng.pledges.models import Evidence, FocusArea, Level, PledgeItem, PledgeList, Status
from minsheng.pledges.rules import can_manage_list, can_post_progress



# An item's dot on the map, by its derived status (templates/_map.html's tones).
STATUS_TONES = {Status.DONE: "done", Status.LATE: "late"}


def _feature(item: PledgeItem, status: str) -> dict:
    place = item.location if item.location_id and item.location_id != item.region_id else item.region
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(item.longitude), float(item.latitude)]},
        "properties": {
            "title": item.title,
            "url": reverse("pledges:item-detail", args=[item.pk]),
            "tone": STATUS_TONES.get(status, "info"),
            "lines": [f"{Status(status).label} · 进度{item.percent}%", f"{place} · 牵头：{item.lead_department}",
                      f"完成时限：{item.deadline:%Y-%m-%d}"],
        },
    }


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _year(request, years: list[int]) -> int | None:
    requested = parse_id(request.GET.get("year", ""))
    if requested in years:
        return requested
    return years[0] if years else None


def board(request):
    today = timezone.localdate()
    years = queries.board_years()
    year = _year(request, years)
    figures = queries.board_figures(year, today) if year else None
    return render(
        request,
        "pledges/board.html",
        {"figures": figures, "years": years, "year": year, "areas": FocusArea.objects.all(), "statuses": Status.choices},
    )


def item_list(request):
    today = timezone.localdate()
    years = queries.board_years()
    year = _year(request, years)
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "region", "area", "status")}
    items = queries.search_items(
        year=year, query=filters["q"][:50], region=filters["region"], area=filters["area"], status=filters["status"], today=today
    )
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    # Under a county, the city's items located there are listed too; say how many.
    located_city_items = items.filter(level=Level.CITY).count() if filters["region"] not in ("", "city") else 0
    mapped, map_capped = queries.located_items(items)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "pledges/item_list.html",
        {
            "page": page,
            "located_city_items": located_city_items,
            "features": _collection([_feature(item, item.status) for item in mapped]),
            "mapped": len(mapped),
            "map_capped": map_capped,
            "map_limit": queries.MAP_ITEMS,
            "filters": filters,
            "year": year,
            "years": years,
            "counties": Region.objects.filter(level="county"),
            "areas": FocusArea.objects.all(),
            "statuses": Status.choices,
            "query_string": query_string.urlencode(),
        },
    )


def item_detail(request, pk: int):
    try:
        item = queries.public_item(pk)
    except NotFound:
        raise Http404("没有找到这个事项。") from None
    today = timezone.localdate()
    status = item.status_on(today)
    return render(
        request,
        "pledges/item_detail.html",
        {
            "item": item,
            "status": status,
            "features": _collection([_feature(item, status)]) if item.latitude is not None else None,
            "timeline": queries.public_timeline(item),
            "children": item.children.select_related("lead_department").order_by("id"),
            "milestones": item.milestones.all(),
            "co_departments": item.co_departments.all(),
            "can_post": can_post_progress(request.user, item),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_item(request, pk: int):
    try:
        item = queries.access_pledge_item(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None
    may_post = can_post_progress(request.user, item)
    has_children = item.children.exists()
    form = ProgressForm(has_children=has_children, current_percent=item.percent)
    milestone_form = None
    if request.method == "POST" and "milestone" in request.POST:
        milestone_form = _complete_milestone(request, item)
        if milestone_form is None:
            return redirect("pledges:staff-item", pk=item.pk)
    elif request.method == "POST":
        if not may_post:
            messages.error(request, "只有牵头单位可以报送本事项的进度。")
            return redirect("pledges:staff-item", pk=item.pk)
        form = ProgressForm(request.POST, request.FILES, has_children=has_children, current_percent=item.percent)
        if form.is_valid():
            try:
                actions.do_post_progress(
                    item,
                    happened_on=form.cleaned_data["happened_on"],
                    text=form.cleaned_data["text"],
                    percent=form.cleaned_data.get("percent"),
                    files=form.cleaned_data["files"],
                    actor=request.user,
                )
            except ActionError as error:
                apply_action_error(form, error)
            else:
                messages.success(request, "进度已报送，公开进度榜已同步显示。")
                return redirect("pledges:staff-item", pk=item.pk)
    today = timezone.localdate()
    milestones = []
    for milestone in item.milestones.all():
        bound = milestone_form if milestone_form is not None and milestone_form.milestone_pk == milestone.pk else None
        milestones.append((milestone, bound or _milestone_form(milestone.pk)))
    return render(
        request,
        "pledges/staff_item.html",
        {
            "item": item,
            "status": item.status_on(today),
            "form": form if may_post else None,
            "timeline": queries.staff_timeline(item),
            "children": item.children.select_related("lead_department").order_by("id"),
            "milestones": milestones,
            "may_post": may_post,
            "today": today,
        },
    )


def _milestone_form(pk: int, data=None) -> MilestoneForm:
    form = MilestoneForm(data, auto_id=f"id_milestone_{pk}_%s", initial={"milestone": pk})
    form.milestone_pk = pk
    return form


def _complete_milestone(request, item: PledgeItem) -> MilestoneForm | None:
    """Tick a milestone off; None when done (or refused outright), else the form with its errors."""
    pk = parse_id(request.POST.get("milestone"))
    milestone = item.milestones.filter(pk=pk).first() if pk else None
    if milestone is None:
        messages.error(request, "没有找到这个节点。")
        return None
    if not can_post_progress(request.user, item):
        messages.error(request, "只有牵头单位可以确认本事项的节点。")
        return None
    form = _milestone_form(milestone.pk, request.POST)
    if not form.is_valid():
        return form
    completed_on = form.cleaned_data["completed_on"]
    try:
        actions.do_complete_milestone(milestone, completed_on=completed_on, actor=request.user)
    except ActionError as error:
        if error.field == "completed_on":
            apply_action_error(form, error)
            return form
        messages.error(request, error.message)
        return None
    messages.success(request, f"已确认节点“{milestone.title}”于{date_words(completed_on)}完成。")
    return None


@login_required
def staff_lists(request):
    area = jurisdiction(request.user)
    lists = PledgeList.objects.select_related("region")
    lists = lists.filter(region__code__startswith=area.code_prefix) if area else lists.none()
    lists = [(pledge_list, can_manage_list(request.user, pledge_list)) for pledge_list in lists]
    may_import = any(can_manage_list(request.user, PledgeList(region=region)) for region in _import_regions(request.user))
    return render(request, "pledges/staff_lists.html", {"lists": lists, "may_import": may_import})


def _import_regions(user):
    area = jurisdiction(user)
    if area is None:
        return Region.objects.none()
    regions = Region.objects.filter(code__startswith=area.code_prefix, level__in=["city", "county"])
    return regions.filter(pk__in=[r.pk for r in regions if can_manage_list(user, PledgeList(region=r))])


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    regions = _import_regions(request.user)
    if not regions.exists():
        messages.error(request, "只有管理员或督办员可以导入实事清单。")
        return redirect("pledges:staff-lists")
    report = None
    form = ImportForm(regions=regions)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, regions=regions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                check_upload(data["file"], field="file", label="文件", kinds=(XLSX_KIND,))
                pledge_list = PledgeList(title=data["title"], year=data["year"], region=data["region"])
                report = xlsx.read_workbook(data["file"].read(), pledge_list)
                if not report.errors:
                    pledge_list = actions.do_import_pledge_list(
                        title=data["title"], year=data["year"], region=data["region"], drafts=report.drafts, actor=request.user
                    )
                    messages.success(request, f"已导入《{pledge_list.title}》，共{len(report.drafts)}项。")
                    return redirect("pledges:staff-lists")
                form.add_error(None, f"文件有{len(report.errors)}处错误，未导入任何事项。请按下表修改后重新导入。")
            except ActionError as error:
                apply_action_error(form, error)
    return render(request, "pledges/import.html", {"form": form, "report": report})


@login_required
def export_list(request, pk: int):
    try:
        pledge_list = queries.access_pledge_list(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None
    return download(xlsx.write_workbook(pledge_list, timezone.localdate()), f"{pledge_list.title}.xlsx")


@login_required
def import_template(request):
    return download(xlsx.template_workbook(), "实事清单导入模板.xlsx")


@require_http_methods(["GET"])
def evidence(request, key):
    """A progress update's evidence: public with its update; staff only for an update that is not."""
    found = Evidence.objects.select_related("event").filter(key=key).first()
    if found is None or not (found.event.is_public or is_staff_member(request.user)):
        raise Http404("没有找到这个文件。")
    return file_response(found.file, found.original_name, found.content_type)
