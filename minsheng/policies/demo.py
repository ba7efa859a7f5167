"""The enterprise-policy demo (JOURNEYS.md 13): the city's and two counties' policies on one
platform (查办送一体、市县一体) over the enterprise demo's registry of 武宁县 and 修水县.

- Staff: 涂红 (tuhong) of 武宁县工信局 keeps the county's policies and walks journey 13; 蔡燕
  (caiyan) of 市工信局 keeps the city's; an officer of each other issuing bureau (no login),
  武宁县工信局's and 市科技局's heads (told of late payments), and 修水县工信局's own staff from the
  enterprise demo.
- Certifications, filed by 李萍 of 武宁县营商办: 江西省2026年度专精特新中小企业 (13 firms, from
  28 September) and two 专精特新"小巨人" (工业和信息化部, 2025).
- The yearly figures of 2024 and 2025 of every firm with last year's figures in 武宁县 and 修水县,
  imported by each county's 营商办 one data source at a time, as each sends them: employees
  (人社部门, February), the 规上 firms' revenue (统计部门, March), the others' revenue and the tax
  paid (税务部门, June, after the annual settlement), R&D share (科技部门) and invention patents
  (市场监管部门). 2025's revenue and employees are the registry's. In November the statistics
  bureau corrects one firm's revenue, and that firm alone is re-matched (listed for two rewards).
- 35 policies: 18 of the city's bureaus (市工信局, 市科技局, 市人社局, 市商务局, 市财政局,
  市市场监管局, 市发改委), 14 of 武宁县, 3 of 修水县, each with its 文号, guide, benefit type, a
  fixed / rate / tier formula with its floor and cap, a budget; 武宁县's two growth rewards are one
  exclusivity group. 9 are 免申即享, the rest by application, most of them asking for one material.
  All published within 7 working days of issue but 九江市促进外贸稳规模优结构若干措施 (published
  late); 市发改委's newest is still a draft; two of 2025 have expired.
- Journey 13: 武宁县支持专精特新企业加快成长奖励办法 (武府办发〔2026〕46号), 5万 to every
  专精特新 firm (or "小巨人") whose revenue grew 15% last year, 免申即享, issued twelve working days
  ago: exactly 14 firms eligible, matched, reviewed and confirmed by 涂红, publicly listed three
  working days ago (the listing ends two working days from today; the payment order may follow).
- Other deliveries in every step: listed for review (市人社局's jobs reward, matched three days
  ago, three firms confirmed yesterday), waiting for budget (市工信局's growth reward: its budget
  is four-fifths of what its firms would receive), publicly listed, an objection that sent a firm
  back to review (市商务局's), ordered, paid (the city's "小巨人" reward, 武宁县's and 修水县's growth
  rewards), one payment late (市科技局's 高企 reward), rejected (a safety accident; a second
  reward of the exclusivity group).
- Applications, each a case of 惠企政策申报, in every stage: submitted, reviewed, publicly listed,
  ordered, paid, rejected; one with an explanation for the condition it misses (employees); one
  whose payment is past its case's limit, red on 李萍's supervision board (武宁县工业企业设备更新改造奖补).
- The firm manager of journey 13: 王琴 of 江西卓德石英材料有限公司 (统一社会信用代码
  913604237279231050, contact phone 18284603464; the firm logs in with its code and the SMS code the
  console prints). She meets exactly two policies in force, both by application:
  九江市中小企业数字化转型奖补 (asks for a material) and 武宁县重点中小企业成长培育奖励 (asks for none;
  it texted her when published), and misses exactly one by one condition: 武宁县企业稳岗扩岗补贴
  wants 20 employees last year, she had 18. She has applied for nothing yet.
- Delivery figures: payments made this year by the city's policies, 武宁县's and 修水县's, side by side.

Everything goes through the actions under the clock of its day; the worker's sweeps (late
payouts reported, the application cases' ladder) are replayed up to yesterday evening, as the
cases' load does. One seed, so every load is the same; "today" is the other demos' anchor (at the
latest 2026-12-10)."""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from minsheng.cases.actions import do_sign_case
from minsheng.cases.demo import Replay, anchor_now, at, local, send_pending_at
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.enterprises import actions as enterprise_actions
from minsheng.enterprises.demo.helping import staff
from minsheng.enterprises.demo.registry import person
from minsheng.enterprises.models import Certification, CertificationKind, Entity, EntityKind, EntityStatus
from minsheng.org import workdays
from minsheng.org.models import Department, Region, Role, User
from minsheng.policies import actions, benefits, conditions, queries
from minsheng.policies.models import (
    ApplicationStage,
    DataSource,
    EventKind,
    FirmFigure,
    Payout,
    PayoutState,
    Policy,
    PolicyApplication,
    PolicyEvent,
    PolicyState,
)

SEED = "20200818"
MANAGER_FIRM = "江西卓德石英材料有限公司"
JOURNEY = "journey"
JOURNEY_ELIGIBLE = 14
NEW_SPECIALISED = 13  # 江西省2026年度专精特新中小企业 in 武宁县
CENT = Decimal("0.01")


@contextmanager
def on(day: date, hour: int, minute: int = 0):
    with clock.fixed(at(day, hour, minute)):
        yield


def wd(day: date, n: int) -> date:
    return workdays.add_working_days(day, n)


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


# --- people --------------------------------------------------------------------------------------------

# The issuing bureaus' officers without a login (username, department, title, role).
OFFICERS = [
    ("zc01", "市科技局", "高新技术科科长", Role.HANDLER),
    ("zc02", "市人社局", "就业促进科科长", Role.HANDLER),
    ("zc03", "市商务局", "商贸流通科科长", Role.HANDLER),
    ("zc04", "市财政局", "企业科科长", Role.HANDLER),
    ("zc05", "市发改委", "服务业科科长", Role.HANDLER),
    ("zc06", "市市场监管局", "知识产权科科长", Role.HANDLER),
    ("zc07", "武宁县人社局", "就业股股长", Role.HANDLER),
    ("zc08", "武宁县财政局", "企业股股长", Role.HANDLER),
    ("zc09", "武宁县商务局", "商贸股股长", Role.HANDLER),
    ("zc10", "武宁县农业农村局", "产业发展股股长", Role.HANDLER),
    ("zc11", "修水县人社局", "就业股股长", Role.HANDLER),
    ("zc12", "修水县农业农村局", "产业发展股股长", Role.HANDLER),
    ("zc20", "武宁县工信局", "局长", Role.DEPARTMENT_HEAD),
    ("zc21", "市科技局", "局长", Role.DEPARTMENT_HEAD),
]


