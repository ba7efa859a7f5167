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
from minsheng.core.testing import case_in_state, register

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
    return {
        "办件量": score.volume,
        "签收及时率": str(score.sign_rate),
        "按时办结率": str(score.on_time_rate),
        "解决率": str(score.solve_rate),
        "满意率": str(score.satisfaction_rate),
        "退单率": str(score.return_rate),
        "重办率": str(score.reopen_rate),
        "平均办结用时": score.average_days_display,
        "综合得分": score.composite_display,
    }


def test_it_computes_every_figure_from_the_events(people, november):
    report = build_scorecards(people.liu, NOVEMBER)
    housing = row(report, "湖口县住建局")
    assert figures(housing) == {
        "办件量": 6,  # A to F
        "签收及时率": "80.0%",  # 4 of 5 signed in time (B late; C returned unsigned)
        "按时办结率": "80.0%",  # 4 of 5 closings (A, B, D twice, E late)
        "解决率": "80.0%",  # E was unsolvable
        "满意率": "75.0%",  # A, B, D satisfied or basically; D's unsatisfied callback counts against
        "退单率": "16.7%",  # C
        "重办率": "20.0%",  # D once in 5 closings
        "平均办结用时": "4.8",  # (2 + 4 + 2 + 4 + 12) / 5 working days
        "综合得分": "78.8",  # (80 + 80 + 80 + 75) / 4
    }
    assert (housing.sign_rate.detail, housing.satisfaction_rate.detail, housing.return_rate.detail) == ("4/5", "3/4", "1/6")
    assert housing.average_days == Fraction(24, 5)
    assert housing.composite == Fraction(315, 400)
    assert housing.rank == 1

    land = row(report, "湖口县自然资源局")  # the re-dispatch counts as received
    assert figures(land) | {"综合得分": None} == {
        "办件量": 1, "签收及时率": "100.0%", "按时办结率": "100.0%", "解决率": "100.0%", "满意率": "100.0%",
        "退单率": "0.0%", "重办率": "0.0%", "平均办结用时": "1.0", "综合得分": None,
    }

    hukou = row(report, "湖口县")  # the county: the sum of its departments' events
    assert figures(hukou) | {"综合得分": None} == {
        "办件量": 7, "签收及时率": "83.3%", "按时办结率": "83.3%", "解决率": "83.3%", "满意率": "80.0%",
        "退单率": "14.3%", "重办率": "16.7%", "平均办结用时": "4.2", "综合得分": None,
    }


def test_one_quick_case_does_not_top_the_ranking(people, november):
    report = build_scorecards(people.liu, NOVEMBER)
    land = row(report, "湖口县自然资源局")
    assert land.composite == 1  # a perfect record from a single case...
    assert [s.name for s in report.ranked] == ["湖口县住建局"]  # ...is not ranked
    assert [s.name for s in report.unranked] == ["湖口县自然资源局"]
    assert land.rank is None and land.unranked_reason == "办件量不足，不参与排名"
    assert report.min_volume == scorecards.MIN_RANKED_VOLUME == 5


def test_the_minimum_volume_is_the_module_constant(people, november, monkeypatch):
    monkeypatch.setattr(scorecards, "MIN_RANKED_VOLUME", 1)
    report = build_scorecards(people.liu, NOVEMBER)
    assert [(s.rank, s.name) for s in report.ranked] == [(1, "湖口县自然资源局"), (2, "湖口县住建局")]


def test_equal_scores_share_a_rank():
    def score(name, volume, signed_on_time):
        return Score(name=name, received=volume, signed=10, signed_on_time=signed_on_time)

    ranked, unranked = rank_scores(
        [score("甲局", 9, 8), score("乙局", 6, 9), score("丙局", 9, 8), score("丁局", 7, 5), score("戊局", 4, 10)], 5
    )
    assert [(s.rank, s.name) for s in ranked] == [(1, "乙局"), (2, "丙局"), (2, "甲局"), (4, "丁局")]
    assert [s.name for s in unranked] == ["戊局"]


def test_a_rate_without_a_denominator_shows_a_dash(people, november, client):
    report = build_scorecards(people.sun, NOVEMBER)
    xunyang = row(report, "浔阳区住建局")  # dispatched, nothing signed, closed or called back
    assert figures(xunyang) == {
        "办件量": 1, "签收及时率": "—", "按时办结率": "—", "解决率": "—", "满意率": "—",
        "退单率": "0.0%", "重办率": "—", "平均办结用时": "—", "综合得分": "—",
    }
    assert xunyang.sign_rate.value is None and xunyang.as_dict()["sign_rate"] is None

    client.force_login(people.sun)
    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY).content.decode()
    cells = page.split("浔阳区住建局</th>", 1)[1].split("</tr>", 1)[0]
    assert cells.count(">—</td>") == 6 and cells.count("%</td>") == 1 and ">0.0%</td>" in cells
    assert "<b>—</b>" in cells  # no composite either


