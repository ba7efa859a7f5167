"""The county ledgers' applications imported in bulk (台账导入): the funnel counts them like the
rest, their milestones, clock and stage records are what the stage actions would have written,
and one bad row refuses the whole ledger, naming the row and the field."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.elevators import actions
from minsheng.elevators.actions import LedgerDwelling, LedgerRow
from minsheng.elevators.models import (
    Application,
    ApplicationCounter,
    ApplicationEvent,
    Building,
    Choice,
    Dwelling,
    Estate,
    EventKind,
    Owner,
    StageRecord,
)
from minsheng.elevators.queries import funnel
from minsheng.elevators.stages import Stage
from minsheng.testing import make_entrance, make_rule_set, make_street_office

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
AREAS = [Decimal("63.52"), Decimal("78.10")]


def at(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def rule_set(people):
    return make_rule_set(people.city)


def dwellings(*, votes: bool, owners: bool = False, floors: int = 7) -> list[LedgerDwelling]:
    """An entrance of `floors` floors, two dwellings a floor, as make_entrance builds it."""
    return [
        LedgerDwelling(number=str(floor * 100 + position), floor=floor, area=AREAS[(floor * 100 + position) % 2],
                       residents_over_60=1 if floor >= 5 and position == 1 else 0,
                       owner=f"业主{floor * 100 + position}" if owners else "",
                       vote=Choice.AGREE if votes else None)
        for floor in range(1, floors + 1) for position in (1, 2)
    ]


PATH = [Stage.FEASIBILITY, Stage.CONSULTATION, Stage.AGREEMENT, Stage.DESIGN, Stage.PUBLICITY, Stage.STREET_REVIEW,
        Stage.JOINT_REVIEW, Stage.PERMIT, Stage.CONSTRUCTION, Stage.ACCEPTANCE, Stage.REGISTRATION, Stage.SUBSIDY,
        Stage.IN_SERVICE]


def row(people, building: str, filed_on: date, moments: list[datetime], *, cost="580000", permit=False, estate="台账小区",
        renovation="", region=None, street=None, **fields) -> LedgerRow:
    """A ledger row entering the pipeline's stages at `moments`, in order (the permit only if `permit`)."""
    stages = [stage for stage in PATH if permit or stage != Stage.PERMIT]
    entered = dict(zip(stages, moments, strict=False))
    past_consultation = len(moments) > 2
    return LedgerRow(
        region=region or people.hukou, street=street if street is not None else people.shuangzhong, estate=estate,
        building=building, entrance="1单元", floors=7, dwellings=dwellings(votes=past_consultation),
        filed_on=filed_on, entered=entered, community="石钟山社区", year_built=1994, renovation_batch=renovation,
        implementing_body=f"{estate}{building}业主代表小组" if past_consultation else "",
        estimated_cost=cost if len(moments) > 3 else None, **fields,
    )


def snapshot(application: Application) -> dict:
    application.refresh_from_db()
    fields = ["stage", "stage_started_at", "due_at", "due_provisional", "rung", "next_check_at", "publicity_ends_on",
              "approved_at", "construction_started_at", "completed_at", "in_service_at", "closed_at", "entered_service_on",
              "with_renovation", "households", "residents_over_60", "total_area", "total_heads", "participating_area",
              "participating_heads", "agreeing_area", "agreeing_heads", "blocking_owners", "estimated_cost", "subsidy",
              "cost_method", "rule_set_id", "region_id", "street_id", "filed_on"]
    records = list(StageRecord.objects.filter(application=application).order_by("started_at", "id").values_list(
        "stage", "department_id", "started_at", "due_at", "limit_days", "ended_at", "working_days", "was_late"))
    return {name: getattr(application, name) for name in fields} | {"records": records}


