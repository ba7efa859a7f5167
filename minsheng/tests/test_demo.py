import os
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from minsheng.cases.models import EventKind as CaseEventKind, Rating, Result, State
from minsheng.core.identity import normalize_uscc
from minsheng.enterprises.models import (
    Assignment,
    AssignmentMode,
    Demand,
    EnterpriseEvent,
    Entity,
    EntityKind,
    EventKind,
    ImportJob,
    ImportState,
)
from minsheng.enterprises.queries import coverage, current, last_visits, portfolio, visits_due_by
from minsheng.org.demo import DEMO_PASSWORD, PERSONAS
from minsheng.org.models import Region, User
from minsheng.pledges.models import PledgeItem, Status
from minsheng.pledges.queries import compute_board

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module through the same command `make demo` runs."""
    from minsheng.testing import after_flush

    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        after_flush()  # an earlier transactional test's flush emptied what the migrations load
        call_command("demo", "--no-serve")
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        after_flush()


@pytest.mark.django_db
def test_the_demo_board_shows_jiujiangs_figures(demo, client):
    with time_machine.travel(NOW, tick=False):
        figures = compute_board(2026, NOW.date())
        assert (figures.overall.total, figures.overall.done) == (638, 494)
        assert (figures.city.total, figures.city.done) == (34, 23)
        assert len(figures.by_region) == 14 and len(figures.by_area) == 6
        page = client.get("/").content.decode()
    assert "市县两级共制定实事清单638项，已完成494项；其中市本级34项，已完成23项" in page


@pytest.mark.django_db
def test_every_demo_login_works(demo, client):
    for persona in PERSONAS:
        client.logout()
        response = client.post("/accounts/login/", {"username": persona.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session, persona.username


@pytest.mark.django_db
def test_the_demo_walks_the_journeys(demo, client):
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        # 王先生 finds the old-community elevator item of 浔阳区.
        response = client.get("/pledges/items/", {"region": "360403", "q": "加装电梯"})
        assert response.context["page"].paginator.count >= 1
        # 李科长's bureau leads items, one of them late.
        led = PledgeItem.objects.filter(lead_department__name="市住建局").with_status(today)
        assert any(item.status == Status.LATE for item in led)
        # Every status is on show somewhere.
        assert {item.status for item in PledgeItem.objects.with_status(today)} == set(Status.values)


# --- enterprise help (JOURNEYS.md 11) ---------------------------------------------------------------

@pytest.mark.django_db
def test_every_one_of_wunings_17809_entities_has_a_helper_but_this_weeks_new_individuals(demo):
    today = NOW.date()
    with time_machine.travel(NOW, tick=False):
        report = coverage(Region.objects.get(name="武宁县"), today)
    [row] = report.rows
    assert (row["covered"], row["above_scale"], row["key"], row["one_to_one"]) == (17_809, 219, 24, 243)
    assert row["entities"] == 17_809 + row["uncovered"] and 5 <= row["uncovered"] <= 8
    # The gaps: 个体户 of two townships registered in the last week, in no grid yet.
    assert len(report.gaps) == report.gap_count == row["uncovered"]
    assert {gap.kind for gap in report.gaps} == {EntityKind.INDIVIDUAL}
    assert len({gap.township_id for gap in report.gaps}) == 2
    assert all(today - timedelta(days=7) <= gap.established_on < today for gap in report.gaps)
    assert not any(gap.grid_memberships.exists() or gap.assignments.exists() for gap in report.gaps)
    # One-to-one: the 规上 and key firms, each by one official; everyone else in a grid of 100-150.
    wuning = Entity.objects.filter(region__name="武宁县", status="active")
    helped = wuning.filter(assignments__in=Assignment.objects.filter(current(today)))
    assert helped.count() == 243 and helped.filter(above_scale=True).count() == 219
    assert helped.filter(above_scale=False, is_key=True).count() == 24
    assert round(wuning.filter(kind=EntityKind.ENTERPRISE).count() / wuning.count(), 2) == 0.14
    grids = Assignment.objects.filter(current(today), mode=AssignmentMode.GRID, grid__region__name="武宁县")
    sizes = [assignment.grid.members.filter(current(today)).count() for assignment in grids.select_related("grid")]
    assert len(sizes) >= 100 and min(sizes) >= 100 and max(sizes) <= 150
    # 修水县 shows a few gaps too.
    with time_machine.travel(NOW, tick=False):
        xiushui = coverage(Region.objects.get(name="修水县"), today)
    assert 3 <= xiushui.gap_count <= 5 and xiushui.rows[0]["covered"] >= 200


@pytest.mark.django_db
def test_zhoumin_helps_three_firms_and_a_grid_of_120_and_sees_the_visits_due(demo, client):
    today = NOW.date()
    zhoumin = User.objects.get(username="zhoumin")
    rows = portfolio(zhoumin, today)
    firms = [row["entity"] for row in rows if row["mode"] == AssignmentMode.ONE_TO_ONE]
    grid = [row["entity"] for row in rows if row["mode"] == AssignmentMode.GRID]
    assert len(firms) == 3 and all(firm.above_scale for firm in firms)
    assert "江西宏丰塑胶有限公司" in {firm.name for firm in firms}
    assert len(grid) == 120 and {entity.kind for entity in grid} == {EntityKind.INDIVIDUAL}
    due = visits_due_by(zhoumin, today)
    assert 1 <= due["overdue"] <= 2 and due["count"] > due["overdue"]
    overdue = [row["entity"].name for row in due["rows"] if row["due_on"] < today]
    with time_machine.travel(NOW, tick=False):
        client.post("/accounts/login/", {"username": "zhoumin", "password": DEMO_PASSWORD})
        page = client.get("/staff/").content.decode()
    assert "本月应走访的企业" in page and f"其中{due['overdue']}户已逾期" in page
    assert all(name in page for name in overdue)
    # The county's one-to-one firms are mostly visited within their 30-day plan.
    one_to_one = Assignment.objects.filter(current(today), mode=AssignmentMode.ONE_TO_ONE, entity__region__name="武宁县")
    visited = last_visits(one_to_one.values("entity_id"))
    assert len(visited) == 243
    assert sum(today - day <= timedelta(days=30) for day in visited.values()) > 0.8 * 243


@pytest.mark.django_db
def test_hongfengs_schooling_demands_since_2020_were_all_solved(demo):
    firm = Entity.objects.get(name="江西宏丰塑胶有限公司")
    assert firm.contact_phone and firm.above_scale
    demands = list(Demand.objects.filter(entity=firm).select_related("case__category", "case__kind", "case__lead_department",
                                                                       "raised_by"))
    cases = [demand.case for demand in demands]
    assert len(cases) >= 6 and {demand.raised_by.username for demand in demands} == {"zhoumin"}
    assert min(case.created_at for case in cases).year == 2020
    for case in cases:
        assert (case.kind.code, case.category.code, case.lead_department.name) == ("enterprise", "workers-children", "武宁县教体局")
        assert (case.state, case.result, case.rating) == (State.ARCHIVED, Result.SOLVED, Rating.SATISFIED)
        closed = case.events.get(kind=CaseEventKind.CLOSED)
        assert closed.on_time and case.events.get(kind=CaseEventKind.SIGNED).on_time
    assert sum(Decimal(case.answers["children"]) for case in cases) > 30
    assert any("李南星" in case.description for case in cases)


@pytest.mark.django_db
def test_the_registry_came_in_through_the_import_with_no_refused_row(demo):
    jobs = list(ImportJob.objects.all())
    assert len(jobs) >= 3
    for job in jobs:
        assert (job.state, job.refused_count, job.created_count) == (ImportState.DONE, 0, job.total_rows), job.original_name
    events = EnterpriseEvent.objects.filter(kind=EventKind.IMPORTED)
    assert sorted(event.data["job"] for event in events) == sorted(job.pk for job in jobs)
    assert {job.uploaded_by.username for job in jobs if job.original_name.startswith("武宁县")} == {"liping"}
    assert sum(job.total_rows for job in jobs) == Entity.objects.count()
    for code in Entity.objects.values_list("uscc", flat=True):
        assert normalize_uscc(code) == code


def test_deploy_checks_pass_with_debug_off(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 64 + "-production-like-key", "MINSHENG_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("HTTPS", None)  # the production default, not the test run's plain http
    result = subprocess.run(
        [sys.executable, "-m", "minsheng", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- fair inspections (JOURNEYS.md 12) ---------------------------------------------------------------

@pytest.mark.django_db
def test_wunings_inspections_show_quiet_days_verifiable_draws_and_the_first_offence_rules(demo, client):
    from minsheng.inspections.actions import verify_draw
    from minsheng.inspections.models import Decision, Draw, DrawState, Eligibility, Filing, FilingState, Outcome
    from minsheng.inspections.queries import quiet_rules_covering

    with time_machine.travel(NOW, tick=False):
        # Every state a visit can be in is on show.
        assert set(Filing.objects.values_list("state", flat=True)) == set(FilingState.values)
        # The quiet days keep 规上 firms free on the 1st-25th; the bakery is not one of them.
        bakery = Filing.objects.filter(entity__industry__code="5222", state=FilingState.APPROVED).get().entity
        above = Entity.objects.filter(region__name="武宁县", above_scale=True).first()
        assert quiet_rules_covering(above, NOW.date().replace(day=10)) and not quiet_rules_covering(bakery, NOW.date().replace(day=10))
        # Both quarters' draws are over the county's 219 规上 firms and re-run to the recorded result.
        draws = list(Draw.objects.filter(state=DrawState.DRAWN).order_by("number"))
        assert [draw.pool_targets for draw in draws] == [219, 219] and all(verify_draw(draw).matches for draw in draws)
        third = draws[0]
        assert third.filings.count() == third.drawn_count
        assert set(third.filings.values_list("state", flat=True)) == {FilingState.PUBLISHED}
        page = client.get(f"/inspections/draws/{draws[1].number}/").content.decode()
        assert draws[1].pool_hash in page and "中国福利彩票" in page
        # A first offence exempted with an education notice; a repeat fined at the legal minimum.
        exempted = Decision.objects.filter(outcome=Outcome.NO_PENALTY, entity__industry__code="5222").get()
        assert exempted.eligibility == Eligibility.EXEMPT and exempted.notice_number
        fined = Decision.objects.get(outcome=Outcome.FINE)
        assert fined.eligibility == Eligibility.MINIMUM and fined.fine == fined.violation_type.fine_min
        assert Decision.objects.filter(entity=fined.entity, outcome=Outcome.NO_PENALTY).exists()
        # The published results are public; one visit is past its limit and the figures say so.
        results = client.get("/inspections/results/").content.decode()
        assert fined.entity.name in results
        assert Filing.objects.filter(state=FilingState.INSPECTED, publish_due__lt=NOW.date()).count() == 1
        client.force_login(User.objects.get(username="xiongwei"))
        figures = client.get("/inspections/staff/figures/").content.decode()
        assert "武宁县市场监管局" in figures and "企业主动申请 1次" in figures and "投诉举报、转办交办线索核查 1次" in figures
        # The bakery's approved visit: its code shows who comes.
        filing = Filing.objects.get(entity=bakery, state=FilingState.APPROVED)
        client.logout()
        page = client.post("/inspections/check/", {"number": filing.number, "code": filing.check_code}).content.decode()
        assert bakery.name in page and filing.inspectors.first().certificate_number in page


# --- enterprise policies (JOURNEYS.md 13) ------------------------------------------------------------

@pytest.mark.django_db
def test_a_county_policy_finds_its_14_firms_and_every_delivery_step_is_on_show(demo):
    from django.db.models import Count, F

    from minsheng.policies import queries
    from minsheng.policies.models import Delivery, Payout, PayoutState, Policy, PolicyEvent, PolicyState
    from minsheng.policies.models import EventKind as PolicyEventKind

    today = NOW.date()
    with time_machine.travel(NOW, tick=False):
        # 专精特新 firms whose revenue grew 15% last year: 5万 each, without applying.
        policy = Policy.objects.get(document_number="武府办发〔2026〕46号")
        assert (policy.region.name, policy.issuer.name, policy.delivery, policy.amount) == (
            "武宁县", "武宁县工信局", Delivery.AUTOMATIC, Decimal("50000.00"))
        eligible = queries.eligible(policy, today)
        assert eligible.count() == 14
        payouts = list(Payout.objects.filter(policy=policy))
        assert {payout.entity_id for payout in payouts} == set(eligible.values_list("pk", flat=True))
        assert {(payout.state, payout.publicity_ends_on > today) for payout in payouts} == {(PayoutState.PUBLICIZED, True)}
        # The library: the city's and two counties', some late, a draft, expired ones.
        assert Policy.objects.count() >= 30 and queries.in_force(today).count() >= 30
        assert set(Policy.objects.values_list("region__name", flat=True)) == {"九江市", "武宁县", "修水县"}
        assert queries.in_force(today).filter(delivery=Delivery.AUTOMATIC).count() >= 5
        assert Policy.objects.filter(state=PolicyState.DRAFT).count() == 1
        assert Policy.objects.filter(state=PolicyState.PUBLISHED, valid_to__lt=today).count() == 2
        assert Policy.objects.filter(published_at__date__gt=F("publish_due")).count() == 1
        assert Policy.objects.exclude(exclusive_group="").count() == 2
    # Every step of 免申即享: listed, waiting for budget, confirmed, listed publicly, ordered, paid,
    # rejected; an objection; a payment late; a second reward of an exclusivity group refused.
    assert set(Payout.objects.values_list("state", flat=True)) == set(PayoutState.values)
    assert PolicyEvent.objects.filter(kind=PolicyEventKind.OBJECTED).count() == 1
    assert PolicyEvent.objects.filter(kind=PolicyEventKind.PAID, data__late=True).count() == 1
    assert Payout.objects.filter(state=PayoutState.REJECTED, note__contains="不能重复享受").exists()
    # Payments made this year by the city's policies and each county's, side by side.
    paid = dict(Payout.objects.filter(year=2026, state=PayoutState.PAID).values_list("policy__region__name")
                .annotate(n=Count("pk")).order_by())
    assert set(paid) == {"九江市", "武宁县", "修水县"} and min(paid.values()) >= 3


@pytest.mark.django_db
def test_wangqins_firm_meets_two_policies_misses_one_by_employees_and_applications_are_cases(demo):
    from minsheng.cases.models import Notification
    from minsheng.cases.queries import supervision_board
    from minsheng.policies import queries
    from minsheng.policies.models import ApplicationStage, Delivery, PayoutState, PolicyApplication

    today = NOW.date()
    firm = Entity.objects.get(uscc="913604237279231050")
    assert (firm.name, firm.contact_name, firm.region.name) == ("江西卓德石英材料有限公司", "王琴", "武宁县") and firm.contact_phone
    with time_machine.travel(NOW, tick=False):
        found = queries.policies_for(firm, today)
    met = [policy for policy, missing in found if not missing]
    assert sorted(policy.title for policy in met) == ["九江市中小企业数字化转型奖补", "武宁县重点中小企业成长培育奖励"]
    assert {policy.delivery for policy in met} == {Delivery.APPLICATION}
    [(near, [condition])] = [(policy, missing) for policy, missing in found if len(missing) == 1]
    assert (near.title, condition.field) == ("武宁县企业稳岗扩岗补贴", "employees")
    assert not PolicyApplication.objects.filter(entity=firm).exists()
    assert Notification.objects.filter(recipient_address=firm.contact_phone, subject__contains="重点中小企业成长培育").exists()
    # Applications in every stage, one explaining the condition it misses.
    applications = list(PolicyApplication.objects.select_related("case", "payout"))
    assert {application.stage for application in applications} >= {
        ApplicationStage.SUBMITTED, ApplicationStage.REVIEWED, ApplicationStage.PUBLICIZED, ApplicationStage.ORDERED,
        ApplicationStage.PAID, ApplicationStage.REJECTED}
    [explained] = [application for application in applications if application.explanation]
    assert explained.missing == ["上一年度从业人员不低于20人"] and explained.stage == ApplicationStage.SUBMITTED
    # A payment past its case's limit: red on 李萍's supervision board, the ladder climbed.
    [late] = [application for application in applications
              if application.case.due_at and application.case.due_at < NOW and application.payout
              and application.payout.state == PayoutState.ORDERED]
    board, cases = supervision_board(User.objects.get(username="liping"), NOW)
    assert late.case in cases and late.case.supervision_level >= 2
    assert any(row.department == "武宁县工信局" and row.overdue >= 1 for row in board)


# --- the business-environment evaluation (issue 14) ---------------------------------------------------

@pytest.mark.django_db
def test_the_evaluation_shows_the_reports_indicators_ranking_full_marks_and_reform_list(demo):
    from minsheng.evaluation import measures, queries
    from minsheng.evaluation.demo.framework_2020 import FULL_MARKS
    from minsheng.evaluation.models import Benchmark, Framework, Measurement, ReformTask, SecondIndicator, Service
    from minsheng.org.models import RegionLevel

    today = NOW.date()
    framework = Framework.objects.get(name="营商环境评价指标体系", year=2020)
    # The 2020 national framework: 18 first-level indicators, 87 second-level ones.
    assert [first.name for first in framework.first_indicators.all()] == [
        "开办企业", "劳动力市场监管", "办理建筑许可", "政府采购", "招标投标", "获得电力", "获得用水用气", "登记财产", "获得信贷",
        "保护中小投资者", "知识产权创造、保护和运用", "跨境贸易", "纳税", "执行合同", "办理破产", "市场监管", "政务服务", "包容普惠创新"]
    assert SecondIndicator.objects.filter(first__framework=framework).count() == 87
    # The city and its 13 counties measured in 2020 and 2021; 瑞昌市 first of the counties in 2020.
    assert Measurement.objects.filter(period=2020).count() == Measurement.objects.filter(period=2021).count() == 14 * 87
    board = queries.board(framework, 2020)
    assert len(board.regions) == 13 and board.regions[0].region.name == "瑞昌市" and board.regions[0].complete
    assert len(queries.board(framework, 2021).regions) == 13
    # The three indicators at the national best: full marks for 九江市, and only those flagged anywhere.
    [city] = queries.board(framework, 2020, level=RegionLevel.CITY).regions
    assert sorted(indicator.name for indicator in city.full_marks) == sorted(FULL_MARKS)
    assert {indicator.name for row in board.regions for indicator in row.full_marks} == set(FULL_MARKS)
    # A benchmark city for each first-level indicator, with its value beside ours.
    benchmarks = Benchmark.objects.filter(first__framework=framework)
    assert benchmarks.count() == 18 and benchmarks.values("first").distinct().count() == 18
    assert not benchmarks.filter(value__isnull=True).exists()
    gaps = queries.gaps(framework, city.region, 2021)
    assert len(gaps) == 18 and all(gap.ours is not None and gap.gap >= 0 for gap in gaps)
    # The 158-task reform list over the 18 indicators, on the pledge engine: most done, some late.
    assert ReformTask.objects.filter(first__framework=framework).count() == 158
    progress = queries.reform_progress(framework, today)
    assert all(row.total for row in progress) and sum(row.total for row in progress) == 158
    assert (sum(row.done for row in progress), sum(row.late for row in progress),
            sum(row.not_started for row in progress)) == (104, 9, 5)
    # Services the platform runs are measured from its events.
    for measure in ("policy_application", "stuck_matter"):
        assert measures.measure(Service.objects.get(measure=measure), today.replace(month=1, day=1), today).count > 0


@pytest.mark.django_db
def test_two_heads_of_wuning_walked_their_services_and_one_rectification_is_open(demo):
    from minsheng.evaluation import queries
    from minsheng.evaluation.models import WalkThrough
    from minsheng.pledges.models import ListKind, Status
    from minsheng.pledges.rules import can_post_progress

    today = NOW.date()
    walks = list(WalkThrough.objects.filter(service__department__region__name="武宁县").order_by("walked_on"))
    assert [(walk.walker.username, walk.service.department.name, walk.service.name) for walk in walks] == [
        ("xiongwei", "武宁县市场监管局", "企业开办"), ("luzhigang", "武宁县自然资源局", "不动产登记（存量房转移登记）")]
    assert all(3 <= len(minutes) <= 6 and min(minutes) > 0
               for minutes in (list(walk.walk_steps.values_list("minutes", flat=True)) for walk in walks))
    business, housing = (queries.walk_outcome(walk, today) for walk in walks)
    # 企业开办: every problem fixed, the service cut; 不动产登记: one problem still open.
    assert (len(business.problems), business.open, len(housing.problems), housing.open) == (3, 0, 3, 1)
    assert business.before == {"steps": 6, "materials": 6, "promised_days": 3, "online": False}
    assert business.after == {"steps": 3, "materials": 4, "promised_days": 1, "online": True}
    assert housing.after is None
    lists = {problem.item.pledge_list for problem, _ in business.problems + housing.problems}
    assert [(found.kind, found.title) for found in lists] == [(ListKind.RECTIFICATION, "2026年武宁县局长走流程问题整改清单")]
    # The open one is under way, and the head who walked posts its progress himself.
    [open_task] = [problem.item for problem, status in housing.problems if status != Status.DONE]
    assert 0 < open_task.percent < 100 and open_task.deadline > today
    assert can_post_progress(User.objects.get(username="luzhigang"), open_task)


# --- city stations (issue 15) ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_stations_demo_has_xunyang_station_its_duty_an_inspection_fixed_and_cases_on_the_map(demo, client):
    from minsheng.cases.models import Case
    from minsheng.stations import queries
    from minsheng.stations.models import HolidayPlan, Problem, Station, StationCase

    stations = Station.objects.exclude(status="closed")
    assert stations.count() >= 20
    assert set(stations.values_list("region__name", flat=True)) == {"浔阳区", "濂溪区"}
    xunyang = Station.objects.get(name="城市驿站·浔阳站")
    assert "花果园北路" in xunyang.address and xunyang.operator.name == "浔阳区城管局"
    assert {"toilet", "tea", "reading", "rest", "store", "hot-water", "medicine", "umbrella", "charging", "wifi",
            "red-reading"} <= set(queries.amenities_of(xunyang))
    new_year = HolidayPlan.objects.get(station=xunyang, date="2027-01-01")
    assert new_year.holiday == "元旦" and new_year.duty_staff and new_year.spans == [[480, 1200]]
    fixed = Problem.objects.get(station=xunyang)
    assert fixed.fixed_on <= fixed.deadline and fixed.status(NOW.date()) == "已整改"
    assert [p.status(NOW.date()) for p in Problem.objects.filter(fixed_on__isnull=True).order_by("deadline")] == [
        "逾期未整改", "整改中"]
    feedback = StationCase.objects.get()
    assert feedback.case.lead_department.name == "浔阳区城管局" and feedback.case.state == State.CLOSED
    # Cases with coordinates for the maps, and the public finder answers from a typed place.
    assert Case.objects.filter(latitude__isnull=False).count() > 100
    page = client.get("/stations/", {"place": "花果园北路", "amenity": "hot-water"})
    assert page.status_code == 200 and page.context["rows"][0]["station"] == xunyang
