"""Reads shared by the public board, the staff pages and exports."""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Count, DateField, Max, Q
from django.db.models.functions import Coalesce, TruncDate

from minsheng.core.text import parse_id
from minsheng.core.words import search_words
from minsheng.core.errors import NotFound
from minsheng.org.access import is_staff_member, jurisdiction
from minsheng.org.models import Region, RegionLevel, User
from minsheng.pledges.models import FocusArea, Level, ListKind, PledgeEvent, PledgeItem, PledgeList, Status

BOARD_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Tally:
    label: str
    total: int
    done: int
    late: int = 0
    key: str = ""

    @property
    def done_percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


@dataclass(frozen=True)
class BoardFigures:
    year: int
    overall: Tally
    city: Tally
    county: Tally
    by_region: list[Tally]
    by_area: list[Tally]

    @property
    def headline(self) -> str:
        return (
            f"市县两级共制定实事清单{self.overall.total}项，已完成{self.overall.done}项；"
            f"其中市本级{self.city.total}项，已完成{self.city.done}项"
        )


def board_years() -> list[int]:
    return list(PledgeList.objects.filter(kind=ListKind.PRACTICAL).order_by("-year").values_list("year", flat=True)
                .distinct())


def _counts(items, today: date) -> dict:
    return items.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(percent__gte=100)),
        late=Count("id", filter=Q(percent__lt=100, deadline__lt=today)),
    )


def compute_board(year: int, today: date) -> BoardFigures:
    """Every figure on the board, counted from the top-level items (sub-items roll up into them)."""
    items = PledgeItem.objects.top_level().filter(pledge_list__year=year, pledge_list__kind=ListKind.PRACTICAL)
    overall = Tally("合计", **_counts(items, today))
    city = Tally("市本级", key="city", **_counts(items.filter(level=Level.CITY), today))
    county = Tally("县级", key="county", **_counts(items.filter(level=Level.COUNTY), today))

    # Township items count under their county: fold rows by the county's six-digit code.
    folded: dict[str, dict] = {}
    for row in (
        items.filter(level=Level.COUNTY)
        .values("region__code")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(percent__gte=100)),
            late=Count("id", filter=Q(percent__lt=100, deadline__lt=today)),
        )
    ):
        target = folded.setdefault(row["region__code"][:6], {"total": 0, "done": 0, "late": 0})
        for key in target:
            target[key] += row[key]
    by_region = [Tally("市本级", key="city", total=city.total, done=city.done, late=city.late)]
    for county_region in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"):
        row = folded.get(county_region.code[:6])
        if row:
            by_region.append(Tally(county_region.name, key=county_region.code, **row))

    by_area_rows = {
        row["focus_area"]: row
        for row in items.values("focus_area").annotate(
            total=Count("id"),
            done=Count("id", filter=Q(percent__gte=100)),
            late=Count("id", filter=Q(percent__lt=100, deadline__lt=today)),
        )
    }
    by_area = []
    for area in FocusArea.objects.all():
        row = by_area_rows.get(area.pk)
        if row:
            by_area.append(Tally(area.name, key=str(area.pk), total=row["total"], done=row["done"], late=row["late"]))
    return BoardFigures(year, overall, city, county, by_region, by_area)


def board_figures(year: int, today: date) -> BoardFigures:
    """The board, cached until the next pledge event: every change to an item writes one, so
    the newest event id is the cache's generation and no page ever shows a stale figure."""
    generation = PledgeEvent.objects.aggregate(last=Max("id"))["last"] or 0
    key = f"pledges:board:{generation}:{year}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = compute_board(year, today)
        cache.set(key, figures, BOARD_CACHE_SECONDS)
    return figures


SEARCH_FIELDS = ("title", "description", "target", "lead_department__name", "region__name", "location__name")


