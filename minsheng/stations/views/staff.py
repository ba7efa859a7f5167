"""The operator units' side: their stations with what needs doing (problems past or near their
deadline, residents' feedback), registering a station, and one station's page where its keeper
edits the register, the week's hours, holiday duty, status, photos, volunteers, records an
inspection and marks problems fixed. Each POST calls one action; the forms only parse."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.forms import apply_action_error
from minsheng.core.identity import mask_phone
from minsheng.core.text import parse_id
from minsheng.org.access import in_jurisdiction, is_staff_member
from minsheng.org.models import Department, Region, RegionLevel
from minsheng.stations import actions, forms, hours, queries, rules
from minsheng.stations.models import Amenity, Place, Problem, Standard, StationCase, StationPhoto, Volunteer
from minsheng.stations.views.geojson import collection, feature


def _staff_only(user) -> None:
    if not is_staff_member(user) or not rules.may_keep_any(user):
        raise Http404("没有找到该页面。")


@login_required
def home(request):
    user = request.user
    if not is_staff_member(user):
        raise Http404("没有找到该页面。")
    today = clock.today()
    rows = [{"station": station, "open_now": open_} for station, open_ in
            queries.with_open_now(queries.stations_kept_by(user).order_by("region__code", "name"))]
    stations = [row["station"] for row in rows]
    problems = list(queries.open_problems(stations))
    cases = (StationCase.objects.filter(station__in=stations).select_related("case__lead_department", "station")
             .order_by("-case__created_at")[:20])
    return render(request, "stations/staff_home.html", {
        "rows": rows, "problems": problems, "cases": cases, "today": today,
        "late": sum(1 for p in problems if p.deadline < today),
        "features": collection([feature(row["station"], open_now=row["open_now"]) for row in rows]),
        "may_register": user.has_role(*rules.OVERSEERS) or user.has_role("department_head"),
        "may_settings": user.has_role(*rules.OVERSEERS),
    })


def _register_choices(user):
    """The districts and units this user may register a station for."""
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    if user.has_role(*rules.OVERSEERS):
        regions = [region for region in counties if in_jurisdiction(user, region)]
        operators = list(Department.objects.filter(region__in=[*regions, user.department.region])
                         .order_by("region__code", "name"))
        return regions, operators
    home = user.department.region
    if home.level == RegionLevel.CITY:
        return counties, [user.department]
    return [home if home.level == RegionLevel.COUNTY else home.parent], [user.department]


@login_required
def new_station(request):
    user = request.user
    _staff_only(user)
    regions, operators = _register_choices(user)
    form = forms.StationForm(request.POST or None, regions=regions, operators=operators)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        region = next((r for r in regions if str(r.pk) == data["region"]), None)
        operator = next((d for d in operators if str(d.pk) == data["operator"]), None)
        try:
            station = actions.do_register_station(
                name=data["name"], region=region, address=data["address"], latitude=data["latitude"],
                longitude=data["longitude"], datum=data["datum"], operator=operator, amenities=data["amenities"],
                phone=data["phone"], area_m2=data["area_m2"], opened_on=data["opened_on"],
                description=data["description"], actor=user)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"已登记{station.name}。请接着设定开放时间。")
            return redirect("stations:staff-station", pk=station.pk)
    return render(request, "stations/staff_new.html", {"form": form}, status=400 if form.errors else 200)


def _station_for(request, pk):
    try:
        return queries.access_station(request.user, pk)
    except NotFound:
        raise Http404("没有找到该驿站。") from None


def _forms(station, today, data=None, which=""):
    """Every form of the keeper's page, the one posted (`which`) bound to what was sent."""
    weekly = hours.weekly_of(station)
    bound = lambda name: data if which == name else None  # noqa: E731
    return {
        "station_form": forms.StationForm(bound("station"), fixed=True, initial={
            "name": station.name, "address": station.address, "latitude": station.latitude,
            "longitude": station.longitude, "datum": "wgs84", "amenities": queries.amenities_of(station),
            "phone": station.phone, "area_m2": station.area_m2 or "", "opened_on": station.opened_on,
            "description": station.description}),
        "hours_form": forms.HoursForm(bound("hours"), initial={
            f"hours_{day}": hours.spans_text(weekly.get(day, ())).replace("不开放", "休息").replace("全天开放", "全天")
            for day in range(7)}),
        "holiday_form": forms.HolidayForm(bound("holiday"), holidays=queries.upcoming_holidays(today)),
        "status_form": forms.StatusForm(bound("status"), initial={"status": station.status, "note": station.status_note}),
        "photo_form": forms.PhotoForm(bound("photo")[0] if bound("photo") else None,
                                      bound("photo")[1] if bound("photo") else None),
        "volunteer_form": forms.VolunteerForm(bound("volunteer")),
    }


