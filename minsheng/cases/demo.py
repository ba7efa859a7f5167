"""The case engine's demo data: the 湖口县 "办不成事" window since it opened in May 2021, and
the 12345 hotline's cases in the city and two districts since the first of last month (so last
month's scorecards rank several departments), replayed through the real actions.

Every case lives a life: registered, accepted, dispatched (sometimes to the wrong bureau and
returned), signed (sometimes late), handled, perhaps given more time or a 督办单, closed with a
result, and rated at the callback (an unsatisfied rating sends it back: 重办). Each step runs
under `clock.fixed(moment)`, so events, deadlines and on-time flags carry real timestamps,
and all steps of all cases run in time order with the worker's sweep replayed in between, so
warnings, escalations, callback invitations and automatic archiving happen as they would
have. The replay stops at the anchor ("now", at the latest 2026-12-10); the simulated worker
stops the evening before, so the first real `minsheng worker --once` has work to do: it
climbs the ladder for the cases that went overdue overnight and invites the morning's
callbacks. A handful of scripted cases guarantee what the journeys (JOURNEYS.md 3-9) need.

Deterministic: each case draws from its own `random.Random` seeded from SEED.
"""

import itertools
import logging
import random
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from heapq import heappop, heappush
from zoneinfo import ZoneInfo

from django.db.models import Min
from django.utils import timezone

from minsheng.cases import actions
from minsheng.cases.actions import Intake
from minsheng.cases.catalogue import CITY_DEPARTMENT_FOR, ENTERPRISE, GENERAL, STUCK
from minsheng.cases.models import Case, CaseKind, Category, Channel, Rating, RequestType, Result, State
from minsheng.cases.workflow import stage_days
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.identity import resident_id_check_char, uscc_check_char
from minsheng.org import workdays
from minsheng.org.models import Department, Region, RegionLevel, User

logger = logging.getLogger("minsheng.demo")

SEED = 20210506
SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW_OPENED = date(2021, 5, 6)  # the 湖口县 window's first working day after May Day 2021
ANCHOR_CAP = datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)
# The working-day calendar knows 2026 and no later: no deadline may pass 24:00 of 2026-12-20.
LATEST_DUE = datetime(2026, 12, 21, 0, 0, tzinfo=SHANGHAI)

# 湖口县: cases a year, busier as the window became known (2026 is scaled to the part elapsed).
HUKOU_PER_YEAR = {2021: 40, 2022: 60, 2023: 70, 2024: 80, 2025: 92, 2026: 105}
HUKOU_KINDS = [(STUCK, 70), (GENERAL, 20), (ENTERPRISE, 10)]
# The city's 12345 hotline and three districts, since the first of last month (the scorecards).
OTHERS_PER_MONTH = 75
OTHER_REGIONS = [("九江市", 50), ("浔阳区", 30), ("濂溪区", 20)]
# What the hotline hears most (scenario, weight): housing and city management above all, so a
# month gives several departments enough cases to be ranked. The districts hear only those two.
DISTRICT_SCENARIOS = [
    ("property-fees", 6), ("night-works", 4), ("old-community", 3), ("elevator", 4),
    ("street-vending", 5), ("garbage", 5), ("streetlight", 3), ("illegal-building", 4),
]
CITY_SCENARIOS = [
    ("property-fees", 6), ("night-works", 4), ("old-community", 3), ("elevator", 4),
    ("street-vending", 5), ("garbage", 5), ("streetlight", 3), ("illegal-building", 4),
    ("wage-arrears", 4), ("pension-transfer", 2), ("prepaid-card", 3), ("food-safety", 3),
    ("medical-reimbursement", 1), ("medical-question", 1), ("transfer-registration", 1),
    ("policy-benefit", 3), ("inspections", 2), ("hiring", 1),
]

# Personas who act for their department (others act as the system, actor=None).
HANDLERS = {"湖口县住建局": "huangxin", "湖口县自然资源局": "wumin", "市住建局": "lihong"}
HEADS = {"湖口县住建局": "zhoujian", "湖口县自然资源局": "guofang", "市住建局": "lihong"}

# Last dropped steps of the most recent load (a step an action refused); empty when all ran.
dropped: list[str] = []


# --- people, enterprises, places -------------------------------------------------------------

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方邹熊秦江尹段雷侯龙陶黎贺顾毛郝龚邵万严"
)
GIVEN = [
    "秀英", "桂兰", "建国", "志强", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "文", "辉", "华", "红", "鹏", "玲", "婷",
    "宇", "浩", "凯", "雪", "琴", "春梅", "海燕", "金花", "建华", "国强", "德明", "志华", "玉兰", "淑珍",
    "晓东", "俊", "燕", "斌", "萍", "冬梅", "小平", "爱国", "水生", "火根", "细妹", "满英", "和平", "新民",
    "思远", "子涵", "欣怡", "雨轩", "梓萱", "浩然", "佳怡", "金凤", "长青", "国平",
]
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
    "158", "159", "177", "180", "181", "182", "183", "186", "187", "188", "189", "199",
]
COMPANY_WORDS = ["石钟", "鄱湖", "金沙湾", "长江", "双钟", "凰村", "彭蠡", "江湖", "明湖", "华赣", "九鼎", "润泽", "恒昌", "瑞丰"]
INDUSTRIES = [
    "新材料", "精细化工", "物流", "农业科技", "建材", "食品", "纺织", "电子科技", "机械制造", "商贸", "水产养殖",
    "钢结构", "光伏科技", "船舶修造",
]
USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

HUKOU_COMMUNITIES = [
    "石钟山小区", "湖滨花园", "东湖小区", "金色家园", "鄱湖明珠", "滨江花园", "锦绣华府", "文昌苑", "电厂宿舍",
    "粮食局宿舍", "凰村新区", "县委大院", "南门新村", "翰林府", "江湖春晓",
]
HUKOU_ROADS = ["石钟路", "湖光路", "文昌路", "东湖路", "南门路", "沿江大道", "双钟大道", "上石钟路", "教育路", "人民路"]
HUKOU_TOWNSHIPS = ["均桥镇", "武山镇", "城山镇", "大垅乡", "流泗镇", "马影镇", "流芳乡", "舜德乡", "付垅乡"]
VILLAGES = ["大屋村", "新桥村", "杨桥村", "官桥村", "石门村", "湖田村", "港口村", "花园村"]
CITY_COMMUNITIES = [
    "八里湖新区", "十里小区", "长虹小区", "湖滨新村", "白水湖小区", "庐峰小区", "甘棠小区", "濂溪新城",
    "柴桑春天", "浔阳江畔", "天河小区", "九龙新村", "莲花小区", "烟水亭小区",
]
CITY_ROADS = ["浔阳路", "庐山南路", "长虹大道", "九龙街", "十里大道", "濂溪大道", "前进东路", "湖滨路", "甘棠南路", "滨江路"]
SHOPS = ["鑫源超市", "顺发餐馆", "惠民药店", "兴旺五金", "好邻居便利店", "金源建材", "老街早餐店", "乐乐母婴店"]
POLICIES = [
    "工业企业技术改造奖补", "企业研发费用后补助", "失业保险稳岗返还", "中小企业纾困贷款贴息",
    "新增规上工业企业奖励", "外贸企业出口信用保险补贴",
]
CENTRES = {"湖口县": (29.7386, 116.2442), "九江市": (29.7050, 116.0019), "浔阳区": (29.7270, 115.9930),
           "濂溪区": (29.6710, 115.9890), "柴桑区": (29.6090, 115.9120)}


def person(rng: random.Random, region: Region, *, with_id: bool) -> dict:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    id_number = ""
    if with_id:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
        area = region.code[:6] if region.level != RegionLevel.CITY else rng.choice(["360402", "360403"])
        first17 = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
        id_number = first17 + resident_id_check_char(first17)
    return {"requester_name": name, "requester_phone": phone, "requester_id_number": id_number}


def organisation_code(rng: random.Random) -> str:
    """A GB 11714 organisation code with its check character, as found inside a USCC."""
    body = "MA3" + "".join(rng.choice(USCC_BODY) for _ in range(5))
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def enterprise(rng: random.Random, region: Region) -> dict:
    prefix = "湖口县" if region.name == "湖口县" else "九江市"
    name = f"{prefix}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"
    first17 = "91" + (region.code[:6] if region.level != RegionLevel.CITY else "360400") + organisation_code(rng)
    return {"enterprise_name": name, "enterprise_uscc": first17 + uscc_check_char(first17)}


def slots(rng: random.Random, region: Region, day: date) -> dict:
    hukou = region.name == "湖口县"
    return {
        "community": rng.choice(HUKOU_COMMUNITIES if hukou else CITY_COMMUNITIES),
        "road": rng.choice(HUKOU_ROADS if hukou else CITY_ROADS),
        "num": rng.randint(1, 288),
        "building": f"{rng.randint(1, 18)}栋{rng.randint(1, 4)}单元",
        "households": rng.choice([12, 14, 16, 18, 22, 24, 28, 32]),
        "months": rng.randint(2, 6),
        "visits": rng.randint(2, 6),
        "days": rng.randint(12, 35),
        "township": rng.choice(HUKOU_TOWNSHIPS),
        "village": rng.choice(VILLAGES),
        "shop": rng.choice(SHOPS),
        "amount": rng.choice([8600, 12000, 23500, 46800, 65000, 128000, 260000]),
        "workers": rng.randint(3, 40),
        "policy": rng.choice(POLICIES),
        "year": day.year - rng.randint(1, 3),
        "county": region.name,
    }


