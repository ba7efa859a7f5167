"""The registry the county loads (一企一档): every entity drawn with a name, a code, an industry,
a place, a founding date and, for firms, last year's figures, then written to a workbook with
the import's own column headers and imported through the import action, as a county's
营商办 would load the list it gets from 市场监管局.

Size class and 规上 are not drawn: the import derives them from the figures (sizes.py). So the
figures are drawn to land on the side of the line the plan wants: a 规上 firm's revenue at or
above its sector's threshold (or, for construction and real-estate development, the
qualification), every other firm's below it."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.cases.demo import GIVEN, MOBILE_PREFIXES, SURNAMES
from minsheng.core import clock
from minsheng.core.identity import uscc_check_char
from minsheng.enterprises import sizes
from minsheng.enterprises.actions.imports import COLUMNS, do_queue_import, run_import
from minsheng.enterprises.demo import names, xlsx
from minsheng.enterprises.models import EntityKind, EntityStatus, ImportJob, ImportMode, ImportState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
KIND_CODES = {EntityKind.ENTERPRISE: "91", EntityKind.INDIVIDUAL: "92", EntityKind.COOPERATIVE: "93"}
UNIFIED_CODES_FROM = date(2015, 10, 1)  # 三证合一: new firms get an MA… organisation code

# What an entity is in the demo's plan (who helps it).
ONE_TO_ONE, GRID, NORTH_QUARTER, GAP, CLOSED = "one_to_one", "grid", "north_quarter", "gap", "closed"
# Revenue (万元) an employee brings in, by sector: how many people a firm of a revenue has.
REVENUE_PER_HEAD = {"manufacturing": (40, 120), "wholesale": (150, 500), "retail": (40, 150), "construction": (50, 150),
                    "real_estate": (100, 400), "transport": (30, 100), "hospitality": (8, 25), "services": (20, 60),
                    "agriculture": (10, 40)}


@dataclass
class Planned:
    """One row of the workbook, and what the demo will do with the entity."""

    uscc: str
    name: str
    kind: str
    industry: str
    township: str
    address: str
    established_on: date
    legal_representative: str
    role: str = GRID
    sector: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    figures: tuple | None = None  # (employees, revenue, assets)
    qualified: bool = False
    is_key: bool = False
    above: bool = False  # 规上 by the plan (the import derives it)
    status: str = EntityStatus.ACTIVE
    closed_on: date | None = None

    def row(self, county: str, sections: dict, figures_year: int) -> list:
        """The row in COLUMNS' order (the industry with its section letter, as in "C2922")."""
        employees, revenue, assets = self.figures or (None, None, None)
        return [self.uscc, self.name, f"{sections[self.industry]}{self.industry}", EntityKind(self.kind).label, county,
                self.township, self.address, self.established_on, self.legal_representative, EntityStatus(self.status).label,
                self.closed_on, figures_year if self.figures else None, employees, revenue, assets,
                "是" if self.qualified else "否", "是" if self.is_key else "否", self.contact_name, self.contact_phone]


