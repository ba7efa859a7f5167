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
