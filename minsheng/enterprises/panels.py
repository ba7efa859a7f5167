"""Sections other apps add to a firm's pages without this app knowing them (the layers run one
way: inspections and later programmes build on the registry, never the reverse).

An app registers, in its AppConfig.ready(), a function (request, entity) → a dict with
"template" and what the template reads, or None when it has nothing to show this viewer."""

from collections.abc import Callable

STAFF_PROFILE: list[Callable] = []  # the staff's 一企一档 page (views/staff.py)
FIRM_HOME: list[Callable] = []  # the firm's own home page (views/firm.py)


def register(where: list[Callable], panel: Callable) -> None:
    if panel not in where:
        where.append(panel)


def render_panels(where: list[Callable], request, entity) -> list[dict]:
    return [panel for panel in (make(request, entity) for make in where) if panel]
