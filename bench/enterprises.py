"""The enterprise registry's benchmarks (issue 11, 一企一档), on PostgreSQL with 1,000,000 market
entities.

Targets (issue 11):
1. the coverage report `queries.coverage(county, today)` for a county < 500 ms (median of the
   runs after a warm-up): the largest county (浔阳区, 150,000 entities) and a median one (永修县,
   65,000); the city's report (every county) is measured too, for information;
2. a firm's profile page GET /enterprises/staff/<pk>/ < 50 ms (median), through django.test.Client
   with force_login of the county's supervisor: a 规上 firm with its one-to-one helper, visits and
   certifications, and a 个体工商户 in a grid (the page renders no form: it links to the action
   pages /enterprises/staff/<pk>/do/<action>/, which are not measured);
3. the import rate: `actions.imports.run_import` over a generated workbook of 100,000 new firms
   (every column of its COLUMNS table) < 60 s.
For information: the registry list page (county supervisor, city supervisor, a grid helper, the
暂无帮扶干部 filter), a grid helper's and a one-to-one helper's 'mine' page, the profile page as the
firm's own helper, the coverage page, the re-import of the same workbook (every row known and
unchanged), the same rows from the workbook as openpyxl writes it. Each figure has its median,
p95, n, the SQL queries of one call and their time; the coverage report's queries (the grouped
pass, the uncovered entities, the regions, the gap list's entities) each their time, and for the
largest county their EXPLAIN (ANALYZE, BUFFERS).

Data (`generate`, deterministic seed): the demo organisation (org.demo.load_org: the city, its 13
counties, 湖口县's and 武宁县's townships) and the GB/T 4754 table the migrations load. 1,000,000
entities over the 13 counties (浔阳区 150,000 … 共青城市 40,000), each with a valid 统一社会信用代码
(testing.uscc: 91 企业 28 %, 92 个体工商户 68 %, 93 农民专业合作社 4 %); a 4-digit 小类 drawn by
kind (个体户: retail, catering, residents' services, repairs …; firms: manufacturing, wholesale,
retail, construction, business services …; cooperatives: farming); established 1995 … 2026-11
(skewed to recent years), 3 % cancelled or revoked with their closed_on; figures (2025) for 60 %
of firms and 30 % of cooperatives, log-normal around each sector's 规上 threshold, with size class
and 规上 computed by minsheng.enterprises.sizes (size_class, is_above_scale): about 1.5 % 规上;
~0.1 % key firms (重点企业) among the others. Grids of ~135 members (120-150) per township (湖口县,
武宁县) or per county elsewhere, one helper each (a user per grid; 12 % of grids changed helper
once, 0.4 % have had none for weeks); every 规上 and key firm has a one-to-one helper (a county
official with ~4 firms; 6 % changed helper, 1.5 % ended without a successor). Entities join their
grid 1 week to 3 months after they are established (or when the grid is set up), cancelled ones
leave it on closed_on, 1.5 % moved grid once, 0.8 % were never put in one: about 2 % of the
active entities are uncovered. Visits: ~3 a one-to-one firm and ~1 a grid member over their
assignment (the helper of the day), each with its 'visited' event; events for assignments, grids,
closures and the registry's first import; certifications for a quarter of the 规上 firms. Demands
are not generated (they are enterprise cases, see the notes). Helper users are created once with
unusable passwords. Everything is written with COPY (secondary indexes dropped and rebuilt), then
VACUUM ANALYZE; kept in the bench database (bench_meta 'enterprises_generation'), `--rebuild`
regenerates.

The clock is fixed at bench.data.NOW (2026-11-20 10:00, Asia/Shanghai) with time_machine (and the
platform's clock.fixed). The import's firms, its jobs and their events and files are removed
after the run, so runs measure the same database.
Writes bench/results/enterprises.json and enterprises.md."""

import io
import json
import math
import os
import random
import time
from datetime import date, datetime, timedelta

from bench import VAR_DIR, git_commit
from bench import data
from bench.cases import (QueryTimer, Run, _execution_ms, explain, markdown_notes, markdown_plans, markdown_results,
                         markdown_run_line, record_run, summary)

SEED = 20261111
DATA_VERSION = 2  # bump when the generator changes: a database of another version is regenerated
N_ENTITIES = 1_000_000
COUNTY_SIZES = {  # entities per county (the largest: 浔阳区; the median: 永修县)
    "浔阳区": 150_000, "濂溪区": 120_000, "修水县": 115_000, "都昌县": 85_000, "瑞昌市": 80_000, "柴桑区": 75_000,
    "永修县": 65_000, "武宁县": 60_000, "庐山市": 60_000, "彭泽县": 55_000, "湖口县": 50_000, "德安县": 45_000,
    "共青城市": 40_000,
}
assert sum(COUNTY_SIZES.values()) == N_ENTITIES
LARGEST, MEDIAN = "浔阳区", "永修县"
COVERAGE_TARGET_MS = 500
PAGE_TARGET_MS = 50
IMPORT_TARGET_S = 60
IMPORT_ROWS = 100_000
IMPORT_SERIAL = 800_000_000  # the workbook's codes: serials far above the generated entities'
COVERAGE_RUNS = 10
GRID_SIZE = 135
PROGRAMME_START = date(2021, 3, 1)  # grids and one-to-one help began
REGISTRY_IMPORTED = date(2021, 1, 5)  # the registry's first import (created_at of older entities)
FIRST_DAY = date(1995, 1, 1)
ENTERPRISE_TABLES = [
    "enterprises_visitattachment", "enterprises_visit", "enterprises_demand", "enterprises_certification",
    "enterprises_logincode", "enterprises_enterpriseevent", "enterprises_assignment", "enterprises_gridmember",
    "enterprises_grid", "enterprises_importjob", "enterprises_entity",
]
LOADED_TABLES = ["enterprises_entity", "enterprises_grid", "enterprises_gridmember", "enterprises_assignment",
                 "enterprises_visit", "enterprises_enterpriseevent", "enterprises_certification"]
HELPER_PREFIX = "bench_ent_"

# --- what the entities look like -----------------------------------------------------------------

KIND_PREFIX = {"enterprise": "91", "individual": "92", "cooperative": "93"}
# (division codes, weight) by kind; a 小类 is then drawn uniformly from the division's classes.
INDUSTRY_WEIGHTS = {
    "individual": [
        (["52"], 40), (["62"], 18), (["80"], 8), (["81"], 5), (["51"], 5), (["54"], 5), (["61"], 2),
        (["01", "03", "04"], 5), (["13", "14", "18", "20", "21", "33"], 4), (["72"], 2), (["89", "90"], 2), (["84"], 1),
        (["82"], 1), (["70"], 1), (["83"], 1),
    ],
    "enterprise": [
        ([f"{d:02d}" for d in range(13, 44) if d != 16], 28), (["51"], 16), (["52"], 10), (["47", "48", "49", "50"], 8),
        (["72"], 7), (["64", "65"], 5), (["73", "74", "75"], 3), (["54", "58", "59"], 5), (["70"], 4), (["62"], 3),
        (["61"], 1), (["01", "02", "03", "04", "05"], 4), (["44", "45", "46"], 1), (["77", "78"], 1), (["80", "81", "82"], 2),
        (["86", "87", "88", "89", "90"], 1), (["66", "67", "69"], 1),
    ],
    "cooperative": [(["01"], 50), (["02"], 10), (["03"], 20), (["04"], 8), (["05"], 7), (["51"], 3), (["13"], 2)],
}
FIGURES_SHARE = {"enterprise": 0.60, "cooperative": 0.30, "individual": 0.0}
KEY_SHARE = 0.0066  # of the firms with figures below 规上: ~0.1 % of all entities
CLOSED_SHARE, REVOKED_SHARE = 0.026, 0.004
DESCRIPTOR = {
    "01": "农业", "02": "林业", "03": "养殖", "04": "水产", "05": "农业服务", "13": "粮油", "14": "食品", "15": "酒业",
    "17": "纺织", "18": "服饰", "19": "鞋业", "20": "木业", "21": "家具", "22": "纸业", "23": "印务", "24": "文体用品",
    "25": "能源", "26": "化工", "27": "药业", "28": "化纤", "29": "塑胶", "30": "建材", "31": "钢铁", "32": "铜业",
    "33": "金属制品", "34": "机械", "35": "装备", "36": "汽车零部件", "37": "船舶", "38": "电气", "39": "电子",
    "40": "仪表", "41": "工艺品", "42": "再生资源", "43": "设备维修", "44": "电力", "45": "燃气", "46": "水务",
    "47": "建设", "48": "路桥", "49": "安装工程", "50": "装饰工程", "51": "商贸", "52": "商业", "54": "运输",
    "58": "物流", "59": "仓储", "61": "酒店", "62": "餐饮", "64": "网络科技", "65": "信息技术", "66": "小额贷款",
    "67": "投资", "69": "融资担保", "70": "房地产", "72": "企业管理咨询", "73": "研究院", "74": "检测",
    "75": "科技", "77": "环保", "78": "园林", "80": "家政服务", "81": "汽车维修", "82": "美容", "86": "文化传媒",
    "87": "影视", "88": "文化艺术", "89": "体育", "90": "娱乐",
}
SHOPS = {
    "52": ["超市", "便利店", "副食店", "五金店", "建材店", "服装店", "烟酒店", "水果店", "母婴店", "药店", "手机店",
           "家电商行", "日杂店", "粮油店", "茶叶店", "农资店"],
    "62": ["小吃店", "饭店", "面馆", "早餐店", "烧烤店", "奶茶店", "快餐店", "农家乐", "土菜馆", "米粉店"],
    "80": ["理发店", "洗衣店", "家政服务部", "摄影部", "婚庆服务部"],
    "81": ["汽车修理厂", "摩托车维修部", "家电维修部", "手机维修店", "修配部"],
    "51": ["批发部", "经营部", "商行"], "54": ["货运部", "运输部"], "61": ["宾馆", "旅社", "民宿"],
    "01": ["种植场", "家庭农场", "果园"], "03": ["养殖场", "养猪场", "养鸡场"], "04": ["渔场", "水产养殖场"],
}
SHOPS_OTHER = ["经营部", "服务部", "工作室", "商行", "加工厂", "加工坊"]
PRODUCTS = {"01": ["水稻", "蔬菜", "茶叶", "油茶", "柑橘", "蓝莓", "中药材", "食用菌", "棉花", "花卉苗木"],
            "02": ["林木", "竹业", "油茶"], "03": ["生猪", "肉牛", "家禽", "蛋鸡", "山羊"], "04": ["水产", "稻虾", "螃蟹", "鱼苗"],
            "05": ["农机", "植保", "农业服务"], "51": ["农产品购销"], "13": ["粮食加工"]}
