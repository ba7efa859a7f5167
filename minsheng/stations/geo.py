"""Coordinates (issue 15). Points are stored in WGS-84 (CGCS2000 differs by centimetres), as
天地图 and GPS give them; phone map apps (高德, 腾讯) give GCJ-02, the offset datum China's map
rules require, which is converted here. The GCJ-02 formulas are the widely published ones
(on Krasovsky's ellipsoid, as in PRCoords, CC0); the inverse is iterated to the exact point.
Distances are great-circle (haversine) on the mean Earth radius."""

import math

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
