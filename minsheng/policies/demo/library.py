"""The policy library of the demo: 35 policies of the city, 武宁县 and 修水县, each with its 文号,
guide, conditions, formula and budget."""

from dataclasses import dataclass
from datetime import date


from minsheng.enterprises.models import Entity, EntityStatus
from minsheng.org.models import Department
from minsheng.policies import actions, benefits, conditions
from minsheng.policies.models import (
    FirmFigure,
    Policy,
)
from minsheng.policies.demo._common import JOURNEY, People, on, wd


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
    # The ids first: as a subquery, PostgreSQL without statistics on fresh tables plans the
    # conditions' EXISTS probes once per figure row.
    ids = list(firms.values_list("pk", flat=True))
    bases = FirmFigure.objects.filter(entity__in=ids, year=day.year - 1, field=formula.base_field)
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