def word_filter(query: str) -> Q:
    """Every meaningful word of the query (core.words) appears in some searchable field."""
    condition = Q()
    for word in search_words(query):
        any_field = Q()
        for name in SEARCH_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def region_filter(region: str) -> Q | None:
    """The board's region filter: "city" is the city level's own items; a county's code gives
    the items the county owns and those located in it, city-level sub-items included (the
    elevators of 浔阳区 are a part of the city's item). None for a code that is not a county."""
    if region == "city":
        return Q(parent__isnull=True, level=Level.CITY)
    county = Region.objects.filter(code=region, level=RegionLevel.COUNTY).first() if region.isdigit() else None
    if county is None:
        return None
    owned = Q(parent__isnull=True, level=Level.COUNTY, region__code__startswith=county.code_prefix)
    located = Q(location__code__startswith=county.code_prefix) & (Q(parent__isnull=True) | Q(level=Level.CITY))
    return owned | located


def search_items(*, year: int | None, query: str = "", region: str = "", area: str = "", status: str = "", today: date,
                 kind: str = ListKind.PRACTICAL):
    items = (PledgeItem.objects.select_related("region", "location", "lead_department", "focus_area", "parent")
             .filter(pledge_list__kind=kind))
    if region:
        where = region_filter(region)
        items = items.filter(where) if where is not None else items.none()
    else:
        items = items.top_level()
    if year:
        items = items.filter(pledge_list__year=year)
    if query:
        items = items.filter(word_filter(query))
    if area:
        area_id = parse_id(area)
        items = items.filter(focus_area_id=area_id) if area_id else items.none()
    if status in Status.values:
        items = items.with_status_in(status, today)
    return items.with_status(today).order_by("pledge_list__region__code", "id")


# The items a search's map draws at most; the list below it pages through all of them.
MAP_ITEMS = 500


def located_items(items) -> tuple[list[PledgeItem], bool]:
    """The items of a search that have a place on the map, at most MAP_ITEMS, and whether
    there were more."""
    found = list(items.filter(latitude__isnull=False, longitude__isnull=False)[: MAP_ITEMS + 1])
    return found[:MAP_ITEMS], len(found) > MAP_ITEMS


def access_pledge_list(user: User, pk: int) -> PledgeList:
    """A list the user may export: one made within the user's jurisdiction."""
    area = jurisdiction(user)
    pledge_list = PledgeList.objects.select_related("region").filter(pk=pk).first()
    if pledge_list is None or area is None or not area.contains(pledge_list.region):
        raise NotFound("没有找到这个清单。")
    return pledge_list


def access_pledge_item(user: User, pk: int) -> PledgeItem:
    """An item's staff page: every staff member may read it (items are public); what they
    may do there is decided by pledges.rules."""
    if not is_staff_member(user):
        raise NotFound("没有找到这个事项。")
    return public_item(pk)


def public_item(pk: int) -> PledgeItem:
    try:
        return PledgeItem.objects.select_related(
            "pledge_list", "region", "lead_department", "focus_area", "parent"
        ).get(pk=pk)
    except PledgeItem.DoesNotExist:
        raise NotFound("没有找到这个事项。") from None


def _by_date_shown(events):
    """A timeline in the order of the dates it shows (the day progress happened, else the day it
    was recorded), then in the order it was recorded."""
    shown_on = Coalesce("happened_on", TruncDate("created_at"), output_field=DateField())
    return events.annotate(shown_on_sort=shown_on).order_by("shown_on_sort", "created_at", "id")


def public_timeline(item: PledgeItem):
    return _by_date_shown(item.events.filter(is_public=True).prefetch_related("evidence"))


def staff_timeline(item: PledgeItem):
    return _by_date_shown(item.events.select_related("actor__department").prefetch_related("evidence"))


def items_led_by(user: User, today: date):
    """The items the user's department leads, late ones first."""
    if user.department_id is None:
        return PledgeItem.objects.none()
    return (
        PledgeItem.objects.filter(lead_department_id=user.department_id)
        .select_related("pledge_list", "region", "parent")
        .with_status(today)
        .order_by("pledge_list__year", "deadline", "id")
    )