# --- what people bring ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    kinds: tuple[str, ...]
    category: str  # catalogue code
    department: str  # the short name of the department whose job it is ("住建局")
    title: str
    description: str
    wants: str = ""
    request_type: str = ""
    applied_for: str = ""  # 办不成事: the matter that got stuck
    applied_where: str = ""
    answers: Callable[[random.Random, dict], dict] | None = None
    notes: tuple[str, ...] = ()
    contact: str = "已电话联系诉求人，了解具体情况并告知办理进度。"
    solved: str = "已按诉求人要求办理完毕。"
    explained: tuple[str, str] = ("经核实，诉求人反映的情况已向其解释说明。", "相关政策规定")
    unsolvable: tuple[str, str] = ("", "")
    wrong: tuple[str, str, str] | None = None  # (the department it gets mis-sent to, its reason, its basis)
    located: bool = False
    weight: int = 1


def elevator_answers(rng, values):
    return {"building": values["building"], "consent": "yes"}


SCENARIOS = [
    # --- 办不成事: the 湖口县 window -----------------------------------------------------------
    Scenario(
        "elevator", (STUCK, GENERAL), "elevator-retrofit", "住建局",
        "{community}{building}加装电梯审批{months}个月未办结",
        "我们{community}{building}共{households}户，已全部签字同意加装电梯，{months}个月前把申请材料交到"
        "政务服务中心住建窗口，至今没有审批结果。前后跑了{visits}次，每次都说还在审查。楼里老人多，上下楼很困难。",
        wants="尽快出审批结果；还缺什么材料一次性告知。",
        applied_for="既有住宅加装电梯审批", applied_where="县政务服务中心住建窗口", answers=elevator_answers,
        notes=("已调阅申请档案，卡在施工图设计审查环节，已协调设计单位三个工作日内补正。",
               "已组织住建、自然资源、消防联合会审。"),
        solved="已完成联合审查，出具加装电梯审批意见书，施工单位已办理开工备案。",
        explained=("经核实，本单元一户业主书面反对加装电梯，尚未达成一致，审批暂缓；已请社区组织协商，协商一致后即可办理。",
                   "《九江市既有住宅加装电梯实施办法》：须经本单元专有部分面积和人数均占三分之二以上的业主同意"),
        unsolvable=("楼栋与相邻建筑间距不满足消防车通道要求，现方案无法通过审查。",
                    "已告知诉求人调整电梯井位置后重新申报，设计单位同意免费修改方案。"),
        wrong=("自然资源局", "加装电梯审批由住建部门牵头，我局仅出具规划意见，已于申请时出具。",
               "《{county}既有住宅加装电梯工作实施方案》职责分工"),
        weight=5,
    ),
    Scenario(
        "construction-permit", (STUCK, ENTERPRISE), "approval-overdue", "住建局",
        "建筑工程施工许可证{days}个工作日未核发",
        "我们在{road}的项目{days}个工作日前在网上申报施工许可，材料已按要求补正两次，系统一直显示“审查中”，"
        "到窗口问了{visits}次，答复是等领导签字。工期一拖再拖，工人每天都在等。",
        wants="按承诺时限核发施工许可证。",
        applied_for="建筑工程施工许可证核发", applied_where="县政务服务中心投资项目审批窗口",
        notes=("已核查审批系统，卡在质量安全监督手续环节，已当面协调。",),
        solved="已完成审查，施工许可证已核发并送达，今后同类事项实行容缺受理。",
        explained=("项目消防设计审查意见尚未出具，依法须先取得，已一次性告知需补的消防图纸。",
                   "《建筑工程施工许可管理办法》第四条"),
        wrong=("政务服务中心", "施工许可审查由县住建局负责，中心窗口仅负责收件。", "《{county}政务服务事项清单》"),
        weight=3,
    ),
    Scenario(
        "housing-fund", (STUCK,), "repeated-materials", "住建局",
        "提取住房公积金反复补材料，跑了{visits}次",
        "我申请提取住房公积金用于偿还房贷，窗口第一次说缺婚姻证明，第二次说缺还款流水，第三次又要单位证明。"
        "前后跑了{visits}次，每次只说一样。",
        wants="一次性告知所需材料，尽快办理提取。",
        applied_for="住房公积金提取（偿还购房贷款）", applied_where="县政务服务中心公积金窗口",
        solved="已按“一次性告知”核对材料，当场办理提取，款项已到账；对窗口人员进行了批评教育。",
        explained=("诉求人所贷款项为商业贷款，按规定需提供近一年还款流水，已一次性告知并协助网上打印。",
                   "《九江市住房公积金提取管理办法》"),
        weight=2,
    ),
    Scenario(
        "transfer-registration", (STUCK, GENERAL), "property-registration", "自然资源局",
        "二手房过户登记跑了{visits}次未办成",
        "我在{community}买的二手房，{months}个月前交齐材料申请过户，登记中心先说缺原购房发票，补了之后又说要原房主到场，"
        "原房主在外地打工，来回跑了{visits}次还没办成。",
        wants="一次性告知需要的材料，能否委托或远程办理。",
        applied_for="二手房转移登记（过户）", applied_where="县不动产登记中心",
        notes=("已查明：原房主可通过“跨省通办”视频核验身份，无需到场。",),
        solved="已通过远程视频核验原房主身份，当日完成转移登记，不动产权证书已领取。",
        explained=("该房屋存在法院查封登记，查封解除前不能办理转移登记，已告知诉求人。", "《不动产登记暂行条例》第二十二条"),
        unsolvable=("该房屋为未分割的单位集资房，尚未办理首次登记，暂不能办理转移登记。",
                    "已协调原单位启动首次登记，办结后通知诉求人。"),
        wrong=("住建局", "不动产登记属自然资源部门职责，非我局职责。", "《不动产登记暂行条例》第六条"),
        weight=4,
    ),
    Scenario(
        "first-registration", (STUCK,), "property-registration", "自然资源局",
        "{community}交房{months}年仍办不了房产证",
        "{community}{year}年交房，开发商一直说在办，业主们到不动产登记中心问了{visits}次，说开发商材料不全。"
        "现在孩子上学、办贷款都要房产证。",
        wants="尽快办理不动产权证书。",
        applied_for="新建商品房首次登记及转移登记", applied_where="县不动产登记中心",
        notes=("已约谈开发企业，督促其补齐竣工验收备案材料。",),
        solved="开发企业已补齐材料，首次登记办结，已开通“交房即交证”专窗，业主可分批领证。",
        unsolvable=("开发企业尚欠土地出让金，首次登记无法办理。", "已移交县政府专班依法追缴，同步启动“带押过户”等替代办法。"),
        weight=2,
    ),
    Scenario(
        "homestead", (STUCK,), "land-use", "自然资源局",
        "{township}{village}农村建房审批{months}个月未批",
        "我家在{township}{village}，旧房是危房，{months}个月前向镇里和县自然资源局申请原址翻建，"
        "村里、镇里都签了字，到县里一直没批下来，跑了{visits}次。",
        wants="尽快批复，赶在雨季前动工。",
        applied_for="农村村民住宅建设审批（原址翻建）", applied_where="县自然资源局",
        solved="已完成审查，核发乡村建设规划许可证，镇村已到现场放样。",
        explained=("申请地块位于长江岸线一公里范围内，按规定不得新建，已引导诉求人在村集中建房点选址。",
                   "《长江保护法》第二十六条"),
        weight=2,
    ),
    Scenario(
        "forest-felling", (STUCK,), "land-use", "林业局",
        "林木采伐许可申请{days}个工作日没有回音",
        "我承包的{village}山场有一片成熟杉木，{days}个工作日前申请采伐许可，窗口收了材料后就没有消息，跑了{visits}次。",
        wants="尽快核发采伐许可证。",
        applied_for="林木采伐许可证核发", applied_where="县政务服务中心林业窗口",
        solved="已现场核实采伐蓄积，采伐许可证已核发。",
        wrong=("自然资源局", "林木采伐许可由林业主管部门核发，不属于我局职责。",
               "《中华人民共和国森林法》第五十六条；《{county}林业局职能配置、内设机构和人员编制规定》"),
        weight=1,
    ),
    Scenario(
        "licence-change", (STUCK, ENTERPRISE), "approval-overdue", "市场监管局",
        "营业执照变更登记{days}个工作日未办结",
        "我开的{shop}要变更经营范围，网上提交申请{days}个工作日了，状态一直是“审核中”。打电话问说是系统问题，"
        "去窗口跑了{visits}次，影响和客户签合同。",
        wants="尽快完成变更登记。",
        applied_for="营业执照变更登记（经营范围）", applied_where="县政务服务中心市场监管窗口",
        notes=("已核查系统流转记录，系省级平台数据推送失败。",),
        solved="已人工完成变更登记，新营业执照已发放，并向省平台报送了故障。",
        explained=("新增的经营范围“食品销售”须先取得食品经营许可，已一次性告知所需材料。",
                   "《市场主体登记管理条例》第十四条"),
        weight=3,
    ),
    Scenario(
        "business-start", (STUCK, ENTERPRISE), "approval-overdue", "市场监管局",
        "企业开办承诺1个工作日，{days}天了还没办完",
        "新公司网上申请设立登记，承诺一个工作日办结，结果营业执照、公章、税务登记分别跑了三个地方，"
        "{days}天了发票还申领不了，前后跑了{visits}次。",
        wants="按承诺时限一次办完企业开办全部事项。",
        applied_for="企业开办（设立登记、公章刻制、发票申领）", applied_where="县政务服务中心企业开办专窗",
        solved="已在企业开办专窗一次办结营业执照、公章和发票申领，免费寄递到企业。",
        weight=2,
    ),
    Scenario(
        "food-licence", (STUCK,), "approval-overdue", "市场监管局",
        "小餐馆食品经营许可证{days}天未发",
        "我在{road}开了家小餐馆，{days}天前申请食品经营许可，现场核查也做了，说好二十天内发证，到现在没拿到，跑了{visits}次。",
        wants="尽快发证，好正常营业。",
        applied_for="食品经营许可", applied_where="县政务服务中心市场监管窗口",
        solved="核查意见已补录，食品经营许可证已核发。",
        explained=("现场核查发现后厨布局不符合生熟分开要求，已书面告知整改，整改后即可发证。", "《食品经营许可和备案管理办法》"),
        weight=2,
    ),
    Scenario(
        "pension-transfer", (STUCK, GENERAL), "pension", "人社局",
        "养老保险关系转移{months}个月未办好",
        "我在浙江打工十几年，现在回老家，{months}个月前申请把养老保险转回来，社保局说在等转出地回函，跑了{visits}次。"
        "明年就到退休年龄了。",
        wants="尽快办好转移接续，不影响退休。",
        applied_for="城镇职工基本养老保险关系转移接续", applied_where="县社保中心",
        notes=("已与转出地社保经办机构电话核对，对方同意三日内补发联系函。",),
        solved="转出地已完成基金划转，转移接续办结，缴费年限已合并计算。",
        explained=("转出地尚未完成基金划转，按规定须基金到账后方能办结；我局已发函催办，到账后即办。",
                   "《城镇企业职工基本养老保险关系转移接续暂行办法》"),
        wrong=("医保局", "养老保险关系转移由人社部门经办，医保关系转移另行办理，不属于我局职责。",
               "《{county}医疗保障局职能配置、内设机构和人员编制规定》"),
        weight=3,
    ),
    Scenario(
        "retirement", (STUCK,), "pension", "人社局",
        "退休待遇核定{months}个月没有结果",
        "我已满六十岁，{months}个月前递交退休申请，档案里的出生日期和身份证不一致，要我补材料，补了又说要公示，跑了{visits}次。",
        wants="尽快核定退休待遇并发放养老金。",
        applied_for="企业职工退休待遇核定", applied_where="县社保中心",
        solved="已按档案最早记载认定出生日期，完成退休审批，养老金自次月起发放并补发。",
        weight=2,
    ),
    Scenario(
        "unemployment", (STUCK,), "employment", "人社局",
        "失业保险金申领{days}天未到账",
        "单位裁员后我在网上申领失业保险金，{days}天了没有到账，打电话说要我去窗口，窗口又说网上能办，跑了{visits}次。",
        wants="尽快发放失业保险金。",
        applied_for="失业保险金申领", applied_where="县就业服务中心",
        solved="已核实参保缴费记录，补录审核，失业保险金已按月发放并补发。",
        weight=2,
    ),
    Scenario(
        "medical-reimbursement", (STUCK, GENERAL), "medical-insurance", "医保局",
        "异地住院医疗费报销{months}个月未到账",
        "我父亲去年在南昌住院，没办异地就医备案，回来后交了全部报销材料，{months}个月了钱还没到账，跑了{visits}次，"
        "每次都说在审核。",
        wants="尽快报销到账。",
        applied_for="异地就医医疗费用手工报销", applied_where="县医保服务中心",
        solved="已完成审核，报销款已转入诉求人社保卡，并为其办理了长期异地就医备案。",
        explained=("未备案异地就医按规定报销比例下调十个百分点，已解释说明并完成报销。", "《江西省基本医疗保险异地就医管理办法》"),
        wrong=("人社局", "医疗费用报销由医保部门经办，不属于我局职责。", "《{county}人力资源和社会保障局职能配置、内设机构和人员编制规定》"),
        weight=3,
    ),
    Scenario(
        "newborn-insurance", (STUCK,), "medical-insurance", "医保局",
        "新生儿医保参保办了{visits}次没办成",
        "孩子出生两个月，想办医保参保，窗口说户口要先上，派出所说出生证明信息有误要医院改，医院又让去医保，来回跑了{visits}次。",
        wants="新生儿出生“一件事”一次办好。",
        applied_for="新生儿城乡居民医保参保登记", applied_where="县政务服务中心医保窗口",
        solved="已通过“出生一件事”联办，户口登记、医保参保、社保卡申领一次办结。",
        weight=1,
    ),
    Scenario(
        "school-transfer", (STUCK, GENERAL), "school-admission", "教体局",
        "随迁子女转学手续{days}天办不下来",
        "我们一家从外地回湖口工作，孩子要转入县城小学，学校说要教体局同意，教体局说要学位，{days}天了还没办下来，跑了{visits}次。",
        wants="尽快安排学位，孩子能上学。",
        applied_for="义务教育阶段转学", applied_where="县教育体育局",
        solved="已统筹安排学位，孩子已到校报到，学籍转接办结。",
        explained=("所在片区学校学位已满，按规定统筹安排到相邻学校，并开通校车接送。", "《{county}义务教育招生入学工作方案》"),
        weight=2,
    ),
    Scenario(
        "transport-permit", (STUCK, ENTERPRISE), "approval-overdue", "交通运输局",
        "道路运输经营许可{days}个工作日未办结",
        "我们运输队申请道路普通货物运输经营许可，{days}个工作日了还没有结果，车辆买了不能上路，跑了{visits}次。",
        wants="尽快核发道路运输经营许可证。",
        applied_for="道路普通货物运输经营许可", applied_where="县政务服务中心交通窗口",
        solved="已完成审查，道路运输经营许可证和车辆营运证已核发。",
        weight=1,
    ),
    # --- 一般诉求: the hotline and the public site ------------------------------------------------
    Scenario(
        "property-fees", (GENERAL,), "property-management", "住建局",
        "{community}物业擅自上调物业费", "{community}物业公司没有开业主大会就把物业费从每平方米0.8元涨到1.2元，"
        "小区电梯经常停运也不修。", wants="查处违规涨价，督促维修电梯。", request_type=RequestType.COMPLAINT,
        notes=("已约谈物业公司负责人，责令暂停执行新收费标准。",),
        solved="物业公司已恢复原收费标准并公示，停运电梯已维修并通过检验。",
        explained=("物业费调整已经业主大会表决通过并在小区公示，程序合法；已督促物业公司公开收支情况。", "《物业管理条例》第四十条"),
        located=True, weight=3,
    ),
    Scenario(
        "night-works", (GENERAL,), "construction-noise", "住建局",
        "{road}工地夜间施工噪音扰民", "{road}附近的工地每天晚上十一点以后还在打桩、浇筑混凝土，周围居民无法休息。",
        wants="禁止夜间违规施工。", request_type=RequestType.COMPLAINT,
        solved="已现场检查，该工地未办理夜间施工许可，已责令停止夜间施工并立案处罚。",
        explained=("该工地因连续浇筑工艺需要已依法办理夜间施工许可并公示，已要求其采取降噪措施、尽量缩短作业时间。",
                   "《中华人民共和国噪声污染防治法》第四十三条"),
        located=True, weight=2,
    ),
    Scenario(
        "old-community", (GENERAL,), "old-community", "住建局",
        "建议将{community}纳入老旧小区改造", "{community}建于上世纪九十年代，雨污管网堵塞，下雨就积水，外墙脱落，建议纳入今年老旧小区改造计划。",
        wants="纳入改造计划。", request_type=RequestType.SUGGESTION,
        solved="已将{community}纳入明年老旧小区改造计划，先行疏通了雨污管网。",
        explained=("该小区已列入明年改造计划，今年先行开展管网疏通和外墙排险。", "《{county}城镇老旧小区改造实施方案》"),
        located=True, weight=2,
    ),
    Scenario(
        "street-vending", (GENERAL,), "street-vending", "城管局",
        "{road}早市占道经营堵路", "{road}每天早上摊贩占满人行道和半幅车道，上学高峰车辆无法通行，垃圾也没人清。",
        wants="规范摊点，保持道路通畅。", request_type=RequestType.COMPLAINT,
        solved="已设置临时便民疏导点，引导摊贩入点经营，早高峰安排队员值守。",
        wrong=("交通运输局", "占道经营属城市管理综合执法事项，不属于我局职责。", "《{county}城市管理局职能配置、内设机构和人员编制规定》"),
        located=True, weight=3,
    ),
    Scenario(
        "garbage", (GENERAL,), "sanitation", "城管局",
        "{community}门口垃圾好几天没人清运", "{community}门口的垃圾桶满了好几天没有清运，天热发臭，苍蝇很多。",
        wants="及时清运垃圾。", request_type=RequestType.COMPLAINT,
        solved="已当日清运并消杀，督促保洁公司调整清运频次为每日两次。",
        located=True, weight=3,
    ),
    Scenario(
        "streetlight", (GENERAL,), "streetlight", "城管局",
        "{road}路灯连续一周不亮", "{road}从{num}号往东一段路灯连续一周不亮，晚上很黑，老人孩子出行不安全。",
        wants="尽快修复路灯。", request_type=RequestType.REQUEST,
        solved="已更换损坏的电缆和灯具，路灯恢复照明。",
        located=True, weight=2,
    ),
    Scenario(
        "illegal-building", (GENERAL,), "illegal-building", "城管局",
        "{community}顶楼住户违规搭建阳光房", "{community}{building}顶楼住户在楼顶平台搭建阳光房，占用公共部位，还漏水到楼下。",
        wants="依法拆除违建。", request_type=RequestType.COMPLAINT,
        solved="已立案调查，当事人已自行拆除违建，恢复楼顶平台原状。",
        wrong=("自然资源局", "城镇建成区内违法建设的查处属城市管理综合执法部门职责，不属于我局职责。",
               "《{county}城市管理相对集中行政处罚权实施方案》"),
        located=True, weight=2,
    ),
    Scenario(
        "wage-arrears", (GENERAL,), "wage-arrears", "人社局",
        "{road}工地拖欠农民工工资{amount}元", "我们{workers}个人在{road}工地做了四个月，包工头拖欠工资共{amount}元，一直推说总包没拨款。",
        wants="帮忙讨回工资。", request_type=RequestType.REQUEST,
        answers=lambda rng, values: {"amount": values["amount"], "workers": values["workers"]},
        notes=("已约谈总包单位和劳务分包负责人，启用农民工工资保证金。",),
        solved="经劳动保障监察介入，拖欠工资已全额支付到农民工个人账户。",
        explained=("经查诉求人与用工方系承揽合同关系，不属于劳动保障监察范围，已引导其向法律援助中心申请援助。",
                   "《保障农民工工资支付条例》"),
        located=True, weight=3,
    ),
    Scenario(
        "prepaid-card", (GENERAL,), "consumer-rights", "市场监管局",
        "健身房关门预付卡无法退费", "我在{road}的健身房办了三千元年卡，才用两个月健身房就关门了，老板联系不上。",
        wants="退还剩余费用。", request_type=RequestType.COMPLAINT,
        solved="经调解，经营者已按剩余月份退还费用。",
        unsolvable=("经营者已注销并失联，无法调解。", "已汇总受损消费者名单移送公安机关，并告知诉求人可提起民事诉讼。"),
        weight=2,
    ),
    Scenario(
        "food-safety", (GENERAL,), "food-safety", "市场监管局",
        "{road}超市销售过期食品", "在{road}{shop}买的牛奶已经过期三天，找店家理论不肯退换。",
        wants="查处并退款。", request_type=RequestType.COMPLAINT,
        solved="已现场检查并下架过期食品，对超市立案处罚，诉求人已获十倍赔偿。",
        located=True, weight=2,
    ),
    Scenario(
        "rural-road", (GENERAL,), "rural-road", "交通运输局",
        "{township}{village}通村公路坑洼不平", "{township}{village}的通村公路坑洼很多，下雨积水，电动车经常摔倒。",
        wants="尽快修补路面。", request_type=RequestType.REQUEST,
        solved="已安排养护队修补坑槽，路面已恢复平整。",
        explained=("该路段已列入明年农村公路提质改造计划，今年先行修补坑槽。", "《{county}农村公路提质改造三年行动方案》"),
        located=True, weight=2,
    ),
    Scenario(
        "medical-question", (GENERAL,), "medical-insurance", "医保局",
        "咨询门诊慢特病待遇如何申请", "我母亲患糖尿病多年，想问门诊慢特病待遇怎么申请，需要哪些材料。",
        wants="告知办理流程。", request_type=RequestType.CONSULTATION,
        solved="已电话告知申请流程和材料，并帮助在“赣服通”上提交了申请。",
        weight=1,
    ),
    Scenario(
        "bbq-fumes", (GENERAL,), "fumes", "生态环境分局",
        "{road}烧烤店油烟直排扰民", "{road}{num}号楼下的烧烤店没有安装油烟净化器，油烟直接排到楼上住户家里，每天营业到凌晨。",
        wants="督促安装油烟净化设施。", request_type=RequestType.COMPLAINT,
        solved="已责令烧烤店安装油烟净化器并限期整改，复查已达标。",
        located=True, weight=1,
    ),
    # --- 企业诉求 ------------------------------------------------------------------------------
    Scenario(
        "policy-benefit", (ENTERPRISE,), "policy-benefit", "工信局",
        "{policy}资金申报后迟迟未兑现", "我公司去年按要求申报了{policy}，公示已过去{months}个月，资金一直没有拨付，企业资金周转紧张。",
        wants="尽快兑现奖补资金。", answers=lambda rng, values: {"policy": values["policy"]},
        notes=("已会同财政部门核对资金拨付进度。",),
        solved="奖补资金已拨付到企业账户，今后同类政策实行“免申即享”。",
        explained=("该项资金分两期拨付，第一期已拨付，第二期待项目验收后拨付，已告知验收时间安排。", "{policy}实施细则"),
        wrong=("财政局", "资金拨付以主管部门审核意见为准，请由主管部门牵头办理。", "《{county}惠企政策资金兑现管理办法》"),
        weight=3,
    ),
    Scenario(
        "inspections", (ENTERPRISE,), "inspection", "市场监管局",
        "一个月内被不同部门检查{visits}次", "本月内已有{visits}批次检查人员到我公司检查，内容大同小异，影响正常生产。",
        wants="合并检查，落实入企检查备案和“宁静生产日”。",
        answers=lambda rng, values: {"kinds": rng.sample(["safety", "environment", "fire", "market"], 2)},
        solved="已核查入企检查备案记录，对未备案检查予以通报，今后对该企业实行“综合查一次”。",
        weight=2,
    ),
    Scenario(
        "power-connection", (ENTERPRISE,), "utilities", "工信局",
        "新厂房用电报装{days}天未接电", "我公司新厂房已具备投产条件，{days}天前申请高压用电报装，供电公司说线路要改造，一直没有接电。",
        wants="协调尽快接电投产。",
        solved="已协调供电公司调整施工计划，线路改造完成，已正式送电。",
        weight=2,
    ),
    Scenario(
        "hiring", (ENTERPRISE,), "employment", "人社局",
        "企业招工难，请求帮助对接", "我公司扩产需招聘操作工{workers}名，在本地招了两个月只招到几个人。",
        wants="帮助对接劳动力资源。",
        solved="已组织专场招聘会，为企业推荐求职者，已有部分人员入职，并落实了一次性吸纳就业补贴。",
        weight=1,
    ),
    Scenario(
        "land-procedure", (ENTERPRISE,), "land-use", "自然资源局",
        "工业用地不动产权证书{months}个月未办出", "我公司竞得的工业用地土地款已缴清{months}个月，不动产权证书一直没有办出，影响办理施工许可和贷款。",
        wants="尽快办理不动产权证书。",
        solved="已完成地籍调查和登记审核，不动产权证书已颁发。",
        weight=1,
    ),
]
SCENARIOS_BY_KEY = {scenario.key: scenario for scenario in SCENARIOS}

