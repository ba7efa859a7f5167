from django import template
from django.utils.html import format_html

from minsheng.pledges.models import Status

register = template.Library()


@register.simple_tag
def status_badge(status: str):
    return format_html('<span class="badge s-{}">{}</span>', status, Status(status).label)


@register.simple_tag
def bar(percent):
    percent = max(0, min(100, int(percent or 0)))
    return format_html('<span class="bar" role="presentation"><i style="width:{}%"></i></span>', percent)


@register.filter
def status_on(item, today):
    return item.status_on(today)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0)