def _page(request, station, form_set, status=200):
    today = clock.today()
    standards = list(Standard.objects.filter(is_active=True).prefetch_related("items"))
    open_now = queries.is_open(station)
    return render(request, "stations/staff_station.html", {
        "station": station, **form_set, "today": today, "now": clock.now(),
        "open_now": open_now, "week": queries.week(station),
        "plans": queries.upcoming_plans(station), "photos": station.photos.all(),
        # The operator unit calls its volunteers; supervisors looking in see the phones masked.
        "volunteers": [(volunteer, volunteer.phone if request.user.department_id == station.operator_id
                        else mask_phone(volunteer.phone)) for volunteer in station.volunteers.all()],
        "standards": standards,
        "inspections": station.inspections.select_related("standard", "inspector").prefetch_related("problems")[:10],
        "problems": Problem.objects.filter(station=station).select_related("inspection", "item").order_by(
            "fixed_on", "deadline"),
        "cases": station.case_links.select_related("case__lead_department").order_by("-case__created_at")[:20],
        "events": station.events.select_related("actor").order_by("-created_at")[:30],
        "features": collection([feature(station, open_now=open_now)]),
        "amenity_labels": dict(Amenity.choices),
    }, status=status)


@login_required
def station_page(request, pk: int):
    _staff_only(request.user)
    station = _station_for(request, pk)
    return _page(request, station, _forms(station, clock.today()))


@login_required
@require_POST
def station_act(request, pk: int, what: str):
    user = request.user
    _staff_only(user)
    station = _station_for(request, pk)
    today = clock.today()
    data = (request.POST, request.FILES) if what == "photo" else request.POST
    form_set = _forms(station, today, data, what)
    form = form_set.get(f"{what}_form")
    try:
        if what == "station" and form.is_valid():
            d = form.cleaned_data
            actions.do_update_station(station, name=d["name"], address=d["address"], latitude=d["latitude"],
                                      longitude=d["longitude"], datum=d["datum"], amenities=d["amenities"],
                                      phone=d["phone"], area_m2=d["area_m2"], opened_on=d["opened_on"],
                                      description=d["description"], actor=user)
            done = "已保存驿站信息。"
        elif what == "hours" and form.is_valid():
            actions.do_set_hours(station, weekly={day: form.cleaned_data[f"hours_{day}"] for day in range(7)}, actor=user)
            done = "已保存开放时间。"
        elif what == "holiday" and form.is_valid():
            d = form.cleaned_data
            actions.do_plan_holiday(station, day=date.fromisoformat(d["date"]), spans=d["spans"],
                                    duty_staff=d["duty_staff"], duty_phone=d["duty_phone"], services=d["services"],
                                    actor=user)
            done = "已保存节假日安排。"
        elif what == "status" and form.is_valid():
            actions.do_set_station_status(station, status=form.cleaned_data["status"], note=form.cleaned_data["note"],
                                          actor=user)
            done = "已更新状态。"
        elif what == "photo" and form.is_valid():
            actions.do_add_photo(station, upload=form.cleaned_data["photo"], caption=form.cleaned_data["caption"],
                                 actor=user)
            done = "已上传照片。"
        elif what == "volunteer" and form.is_valid():
            d = form.cleaned_data
            actions.do_add_volunteer(station, name=d["name"], phone=d["phone"], organisation=d["organisation"],
                                     duties=d["duties"], joined_on=d["joined_on"], actor=user)
            done = "已添加志愿者。"
        elif what in {"station", "hours", "holiday", "status", "photo", "volunteer"}:
            return _page(request, station, form_set, status=400)
        elif what == "photo-remove":
            item = StationPhoto.objects.filter(station=station, pk=parse_id(request.POST.get("photo"))).first()
            if item is None:
                raise Http404("没有找到该照片。")
            actions.do_remove_photo(item, actor=user)
            done = "已删除照片。"
        elif what == "volunteer-leave":
            item = Volunteer.objects.filter(station=station, pk=parse_id(request.POST.get("volunteer"))).first()
            if item is None:
                raise Http404("没有找到该志愿者。")
            actions.do_retire_volunteer(item, actor=user)
            done = f"{item.name}已退出。"
        else:
            raise Http404("没有这个操作。")
    except ActionError as error:
        if form is not None:
            apply_action_error(form, error)
            return _page(request, station, form_set, status=400)
        messages.error(request, error.message)
        return redirect("stations:staff-station", pk=station.pk)
    messages.success(request, done)
    return redirect(reverse("stations:staff-station", args=[station.pk]) + f"#{what}")