@dataclass
class People:
    officers: dict[str, User]  # by department name: who keeps its policies
    liping: User  # keeps 武宁县's registry and imports its figures
    xiushui_keeper: User


def _people(rng: random.Random) -> People:
    departments = {d.name: d for d in Department.objects.filter(name__in={name for _, name, _, _ in OFFICERS})}
    made = staff([(username, person(rng), departments[name], title, role) for username, name, title, role in OFFICERS])
    officers = {user.department.name: user for user in made if user.username < "zc20"}
    for username in ("tuhong", "caiyan", "xs01"):
        user = User.objects.select_related("department").get(username=username)
        officers[user.department.name] = user
    return People(officers=officers, liping=User.objects.get(username="liping"),
                  xiushui_keeper=User.objects.get(username="xs00"))


# --- the policy library --------------------------------------------------------------------------------

def rule(field: str, operator: str, value, period: str = "") -> dict:
    return {"field": field, "operator": operator, "value": value, "period": period}


ABOVE = rule("above_scale", "is", True)
ENTERPRISE = rule("kind", "in", ["enterprise"])
MANUFACTURING = rule("industry", "in", ["C"])
SPECIALISED = rule("certification", "has", ["specialised_sme", "little_giant"])


def material(text: str) -> dict:
    return rule("material", "has", text)


def last_year(field: str, operator: str, value) -> dict:
    return rule(field, operator, value, "last_year")


@dataclass(frozen=True)
class Spec:
    key: str
    issuer: str
    title: str
    document_number: str
    issued: date | int  # a date, or working days before today
    benefit_type: str
    delivery: str
    beneficiaries: str
    amount_text: str
    conditions: tuple
    budget: str
    formula: dict
    payment_days: int = 20
    valid_to: date | None = date(2028, 12, 31)
    exclusive_group: str = ""
    published: int | date | None = 2  # working days after issue, a day, or None: still a draft


CITY_CONTACTS = {"市工信局": "0792-8566218", "市科技局": "0792-8225736", "市人社局": "0792-8576631",
                 "市商务局": "0792-8983065", "市财政局": "0792-8224519", "市发改委": "0792-8580326",
                 "市市场监管局": "0792-8128906"}
COUNTY_CONTACTS = {"武宁县工信局": "0792-2722165", "武宁县人社局": "0792-2716230", "武宁县财政局": "0792-2723108",
                   "武宁县商务局": "0792-2729517", "武宁县农业农村局": "0792-2721436", "修水县工信局": "0792-7222485",
                   "修水县人社局": "0792-7226013", "修水县农业农村局": "0792-7232718"}
GROWTH_GROUP = "武宁县工业增长类奖励"
FOUR_FIFTHS = "4/5"  # a budget of four-fifths of what the eligible firms would receive, in whole 10万


def fixed(amount: str, *, cap: str | None = None) -> dict:
    return {"benefit_kind": "fixed", "amount": amount, "cap": cap}