def person(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def organisation_code(body: str) -> str:
    """GB 11714: eight characters and their check character."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    return body + {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def day_in(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


@dataclass
class Registry:
    """One county's plan: the entities and the codes and names already taken."""

    county: str  # "武宁县"
    region_code: str  # "360423"
    cut: date  # the day the county's list was drawn up (nothing founded later is on it)
    rng: random.Random
    has_townships: bool  # its towns are regions of the demo (else they are named in addresses only)
    seat: str  # the county town (the industrial park is counted in it)
    town_streets: dict[str, list[str]]  # the streets of the towns that have them
    entities: list[Planned] = field(default_factory=list)
    codes: set = field(default_factory=set)
    taken: set = field(default_factory=set)
    village_names: dict = field(default_factory=dict)

    # codes and dates -----------------------------------------------------------------------------

    def uscc(self, kind: str, established: date) -> str:
        rng = self.rng
        while True:
            if kind == EntityKind.ENTERPRISE and established < UNIFIED_CODES_FROM:
                body = rng.choice("5677") + "".join(rng.choice("0123456789") for _ in range(7))
            else:
                series = {2023: "MAC", 2024: "MAD", 2025: "MAE", 2026: "MAE"}.get(established.year, "MA3")
                body = series + "".join(rng.choice(USCC_BODY) for _ in range(5))
            first17 = KIND_CODES[kind] + self.region_code + organisation_code(body)
            code = first17 + uscc_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def founded(self, *, first: int = 2000, last: date | None = None, growth: float = 1.1) -> date:
        """A founding day: later years likelier (the market grew; the old ones closed)."""
        last = last or self.cut
        years = list(range(first, last.year + 1))
        weights = [growth ** (year - first) * (1 if year < last.year else last.timetuple().tm_yday / 365) for year in years]
        year = self.rng.choices(years, weights=weights)[0]
        return day_in(self.rng, date(year, 1, 1), min(date(year, 12, 31), last))

    def unique(self, make) -> str:
        for _ in range(60):
            name = make()
            if name not in self.taken:
                self.taken.add(name)
                return name
        raise RuntimeError(f"演示数据：{self.county}的名称用尽")

    # places --------------------------------------------------------------------------------------

    def address(self, township: str, *, streets=None, village: bool = False) -> str:
        rng = self.rng
        if village:
            return f"{self.county}{township}{rng.choice(self.villages(township))}{rng.randint(1, 12)}组"
        street = rng.choice(streets or self.streets(township))
        return f"{self.county}{township}{street}{rng.randint(1, 388)}号"

    def streets(self, township: str) -> list[str]:
        return self.town_streets.get(township, names.MARKET_STREETS)

    def township_of(self, township: str) -> str:
        return township if self.has_townships else ""

    def villages(self, township: str) -> list[str]:
        """A township's villages (the same ones every time)."""
        if township not in self.village_names:
            self.village_names[township] = random.Random(f"{self.county}-{township}").sample(names.VILLAGES, 8)
        return self.village_names[township]

    # the three kinds ------------------------------------------------------------------------------

    def company(self, township: str, sector: str, trade: names.Trade, *, above: bool = False, key: bool = False,
                established: date | None = None, role: str = GRID) -> Planned:
        rng = self.rng
        word = rng.choice(trade.words)

        def make():
            brand = rng.choice(names.BRAND_WORDS) if rng.random() < 0.08 else "".join(rng.sample(names.BRAND_CHARS, 2))
            form = weighted(rng, names.COMPANY_FORMS if not above else [("有限公司", 70), ("有限责任公司", 15), ("股份有限公司", 15)])
            prefix = weighted(rng, names.COMPANY_PREFIXES).replace("武宁", self.county[:-1])
            return f"{prefix}{brand}{word}{form}"

        name = self.unique(make)
        # A firm helped one-to-one has been in business a few years; the market's others grew in number.
        established = established or (self.founded(last=min(self.cut, date(2023, 12, 31)), growth=1.0) if above or key
                                      else self.founded(growth=1.07))
        in_park = sector == "manufacturing" and (above or key or rng.random() < 0.5)
        if in_park:
            township, address = self.seat, f"{self.county}工业园区{rng.choice(names.PARK_ROADS)}{rng.randint(1, 99)}号"
        else:
            address = self.address(township, village=sector == "agriculture")
        boss = person(rng)
        contact = rng.choice([f"{boss[0]}总", f"{rng.choice(SURNAMES)}经理", f"{rng.choice(SURNAMES)}会计", person(rng)])
        planned = Planned(uscc=self.uscc(EntityKind.ENTERPRISE, established), name=name, kind=EntityKind.ENTERPRISE,
                          industry=trade.code, township=self.township_of(township), address=address,
                          established_on=established, legal_representative=boss, role=role, sector=sector,
                          contact_name=contact if rng.random() < 0.9 else "", is_key=key, above=above)
        planned.contact_phone = mobile(rng) if planned.contact_name else ""
        if above or key or rng.random() < 0.85:
            planned.figures, planned.qualified = self.figures(trade.code, sector, above=above, key=key)
        self.entities.append(planned)
        return planned

    def figures(self, code: str, sector: str, *, above: bool, key: bool) -> tuple[tuple, bool]:
        """(employees, revenue, assets) on the side of the 规上 line the plan wants, and the
        construction or development qualification."""
        rng = self.rng
        group = sizes.scale_rules(self.cut).group_for(code)
        qualified = False
        if above:
            if group.qualified:
                qualified, revenue = True, math.exp(rng.uniform(math.log(3000), math.log(60000)))
            else:
                revenue = float(group.revenue) * math.exp(rng.uniform(0.02, math.log(30)))
        elif key:
            revenue = float(group.revenue) * rng.uniform(0.3, 0.95)
        elif group is None:
            revenue = rng.uniform(30, 3000)
        elif group.qualified:
            revenue = rng.uniform(100, 5000)
        else:
            revenue = float(group.revenue) * math.exp(rng.uniform(math.log(0.02), math.log(0.93)))
        low, high = REVENUE_PER_HEAD[sector]
        employees = min(3000, max(2, round(revenue / rng.uniform(low, high))))
        assets = revenue * rng.uniform(0.4, 1.6)
        return (employees, Decimal(f"{revenue:.2f}"), Decimal(f"{assets:.2f}")), qualified

    def individual(self, township: str, *, streets=None, established: date | None = None, role: str = GRID,
                   village: bool | None = None) -> Planned:
        rng = self.rng
        # Farms are in villages; a shop on a given street (village=False) is not a farm.
        trades = [(c, w, s) for c, w, s in names.INDIVIDUAL_TRADES if village is not False or not c.startswith("0")]
        code, _weight, shops = weighted(rng, [(trade, trade[1]) for trade in trades])
        farm = code.startswith("0")
        in_village = farm or (village if village is not None else township not in self.town_streets and rng.random() < 0.3)
        surname = rng.choice(SURNAMES)
        owner = person(rng, surname)
        villages, streets = self.villages(township), streets or self.streets(township)
        where = ""

        def make():
            # A shop is named after its street or village, or not; after a shop word, or its owner.
            nonlocal where
            where = rng.choice(villages if in_village else streets)
            place = where if in_village or rng.random() < 0.5 else ""
            shop = owner if rng.random() < 0.15 else rng.choice(names.SHOP_WORDS)
            return f"{self.county}{township}{place}" + rng.choice(shops).format(b=shop, s=surname, n=owner)

        name = self.unique(make)
        established = established or self.founded(growth=1.13)
        number = f"{rng.randint(1, 12)}组" if in_village else f"{rng.randint(1, 388)}号"
        address = f"{self.county}{township}{where}{number}"
        planned = Planned(uscc=self.uscc(EntityKind.INDIVIDUAL, established), name=name, kind=EntityKind.INDIVIDUAL,
                          industry=code, township=self.township_of(township), address=address,
                          established_on=established, legal_representative=owner, role=role)
        if rng.random() < 0.65:
            planned.contact_name, planned.contact_phone = owner, mobile(rng)
        self.entities.append(planned)
        return planned

    def cooperative(self, township: str, *, established: date | None = None, role: str = GRID) -> Planned:
        rng = self.rng
        code, _weight, product = weighted(rng, [((c, w, p), w) for c, w, p in names.COOPERATIVE_TRADES])
        villages = self.villages(township)
        village = rng.choice(villages)

        def make():
            nonlocal village
            roll = rng.random()
            if roll < 0.4:
                village = rng.choice(villages)
                return f"{self.county}{township}{village}{product}专业合作社"
            if roll < 0.7:
                return f"{self.county}{township}{rng.choice(names.COOPERATIVE_WORDS)}{product}专业合作社"
            return f"{self.county}{rng.choice(names.COOPERATIVE_WORDS)}{product}专业合作社"

        name = self.unique(make)
        established = established or self.founded(first=2008, growth=1.05)
        chair = person(rng)
        planned = Planned(uscc=self.uscc(EntityKind.COOPERATIVE, established), name=name, kind=EntityKind.COOPERATIVE,
                          industry=code, township=self.township_of(township),
                          address=f"{self.county}{township}{village}{rng.randint(1, 12)}组", established_on=established,
                          legal_representative=chair, role=role, sector="agriculture")
        if rng.random() < 0.8:
            planned.contact_name, planned.contact_phone = chair, mobile(rng)
        if rng.random() < 0.6:
            revenue = rng.uniform(15, 600)
            planned.figures = (rng.randint(3, 30), Decimal(f"{revenue:.2f}"), Decimal(f"{revenue * rng.uniform(0.8, 2):.2f}"))
        self.entities.append(planned)
        return planned

    def closed(self, count: int, townships: list[str]) -> None:
        """Historic entities, closed (注销) or struck off (吊销) years ago."""
        rng = self.rng
        for index in range(count):
            township = rng.choice(townships)
            kind = EntityKind.INDIVIDUAL if index % 4 else (EntityKind.ENTERPRISE if index % 8 else EntityKind.COOPERATIVE)
            established = self.founded(last=date(2018, 12, 31), growth=1.0)
            if kind == EntityKind.INDIVIDUAL:
                planned = self.individual(township, established=established, role=CLOSED)
            elif kind == EntityKind.COOPERATIVE:
                planned = self.cooperative(township, established=max(established, date(2008, 1, 1)), role=CLOSED)
            else:
                sector, trade = self.trade_of("retail" if index % 3 else "manufacturing")
                planned = self.company(township, sector, trade, established=established, role=CLOSED)
            planned.figures, planned.status = None, EntityStatus.REVOKED if index % 6 == 5 else EntityStatus.CANCELLED
            first = max(planned.established_on + timedelta(days=400), date(2016, 1, 1))
            planned.closed_on = day_in(rng, first, max(first, date(2023, 12, 31)))

    def trade_of(self, sector: str | None = None) -> tuple[str, names.Trade]:
        rng = self.rng
        if sector is None:
            sector = weighted(rng, [(key, weight) for key, (weight, _above, _trades) in names.COMPANY_TRADES.items()])
        trades = names.COMPANY_TRADES[sector][2]
        return sector, weighted(rng, [(trade, trade.weight) for trade in trades])

    def workbook(self, entities: list[Planned], sections: dict) -> bytes:
        """The list as the county's workbook: the import's own headers, one row an entity, last
        year's figures."""
        year = self.cut.year - 1
        rows = [[column.header for column in COLUMNS]] + [planned.row(self.county, sections, year) for planned in entities]
        return xlsx.workbook("市场主体名录", rows)


def import_workbook(content: bytes, filename: str, *, actor, moment) -> ImportJob:
    """The workbook uploaded by the county's registry keeper and imported at once (valid rows
    only); a demo row the import refuses is a bug in the demo, not in the data."""
    with clock.fixed(moment):
        job = do_queue_import(SimpleUploadedFile(filename, content, content_type=XLSX), mode=ImportMode.VALID_ROWS,
                              actor=actor, start=True)
        job = run_import(job)
    if job.state != ImportState.DONE or job.refused_count:
        raise RuntimeError(f"演示名录“{filename}”导入未完成（{job.get_state_display()}，有误{job.refused_count}行）："
                           f"{job.message}；{job.report[:3]}")
    return job


# --- the two counties ----------------------------------------------------------------------------

WUNING_COVERED = 17_809  # every one with a helper (the city's report)
WUNING_SHARES = {"enterprise": 14, "cooperative": 4}  # per cent; the rest 个体工商户
NORTH_QUARTER_SIZE = 120  # 周敏's grid
WUNING_GAPS = {"石门楼镇": 3, "巾口乡": 3}  # new 个体户 no grid has taken in yet
WUNING_CLOSED = 36
HONGFENG = "江西宏丰塑胶有限公司"


def _trade(code: str) -> tuple[str, names.Trade]:
    for sector, (_weight, _above, trades) in names.COMPANY_TRADES.items():
        for trade in trades:
            if trade.code == code:
                return sector, trade
    raise KeyError(code)


def plan_wuning(seed: str, cut: date, today: date) -> Registry:
    """武宁县: 219 规上 and 24 key firms helped one-to-one, 周敏's 120 个体户 of the town's north
    quarter, everyone else in a township's grid; a few dozen closed long ago; and this week's new
    个体户 of two townships, not yet in any grid (they come in the week's own workbook)."""
    registry = Registry("武宁县", "360423", cut, random.Random(f"{seed}-武宁县"), has_townships=True, seat="新宁镇",
                        town_streets={"新宁镇": names.COUNTY_TOWN_STREETS})
    rng = registry.rng
    shares = list(names.TOWNSHIP_SHARES.items())

    def township() -> str:
        return weighted(rng, shares)

    hongfeng = registry.company("新宁镇", *_trade("2922"), above=True, established=date(2009, 5, 12), role=ONE_TO_ONE)
    registry.taken.discard(hongfeng.name)
    registry.taken.add(HONGFENG)
    hongfeng.name, hongfeng.legal_representative = HONGFENG, "王宏丰"
    hongfeng.address = "武宁县工业园区万福大道18号"
    hongfeng.contact_name, hongfeng.contact_phone = "王经理", "13907925566"
    hongfeng.figures = (320, Decimal("18000.00"), Decimal("15600.00"))
    for sector, (_weight, above, trades) in names.COMPANY_TRADES.items():
        for _ in range(above - (sector == "manufacturing")):
            registry.company(township(), sector, weighted(rng, [(t, t.weight) for t in trades]), above=True, role=ONE_TO_ONE)
    for index in range(24):
        registry.company(township(), *_trade(names.KEY_TRADES[index % len(names.KEY_TRADES)]), key=True, role=ONE_TO_ONE)
    enterprises = round(WUNING_COVERED * WUNING_SHARES["enterprise"] / 100)
    cooperatives = round(WUNING_COVERED * WUNING_SHARES["cooperative"] / 100)
    for _ in range(enterprises - 243):
        registry.company(township(), *registry.trade_of())
    rural = [(name, share // 6 if name == registry.seat else share) for name, share in shares]
    for _ in range(cooperatives):
        registry.cooperative(weighted(rng, rural))
    north_founded_by = today - timedelta(days=200)  # in the grid well before the last round of visits
    for _ in range(NORTH_QUARTER_SIZE):
        registry.individual("新宁镇", streets=names.NORTH_QUARTER_STREETS, role=NORTH_QUARTER, village=False,
                            established=registry.founded(last=north_founded_by, growth=1.13))
    for _ in range(WUNING_COVERED - enterprises - cooperatives - NORTH_QUARTER_SIZE):
        registry.individual(township())
    registry.closed(WUNING_CLOSED, [name for name, _share in shares])
    days = iter(range(1, 8))
    for name, count in WUNING_GAPS.items():
        for _ in range(count):
            registry.individual(name, established=today - timedelta(days=next(days)), role=GAP, village=True)
    return registry


XIUSHUI_COVERED = 300


def plan_xiushui(seed: str, cut: date) -> Registry:
    """修水县, smaller: six 规上 and one key firm one-to-one, two grids for the rest, and four
    entities registered in the weeks before the list was drawn up that no grid has taken in."""
    registry = Registry("修水县", "360424", cut, random.Random(f"{seed}-修水县"), has_townships=False, seat="义宁镇",
                        town_streets={name: streets for name, streets, _share in names.XIUSHUI_PLACES})
    rng = registry.rng
    places = [(name, share) for name, _streets, share in names.XIUSHUI_PLACES]

    def town() -> str:
        return weighted(rng, places)

    for code in ("2922", "3872", "1530", "3021"):
        registry.company(town(), *_trade(code), above=True, role=ONE_TO_ONE)
    registry.company("义宁镇", *_trade("5212"), above=True, role=ONE_TO_ONE)
    registry.company("义宁镇", *_trade("4710"), above=True, role=ONE_TO_ONE)
    registry.company(town(), *_trade("3976"), key=True, role=ONE_TO_ONE)
    for _ in range(42 - 7):
        registry.company(town(), *registry.trade_of())
    for _ in range(12):
        registry.cooperative(town())
    for _ in range(XIUSHUI_COVERED - 42 - 12):
        registry.individual(town())
    registry.closed(6, [name for name, _share in places])
    recent = iter(day_in(rng, cut - timedelta(days=20), cut) for _ in range(4))
    registry.individual("义宁镇", established=next(recent), role=GAP)
    registry.individual("渣津镇", established=next(recent), role=GAP)
    registry.company("义宁镇", *_trade("7251"), established=next(recent), role=GAP)
    registry.cooperative("马坳镇", established=next(recent), role=GAP)
    return registry