VILLAGES = ["大屋", "新桥", "杨桥", "官桥", "石门", "湖田", "港口", "花园", "东山", "西港", "南岭", "北湖", "白沙", "黄土岭",
            "柳树", "桃源", "龙泉", "凤凰", "金山", "青山", "马回岭", "三角", "河东", "太平"]
BRAND = "鑫源顺发恒昌瑞丰华兴金盛隆泰福和祥达利宏嘉佳美新长安康永明光辉诚信德宝通远博创汇鼎旺聚益万众天合东方正大中海江湖山庐浔星月阳晨润泽"
ROADS = ["人民路", "建设路", "解放路", "工业大道", "长虹大道", "浔阳路", "庐山南路", "九龙街", "滨江路", "十里大道", "前进路",
         "濂溪大道", "湖滨路", "甘棠南路", "文昌路", "沿江大道", "新华路", "胜利路", "园区大道", "站前路"]
SURNAMES = data.SURNAMES
GIVEN = ["秀英", "桂兰", "建国", "志强", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀兰", "霞", "平", "刚", "桂英", "文", "辉", "华", "红", "鹏", "玲", "婷", "宇", "浩", "凯", "雪", "琴",
         "春梅", "海燕", "金花", "建华", "国强", "德明", "志华", "玉兰", "晓东", "俊", "燕", "斌", "萍", "冬梅", "小平"]
MOBILE = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
          "177", "180", "181", "182", "183", "186", "187", "188", "189", "199"]
VISIT_KINDS = [("on_site", "实地走访", 6), ("phone", "电话", 3), ("online", "线上", 1)]
VISIT_TEXTS = [
    "了解企业生产经营情况，企业反映订单平稳，用工基本满足。",
    "宣传惠企政策，指导企业申报技改奖补。",
    "企业反映用电报装进度慢，已记录并协调供电部门。",
    "了解企业融资需求，已对接县内银行机构。",
    "走访了解经营状况，店主反映客流较去年有所下降。",
    "核实经营地址和联系方式，更新档案信息。",
    "宣传安全生产和消防知识，检查灭火器配备情况。",
    "企业反映招工难，已推送县人社局招聘会信息。",
    "了解企业上年度经营数据，指导填报统计报表。",
    "经营者反映门前道路施工影响经营，已转交县住建局。",
    "宣传个体工商户税费优惠政策。",
    "企业反映物流成本上升，记录诉求，后续跟进。",
    "回访上次反映的问题，企业表示已解决。",
    "了解专精特新企业认定条件，企业有申报意向。",
]
GRID_HELPER_DEPARTMENTS = ["市场监管局", "商务局", "工信局", "农业农村局", "政府办"]
ONE_TO_ONE_DEPARTMENTS = ["工信局", "商务局", "财政局", "人社局", "自然资源局", "住建局", "营商办", "政府办"]
CERTIFICATIONS = [("high_tech", "高新技术企业", 3), ("tech_sme", "科技型中小企业", 4), ("specialised_sme", "专精特新中小企业", 2),
                  ("innovative_sme", "创新型中小企业", 2), ("little_giant", "专精特新“小巨人”企业", 1)]


def _weighted(pairs):
    """(values, cumulative weights) for random.choices-like draws with bisect."""
    import itertools

    values = [v for v, _w in pairs]
    cum = list(itertools.accumulate(w for _v, w in pairs))
    return values, cum


