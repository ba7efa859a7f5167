"""The elevator retrofit programme's demo: the city's report reproduced exactly on the public
funnel as of 2021-10-30 (621 accepted, 417 approved, 271 under construction, 108 completed, 99
combined with old-community renovation, a target of 305), then five more years of work up to
today, and the records the journeys (JOURNEYS.md 3, 10 and 14) walk through.

- The history comes from the county ledgers (台账导入, actions.do_import_history): some 2,300
  entrances of old work-unit dormitories and 1990s estates in the 13 counties, 6-7 floors, two
  dwellings a floor of 55-95 m², about one dwelling in six with residents over 60, each
  application with the dates it entered each stage. The applications filed by 2021-10-30 are
  drawn around that day so its figures come out exactly; the later ones are filed year by year
  and run their course, some still in every stage today, some withdrawn or refused.
- The featured records go through the real actions under the clock of their day, so their
  timelines are genuine: 赵金德's lift at 长运宿舍7栋 (浔阳区), filed in December 2025 and in
  service in June 2026, with the 1st floor's objection mediated to a compensation; the
  application stuck at 湖口县住建局's joint review that the 办不成事 window's elevator case is
  about (linked both ways); one in 公示 with an objection whose first mediation failed; one
  withdrawn when the vote fell short, one refused at the street's review.

Deterministic (one seed; "today" is the demo's anchor, at the latest 2026-12-10 like the cases')."""

import logging
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from minsheng.cases.actions import send_pending
from minsheng.cases.demo import HUKOU_COMMUNITIES
from minsheng.cases.models import OPEN_STATES, Case
from minsheng.core import clock
from minsheng.core.identity import resident_id_check_char
from minsheng.elevators import actions
from minsheng.elevators.actions import DwellingDraft, LedgerDwelling, LedgerRow, OwnerDraft, service
from minsheng.elevators.actions._base import locked
from minsheng.elevators.models import Application, Choice, CostMethod, MediationLevel, RuleSet, Target
from minsheng.elevators.queries import funnel
from minsheng.elevators.stages import GOVERNMENT_STAGES, PIPELINE, RULES, Stage, next_stage
from minsheng.org import workdays
from minsheng.org.models import Region, RegionLevel, User

SEED = 20211030
SHANGHAI = ZoneInfo("Asia/Shanghai")
ANCHOR_CAP = datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)
REPORT_DAY = date(2021, 10, 30)
REPORT = {"accepted": 621, "approved": 417, "under_construction": 271, "completed": 108, "with_renovation": 99}
APPROVED_NOT_STARTED = REPORT["approved"] - REPORT["under_construction"] - REPORT["completed"]  # 38, waiting for a permit
TARGETS = {2021: 305, 2022: 420, 2023: 320, 2024: 300, 2025: 300, 2026: 305}
# New applications a year after the report (2021: November and December; 2026: up to today).
FILED = {2021: 60, 2022: 330, 2023: 350, 2024: 320, 2025: 330, 2026: 310}
RULES_FROM = date(2019, 4, 1)
PERMIT_THRESHOLD = Decimal("500000")

# The counties' shares of the programme: the old dormitories are in the central districts.
COUNTY_WEIGHTS = {
    "浔阳区": 22, "濂溪区": 20, "柴桑区": 9, "瑞昌市": 7, "修水县": 6, "共青城市": 5, "庐山市": 5, "武宁县": 5,
    "永修县": 5, "德安县": 4, "都昌县": 4, "湖口县": 4, "彭泽县": 4,
}
# Streets and communities (text on the register; only 湖口县's townships are regions in the demo org).
STREETS = {
    "浔阳区": ["湓浦街道", "人民路街道", "甘棠街道", "向阳街道", "白水湖街道", "滨兴街道", "金鸡坡街道"],
    "濂溪区": ["十里街道", "五里街道", "莲花镇"],
    "柴桑区": ["沙河街道", "狮子街道"],
    "瑞昌市": ["湓城街道", "桂林街道"],
    "修水县": ["义宁镇"], "共青城市": ["茶山街道"], "庐山市": ["南康镇"], "武宁县": ["新宁镇"], "永修县": ["涂埠镇"],
    "德安县": ["蒲亭镇"], "都昌县": ["都昌镇"], "彭泽县": ["龙城镇"],
    "湖口县": ["双钟镇", "双钟镇", "双钟镇", "双钟镇", "均桥镇", "武山镇"],
}
ROADS = {
    "浔阳区": ["浔阳路", "庐山北路", "湓浦路", "大中路", "甘棠北路", "浔阳东路", "西园路", "九华门路", "湖滨路", "滨江路"],
    "濂溪区": ["十里大道", "濂溪大道", "长虹大道", "前进东路", "庐山南路", "九龙街"],
}
ROADS_ELSEWHERE = ["人民路", "建设路", "解放路", "胜利路", "新华路", "八一路", "中山路", "文化路", "向阳路", "滨湖路"]
COMMUNITY_WORDS = ["东风", "胜利", "团结", "红星", "光明", "新华", "向阳", "民主", "和平", "长青", "桃园", "龙山", "南湖", "北门"]
# Work units whose dormitories are the typical 1980s-90s walk-ups without lifts.
UNITS = [
    "烟草公司", "化纤厂", "石化", "仪表厂", "供电局", "粮食局", "电厂", "棉纺厂", "自来水公司", "邮电局", "农机厂",
    "轴承厂", "船厂", "港务局", "人民医院", "财政局", "建设银行", "工商银行", "农业银行", "税务局", "公安局", "法院",
    "检察院", "交通局", "水文站", "气象局", "广电局", "百货公司", "食品公司", "物资局", "商业局", "外贸公司", "卫生学校",
    "第一中学", "第二中学", "机械厂", "化肥厂", "水泥厂", "印刷厂", "酒厂", "制药厂", "丝绸厂", "玻璃厂", "钢铁厂",
    "磷肥厂", "啤酒厂", "纺织厂", "汽车运输公司", "建筑公司", "供销社", "电信局", "教育局", "卫生局", "保险公司",
]
NEIGHBOURHOODS = [
    "湖滨新村", "庐峰小区", "甘棠小区", "十里小区", "长虹小区", "白水湖小区", "天河小区", "九龙新村", "莲花小区",
    "浔阳小区", "东风新村", "向阳小区", "胜利新村", "桃园小区", "南湖小区", "龙山新村", "滨江小区", "新华小区",
    "教师新村", "铁路新村", "文化新村", "光华小区", "和平新村", "江州小区",
]
SURNAMES = "王王李李张张刘陈陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡余叶程魏吕丁沈熊"
GIVEN = ["秀英", "桂兰", "建国", "志强", "德明", "国平", "玉兰", "淑珍", "建华", "国强", "春梅", "金花", "和平", "新民",
         "长青", "爱国", "水生", "满英", "桂英", "秀兰", "凤英", "海燕", "伟", "芳", "敏", "军", "勇", "红", "平", "华"]
