"""办件考核: department scorecards computed from the events the real actions write."""

import io
from datetime import date, datetime
from fractions import Fraction
from types import SimpleNamespace
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.cases import actions, scorecards
from minsheng.cases.models import Rating, Result, State
from minsheng.cases.scorecards import Period, Score, build_scorecards, parse_period, rank_scores
from minsheng.core.errors import ActionError
from minsheng.testing import case_in_state, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
NOVEMBER_QUERY = {"start": "2026-11-01", "end": "2026-11-30"}


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def solved(case, people, handler=None):
    return actions.do_close_case(case, result=Result.SOLVED, text="已办理完毕", actor=handler or people.huang)


def rate(case, people, rating, comment=""):
    return actions.do_rate_case(case, rating=rating, comment=comment, actor=people.liu)


class Script:
    """Walks cases through the real actions, each step at its own time."""

    def __init__(self, people, clock):
        self.people, self.clock = people, clock

    def at(self, when, action, *args, **kwargs):
        self.clock.move_to(when)
        return action(*args, **kwargs)

    def dispatched(self, when, department=None):
        """A new 湖口县 case, registered, accepted and dispatched (to 湖口县住建局 by default) at `when`."""
        self.clock.move_to(when)
        case = case_in_state(self.people, State.ACCEPTED)
        actions.do_dispatch_case(case, department=department or self.people.hukou_housing, actor=self.people.liu)
        return case


@pytest.fixture
def november(people):
    """Six cases reach 湖口县住建局 in November 2026 (no holidays that month):

    A  signed on time, solved in 2 working days, 满意.
    B  signed two days late, solved on time (4 working days), 基本满意.
    C  returned the day it came (退单); re-dispatched to 湖口县自然资源局, which solves it at once (满意).
    D  solved, rated 不满意 (重办), solved again (4 working days from dispatch), then 满意.
    E  closed 无法解决 two days past its 10-working-day limit (12 working days); not yet called back.
    F  signed, still being handled.
    And one case dispatched to 浔阳区住建局, not yet signed.
    """
    p = people
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False) as clock:
        s = Script(p, clock)

        a = s.dispatched(at(2026, 11, 2, 10, 0))
        s.at(at(2026, 11, 2, 11, 0), actions.do_sign_case, a, actor=p.huang)
        s.at(at(2026, 11, 4, 15, 0), solved, a, p)
        s.at(at(2026, 11, 5, 9, 0), rate, a, p, Rating.SATISFIED)

        b = s.dispatched(at(2026, 11, 2, 10, 30))  # sign-for due at the end of Tuesday 11-03
        s.at(at(2026, 11, 5, 9, 0), actions.do_sign_case, b, actor=p.huang)
        s.at(at(2026, 11, 6, 16, 0), solved, b, p)
        s.at(at(2026, 11, 9, 9, 0), rate, b, p, Rating.BASICALLY)

        c = s.dispatched(at(2026, 11, 3, 10, 0))
        s.at(at(2026, 11, 3, 15, 0), actions.do_return_case, c, reason="非本单位职责", legal_basis="三定方案", actor=p.huang)
        s.at(at(2026, 11, 4, 9, 0), actions.do_dispatch_case, c, department=p.hukou_land, actor=p.liu)
        s.at(at(2026, 11, 4, 10, 0), actions.do_sign_case, c, actor=p.wu)
        s.at(at(2026, 11, 5, 10, 0), solved, c, p, p.wu)
        s.at(at(2026, 11, 6, 10, 0), rate, c, p, Rating.SATISFIED)

        d = s.dispatched(at(2026, 11, 3, 10, 0))
        s.at(at(2026, 11, 3, 11, 0), actions.do_sign_case, d, actor=p.huang)
        s.at(at(2026, 11, 5, 15, 0), solved, d, p)
        s.at(at(2026, 11, 6, 9, 0), rate, d, p, Rating.UNSATISFIED, "电梯还是没有装")
        s.at(at(2026, 11, 9, 15, 0), solved, d, p)
        s.at(at(2026, 11, 10, 9, 0), rate, d, p, Rating.SATISFIED)

        e = s.dispatched(at(2026, 11, 4, 10, 0))
        s.at(at(2026, 11, 4, 11, 0), actions.do_sign_case, e, actor=p.huang)  # due at the end of 11-18
        s.at(
            at(2026, 11, 20, 10, 0), actions.do_close_case, e, result=Result.UNSOLVABLE, text="产权纠纷",
            basis="产权争议须经法院裁决，已告知诉讼途径", actor=p.huang,
        )

        f = s.dispatched(at(2026, 11, 5, 10, 0))
        s.at(at(2026, 11, 5, 11, 0), actions.do_sign_case, f, actor=p.huang)

        clock.move_to(at(2026, 11, 6, 10, 0))
        x, _ = register(p, region=p.xunyang, actor=p.sun)
        actions.do_accept_case(x, actor=p.sun)
        actions.do_dispatch_case(x, department=p.xunyang_housing, actor=p.sun)

        clock.move_to(at(2026, 11, 30, 18, 0))
        yield SimpleNamespace(clock=clock, cases=(a, b, c, d, e, f, x))