# The moments an entrance went through the stages (a Monday-to-Friday office's times; the joint
# review runs late over the 端午 holiday; the permit is not needed below 1,000,000 yuan).
MOMENTS = [at(2025, 3, 3), at(2025, 3, 10, 10), at(2025, 4, 7, 10), at(2025, 4, 21, 10), at(2025, 5, 12, 10),
           at(2025, 5, 26, 9, 30), at(2025, 6, 5, 15), at(2025, 7, 10, 10), at(2025, 9, 15, 10), at(2025, 9, 25, 10),
           at(2025, 10, 20, 10), at(2025, 11, 5, 10)]


def through_the_actions(people, _clock, stop: int, *, reject: datetime | None = None) -> Application:
    """The same entrance's application walked through the real actions, entering stage k at MOMENTS[k]."""
    worker = make_street_office(people)
    entrance = make_entrance(people, building=f"{stop}号楼")
    for dwelling in entrance.dwellings.all():
        dwelling.residents_over_60 = 1 if dwelling.floor >= 5 and dwelling.number.endswith("1") else 0
        dwelling.save()
    _clock.move_to(MOMENTS[0])
    owner = entrance.dwellings.order_by("floor", "number").last().voter
    application = actions.do_file_application(entrance, filed_on=date(2025, 2, 28), representatives=[owner],
                                              implementing_body=f"台账小区{stop}号楼业主代表小组", actor=worker)
    actors = {Stage.JOINT_REVIEW: people.huang, Stage.REGISTRATION: people.sun, Stage.SUBSIDY: people.huang}
    for position, moment in enumerate(MOMENTS[1:stop + 1], start=1):
        _clock.move_to(moment)
        current = application.stage
        if current == Stage.CONSULTATION:
            for dwelling in entrance.dwellings.all():
                actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                                       choice=Choice.AGREE, cast_on=moment.date(), actor=worker)
        if current == Stage.AGREEMENT:
            actions.do_set_costs(application, estimated_cost="580000", actor=worker)
        application = actions.do_advance_stage(application, actor=actors.get(current, worker))
        if application.stage == Stage.PUBLICITY:
            actions.do_publish_notice(application, text="拟加装电梯公示", days=10, actor=worker)
        assert position
    if reject is not None:
        _clock.move_to(reject)
        application = actions.do_reject_application(application, reason="井道占用消防通道", actor=actors.get(application.stage, worker))
    return application


@pytest.mark.parametrize("stop", [11, 6, 3])
def test_the_milestones_clock_and_stage_records_are_what_the_stage_actions_set(people, rule_set, _clock, stop):
    walked = snapshot(through_the_actions(people, _clock, stop))
    _clock.move_to(NOW)
    [imported] = actions.do_import_history([row(people, f"{stop}号楼", date(2025, 2, 28), MOMENTS[:stop + 1])], actor=None)
    mine = snapshot(imported)
    assert mine == walked
    assert mine["stage"] == [Stage.IN_SERVICE, Stage.JOINT_REVIEW, Stage.DESIGN][[11, 6, 3].index(stop)]


def test_a_rejection_ends_the_last_stage_as_the_action_does(people, rule_set, _clock):
    walked = snapshot(through_the_actions(people, _clock, 5, reject=at(2025, 6, 4, 16)))
    _clock.move_to(NOW)
    [imported] = actions.do_import_history([row(people, "5号楼", date(2025, 2, 28), MOMENTS[:6], closed=Stage.REJECTED,
                                                closed_at=at(2025, 6, 4, 16), reason="井道占用消防通道")], actor=None)
    assert snapshot(imported) == walked
    assert walked["stage"] == Stage.REJECTED and walked["records"][-1][6] is not None


