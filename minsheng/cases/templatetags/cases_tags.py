from django import template
from django.utils import timezone
from django.utils.html import format_html

from minsheng.cases.models import State, SupervisionLevel
from minsheng.core.identity import mask_personal_text
from minsheng.cases.workflow import day_words, due_words, last_day
from minsheng.core.text import date_words

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


PROVISIONAL_TITLE = "按暂定日历计算：该年度放假安排尚未公布，公布后如有变动将重新计算并告知。"


def provisional_badge() -> str:
    return format_html('<span class="badge provisional" title="{}">暂定</span>', PROVISIONAL_TITLE)


@register.filter
def provisional(flag) -> str:
    """暂定 beside a due time computed from the provisional calendar (org/workdays.py)."""
    return provisional_badge() if flag else ""


def urgency(colour: str, days: int, overdue: bool) -> str:
    """The deadline's colour: overdue, due today, nearly due (two working days or past the
    warning share), or in time. 今天到期 and 剩2个工作日 never look like 剩5个工作日."""
    if overdue or colour == "red":
        return "red"
    if days <= 1:
        return "today"
    if days <= 2 or colour == "yellow":
        return "yellow"
    return "green"


@register.simple_tag
def deadline(case, colour: str, time_left):
    """The due time with its colour and the working time left, in words (暂定 when provisional)."""
    if not time_left or case.due_at is None:
        return ""
    days, overdue = time_left
    if overdue:
        words = f"已超期{days}个工作日"
    elif days <= 1:
        words = "今天到期"
    else:
        words = f"剩{days}个工作日"
    last = last_day(case.due_at)
    return format_html(
        '<span class="deadline d-{}" title="期限：{}24:00">{}止 · {}</span>{}',
        urgency(colour, days, overdue), date_words(last), day_words(last), words,
        provisional(getattr(case, "due_provisional", False)),
    )


@register.simple_tag
def expected_reply(case):
    """What a resident is told to expect: 预计12月9日前答复 (暂定 when provisional)."""
    if case.due_at is None or not case.is_open:
        return ""
    return format_html(
        '<span class="expected">预计{}前答复</span>{}', day_words(last_day(case.due_at)), provisional(case.due_provisional)
    )


@register.filter
def day(moment) -> str:
    """A date or a moment as its day, written 12月9日 (the year when not this year)."""
    if not moment:
        return ""
    if hasattr(moment, "hour"):
        moment = timezone.localtime(moment).date()
    return day_words(moment)


@register.filter
def region_name(region) -> str:
    return region.display_name if region is not None else ""


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