def row(report, name):
    [score] = [score for score in [*report.rows, *report.regions] if score.name == name]
    return score


def figures(score):
    """Every figure of the table as the page shows it, by column heading."""
    return {"办件量": score.volume} | {d.label: str(rate) for d, rate in score.figures} | {"综合得分": score.composite_display}


def test_it_counts_each_rate_over_its_cohort(people, november):
    report = build_scorecards(people.liu, NOVEMBER)
    housing = row(report, "湖口县住建局")
    assert figures(housing) == {
        "办件量": 6,  # A to F
        "签收及时率": "80.0%",  # 4 of 5 signed in time (B late; C returned in time: not a signing)
        "按时办结率": "66.7%",  # 4 of 6 cycles (A, B, D, D again); E closed late, F still open past its limit
        "办结解决率（部门自报）": "80.0%",  # 4 of 5 closings reported 已解决 (E 无法解决)
        "退单率": "16.7%",  # C, 1 of 6 dispatches
        "退单获认可率": "16.7%",  # C went to 湖口县自然资源局
        "退单被驳回率": "0.0%",
        "重办率": "20.0%",  # D's first closing, 1 of 5
        "平均办理用时": "4.2",  # (2 + 4 + 2 + 1 + 12) / 5: D's second cycle from its reopening
        "响应率": "83.3%",  # 5 of 6 answered in time: signed (A, D, E, F) or returned with reasons (C)
        "解决率": "75.0%",  # A, B, D again confirmed at the callback; D's first closing rejected; E not yet called
        "满意率": "75.0%",  # 3 of 4 callbacks
        "综合得分": "74.2",  # (80 + 66.67 + 75 + 75) / 4
    }
    assert {d.key: housing.rate(d.key).detail for d in scorecards.DEFINITIONS} == {
        "sign_rate": "4/5", "on_time_rate": "4/6", "reported_solve_rate": "4/5", "return_rate": "1/6",
        "return_accepted_rate": "1/6", "return_rejected_rate": "0/6", "reopen_rate": "1/5",
        "average_days": "21/5", "response_rate": "5/6", "solve_rate": "3/4", "satisfaction_rate": "3/4",
    }
    assert housing.composite == (Fraction(4, 5) + Fraction(4, 6) + Fraction(3, 4) + Fraction(3, 4)) / 4
    assert housing.rank == 1

    land = row(report, "湖口县自然资源局")  # the re-dispatch counts as received
    assert figures(land) | {"综合得分": None} == {
        "办件量": 1, "签收及时率": "100.0%", "按时办结率": "100.0%", "办结解决率（部门自报）": "100.0%",
        "退单率": "0.0%", "退单获认可率": "0.0%", "退单被驳回率": "0.0%", "重办率": "0.0%", "平均办理用时": "1.0",
        "响应率": "100.0%", "解决率": "100.0%", "满意率": "100.0%", "综合得分": None,
    }

    hukou = row(report, "湖口县")  # the county: its departments' stages counted together
    assert figures(hukou) | {"综合得分": None} == {
        "办件量": 7, "签收及时率": "83.3%", "按时办结率": "71.4%", "办结解决率（部门自报）": "83.3%",
        "退单率": "14.3%", "退单获认可率": "14.3%", "退单被驳回率": "0.0%", "重办率": "16.7%", "平均办理用时": "3.7",
        "响应率": "85.7%", "解决率": "80.0%", "满意率": "80.0%", "综合得分": None,
    }