REJECT_REASONS = [
    "反映事项系民事合同纠纷，不属于行政办理事项，已告知可通过人民调解或诉讼途径解决。",
    "反映事项已进入司法程序，依法不予受理。",
    "重复反映，已并入原件办理。",
    "反映事项不属于本县管辖，已告知向有管辖权的部门反映。",
]
GOOD_COMMENTS = ["", "", "办理及时，态度很好。", "问题解决了，感谢！", "效率很高。", "工作人员很耐心。"]
SO_SO_COMMENTS = ["", "问题解决了，就是时间长了点。", "基本解决，希望以后更快。"]
UNSATISFIED_COMMENTS = [
    "问题没有真正解决，只是打电话解释了一下。",
    "答复和实际情况不符，希望重新核实。",
    "说好的时间没有落实，还在拖。",
]


# --- how departments work --------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    sign_late: float  # share of sign-fors after the limit
    close_late: float  # share of closes after the deadline
    returns: float  # share of cases that go through a return
    extension: float  # share asking for more time
    unsatisfied: float  # extra chance of an unsatisfied callback
    solved: float  # share closed as 已解决


PROFILES = {
    "湖口县住建局": Profile(0.10, 0.14, 0.05, 0.10, 0.04, 0.74),
    "湖口县自然资源局": Profile(0.20, 0.26, 0.10, 0.12, 0.08, 0.64),
    "湖口县人社局": Profile(0.03, 0.05, 0.03, 0.05, 0.02, 0.84),
    "湖口县市场监管局": Profile(0.05, 0.08, 0.03, 0.06, 0.03, 0.80),
    "湖口县医保局": Profile(0.06, 0.10, 0.04, 0.06, 0.03, 0.78),
    "市住建局": Profile(0.06, 0.12, 0.05, 0.08, 0.04, 0.72),
    "市城管局": Profile(0.14, 0.20, 0.08, 0.04, 0.08, 0.70),
    "市人社局": Profile(0.02, 0.04, 0.03, 0.05, 0.02, 0.82),
    "市市场监管局": Profile(0.04, 0.10, 0.04, 0.05, 0.05, 0.76),
    "浔阳区住建局": Profile(0.16, 0.22, 0.06, 0.08, 0.06, 0.66),
    "浔阳区城管局": Profile(0.08, 0.12, 0.05, 0.04, 0.05, 0.74),
    "濂溪区城管局": Profile(0.22, 0.30, 0.10, 0.04, 0.10, 0.62),
}


