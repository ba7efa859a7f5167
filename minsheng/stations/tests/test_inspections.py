"""The city's standard for its stations as a checklist, inspection visits against it, and the
problems they find, each with a deadline the operator fixes it by (on time: 已整改; late:
逾期整改). Only the city's supervisors and administrators set the standard, and a standard an
inspection used keeps its items; a visit answers every item and names the problem of each
failed one."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.stations import actions, queries
from minsheng.stations.models import EventKind, Inspection, Problem, Standard, StandardItem, StationEvent
from minsheng.testing import make_station

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ITEMS = ["有醒目的驿站标识", "厕所干净无异味", "热水供应正常", "医药箱药品在有效期内"]
VISIT = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 2, 15, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def travel_to(clock, day: date) -> None:
    clock.move_to(datetime(day.year, day.month, day.day, 15, 0, tzinfo=SHANGHAI))


@pytest.fixture
def standard(people):
    return actions.do_define_standard(name="九江市城市驿站建设服务标准", items=ITEMS, issuer="市城管局", actor=people.sun)


@pytest.fixture
def station(people, keepers):
    return make_station(people, name="城市驿站·花果园", operator=keepers.xunyang_urban)


def all_pass() -> dict:
    return {position: True for position in range(1, len(ITEMS) + 1)}


# --- the standard -------------------------------------------------------------------------------


def test_a_city_supervisor_sets_the_standard_as_numbered_items(people):
    standard = actions.do_define_standard(name="九江市城市驿站建设服务标准", items=ITEMS, issuer="市城管局",
                                          actor=people.sun)
    assert standard.issuer == "市城管局" and standard.is_active
    assert list(standard.items.values_list("position", "text")) == list(enumerate(ITEMS, start=1))
    event = StationEvent.objects.get(kind=EventKind.STANDARD)
    assert event.actor == people.sun and event.station is None
    assert event.data == {"standard": standard.pk, "items": ITEMS}


def test_a_city_administrator_may_set_it_too(people):
    assert actions.do_define_standard(name="七个一", items=["一个标识"], actor=people.admin).items.count() == 1


@pytest.mark.parametrize("who", ["liu", "hukou_admin", "li", "song", "qian"])
def test_no_one_else_sets_the_standard(people, keepers, who):
    # 湖口县's supervisor and administrator are a county's, not the city's; the others are no overseers.
    actor = getattr(people, who, None) or getattr(keepers, who)
    with pytest.raises(NotAllowed):
        actions.do_define_standard(name="九江市城市驿站建设服务标准", items=ITEMS, actor=actor)
    assert not Standard.objects.exists() and not StationEvent.objects.exists()


@pytest.mark.parametrize("items, words", [
    (["厕所干净", "热水正常", "厕所干净"], "重复"),
    (["厕所干净", " 厕所干净 "], "重复"),
    ([], "至少"),
    (["厕所干净", ""], "第2项"),
])
def test_a_checklist_that_cannot_be_used_is_refused(people, items, words):
    with pytest.raises(ActionError) as refused:
        actions.do_define_standard(name="九江市城市驿站建设服务标准", items=items, actor=people.sun)
    assert refused.value.field == "items" and words in refused.value.message
    assert not Standard.objects.exists() and not StandardItem.objects.exists()


def test_an_unused_standard_may_be_redefined(people, standard):
    again = actions.do_define_standard(name=standard.name, items=["厕所干净", "热水正常"], issuer="市城管局（修订）",
                                       actor=people.sun)
    assert again.pk == standard.pk and Standard.objects.count() == 1
    assert list(again.items.values_list("position", "text")) == [(1, "厕所干净"), (2, "热水正常")]
    again.refresh_from_db()
    assert again.issuer == "市城管局（修订）"
    assert StationEvent.objects.filter(kind=EventKind.STANDARD).count() == 2


def test_a_standard_an_inspection_used_keeps_its_items(people, keepers, standard, station):
    actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass(), actor=keepers.qian)
    with pytest.raises(ActionError) as refused:
        actions.do_define_standard(name=standard.name, items=["厕所干净"], actor=people.sun)
    assert refused.value.field == "name" and "已用于巡查" in refused.value.message
    assert list(standard.items.values_list("text", flat=True)) == ITEMS
    assert StationEvent.objects.filter(kind=EventKind.STANDARD).count() == 1


# --- the visit ----------------------------------------------------------------------------------


def test_a_visit_with_every_item_passed(keepers, standard, station):
    inspection = actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass(),
                                              note="整体良好", actor=keepers.qian)
    inspection.refresh_from_db()
    assert inspection.results == {"1": True, "2": True, "3": True, "4": True} and inspection.passed == 4
    assert (inspection.station, inspection.inspector, inspection.visited_on) == (station, keepers.qian, VISIT)
    assert not Problem.objects.exists()
    event = StationEvent.objects.get(station=station, kind=EventKind.INSPECTED)
    assert event.data == {"inspection": inspection.pk, "failed": [], "problems": 0}
    assert "4/4项合格" in event.note


def test_a_visit_that_finds_problems_sets_each_a_deadline(keepers, standard, station):
    inspection = actions.do_record_inspection(
        station, standard=standard, visited_on=date(2026, 11, 30),
        results={"1": True, "2": True, "3": False, "4": False},
        problems=[
            {"item": 3, "description": "热水器不加热", "deadline": date(2026, 12, 10)},
            {"item": "4", "description": "两盒创可贴过期", "deadline": date(2026, 12, 5)},
            {"description": "门前台阶破损", "deadline": date(2026, 12, 31)},
        ],
        actor=keepers.qian,
    )
    assert inspection.passed == 2
    problems = list(Problem.objects.order_by("deadline"))
    assert [(p.item.position if p.item else None, p.description, p.deadline) for p in problems] == [
        (4, "两盒创可贴过期", date(2026, 12, 5)),
        (3, "热水器不加热", date(2026, 12, 10)),
        (None, "门前台阶破损", date(2026, 12, 31)),
    ]
    assert all(p.station == station and p.inspection == inspection and p.fixed_on is None for p in problems)
    assert [p.status(VISIT) for p in problems] == ["整改中"] * 3
    assert list(queries.open_problems([station])) == problems
    event = StationEvent.objects.get(station=station, kind=EventKind.INSPECTED)
    assert event.data["failed"] == ["3", "4"] and event.data["problems"] == 3


@pytest.mark.parametrize("results, field", [
    ({1: True, 3: True, 4: True}, "item_2"),
    ({1: True, 2: True, 3: True, 4: "合格"}, "item_4"),
    ({1: True, 2: None, 3: True, 4: True}, "item_2"),
    ({}, "item_1"),
])
def test_every_item_must_be_answered(keepers, standard, station, results, field):
    with pytest.raises(ActionError) as refused:
        actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=results, actor=keepers.qian)
    assert refused.value.field == field and ITEMS[int(field[5:]) - 1] in refused.value.message
    assert not Inspection.objects.exists() and not StationEvent.objects.filter(kind=EventKind.INSPECTED).exists()


def test_a_failed_item_needs_its_own_problem(keepers, standard, station):
    results = all_pass() | {2: False}
    for problems in ([], [{"description": "门前台阶破损", "deadline": date(2026, 12, 31)}],
                     [{"item": 3, "description": "热水器不加热", "deadline": date(2026, 12, 31)}]):
        with pytest.raises(ActionError) as refused:
            actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=results,
                                         problems=problems, actor=keepers.qian)
        assert refused.value.field == "item_2" and "不合格" in refused.value.message
    assert not Inspection.objects.exists() and not Problem.objects.exists()


@pytest.mark.parametrize("problem, field", [
    ({"item": 2, "description": "厕所有异味", "deadline": date(2026, 12, 1)}, "deadline_1"),
    ({"item": 2, "description": "厕所有异味", "deadline": None}, "deadline_1"),
    ({"item": 2, "description": "厕所有异味", "deadline": "2026-12-31"}, "deadline_1"),
    ({"item": 2, "description": "", "deadline": date(2026, 12, 31)}, "problem_1"),
    ({"item": 9, "description": "厕所有异味", "deadline": date(2026, 12, 31)}, "problem_1"),
])
def test_a_problem_needs_a_description_and_a_deadline_not_before_the_visit(keepers, standard, station, problem, field):
    with pytest.raises(ActionError) as refused:
        actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass() | {2: False},
                                     problems=[problem], actor=keepers.qian)
    assert refused.value.field == field
    assert not Inspection.objects.exists() and not Problem.objects.exists()


def test_a_problem_due_on_the_day_of_the_visit_is_allowed(keepers, standard, station):
    actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass() | {2: False},
                                 problems=[{"item": 2, "description": "厕所有异味", "deadline": VISIT}],
                                 actor=keepers.qian)
    assert Problem.objects.get().deadline == VISIT


def test_a_visit_cannot_be_dated_tomorrow(keepers, standard, station):
    with pytest.raises(ActionError) as refused:
        actions.do_record_inspection(station, standard=standard, visited_on=date(2026, 12, 3), results=all_pass(),
                                     actor=keepers.qian)
    assert refused.value.field == "visited_on"
    assert not Inspection.objects.exists()


def test_a_standard_no_longer_in_use_is_refused(keepers, standard, station):
    Standard.objects.filter(pk=standard.pk).update(is_active=False)
    standard.refresh_from_db()
    with pytest.raises(ActionError) as refused:
        actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass(),
                                     actor=keepers.qian)
    assert refused.value.field == "standard"
    assert not Inspection.objects.exists()


def test_another_districts_bureau_may_not_inspect_the_station_but_a_city_supervisor_may(people, keepers, standard,
                                                                                       station):
    with pytest.raises(NotAllowed):
        actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass(),
                                     actor=keepers.feng)
    assert not Inspection.objects.exists()
    inspection = actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass(),
                                              actor=people.sun)
    assert inspection.inspector == people.sun


# --- fixing -------------------------------------------------------------------------------------


@pytest.fixture
def problem(keepers, standard, station):
    """热水器不加热, found on 2026-12-02, to be fixed by 2026-12-10."""
    actions.do_record_inspection(station, standard=standard, visited_on=VISIT, results=all_pass() | {3: False},
                                 problems=[{"item": 3, "description": "热水器不加热", "deadline": date(2026, 12, 10)}],
                                 actor=keepers.qian)
    return Problem.objects.get()


def test_a_problem_fixed_by_its_deadline_is_fixed(keepers, problem, _clock):
    travel_to(_clock, date(2026, 12, 10))
    assert problem.status(date(2026, 12, 10)) == "整改中"
    fixed = actions.do_fix_problem(problem, note="已更换加热管", actor=keepers.qian)
    fixed.refresh_from_db()
    assert (fixed.fixed_on, fixed.fixed_by, fixed.fix_note) == (date(2026, 12, 10), keepers.qian, "已更换加热管")
    assert fixed.status(date(2026, 12, 20)) == "已整改"
    assert not queries.open_problems([problem.station]).exists()
    event = StationEvent.objects.get(kind=EventKind.FIXED)
    assert event.data == {"problem": problem.pk, "deadline": "2026-12-10", "fixed_on": "2026-12-10"}
    assert "已整改" in event.note


def test_a_problem_fixed_after_its_deadline_is_fixed_late(keepers, problem, _clock):
    travel_to(_clock, date(2026, 12, 14))
    assert problem.status(date(2026, 12, 14)) == "逾期未整改"
    fixed = actions.do_fix_problem(problem, note="已更换热水器", actor=keepers.qian)
    fixed.refresh_from_db()
    assert fixed.fixed_on == date(2026, 12, 14) and fixed.status(date(2026, 12, 14)) == "逾期整改"
    assert "逾期整改" in StationEvent.objects.get(kind=EventKind.FIXED).note


def test_a_fix_may_be_dated_back_to_when_it_was_done(keepers, problem, _clock):
    travel_to(_clock, date(2026, 12, 14))
    fixed = actions.do_fix_problem(problem, fixed_on=date(2026, 12, 9), note="已更换加热管", actor=keepers.qian)
    assert fixed.status(date(2026, 12, 14)) == "已整改"


def test_a_problem_is_fixed_once(keepers, problem, _clock):
    travel_to(_clock, date(2026, 12, 8))
    actions.do_fix_problem(problem, note="已更换加热管", actor=keepers.qian)
    travel_to(_clock, date(2026, 12, 12))
    with pytest.raises(ActionError) as refused:
        actions.do_fix_problem(problem, note="又修了一次", actor=keepers.qian)
    assert refused.value.field == "problem"
    problem.refresh_from_db()
    assert (problem.fixed_on, problem.fix_note) == (date(2026, 12, 8), "已更换加热管")
    assert StationEvent.objects.filter(kind=EventKind.FIXED).count() == 1


@pytest.mark.parametrize("fixed_on, note, field", [
    (date(2026, 12, 9), "已更换加热管", "fixed_on"),  # tomorrow
    (date(2026, 12, 1), "已更换加热管", "fixed_on"),  # before the visit found it
    (None, "", "note"),
])
def test_a_fix_that_cannot_be_is_refused(keepers, problem, _clock, fixed_on, note, field):
    travel_to(_clock, date(2026, 12, 8))
    with pytest.raises(ActionError) as refused:
        actions.do_fix_problem(problem, fixed_on=fixed_on, note=note, actor=keepers.qian)
    assert refused.value.field == field
    problem.refresh_from_db()
    assert problem.fixed_on is None and not StationEvent.objects.filter(kind=EventKind.FIXED).exists()


def test_another_districts_bureau_may_not_mark_a_problem_fixed(keepers, problem):
    with pytest.raises(NotAllowed):
        actions.do_fix_problem(problem, note="已修", actor=keepers.feng)
    problem.refresh_from_db()
    assert problem.fixed_on is None
