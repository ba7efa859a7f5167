"""The national business-environment evaluation's indicator framework of 2020 (国家发展改革委,
中国营商环境评价), as the demo imports it: 18 first-level indicators (15 along a firm's life, then
市场监管, 政务服务, 包容普惠创新) and 87 second-level ones, each with its unit, the direction that
is better, how it is measured, the range a measured value can plausibly take and, for the three
indicators at which the national best was reached and 九江 scored full marks in 2020, the stated
frontier. Weights are equal: each first-level indicator 1/18, each second-level one an equal share
of its first-level indicator, written with six decimals and the remainder put on the last so
that each level sums to exactly 1.

The rows are what the framework workbook holds (actions.FRAMEWORK_COLUMNS); nothing in the app
reads this module: the demo imports it through do_import_framework like any workbook."""

from decimal import Decimal

NAME = "营商环境评价指标体系"
YEAR = 2020
ISSUER = "国家发展改革委"
SOURCE = "国家发展改革委《中国营商环境评价实施方案（2020年）》及指标说明"

LOWER, HIGHER = "越低越好", "越高越好"

# The three second-level indicators at full marks in 2020 (national best practice), by name.
FULL_MARKS = ("低压流程和低压费用", "获得用气费用", "董事责任程度")

# (first-level indicator, [(second-level indicator, unit, direction, method, plausible min, max, stated best)])
FIRSTS = [
    ("开办企业", [
        ("开办企业环节", "个", LOWER, "从名称申报到领取营业执照、刻制公章、申领发票和税务Ukey、员工参保登记须办理的环节数", 1, 15, None),
        ("开办企业时间", "天", LOWER, "各环节办理时间之和（工作日），按样本企业的实际办理记录测算", "0.1", 30, None),
        ("开办企业费用", "元", LOWER, "样本企业开办过程中缴纳的全部费用，含刻章和税务Ukey", 0, 5000, None),
        ("企业开办便利度", "分", HIGHER, "全程网办、电子营业执照、一窗通办、免费寄递等便利措施的评分（满分100）", 0, 100, None),
    ]),
    ("劳动力市场监管", [
        ("劳动合同签订率", "%", HIGHER, "抽样企业与职工依法签订书面劳动合同的比例", 50, 100, None),
        ("劳动人事争议仲裁结案率", "%", HIGHER, "法定审限内结案的仲裁案件占受理案件的比例", 50, 100, None),
        ("劳动人事争议仲裁平均审理周期", "天", LOWER, "仲裁案件从立案到结案的平均天数", 5, 90, None),
        ("公共就业服务便利度", "分", HIGHER, "就业登记、失业登记、职业介绍等公共就业服务网上办和一站式服务的评分（满分100）", 0, 100,
         None),
    ]),
    ("办理建筑许可", [
        ("办理建筑许可环节", "个", LOWER, "社会投资一般工业项目从立项到竣工验收、接通供水排水须办理的环节数", 5, 40, None),
        ("办理建筑许可时间", "天", LOWER, "各环节办理时间之和（工作日）", 10, 300, None),
        ("办理建筑许可费用", "%", LOWER, "各环节费用之和占仓库造价的比例", 0, 10, None),
        ("建筑质量控制指数", "分", HIGHER, "建筑法规质量、施工前中后的质量控制、责任和保险制度、专业认证的评分（满分15）", 0, 15, None),
        ("办理建筑许可便利度", "分", HIGHER, "工程建设项目审批“一张蓝图、一个系统、一个窗口、一张表单、一套机制”运行的评分（满分100）",
         0, 100, None),
    ]),
    ("政府采购", [
        ("电子采购平台", "分", HIGHER, "采购公告、投标、开评标、合同签订、支付全流程电子化的功能覆盖评分（满分100）", 0, 100, None),
        ("采购流程", "分", HIGHER, "采购需求、信息公开、保证金、供应商准入等流程规范和便利的评分（满分100）", 0, 100, None),
        ("采购结果确定和合同签订时间", "天", LOWER, "中标（成交）通知书发出到签订采购合同的平均天数", 1, 60, None),
        ("合同管理", "分", HIGHER, "合同公开、履约验收和变更管理的评分（满分100）", 0, 100, None),
        ("支付和交付时间", "天", LOWER, "履约验收合格到采购资金支付的平均天数", 1, 90, None),
    ]),
    ("招标投标", [
        ("互联网+招标投标", "%", HIGHER, "依法必须招标项目全流程电子化交易的比例", 0, 100, None),
        ("投标和履约担保", "分", HIGHER, "以保函替代保证金、降低保证金比例、按时退还保证金等的评分（满分100）", 0, 100, None),
        ("外地企业中标率", "%", HIGHER, "本地依法必须招标项目中市外企业中标的比例", 0, 100, None),
        ("招标投标投诉处理时间", "天", LOWER, "受理投诉到作出处理决定的平均天数", 1, 60, None),
        ("招标投标监管", "分", HIGHER, "信用评价、双随机监管、清理限制竞争规定等的评分（满分100）", 0, 100, None),
    ]),
    ("获得电力", [
        ("低压流程和低压费用", "分", HIGHER, "低压小微企业办电环节（2个为满分）和办电费用（零费用为满分）的综合评分（满分100）", 0, 100,
         100),
        ("高压办电环节", "个", LOWER, "10千伏高压用户从申请到装表接电须办理的环节数", 1, 10, None),
        ("高压办电时间", "天", LOWER, "高压单电源用户各环节办理时间之和（工作日）", 1, 120, None),
        ("供电可靠性和电费透明度", "分", HIGHER, "停电频率与时长、停电管理、电价电费公开的评分（满分8）", 0, 8, None),
    ]),
    ("获得用水用气", [
        ("获得用水环节", "个", LOWER, "无外线工程用水报装从申请到通水须办理的环节数", 1, 10, None),
        ("获得用水时间", "天", LOWER, "用水报装各环节办理时间之和（工作日）", "0.5", 60, None),
        ("获得用水费用", "元", LOWER, "DN25及以下管径用水报装由用户承担的全部费用", 0, 50000, None),
        ("获得用气环节", "个", LOWER, "无外线工程用气报装从申请到通气须办理的环节数", 1, 10, None),
        ("获得用气时间", "天", LOWER, "用气报装各环节办理时间之和（工作日）", "0.5", 60, None),
        ("获得用气费用", "元", LOWER, "小微企业用气报装由用户承担的全部费用", 0, 50000, 0),
    ]),
    ("登记财产", [
        ("登记财产环节", "个", LOWER, "企业间存量非住宅转移登记须办理的环节数", 1, 10, None),
        ("登记财产时间", "天", LOWER, "各环节办理时间之和（工作日）", "0.1", 30, None),
        ("登记财产费用", "%", LOWER, "登记费和税费等占财产价值的比例", 0, 10, None),
        ("土地管理质量指数", "分", HIGHER, "基础设施可靠性、信息透明度、地理覆盖、土地争议解决和平等获得产权的评分（满分30）", 0, 30,
         None),
    ]),
    ("获得信贷", [
        ("合法权利保障力度指数", "分", HIGHER, "担保和破产制度对借贷双方合法权利的保障评分（满分12）", 0, 12, None),
        ("信用信息深度指数", "分", HIGHER, "征信机构和涉企信用信息共享平台的覆盖范围与获取便利的评分（满分8）", 0, 8, None),
        ("普惠型小微企业贷款余额增速", "%", HIGHER, "普惠型小微企业贷款余额的同比增长率", -20, 100, None),
        ("普惠型小微企业贷款平均利率", "%", LOWER, "当年新发放普惠型小微企业贷款的加权平均利率", 2, 15, None),
    ]),
    ("保护中小投资者", [
        ("信息披露程度", "分", HIGHER, "关联交易的审批和披露要求的评分（满分10）", 0, 10, None),
        ("董事责任程度", "分", HIGHER, "股东就关联交易损害追究董事责任的能力的评分（满分10）", 0, 10, 10),
        ("股东诉讼便利度", "分", HIGHER, "股东获取证据、分担诉讼费用的便利程度的评分（满分10）", 0, 10, None),
        ("股东权利保护", "分", HIGHER, "股东在公司重大决策中的权利和作用的评分（满分6）", 0, 6, None),
        ("公司透明度", "分", HIGHER, "股权结构、高管薪酬、审计和财务信息透明度的评分（满分7）", 0, 7, None),
    ]),
    ("知识产权创造、保护和运用", [
        ("每万人口高价值发明专利拥有量", "件", HIGHER, "年末每万户籍人口拥有的高价值发明专利数", 0, 200, None),
        ("知识产权质押融资登记金额", "亿元", HIGHER, "当年专利权、商标权质押融资登记金额", 0, 1000, None),
        ("专利侵权纠纷行政裁决平均办案周期", "天", LOWER, "专利侵权纠纷行政裁决从立案到作出裁决的平均天数", 10, 365, None),
        ("知识产权保护社会满意度", "分", HIGHER, "第三方调查的知识产权保护社会满意度（满分100）", 0, 100, None),
        ("每万户市场主体有效注册商标拥有量", "件", HIGHER, "年末每万户市场主体拥有的有效注册商标数", 0, 20000, None),
    ]),
    ("跨境贸易", [
        ("出口边境合规时间", "小时", LOWER, "出口货物报关、查验、港口作业等边境合规环节的耗时", 1, 200, None),
        ("出口单证合规时间", "小时", LOWER, "出口单证准备、提交和审核的耗时", "0.5", 100, None),
        ("进口边境合规时间", "小时", LOWER, "进口货物报关、查验、港口作业等边境合规环节的耗时", 1, 300, None),
        ("进口单证合规时间", "小时", LOWER, "进口单证准备、提交和审核的耗时", "0.5", 100, None),
        ("出口边境合规费用", "元", LOWER, "每个标准集装箱出口边境合规环节的费用", 0, 10000, None),
        ("进口边境合规费用", "元", LOWER, "每个标准集装箱进口边境合规环节的费用", 0, 10000, None),
    ]),
    ("纳税", [
        ("纳税次数", "次", LOWER, "样本企业一年内缴纳各项税费的次数（合并申报计为一次）", 1, 60, None),
        ("纳税时间", "小时", LOWER, "样本企业一年内准备、申报和缴纳增值税、企业所得税和社保费的时间", 10, 500, None),
        ("总税收和缴费率", "%", LOWER, "样本企业应缴税费占商业利润的比例", 10, 100, None),
        ("报税后流程指数", "分", HIGHER, "增值税留抵退税、企业所得税更正申报等报税后流程的评分（满分100）", 0, 100, None),
        ("电子税务局网上综合办税率", "%", HIGHER, "通过电子税务局办理的涉税业务占全部业务的比例", 0, 100, None),
    ]),
    ("执行合同", [
        ("解决商业纠纷的时间", "天", LOWER, "一审买卖合同纠纷从起诉到执行完毕的天数", 30, 1500, None),
        ("解决商业纠纷的费用", "%", LOWER, "诉讼费、律师费和执行费占标的额的比例", 0, 100, None),
        ("司法程序质量指数", "分", HIGHER, "法院结构与诉讼程序、案件管理、法院信息化、多元化纠纷解决的评分（满分18）", 0, 18, None),
        ("执行案件法定期限内结案率", "%", HIGHER, "首次执行案件在法定期限内结案的比例", 0, 100, None),
    ]),
    ("办理破产", [
        ("收回债务所需时间", "年", LOWER, "破产案件从受理到债权人收回债务的时间", "0.1", 10, None),
        ("收回债务所需成本", "%", LOWER, "破产程序费用占债务人财产价值的比例", 0, 100, None),
        ("债权回收率", "%", HIGHER, "有担保债权人每一元债权收回的金额（现值）", 0, 100, None),
        ("破产框架力度指数", "分", HIGHER, "程序启动、债务人资产管理、重整程序和债权人参与的评分（满分16）", 0, 16, None),
    ]),
    ("市场监管", [
        ("“双随机、一公开”监管覆盖率", "%", HIGHER, "纳入随机抽查的部门和检查事项占应纳入的比例", 0, 100, None),
        ("信用监管", "分", HIGHER, "信用承诺、信用风险分类监管、信用修复等的评分（满分100）", 0, 100, None),
        ("“互联网+监管”", "分", HIGHER, "监管事项目录覆盖和监管行为数据上报的评分（满分100）", 0, 100, None),
        ("包容审慎监管", "分", HIGHER, "轻微违法行为免罚清单、首违不罚等的执行评分（满分100）", 0, 100, None),
        ("涉企检查备案率", "%", HIGHER, "入企检查事先备案的比例", 0, 100, None),
    ]),
    ("政务服务", [
        ("网上政务服务能力", "分", HIGHER, "在线服务成效度、办理成熟度、方式完备度、服务指南准确度的评分（满分100）", 0, 100, None),
        ("政务服务事项网上可办率", "%", HIGHER, "可全程或部分网上办理的依申请政务服务事项的比例", 0, 100, None),
        ("“一次办好”事项比例", "%", HIGHER, "企业和群众办事最多跑一次的事项的比例", 0, 100, None),
        ("承诺时限压缩比例", "%", HIGHER, "依申请事项承诺时限较法定时限的平均压缩比例", 0, 100, None),
        ("政务服务“好差评”满意率", "%", HIGHER, "好差评中“满意”及以上评价的比例", 0, 100, None),
        ("“一窗受理”事项比例", "%", HIGHER, "政务服务中心实行无差别综合窗口受理的事项的比例", 0, 100, None),
    ]),
    ("包容普惠创新", [
        ("创新创业活跃度", "分", HIGHER, "高新技术企业、科技型中小企业、新增市场主体等的评分（满分100）", 0, 100, None),
        ("人才流动便利度", "分", HIGHER, "落户、人才服务和人才政策的评分（满分100）", 0, 100, None),
        ("市场开放度", "分", HIGHER, "实际利用外资、外贸依存度和开放平台的评分（满分100）", 0, 100, None),
        ("基本公共服务群众满意度", "分", HIGHER, "教育、医疗、养老、住房等基本公共服务群众满意度调查的评分（满分100）", 0, 100, None),
        ("蓝天碧水净土森林覆盖指数", "分", HIGHER, "空气质量优良天数比例、地表水优良比例、森林覆盖率等的综合评分（满分100）", 0, 100,
         None),
        ("综合立体交通指数", "分", HIGHER, "高速公路、铁路、机场、港口通达性的评分（满分100）", 0, 100, None),
    ]),
]