def test_the_funnel_counts_imported_applications_as_of_any_day(people, rule_set):
    from minsheng.elevators.models import Target

    Target.objects.create(region=people.city, year=2021, completed=305)
    months = lambda *days: [at(2021, m, d) for m, d in days]  # noqa: E731
    long_way = [(1, 4), (1, 18), (2, 22), (3, 8), (3, 22), (4, 6), (4, 16)]
    rows = [
        # In service in September: completed (and in service) on 30 October.
        row(people, "1栋", date(2021, 1, 4), months(*long_way, (5, 10), (8, 2), (8, 16), (9, 1), (9, 20))),
        # Under construction on 30 October, in an estate of the renovation batch.
        row(people, "2栋", date(2021, 1, 4), months(*long_way, (5, 10)), estate="化纤厂宿舍", renovation="2021年第一批"),
        # Approved, waiting for its permit (1,200,000 yuan): approved, not started.
        row(people, "3栋", date(2021, 1, 4), months(*long_way, (10, 25)), cost="1200000", permit=True),
        # Withdrawn during the consultation.
        row(people, "4栋", date(2021, 1, 4), months((1, 4), (1, 18)), closed=Stage.WITHDRAWN, closed_at=at(2021, 3, 1)),
        # Still at the joint review on 30 October, approved in November.
        row(people, "5栋", date(2021, 8, 2), months((8, 2), (8, 9), (9, 6), (9, 13), (9, 27), (10, 12), (10, 22), (11, 8))),
        # Filed in November: not counted on 30 October.
        row(people, "6栋", date(2021, 11, 1), months((11, 1))),
    ]
    imported = actions.do_import_history(rows, actor=people.hukou_admin)
    assert [a.number for a in imported] == [f"湖口-加梯-2021-{n:04d}" for n in range(1, 7)]
    figures = funnel(date(2021, 10, 30)).figures
    assert {key: figures[key] for key in ("accepted", "approved", "under_construction", "completed", "approved_not_started",
                                          "with_renovation", "in_service")} == {
        "accepted": 5, "approved": 3, "under_construction": 1, "completed": 1, "approved_not_started": 1,
        "with_renovation": 1, "in_service": 1}
    assert figures["households"] == 14 and figures["residents_over_60"] == 3
    assert funnel(date(2021, 10, 30)).target == 305
    later = funnel(date(2021, 11, 30)).figures
    assert (later["accepted"], later["approved"], later["under_construction"]) == (6, 4, 2)
    # The county's table by street.
    county = funnel(date(2021, 10, 30), people.hukou)
    assert [(r["name"], r["accepted"]) for r in county.rows] == [("双钟镇", 5)]


def test_one_public_event_per_application_and_the_register_rows_it_stands_on(people, rule_set):
    rows = [row(people, "1栋", date(2026, 1, 5), [at(2026, 1, 5), at(2026, 1, 12)]),
            row(people, "2栋", date(2026, 1, 5), [at(2026, 1, 5)], estate="烟草公司宿舍")]
    rows[1].dwellings = dwellings(votes=False, owners=True)
    first, second = actions.do_import_history(rows, actor=None)
    assert Estate.objects.count() == 2 and Building.objects.count() == 2
    assert Dwelling.objects.count() == 28 and first.households == 14 and first.total_area == sum(AREAS) * 7
    assert first.residents_over_60 == 3 and first.total_heads == 14 and first.participating_heads == 0
    events = ApplicationEvent.objects.filter(application__in=[first, second])
    assert events.count() == 2 and all(e.is_public and e.kind == EventKind.FILED for e in events)
    event = events.get(application=first)
    assert event.note == "由台账导入：2026年1月5日申请，共14户；现处于“征求意见和表决”环节。"
    assert event.data["entered"]["consultation"] == at(2026, 1, 12).isoformat()
    # The dwellings listed with their owners can vote on the platform from now on.
    assert Owner.objects.count() == 14
    top = second.entrance.dwellings.get(number="701")
    assert top.voter.name == "业主701" and list(top.owners.all()) == [top.voter]
    # The county's numbering goes on after the import.
    assert ApplicationCounter.objects.get(region=people.hukou, year=2026).last == 2
    worker = make_street_office(people)
    entrance = make_entrance(people, building="9栋")
    third = actions.do_file_application(entrance, filed_on=date(2026, 3, 2), representatives=[entrance.dwellings.first().voter],
                                        actor=worker)
    assert third.number == "湖口-加梯-2026-0003"


