"""The platform's notion of "now". Actions read the time here, so the demo loader can replay
years of history with real timestamps; tests use time-machine, which this follows."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.utils import timezone

_fixed: list[datetime] = []


def now() -> datetime:
    return _fixed[-1] if _fixed else timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def fixed(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment`. For single-threaded loaders only (the demo)."""
    _fixed.append(moment)
    try:
        yield
    finally:
        _fixed.pop()
