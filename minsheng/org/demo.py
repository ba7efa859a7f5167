"""Jiujiang's organisation for the demo: the city, its 13 county-level divisions (GB/T 2260),
departments, and one login per role (the personas of JOURNEYS.md)."""

from dataclasses import dataclass

from minsheng.org import actions
from minsheng.org.models import Department, Region, RegionLevel, Role, User

DEMO_PASSWORD = "minsheng2026"

CITY = ("360400", "九江市", "九江")
COUNTIES = [
    ("360402", "濂溪区", "濂溪"),
    ("360403", "浔阳区", "浔阳"),
    ("360404", "柴桑区", "柴桑"),
    ("360423", "武宁县", "武宁"),
    ("360424", "修水县", "修水"),
    ("360425", "永修县", "永修"),
    ("360426", "德安县", "德安"),
    ("360428", "都昌县", "都昌"),
    ("360429", "湖口县", "湖口"),
    ("360430", "彭泽县", "彭泽"),
    ("360481", "瑞昌市", "瑞昌"),
    ("360482", "共青城市", "共青城"),
    ("360483", "庐山市", "庐山"),
]
HUKOU_TOWNSHIPS = [
    ("360429100", "双钟镇", "双钟"),
    ("360429101", "均桥镇", "均桥"),
    ("360429102", "武山镇", "武山"),
    ("360429103", "城山镇", "城山"),
    ("360429104", "大垅乡", "大垅"),
]
# 武宁县's towns and townships (统计用区划代码 style), where its enterprise grids are drawn.
WUNING_TOWNSHIPS = [
    ("360423100", "新宁镇", "新宁"),
    ("360423101", "泉口镇", "泉口"),
    ("360423102", "鲁溪镇", "鲁溪"),
    ("360423103", "船滩镇", "船滩"),
    ("360423104", "澧溪镇", "澧溪"),
    ("360423105", "罗坪镇", "罗坪"),
    ("360423106", "石门楼镇", "石门楼"),
    ("360423107", "宋溪镇", "宋溪"),
    ("360423108", "杨洲乡", "杨洲"),
    ("360423200", "东林乡", "东林"),
    ("360423201", "巾口乡", "巾口"),
    ("360423202", "甫田乡", "甫田"),
    ("360423203", "清江乡", "清江"),
    ("360423204", "官莲乡", "官莲"),
    ("360423205", "上汤乡", "上汤"),
    ("360423206", "大洞乡", "大洞"),
    ("360423207", "石渡乡", "石渡"),
    ("360423208", "横路乡", "横路"),
    ("360423209", "礼溪镇", "礼溪"),
]

# (short name as used inside a county, full suffix); a county's department is "<county name><suffix>".
COUNTY_DEPARTMENTS = [
    ("住建局", "住房和城乡建设局"),
    ("教体局", "教育体育局"),
    ("卫健委", "卫生健康委员会"),
    ("人社局", "人力资源和社会保障局"),
    ("民政局", "民政局"),
    ("城管局", "城市管理局"),
    ("交通运输局", "交通运输局"),
    ("农业农村局", "农业农村局"),
    ("生态环境分局", "生态环境分局"),
    ("林业局", "林业局"),
    ("水利局", "水利局"),
    ("自然资源局", "自然资源局"),
    ("市场监管局", "市场监督管理局"),
    ("医保局", "医疗保障局"),
    ("工信局", "工业和信息化局"),
    ("商务局", "商务局"),
    ("财政局", "财政局"),
    ("营商办", "优化营商环境办公室"),
    ("政务服务中心", "政务服务中心"),
    ("政府办", "人民政府办公室"),
]
SUPERVISION_SHORT_NAMES = {"营商办", "政府办"}


def township_government_name(township_name: str) -> str:
    """A town's or township's government (乡镇人民政府): its staff help the firms of its grids."""
    return f"{township_name}人民政府"