LIBRARY = [
    # --- 九江市 ---------------------------------------------------------------------------------------
    Spec("little_giant", "市工信局", "九江市专精特新“小巨人”企业奖励", "九工信字〔2026〕41号", date(2026, 6, 16), "grant",
         "automatic", "经工业和信息化部认定、在有效期内的国家级专精特新“小巨人”企业（规模以上工业企业）。",
         "一次性奖励50万元。", (rule("certification", "has", ["little_giant"]), ABOVE), "3000000", fixed("500000")),
    Spec("high_tech", "市科技局", "九江市高新技术企业认定奖励", "九科字〔2026〕15号", date(2026, 6, 18), "grant", "automatic",
         "在有效期内的高新技术企业，上年度研发投入占营业收入比例不低于3%。", "每户奖励10万元。",
         (rule("certification", "has", ["high_tech"]), last_year("rd_share", "gte", "3")), "2000000", fixed("100000"),
         payment_days=15),
    Spec("city_growth", "市工信局", "九江市规模以上工业企业稳增长奖励", "九府办发〔2026〕21号", date(2026, 7, 6), "grant",
         "automatic", "上年度营业收入增长25%以上的规模以上工业企业。",
         "上年度营业收入5000万元以上的奖励10万元，2亿元以上的奖励20万元，5亿元以上的奖励30万元；预算用完为止，按审核顺序兑现。",
         (ABOVE, MANUFACTURING, last_year("revenue_growth", "gte", "25")), FOUR_FIFTHS,
         {"benefit_kind": "tiers", "base_field": "revenue", "tiers": [["5000", "100000"], ["20000", "200000"],
                                                                      ["50000", "300000"]]}),
    Spec("city_jobs", "市人社局", "九江市企业稳岗扩岗奖励", "九人社字〔2026〕9号", date(2026, 9, 15), "employment", "automatic",
         "近两个年度参保职工均在500人以上的规模以上企业（重点用工企业）。",
         "按上年度参保人数分档：500人以上5万元，1000人以上10万元。",
         (ENTERPRISE, ABOVE, rule("employees", "gte", "500", "last_two_years")), "1000000",
         {"benefit_kind": "tiers", "base_field": "employees", "tiers": [["500", "50000"], ["1000", "100000"]]}),
    Spec("city_trade", "市商务局", "九江市限额以上商贸企业增长奖励", "九商务字〔2026〕33号", date(2026, 8, 24), "grant",
         "automatic", "上年度销售额增长10%以上的限额以上批发零售企业。", "每户奖励3万元。",
         (ABOVE, rule("industry", "in", ["F"]), last_year("revenue_growth", "gte", "10")), "600000", fixed("30000")),
    Spec("city_rd", "市科技局", "九江市企业研发投入后补助", "九科字〔2026〕22号", date(2026, 7, 20), "grant", "application",
         "上年度研发投入占营业收入3%以上、拥有有效发明专利的企业。",
         "按上年度研发投入增量的10%给予补助，单个企业最高50万元。",
         (ENTERPRISE, last_year("rd_share", "gte", "3"), last_year("patents", "gte", "1"), material("研发费用专项审计报告")),
         "5000000", fixed("500000", cap="500000"), payment_days=30),
    Spec("city_upgrade", "市工信局", "九江市工业企业技术改造项目奖补", "九府办发〔2026〕5号", date(2026, 2, 10), "grant",
         "application", "完成技术改造项目、上年度纳税50万元以上的规模以上工业企业。",
         "按项目设备投资额的10%给予奖补，单个项目最高200万元。",
         (ABOVE, MANUFACTURING, last_year("tax_paid", "gte", "50"), material("技术改造项目备案证明及设备购置发票")),
         "20000000", fixed("2000000", cap="2000000"), payment_days=30),
    Spec("city_digital", "市工信局", "九江市中小企业数字化转型奖补", "九工信字〔2026〕58号", date(2026, 8, 25), "grant",
         "application", "成立2年以上、实施数字化改造的中小工业企业。",
         "按数字化改造投入的30%给予奖补，单个企业最高20万元。",
         (ENTERPRISE, MANUFACTURING, rule("years_founded", "gte", "2"), material("数字化改造合同及发票")), "3000000",
         fixed("200000", cap="200000"), payment_days=30),
    Spec("city_startup_loan", "市人社局", "九江市创业担保贷款贴息", "九人社字〔2026〕3号", date(2026, 1, 20), "loan",
         "application", "登记3年以内的个体工商户经营者。", "个人创业担保贷款最高30万元，财政按规定全额贴息，每户贴息最高1.5万元。",
         (rule("kind", "in", ["individual"]), rule("years_founded", "lte", "3"), material("创业担保贷款合同")), "2000000",
         fixed("15000", cap="15000"), valid_to=date(2026, 12, 31)),
    Spec("city_sme_loan", "市财政局", "九江市专精特新企业融资贴息", "九财企〔2026〕14号", date(2026, 4, 8), "loan",
         "application", "在有效期内的专精特新中小企业和“小巨人”企业，上年度纳税50万元以上。",
         "按实际支付利息的50%贴息，单个企业最高30万元。",
         (SPECIALISED, last_year("tax_paid", "gte", "50"), material("贷款合同及付息凭证")), "3000000",
         fixed("300000", cap="300000")),
    Spec("city_talent", "市人社局", "九江市企业引进高层次人才安家补贴", "九人社字〔2026〕17号", date(2026, 5, 11), "talent",
         "application", "引进博士、正高级职称等高层次人才的规模以上企业（上年度从业人员50人以上）。",
         "每引进1名给予安家补贴10万元，分三年发放。",
         (ENTERPRISE, ABOVE, last_year("employees", "gte", "50"), material("引进人才学历（职称）证书及劳动合同")),
         "5000000", fixed("100000", cap="100000"), payment_days=30),
    Spec("city_listing", "市财政局", "九江市企业上市挂牌奖励", "九府办发〔2026〕9号", date(2026, 3, 3), "grant", "application",
         "在境内外证券交易所上市或在新三板、江西股权交易中心挂牌的规模以上企业。",
         "主板上市奖励100万元，新三板挂牌奖励50万元，区域股权市场挂牌奖励10万元。",
         (ENTERPRISE, ABOVE, last_year("revenue", "gte", "10000"), material("上市（挂牌）证明文件")), "10000000",
         fixed("1000000", cap="1000000"), payment_days=30),
    Spec("city_export", "市商务局", "九江市促进外贸稳规模优结构若干措施", "九商务字〔2026〕47号", date(2026, 8, 10), "grant",
         "application", "投保出口信用保险的规模以上外贸企业（上年度从业人员50人以上）。",
         "按实际缴纳保费的50%给予补贴，单个企业最高20万元。",
         (ABOVE, last_year("employees", "gte", "50"), material("出口信用保险保单及保费发票")), "2000000",
         fixed("200000", cap="200000"), published=date(2026, 8, 31)),
    Spec("city_patent", "市市场监管局", "九江市发明专利资助", "九市监字〔2026〕11号", date(2026, 3, 2), "grant", "application",
         "上年度拥有有效发明专利2件以上、研发投入占比2%以上的企业。",
         "有效发明专利2件以上资助2万元，5件以上5万元，10件以上10万元。",
         (last_year("patents", "gte", "2"), last_year("rd_share", "gte", "2"), material("专利证书及年费缴纳凭证")),
         "1000000", {"benefit_kind": "tiers", "base_field": "patents",
                     "tiers": [["2", "20000"], ["5", "50000"], ["10", "100000"]]}),
    Spec("city_brand", "市市场监管局", "九江市质量品牌提升奖励", "九市监字〔2026〕19号", date(2026, 4, 20), "grant",
         "application", "获得省长质量奖、“赣出精品”等质量品牌荣誉的规模以上企业。",
         "获省长质量奖的奖励30万元，获“赣出精品”认定的奖励10万元。",
         (ABOVE, rule("years_founded", "gte", "5"), last_year("revenue", "gte", "5000"), material("获奖证书或认定文件")),
         "1500000", fixed("300000", cap="300000")),
    Spec("city_green", "市工信局", "九江市绿色工厂奖励", "九工信字〔2026〕29号", date(2026, 5, 6), "grant", "application",
         "获评国家级、省级绿色工厂的规模以上工业企业。", "国家级绿色工厂奖励30万元，省级绿色工厂奖励10万元。",
         (ABOVE, MANUFACTURING, last_year("revenue", "gte", "2000"), material("绿色工厂认定文件")), "2000000",
         fixed("300000", cap="300000")),
    Spec("city_services", "市发改委", "九江市促进服务业高质量发展若干政策措施", "九发改字〔2026〕88号", 1, "grant",
         "application", "新纳入统计的规模以上服务业企业。", "一次性奖励10万元。",
         (ABOVE, rule("industry", "in", ["L", "M", "O"]), material("纳入规上服务业统计的证明")), "2000000",
         fixed("100000"), published=None),
    Spec("city_expired", "市商务局", "九江市2025年稳外贸稳外资奖励", "九商务字〔2025〕12号", date(2025, 3, 5), "grant",
         "application", "2025年度进出口实绩增长的规模以上企业。", "按进出口增量给予奖励，单个企业最高20万元。",
         (ABOVE, material("海关进出口数据证明")), "1000000", fixed("200000", cap="200000"), valid_to=date(2025, 12, 31)),
    # --- 武宁县 ---------------------------------------------------------------------------------------
    Spec(JOURNEY, "武宁县工信局", "武宁县支持专精特新企业加快成长奖励办法", "武府办发〔2026〕46号", 12, "grant", "automatic",
         "在有效期内的专精特新中小企业和专精特新“小巨人”企业，上年度营业收入增长15%以上。",
         "一次性奖励5万元，由县工信局根据政府部门数据直接兑现，企业无需申报。", (SPECIALISED, last_year("revenue_growth", "gte", "15")),
         "1000000", fixed("50000"), payment_days=15, published=1),
    Spec("wuning_scale_up", "武宁县工信局", "武宁县工业企业营收上台阶奖励", "武府办发〔2026〕27号", date(2026, 6, 22), "grant",
         "automatic", "上年度营业收入3亿元以上、增长15%以上的规模以上工业企业。",
         "营业收入3亿元以上奖励20万元，5亿元以上30万元，10亿元以上50万元；与县增产增效奖励不重复享受。",
         (ABOVE, MANUFACTURING, last_year("revenue", "gte", "30000"), last_year("revenue_growth", "gte", "15")), "3000000",
         {"benefit_kind": "tiers", "base_field": "revenue", "tiers": [["30000", "200000"], ["50000", "300000"],
                                                                      ["100000", "500000"]]},
         payment_days=15, exclusive_group=GROWTH_GROUP),
    Spec("wuning_efficiency", "武宁县工信局", "武宁县规上工业企业增产增效奖励", "武府办发〔2026〕28号", date(2026, 6, 22), "grant",
         "automatic", "上年度营业收入4亿元以下、增长20%以上、纳税300万元以上的规模以上工业企业。",
         "按上年度纳税额的3%奖励，最低10万元，最高30万元；与县营收上台阶奖励不重复享受。",
         (ABOVE, MANUFACTURING, last_year("revenue", "lt", "40000"), last_year("revenue_growth", "gte", "20"),
          last_year("tax_paid", "gte", "300")), "3000000",
         {"benefit_kind": "rate", "rate": "3", "base_field": "tax_paid", "floor": "100000", "cap": "300000"},
         payment_days=15, exclusive_group=GROWTH_GROUP),
    Spec("wuning_equipment", "武宁县工信局", "武宁县工业企业设备更新改造奖补", "武工信字〔2026〕33号", date(2026, 8, 18), "grant",
         "application", "上年度营业收入2000万元以上、从业人员30人以上，实施设备更新改造的工业企业。",
         "按设备投资额的8%给予奖补，单个企业最高30万元。",
         (MANUFACTURING, last_year("revenue", "gte", "2000"), last_year("employees", "gte", "30"), material("设备购置合同及发票")),
         "3000000", fixed("300000", cap="300000"), payment_days=10),
    Spec("wuning_key", "武宁县工信局", "武宁县重点中小企业成长培育奖励", "武工信字〔2026〕52号", 27, "grant", "application",
         "列入县重点培育的中小企业，上年度营业收入增长5%以上、纳税20万元以上。",
         "每户奖励3万元；政府部门已掌握的数据无需企业提供，在线填写申报表即可。",
         (rule("is_key", "is", True), last_year("revenue_growth", "gte", "5"), last_year("tax_paid", "gte", "20")), "600000",
         fixed("30000")),
    Spec("wuning_jobs", "武宁县人社局", "武宁县企业稳岗扩岗补贴", "武人社字〔2026〕7号", date(2026, 5, 12), "employment",
         "application", "成立1年以上、上年度从业人员20人以上的企业。", "每户补贴2万元。",
         (ENTERPRISE, last_year("employees", "gte", "20"), rule("years_founded", "gte", "1")), "1000000", fixed("20000")),
    Spec("wuning_loan", "武宁县财政局", "武宁县工业企业应急转贷及贷款贴息", "武财字〔2026〕31号", date(2026, 4, 14), "loan",
         "application", "上年度纳税50万元以上、从业人员20人以上的工业企业。", "按贷款利息的50%贴息，单个企业最高10万元。",
         (ENTERPRISE, MANUFACTURING, last_year("tax_paid", "gte", "50"), last_year("employees", "gte", "20"),
          material("贷款合同及利息支付凭证")), "1000000", fixed("100000", cap="100000")),
    Spec("wuning_trade", "武宁县商务局", "武宁县商贸企业促消费奖励", "武商务字〔2026〕19号", date(2026, 4, 27), "grant",
         "application", "开展促消费活动的限额以上批发零售、住宿餐饮企业。", "按活动期间销售额增量的1%奖励，单个企业最高5万元。",
         (ABOVE, rule("industry", "in", ["F", "H"]), material("促消费活动方案及销售台账")), "500000", fixed("50000", cap="50000")),
    Spec("wuning_agri", "武宁县农业农村局", "武宁县农业产业化龙头企业奖励", "武农字〔2026〕24号", date(2026, 3, 16), "grant",
         "application", "新认定为市级以上农业产业化龙头企业的农产品加工企业。", "省级龙头企业奖励10万元，市级5万元。",
         (ABOVE, rule("industry", "in", ["A", "13", "14", "15"]), material("农业产业化龙头企业认定文件")), "600000",
         fixed("100000", cap="100000")),
    Spec("wuning_intern", "武宁县人社局", "武宁县就业见习基地补贴", "武人社字〔2026〕15号", date(2026, 6, 1), "employment",
         "application", "吸纳高校毕业生见习、上年度从业人员50人以上的规模以上企业。", "按每名见习人员每月1500元补贴，最长12个月。",
         (ABOVE, last_year("employees", "gte", "50"), material("见习协议及见习人员花名册")), "800000",
         fixed("18000", cap="90000")),
    Spec("wuning_tech", "武宁县工信局", "武宁县科技型中小企业研发奖补", "武工信字〔2026〕12号", date(2026, 4, 2), "grant",
         "application", "入库科技型中小企业，上年度研发投入占营业收入5%以上。", "按研发投入的5%奖补，单个企业最高10万元。",
         (rule("certification", "has", ["tech_sme"]), last_year("rd_share", "gte", "5"), material("研发费用辅助账")), "1000000",
         fixed("100000", cap="100000")),
    Spec("wuning_energy", "武宁县工信局", "武宁县工业企业节能降碳改造奖补", "武工信字〔2026〕40号", date(2026, 9, 8), "grant",
         "application", "实施节能降碳改造的规模以上工业企业。", "按改造投资额的10%奖补，单个企业最高20万元。",
         (ABOVE, MANUFACTURING, last_year("revenue", "gte", "2000"), material("节能改造项目验收报告")), "1000000",
         fixed("200000", cap="200000")),
    Spec("wuning_invest", "武宁县商务局", "武宁县招商引资项目投资奖励", "武府办发〔2026〕15号", date(2026, 3, 24), "grant",
         "application", "新增固定资产投资的规模以上企业。", "按新增设备投资额的5%奖励，单个企业最高100万元。",
         (ABOVE, last_year("revenue", "gte", "5000"), material("固定资产投资统计证明")), "5000000",
         fixed("1000000", cap="1000000"), payment_days=30),
    Spec("wuning_expired", "武宁县工信局", "武宁县2025年工业企业稳产奖励", "武府办发〔2025〕17号", date(2025, 4, 21), "grant",
         "application", "2025年一季度稳产的规模以上工业企业。", "每户奖励2万元。", (ABOVE, MANUFACTURING, material("一季度生产情况说明")),
         "500000", fixed("20000"), valid_to=date(2025, 12, 31)),
    # --- 修水县 ---------------------------------------------------------------------------------------
    Spec("xiushui_growth", "修水县工信局", "修水县规上工业企业稳产增产奖励", "修府办发〔2026〕23号", date(2026, 7, 15), "grant",
         "automatic", "上年度营业收入增长8%以上的规模以上工业企业。", "每户奖励5万元。",
         (ABOVE, MANUFACTURING, last_year("revenue_growth", "gte", "8")), "500000", fixed("50000")),
    Spec("xiushui_jobs", "修水县人社局", "修水县企业吸纳就业补贴", "修人社字〔2026〕11号", date(2026, 4, 20), "employment",
         "application", "上年度从业人员20人以上、新招用本县劳动者的企业。", "每户补贴2万元。",
         (ENTERPRISE, last_year("employees", "gte", "20"), material("新招用人员劳动合同及社保缴费凭证")), "400000",
         fixed("20000")),
    Spec("xiushui_tea", "修水县农业农村局", "修水县宁红茶产业发展奖补", "修农字〔2026〕9号", date(2026, 3, 30), "grant",
         "application", "宁红茶种植基地和加工企业。", "新建标准化茶园每亩补助800元，加工企业设备投资补助10%，最高10万元。",
         (rule("industry", "in", ["0164", "1530"]), material("茶园基地或加工车间证明")), "1000000",
         fixed("100000", cap="100000")),
]


