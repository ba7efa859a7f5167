"""The fair-inspection demo (JOURNEYS.md 12), in 武宁县 over the enterprise demo's registry.

- The county's rules: routine visits filed 3 working days ahead, at most twice a year by one
  department at one firm, results public within 20 working days; quiet days (宁静生产日) on the
  1st to the 25th of each month for 规上 firms since June 2021.
- The lists of 县市场监管局, 县卫健委 and 县生态环境分局 (items, inspectors, one certificate
  expired), the credit classes of the 219 规上 firms, two declared conflicts, the city's
  exemption list for a labelling offence.
- 2026's third-quarter double-random draw over the 规上 firms: planned on 1 September with the
  seed's public source named, frozen on 8 September, drawn on 15 September; each firm visited on
  the 28th-30th (after the quiet days), results recorded and published, one of them late.
- The fourth quarter's: its pool frozen last week with the hash published, drawn yesterday with
  the announced figure; the visits filed, some approved, for the 28th of this month.
- Visits in every state: filed, approved (a bakery's routine visit with its code), rejected,
  withdrawn, inspected awaiting publication (one past its limit), published; a joint visit of
  two departments; a complaint and a firm's own request let in on quiet days.
- A bakery's first minor labelling offence exempted with an education notice; a shop exempted
  for the same offence last year, offending again, fined at the legal minimum (首罚取下限).
- The firms' ratings of published visits (anonymous; enough of them for the figure to show).

Everything goes through the actions under the clock of its day; one seed, so every load is the
same. "Today" is the other demos' anchor."""

import random
from contextlib import contextmanager
from datetime import date, timedelta

from minsheng.cases.demo import GIVEN, SURNAMES, anchor_now, at, local, send_pending_at
from minsheng.core import clock
from minsheng.enterprises.models import Entity, EntityKind
from minsheng.inspections import actions
from minsheng.inspections.models import (
    CreditGrade,
    DrawState,
    ExemptionKind,
    FilingKind,
    FilingState,
    FirmGroup,
    Outcome,
    QuietException,
    ResultCode,
    SeedSource,
)
from minsheng.org import workdays
from minsheng.org.models import Department, Region, User

SEED = "20210601"
RATIOS = {"A": "0.01", "B": "0.02", "C": "0.1", "D": "0.3"}
GRADE_WEIGHTS = [(CreditGrade.A, 30), (CreditGrade.B, 55), (CreditGrade.C, 12), (CreditGrade.D, 3)]
WITNESSES = "县司法局 曹文律师；县工商联 吴德明；企业代表 江西宏丰塑胶有限公司 李南星"
MARKET_ITEMS = [
    ("SJ-SC-01", "食品经营许可及食品安全管理制度落实情况检查", "《中华人民共和国食品安全法》第八十七条、第一百一十条",
     "食品生产经营者", "现场检查"),
    ("SJ-SC-02", "预包装食品标签检查", "《中华人民共和国食品安全法》第六十七条、第七十一条", "食品生产经营者", "现场检查、抽样"),
    ("SJ-SC-03", "企业公示信息情况检查", "《企业信息公示暂行条例》第十四条", "企业", "书面检查、现场核查"),
    ("SJ-SC-04", "特种设备使用单位检查", "《中华人民共和国特种设备安全法》第五十七条", "特种设备使用单位", "现场检查"),
    ("SJ-SC-05", "计量器具使用情况检查", "《中华人民共和国计量法》第二十二条", "使用计量器具的经营者", "现场检查"),
]
HEALTH_ITEMS = [("SJ-WJ-01", "公共场所卫生检查", "《公共场所卫生管理条例》第三条、第十条", "住宿、餐饮等公共场所", "现场检查")]
ECOLOGY_ITEMS = [("SJ-HB-01", "排污许可执行情况检查", "《排污许可管理条例》第二十九条", "排污单位", "现场检查、监测")]


@contextmanager
def on(day: date, hour: int, minute: int = 0):
    with clock.fixed(at(day, hour, minute)):
        yield


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def load_inspections(regions: dict[str, Region]) -> None:
    today = local(anchor_now()).date()
    rng = random.Random(SEED)
    wuning = regions["武宁县"]
    market = Department.objects.get(name="武宁县市场监管局")
    health = Department.objects.get(name="武宁县卫健委")
    ecology = Department.objects.get(name="武宁县生态环境分局")
    tang, xiong, zhong = (User.objects.get(username=name) for name in ("tangli", "xiongwei", "zhonghua"))
    firms = list(Entity.objects.filter(region=wuning).select_related("region").order_by("uscc"))
    above = [firm for firm in firms if firm.above_scale]

    with on(date(2026, 6, 30), 9):
        lists = _lists(rng, wuning, market, health, ecology, above, firms)

    bakery, other_bakery, shop = _food_shops(firms)
    _last_years_exemption(lists, shop, tang, xiong)
    _third_quarter(rng, lists, wuning, tang, xiong)
    _everyday_visits(lists, bakery, other_bakery, shop, above, firms, tang, xiong, zhong, today)
    _fourth_quarter(lists, wuning, tang, xiong, today)
    # What the replayed history left in the outbox (the firms' SMS of each approval), sent at the
    # time, so the demo's first worker run sends only what it creates itself.
    send_pending_at(anchor_now())
    _check(today)


