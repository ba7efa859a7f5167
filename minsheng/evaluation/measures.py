"""The real working days of the services the platform itself runs, measured from their events
and shown beside the promised limit (局长走流程: "服务怎样我体验"). Each measure reads one
programme's records of a period: the median and the slowest, and how many were measured."""

import statistics
from dataclasses import dataclass
from datetime import date

from minsheng.org import workdays


@dataclass
class Measured:
    count: int
    median: float | None
    slowest: int | None


def _summary(days: list[int]) -> Measured:
    if not days:
        return Measured(0, None, None)
    return Measured(len(days), float(statistics.median(days)), max(days))


def _policy_application(start: date, end: date) -> list[int]:
    """申报 to 拨付: an application's case registered, its payout paid."""
    from minsheng.policies.models import PolicyApplication

    rows = (PolicyApplication.objects.filter(payout__state="paid", payout__paid_on__range=(start, end))
            .values_list("created_at", "payout__paid_on"))
    from django.utils import timezone

    return [workdays.working_days_between(timezone.localtime(created).date(), paid) for created, paid in rows]


def _policy_automatic(start: date, end: date) -> list[int]:
    """免申即享, 匹配 to 拨付: a payout listed by the match, paid."""
    from django.utils import timezone

    from minsheng.policies.models import Payout

    rows = (Payout.objects.filter(state="paid", paid_on__range=(start, end), application__isnull=True)
            .values_list("listed_at", "paid_on"))
    return [workdays.working_days_between(timezone.localtime(listed).date(), paid) for listed, paid in rows]


def _elevator_stage(stage: str):
    def measure(start: date, end: date) -> list[int]:
        """An elevator application's stage: entered, left (the next stage's event), in working days."""
        from django.utils import timezone

        from minsheng.elevators.models import ApplicationEvent, EventKind

        entered = dict(ApplicationEvent.objects.filter(kind=EventKind.STAGE, stage=stage)
                       .values_list("application_id", "created_at"))
        left = (ApplicationEvent.objects.filter(kind=EventKind.STAGE, old_stage=stage, application_id__in=list(entered),
                                                created_at__date__range=(start, end))
                .values_list("application_id", "created_at"))
        return [workdays.working_days_between(timezone.localtime(entered[pk]).date(), timezone.localtime(at).date())
                for pk, at in left if pk in entered]
    return measure


def _stuck_matter(start: date, end: date) -> list[int]:
    """办不成事反映: the working days each case took to its result (the engine's own count)."""
    from minsheng.cases.models import CaseEvent

    return list(CaseEvent.objects.filter(kind="closed", case__kind__code="stuck-matter", working_days__isnull=False,
                                         created_at__date__range=(start, end)).values_list("working_days", flat=True))


MEASURES = {
    "policy_application": _policy_application,
    "policy_automatic": _policy_automatic,
    "elevator_joint_review": _elevator_stage("joint_review"),
    "elevator_permit": _elevator_stage("permit"),
    "stuck_matter": _stuck_matter,
}


def measure(service, start: date, end: date) -> Measured | None:
    """The service's real working days over [start, end]; None for a service the platform does not run."""
    found = MEASURES.get(service.measure)
    return _summary(found(start, end)) if found else None
