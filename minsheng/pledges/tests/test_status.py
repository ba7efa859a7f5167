from datetime import date

import pytest

from minsheng.testing import make_item, make_pledge_list
from minsheng.pledges import actions
from minsheng.pledges.models import PledgeItem, Status, derive_status

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    "percent, deadline, expected",
    [
        (0, date(2026, 12, 31), Status.NOT_STARTED),
        (40, date(2026, 12, 31), Status.IN_PROGRESS),
        (100, date(2026, 12, 31), Status.DONE),
        (100, date(2026, 6, 30), Status.DONE),  # done late is still done
        (99, date(2026, 11, 25), Status.LATE),
        (0, date(2026, 11, 25), Status.LATE),  # never started and past its deadline
        (50, TODAY, Status.IN_PROGRESS),  # the deadline day itself is not late
    ],
)
def test_status_is_derived_from_progress_and_deadline(percent, deadline, expected):
    assert derive_status(percent, deadline, TODAY) == expected


@pytest.mark.django_db
def test_the_sql_status_agrees_with_the_python_rule(people):
    pledge_list = make_pledge_list(people.city)
    cases = [(0, date(2026, 12, 31)), (40, date(2026, 12, 31)), (100, date(2026, 6, 30)), (60, date(2026, 11, 25)), (0, date(2026, 1, 31)), (10, TODAY)]
    for percent, deadline in cases:
        item = make_item(pledge_list, people.city_housing, deadline=deadline)
        if percent:
            actions.do_post_progress(item, happened_on=date(2026, 1, 31), text="进展", percent=percent, actor=None)
    annotated = PledgeItem.objects.with_status(TODAY)
    assert len(annotated) == len(cases)
    for item in annotated:
        assert item.status == item.status_on(TODAY)
        assert PledgeItem.objects.with_status_in(item.status, TODAY).filter(pk=item.pk).exists()
    assert sorted(item.status for item in annotated) == sorted(
        [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.LATE, Status.LATE, Status.IN_PROGRESS]
    )