def test_a_still_overdue_unsigned_case_lowers_its_departments_sign_rate(people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as clock:
        s = Script(people, clock)
        signed = s.dispatched(at(2026, 11, 2, 9, 0))
        s.at(at(2026, 11, 2, 10, 0), actions.do_sign_case, signed, actor=people.huang)
        waiting = s.dispatched(at(2026, 11, 2, 11, 0))  # one working day to sign: due at 24:00 on 11-03

        clock.move_to(at(2026, 11, 3, 23, 59))  # still within the limit: not counted yet
        housing = row(build_scorecards(people.liu, NOVEMBER), "湖口县住建局")
        assert (str(housing.rate("sign_rate")), housing.rate("sign_rate").detail) == ("100.0%", "1/1")

        clock.move_to(at(2026, 11, 4, 0, 1))  # past the limit and still unsigned: late
        housing = row(build_scorecards(people.liu, NOVEMBER), "湖口县住建局")
        assert (str(housing.rate("sign_rate")), housing.rate("sign_rate").detail) == ("50.0%", "1/2")
        assert str(housing.rate("response_rate")) == "50.0%"
        assert housing.unsigned_overdue == 1

        # Signing it late keeps it late, in the same cohort.
        s.at(at(2026, 11, 5, 9, 0), actions.do_sign_case, waiting, actor=people.huang)
        housing = row(build_scorecards(people.liu, NOVEMBER), "湖口县住建局")
        assert housing.rate("sign_rate").detail == "1/2" and housing.unsigned_overdue == 0


def test_the_page_shows_the_lowered_sign_rate(people, client):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as clock:
        s = Script(people, clock)
        for hour in (9, 10, 11):
            s.at(at(2026, 11, 2, hour, 30), actions.do_sign_case, s.dispatched(at(2026, 11, 2, hour, 0)), actor=people.huang)
        s.dispatched(at(2026, 11, 2, 15, 0))
        clock.move_to(at(2026, 11, 10, 9, 0))
        client.force_login(people.liu)
        page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY).content.decode()
    cells = page.split("湖口县住建局</th>", 1)[1].split("</tr>", 1)[0]
    assert 'title="签收及时率 3/4">75.0%</td>' in cells


def test_a_closing_the_resident_rejected_is_not_counted_as_solved(people, november):
    housing = row(build_scorecards(people.liu, NOVEMBER), "湖口县住建局")
    # D's first closing said 已解决; the resident said 不满意: the department counts it, the residents do not.
    assert housing.reported_solved == 4 and housing.confirmed_solved == 3
    assert (housing.satisfied, housing.reopened) == (3, 1)


