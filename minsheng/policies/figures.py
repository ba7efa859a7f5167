"""The public delivery figures (送, 市县一体), computed from the payouts, applications and events,
never typed: per policy and per region (the city's own policies and each county's, side by side),
for a year.

"A year" is the year the models record: a payout's 兑现年度 (Payout.year, the year it was
matched or approved) and an application's 申报年度; policies count in the year they were
published. The days from issue to payment are working days (org.workdays) from the policy's
印发日期 to the payout's 拨付日期; a payment is within its limit when its PAID event says it was
not late (paid by the payment order's due day). "Overdue now" is every payout, of any year,
whose current step has passed its limit today.

A few aggregate queries each; the medians are taken in Python over the paid rows of the year
grouped by their (issue, payment) days, so the working days are counted once a pair.
Both reads are cached in the shared cache under the newest policy event id (every change to a
policy, a payout or an application writes one) and the day, so no page shows a stale figure;
the entries also expire after CACHE_SECONDS (an application withdrawn through the case engine
writes no policy event)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, Sum

from minsheng.core import clock
from minsheng.org import workdays
from minsheng.org.models import Region, RegionLevel
from minsheng.policies.models import (
    COMMITTED_STATES,
    Delivery,
    EventKind,
    Payout,
    PayoutState,
    Policy,
    PolicyApplication,
    PolicyEvent,
)

CACHE_SECONDS = 600
ZERO = Decimal("0.00")


def _share(part, whole) -> float | None:
    return round(100 * float(part) / float(whole), 1) if whole else None


def _median(counted: dict[int, int]) -> float | None:
    """The median of values given with how often each occurs ({working days: payments})."""
    total = sum(counted.values())
    if not total:
        return None
    ordered = sorted(counted.items())

    def nth(n: int) -> int:  # the n-th smallest value, from 0
        for value, count in ordered:
            if n < count:
                return value
            n -= count
        raise IndexError(n)

    return round((nth((total - 1) // 2) + nth(total // 2)) / 2, 1)


def _days(issued_on: date, paid_on: date) -> int:
    return workdays.working_days_between(issued_on, paid_on)


@dataclass
class PolicyFigures:
    number: str
    title: str
    region_code: str
    region_name: str
    delivery: str
    year: int
    firms_paid: int = 0
    amount_paid: Decimal = ZERO
    by_state: dict[str, int] = field(default_factory=dict)  # every PayoutState, zeros included
    applications: int = 0
    applications_approved: int = 0
    applications_refused: int = 0
    paid: int = 0
    paid_on_time: int = 0
    days_median: float | None = None  # working days from issue to payment
    days_max: int | None = None
    budget: Decimal = ZERO
    committed: Decimal = ZERO  # confirmed, publicized, ordered or paid: every year's

    @property
    def on_time_share(self) -> float | None:
        """Of the payments made, the share within the policy's limit (percent)."""
        return _share(self.paid_on_time, self.paid)

    @property
    def budget_used_share(self) -> float | None:
        return _share(self.committed, self.budget)

    @property
    def state_rows(self) -> list[tuple[str, str, int]]:
        return [(state.value, state.label, self.by_state.get(state.value, 0)) for state in PayoutState]


@dataclass
class RegionFigures:
    code: str
    name: str
    level: str
    policies_published: int = 0
    automatic_published: int = 0  # 免申即享
    published_on_time: int = 0  # within 7 working days of issue
    firms_paid: int = 0
    amount_paid: Decimal = ZERO
    paid: int = 0
    days_median: float | None = None
    overdue_now: int = 0
    applications: int = 0

    @property
    def published_on_time_share(self) -> float | None:
        return _share(self.published_on_time, self.policies_published)


@dataclass
class RegionBoard:
    year: int
    day: date
    rows: list[RegionFigures]  # the city's own policies first, then each county by code
    total: RegionFigures  # the whole city, its counties' policies included


def _generation() -> int:
    return PolicyEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _cached(key: str, compute):
    key = f"policies:figures:{_generation()}:{key}:{clock.today().isoformat()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


# --- one policy -------------------------------------------------------------------------------------

def policy_figures(policy: Policy, year: int) -> PolicyFigures:
    return _cached(f"policy:{policy.pk}:{year}", lambda: compute_policy(policy, year))


