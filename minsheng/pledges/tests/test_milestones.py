"""A milestone is ticked off on the day it was really completed, not only "today"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError
from minsheng.testing import make_item, make_pledge_list
from minsheng.pledges import actions
from minsheng.pledges.models import EventKind

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(people):
    return make_item(
        make_pledge_list(people.city),
        people.city_housing,
        start_date=date(2026, 3, 1),
        milestones=[(date(2026, 6, 30), "完成设计"), (date(2026, 12, 20), "竣工验收")],
    )


def url(item):
    return f"/pledges/staff/items/{item.pk}/"


def test_the_lead_department_enters_the_day_a_milestone_was_really_completed(client, people, item):
    design = item.milestones.get(title="完成设计")
    client.force_login(people.li)
    response = client.post(url(item), {"milestone": design.pk, "completed_on": "2026-07-03"}, follow=True)
    assert "已确认节点“完成设计”于2026年7月3日完成。" in response.content.decode()
    design.refresh_from_db()
    assert design.completed_on == date(2026, 7, 3)
    event = item.events.get(kind=EventKind.MILESTONE_DONE)
    assert (event.happened_on, event.actor, event.is_public) == (date(2026, 7, 3), people.li, True)
    # The public timeline shows it on that day, before anything recorded later in the year.
    public = client.get(f"/pledges/items/{item.pk}/").content.decode()
    assert "2026年7月3日 · 完成节点" in " ".join(public.split())


@pytest.mark.parametrize(
    "typed, message",
    [
        ("2026-11-27", "完成日期：完成日期不能晚于今天。"),
        ("2026-02-28", "完成日期：完成日期不能早于事项开始日期2026年3月1日。"),
        ("1999-12-31", "完成日期：完成日期应在2000年1月1日至2099年12月31日之间。"),
        ("9999-12-31", "完成日期：完成日期应在2000年1月1日至2099年12月31日之间。"),
        ("2026-02-30", "完成日期：完成日期格式不正确"),
        ("", "完成日期：请填写完成日期。"),
        ("2026-07-03\x00", "控制字符"),
    ],
)
def test_an_impossible_completion_day_is_refused_on_its_field_and_nothing_is_saved(client, people, item, typed, message):
    design = item.milestones.get(title="完成设计")
    client.force_login(people.li)
    response = client.post(url(item), {"milestone": design.pk, "completed_on": typed})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    design.refresh_from_db()
    assert design.completed_on is None
    assert not item.events.filter(kind=EventKind.MILESTONE_DONE).exists()


def test_the_refused_row_keeps_what_was_typed_and_the_others_keep_today(client, people, item):
    design, acceptance = item.milestones.order_by("due_date")
    client.force_login(people.li)
    response = client.post(url(item), {"milestone": design.pk, "completed_on": "2026-12-01"})
    page = response.content.decode()
    assert f'id="id_milestone_{design.pk}_completed_on"' in page and 'value="2026-12-01"' in page
    assert f'id="id_milestone_{acceptance.pk}_completed_on"' in page and 'value="2026-11-26"' in page
    assert page.count("完成日期不能晚于今天") == 1


@pytest.mark.parametrize("milestone", ["", "abc", "9" * 40, "-1", "99999999"])
def test_a_missing_or_foreign_milestone_is_not_found(client, people, item, milestone):
    client.force_login(people.li)
    response = client.post(url(item), {"milestone": milestone, "completed_on": "2026-11-01"}, follow=True)
    assert response.status_code == 200 and "没有找到这个节点" in response.content.decode()


def test_another_bureau_cannot_tick_a_milestone_off(client, people, item):
    design = item.milestones.get(title="完成设计")
    client.force_login(people.huang)
    response = client.post(url(item), {"milestone": design.pk, "completed_on": "2026-11-01"}, follow=True)
    assert "只有牵头单位可以确认本事项的节点" in response.content.decode()
    design.refresh_from_db()
    assert design.completed_on is None


def test_the_action_checks_the_day_whoever_calls_it(people, item):
    design = item.milestones.get(title="完成设计")
    for day, field in [(date(2026, 11, 27), "completed_on"), (date(2026, 2, 1), "completed_on"), (date(1, 1, 1), "completed_on")]:
        with pytest.raises(ActionError) as refused:
            actions.do_complete_milestone(design, completed_on=day, actor=None)
        assert refused.value.field == field and "完成日期" in refused.value.message
    actions.do_complete_milestone(design, completed_on=date(2026, 3, 1), actor=None)  # the first day counts
    with pytest.raises(ActionError, match="已于2026年3月1日完成"):
        actions.do_complete_milestone(design, completed_on=date(2026, 3, 2), actor=None)
