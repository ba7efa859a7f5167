"""Every scorecard figure of the demo, recomputed from the raw CaseEvent rows by a second,
independent implementation written from the definitions (scorecards/definitions.py) as a
reader of the 口径 would apply them: walk each case's events in order, find where each stage
ended, count. It shares no code with the scorecards: not their queries, not their counts, not
the working-day clock (working days come straight from chinese_calendar here).

Compared for every department and every month of the demo (May 2021 to the demo's "now"),
a few odd periods, and the monthly trends."""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import groupby

import chinese_calendar
import pytest
import time_machine
from django.utils import timezone

from minsheng.cases.models import Case, CaseEvent
from minsheng.cases.scorecards import DEFINITIONS, Period, build_trends, department_scores
from minsheng.cases.tests.test_demo_cases import NOW, SHANGHAI, demo  # noqa: F401 (the module's demo fixture)
from minsheng.org.models import Department, User

pytestmark = pytest.mark.django_db


# --- the second implementation ------------------------------------------------------------------


def working_days_after(start: date, end: date) -> int:
    """Working days d with start < d <= end, by the official calendar."""
    return sum(1 for n in range(1, (end - start).days + 1) if chinese_calendar.is_workday(start + timedelta(days=n)))


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def load_history():
    """Each case's events in the order they happened, and each case's current due time."""
    rows = CaseEvent.objects.order_by("case_id", "created_at", "id").values(
        "id", "case_id", "kind", "created_at", "department_id", "on_time", "working_days", "outcome"
    )
    histories = {case_id: list(events) for case_id, events in groupby(rows, key=lambda e: e["case_id"])}
    due = dict(Case.objects.values_list("id", "due_at"))
    return histories, due


def first_after(events, index, kinds):
    return next((e for e in events[index + 1:] if e["kind"] in kinds), None)


def last_before(events, index, kinds):
    return next((e for e in reversed(events[:index]) if e["kind"] in kinds), None)


def recompute(histories, due, first: datetime, after: datetime, now: datetime) -> dict:
    """Per department id: each figure of the definitions as (numerator, denominator)."""
    tally: dict[int, Counter] = defaultdict(Counter)
    for case_id, events in histories.items():
        for i, event in enumerate(events):
            kind = event["kind"]
            if not first <= event["created_at"] < after or event["department_id"] is None:
                continue
            if kind not in ("dispatched", "return_upheld", "signed", "reopened", "closed"):
                continue  # begins no stage
            t = tally[event["department_id"]]
            if kind in ("dispatched", "return_upheld"):
                # 派单: how did the department answer it?
                t["received"] += kind == "dispatched"
                t["dispatches"] += 1
                answer = first_after(events, i, ("signed", "returned", "withdrawn"))
                if answer is None:
                    t["late unanswered"] += due[case_id] < now
                elif answer["kind"] == "signed":
                    t["signed in time" if answer["on_time"] else "signed late"] += 1
                elif answer["kind"] == "returned":
                    t["returned in time" if answer["on_time"] else "returned late"] += 1
                    following = first_after(events, i, ("dispatched", "return_upheld"))
                    if following is not None:
                        handed_back = following["kind"] == "return_upheld" or following["department_id"] == event["department_id"]
                        t["return rejected" if handed_back else "return accepted"] += 1
            if kind in ("signed", "reopened"):
                # 办理轮次: closed in time, late, or still open?
                t["cycles"] += 1
                end = first_after(events, i, ("closed", "withdrawn"))
                if end is None:
                    t["cycles late open"] += due[case_id] < now
                elif end["kind"] == "closed":
                    t["cycles closed in time" if end["on_time"] else "cycles closed late"] += 1
            if kind == "closed":
                # 办结: what the department reported, what the resident said, how long this cycle took.
                t["closings"] += 1
                solved = event["outcome"] == "solved"
                t["reported solved"] += solved
                callback = first_after(events, i, ("rated", "reopened", "archived"))
                if callback is not None and callback["kind"] == "rated":
                    assert callback["outcome"] in ("satisfied", "basically")
                    t["answered"] += 1
                    t["satisfied"] += 1
                    t["solved and confirmed"] += solved
                elif callback is not None and callback["kind"] == "reopened":
                    t["answered"] += 1
                    t["rejected"] += 1
                began = last_before(events, i, ("dispatched", "return_upheld", "reopened"))
                t["days"] += working_days_after(local_day(began["created_at"]), local_day(event["created_at"]))
    return {
        department_id: {
            "received": t["received"],
            "sign_rate": (t["signed in time"], t["signed in time"] + t["signed late"] + t["returned late"] + t["late unanswered"]),
            "response_rate": (
                t["signed in time"] + t["returned in time"],
                t["signed in time"] + t["signed late"] + t["returned in time"] + t["returned late"] + t["late unanswered"],
            ),
            "return_rate": (t["returned in time"] + t["returned late"], t["dispatches"]),
            "return_accepted_rate": (t["return accepted"], t["dispatches"]),
            "return_rejected_rate": (t["return rejected"], t["dispatches"]),
            "on_time_rate": (
                t["cycles closed in time"], t["cycles closed in time"] + t["cycles closed late"] + t["cycles late open"]
            ),
            "reported_solve_rate": (t["reported solved"], t["closings"]),
            "solve_rate": (t["solved and confirmed"], t["answered"]),
            "satisfaction_rate": (t["satisfied"], t["answered"]),
            "reopen_rate": (t["rejected"], t["closings"]),
            "average_days": (t["days"], t["closings"]),
        }
        for department_id, t in tally.items()
    }


