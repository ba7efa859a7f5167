"""One million cases and their events, generated straight into PostgreSQL with COPY.

Walking a million cases through the actions would take hours, so this module simulates
what the actions and the worker would have written and COPYs the rows in. The simulation
follows the same rules (checked against the app's own functions before loading, see
`self_check`):

- every stage's due time, warning time and ladder rungs come from the working-day clock
  (minsheng.org.workdays: Chinese holidays and 调休), exactly as `open_stage`/`rung_time`;
- the worker's events happen when the worker would have written them: a warning or an
  escalation at each rung that passed before the stage ended, the callback invitation at
  09:00 of the next working day, the automatic archive when the callback period ends;
- events carry department, on_time, working_days and outcome as the actions fill them;
- finished cases have no due_at / warn_at / next_check_at; open ones have the stage's,
  their supervision level is the rungs already passed and next_check_at the next rung,
  so at the benchmark's "now" (2026-11-20 10:00, Asia/Shanghai) nothing is due;
- the outbox holds what the actions queued (SMS to the requester, staff notices), all sent;
- numbers are unique per region and year (湖口-2024-012345) and the number sequences are
  set to the last number given, so `do_register_case` carries on from there.

Cases spread over 2022-01 … 2026-11 (growing over time) and 14 regions (the city's own
departments and 13 counties), ~93 % archived, ~2 % stuck and long overdue, the rest open
in every state. The generation is idempotent: a database that already holds the cases is
reused unless `rebuild=True`.
"""

import itertools
import json
import math
import random
import time
from bisect import bisect_right
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
N_CASES = 1_000_000
SEED = 20261120
CHUNK = 20_000
FIRST_DAY = date(2022, 1, 1)

DAY = 86400
HOUR = 3600
MINUTE = 60
WORK_START = 8 * HOUR + 30 * MINUTE
WORK_END = 17 * HOUR + 30 * MINUTE
WORKER_DELAY = 3  # seconds between a rung's time and the worker's event

# The tables this module fills; --rebuild empties them (and what hangs off them).
CASE_TABLES = [
    "cases_notification",
    "cases_caseattachment",
    "cases_personaldataview",
    "cases_supervisionnotice",
    "cases_caseevent",
    "cases_case_co_departments",
    "cases_case_stuck_departments",
    "cases_case",
    "cases_casenumbersequence",
]
# Secondary indexes of these are dropped during the load and rebuilt afterwards.
INDEXED_TABLES = [
    "cases_case",
    "cases_caseevent",
    "cases_notification",
    "cases_case_co_departments",
    "cases_case_stuck_departments",
]

