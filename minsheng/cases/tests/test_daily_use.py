"""Issue 8, details of daily use: each item a behaviour people rely on."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions
from minsheng.cases.models import Notification
from minsheng.core.testing import make_category, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_it_tells_a_handler_who_is_also_the_head_once(people):
    # 李红 of 市住建局 is both handler and department head.
    category = make_category("city-housing", "城市住房", routes=[(people.city, people.city_housing)])
    case, _ = register(people, region=people.city, category=category, actor=people.sun)
    actions.do_accept_case(case, actor=people.sun)
    event = actions.do_dispatch_case(case, department=people.city_housing, actor=people.sun)
    recipients = list(Notification.objects.filter(event=event).values_list("recipient_user__username", flat=True))
    assert recipients == ["lihong"]
    notice = actions.do_issue_supervision_notice(case, requirement="请尽快签收", response_days=3, actor=people.sun)
    told = Notification.objects.filter(case=case, subject__contains=notice.number)
    assert list(told.values_list("recipient_user__username", flat=True)) == ["lihong"]
