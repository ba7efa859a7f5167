"""Two handlers filing at the same moment, each on their own connection (PostgreSQL): the yearly
cap holds (filings at one firm are serialised on its registry row), two firms' filings get two
numbers, and a visit approved twice at once is approved once."""

from datetime import date

import pytest
import time_machine
from django.db import connection

from minsheng.core.errors import ActionError

from minsheng.inspections import actions
from minsheng.inspections.models import EventKind, Filing, FilingKind, InspectionEvent
from minsheng.inspections.tests.conftest import TUESDAY, file
from minsheng.testing import make_entity, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TUESDAY, tick=False):
        yield


def test_the_yearly_cap_holds_when_two_filings_come_at_once(town):
    actions.do_set_rules(town["bakery"].region, routine_yearly_cap=1, actor=None)
    results = run_together(lambda: file(town, planned_on=date(2026, 12, 4)).pk,
                           lambda: file(town, planned_on=date(2026, 12, 30)).pk)
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ActionError) and "上限" in error.message
    assert Filing.objects.count() == 1 and InspectionEvent.objects.filter(kind=EventKind.FILED).count() == 1


def test_two_firms_filed_at_once_get_two_numbers(town, people):
    other = make_entity(people.hukou, name="湖口县鲜丰面包坊", kind="individual", industry="1411", actor=None)
    results = run_together(lambda: file(town).number,
                           lambda: file(town, other, kind=FilingKind.COMPLAINT, trigger="投诉").number)
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(number for _, number in results) == ["JC2026000001", "JC2026000002"]


def test_a_visit_approved_twice_at_once_is_approved_once(town):
    filing = file(town)
    results = run_together(lambda: actions.do_approve_filing(Filing.objects.get(pk=filing.pk), actor=town["head"]).check_code,
                           lambda: actions.do_approve_filing(Filing.objects.get(pk=filing.pk), actor=town["head"]).check_code)
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    code = next(value for kind, value in results if kind == "ok")
    assert Filing.objects.get().check_code == code
    assert InspectionEvent.objects.filter(kind=EventKind.APPROVED).count() == 1
