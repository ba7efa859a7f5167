"""The measured values of 2020 and 2021: 九江市 itself and its 13 counties (县、市、区), each
second-level indicator of the 2020 framework, as the province's evaluation reports gave them.

Each indicator's values over the counties lie between what the best and the weakest county
reached (SPREAD: good, poor, decimals); where a county lies between them follows its standing
that year (STANDING, 0 the weakest, 1 the best) with some noise per indicator, so that 瑞昌市 leads
in 2020 (the province's first of 100 counties) and 共青城市 edges ahead in 2021, when 武宁县 and
湖口县 climb. In 2021 the poor end moves a third of the way towards the good one: the counties
improved. The three indicators at the national best in 2020 (FULL_MARKS) take the stated frontier
for the city and for the counties named below."""

import random
from decimal import Decimal

# Each indicator's spread over the counties in 2020: (good, poor, decimals of the value).
SPREAD = {
    "开办企业环节": (1, 4, 0), "开办企业时间": (0.5, 3, 1), "开办企业费用": (0, 600, 0), "企业开办便利度": (96, 72, 1),
    "劳动合同签订率": (99.2, 91.5, 1), "劳动人事争议仲裁结案率": (98.5, 88, 1), "劳动人事争议仲裁平均审理周期": (26, 48, 0),
    "公共就业服务便利度": (93, 70, 1),
    "办理建筑许可环节": (12, 21, 0), "办理建筑许可时间": (42, 115, 0), "办理建筑许可费用": (0.6, 2.4, 2),
    "建筑质量控制指数": (14, 11, 1), "办理建筑许可便利度": (92, 68, 1),
    "电子采购平台": (95, 62, 1), "采购流程": (92, 70, 1), "采购结果确定和合同签订时间": (5, 21, 0), "合同管理": (93, 70, 1),
    "支付和交付时间": (8, 32, 0),
    "互联网+招标投标": (100, 78, 1), "投标和履约担保": (95, 62, 1), "外地企业中标率": (46, 14, 1), "招标投标投诉处理时间": (10, 29, 0),
    "招标投标监管": (92, 70, 1),
    "低压流程和低压费用": (100, 78, 0), "高压办电环节": (3, 5, 0), "高压办电时间": (22, 58, 0), "供电可靠性和电费透明度": (8, 5, 0),
    "获得用水环节": (2, 4, 0), "获得用水时间": (3.5, 15, 1), "获得用水费用": (0, 3600, 0), "获得用气环节": (2, 4, 0),
    "获得用气时间": (5, 18, 1), "获得用气费用": (0, 4500, 0),
    "登记财产环节": (2, 4, 0), "登记财产时间": (1, 5, 1), "登记财产费用": (4.55, 5.1, 2), "土地管理质量指数": (25, 19.5, 1),
    "合法权利保障力度指数": (8, 6, 0), "信用信息深度指数": (8, 6, 0), "普惠型小微企业贷款余额增速": (36, 12, 1),
    "普惠型小微企业贷款平均利率": (5.2, 6.9, 2),
    "信息披露程度": (10, 8, 0), "董事责任程度": (10, 8, 0), "股东诉讼便利度": (9, 6, 0), "股东权利保护": (6, 4, 0),
    "公司透明度": (6, 4, 0),
    "每万人口高价值发明专利拥有量": (3.6, 0.3, 2), "知识产权质押融资登记金额": (3.2, 0.1, 2),
    "专利侵权纠纷行政裁决平均办案周期": (62, 150, 0), "知识产权保护社会满意度": (83, 70, 1),
    "每万户市场主体有效注册商标拥有量": (2300, 760, 0),
    "出口边境合规时间": (12, 42, 1), "出口单证合规时间": (2, 10, 1), "进口边境合规时间": (20, 62, 1), "进口单证合规时间": (3, 14, 1),
    "出口边境合规费用": (1800, 3200, 0), "进口边境合规费用": (2000, 3600, 0),
    "纳税次数": (7, 9, 0), "纳税时间": (118, 165, 1), "总税收和缴费率": (58.9, 63.2, 1), "报税后流程指数": (81, 55, 1),
    "电子税务局网上综合办税率": (98.5, 88, 1),
    "解决商业纠纷的时间": (275, 480, 0), "解决商业纠纷的费用": (14, 22, 1), "司法程序质量指数": (16, 13, 1),
    "执行案件法定期限内结案率": (97.5, 85, 1),
    "收回债务所需时间": (1.2, 2.8, 1), "收回债务所需成本": (15, 25, 1), "债权回收率": (46, 25, 1), "破产框架力度指数": (13.5, 11, 1),
    "“双随机、一公开”监管覆盖率": (100, 85, 1), "信用监管": (92, 68, 1), "“互联网+监管”": (95, 70, 1), "包容审慎监管": (95, 65, 1),
    "涉企检查备案率": (100, 72, 1),
    "网上政务服务能力": (92, 75, 1), "政务服务事项网上可办率": (99.2, 88, 1), "“一次办好”事项比例": (98, 84, 1),
    "承诺时限压缩比例": (80, 55, 1), "政务服务“好差评”满意率": (99.9, 98, 2), "“一窗受理”事项比例": (95, 60, 1),
    "创新创业活跃度": (80, 48, 1), "人才流动便利度": (85, 60, 1), "市场开放度": (75, 38, 1), "基本公共服务群众满意度": (90, 78, 1),
    "蓝天碧水净土森林覆盖指数": (93, 75, 1), "综合立体交通指数": (86, 50, 1),
}

