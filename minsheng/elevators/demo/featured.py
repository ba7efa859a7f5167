"""The featured records the journeys walk through (JOURNEYS.md 3, 10 and 14), made through the
real actions under the clock of their day so their timelines are genuine: 赵金德's lift at
长运宿舍7栋 (浔阳区) from filing to service and the fault of its doors a neighbour reported in
September (a case of the case engine), the application stuck at 湖口县住建局's joint review
and linked to the window's case about it, one in 公示 with an objection in mediation, one
withdrawn after a vote that fell short and one refused at the street's review."""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from minsheng.cases import actions as case_actions
from minsheng.cases.actions._base import lock_case
from minsheng.cases.models import OPEN_STATES, Case, Result
from minsheng.core import clock
from minsheng.elevators import actions
from minsheng.elevators.actions import DwellingDraft, OwnerDraft, service
from minsheng.elevators.actions._base import locked
from minsheng.elevators.demo.history import REJECT_REASONS, SHANGHAI, WITHDRAW_REASONS, at, local_day
from minsheng.elevators.demo.ledger import layout_for, person_name, phone, resident_id
from minsheng.elevators.models import Application, Choice, MediationLevel
from minsheng.elevators.stages import Stage
from minsheng.org import workdays
from minsheng.org.models import Department, Region, Role, User


