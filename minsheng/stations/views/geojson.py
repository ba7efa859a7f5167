"""Stations as GeoJSON features: one shape for the map on the pages, the API and the open data."""

from django.urls import reverse

from minsheng.stations import queries
from minsheng.stations.models import Amenity


def feature(station, *, open_now: bool, distance_m: float | None = None, links: bool = True) -> dict:
    amenities = queries.amenities_of(station)
    properties = {
        "id": station.pk,
        "name": station.name,
        "district": station.region.name,
        "address": station.address,
        "amenities": amenities,
        "open_now": open_now,
        "status": station.status,
    }
    if distance_m is not None:
        properties["distance_m"] = round(distance_m)
    if links:  # what the page's map shows in its popups
        properties |= {
            "title": station.name,
            "url": reverse("stations:station", args=[station.pk]),
            "tone": "ok" if open_now else "off",
            "lines": [("正在开放" if open_now else "现在不开放") + (f" · 约{distance_words(distance_m)}" if distance_m is not None else ""),
                      "、".join(Amenity(code).label for code in amenities[:6])],
        }
    return {"type": "Feature", "id": station.pk,
            "geometry": {"type": "Point", "coordinates": [float(station.longitude), float(station.latitude)]},
            "properties": properties}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def distance_words(metres: float) -> str:
    return f"{metres / 1000:.1f}公里" if metres >= 1000 else f"{round(metres / 10) * 10:.0f}米"