def _lists(rng, wuning, market, health, ecology, above, firms) -> dict:
    actions.do_set_rules(wuning, routine_notice_days=3, routine_yearly_cap=2, first_offence_window_years=2,
                         publish_within_days=20, actor=None)
    actions.do_add_quiet_day_rule(wuning, firm_group=FirmGroup.ABOVE_SCALE, first_day=1, last_day=25,
                                  valid_from=date(2021, 6, 1), basis="武宁县推行涉企“宁静生产日”制度（无事不扰）", actor=None)
    items = {}
    for department, rows in ((market, MARKET_ITEMS), (health, HEALTH_ITEMS), (ecology, ECOLOGY_ITEMS)):
        for code, name, basis, scope, method in rows:
            items[code] = actions.do_add_item(department, code=code, name=name, legal_basis=basis, scope=scope,
                                              method=method, rules_text="检查前备案，两人以上出示执法证，当场告知检查事项和依据。",
                                              actor=None)
    inspectors = {}
    for department, prefix, count, field in ((market, "JX0423", 12, "市场监管综合执法"), (health, "WJ0423", 4, "卫生监督"),
                                             (ecology, "HB0423", 4, "生态环境执法")):
        inspectors[department.pk] = [
            actions.do_add_inspector(department, name=_person(rng), certificate_number=f"{prefix}{n:04d}", field=field,
                                     valid_from=date(2023, 3, 1), valid_to=date(2029, 2, 28), actor=None)
            for n in range(1, count + 1)]
    actions.do_add_inspector(market, name=_person(rng), certificate_number="JX04230099", field="市场监管综合执法",
                             valid_from=date(2018, 3, 1), valid_to=date(2026, 2, 28), actor=None)  # lapsed: never drawn
    for firm in above:
        actions.do_rate_credit(firm, grade=rng.choices(*zip(*GRADE_WEIGHTS))[0], rated_on=date(2026, 6, 30), actor=None)
    for inspector, firm, reason in ((inspectors[market.pk][3], above[7], "配偶在该企业任财务负责人"),
                                    (inspectors[market.pk][8], above[40], "曾在该企业任职，离职未满三年")):
        actions.do_declare_conflict(inspector, firm, reason=reason, actor=None)
    labelling = actions.do_add_violation_type(
        market, code="SPAQ-125", name="经营标签不符合规定的预包装食品", fine_min="5000", fine_max="50000",
        legal_basis="《中华人民共和国食品安全法》第一百二十五条第一款第（二）项", actor=None)
    actions.do_add_exemption(labelling, kind=ExemptionKind.FIRST_OFFENCE, valid_from=date(2021, 7, 15),
                             conditions="初次违法；标签瑕疵不影响食品安全且不会对消费者造成误导；在责令期限内改正",
                             exclusions="婴幼儿配方食品、特殊医学用途配方食品、保健食品", list_name="九江市市场监管领域轻微违法行为免罚清单",
                             actor=None)
    records = actions.do_add_violation_type(
        market, code="SPAQ-126", name="未按规定建立并遵守进货查验记录制度", fine_min="5000", fine_max="50000",
        legal_basis="《中华人民共和国食品安全法》第一百二十六条第一款第（三）项", actor=None)
    return {"market": market, "health": health, "ecology": ecology, "items": items, "inspectors": inspectors,
            "labelling": labelling, "records": records}


def _food_shops(firms):
    shops = [firm for firm in firms if firm.kind == EntityKind.INDIVIDUAL and firm.contact_phone]
    bakeries = [firm for firm in shops if firm.industry_id and firm.industry.code == "5222"]
    stores = [firm for firm in shops if firm.industry_id and firm.industry.code == "5213"]
    return bakeries[0], bakeries[1], stores[0]