CITY_DEPARTMENTS = [
    "市住建局", "市教育局", "市卫健委", "市人社局", "市民政局", "市城管局", "市交通运输局", "市农业农村局",
    "市生态环境局", "市林业局", "市水利局", "市自然资源局", "市市场监管局", "市医保局", "市工信局", "市商务局",
    "市财政局", "市发改委", "市营商办", "市政府督查室", "市行政审批局", "市12345热线中心", "市政府办公室",
    "市残联", "市数据管理局", "市科技局",
]
CITY_SUPERVISION = {"市营商办", "市政府督查室", "市12345热线中心"}
# The city's other units that lead business-environment reform tasks (the evaluation demo): the
# court, the central government's branches, the utilities, with the short names they go by.
CITY_UNITS = [
    ("市公安局", "公安局"), ("市司法局", "司法局"), ("市金融办", "金融办"), ("市公共资源交易中心", "公共资源交易中心"),
    ("国家税务总局九江市税务局", "市税务局"), ("九江市中级人民法院", "市中级法院"), ("中国人民银行九江市中心支行", "人行九江中支"),
    ("九江银保监分局", "九江银保监分局"), ("九江海关", "九江海关"), ("国网九江供电公司", "九江供电公司"),
    ("九江市水务有限公司", "市水务公司"), ("九江市燃气有限公司", "市燃气公司"),
]


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    department: str
    title: str
    roles: tuple[str, ...]
    is_superuser: bool = False


PERSONAS = [
    Persona("admin", "郑管理", "市数据管理局", "系统管理员", (Role.ADMINISTRATOR,), True),
    Persona("zhangming", "张明", "市政府办公室", "副市长", (Role.LEADER,)),
    Persona("sunli", "孙丽", "市营商办", "督查科科长", (Role.SUPERVISOR,)),
    Persona("lihong", "李红", "市住建局", "城建科科长", (Role.HANDLER, Role.DEPARTMENT_HEAD)),
    Persona("chenjing", "陈静", "湖口县政务服务中心", "窗口受理员", (Role.WINDOW_CLERK,)),
    Persona("liuwei", "刘伟", "湖口县营商办", "督办员", (Role.SUPERVISOR,)),
    Persona("huangxin", "黄鑫", "湖口县住建局", "办理员", (Role.HANDLER,)),
    Persona("zhoujian", "周建", "湖口县住建局", "局长", (Role.DEPARTMENT_HEAD,)),
    Persona("wumin", "吴敏", "湖口县自然资源局", "办理员", (Role.HANDLER,)),
    Persona("hukouadmin", "何管理", "湖口县政府办", "系统管理员", (Role.ADMINISTRATOR,)),
    # The top of 湖口县's supervision ladder, and the head told when 县自然资源局 runs late.
    Persona("wanghua", "王华", "湖口县政府办", "副县长", (Role.LEADER,)),
    Persona("guofang", "郭芳", "湖口县自然资源局", "局长", (Role.DEPARTMENT_HEAD,)),
    # 武宁县's enterprise help (JOURNEYS.md 11): 周敏 helps three 规上 firms one-to-one and a grid
    # of 个体工商户; 李萍 of 县营商办 keeps the registry; 陈刚, the deputy county head, reads coverage.
    Persona("zhoumin", "周敏", "武宁县工信局", "企业服务股股长", (Role.HANDLER,)),
    Persona("liping", "李萍", "武宁县营商办", "企业服务科科长", (Role.SUPERVISOR,)),
    Persona("chengang", "陈刚", "武宁县政府办", "副县长", (Role.LEADER,)),
    # 武宁县's fair inspections (JOURNEYS.md 12): 汤丽 of 县市场监管局 files visits; 熊伟, its head,
    # approves them and runs the draws; 钟华 of 县卫健委 joins a visit (进一次门、查多项事).
    Persona("tangli", "汤丽", "武宁县市场监管局", "执法稽查股股长", (Role.HANDLER,)),
    Persona("xiongwei", "熊伟", "武宁县市场监管局", "局长", (Role.DEPARTMENT_HEAD,)),
    Persona("zhonghua", "钟华", "武宁县卫健委", "卫生监督员", (Role.HANDLER,)),
    # Enterprise policies (JOURNEYS.md 13): 涂红 of 武宁县工信局 enters the county's policies and
    # delivers them (免申即享); 蔡燕 of 市工信局 keeps the city's.
    Persona("tuhong", "涂红", "武宁县工信局", "政策兑现股股长", (Role.HANDLER,)),
    Persona("caiyan", "蔡燕", "市工信局", "中小企业科科长", (Role.HANDLER,)),
    # 局长走流程 in 武宁县 (issue 14): 熊伟 (above) walks 企业开办; 卢志刚, head of 县自然资源局,
    # walks 不动产登记 and posts its rectifications' progress.
    Persona("luzhigang", "卢志刚", "武宁县自然资源局", "局长", (Role.DEPARTMENT_HEAD,)),
    # City stations (issue 15): 浔阳区城管局 runs the district's stations (彭涛 heads it, 袁芳 keeps
    # them and answers residents' feedback); 胡锋 heads 濂溪区's.
    Persona("pengtao", "彭涛", "浔阳区城管局", "局长", (Role.DEPARTMENT_HEAD,)),
    Persona("yuanfang", "袁芳", "浔阳区城管局", "市容环卫股股长", (Role.HANDLER,)),
    Persona("hufeng", "胡锋", "濂溪区城管局", "副局长", (Role.HANDLER, Role.DEPARTMENT_HEAD)),
]