# --- the comparison ------------------------------------------------------------------------------


def production(period: Period, now: datetime) -> dict:
    return {
        score.department_id: {"received": score.received}
        | {d.key: (score.rate(d.key).numerator, score.rate(d.key).denominator) for d in DEFINITIONS}
        for score in department_scores(period, Department.objects.all(), now)
    }


def months(start: date, end: date):
    while start <= end:
        following = (start + timedelta(days=32)).replace(day=1)
        yield Period(start, min(following - timedelta(days=1), end))
        start = following


def test_every_figure_of_the_demo_agrees_with_an_independent_recomputation(demo):  # noqa: F811
    histories, due = load_history()
    periods = list(months(date(2021, 5, 1), local_day(NOW)))
    periods += [Period(date(2026, 10, 8), date(2026, 10, 14)), Period(date(2025, 12, 1), date(2026, 11, 26)),
                Period(date(2026, 11, 26), date(2026, 11, 26))]
    compared, late_unsigned = 0, 0
    for period in periods:
        first, after = period.bounds()
        expected = recompute(histories, due, first, after, NOW)
        assert production(period, NOW) == expected, period
        compared += sum(len(figures) for figures in expected.values())
        late_unsigned += sum(1 for f in expected.values() if f["sign_rate"][1] > 0)
    assert len(periods) == 70 and compared > 3000 and late_unsigned > 100  # the comparison saw the whole demo

    # The demo has what the definitions distinguish: stages open past their limit, rejected
    # closings, both kinds of return, reopened cases with more than one cycle.
    last_year = recompute(histories, due, *Period(date(2025, 12, 1), date(2026, 11, 26)).bounds(), NOW)
    hukou_housing = Department.objects.get(name="湖口县住建局").pk
    assert last_year[hukou_housing]["sign_rate"][1] > last_year[hukou_housing]["sign_rate"][0]
    totals = Counter()
    for figures in last_year.values():
        for key in ("return_accepted_rate", "return_rejected_rate", "reopen_rate"):
            totals[key] += figures[key][0]
        totals["claimed but rejected"] += figures["reported_solve_rate"][0] - figures["solve_rate"][0]
    assert all(totals[key] > 0 for key in ("return_accepted_rate", "return_rejected_rate", "reopen_rate", "claimed but rejected"))


def test_an_unsigned_case_past_its_limit_lowers_its_departments_rate_in_the_demo(demo):  # noqa: F811
    """湖口县住建局 has cases sitting unsigned past their limit on the demo's morning (issue 8:
    its 签收及时率 read 100% while they waited)."""
    waiting = Case.objects.filter(state="dispatched", due_at__lt=NOW, lead_department__name="湖口县住建局")
    assert waiting.exists()
    dispatched = min(timezone.localtime(case.assigned_at).date() for case in waiting)
    period = Period(dispatched.replace(day=1), local_day(NOW))
    [housing] = [s for s in department_scores(period, Department.objects.filter(name="湖口县住建局"), NOW)]
    assert housing.unsigned_overdue >= waiting.filter(assigned_at__date__gte=period.start).count() > 0
    assert housing.rate("sign_rate").value < 1


def test_the_monthly_trends_agree_with_the_independent_recomputation(demo):  # noqa: F811
    histories, due = load_history()
    leader = User.objects.filter(role_grants__role="leader", department__region__level="city").first()
    assert leader is not None
    with time_machine.travel(NOW, tick=False):
        trend = build_trends(leader, now=NOW)
    assert [month.strftime("%Y-%m") for month in trend.months] == [f"{y}-{m:02d}" for y, m in
                                                                  [(2025, 12)] + [(2026, n) for n in range(1, 12)]]
    for month, score in zip(trend.months, trend.total):
        period = next(months(month, month.replace(day=28) + timedelta(days=4)))
        expected = recompute(histories, due, *period.bounds(), NOW)
        for definition in DEFINITIONS:
            numerator = sum(figures[definition.key][0] for figures in expected.values())
            denominator = sum(figures[definition.key][1] for figures in expected.values())
            rate = score.rate(definition.key)
            assert (rate.numerator, rate.denominator) == (numerator, denominator), (month, definition.key)
            assert rate.value == (Fraction(numerator, denominator) if denominator else None)
