"""Coordinates, for every map of the platform (issue 15). Points are stored in WGS-84 (CGCS2000 differs by centimetres), as
天地图 and GPS give them; phone map apps (高德, 腾讯) give GCJ-02, the offset datum China's map
rules require, which is converted here. The GCJ-02 formulas are the widely published ones
(on Krasovsky's ellipsoid, as in PRCoords, CC0); the inverse is iterated to the exact point.
Distances are great-circle (haversine) on the mean Earth radius."""

import math
from decimal import Decimal, InvalidOperation

from django.conf import settings

from minsheng.core.errors import ActionError

KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
EARTH_RADIUS_M = 6371008.8  # the mean radius (IUGG)


def outside_china(lat: float, lng: float) -> bool:
    """GCJ-02 applies only inside the rough box of China; outside it the point is unchanged."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
             + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
             + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
             + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    d_lng = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
             + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
             + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
             + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if outside_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _delta(lat, lng)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float, *, tolerance: float = 1e-9, rounds: int = 30) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 is (lat, lng): the forward offset inverted by iteration
    (the one-step inverse is off by up to a few metres)."""
    if outside_china(lat, lng):
        return lat, lng
    wgs_lat, wgs_lng = lat, lng
    for _ in range(rounds):
        gcj_lat, gcj_lng = wgs84_to_gcj02(wgs_lat, wgs_lng)
        error_lat, error_lng = gcj_lat - lat, gcj_lng - lng
        if abs(error_lat) < tolerance and abs(error_lng) < tolerance:
            break
        wgs_lat, wgs_lng = wgs_lat - error_lat, wgs_lng - error_lng
    return wgs_lat, wgs_lng


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


# The county-level divisions' outlines (static/minsheng/geo, OpenStreetMap via geoBoundaries,
# ODbL; see its NOTICE), read once per process: they are files shipped with the code.
BOUNDARIES = "minsheng/geo/jiujiang-counties.geojson"
_outlines: list[tuple[str, str, list]] | None = None


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    """A (Multi)Polygon as a list of polygons, each a list of rings of [lng, lat]."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def outlines() -> list[tuple[str, str, list]]:
    """(GB/T 2260 code, name, polygons) of each county-level division."""
    global _outlines
    if _outlines is None:
        import json

        from django.contrib.staticfiles import finders

        path = finders.find(BOUNDARIES)
        if path is None:
            _outlines = []
        else:
            with open(path, encoding="utf-8") as handle:
                collection = json.load(handle)
            _outlines = [(feature["properties"]["code"], feature["properties"]["name"], _rings(feature["geometry"]))
                         for feature in collection["features"]]
    return _outlines


def _in_ring(lat: float, lng: float, ring: list) -> bool:
    """Even-odd rule: a ray eastward from the point crosses the ring's edges an odd number of times."""
    inside = False
    previous_lng, previous_lat = ring[-1][0], ring[-1][1]
    for point in ring:
        point_lng, point_lat = point[0], point[1]
        if (point_lat > lat) != (previous_lat > lat):
            crossing = point_lng + (lat - point_lat) * (previous_lng - point_lng) / (previous_lat - point_lat)
            if lng < crossing:
                inside = not inside
        previous_lng, previous_lat = point_lng, point_lat
    return inside


def _in_polygon(lat: float, lng: float, polygon: list) -> bool:
    outer, holes = polygon[0], polygon[1:]
    return _in_ring(lat, lng, outer) and not any(_in_ring(lat, lng, hole) for hole in holes)


def division_at(lat: float, lng: float) -> str | None:
    """The GB/T 2260 code of the county-level division holding the WGS-84 point, or None when it
    lies outside all of them (outside the city)."""
    for code, _name, polygons in outlines():
        if any(_in_polygon(lat, lng, polygon) for polygon in polygons):
            return code
    return None


DATUMS = {"wgs84": "WGS-84", "gcj02": "GCJ-02"}
# Outside the boundary file's reach (a deployment without it) the city's bounding box stands in.
CITY_BOX = (28.6, 30.2, 113.9, 117.0)  # south, north, west, east


EXAMPLES = {"latitude": "29.705000", "longitude": "116.001000"}


def _number(value, field: str, label: str) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(f"请填写{label}。", field=field)
    wrong = ActionError(f"{label}应为数字（如{EXAMPLES[field]}），不是“{str(value)[:20]}”。", field=field)
    if isinstance(value, bool):
        raise wrong
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise wrong from None
    if not number.is_finite():  # NaN and Infinity parse, and compare with an error
        raise wrong
    return number


def read_point(latitude, longitude, *, datum: str = "wgs84") -> tuple[Decimal, Decimal]:
    """A point as typed or sent, in WGS-84 (converted from GCJ-02, the phone map apps' datum),
    refused when it is not a number or lies outside the city."""
    if datum not in DATUMS:
        raise ActionError("坐标系应为wgs84（GPS、天地图）或gcj02（高德、腾讯地图）。", field="datum")
    lat = _number(latitude, "latitude", "纬度")
    lng = _number(longitude, "longitude", "经度")
    if not -90 <= lat <= 90:
        raise ActionError("纬度应在-90到90之间。", field="latitude")
    if not -180 <= lng <= 180:
        raise ActionError("经度应在-180到180之间。", field="longitude")
    lat_f, lng_f = float(lat), float(lng)
    if datum == "gcj02":
        lat_f, lng_f = gcj02_to_wgs84(lat_f, lng_f)
    if not in_city(lat_f, lng_f):
        raise ActionError(f"坐标（纬度{lat_f:.5f}，经度{lng_f:.5f}）不在{settings.MINSHENG_CITY_NAME}范围内，请核对；"
                          "从高德、腾讯地图取的坐标请选择“GCJ-02”坐标系。", field="latitude")
    return Decimal(f"{lat_f:.6f}"), Decimal(f"{lng_f:.6f}")


def in_city(lat: float, lng: float) -> bool:
    if outlines():
        return division_at(lat, lng) is not None
    south, north, west, east = CITY_BOX
    return south <= lat <= north and west <= lng <= east