REGION_WEIGHTS = {  # share of cases per region (the city's own departments, then counties)
    "九江市": 10, "濂溪区": 7, "浔阳区": 7, "柴桑区": 6, "武宁县": 6, "修水县": 12, "永修县": 6,
    "德安县": 4, "都昌县": 11, "湖口县": 8, "彭泽县": 5.5, "瑞昌市": 6, "共青城市": 2.5, "庐山市": 4,
}
CATEGORY_WEIGHTS = {
    "elevator-retrofit": 3, "old-community": 3, "property-management": 8, "building-quality": 3,
    "construction-noise": 4, "approval-overdue": 3, "repeated-materials": 2, "window-service": 2,
    "food-safety": 4, "consumer-rights": 6, "price": 2, "noise": 5, "fumes": 3, "water-pollution": 2,
    "street-vending": 4, "illegal-building": 3, "sanitation": 5, "streetlight": 3, "bus": 3, "taxi": 2,
    "rural-road": 3, "pension": 3, "employment": 2, "wage-arrears": 4, "medical-insurance": 3,
    "school-admission": 3, "property-registration": 3, "land-use": 2, "policy-benefit": 2,
    "inspection": 1, "utilities": 1, "financing": 1,
}
ISSUES = {  # category -> (title stems, detail)
    "elevator-retrofit": (["加装电梯审批迟迟未办结", "加装电梯补贴未到位", "加装电梯施工进度慢"], "小区老年人多，上下楼困难，加装电梯的事情已经拖了很久"),
    "old-community": (["老旧小区改造管网漏水", "老旧小区改造工期延误", "改造后道路未恢复"], "小区改造开工后一直没有完工，雨天路面积水严重，居民出行不便"),
    "property-management": (["物业不作为", "物业费收取不合理", "维修基金使用不公开"], "物业公司对楼道照明、电梯故障长期不处理，业主多次反映没有结果"),
    "building-quality": (["新房墙体开裂", "顶楼漏水", "外墙脱落"], "房屋交付不到两年就出现质量问题，开发商推诿不予维修"),
    "construction-noise": (["工地夜间施工扰民", "渣土车噪音大", "凌晨打桩"], "附近工地每天晚上十一点以后仍在施工，严重影响休息"),
    "approval-overdue": (["营业执照变更超时未办结", "不动产抵押登记超时", "建设工程规划许可超时"], "材料齐全提交已超过承诺时限，窗口一直说在审批中"),
    "repeated-materials": (["反复要求补交材料", "同一材料多次提交", "一次性告知不到位"], "已经跑了三趟，每次都说缺不同的材料，没有一次性告知"),
    "window-service": (["窗口工作人员态度差", "排队时间过长", "午休期间无人办理"], "在窗口等候两个多小时，工作人员中途离岗，服务态度不好"),
    "food-safety": (["超市销售过期食品", "餐馆后厨卫生差", "外卖食品异物"], "购买的食品已过保质期，商家拒绝退换"),
    "consumer-rights": (["预付卡商家跑路", "网购退款难", "健身房拒绝退费"], "办理的预付卡还有余额，商家突然关门联系不上"),
    "price": (["停车场乱收费", "景区价格不透明", "物业违规收费"], "收费标准未公示，收费明显高于规定标准"),
    "noise": (["广场舞噪音扰民", "商铺高音喇叭", "酒吧夜间噪音"], "每天晚上音响声音很大，老人小孩无法休息"),
    "fumes": (["烧烤店油烟直排", "餐饮油烟扰民", "露天烧烤"], "楼下餐馆油烟直接排到居民窗户，夏天无法开窗"),
    "water-pollution": (["河道有人偷排污水", "小区污水外溢", "养殖场污水直排"], "河水发黑发臭，疑似附近企业夜间偷排"),
    "street-vending": (["占道经营堵塞交通", "流动摊贩占用人行道", "夜市占道"], "摊贩占用人行道和非机动车道，上下学高峰非常拥堵"),
    "illegal-building": (["楼顶违章搭建", "侵占绿地搭建", "违建影响采光"], "邻居在楼顶搭建彩钢房，存在安全隐患"),
    "sanitation": (["垃圾清运不及时", "公厕脏乱", "小区垃圾堆积"], "垃圾桶满了好几天没人清运，气味很大"),
    "streetlight": (["路灯不亮", "井盖缺失", "路灯杆倾斜"], "这段路晚上漆黑一片，已经有人摔倒"),
    "bus": (["公交班次少", "公交站点撤销", "公交车不按点"], "早高峰等车四十分钟，上班经常迟到"),
    "taxi": (["出租车拒载", "出租车绕路", "网约车乱收费"], "从火车站打车被拒载，司机要求拼车加价"),
    "rural-road": (["村道坑洼", "农村公路损毁", "桥梁护栏缺失"], "村里主干道坑洼不平，下雨后无法通行"),
    "pension": (["养老金待遇核定慢", "社保转移接续难", "养老保险补缴"], "退休手续办了三个月，养老金还没有发放"),
    "employment": (["创业补贴未发放", "就业培训补贴", "失业金申领"], "申请的一次性创业补贴半年了还没有到账"),
    "wage-arrears": (["农民工工资被拖欠", "工程款拖欠导致欠薪", "企业拖欠工资"], "在工地干了半年，包工头一直拖欠工资不给"),
    "medical-insurance": (["异地就医报销慢", "医保报销被拒", "门诊慢特病认定"], "异地住院的费用提交报销两个月仍未到账"),
    "school-admission": (["孩子入学学位问题", "幼儿园入园难", "随迁子女入学"], "户籍和房产都在学区内，却没有分到学位"),
    "property-registration": (["房产证办理超时", "不动产登记难", "老房补证"], "购房多年一直办不下不动产权证书"),
    "land-use": (["宅基地审批慢", "土地征收补偿", "临时用地"], "宅基地申请提交一年多没有结果"),
    "policy-benefit": (["惠企补贴未兑现", "稳岗补贴迟迟未到账", "技改奖补未落实"], "企业符合条件并已提交申请，补贴资金一直没有拨付"),
    "inspection": (["重复检查影响生产", "检查未备案", "多头执法"], "一个月内被不同部门检查四次，影响正常生产"),
    "utilities": (["用电报装时间长", "燃气报装慢", "用水报装收费高"], "新厂房用电报装两个月还没接通"),
    "financing": (["贷款审批难", "担保手续繁琐", "续贷困难"], "企业经营正常但银行迟迟不予续贷，资金周转困难"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强文海燕小红春花建华金凤德胜国庆淑珍凤英红霞秀珍"
ROADS = ["长虹大道", "浔阳路", "庐山南路", "九龙街", "滨江路", "十里大道", "前进路", "濂溪大道", "人民路", "建设路", "解放路", "工业大道"]
RESULT_TEXT = {
    "solved": "经现场核实，已协调相关单位整改完毕，问题已解决，并电话告知诉求人。",
    "explained": "经核实，该事项按现行政策办理，已向诉求人详细解释相关规定及办理途径。",
    "unsolvable": "经多次协调，因涉及历史遗留问题暂无法解决，已向诉求人说明原因并持续跟进。",
}
RESULT_LABEL = {"solved": "已解决", "explained": "已解释说明", "unsolvable": "无法解决"}
RATING_LABEL = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
CHANNEL_LABEL = {"window": "窗口", "online": "网上", "hotline": "热线", "api": "接口"}
CONTACT_LABEL = {"phone": "电话", "visit": "上门", "sms": "短信", "meeting": "面谈"}
STATE_LABEL = {
    "registered": "待受理", "accepted": "待派单", "dispatched": "待签收", "returned": "退单待处理",
    "handling": "办理中", "closed": "已办结待回访",
}
OPEN = ("registered", "accepted", "dispatched", "returned", "handling")
RUNG_TEXT = {
    1: ("临期预警", "剩余时间不足，请抓紧办理。"),
    2: ("已逾期", "已超过期限，请部门负责人督促办理。"),
    3: ("逾期督办", "逾期一个工作日仍未办理，督办机构介入督办。"),
    4: ("逾期报分管领导", "逾期两个工作日仍未办理，已报分管领导。"),
}


# --- the working-day clock, as integer ordinals ---------------------------------------------


class Clock:
    """minsheng.org.workdays over ordinals, for speed: `add_wd` is add_working_days,
    `between` working_days_between, `eod` end_of_working_day (as local seconds)."""

    def __init__(self, first: date, last: date):
        from minsheng.org import workdays

        self.base = first.toordinal()
        self.last = last.toordinal()
        self.working = [o for o in range(self.base, self.last + 1) if workdays.is_working_day(date.fromordinal(o))]
        self.working_set = set(self.working)
        # cum[o - base]: working days <= o
        self.cum = [bisect_right(self.working, o) for o in range(self.base, self.last + 1)]
        self.daystr = {o: date.fromordinal(o).isoformat() for o in range(self.base, self.last + 40)}

    def is_wd(self, o: int) -> bool:
        return o in self.working_set

    def add_wd(self, o: int, n: int) -> int:
        if n == 0:
            return o if o in self.working_set else self.working[self.cum[o - self.base]]
        return self.working[self.cum[o - self.base] + n - 1]

    def between(self, a: int, b: int) -> int:
        return self.cum[b - self.base] - self.cum[a - self.base]

    @staticmethod
    def eod(o: int) -> int:
        return (o + 1) * DAY

    def warn(self, started: int, days: int) -> int:
        """workflow.warn_time with the kinds' share of 0.30: yellow once less than 30 % of the
        stage's working time is left (whole working days back from the due time, the fraction
        of a day in hours), never before the stage began."""
        yellow = days * 0.3
        whole = min(days, math.floor(yellow))
        boundary = self.eod(self.add_wd(started // DAY, days - whole))
        seconds = timedelta(hours=24 * (yellow - whole)).total_seconds()
        assert seconds == int(seconds), (days, seconds)
        return max(started, boundary - int(seconds))

    def ts(self, t: int) -> str:
        d, s = divmod(t, DAY)
        h, s = divmod(s, HOUR)
        m, s = divmod(s, MINUTE)
        return f"{self.daystr[d]} {h:02d}:{m:02d}:{s:02d}+08"

    def utc_iso(self, t: int) -> str:
        """An aware datetime's isoformat() as Django returns it from the database (UTC)."""
        u = t - 8 * HOUR
        d, s = divmod(u, DAY)
        h, s = divmod(s, HOUR)
        m, s = divmod(s, MINUTE)
        return f"{self.daystr[d]}T{h:02d}:{m:02d}:{s:02d}+00:00"


def local_seconds(moment: datetime) -> int:
    local = moment.astimezone(SHANGHAI)
    return local.toordinal() * DAY + local.hour * HOUR + local.minute * MINUTE + local.second


def to_datetime(t: int) -> datetime:
    d, s = divmod(t, DAY)
    return datetime.combine(date.fromordinal(d), datetime.min.time(), tzinfo=SHANGHAI) + timedelta(seconds=s)


def self_check(clock: Clock, samples: int = 3000) -> None:
    """The simulation's deadline maths must equal the app's: compare on random moments."""
    from minsheng.cases.actions._base import callback_invite_time
    from minsheng.cases.models import Case
    from minsheng.cases.workflow import rung_time, warn_time
    from minsheng.org import workdays

    rng = random.Random(1)
    lo, hi = local_seconds(datetime(2022, 1, 1, tzinfo=SHANGHAI)), local_seconds(NOW)
    for _ in range(samples):
        t = rng.randrange(lo, hi)
        days = rng.choice([1, 2, 3, 5, 7, 10])
        moment = to_datetime(t)
        sd = t // DAY
        due = clock.eod(clock.add_wd(sd, days))
        assert to_datetime(due) == workdays.due_at(moment, days), (moment, days)
        warn = clock.warn(t, days)
        assert to_datetime(warn) == warn_time(moment, days, "0.30"), (moment, days)
        case = Case(due_at=to_datetime(due), warn_at=to_datetime(warn))
        rungs = rung_times(clock, due, warn)
        for rung in (1, 2, 3, 4):
            assert to_datetime(rungs[rung]) == rung_time(case, rung), (moment, days, rung)
        assert to_datetime(clock.add_wd(sd, 1) * DAY + 9 * HOUR) == callback_invite_time(moment)
        b = sd + rng.randrange(0, 40)
        assert clock.between(sd, b) == workdays.working_days_between(date.fromordinal(sd), date.fromordinal(b))


def rung_times(clock: Clock, due: int, warn: int) -> dict[int, int]:
    """workflow.rung_time: the warning, the due time, then the end of the first and second
    working days after the stage's last day."""
    last_day = due // DAY - 1  # due is the midnight after the last day
    return {
        1: warn,
        2: due,
        3: clock.eod(clock.add_wd(last_day, 1)),
        4: clock.eod(clock.add_wd(last_day, 2)),
    }


# --- the organisation ---------------------------------------------------------------------


class Org:
    """Regions, kinds, categories, routes and the bench users, by id."""

    def __init__(self):
        from minsheng.cases.models import CaseKind, Category, CategoryDepartment
        from minsheng.org.models import Department, Region, RegionLevel

        regions = {r.name: r for r in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])}
        self.regions = [regions[name] for name in REGION_WEIGHTS]
        self.region_cum = list(itertools.accumulate(REGION_WEIGHTS[r.name] for r in self.regions))
        self.city = regions["九江市"]
        self.kinds = {k.code: k for k in CaseKind.objects.all()}
        leaves = {c.code: c for c in Category.objects.filter(parent__isnull=False).select_related("parent")}
        self.categories = [leaves[code] for code in CATEGORY_WEIGHTS]
        self.category_cum = list(itertools.accumulate(CATEGORY_WEIGHTS.values()))
        self.departments = {d.pk: d for d in Department.objects.select_related("region")}
        self.routes = {
            (route.category_id, route.region_id): route.department_id for route in CategoryDepartment.objects.all()
        }
        self.region_departments = {
            r.pk: sorted({dep for (cat, reg), dep in self.routes.items() if reg == r.pk}) for r in self.regions
        }
        self.users = ensure_users(self)

    def supervision_office(self, region):
        from minsheng.org.models import Department

        name = "市营商办" if region.pk == self.city.pk else f"{region.name}营商办"
        return Department.objects.get(region=region, name=name)

    def service_centre(self, region):
        from minsheng.org.models import Department

        name = "市行政审批局" if region.pk == self.city.pk else f"{region.name}政务服务中心"
        return Department.objects.get(region=region, name=name)


def ensure_users(org: Org) -> dict:
    """One handler per department that receives cases, a supervisor (in the supervision
    office) and a window clerk per region, and a 12345 hotline operator. Idempotent."""
    from minsheng.testing import make_user
    from minsheng.org.models import Department, Role, User

    from django.test import override_settings

    existing = {u.username: u for u in User.objects.filter(username__startswith="bench_")}

    def user(username, department, *roles, full_name=""):
        if username in existing:
            return existing[username]
        # The bench logs in with force_login; a fast hasher saves minutes of PBKDF2.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            return make_user(username, department, *roles, full_name=full_name or username)

    users = {"handler": {}, "supervisor": {}, "clerk": {}}
    route_departments = sorted(set(org.routes.values()))
    rng = random.Random(7)
    for pk in route_departments:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        users["handler"][pk] = user(f"bench_handler_{pk}", org.departments[pk], Role.HANDLER, full_name=name)
    for region in org.regions:
        users["supervisor"][region.pk] = user(
            f"bench_supervisor_{region.code}", org.supervision_office(region), Role.SUPERVISOR, full_name=f"督办员{region.short_name}"
        )
        users["clerk"][region.pk] = user(
            f"bench_clerk_{region.code}", org.service_centre(region), Role.WINDOW_CLERK, full_name=f"受理员{region.short_name}"
        )
    users["hotline"] = user(
        "bench_hotline", Department.objects.get(region=org.city, name="市12345热线中心"), Role.SUPERVISOR, full_name="热线话务员"
    )
    return users


# --- one case ---------------------------------------------------------------------------------


def esc(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class CaseSim:
    """Walk one case through the workflow up to NOW, with the worker acting on time."""

    __slots__ = (
        "g", "rng", "clock", "id", "number", "events", "state", "level", "lead", "lead_handler",
        "stage_start", "due", "warn", "rungs", "timed", "invited", "closed_at", "result", "rating",
        "rating_comment", "reopen_count", "assigned_at", "region", "supervisor", "phone", "co",
        "result_basis", "extension_days", "closed_stage_level",
    )

    def __init__(self, generator, case_id, number, region, phone):
        self.g = generator
        self.rng = generator.rng
        self.clock = generator.clock
        self.id = case_id
        self.number = number
        self.events = []
        self.state = "registered"
        self.level = 0
        self.lead = None
        self.lead_handler = None
        self.stage_start = None
        self.due = self.warn = None
        self.rungs = None
        self.timed = False
        self.invited = False
        self.closed_at = None
        self.result = ""
        self.result_basis = ""
        self.rating = ""
        self.rating_comment = ""
        self.reopen_count = 0
        self.assigned_at = None
        self.region = region
        self.supervisor = generator.org.users["supervisor"][region.pk].pk
        self.phone = phone
        self.co = []
        self.extension_days = None

    # events -------------------------------------------------------------------------------

    def event(self, t, kind, actor, old, new, dept, note="", public_note="", public=False, data=None,
              on_time=None, working_days=None, outcome="", notify=None):
        if notify is not None:  # (channel, user, address, subject, body): SMS go to the requester's phone
            channel, user, subject, body = notify
            notify = (channel, user, self.phone if channel == "sms" else "", subject, body)
        self.events.append(
            (t, kind, actor, old, new, dept, note, public_note, public,
             json.dumps(data or {}, ensure_ascii=False), on_time, working_days, outcome, notify)
        )

    # stages -------------------------------------------------------------------------------

    def open_stage(self, state, t, days, start_level=0, ladder=True):
        self.state = state
        self.stage_start = t
        self.level = start_level
        if days is None:
            self.timed = False
            self.due = self.warn = self.rungs = None
            return
        self.timed = ladder  # the closed stage has a due time (the callback period) but no ladder
        sd = t // DAY
        self.due = self.clock.eod(self.clock.add_wd(sd, days))
        self.warn = self.clock.warn(t, days)
        self.rungs = rung_times(self.clock, self.due, self.warn)

    def worker_until(self, limit):
        """Rungs of the ladder the worker climbed before `limit` (the stage's end, or NOW)."""
        if not self.timed:
            return
        while self.level < 4:
            rung = self.level + 1
            at = self.rungs[rung]
            if at + WORKER_DELAY > limit:
                return
            title, text = RUNG_TEXT[rung]
            kind = "warned" if rung == 1 else "escalated"
            recipient = self.lead_handler if (self.lead_handler and self.state in ("dispatched", "handling")) else self.supervisor
            self.event(
                at + WORKER_DELAY, kind, None, self.state, self.state, self.lead, note=text,
                data={"old_level": self.level, "new_level": rung, "due_at": self.clock.utc_iso(self.due)},
                notify=("staff", recipient, f"{title}：{self.number}", f"（{STATE_LABEL[self.state]}）{text}"),
            )
            self.level = rung

    def reach(self, t) -> bool:
        """Let the worker act up to t (or NOW); True if the next human step at t happened."""
        now = self.g.now
        if t is None or t > now:
            self.worker_until(now)
            return False
        self.worker_until(t)
        return True

    # the fields the case row takes from where the simulation stopped -------------------------

    def next_check(self):
        if self.state in ("registered", "accepted", "dispatched", "returned", "handling"):
            return None if self.level >= 4 else self.rungs[self.level + 1]
        if self.state == "closed":
            return self.due if self.invited else self.clock.add_wd(self.closed_at // DAY, 1) * DAY + 9 * HOUR
        return None


class Generator:
    def __init__(self, org: Org, clock: Clock, seed: int = SEED):
        self.org = org
        self.clock = clock
        self.rng = random.Random(seed)
        self.now = local_seconds(NOW)
        self.sequences: dict[tuple[int, int], int] = {}
        self.event_id = 0
        self.counts = {"cases": 0, "events": 0, "notifications": 0, "states": {}, "overdue": 0}

    # helpers --------------------------------------------------------------------------------

    def work(self, t):
        """The first moment at or after t within working hours (08:30-17:30 on a working day)."""
        c, rng = self.clock, self.rng
        d, s = divmod(t, DAY)
        if c.is_wd(d):
            if s < WORK_START:
                return d * DAY + WORK_START + rng.randrange(0, 40 * MINUTE)
            if s <= WORK_END:
                return t
        return c.add_wd(d, 1) * DAY + WORK_START + rng.randrange(0, 90 * MINUTE)

    def at_work(self, day):
        return day * DAY + self.rng.randrange(WORK_START, WORK_END)

    def created_times(self, n):
        """Registration moments: a growing volume over 2022-01 … NOW, by channel."""
        rng = self.rng
        first = FIRST_DAY.toordinal() * DAY
        span = self.now - 20 * DAY - first  # the last weeks are added by the 'recent' draw below
        out = []
        for _ in range(n):
            u = rng.random()
            x = (-0.6 + math.sqrt(0.36 + 1.6 * u)) / 0.8  # density 0.6 + 0.8x
            t = first + int(x * span)
            out.append(t)
        return out

    def moment_for_channel(self, t, channel):
        """Adjust a moment to the channel's hours: the window on working days 08:30-17:30."""
        rng, c = self.rng, self.clock
        d = t // DAY
        if channel == "window":
            d = c.add_wd(d, 0)
            return d * DAY + rng.randrange(WORK_START, WORK_END)
        if channel == "hotline":
            return d * DAY + rng.randrange(8 * HOUR, 22 * HOUR)
        return d * DAY + rng.randrange(7 * HOUR, 24 * HOUR - 60)

    def plan(self, n):
        """(registration moment, channel, fate) for every case, in time order."""
        rng = self.rng
        n_stuck = n * 2 // 100
        n_recent = n * 45 // 1000  # a surge over the last four weeks fills the open queues
        n_rest = n - n_stuck - n_recent
        plans = []
        for t in self.created_times(n_rest):
            u = rng.random()
            fate = "rejected" if u < 0.01 else "withdrawn" if u < 0.02 else "normal"
            plans.append([t, fate])
        for _ in range(n_recent):
            plans.append([self.now - rng.randrange(0, 28 * DAY), "normal"])
        for _ in range(n_stuck):
            age = 10 * DAY + min(int(rng.expovariate(1 / (60 * DAY))), 355 * DAY)
            plans.append([self.now - age, "stuck"])
        out = []
        for t, fate in plans:
            channel = rng.choices(("window", "online", "hotline", "api"), (35, 30, 30, 5))[0]
            moment = self.moment_for_channel(t, channel)
            if moment > self.now - 10 * MINUTE:
                moment = self.now - rng.randrange(10 * MINUTE, 6 * HOUR)
            out.append((moment, channel, fate))
        out.sort(key=lambda p: p[0])
        return out

    def next_number(self, region, t):
        year = date.fromordinal(t // DAY).year
        key = (region.pk, year)
        seq = self.sequences.get(key, 0) + 1
        self.sequences[key] = seq
        return f"{region.short_name}-{year}-{seq:06d}"

    # one case ------------------------------------------------------------------------------

    def simulate(self, case_id, t_reg, channel, fate, rows):
        rng, c, org = self.rng, self.clock, self.org
        region = rng.choices(org.regions, cum_weights=org.region_cum)[0]
        category = rng.choices(org.categories, cum_weights=org.category_cum)[0]
        parent = category.parent.code
        if parent == "enterprise-service":
            kind_code = "enterprise"
        elif parent == "government-service":
            kind_code = "stuck-matter" if rng.random() < 0.7 else "general"
        else:
            u = rng.random()
            kind_code = "enterprise" if u < 0.07 else "stuck-matter" if u < 0.10 else "general"
        kind = org.kinds[kind_code]
        lead = org.routes[(category.pk, region.pk)]
        number = self.next_number(region, t_reg)
        phone = f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"
        sim = CaseSim(self, case_id, number, region, phone)
        users = org.users
        supervisor = sim.supervisor
        handler = users["handler"][lead].pk
        dept_name = org.departments[lead].name

        # registration
        if channel == "window":
            actor = users["clerk"][region.pk].pk
            registered_at = users["clerk"][region.pk].department_id
        elif channel == "hotline":
            actor = users["hotline"].pk
            registered_at = users["hotline"].department_id
        else:
            actor = registered_at = None
        label = CHANNEL_LABEL[channel]
        sim.open_stage("registered", t_reg, kind.accept_days)
        sim.event(
            t_reg, "registered", actor, "", "registered", None, note=f"{label}登记。",
            public_note=f"您的诉求已通过{label}登记，编号{number}。", public=True,
            data={"channel": channel, "linked_case": ""},
            notify=("sms", None, "诉求已登记", f"【九江民生】您的诉求已登记，编号{number}，查询码********。请凭编号和查询码查询办理进度。"),
        )

        def done():
            self.finish(sim, t_reg, channel, region, kind, category, lead, actor, registered_at, rows)

        stuck_at = None
        if fate == "stuck":
            stuck_at = rng.choices(("registered", "accepted", "dispatched", "returned", "handling"), (8, 12, 20, 5, 55))[0]
        withdraw_at = None
        if fate == "withdrawn":
            withdraw_at = rng.choices(("registered", "accepted", "dispatched", "handling"), (40, 20, 20, 20))[0]

        def withdraw(t_stage):
            t = t_stage + rng.randrange(HOUR, 2 * DAY)
            if not sim.reach(t):
                return
            old = sim.state
            sim.event(t, "withdrawn", None, old, "withdrawn", sim.lead, note="已自行解决，申请撤回。",
                      public_note="诉求人已撤回本诉求。", public=True, data={"by_requester": True})
            sim.open_stage("withdrawn", t, None)

        # 受理 or 不予受理
        t_acc = self.work(t_reg + rng.randrange(5 * MINUTE, 3 * HOUR))
        if withdraw_at == "registered":
            withdraw(t_reg)
            return done()
        if stuck_at == "registered":
            sim.reach(None)
            return done()
        if not sim.reach(t_acc):
            return done()
        if fate == "rejected":
            reason = "该事项属于司法程序处理范围，不属于受理范围。"
            sim.event(t_acc, "rejected", supervisor, "registered", "rejected", None, note=reason,
                      public_note=f"不予受理：{reason}", public=True,
                      notify=("sms", None, "诉求不予受理", f"【九江民生】您的诉求{number}不予受理：{reason}"))
            sim.open_stage("rejected", t_acc, None)
            return done()
        sim.event(t_acc, "accepted", supervisor, "registered", "accepted", None, public_note="您的诉求已受理。", public=True)
        sim.open_stage("accepted", t_acc, kind.accept_days)
        if withdraw_at == "accepted":
            withdraw(t_acc)
            return done()
        if stuck_at == "accepted":
            sim.reach(None)
            return done()

        # 派单 (sometimes first to the wrong department, which returns it)
        t_disp = self.work(t_acc + rng.randrange(5 * MINUTE, 4 * HOUR))
        if not sim.reach(t_disp):
            return done()
        returned = stuck_at == "returned" or (fate == "normal" and rng.random() < 0.03)
        co = []
        if rng.random() < 0.03:
            others = [d for d in org.region_departments[region.pk] if d != lead]
            co = [rng.choice(others)]
        sim.co = co
        first = lead
        if returned:
            others = [d for d in org.region_departments[region.pk] if d != lead]
            first = rng.choice(others)
        self.dispatch(sim, t_disp, first, supervisor, redispatch=False, previous=None)
        if withdraw_at == "dispatched":
            withdraw(t_disp)
            return done()
        if returned:
            t_ret = self.work(t_disp + rng.randrange(30 * MINUTE, 6 * HOUR))
            if not sim.reach(t_ret):
                return done()
            sim.event(t_ret, "returned", users["handler"][first].pk, "dispatched", "returned", first,
                      note="该事项不属于本单位职责范围。", data={"legal_basis": "本单位“三定”方案"},
                      on_time=t_ret <= sim.due,
                      notify=("staff", supervisor, f"退单：{number}", f"{org.departments[first].name}退回：该事项不属于本单位职责范围。"))
            sim.open_stage("returned", t_ret, kind.accept_days)
            if stuck_at == "returned":
                sim.reach(None)
                return done()
            t_re = self.work(t_ret + rng.randrange(30 * MINUTE, 4 * HOUR))
            if not sim.reach(t_re):
                return done()
            self.dispatch(sim, t_re, lead, supervisor, redispatch=True, previous=first)
            t_disp = t_re
        if stuck_at == "dispatched":
            sim.reach(None)
            return done()

        # 签收
        disp_day = t_disp // DAY
        u = rng.random()
        if u < 0.55:
            t_sign = self.work(t_disp + rng.randrange(10 * MINUTE, 3 * HOUR))
        else:
            k = 1 if u < 0.95 else rng.choice((2, 3))
            t_sign = max(self.at_work(c.add_wd(disp_day, k)), t_disp + 10 * MINUTE)
        if not sim.reach(t_sign):
            return done()
        sim.event(t_sign, "signed", handler, "dispatched", "handling", lead,
                  public_note=f"{dept_name}已签收，正在办理。", public=True, on_time=t_sign <= sim.due)
        handle_days = category.handle_days or kind.handle_days
        sim.open_stage("handling", t_sign, handle_days)
        if withdraw_at == "handling":
            withdraw(t_sign)
            return done()

        reopened = False
        while True:
            sign_day = sim.stage_start // DAY
            if stuck_at == "handling":
                t_close = None
            elif rng.random() < 0.88:
                k = min(handle_days, max(1, int(rng.triangular(1, handle_days + 1, handle_days * 0.6))))
                t_close = self.at_work(c.add_wd(sign_day, k))
            else:
                t_close = self.at_work(c.add_wd(sign_day, handle_days + rng.randint(1, 6)))
            if t_close is not None and t_close <= sim.stage_start:
                t_close = sim.stage_start + 30 * MINUTE
            # progress notes and contacts with the requester
            end = t_close if t_close is not None else min(self.now, sim.stage_start + 15 * DAY)
            n_notes = rng.choices((0, 1, 2), (30, 45, 25))[0]
            for note_t in sorted(rng.randrange(sim.stage_start + 1, max(end, sim.stage_start + 2)) for _ in range(n_notes)):
                if not sim.reach(note_t):
                    break
                if rng.random() < 0.3:
                    method = rng.choice(tuple(CONTACT_LABEL))
                    sim.event(note_t, "contact", handler, "handling", "handling", lead, note="已与诉求人沟通，了解具体情况。",
                              public_note=f"承办部门已通过{CONTACT_LABEL[method]}与您联系。", public=True, data={"method": method})
                else:
                    public_text = "正在协调相关单位现场核实。" if rng.random() < 0.3 else ""
                    sim.event(note_t, "note", handler, "handling", "handling", lead, note="已安排人员现场核实，正在协调处理。",
                              public_note=public_text, public=bool(public_text), data={"co_department": False})
            if not sim.reach(t_close):
                if sim.state == "handling" and sim.due > self.now and rng.random() < 0.03 and sim.extension_days is None:
                    t_ext = rng.randrange(sim.stage_start + 1, self.now)
                    sim.extension_days = 5
                    sim.event(t_ext, "extension_requested", handler, "handling", "handling", lead,
                              note="需要协调多个部门，申请延期。", data={"days": 5},
                              notify=("staff", supervisor, f"延期申请：{number}", f"{dept_name}申请延期5个工作日：需要协调多个部门。"))
                return done()
            result = rng.choices(("solved", "explained", "unsolvable"), (75, 20, 5))[0]
            basis = "" if result == "solved" else ("《信访工作条例》及相关政策规定" if result == "explained" else "涉及历史遗留问题，已多次协调")
            text = RESULT_TEXT[result]
            working_days = c.between(sim.assigned_at // DAY, t_close // DAY)
            sim.event(t_close, "closed", handler, "handling", "closed", lead, note=text,
                      public_note=f"办理结果：{RESULT_LABEL[result]}。{text}" + (f"（依据：{basis}）" if basis else ""),
                      public=True, on_time=t_close <= sim.due, working_days=working_days, outcome=result)
            sim.result, sim.result_basis, sim.closed_at = result, basis, t_close
            sim.rating = sim.rating_comment = ""
            sim.open_stage("closed", t_close, kind.callback_days, ladder=False)
            sim.invited = False  # invited since this close (a reopened case is asked again)

            # 回访: a phone callback, the requester rating online after the SMS, or nobody
            close_day = t_close // DAY
            invite_t = c.add_wd(close_day, 1) * DAY + 9 * HOUR
            fate_cb = rng.choices(("phone", "online", "none"), (25, 60, 15))[0]
            if fate_cb == "phone":
                t_rate, by_requester = self.work(t_close + rng.randrange(HOUR, 5 * HOUR)), False
            elif fate_cb == "online":
                day = c.add_wd(close_day, 1 + rng.randrange(0, kind.callback_days))
                t_rate = max(day * DAY + rng.randrange(9 * HOUR, 22 * HOUR), invite_t + 10 * MINUTE)
                by_requester = True
            else:
                t_rate, by_requester = None, False
            if t_rate is not None and t_rate >= sim.due:
                t_rate = None
            if t_rate is None or t_rate > invite_t:
                if invite_t + WORKER_DELAY > self.now:
                    return done()
                sim.event(invite_t + WORKER_DELAY, "callback_invited", None, "closed", "closed", lead, note="已短信邀请诉求人评价。",
                          notify=("sms", None, "请评价办理结果", f"【九江民生】您的诉求{number}已办结，请凭编号和查询码登录网站评价，或等待回访电话。"))
                sim.invited = True
            if t_rate is None:
                t_arch = sim.due + WORKER_DELAY
                if t_arch > self.now:
                    return done()
                sim.event(t_arch, "archived", None, "closed", "archived", lead, note="回访期满，诉求人未评价，自动归档。",
                          public_note="本件已办结归档。", public=True)
                sim.open_stage("archived", t_arch, None)
                break
            if t_rate > self.now:
                return done()
            rater = None if by_requester else supervisor
            if not reopened and rng.random() < 0.025:
                comment = "问题没有实际解决，仍然存在。"
                sim.rating, sim.rating_comment = "unsatisfied", comment
                sim.reopen_count += 1
                reopened = True
                sim.event(t_rate, "reopened", rater, "closed", "handling", lead, note=comment,
                          public_note=f"您评价为“不满意”，已退回{dept_name}重新办理。", public=True, outcome="unsatisfied",
                          data={"by_requester": by_requester, "supervision_level": 2},
                          notify=("staff", handler, f"重办：{number}", f"诉求人不满意：{comment}。本件已提级督办，请重新办理。"))
                sim.open_stage("handling", t_rate, handle_days, start_level=2)
                continue
            rating = rng.choices(("satisfied", "basically"), (82, 18))[0]
            sim.rating = rating
            sim.event(t_rate, "rated", rater, "closed", "archived", lead,
                      public_note=f"评价：{RATING_LABEL[rating]}。感谢您的反馈，本件已归档。", public=True,
                      outcome=rating, data={"by_requester": by_requester})
            sim.open_stage("archived", t_rate, None)
            break
        return done()

    def dispatch(self, sim, t, department, supervisor, *, redispatch, previous):
        org = self.org
        old = sim.state
        sim.lead = department
        sim.lead_handler = org.users["handler"][department].pk
        sim.assigned_at = t
        name = org.departments[department].name
        sim.open_stage("dispatched", t, self.sign_days)
        sim.event(
            t, "dispatched", supervisor, old, "dispatched", department, public_note=f"已转交{name}办理。", public=True,
            data={
                "co_departments": [org.departments[d].name for d in sim.co],
                "previous_department": org.departments[previous].name if redispatch and previous else "",
                "redispatch": redispatch,
            },
            notify=("staff", sim.lead_handler, f"新派单：{sim.number}",
                    f"请在{to_datetime(sim.due):%m月%d日%H:%M}前签收。"),
        )

    sign_days = 1  # every kind in the catalogue signs within one working day

    # the case row ------------------------------------------------------------------------

    def finish(self, sim, t_reg, channel, region, kind, category, lead, actor, registered_at, rows):
        rng, c = self.rng, self.clock
        case_id = sim.id
        cases, events, notifications, co_rows, stuck_rows = rows
        final = sim.state in ("archived", "rejected", "withdrawn")
        # updated_at: the last change to the case row (events that do not save the case
        # -- notes, contacts -- leave it; the worker's saves move it).
        updated = max(e[0] for e in sim.events if e[1] not in ("note", "contact"))
        next_check = None if final else sim.next_check()
        if sim.state in OPEN and sim.due < self.now:
            self.counts["overdue"] += 1
        self.counts["states"][sim.state] = self.counts["states"].get(sim.state, 0) + 1
        issue_titles, detail = ISSUES[category.code]
        place = f"{region.name if region.pk != self.org.city.pk else '九江市'}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        title = f"{place[:6]}{rng.choice(issue_titles)}"[:100]
        description = (
            f"{place}附近，{detail}。{'已经反映过多次，' if rng.random() < 0.4 else ''}"
            f"希望有关部门尽快核实处理，并给予答复。联系时请在工作日白天。"
        )
        answers = {}
        if category.code == "elevator-retrofit":
            answers = {"building": f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元", "consent": rng.choice(("yes", "no"))}
        elif category.code == "wage-arrears":
            answers = {"amount": str(rng.randrange(3000, 200000)), "workers": str(rng.randint(1, 40))}
        elif category.code == "policy-benefit":
            answers = {"policy": "九江市支持中小企业发展若干措施"}
        enterprise_name = enterprise_uscc = ""
        if kind.code == "enterprise":
            enterprise_name = f"九江{rng.choice(('鑫达', '华盛', '恒远', '庐峰', '长江', '瑞丰'))}{rng.choice(('科技', '实业', '机械', '建材', '食品'))}有限公司"
            enterprise_uscc = self.uscc(region)
        applied_for = applied_where = outside = ""
        applied_on = visits = None
        if kind.code == "stuck-matter":
            applied_for = rng.choice(("营业执照变更登记", "不动产转移登记", "建设工程规划许可", "社保关系转移", "食品经营许可"))
            applied_where = f"{region.name}政务服务中心" if region.pk != self.org.city.pk else "市民服务中心"
            applied_on = date.fromordinal(t_reg // DAY - rng.randint(15, 120)).isoformat()
            visits = rng.randint(1, 6)
            if rng.random() < 0.3:
                outside = f"{region.short_name}政务-{date.fromordinal(t_reg // DAY).year}-{rng.randrange(100000):05d}"
            stuck_rows.append(f"{case_id}\t{rng.choice(self.org.region_departments[region.pk])}\n")
        for d in sim.co:
            co_rows.append(f"{case_id}\t{d}\n")
        id_number = self.resident_id() if rng.random() < 0.25 else ""
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        lat = lng = None
        if rng.random() < 0.6:
            lat = f"{29.4 + rng.random() * 0.6:.6f}"
            lng = f"{115.5 + rng.random() * 1.0:.6f}"
        ts = c.ts
        row = (
            case_id, sim.number, region.pk, kind.pk, category.pk,
            rng.choice(("complaint", "request", "suggestion", "consultation")) if kind.code == "general" else "",
            channel, sim.state, title, description, "尽快解决" if rng.random() < 0.5 else "",
            json.dumps(answers, ensure_ascii=False), name, sim.phone, id_number, "", enterprise_name, enterprise_uscc,
            place, lat, lng, applied_for, applied_on, applied_where, visits, None, outside,
            actor, registered_at, lead if channel in ("window", "hotline") else None, sim.lead,
            ts(sim.assigned_at) if sim.assigned_at else None,
            ts(t_reg), ts(updated), ts(sim.stage_start),
            None if final or sim.due is None else ts(sim.due),
            None if final or sim.warn is None else ts(sim.warn),
            0 if final else sim.level,
            ts(next_check) if next_check is not None else None,
            sim.extension_days if sim.state == "handling" else None,
            sim.result, RESULT_TEXT[sim.result] if sim.result else "", sim.result_basis,
            ts(sim.closed_at) if sim.closed_at else None,
            sim.rating, sim.rating_comment, sim.reopen_count, f"{rng.getrandbits(256):064x}", None,
        )
        cases.append("\t".join(map(esc, row)) + "\n")
        for e in sim.events:
            events.append((e[0], case_id, e))
        self.counts["cases"] += 1

    def uscc(self, region) -> str:
        from minsheng.core.identity import _USCC_CHARSET, uscc_check_char

        rng = self.rng
        body = "91" + region.code[:6] + "".join(rng.choice(_USCC_CHARSET) for _ in range(9))
        return body + uscc_check_char(body)

    def resident_id(self) -> str:
        from minsheng.core.identity import resident_id_check_char

        rng = self.rng
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        body = f"360429{born:%Y%m%d}{rng.randrange(1000):03d}"
        return body + resident_id_check_char(body)

    # rows for COPY ------------------------------------------------------------------------

    def event_rows(self, events):
        """Events of a chunk in time order (as they would have been written), with their ids,
        and the outbox rows they queued (all sent since)."""
        c = self.clock
        ts = c.ts
        events.sort(key=lambda e: e[0])
        ev_lines, nt_lines = [], []
        for t, case_id, e in events:
            self.event_id += 1
            eid = self.event_id
            (_t, kind, actor, old, new, dept, note, public_note, public, data, on_time, wd, outcome, notify) = e
            ev_lines.append(
                f"{eid}\t{case_id}\t{kind}\t{esc(actor)}\t{ts(t)}\t{note}\t{data}\t{esc(public)}\t{old}\t{new}\t"
                f"{esc(dept)}\t{public_note}\t{esc(on_time)}\t{esc(wd)}\t{outcome}\n"
            )
            if notify is not None:
                channel, user, address, subject, body = notify
                nt_lines.append(
                    f"{channel}\t{esc(user)}\t{address}\t{case_id}\t{eid}\t{subject[:100]}\t{body}\tsent\t1\t\\N\t"
                    f"{ts(t)}\t{ts(t + 5)}\t\n"
                )
        self.counts["events"] += len(ev_lines)
        self.counts["notifications"] += len(nt_lines)
        return ev_lines, nt_lines


CASE_COLUMNS = (
    "id, number, region_id, kind_id, category_id, request_type, channel, state, title, description, wants, answers, "
    "requester_name, requester_phone, requester_id_number, requester_email, enterprise_name, enterprise_uscc, "
    "address, latitude, longitude, applied_for, applied_on, applied_where, visits, linked_case_id, outside_reference, "
    "registered_by_id, registered_at_department_id, proposed_department_id, lead_department_id, assigned_at, "
    "created_at, updated_at, stage_started_at, due_at, warn_at, supervision_level, next_check_at, "
    "extension_requested_days, result, result_text, result_basis, closed_at, rating, rating_comment, reopen_count, "
    "query_code_hash, submission_token"
)
EVENT_COLUMNS = (
    "id, case_id, kind, actor_id, created_at, note, data, is_public, old_state, new_state, department_id, "
    "public_note, on_time, working_days, outcome"
)
NOTIFICATION_COLUMNS = (
    "channel, recipient_user_id, recipient_address, case_id, event_id, subject, body, status, attempts, "
    "next_attempt_at, created_at, sent_at, last_error"
)


# --- loading ----------------------------------------------------------------------------------


def _git_commit() -> str:
    from bench import git_commit

    return git_commit()


def _raw():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )


def _meta(conn) -> dict:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_saved_indexes (tablename text, indexname text PRIMARY KEY, indexdef text)"
    )
    conn.commit()
    return {key: value for key, value in conn.execute("SELECT key, value FROM bench_meta")}


def _restore_indexes(conn) -> int:
    """Recreate indexes a load dropped (also after a crashed load). Returns how many."""
    rows = conn.execute("SELECT indexname, indexdef FROM bench_saved_indexes").fetchall()
    done = 0
    for name, definition in rows:
        exists = conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name]).fetchone()
        if not exists:
            conn.execute(definition)
            done += 1
        conn.execute("DELETE FROM bench_saved_indexes WHERE indexname = %s", [name])
    conn.commit()
    return done


def _drop_indexes(conn) -> None:
    """Save then drop the secondary indexes (not those backing a constraint)."""
    rows = conn.execute(
        """
        SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [INDEXED_TABLES],
    ).fetchall()
    for table, name, definition in rows:
        conn.execute(
            "INSERT INTO bench_saved_indexes VALUES (%s, %s, %s) ON CONFLICT (indexname) DO NOTHING",
            [table, name, definition],
        )
    conn.commit()
    for _table, name, _definition in rows:
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    conn.commit()


def _temporary_defaults(conn, columns_by_table: dict[str, str]) -> list[tuple[str, str]]:
    """Columns the COPY leaves out (added to the models after this file was written) but the
    table requires: give them the model field's default as a database default for the load."""
    from django.apps import apps
    from django.db import connection as django_connection
    from psycopg import sql

    models = {model._meta.db_table: model for model in apps.get_models()}
    done = []
    for table, columns in columns_by_table.items():
        given = {column.strip() for column in columns.split(",")}
        model = models[table]
        for field in model._meta.concrete_fields:
            if field.column in given or field.null or field.primary_key:
                continue
            value = field.get_db_prep_save(field.get_default(), django_connection)
            if not isinstance(value, (str, int, float, bool)):
                value = "" if value is None else str(value)
            conn.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                    sql.Identifier(table), sql.Identifier(field.column), sql.Literal(value)
                )
            )
            done.append((table, field.column))
    conn.commit()
    return done


def _drop_defaults(conn, columns: list[tuple[str, str]]) -> None:
    from psycopg import sql

    for table, column in columns:
        conn.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(sql.Identifier(table), sql.Identifier(column)))
    conn.commit()


def drop_number_sequences(conn) -> None:
    """The per-region-and-year sequences intake creates on first use (after the highest number)."""
    for (name,) in conn.execute("SELECT sequencename FROM pg_sequences WHERE sequencename LIKE 'case_number_%'").fetchall():
        conn.execute(f'DROP SEQUENCE IF EXISTS "{name}"')
    conn.commit()


def table_counts(conn) -> dict:
    out = {}
    for table in ("cases_case", "cases_caseevent", "cases_notification", "org_department", "org_user"):
        out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


def ensure(*, rebuild: bool = False, n: int = N_CASES, log=print) -> dict:
    """Load the data unless it is there already. Returns the generation record."""
    with _raw() as conn:
        meta = _meta(conn)
        restored = _restore_indexes(conn)
        if restored:
            log(f"recreated {restored} indexes left dropped by an interrupted load")
        have = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        if have >= n and not rebuild and "generation" in meta:
            log(f"reusing the bench database: {have:,} cases already loaded "
                f"(generated {meta['generation']['generated_at']}, in {meta['generation']['total_seconds']:.0f} s); "
                "--rebuild to regenerate")
            record = dict(meta["generation"])
            record["reused"] = True
            return record
    return generate(n=n, log=log)


def generate(*, n: int = N_CASES, log=print) -> dict:
    from django.db import connection

    from minsheng.cases.catalogue import load_catalogue
    from minsheng.org.demo import load_org

    started = time.perf_counter()
    timings = {}
    log("loading the organisation and the catalogue …")
    load_org()
    load_catalogue()
    org = Org()
    clock = Clock(date(2021, 12, 1), date(2026, 12, 31))
    self_check(clock)
    connection.close()
    timings["org_and_self_check"] = time.perf_counter() - started

    gen = Generator(org, clock)
    with _raw() as conn:
        _meta(conn)
        conn.execute("TRUNCATE " + ", ".join(CASE_TABLES) + " RESTART IDENTITY CASCADE")
        conn.execute("DELETE FROM bench_meta")
        conn.commit()
        drop_number_sequences(conn)
        _drop_indexes(conn)
        defaults = _temporary_defaults(conn, {
            "cases_case": CASE_COLUMNS, "cases_caseevent": EVENT_COLUMNS, "cases_notification": NOTIFICATION_COLUMNS,
        })
        if defaults:
            log(f"columns left to their defaults: {', '.join(f'{t}.{c}' for t, c in defaults)}")
        conn.execute("SET session_replication_role = replica")  # no FK triggers during the load
        conn.execute("SET synchronous_commit = off")
        t0 = time.perf_counter()
        plans = gen.plan(n)
        log(f"planned {len(plans):,} cases in {time.perf_counter() - t0:.1f} s; generating and copying …")
        t_sim = t_copy = 0.0
        for start in range(0, len(plans), CHUNK):
            a = time.perf_counter()
            rows = ([], [], [], [], [])
            for offset, (t_reg, channel, fate) in enumerate(plans[start:start + CHUNK]):
                gen.simulate(start + offset + 1, t_reg, channel, fate, rows)
            cases, events, co_rows, stuck_rows = rows[0], rows[1], rows[3], rows[4]
            ev_lines, nt_lines = gen.event_rows(events)
            b = time.perf_counter()
            with conn.cursor() as cur:
                for table, columns, lines in (
                    ("cases_case", CASE_COLUMNS, cases),
                    ("cases_caseevent", EVENT_COLUMNS, ev_lines),
                    ("cases_notification", NOTIFICATION_COLUMNS, nt_lines),
                    ("cases_case_co_departments", "case_id, department_id", co_rows),
                    ("cases_case_stuck_departments", "case_id, department_id", stuck_rows),
                ):
                    if lines:
                        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            copy.write("".join(lines))
            conn.commit()
            t_sim += b - a
            t_copy += time.perf_counter() - b
            done = min(start + CHUNK, len(plans))
            if done % 100_000 == 0 or done == len(plans):
                log(f"  {done:>9,} cases, {gen.counts['events']:,} events, {gen.counts['notifications']:,} notifications "
                    f"({time.perf_counter() - started:.0f} s)")
        del plans
        timings["simulate_seconds"] = t_sim
        timings["copy_seconds"] = t_copy
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        _drop_defaults(conn, defaults)
        for (region_id, year), last in gen.sequences.items():
            conn.execute(
                "INSERT INTO cases_casenumbersequence (region_id, year, last) VALUES (%s, %s, %s)", [region_id, year, last]
            )
        for table, column in (("cases_case", "id"), ("cases_caseevent", "id"), ("cases_notification", "id"),
                              ("cases_case_co_departments", "id"), ("cases_case_stuck_departments", "id"),
                              ("cases_casenumbersequence", "id")):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                         f"(SELECT coalesce(max({column}), 0) + 1 FROM {table}), false)")
        conn.commit()

        log("building indexes …")
        t0 = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        conn.commit()
        _restore_indexes(conn)
        timings["index_seconds"] = time.perf_counter() - t0
        log(f"  indexes built in {timings['index_seconds']:.0f} s; VACUUM ANALYZE …")
        t0 = time.perf_counter()
        conn.autocommit = True
        for table in INDEXED_TABLES + ["cases_casenumbersequence"]:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.autocommit = False
        timings["vacuum_analyze_seconds"] = time.perf_counter() - t0

        counts = table_counts(conn)
        sizes = {
            table: conn.execute("SELECT pg_total_relation_size(%s)", [table]).fetchone()[0]
            for table in ("cases_case", "cases_caseevent", "cases_notification")
        }
        total = time.perf_counter() - started
        record = {
            "generated_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
            "git_commit": _git_commit(),
            "now": NOW.isoformat(),
            "seed": SEED,
            "total_seconds": round(total, 1),
            "timings": {k: round(v, 1) for k, v in timings.items()},
            "rows": counts,
            "bytes": sizes,
            "states": dict(sorted(gen.counts["states"].items(), key=lambda kv: -kv[1])),
            "overdue_open": gen.counts["overdue"],
            "events_per_case": round(gen.counts["events"] / max(gen.counts["cases"], 1), 2),
            "high_water": {
                "case": conn.execute("SELECT coalesce(max(id), 0) FROM cases_case").fetchone()[0],
                "event": conn.execute("SELECT coalesce(max(id), 0) FROM cases_caseevent").fetchone()[0],
                "notification": conn.execute("SELECT coalesce(max(id), 0) FROM cases_notification").fetchone()[0],
            },
            "reused": False,
        }
        conn.execute(
            "INSERT INTO bench_meta VALUES ('generation', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [json.dumps(record, ensure_ascii=False)],
        )
        conn.commit()
    log(f"generated in {total:.0f} s: {counts['cases_case']:,} cases, {counts['cases_caseevent']:,} events, "
        f"{counts['cases_notification']:,} notifications")
    return record


def verify(sample: int = 1000) -> dict:
    """Re-plan a sample of open cases with the app's own `open_stage` and `plan_next_check`
    (from their stage start and level as loaded) and compare: the generated deadlines must be
    what the actions would have written. Also: nothing is due at NOW before the benchmark."""
    from django.db.models import Q

    from minsheng.cases.actions._base import open_stage
    from minsheng.cases.models import OPEN_STATES, Case

    open_cases = list(
        Case.objects.filter(Q(state__in=OPEN_STATES) | Q(state="closed"))
        .select_related("kind", "category")
        .order_by("?")[:sample]
    )
    mismatches = []
    for case in open_cases:
        loaded = (case.due_at, case.warn_at, case.next_check_at)
        open_stage(case, case.state, case.stage_started_at, reset_ladder=False)
        if (case.due_at, case.warn_at, case.next_check_at) != loaded:
            mismatches.append({"number": case.number, "state": case.state, "loaded": [str(v) for v in loaded],
                               "app": [str(case.due_at), str(case.warn_at), str(case.next_check_at)]})
    due_now = Case.objects.filter(next_check_at__lte=NOW).count()
    return {"checked": len(open_cases), "mismatches": len(mismatches), "examples": mismatches[:3], "due_at_now": due_now}
