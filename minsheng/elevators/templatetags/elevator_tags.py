from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def share(value) -> str:
    """A Fraction as people read a share: 85.7% (rounded down, so 2/3 never reads as 66.7% >= 2/3)."""
    if value is None:
        return "—"
    tenths = int(Fraction(value) * 1000)
    return f"{tenths // 10}.{tenths % 10}%"


@register.filter
def event_kind(event) -> str:
    """An application event's kind as its timeline names it (提出申请, 进入下一环节...)."""
    from minsheng.elevators.models import EventKind

    try:
        return EventKind(event.kind).label
    except ValueError:
        return event.kind
