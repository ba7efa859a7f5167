"""The stations in the JSON API: public GeoJSON (open data), the nearest with distance_m, one
station with its week; bad input named by its field; whatever is sent, only documented answers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, settings

from minsheng.cases.tests.test_api_fuzz import CHECKS
from minsheng.core import geo
from minsheng.stations import actions
from minsheng.stations.models import StationStatus
from minsheng.testing import make_station

pytestmark = pytest.mark.django_db
API = "/api/v1/stations"
HOLIDAY_NOON = datetime(2026, 10, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def three(people, keepers):
    every_day = {day: "06:30-21:00" for day in range(7)}
    near = make_station(people, name="城市驿站·湓浦站", operator=keepers.xunyang_urban, weekly=every_day,
                        point=(29.7138, 115.9882), amenities=["toilet", "hot-water"])
    actions.do_plan_holiday(near, day=date(2026, 10, 4), spans="休息", actor=keepers.qian)
    middle = make_station(people, name="城市驿站·浔阳站", operator=keepers.xunyang_urban, weekly=every_day,
                          point=(29.7160, 115.9910), amenities=["toilet", "hot-water", "wifi"])
    far = make_station(people, name="城市驿站·甘棠湖站", operator=keepers.xunyang_urban, weekly=every_day,
                       point=(29.7060, 115.9840), amenities=["toilet"])
    closed = make_station(people, name="城市驿站·旧站", operator=keepers.xunyang_urban, point=(29.7139, 115.9880))
    actions.do_set_station_status(closed, status=StationStatus.CLOSED, note="撤并", actor=keepers.song)
    return near, middle, far


@time_machine.travel(HOLIDAY_NOON, tick=False)
def test_the_collection_is_geojson_with_open_now_and_no_closed_station(client, three):
    near, middle, far = three
    body = client.get(API).json()
    assert body["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert set(by_name) == {"城市驿站·湓浦站", "城市驿站·浔阳站", "城市驿站·甘棠湖站"}
    feature = by_name["城市驿站·浔阳站"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [115.991, 29.716]}
    wanted = {"id": middle.pk, "district": "浔阳区", "open_now": True, "amenities": ["toilet", "hot-water", "wifi"]}
    assert {key: feature["properties"][key] for key in wanted} == wanted
    assert by_name["城市驿站·湓浦站"]["properties"]["open_now"] is False  # closed for 国庆
    open_hot = client.get(API, {"amenity": "hot-water", "open_now": "true"}).json()
    assert [f["properties"]["name"] for f in open_hot["features"]] == ["城市驿站·浔阳站"]


@time_machine.travel(HOLIDAY_NOON, tick=False)
def test_nearest_orders_by_distance_and_filters(client, three):
    near, middle, far = three
    body = client.get(f"{API}/nearest", {"lat": "29.7133", "lng": "115.9879"}).json()
    names = [f["properties"]["name"] for f in body["features"]]
    assert names == ["城市驿站·湓浦站", "城市驿站·浔阳站", "城市驿站·甘棠湖站"]
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances == sorted(distances)
    assert abs(distances[1] - geo.haversine_m(29.7133, 115.9879, 29.716, 115.991)) <= 1
    body = client.get(f"{API}/nearest", {"lat": "29.7133", "lng": "115.9879", "amenity": "hot-water",
                                         "open_now": "true", "limit": "1"}).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["城市驿站·浔阳站"]
    # The same place as a phone map app gives it (GCJ-02) finds the same stations.
    gcj_lat, gcj_lng = geo.wgs84_to_gcj02(29.7133, 115.9879)
    body = client.get(f"{API}/nearest", {"lat": f"{gcj_lat:.6f}", "lng": f"{gcj_lng:.6f}", "datum": "gcj02"}).json()
    assert [f["properties"]["name"] for f in body["features"]] == names


@pytest.mark.parametrize("params, field", [
    ({"lat": "30.5928", "lng": "114.3055"}, "latitude"),  # 武汉
    ({"lat": "NaN", "lng": "115.99"}, "latitude"),
    ({"lat": "29.71", "lng": "1e400"}, "longitude"),
    ({"lat": "29.71", "lng": "115.99", "amenity": "sauna"}, "amenities"),
    ({"lat": "29.71", "lng": "115.99", "datum": "bd09"}, "datum"),
    ({"lat": "29.71", "lng": "115.99", "limit": "0"}, "limit"),
    ({"lat": "29.71", "lng": "115.99", "limit": "500"}, "limit"),
])
def test_bad_input_is_named(client, three, params, field):
    response = client.get(f"{API}/nearest", params)
    assert response.status_code == 400 and response.json()["field"] == field, response.content


@time_machine.travel(HOLIDAY_NOON, tick=False)
def test_one_station_with_its_week(client, three):
    near, middle, far = three
    body = client.get(f"{API}/{near.pk}").json()
    assert body["properties"]["operator"] == "浔阳区城管局"
    first = body["properties"]["week"][0]
    assert first == {"date": "2026-10-04", "hours": [], "holiday": "国庆节", "make_up_working_day": False,
                     "planned": True, "duty_phone": ""}
    assert client.get(f"{API}/999999").status_code == 404
    assert client.get(f"{API}/99999999999999").status_code == 404


def _stations_schema():
    import schemathesis

    from minsheng.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/stations")


fuzzed = _stations_schema()


@pytest.fixture
def quiet_connections(three):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@fuzzed.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_the_stations_api_answers_every_request_as_documented(case, quiet_connections):
    case.call_and_validate(checks=CHECKS)
