"""The demo firms' certifications and yearly figures, imported by each county one data source at
a time."""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


from minsheng.enterprises import actions as enterprise_actions
from minsheng.enterprises.models import Certification, CertificationKind, Entity
from minsheng.org.models import User
from minsheng.policies import actions
from minsheng.policies.models import (
    DataSource,
)
from minsheng.policies.demo._common import JOURNEY_ELIGIBLE, NEW_SPECIALISED, _money, on


# --- certifications and figures -------------------------------------------------------------------------

@dataclass
class Growth:
    """Which 武宁县 firms the journey's policy will find: the 14 whose certificate holds and whose
    revenue grew 15%, and the certified ones that grew less (or whose certificate lapsed)."""

    eligible: list[Entity]
    certified_slower: list[Entity]
    lapsed: list[Entity]
    high_tech: list[Entity]
    tech: set[int]  # every firm holding a technology certification (their R&D and patents)


def _certify(rng: random.Random, firms: list[Entity], manager: Entity, keeper: User, today: date) -> Growth:
    by_pk = {firm.pk: firm for firm in firms}
    held = list(Certification.objects.filter(entity__in=by_pk).order_by("entity__uscc", "valid_from"))
    specialised = [c for c in held if c.kind == CertificationKind.SPECIALISED_SME]
    lasting = [by_pk[c.entity_id] for c in specialised
               if c.valid_from <= today and (c.valid_to or date.max) >= date(2027, 6, 30)]
    ending = [by_pk[c.entity_id] for c in specialised if c.valid_from <= today <= (c.valid_to or date.max)
              and by_pk[c.entity_id] not in lasting]
    lapsed = [by_pk[c.entity_id] for c in specialised if (c.valid_to or date.max) < today]
    # The national "小巨人" of 2025: the largest lasting one, and a maker new to the list.
    giant = max(lasting, key=lambda firm: firm.revenue)
    taken = {c.entity_id for c in specialised} | {manager.pk}
    pool = [firm for firm in firms
            if (firm.above_scale or firm.is_key) and firm.industry.section == "C" and firm.pk not in taken]
    chosen = rng.sample(pool, NEW_SPECIALISED + 1)
    new_giant, batch = chosen[0], chosen[1:]
    numbers = iter(rng.sample(range(100, 999), 20))
    with on(date(2025, 9, 12), 10):
        for firm in (giant, new_giant):
            enterprise_actions.do_add_certification(
                firm, kind=CertificationKind.LITTLE_GIANT, valid_from=date(2025, 9, 1), valid_to=date(2028, 8, 31),
                number=f"工信部企业函〔2025〕{next(numbers)}号", actor=keeper)
    with on(date(2026, 10, 9), 10):
        for firm in batch:
            enterprise_actions.do_add_certification(
                firm, kind=CertificationKind.SPECIALISED_SME, valid_from=date(2026, 9, 28), valid_to=date(2029, 9, 27),
                number="赣工信企业字〔2026〕118号", actor=keeper)
    wanted = JOURNEY_ELIGIBLE - len(lasting) - 1
    if not 0 <= wanted <= len(batch):
        raise RuntimeError(f"惠企政策演示数据：专精特新企业不足以构成{JOURNEY_ELIGIBLE}户符合条件的企业")
    tech_kinds = (CertificationKind.HIGH_TECH, CertificationKind.SPECIALISED_SME, CertificationKind.LITTLE_GIANT,
                  CertificationKind.TECH_SME)
    tech = set(Certification.objects.filter(entity__in=by_pk, kind__in=tech_kinds).values_list("entity_id", flat=True))
    high_tech = sorted({by_pk[c.entity_id] for c in held if c.kind == CertificationKind.HIGH_TECH}, key=lambda f: f.uscc)
    return Growth(eligible=[*lasting, new_giant, *batch[:wanted]], certified_slower=[*ending, *batch[wanted:]],
                  lapsed=lapsed, high_tech=high_tech, tech=tech)


# The manager's firm (journey 13), exactly: she meets what the docstring says and misses the rest.
MANAGER_FIGURES = {(2024, "employees"): "16", (2025, "employees"): "18", (2024, "revenue"): "911.04",
                   (2025, "revenue"): "995.77", (2024, "tax_paid"): "25.10", (2025, "tax_paid"): "28.40",
                   (2024, "rd_share"): "1.00", (2025, "rd_share"): "1.20", (2024, "patents"): "0", (2025, "patents"): "0"}


