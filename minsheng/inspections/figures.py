"""The inspection figures, computed from the filings and decisions, never typed: per department
and year, visits and firms visited, the share of random and routine visits, quiet-day exceptions
by reason, exemptions and minimum fines, departures, publication on time, and the firms' ratings
(only over enough ratings that none can be told apart)."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q

from minsheng.core import clock
from minsheng.inspections.models import (
    Decision,
    Eligibility,
    Filing,
    FilingKind,
    FilingRating,
    FilingState,
    Outcome,
    QuietException,
)
from minsheng.org.access import in_jurisdiction_q, oversees
from minsheng.org.models import Department

MIN_RATINGS = 3  # fewer and a department could tell whose rating it is
DONE_STATES = (FilingState.INSPECTED, FilingState.PUBLISHED)
COUNTED = (FilingState.FILED, FilingState.APPROVED, FilingState.INSPECTED, FilingState.PUBLISHED)


@dataclass
class DepartmentFigures:
    department: Department
    visits: int = 0
    firms: int = 0
    by_kind: dict = field(default_factory=dict)
    inspected: int = 0
    quiet_exceptions: dict = field(default_factory=dict)
    exempted: int = 0
    minimum_fines: int = 0
    fines: int = 0
    departures: int = 0
    published: int = 0
    published_on_time: int = 0
    overdue_now: int = 0
    ratings: int = 0
    average_rating: float | None = None
    disturbed: int = 0

    @property
    def per_firm(self) -> float | None:
        return round(self.visits / self.firms, 2) if self.firms else None

    @property
    def random_share(self) -> float | None:
        return round(100 * self.by_kind.get(FilingKind.RANDOM, 0) / self.visits, 1) if self.visits else None

    @property
    def routine_share(self) -> float | None:
        return round(100 * self.by_kind.get(FilingKind.ROUTINE, 0) / self.visits, 1) if self.visits else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.published_on_time / self.published, 1) if self.published else None

    @property
    def exception_rows(self) -> list[tuple[str, int]]:
        return [(QuietException(key).label, count) for key, count in sorted(self.quiet_exceptions.items())]

    @property
    def kind_rows(self) -> list[tuple[str, int]]:
        return [(FilingKind(key).label, count) for key, count in sorted(self.by_kind.items())]


def departments_for(user) -> list[Department]:
    if oversees(user):
        return list(Department.objects.filter(in_jurisdiction_q(user)).filter(inspection_filings__isnull=False)
                    .distinct().order_by("region__code", "name"))
    return [user.department] if user.department_id else []


def for_departments(departments: list[Department], year: int) -> list[DepartmentFigures]:
    today = clock.today()
    rows = {department.pk: DepartmentFigures(department) for department in departments}
    filings = Filing.objects.filter(departments__in=rows, planned_on__year=year, state__in=COUNTED)
    for pk, kind, count in filings.values_list("departments", "kind").annotate(n=Count("pk", distinct=True)):
        rows[pk].by_kind[kind] = count
        rows[pk].visits += count
    for pk, count in filings.values_list("departments").annotate(n=Count("entity", distinct=True)):
        rows[pk].firms = count
    for pk, reason, count in (filings.exclude(quiet_exception="").values_list("departments", "quiet_exception")
                              .annotate(n=Count("pk", distinct=True))):
        rows[pk].quiet_exceptions[reason] = count
    done = filings.filter(state__in=DONE_STATES)
    for pk, count in done.values_list("departments").annotate(n=Count("pk", distinct=True)):
        rows[pk].inspected = count
    published = filings.filter(state=FilingState.PUBLISHED)
    for pk, total, on_time in published.values_list("departments").annotate(
            n=Count("pk", distinct=True), ok=Count("pk", distinct=True, filter=Q(published_on__lte=F("publish_due")))):
        rows[pk].published, rows[pk].published_on_time = total, on_time
    for pk, count in (Filing.objects.filter(departments__in=rows).publication_overdue(today)
                      .values_list("departments").annotate(n=Count("pk", distinct=True))):
        rows[pk].overdue_now = count
    decisions = Decision.objects.filter(violation_type__department__in=rows, offence_on__year=year)
    for pk, exempted, minimum, fines, departures in decisions.values_list("violation_type__department").annotate(
            e=Count("pk", filter=Q(outcome=Outcome.NO_PENALTY)),
            m=Count("pk", filter=Q(outcome=Outcome.FINE, eligibility=Eligibility.MINIMUM, departs=False)),
            f=Count("pk", filter=Q(outcome=Outcome.FINE)), d=Count("pk", filter=Q(departs=True))):
        rows[pk].exempted, rows[pk].minimum_fines, rows[pk].fines, rows[pk].departures = exempted, minimum, fines, departures
    ratings = FilingRating.objects.filter(filing__departments__in=rows, filing__planned_on__year=year)
    for pk, count, average, disturbed in ratings.values_list("filing__departments").annotate(
            n=Count("pk", distinct=True), a=Avg("score"), d=Count("pk", distinct=True, filter=Q(disturbed=True))):
        if count >= MIN_RATINGS:
            rows[pk].ratings, rows[pk].average_rating, rows[pk].disturbed = count, round(average, 2), disturbed
    return list(rows.values())


def for_user(user, year: int) -> list[DepartmentFigures]:
    return for_departments(departments_for(user), year)
