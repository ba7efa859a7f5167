"""Reads of the policy library: which firms a policy's conditions select (one SQL query), which
policies a firm meets and what it misses (one firm's facts, evaluated in Python), what it would
receive."""

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

    regions = Region.objects.filter(code__startswith=policy.region.code_prefix).values("pk")
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
    """Every policy in force where the firm is, with the conditions it misses (none: it meets it)."""
    facts = facts or facts_of(entity)
    policies = in_force(day).select_related("region", "issuer").prefetch_related("conditions")
    found = []
    for policy in policies:
        if not any(code.startswith(policy.region.code_prefix) for code in facts.region_codes):
            continue
        found.append((policy, conditions.evaluate(conditions_of(policy), facts, day)))
    return found


def formula_of(policy: Policy) -> benefits.Formula:
    return benefits.Formula(policy.benefit_kind, policy.amount, policy.rate, policy.base_field,
                            tuple((Decimal(low), Decimal(money)) for low, money in policy.tiers), policy.floor, policy.cap)


def amount_for(policy: Policy, facts: conditions.Facts, day: date) -> Decimal | None:
    """What the firm would receive: the rate or tiers read last year's figure."""
    base = facts.figures.get((day.year - 1, policy.base_field)) if policy.base_field else None
    return benefits.amount_for(formula_of(policy), base)
