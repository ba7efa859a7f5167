"""The history the ledgers record: the programme's constants (the report of 2021-10-30, the
targets, the counties' shares, the names of streets, estates and builders) and the lives of the
applications drawn from one seed, each a path of the stages it entered and when, on the
working-day clock where the government acts: the 621 filed by the report day drawn around it so
its figures come out exactly, those filed year by year after it, and one lately entered into each
stage so every stage has one today."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from minsheng.elevators.stages import GOVERNMENT_STAGES, PIPELINE, RULES, Stage, next_stage
from minsheng.org import workdays

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