def _file(lists, firm, *, kind, planned_on, trigger, actor, items=("SJ-SC-01",), inspectors=None, **extra):
    market = lists["market"]
    chosen = inspectors or lists["inspectors"][market.pk][:2]
    return actions.do_file_inspection(market, firm, kind=kind, items=[lists["items"][code] for code in items],
                                      inspectors=chosen, planned_on=planned_on, trigger=trigger, actor=actor, **extra)


def _carry_out(filing, day, result, findings, actor, *, hour=15):
    with on(day, hour):
        return actions.do_record_inspection(filing, inspected_on=day, result=result, findings=findings, actor=actor)


def _last_years_exemption(lists, shop, tang, xiong):
    """The shop's first labelling offence, in 2025: exempted with an education notice."""
    day = date(2025, 5, 13)
    with on(day, 9):
        filing = _file(lists, shop, kind=FilingKind.COMPLAINT, planned_on=day, trigger="12345工单：所售饼干标签无生产日期",
                       actor=tang, items=("SJ-SC-02",))
    with on(day, 9, 30):
        actions.do_approve_filing(filing, actor=xiong)
    filing = _carry_out(filing, day, ResultCode.OTHER_VIOLATION, "在售预包装饼干3袋标签未标注生产日期，当场下架。", tang)
    with on(day, 16):
        actions.do_decide_penalty(filing, violation_type=lists["labelling"], offence_on=day, harm_minor=True, corrected=True,
                                  outcome=Outcome.NO_PENALTY, correction_due=date(2025, 5, 20), actor=tang)
    with on(date(2025, 5, 20), 10):
        actions.do_publish_result(filing, actor=tang)


def _third_quarter(rng, lists, wuning, tang, xiong):
    market = lists["market"]
    with on(date(2026, 9, 1), 10):
        draw = actions.do_plan_draw(
            market, title="2026年第三季度规上企业“双随机、一公开”抽查", region=wuning, above_scale_only=True, ratios=RATIOS,
            seed_source=SeedSource.PUBLIC, seed_source_text="2026年9月14日中国福利彩票“3D”游戏开奖号码（按开奖顺序）",
            items=[lists["items"]["SJ-SC-03"], lists["items"]["SJ-SC-04"]], actor=xiong)
    with on(date(2026, 9, 8), 9, 30):
        draw = actions.do_freeze_draw(draw, actor=xiong)
    with on(date(2026, 9, 15), 9, 30):
        draw = actions.do_run_draw(draw, seed="5 2 9", witnesses=WITNESSES, actor=xiong)
    _visit_the_picks(rng, lists, draw, tang, xiong, filed=date(2026, 9, 15), days=[date(2026, 9, 28), date(2026, 9, 29),
                                                                                   date(2026, 9, 30)], carry_out=True)


def _visit_the_picks(rng, lists, draw, tang, xiong, *, filed, days, carry_out, approve_all=True):
    by_certificate = {inspector.certificate_number: inspector for inspector in lists["inspectors"][lists["market"].pk]}
    codes = [pick.uscc for pick in actions.recorded_picks(draw)]
    firms = {firm.uscc: firm for firm in Entity.objects.filter(uscc__in=codes).select_related("region")}
    filings = []
    for n, pick in enumerate(actions.recorded_picks(draw)):
        with on(filed, 14, n):
            filing = _file(lists, firms[pick.uscc], kind=FilingKind.RANDOM, planned_on=days[n % len(days)],
                           trigger=f"{draw.number} {draw.title}", actor=tang, items=("SJ-SC-03", "SJ-SC-04"),
                           inspectors=[by_certificate[c] for c in pick.inspectors], draw=draw)
        if approve_all or n % 3:
            with on(filed, 16, n):
                filing = actions.do_approve_filing(filing, actor=xiong)
        filings.append(filing)
    if not carry_out:
        return filings
    outcomes = [ResultCode.NO_PROBLEM] * (len(filings) - 2) + [ResultCode.CORRECTED, ResultCode.NO_PROBLEM]
    for n, (filing, result) in enumerate(zip(filings, outcomes)):
        findings = "电梯维保记录缺2个月，当场责令补齐，已改正。" if result == ResultCode.CORRECTED else ""
        filing = _carry_out(filing, filing.planned_on, result, findings, tang)
        published_on = date(2026, 11, 10) if n == 0 else date(2026, 10, 20)  # the first one late
        with on(published_on, 10, n):
            actions.do_publish_result(filing, actor=tang)
        if n < 5:
            with on(published_on + timedelta(days=2), 20, n):
                actions.do_rate_filing(filing, filing.entity, score=rng.choice([5, 5, 4, 5, 3]), disturbed=False,
                                       comment=rng.choice(["", "提前告知，半天查完，不影响生产。", "检查人员专业，指导到位。"]))
    return filings