TAX_SHARES = {"C": (0.02, 0.05), "F": (0.008, 0.02)}  # tax paid over revenue: makers, traders, the rest


def _growth_of(rng: random.Random, firm: Entity, pinned: dict[int, float]) -> float:
    if firm.pk in pinned:
        return pinned[firm.pk]
    spread = 11 if firm.above_scale else 15
    return max(-30.0, min(60.0, rng.gauss(9, spread)))


def _plan_figures(rng: random.Random, firms: list[Entity], growth: Growth, manager: Entity,
                  pinned: dict[int, float]) -> dict[int, dict[tuple[int, str], Decimal]]:
    """Every firm's figures of 2024 and 2025 (2025's revenue and employees are the registry's)."""
    weak_high_tech = {firm.pk for firm in growth.high_tech[:2]}  # 高企 whose R&D share fell below 3%
    plan = {}
    for firm in firms:
        if firm.pk == manager.pk:
            plan[firm.pk] = {key: Decimal(value) for key, value in MANAGER_FIGURES.items()}
            continue
        rate = _growth_of(rng, firm, pinned)
        revenue = firm.revenue
        before = revenue / Decimal(str(1 + rate / 100))
        employees = firm.employees or max(1, round(float(revenue) / 60))
        employees_before = max(1, round(employees / (1 + rng.gauss(0.03, 0.08))))
        section = firm.industry.section if firm.industry_id else ""
        low, high = TAX_SHARES.get(section, (0.015, 0.04))
        share = rng.uniform(low, high)
        figures = {(2025, "revenue"): _money(revenue), (2024, "revenue"): _money(before),
                   (2025, "employees"): Decimal(employees), (2024, "employees"): Decimal(employees_before),
                   (2025, "tax_paid"): _money(float(revenue) * share),
                   (2024, "tax_paid"): _money(float(before) * share * rng.uniform(0.9, 1.1))}
        rd = patents = None
        if section == "C":
            if firm.pk in weak_high_tech:
                rd, patents = rng.uniform(2.0, 2.8), rng.randint(2, 6)
            elif firm.pk in growth.tech:
                rd, patents = rng.uniform(3.3, 8.0), rng.randint(2, 18)
            elif firm.above_scale and rng.random() < 0.6:
                rd, patents = rng.uniform(0.3, 3.2), rng.randint(0, 4)
            elif rng.random() < 0.15:
                rd, patents = rng.uniform(0.1, 2.5), rng.randint(0, 1)
        if rd is not None:
            figures[(2025, "rd_share")] = _money(rd)
            figures[(2024, "rd_share")] = _money(min(99.0, rd * rng.uniform(0.8, 1.15)))
            figures[(2025, "patents")] = Decimal(patents)
            figures[(2024, "patents")] = Decimal(max(0, patents - rng.randint(0, 2)))
        plan[firm.pk] = figures
    return plan


# What each data source sends, and when (2024's figures in 2025, 2025's in 2026), and of whom:
# the statistics bureau the 规上 firms' revenue, the tax bureau the others' and everyone's tax.
SOURCES = [
    (DataSource.HUMAN_RESOURCES, date(2025, 2, 18), date(2026, 2, 10), (("employees", "all"),)),
    (DataSource.STATISTICS, date(2025, 3, 12), date(2026, 3, 11), (("revenue", "above"),)),
    (DataSource.TAX, date(2025, 6, 10), date(2026, 6, 4), (("revenue", "others"), ("tax_paid", "all"))),
    (DataSource.SCIENCE, date(2025, 6, 16), date(2026, 6, 9), (("rd_share", "all"),)),
    (DataSource.MARKET, date(2025, 6, 18), date(2026, 6, 11), (("patents", "all"),)),
]


def _import_figures(plan, firms_by_county: dict[str, list[Entity]], keepers: dict[str, User]) -> None:
    """Each source's rows of a year, imported by the county's registry keeper on the day they came."""
    for source, first, second, fields in SOURCES:
        for year, day in ((2024, first), (2025, second)):
            for hour, (county, firms) in enumerate(firms_by_county.items(), start=9):
                rows = []
                for firm in firms:
                    for field, whom in fields:
                        value = plan[firm.pk].get((year, field))
                        if value is None or (whom == "above" and not firm.above_scale) or (
                                whom == "others" and firm.above_scale):
                            continue
                        rows.append({"row": len(rows) + 2, "uscc": firm.uscc, "year": year, "field": field, "value": value})
                with on(day, hour, 30):
                    actions.do_import_figures(rows, source=source, actor=keepers[county])
