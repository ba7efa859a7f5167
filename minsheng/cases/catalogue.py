"""The case kinds and a realistic service catalogue for a Chinese city (the demo's, and a
starting point administrators edit in the admin)."""

from minsheng.cases.models import Category, CategoryDepartment, CategoryQuestion, CaseKind, QuestionType
from minsheng.org.models import Department, Region, RegionLevel

STUCK, GENERAL, ENTERPRISE = "stuck-matter", "general", "enterprise"
POLICY_APPLICATION = "policy-application"
# Kinds a programme registers through its own form (the application and the case together),
# never chosen at the window's general intake.
PROGRAMME_KINDS = (POLICY_APPLICATION,)

# code, name, description, accept, sign, handle, callback, warn share, needs USCC, stuck matter,
# published (办不成事 and enterprise cases name a person's or a firm's own affairs: not published)
KINDS = [
    (STUCK, "办不成事反映", "申请事项未按时办理、多次往返仍未办成的，向“办不成事”反映窗口反映", 1, 1, 5, 2, "0.30", False, True, False),
    (GENERAL, "一般诉求", "投诉、求助、建议、咨询", 1, 1, 10, 3, "0.30", False, False, True),
    (ENTERPRISE, "企业诉求", "市场主体反映的困难和问题，须提供统一社会信用代码", 1, 1, 7, 3, "0.30", True, False, False),
    # A firm's application for a policy benefit (惠企政策申报, issue 13): each case's handling limit
    # is its policy's (review, public listing, payment order, payment), set at registration.
    (POLICY_APPLICATION, "惠企政策申报", "企业申报惠企政策，审核、公示、拨付", 1, 1, 35, 3, "0.30", True, False, False),
]

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]

# (code, name, department short name, keywords, [sub-categories as (code, name, keywords, questions)
# and, where the parent's department or the kind's time limits do not suit, a dict of the
# category's own (department short name, sign_days, handle_days)])
CATALOGUE = [
    ("housing", "住房城乡建设", "住建局", "", [
        ("elevator-retrofit", "既有住宅加装电梯", "加装电梯,电梯,老旧小区", [
            ("building", "楼栋及单元", QuestionType.STRING, True, [], "如：5栋2单元"),
            ("consent", "本单元业主是否已签署同意书", QuestionType.SINGLE, True, YES_NO, ""),
        ]),
        ("old-community", "老旧小区改造", "老旧小区,改造,管网,外立面", []),
        ("property-management", "物业管理", "物业,物业费,维修基金", []),
        ("building-quality", "房屋质量", "漏水,开裂,质量", []),
        ("construction-noise", "建筑施工扰民", "施工,噪音,夜间施工", [
            ("time", "发生时间", QuestionType.DATETIME, False, [], ""),
        ]),
    ]),
    ("government-service", "政务服务", "政务服务中心", "", [
        ("approval-overdue", "审批超时未办结", "超时,审批,未办结,办不成", []),
        ("repeated-materials", "材料反复提交", "材料,反复,跑多次", []),
        ("window-service", "窗口服务", "态度,窗口,排队", []),
    ]),
    ("market", "市场监管", "市场监管局", "", [
        ("food-safety", "食品安全", "食品,过期,餐饮", []),
        ("consumer-rights", "消费维权", "退款,维权,预付卡", []),
        ("price", "价格问题", "价格,收费,乱收费", []),
        # Faults of a lift in service (加装电梯 above all, reported from its page); 市场监管局 is the
        # special-equipment authority and calls the maintenance contractor out: three working days.
        ("elevator-fault", "电梯故障", "电梯故障,电梯停运,电梯困人,电梯维保", [
            ("building", "小区、楼栋及单元", QuestionType.STRING, True, [], "如：长运宿舍7栋1单元"),
            ("fault", "故障情况", QuestionType.SINGLE, True, [
                {"key": "stopped", "name": "停运"},
                {"key": "trapped", "name": "困人（已脱困）"},
                {"key": "doors", "name": "门开关异常"},
                {"key": "noise", "name": "异响、抖动"},
                {"key": "buttons", "name": "按钮、显示故障"},
                {"key": "other", "name": "其他"},
            ], "有人被困时请先按轿厢内的警铃或拨打96333。"),
        ], {"handle_days": 3}),
    ]),
    ("environment", "生态环境", "生态环境分局", "", [
        ("noise", "噪声污染", "噪声,噪音,广场舞", []),
        ("fumes", "餐饮油烟", "油烟,烧烤", []),
        ("water-pollution", "水污染", "排污,污水,河道", []),
    ]),
    ("urban-management", "城市管理", "城管局", "", [
        ("street-vending", "占道经营", "占道,摆摊", []),
        ("illegal-building", "违法建设", "违建,搭建", []),
        ("sanitation", "环境卫生", "垃圾,卫生,公厕", []),
        ("streetlight", "路灯设施", "路灯,井盖", []),
        # What residents report about a city station (issue 15), from its page: the case goes to
        # the station's operator unit, whichever department runs it.
        ("station-facility", "城市驿站", "驿站,城市驿站,热水器,饮水机", [
            ("station", "驿站名称", QuestionType.STRING, True, [], "如：城市驿站·浔阳站"),
        ]),
    ]),
    ("transport", "交通运输", "交通运输局", "", [
        ("bus", "公交线路", "公交,班次,站点", []),
        ("taxi", "出租车", "出租车,拒载,绕路", []),
        ("rural-road", "农村公路", "道路,坑洼,公路", []),
    ]),
    ("social-security", "社会保障", "人社局", "", [
        ("pension", "养老保险", "养老,退休,社保", []),
        ("employment", "就业创业", "就业,创业,培训", []),
        ("wage-arrears", "欠薪", "欠薪,工资,农民工", [
            ("amount", "拖欠金额（元）", QuestionType.NUMBER, True, [], ""),
            ("workers", "涉及人数", QuestionType.NUMBER, False, [], ""),
        ]),
    ]),
    ("medical", "医疗医保", "医保局", "", [
        ("medical-insurance", "医保报销", "医保,报销,异地就医", []),
    ]),
    ("education", "教育", "教体局", "", [
        ("school-admission", "入学入园", "入学,学位,幼儿园", []),
    ]),
    ("land", "自然资源", "自然资源局", "", [
        ("property-registration", "不动产登记", "不动产,房产证,登记", []),
        ("land-use", "土地使用", "土地,用地,宅基地", []),
    ]),
    ("enterprise-service", "企业服务", "营商办", "", [
        ("policy-benefit", "惠企政策兑现", "政策,补贴,兑现,奖补", [
            ("policy", "政策名称", QuestionType.STRING, True, [], ""),
        ]),
        ("inspection", "涉企检查", "检查,执法,罚款", [
            ("kinds", "检查类型", QuestionType.MULTI, False, [
                {"key": "safety", "name": "安全生产"},
                {"key": "environment", "name": "环保"},
                {"key": "fire", "name": "消防"},
                {"key": "market", "name": "市场监管"},
            ], ""),
        ]),
        ("utilities", "水电气报装", "报装,用电,用水,燃气", []),
        ("financing", "融资难题", "贷款,融资,担保", []),
        # What firms raise with their helpers (企业帮扶), each to the department that decides it.
        ("market-access", "市场准入", "准入,许可,登记,经营范围", [], {"department": "市场监管局"}),
        ("premises-land", "用地厂房", "用地,厂房,标准厂房,土地", [], {"department": "自然资源局"}),
        ("recruitment", "招工用工和人才", "招工,用工,人才,技工", [], {"department": "人社局"}),
        ("workers-children", "职工子女入学", "子女,入学,上学,转学", [
            ("children", "涉及子女人数", QuestionType.NUMBER, False, [], ""),
        ], {"department": "教体局"}),
        ("planning-construction", "规划建设", "规划,报建,施工许可,验收", [], {"department": "住建局"}),
        ("enterprise-other", "其他企业诉求", "", []),
    ]),
]