def _everyday_visits(lists, bakery, other_bakery, shop, above, firms, tang, xiong, zhong, today):
    market, health = lists["market"], lists["health"]
    # This morning's work, done before the anchor whatever its hour.
    morning = min(anchor_now(), at(today, 8, 30)) - timedelta(minutes=30)
    # The other bakery's first labelling offence (November): exempted, education notice, published.
    day = date(2026, 11, 4)
    with on(date(2026, 10, 29), 10):
        filing = _file(lists, other_bakery, kind=FilingKind.ROUTINE, planned_on=day, trigger="2026年度食品经营者日常监督检查计划",
                       actor=tang, items=("SJ-SC-01", "SJ-SC-02"))
    with on(date(2026, 10, 29), 15):
        actions.do_approve_filing(filing, actor=xiong)
    filing = _carry_out(filing, day, ResultCode.OTHER_VIOLATION, "自制面包预包装标签未标注贮存条件，不影响食品安全，当场整改。",
                        tang)
    with on(day, 17):
        actions.do_decide_penalty(filing, violation_type=lists["labelling"], offence_on=day, harm_minor=True, corrected=True,
                                  outcome=Outcome.NO_PENALTY, correction_due=date(2026, 11, 11), actor=tang)
    with on(date(2026, 11, 9), 10):
        actions.do_publish_result(filing, actor=tang)

    # The shop exempted last year offends again: its first fine of the kind, at the legal minimum.
    day = date(2026, 10, 21)
    with on(day, 9):
        filing = _file(lists, shop, kind=FilingKind.COMPLAINT, planned_on=day, trigger="12345工单：所售蛋糕标签无保质期",
                       actor=tang, items=("SJ-SC-02",))
    with on(day, 9, 20):
        actions.do_approve_filing(filing, actor=xiong)
    filing = _carry_out(filing, day, ResultCode.OTHER_VIOLATION, "在售预包装蛋糕5盒标签未标注保质期，为两年内第二次。", tang)
    with on(day, 17):
        actions.do_decide_penalty(filing, violation_type=lists["labelling"], offence_on=day, harm_minor=True, corrected=True,
                                  outcome=Outcome.FINE, fine="5000", actor=tang)
    with on(date(2026, 10, 28), 10):
        actions.do_publish_result(filing, actor=tang)

    # A complaint at a 规上 restaurant on a quiet day: let in as a statutory exception.
    restaurant = next(firm for firm in above if firm.industry.code.startswith("62"))
    quiet = date(2026, 11, 12)
    with on(quiet, 9):
        filing = _file(lists, restaurant, kind=FilingKind.COMPLAINT, planned_on=quiet, trigger="12345工单：就餐后腹泻，反映后厨卫生",
                       actor=tang, quiet_exception=QuietException.COMPLAINT, quiet_exception_note="群众投诉食品安全问题，须当日核查")
    with on(quiet, 9, 15):
        actions.do_approve_filing(filing, actor=xiong)
    filing = _carry_out(filing, quiet, ResultCode.CORRECTED, "后厨生熟砧板未分开使用，当场责令改正，已改正。", tang)
    with on(date(2026, 11, 18), 10):
        actions.do_publish_result(filing, actor=tang)

    # A firm's own request on a quiet day: its new boiler checked before use; not yet published, and late.
    factory = next(firm for firm in above if firm.industry.code.startswith("3"))
    asked = date(2026, 10, 22)
    with on(asked, 9):
        filing = _file(lists, factory, kind=FilingKind.SPECIAL, planned_on=asked, trigger="企业申请：新安装燃气锅炉投用前检查",
                       actor=tang, items=("SJ-SC-04",), quiet_exception=QuietException.FIRM_REQUEST,
                       quiet_exception_note="企业书面申请，锅炉须在月底投产前完成使用登记检查")
    with on(asked, 9, 20):
        actions.do_approve_filing(filing, actor=xiong)
    _carry_out(filing, asked, ResultCode.NO_PROBLEM, "", tang)

    # A joint visit: 县卫健委 joins 县市场监管局's routine visit to a hotel (进一次门、查多项事).
    hotel = next(firm for firm in firms if firm.industry_id and firm.industry.code == "6110" and not firm.above_scale)
    joint_day = workdays.add_working_days(today, 4)
    yesterday = workdays.add_working_days(today, -1)
    with on(yesterday, 10):
        filing = _file(lists, hotel, kind=FilingKind.ROUTINE, planned_on=joint_day, trigger="2026年度住宿业日常监督检查计划",
                       actor=tang, items=("SJ-SC-01", "SJ-SC-05"))
    with on(yesterday, 14):
        filing = actions.do_join_filing(filing, health, items=[lists["items"]["SJ-WJ-01"]],
                                        inspectors=lists["inspectors"][health.pk][:2], actor=zhong)
    with on(yesterday, 16):
        actions.do_approve_filing(filing, actor=xiong)

    # The bakery's routine visit, filed three working days ahead and approved: its code works.
    planned = workdays.add_working_days(today, 3)
    with clock.fixed(morning):
        filing = _file(lists, bakery, kind=FilingKind.ROUTINE, planned_on=planned, trigger="2026年度食品经营者日常监督检查计划",
                       actor=tang, items=("SJ-SC-01", "SJ-SC-02"), inspectors=lists["inspectors"][market.pk][4:6])
    with clock.fixed(morning + timedelta(minutes=15)):
        actions.do_approve_filing(filing, actor=xiong)

    # A visit rejected, one withdrawn, one awaiting approval, one inspected and still within its limit.
    everyday = [firm for firm in firms if firm.kind == EntityKind.ENTERPRISE and not firm.above_scale][:3]
    before = workdays.add_working_days(today, -2)
    with on(before, 10):
        rejected = _file(lists, everyday[0], kind=FilingKind.ROUTINE, planned_on=workdays.add_working_days(today, 5),
                         trigger="2026年度企业公示信息日常检查", actor=tang, items=("SJ-SC-03",))
        withdrawn = _file(lists, everyday[1], kind=FilingKind.ROUTINE, planned_on=workdays.add_working_days(today, 6),
                          trigger="2026年度计量器具日常检查", actor=tang, items=("SJ-SC-05",))
    with on(before, 15):
        actions.do_reject_filing(rejected, reason="已列入下季度双随机抽查，不再另行日常检查（无事不扰）", actor=xiong)
        actions.do_withdraw_filing(withdrawn, reason="企业停业装修至月底，改期重新备案", actor=tang)
    with clock.fixed(morning + timedelta(minutes=25)):
        _file(lists, everyday[2], kind=FilingKind.REFERRAL, planned_on=workdays.add_working_days(today, 2),
              trigger="市市场监管局转办：网络交易投诉线索（赣市监转〔2026〕）", actor=tang, items=("SJ-SC-03",))
    recent = workdays.add_working_days(today, -3)
    with on(recent, 9):
        filing = _file(lists, everyday[1], kind=FilingKind.COMPLAINT, planned_on=recent, trigger="12345工单：电子秤计量不准",
                       actor=tang, items=("SJ-SC-05",))
    with on(recent, 9, 20):
        actions.do_approve_filing(filing, actor=xiong)
    _carry_out(filing, recent, ResultCode.CORRECTED, "电子秤未按期检定，当场责令停用送检，已送检。", tang)


