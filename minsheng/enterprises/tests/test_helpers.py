"""Helpers one-to-one and by grid, with periods: the coverage report on a given day counts every
active entity once and lists the uncovered; one firm has one one-to-one helper at a time; a
helper who leaves hands their whole portfolio over in one action."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises import actions, queries, rules
from minsheng.enterprises.models import Assignment, EnterpriseEvent, EventKind
from minsheng.testing import make_department, make_entity, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
JAN, JUNE, NOV = date(2026, 1, 1), date(2026, 6, 1), date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def county(people):
    """湖口县: 宏丰 (规上) helped one-to-one by 黄鑫 since January; a grid of three 个体户 that 吴敏
    covers from June; two more 个体户 in a grid nobody covers; one firm in no grid at all; one
    closed in October; one founded in December (not yet in business on 30 November)."""
    liu = people.liu
    hongfeng = make_entity(people.hukou, name="江西宏丰塑胶有限公司", employees=320, revenue="18000", actor=liu)
    actions.do_assign_one_to_one(hongfeng, helper=people.huang, starts_on=JAN, actor=liu)
    shops = [make_entity(people.hukou, kind="individual", name=f"双钟镇个体户{n}", industry="5211", actor=liu)
             for n in range(1, 6)]
    covered, uncovered = (actions.do_create_grid(region=people.hukou, name=name, township=people.shuangzhong, actor=liu)
                          for name in ("双钟镇一网格", "双钟镇二网格"))
    actions.do_add_to_grid(covered, shops[:3], starts_on=JAN, actor=liu)
    actions.do_add_to_grid(uncovered, shops[3:], starts_on=JAN, actor=liu)
    actions.do_assign_grid(covered, helper=people.wu, starts_on=JUNE, actor=liu)
    loner = make_entity(people.hukou, name="湖口县孤单贸易有限公司", industry="5137", actor=liu)
    closed = make_entity(people.hukou, name="湖口县已注销有限公司", actor=liu)
    draft = actions.draft_of(closed)
    draft.status, draft.closed_on = "cancelled", date(2026, 10, 8)
    actions.do_update_entity(closed, draft, actor=liu)
    return {"hongfeng": hongfeng, "shops": shops, "covered": covered, "uncovered": uncovered, "loner": loner, "closed": closed}


def test_coverage_on_a_day_counts_the_active_and_lists_the_gaps(people, county):
    report = queries.coverage(people.hukou, NOV)
    [row] = report.rows
    assert row["region"] == "湖口县"
    assert (row["entities"], row["above_scale"], row["individuals"], row["one_to_one"]) == (7, 1, 5, 1)
    assert (row["covered"], row["uncovered"]) == (4, 3)
    assert {e.name for e in report.gaps} == {"双钟镇个体户4", "双钟镇个体户5", "湖口县孤单贸易有限公司"}
    assert report.total["entities"] == 7 and report.gap_count == 3


def test_coverage_before_the_grids_helper_started_and_before_the_firm_closed(people, county):
    report = queries.coverage(people.hukou, date(2026, 3, 1))
    # In March: the closed firm still in business (8 entities), the first grid not yet covered.
    assert report.total["entities"] == 8 and report.total["covered"] == 1


def test_the_citys_coverage_has_a_row_per_county(people, county):
    make_entity(people.xunyang, name="浔阳区某公司", actor=people.sun)
    report = queries.coverage(None, NOV)
    assert [row["region"] for row in report.rows] == ["浔阳区", "湖口县"]
    assert report.total["entities"] == 8 and report.total["uncovered"] == 4


def test_one_firm_has_one_one_to_one_helper_at_a_time(people, county):
    with pytest.raises(ActionError) as refused:
        actions.do_assign_one_to_one(county["hongfeng"], helper=people.wu, starts_on=JUNE, actor=people.liu)
    assert refused.value.field == "starts_on" and "黄鑫" in refused.value.message and "重叠" in refused.value.message
    # Ended first, the new helper may start the next day, not on an overlapping one.
    [assignment] = Assignment.objects.filter(entity=county["hongfeng"])
    actions.do_end_assignment(assignment, ends_on=date(2026, 5, 31), reason="岗位调整", actor=people.liu)
    with pytest.raises(ActionError):
        actions.do_assign_one_to_one(county["hongfeng"], helper=people.wu, starts_on=date(2026, 5, 31), actor=people.liu)
    actions.do_assign_one_to_one(county["hongfeng"], helper=people.wu, starts_on=JUNE, actor=people.liu)
    assert [h.username for h, _ in queries.helpers_of(county["hongfeng"], NOV)] == ["wumin"]
    assert [h.username for h, _ in queries.helpers_of(county["hongfeng"], date(2026, 5, 1))] == ["huangxin"]


def test_a_helper_must_work_in_the_firms_county(people, county):
    stranger = make_user("xy_handler", make_department("浔阳区工信局", people.xunyang), "handler", full_name="浔阳干部")
    with pytest.raises(ActionError) as refused:
        actions.do_assign_one_to_one(county["loner"], helper=stranger, starts_on=JUNE, actor=people.liu)
    assert refused.value.field == "helper"


def test_a_leaving_helper_hands_the_whole_portfolio_over_in_one_action(people, county):
    actions.do_assign_one_to_one(county["loner"], helper=people.huang, starts_on=JUNE, actor=people.liu)
    actions.do_assign_grid(county["uncovered"], helper=people.huang, starts_on=JUNE, actor=people.liu)
    before = queries.coverage(people.hukou, NOV).total["covered"]
    events = EnterpriseEvent.objects.count()
    handed = actions.do_reassign_portfolio(people.huang, to=people.wu, on=date(2026, 12, 1), reason="黄鑫调离", actor=people.liu)
    assert handed == 3
    assert EnterpriseEvent.objects.count() == events + 1
    event = EnterpriseEvent.objects.latest("pk")
    assert event.kind == EventKind.REASSIGNED and (event.data["one_to_one"], event.data["grids"]) == (2, 1)
    assert not Assignment.objects.filter(helper=people.huang, ends_on__isnull=True).exists()
    assert set(Assignment.objects.filter(helper=people.huang).values_list("ends_on", flat=True)) == {date(2026, 11, 30)}
    # Nobody is left uncovered on either side of the day.
    for day in (NOV, date(2026, 12, 1)):
        assert queries.coverage(people.hukou, day).total["covered"] == before
    assert [h.username for h, _ in queries.helpers_of(county["hongfeng"], date(2026, 12, 1))] == ["wumin"]


def test_reassigning_nothing_or_to_oneself_is_refused(people, county):
    with pytest.raises(ActionError) as refused:
        actions.do_reassign_portfolio(people.huang, to=people.huang, on=date(2026, 12, 1), actor=people.liu)
    assert refused.value.field == "to"
    with pytest.raises(ActionError) as refused:
        actions.do_reassign_portfolio(people.chen, to=people.wu, on=date(2026, 12, 1), actor=people.liu)
    assert refused.value.field == "helper"
    with pytest.raises(NotAllowed):
        actions.do_reassign_portfolio(people.huang, to=people.wu, on=date(2026, 12, 1), actor=people.huang)


def test_moving_a_shop_to_another_grid_ends_its_old_membership_the_day_before(people, county):
    shop = county["shops"][0]
    moved = actions.do_add_to_grid(county["uncovered"], [shop], starts_on=date(2026, 9, 1), actor=people.liu)
    assert moved == 1
    assert [h.username for h, _ in queries.helpers_of(shop, date(2026, 8, 31))] == ["wumin"]
    assert queries.helpers_of(shop, date(2026, 9, 1)) == []


def test_a_helpers_portfolio_and_the_visits_due(people, county):
    actions.do_record_visit(county["hongfeng"], visited_on=date(2026, 11, 2), kind="on_site", summary="了解用工情况",
                            actor=people.huang)
    rows = queries.portfolio(people.huang, NOV)
    assert [r["entity"].name for r in rows] == ["江西宏丰塑胶有限公司"]
    assert rows[0]["last_visit"] == date(2026, 11, 2) and rows[0]["due_on"] == date(2026, 12, 2)
    grid_rows = queries.portfolio(people.wu, NOV)
    assert len(grid_rows) == 3 and all(r["due_on"] == date(2026, 8, 30) for r in grid_rows)  # never visited: due since August


def test_a_visit_in_the_future_or_by_a_stranger_is_refused(people, county):
    with pytest.raises(ActionError) as refused:
        actions.do_record_visit(county["hongfeng"], visited_on=date(2026, 12, 1), kind="phone", summary="电话回访",
                                actor=people.huang)
    assert refused.value.field == "visited_on"
    with pytest.raises(NotAllowed):
        actions.do_record_visit(county["hongfeng"], visited_on=NOV, kind="phone", summary="电话回访", actor=people.wu)
    with pytest.raises(ActionError) as refused:
        actions.do_record_visit(county["hongfeng"], visited_on=NOV, kind="phone", summary=" ", actor=people.huang)
    assert refused.value.field == "summary"


def test_the_profiles_record_names_the_same_helpers_as_helpers_of_on_any_day(people, county):
    shop = county["shops"][0]
    actions.do_assign_one_to_one(shop, helper=people.huang, starts_on=date(2026, 8, 1), actor=people.liu)
    actions.do_add_to_grid(county["uncovered"], [shop], starts_on=date(2026, 9, 1), actor=people.liu)
    actions.do_assign_grid(county["uncovered"], helper=people.chen, starts_on=date(2026, 10, 1), actor=people.liu)
    for entity in (shop, county["hongfeng"], county["loner"], county["shops"][4]):
        for day in (JAN, JUNE, date(2026, 8, 15), date(2026, 9, 15), NOV):
            expected = [(helper.username, mode) for helper, mode in queries.helpers_of(entity, day)]
            assert [(helper.username, mode) for helper, mode in queries.help_record(entity, day).helpers] == expected
    assert [(h.username, m) for h, m in queries.helpers_of(shop, NOV)] == [("huangxin", "one_to_one"), ("chenjing", "grid")]


def test_a_handover_stops_where_the_firms_next_helper_was_already_named(people, county):
    hongfeng = county["hongfeng"]
    current_help = hongfeng.assignments.get()
    actions.do_end_assignment(current_help, ends_on=date(2026, 12, 31), actor=people.liu)
    actions.do_assign_one_to_one(hongfeng, helper=people.wu, starts_on=date(2027, 1, 1), actor=people.liu)
    actions.do_reassign_portfolio(people.huang, to=people.zhou, on=date(2026, 12, 1), actor=people.liu)
    for day, helper in ((date(2026, 11, 30), "huangxin"), (date(2026, 12, 15), "zhoujian"), (date(2027, 2, 1), "wumin")):
        assert [h.username for h, _ in queries.helpers_of(hongfeng, day)] == [helper]
        assert queries.coverage(people.hukou, day).total["one_to_one"] == 1
    assert hongfeng.assignments.get(helper=people.zhou).ends_on == date(2026, 12, 31)


def test_a_firm_moved_to_another_county_leaves_its_old_grid_and_needs_a_helper_there(people, county):
    shop = county["shops"][0]
    draft = actions.draft_of(shop)
    draft.region, draft.township = people.xunyang, None
    actions.do_update_entity(shop, draft, actor=people.sun)  # the city's keeper moves it
    event = EnterpriseEvent.objects.filter(entity=shop).latest("pk")
    assert event.data["left_grids"] == 1
    assert shop.grid_memberships.get().ends_on == date(2026, 11, 29)
    assert queries.helpers_of(shop, NOV) == [] and queries.help_record(shop, NOV).helpers == []
    report = queries.coverage(people.xunyang, NOV)
    assert report.total["uncovered"] == 1 and report.gaps == [shop]
    assert not rules.helps(people.wu, shop)
    assert shop not in [row["entity"] for row in queries.portfolio(people.wu, NOV)]


def test_a_closed_firm_takes_no_visit_after_its_closing_day(people, county):
    closed = county["closed"]  # cancelled on 8 October
    actions.do_assign_one_to_one(closed, helper=people.huang, starts_on=JUNE, actor=people.liu)
    with pytest.raises(ActionError) as refused:
        actions.do_record_visit(closed, visited_on=date(2026, 11, 2), kind="phone", summary="回访", actor=people.huang)
    assert refused.value.field == "visited_on" and "注销" in refused.value.message
    visit = actions.do_record_visit(closed, visited_on=date(2026, 10, 8), kind="on_site", summary="协助办理注销", actor=people.huang)
    assert visit.visited_on == date(2026, 10, 8)