CITY_DEPARTMENT_FOR = {
    "住建局": "市住建局",
    "政务服务中心": "市行政审批局",
    "市场监管局": "市市场监管局",
    "生态环境分局": "市生态环境局",
    "城管局": "市城管局",
    "交通运输局": "市交通运输局",
    "人社局": "市人社局",
    "医保局": "市医保局",
    "教体局": "市教育局",
    "自然资源局": "市自然资源局",
    "营商办": "市营商办",
}


def load_catalogue() -> None:
    """Categories, their questions, and each region's default department where it has one."""
    regions = list(Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]))
    departments = {(d.region_id, d.name): d for d in Department.objects.all()}
    for order, (code, name, short, keywords, children) in enumerate(CATALOGUE, start=1):
        parent, _ = Category.objects.update_or_create(code=code, defaults={"name": name, "keywords": keywords, "order": order})
        for child_order, (child_code, child_name, child_keywords, questions, *own) in enumerate(children, start=1):
            own = dict(own[0]) if own else {}
            child_short = own.pop("department", short)
            category, _ = Category.objects.update_or_create(
                code=child_code,
                defaults={"name": child_name, "parent": parent, "keywords": child_keywords, "order": child_order, **own},
            )
            for question_order, (q_code, label, datatype, required, values, help_text) in enumerate(questions, start=1):
                CategoryQuestion.objects.update_or_create(
                    category=category,
                    code=q_code,
                    defaults={"label": label, "datatype": datatype, "required": required, "values": values,
                              "help_text": help_text, "order": question_order},
                )
            for region in regions:
                name_in_region = (CITY_DEPARTMENT_FOR.get(child_short) if region.level == RegionLevel.CITY
                                  else f"{region.name}{child_short}")
                department = departments.get((region.pk, name_in_region))
                if department is not None:
                    CategoryDepartment.objects.update_or_create(
                        category=category, region=region, defaults={"department": department}
                    )


def create_kinds(kind_model=CaseKind) -> None:
    """The kinds every installation has (the migration calls this with its historical model)."""
    # Migrations before the publication flag call this with a model that does not have it yet.
    has_flag = any(field.name == "is_published" for field in kind_model._meta.get_fields())
    for order, (code, name, description, accept, sign, handle, callback, share, uscc, stuck, published) in enumerate(
        KINDS, start=1
    ):
        kind_model.objects.get_or_create(
            code=code,
            defaults=({"is_published": published} if has_flag else {}) | {
                "name": name,
                "description": description,
                "accept_days": accept,
                "sign_days": sign,
                "handle_days": handle,
                "callback_days": callback,
                "warn_share": share,
                "requires_uscc": uscc,
                "is_stuck_matter": stuck,
                "order": order,
            },
        )


def kind(code: str) -> CaseKind:
    return CaseKind.objects.get(code=code)