def test_events_outside_the_period_are_not_counted(people):
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

    housing = row(build_scorecards(people.liu, NOVEMBER), "湖口县住建局")
    assert (housing.received, housing.signed, housing.closed, housing.callbacks) == (1, 1, 1, 0)
    assert str(housing.satisfaction_rate) == "—"

    december = row(build_scorecards(people.liu, Period(date(2026, 12, 1), date(2026, 12, 1))), "湖口县住建局")
    assert (december.received, december.signed, december.closed, december.rated) == (1, 1, 0, 1)

    middle = build_scorecards(people.liu, Period(date(2026, 11, 2), date(2026, 11, 29)))
    assert middle.rows == []


def test_it_counts_the_events_in_one_query_whatever_the_number_of_departments(people, november):
    with CaptureQueriesContext(connection) as queries:
        build_scorecards(people.sun, NOVEMBER)
    event_queries = [q["sql"] for q in queries.captured_queries if "cases_caseevent" in q["sql"]]
    assert len(event_queries) == 1
    assert "GROUP BY" in event_queries[0]
    # The user's roles and department, the departments in scope, the events.
    assert len(queries.captured_queries) <= 5


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
    monkeypatch.setattr(scorecards, "MIN_RANKED_VOLUME", 100)  # nobody ranked: one group to sort
    client.force_login(people.sun)

    def order(sort):
        response = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"sort": sort})
        return [s.name for s in response.context["report"].rows]

    assert order("-sign_rate") == ["湖口县自然资源局", "湖口县住建局", "浔阳区住建局"]
    assert order("sign_rate") == ["湖口县住建局", "湖口县自然资源局", "浔阳区住建局"]
    assert order("-return_rate") == ["湖口县住建局", "浔阳区住建局", "湖口县自然资源局"]
    assert order("-volume") == ["湖口县住建局", "浔阳区住建局", "湖口县自然资源局"]
    assert order("nonsense") == ["湖口县住建局", "浔阳区住建局", "湖口县自然资源局"]  # the ranking's order

    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY | {"sort": "-sign_rate"}).content.decode()
    assert 'aria-sort="descending"><a href="?start=2026-11-01&amp;end=2026-11-30&amp;sort=sign_rate">签收及时率' in page
    assert "以下部门不参与排名：期间办件量少于100件" in page
    assert "export.xlsx?start=2026-11-01&amp;end=2026-11-30&amp;sort=-sign_rate" in page  # the export keeps the order


def test_the_export_has_the_same_table_as_the_page(people, november, client):
    client.force_login(people.liu)
    page = client.get(reverse("cases:scorecards"), NOVEMBER_QUERY)
    response = client.get(reverse("cases:scorecards-export"), NOVEMBER_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("办件考核_2026-11-01_2026-11-30.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["部门考核", "地区汇总", "说明"]
    sheet = workbook["部门考核"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:12] == (
        "排名", "部门", "地区", "办件量", "签收及时率", "按时办结率", "解决率", "满意率", "退单率", "重办率",
        "平均办结用时（工作日）", "综合得分",
    )
    assert rows[1][:12] == (1, "湖口县住建局", "湖口县", 6, 0.8, 0.8, 0.8, 0.75, 0.167, 0.2, 4.8, 78.8)
    assert rows[2][:4] == ("办件量不足，不参与排名", "湖口县自然资源局", "湖口县", 1)
    assert sheet["E2"].number_format == "0.0%" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("B71C1C")

    # Every figure in the sheet reads the same as on the page.
    on_page = page.context["report"].rows
    assert [r[1] for r in rows[1:]] == [s.name for s in on_page]
    for cells, score in zip(rows[1:], on_page):
        shown = figures(score)
        for column, value in zip(rows[0][4:10], cells[4:10]):
            assert (f"{value * 100:.1f}%" if isinstance(value, float | int) else value) == shown[column], column
        assert f"{cells[10]:.1f}" == shown["平均办结用时"]

    regions = list(workbook["地区汇总"].iter_rows(values_only=True))
    assert regions[1][:3] == ("湖口县", 7, 0.833)
