"""An entrance's lift from filing to service through the actions: the rule set of the filing
date, votes that move the running sums, the shaft owner who can block, the stages in order with
the government's limits on the working-day clock, the 公示 period, objections and mediation,
the cost shares, the 办不成事 link — and what each refuses."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.catalogue import kind
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.elevators import actions, consent
from minsheng.elevators.models import (
    Application,
    ApplicationEvent,
    Choice,
    EventKind,
    MediationLevel,
    ObjectionState,
    Owner,
    StageRecord,
    Vote,
)
from minsheng.elevators.stages import PIPELINE, RULES, Stage, next_stage
from minsheng.org import workdays
from minsheng.testing import make_entrance, make_rule_set, make_street_office, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def worker(people):
    return make_street_office(people)


@pytest.fixture
def entrance(people):
    make_rule_set(people.city)
    return make_entrance(people)


@pytest.fixture
def application(entrance, worker):
    owners = list(Owner.objects.filter(dwellings__entrance=entrance).order_by("dwellings__floor")[12:14])
    return actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=owners,
                                       implementing_body="长运宿舍7栋业主委员会", actor=worker)


def vote_all(application, worker, choices: dict[int, str] | None = None, *, default=Choice.AGREE):
    """Every dwelling votes `default`, except the floors named in `choices` (floor -> choice)."""
    for dwelling in application.entrance.dwellings.order_by("floor", "number"):
        choice = (choices or {}).get(dwelling.floor, default)
        if choice is None:
            continue
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area, choice=choice,
                               cast_on=date(2026, 3, 2), actor=worker)
    return Application.objects.get(pk=application.pk)


def advance(application, actor, times: int = 1):
    for _ in range(times):
        application = actions.do_advance_stage(application, actor=actor)
    return application


def test_every_stage_has_its_row_and_the_pipeline_runs_in_order():
    assert {rule.stage for rule in PIPELINE} | {Stage.WITHDRAWN, Stage.REJECTED} == set(Stage.values)
    assert next_stage(Stage.JOINT_REVIEW, needs_permit=False) == Stage.CONSTRUCTION
    assert next_stage(Stage.JOINT_REVIEW, needs_permit=True) == Stage.PERMIT
    assert next_stage(Stage.IN_SERVICE, needs_permit=True) is None
    assert all(RULES[stage].default_days for stage in (Stage.STREET_REVIEW, Stage.JOINT_REVIEW, Stage.REGISTRATION))


def test_filing_takes_the_rule_set_in_force_on_the_filing_date(people, entrance, worker):
    newer = make_rule_set(people.city, effective_from=date(2026, 3, 1), name="新办法", publicity_days=15)
    owner = entrance.dwellings.first().voter
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[owner], actor=worker)
    assert application.rule_set != newer and application.rule_set.publicity_days == 10
    assert application.number == "湖口-加梯-2026-0001"
    assert application.households == 14 and application.total_heads == 14
    assert application.total_area == Decimal("63.52") * 7 + Decimal("78.10") * 7
    assert application.stage == Stage.FEASIBILITY
    event = ApplicationEvent.objects.get(application=application)
    assert event.kind == EventKind.FILED and event.actor == worker and event.is_public


def test_filing_refuses_a_representative_from_elsewhere_and_a_second_live_application(people, entrance, worker):
    stranger = Owner.objects.create(name="路人甲")
    with pytest.raises(ActionError, match="路人甲不是本单元的业主") as refused:
        actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[stranger], actor=worker)
    assert refused.value.field == "representatives" and not Application.objects.exists()
    owner = entrance.dwellings.first().voter
    actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[owner], actor=worker)
    with pytest.raises(ActionError, match="已有正在办理或已建成"):
        actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[owner], actor=worker)
    assert Application.objects.count() == 1


def test_votes_move_the_running_sums_exactly_as_the_tally_counts_them(application, worker):
    application = advance(application, worker)  # feasibility -> consultation
    application = vote_all(application, worker, {1: Choice.DISAGREE, 2: Choice.ABSTAIN, 3: None})
    votes = [consent.Vote(owner=d.voter_id, dwelling=d.pk, area=d.area,
                          vote=Vote.objects.filter(dwelling=d).values_list("choice", flat=True).first())
             for d in application.entrance.dwellings.all()]
    assert application.sums == consent.Sums.from_votes(votes)
    tally = application.tally
    assert tally.participation_heads == Fraction(12, 14) and tally.agreement_heads == Fraction(8, 12)
    assert not tally.passes  # 8 of 12 taking part agree: under 3/4
    assert "还差1户" in tally.missing_words()


def test_an_owner_of_two_dwellings_is_one_head(people, entrance, worker):
    first, second = entrance.dwellings.order_by("floor", "number")[:2]
    twice = first.voter
    second.voter = twice
    second.save()
    second.owners.set([twice])
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[twice], actor=worker)
    assert application.total_heads == 13
    application = advance(application, worker)
    actions.do_record_vote(application, dwelling=first, voter=twice, area=first.area, choice=Choice.AGREE,
                           cast_on=date(2026, 3, 2), actor=worker)
    application = Application.objects.get(pk=application.pk)
    assert (application.participating_heads, application.agreeing_heads) == (1, 1)
    # His second dwelling disagrees: still one head, now not agreeing (consent.py's rule).
    actions.do_record_vote(application, dwelling=second, voter=twice, area=second.area, choice=Choice.DISAGREE,
                           cast_on=date(2026, 3, 2), actor=worker)
    application = Application.objects.get(pk=application.pk)
    assert (application.participating_heads, application.agreeing_heads) == (1, 0)
    assert application.participating_area == first.area + second.area and application.agreeing_area == first.area


def test_co_owners_vote_once_through_the_registered_voter(application, worker):
    application = advance(application, worker)
    dwelling = application.entrance.dwellings.order_by("floor")[4]
    spouse = Owner.objects.create(name="配偶")
    dwelling.owners.add(spouse)
    actions.do_record_vote(application, dwelling=dwelling, voter=spouse, area=dwelling.area, choice=Choice.AGREE,
                           cast_on=date(2026, 3, 2), actor=worker)
    vote = Vote.objects.get(dwelling=dwelling)
    assert vote.voter == dwelling.voter  # the dwelling's one head
    with pytest.raises(ActionError, match="同一户只能表决一次") as second:
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                               choice=Choice.DISAGREE, cast_on=date(2026, 3, 2), actor=worker)
    assert second.value.field == "dwelling"
    assert Application.objects.get(pk=application.pk).participating_heads == 1


@pytest.mark.parametrize("bad, field, message", [
    ("stranger", "voter", "不是101室的产权人"),
    ("area", "area", "与产权登记不符：101室登记为"),
    ("choice", "choice", "请选择同意、不同意或弃权"),
    ("future", "cast_on", "表决日期应在申请日期和今天之间"),
    ("outside", "dwelling", "不在本申请的范围"),
])
def test_a_bad_vote_is_refused_naming_the_field_and_nothing_moves(people, application, worker, bad, field, message):
    application = advance(application, worker)
    dwelling = application.entrance.dwellings.get(number="101")
    kwargs = {"dwelling": dwelling, "voter": dwelling.voter, "area": dwelling.area, "choice": Choice.AGREE,
              "cast_on": date(2026, 3, 2)}
    if bad == "stranger":
        kwargs["voter"] = Owner.objects.create(name="外人")
    elif bad == "area":
        kwargs["area"] = dwelling.area + 1
    elif bad == "choice":
        kwargs["choice"] = "maybe"
    elif bad == "future":
        kwargs["cast_on"] = date(2026, 3, 3)
    elif bad == "outside":
        kwargs["dwelling"] = make_entrance(people, building="8栋").dwellings.first()
        kwargs["voter"] = kwargs["dwelling"].voter
    with pytest.raises(ActionError, match=message) as refused:
        actions.do_record_vote(application, **kwargs, actor=worker)
    assert refused.value.field == field
    application.refresh_from_db()
    assert not Vote.objects.exists() and application.participating_area == 0


def test_votes_only_in_the_consultation_and_only_by_the_street(people, application, worker):
    dwelling = application.entrance.dwellings.first()
    with pytest.raises(ActionError, match="只有在征求意见和表决环节"):
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                               choice=Choice.AGREE, cast_on=date(2026, 3, 2), actor=worker)
    application = advance(application, worker)
    for outsider in (people.xu, people.wu, people.nobody):
        with pytest.raises(NotAllowed):
            actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                                   choice=Choice.AGREE, cast_on=date(2026, 3, 2), actor=outsider)


def test_the_consultation_ends_only_when_the_vote_passes_and_the_shaft_owner_agrees(application, worker):
    application = advance(application, worker)
    ground = application.entrance.dwellings.get(number="101")
    actions.do_mark_shaft_dwelling(application, dwelling=ground, actor=worker)
    application = vote_all(application, worker, {1: Choice.DISAGREE})  # 12 of 14 agree: the ratios pass
    assert application.tally.passes and application.blocking_owners == 1  # 101 disagrees; 102 is not on the shaft
    with pytest.raises(ActionError, match="被井道或连廊占用而未同意"):
        actions.do_advance_stage(application, actor=worker)
    assert Application.objects.get(pk=application.pk).stage == Stage.CONSULTATION


def test_a_vote_short_of_the_threshold_says_what_is_missing(application, worker):
    application = advance(application, worker)
    application = vote_all(application, worker, {1: Choice.DISAGREE, 2: Choice.DISAGREE})
    with pytest.raises(ActionError, match="表决未达到规定比例：还差") as refused:
        actions.do_advance_stage(application, actor=worker)
    assert refused.value.field == "stage"


def _through_consultation(application, worker):
    application = advance(application, worker)
    return advance(vote_all(application, worker), worker)  # -> agreement


def test_costs_are_shared_to_the_fen_after_the_subsidy(application, worker):
    application = _through_consultation(application, worker)
    application = actions.do_set_costs(application, estimated_cost="600000", actor=worker)
    assert application.subsidy == Decimal("200000.00")  # the rule set's fixed amount
    split = actions.shares(application)
    assert sum(split.values()) == Decimal("400000.00")
    ground = application.entrance.dwellings.filter(floor=1)
    assert all(split[d.pk] == 0 for d in ground)  # ground floor pays nothing by the coefficients


@pytest.mark.parametrize("kwargs, field, message", [
    ({"estimated_cost": "100000", "subsidy": "150000"}, "subsidy", "政府补贴不能大于工程总造价"),
    ({"estimated_cost": "600000", "method": "percent", "table": {str(floor): 5 for floor in range(1, 8)}}, "cost_table",
     "合计应为100%，现为70%"),
    ({"estimated_cost": "600000", "method": "coefficient", "table": {"1": 0, "2": 0.5}}, "cost_table", "缺少第3层"),
    ({"estimated_cost": "abc"}, "estimated_cost", "工程总造价应为金额数字"),
    ({"estimated_cost": "NaN"}, "estimated_cost", "工程总造价应在0至"),
    ({"estimated_cost": "600000.001"}, "estimated_cost", "最多精确到分"),
])
def test_bad_costs_are_refused_and_nothing_is_saved(application, worker, kwargs, field, message):
    with pytest.raises(ActionError, match=message) as refused:
        actions.do_set_costs(application, **kwargs, actor=worker)
    assert refused.value.field == field
    application.refresh_from_db()
    assert application.estimated_cost is None and application.subsidy is None


def test_the_publicity_period_cannot_be_shorter_than_the_rule_sets_and_must_run_out(application, worker, _clock):
    application = _through_consultation(application, worker)
    application = actions.do_set_costs(application, estimated_cost="600000", actor=worker)
    application = advance(application, worker, 2)  # agreement -> design -> publicity
    assert application.stage == Stage.PUBLICITY
    with pytest.raises(ActionError, match="公示期不能少于10日") as short:
        actions.do_publish_notice(application, text="拟加装电梯公示", days=5, actor=worker)
    assert short.value.field == "days"
    actions.do_publish_notice(application, text="长运宿舍7栋1单元拟加装电梯，公示期10日。", days=10, actor=worker)
    with pytest.raises(ActionError, match="公示期至2026年3月12日"):
        actions.do_advance_stage(application, actor=worker)
    # An objection during the publicity goes to mediation; until it ends the stage cannot.
    objection = actions.do_file_objection(application, reason="井道挡住一楼采光", filed_on=date(2026, 3, 2),
                                          dwelling=application.entrance.dwellings.get(number="101"), actor=worker)
    assert objection.during_publicity
    _clock.move_to(datetime(2026, 3, 13, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ActionError, match="1件异议尚在调解"):
        actions.do_advance_stage(application, actor=worker)
    actions.do_record_mediation(objection, held_on=date(2026, 3, 10), level=MediationLevel.COMMUNITY, mediator="社区调解员王芳",
                                summary="协商一致：补偿一楼业主采光损失8000元。", agreed=True, compensation="8000", actor=worker)
    objection.refresh_from_db()
    assert objection.state == ObjectionState.RESOLVED and objection.compensation == Decimal("8000.00")
    application = actions.do_advance_stage(application, actor=worker)
    assert application.stage == Stage.STREET_REVIEW
    # The street's review is on the clock: 10 working days from today.
    assert application.due_at == workdays.due_at(datetime(2026, 3, 13, 9, 0, tzinfo=SHANGHAI), 10)


def _to_street_review(application, worker, clock):
    application = _through_consultation(application, worker)
    application = actions.do_set_costs(application, estimated_cost="600000", actor=worker)
    application = advance(application, worker, 2)
    actions.do_publish_notice(application, text="公示", days=10, actor=worker)
    clock.move_to(datetime(2026, 3, 13, 9, 0, tzinfo=SHANGHAI))
    return advance(application, worker)


def test_each_bureau_acts_on_its_own_stage_only_and_the_time_taken_is_recorded(people, application, worker, _clock):
    application = _to_street_review(application, worker, _clock)
    with pytest.raises(NotAllowed):
        actions.do_advance_stage(application, actor=people.huang)  # the street reviews, not the bureau
    application = advance(application, worker)
    assert application.stage == Stage.JOINT_REVIEW
    record = StageRecord.objects.get(application=application, stage=Stage.JOINT_REVIEW)
    assert record.department == people.hukou_housing and record.limit_days == 15
    with pytest.raises(NotAllowed):
        actions.do_advance_stage(application, actor=worker)  # the street does not approve for 住建局
    with pytest.raises(NotAllowed):
        actions.do_advance_stage(application, actor=people.xu)  # another county's bureau
    _clock.move_to(datetime(2026, 4, 20, 9, 0, tzinfo=SHANGHAI))  # late
    application = actions.do_advance_stage(application, actor=people.huang, note="联合审查通过")
    assert application.stage == Stage.CONSTRUCTION  # 600,000 is under the permit threshold
    record.refresh_from_db()
    assert record.was_late and record.working_days == workdays.working_days_between(date(2026, 3, 13), date(2026, 4, 20))
    event = ApplicationEvent.objects.filter(application=application, kind=EventKind.STAGE).last()
    assert "超期" in event.note and event.old_stage == Stage.JOINT_REVIEW and event.stage == Stage.CONSTRUCTION


def test_two_clerks_pressing_at_once_move_the_stage_once(application, worker):
    application = actions.do_advance_stage(application, actor=worker, expected_stage=Stage.FEASIBILITY)
    with pytest.raises(ActionError, match="已进入“征求意见和表决”环节"):
        actions.do_advance_stage(application, actor=worker, expected_stage=Stage.FEASIBILITY)


def test_a_stuck_matter_case_links_to_the_application_and_records_its_stage(people, application, worker, _clock):
    application = _to_street_review(application, worker, _clock)
    application = advance(application, worker)  # joint review, at 县住建局
    case, _code = register(people, kind=kind("stuck-matter"), actor=people.chen, applied_for="既有住宅加装电梯审批", visits=3,
                    applied_where="湖口县住建局")
    link = actions.do_link_case(application, case, actor=people.chen)
    assert link.stage == Stage.JOINT_REVIEW
    summary = actions.stage_summary(application)
    assert summary["stage"] == "联合审查" and summary["department"] == "湖口县住建局"
    assert application.case_links.get().case == case and case.elevator_links.get().application == application


def test_a_reviewer_rejects_with_reasons_and_the_entrance_may_apply_again(people, application, worker, _clock):
    application = _to_street_review(application, worker, _clock)
    with pytest.raises(ActionError, match="请填写不予通过的理由") as empty:
        actions.do_reject_application(application, reason=" ", actor=worker)
    assert empty.value.field == "reason"
    application = actions.do_reject_application(application, reason="井道占用消防通道", actor=worker)
    assert application.stage == Stage.REJECTED and application.due_at is None
    owner = application.entrance.dwellings.first().voter
    again = actions.do_file_application(application.entrance, filed_on=date(2026, 3, 13), representatives=[owner], actor=worker)
    assert again.number == "湖口-加梯-2026-0002"


def test_the_whole_way_to_service(people, application, worker, _clock):
    application = _to_street_review(application, worker, _clock)
    application = advance(application, worker)  # street review done -> joint review
    for actor in (people.huang, worker, worker):  # joint review, construction, acceptance
        application = actions.do_advance_stage(application, actor=actor)
    assert application.stage == Stage.REGISTRATION
    with pytest.raises(NotAllowed):
        actions.do_advance_stage(application, actor=people.huang)  # 市场监管局 registers lifts
    application = actions.do_advance_stage(application, actor=people.sun)  # a supervisor may act for anyone
    application = actions.do_advance_stage(application, actor=people.huang)  # subsidy paid
    assert application.stage == Stage.IN_SERVICE and application.entered_service_on == date(2026, 3, 13)
    assert application.due_at is None and application.next_check_at is None
    with pytest.raises(ActionError, match="已是最后一个环节|已投入使用"):
        actions.do_advance_stage(application, actor=people.sun)
    stages = list(StageRecord.objects.filter(application=application).values_list("stage", flat=True))
    assert stages == [Stage.FEASIBILITY, Stage.CONSULTATION, Stage.AGREEMENT, Stage.DESIGN, Stage.PUBLICITY,
                      Stage.STREET_REVIEW, Stage.JOINT_REVIEW, Stage.CONSTRUCTION, Stage.ACCEPTANCE,
                      Stage.REGISTRATION, Stage.SUBSIDY, Stage.IN_SERVICE]
    assert timedelta(0) <= application.stage_started_at - MONDAY


def test_the_funnel_counts_milestones_reached_and_the_stage_of_the_day(people, application, worker, _clock):
    from minsheng.elevators.queries import funnel, stage_days
    from minsheng.elevators.models import Target

    Target.objects.create(region=people.city, year=2026, completed=305)
    application = _to_street_review(application, worker, _clock)  # filed 2026-02-27
    application = advance(application, worker)  # -> joint review
    _clock.move_to(datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI))
    application = actions.do_advance_stage(application, actor=people.huang)  # approved, under construction
    _clock.move_to(datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI))
    application = actions.do_advance_stage(application, actor=worker)  # completed (acceptance)
    before = funnel(date(2026, 3, 19))
    assert (before.figures["accepted"], before.figures["approved"], before.figures["under_construction"]) == (1, 0, 0)
    during = funnel(date(2026, 4, 1))
    assert (during.figures["approved"], during.figures["under_construction"], during.figures["completed"]) == (1, 1, 0)
    after = funnel(date(2026, 5, 20))
    assert (after.figures["approved"], after.figures["under_construction"], after.figures["completed"]) == (1, 0, 1)
    assert after.figures["households"] == 14 and after.target == 305
    assert [row["name"] for row in after.rows] == ["湖口县"] and after.rows[0]["completed"] == 1
    assert funnel(date(2026, 2, 26)).figures["accepted"] == 0  # filed the next day
    # The milestones agree with the stage records they come from.
    records = {r.stage: r.started_at for r in StageRecord.objects.filter(application=application)}
    assert application.approved_at == records[Stage.CONSTRUCTION] == application.construction_started_at
    assert application.completed_at == records[Stage.ACCEPTANCE]
    joint = next(row for row in stage_days() if row["stage"] == Stage.JOINT_REVIEW)
    assert joint["finished"] == 1 and joint["average"] == workdays.working_days_between(date(2026, 3, 13), date(2026, 3, 20))


def test_an_import_or_command_files_without_an_actor(entrance):
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27),
                                              representatives=[entrance.dwellings.first().voter], actor=None)
    assert ApplicationEvent.objects.get(application=application).actor is None
