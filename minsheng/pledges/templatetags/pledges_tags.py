from django import template
from django.utils.html import format_html

from minsheng.pledges.models import Status

register = template.Library()


@register.simple_tag
def status_badge(status: str):
    return format_html('<span class="badge s-{}">{}</span>', status, Status(status).label)


@register.simple_tag
def bar(percent):
    """A progress bar as a native <progress> element: no inline style for the policy to block,
    and the figure beside it is what a screen reader reads."""
    percent = max(0, min(100, int(percent or 0)))
    return format_html('<progress class="bar" max="100" value="{}" aria-hidden="true"></progress>', percent)


@register.filter
def status_on(item, today):
    return item.status_on(today)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0)
