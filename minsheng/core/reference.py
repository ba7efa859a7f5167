"""Reference data read on every request (the service catalogue, the jurisdictions, the case
kinds), kept in each process but never stale across processes for more than a second.

Each process keeps what it computed, with the generation it was computed under. A generation
number lives in the shared cache (Redis or the database); a process looks at it at most once a
second and drops its copies when it moved. An administrator's change bumps it (`changed()`), so
every process serves the new catalogue within a second; MAX_AGE bounds a copy's life anyway.
Unlike a shared-cache copy this costs no round trip and no unpickling on the hot path (Open311
intake reads three such values per request).
"""

import threading
import time

from django.core.cache import cache

GENERATION_KEY = "reference:generation"
CHECK_EVERY = 1.0  # seconds between looks at the shared generation
MAX_AGE = 60.0

_local = threading.local()


def _state() -> dict:
    state = getattr(_local, "state", None)
    if state is None:
        state = _local.state = {"generation": None, "checked": 0.0, "values": {}}
    return state


def get(name: str, compute):
    """The value of `name`, computed by `compute()` when this process has no current copy."""
    state = _state()
    now = time.monotonic()
    if now - state["checked"] >= CHECK_EVERY:
        generation = cache.get(GENERATION_KEY, 0)
        if generation != state["generation"]:
            state["values"] = {}
            state["generation"] = generation
        state["checked"] = now
    entry = state["values"].get(name)
    if entry is None or now - entry[0] > MAX_AGE:
        entry = state["values"][name] = (now, compute())
    return entry[1]


def changed() -> None:
    """Reference data changed: every process drops its copies within CHECK_EVERY seconds."""
    cache.set(GENERATION_KEY, time.time_ns(), None)
    forget_here()


def forget_here() -> None:
    """Drop this process's copies now (tests, and the process that made the change)."""
    state = _state()
    state["values"], state["checked"], state["generation"] = {}, 0.0, None