def county_department_name(county_name: str, short: str) -> str:
    return f"{county_name}{short}"


def load_org() -> dict[str, Region]:
    city, _ = Region.objects.update_or_create(
        code=CITY[0], defaults={"name": CITY[1], "short_name": CITY[2], "level": RegionLevel.CITY, "parent": None}
    )
    regions = {city.name: city}
    for code, name, short in COUNTIES:
        regions[name], _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "level": RegionLevel.COUNTY, "parent": city}
        )
    for county, townships in (("湖口县", HUKOU_TOWNSHIPS), ("武宁县", WUNING_TOWNSHIPS)):
        for code, name, short in townships:
            regions[name], _ = Region.objects.update_or_create(
                code=code,
                defaults={"name": name, "short_name": short, "level": RegionLevel.TOWNSHIP, "parent": regions[county]},
            )
    for name in CITY_DEPARTMENTS:
        Department.objects.update_or_create(
            region=city, name=name, defaults={"short_name": name[1:], "is_supervision_office": name in CITY_SUPERVISION}
        )
    for _code, county_name, _short in COUNTIES:
        for short, _full in COUNTY_DEPARTMENTS:
            Department.objects.update_or_create(
                region=regions[county_name],
                name=county_department_name(county_name, short),
                defaults={"short_name": short, "is_supervision_office": short in SUPERVISION_SHORT_NAMES},
            )
    # 武宁县's town and township governments, whose staff are the enterprise grids' helpers.
    for _code, name, _short in WUNING_TOWNSHIPS:
        Department.objects.update_or_create(
            region=regions[name], name=township_government_name(name), defaults={"short_name": f"{name}政府"}
        )
    for name, short in CITY_UNITS:
        Department.objects.update_or_create(region=city, name=name, defaults={"short_name": short})
    for persona in PERSONAS:
        user, created = User.objects.get_or_create(
            username=persona.username,
            defaults={
                "full_name": persona.full_name,
                "title": persona.title,
                "department": Department.objects.get(name=persona.department),
                "is_staff": persona.is_superuser,
                "is_superuser": persona.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        actions.do_set_roles(user, set(persona.roles), actor=None)
    return regions