def test_returns_are_split_into_accepted_and_rejected(people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as clock:
        s = Script(people, clock)
        wrong = s.dispatched(at(2026, 11, 2, 9, 0))
        s.at(at(2026, 11, 2, 10, 0), actions.do_return_case, wrong, reason="非本单位职责", legal_basis="三定方案", actor=people.huang)
        s.at(at(2026, 11, 2, 11, 0), actions.do_dispatch_case, wrong, department=people.hukou_land, actor=people.liu)
        refused = s.dispatched(at(2026, 11, 3, 9, 0))
        s.at(at(2026, 11, 3, 10, 0), actions.do_return_case, refused, reason="非本单位职责", legal_basis="三定方案", actor=people.huang)
        s.at(at(2026, 11, 3, 11, 0), actions.do_uphold_dispatch, refused, reason="属住建职责", actor=people.liu)
        s.at(at(2026, 11, 3, 14, 0), actions.do_sign_case, refused, actor=people.huang)
        waiting = s.dispatched(at(2026, 11, 4, 9, 0))
        s.at(at(2026, 11, 4, 10, 0), actions.do_return_case, waiting, reason="非本单位职责", legal_basis="三定方案", actor=people.huang)
        clock.move_to(at(2026, 11, 30, 9, 0))
        housing = row(build_scorecards(people.liu, NOVEMBER), "湖口县住建局")
    # Four dispatches: three first dispatches and the one handed back after the rejected return.
    assert (housing.received, housing.sign_stages) == (3, 4)
    assert {key: housing.rate(key).detail for key in ("return_rate", "return_accepted_rate", "return_rejected_rate")} == {
        "return_rate": "3/4", "return_accepted_rate": "1/4", "return_rejected_rate": "1/4",  # one still undecided
    }
    assert housing.rate("sign_rate").detail == "1/1"  # the handed-back dispatch, signed in time
    assert housing.rate("response_rate").detail == "4/4"


def test_one_quick_case_does_not_top_the_ranking(people, november):
    report = build_scorecards(people.liu, NOVEMBER)
    land = row(report, "湖口县自然资源局")
    assert land.composite == 1  # a perfect record from a single case...
    assert [s.name for s in report.ranked] == ["湖口县住建局"]  # ...is not ranked
    assert [s.name for s in report.unranked] == ["湖口县自然资源局"]
    assert land.rank is None and land.unranked_reason == "办件量不足，不参与排名"
    assert report.min_volume == scorecards.MIN_RANKED_VOLUME == 5


def test_the_minimum_volume_is_the_module_constant(people, november, monkeypatch):
    monkeypatch.setattr(scorecards.report, "MIN_RANKED_VOLUME", 1)
    report = build_scorecards(people.liu, NOVEMBER)
    assert [(s.rank, s.name) for s in report.ranked] == [(1, "湖口县自然资源局"), (2, "湖口县住建局")]


def test_equal_scores_share_a_rank():
    def score(name, volume, signed_on_time):
        return Score.of(name, received=volume, signed_on_time=signed_on_time, signed_late=10 - signed_on_time)

    ranked, unranked = rank_scores(
        [score("甲局", 9, 8), score("乙局", 6, 9), score("丙局", 9, 8), score("丁局", 7, 5), score("戊局", 4, 10)], 5
    )
    assert [(s.rank, s.name) for s in ranked] == [(1, "乙局"), (2, "丙局"), (2, "甲局"), (4, "丁局")]
    assert [s.name for s in unranked] == ["戊局"]


def test_a_rate_without_a_denominator_shows_a_dash(people, november, client):
    report = build_scorecards(people.sun, NOVEMBER)
    xunyang = row(report, "浔阳区住建局")  # dispatched on 11-06, still unsigned: nothing signed, closed or called back
    assert figures(xunyang) == {
        "办件量": 1, "签收及时率": "0.0%", "按时办结率": "—", "办结解决率（部门自报）": "—", "退单率": "0.0%",
        "退单获认可率": "0.0%", "退单被驳回率": "0.0%", "重办率": "—", "平均办理用时": "—", "响应率": "0.0%",
        "解决率": "—", "满意率": "—", "综合得分": "0.0",
    }
    assert xunyang.rate("solve_rate").value is None and xunyang.as_dict()["solve_rate"] is None
    assert xunyang.as_dict()["sign_rate"] == 0.0

    client.force_login(people.sun)
    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY).content.decode()
    cells = page.split("浔阳区住建局</th>", 1)[1].split("</tr>", 1)[0]
    assert cells.count(">—</td>") == 6 and cells.count("%</td>") == 5 and cells.count(">0.0%</td>") == 5


def test_a_department_whose_stages_are_all_still_within_their_limits_has_no_rates(people, november):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as clock:
        Script(people, clock).dispatched(at(2026, 12, 1, 9, 0), department=people.hukou_land)
        land = row(build_scorecards(people.liu, Period(date(2026, 12, 1), date(2026, 12, 1))), "湖口县自然资源局")
    assert land.volume == 1 and land.composite is None and land.composite_display == "—"
    assert [str(rate) for _d, rate in land.figures if str(rate) != "—"] == ["0.0%", "0.0%", "0.0%"]  # 退单率 and its split