BUILDERS = ["九江浔安电梯工程有限公司", "九江庐峰电梯安装有限公司", "江西恒梯建设工程有限公司", "九江长江电梯服务有限公司",
            "江西赣鄱电梯工程有限公司"]
RENOVATION_BY_2021 = ["2019年第二批", "2020年第一批", "2020年第二批", "2021年第一批"]
RENOVATION_LATER = ["2022年第一批", "2023年第一批", "2024年第一批", "2025年第一批"]

GOVERNMENT = set(GOVERNMENT_STAGES)  # on the working-day clock
# Names the featured records need in their county: the history leaves them alone.
RESERVED = {("浔阳区", "长运宿舍", "7栋"), ("濂溪区", "烟草公司宿舍", "3栋"), ("柴桑区", "化纤厂宿舍", "5栋"),
            ("瑞昌市", "棉纺厂宿舍", "2栋")}


# --- time ------------------------------------------------------------------------------------

def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def office(rng: random.Random, day: date) -> datetime:
    minute = rng.randint(8 * 60 + 40, 17 * 60 + 20)
    return at(day, minute // 60, minute % 60)


def working_on_or_before(day: date) -> date:
    while not workdays.is_working_day(day):
        day -= timedelta(days=1)
    return day


def duration(rng: random.Random, stage: str, *, slow_build: bool = False) -> int:
    """How long a stage lasts: calendar days for the owners' and the builders' stages, working
    days for the government's (mostly within their limits, sometimes not)."""
    late = rng.random()
    return {
        Stage.FEASIBILITY: lambda: rng.randint(5, 28),
        Stage.CONSULTATION: lambda: rng.randint(14, 70),
        Stage.AGREEMENT: lambda: rng.randint(8, 40),
        Stage.DESIGN: lambda: rng.randint(12, 40),
        Stage.PUBLICITY: lambda: rng.randint(11, 18),
        Stage.STREET_REVIEW: lambda: rng.randint(2, 9) if late < 0.9 else rng.randint(11, 16),
        Stage.JOINT_REVIEW: lambda: rng.randint(5, 14) if late < 0.88 else rng.randint(16, 25),
        Stage.PERMIT: lambda: rng.randint(2, 7) if late < 0.9 else rng.randint(8, 12),
        Stage.CONSTRUCTION: lambda: rng.randint(100, 230) if slow_build else rng.randint(60, 150),
        Stage.ACCEPTANCE: lambda: rng.randint(7, 25),
        Stage.REGISTRATION: lambda: rng.randint(4, 14) if late < 0.9 else rng.randint(16, 20),
        Stage.SUBSIDY: lambda: rng.randint(6, 19) if late < 0.85 else rng.randint(21, 30),
    }[stage]()


def after(rng: random.Random, moment: datetime, stage: str, days: int) -> datetime:
    """When a stage entered at `moment` and lasting `days` ends (the next stage is entered)."""
    day = local_day(moment)
    end = workdays.add_working_days(day, days) if stage in GOVERNMENT else workdays.add_working_days(day + timedelta(days=days), 0)
    return office(rng, end)


def before(rng: random.Random, moment: datetime, stage: str, days: int) -> datetime:
    """When a stage lasting `days` and ending at `moment` was entered."""
    day = local_day(moment)
    start = workdays.add_working_days(day, -days) if stage in GOVERNMENT else working_on_or_before(day - timedelta(days=days))
    return office(rng, start)


def previous_stage(stage: str, *, needs_permit: bool) -> str:
    for rule in RULES.values():
        if next_stage(rule.stage, needs_permit=needs_permit) == stage:
            return rule.stage
    raise ValueError(stage)


# --- one application's life ------------------------------------------------------------------

@dataclass
class Life:
    county: str
    renovation: str  # "old" (a batch by 2021), "none", or "any"
    high_cost: bool | None  # True: at or above the permit threshold; None: as it comes
    path: list[tuple[str, datetime]] = field(default_factory=list)
    closed: str = ""
    closed_at: datetime | None = None
    reason: str = ""
    cost: Decimal | None = None
    floors: int = 0  # what the cost is drawn for (the entrance found for it may have the other height)

    @property
    def needs_permit(self) -> bool:
        return self.cost is not None and self.cost >= PERMIT_THRESHOLD

    @property
    def filed_on(self) -> date:
        return local_day(self.path[0][1])


WITHDRAW_AT = {Stage.FEASIBILITY: 0.03, Stage.CONSULTATION: 0.05, Stage.AGREEMENT: 0.02, Stage.DESIGN: 0.01}
REJECT_AT = {Stage.STREET_REVIEW: 0.015, Stage.JOINT_REVIEW: 0.02}
WITHDRAW_REASONS = {
    Stage.FEASIBILITY: "经现场踏勘，楼栋北侧无加装井道的空间，业主决定暂缓。",
    Stage.CONSULTATION: "低层业主反对意见较大，表决未达到法定比例，业主代表申请撤回，待协商一致后重新申请。",
    Stage.AGREEMENT: "业主对费用分摊方案未能达成一致，申请撤回。",
    Stage.DESIGN: "设计方案需占用公共绿地，业主决定调整方案后重新申请。",
}
REJECT_REASONS = {
    Stage.STREET_REVIEW: "井道位置占用消防车通道，不符合消防安全要求。",
    Stage.JOINT_REVIEW: "拟建井道与相邻建筑间距不满足规划要求，方案需调整后重新申报。",
}


def run_forward(rng: random.Random, life: Life, anchor: datetime, *, may_close: bool = True,
                slow_build: bool = False, known: dict | None = None) -> None:
    """Walk the life on from its last stage until it ends or reaches today."""
    known = known or {}
    while True:
        stage, moment = life.path[-1]
        following = next_stage(stage, needs_permit=life.needs_permit)
        if following is None:
            return
        days = known.pop(stage, None) or duration(rng, stage, slow_build=slow_build)
        if may_close and stage in WITHDRAW_AT and rng.random() < WITHDRAW_AT[stage]:
            ends = after(rng, moment, stage, max(2, days // 2))
            if ends <= anchor:
                life.closed, life.closed_at, life.reason = Stage.WITHDRAWN, ends, WITHDRAW_REASONS[stage]
            return
        if may_close and stage in REJECT_AT and rng.random() < REJECT_AT[stage]:
            ends = after(rng, moment, stage, days)
            if ends <= anchor:
                life.closed, life.closed_at, life.reason = Stage.REJECTED, ends, REJECT_REASONS[stage]
            return
        ends = after(rng, moment, stage, days)
        if ends > anchor:
            return
        life.path.append((following, ends))


def run_backward(rng: random.Random, life: Life, stage: str, moment: datetime, *, slow_build: bool = False) -> bool:
    """Fill in the stages before `stage` (entered at `moment`); False if that starts before the rules."""
    path = [(stage, moment)]
    while stage != Stage.FEASIBILITY:
        stage = previous_stage(stage, needs_permit=life.needs_permit)
        moment = before(rng, moment, stage, duration(rng, stage, slow_build=slow_build))
        path.insert(0, (stage, moment))
    if local_day(path[0][1]) < RULES_FROM:
        return False
    life.path = path
    return True


def cost_for(rng: random.Random, floors: int, *, high: bool | None) -> Decimal:
    """A lift's cost in yuan: 6 floors 42-52万, 7 floors 46-58万, a few with a corridor or utility
    diversions above; `high` forces it above (or below) the permit threshold."""
    low, top = (42, 52) if floors == 6 else (46, 58)
    if high is True:
        low, top = 50, max(top, 56)
    elif high is False:
        top = 49
    return Decimal(rng.randint(low * 10, top * 10) * 1000)


def report_day_lives(rng: random.Random, anchor: datetime) -> list[Life]:
    """The 621 applications filed by 2021-10-30, each drawn around that day so the day's figures
    are exactly the report's."""
    cutoff = at(REPORT_DAY, 23, 59)
    counties = list(COUNTY_WEIGHTS)
    weights = list(COUNTY_WEIGHTS.values())
    plan = (["completed"] * REPORT["completed"] + ["construction"] * REPORT["under_construction"]
            + ["permit"] * APPROVED_NOT_STARTED)
    plan += ["withdrawn"] * 14 + ["rejected"] * 4
    plan += ["open"] * (REPORT["accepted"] - len(plan))
    renovated = set(rng.sample(range(len(plan)), REPORT["with_renovation"]))
    lives = []
    for index, kind in enumerate(plan):
        life = Life(county=rng.choices(counties, weights)[0], renovation="old" if index in renovated else "none",
                    high_cost=True if kind == "permit" else None)
        life.floors = 7 if rng.random() < 0.55 else 6
        life.cost = cost_for(rng, life.floors, high=life.high_cost)
        while True:
            if kind == "completed":
                # Completion accepted between June 2020 and the report day, more of them lately.
                day = working_on_or_before(REPORT_DAY - timedelta(days=int(rng.triangular(0, 480, 0))))
                stage, moment, known = Stage.ACCEPTANCE, office(rng, day), {}
            elif kind in ("construction", "permit", "open"):
                if kind == "open":
                    stage = rng.choices([Stage.FEASIBILITY, Stage.CONSULTATION, Stage.AGREEMENT, Stage.DESIGN, Stage.PUBLICITY,
                                         Stage.STREET_REVIEW, Stage.JOINT_REVIEW], [14, 40, 22, 24, 10, 6, 10])[0]
                else:
                    stage = Stage.CONSTRUCTION if kind == "construction" else Stage.PERMIT
                days = duration(rng, stage, slow_build=True)
                # In the stage on the report day: entered at most `days` before it.
                offset = rng.randrange(days)
                day = (workdays.add_working_days(REPORT_DAY, -offset) if stage in GOVERNMENT
                       else working_on_or_before(REPORT_DAY - timedelta(days=offset)))
                moment = office(rng, day)
                if moment > cutoff or after(rng, moment, stage, days) <= cutoff:
                    continue
                known = {stage: days}
            else:
                stage = (rng.choice([Stage.FEASIBILITY, Stage.CONSULTATION, Stage.CONSULTATION, Stage.AGREEMENT])
                         if kind == "withdrawn" else rng.choice([Stage.STREET_REVIEW, Stage.JOINT_REVIEW]))
                closed = office(rng, working_on_or_before(REPORT_DAY - timedelta(days=rng.randint(5, 400))))
                moment = before(rng, closed, stage, duration(rng, stage))
                life.closed, life.closed_at = kind, closed
                life.reason = (WITHDRAW_REASONS if kind == "withdrawn" else REJECT_REASONS)[stage]
                known = {}
            if run_backward(rng, life, stage, moment, slow_build=True):
                break
        if not life.closed:
            run_forward(rng, life, anchor, may_close=kind == "open", slow_build=True, known=known)
        lives.append(life)
    return lives


def later_lives(rng: random.Random, anchor: datetime) -> list[Life]:
    """The applications filed after the report day, year by year, up to today."""
    counties = list(COUNTY_WEIGHTS)
    weights = list(COUNTY_WEIGHTS.values())
    today = local_day(anchor)
    lives = []
    for year, count in FILED.items():
        first = max(date(year, 1, 1), REPORT_DAY + timedelta(days=1))
        last = min(date(year, 12, 31), today)
        if last < first:
            continue
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        working = [day for day in days if workdays.is_working_day(day)]
        share = 1.0 if year != today.year else len(days) / ((date(year, 12, 31) - first).days + 1)
        for _ in range(round(count * share)):
            life = Life(county=rng.choices(counties, weights)[0], renovation="any", high_cost=None)
            life.floors = 7 if rng.random() < 0.55 else 6
            life.cost = cost_for(rng, life.floors, high=None)
            moment = office(rng, rng.choice(working))
            if moment > anchor:
                moment = anchor - timedelta(hours=1)
            life.path = [(Stage.FEASIBILITY, moment)]
            run_forward(rng, life, anchor)
            lives.append(life)
    return lives


def today_lives(rng: random.Random, anchor: datetime) -> list[Life]:
    """One application entered lately into each stage of the pipeline and still in it today, so
    every stage has one whatever day the demo is loaded (the government's within their limits)."""
    counties = list(COUNTY_WEIGHTS)
    weights = list(COUNTY_WEIGHTS.values())
    today = local_day(anchor)
    lives = []
    for rule in PIPELINE:
        if rule.stage == Stage.IN_SERVICE:
            continue
        life = Life(county=rng.choices(counties, weights)[0], renovation="any", high_cost=rule.stage == Stage.PERMIT)
        life.floors = 7 if rng.random() < 0.55 else 6
        life.cost = cost_for(rng, life.floors, high=life.high_cost)
        offset = rng.randrange(max(1, duration(rng, rule.stage) // 2))
        day = (workdays.add_working_days(today, -offset) if rule.stage in GOVERNMENT
               else working_on_or_before(today - timedelta(days=offset)))
        moment = min(office(rng, day), anchor - timedelta(minutes=30))
        run_backward(rng, life, rule.stage, moment)
        lives.append(life)
    return lives


# --- the register the lives stand on ---------------------------------------------------------

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


# --- the featured records, through the actions -------------------------------------------------

def resident_id(rng: random.Random, area: str, born: date, female: bool) -> str:
    serial = rng.randrange(50) * 2 + (0 if female else 1)
    first17 = f"{area}{born:%Y%m%d}{rng.randrange(10):01d}{serial:02d}"
    return first17 + resident_id_check_char(first17)


def phone(rng: random.Random) -> str:
    return rng.choice(["135", "139", "150", "158", "187", "189"]) + f"{rng.randrange(10**8):08d}"


@dataclass
class Featured:
    regions: dict[str, Region]
    anchor: datetime
    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)

    def __post_init__(self):
        self.users = {u.username: u for u in User.objects.filter(username__in=["huangxin", "chenjing", "zhoujian"])}

    def entrance(self, county: str, estate_name: str, building: str, floors: int, layout: list[tuple[int, int]],
                 areas: list[Decimal], owners: dict[str, list[OwnerDraft]], *, street=None, community="", address="",
                 year_built=1990, batch="", over_60: dict[str, int] | None = None, actor=None, unit: str = "1单元"):
        """An entrance (`unit` of a building with the units up to it) registered through the register
        actions; the estate reused when the ledger made it."""
        from minsheng.elevators.models import Estate

        region = self.regions[county]
        estate = Estate.objects.filter(region=region, name=estate_name).first() or actions.do_create_estate(
            region=region, street=street, community=community, name=estate_name, address=address, year_built=year_built,
            renovation_batch=batch, actor=actor)
        units = [f"{n}单元" for n in range(1, int(unit.removesuffix("单元")) + 1)]
        entrance = actions.do_add_building(estate, name=building, floors=floors, entrances=units, actor=actor).entrances.get(name=unit)
        drafts = []
        for floor, count in layout:
            for position in range(1, count + 1):
                number = f"{floor}{position:02d}"
                drafts.append(DwellingDraft(
                    number=number, floor=floor, area=areas[(position - 1) % len(areas)],
                    owners=owners.get(number) or [OwnerDraft(name=person_name(self.rng), phone=phone(self.rng))],
                    residents_over_60=(over_60 or {}).get(number, 1 if self.rng.random() < 1 / 6 else 0)))
        actions.do_add_dwellings(entrance, drafts, actor=actor)
        return entrance

    def vote(self, application, cast_on: date, choices: dict[str, str | None], actor=None, only: list[str] | None = None):
        """The paper forms of `cast_on` entered: every dwelling (or those in `only`) agrees unless
        `choices` says otherwise (None: the dwelling did not take part)."""
        for dwelling in application.entrance.dwellings.order_by("floor", "number"):
            choice = choices.get(dwelling.number, Choice.AGREE)
            if choice is None or (only is not None and dwelling.number not in only):
                continue
            actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area, choice=choice,
                                   cast_on=cast_on, actor=actor)

    def advance(self, application, moment: datetime, actor=None, note: str = ""):
        with clock.fixed(moment):
            return actions.do_advance_stage(application, actor=actor, note=note)

    # 赵金德's lift (JOURNEYS.md 10 and 14) ----------------------------------------------------

    def zhao_jinde(self) -> Application:
        rng = self.rng
        owners = {"701": [OwnerDraft(name="赵金德", id_number=resident_id(rng, "360403", date(1956, 3, 12), False), phone="13907926518"),
                          OwnerDraft(name="李秀兰", id_number=resident_id(rng, "360403", date(1958, 9, 3), True))],
                  "702": [OwnerDraft(name="刘德明", id_number=resident_id(rng, "360403", date(1961, 6, 20), False), phone="13979218862")],
                  "101": [OwnerDraft(name="王桂英", id_number=resident_id(rng, "360403", date(1953, 11, 8), True), phone="15979206631")]}
        over_60 = {"701": 2, "702": 2, "101": 1, "201": 1, "402": 2, "501": 1, "602": 2}
        with clock.fixed(at(date(2025, 12, 15), 10)):
            entrance = self.entrance("浔阳区", "长运宿舍", "7栋", 7, [(floor, 2) for floor in range(1, 8)],
                                     [Decimal("68.45"), Decimal("72.16")], owners, community="湓浦街道长运社区",
                                     address="浔阳区浔阳东路218号", year_built=1991, batch="2025年第一批", over_60=over_60)
        zhao, liu = (entrance.dwellings.get(number=n).voter for n in ("701", "702"))
        with clock.fixed(at(date(2025, 12, 22), 9, 40)):
            application = actions.do_file_application(entrance, filed_on=date(2025, 12, 22), representatives=[zhao, liu],
                                                      implementing_body="长运宿舍7栋业主代表（赵金德、刘德明）", actor=None)
        application = self.advance(application, at(date(2025, 12, 26), 10, 15), note="现场踏勘：北侧楼梯间外有加装井道的空间，地下管线可迁改。")
        for day, numbers in ((date(2025, 12, 28), ["701", "702", "601", "602", "501", "502"]),
                             (date(2026, 1, 4), ["401", "402", "301", "302", "201", "202", "102"]), (date(2026, 1, 9), ["101"])):
            with clock.fixed(at(day, 15, 30)):
                self.vote(application, day, {"101": Choice.DISAGREE, "102": Choice.ABSTAIN}, only=numbers)
        application = self.advance(application, at(date(2026, 1, 12), 9, 30))
        with clock.fixed(at(date(2026, 1, 16), 10)):
            actions.do_set_costs(application, estimated_cost="460000", actor=None)
        application = self.advance(application, at(date(2026, 1, 20), 16), note="业主代表与九江浔安电梯工程有限公司签订加装电梯合同。")
        application = self.advance(application, at(date(2026, 1, 30), 9, 10), note="施工图设计完成，井道设于北侧楼梯间外。")
        with clock.fixed(at(date(2026, 1, 30), 10)):
            actions.do_publish_notice(application, days=10, actor=None, text=(
                "长运宿舍7栋1单元拟加装电梯一部，井道位于北侧楼梯间外，停靠1至7层（半层入户），工程总造价46万元，"
                "申请政府补贴20万元，其余按楼层系数由本单元业主分摊。公示期10日，对方案有异议的，请在公示期内向湓浦街道长运社区书面提出。"))
        ground = entrance.dwellings.get(number="101")
        with clock.fixed(at(date(2026, 2, 2), 14)):
            objection = actions.do_file_objection(application, dwelling=ground, filed_on=date(2026, 2, 2), actor=None,
                                                  reason="井道建在101室北侧窗外，影响采光和通风。")
        with clock.fixed(at(date(2026, 2, 6), 16)):
            actions.do_record_mediation(objection, held_on=date(2026, 2, 6), level=MediationLevel.COMMUNITY, agreed=True,
                                        mediator="长运社区人民调解委员会 陈玉兰", compensation="8000", actor=None,
                                        summary="经社区调解，井道外移0.6米并采用玻璃幕墙；二至七层业主一次性补偿101室采光损失8000元，王桂英同意加装。")
        application = self.advance(application, at(date(2026, 2, 10), 9, 20), note="公示期满，异议已调解化解。")
        application = self.advance(application, at(date(2026, 2, 26), 15), note="街道审查通过，报区住建局组织联合审查。")
        application = self.advance(application, at(date(2026, 3, 10), 11), note="联合审查通过（住建、自然资源、市场监管、消防）。")
        application = self.advance(application, at(date(2026, 5, 20), 10), note="电梯安装完毕，施工单位申请竣工验收。")
        application = self.advance(application, at(date(2026, 5, 27), 15), note="竣工验收合格，特种设备监督检验合格。")
        application = self.advance(application, at(date(2026, 6, 5), 10, 30), note="已办理特种设备使用登记。")
        application = self.advance(application, at(date(2026, 6, 16), 9), note="补贴20万元已拨付至实施主体账户，电梯投入使用。")
        with clock.fixed(at(date(2026, 6, 16), 10)):
            actions.do_set_maintenance(application, contractor="九江浔安电梯工程有限公司", phone="13607921866",
                                       inspection_expires_on=date(2027, 5, 31), actor=None)
        day = date(2026, 6, 29)
        while day <= local_day(self.anchor) - timedelta(days=3):
            with clock.fixed(at(day, 16)):
                actions.do_record_service(application, serviced_on=day, actor=None, note="例行维护保养，运行正常。")
            day += timedelta(days=14)
        return Application.objects.get(pk=application.pk)

    # 赵阿姨's stuck application (JOURNEYS.md 3, 5 and 10) -------------------------------------

    def stuck_at_joint_review(self) -> Application | None:
        """The application the window's elevator case is about: its estate, building and households
        as the case tells them, filed the day she says, stuck at 湖口县住建局's joint review past
        its limit, and the case linked to it."""
        case = (Case.objects.filter(region=self.regions["湖口县"], kind__code="stuck-matter", category__code="elevator-retrofit",
                                    state__in=OPEN_STATES, lead_department__name="湖口县住建局")
                .order_by("-supervision_level", "created_at").first())
        if case is None:
            return None
        found = re.match(r"(.+?)(\d+栋)(\d+单元)", case.title)
        households = re.search(r"共(\d+)户", case.description)
        if not found or not households:
            return None
        estate_name, building, unit, households = found.group(1), found.group(2), found.group(3), int(households.group(1))
        registered = case.created_at.astimezone(SHANGHAI)
        filed_on = case.applied_on or (registered.date() - timedelta(days=120))
        floors, layout = layout_for(households)
        huang, chen = self.users.get("huangxin"), self.users.get("chenjing")
        hukou = self.regions["湖口县"]
        shuangzhong = Region.objects.filter(parent=hukou, name="双钟镇").first()
        requester = OwnerDraft(name=case.requester_name, id_number=case.requester_id_number, phone=case.requester_phone)
        first_day = workdays.add_working_days(filed_on, 0)
        with clock.fixed(at(first_day, 9)):
            entrance = self.entrance("湖口县", estate_name, building, floors, layout, [Decimal("76.30"), Decimal("88.62")],
                                     {f"{floors}01": [requester]}, street=shuangzhong, community="双钟镇石钟社区",
                                     address="湖口县石钟路", year_built=1998, actor=huang, unit=unit)
        representative = entrance.dwellings.get(number=f"{floors}01").voter
        with clock.fixed(at(first_day, 10, 20)):
            application = actions.do_file_application(entrance, filed_on=filed_on, representatives=[representative],
                                                      implementing_body=f"{estate_name}{building}业主代表", actor=huang)
        # Joint review entered 22 working days before the complaint: past its 15.
        joint = workdays.add_working_days(registered.date(), -22)
        span = (joint - first_day).days
        steps = [0.12, 0.42, 0.55, 0.70, 0.90]  # consultation, agreement, design, publicity, street review
        moments = [at(workdays.add_working_days(first_day + timedelta(days=int(span * share)), 0), 10) for share in steps]
        publicity, street = moments[3], moments[4]
        if (local_day(street) - local_day(publicity)).days <= 10:
            moments[4] = street = at(workdays.add_working_days(local_day(publicity) + timedelta(days=11), 0), 10)
        moments.append(at(max(joint, workdays.add_working_days(local_day(street), 3)), 15))
        application = self.advance(application, moments[0], huang)
        with clock.fixed(moments[0] + timedelta(days=7)):
            self.vote(application, local_day(moments[0] + timedelta(days=7)), {}, actor=huang)
        application = self.advance(application, moments[1], huang)
        with clock.fixed(moments[1] + timedelta(hours=1)):
            actions.do_set_costs(application, estimated_cost="560000", actor=huang)
        application = self.advance(application, moments[2], huang)
        application = self.advance(application, moments[3], huang)
        with clock.fixed(moments[3] + timedelta(minutes=30)):
            actions.do_publish_notice(application, days=10, actor=huang,
                                      text=f"{entrance}拟加装电梯一部，工程总造价56万元，公示期10日。")
        application = self.advance(application, moments[4], huang, note="公示期满无异议。")
        application = self.advance(application, moments[5], huang, note="街道审查通过，报县住建局联合审查。")
        # The worker's ladder on the stage (warning, late, the supervision office) as it climbed
        # up to today, and the window's clerk linking the case the morning it came.
        linked_at = registered + timedelta(minutes=12)
        linked = False
        for _ in range(4):
            application.refresh_from_db()
            due = application.next_check_at
            if not linked and (due is None or due > linked_at):
                with clock.fixed(linked_at):
                    actions.do_link_case(application, case, actor=chen)
                linked = True
                continue
            if due is None or due > self.anchor:
                break
            with clock.fixed(due), transaction.atomic():
                service.process_due_application(locked(application), due)
        if not linked:
            with clock.fixed(linked_at):
                actions.do_link_case(application, case, actor=chen)
        return Application.objects.get(pk=application.pk)

    # In 公示, an objection in mediation ------------------------------------------------------

    def in_publicity(self) -> Application:
        today = local_day(self.anchor)
        publicity = workdays.add_working_days(today, -4)
        start = publicity - timedelta(days=75)
        with clock.fixed(at(start, 9)):
            entrance = self.entrance("濂溪区", "烟草公司宿舍", "3栋", 6, [(floor, 2) for floor in range(1, 7)],
                                     [Decimal("59.80"), Decimal("83.27")], {}, community="十里街道烟草社区",
                                     address="濂溪区十里大道176号", year_built=1994)
        owner = entrance.dwellings.get(number="601").voter
        first = workdays.add_working_days(start, 1)
        with clock.fixed(at(first, 10)):
            application = actions.do_file_application(entrance, filed_on=start, representatives=[owner],
                                                      implementing_body="九江庐峰电梯安装有限公司（受业主委托代建）", actor=None)
        consult = workdays.add_working_days(first, 5)
        application = self.advance(application, at(consult, 10))
        vote_day = workdays.add_working_days(consult, 12)
        with clock.fixed(at(vote_day, 16)):
            self.vote(application, vote_day, {"101": Choice.DISAGREE, "201": Choice.ABSTAIN})
        application = self.advance(application, at(workdays.add_working_days(vote_day, 3), 10))
        with clock.fixed(at(workdays.add_working_days(vote_day, 8), 10)):
            actions.do_set_costs(application, estimated_cost="438000", actor=None)
        application = self.advance(application, at(workdays.add_working_days(vote_day, 10), 10))
        application = self.advance(application, at(publicity, 9, 30))
        with clock.fixed(at(publicity, 10)):
            actions.do_publish_notice(application, days=10, actor=None, text=(
                "烟草公司宿舍3栋1单元拟加装电梯一部，井道位于南侧阳台外，停靠1至6层，工程总造价43.8万元，"
                "申请政府补贴20万元。公示期10日，对方案有异议的，请在公示期内向十里街道烟草社区书面提出。"))
        objected = workdays.add_working_days(publicity, 1)
        with clock.fixed(at(objected, 15)):
            objection = actions.do_file_objection(application, dwelling=entrance.dwellings.get(number="201"), filed_on=objected,
                                                  reason="电梯运行噪音和井道遮挡影响201室卧室，要求调整井道位置或给予补偿。", actor=None)
        held = workdays.add_working_days(publicity, 3)
        with clock.fixed(at(held, 16)):
            actions.do_record_mediation(objection, held_on=held, level=MediationLevel.COMMUNITY, agreed=False, actor=None,
                                        mediator="烟草社区人民调解委员会 周建华",
                                        summary="双方就补偿金额未达成一致（201室要求2万元，其余业主同意5000元），约定公示期满前再次调解。")
        return Application.objects.get(pk=application.pk)

    # Withdrawn after a vote that fell short; refused at the street's review ------------------

    def withdrawn(self) -> Application:
        start = date(2026, 4, 7)
        with clock.fixed(at(start, 9)):
            entrance = self.entrance("柴桑区", "化纤厂宿舍", "5栋", 6, [(floor, 2) for floor in range(1, 7)],
                                     [Decimal("56.40"), Decimal("64.90")], {}, community="沙河街道化纤社区",
                                     address="柴桑区沙河大道88号", year_built=1988)
        owner = entrance.dwellings.get(number="502").voter
        with clock.fixed(at(start, 10)):
            application = actions.do_file_application(entrance, filed_on=start, representatives=[owner], actor=None)
        application = self.advance(application, at(date(2026, 4, 14), 10))
        with clock.fixed(at(date(2026, 5, 8), 16)):
            self.vote(application, date(2026, 5, 8), {"101": Choice.DISAGREE, "102": Choice.DISAGREE, "201": Choice.DISAGREE,
                                                      "202": Choice.ABSTAIN, "301": None})
        with clock.fixed(at(date(2026, 5, 20), 11)):
            return actions.do_withdraw_application(application, actor=None, reason=WITHDRAW_REASONS[Stage.CONSULTATION])

    def rejected(self) -> Application:
        start = date(2025, 9, 1)
        with clock.fixed(at(start, 9)):
            entrance = self.entrance("瑞昌市", "棉纺厂宿舍", "2栋", 7, [(floor, 2) for floor in range(1, 8)],
                                     [Decimal("61.15"), Decimal("61.15")], {}, community="湓城街道棉纺社区",
                                     address="瑞昌市人民路45号", year_built=1986)
        owner = entrance.dwellings.get(number="601").voter
        with clock.fixed(at(start, 10)):
            application = actions.do_file_application(entrance, filed_on=start, representatives=[owner],
                                                      implementing_body="棉纺厂宿舍2栋业主代表", actor=None)
        application = self.advance(application, at(date(2025, 9, 8), 10))
        with clock.fixed(at(date(2025, 10, 10), 16)):
            self.vote(application, date(2025, 10, 10), {"101": Choice.DISAGREE})
        application = self.advance(application, at(date(2025, 10, 13), 10))
        with clock.fixed(at(date(2025, 10, 20), 10)):
            actions.do_set_costs(application, estimated_cost="495000", actor=None)
        application = self.advance(application, at(date(2025, 10, 27), 10))
        application = self.advance(application, at(date(2025, 11, 17), 10))
        with clock.fixed(at(date(2025, 11, 17), 11)):
            actions.do_publish_notice(application, days=10, actor=None, text="棉纺厂宿舍2栋1单元拟加装电梯，公示期10日。")
        application = self.advance(application, at(date(2025, 12, 1), 10))
        with clock.fixed(at(date(2025, 12, 9), 15)):
            return actions.do_reject_application(application, actor=None, reason=REJECT_REASONS[Stage.STREET_REVIEW] +
                                                 "依据《九江市既有住宅加装电梯实施办法》第十二条，不予通过；调整井道位置后可重新申请。")


# --- the whole load --------------------------------------------------------------------------

def anchor_now() -> datetime:
    return min(clock.now().astimezone(SHANGHAI), ANCHOR_CAP)


def rule_set(city: Region) -> RuleSet:
    return actions.do_save_rule_set(RuleSet(
        region=city, effective_from=RULES_FROM, name="九江市既有住宅加装电梯实施办法", document_number="九府办发〔2019〕9号",
        publicity_days=10, subsidy_fixed=Decimal("200000"), cost_method=CostMethod.COEFFICIENT,
        permit_threshold=PERMIT_THRESHOLD,
    ), actor=None)


def load_elevators(regions: dict[str, Region]) -> None:
    """The programme's demo, after the org's and the cases' (the stuck application's case)."""
    anchor = anchor_now()
    rng = random.Random(SEED)
    city = regions["九江市"]
    rule_set(city)
    Target.objects.bulk_create(Target(region=city, year=year, completed=n) for year, n in TARGETS.items())
    lives = report_day_lives(rng, anchor) + later_lives(rng, anchor) + today_lives(rng, anchor)
    rows = ledger_rows(rng, lives, regions)
    with clock.fixed(anchor):
        actions.do_import_history(rows, actor=None)
    featured = Featured(regions=regions, anchor=anchor, rng=random.Random(f"{SEED}-featured"))
    featured.zhao_jinde()
    featured.stuck_at_joint_review()
    featured.in_publicity()
    featured.withdrawn()
    featured.rejected()
    # What the replayed ladder notified went out at the time (as the cases' load does), so the
    # demo's first worker run sends only what it creates.
    notifications = logging.getLogger("minsheng.notifications")
    level = notifications.level
    notifications.setLevel(logging.WARNING)
    try:
        with clock.fixed(anchor):
            while send_pending(limit=1000, now=anchor):
                pass
    finally:
        notifications.setLevel(level)
    check(regions)


def check(regions: dict[str, Region]) -> None:
    """The report's figures, as the public funnel shows them: a demo that drifted says so."""
    figures = funnel(REPORT_DAY).figures
    wrong = {key: (figures[key], value) for key, value in REPORT.items() if figures[key] != value}
    if wrong:
        raise RuntimeError(f"加装电梯演示数据与九江市报告不符：{wrong}")
    stages = set(Application.objects.values_list("stage", flat=True).distinct())
    missing = [rule.stage for rule in RULES.values() if rule.stage not in stages]
    if missing:
        raise RuntimeError(f"加装电梯演示数据缺少这些环节的申请：{missing}")
