"""Reads shared by the workbench pages, the API and the reports."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from minsheng.cases import rules
from minsheng.cases.models import OPEN_STATES, Case, State, SupervisionNotice
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.identity import mask_personal_text, normalize_mobile
from minsheng.core.text import check_date
from minsheng.org.access import in_jurisdiction_q, is_staff_member, oversees
from minsheng.org.models import CITY_LEVEL_NAME, Region, RegionLevel, Role, User

FULL_NUMBER = re.compile(r"\S+-\d{4}-\d{6}")
CASE_LIST_RELATED = ("kind", "category", "region", "lead_department")


def access_case(user: User, pk: int) -> Case:
    """The case, if the user may see it; otherwise NotFound, the same as for no such case."""
    case = Case.objects.select_related(*CASE_LIST_RELATED, "category__parent", "registered_at_department", "linked_case").filter(pk=pk).first()
    if case is None or not rules.can_view(user, case):
        raise NotFound("没有找到这个办件，或您无权查看。")
    return case


def visible_cases(user: User) -> QuerySet:
    """Every case the user may see: oversight roles their whole jurisdiction, other staff
    what their department leads, co-operates on or registered."""
    if not is_staff_member(user):
        return Case.objects.none()
    if oversees(user):
        return Case.objects.filter(in_jurisdiction_q(user))
    department = user.department_id
    return Case.objects.filter(
        Q(lead_department_id=department) | Q(registered_at_department_id=department) | Q(co_departments__id=department)
    ).distinct()


def is_under_supervision(case: Case) -> bool:
    """督办中: an open 办不成事 complaint points at this case."""
    return case.complaints.filter(state__in=OPEN_STATES).exists()


def public_timeline(case: Case) -> QuerySet:
    return case.events.filter(is_public=True).select_related("department").order_by("created_at", "id")


def staff_timeline(case: Case) -> QuerySet:
    return case.events.select_related("actor__department", "department").prefetch_related("attachments").order_by("created_at", "id")


# --- inbox ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    count: int


def _department_tabs(user: User, now: datetime) -> dict[str, QuerySet]:
    mine = Case.objects.filter(lead_department_id=user.department_id)
    return {
        "to_sign": mine.filter(state=State.DISPATCHED),
        "handling": mine.filter(state=State.HANDLING),
        "due_soon": mine.filter(state__in=[State.DISPATCHED, State.HANDLING], warn_at__lte=now, due_at__gte=now),
        "overdue": mine.filter(state__in=[State.DISPATCHED, State.HANDLING], due_at__lt=now),
        "extension": mine.filter(state=State.HANDLING, extension_requested_days__isnull=False),
    }


def _supervisor_tabs(user: User, now: datetime) -> dict[str, QuerySet]:
    area = Case.objects.filter(in_jurisdiction_q(user))
    return {
        "to_accept": area.filter(state=State.REGISTERED),
        "to_dispatch": area.filter(state=State.ACCEPTED),
        "returned": area.filter(state=State.RETURNED),
        "extension_requests": area.filter(state=State.HANDLING, extension_requested_days__isnull=False),
        "callbacks": area.filter(state=State.CLOSED),
        "overdue_all": area.filter(state__in=OPEN_STATES, due_at__lt=now),
    }


def _clerk_tabs(user: User, now: datetime) -> dict[str, QuerySet]:
    registered = Case.objects.filter(registered_at_department_id=user.department_id)
    today_start = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
    return {
        "registered_today": registered.filter(created_at__gte=today_start),
        "registered_open": registered.filter(state__in=OPEN_STATES),
    }


TAB_LABELS = {
    "to_sign": "待签收",
    "handling": "办理中",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "extension": "延期申请中",
    "to_accept": "待受理",
    "to_dispatch": "待派单",
    "returned": "退单待处理",
    "extension_requests": "延期待审批",
    "callbacks": "待回访",
    "overdue_all": "辖区逾期",
    "registered_today": "今日登记",
    "registered_open": "本窗口在办",
}


def inbox_tabs(user: User, now: datetime) -> dict[str, QuerySet]:
    """The user's queues, by role; each a queryset soonest-due first. An account without a
    unit has none: its role has nothing to work on (and a null department would match every
    case nobody has taken yet)."""
    tabs: dict[str, QuerySet] = {}
    if not is_staff_member(user):
        return tabs
    if user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD):
        tabs |= _department_tabs(user, now)
    if user.has_role(Role.SUPERVISOR):
        tabs |= _supervisor_tabs(user, now)
    if user.has_role(Role.WINDOW_CLERK):
        tabs |= _clerk_tabs(user, now)
    return {key: queryset.select_related(*CASE_LIST_RELATED).order_by("due_at", "id") for key, queryset in tabs.items()}


def tab_counts(tabs: dict[str, QuerySet]) -> list[Tab]:
    return [Tab(key, TAB_LABELS[key], queryset.order_by().count()) for key, queryset in tabs.items()]


# --- search -----------------------------------------------------------------------------------


def search_cases(
    user: User,
    *,
    text: str = "",
    number: str = "",
    phone: str = "",
    category: int | None = None,
    department: int | None = None,
    state: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    cases = visible_cases(user)
    if number:
        number = number.strip()
        # A whole number (湖口-2026-000123) is found through its unique index.
        # A fragment is read as the number's beginning (湖口-2026-0001…), which the pattern index serves.
        cases = cases.filter(number=number) if FULL_NUMBER.fullmatch(number) else cases.filter(number__startswith=number)
    if phone:
        # Only a whole number, and only among the cases whose phone the searcher may see: a
        # fragment, or any case beyond those, would let masked numbers be read digit by digit.
        try:
            whole = normalize_mobile(phone)
        except ValidationError:
            raise ActionError("按手机号码查询请输入完整的11位号码。", field="phone") from None
        cases = cases.filter(rules.personal_data_q(user), requester_phone=whole)
    if text:
        cases = _filter_text(cases, user, text.strip())
    if category:
        cases = cases.filter(Q(category_id=category) | Q(category__parent_id=category))
    if department:
        cases = cases.filter(lead_department_id=department)
    if state in State.values:
        cases = cases.filter(state=state)
    check_date(date_from, field="date_from", label="登记日期从")
    check_date(date_to, field="date_to", label="登记日期至")
    if date_from:
        cases = cases.filter(created_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        cases = cases.filter(created_at__lt=timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min)))
    return cases.select_related(*CASE_LIST_RELATED).order_by("-created_at", "-id")


# Cases whose masked text is checked against a term, at most, per search (the newest first).
MAX_MASKED_CANDIDATES = 2000


def _filter_text(cases: QuerySet, user: User, text: str) -> QuerySet:
    """Words in the title, description or address, as the searcher sees them. Cases whose
    requester the searcher may see in full are searched as typed; the others only in their
    masked text, so no term (two digits of a phone, an e-mail's name, a name in a note)
    confirms what a mask hides. The database narrows the candidates; the masked text of each
    is then checked here."""
    words = Q(title__icontains=text) | Q(description__icontains=text) | Q(address__icontains=text)
    in_full = rules.personal_data_q(user)
    candidates = (
        cases.filter(words).exclude(in_full).order_by("-created_at", "-id")
        .values_list("pk", "title", "description", "address", "requester_name")[:MAX_MASKED_CANDIDATES]
    )
    needle = text.casefold()
    seen_masked = [
        pk
        for pk, *texts, name in candidates
        if any(needle in mask_personal_text(part, names=(name,)).casefold() for part in texts)
    ]
    return cases.filter((words & in_full) | Q(pk__in=seen_masked))


# --- supervision board ------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    department_id: int | None
    department: str
    region: str
    overdue: int
    at_risk: int


def supervision_board(user: User, now: datetime, *, region_code: str = "", department: int | None = None):
    """Overdue and at-risk open cases in the user's jurisdiction, by department, worst first;
    and the cases themselves, highest rung of the ladder and longest overdue first."""
    cases = Case.objects.filter(in_jurisdiction_q(user), state__in=OPEN_STATES, warn_at__lte=now)
    if region_code:
        cases = cases.filter(region__code__startswith=region_code)
    if department:
        cases = cases.filter(lead_department_id=department)
    rows = (
        cases.values("lead_department_id", "lead_department__name", "region__name", "region__level")
        .annotate(overdue=Count("id", filter=Q(due_at__lt=now)), at_risk=Count("id", filter=Q(due_at__gte=now)))
        .order_by("-overdue", "-at_risk", "lead_department__name")
    )
    board = [
        BoardRow(
            row["lead_department_id"],
            row["lead_department__name"] or "（待派单）",
            CITY_LEVEL_NAME if row["region__level"] == RegionLevel.CITY else row["region__name"],
            row["overdue"],
            row["at_risk"],
        )
        for row in rows
    ]
    listed = cases.select_related(*CASE_LIST_RELATED).order_by("-supervision_level", "due_at")
    return board, listed


def open_notices(user: User):
    """督办单 still waiting for an answer: those sent to the user's department, and for
    oversight roles those on any case they can see."""
    addressed = Q(department_id=user.department_id)
    if oversees(user):
        addressed |= Q(case__in=visible_cases(user))
    return (
        SupervisionNotice.objects.filter(addressed, responded_at__isnull=True)
        .select_related("case", "department")
        .order_by("response_due_at")
    )


def recent_notifications(user: User, limit: int = 10):
    """The user's own messages (warnings, escalations, dispatches), newest first."""
    from minsheng.cases.models import Notification

    return Notification.objects.filter(recipient_user=user).select_related("case").order_by("-created_at", "-id")[:limit]


# --- map --------------------------------------------------------------------------------------

# The newest cases the map draws at most: beyond that a phone's browser slows and the dots hide
# each other; the table below the map counts every case.
MAP_POINTS = 2000
MAP_DAYS = (30, 90, 365)
MAP_GROUPS = {"open": "在办", "late": "逾期", "closed": "已办结"}
DONE_STATES = (State.CLOSED, State.ARCHIVED)
# What each group's dot is coloured (templates/_map.html's tones); rejected and withdrawn cases
# belong to no group and show grey when every case is shown.
GROUP_TONES = {"late": "late", "open": "info", "closed": "done", "other": "off"}


def map_group(case: Case, now: datetime) -> str:
    """"late", "open", "closed" or "other" (rejected, withdrawn): the one reading of a case's
    state the map and its table share (`_group_q` is its SQL twin)."""
    if case.state in OPEN_STATES:
        return "late" if case.due_at is not None and case.due_at < now else "open"
    return "closed" if case.state in DONE_STATES else "other"


def _group_q(group: str, now: datetime) -> Q:
    return {
        "open": Q(state__in=OPEN_STATES),
        "late": Q(state__in=OPEN_STATES, due_at__lt=now),
        "closed": Q(state__in=DONE_STATES),
    }[group]


@dataclass(frozen=True)
class DistrictRow:
    code: str
    name: str
    open: int  # late ones included
    late: int
    closed: int
    other: int
    located: int

    @property
    def total(self) -> int:
        return self.open + self.closed + self.other

    @property
    def unlocated(self) -> int:
        return self.total - self.located


@dataclass(frozen=True)
class CaseMap:
    points: list[Case]  # the newest with coordinates, at most MAP_POINTS
    capped: bool  # more cases have coordinates than the map draws
    rows: list[DistrictRow]  # every case of the filter, by county (市本级 for the city's own)
    total: DistrictRow


def case_map(user: User, now: datetime, *, group: str = "", days: int = 90) -> CaseMap:
    """The cases the user may see (the search's rule: visible_cases) registered in the last
    `days` days, of one state group or all: the newest located ones for the map, and every one
    counted by county and state group for the table beside it."""
    cases = visible_cases(user).filter(created_at__gte=now - timedelta(days=days))
    if group in MAP_GROUPS:
        cases = cases.filter(_group_q(group, now))
    located = Q(latitude__isnull=False, longitude__isnull=False)
    # A department's view joins its co-operations: count each case once.
    counts = {
        "open": Count("id", distinct=True, filter=Q(state__in=OPEN_STATES)),
        "late": Count("id", distinct=True, filter=Q(state__in=OPEN_STATES, due_at__lt=now)),
        "closed": Count("id", distinct=True, filter=Q(state__in=DONE_STATES)),
        "other": Count("id", distinct=True, filter=~Q(state__in=OPEN_STATES) & ~Q(state__in=DONE_STATES)),
        "located": Count("id", distinct=True, filter=located),
    }
    folded: dict[str, dict] = {}
    for row in cases.order_by().values("region__code", "region__level").annotate(**counts):
        # A township's cases count under its county; the city's own under 市本级.
        key = "" if row["region__level"] == RegionLevel.CITY else row["region__code"][:6]
        target = folded.setdefault(key, dict.fromkeys(counts, 0))
        for name in counts:
            target[name] += row[name]
    names = {region.code[:6]: region.name for region in Region.objects.filter(level=RegionLevel.COUNTY)}
    rows = sorted(
        (DistrictRow(code, names.get(code, CITY_LEVEL_NAME if not code else code), **figures) for code, figures in folded.items()),
        key=lambda row: (row.code != "", row.code),
    )
    total = DistrictRow("", "合计", **{name: sum(getattr(row, name) for row in rows) for name in counts})
    points = list(
        cases.filter(located)
        .select_related("region", "category")
        .only("number", "title", "requester_name", "state", "due_at", "created_at", "latitude", "longitude",
              "region__name", "category__name")
        .order_by("-created_at", "-id")[: MAP_POINTS + 1]
    )
    return CaseMap(points=points[:MAP_POINTS], capped=len(points) > MAP_POINTS, rows=rows, total=total)
