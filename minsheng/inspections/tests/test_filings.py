"""Filing a visit before entering (入企检查备案): two valid inspectors, notice for routine visits,
the yearly cap, quiet days with each statutory exception, joint visits merged, approval by
another pair of eyes issuing the code the firm checks, the result published on the clock."""

from datetime import date, datetime

import pytest
import time_machine

from minsheng.cases.models import Notification
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.inspections import actions, queries
from minsheng.inspections.models import (
    EventKind,
    Filing,
    FilingKind,
    FilingRating,
    FilingState,
    InspectionEvent,
    QuietException,
    ResultCode,
)
from minsheng.inspections.tests.conftest import FRIDAY, NOT_QUIET, QUIET_DAY, SHANGHAI, TUESDAY, file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def test_a_routine_visit_filed_three_working_days_ahead_is_approved_with_a_code_the_firm_checks(town):
    filing = file(town)
    assert filing.state == FilingState.FILED and filing.number == "JC2026000001" and filing.check_code is None
    assert queries.filing_by_code(filing.number, "ANYTHING") is None  # not approved: no code works yet
    with pytest.raises(NotAllowed):
        actions.do_approve_filing(filing, actor=town["he"])  # a handler, and the filer
    filing = actions.do_approve_filing(filing, actor=town["head"])
    assert filing.state == FilingState.APPROVED and filing.approver == town["head"] and len(filing.check_code) == 8
    assert queries.filing_by_code(filing.number.lower(), filing.check_code.lower()) == filing
    assert queries.filing_by_code(filing.number, "22222222") is None
    sms = Notification.objects.get(channel="sms", recipient_address="13807920001")
    assert filing.number in sms.body and filing.check_code in sms.body and "12月4日" in sms.body
    kinds = list(InspectionEvent.objects.filter(filing=filing).values_list("kind", flat=True))
    assert kinds == [EventKind.FILED, EventKind.APPROVED]


def test_routine_visits_need_the_notice_in_working_days(town, _clock):
    with pytest.raises(ActionError) as refused:
        file(town, planned_on=date(2026, 12, 3))
    assert refused.value.field == "planned_on" and "12月4日" in refused.value.message
    # A complaint is checked when it comes: no notice needed.
    filing = file(town, kind=FilingKind.COMPLAINT, planned_on=date(2026, 12, 1), trigger="12345工单JJ2026112900123")
    assert filing.kind == FilingKind.COMPLAINT
    # Over a weekend the notice counts working days: filed on Friday 12-04, the earliest is Wednesday 12-09.
    _clock.move_to(datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ActionError, match="12月9日"):
        file(town, planned_on=date(2026, 12, 8))
    assert file(town, planned_on=date(2026, 12, 9)).planned_on == date(2026, 12, 9)


@pytest.mark.parametrize("problem, fields, field", [
    ("one inspector", {"inspectors": "one"}, "inspectors"),
    ("a certificate lapsing before the day", {"inspectors": "expiring"}, "inspectors"),
    ("another department's inspector", {"inspectors": "doctor"}, "inspectors"),
    ("another department's item", {"items": "hygiene"}, "items"),
    ("no item", {"items": "none"}, "items"),
    ("an unknown kind", {"kind": "surprise"}, "kind"),
    ("no reason", {"trigger": " "}, "trigger"),
    ("a NUL in the reason", {"trigger": "计划\x00"}, "trigger"),
    ("a day in the past", {"planned_on": date(2026, 11, 30)}, "planned_on"),
    ("an impossible year", {"planned_on": date(9999, 1, 1)}, "planned_on"),
    ("a random visit without a draw", {"kind": FilingKind.RANDOM}, "draw"),
])
def test_bad_filings_are_refused_naming_the_field_and_nothing_is_saved(town, problem, fields, field):
    choices = {"one": town["inspectors"][:1], "expiring": [town["inspectors"][0], town["expiring"]],
               "doctor": [town["inspectors"][0], town["doctors"][0]], "hygiene": [town["hygiene"]], "none": []}
    fields = {name: choices.get(value, value) if isinstance(value, str) and name in ("inspectors", "items") else value
              for name, value in fields.items()}
    with pytest.raises(ActionError) as refused:
        file(town, **fields)
    assert refused.value.field == field, problem
    assert not Filing.objects.exists() and not InspectionEvent.objects.filter(kind=EventKind.FILED).exists()


def test_an_inspector_who_declared_a_conflict_cannot_visit_the_firm(town):
    actions.do_declare_conflict(town["inspectors"][1], town["bakery"], reason="配偶经营", actor=None)
    with pytest.raises(ActionError, match="回避") as refused:
        file(town)
    assert refused.value.field == "inspectors"