def _fourth_quarter(lists, wuning, tang, xiong, today):
    """The pool frozen last week with its hash published; drawn yesterday with the announced figure."""
    with on(today - timedelta(days=21), 10):
        draw = actions.do_plan_draw(
            lists["market"], title="2026年第四季度规上企业“双随机、一公开”抽查", region=wuning, above_scale_only=True,
            ratios=RATIOS, seed_source=SeedSource.PUBLIC,
            seed_source_text=f"{workdays.add_working_days(today, -2):%Y年%-m月%-d日}中国福利彩票“3D”游戏开奖号码（按开奖顺序）",
            items=[lists["items"]["SJ-SC-03"], lists["items"]["SJ-SC-04"]], actor=xiong)
    with on(today - timedelta(days=7), 9, 30):
        draw = actions.do_freeze_draw(draw, actor=xiong)
    drawn_on = workdays.add_working_days(today, -1)
    with on(drawn_on, 9, 30):
        draw = actions.do_run_draw(draw, seed="8 0 6", witnesses=WITNESSES, actor=xiong)
    # The visits after the quiet days (the 25th), on working days, and never before tomorrow.
    first = workdays.add_working_days(max(date(today.year, today.month, 25), today), 1)
    _visit_the_picks(random.Random(SEED), lists, draw, tang, xiong, filed=drawn_on,
                     days=[first, workdays.add_working_days(first, 1)], carry_out=False, approve_all=False)


def _check(today: date) -> None:
    from minsheng.inspections.models import Draw, Filing
    missing = set(FilingState.values) - set(Filing.objects.values_list("state", flat=True))
    if missing or Draw.objects.filter(state=DrawState.DRAWN).count() != 2:
        raise RuntimeError(f"入企检查演示数据不完整：缺少状态{missing}")