def compute_policy(policy: Policy, year: int) -> PolicyFigures:
    from minsheng.cases.models import State

    figures = PolicyFigures(number=policy.number, title=policy.title, region_code=policy.region.code,
                            region_name=policy.region.name, delivery=policy.delivery, year=year, budget=policy.budget)
    payouts = Payout.objects.filter(policy=policy, year=year)
    figures.by_state = {state.value: 0 for state in PayoutState}
    for state, count in payouts.values_list("state").annotate(n=Count("pk")).order_by():
        figures.by_state[state] = count
    paid = payouts.filter(state=PayoutState.PAID)
    totals = paid.aggregate(n=Count("pk"), firms=Count("entity", distinct=True), amount=Sum("amount"))
    figures.paid, figures.firms_paid, figures.amount_paid = totals["n"], totals["firms"], totals["amount"] or ZERO
    days = Counter()
    for paid_on, count in paid.values_list("paid_on").annotate(n=Count("pk")).order_by():
        days[_days(policy.issued_on, paid_on)] += count
    figures.days_median, figures.days_max = _median(days), (max(days) if days else None)
    figures.paid_on_time = (PolicyEvent.objects.filter(kind=EventKind.PAID, payout__policy=policy, payout__year=year)
                            .exclude(data__late=True).count())
    figures.committed = (Payout.objects.filter(policy=policy, state__in=COMMITTED_STATES)
                         .aggregate(total=Sum("amount"))["total"] or ZERO)
    closed = Q(payout__isnull=True, case__state__in=(State.CLOSED, State.ARCHIVED, State.REJECTED))
    counts = PolicyApplication.objects.filter(policy=policy, year=year).aggregate(
        received=Count("pk"),
        approved=Count("pk", filter=Q(payout__isnull=False) & ~Q(payout__state=PayoutState.REJECTED)),
        refused=Count("pk", filter=closed | Q(payout__state=PayoutState.REJECTED)))
    figures.applications = counts["received"]
    figures.applications_approved = counts["approved"]
    figures.applications_refused = counts["refused"]
    return figures


# --- the city and its counties side by side (市县一体) ------------------------------------------------

def region_board(year: int) -> RegionBoard:
    return _cached(f"regions:{year}", lambda: compute_regions(year))


def compute_regions(year: int) -> RegionBoard:
    today = clock.today()
    regions = list(Region.objects.filter(level__in=(RegionLevel.CITY, RegionLevel.COUNTY)).order_by("code"))
    rows = {region.pk: RegionFigures(region.code, region.name, region.level) for region in regions}
    city = next((region for region in regions if region.level == RegionLevel.CITY), None)
    total = RegionFigures(city.code if city else "", f"{city.name}（含县区）" if city else "全市", "total")

    published = Policy.objects.filter(published_at__year=year, region__in=list(rows))
    for region_id, count, automatic, on_time in published.values_list("region").annotate(
            n=Count("pk"), a=Count("pk", filter=Q(delivery=Delivery.AUTOMATIC)),
            t=Count("pk", filter=Q(published_at__date__lte=F("publish_due")))).order_by():
        row = rows[region_id]
        row.policies_published, row.automatic_published, row.published_on_time = count, automatic, on_time

    # The paid rows of the year, grouped by region and (issue, payment) days: the working days
    # are counted once a pair, the medians taken over the counts.
    paid = Payout.objects.filter(year=year, state=PayoutState.PAID, policy__region__in=list(rows))
    days: dict[int, Counter] = {pk: Counter() for pk in rows}
    for region_id, issued_on, paid_on, count, amount in (
            paid.values_list("policy__region", "policy__issued_on", "paid_on")
            .annotate(n=Count("pk"), a=Sum("amount")).order_by()):
        row = rows[region_id]
        row.paid += count
        row.amount_paid += amount
        days[region_id][_days(issued_on, paid_on)] += count
    for region_id, firms in paid.values_list("policy__region").annotate(n=Count("entity", distinct=True)).order_by():
        rows[region_id].firms_paid = firms

    for region_id, count in (Payout.objects.filter(due_on__lt=today, policy__region__in=list(rows))
                             .values_list("policy__region").annotate(n=Count("pk")).order_by()):
        rows[region_id].overdue_now = count
    for region_id, count in (PolicyApplication.objects.filter(year=year, policy__region__in=list(rows))
                             .values_list("policy__region").annotate(n=Count("pk")).order_by()):
        rows[region_id].applications = count

    for pk, row in rows.items():
        row.days_median = _median(days[pk])
        for name in ("policies_published", "automatic_published", "published_on_time", "paid", "amount_paid",
                     "overdue_now", "applications"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    total.firms_paid = paid.aggregate(n=Count("entity", distinct=True))["n"]  # a firm paid by the city and a county: once
    total.days_median = _median(sum(days.values(), Counter()))
    return RegionBoard(year=year, day=today, rows=list(rows.values()), total=total)