def test_each_stage_belongs_to_the_period_it_began_in(people):
    # Periods are whole days in Asia/Shanghai: 2026-11-01 00:00 is 2026-10-31 16:00 UTC.
    with time_machine.travel(at(2026, 10, 31, 23, 59), tick=False) as clock:
        s = Script(people, clock)
        before = s.dispatched(at(2026, 10, 31, 23, 59))  # the last minute of October
        s.at(at(2026, 11, 1, 0, 0), actions.do_sign_case, before, actor=people.huang)  # the first of November
        s.at(at(2026, 11, 30, 23, 59), solved, before, people)  # the last minute of November
        s.at(at(2026, 12, 1, 0, 0), rate, before, people, Rating.SATISFIED)  # December
        inside = s.dispatched(at(2026, 11, 1, 0, 0))
        s.dispatched(at(2026, 12, 1, 0, 0))
        s.at(at(2026, 12, 1, 0, 1), actions.do_sign_case, inside, actor=people.huang)

        def housing(start, end):
            return row(build_scorecards(people.liu, Period(start, end)), "湖口县住建局")

        october = housing(date(2026, 10, 1), date(2026, 10, 31))
        assert (october.received, october.signed_on_time, october.cycles, october.closed) == (1, 1, 0, 0)
        november = housing(date(2026, 11, 1), date(2026, 11, 30))
        # `inside` was dispatched in November and signed late in December: November's dispatch, late.
        assert (november.received, november.signed_on_time, november.signed_late) == (1, 0, 1)
        # `before`'s handling began and ended in November; its callback came in December, and counts for November.
        assert (november.cycles, november.closed_late, november.closed, november.satisfied) == (1, 1, 1, 1)
        assert str(november.rate("satisfaction_rate")) == "100.0%"
        december = housing(date(2026, 12, 1), date(2026, 12, 1))
        assert (december.received, december.cycles, december.closed, december.satisfied) == (1, 1, 0, 0)
        assert december.rate("sign_rate").value is None  # the December dispatch is still within its limit
        assert build_scorecards(people.liu, Period(date(2026, 11, 2), date(2026, 11, 29))).rows == []


def test_it_counts_in_one_query_per_cohort_whatever_the_number_of_departments(people, november):
    with CaptureQueriesContext(connection) as queries:
        build_scorecards(people.sun, NOVEMBER)
    event_queries = [q["sql"] for q in queries.captured_queries if "cases_caseevent" in q["sql"]]
    assert len(event_queries) == 3  # dispatches, handling cycles, closings
    assert all("GROUP BY" in sql for sql in event_queries)
    # The user's roles and department, the departments in scope, the three cohorts.
    assert len(queries.captured_queries) <= 7


def test_a_county_supervisor_sees_only_his_countys_departments(people, november, client):
    client.force_login(people.liu)
    response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "湖口县住建局" in page and "湖口县自然资源局" in page
    assert "范围：湖口县全部部门" in page
    assert "浔阳" not in page
    assert 'name="region"' not in page  # one county: nothing to choose

    response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"region": people.xunyang.code})
    assert response.status_code == 400
    assert "地区“360403”不存在或不在您的管辖范围内" in response.content.decode()
    assert "浔阳区住建局" not in response.content.decode()
    response = client.get(reverse("cases:scorecards-export"), NOVEMBER_QUERY | {"region": people.xunyang.code})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_a_city_supervisor_sees_every_county_and_can_narrow_to_one(people, november, client):
    client.force_login(people.sun)
    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY).content.decode()
    assert "湖口县住建局" in page and "浔阳区住建局" in page
    assert f'<option value="{people.xunyang.code}">浔阳区</option>' in page
    report = build_scorecards(people.sun, NOVEMBER)
    assert [(s.name, s.volume) for s in report.regions] == [("浔阳区", 1), ("湖口县", 7)]
    assert report.total.volume == 8

    response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"region": people.xunyang.code})
    assert [s.name for s in response.context["report"].rows] == ["浔阳区住建局"]
    response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"region": people.city.code})
    assert response.context["report"].rows == []  # 市本级: the city's own departments, none of which had a case
    assert "范围：市本级" in response.content.decode()