SIX = Decimal("0.000001")


def equal_weights(count: int) -> list[Decimal]:
    """`count` equal weights with six decimals summing to exactly 1: the remainder on the last."""
    share = (Decimal(1) / count).quantize(SIX)
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


def codes() -> dict[str, str]:
    """Each second-level indicator's code by its name: 01.1 … 18.6."""
    return {second[0]: f"{first_number:02d}.{number}" for first_number, (_, seconds) in enumerate(FIRSTS, start=1)
            for number, second in enumerate(seconds, start=1)}


def rows() -> list[dict]:
    """The framework's rows, keyed as the workbook's columns (actions.FRAMEWORK_COLUMNS)."""
    found = []
    for first_number, ((first_name, seconds), first_weight) in enumerate(
            zip(FIRSTS, equal_weights(len(FIRSTS)), strict=True), start=1):
        for number, ((name, unit, direction, method, low, high, best), weight) in enumerate(
                zip(seconds, equal_weights(len(seconds)), strict=True), start=1):
            found.append({
                "first_code": f"{first_number:02d}", "first_name": first_name, "first_weight": str(first_weight),
                "code": f"{first_number:02d}.{number}", "name": name, "unit": unit, "direction": direction,
                "method": method, "weight": str(weight), "plausible_min": str(low), "plausible_max": str(high),
                "stated_best": None if best is None else str(best), "stated_worst": None})
    return found