def _guide(spec: Spec) -> tuple[str, str]:
    """Where to apply and whom to ask."""
    county = spec.issuer[:3] if spec.issuer[2] == "县" else ""
    contact = COUNTY_CONTACTS.get(spec.issuer) or CITY_CONTACTS[spec.issuer]
    if spec.delivery == "automatic":
        where = f"免申即享：{spec.issuer}根据政府部门数据直接兑现，企业无需申报；拟兑现名单在平台公示5个工作日。"
    elif county:
        where = f"九江市惠企政策平台在线申报（手机可办），或到{county}政务服务中心惠企政策兑现专窗"
    else:
        where = "九江市惠企政策平台在线申报（手机可办），或到各县（市、区）政务服务中心惠企政策兑现专窗"
    return where, f"{spec.issuer} {contact}"


def _short_budget(spec: Spec, day: date) -> str:
    """A budget that runs out: four-fifths of what the firms eligible on `day` would receive, in
    whole 10万 (so the last ones reviewed wait for money)."""
    firms = Entity.objects.filter(status=EntityStatus.ACTIVE).filter(
        conditions.compile_q(actions.check_conditions(list(spec.conditions)), day))
    values = dict(spec.formula)
    formula = benefits.check(values.pop("benefit_kind"), **values)
    bases = FirmFigure.objects.filter(entity__in=firms, year=day.year - 1, field=formula.base_field)
    total = sum(benefits.amount_for(formula, base) or 0 for base in bases.values_list("value", flat=True))
    return str(int(total * 4 / 5 // 100000 * 100000))


def _library(people: People, today: date) -> dict[str, Policy]:
    departments = {d.name: d for d in Department.objects.filter(name__in={spec.issuer for spec in LIBRARY})}
    policies = {}
    for index, spec in enumerate(LIBRARY):
        issued = spec.issued if isinstance(spec.issued, date) else wd(today, -spec.issued)
        officer = people.officers[spec.issuer]
        where, contact = _guide(spec)
        budget = _short_budget(spec, issued) if spec.budget == FOUR_FIFTHS else spec.budget
        with on(issued, 16, index % 50):
            policy = actions.do_create_policy(
                departments[spec.issuer], title=spec.title, document_number=spec.document_number, issued_on=issued,
                valid_from=issued, valid_to=spec.valid_to, benefit_type=spec.benefit_type, delivery=spec.delivery,
                beneficiaries=spec.beneficiaries, amount_text=spec.amount_text, budget=budget,
                conditions_rows=list(spec.conditions), payment_days=spec.payment_days, where_to_apply=where, contact=contact,
                exclusive_group=spec.exclusive_group, actor=officer, **spec.formula)
        if spec.published is not None:
            day = spec.published if isinstance(spec.published, date) else wd(issued, spec.published)
            with on(day, 10, index % 50):
                policy = actions.do_publish_policy(policy, actor=officer)
        policies[spec.key] = policy
    return policies


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


# --- delivery without application (免申即享) -----------------------------------------------------------

def _payouts(policy: Policy, *states: str) -> list[Payout]:
    return list(Payout.objects.filter(policy=policy, state__in=states or [PayoutState.LISTED]).select_related("entity")
                .order_by("listed_at", "pk"))


def _match(policy: Policy, day: date, officer: User) -> list[Payout]:
    with on(day, 15):
        actions.do_match_policy(policy, actor=officer)
    return _payouts(policy)


def _confirm(payouts, day: date, officer: User, hour: int = 9) -> None:
    for n, payout in enumerate(payouts):
        with on(day, hour + n // 60, n % 60):
            actions.do_confirm_payout(payout, actor=officer)


def _publicize(policy: Policy, day: date, officer: User) -> None:
    with on(day, 11):
        actions.do_publicize_payouts(policy, actor=officer)


def _order(payouts, day: date, officer: User) -> None:
    for n, payout in enumerate(payouts):
        with on(day, 10, n % 60):
            actions.do_order_payout(payout, actor=officer)


def _pay(payouts, day: date, officer: User) -> None:
    for n, payout in enumerate(payouts):
        with on(day, 15, n % 60):
            actions.do_confirm_paid(payout, paid_on=day, actor=officer)


def _all_the_way(policy: Policy, officer: User, matched: date, confirmed: date, publicized: date, ordered: date,
                 paid: date) -> None:
    _confirm(_match(policy, matched, officer), confirmed, officer)
    _publicize(policy, publicized, officer)
    _order(_payouts(policy, PayoutState.PUBLICIZED), ordered, officer)
    _pay(_payouts(policy, PayoutState.ORDERED), paid, officer)


def _high_tech_paid_one_late(policy: Policy, officer: User, today: date) -> None:
    """Paid twenty working days ago, but one firm's transfer bounced (a closed account): reported
    late the day after its limit, paid three days after that."""
    _confirm(_match(policy, wd(today, -40), officer), wd(today, -38), officer)
    _publicize(policy, wd(today, -37), officer)
    ordered = _payouts(policy, PayoutState.PUBLICIZED)
    _order(ordered, wd(today, -31), officer)
    _pay(ordered[:-1], wd(today, -20), officer)
    with on(wd(today, -15), 7):
        actions.sweep_late_payouts(1000)
    _pay(ordered[-1:], wd(today, -12), officer)


def _city_growth_runs_out(policy: Policy, officer: User, today: date) -> None:
    """The budget runs out in the review: the last firms wait, in order; the rest are ordered."""
    _confirm(_match(policy, wd(today, -15), officer), wd(today, -13), officer)
    _publicize(policy, wd(today, -12), officer)
    _order(_payouts(policy, PayoutState.PUBLICIZED), wd(today, -5), officer)


def _city_jobs_in_review(policy: Policy, officer: User, today: date) -> None:
    listed = _match(policy, wd(today, -3), officer)
    _confirm(listed[:3], wd(today, -1), officer, hour=14)


def _city_trade_objection(policy: Policy, officer: User, today: date) -> None:
    """An objection in the listing sends one firm back to review; the others are ordered."""
    _confirm(_match(policy, wd(today, -12), officer), wd(today, -10), officer)
    _publicize(policy, wd(today, -9), officer)
    listed = _payouts(policy, PayoutState.PUBLICIZED)
    with on(wd(today, -4), 16):
        actions.do_object_payout(listed[0], objection="群众来电反映该企业2025年销售额含关联企业间重复开票金额，增长不实，请核查。",
                                 actor=officer)
    _order(listed[1:], wd(today, -3), officer)


def _journey(policy: Policy, officer: User, today: date) -> None:
    """Matched the day it was published, all 14 confirmed within the review limit, publicly listed."""
    _confirm(_match(policy, wd(today, -11), officer), wd(today, -8), officer, hour=10)
    _publicize(policy, wd(today, -3), officer)


def _wuning_growth(scale_up: Policy, efficiency: Policy, officer: User) -> None:
    """武宁县's two growth rewards, one group: a firm confirmed for the first is refused the second
    (the platform says so, the officer records it); one refused for a safety accident; the others
    paid in August."""
    _confirm(_match(scale_up, date(2026, 7, 8), officer), date(2026, 7, 10), officer)
    accident, *listed = _match(efficiency, date(2026, 7, 8), officer)
    with on(date(2026, 7, 10), 14):
        actions.do_reject_payout(accident, reason="该企业2026年5月发生一般生产安全事故（武应急罚〔2026〕9号），"
                                                  "按办法第十条本年度不予奖励。", actor=officer)
    for n, payout in enumerate(listed):
        with on(date(2026, 7, 10), 15, n % 60):
            try:
                actions.do_confirm_payout(payout, actor=officer)
            except ActionError as refusal:  # the other reward of the group, already confirmed
                actions.do_reject_payout(payout, reason=refusal.message, actor=officer)
    for policy in (scale_up, efficiency):
        _publicize(policy, date(2026, 7, 13), officer)
        _order(_payouts(policy, PayoutState.PUBLICIZED), date(2026, 7, 21), officer)
        _pay(_payouts(policy, PayoutState.ORDERED), date(2026, 8, 4), officer)


# --- applications (办) -----------------------------------------------------------------------------------

def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4\n% minsheng demo\n", content_type="application/pdf")


def _applicant(firm: Entity) -> tuple[str, str]:
    name = firm.contact_name
    if not name or name.endswith(("总", "经理", "会计")):
        name = firm.legal_representative
    return name, firm.contact_phone


def _apply(policy: Policy, firm: Entity, day: date, hour: int, officer: User, today: date, *, explanation: str = "",
           statement: str = ""):
    """The firm applies; the department signs for it the next working morning (one of yesterday's
    waits to be signed for today)."""
    needed = [c for c in queries.conditions_of(policy) if c.spec.kind == "material"]
    name, phone = _applicant(firm)
    with on(day, hour, 20):
        application, _code = actions.do_apply_for_policy(
            policy, firm, applicant_name=name, applicant_phone=phone, statement=statement, explanation=explanation,
            materials={n: _pdf(c.value) for n, c in enumerate(needed, start=1)})
    if wd(day, 1) < today:
        with on(wd(day, 1), 9, 10):
            do_sign_case(application.case, actor=officer)
    return application


def _review(application, day: date, officer: User, *, amount=None, note: str = "", approve: bool = True):
    with on(day, 10, 30):
        actions.do_review_application(application, approve=approve, amount=amount, note=note, actor=officer)
    application.refresh_from_db()
    return application


def _applicants(policy: Policy, day: date, rng: random.Random, count: int, *, exclude=()) -> list[Entity]:
    found = list(queries.eligible(policy, day).exclude(contact_phone="").exclude(pk__in=[firm.pk for firm in exclude])
                 .select_related("region").order_by("uscc"))
    return rng.sample(found, min(count, len(found)))


def _equipment_applications(policy: Policy, officer: User, rng: random.Random, today: date, manager: Entity) -> None:
    """武宁县's equipment reward: an application in every stage, and one whose payment is late."""
    firms = _applicants(policy, date(2026, 9, 1), rng, 7, exclude=[manager])
    paid, late, ordered, listed, reviewed, submitted, refused = firms
    statement = "2026年购置数控加工中心等设备，已投入使用。"
    application = _apply(policy, paid, date(2026, 9, 7), 10, officer, today, statement=statement)
    application = _review(application, date(2026, 9, 9), officer, amount="186000",
                          note="设备发票已核验，按设备投资额232.5万元的8%核定。")
    _publicize(policy, date(2026, 9, 10), officer)
    _order([application.payout], date(2026, 9, 18), officer)
    _pay([application.payout], date(2026, 9, 29), officer)
    # Ordered, and never paid: the case's limit passed days ago.
    application = _apply(policy, late, wd(today, -32), 9, officer, today, statement=statement)
    application = _review(application, wd(today, -30), officer, amount="124000", note="按设备投资额155万元的8%核定。")
    _publicize(policy, wd(today, -29), officer)
    _order([application.payout], wd(today, -23), officer)
    application = _apply(policy, ordered, wd(today, -12), 15, officer, today, statement=statement)
    application = _review(application, wd(today, -10), officer, amount="235000", note="按设备投资额293.8万元的8%核定。")
    _publicize(policy, wd(today, -9), officer)
    _order([application.payout], wd(today, -2), officer)
    _review(_apply(policy, listed, wd(today, -7), 11, officer, today), wd(today, -5), officer, amount="98000")
    _publicize(policy, wd(today, -3), officer)
    _review(_apply(policy, reviewed, wd(today, -4), 14, officer, today), wd(today, -2), officer, amount="300000",
            note="设备投资额超过375万元，按上限核定。")
    _apply(policy, submitted, wd(today, -1), 16, officer, today, statement="购置自动化包装线一条，发票已上传。")
    _review(_apply(policy, refused, wd(today, -10), 9, officer, today), wd(today, -6), officer, approve=False,
            note="所附设备购置发票开具日期为2025年12月，早于政策执行期，不予兑现。")


def _other_applications(policies: dict[str, Policy], people: People, rng: random.Random, today: date,
                        manager: Entity) -> None:
    officers = people.officers
    # 武宁县's jobs subsidy: one approved; one from a firm of 17 employees, explained.
    jobs, officer = policies["wuning_jobs"], officers["武宁县人社局"]
    [approved] = _applicants(jobs, today, rng, 1, exclude=[manager])
    _review(_apply(jobs, approved, wd(today, -8), 10, officer, today), wd(today, -4), officer)
    small = (Entity.objects.filter(region=manager.region, status=EntityStatus.ACTIVE, kind=EntityKind.ENTERPRISE,
                                   employees__gte=15, employees__lt=20, established_on__lt=date(2024, 1, 1))
             .exclude(contact_phone="").exclude(pk=manager.pk).order_by("uscc").first())
    _apply(jobs, small, wd(today, -2), 9, officer, today,
           explanation="2026年新招用本县劳动者6人，目前参保缴费人数已达23人，附社保缴费明细。")
    # 武宁县's key firms: another one has applied; 王琴 has not yet.
    key = policies["wuning_key"]
    for firm in _applicants(key, today, rng, 1, exclude=[manager]):
        _apply(key, firm, wd(today, -5), 15, officers["武宁县工信局"], today, statement="企业基本情况和发展规划见申报表。")
    # The city's technical upgrade reward, paid to a 武宁县 firm; its R&D grant, one just in.
    upgrade, officer = policies["city_upgrade"], officers["市工信局"]
    [firm] = _applicants(upgrade, date(2026, 9, 1), rng, 1, exclude=[manager])
    application = _review(_apply(upgrade, firm, date(2026, 9, 14), 10, officer, today), date(2026, 9, 16), officer,
                          amount="860000", note="技改项目设备投资860万元，按10%核定。")
    _publicize(upgrade, date(2026, 9, 17), officer)
    _order([application.payout], date(2026, 9, 28), officer)
    _pay([application.payout], date(2026, 10, 27), officer)
    for firm in _applicants(policies["city_rd"], today, rng, 1, exclude=[manager]):
        _apply(policies["city_rd"], firm, wd(today, -3), 10, officers["市科技局"], today)
    # 修水县: one paid in September, one just in.
    xiushui, officer = policies["xiushui_jobs"], officers["修水县人社局"]
    firms = _applicants(xiushui, date(2026, 9, 1), rng, 2)
    application = _review(_apply(xiushui, firms[0], date(2026, 9, 1), 10, officer, today), date(2026, 9, 3), officer)
    _publicize(xiushui, date(2026, 9, 4), officer)
    _order([application.payout], date(2026, 9, 14), officer)
    _pay([application.payout], date(2026, 9, 24), officer)
    if len(firms) > 1:
        _apply(xiushui, firms[1], wd(today, -2), 14, officer, today)


def _tell_candidates(policies: dict[str, Policy], people: People, today: date) -> None:
    """"您可能符合…": the county's equipment and key-firm rewards and 修水县's jobs subsidy texted
    their candidates when published."""
    for key in ("wuning_equipment", "wuning_key", "xiushui_jobs"):
        policy = policies[key]
        with on(local(policy.published_at).date(), 11, 30):
            actions.do_notify_candidates(policy, actor=people.officers[policy.issuer.name])


def _correction(firms: list[Entity], plan, keeper: User, today: date, pinned: set[int]) -> None:
    """The statistics bureau corrects one firm's 2025 revenue: that firm alone is re-matched and
    listed for the growth rewards it now meets."""
    taken = set(Payout.objects.values_list("entity_id", flat=True))
    for firm in firms:
        figures = plan[firm.pk]
        before, now, tax = figures[(2024, "revenue")], figures[(2025, "revenue")], figures[(2025, "tax_paid")]
        if (firm.above_scale and firm.industry.section == "C" and firm.pk not in taken and firm.pk not in pinned
                and tax >= 300 and now < 25000 and Decimal("1.10") <= now / before <= Decimal("1.14")):
            with on(wd(today, -2), 11):
                actions.do_record_figure(firm, year=2025, field="revenue", value=_money(before * Decimal("1.262")),
                                         source=DataSource.STATISTICS, actor=keeper)
            return
    raise RuntimeError("惠企政策演示数据：没有可更正营业收入的企业")


# --- the whole load -------------------------------------------------------------------------------------

def load_policies(regions: dict[str, Region]) -> None:
    anchor = anchor_now()
    today = local(anchor).date()
    rng = random.Random(SEED)
    wuning, xiushui = regions["武宁县"], regions["修水县"]
    people = _people(rng)
    firms_by_county = {
        county.name: list(Entity.objects.filter(region=county, status=EntityStatus.ACTIVE, kind=EntityKind.ENTERPRISE,
                                                revenue__isnull=False).select_related("industry", "region").order_by("uscc"))
        for county in (wuning, xiushui)}
    manager = Entity.objects.get(name=MANAGER_FIRM, region=wuning)
    growth = _certify(rng, firms_by_county[wuning.name], manager, people.liping, today)
    pinned = {firm.pk: rng.uniform(16, 38) for firm in growth.eligible}
    pinned |= {firm.pk: rng.uniform(2, 13) for firm in growth.certified_slower}
    pinned |= {firm.pk: rng.uniform(18, 30) for firm in growth.lapsed}
    makers = [firm for firm in firms_by_county[xiushui.name] if firm.above_scale and firm.industry.section == "C"]
    pinned |= {firm.pk: rate for firm, rate in zip(makers, (12.4, 9.8, 17.1, 4.2))}
    # A maker of 3-4亿 grew fast enough for both growth rewards of the group: it gets one.
    both = next(firm for firm in firms_by_county[wuning.name] if firm.above_scale and firm.industry.section == "C"
                and 30000 <= firm.revenue < 40000 and firm.pk not in pinned)
    pinned[both.pk] = 24.6
    everyone = [firm for firms in firms_by_county.values() for firm in firms]
    plan = _plan_figures(rng, everyone, growth, manager, pinned)
    _import_figures(plan, firms_by_county, {wuning.name: people.liping, xiushui.name: people.xiushui_keeper})

    policies = _library(people, today)
    _tell_candidates(policies, people, today)
    officers = people.officers
    _all_the_way(policies["little_giant"], officers["市工信局"], date(2026, 6, 29), date(2026, 7, 2), date(2026, 7, 3),
                 date(2026, 7, 13), date(2026, 7, 28))
    _wuning_growth(policies["wuning_scale_up"], policies["wuning_efficiency"], officers["武宁县工信局"])
    _all_the_way(policies["xiushui_growth"], officers["修水县工信局"], date(2026, 8, 3), date(2026, 8, 5), date(2026, 8, 6),
                 date(2026, 8, 17), date(2026, 9, 1))
    _high_tech_paid_one_late(policies["high_tech"], officers["市科技局"], today)
    _city_growth_runs_out(policies["city_growth"], officers["市工信局"], today)
    _city_trade_objection(policies["city_trade"], officers["市商务局"], today)
    _journey(policies[JOURNEY], officers["武宁县工信局"], today)
    _city_jobs_in_review(policies["city_jobs"], officers["市人社局"], today)
    _equipment_applications(policies["wuning_equipment"], officers["武宁县工信局"], rng, today, manager)
    _other_applications(policies, people, rng, today, manager)
    _correction(firms_by_county[wuning.name], plan, people.liping, today, set(pinned))

    _worker(anchor, today)
    send_pending_at(anchor)
    _check(policies, manager, today, anchor)


def _worker(anchor, today: date) -> None:
    """What the worker would have done by yesterday evening: each late payout step reported the
    morning after its limit; the application cases' ladder and callbacks at their moments."""
    until = at(wd(today, -1), 18)
    late = (Payout.objects.filter(due_on__lt=today).exclude(late_reported=F("state"))
            .values_list("due_on", flat=True).distinct())
    for due in sorted(set(late)):
        moment = at(due + timedelta(days=1), 7)
        if moment > until:
            break
        with clock.fixed(moment):
            actions.sweep_late_payouts(1000)
    Replay(anchor, until).sweep(until)


def _check(policies: dict[str, Policy], manager: Entity, today: date, anchor) -> None:
    """Journey 13 as JOURNEYS.md tells it: a demo that drifted says so."""
    problems = []
    eligible = queries.eligible(policies[JOURNEY], today).count()
    if eligible != JOURNEY_ELIGIBLE:
        problems.append(f"专精特新成长奖励符合条件{eligible}户（应为{JOURNEY_ELIGIBLE}户）")
    if Policy.objects.count() < 30 or not Policy.objects.filter(state=PolicyState.DRAFT).exists():
        problems.append("政策不足30项或没有草拟中的政策")
    missing = set(PayoutState.values) - set(Payout.objects.values_list("state", flat=True))
    if missing:
        problems.append(f"缺少兑现状态{sorted(missing)}")
    stages = {application.stage for application in PolicyApplication.objects.select_related("case", "payout")}
    wanted = {ApplicationStage.SUBMITTED, ApplicationStage.REVIEWED, ApplicationStage.PUBLICIZED, ApplicationStage.ORDERED,
              ApplicationStage.PAID, ApplicationStage.REJECTED}
    if wanted - stages:
        problems.append(f"缺少申报阶段{sorted(wanted - stages)}")
    found = queries.policies_for(manager, today)
    met = sorted(policy.title for policy, misses in found if not misses)
    near = [(policy.title, misses[0].field) for policy, misses in found if len(misses) == 1]
    if met != sorted([policies["city_digital"].title, policies["wuning_key"].title]) or \
            near != [(policies["wuning_jobs"].title, "employees")]:
        problems.append(f"{manager.name}符合{met}，差一项{near}")
    if not PolicyEvent.objects.filter(kind=EventKind.OBJECTED).exists() or \
            not PolicyEvent.objects.filter(kind=EventKind.PAID, data__late=True).exists():
        problems.append("缺少公示异议或逾期拨付")
    if not PolicyApplication.objects.filter(case__due_at__lt=anchor, payout__state=PayoutState.ORDERED).exists():
        problems.append("缺少拨付逾期的申报")
    if problems:
        raise RuntimeError(f"惠企政策演示数据与旅程13不符：{'；'.join(problems)}")
