"""What the elevator demo guarantees (issue 10; JOURNEYS.md 3, 10 and 14): the city's report on
the public funnel exactly as of 2021-10-30, five more years of work up to today, and the records
the journeys walk, built through the real actions. Loaded once for the module through the
command `make demo` runs (the stuck application links to a case of the cases' demo)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from minsheng.cases.models import SupervisionLevel
from minsheng.elevators import actions, queries
from minsheng.elevators.demo import REPORT_DAY, TARGETS
from minsheng.elevators.models import (
    Application,
    ApplicationEvent,
    EventKind,
    MediationLevel,
    ObjectionState,
    StageRecord,
    Target,
)
from minsheng.elevators.stages import GOVERNMENT_STAGES, PIPELINE, Stage
from minsheng.org.models import Region
from minsheng.testing import after_flush

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        after_flush()
        call_command("demo", "--no-serve")
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        after_flush()


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def region(name: str) -> Region:
    return Region.objects.get(name=name)


def test_the_public_funnel_shows_the_citys_report_as_of_30_october_2021(demo):
    funnel = queries.funnel(REPORT_DAY)
    figures = funnel.figures
    assert (figures["accepted"], figures["approved"], figures["under_construction"], figures["completed"],
            figures["with_renovation"]) == (621, 417, 271, 108, 99)
    assert figures["approved_not_started"] == 38 == 417 - 271 - 108
    assert funnel.target == 305
    assert len(funnel.rows) == 13 and sum(row["accepted"] for row in funnel.rows) == 621
    # The day before the report's figures were a little smaller: they are counted, not typed.
    assert queries.funnel(REPORT_DAY - timedelta(days=30)).figures["accepted"] < 621


def test_the_work_goes_on_to_today_in_every_stage(demo):
    years = [queries.funnel(date(year, 12, 31) if year < TODAY.year else TODAY).figures for year in range(2021, TODAY.year + 1)]
    for earlier, later in zip(years, years[1:]):
        assert later["accepted"] > earlier["accepted"] and later["completed"] > earlier["completed"]
    assert years[-1]["in_service"] > 1000 and years[-1]["households"] > 10000
    assert dict(Target.objects.filter(region__name="九江市").values_list("year", "completed")) == TARGETS
    stages = set(Application.objects.values_list("stage", flat=True))
    assert {rule.stage for rule in PIPELINE} | {Stage.WITHDRAWN, Stage.REJECTED} <= stages
    # Applications filed in every year since the report, in every county.
    filed = {a.year for a in Application.objects.dates("filed_on", "year")}
    assert {2022, 2023, 2024, 2025, 2026} <= filed
    assert Application.objects.values("region").distinct().count() == 13
    # Each government stage has finished stages to average (the figure no city publishes).
    averages = {row["stage"]: row for row in queries.stage_days()}
    assert all(averages[stage]["finished"] > 0 and averages[stage]["average"] for stage in GOVERNMENT_STAGES)


def test_imported_history_has_one_public_event_each_and_genuine_clocks(demo):
    imported = ApplicationEvent.objects.filter(kind=EventKind.FILED, data__imported=True)
    assert imported.count() > 2000
    assert imported.values("application").distinct().count() == imported.count()
    assert all(event.is_public and event.note.startswith("由台账导入") for event in imported[:50])
    # Stage records end where the next begins, with working days from the clock.
    record = StageRecord.objects.filter(stage=Stage.JOINT_REVIEW, ended_at__isnull=False).first()
    assert record.working_days is not None and record.limit_days == 15 and record.department.name.endswith("住建局")


def test_zhao_jindes_lift_at_changyun_entered_service_in_june_2026_in_under_half_a_year(demo):
    [application] = queries.public_lookup(region("浔阳区"), "长运宿舍", "7栋")
    assert application.stage == Stage.IN_SERVICE
    service = timezone.localtime(application.in_service_at).date()
    assert (service.year, service.month) == (2026, 6) and application.filed_on.year == 2025
    assert (service - application.filed_on).days < 183
    top = application.entrance.dwellings.get(number="701")
    assert top.floor == 7 and top.voter.name == "赵金德" and top.voter.id_number[6:10] == "1956"
    assert "赵金德" in {owner.name for owner in application.representatives.all()}
    # Every stage entered through the actions, on the clock where the government acts.
    records = list(application.stage_records.order_by("started_at"))
    assert [r.stage for r in records] == [rule.stage for rule in PIPELINE if rule.stage != Stage.PERMIT]
    assert all(r.working_days is not None and not r.was_late for r in records[:-1])
    assert all(r.limit_days for r in records if r.stage in GOVERNMENT_STAGES)
    # The cost shared by floor coefficients after the 200,000 subsidy, to the fen.
    assert application.subsidy == Decimal("200000.00") and application.cost_method == "coefficient"
    split = actions.shares(application)
    assert sum(split.values()) == application.estimated_cost - application.subsidy
    by_number = {d.number: split[d.pk] for d in application.entrance.dwellings.all()}
    assert by_number["101"] == by_number["102"] == 0 and by_number["701"] == max(by_number.values())
    # The ground floor's objection over light, mediated by the community to a compensation.
    [objection] = application.objections.all()
    assert objection.dwelling.floor == 1 and "采光" in objection.reason and objection.during_publicity
    assert objection.state == ObjectionState.RESOLVED and objection.compensation == Decimal("8000.00")
    assert [m.level for m in objection.mediations.all()] == [MediationLevel.COMMUNITY]
    # Votes, costs, stages and mediation are its own events, each at its time.
    kinds = list(application.events.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds[0] == EventKind.FILED and kinds.count(EventKind.VOTE) == 14 and EventKind.MEDIATION in kinds
    assert application.maintenance_contractor and application.last_serviced_on >= TODAY - timedelta(days=15)
    # In September a neighbour reported the doors from the lift's page: a case of the lift's own
    # category at 浔阳区市场监管局, linked to the application, solved within its three working days.
    [fault] = application.case_links.select_related("case__category", "case__lead_department")
    case = fault.case
    assert case.category.code == "elevator-fault" and case.answers["fault"] == "doors" and fault.stage == Stage.IN_SERVICE
    assert case.lead_department.name == "浔阳区市场监管局" and case.result == "solved"
    assert case.supervision_level == SupervisionLevel.NONE  # never late, never escalated
    assert EventKind.FAULT in kinds


def test_the_application_stuck_at_hukous_joint_review_is_linked_to_the_windows_case(demo):
    [link] = [link for application in Application.objects.filter(region__name="湖口县") for link in application.case_links.all()]
    application, case = link.application, link.case
    assert case.kind.code == "stuck-matter" and case.category.code == "elevator-retrofit" and case.is_open
    assert case.lead_department.name == "湖口县住建局" and case.visits
    # The application is the one she describes: her entrance, her households, her name, her day.
    assert f"{application.entrance.building.estate.name}{application.entrance.building.name}{application.entrance.name}" in case.title
    assert f"共{application.households}户" in case.description
    assert case.requester_name in {owner.name for owner in application.representatives.all()}
    assert application.filed_on == case.applied_on
    # Stuck at the joint review past its limit, which the case recorded when it came.
    assert application.stage == Stage.JOINT_REVIEW and link.stage == Stage.JOINT_REVIEW
    assert application.due_at < case.created_at
    summary = actions.stage_summary(application)
    assert summary["department"] == "湖口县住建局" and summary["late_days"] > 10
    kinds = set(application.events.values_list("kind", flat=True))
    assert {EventKind.LATE, EventKind.CASE_LINKED} <= kinds
    assert case.elevator_links.get().application == application


def test_one_application_in_publicity_has_an_objection_in_mediation(demo):
    [application] = Application.objects.filter(stage=Stage.PUBLICITY, objections__state=ObjectionState.OPEN).distinct()
    assert application.publicity_ends_on >= TODAY and application.public_notice
    [objection] = application.objections.filter(state=ObjectionState.OPEN)
    assert objection.during_publicity
    [mediation] = objection.mediations.all()
    assert not mediation.agreed and mediation.held_on <= TODAY
    with pytest.raises(Exception, match="公示期"):
        actions.do_advance_stage(application, actor=None)


def test_the_withdrawn_and_the_refused_ones_tell_why(demo):
    withdrawn = Application.objects.filter(stage=Stage.WITHDRAWN, events__kind=EventKind.WITHDRAWN).first()
    rejected = Application.objects.filter(stage=Stage.REJECTED, events__kind=EventKind.REJECTED).first()
    assert "表决未达到法定比例" in withdrawn.events.get(kind=EventKind.WITHDRAWN).note
    assert not withdrawn.tally.passes
    assert "消防" in rejected.events.get(kind=EventKind.REJECTED).note