@login_required
def inspect(request, pk: int):
    """Record an inspection against a standard: each item 合格 or not, with the problem and its
    deadline for each item failed (and any other problem seen)."""
    user = request.user
    _staff_only(user)
    station = _station_for(request, pk)
    standard = Standard.objects.filter(is_active=True, pk=parse_id(request.GET.get("standard") or request.POST.get("standard"))).first()
    standard = standard or Standard.objects.filter(is_active=True).order_by("pk").first()
    if standard is None:
        raise Http404("还没有设定驿站标准。")
    items = list(standard.items.all())
    error = None
    values = {"visited_on": request.POST.get("visited_on", clock.today().isoformat()), "note": request.POST.get("note", "")}
    if request.method == "POST":
        results, problems = {}, []
        for item in items:
            answer = request.POST.get(f"item_{item.position}")
            results[item.position] = {"yes": True, "no": False}.get(answer)
            text = request.POST.get(f"problem_{item.position}", "").strip()
            if text:
                problems.append({"item": item.position, "description": text,
                                 "deadline": _date(request.POST.get(f"deadline_{item.position}"))})
        extra = request.POST.get("problem_extra", "").strip()
        if extra:
            problems.append({"item": None, "description": extra, "deadline": _date(request.POST.get("deadline_extra"))})
        try:
            actions.do_record_inspection(station, standard=standard, visited_on=_date(values["visited_on"]),
                                         results=results, problems=problems, note=values["note"], actor=user)
        except ActionError as refused:
            error = refused
        else:
            messages.success(request, "已登记巡查。")
            return redirect(reverse("stations:staff-station", args=[station.pk]) + "#inspections")
    rows = [{"item": item, "answer": request.POST.get(f"item_{item.position}", ""),
             "problem": request.POST.get(f"problem_{item.position}", ""),
             "deadline": request.POST.get(f"deadline_{item.position}", "")} for item in items]
    return render(request, "stations/staff_inspect.html", {
        "station": station, "standard": standard, "rows": rows, "error": error,
        "extra": {"problem": request.POST.get("problem_extra", ""), "deadline": request.POST.get("deadline_extra", "")},
        "values": values, "standards": Standard.objects.filter(is_active=True),
    }, status=400 if error else 200)


def _date(text):
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


@login_required
@require_POST
def fix(request, pk: int, problem_pk: int):
    user = request.user
    _staff_only(user)
    station = _station_for(request, pk)
    problem = Problem.objects.filter(station=station, pk=problem_pk).select_related("inspection").first()
    if problem is None:
        raise Http404("没有找到该问题。")
    form = forms.FixForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
    else:
        try:
            actions.do_fix_problem(problem, fixed_on=form.cleaned_data["fixed_on"], note=form.cleaned_data["note"],
                                   actor=user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已登记整改完成。")
    return redirect(reverse("stations:staff-station", args=[station.pk]) + "#problems")


@login_required
def settings_page(request):
    """The city's settings for its stations: the standards inspections check against (city
    supervisors and administrators), and the places people type to find the nearest station."""
    user = request.user
    if not is_staff_member(user) or not user.has_role(*rules.OVERSEERS):
        raise Http404("没有找到该页面。")
    regions = [region for region in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
               if in_jurisdiction(user, region)]
    which = request.POST.get("form", "") if request.method == "POST" else ""
    standard_form = forms.StandardForm(request.POST if which == "standard" else None)
    place_form = forms.PlaceForm(request.POST if which == "place" else None, regions=regions)
    form = standard_form if which == "standard" else place_form if which == "place" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if which == "standard":
                actions.do_define_standard(name=data["name"], issuer=data["issuer"],
                                           items=[line.strip() for line in data["items"].splitlines() if line.strip()],
                                           actor=user)
                done = f"已设定{data['name']}。"
            else:
                region = next((r for r in regions if str(r.pk) == data["region"]), None)
                actions.do_register_place(name=data["name"], region=region, latitude=data["latitude"],
                                          longitude=data["longitude"], datum=data["datum"], actor=user)
                done = f"已登记地名{data['name']}。"
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, done)
            return redirect("stations:settings")
    return render(request, "stations/staff_settings.html", {
        "standard_form": standard_form, "place_form": place_form,
        "standards": Standard.objects.prefetch_related("items").order_by("name"),
        "places": Place.objects.select_related("region").order_by("region__code", "name"),
        "may_define": rules.may_keep_standards(user),
    }, status=400 if form is not None and form.errors else 200)