@pytest.mark.parametrize("change, field, message", [
    (lambda r: r.entered.update({Stage.DESIGN: at(2021, 2, 20)}), "rows[1].entered.design",
     "第2行（台账小区2栋1单元）：进入“设计”的日期（2021年2月20日）早于进入上一环节“签订协议、确定实施主体”的日期"),
    (lambda r: r.entered.update({Stage.WITHDRAWN: at(2021, 9, 1)}), "rows[1].entered.withdrawn",
     "“已撤回”不是加装电梯办理流程中的环节"),
    (lambda r: r.entered.update({"lift_party": at(2021, 9, 1)}), "rows[1].entered.lift_party", "“lift_party”不是"),
    (lambda r: r.entered.pop(Stage.STREET_REVIEW), "rows[1].entered.joint_review", "却没有进入“街道审查”的日期：环节不能跳过"),
    (lambda r: r.entered.update({Stage.PERMIT: at(2021, 5, 1)}), "rows[1].entered.permit", "不需办理施工许可"),
    (lambda r: r.entered.update({Stage.STREET_REVIEW: at(2021, 3, 29)}), "rows[1].entered.street_review",
     "公示期至2021年4月1日"),
    (lambda r: [setattr(d, "vote", Choice.DISAGREE) for d in r.dwellings[:4]],
     "rows[1].dwellings", "表决未达到规定比例"),
    (lambda r: r.entered.update({Stage.CONSTRUCTION: at(2026, 5, 1)}), "rows[1].entered.construction", "不能晚于今天"),
    (lambda r: setattr(r, "estimated_cost", None), "rows[1].estimated_cost", "请填写工程总造价"),
    (lambda r: setattr(r, "closed", Stage.REJECTED) or setattr(r, "closed_at", at(2021, 6, 1)), "rows[1].closed",
     "只有审查、审批环节可以作出不予通过的决定"),
    (lambda r: setattr(r.dwellings[3], "floor", 9), "rows[1].dwellings", "202室的楼层应在1至7层之间"),
])
def test_one_bad_row_refuses_the_whole_ledger_naming_the_row_and_the_field(people, rule_set, change, field, message):
    moments = [at(2021, m, d) for m, d in [(1, 4), (1, 18), (2, 22), (3, 8), (3, 22), (4, 6), (4, 16), (5, 10)]]
    rows = [row(people, f"{n}栋", date(2021, 1, 4), moments) for n in (1, 2, 3)]
    change(rows[1])
    with pytest.raises(ActionError, match=message) as refused:
        actions.do_import_history(rows, actor=None)
    assert refused.value.field == field
    assert not Application.objects.exists() and not Estate.objects.exists() and not Dwelling.objects.exists()
    assert not ApplicationCounter.objects.exists()


def test_a_second_application_for_a_live_entrance_is_refused(people, rule_set):
    actions.do_import_history([row(people, "1栋", date(2026, 1, 5), [at(2026, 1, 5)])], actor=None)
    with pytest.raises(ActionError, match="已有正在办理或已建成的加装电梯申请") as refused:
        actions.do_import_history([row(people, "2栋", date(2026, 1, 5), [at(2026, 1, 5)]),
                                   row(people, "1栋", date(2026, 1, 6), [at(2026, 1, 6)])], actor=None)
    assert refused.value.field == "rows[1].entrance"
    assert Application.objects.count() == 1


def test_only_administrators_supervisors_and_the_county_bureau_import_their_own_county(people, rule_set):
    ledger = [row(people, "1栋", date(2026, 1, 5), [at(2026, 1, 5)])]
    for outsider in (people.xu, people.chen, people.nobody):
        with pytest.raises(NotAllowed):
            actions.do_import_history(ledger, actor=outsider)
    assert not Application.objects.exists()
    [application] = actions.do_import_history(ledger, actor=people.huang)
    assert application.events.get().actor == people.huang
