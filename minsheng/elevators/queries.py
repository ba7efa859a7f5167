"""Reads shared by the pages, the API and the reports: the public funnel with its definitions,
the county and street tables, the average working days of the government's stages, the public
lookup of one building's application, and staff access."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from minsheng.core.errors import NotAllowed, NotFound
from minsheng.elevators import rules
from minsheng.elevators.models import Application, ApplicationEvent, StageRecord, Target
from minsheng.elevators.stages import GOVERNMENT_STAGES, Stage
from minsheng.org.models import Region, RegionLevel

# The first day the public figures may be asked for.
EARLIEST_FIGURES = date(2020, 1, 1)

# What each figure counts, as the public page states it.
DEFINITIONS = {
    "accepted": "已受理：截至统计日已登记的申请（含之后撤回或未通过的），累计。",
    "approved": "已批复：截至统计日已通过联合审查的申请，累计。",
    "under_construction": "在建：统计日当天处于施工中（已开工、尚未竣工）的申请，是当时的状态，不是累计。",
    "completed": "已完工：截至统计日已竣工的申请（含竣工验收、使用登记、补贴拨付和已投入使用），累计。",
    "approved_not_started": "已批复未开工：已批复、统计日尚未开工的申请。已批复 = 在建 + 已完工 + 已批复未开工 + 批复后撤回。",
    "with_renovation": "结合老旧小区改造：已受理的申请中，所在小区列入老旧小区改造的。",
    "in_service": "已投入使用：截至统计日已办结使用登记、投入运行的，累计。",
    "households": "受益户数、60岁以上受益人数：已完工申请所在单元的户数和60岁以上住户人数。",
    "stage_days": "各审批环节平均用时：已办结的该环节，从进入到办结的工作日数（法定节假日和周末不计）。",
}


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _figures(moment: datetime) -> dict:
    """The funnel's counts as of `moment`, each a Count with its own filter: one pass over the
    applications, grouped by whatever the caller groups by."""
    not_closed = Q(closed_at__isnull=True) | Q(closed_at__gt=moment)
    started = Q(construction_started_at__lte=moment)
    completed = Q(completed_at__lte=moment)
    return {
        "accepted": Count("pk"),  # the caller keeps those filed by the day
        "approved": Count("pk", filter=Q(approved_at__lte=moment)),
        "under_construction": Count("pk", filter=started & ~completed & not_closed),
        "completed": Count("pk", filter=completed),
        "approved_not_started": Count("pk", filter=Q(approved_at__lte=moment) & ~started & not_closed),
        "with_renovation": Count("pk", filter=Q(with_renovation=True)),
        "in_service": Count("pk", filter=Q(in_service_at__lte=moment)),
        "households": Sum("households", filter=completed, default=0),
        "residents_over_60": Sum("residents_over_60", filter=completed, default=0),
    }


def _scope(region: Region | None):
    applications = Application.objects.all()
    if region is not None and region.level != RegionLevel.CITY:
        applications = applications.filter(region=region) if region.level == RegionLevel.COUNTY else applications.filter(street=region)
    return applications


@dataclass
class Funnel:
    as_of: date
    region: Region | None
    figures: dict
    target: int | None
    rows: list[dict] = field(default_factory=list)  # by county (or by street within a county)
    definitions: dict = field(default_factory=lambda: DEFINITIONS)

    @property
    def target_share(self) -> int | None:
        if not self.target:
            return None
        return round(100 * self.figures["completed"] / self.target)


def funnel(as_of: date, region: Region | None = None) -> Funnel:
    """The city's (or a county's) funnel as of the end of `as_of`, with one row per county (per
    street in a county). One pass over the applications grouped by the area's id; the totals
    are the rows' sums (every figure is a count or a sum, so they add up exactly) and the dozen
    names are looked up after: at 100,000 applications a second pass for the totals, or grouping
    by the joined names, doubles the time (bench/results/elevators.md)."""
    moment = end_of(as_of)
    applications = _scope(region).filter(filed_on__lte=as_of)
    by = "street_id" if region is not None and region.level == RegionLevel.COUNTY else "region_id"
    rows = list(applications.order_by().values(by).annotate(**_figures(moment)))
    keys = list(_figures(moment))
    figures = {key: sum(row[key] or 0 for row in rows) for key in keys}
    names = {r.pk: r for r in Region.objects.filter(pk__in=[row[by] for row in rows if row[by]])}
    for row in rows:
        area = names.get(row.pop(by))
        row["key"] = area.pk if area else None
        row["name"] = area.name if area else "未划分街道"
        row["code"] = area.code if area else ""
    rows.sort(key=lambda row: (row["code"] == "", row["code"]))
    target_region = region or Region.objects.filter(level=RegionLevel.CITY).first()
    target = Target.objects.filter(region=target_region, year=as_of.year).values_list("completed", flat=True).first()
    return Funnel(as_of=as_of, region=region, figures=figures, target=target, rows=rows)


def accepted_by_county(funnel_rows: list[dict]) -> dict[str, dict]:
    """The applications accepted in each county, keyed by its six-digit GB/T 2260 code, as the
    platform's regions map reads them ({"value", "label"}), from the city funnel's rows (which are
    by county already: nothing more is counted)."""
    values: dict[str, dict] = {}
    for row in funnel_rows:
        if not row.get("code"):
            continue
        code = row["code"][:6]
        entry = values.setdefault(code, {"value": 0})
        entry["value"] += row["accepted"]
    for entry in values.values():
        entry["label"] = f"{entry['value']}台"
    return values


def stage_days(region: Region | None = None, *, since: date | None = None) -> list[dict]:
    """The average working days each government stage took, over the stages finished (since a date)."""
    records = StageRecord.objects.filter(stage__in=GOVERNMENT_STAGES, ended_at__isnull=False)
    if region is not None and region.level != RegionLevel.CITY:
        records = records.filter(application__region=region)
    if since is not None:
        records = records.filter(ended_at__gte=end_of(since - timedelta(days=1)))
    found = {row["stage"]: row for row in records.values("stage").annotate(
        average=Avg("working_days"), finished=Count("pk"), late=Count("pk", filter=Q(was_late=True)))}
    return [
        {"stage": stage, "label": Stage(stage).label, "average": round(found[stage]["average"], 1) if stage in found else None,
         "finished": found.get(stage, {}).get("finished", 0), "late": found.get(stage, {}).get("late", 0)}
        for stage in GOVERNMENT_STAGES
    ]


def public_lookup(region: Region, estate_name: str, building_name: str) -> list[Application]:
    """The applications of one building, found by its estate's and building's names as a resident
    types them (exact after trimming): what the public may see of them is the caller's to trim."""
    return list(
        Application.objects.filter(region=region, entrance__building__estate__name=estate_name.strip(),
                                   entrance__building__name=building_name.strip())
        .select_related("entrance__building__estate", "rule_set").order_by("entrance__name", "-filed_on")
    )


def public_timeline(application: Application):
    return ApplicationEvent.objects.filter(application=application, is_public=True).order_by("created_at", "id")


def access_application(user, pk) -> Application:
    """The application if the user may see it; a stranger's id reads as not found."""
    from minsheng.core.text import parse_id

    number = parse_id(str(pk))
    application = (
        Application.objects.select_related("entrance__building__estate", "region", "street", "rule_set")
        .filter(pk=number).first() if number is not None else None
    )
    if application is None or not rules.may_view(user, application):
        raise NotFound("没有找到该申请。")
    return application


def applications_for(user):
    from minsheng.org.access import in_jurisdiction_q, is_staff_member

    if not is_staff_member(user):
        raise NotAllowed("请先登录。")
    return Application.objects.filter(in_jurisdiction_q(user)).select_related("entrance__building__estate", "region")