def profile_for(department: Department) -> Profile:
    known = PROFILES.get(department.name)
    if known is not None:
        return known
    rng = random.Random(f"{SEED}-profile-{department.name}")
    return Profile(
        rng.uniform(0.03, 0.15), rng.uniform(0.05, 0.2), rng.uniform(0.02, 0.08), rng.uniform(0.03, 0.08),
        rng.uniform(0.02, 0.07), rng.uniform(0.65, 0.82),
    )


# --- time ------------------------------------------------------------------------------------

OPENS, CLOSES = 8 * 60 + 40, 17 * 60 + 20  # office hours, minutes after midnight


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def wd(day: date, n: int) -> date:
    return workdays.add_working_days(day, n)


def office_time(rng: random.Random, day: date, earliest: datetime | None = None, *, latest: int = CLOSES) -> datetime:
    """A moment in office hours on `day`, or the first working day after it with room, never
    before `earliest`."""
    if earliest is not None:
        day = max(day, local(earliest).date())
    while True:
        if workdays.is_working_day(day):
            low = OPENS
            if earliest is not None and local(earliest).date() == day:
                low = max(low, local(earliest).hour * 60 + local(earliest).minute + 5)
            if low <= latest:
                minute = rng.randint(low, latest)
                return at(day, minute // 60, minute % 60)
        day += timedelta(days=1)


def soon(rng: random.Random, moment: datetime, low: int, high: int) -> datetime:
    """`low`..`high` minutes later if that stays in office hours; else the next working morning."""
    candidate = local(moment) + timedelta(minutes=rng.randint(low, high))
    minutes = candidate.hour * 60 + candidate.minute
    if candidate.date() == local(moment).date() and workdays.is_working_day(candidate.date()) and OPENS <= minutes <= CLOSES:
        return candidate
    day = local(moment).date()
    if workdays.is_working_day(day) and minutes < OPENS and candidate.date() == day:
        return at(day, 8, 40) + timedelta(minutes=rng.randint(0, 60))
    return at(wd(day, 1), 8, 40) + timedelta(minutes=rng.randint(0, 90))


def last_day(due: datetime) -> date:
    """The last working day of a stage due at 24:00 of that day."""
    return local(due).date() - timedelta(days=1)


def ends_in_time(moment: datetime, days: int) -> bool:
    """Whether `days` working days from `moment` end before LATEST_DUE (the calendar's horizon)."""
    try:
        return workdays.due_at(moment, days) <= LATEST_DUE
    except ActionError:
        return False


def fits(case: Case, state: str, moment: datetime) -> bool:
    """Whether the stage `state` entered at `moment` would end before LATEST_DUE."""
    days = stage_days(case, state)
    return days is None or ends_in_time(moment, days)


# --- the replay ------------------------------------------------------------------------------

Step = tuple[datetime, Callable[[], object]]
Life = Generator[Step, object, None]


class Replay:
    """Runs the steps of many lives in time order, the worker's sweep in between."""

    def __init__(self, anchor: datetime, worker_until: datetime):
        self.anchor = anchor
        self.worker_until = worker_until
        self.heap: list = []
        self.sequence = 0
        self.last = datetime(2000, 1, 1, tzinfo=SHANGHAI)
        self.steps = 0
        self.sweeps = 0
        self.next_due = self.first_due()

    def add(self, life: Life, value=None) -> None:
        try:
            moment, step = life.send(value)
        except StopIteration:
            return
        self.sequence += 1
        heappush(self.heap, (moment, self.sequence, life, step))

    def run(self) -> None:
        while self.heap:
            moment, _, life, step = heappop(self.heap)
            if moment >= self.anchor:  # the future: this life stops here for now
                life.close()
                continue
            if moment < self.last:
                raise RuntimeError(f"演示数据的步骤时间倒流：{moment} < {self.last}")
            self.sweep(moment)
            self.last = moment
            try:
                with clock.fixed(moment):
                    result = step()
            except ActionError as error:
                name = getattr(step, "func", step).__name__
                dropped.append(f"{moment:%Y-%m-%d %H:%M} {name}: {error}")
                logger.warning("演示数据：%s %s 未执行：%s", moment, name, error)
                life.close()
                continue
            self.steps += 1
            self.noticed(result)
            self.add(life, result)
        self.sweep(self.worker_until)

    @staticmethod
    def first_due() -> datetime | None:
        return Case.objects.filter(next_check_at__isnull=False).aggregate(first=Min("next_check_at"))["first"]

    def noticed(self, result) -> None:
        """An action plans the next check of its own case only: keep the earliest in view."""
        case = result[0] if isinstance(result, tuple) else getattr(result, "case", None)
        due = getattr(case, "next_check_at", None)
        if due is not None and (self.next_due is None or due < self.next_due):
            self.next_due = due

    def sweep(self, moment: datetime) -> None:
        """What the worker would have done up to `moment` (never past `worker_until`), each
        piece of work at the moment it fell due."""
        limit = min(moment, self.worker_until)
        while self.next_due is not None and self.next_due <= limit:
            self.next_due = self.first_due()  # the case that was first may have moved on
            if self.next_due is None or self.next_due > limit:
                return
            with clock.fixed(self.next_due):
                actions.sweep_due_cases(limit=1000, now=self.next_due)
            self.sweeps += 1
            self.next_due = self.first_due()


@dataclass
class Demo:
    regions: dict[str, Region]
    anchor: datetime
    kinds: dict[str, CaseKind] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    named: dict[str, Case] = field(default_factory=dict)

    def __post_init__(self):
        self.kinds = {k.code: k for k in CaseKind.objects.all()}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.departments = {d.name: d for d in Department.objects.select_related("region")}
        self.users = {u.username: u for u in User.objects.select_related("department__region")}
        self.hukou = self.regions["湖口县"]
        self.today = local(self.anchor).date()

    # who

    def department(self, region: Region, short: str) -> Department:
        if region.level == RegionLevel.CITY:
            return self.departments[CITY_DEPARTMENT_FOR.get(short, f"市{short}")]
        return self.departments[f"{region.name}{short}"]

    def user(self, username: str | None) -> User | None:
        return self.users.get(username) if username else None

    def handler(self, department: Department) -> User | None:
        return self.user(HANDLERS.get(department.name))

    def head(self, department: Department) -> User | None:
        return self.user(HEADS.get(department.name))

    def supervisor(self, region: Region) -> User:
        return self.users["liuwei"] if region == self.hukou else self.users["sunli"]

    def registrar(self, region: Region, channel: str) -> User | None:
        if channel != Channel.WINDOW:
            return None
        return self.users["chenjing"] if region == self.hukou else self.users["sunli"]

    # what

    def intake(self, rng: random.Random, region: Region, kind_code: str, scenario: Scenario, channel: str, day: date,
               values: dict | None = None, **extra) -> Intake:
        values = values or slots(rng, region, day)
        kind = self.kinds[kind_code]
        right = self.department(region, scenario.department)
        fields = {
            "region": region,
            "kind": kind,
            "category": self.categories[scenario.category],
            "channel": channel,
            **person(rng, region, with_id=rng.random() < 0.15),
            "title": scenario.title.format_map(values)[:100],
            "description": scenario.description.format_map(values),
            "wants": scenario.wants.format_map(values),
            "request_type": scenario.request_type if kind_code == GENERAL else "",
            "answers": scenario.answers(rng, values) if scenario.answers else {},
        }
        if channel == Channel.WINDOW:
            fields["proposed_department"] = right
        if kind.requires_uscc:
            fields |= enterprise(rng, region)
        if kind.is_stuck_matter:
            waited = values["days"] * 7 // 5 if "{days}" in scenario.description else 30 * values["months"]
            applied = day - timedelta(days=waited + rng.randint(0, 6))
            fields |= {
                "applied_for": scenario.applied_for or scenario.title.format_map(values)[:60],
                "applied_where": scenario.applied_where,
                "applied_on": applied if applied >= WINDOW_OPENED else None,
                "stuck_departments": [right],
                "visits": values["visits"],
            }
            if rng.random() < 0.4:
                fields["outside_reference"] = f"{region.code[:6]}{max(applied, WINDOW_OPENED):%y%m%d}{rng.randrange(10**5):05d}"
        if scenario.located:
            latitude, longitude = CENTRES.get(region.name, CENTRES["九江市"])
            fields |= {
                "address": f"{region.name}{values['road']}{values['num']}号",
                "latitude": f"{latitude + rng.uniform(-0.015, 0.015):.6f}",
                "longitude": f"{longitude + rng.uniform(-0.015, 0.015):.6f}",
            }
        return Intake(**(fields | extra))


CO_DEPARTMENT = {"住建局": "自然资源局", "自然资源局": "住建局", "城管局": "生态环境分局", "人社局": "医保局",
                 "医保局": "人社局", "市场监管局": "商务局", "工信局": "财政局"}
CONFUSED_WITH = {"住建局": "自然资源局", "自然资源局": "住建局", "城管局": "住建局", "人社局": "医保局", "医保局": "人社局",
                 "市场监管局": "商务局", "教体局": "人社局", "交通运输局": "城管局", "工信局": "财政局",
                 "生态环境分局": "城管局", "林业局": "自然资源局"}


def choose_result(rng: random.Random, profile: Profile, scenario: Scenario) -> str:
    roll = rng.random()
    if roll < profile.solved:
        return Result.SOLVED
    if scenario.unsolvable[0] and roll > 0.93:
        return Result.UNSOLVABLE
    return Result.EXPLAINED


def result_texts(result: str, scenario: Scenario, values: dict) -> tuple[str, str]:
    if result == Result.SOLVED:
        return scenario.solved.format_map(values), ""
    text_, basis = scenario.explained if result == Result.EXPLAINED else scenario.unsolvable
    return text_.format_map(values), basis.format_map(values)


def choose_rating(rng: random.Random, result: str, profile: Profile) -> str:
    unsatisfied = {Result.SOLVED: 0.03, Result.EXPLAINED: 0.12, Result.UNSOLVABLE: 0.3}[result] + profile.unsatisfied
    basically = {Result.SOLVED: 0.15, Result.EXPLAINED: 0.35, Result.UNSOLVABLE: 0.4}[result]
    roll = rng.random()
    if roll < unsatisfied:
        return Rating.UNSATISFIED
    if roll < unsatisfied + basically:
        return Rating.BASICALLY
    return Rating.SATISFIED


def life(demo: Demo, rng: random.Random, region: Region, registered: datetime, kind_code: str, scenario: Scenario,
         channel: str, *, smooth: bool = False) -> Life:
    """One case from registration to archive, as chance and its department's habits make it.
    `smooth`: no refusal, return, lateness or unhappy callback (the window's first case)."""
    values = slots(rng, region, registered.date())
    right = demo.department(region, scenario.department)
    profile = profile_for(right)
    supervisor = demo.supervisor(region)
    handler = demo.handler(right)
    intake = demo.intake(rng, region, kind_code, scenario, channel, local(registered).date(), values)
    case, _code = yield registered, partial(actions.do_register_case, intake, actor=demo.registrar(region, channel))

    # 受理, or not.
    if not smooth and rng.random() < 0.03:
        yield soon(rng, registered, 20, 150), partial(
            actions.do_reject_case, case, reason=rng.choice(REJECT_REASONS), actor=supervisor
        )
        return
    moment = soon(rng, registered, 10, 120) if rng.random() < 0.85 else office_time(rng, wd(local(registered).date(), 1))
    if not fits(case, State.ACCEPTED, moment):
        return
    event = yield moment, partial(actions.do_accept_case, case, actor=supervisor)
    case = event.case
    if not smooth and rng.random() < 0.012:
        yield soon(rng, moment, 30, 400), partial(
            actions.do_withdraw_case, case, reason="诉求人来电称问题已自行解决，申请撤回。", actor=None, by_requester=True
        )
        return

    # 派单, perhaps to the wrong bureau first, or to the right one that tries to hand it on.
    returns = not smooth and rng.random() < profile.returns
    other_short = scenario.wrong[0] if scenario.wrong else CONFUSED_WITH.get(scenario.department)
    other = demo.department(region, other_short) if other_short else None
    misdirected = returns and other is not None and rng.random() < 0.7
    first = other if misdirected else right
    co = []
    if rng.random() < 0.08 and scenario.department in CO_DEPARTMENT:
        co = [demo.department(region, CO_DEPARTMENT[scenario.department])]
    moment = soon(rng, moment, 5, 90)
    if not fits(case, State.DISPATCHED, moment):
        return
    event = yield moment, partial(
        actions.do_dispatch_case, case, department=first, co_departments=co, actor=supervisor,
        note="请按时限签收办理。" if rng.random() < 0.3 else "",
    )
    case = event.case
    if returns and other is not None:
        moment = soon(rng, moment, 30, 240)
        if not fits(case, State.RETURNED, moment):
            return
        if misdirected and scenario.wrong:
            reason, basis = scenario.wrong[1].format_map(values), scenario.wrong[2].format_map(values)
        elif misdirected:
            reason = f"经核实，该事项不属于本单位职责，建议转{right.name}办理。"
            basis = f"《{first.name}职能配置、内设机构和人员编制规定》（“三定”方案）"
        else:
            reason = f"该事项主要涉及{other.name}职责，建议由{other.name}牵头办理。"
            basis = f"《{right.name}职能配置、内设机构和人员编制规定》（“三定”方案）"
        event = yield moment, partial(actions.do_return_case, case, reason=reason, legal_basis=basis, actor=demo.handler(first))
        case = event.case
        moment = soon(rng, moment, 20, 180)
        if not fits(case, State.DISPATCHED, moment):
            return
        if misdirected:
            step = partial(
                actions.do_dispatch_case, case, department=right, co_departments=co, actor=supervisor, note="退单理由成立，改派。"
            )
        else:
            step = partial(
                actions.do_uphold_dispatch, case, actor=supervisor,
                reason=f"经核实，该事项属{right.name}职责范围，请按时办理，{other.name}予以配合。",
            )
        event = yield moment, step
        case = event.case

    # 签收, on time or late.
    if not smooth and rng.random() < profile.sign_late:
        moment = office_time(rng, wd(last_day(case.due_at), rng.choice([1, 1, 2, 3])), moment)
    else:
        moment = soon(rng, moment, 15, 240)
    if not fits(case, State.HANDLING, moment):
        return
    event = yield moment, partial(actions.do_sign_case, case, actor=handler)
    case = event.case
    signed = moment

    # 办理: contact the requester, perhaps a note, a co-department's view, more time or a 督办单.
    moment = soon(rng, moment, 20, 300)
    method = rng.choice(["phone", "phone", "phone", "visit", "meeting"])
    event = yield moment, partial(actions.do_record_contact, case, method=method, summary=scenario.contact, actor=handler)
    if not smooth and rng.random() < 0.012:
        yield office_time(rng, wd(local(moment).date(), 1)), partial(
            actions.do_withdraw_case, case, reason="诉求人表示已在窗口现场办好，申请撤回。", actor=None, by_requester=True
        )
        return
    deadline_day = last_day(case.due_at)
    if scenario.notes and workdays.working_days_between(local(moment).date(), deadline_day) >= 2 and rng.random() < 0.6:
        note_day = wd(local(moment).date(), 1)
        moment = office_time(rng, note_day, moment)
        note = rng.choice(scenario.notes)
        event = yield moment, partial(actions.do_add_note, case, text=note, public_text=note if rng.random() < 0.5 else "", actor=handler)
    co_handler = demo.handler(co[0]) if co else None
    if co_handler is not None:
        moment = soon(rng, moment, 30, 300)
        event = yield moment, partial(
            actions.do_add_note, case, text="协办意见：已核查本部门办理环节，无需补充材料，配合牵头部门办理。",
            actor=co_handler, co_department=True,
        )
    late = not smooth and rng.random() < profile.close_late
    if not smooth and rng.random() < profile.extension:
        day = max(local(moment).date(), wd(deadline_day, -1))
        request = office_time(rng, day, moment)
        days = rng.choice([3, 5, 5, 7, 10])
        try:
            fits_extension = workdays.end_of_working_day(wd(deadline_day, days)) <= LATEST_DUE
        except ActionError:
            fits_extension = False
        if request < case.due_at and fits_extension:
            event = yield request, partial(
                actions.do_request_extension, case, days=days, actor=handler,
                reason="需等待相关部门出具意见，" + f"预计还需{days}个工作日。",
            )
            moment = soon(rng, request, 40, 300)
            approve = rng.random() < 0.85
            event = yield moment, partial(
                actions.do_decide_extension, case, approve=approve, actor=supervisor,
                note="同意延期，请在新期限内办结。" if approve else "理由不充分，请按原期限办结。",
            )
            case = event.case
            deadline_day = last_day(case.due_at)
            late = late and not approve
    if late:
        close_day = wd(deadline_day, rng.choice([1, 1, 2, 3, 5]))
        head = demo.head(right)
        notice_at = office_time(rng, wd(deadline_day, 1), moment, latest=11 * 60)
        if (
            head is not None
            and rng.random() < 0.5
            and workdays.working_days_between(deadline_day, close_day) >= 2
            and ends_in_time(notice_at, 2)
        ):
            moment = notice_at
            notice = yield moment, partial(
                actions.do_issue_supervision_notice, case, actor=supervisor, response_days=2,
                requirement=f"该件已超过办理期限，请{right.name}于2个工作日内办结并书面回复办理情况。",
            )
            moment = soon(rng, moment, 60, 400)
            yield moment, partial(
                actions.do_answer_supervision_notice, notice, actor=head,
                response="已召开专题会研究，明确专人负责，将于期限内办结。",
            )
    else:
        span = max(0, workdays.working_days_between(local(moment).date(), deadline_day))
        close_day = wd(local(moment).date(), min(rng.randint(0, span), rng.randint(0, span))) if span else local(moment).date()
    moment = office_time(rng, close_day, max(moment, signed))
    if not fits(case, State.CLOSED, moment):
        return
    result = Result.SOLVED if smooth else choose_result(rng, profile, scenario)
    result_text, basis = result_texts(result, scenario, values)
    event = yield moment, partial(actions.do_close_case, case, result=result, text=result_text, basis=basis, actor=handler)
    case = event.case

    # 回访: by phone (the supervisor) or on the public site (the requester); some never answer.
    for attempt in range(2):
        if rng.random() < 0.08 and not smooth:
            return  # the worker archives it when the callback time runs out
        callback_day = wd(local(moment).date(), rng.choice([1, 1, min(2, case.kind.callback_days)]))
        moment = office_time(rng, callback_day, at(callback_day, 9, 30))
        rating = Rating.SATISFIED if smooth else choose_rating(rng, result, profile)
        if attempt or not fits(case, State.HANDLING, moment):
            rating = Rating.BASICALLY if rating == Rating.UNSATISFIED else rating
        comment = {
            Rating.SATISFIED: rng.choice(GOOD_COMMENTS),
            Rating.BASICALLY: rng.choice(SO_SO_COMMENTS),
            Rating.UNSATISFIED: rng.choice(UNSATISFIED_COMMENTS),
        }[rating]
        by_requester = rng.random() < 0.35
        event = yield moment, partial(
            actions.do_rate_case, case, rating=rating, comment=comment, by_requester=by_requester,
            actor=None if by_requester else supervisor,
        )
        case = event.case
        if rating != Rating.UNSATISFIED:
            return
        # 重办: back to the same department, supervision raised.
        moment = office_time(rng, wd(local(moment).date(), rng.randint(1, 4)), moment)
        result = Result.SOLVED
        if not fits(case, State.CLOSED, moment):
            return
        event = yield moment, partial(
            actions.do_close_case, case, result=result, actor=handler,
            text="重新办理：" + scenario.solved.format_map(values),
        )
        case = event.case


# --- the scripted cases the journeys rely on ----------------------------------------------------


def scripted(demo: Demo) -> list[Life]:
    """Cases in the states the journeys need, relative to the anchor day (D(n): n working days before)."""
    anchor_day = demo.today
    hukou, city = demo.hukou, demo.regions["九江市"]
    liu, chen, huang, wu = (demo.users[name] for name in ("liuwei", "chenjing", "huangxin", "wumin"))
    sun, li = demo.users["sunli"], demo.users["lihong"]
    housing, land = demo.departments["湖口县住建局"], demo.departments["湖口县自然资源局"]

    def D(n: int, hour: int, minute: int = 0) -> datetime:
        return at(wd(anchor_day, -n), hour, minute)

    numbers = itertools.count(1)

    def intake(key: str, kind_code: str, channel: str, region: Region = hukou, **extra) -> Callable[[], Intake]:
        rng = random.Random(f"{SEED}-script-{next(numbers)}")
        scenario = SCENARIOS_BY_KEY[key]

        def build() -> Intake:
            fields = {name: value() if callable(value) else value for name, value in extra.items()}
            return demo.intake(rng, region, kind_code, scenario, channel, anchor_day, **fields)

        return build

    def register(build, actor):
        return lambda: actions.do_register_case(build(), actor=actor)

    def remember(name: str):
        def keep(result):
            demo.named[name] = result[0]
            return result
        return keep

    def story(*steps) -> Life:
        """Steps as (moment, function of the case); the first registers it."""
        case = None
        for moment, step in steps:
            result = yield moment, (step if case is None else partial(step, case))
            case = result[0] if isinstance(result, tuple) else getattr(result, "case", case)

    def accept(actor=liu):
        return lambda case: actions.do_accept_case(case, actor=actor)

    def dispatch(department, actor=liu, note=""):
        return lambda case: actions.do_dispatch_case(case, department=department, actor=actor, note=note)

    def sign(actor):
        return lambda case: actions.do_sign_case(case, actor=actor)

    def contact(actor, summary="已电话联系诉求人，了解具体情况并告知办理进度。"):
        return lambda case: actions.do_record_contact(case, method="phone", summary=summary, actor=actor)

    def note(actor, text_, public=""):
        return lambda case: actions.do_add_note(case, text=text_, public_text=public, actor=actor)

    def close(actor, text_, result=Result.SOLVED, basis=""):
        return lambda case: actions.do_close_case(case, result=result, text=text_, basis=basis, actor=actor)

    def registered_with(build, actor, name=None):
        step = register(build, actor)
        if name is None:
            return step
        keep = remember(name)
        return lambda: keep(step())

    elevator = SCENARIOS_BY_KEY["elevator"]
    lives = [
        # The underlying matter of a 办不成事 complaint: an online 过户 application, overdue at 自然资源局.
        story(
            (D(20, 10, 12), registered_with(intake(
                "transfer-registration", GENERAL, Channel.ONLINE, title="申请二手房过户登记",
                description="我在东湖小区买了一套二手房，今天在网上提交了转移登记申请，材料已按清单上传，请尽快办理。",
                wants="按承诺时限办结过户。",
            ), None, "underlying")),
            (D(20, 11, 0), accept()),
            (D(20, 11, 20), dispatch(land)),
            (D(19, 9, 30), sign(wu)),
            (D(19, 10, 10), contact(wu)),
            (D(15, 15, 0), note(wu, "已受理，等待税务部门推送完税信息后登簿。", "正在等待税务部门推送完税信息。")),
        ),
        # The complaint at the window, linking it (journey 3's kind of case, now being handled).
        story(
            (D(3, 9, 50), registered_with(intake(
                "transfer-registration", STUCK, Channel.WINDOW, visits=4,
                linked_case_number=lambda: demo.named["underlying"].number,
                applied_on=lambda: timezone.localtime(demo.named["underlying"].created_at).date(),
                title="网上申请二手房过户一个月没办成，跑了4次",
                description=lambda: (
                    f"上个月在网上申请东湖小区二手房过户（办件编号{demo.named['underlying'].number}），"
                    "承诺时限早就过了，网上状态一直是“办理中”。到不动产登记中心跑了4次，每次都说在等税务信息。"
                ),
            ), chen)),
            (D(3, 10, 20), accept()),
            (D(3, 10, 40), dispatch(land, note="关联原件已逾期，请加快办理。")),
            (D(2, 9, 10), sign(wu)),
            (D(2, 9, 40), contact(wu, "已电话联系诉求人，原件卡在完税信息推送，已与税务部门对接。")),
        ),
        # To accept (liuwei): a walk-in yesterday afternoon and an online request last night.
        story((D(1, 16, 10), register(intake("elevator", STUCK, Channel.WINDOW), chen))),
        story((D(1, 21, 15), register(intake("garbage", GENERAL, Channel.ONLINE), None))),
        # To dispatch (liuwei).
        story((D(1, 14, 30), register(intake("medical-reimbursement", STUCK, Channel.WINDOW), chen)), (D(1, 15, 0), accept())),
        story((D(1, 10, 0), register(intake("policy-benefit", ENTERPRISE, Channel.ONLINE), None)), (D(1, 10, 40), accept())),
        # To sign at 县住建局 (huangxin): in time, and one past its limit (journey 5).
        story(
            (D(1, 9, 20), register(intake("elevator", STUCK, Channel.WINDOW), chen)),
            (D(1, 9, 40), accept()),
            (D(1, 10, 0), dispatch(housing)),
        ),
        story(
            (D(2, 9, 30), register(intake("construction-permit", STUCK, Channel.WINDOW), chen)),
            (D(2, 9, 50), accept()),
            (D(2, 10, 15), dispatch(housing, note="企业反映强烈，请当日签收。")),
        ),
        # Not 县自然资源局's job (journey 6): a 违建 in town, sent there by mistake, for wumin to return.
        story(
            (D(1, 14, 0), register(intake("illegal-building", GENERAL, Channel.HOTLINE), None)),
            (D(1, 14, 20), accept()),
            (D(1, 14, 35), dispatch(land)),
        ),
        # A return waiting for liuwei's ruling: 林木采伐 is 县林业局's.
        story(
            (D(2, 15, 0), register(intake("forest-felling", STUCK, Channel.WINDOW), chen)),
            (D(2, 15, 20), accept()),
            (D(2, 15, 40), dispatch(land)),
            (D(1, 9, 30), lambda case: actions.do_return_case(
                case, reason=SCENARIOS_BY_KEY["forest-felling"].wrong[1],
                legal_basis=SCENARIOS_BY_KEY["forest-felling"].wrong[2].format(county="湖口县"), actor=wu)),
        ),
        # In hand at 县住建局 (huangxin): two going normally, one asking for more time, one overdue.
        story(
            (D(2, 9, 5), register(intake("elevator", STUCK, Channel.WINDOW), chen)),
            (D(2, 9, 30), accept()),
            (D(2, 9, 45), dispatch(housing)),
            (D(2, 11, 0), sign(huang)),
            (D(2, 14, 30), contact(huang)),
            (D(1, 10, 0), note(huang, elevator.notes[0], "已查明卡在设计审查环节，正在协调补正。")),
        ),
        # Two working days left of ten: yellow on the inbox ("即将到期").
        story(
            (D(8, 10, 0), register(intake("property-fees", GENERAL, Channel.HOTLINE), None)),
            (D(8, 10, 30), accept()),
            (D(8, 10, 50), dispatch(housing)),
            (D(8, 15, 0), sign(huang)),
            (D(7, 9, 30), contact(huang)),
        ),
        story(
            (D(4, 9, 0), register(intake("construction-permit", STUCK, Channel.WINDOW), chen)),
            (D(4, 9, 20), accept()),
            (D(4, 9, 40), dispatch(housing)),
            (D(4, 10, 30), sign(huang)),
            (D(4, 11, 0), contact(huang)),
            (D(1, 15, 30), lambda case: actions.do_request_extension(
                case, days=5, actor=huang, reason="消防设计审查意见尚未出具，需等待审查结果，预计5个工作日。")),
        ),
        # 赵阿姨's lift (JOURNEYS.md 3 and 10): stuck at the joint review, 3 visits, a 督办单; the
        # elevator demo links her application to this case.
        story(
            (D(8, 9, 10), register(intake("elevator", STUCK, Channel.WINDOW, requester_name="赵秀英", visits=3), chen)),
            (D(8, 9, 30), accept()),
            (D(8, 9, 50), dispatch(housing)),
            (D(7, 9, 30), sign(huang)),
            (D(7, 10, 0), contact(huang)),
            (D(5, 16, 0), note(huang, "设计单位尚未补正图纸，已再次催办。")),
            (D(1, 10, 0), lambda case: actions.do_issue_supervision_notice(
                case, actor=liu, response_days=2, requirement="该件已逾期，请县住建局2个工作日内办结并书面回复。")),
        ),
        # Closed, waiting for the callback (liuwei).
        story(
            (D(4, 14, 0), register(intake("elevator", STUCK, Channel.WINDOW), chen)),
            (D(4, 14, 30), accept()),
            (D(4, 14, 50), dispatch(housing)),
            (D(4, 16, 0), sign(huang)),
            (D(3, 9, 30), contact(huang)),
            (D(1, 15, 0), close(huang, elevator.solved)),
        ),
        story(
            (D(4, 10, 0), register(intake("licence-change", STUCK, Channel.WINDOW), chen)),
            (D(4, 10, 20), accept()),
            (D(4, 10, 40), dispatch(demo.departments["湖口县市场监管局"])),
            (D(4, 14, 0), sign(None)),
            (D(2, 16, 0), close(None, SCENARIOS_BY_KEY["licence-change"].solved)),
        ),
        # Refused, and withdrawn.
        story(
            (D(2, 10, 0), register(intake("prepaid-card", GENERAL, Channel.WINDOW,
                                          title="购房定金不退，请政府出面", description="我交了两万元购房定金后不想买了，开发商不退定金。"), chen)),
            (D(2, 10, 30), lambda case: actions.do_reject_case(case, reason=REJECT_REASONS[0], actor=liu)),
        ),
        story(
            (D(3, 14, 0), register(intake("pension-transfer", STUCK, Channel.WINDOW), chen)),
            (D(3, 14, 20), accept()),
            (D(3, 14, 40), dispatch(demo.departments["湖口县人社局"])),
            (D(2, 9, 0), lambda case: actions.do_withdraw_case(
                case, reason="诉求人表示转出地已办好，申请撤回。", actor=None, by_requester=True)),
        ),
        # The city (sunli, lihong): one in each open state.
        story((D(1, 11, 0), register(intake("property-fees", GENERAL, Channel.HOTLINE, region=city), None))),
        story((D(1, 9, 30), register(intake("night-works", GENERAL, Channel.HOTLINE, region=city), None)), (D(1, 10, 30), accept(sun))),
        story(
            (D(1, 14, 0), register(intake("elevator", GENERAL, Channel.API, region=city), None)),
            (D(1, 14, 40), accept(sun)),
            (D(1, 15, 0), dispatch(demo.departments["市住建局"], actor=sun)),
        ),
        story(
            (D(6, 9, 0), register(intake("old-community", GENERAL, Channel.HOTLINE, region=city), None)),
            (D(6, 9, 40), accept(sun)),
            (D(6, 10, 0), dispatch(demo.departments["市住建局"], actor=sun)),
            (D(6, 14, 0), sign(li)),
            (D(5, 10, 0), contact(li)),
        ),
        story(
            (D(3, 9, 0), register(intake("night-works", GENERAL, Channel.HOTLINE, region=city), None)),
            (D(3, 9, 30), accept(sun)),
            (D(3, 9, 50), dispatch(demo.departments["市住建局"], actor=sun)),
            (D(3, 11, 0), sign(li)),
            (D(1, 16, 0), close(li, SCENARIOS_BY_KEY["night-works"].solved)),
        ),
    ]
    return lives


# --- the whole load --------------------------------------------------------------------------


def anchor_now() -> datetime:
    return min(local(clock.now()), ANCHOR_CAP)


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def hukou_lives(demo: Demo, stop: date) -> list[Life]:
    """The 湖口县 window's history, from its first day to the anchor."""
    hukou = demo.hukou
    lives = []
    for year, per_year in HUKOU_PER_YEAR.items():
        start = max(date(year, 1, 1), WINDOW_OPENED)
        end = min(date(year, 12, 31), stop)
        if end < start:
            continue
        share = ((end - start).days + 1) / ((date(year, 12, 31) - start).days + 1)
        count = round(per_year * share)
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        working = [day for day in days if workdays.is_working_day(day)]
        for index in range(count):
            rng = random.Random(f"{SEED}-hukou-{year}-{index}")
            kind_code = weighted(rng, HUKOU_KINDS)
            scenarios = [s for s in SCENARIOS if kind_code in s.kinds]
            scenario = rng.choices(scenarios, weights=[s.weight for s in scenarios])[0]
            channel = Channel.WINDOW if kind_code == STUCK else weighted(
                rng, [(Channel.HOTLINE, 5), (Channel.ONLINE, 4), (Channel.WINDOW, 1)]
            )
            if year == 2021 and index == 0:
                day, scenario, kind_code, channel, smooth = WINDOW_OPENED, SCENARIOS_BY_KEY["elevator"], STUCK, Channel.WINDOW, True
                moment = at(day, 9, 12)
            else:
                day, smooth = rng.choice(working), False
                moment = office_time(rng, day)
            lives.append(life(demo, rng, hukou, moment, kind_code, scenario, channel, smooth=smooth))
    return lives


def other_lives(demo: Demo, start: date, stop: date) -> list[Life]:
    """The 12345 hotline's cases in the city and three districts since `start`."""
    lives = []
    months = (stop.year - start.year) * 12 + stop.month - start.month + 1
    days = [start + timedelta(days=n) for n in range((stop - start).days + 1)]
    for index in range(OTHERS_PER_MONTH * months):
        rng = random.Random(f"{SEED}-other-{index}")
        region = demo.regions[weighted(rng, OTHER_REGIONS)]
        scenario = SCENARIOS_BY_KEY[weighted(rng, CITY_SCENARIOS if region.level == RegionLevel.CITY else DISTRICT_SCENARIOS)]
        kind_code = GENERAL if GENERAL in scenario.kinds else ENTERPRISE
        channel = weighted(rng, [(Channel.HOTLINE, 7), (Channel.API, 2), (Channel.ONLINE, 1)])
        day = rng.choice(days)
        moment = at(day, rng.randint(7, 21), rng.randint(0, 59))
        lives.append(life(demo, rng, region, moment, kind_code, scenario, channel))
    return lives


def load_cases(regions: dict[str, Region]) -> None:
    """Replay the cases up to the anchor; then send the outbox as of the anchor, so the demo's
    first worker run does not resend years of old notifications."""
    dropped.clear()
    anchor = anchor_now()
    demo = Demo(regions=regions, anchor=anchor)
    anchor_day = demo.today
    worker_until = at(wd(anchor_day, -1), 18, 0)
    replay = Replay(anchor, worker_until)
    recent = (anchor_day.replace(day=1) - timedelta(days=1)).replace(day=1)  # the first of last month
    notifications = logging.getLogger("minsheng.notifications")
    level = notifications.level
    notifications.setLevel(logging.WARNING)
    try:
        for one in hukou_lives(demo, anchor_day) + other_lives(demo, recent, anchor_day) + scripted(demo):
            replay.add(one)
        replay.run()
        with clock.fixed(anchor):
            while actions.send_pending(limit=1000, now=anchor):
                pass
    finally:
        notifications.setLevel(level)
    logger.debug("演示办件：%d步，%d次巡检，%d步未执行。", replay.steps, replay.sweeps, len(dropped))


def send_pending_at(anchor) -> None:
    """Send what the replayed history left in the outbox, at `anchor` and without a log line a
    message (the console sender would print thousands), so the demo's first worker run sends
    only what it creates itself."""
    notifications = logging.getLogger("minsheng.notifications")
    level = notifications.level
    notifications.setLevel(logging.WARNING)
    try:
        with clock.fixed(anchor):
            while actions.send_pending(limit=1000, now=anchor):
                pass
    finally:
        notifications.setLevel(level)


def summary() -> str:
    counts = Counter(Case.objects.values_list("state", flat=True))
    parts = "，".join(f"{State(state).label}{counts[state]}" for state in State.values if counts[state])
    return f"已载入诉求件{sum(counts.values())}件（{parts}）。"