class Generator:
    """Walks the counties one by one: entities, then their grids and helpers, memberships,
    assignments, visits and events; buffers COPY lines per table and flushes them."""

    def __init__(self, conn, log=print):
        from bisect import bisect_right

        from minsheng.enterprises.models import Industry, IndustryLevel
        from minsheng.org.models import Department, Region, RegionLevel

        self.conn = conn
        self.log = log
        self.bisect = bisect_right
        self.rng = random.Random(SEED)
        self.today = data.NOW.date()
        self.today_ord = self.today.toordinal()
        self.day = {o: date.fromordinal(o).isoformat() for o in range(FIRST_DAY.toordinal() - 1, self.today_ord + 400)}
        classes = list(Industry.objects.filter(level=IndustryLevel.CLASS).values_list("id", "code"))
        self.by_division: dict[str, list[tuple[int, str]]] = {}
        for pk, code in classes:
            self.by_division.setdefault(code[:2], []).append((pk, code))
        self.draws = {}
        for kind, pairs in INDUSTRY_WEIGHTS.items():
            expanded = []
            for divisions, weight in pairs:
                present = [d for d in divisions if d in self.by_division]
                expanded += [(d, weight / len(present)) for d in present]
            self.draws[kind] = _weighted(expanded)
        self.counties = {r.name: r for r in Region.objects.filter(level=RegionLevel.COUNTY)}
        self.townships = {}
        for township in Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"):
            self.townships.setdefault(township.parent_id, []).append(township)
        self.departments = {(d.region_id, d.name): d.pk for d in Department.objects.all()}
        self.ids = {}
        with conn.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM org_user")
            self.ids["user"] = cur.fetchone()[0]
        for name in ("entity", "grid", "member", "assignment", "visit", "event", "certification"):
            self.ids[name] = 0
        self.buffers = {table: [] for table in COPY_COLUMNS}
        self.counts = {"entities": {}, "above_scale": 0, "key": 0, "closed": 0, "uncovered_expected": 0,
                       "never_in_grid": 0, "helperless_grids": 0, "grid_sizes": [], "kinds": {}}
        self.copy_seconds = 0.0

    # ids and output -----------------------------------------------------------------------------

    def next(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    def emit(self, table: str, line: str) -> None:
        buffer = self.buffers[table]
        buffer.append(line)
        if len(buffer) >= 50_000:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        tables = [table] if table else list(self.buffers)
        t0 = time.perf_counter()
        with self.conn.cursor() as cur:
            for name in tables:
                lines = self.buffers[name]
                if not lines:
                    continue
                with cur.copy(f"COPY {name} ({COPY_COLUMNS[name]}) FROM STDIN") as copy:
                    copy.write("".join(lines))
                lines.clear()
        self.copy_seconds += time.perf_counter() - t0

    # small draws --------------------------------------------------------------------------------

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return self.rng.choice(MOBILE) + f"{self.rng.randrange(10 ** 8):08d}"

    def brand(self) -> str:
        return self.rng.choice(BRAND) + self.rng.choice(BRAND)

    def industry(self, kind: str) -> tuple[int, str]:
        divisions, cum = self.draws[kind]
        division = divisions[self.bisect(cum, self.rng.random() * cum[-1])]
        return self.rng.choice(self.by_division[division])

    def name(self, kind: str, county, code: str) -> str:
        rng = self.rng
        division = code[:2]
        if kind == "individual":
            shop = rng.choice(SHOPS.get(division, SHOPS_OTHER))
            owner = rng.choice(SURNAMES) + "记" if rng.random() < 0.3 else self.brand()
            return f"{county.name}{owner}{shop}"
        if kind == "cooperative":
            product = rng.choice(PRODUCTS.get(division, ["农产品"]))
            return f"{county.name}{rng.choice(VILLAGES)}{product}专业合作社"
        r = rng.random()
        prefix = county.name if r < 0.45 else "九江" if r < 0.8 else "江西"
        suffix = rng.choices(["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"], [80, 14, 4, 2])[0]
        return f"{prefix}{self.brand()}{DESCRIPTOR.get(division, '实业')}{suffix}"

    def figures(self, code: str) -> tuple[int, float, float, bool]:
        """Employees, revenue and assets (万元) around the sector's 规上 threshold, and the
        construction / real-estate qualification."""
        rng = self.rng
        division = int(code[:2])
        threshold = (2000 if 6 <= division <= 46 or division == 51 or 53 <= division <= 60 or 63 <= division <= 65
                     or 76 <= division <= 79 else 500 if division == 52 or 80 <= division <= 90
                     else 200 if division in (61, 62) else 1000 if 71 <= division <= 75 or code[:2] == "70" else 300)
        revenue = threshold / 10.0 * math.exp(rng.gauss(0, 1.7))
        revenue = min(revenue, 900_000.0)
        employees = max(1, round(revenue ** 0.72 * 0.9 * math.exp(rng.gauss(0, 0.5))))
        assets = revenue * math.exp(rng.gauss(0.1, 0.6))
        qualified = (47 <= division <= 50 and rng.random() < 0.05) or (code == "7010" and rng.random() < 0.3)
        return employees, round(revenue, 2), round(assets, 2), qualified

    def stamp(self, ordinal: int, hour: int = 10, minute: int = 0) -> str:
        return f"{self.day[ordinal]} {hour:02d}:{minute:02d}:00+08"

    # one county ---------------------------------------------------------------------------------

    def county(self, county, n: int, position: int) -> None:
        from decimal import Decimal

        from minsheng.enterprises import sizes
        from minsheng.testing import uscc

        rng = self.rng
        today = self.today_ord
        first = FIRST_DAY.toordinal()
        span = today - first
        imported = REGISTRY_IMPORTED.toordinal()
        townships = self.townships.get(county.pk, [])
        one_to_one, grid_eligible = [], {}
        esc = data.esc
        for _ in range(n):
            eid = self.next("entity")
            r = rng.random()
            kind = "enterprise" if r < 0.28 else "individual" if r < 0.96 else "cooperative"
            self.counts["kinds"][kind] = self.counts["kinds"].get(kind, 0) + 1
            industry_id, code = self.industry(kind)
            established = None if rng.random() < 0.003 else first + int(span * rng.random() ** 0.5)
            status, closed = "active", None
            r = rng.random()
            if r < CLOSED_SHARE + REVOKED_SHARE and established is not None and today - established > 90:
                status = "cancelled" if r < CLOSED_SHARE else "revoked"
                closed = established + 30 + int((today - established - 31) * rng.random())
                self.counts["closed"] += 1
            township = rng.choice(townships) if townships else None
            figures_year = employees = revenue = assets = None
            qualified = above = key = False
            size = ""
            if rng.random() < FIGURES_SHARE[kind]:
                figures_year = 2025
                employees, revenue, assets, qualified = self.figures(code)
                rev, ass = Decimal(f"{revenue:.2f}"), Decimal(f"{assets:.2f}")
                size = sizes.size_class(code, employees=employees, revenue=rev, assets=ass, on=self.today) or ""
                above = sizes.is_above_scale(code, revenue=rev, qualified=qualified, on=self.today)
                key = not above and size in ("small", "medium", "micro") and rng.random() < KEY_SHARE
            self.counts["above_scale"] += above
            self.counts["key"] += key
            road = rng.choice(ROADS)
            address = f"{county.name}{township.name if township else ''}{road}{rng.randint(1, 399)}号"
            legal = self.person()
            contact = rng.random() < 0.75
            created = max(imported, established or imported) + (0 if (established or 0) <= imported else rng.randint(1, 20))
            created = min(created, today)
            self.emit("enterprises_entity", "\t".join((
                str(eid), uscc(county.code, eid, kind=KIND_PREFIX[kind]), self.name(kind, county, code), kind, address,
                self.day[established] if established else "\\N", legal, status, self.day[closed] if closed else "\\N",
                esc(figures_year), esc(employees), "\\N" if revenue is None else f"{revenue:.2f}",
                "\\N" if assets is None else f"{assets:.2f}", esc(qualified), size, esc(above), esc(key),
                (legal if rng.random() < 0.6 else self.person()) if contact else "", self.phone() if contact else "",
                self.stamp(created, 9, position if created == imported else rng.randrange(60)), self.stamp(created, 9, 59),
                str(county.pk),
                str(township.pk) if township else "\\N", str(industry_id),
            )) + "\n")
            if closed:
                self.event("closed", closed, None, eid, None, "更新登记状态、注销（吊销）日期",
                           {"changed": {"status": ["active", status], "closed_on": [None, self.day[closed]]}})
            record = (eid, kind, established, closed)
            if above or key:
                one_to_one.append(record)
            else:
                grid_eligible.setdefault(township.pk if township else None, []).append(record)
        self.counts["entities"][county.name] = n
        self.event("imported", imported, None, None, None, f"导入名录“{county.name}市场主体名录.xlsx”：已完成",
                   {"file": f"{county.name}市场主体名录.xlsx", "mode": "valid_rows", "state": "done"})
        self.grids(county, townships, grid_eligible)
        self.one_to_one(county, one_to_one)

    # grids, their helpers and members -----------------------------------------------------------

    def helper(self, county, kind: str, departments: list[str], title: str) -> int:
        uid = self.next("user")
        dept = None
        for _ in range(len(departments)):
            dept = self.departments.get((county.pk, f"{county.name}{self.rng.choice(departments)}"))
            if dept:
                break
        dept = dept or self.departments[(county.pk, f"{county.name}营商办")]
        password = "!" + "".join(self.rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(40))
        self.emit("org_user", "\t".join((
            str(uid), password, "\\N", "f", f"{HELPER_PREFIX}{kind}_{county.code}_{uid}", "", "", "", "f", "t",
            "2021-01-04 09:00:00+08", self.person(), title, "", str(dept),
        )) + "\n")
        return uid

    def event(self, kind, ordinal, actor, entity, grid, note, payload, hour=10, minute=0) -> None:
        eid = self.next("event")
        self.emit("enterprises_enterpriseevent", "\t".join((
            str(eid), kind, self.stamp(ordinal, hour, minute), note, json.dumps(payload, ensure_ascii=False), "f",
            data.esc(actor), data.esc(entity), data.esc(grid),
        )) + "\n")

    def assignment(self, helper, mode, entity, grid, starts, ends, every) -> int:
        aid = self.next("assignment")
        check = "\\N" if ends is not None else self.day[self.today_ord + self.rng.randint(1, 30)]
        self.emit("enterprises_assignment", "\t".join((
            str(aid), mode, self.day[starts], self.day[ends] if ends is not None else "\\N", str(every),
            self.stamp(starts, 9, 10), str(helper), data.esc(entity), data.esc(grid), check,
        )) + "\n")
        note = "一对一帮扶" if mode == "one_to_one" else "负责网格"
        self.event("assigned", starts, None, entity, grid, f"确定帮扶干部：{note}，{self.day[starts]}起",
                   {"assignment": aid, "helper": helper, "mode": mode}, 9, 10)
        if ends is not None and ends < self.today_ord:
            self.event("assignment_ended", ends, None, entity, grid, f"帮扶关系于{self.day[ends]}结束",
                       {"assignment": aid, "ends_on": self.day[ends]}, 17, 0)
        return aid

    def visit(self, entity: int, helper: int, ordinal: int) -> None:
        rng = self.rng
        vid = self.next("visit")
        kind, label, _w = rng.choices(VISIT_KINDS, [w for *_x, w in VISIT_KINDS])[0]
        hour, minute = rng.randint(9, 16), rng.randrange(60)
        self.emit("enterprises_visit", "\t".join((
            str(vid), self.day[ordinal], kind, rng.choice(VISIT_TEXTS), self.stamp(ordinal, hour, minute), str(entity),
            str(helper),
        )) + "\n")
        self.event("visited", ordinal, helper, entity, None, f"{label}走访",
                   {"visit": vid, "visited_on": self.day[ordinal], "kind": kind, "files": 0}, hour, minute)

    def grids(self, county, townships, eligible: dict) -> None:
        rng = self.rng
        today = self.today_ord
        for area, members in eligible.items():
            township = next((t for t in townships if t.pk == area), None)
            count = max(1, round(len(members) / GRID_SIZE))
            grids = []
            for k in range(1, count + 1):
                gid = self.next("grid")
                created = PROGRAMME_START.toordinal() + rng.randrange(700)
                name = f"{township.name}第{k}网格" if township else f"{county.short_name}第{k:03d}号网格"
                self.emit("enterprises_grid", f"{gid}\t{name}\t{self.stamp(created, 9)}\t{county.pk}\t{data.esc(township.pk if township else None)}\n")
                self.event("grid_joined", created, None, None, gid, f"建立网格{name}", {"created": True}, 9, 0)
                periods = []  # (helper, starts, ends)
                helper = self.helper(county, "grid", GRID_HELPER_DEPARTMENTS, "网格帮扶员")
                r = rng.random()
                if r < 0.004:
                    periods.append((helper, created, today - rng.randint(10, 90)))
                    self.counts["helperless_grids"] += 1
                elif r < 0.124 and today - created > 240:
                    old = self.helper(county, "old", GRID_HELPER_DEPARTMENTS, "网格帮扶员")
                    change = created + rng.randint(180, today - created - 30)
                    periods += [(old, created, change - 1), (helper, change, None)]
                else:
                    periods.append((helper, created, None))
                for h, s, e in periods:
                    self.assignment(h, "grid", None, gid, s, e, 90)
                grids.append({"id": gid, "name": name, "created": created, "periods": periods, "members": 0})
            for eid, _kind, established, closed in members:
                if rng.random() < 0.008:
                    self.counts["never_in_grid"] += 1
                    continue
                grid = rng.choice(grids)
                starts = max(grid["created"], (established or 0) + rng.randint(7, 90))
                if starts > today or (closed is not None and closed < starts):
                    continue
                until = closed if closed is not None else today
                spells = [(grid, starts, closed)]
                if len(grids) > 1 and rng.random() < 0.015 and until - starts > 90:
                    other = rng.choice(grids)
                    moved = max(starts + rng.randint(30, until - starts - 30), other["created"])
                    if other is not grid and moved <= until:
                        spells = [(grid, starts, moved - 1), (other, moved, closed)]
                for g, s, e in spells:
                    self.emit("enterprises_gridmember", f"{self.next('member')}\t{self.day[s]}\t{self.day[e] if e is not None else chr(92) + 'N'}\t{eid}\t{g['id']}\n")
                    g["members"] += 1
                    last = e if e is not None else today
                    for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 1, 2, 2, 3))):
                        on = s + rng.randrange(last - s + 1)
                        helper = next((h for h, ps, pe in g["periods"] if ps <= on and (pe is None or on <= pe)), None)
                        if helper is not None:
                            self.visit(eid, helper, on)
            for g in grids:
                self.counts["grid_sizes"].append(g["members"])
                self.event("grid_joined", g["created"], None, None, g["id"], f"{g['members']}户纳入网格{g['name']}",
                           {"count": g["members"], "starts_on": self.day[g["created"]]}, 9, 5)

    def one_to_one(self, county, firms: list) -> None:
        rng = self.rng
        today = self.today_ord
        pool: list[int] = []
        for index, (eid, _kind, established, closed) in enumerate(firms):
            if index % 4 == 0:
                pool.append(self.helper(county, "one", ONE_TO_ONE_DEPARTMENTS, "企业服务专员"))
            helper = pool[-1]
            starts = max(PROGRAMME_START.toordinal() + rng.randrange(400), (established or 0) + rng.randint(15, 90))
            if starts > today or (closed is not None and closed < starts):
                continue
            until = closed if closed is not None else today
            r = rng.random()
            if r < 0.06 and until - starts > 120 and len(pool) > 1:
                change = starts + rng.randint(60, until - starts - 30)
                periods = [(helper, starts, change - 1), (rng.choice(pool[:-1]), change, closed)]
            elif r < 0.075 and until - starts > 60:
                periods = [(helper, starts, starts + rng.randint(30, until - starts - 1))]
            else:
                periods = [(helper, starts, closed)]
            for h, s, e in periods:
                self.assignment(h, "one_to_one", eid, None, s, e, 30)
            lengths = [((e if e is not None else today) - s + 1) for _h, s, e in periods]
            for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))):
                x = rng.randrange(sum(lengths))
                for (h, s, _e), length in zip(periods, lengths, strict=True):
                    if x < length:
                        self.visit(eid, h, s + x)
                        break
                    x -= length
            if rng.random() < 0.25:
                kinds = CERTIFICATIONS
                kind = rng.choices(kinds, [w for *_x, w in kinds])[0][0]
                valid_from = date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
                self.emit("enterprises_certification", f"{self.next('certification')}\t{kind}\t"
                          f"{'GR' if kind == 'high_tech' else 'JX'}{valid_from.year}{rng.randrange(10 ** 6):06d}\t"
                          f"{valid_from.isoformat()}\t{valid_from.replace(year=valid_from.year + 3).isoformat()}\t{eid}\n")


