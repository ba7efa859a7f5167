"""Reads of the policy library: which firms a policy's conditions select (one SQL query), which
policies a firm meets and what it misses (one firm's facts, evaluated in Python), what it would
receive."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from minsheng.enterprises.models import Entity, EntityStatus
from minsheng.policies import benefits, conditions
from minsheng.policies.models import Policy, PolicyState


def conditions_of(policy: Policy) -> list[conditions.Condition]:
    return [row.as_condition() for row in policy.conditions.all()]


def in_force(day: date):
    return Policy.objects.filter(state=PolicyState.PUBLISHED, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def eligible(policy: Policy, day: date):
    """The active firms of the policy's region that meet all its conditions on `day`."""
    from minsheng.org.models import Region

    # The ids read first (one small query): see conditions.region_ids.
    regions = list(Region.objects.filter(code__startswith=policy.region.code_prefix).values_list("pk", flat=True))
    return (Entity.objects.filter(status=EntityStatus.ACTIVE, region__in=regions)
            .filter(conditions.compile_q(conditions_of(policy), day)))


def facts_of(entity: Entity) -> conditions.Facts:
    """One firm's facts in three queries (the row with its places and industry, certifications,
    figures)."""
    entity = Entity.objects.select_related("region", "township", "industry").get(pk=entity.pk)
    return conditions.Facts(
        region_codes=tuple(region.code for region in (entity.region, entity.township) if region is not None),
        industry_code=entity.industry.code if entity.industry_id else "",
        industry_section=entity.industry.section if entity.industry_id else "",
        kind=entity.kind, size_class=entity.size_class, above_scale=entity.above_scale, is_key=entity.is_key,
        established_on=entity.established_on,
        certifications=tuple(entity.certifications.values_list("kind", "valid_from", "valid_to")),
        figures={(year, field): value for year, field, value in entity.figures.values_list("year", "field", "value")},
    )


def policies_for(entity: Entity, day: date, *, facts: conditions.Facts | None = None
                 ) -> list[tuple[Policy, list[conditions.Condition]]]:
    """Every policy in force where the firm is, with the conditions it misses (none: it meets it).
    The regions with policies in force are read first and those holding the firm kept (its
    county, its township, the city), so only their policies and conditions are loaded, not the
    whole library's: a firm is re-matched after every change of its figures."""
    from minsheng.org.models import Region

    facts = facts or facts_of(entity)
    policies = in_force(day)
    regions = [region.pk for region in Region.objects.filter(pk__in=policies.values("region"))
               if any(code.startswith(region.code_prefix) for code in facts.region_codes)]
    return [(policy, conditions.evaluate(conditions_of(policy), facts, day))
            for policy in policies.filter(region__in=regions).select_related("region", "issuer")
            .prefetch_related("conditions")]


def formula_of(policy: Policy) -> benefits.Formula:
    return benefits.Formula(policy.benefit_kind, policy.amount, policy.rate, policy.base_field,
                            tuple((Decimal(low), Decimal(money)) for low, money in policy.tiers), policy.floor, policy.cap)


def amount_for(policy: Policy, facts: conditions.Facts, day: date) -> Decimal | None:
    """What the firm would receive: the rate or tiers read last year's figure."""
    base = facts.figures.get((day.year - 1, policy.base_field)) if policy.base_field else None
    return benefits.amount_for(formula_of(policy), base)


# --- the library's search (查) ---------------------------------------------------------------------

def regions_for_firm_search():
    """The city and its counties, for the search's region filter."""
    from minsheng.org.models import Region, RegionLevel

    return Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("code")


def _restricts(policy: Policy, field: str, wanted: str) -> bool:
    """Whether the policy's own condition on `field` leaves out a firm of `wanted` (a policy
    without such a condition is open to every firm of it)."""
    for row in policy.conditions.all():
        if row.field != field or row.operator not in ("in", "not_in"):
            continue
        items = row.value if isinstance(row.value, list) else [row.value]
        if field == "industry":
            inside = any(wanted == item or wanted.startswith(item) or (item.isalpha() and wanted[:1] == item)
                         for item in items)
        else:
            inside = wanted in items
        if inside != (row.operator == "in"):
            return True
    return False