# Each county's standing in the year (0 the weakest, 1 the best); the city's own values are its own.
STANDING = {
    2020: {"瑞昌市": 0.90, "共青城市": 0.78, "濂溪区": 0.73, "浔阳区": 0.70, "柴桑区": 0.62, "永修县": 0.58, "德安县": 0.55,
           "湖口县": 0.52, "武宁县": 0.50, "庐山市": 0.45, "彭泽县": 0.40, "都昌县": 0.33, "修水县": 0.30, "九江市": 0.74},
    2021: {"共青城市": 0.88, "瑞昌市": 0.86, "濂溪区": 0.78, "武宁县": 0.72, "湖口县": 0.68, "浔阳区": 0.66, "柴桑区": 0.62,
           "永修县": 0.60, "德安县": 0.58, "庐山市": 0.52, "彭泽县": 0.47, "都昌县": 0.42, "修水县": 0.40, "九江市": 0.82},
}
NOISE = 0.12
IMPROVED = {2020: 0, 2021: Decimal(1) / 3}  # how far the poor end has moved towards the good one

# The counties at the stated frontier of each full-mark indicator, by year (the city always is).
AT_FRONTIER = {
    2020: {"低压流程和低压费用": {"瑞昌市", "共青城市", "濂溪区", "浔阳区", "柴桑区", "永修县", "湖口县"},
           "获得用气费用": {"瑞昌市", "共青城市", "濂溪区", "浔阳区"},
           "董事责任程度": {"瑞昌市", "共青城市", "濂溪区", "浔阳区", "柴桑区", "永修县", "德安县", "湖口县", "武宁县", "庐山市"}},
    2021: {"低压流程和低压费用": None,  # every county
           "获得用气费用": {"瑞昌市", "共青城市", "濂溪区", "浔阳区", "柴桑区", "武宁县", "湖口县", "永修县"},
           "董事责任程度": None},
}

SOURCES = {
    2020: ("江西省发展改革委《江西省2020年度营商环境评价报告》", "国家发展改革委2020年中国营商环境评价（九江市参评）"),
    2021: ("江西省发展改革委《江西省2021年度营商环境评价报告》", "江西省发展改革委《江西省2021年度营商环境评价报告》（设区市）"),
}


def value(rng: random.Random, indicator, region_name: str, year: int, full_marks: tuple[str, ...]) -> Decimal:
    """The indicator's value for the region and year, within its plausible range."""
    name = indicator.name
    good, poor, decimals = SPREAD[name]
    good, poor = Decimal(str(good)), Decimal(str(poor))
    poor = poor + (good - poor) * IMPROVED[year]
    standing = STANDING[year][region_name]
    place = min(1.0, max(0.0, rng.gauss(standing, NOISE if region_name != "九江市" else NOISE / 3)))
    if name in full_marks:
        frontier = AT_FRONTIER[year][name]
        if region_name == "九江市" or frontier is None or region_name in frontier:
            return indicator.stated_best
        place = min(place, 0.8)  # short of the frontier
    number = poor + (good - poor) * Decimal(str(place))
    number = number.quantize(Decimal(1).scaleb(-decimals))
    if name in full_marks and number == indicator.stated_best:
        number += (poor - good) / abs(poor - good) * Decimal(1).scaleb(-decimals)
    return min(indicator.plausible_max, max(indicator.plausible_min, number))
