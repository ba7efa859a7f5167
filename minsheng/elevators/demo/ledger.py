"""The county ledgers the history is imported from: each life put on an entrance of its county
(estates, buildings and entrances drawn as the old dormitories and 1990s estates are, their
renovation batch matching the report's share), its dwellings with their areas, residents over 60
and, where the application went on, the owners' vote as the ledger records it; and the made-up
names, resident ids and phones the featured records' owners get."""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from minsheng.cases.demo import HUKOU_COMMUNITIES
from minsheng.core.identity import resident_id_check_char
from minsheng.elevators.actions import LedgerDwelling, LedgerRow
from minsheng.elevators.demo.history import (
    BUILDERS,
    COMMUNITY_WORDS,
    GIVEN,
    NEIGHBOURHOODS,
    RENOVATION_BY_2021,
    RENOVATION_LATER,
    RESERVED,
    ROADS,
    ROADS_ELSEWHERE,
    STREETS,
    SURNAMES,
    UNITS,
    Life,
)
from minsheng.elevators.models import Choice
from minsheng.elevators.stages import Stage
from minsheng.org.models import Region, RegionLevel


@dataclass
class Site:
    """An entrance of the register, as the ledger describes it."""

    county: str
    estate: str
    street: str
    community: str
    address: str
    year_built: int
    batch: str
    building: str
    entrance: str
    floors: int
    areas: tuple[Decimal, Decimal]


def estate_names(rng: random.Random, county: str, excluded: set[str]) -> list[str]:
    names = [f"{unit}宿舍" for unit in UNITS] + list(NEIGHBOURHOODS)
    rng.shuffle(names)
    return [name for name in names if name not in excluded]


def build_sites(rng: random.Random, county: str, needs: dict[str, int], excluded: set[str]) -> dict[str, list[Site]]:
    """Estates enough for the county's applications: {"old": [...], "later": [...], "none": [...]}
    by their renovation batch (by 2021, later, none)."""
    names = iter(estate_names(rng, county, excluded))
    streets = STREETS.get(county, ["城关镇"])
    roads = ROADS.get(county, ROADS_ELSEWHERE)
    pools: dict[str, list[Site]] = {"old": [], "later": [], "none": []}
    for kind, wanted in needs.items():
        while len(pools[kind]) < wanted:
            name = next(names)
            street = rng.choice(streets)
            community = f"{street}{rng.choice(COMMUNITY_WORDS)}社区"
            batch = rng.choice(RENOVATION_BY_2021) if kind == "old" else rng.choice(RENOVATION_LATER) if kind == "later" else ""
            year_built = rng.randint(1983, 2001)
            address = f"{county}{rng.choice(roads)}{rng.randint(1, 399)}号"
            for number in range(1, rng.randint(3, 12) + 1):
                building = f"{number}栋"
                if (county, name, building) in RESERVED:
                    continue
                floors = 7 if rng.random() < 0.55 else 6
                first = Decimal(rng.randint(5500, 9500)) / 100
                areas = (first, max(Decimal("55.00"), min(Decimal("95.00"), first + Decimal(rng.randint(-1200, 1200)) / 100)))
                for entrance in range(1, rng.choice([1, 2, 2, 3]) + 1):
                    pools[kind].append(Site(county, name, street, community, address, year_built, batch, building,
                                            f"{entrance}单元", floors, areas))
    for pool in pools.values():
        rng.shuffle(pool)
    return pools


def passes(dwellings: list[LedgerDwelling]) -> bool:
    """The Civil Code's four thresholds (2/3 taking part, 3/4 of them agreeing, by heads and by
    area), in integers: each dwelling one head, as the ledger counts them."""
    heads = len(dwellings)
    area = sum(d.area for d in dwellings)
    voting = [d for d in dwellings if d.vote is not None]
    agreeing = [d for d in voting if d.vote == Choice.AGREE]
    voting_area, agreeing_area = sum(d.area for d in voting), sum(d.area for d in agreeing)
    return (3 * len(voting) >= 2 * heads and 3 * voting_area >= 2 * area
            and 4 * len(agreeing) >= 3 * len(voting) and 4 * agreeing_area >= 3 * voting_area and bool(voting))