def search(day: date, *, words: tuple[str, ...] = (), region=None, benefit_type: str = "", delivery: str = "",
           industry: str = "", size_class: str = "") -> list[Policy]:
    """Policies in force on `day`: every word in the title, the guide or the document number; of
    the region (its county's and the city's); of a benefit type or delivery; open to a firm of
    an industry (a GB/T 4754 section letter or code) and size. The library holds hundreds of
    policies, so the conditions' filters read the prefetched rows."""
    from django.db.models import Q as _Q

    policies = in_force(day).select_related("region", "issuer").prefetch_related("conditions")
    for word in words:
        policies = policies.filter(_Q(title__icontains=word) | _Q(beneficiaries__icontains=word)
                                   | _Q(amount_text__icontains=word) | _Q(document_number__icontains=word)
                                   | _Q(issuer__name__icontains=word))
    if region is not None:
        policies = policies.filter(_Q(region=region) | _Q(region__pk=region.parent_id))
    if benefit_type:
        policies = policies.filter(benefit_type=benefit_type)
    if delivery:
        policies = policies.filter(delivery=delivery)
    found = list(policies.order_by("-issued_on", "-pk"))
    if industry:
        found = [policy for policy in found if not _restricts(policy, "industry", industry.upper())]
    if size_class:
        found = [policy for policy in found if not _restricts(policy, "size_class", size_class)]
    return found


def published(number: str) -> Policy | None:
    """A policy the public may read (published, in force or not), by its number."""
    if not isinstance(number, str) or not number.isascii() or not number.isalnum() or len(number) > 20:
        return None
    return (Policy.objects.filter(number=number, state__in=[PolicyState.PUBLISHED, PolicyState.WITHDRAWN])
            .select_related("region", "issuer").prefetch_related("conditions").first())


# --- the staff's side ------------------------------------------------------------------------------

def visible_policies(user):
    """The policies a staff member may open: those of their department; supervisors, leaders and
    administrators also every policy of their jurisdiction (org.access)."""
    from minsheng.org.access import in_jurisdiction_q, is_staff_member, oversees

    if not is_staff_member(user):
        return Policy.objects.none()
    if oversees(user):
        return Policy.objects.filter(Q(issuer=user.department_id) | in_jurisdiction_q(user, "region"))
    return Policy.objects.filter(issuer=user.department_id)


def access_policy(user, number: str) -> Policy:
    from minsheng.core.errors import NotFound

    policy = None
    if isinstance(number, str) and number.isascii() and number.isalnum() and len(number) <= 20:
        policy = visible_policies(user).select_related("region", "issuer").filter(number=number).first()
    if policy is None:
        raise NotFound("没有找到该政策。")
    return policy


def access_application(user, pk):
    from minsheng.core.errors import NotFound
    from minsheng.policies.models import PolicyApplication

    application = None
    if pk is not None:
        application = (PolicyApplication.objects.filter(pk=pk, policy__in=visible_policies(user))
                       .select_related("policy__issuer", "policy__region", "entity__region", "case", "payout").first())
    if application is None:
        raise NotFound("没有找到该申报。")
    return application


@dataclass
class Work:
    drafts: int
    publish_late: int
    to_review: int  # payouts listed by the match, and applications not yet reviewed
    to_order: int  # listings ended, no payment order yet
    to_pay: int
    late: int  # payouts whose step has passed its limit


def work_for(user, today: date) -> "Work | None":
    """What the staff home page shows a department that keeps policies; None for anyone else."""
    from minsheng.policies import rules
    from minsheng.policies.models import Payout, PayoutState, PolicyApplication

    if user.department_id is None or not rules.may_keep_policies(user, user.department):
        return None
    policies = Policy.objects.filter(issuer=user.department_id)
    if not policies.exists():
        return None
    payouts = Payout.objects.filter(policy__issuer=user.department_id)
    return Work(
        drafts=policies.filter(state=PolicyState.DRAFT).count(),
        publish_late=policies.filter(state=PolicyState.DRAFT, publish_due__lt=today).count(),
        to_review=payouts.filter(state=PayoutState.LISTED).count() + PolicyApplication.objects.filter(
            policy__issuer=user.department_id, payout__isnull=True, case__state__in=["dispatched", "handling"]).count(),
        to_order=payouts.filter(state=PayoutState.PUBLICIZED, publicity_ends_on__lt=today).count(),
        to_pay=payouts.filter(state=PayoutState.ORDERED).count(),
        late=payouts.filter(due_on__lt=today).count(),
    )


def access_payout(user, pk):
    from minsheng.core.errors import NotFound
    from minsheng.policies.models import Payout

    payout = None
    if pk is not None:
        payout = (Payout.objects.filter(pk=pk, policy__in=visible_policies(user))
                  .select_related("policy__issuer", "entity").first())
    if payout is None:
        raise NotFound("没有找到该兑现记录。")
    return payout