def test_quiet_days_keep_routine_visits_out_of_large_firms_but_not_the_bakery(town):
    assert file(town, planned_on=QUIET_DAY).planned_on == QUIET_DAY  # the bakery is not 规上
    with pytest.raises(ActionError, match="宁静生产日") as refused:
        file(town, town["plastics"], planned_on=QUIET_DAY)
    assert refused.value.field == "quiet_exception"
    assert file(town, town["plastics"], planned_on=NOT_QUIET).quiet_exception == ""


@pytest.mark.parametrize("exception", QuietException.values)
def test_each_statutory_exception_opens_a_quiet_day_and_is_recorded(town, exception):
    kind = FilingKind.COMPLAINT if exception == QuietException.COMPLAINT else FilingKind.SPECIAL
    with pytest.raises(ActionError) as refused:  # an exception with no word of explanation
        file(town, town["plastics"], kind=kind, planned_on=QUIET_DAY, quiet_exception=exception)
    assert refused.value.field == "quiet_exception_note"
    filing = file(town, town["plastics"], kind=kind, planned_on=QUIET_DAY, quiet_exception=exception,
                  quiet_exception_note="说明：依法必须当日检查")
    assert filing.quiet_exception == exception
    event = InspectionEvent.objects.get(filing=filing, kind=EventKind.FILED)
    assert event.data["quiet_exception"] == exception and "宁静生产日例外" in event.note


def test_the_yearly_cap_of_routine_visits_per_department(town):
    actions.do_set_rules(town["bakery"].region, routine_yearly_cap=1, actor=None)
    withdrawn = file(town)
    actions.do_withdraw_filing(withdrawn, reason="计划调整", actor=town["he"])
    first = file(town)  # a withdrawn filing does not count
    with pytest.raises(ActionError, match="上限") as refused:
        file(town, planned_on=date(2026, 12, 30))
    assert refused.value.field == "kind"
    # Other kinds are not capped; next year starts again.
    assert file(town, kind=FilingKind.COMPLAINT, trigger="投诉").kind == FilingKind.COMPLAINT
    assert file(town, planned_on=date(2027, 1, 6)).planned_on.year == 2027
    assert first.state == FilingState.FILED


def test_a_second_department_joins_the_visit_instead_of_coming_again(town):
    filing = file(town)
    with pytest.raises(ActionError, match="加入该次联合检查"):
        actions.do_file_inspection(town["health"], town["bakery"], kind=FilingKind.ROUTINE, items=[town["hygiene"]],
                                   inspectors=town["doctors"], planned_on=date(2026, 12, 7), trigger="卫生年度计划",
                                   actor=town["su"])
    with pytest.raises(ActionError) as refused:  # its own two inspectors, not the regulator's
        actions.do_join_filing(filing, town["health"], items=[town["hygiene"]],
                               inspectors=[town["doctors"][0], town["inspectors"][2]], actor=town["su"])
    assert refused.value.field == "inspectors"
    joined = actions.do_join_filing(filing, town["health"], items=[town["hygiene"]], inspectors=town["doctors"],
                                    actor=town["su"])
    assert set(joined.departments.all()) == {town["regulator"], town["health"]}
    assert joined.items.count() == 2 and joined.inspectors.count() == 4 and Filing.objects.count() == 1
    # Either department may now record and publish.
    approved = actions.do_approve_filing(joined, actor=town["head"])
    assert approved.state == FilingState.APPROVED


def test_the_result_is_published_within_twenty_working_days(town, _clock):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    with pytest.raises(ActionError) as refused:
        actions.do_record_inspection(filing, inspected_on=FRIDAY, result=ResultCode.NO_PROBLEM, findings="",
                                     actor=town["he"])  # a day still to come
    assert refused.value.field == "inspected_on"
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    with pytest.raises(ActionError) as refused:
        actions.do_record_inspection(filing, inspected_on=FRIDAY, result="fine", findings="", actor=town["he"])
    assert refused.value.field == "result"
    filing = actions.do_record_inspection(filing, inspected_on=FRIDAY, result=ResultCode.NO_PROBLEM, findings="",
                                          actor=town["he"])
    # 20 working days from Friday 12-04: the New Year's day off (2027-01-01) is skipped.
    assert filing.state == FilingState.INSPECTED and filing.publish_due == date(2027, 1, 4)
    _clock.move_to(datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI))
    assert list(actions.publication_overdue()) == [filing]
    assert filing.publication_late
    filing = actions.do_publish_result(filing, actor=town["he"])
    assert filing.state == FilingState.PUBLISHED and filing.published_on == date(2027, 1, 5)
    event = InspectionEvent.objects.get(filing=filing, kind=EventKind.PUBLISHED)
    assert event.is_public and event.data["late"] is True and list(actions.publication_overdue()) == []


