"""Two community workers enter paper votes of one application at the same moment, each on their own
connection (PostgreSQL, where a vote is one statement after the application's row lock): the
running sums end as a recount of the votes says, an owner of two dwellings counts once, and the
same dwelling entered twice at once is recorded once."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from minsheng.core.errors import ActionError
from minsheng.elevators import actions, consent
from minsheng.elevators.models import Application, ApplicationEvent, Choice, EventKind, Vote
from minsheng.testing import make_rule_set, make_street_office, resident_id, run_together

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL"),
]


@pytest.fixture
def ballot(people):
    """An entrance of six floors, two dwellings a floor; 赵金德 owns 601 and 602."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        make_rule_set(people.city)
        worker = make_street_office(people)
        estate = actions.do_create_estate(region=people.hukou, street=people.shuangzhong, name="长运宿舍", year_built=1995,
                                          actor=None)
        entrance = actions.do_add_building(estate, name="7栋", floors=6, entrances=["1单元"], actor=None).entrances.get()
        zhao = actions.OwnerDraft(name="赵金德", id_number=resident_id("36040219560316001"))
        drafts = [actions.DwellingDraft(number=f"{floor}0{n}", floor=floor, area=Decimal("60.00") + floor + n,
                                        owners=[zhao if floor == 6 else actions.OwnerDraft(
                                            name=f"业主{floor}0{n}", id_number=resident_id(f"36042919500101{floor}{n}0"))])
                  for floor in range(1, 7) for n in (1, 2)]
        actions.do_add_dwellings(entrance, drafts, actor=None)
        application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27),
                                                  representatives=[entrance.dwellings.get(number="601").voter], actor=worker)
        application = actions.do_advance_stage(application, actor=worker)
    return application, worker


def cast(application_pk, dwelling, choice, worker):
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        application = Application.objects.get(pk=application_pk)
        return actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                                      choice=choice, cast_on=date(2026, 3, 3), actor=worker).pk


def recount(application) -> consent.Sums:
    votes = dict(Vote.objects.filter(application=application).values_list("dwelling_id", "choice"))
    return consent.Sums.from_votes(consent.Vote(owner=d.voter_id, dwelling=d.pk, area=d.area, vote=votes.get(d.pk))
                                   for d in application.entrance.dwellings.all())


def test_votes_entered_at_once_add_up_and_an_owner_of_two_dwellings_is_one_head(ballot):
    application, worker = ballot
    dwellings = list(application.entrance.dwellings.select_related("voter").order_by("floor", "number"))
    # 601 and 602 (赵金德) at the same moment, from two workers: one agrees, one does not.
    first, second = [d for d in dwellings if d.floor == 6]
    results = run_together(lambda: cast(application.pk, first, Choice.AGREE, worker),
                           lambda: cast(application.pk, second, Choice.DISAGREE, worker))
    assert [kind for kind, _ in results] == ["ok", "ok"]
    # The rest, two at a time.
    rest = [d for d in dwellings if d.floor < 6]
    for left, right in zip(rest[::2], rest[1::2]):
        results = run_together(lambda d=left: cast(application.pk, d, Choice.AGREE, worker),
                               lambda d=right: cast(application.pk, d, Choice.ABSTAIN, worker))
        assert [kind for kind, _ in results] == ["ok", "ok"]
    application.refresh_from_db()
    assert application.sums == recount(application)
    assert application.participating_heads == 11  # 12 dwellings, 赵金德 once
    assert application.agreeing_heads == 5  # 赵金德 voted both ways: not an agreeing head
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.VOTE).count() == 12


def test_the_same_dwelling_entered_by_two_workers_at_once_counts_once(ballot):
    application, worker = ballot
    dwelling = application.entrance.dwellings.select_related("voter").get(number="301")
    results = run_together(lambda: cast(application.pk, dwelling, Choice.AGREE, worker),
                           lambda: cast(application.pk, dwelling, Choice.AGREE, worker))
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ActionError) and error.field == "dwelling" and "已经表决" in error.message
    application.refresh_from_db()
    assert Vote.objects.filter(application=application).count() == 1
    assert application.sums == recount(application) and application.participating_heads == 1
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.VOTE).count() == 1