def test_other_staff_see_only_their_own_departments_row(people, november, client):
    client.force_login(people.huang)
    response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"region": people.xunyang.code})
    assert response.status_code == 200  # no region filter for them: it is ignored
    report = response.context["report"]
    assert [s.name for s in report.rows] == ["湖口县住建局"]
    assert report.rows[0].rank is None
    page = response.content.decode()
    assert "湖口县自然资源局" not in page and "浔阳" not in page
    assert "排名</a>" not in page and "80.0%" in page
    assert "范围：湖口县住建局" in page

    client.force_login(people.nobody)
    response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY)
    assert "尚未关联部门" in response.content.decode() and "湖口县住建局" not in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(client):
    for name in ("cases:scorecards", "cases:scorecards-export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_period_defaults_to_the_current_month_so_far(people, client):
    with time_machine.travel(at(2026, 11, 18, 0, 30), tick=False):
        client.force_login(people.liu)
        response = client.get(reverse("cases:scorecards"))
    assert response.context["report"].period == Period(date(2026, 11, 1), date(2026, 11, 18))
    page = response.content.decode()
    assert 'value="2026-11-01"' in page and 'value="2026-11-18"' in page
    assert "2026-11-01 至 2026-11-18" in page
    assert "统计期间内没有" in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2026-13-01"}, "开始日期“2026-13-01”不是有效的日期，请按 2026-11-01 的格式填写。"),
        ({"start": "2026-11-01", "end": "11月30日"}, "结束日期“11月30日”不是有效的日期"),
        ({"start": "2026-11-20", "end": "2026-11-10"}, "结束日期（2026-11-10）不能早于开始日期（2026-11-20）。"),
        ({"start": "2025-01-01", "end": "2026-11-30"}, "统计期间最长366天"),
    ],
)
def test_a_bad_period_is_refused_with_the_field_named(people, client, query, message):
    client.force_login(people.liu)
    response = client.get(reverse("cases:scorecards"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    field = "start" if "开始日期“" in message else "end"
    assert f'id="{field}" name="{field}" value="{query[field]}" aria-invalid="true"' in response.content.decode()


def test_parse_period_fills_in_a_missing_end():
    today = date(2026, 11, 18)
    assert parse_period("", "", today=today) == Period(date(2026, 11, 1), today)
    assert parse_period("2026-10-08", None, today=today) == Period(date(2026, 10, 8), today)
    assert parse_period("", "2026-10-20", today=today) == Period(date(2026, 10, 1), date(2026, 10, 20))
    with pytest.raises(ActionError) as error:
        parse_period("0001-01-01", "", today=today)
    assert error.value.field == "start"


def test_the_table_sorts_by_each_rate_with_undefined_rates_last(people, november, client, monkeypatch):
    monkeypatch.setattr(scorecards.report, "MIN_RANKED_VOLUME", 100)  # nobody ranked: one group to sort
    client.force_login(people.sun)

    def order(sort):
        response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"sort": sort})
        return [s.name for s in response.context["report"].rows]

    assert order("-sign_rate") == ["湖口县自然资源局", "湖口县住建局", "浔阳区住建局"]
    assert order("sign_rate") == ["浔阳区住建局", "湖口县住建局", "湖口县自然资源局"]  # 0% (still unsigned, late)
    assert order("-solve_rate") == ["湖口县自然资源局", "湖口县住建局", "浔阳区住建局"]  # undefined last...
    assert order("solve_rate") == ["湖口县住建局", "湖口县自然资源局", "浔阳区住建局"]  # ...either way
    assert order("-return_rate") == ["湖口县住建局", "浔阳区住建局", "湖口县自然资源局"]
    assert order("-volume") == ["湖口县住建局", "浔阳区住建局", "湖口县自然资源局"]
    assert order("nonsense") == ["湖口县住建局", "浔阳区住建局", "湖口县自然资源局"]  # the ranking's order

    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"sort": "-sign_rate"}).content.decode()
    assert 'aria-sort="descending"><a href="?start=2026-11-01&amp;end=2026-11-30&amp;sort=sign_rate">签收及时率' in page
    assert "以下部门不参与排名：期间办件量少于100件" in page
    assert "export.xlsx?start=2026-11-01&amp;end=2026-11-30&amp;sort=-sign_rate" in page  # the export keeps the order