COPY_COLUMNS = {
    "org_user": "id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, "
                "date_joined, full_name, title, phone, department_id",
    "enterprises_entity": "id, uscc, name, kind, address, established_on, legal_representative, status, closed_on, "
                          "figures_year, employees, revenue, assets, qualified, size_class, above_scale, is_key, "
                          "contact_name, contact_phone, created_at, updated_at, region_id, township_id, industry_id",
    "enterprises_grid": "id, name, created_at, region_id, township_id",
    "enterprises_gridmember": "id, starts_on, ends_on, entity_id, grid_id",
    "enterprises_assignment": "id, mode, starts_on, ends_on, visit_every_days, created_at, helper_id, entity_id, grid_id, "
                              "next_visit_check",
    "enterprises_visit": "id, visited_on, kind, summary, created_at, entity_id, helper_id",
    "enterprises_enterpriseevent": "id, kind, created_at, note, data, is_public, actor_id, entity_id, grid_id",
    "enterprises_certification": "id, kind, number, valid_from, valid_to, entity_id",
}


# --- loading ---------------------------------------------------------------------------------------

def _drop_indexes(conn, tables: list[str]) -> None:
    """Save then drop the tables' secondary indexes (data._restore_indexes puts them back, also
    after an interrupted load)."""
    rows = conn.execute("""
        SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
    """, [tables]).fetchall()
    for table, name, definition in rows:
        conn.execute("INSERT INTO bench_saved_indexes VALUES (%s, %s, %s) ON CONFLICT (indexname) DO NOTHING",
                     [table, name, definition])
    conn.commit()
    for _table, name, _definition in rows:
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    conn.commit()


