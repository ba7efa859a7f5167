"""An item's timeline reads in the order of the dates it shows, written in one style."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.testing import make_item, make_pledge_list
from minsheng.pledges import actions, queries

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


@pytest.fixture
def item(people):
    """Listed on 30 November, after its progress of July and 29 November was posted late."""
    with at(2026, 11, 30, 9, 0):
        pledge_list = make_pledge_list(people.xunyang)
        item = make_item(
            pledge_list, people.xunyang_housing, title="既有住宅加装电梯12部", start_date=date(2026, 2, 3),
            milestones=[(date(2026, 12, 9), "全部完工")],
        )
    with at(2026, 11, 30, 10, 0):
        actions.do_post_progress(item, happened_on=date(2026, 11, 29), text="项目全面开工", percent=65, actor=people.xu)
    with at(2026, 11, 30, 11, 0):
        actions.do_post_progress(item, happened_on=date(2026, 7, 2), text="完成调查摸底", percent=None, actor=people.xu)
    return item


def shown_dates(page: str) -> list[str]:
    timeline = page[page.index('<ol class="timeline">'):]
    return re.findall(r'<div class="when">\s*(\d{4}年\d{1,2}月\d{1,2}日)', timeline)


def test_the_public_timeline_is_in_the_order_of_the_dates_it_shows(client, item):
    with at(2026, 12, 1, 9, 0):
        page = client.get(f"/pledges/items/{item.pk}/").content.decode()
    assert shown_dates(page) == ["2026年7月2日", "2026年11月29日", "2026年11月30日"]
    assert page.index("完成调查摸底") < page.index("项目全面开工") < page.index("事项纳入清单")


def test_the_staff_timeline_too_and_same_day_entries_stay_in_the_order_recorded(client, people, item):
    with at(2026, 12, 1, 9, 0):
        actions.do_post_progress(item, happened_on=date(2026, 7, 2), text="落实资金", percent=None, actor=people.xu)
        events = list(queries.staff_timeline(item))
        assert [event.note for event in events][:2] == ["完成调查摸底", "落实资金"]
        assert [event.shown_on for event in events] == sorted(event.shown_on for event in events)
        client.force_login(people.xu)
        page = client.get(f"/pledges/staff/items/{item.pk}/").content.decode()
    assert shown_dates(page) == ["2026年7月2日", "2026年7月2日", "2026年11月29日", "2026年11月30日"]
    assert "记录于2026年11月30日 11:00" in page


def test_dates_on_the_item_pages_are_written_one_way_without_leading_zeros(client, people, item):
    with at(2026, 12, 1, 9, 0):
        public = client.get(f"/pledges/items/{item.pk}/").content.decode()
        client.force_login(people.xu)
        staff = client.get(f"/pledges/staff/items/{item.pk}/").content.decode()
    for page in (public, staff):
        assert "2026年12月9日" in page  # the milestone's planned day
        assert "2026-12-09" not in page.replace('value="2026-12-01"', "")
        assert not re.search(r"\d{4}-\d{2}-\d{2}(?!\")", re.sub(r'(value|max)="[^"]*"', "", page))
        assert not re.search(r"年0\d月|月0\d日", page)