def test_the_export_has_the_same_table_as_the_page(people, november, client):
    client.force_login(people.sun)
    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY)
    response = client.get(reverse("cases:scorecards-export"), NOVEMBER_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("办件考核_2026-11-01_2026-11-30.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["部门考核", "地区汇总", "说明"]
    sheet = workbook["部门考核"]
    rows = list(sheet.iter_rows(values_only=True))
    labels = [d.label if not d.average else f"{d.label}（工作日）" for d in scorecards.DEFINITIONS]
    assert rows[0][:17] == ("排名", "不参与排名的原因", "部门", "地区", "办件量", *labels, "综合得分")
    assert rows[1][:17] == (
        1, None, "湖口县住建局", "湖口县", 6,
        0.8, 0.667, 0.8, 0.167, 0.167, 0.0, 0.2, 4.2, 0.833, 0.75, 0.75, 74.2,
    )
    # Not ranked: no rank, the reason in its own column; undefined figures are empty cells, not "—".
    assert rows[2][:17] == (
        None, "办件量不足，不参与排名", "浔阳区住建局", "浔阳区", 1,
        0.0, None, None, 0.0, 0.0, 0.0, None, None, 0.0, None, None, 0.0,
    )
    assert not any(cell == "—" for line in rows for cell in line)
    assert sheet["F2"].number_format == "0.0%" and sheet["L2"].number_format == "0.0%" and sheet["M2"].number_format == "0.0" and sheet["A2"].number_format == "0"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("B71C1C")
    # Every number column holds numbers or nothing.
    for index, header in enumerate(rows[0]):
        if header not in ("不参与排名的原因", "部门", "地区"):
            assert all(line[index] is None or isinstance(line[index], int | float) for line in rows[1:]), header

    # Every figure in the sheet reads the same as on the page.
    on_page = page.context["report"].rows
    assert [r[2] for r in rows[1:]] == [s.name for s in on_page]
    for cells, score in zip(rows[1:], on_page):
        shown = figures(score)
        for definition, value in zip(scorecards.DEFINITIONS, cells[5:16]):
            if value is None:
                expected = "—"
            elif definition.average:
                expected = f"{value:.1f}"
            else:
                expected = f"{value * 100:.1f}%"
            assert expected == shown[definition.label], definition.label
        assert (f"{cells[16]:.1f}" if cells[16] is not None else "—") == shown["综合得分"]
        # The counts beside the rates add up to them.
        counts = dict(zip(rows[0], cells))
        assert counts["按时签收"] == score.signed_on_time and counts["超时未签收"] == score.unsigned_overdue

    regions = list(workbook["地区汇总"].iter_rows(values_only=True))
    assert [line[:3] for line in regions[1:]] == [("浔阳区", 1, 0.0), ("湖口县", 7, 0.833), ("合计", 8, 0.714)]


def test_the_page_and_the_excel_state_the_same_definitions(people, november, client):
    client.force_login(people.liu)
    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY).content.decode()
    response = client.get(reverse("cases:scorecards-export"), NOVEMBER_QUERY)
    notes = dict(load_workbook(io.BytesIO(response.content))["说明"].iter_rows(values_only=True))
    for definition in scorecards.DEFINITIONS:
        assert notes[definition.label] == definition.text
        assert f"<dt>{definition.label}</dt><dd>{definition.text}</dd>" in page.replace("&quot;", "\"")
    assert "按批次统计" in notes["统计方法"] and "按批次统计" in page
    assert notes["统计期间"] == "2026-11-01 至 2026-11-30" and notes["统计时点"].startswith("2026-11-30 18:00")


# --- trends -----------------------------------------------------------------------------------


def test_the_trends_give_each_month_the_figures_of_that_months_scorecard(people, november):
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        trend = scorecards.build_trends(people.liu, department=people.hukou_housing)
        october, november_card = (
            build_scorecards(people.liu, Period(date(2026, m, 1), date(2026, m, d))) for m, d in ((10, 31), (11, 30))
        )
    assert [f"{m:%Y-%m}" for m in trend.months][-3:] == ["2026-10", "2026-11", "2026-12"] and len(trend.months) == 12
    housing = trend.series[-2]
    assert {d.key: housing.rate(d.key) for d in scorecards.DEFINITIONS} == {
        d.key: row(november_card, "湖口县住建局").rate(d.key) for d in scorecards.DEFINITIONS
    }
    assert trend.total[-2].rate("sign_rate") == november_card.total.rate("sign_rate")
    assert october.rows == [] and trend.total[-3].volume == 0
    assert [name for name, _scores in trend.lines] == ["湖口县住建局", "湖口县全部部门合计"]

    data = trend.chart_data()
    assert data["months"][-2] == "2026年11月" and data["short_months"][-2] == "11月"
    [sign] = [chart for chart in data["charts"] if chart["key"] == "sign_rate"]
    assert sign["lines"][0] == {"name": "湖口县住建局", "values": [None] * 10 + [80.0, None], "details": ["0/0"] * 10 + ["4/5", "0/0"]}
    assert [chart["label"] for chart in data["charts"]][:3] == ["响应率", "解决率", "满意率"]


def test_the_trends_page_charts_a_department_the_user_may_see(people, november, client):
    client.force_login(people.liu)
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        response = client.get(reverse("cases:scorecard-trends"), {"department": people.hukou_housing.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="trend-data" type="application/json"' in page
    assert "/static/minsheng/vendor/echarts/echarts.min.js" in page and "/static/minsheng/trends.js" in page
    assert 'data-trend="sign_rate"' in page and 'data-trend="solve_rate"' in page
    assert "湖口县住建局<span class=\"meta\"> 对比 </span>湖口县全部部门合计" in page
    assert '<td class="right" title="4/5">80.0%</td>' in page  # the data table under the charts
    assert "<script>" not in page and "style=" not in page  # the Content-Security-Policy allows neither


@pytest.mark.parametrize("value", ["abc", "99999", "-1", "1" * 30, "１", "²", "٣"])
def test_a_department_the_user_may_not_see_is_refused_with_a_message(people, november, client, value):
    client.force_login(people.huang)  # sees his own department only
    value = {"99999": str(people.xunyang_housing.pk)}.get(value, value)
    response = client.get(reverse("cases:scorecard-trends"), {"department": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "所选部门不存在或不在您的查看范围内" in page
    assert "浔阳区住建局" not in page
    assert response.context["trend"].scope == "湖口县住建局"


def test_a_leaders_home_page_opens_on_the_trends(people, november, client):
    client.force_login(people.zhang)
    page = client.get(reverse("staff-home")).content.decode()
    assert "考核趋势 · 九江市全部部门" in page and 'id="trend-data"' in page and "echarts.min.js" in page
    client.force_login(people.huang)
    page = client.get(reverse("staff-home")).content.decode()
    assert "考核趋势" not in page and "echarts" not in page


def test_the_trends_are_cached_until_a_new_event(people, november):
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False) as clock:
        first = scorecards.build_trends(people.liu)
        with CaptureQueriesContext(connection) as queries:
            again = scorecards.build_trends(people.liu)
        assert again.total[-2].rate("sign_rate") == first.total[-2].rate("sign_rate")
        assert not [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]  # from the cache

        clock.move_to(at(2026, 12, 2, 9, 10))  # a new event and the cache older than TREND_MAX_STALE: counted afresh
        Script(people, clock).dispatched(at(2026, 12, 2, 9, 10))
        fresh = scorecards.build_trends(people.liu)
        assert fresh.total[-1].volume == first.total[-1].volume + 1
        assert fresh.as_of == at(2026, 12, 2, 9, 10)