def layout_for(households: int) -> tuple[int, list[tuple[int, int]]]:
    """(floors, [(floor, dwellings on it)]) for an entrance of `households` dwellings: the same
    number on each floor when it divides, else fewer on the ground floor."""
    for floors in (7, 6, 8, 9):
        if households % floors == 0 and households // floors <= 4:
            return floors, [(floor, households // floors) for floor in range(1, floors + 1)]
    floors = 6
    per = -(-households // floors)
    return floors, [(1, households - per * (floors - 1))] + [(floor, per) for floor in range(2, floors + 1)]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def ledger_dwellings(rng: random.Random, site: Site, *, votes: bool, owners: bool) -> list[LedgerDwelling]:
    """Two dwellings a floor; one in six with residents over 60; the vote as the ledger records it
    (ground floors least keen), redrawn until it passes when the application went on."""
    dwellings = []
    for floor in range(1, site.floors + 1):
        for position in (1, 2):
            over_60 = (1 if rng.random() < 0.7 else 2) if rng.random() < 1 / 6 else 0
            dwellings.append(LedgerDwelling(number=f"{floor}0{position}", floor=floor, area=site.areas[position - 1],
                                            residents_over_60=over_60, owner=person_name(rng) if owners else ""))
    if votes:
        while True:
            for dwelling in dwellings:
                keen = 0.55 if dwelling.floor == 1 else 0.8 if dwelling.floor == 2 else 0.96
                roll = rng.random()
                dwelling.vote = (Choice.AGREE if roll < keen else Choice.DISAGREE if roll < (1 + keen) / 2
                                 else rng.choice([Choice.ABSTAIN, None]))
            if passes(dwellings):
                break
    return dwellings


def ledger_rows(rng: random.Random, lives: list[Life], regions: dict[str, Region]) -> list[LedgerRow]:
    """Each life on an entrance of its county: the report day's renovation share on estates of
    a batch by 2021, none on estates of no batch (an estate's batch is copied at filing)."""
    hukou_streets = {region.name: region for region in Region.objects.filter(parent=regions["湖口县"], level=RegionLevel.TOWNSHIP)}
    rows = []
    by_county: dict[str, list[Life]] = {}
    for life in lives:
        by_county.setdefault(life.county, []).append(life)
    for county, county_lives in by_county.items():
        needs = {"old": 0, "later": 0, "none": 0}
        anywhere = []
        for life in county_lives:
            if life.renovation == "any":
                anywhere.append(life)
            else:
                needs[life.renovation] += 1
        # Later applications go a quarter to estates in a renovation batch.
        for life in anywhere:
            life.renovation = "later" if rng.random() < 0.25 else "none"
            needs[life.renovation] += 1
        excluded = set(HUKOU_COMMUNITIES) if county == "湖口县" else set()
        pools = build_sites(rng, county, needs, excluded)
        for life in county_lives:
            site = pools[life.renovation].pop()
            rows.append(_row(rng, life, site, regions[county], hukou_streets))
    return rows


def _row(rng: random.Random, life: Life, site: Site, region: Region, hukou_streets: dict) -> LedgerRow:
    stages = [stage for stage, _ in life.path]
    current = stages[-1]
    past_consultation = len(stages) > 2
    open_and_consulting = not life.closed and current in (Stage.FEASIBILITY, Stage.CONSULTATION)
    street = hukou_streets.get(site.street) if region.name == "湖口县" else None
    builder = rng.random()
    body = (f"{site.estate}{site.building}{site.entrance}业主代表" if builder < 0.6
            else f"{rng.choice(BUILDERS)}（受业主委托代建）")
    return LedgerRow(
        region=region, street=street, estate=site.estate, building=site.building, entrance=site.entrance, floors=site.floors,
        dwellings=ledger_dwellings(rng, site, votes=past_consultation, owners=open_and_consulting),
        filed_on=life.filed_on, entered=dict(life.path), community=site.community, address=site.address,
        year_built=site.year_built, renovation_batch=site.batch, implementing_body=body if past_consultation else "",
        estimated_cost=life.cost if len(stages) > 3 else None, closed=life.closed, closed_at=life.closed_at,
        reason=life.reason,
    )


# --- the featured records' owners ----------------------------------------------------------

def resident_id(rng: random.Random, area: str, born: date, female: bool) -> str:
    serial = rng.randrange(50) * 2 + (0 if female else 1)
    first17 = f"{area}{born:%Y%m%d}{rng.randrange(10):01d}{serial:02d}"
    return first17 + resident_id_check_char(first17)


def phone(rng: random.Random) -> str:
    return rng.choice(["135", "139", "150", "158", "187", "189"]) + f"{rng.randrange(10**8):08d}"