def table_counts(conn) -> dict:
    tables = LOADED_TABLES + ["org_user"]
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def generate(log=print) -> dict:
    from minsheng.org.demo import load_org

    started = time.perf_counter()
    timings = {}
    load_org()
    with data._raw() as conn:
        data._meta(conn)
        data._restore_indexes(conn)
        conn.execute("DELETE FROM bench_meta WHERE key = 'enterprises_generation'")
        conn.execute("TRUNCATE " + ", ".join(ENTERPRISE_TABLES) + " RESTART IDENTITY CASCADE")
        conn.execute("DELETE FROM org_staffrole WHERE user_id IN (SELECT id FROM org_user WHERE username LIKE %s)",
                     [HELPER_PREFIX + "%"])
        conn.execute("DELETE FROM org_user WHERE username LIKE %s", [HELPER_PREFIX + "%"])
        conn.commit()
        _drop_indexes(conn, LOADED_TABLES)
        defaults = data._temporary_defaults(conn, {table: columns for table, columns in COPY_COLUMNS.items()})
        if defaults:
            log(f"columns left to their defaults: {', '.join(f'{t}.{c}' for t, c in defaults)}")
        conn.execute("SET session_replication_role = replica")  # no FK triggers during the load
        conn.execute("SET synchronous_commit = off")
        gen = Generator(conn, log)
        t0 = time.perf_counter()
        for position, (name, region) in enumerate(sorted(gen.counties.items(), key=lambda kv: kv[1].code)):
            gen.county(region, COUNTY_SIZES[name], position)
            gen.flush()
            conn.commit()
            log(f"  {name}: {COUNTY_SIZES[name]:,} entities ({time.perf_counter() - started:.0f} s)")
        timings["generate_and_copy_seconds"] = time.perf_counter() - t0
        timings["of_which_copy_seconds"] = gen.copy_seconds
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        data._drop_defaults(conn, defaults)
        for table in LOADED_TABLES + ["org_user"]:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        conn.commit()
        log("ordering the entities as the registry grew, building indexes …")
        t0 = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        # The table's physical order as a registry that grew would have it: the first import county by
        # county (2021-01-05), then each day's registrations from every county interleaved. Generated
        # county by county, a county's rows would sit together and its scans read fewer pages.
        conn.execute("CREATE INDEX bench_entity_order ON enterprises_entity (created_at, ((id * 7919) % 1000003))")
        conn.execute("CLUSTER enterprises_entity USING bench_entity_order")
        conn.execute("DROP INDEX bench_entity_order")
        conn.commit()
        timings["order_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        data._restore_indexes(conn)
        timings["index_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.autocommit = True
        for table in LOADED_TABLES + ["org_user", "enterprises_importjob"]:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.autocommit = False
        timings["vacuum_analyze_seconds"] = time.perf_counter() - t0
        counts = table_counts(conn)
        sizes = sorted(gen.counts["grid_sizes"])
        high_water = {table: conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
                      for table in ("enterprises_entity", "enterprises_enterpriseevent", "enterprises_visit",
                                    "enterprises_assignment", "enterprises_gridmember", "enterprises_grid")}
        record = {
            "generated_at": datetime.now(data.SHANGHAI).isoformat(timespec="seconds"),
            "git_commit": git_commit(),
            "version": DATA_VERSION,
            "now": data.NOW.isoformat(),
            "seed": SEED,
            "total_seconds": round(time.perf_counter() - started, 1),
            "timings": {k: round(v, 1) for k, v in timings.items()},
            "rows": counts,
            "entities_by_county": gen.counts["entities"],
            "kinds": gen.counts["kinds"],
            "above_scale": gen.counts["above_scale"],
            "key": gen.counts["key"],
            "closed": gen.counts["closed"],
            "never_in_grid": gen.counts["never_in_grid"],
            "helperless_grids": gen.counts["helperless_grids"],
            "grid_members": {"min": sizes[0], "p5": sizes[len(sizes) // 20], "median": sizes[len(sizes) // 2],
                             "p95": sizes[len(sizes) * 19 // 20], "max": sizes[-1]},
            "high_water": high_water,
            "reused": False,
        }
        conn.execute("INSERT INTO bench_meta VALUES ('enterprises_generation', %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [json.dumps(record, ensure_ascii=False)])
        conn.commit()
    log(f"generated in {record['total_seconds']:.0f} s: {counts}")
    return record


def ensure(*, rebuild: bool = False, log=print) -> dict:
    with data._raw() as conn:
        meta = data._meta(conn)
        restored = data._restore_indexes(conn)
        if restored:
            log(f"recreated {restored} indexes left dropped by an interrupted load")
        have = conn.execute("SELECT count(*) FROM enterprises_entity").fetchone()[0]
        record = meta.get("enterprises_generation")
        if (not rebuild and record and record.get("version") == DATA_VERSION
                and have >= record["high_water"]["enterprises_entity"] >= N_ENTITIES):
            record = dict(record)
            log(f"reusing the bench database: {have:,} entities (generated {record['generated_at']} in "
                f"{record['total_seconds']:.0f} s); --rebuild to regenerate")
            record["reused"] = True
            return record
    log("generating the enterprise registry's data …")
    return generate(log)


def cleanup(generation: dict, log=print) -> dict:
    """Remove what a run added: the import's firms (past the generation's high-water mark), the
    import jobs with their files, the events written after the generation."""
    from django.conf import settings
    from django.db import connection

    hw = generation["high_water"]
    removed = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT file FROM enterprises_importjob")
        files = [row[0] for row in cursor.fetchall()]
        for table, where, params in (
            ("enterprises_enterpriseevent", "id > %s OR entity_id > %s", [hw["enterprises_enterpriseevent"], hw["enterprises_entity"]]),
            ("enterprises_importjob", "true", []),
            ("enterprises_certification", "entity_id > %s", [hw["enterprises_entity"]]),
            ("enterprises_entity", "id > %s", [hw["enterprises_entity"]]),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
            removed[table] = cursor.rowcount
    for name in files:
        path = settings.MEDIA_ROOT / name
        if name and path.exists():
            path.unlink()
    if any(removed.values()):
        log(f"removed what a run added: {', '.join(f'{k} {v}' for k, v in removed.items() if v)}")
        with connection.cursor() as cursor:
            for table in ("enterprises_entity", "enterprises_enterpriseevent", "enterprises_importjob"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    return removed


# --- subjects --------------------------------------------------------------------------------------

def _supervisor(region):
    """The county's (or the city's) supervisor in its 营商办, as bench.data names them."""
    from django.test import override_settings

    from minsheng.org.models import Department, Role, User
    from minsheng.testing import make_user

    username = f"bench_supervisor_{region.code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        name = "市营商办" if region.level == "city" else f"{region.name}营商办"
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            user = make_user(username, Department.objects.get(region=region, name=name), Role.SUPERVISOR,
                             full_name=f"督办员{region.short_name}")
    return user


def pick_subjects(run: Run) -> dict:
    from django.db import connection

    from minsheng.org.models import Region, User

    today = data.NOW.date()
    largest = Region.objects.get(name=LARGEST)
    median = Region.objects.get(name=MEDIAN)
    city = Region.objects.get(level="city")
    with connection.cursor() as cursor:
        # A 规上 firm of the largest county with its current one-to-one helper, the most visits, certified.
        cursor.execute("""
            SELECT e.id, a.helper_id, (SELECT count(*) FROM enterprises_visit v WHERE v.entity_id = e.id) AS visits
            FROM enterprises_entity e JOIN enterprises_assignment a ON a.entity_id = e.id
            WHERE e.region_id = %s AND e.above_scale AND e.status = 'active' AND a.starts_on <= %s AND a.ends_on IS NULL
              AND EXISTS (SELECT 1 FROM enterprises_certification c WHERE c.entity_id = e.id)
            ORDER BY visits DESC, e.id LIMIT 1
        """, [largest.pk, today])
        firm, firm_helper, firm_visits = cursor.fetchone()
        # A 个体工商户 of the largest county in a grid with a helper today, with visits.
        cursor.execute("""
            SELECT e.id, a.helper_id, m.grid_id, (SELECT count(*) FROM enterprises_visit v WHERE v.entity_id = e.id) AS visits
            FROM enterprises_entity e JOIN enterprises_gridmember m ON m.entity_id = e.id AND m.ends_on IS NULL
                 JOIN enterprises_assignment a ON a.grid_id = m.grid_id AND a.ends_on IS NULL
            WHERE e.region_id = %s AND e.kind = 'individual' AND e.status = 'active'
            ORDER BY visits DESC, e.id LIMIT 1
        """, [largest.pk])
        shop, grid_helper, grid, shop_visits = cursor.fetchone()
    subjects = {
        "generation": run.generation,
        "largest": largest, "median": median, "city": city,
        "supervisor": _supervisor(largest), "city_supervisor": _supervisor(city),
        "firm": firm, "firm_helper": User.objects.get(pk=firm_helper), "shop": shop,
        "grid_helper": User.objects.get(pk=grid_helper), "grid": grid,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT (ctid::text::point)[0]), (SELECT relpages FROM pg_class WHERE relname = "
                       "'enterprises_entity') FROM enterprises_entity WHERE region_id = %s", [largest.pk])
        pages, relpages = cursor.fetchone()
    run.subjects.update({
        "largest_county_pages": f"{pages:,} of the table's {relpages:,} pages",
        "largest_county": LARGEST, "median_county": MEDIAN,
        "above_scale_firm": {"id": firm, "visits": firm_visits, "helper": subjects["firm_helper"].username},
        "grid_individual": {"id": shop, "visits": shop_visits, "grid": grid, "helper": subjects["grid_helper"].username},
        "supervisor": subjects["supervisor"].username, "city_supervisor": subjects["city_supervisor"].username,
    })
    return subjects


# --- 1: coverage -----------------------------------------------------------------------------------

def _time(call, n: int, warmup: int = 3) -> tuple[list[float], object]:
    result = None
    for _ in range(warmup):
        result = call()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - t0)
    return samples, result


def _timed_queries(call) -> list[tuple[float, str]]:
    """Every query of one call: its time (ms, timed by an execute wrapper) and its SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timer = QueryTimer()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        call()
    return list(zip(timer.queries, [q["sql"] for q in ctx.captured_queries], strict=True))


def _coverage_part(sql: str) -> str:
    """Which of queries.coverage's queries `sql` is."""
    if " GROUP BY " in sql:
        return "the grouped pass"
    if "EXISTS(" in sql:
        return "the uncovered entities"
    if sql.split(" FROM ", 1)[-1].startswith('"org_region"'):
        return "the regions"
    return "the gap list's entities"


def bench_coverage(run: Run, s: dict) -> None:
    from minsheng.enterprises import queries

    today = data.NOW.date()
    run.log("coverage …")
    for key, label, region, scope, n in (
        ("coverage.largest", f"queries.coverage({LARGEST}, today): the largest county, {COUNTY_SIZES[LARGEST]:,} entities",
         s["largest"], "issue", COVERAGE_RUNS),
        ("coverage.median", f"queries.coverage({MEDIAN}, today): a median county, {COUNTY_SIZES[MEDIAN]:,} entities",
         s["median"], "issue", COVERAGE_RUNS),
        ("coverage.city", "queries.coverage(None, today): the city, every county (1,000,000 entities)", None, "info", 3),
    ):
        call = lambda region=region: queries.coverage(region, today)  # noqa: E731
        samples, report = _time(call, n, warmup=1 if region is None else 3)
        timed = _timed_queries(call)
        row = run.result(key, label, summary(samples), target_ms=COVERAGE_TARGET_MS, scope=scope, queries=len(timed),
                         sql_ms=round(sum(ms for ms, _sql in timed), 2))
        row["sql_ms_by_part"] = {_coverage_part(sql): round(ms, 1) for ms, sql in timed}
        row["totals"] = report.total
        row["gaps_listed"] = len(report.gaps)
        if key == "coverage.largest":
            for index, (_ms, sql) in enumerate(timed, start=1):
                plan = explain(sql)
                part = _coverage_part(sql)
                run.plans[f"{key}.{index}"] = {"label": f"{label}: {part}", "plans": [plan], "part": part,
                                               "execution_ms": _execution_ms(plan)}
    largest = next(r for r in run.results if r["id"] == "coverage.largest")
    totals = largest["totals"]
    run.log(f"  {LARGEST}: {totals['entities']:,} active, {totals['covered']:,} covered, {totals['uncovered']:,} uncovered "
            f"({totals['uncovered'] / totals['entities']:.1%})")


# --- 2: pages --------------------------------------------------------------------------------------

def page(run: Run, key: str, label: str, client, url: str, *, target_ms=None, n=None, warmup=None, scope="issue"):
    """bench.cases.measure_page with a warm-up of its own (a few for the slow information pages)."""
    from bench.cases import captured

    n = n or run.args.requests
    warmup = warmup if warmup is not None else max(5, run.args.warmup)
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    samples, size = [], 0
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        size = len(response.content)
        assert response.status_code == 200, (url, response.status_code)
    queries = captured(lambda: client.get(url))
    row = run.result(key, label, summary(samples), target_ms=target_ms, queries=queries["queries"], sql_ms=queries["sql_ms"],
                     bytes=size, urls=[url], scope=scope)
    row["slowest_queries"] = [{**q, "sql": q["sql"][:3000]} for q in queries["slowest"]]
    return row


def bench_pages(run: Run, s: dict) -> None:
    from bench.cases import client_for

    import logging

    run.log("pages …")
    # A page that fails is reported in the results; its traceback would fill the console.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    supervisor = client_for(s["supervisor"])
    firm_url, shop_url = f"/enterprises/staff/{s['firm']}/", f"/enterprises/staff/{s['shop']}/"
    pages = [  # key, label, client, url, target, scope, requests, warm-up
        ("profile.above_scale.supervisor", f"profile page, a 规上 firm ({s['firm']}: one-to-one helper, "
         f"{run.subjects['above_scale_firm']['visits']} visits, certified), {LARGEST}'s supervisor", supervisor, firm_url,
         PAGE_TARGET_MS, "issue", None, None),
        ("profile.individual.supervisor", f"profile page, a 个体工商户 in a grid ({s['shop']}), {LARGEST}'s supervisor",
         supervisor, shop_url, PAGE_TARGET_MS, "issue", None, None),
        ("profile.above_scale.helper", "profile page, the 规上 firm, its one-to-one helper", client_for(s["firm_helper"]),
         firm_url, PAGE_TARGET_MS, "info", 50, None),
        ("profile.individual.helper", "profile page, the 个体工商户, its grid's helper", client_for(s["grid_helper"]),
         shop_url, PAGE_TARGET_MS, "info", 50, None),
        ("registry.supervisor", f"registry list /enterprises/staff/ (page 1 of {LARGEST}'s), its supervisor", supervisor,
         "/enterprises/staff/", None, "info", 20, 3),
        ("registry.supervisor.uncovered", f"registry list filtered 暂无帮扶干部 ({LARGEST}'s supervisor)", supervisor,
         "/enterprises/staff/?help=uncovered", None, "info", 5, 1),
        ("registry.city", "registry list, page 1 of the whole city (the city's supervisor)", client_for(s["city_supervisor"]),
         "/enterprises/staff/", None, "info", 10, 2),
        ("registry.grid_helper", "registry list, a grid helper (the firms they help)", client_for(s["grid_helper"]),
         "/enterprises/staff/", None, "info", 10, 2),
        ("mine.grid_helper", "'mine' /enterprises/staff/mine/, a grid helper (one grid)", client_for(s["grid_helper"]),
         "/enterprises/staff/mine/", None, "info", 50, None),
        ("mine.one_to_one_helper", "'mine', a one-to-one helper (~4 firms)", client_for(s["firm_helper"]),
         "/enterprises/staff/mine/", None, "info", 50, None),
        ("coverage_page.supervisor", f"coverage page /enterprises/staff/coverage/ ({LARGEST}'s supervisor)", supervisor,
         "/enterprises/staff/coverage/", None, "info", 5, 1),
    ]
    for key, label, client, url, target, scope, n, warmup in pages:
        try:
            row = page(run, key, label, client, url, target_ms=target, n=n, warmup=warmup, scope=scope)
        except Exception as error:  # the code under test is being written: a page that fails is reported, not fatal
            message = f"{type(error).__name__}: {str(error)[:300]}"
            run.log(f"  {label}: NOT MEASURED ({message})")
            run.notes.append(f"Not measured: {label} ({url}) failed with {message}.")
            if scope == "issue":
                run.results.append({"id": key, "label": label, "scope": scope, "n": 0, "median_ms": float("nan"),
                                    "p95_ms": float("nan"), "target_ms": target, "pass": False, "error": message})
            continue
        if key.startswith("profile.") and key.endswith(".supervisor"):
            row["queries_list"] = [q["sql"][:300] for q in _page_queries(client, url)]


def _page_queries(client, url) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


# --- 3: the import ---------------------------------------------------------------------------------

def _workbook_path(kind: str) -> "os.PathLike":
    return VAR_DIR / f"enterprises-import-{IMPORT_ROWS}-{SEED}-v2-{kind}.xlsx"


def import_rows() -> tuple[list[str], list[list]]:
    """100,000 new firms over the counties (the header and the rows), every documented column."""
    from minsheng.enterprises.actions.imports import COLUMNS
    from minsheng.enterprises.models import Industry, IndustryLevel
    from minsheng.org.models import Region, RegionLevel
    from minsheng.testing import uscc

    rng = random.Random(SEED + 1)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    weights = [COUNTY_SIZES[c.name] for c in counties]
    townships = {}
    for township in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        townships.setdefault(township.parent_id, []).append(township.name)
    by_division = {}
    for code, section in Industry.objects.filter(level=IndustryLevel.CLASS).values_list("code", "section"):
        by_division.setdefault(code[:2], []).append(section + code)
    today = data.NOW.date()
    kinds = {"enterprise": "企业", "individual": "个体工商户", "cooperative": "农民专业合作社"}
    rows = []
    for i in range(IMPORT_ROWS):
        county = rng.choices(counties, weights)[0]
        r = rng.random()
        kind = "enterprise" if r < 0.28 else "individual" if r < 0.96 else "cooperative"
        divisions = [d for ds, _w in INDUSTRY_WEIGHTS[kind] for d in ds if d in by_division]
        division = rng.choice(divisions)
        industry = rng.choice(by_division[division])
        # From 2000 on: the platform's date check (core.text.check_date, EARLIEST_DATE) refuses earlier dates
        # (see the notes), and all-or-nothing would refuse the whole workbook for them.
        established = today - timedelta(days=int(rng.random() ** 2 * (today - date(2000, 1, 1)).days))
        closed = rng.random() < 0.02 and (today - established).days > 60
        figures = kind != "individual" and rng.random() < 0.6
        revenue = round(200 * math.exp(rng.gauss(0, 1.7)), 2) if figures else None
        name = (f"{county.name}{rng.choice(BRAND)}{rng.choice(BRAND)}{DESCRIPTOR.get(division, '实业')}有限公司" if kind == "enterprise"
                else f"{county.name}{rng.choice(BRAND)}{rng.choice(BRAND)}{rng.choice(SHOPS.get(division, SHOPS_OTHER))}"
                if kind == "individual" else f"{county.name}{rng.choice(VILLAGES)}{rng.choice(PRODUCTS.get(division, ['农产品']))}专业合作社")
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        values = {
            "uscc": uscc(county.code, IMPORT_SERIAL + i, kind=KIND_PREFIX[kind]), "name": name, "industry": industry,
            "kind": kinds[kind], "region": county.name,
            "township": rng.choice(townships[county.pk]) if county.pk in townships else None,
            "address": f"{county.name}{rng.choice(ROADS)}{rng.randint(1, 399)}号", "established_on": established,
            "legal_representative": person, "status": "注销" if closed else "存续",
            "closed_on": established + timedelta(days=30 + rng.randrange((today - established).days - 30)) if closed else None,
            "figures_year": 2025 if figures else None,
            "employees": max(1, round(revenue ** 0.72 * 0.9)) if figures else None, "revenue": revenue,
            "assets": round(revenue * 1.1, 2) if figures else None,
            "qualified": "是" if kind == "enterprise" and division in ("47", "48", "49", "50") and rng.random() < 0.05 else "否",
            "is_key": "否", "contact_name": person if rng.random() < 0.75 else None,
            "contact_phone": rng.choice(MOBILE) + f"{rng.randrange(10 ** 8):08d}" if rng.random() < 0.75 else None,
        }
        rows.append([values[column.field] for column in COLUMNS])
    return [column.header for column in COLUMNS], rows


def excel_like_xlsx(header: list[str], rows: list[list]) -> bytes:
    """The workbook as Excel or WPS saves it: text in the shared-strings table, dates as serial
    numbers with a date format, and the sheet's <dimension> (openpyxl's writer gives inline strings
    and no dimension, which its reader parses more slowly: measured separately)."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def column(index: int) -> str:
        name = ""
        index += 1
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        return name

    letters = [column(i) for i in range(len(header))]
    epoch = date(1899, 12, 30)
    out = io.StringIO()
    for r, values in enumerate([header, *rows], start=1):
        out.write(f'<row r="{r}">')
        for letter, value in zip(letters, values, strict=True):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                out.write(f'<c r="{letter}{r}" s="1"><v>{(value - epoch).days}</v></c>')
            elif isinstance(value, (int, float)):
                out.write(f'<c r="{letter}{r}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(value, len(strings))
                out.write(f'<c r="{letter}{r}" t="s"><v>{index}</v></c>')
        out.write("</row>")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{main}" xmlns:r="{rel}">'
             f'<dimension ref="A1:{letters[-1]}{len(rows) + 1}"/><sheetData>{out.getvalue()}</sheetData></worksheet>')
    shared = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{main}" count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings) + "</sst>")
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="市场主体名录" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{main}">'
            '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def openpyxl_xlsx(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("市场主体名录")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_workbooks(log=print) -> dict[str, bytes]:
    """The workbook of 100,000 new firms as Excel saves it and as openpyxl writes it (cached in
    bench/.var)."""
    paths = {kind: _workbook_path(kind) for kind in ("excel", "openpyxl")}
    if all(path.exists() for path in paths.values()):
        return {kind: path.read_bytes() for kind, path in paths.items()}
    t0 = time.perf_counter()
    header, rows = import_rows()
    VAR_DIR.mkdir(exist_ok=True)
    books = {"excel": excel_like_xlsx(header, rows), "openpyxl": openpyxl_xlsx(header, rows)}
    for kind, content in books.items():
        paths[kind].write_bytes(content)
    log(f"  wrote the import workbooks ({IMPORT_ROWS:,} rows; {len(books['excel']) / 1e6:.1f} MB as Excel saves it, "
        f"{len(books['openpyxl']) / 1e6:.1f} MB as openpyxl writes it) in {time.perf_counter() - t0:.0f} s")
    return books


def _cleanup_import(generation: dict) -> int:
    """The firms an import created (past the generation's high-water mark), between two runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM enterprises_entity WHERE id > %s", [generation["high_water"]["enterprises_entity"]])
        removed = cursor.rowcount
        cursor.execute("VACUUM (ANALYZE) enterprises_entity")
    return removed


def bench_import(run: Run, s: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    try:
        from minsheng.enterprises.actions import imports
    except ImportError as error:
        run.notes.append(f"The import was not measured: minsheng.enterprises.actions.imports cannot be imported ({error}).")
        return
    run.log("import …")
    books = import_workbooks(run.log)
    user = s["city_supervisor"]
    for key, label, book, scope in (
        ("import.new", f"import of {IMPORT_ROWS:,} new firms (19 columns; the workbook as Excel saves it), all-or-nothing",
         "excel", "issue"),
        ("import.again", f"the same workbook again ({IMPORT_ROWS:,} known firms, nothing changed)", "excel", "info"),
        ("import.openpyxl", f"import of the same {IMPORT_ROWS:,} new firms from the workbook as openpyxl writes it "
         "(inline strings, no dimension)", "openpyxl", "info"),
    ):
        if key == "import.openpyxl":
            _cleanup_import(s["generation"])
        content = books[book]
        upload = SimpleUploadedFile("市场主体名录-基准测试.xlsx", content,
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        steps = {}  # step -> the time of its last progress report (step 1 reports its end when all rows are checked)

        def progress(step, done, total, steps=steps):
            steps[step] = time.perf_counter()

        t0 = time.perf_counter()
        job = imports.do_queue_import(upload, mode="all_or_nothing", actor=user, start=True)
        queued = time.perf_counter() - t0
        timer = QueryTimer()
        t1 = time.perf_counter()
        with connection.execute_wrapper(timer):
            job = imports.run_import(job, progress=progress)
        finished = time.perf_counter()
        total = finished - t0
        outcome = {"state": job.state, "message": job.message, "total_rows": job.total_rows, "created": job.created_count,
                   "updated": job.updated_count, "unchanged": job.unchanged_count, "refused": job.refused_count,
                   "report_first": job.report[:3]}
        stats = {"n": 1, **{k: round(total * 1000, 1) for k in ("median_ms", "p95_ms", "min_ms", "max_ms", "mean_ms")}}
        row = run.result(key, label, stats, target_ms=IMPORT_TARGET_S * 1000 if scope == "issue" else None, scope=scope,
                         queries=len(timer.queries), sql_ms=round(sum(timer.queries), 1))
        checked = steps.get(imports.STEP_CHECK, finished)
        row.update({
            "rows_per_second": round(IMPORT_ROWS / total), "workbook_bytes": len(content),
            "seconds": {"queue": round(queued, 2), "check": round(checked - t1, 2), "write": round(finished - checked, 2)},
            "outcome": outcome,
        })
        if scope == "issue" and job.state != "done":
            row["pass"] = False
        run.log(f"  {job.state}: {job.message} — {IMPORT_ROWS / total:,.0f} rows/s ({row['seconds']})")
    # The registry's own rule refuses dates before 2000 (core.text.check_date): a firm established
    # earlier cannot be filed, imported or updated.
    from minsheng.core.errors import ActionError
    from minsheng.enterprises.actions.registry import clean_entity, draft_of
    from minsheng.enterprises.models import Entity

    old = Entity.objects.filter(established_on__lt=date(2000, 1, 1), status="active").order_by("pk").first()
    count = Entity.objects.filter(established_on__lt=date(2000, 1, 1), status="active").count()
    if old is not None:
        try:
            clean_entity(draft_of(old))
            verdict = None
        except ActionError as error:
            verdict = f"{error.field}: {error.message}"
        run.subjects["pre_2000_firms"] = {"active": count, "example": old.pk, "established_on": old.established_on,
                                          "clean_entity": verdict}
        if verdict:
            run.notes.append(
                f"{count:,} active entities of the generated registry were established before 2000 (the brief's "
                f"1995-2026); registry.clean_entity refuses their own file ({verdict}), so such a firm cannot be "
                "filed, imported or updated (do_update_entity, the import's update of a known firm, the API): "
                "core.text.check_date's EARLIEST_DATE (2000-01-01) is too late for 成立日期. The import workbook "
                "therefore has established dates from 2000 on (else all-or-nothing refuses it).")


# --- results ---------------------------------------------------------------------------------------

def _verdicts(rows: list[tuple[str, dict]], target: str) -> str:
    """Which of the named results meet their target, in words (nothing when there are none)."""
    if not rows:
        return ""
    met = [name for name, r in rows if r.get("pass")]
    missed = [name for name, r in rows if not r.get("pass")]
    if not missed:
        words = f"{' and '.join(met)}: within the {target} target." if len(met) > 1 else f"within the {target} target."
    elif not met:
        words = f"{' and '.join(missed)}: over the {target} target." if len(missed) > 1 else f"over the {target} target."
    else:
        words = f"{' and '.join(met)} within the {target} target, {' and '.join(missed)} over it."
    return words[0].upper() + words[1:]


def findings(run: Run) -> list[str]:
    """What the figures say, in words: each target met or missed, and where the time goes."""
    by = {r["id"]: r for r in run.results}
    out = []
    largest, median, city = by.get("coverage.largest"), by.get("coverage.median"), by.get("coverage.city")
    if largest and median:
        words = (f"Coverage: {LARGEST} ({largest['totals']['entities']:,} active entities) takes "
                 f"{largest['median_ms']:,.0f} ms (median of {largest['n']}), {MEDIAN} ({median['totals']['entities']:,}) "
                 f"{median['median_ms']:,.0f} ms" + (f", the whole city {city['median_ms']:,.0f} ms (for information)" if city else "")
                 + ". " + _verdicts([(LARGEST, largest), (MEDIAN, median)], f"{COVERAGE_TARGET_MS} ms") + " ")
        parts = largest.get("sql_ms_by_part") or {}
        if parts:
            rest = largest["median_ms"] - largest["sql_ms"]
            words += (f"One call for {LARGEST} spends {largest['sql_ms']:,.0f} ms in SQL: "
                      + ", ".join(f"{part} {ms:,.0f} ms" if ms >= 10 else f"{part} {ms} ms" for part, ms in parts.items())
                      + (f"; the other ~{rest:,.0f} ms of the median outside the database" if rest > 0.05 * largest["median_ms"]
                         else "") + ". ")
        explained = [p for p in run.plans.values() if p.get("part") and p.get("execution_ms") is not None]
        if explained:
            slowest = max(explained, key=lambda p: p["execution_ms"])
            total = sum(p["execution_ms"] for p in explained)
            words += (f"Under EXPLAIN ANALYZE the slowest is {slowest['part']}: {slowest['execution_ms']:,.0f} ms of the "
                      f"queries' {total:,.0f} ms (its plan below).")
        out.append(words.strip())
    profiles = [by[k] for k in ("profile.above_scale.supervisor", "profile.individual.supervisor") if k in by]
    if profiles:
        def described(r):
            if "queries" not in r:
                return f"not measured ({r.get('error', 'no figures')})"
            return (f"{r['median_ms']:.1f} ms ({r['queries']} queries, {r['sql_ms']} ms of SQL, "
                    f"{r['bytes'] / 1000:,.0f} kB)")

        def name(r):
            return "the 规上 firm" if ".above_scale." in r["id"] else "the 个体户"

        words = ("Profile page, as the county's supervisor: "
                 + "; ".join(f"{name(r)} {described(r)}" for r in profiles) + ". "
                 + _verdicts([(name(r), r) for r in profiles if "queries" in r], f"{PAGE_TARGET_MS} ms"))
        helpers = [by[k] for k in ("profile.above_scale.helper", "profile.individual.helper") if k in by]
        if helpers:
            words += (" As the firm's own helper (for information): "
                      + "; ".join(f"{name(r)} {described(r)}" for r in helpers) + ".")
        out.append(words.strip())
    imported = by.get("import.new")
    if imported:
        sec = imported["seconds"]
        outcome = imported["outcome"]
        words = (f"Import: {IMPORT_ROWS:,} new firms in {imported['median_ms'] / 1000:.1f} s ({imported['rows_per_second']:,} rows/s): "
                 f"upload checks and storing the file {sec['queue']} s, step 1 (reading and checking every row) {sec['check']} s, "
                 f"step 2 (writing) {sec['write']} s; {imported['queries']:,} queries, {imported['sql_ms'] / 1000:.1f} s of SQL; "
                 f"outcome {outcome['state']}, {outcome['created']:,} created. ")
        if imported["pass"]:
            words += f"Within the {IMPORT_TARGET_S} s target."
        elif outcome["state"] != "done":
            words += f"Target missed: the import ended {outcome['state']} ({outcome['message']})."
        else:
            words += f"Over the {IMPORT_TARGET_S} s target."
        for key, what in (("import.again", "the same workbook again (all known, unchanged)"),
                          ("import.openpyxl", "the same rows from openpyxl's writer (inline strings, no dimension)")):
            if key in by:
                r = by[key]
                words += (f" {what[0].upper()}{what[1:]}: {r['median_ms'] / 1000:.1f} s (check {r['seconds']['check']} s, "
                          f"write {r['seconds']['write']} s).")
        out.append(words)
    return out


def markdown(doc: dict) -> str:
    g = doc["generation"]
    out = io.StringIO()
    w = lambda line="": out.write(line + "\n")  # noqa: E731
    w("# Enterprise registry benchmarks (issue 11)")
    w()
    w(markdown_run_line(doc, setting="jit", module="enterprises"))
    w()
    rows = g["rows"]
    grid = g["grid_members"]
    w(f"Data: {rows['enterprises_entity']:,} entities ({', '.join(f'{k} {v:,}' for k, v in g['kinds'].items())}; "
      f"{g['above_scale']:,} 规上, {g['key']:,} key firms, {g['closed']:,} cancelled or revoked), "
      f"{rows['enterprises_grid']:,} grids of {grid['min']}-{grid['max']} members (median {grid['median']}), "
      f"{rows['enterprises_gridmember']:,} memberships, {rows['enterprises_assignment']:,} assignments, "
      f"{rows['enterprises_visit']:,} visits, {rows['enterprises_enterpriseevent']:,} events, "
      f"{rows['enterprises_certification']:,} certifications, {rows['org_user']:,} users. By county: "
      + ", ".join(f"{k} {v:,}" for k, v in g["entities_by_county"].items())
      + f". Generated in {g['total_seconds']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in g['timings'].items())})"
      + ("; reused from an earlier run." if g.get("reused") else "."))
    for line in markdown_results(doc, (("issue", "The issue's targets"), ("info", "For information"))):
        w(line)
    by = {r["id"]: r for r in doc["results"]}
    if "coverage.largest" in by:
        t = by["coverage.largest"]["totals"]
        w()
        w(f"{LARGEST}'s report: {t['entities']:,} active entities, {t['above_scale']:,} 规上, {t['key']:,} key firms, "
          f"{t['individuals']:,} 个体工商户, {t['one_to_one']:,} helped one-to-one, {t['covered']:,} covered, "
          f"{t['uncovered']:,} uncovered ({t['uncovered'] / t['entities']:.1%}).")
    for key in ("import.new", "import.again", "import.openpyxl"):
        if key in by:
            o, sec = by[key]["outcome"], by[key]["seconds"]
            w()
            w(f"{by[key]['label']}: {o['state']}, {o['message']} ({by[key]['workbook_bytes'] / 1e6:.1f} MB; do_queue_import "
              f"{sec['queue']} s, step 1 {sec['check']} s, step 2 {sec['write']} s).")
    for line in markdown_plans(doc):
        w(line)
    for key in ("profile.above_scale.supervisor", "profile.individual.supervisor"):
        if key in by and by[key].get("queries_list"):
            w()
            w(f"### The queries of one request: {by[key]['label']}")
            w()
            w("```sql")
            for sql in by[key]["queries_list"]:
                w(sql)
            w("```")
    for line in markdown_notes(doc):
        w(line)
    return out.getvalue()


PARTS = {"coverage": bench_coverage, "pages": bench_pages, "import": bench_import}


def run(args, log=print) -> dict:
    import time_machine

    from minsheng.core import clock

    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    generation = ensure(rebuild=args.rebuild, log=log)
    cleanup(generation, log)
    bench = Run(args, log)
    bench.generation = generation
    bench.notes = [
        "Tables loaded with COPY (secondary indexes dropped and rebuilt), then VACUUM ANALYZE: no bloat, fresh "
        "statistics and visibility maps; warm caches; one client, no concurrency; PostgreSQL with its default settings.",
        "Coverage is measured as the function queries.coverage(region, day): the grouped pass (the counts, the "
        "one-to-one helper of the day as a LEFT JOIN), the uncovered entities (two NOT EXISTS, run as anti-joins), "
        "the regions, and the first 200 uncovered entities loaded by id; the page that renders it for information.",
        "Pages go through django.test.Client in-process (middleware, session, view, template), force_login; the "
        "median and p95 of the requests after a warm-up; the SQL queries of one more request.",
        "The import runs as the command line runs it: do_queue_import(start=True) then run_import in this process "
        "(the worker would run the same function); its time is both. The firms it creates, its jobs, their events "
        "and stored files are removed after the run.",
        "The entity table's physical order follows the registry's growth (CLUSTER during generation: the 2021 import "
        "county by county, then each day's registrations from every county interleaved), so a county's rows spread "
        "over much of the table (subjects: largest_county_pages). Visits, events and memberships are stored entity "
        "by entity (in production they interleave by day): a profile page reads fewer pages here than it would there.",
        "Demands are not generated: a Demand is an enterprise case (cases.Case), and the shared bench database's "
        "case tables belong to the cases benchmark (its rebuild truncates them, cascading to enterprises_demand; its "
        "restore deletes cases past its high-water mark). The profile page runs its demand query all the same "
        "(no rows).",
    ]
    parts = getattr(args, "only_enterprises", None) or list(PARTS)
    try:
        with time_machine.travel(data.NOW, tick=True), clock.fixed(data.NOW):
            subjects = pick_subjects(bench)
            for name in parts:
                PARTS[name](bench, subjects)
    finally:
        cleanup(generation, log)
    if set(parts) != set(PARTS):
        log("(a partial run: results not written)")
        return {"results": bench.results}
    return record_run(bench, "enterprises", 11, generation=generation, started=started, load_at_start=load_at_start,
                      findings=findings, markdown=markdown)
