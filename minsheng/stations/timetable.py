"""Each process's copy of every station's week (its spans by weekday) and amenities, which the
nearest search reads on every request instead of two queries. The copy is checked against a
generation in the shared cache (Redis, or the database cache) on every use, one cache read, so no
process answers from a week that has changed: the actions that change hours, amenities or a
station's place bump the generation at once and again when their transaction commits (a reader
that loaded between the two, from the rows before the commit, loads again). A cleared cache has
no generation: the next reader stamps one and loads."""

import threading
import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "stations:timetable"
_lock = threading.Lock()
_copy: dict = {"generation": None, "weekly": {}, "amenities": {}}


def changed() -> None:
    """The stations' hours or amenities changed (call inside the action's transaction)."""
    cache.set(GENERATION_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, time.time_ns(), None))


def _load() -> tuple[dict, dict]:
    from minsheng.stations.models import OpeningHours, StationAmenity

    weekly: dict[int, dict[int, list]] = {}
    for station_id, weekday, opens, closes in OpeningHours.objects.order_by("station_id", "weekday", "opens").values_list(
            "station_id", "weekday", "opens", "closes"):
        weekly.setdefault(station_id, {}).setdefault(weekday, []).append((opens, closes))
    amenities: dict[int, set] = {}
    for station_id, code in StationAmenity.objects.values_list("station_id", "code"):
        amenities.setdefault(station_id, set()).add(code)
    return ({pk: {day: tuple(spans) for day, spans in days.items()} for pk, days in weekly.items()},
            {pk: frozenset(codes) for pk, codes in amenities.items()})


def current() -> tuple[dict, dict]:
    """(station id → {weekday: spans}, station id → amenity codes), as the database has them."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    copy = _copy
    if copy["generation"] != generation:
        with _lock:
            weekly, amenities = _load()
            copy = {"generation": generation, "weekly": weekly, "amenities": amenities}
            globals()["_copy"] = copy
    return copy["weekly"], copy["amenities"]
