"""The worker's visit reminders: a helper hears once when a firm passes its visit plan, again
weekly while it stays overdue, never after a visit puts it right, and not for an assignment that
has ended; a grid's helper hears of the grid's overdue firms in one message."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.models import Notification
from minsheng.enterprises import actions
from minsheng.enterprises.actions.reminders import sweep_visit_reminders
from minsheng.enterprises.models import Assignment, EnterpriseEvent, EventKind
from minsheng.testing import make_entity

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date):
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(at(date(2026, 10, 1)), tick=False) as traveller:
        yield traveller


def reminders(user) -> list[str]:
    return list(Notification.objects.filter(recipient_user=user, subject__startswith="走访提醒").order_by("pk")
                .values_list("subject", flat=True))


def test_a_one_to_one_firm_past_its_plan_is_reminded_once_then_weekly_until_visited(people, clock):
    firm = make_entity(people.hukou, name="江西宏丰塑胶有限公司", actor=people.liu)
    assignment = actions.do_assign_one_to_one(firm, helper=people.huang, starts_on=date(2026, 10, 1), actor=people.liu)
    assert assignment.next_visit_check == date(2026, 11, 1)
    clock.move_to(at(date(2026, 10, 31)))
    assert sweep_visit_reminders(50) == 0  # not yet due a look
    clock.move_to(at(date(2026, 11, 1)))
    assert sweep_visit_reminders(50) == 1
    assert reminders(people.huang) == ["走访提醒：江西宏丰塑胶有限公司有1户已超过走访周期"]
    assert sweep_visit_reminders(50) == 0  # the same day again: nothing
    clock.move_to(at(date(2026, 11, 8)))
    sweep_visit_reminders(50)
    assert len(reminders(people.huang)) == 2
    actions.do_record_visit(firm, visited_on=date(2026, 11, 8), kind="on_site", summary="走访了解生产情况", actor=people.huang)
    clock.move_to(at(date(2026, 11, 15)))
    sweep_visit_reminders(50)
    assert len(reminders(people.huang)) == 2  # visited: no more
    assignment.refresh_from_db()
    assert assignment.next_visit_check == date(2026, 12, 9)  # the day after the next visit falls due
    assert EnterpriseEvent.objects.filter(kind=EventKind.VISIT_DUE).count() == 2


def test_a_grids_overdue_firms_come_in_one_message(people, clock):
    shops = [make_entity(people.hukou, kind="individual", name=f"个体户{n}", industry="5211", actor=people.liu) for n in range(3)]
    grid = actions.do_create_grid(region=people.hukou, name="双钟镇一网格", actor=people.liu)
    actions.do_add_to_grid(grid, shops, starts_on=date(2026, 10, 1), actor=people.liu)
    actions.do_assign_grid(grid, helper=people.wu, starts_on=date(2026, 10, 1), visit_every_days=30, actor=people.liu)
    clock.move_to(at(date(2026, 10, 20)))
    actions.do_record_visit(shops[0], visited_on=date(2026, 10, 20), kind="phone", summary="电话了解", actor=people.wu)
    clock.move_to(at(date(2026, 11, 1)))
    sweep_visit_reminders(50)
    assert reminders(people.wu) == ["走访提醒：网格“双钟镇一网格”有2户已超过走访周期"]
    body = Notification.objects.get(recipient_user=people.wu).body
    assert "个体户1" in body and "个体户2" in body and "个体户0" not in body


def test_an_ended_assignment_is_not_reminded(people, clock):
    firm = make_entity(people.hukou, name="湖口县某公司", actor=people.liu)
    assignment = actions.do_assign_one_to_one(firm, helper=people.huang, starts_on=date(2026, 10, 1), actor=people.liu)
    actions.do_end_assignment(assignment, ends_on=date(2026, 10, 15), actor=people.liu)
    clock.move_to(at(date(2026, 11, 1)))
    assert sweep_visit_reminders(50) == 1
    assert reminders(people.huang) == []
    assert Assignment.objects.get(pk=assignment.pk).next_visit_check is None