@dataclass
class Featured:
    regions: dict[str, Region]
    anchor: datetime
    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)

    def __post_init__(self):
        self.users = {u.username: u for u in User.objects.filter(username__in=["huangxin", "chenjing", "zhoujian", "sunli"])}

    def entrance(self, county: str, estate_name: str, building: str, floors: int, layout: list[tuple[int, int]],
                 areas: list[Decimal], owners: dict[str, list[OwnerDraft]], *, street=None, community="", address="",
                 year_built=1990, batch="", over_60: dict[str, int] | None = None, actor=None, unit: str = "1单元"):
        """An entrance (`unit` of a building with the units up to it) registered through the register
        actions; the estate reused when the ledger made it."""
        from minsheng.elevators.models import Estate

        region = self.regions[county]
        estate = Estate.objects.filter(region=region, name=estate_name).first() or actions.do_create_estate(
            region=region, street=street, community=community, name=estate_name, address=address, year_built=year_built,
            renovation_batch=batch, actor=actor)
        units = [f"{n}单元" for n in range(1, int(unit.removesuffix("单元")) + 1)]
        entrance = actions.do_add_building(estate, name=building, floors=floors, entrances=units, actor=actor).entrances.get(name=unit)
        drafts = []
        for floor, count in layout:
            for position in range(1, count + 1):
                number = f"{floor}{position:02d}"
                drafts.append(DwellingDraft(
                    number=number, floor=floor, area=areas[(position - 1) % len(areas)],
                    owners=owners.get(number) or [OwnerDraft(name=person_name(self.rng), phone=phone(self.rng))],
                    residents_over_60=(over_60 or {}).get(number, 1 if self.rng.random() < 1 / 6 else 0)))
        actions.do_add_dwellings(entrance, drafts, actor=actor)
        return entrance

    def vote(self, application, cast_on: date, choices: dict[str, str | None], actor=None, only: list[str] | None = None):
        """The paper forms of `cast_on` entered: every dwelling (or those in `only`) agrees unless
        `choices` says otherwise (None: the dwelling did not take part)."""
        for dwelling in application.entrance.dwellings.order_by("floor", "number"):
            choice = choices.get(dwelling.number, Choice.AGREE)
            if choice is None or (only is not None and dwelling.number not in only):
                continue
            actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area, choice=choice,
                                   cast_on=cast_on, actor=actor)

    def advance(self, application, moment: datetime, actor=None, note: str = ""):
        with clock.fixed(moment):
            return actions.do_advance_stage(application, actor=actor, note=note)

    # 赵金德's lift (JOURNEYS.md 10 and 14) ----------------------------------------------------

    def zhao_jinde(self) -> Application:
        rng = self.rng
        owners = {"701": [OwnerDraft(name="赵金德", id_number=resident_id(rng, "360403", date(1956, 3, 12), False), phone="13907926518"),
                          OwnerDraft(name="李秀兰", id_number=resident_id(rng, "360403", date(1958, 9, 3), True))],
                  "702": [OwnerDraft(name="刘德明", id_number=resident_id(rng, "360403", date(1961, 6, 20), False), phone="13979218862")],
                  "101": [OwnerDraft(name="王桂英", id_number=resident_id(rng, "360403", date(1953, 11, 8), True), phone="15979206631")]}
        over_60 = {"701": 2, "702": 2, "101": 1, "201": 1, "402": 2, "501": 1, "602": 2}
        with clock.fixed(at(date(2025, 12, 15), 10)):
            entrance = self.entrance("浔阳区", "长运宿舍", "7栋", 7, [(floor, 2) for floor in range(1, 8)],
                                     [Decimal("68.45"), Decimal("72.16")], owners, community="湓浦街道长运社区",
                                     address="浔阳区浔阳东路218号", year_built=1991, batch="2025年第一批", over_60=over_60)
        zhao, liu = (entrance.dwellings.get(number=n).voter for n in ("701", "702"))
        with clock.fixed(at(date(2025, 12, 22), 9, 40)):
            application = actions.do_file_application(entrance, filed_on=date(2025, 12, 22), representatives=[zhao, liu],
                                                      implementing_body="长运宿舍7栋业主代表（赵金德、刘德明）", actor=None)
        application = self.advance(application, at(date(2025, 12, 26), 10, 15), note="现场踏勘：北侧楼梯间外有加装井道的空间，地下管线可迁改。")
        for day, numbers in ((date(2025, 12, 28), ["701", "702", "601", "602", "501", "502"]),
                             (date(2026, 1, 4), ["401", "402", "301", "302", "201", "202", "102"]), (date(2026, 1, 9), ["101"])):
            with clock.fixed(at(day, 15, 30)):
                self.vote(application, day, {"101": Choice.DISAGREE, "102": Choice.ABSTAIN}, only=numbers)
        application = self.advance(application, at(date(2026, 1, 12), 9, 30))
        with clock.fixed(at(date(2026, 1, 16), 10)):
            actions.do_set_costs(application, estimated_cost="460000", actor=None)
        application = self.advance(application, at(date(2026, 1, 20), 16), note="业主代表与九江浔安电梯工程有限公司签订加装电梯合同。")
        application = self.advance(application, at(date(2026, 1, 30), 9, 10), note="施工图设计完成，井道设于北侧楼梯间外。")
        with clock.fixed(at(date(2026, 1, 30), 10)):
            actions.do_publish_notice(application, days=10, actor=None, text=(
                "长运宿舍7栋1单元拟加装电梯一部，井道位于北侧楼梯间外，停靠1至7层（半层入户），工程总造价46万元，"
                "申请政府补贴20万元，其余按楼层系数由本单元业主分摊。公示期10日，对方案有异议的，请在公示期内向湓浦街道长运社区书面提出。"))
        ground = entrance.dwellings.get(number="101")
        with clock.fixed(at(date(2026, 2, 2), 14)):
            objection = actions.do_file_objection(application, dwelling=ground, filed_on=date(2026, 2, 2), actor=None,
                                                  reason="井道建在101室北侧窗外，影响采光和通风。")
        with clock.fixed(at(date(2026, 2, 6), 16)):
            actions.do_record_mediation(objection, held_on=date(2026, 2, 6), level=MediationLevel.COMMUNITY, agreed=True,
                                        mediator="长运社区人民调解委员会 陈玉兰", compensation="8000", actor=None,
                                        summary="经社区调解，井道外移0.6米并采用玻璃幕墙；二至七层业主一次性补偿101室采光损失8000元，王桂英同意加装。")
        application = self.advance(application, at(date(2026, 2, 10), 9, 20), note="公示期满，异议已调解化解。")
        application = self.advance(application, at(date(2026, 2, 26), 15), note="街道审查通过，报区住建局组织联合审查。")
        application = self.advance(application, at(date(2026, 3, 10), 11), note="联合审查通过（住建、自然资源、市场监管、消防）。")
        application = self.advance(application, at(date(2026, 5, 20), 10), note="电梯安装完毕，施工单位申请竣工验收。")
        application = self.advance(application, at(date(2026, 5, 27), 15), note="竣工验收合格，特种设备监督检验合格。")
        application = self.advance(application, at(date(2026, 6, 5), 10, 30), note="已办理特种设备使用登记。")
        application = self.advance(application, at(date(2026, 6, 16), 9), note="补贴20万元已拨付至实施主体账户，电梯投入使用。")
        with clock.fixed(at(date(2026, 6, 16), 10)):
            actions.do_set_maintenance(application, contractor="九江浔安电梯工程有限公司", phone="13607921866",
                                       inspection_expires_on=date(2027, 5, 31), actor=None)
        day = date(2026, 6, 29)
        while day <= local_day(self.anchor) - timedelta(days=3):
            with clock.fixed(at(day, 16)):
                actions.do_record_service(application, serviced_on=day, actor=None, note="例行维护保养，运行正常。")
            day += timedelta(days=14)
        self.door_fault(Application.objects.get(pk=application.pk))
        return Application.objects.get(pk=application.pk)

    def door_fault(self, application: Application) -> Case | None:
        """In September the doors keep opening again: the neighbour on 5楼 reports it from the
        lift's page; the case is accepted and dispatched to 浔阳区市场监管局 (by 孙丽, whom the
        cases' demo has act for the districts), signed and closed as solved within its three
        working days (by the bureau's handler, or by the system for it where the demo org has
        none); then the worker's steps on it up to today (the callback and the archiving)."""
        reported_on, closed_on = date(2026, 9, 15), date(2026, 9, 16)  # a Tuesday and a Wednesday
        if local_day(self.anchor) <= closed_on:
            return None
        neighbour = application.entrance.dwellings.get(number="501").voter
        with clock.fixed(at(reported_on, 12, 40)):
            case, _ = actions.do_report_fault(application, fault="doors", description="电梯门关闭时反复弹开，已停用半天。",
                                              floor="5楼", requester_name=neighbour.name, requester_phone=neighbour.phone)
        supervisor = self.users.get("sunli")
        bureau = Department.objects.filter(region=self.regions["浔阳区"], name="浔阳区市场监管局").first()
        if supervisor is None or bureau is None:
            return case
        with clock.fixed(at(reported_on, 14, 5)):
            case_actions.do_accept_case(case, actor=supervisor)
        with clock.fixed(at(reported_on, 14, 20)):
            case_actions.do_dispatch_case(case, department=bureau, actor=supervisor, note=(
                f"加装电梯门开关异常，请督促维保单位{application.maintenance_contractor}"
                f"（{application.maintenance_phone}）尽快检修，并将处理情况告知诉求人。"))
        # The bureau's handler where the demo org has one; otherwise the system acts for the bureau,
        # as the cases' demo does for the departments without a login.
        handler = (User.objects.filter(department=bureau, is_active=True, role_grants__role=Role.HANDLER)
                   .order_by("username").first())
        with clock.fixed(at(reported_on, 15, 10)):
            case_actions.do_sign_case(case, actor=handler)
        with clock.fixed(at(closed_on, 16, 30)):
            case_actions.do_close_case(case, result=Result.SOLVED, actor=handler, text=(
                f"经现场核查，系门机光幕传感器故障，致电梯门关闭时反复弹开。维保单位{application.maintenance_contractor}"
                "已于9月16日上午更换光幕传感器，调试运行正常，电梯已恢复使用；已电话告知诉求人。"))
        while True:
            case.refresh_from_db()
            due = case.next_check_at
            if due is None or due > self.anchor:
                return case
            with clock.fixed(due), transaction.atomic():
                case_actions.process_due_case(lock_case(case), due)

    # 赵阿姨's stuck application (JOURNEYS.md 3, 5 and 10) -------------------------------------

    def stuck_at_joint_review(self) -> Application | None:
        """The application the window's elevator case is about: its estate, building and households
        as the case tells them, filed the day she says, stuck at 湖口县住建局's joint review past
        its limit, and the case linked to it."""
        case = (Case.objects.filter(region=self.regions["湖口县"], kind__code="stuck-matter", category__code="elevator-retrofit",
                                    state__in=OPEN_STATES, lead_department__name="湖口县住建局")
                .order_by("-supervision_level", "created_at").first())
        if case is None:
            return None
        found = re.match(r"(.+?)(\d+栋)(\d+单元)", case.title)
        households = re.search(r"共(\d+)户", case.description)
        if not found or not households:
            return None
        estate_name, building, unit, households = found.group(1), found.group(2), found.group(3), int(households.group(1))
        registered = case.created_at.astimezone(SHANGHAI)
        filed_on = case.applied_on or (registered.date() - timedelta(days=120))
        floors, layout = layout_for(households)
        huang, chen = self.users.get("huangxin"), self.users.get("chenjing")
        hukou = self.regions["湖口县"]
        shuangzhong = Region.objects.filter(parent=hukou, name="双钟镇").first()
        requester = OwnerDraft(name=case.requester_name, id_number=case.requester_id_number, phone=case.requester_phone)
        first_day = workdays.add_working_days(filed_on, 0)
        with clock.fixed(at(first_day, 9)):
            entrance = self.entrance("湖口县", estate_name, building, floors, layout, [Decimal("76.30"), Decimal("88.62")],
                                     {f"{floors}01": [requester]}, street=shuangzhong, community="双钟镇石钟社区",
                                     address="湖口县石钟路", year_built=1998, actor=huang, unit=unit)
        representative = entrance.dwellings.get(number=f"{floors}01").voter
        with clock.fixed(at(first_day, 10, 20)):
            application = actions.do_file_application(entrance, filed_on=filed_on, representatives=[representative],
                                                      implementing_body=f"{estate_name}{building}业主代表", actor=huang)
        # Joint review entered 22 working days before the complaint: past its 15.
        joint = workdays.add_working_days(registered.date(), -22)
        span = (joint - first_day).days
        steps = [0.12, 0.42, 0.55, 0.70, 0.90]  # consultation, agreement, design, publicity, street review
        moments = [at(workdays.add_working_days(first_day + timedelta(days=int(span * share)), 0), 10) for share in steps]
        publicity, street = moments[3], moments[4]
        if (local_day(street) - local_day(publicity)).days <= 10:
            moments[4] = street = at(workdays.add_working_days(local_day(publicity) + timedelta(days=11), 0), 10)
        moments.append(at(max(joint, workdays.add_working_days(local_day(street), 3)), 15))
        application = self.advance(application, moments[0], huang)
        with clock.fixed(moments[0] + timedelta(days=7)):
            self.vote(application, local_day(moments[0] + timedelta(days=7)), {}, actor=huang)
        application = self.advance(application, moments[1], huang)
        with clock.fixed(moments[1] + timedelta(hours=1)):
            actions.do_set_costs(application, estimated_cost="560000", actor=huang)
        application = self.advance(application, moments[2], huang)
        application = self.advance(application, moments[3], huang)
        with clock.fixed(moments[3] + timedelta(minutes=30)):
            actions.do_publish_notice(application, days=10, actor=huang,
                                      text=f"{entrance}拟加装电梯一部，工程总造价56万元，公示期10日。")
        application = self.advance(application, moments[4], huang, note="公示期满无异议。")
        application = self.advance(application, moments[5], huang, note="街道审查通过，报县住建局联合审查。")
        # The worker's ladder on the stage (warning, late, the supervision office) as it climbed
        # up to today, and the window's clerk linking the case the morning it came.
        linked_at = registered + timedelta(minutes=12)
        linked = False
        for _ in range(4):
            application.refresh_from_db()
            due = application.next_check_at
            if not linked and (due is None or due > linked_at):
                with clock.fixed(linked_at):
                    actions.do_link_case(application, case, actor=chen)
                linked = True
                continue
            if due is None or due > self.anchor:
                break
            with clock.fixed(due), transaction.atomic():
                service.process_due_application(locked(application), due)
        if not linked:
            with clock.fixed(linked_at):
                actions.do_link_case(application, case, actor=chen)
        return Application.objects.get(pk=application.pk)

    # In 公示, an objection in mediation ------------------------------------------------------

    def in_publicity(self) -> Application:
        today = local_day(self.anchor)
        publicity = workdays.add_working_days(today, -4)
        start = publicity - timedelta(days=75)
        with clock.fixed(at(start, 9)):
            entrance = self.entrance("濂溪区", "烟草公司宿舍", "3栋", 6, [(floor, 2) for floor in range(1, 7)],
                                     [Decimal("59.80"), Decimal("83.27")], {}, community="十里街道烟草社区",
                                     address="濂溪区十里大道176号", year_built=1994)
        owner = entrance.dwellings.get(number="601").voter
        first = workdays.add_working_days(start, 1)
        with clock.fixed(at(first, 10)):
            application = actions.do_file_application(entrance, filed_on=start, representatives=[owner],
                                                      implementing_body="九江庐峰电梯安装有限公司（受业主委托代建）", actor=None)
        consult = workdays.add_working_days(first, 5)
        application = self.advance(application, at(consult, 10))
        vote_day = workdays.add_working_days(consult, 12)
        with clock.fixed(at(vote_day, 16)):
            self.vote(application, vote_day, {"101": Choice.DISAGREE, "201": Choice.ABSTAIN})
        application = self.advance(application, at(workdays.add_working_days(vote_day, 3), 10))
        with clock.fixed(at(workdays.add_working_days(vote_day, 8), 10)):
            actions.do_set_costs(application, estimated_cost="438000", actor=None)
        application = self.advance(application, at(workdays.add_working_days(vote_day, 10), 10))
        application = self.advance(application, at(publicity, 9, 30))
        with clock.fixed(at(publicity, 10)):
            actions.do_publish_notice(application, days=10, actor=None, text=(
                "烟草公司宿舍3栋1单元拟加装电梯一部，井道位于南侧阳台外，停靠1至6层，工程总造价43.8万元，"
                "申请政府补贴20万元。公示期10日，对方案有异议的，请在公示期内向十里街道烟草社区书面提出。"))
        objected = workdays.add_working_days(publicity, 1)
        with clock.fixed(at(objected, 15)):
            objection = actions.do_file_objection(application, dwelling=entrance.dwellings.get(number="201"), filed_on=objected,
                                                  reason="电梯运行噪音和井道遮挡影响201室卧室，要求调整井道位置或给予补偿。", actor=None)
        held = workdays.add_working_days(publicity, 3)
        with clock.fixed(at(held, 16)):
            actions.do_record_mediation(objection, held_on=held, level=MediationLevel.COMMUNITY, agreed=False, actor=None,
                                        mediator="烟草社区人民调解委员会 周建华",
                                        summary="双方就补偿金额未达成一致（201室要求2万元，其余业主同意5000元），约定公示期满前再次调解。")
        return Application.objects.get(pk=application.pk)

    # Withdrawn after a vote that fell short; refused at the street's review ------------------

    def withdrawn(self) -> Application:
        start = date(2026, 4, 7)
        with clock.fixed(at(start, 9)):
            entrance = self.entrance("柴桑区", "化纤厂宿舍", "5栋", 6, [(floor, 2) for floor in range(1, 7)],
                                     [Decimal("56.40"), Decimal("64.90")], {}, community="沙河街道化纤社区",
                                     address="柴桑区沙河大道88号", year_built=1988)
        owner = entrance.dwellings.get(number="502").voter
        with clock.fixed(at(start, 10)):
            application = actions.do_file_application(entrance, filed_on=start, representatives=[owner], actor=None)
        application = self.advance(application, at(date(2026, 4, 14), 10))
        with clock.fixed(at(date(2026, 5, 8), 16)):
            self.vote(application, date(2026, 5, 8), {"101": Choice.DISAGREE, "102": Choice.DISAGREE, "201": Choice.DISAGREE,
                                                      "202": Choice.ABSTAIN, "301": None})
        with clock.fixed(at(date(2026, 5, 20), 11)):
            return actions.do_withdraw_application(application, actor=None, reason=WITHDRAW_REASONS[Stage.CONSULTATION])

    def rejected(self) -> Application:
        start = date(2025, 9, 1)
        with clock.fixed(at(start, 9)):
            entrance = self.entrance("瑞昌市", "棉纺厂宿舍", "2栋", 7, [(floor, 2) for floor in range(1, 8)],
                                     [Decimal("61.15"), Decimal("61.15")], {}, community="湓城街道棉纺社区",
                                     address="瑞昌市人民路45号", year_built=1986)
        owner = entrance.dwellings.get(number="601").voter
        with clock.fixed(at(start, 10)):
            application = actions.do_file_application(entrance, filed_on=start, representatives=[owner],
                                                      implementing_body="棉纺厂宿舍2栋业主代表", actor=None)
        application = self.advance(application, at(date(2025, 9, 8), 10))
        with clock.fixed(at(date(2025, 10, 10), 16)):
            self.vote(application, date(2025, 10, 10), {"101": Choice.DISAGREE})
        application = self.advance(application, at(date(2025, 10, 13), 10))
        with clock.fixed(at(date(2025, 10, 20), 10)):
            actions.do_set_costs(application, estimated_cost="495000", actor=None)
        application = self.advance(application, at(date(2025, 10, 27), 10))
        application = self.advance(application, at(date(2025, 11, 17), 10))
        with clock.fixed(at(date(2025, 11, 17), 11)):
            actions.do_publish_notice(application, days=10, actor=None, text="棉纺厂宿舍2栋1单元拟加装电梯，公示期10日。")
        application = self.advance(application, at(date(2025, 12, 1), 10))
        with clock.fixed(at(date(2025, 12, 9), 15)):
            return actions.do_reject_application(application, actor=None, reason=REJECT_REASONS[Stage.STREET_REVIEW] +
                                                 "依据《九江市既有住宅加装电梯实施办法》第十二条，不予通过；调整井道位置后可重新申请。")

