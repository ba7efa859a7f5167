"""The city stations in the JSON API, public (open data, no login): every station as a GeoJSON
FeatureCollection (properties: id, name, district, address, amenities, open_now, status), the
nearest stations to a point with `distance_m`, one station with its week. Points are WGS-84;
`datum=gcj02` takes a point from the phone map apps."""

from ninja import Query, Router, Schema


from minsheng.core import clock
from minsheng.core.apitools import Error
from minsheng.core.errors import ActionError, NotFound
from minsheng.stations import actions, hours, queries
from minsheng.stations.views.geojson import collection, feature

router = Router(tags=["城市驿站"])
PUBLIC_ERRORS = {400: Error, 404: Error, 413: Error, 414: Error}
MAX_LIMIT = 50


class Filters(Schema):
    amenity: str = ""
    open_now: bool = False


class NearestQuery(Schema):
    lat: str
    lng: str
    datum: str = "wgs84"
    amenity: str = ""
    open_now: bool = False
    limit: int = queries.NEAREST_LIMIT


@router.get("/stations", auth=None, response={200: dict, **PUBLIC_ERRORS}, summary="城市驿站（GeoJSON，公开）",
            description="全部城市驿站（不含已撤销的）。`amenity` 可用逗号分隔多项，须全部具备；`open_now=true` 只列现在开放的。")
def station_collection(request, filters: Query[Filters]):
    found = queries.map_stations(amenities=actions.read_amenities(filters.amenity), open_now=filters.open_now)
    return collection([feature(station, open_now=open_, links=False) for station, open_ in found])


@router.get("/stations/nearest", auth=None, response={200: dict, **PUBLIC_ERRORS}, summary="最近的城市驿站（公开）",
            description="按距离由近到远，`distance_m` 为球面距离（米）。坐标须在九江市范围内；"
                        "`datum=gcj02` 表示坐标取自高德、腾讯地图。")
def station_nearest(request, query: Query[NearestQuery]):
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ActionError(f"limit应在1到{MAX_LIMIT}之间。", field="limit")
    lat, lng = actions.read_point(query.lat, query.lng, datum=query.datum)
    found = queries.nearest(float(lat), float(lng), amenities=actions.read_amenities(query.amenity), open_now=query.open_now,
                            limit=query.limit)
    return collection([feature(item.station, open_now=item.open_now, distance_m=item.distance_m, links=False)
                       for item in found])


@router.get("/stations/{station_id}", auth=None, response={200: dict, **PUBLIC_ERRORS}, summary="一个城市驿站（公开）")
def station_detail(request, station_id: int):
    if not 0 < station_id < 2**31:
        raise NotFound("没有找到该驿站。")
    station = queries.access_public_station(station_id)
    open_now = queries.is_open(station)
    body = feature(station, open_now=open_now, links=False)
    body["properties"] |= {
        "operator": station.operator.name,
        "phone": station.phone,
        "week": [{"date": day.day.isoformat(), "hours": [[hours.minute_text(a), hours.minute_text(b)] for a, b in day.spans],
                  "holiday": day.holiday, "make_up_working_day": day.make_up, "planned": day.planned,
                  "duty_phone": day.plan.duty_phone if day.plan else ""}
                 for day in queries.week(station, clock.today())],
    }
    return body



