"""The public side, on a phone first: the map of stations with open-now and amenity filters, the
nearest open station from the phone's position or a typed place, a station's page (hours this
week, holidays, amenities, photos, directions) and feedback that becomes a case for its operator."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.files import file_response
from minsheng.core.forms import apply_action_error
from minsheng.core.identity import mask_name
from minsheng.core import geo
from minsheng.stations import actions, forms, queries
from minsheng.stations.models import Amenity, StationPhoto
from minsheng.stations.views.geojson import collection, distance_words, feature


def index(request):
    form = forms.FindForm(request.GET or None)
    now = clock.now()
    found, origin, places, problem = None, None, [], ""
    stations = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        amenities = data["amenity"]
        if data["lat"] or data["lng"]:
            try:
                origin = tuple(float(v) for v in actions.read_point(data["lat"], data["lng"]))
            except ActionError as error:
                problem = (f"您的位置不在{settings.MINSHENG_CITY_NAME}范围内，请输入路名或地标查找。"
                           if "范围内" in error.message else error.message)
        elif data["place"]:
            places = queries.find_places(data["place"])
            if places:
                origin = (float(places[0].latitude), float(places[0].longitude))
            else:
                problem = f"没有找到“{data['place']}”，请换个路名、小区或地标试试。"
        if origin is not None:
            found = queries.nearest(*origin, amenities=amenities, open_now=data["open_now"], at=now)
        else:
            stations = queries.map_stations(amenities=amenities, open_now=data["open_now"], at=now)
    else:
        stations = queries.map_stations(at=now)
    if found is not None:
        features = [feature(item.station, open_now=item.open_now, distance_m=item.distance_m) for item in found]
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [origin[1], origin[0]]},
                         "properties": {"title": places[0].name if places else "您的位置", "tone": "info", "lines": []}})
        rows = [{"station": item.station, "open_now": item.open_now, "distance": distance_words(item.distance_m),
                 "amenities": [Amenity(code).label for code in queries.amenities_of(item.station)]} for item in found]
    else:
        features = [feature(station, open_now=open_) for station, open_ in stations]
        rows = [{"station": station, "open_now": open_, "distance": "",
                 "amenities": [Amenity(code).label for code in queries.amenities_of(station)]}
                for station, open_ in stations]
    return render(request, "stations/index.html", {
        "form": form, "rows": rows, "found": found is not None, "origin": origin, "place": places[0] if places else None,
        "problem": problem, "features": collection(features), "now": now,
        "open_count": sum(1 for row in rows if row["open_now"]),
    }, status=400 if form.errors else 200)


def station_page(request, pk: int):
    try:
        station = queries.access_public_station(pk)
    except ActionError:
        raise Http404("没有找到该驿站。") from None
    now = clock.now()
    open_now = queries.is_open(station, now)
    lat, lng = float(station.latitude), float(station.longitude)
    gcj_lat, gcj_lng = geo.wgs84_to_gcj02(lat, lng)
    volunteers = list(station.volunteers.filter(left_on__isnull=True))
    return render(request, "stations/station.html", {
        "station": station, "open_now": open_now, "week": queries.week(station), "now": now,
        "plans": queries.upcoming_plans(station),
        "amenities": [Amenity(code) for code in queries.amenities_of(station)],
        "photos": station.photos.all(),
        "volunteers": [{"name": mask_name(v.name), "organisation": v.organisation, "duties": v.duties} for v in volunteers],
        "features": collection([feature(station, open_now=open_now)]),
        "directions": {
            # 高德 takes GCJ-02 (its own datum); geo: (Android's map chooser) takes WGS-84.
            "amap": "https://uri.amap.com/marker?" + urlencode({"position": f"{gcj_lng:.6f},{gcj_lat:.6f}",
                                                                "name": station.name, "src": "minsheng",
                                                                "coordinate": "gaode", "callnative": "1"}),
            "geo": f"geo:{lat:.6f},{lng:.6f}?q={lat:.6f},{lng:.6f}({station.name})",
        },
        "events": station.events.filter(is_public=True).order_by("-created_at")[:10],
    })


def photo(request, pk: int, photo_pk: int):
    try:
        station = queries.access_public_station(pk)
    except ActionError:
        raise Http404("没有找到该照片。") from None
    item = StationPhoto.objects.filter(station=station, pk=photo_pk).first()
    if item is None:
        raise Http404("没有找到该照片。")
    extension = "png" if item.content_type == "image/png" else "jpg"
    return file_response(item.file, f"{station.name}-{item.pk}.{extension}", item.content_type)


def feedback(request, pk: int):
    from minsheng.cases.views.public import SUBMITTED_KEY

    try:
        station = queries.access_public_station(pk)
    except ActionError:
        raise Http404("没有找到该驿站。") from None
    form = forms.FeedbackForm(request.POST or None, amenities=queries.amenities_of(station),
                              initial={"amenity": request.GET.get("amenity", "")[:24]})
    if form.is_bound and form.is_valid():
        if form.cleaned_data["website"]:  # a bot: answer as if all went well
            return redirect("cases:submitted")
        data = form.cleaned_data
        try:
            case, code = actions.do_report_feedback(
                station, amenity=data["amenity"], description=data["description"],
                requester_name=data["requester_name"], requester_phone=data["requester_phone"],
                submission_token=data["submission_token"] or None)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            if code is not None:
                request.session[SUBMITTED_KEY] = {"number": case.number, "code": code}
                if not request.user.is_authenticated:
                    request.session.set_expiry(600)
            return redirect("cases:submitted")
    return render(request, "stations/feedback.html", {
        "station": station, "form": form, "open": actions.feedback_category() is not None,
        "back": reverse("stations:station", args=[station.pk]),
    }, status=400 if form.errors else 200)
