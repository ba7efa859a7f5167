"""The worker's due work from every app, without the worker importing the apps.

An app registers its sweep in its AppConfig.ready(); the worker (cases' `worker` command) calls
each registered sweep in every round, after the cases' own and before the notification outbox,
so what a sweep queues is sent in the same round. A sweep is `function(limit) -> int`: it does
at most `limit` items of due work (claiming its rows with SKIP LOCKED, so several workers share
the work) and returns how many it did; the worker calls it again while it returns `limit`."""

from collections.abc import Callable

Sweep = Callable[[int], int]

_sweeps: dict[str, Sweep] = {}


def register(name: str, function: Sweep) -> None:
    """Add (or, under the same name, replace: ready() may run twice) a sweep. `name` is what the
    worker prints beside its count, so it is written for people (加装电梯申请)."""
    _sweeps[name] = function


def registered() -> list[tuple[str, Sweep]]:
    """The sweeps in the order they were first registered (the apps' order in settings)."""
    return list(_sweeps.items())