def test_the_firm_rates_the_visit_once_and_the_department_never_sees_whose_rating_it_is(town, _clock):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    with pytest.raises(ActionError, match="检查完成后"):
        actions.do_rate_filing(filing, town["bakery"], score=5, disturbed=False, comment="")
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    actions.do_record_inspection(filing, inspected_on=FRIDAY, result=ResultCode.NO_PROBLEM, findings="", actor=town["he"])
    with pytest.raises(ActionError, match="没有找到"):  # another firm
        actions.do_rate_filing(filing, town["plastics"], score=1, disturbed=True, comment="")
    for score in (0, 6, "5", None, True):
        with pytest.raises(ActionError) as refused:
            actions.do_rate_filing(filing, town["bakery"], score=score, disturbed=False, comment="")
        assert refused.value.field == "score"
    actions.do_rate_filing(filing, town["bakery"], score=4, disturbed=False, comment="检查人员态度好，半小时完成")
    with pytest.raises(ActionError, match="已评价"):
        actions.do_rate_filing(filing, town["bakery"], score=1, disturbed=True, comment="")
    assert FilingRating.objects.get().score == 4
    event = InspectionEvent.objects.get(kind=EventKind.RATED_BY_FIRM)
    assert event.filing is None and event.entity is None and event.data == {} and "4" not in event.note


def test_only_the_departments_taking_part_record_and_publish(town, people, _clock):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    for outsider in (town["su"], people.huang, people.liu):
        with pytest.raises(NotAllowed):
            actions.do_record_inspection(filing, inspected_on=FRIDAY, result=ResultCode.NO_PROBLEM, findings="",
                                         actor=outsider)
    with pytest.raises(NotAllowed):
        actions.do_file_inspection(town["regulator"], town["bakery"], kind=FilingKind.COMPLAINT, items=[town["food"]],
                                   inspectors=town["inspectors"][:2], planned_on=FRIDAY, trigger="投诉", actor=town["su"])


def test_the_worker_reminds_before_the_publication_limit_and_escalates_after_it(town, people, _clock):
    from minsheng.core import sweeps

    assert ("入企检查结果公示", actions.sweep_publication) in sweeps.registered()
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    actions.do_record_inspection(filing, inspected_on=FRIDAY, result=ResultCode.NO_PROBLEM, findings="", actor=town["he"])
    assert actions.sweep_publication(10) == 0  # nothing due yet
    # Three working days before the limit (2027-01-04): 2026-12-29.
    _clock.move_to(datetime(2026, 12, 29, 7, 0, tzinfo=SHANGHAI))
    assert actions.sweep_publication(10) == 1 and actions.sweep_publication(10) == 0  # once
    warned = Notification.objects.filter(subject__startswith="公示提醒")
    assert {note.recipient_user for note in warned} == {town["he"], town["head"]}
    # The first working day after it: the head and the supervisors are told, once.
    _clock.move_to(datetime(2027, 1, 5, 7, 0, tzinfo=SHANGHAI))
    assert actions.sweep_publication(10) == 1 and actions.sweep_publication(10) == 0
    late = Notification.objects.filter(subject__startswith="逾期未公示")
    assert {note.recipient_user for note in late} == {town["head"], people.liu, people.sun}
    kinds = list(InspectionEvent.objects.filter(filing=filing).values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.PUBLICATION_DUE, EventKind.PUBLICATION_OVERDUE]


def test_a_result_published_in_time_is_never_chased(town, _clock):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    actions.do_record_inspection(filing, inspected_on=FRIDAY, result=ResultCode.NO_PROBLEM, findings="", actor=town["he"])
    actions.do_publish_result(filing, actor=town["he"])
    _clock.move_to(datetime(2027, 2, 1, 7, 0, tzinfo=SHANGHAI))
    assert actions.sweep_publication(10) == 0 and not Notification.objects.filter(subject__contains="公示").exists()


def test_a_visit_is_recorded_on_its_day_or_later_and_never_on_an_unfiled_quiet_day(town, _clock):
    filing = actions.do_approve_filing(file(town, town["plastics"], planned_on=NOT_QUIET), actor=town["head"])
    _clock.move_to(datetime(2027, 1, 6, 16, 0, tzinfo=SHANGHAI))
    for day, words in ((date(2026, 12, 24), "计划检查日期"), (date(2027, 1, 6), "宁静生产日")):
        with pytest.raises(ActionError, match=words) as refused:
            actions.do_record_inspection(filing, inspected_on=day, result=ResultCode.NO_PROBLEM, findings="", actor=town["he"])
        assert refused.value.field == "inspected_on"
    # Put off to the 29th (no quiet day): recorded.
    filing = actions.do_record_inspection(filing, inspected_on=date(2026, 12, 29), result=ResultCode.NO_PROBLEM, findings="",
                                          actor=town["he"])
    assert filing.inspected_on == date(2026, 12, 29)
