"""Opening hours: spans typed as "07:00-12:00，14:00-20:00", checked, and whether a station is
open at a moment. The day's kind comes from the working-day calendar:
- a holiday (节假日, org.workdays.holiday_name) uses the station's plan for that date when there is
  one (its spans, or closed), else the weekday's usual hours, marked as not yet planned;
- a make-up working day (调休, a Saturday or Sunday worked) uses Monday's hours, as any working day;
- any other day uses its weekday's hours.
Minutes count from midnight; 1440 is 24:00."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from minsheng.core.errors import ActionError
from minsheng.org import workdays

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WHOLE_DAY = ((0, 1440),)
CLOSED_WORDS = {"", "休息", "闭馆", "不开放", "关闭", "-", "—"}
WHOLE_DAY_WORDS = {"全天", "24小时", "二十四小时", "00:00-24:00", "0:00-24:00"}
SPAN = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})$")
RANGE_SPACES = re.compile(r"\s*([-–—~～至到])\s*")
SEPARATORS = re.compile(r"[,，;；、\s]+")

Spans = tuple[tuple[int, int], ...]


def minute_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def spans_text(spans) -> str:
    if not spans:
        return "不开放"
    if tuple(map(tuple, spans)) == WHOLE_DAY:
        return "全天开放"
    return "，".join(f"{minute_text(a)}-{minute_text(b)}" for a, b in spans)


def parse_spans(text: str, *, field: str, label: str) -> Spans:
    """The spans of one day as typed; refuses a span ending before it starts, a time that is not
    one and spans that overlap, naming the field."""
    text = (text or "").strip()
    if text in CLOSED_WORDS:
        return ()
    if text.replace(" ", "") in WHOLE_DAY_WORDS:
        return WHOLE_DAY
    spans = []
    for piece in SEPARATORS.split(RANGE_SPACES.sub(r"\1", text)):
        if not piece:
            continue
        match = SPAN.match(piece)
        if not match:
            raise ActionError(f"{label}：“{piece[:20]}”不是开放时段，请按“08:00-12:00”的格式填写，多段用逗号分隔。",
                              field=field)
        h1, m1, h2, m2 = map(int, match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise ActionError(f"{label}：“{piece}”中的时间不存在。", field=field)
        spans.append((h1 * 60 + m1, h2 * 60 + m2))
    return check_spans(spans, field=field, label=label)


def check_spans(spans, *, field: str, label: str) -> Spans:
    """Spans as pairs of minutes, sorted; each must end after it starts and none overlap."""
    cleaned = []
    for span in spans:
        try:
            opens, closes = (int(value) for value in span)
        except (TypeError, ValueError):
            raise ActionError(f"{label}：开放时段应为开门和关门两个时间。", field=field) from None
        if not (0 <= opens <= 1440 and 0 <= closes <= 1440):
            raise ActionError(f"{label}：时间应在00:00到24:00之间。", field=field)
        if closes <= opens:
            raise ActionError(f"{label}：时段{minute_text(opens)}-{minute_text(closes)}的结束时间不晚于开始时间。",
                              field=field)
        cleaned.append((opens, closes))
    cleaned.sort()
    for (a1, b1), (a2, b2) in zip(cleaned, cleaned[1:]):
        if a2 < b1:
            raise ActionError(f"{label}：时段{minute_text(a1)}-{minute_text(b1)}与{minute_text(a2)}-{minute_text(b2)}重叠。",
                              field=field)
    return tuple(cleaned)


@dataclass(frozen=True)
class DayKind:
    day: date
    holiday: str | None  # the holiday's name on a holiday
    make_up: bool  # 调休: a weekend day worked


def day_kind(day: date) -> DayKind:
    """The day as the calendar has it, kept with the calendar's own copies (a correction of the
    calendar drops both), so the nearest search asks the database nothing for it."""
    from minsheng.core import reference

    def compute() -> DayKind:
        holiday = workdays.holiday_name(day)
        return DayKind(day=day, holiday=holiday, make_up=holiday is None and workdays.is_make_up_working_day(day))

    return reference.get(f"stations:day:{day.isoformat()}", compute)


@dataclass(frozen=True)
class DaySchedule:
    day: date
    spans: Spans
    holiday: str | None = None
    planned: bool = False  # a holiday with the station's own plan
    make_up: bool = False
    plan: object | None = None

    def open_at(self, minute: int) -> bool:
        return any(opens <= minute < closes for opens, closes in self.spans)

    @property
    def words(self) -> str:
        if self.holiday and not self.planned:
            return f"{spans_text(self.spans)}（{self.holiday}安排未公布，按平日时间）"
        return spans_text(self.spans)


def schedule(weekly: dict[int, Spans], plans: dict, kind: DayKind) -> DaySchedule:
    """The station's day: `weekly` maps weekday to spans, `plans` date to HolidayPlan."""
    if kind.holiday:
        plan = plans.get(kind.day)
        if plan is not None:
            return DaySchedule(kind.day, tuple(map(tuple, plan.spans)), holiday=kind.holiday, planned=True, plan=plan)
        return DaySchedule(kind.day, weekly.get(kind.day.weekday(), ()), holiday=kind.holiday)
    if kind.make_up:
        return DaySchedule(kind.day, weekly.get(0, ()), make_up=True)
    return DaySchedule(kind.day, weekly.get(kind.day.weekday(), ()))


def weekly_of(station) -> dict[int, Spans]:
    """From the station's prefetched hours rows."""
    weekly: dict[int, list] = {}
    for row in station.hours.all():
        weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
    return {day: tuple(sorted(spans)) for day, spans in weekly.items()}


def local(at: datetime) -> tuple[date, int]:
    moment = timezone.localtime(at)
    return moment.date(), moment.hour * 60 + moment.minute
