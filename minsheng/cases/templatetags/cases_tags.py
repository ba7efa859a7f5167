from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html

from minsheng.cases.models import State, SupervisionLevel
from minsheng.core.identity import mask_personal_text
from minsheng.cases.workflow import due_words

register = template.Library()

STATE_STYLE = {
    State.REGISTERED: "not_started",
    State.ACCEPTED: "not_started",
    State.DISPATCHED: "in_progress",
    State.RETURNED: "late",
    State.HANDLING: "in_progress",
    State.CLOSED: "done",
    State.ARCHIVED: "done",
    State.REJECTED: "not_started",
    State.WITHDRAWN: "not_started",
}


@register.simple_tag
def state_badge(state: str):
    return format_html('<span class="badge s-{}">{}</span>', STATE_STYLE.get(state, "not_started"), State(state).label)


@register.simple_tag
def deadline(case, colour: str, time_left):
    """The due time with its colour and the working time left, in words."""
    if not time_left or case.due_at is None:
        return ""
    days, overdue = time_left
    if overdue:
        words = f"已超期{days}个工作日"
    elif days <= 1:
        words = "今天到期"
    else:
        words = f"剩{days}个工作日"
    last_day = (timezone.localtime(case.due_at) - timedelta(minutes=1)).date()
    return format_html(
        '<span class="deadline d-{}" title="期限：{}日24:00">{}止 · {}</span>', colour, f"{last_day:%Y-%m-%d}", f"{last_day:%m-%d}", words
    )


@register.simple_tag
def ladder_badge(level: int):
    if not level:
        return ""
    return format_html('<span class="badge ladder-{}">{}</span>', level, SupervisionLevel(level).label)


@register.filter
def due_text(moment):
    return due_words(moment)


@register.filter
def kind_only(field_name: str) -> str:
    from minsheng.cases.forms import KIND_ONLY_FIELDS

    return KIND_ONLY_FIELDS.get(field_name, "")


@register.filter
def private(text, case):
    """A case's free text as the viewer may see it: as typed for the staff handling the
    requester's matter (the view sets case.personal_data_visible), masked for everyone else."""
    if getattr(case, "personal_data_visible", False):
        return text
    return mask_personal_text(str(text or ""), names=(case.requester_name,))
