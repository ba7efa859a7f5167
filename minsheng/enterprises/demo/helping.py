"""Who helps whom: the officials (county departments one-to-one, township governments by grid),
their assignments and grids from the day help began, a recent history of visits, and the
certifications the registry keeper filed. Everything through the actions, each under the clock
of its own day."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from minsheng.cases.demo import at
from minsheng.core import clock
from minsheng.enterprises import actions
from minsheng.enterprises.demo import names
from minsheng.enterprises.demo.registry import GRID, NORTH_QUARTER, ONE_TO_ONE, Planned, Registry, day_in, person, weighted
from minsheng.enterprises.models import CertificationKind, Entity, VisitKind
from minsheng.org import actions as org_actions, workdays
from minsheng.org.models import Department, Region, Role, User

HELP_BEGAN = date(2020, 3, 2)  # the county's one-to-one help began after the 2020 Spring Festival
GRIDS_DRAWN = date(2024, 3, 1)  # every other entity in a grid ("全覆盖")
GRID_SIZE = 150  # at most, a township's grids split evenly


# --- people ----------------------------------------------------------------------------------------

def staff(specs: list[tuple[str, str, Department, str, str]]) -> list[User]:
    """New staff (username, name, department, title, role) as org/demo.py makes them, but without a
    usable password (nobody logs in as them: no slow hashing), their role through the action."""
    users = []
    for username, full_name, department, title, _role in specs:
        user = User(username=username, full_name=full_name, department=department, title=title)
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    for user, (*_rest, role) in zip(users, specs, strict=True):
        org_actions.do_set_roles(user, {role}, actor=None)
    return users


@dataclass
class People:
    liping: User  # keeps 武宁县's registry
    zhoumin: User
    county: list[tuple[User, tuple[str, ...]]]  # 武宁县's one-to-one helpers, with the sectors they take first
    xiushui_keeper: User
    xiushui_one_to_one: list[User]
    xiushui_grids: list[User]
    townships: dict[str, list[User]] = field(default_factory=dict)  # grid helpers, made with the grids


def make_people(rng: random.Random) -> People:
    departments = {d.name: d for d in Department.objects.filter(region__name__in=["武宁县", "修水县"])}
    specs, sectors = [], []
    for index, (short, count, taken_first) in enumerate(names.HELPER_DEPARTMENTS, start=1):
        for number in range(1, count + 1):
            specs.append((f"wn{index:02d}{number:02d}", person(rng), departments[f"武宁县{short}"],
                          rng.choice(names.HELPER_TITLES), Role.HANDLER))
            sectors.append(taken_first)
    county = staff(specs)
    xiushui = staff([
        ("xs00", person(rng), departments["修水县营商办"], "企业服务股股长", Role.SUPERVISOR),
        ("xs01", person(rng), departments["修水县工信局"], "股长", Role.HANDLER),
        ("xs02", person(rng), departments["修水县工信局"], "科员", Role.HANDLER),
        ("xs03", person(rng), departments["修水县商务局"], "副局长", Role.HANDLER),
        ("xs04", person(rng), departments["修水县市场监管局"], "网格帮扶员", Role.HANDLER),
        ("xs05", person(rng), departments["修水县市场监管局"], "网格帮扶员", Role.HANDLER),
    ])
    users = {u.username: u for u in User.objects.filter(username__in=["liping", "zhoumin"])}
    return People(liping=users["liping"], zhoumin=users["zhoumin"], county=list(zip(county, sectors, strict=True)),
                  xiushui_keeper=xiushui[0], xiushui_one_to_one=xiushui[1:4], xiushui_grids=xiushui[4:])


# --- visits ----------------------------------------------------------------------------------------

def working_day_on_or_before(day: date) -> date:
    while not workdays.is_working_day(day):
        day -= timedelta(days=1)
    return day


def visit(entity: Entity, helper: User, day: date, rng: random.Random, notes: list[str], *, kind: str | None = None,
          summary: str | None = None) -> None:
    kind = kind or weighted(rng, [(VisitKind.ON_SITE, 70), (VisitKind.PHONE, 25), (VisitKind.ONLINE, 5)])
    summary = summary or rng.choice(notes).format(n=rng.randint(3, 30))
    with clock.fixed(at(day, rng.randint(9, 16), rng.choice([0, 10, 20, 30, 40, 50]))):
        actions.do_record_visit(entity, visited_on=day, kind=kind, summary=summary, actor=helper)


def one_to_one_visits(entity: Entity, helper: User, since: date, today: date, rng: random.Random,
                      last: list[int] | None = None) -> None:
    """The last two or three visits: most within the 30-day plan, some a little late; `last` the
    exact days ago (周敏's firms, which her home page shows)."""
    if last is None:
        latest = rng.randint(2, 28) if rng.random() < 0.88 else rng.randint(31, 48)
        last = [latest]
        for _ in range(1 if rng.random() < 0.4 else 2):
            last.append(last[-1] + rng.randint(18, 34))
        days = [working_day_on_or_before(today - timedelta(days=ago)) for ago in last]
    else:
        days = [today - timedelta(days=ago) for ago in last]
    for day in sorted(days):
        if day >= since and day >= entity.established_on:
            visit(entity, helper, day, rng, names.ONE_TO_ONE_NOTES)


# --- one-to-one -------------------------------------------------------------------------------------

def assign(entity: Entity, helper: User, starts_on: date, keeper: User) -> None:
    with clock.fixed(at(starts_on, 10, 30)):
        actions.do_assign_one_to_one(entity, helper=helper, starts_on=starts_on, actor=keeper)


def one_to_one_start(rng: random.Random, planned: Planned, today: date) -> date:
    """Help began for most 规上 firms in the first two years, for the key firms later; never
    before a firm was half a year old."""
    if planned.is_key:
        start = day_in(rng, date(2023, 3, 1), date(2025, 9, 30))
    elif rng.random() < 0.65:
        start = day_in(rng, HELP_BEGAN, date(2022, 12, 31))
    else:
        start = day_in(rng, date(2023, 1, 1), date(2025, 9, 30))
    return min(max(start, planned.established_on + timedelta(days=180)), today - timedelta(days=90))


def help_one_to_one(registry: Registry, entities: dict[str, Entity], people: People, today: date, rng: random.Random,
                    hongfeng: Planned) -> None:
    """周敏 has 宏丰 (since 2020) and two other 规上 makers of the industrial park; every other
    规上 or key firm has an official of a county department, about three each, taken by the
    sectors the officials' departments know first."""
    firms = [p for p in registry.entities if p.role == ONE_TO_ONE]
    park = [p for p in firms if p.above and p.sector == "manufacturing" and "工业园区" in p.address and p is not hongfeng]
    hers = [hongfeng, *rng.sample(park, 2)]
    starts = {hongfeng.uscc: HELP_BEGAN, hers[1].uscc: date(2023, 3, 1), hers[2].uscc: date(2024, 5, 6)}
    for planned in hers:
        starts[planned.uscc] = max(starts[planned.uscc], planned.established_on + timedelta(days=180))
        assign(entities[planned.uscc], people.zhoumin, starts[planned.uscc], people.liping)
    # 周敏's portfolio on her home page: one firm a little overdue, one due in a few days, 宏丰 last week.
    for planned, last in zip(hers, ([6, 34, 63], [33, 60, 88], [26, 55]), strict=True):
        one_to_one_visits(entities[planned.uscc], people.zhoumin, starts[planned.uscc], today, rng, last=last)
    others = [p for p in firms if p not in hers]
    room = {user.pk: 3 for user, _sectors in people.county}
    for user, _sectors in people.county[:len(others) - 3 * len(people.county)]:
        room[user.pk] += 1
    for planned in sorted(others, key=lambda p: (p.sector, p.uscc)):
        helper = next((user for user, sectors in people.county if room[user.pk] and planned.sector in sectors), None) \
            or next((user for user, sectors in people.county if room[user.pk] and not sectors), None) \
            or next(user for user, _sectors in people.county if room[user.pk])
        room[helper.pk] -= 1
        start = one_to_one_start(rng, planned, today)
        assign(entities[planned.uscc], helper, start, people.liping)
        one_to_one_visits(entities[planned.uscc], helper, start, today, rng)


def help_xiushui_one_to_one(registry: Registry, entities: dict[str, Entity], people: People, today: date,
                            rng: random.Random) -> None:
    firms = [p for p in registry.entities if p.role == ONE_TO_ONE]
    for index, planned in enumerate(firms):
        helper = people.xiushui_one_to_one[index % len(people.xiushui_one_to_one)]
        start = one_to_one_start(rng, planned, today)
        assign(entities[planned.uscc], helper, start, people.xiushui_keeper)
        one_to_one_visits(entities[planned.uscc], helper, start, today, rng)


# --- grids ----------------------------------------------------------------------------------------

def joins_on(planned: Planned, cut: date) -> date:
    """The day an entity joined its grid: the day the grids were drawn, or for one founded later
    the next 1 January or 1 July (the keeper takes in the half-year's new entities), at the
    latest the day the county's list was loaded."""
    founded = planned.established_on
    if founded < GRIDS_DRAWN:
        return GRIDS_DRAWN
    following = date(founded.year, 7, 1) if founded.month < 7 else date(founded.year + 1, 1, 1)
    return min(following, cut)


def grid(region: Region, name: str, township: Region | None, helper: User, members: list[Planned],
         entities: dict[str, Entity], keeper: User, cut: date) -> None:
    with clock.fixed(at(GRIDS_DRAWN - timedelta(days=3), 10)):
        created = actions.do_create_grid(region=region, name=name, township=township, actor=keeper)
    with clock.fixed(at(GRIDS_DRAWN, 9)):
        actions.do_assign_grid(created, helper=helper, starts_on=GRIDS_DRAWN, actor=keeper)
    batches = defaultdict(list)
    for planned in members:
        batches[joins_on(planned, cut)].append(entities[planned.uscc])
    for day in sorted(batches):
        with clock.fixed(at(day, 14)):
            actions.do_add_to_grid(created, batches[day], starts_on=day, actor=keeper)


def split(members: list[Planned]) -> list[list[Planned]]:
    """Neighbours together (by address), in as few grids of at most GRID_SIZE as will do, evenly."""
    members = sorted(members, key=lambda p: (p.address, p.uscc))
    count = math.ceil(len(members) / GRID_SIZE)
    size, extra = divmod(len(members), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (index < extra)
        chunks.append(members[start:end])
        start = end
    return chunks


def grid_visits(members: list[Planned], entities: dict[str, Entity], helper: User, today: date, cut: date,
                rng: random.Random, count: int = 5) -> None:
    """A grid helper's recent round: a sample of the members, visited in the last three months."""
    earliest = today - timedelta(days=85)
    ready = [p for p in members if joins_on(p, cut) <= earliest]
    for planned in sorted(rng.sample(ready, min(count, len(ready))), key=lambda p: p.uscc):
        day = working_day_on_or_before(day_in(rng, earliest, today - timedelta(days=2)))
        visit(entities[planned.uscc], helper, max(day, earliest), rng, names.GRID_NOTES)


def north_quarter_visits(members: list[Planned], entities: dict[str, Entity], zhoumin: User, today: date,
                         rng: random.Random) -> None:
    """周敏 has been round her 120 个体户 in the last quarter: one is two days past the 90-day
    plan, three fall due today, the rest later."""
    order = sorted(members, key=lambda p: p.uscc)
    rng.shuffle(order)
    for index, planned in enumerate(order):
        ago = 92 if index == 0 else 90 if index <= 3 else rng.randint(3, 88)
        visit(entities[planned.uscc], zhoumin, today - timedelta(days=ago), rng, names.GRID_NOTES,
              kind=VisitKind.ON_SITE if ago > 20 or rng.random() < 0.7 else VisitKind.PHONE)


def help_wuning_grids(registry: Registry, entities: dict[str, Entity], people: People, regions: dict[str, Region],
                      today: date, rng: random.Random) -> int:
    """周敏's grid of the north quarter, then each township's grids with a helper of its
    government. Returns the number of grids."""
    county, cut = regions["武宁县"], registry.cut
    north = [p for p in registry.entities if p.role == NORTH_QUARTER]
    grid(county, "新宁镇城北片区网格", regions["新宁镇"], people.zhoumin, north, entities, people.liping, cut)
    north_quarter_visits(north, entities, people.zhoumin, today, rng)
    by_township = defaultdict(list)
    for planned in registry.entities:
        if planned.role == GRID:
            by_township[planned.township].append(planned)
    grids = 1
    governments = {d.region_id: d for d in Department.objects.filter(region__parent=county)}
    for township_name in names.TOWNSHIP_SHARES:
        township = regions[township_name]
        chunks = split(by_township[township_name])
        code = township.code[-3:]
        helpers = staff([(f"wn{code}{number:02d}", person(rng), governments[township.pk], rng.choice(names.GRID_TITLES),
                          Role.HANDLER) for number in range(1, len(chunks) + 1)])
        people.townships[township_name] = helpers
        for number, (members, helper) in enumerate(zip(chunks, helpers, strict=True), start=1):
            grid(county, f"{township_name}第{number}网格", township, helper, members, entities, people.liping, cut)
            grid_visits(members, entities, helper, today, cut, rng)
            grids += 1
    return grids


def help_xiushui_grids(registry: Registry, entities: dict[str, Entity], people: People, county: Region, today: date,
                       rng: random.Random) -> None:
    members = [p for p in registry.entities if p.role == GRID]
    for number, (chunk, helper) in enumerate(zip(split(members), people.xiushui_grids, strict=True), start=1):
        grid(county, f"修水县第{number}网格", None, helper, chunk, entities, people.xiushui_keeper, registry.cut)
        grid_visits(chunk, entities, helper, today, registry.cut, rng)


# --- certifications ---------------------------------------------------------------------------------

TECH_TRADES = {"2922", "2929", "3976", "3985", "3484", "3871", "3872", "3099", "3091", "3831", "2641", "1530"}


def certify(registry: Registry, entities: dict[str, Entity], keeper: User, hongfeng: Planned, rng: random.Random,
            today: date) -> int:
    """25 firms: 12 高新技术企业 (the two of 2022 renewed), 6 专精特新中小企业, 13 科技型中小企业
    (this year's registration, some last year's too). Returns the number of certifications."""
    makers = sorted((p for p in registry.entities if p.role == ONE_TO_ONE and p.industry in TECH_TRADES and p is not hongfeng),
                    key=lambda p: p.uscc)
    above = [p for p in makers if p.above]
    key = [p for p in makers if p.is_key]
    pool = [hongfeng, *rng.sample(above, 18), *rng.sample(key, 6)]
    numbers = iter(rng.sample(range(100, 3000), 60))
    filed = 0

    def add(planned: Planned, kind: str, valid_from: date, valid_to: date | None, number: str) -> None:
        nonlocal filed
        with clock.fixed(at(min(valid_from + timedelta(days=7), today - timedelta(days=1)), 10)):
            actions.do_add_certification(entities[planned.uscc], kind=kind, valid_from=valid_from, valid_to=valid_to,
                                         number=number, actor=keeper)
        filed += 1

    def three_years(start: date) -> date:
        return start.replace(year=start.year + 3) - timedelta(days=1)

    for index, planned in enumerate(pool[:12]):
        year = 2023 if planned is hongfeng else (2022, 2023, 2024, 2025)[index % 4]
        start = date(2023, 12, 8) if planned is hongfeng else date(year, rng.choice([11, 12]), rng.randint(1, 20))
        add(planned, CertificationKind.HIGH_TECH, start, three_years(start), f"GR{year}36{next(numbers):06d}")
        if year == 2022:  # renewed when the first certificate ran out
            renewed = three_years(start) + timedelta(days=1)
            add(planned, CertificationKind.HIGH_TECH, renewed, three_years(renewed), f"GR{renewed.year}36{next(numbers):06d}")
    for index, planned in enumerate(pool[:3] + pool[12:15]):
        year = (2024, 2023, 2025)[index % 3]
        start = date(year, rng.choice([9, 10, 12]), rng.randint(1, 25))
        add(planned, CertificationKind.SPECIALISED_SME, start, three_years(start), f"赣工信企业字〔{year}〕{rng.randint(60, 180)}号")
    for index, planned in enumerate(pool[12:]):
        for year in (2025, 2026) if index % 3 == 0 else (2026,):
            start = date(year, rng.randint(4, 6), rng.randint(1, 28))
            add(planned, CertificationKind.TECH_SME, start, date(year, 12, 31), f"{year}360423{next(numbers):06d}")
    return filed
