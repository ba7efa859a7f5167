"""Frameworks as versioned data, measurements in their unit and range, and the board: each
indicator scored by distance to the frontier over the counties, rolled up by the stated weights,
the counties ranked, full marks where the framework's stated frontier is reached (issue 14)."""

from datetime import datetime

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.evaluation import actions, queries
from minsheng.evaluation.models import EvaluationEvent, Framework, Measurement, SecondIndicator
from minsheng.org.models import RegionLevel, Role
from minsheng.testing import make_region, make_user

pytestmark = pytest.mark.django_db

SHANGHAI = __import__("zoneinfo").ZoneInfo("Asia/Shanghai")


def row(first_code, first_name, first_weight, code, name, unit, direction, weight, low, high, best=None, worst=None):
    return {"first_code": first_code, "first_name": first_name, "first_weight": first_weight, "code": code, "name": name,
            "unit": unit, "direction": direction, "method": "", "weight": weight, "plausible_min": low,
            "plausible_max": high, "stated_best": best, "stated_worst": worst}


ROWS = [
    row("01", "开办企业", "0.5", "01.1", "开办企业时间", "天", "越低越好", "0.5", "0", "60", best="0.5"),
    row("01", "开办企业", "0.5", "01.2", "开办企业环节", "个", "越低越好", "0.5", "1", "20"),
    row("02", "获得电力", "0.5", "02.1", "低压接电费用", "元", "越低越好", "0.6", "0", "100000", best="0"),
    row("02", "获得电力", "0.5", "02.2", "供电可靠率", "%", "越高越好", "0.4", "90", "100"),
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def office(people):
    return people.sun  # 市营商办's supervisor


def framework(office, rows=ROWS, **fields):
    values = {"name": "营商环境评价指标体系", "year": 2020, "scope": "national", "issuer": "国家发展改革委"}
    return actions.do_import_framework(rows, **{**values, **fields}, actor=office)


@pytest.fixture
def counties(people):
    return {"湖口县": people.hukou, "浔阳区": people.xunyang, "瑞昌市": make_region("360481", "瑞昌市", RegionLevel.COUNTY,
                                                                                 people.city)}


def measure(office, made, counties, values):
    indicators = {indicator.code: indicator for indicator in SecondIndicator.objects.filter(first__framework=made)}
    for county, by_code in values.items():
        for code, value in by_code.items():
            actions.do_record_measurement(indicators[code], counties[county], period=2020, value=value, source="第三方评估",
                                          actor=office)


def test_a_framework_is_imported_whole_and_versioned(office):
    first = framework(office)
    assert (first.first_indicators.count(), SecondIndicator.objects.filter(first__framework=first).count()) == (2, 4)
    again = framework(office)
    assert (first.version, again.version) == (1, 2)
    assert EvaluationEvent.objects.filter(kind="framework_imported").count() == 2


@pytest.mark.parametrize("change, words", [
    ({"first_weight": "0.6"}, "一级指标02在各行应一致"),  # one row of 02 with another weight
    ({"weight": "0.5"}, "二级指标权重之和应为1"),
    ({"direction": "更好"}, "越低越好"),
    ({"best": "10", "worst": "10"}, "前沿值不能等于最差值"),
    ({"high": "0"}, "应大于合理下限"),
    ({"unit": ""}, "必填"),
])
def test_a_bad_framework_names_the_row_and_saves_nothing(office, change, words):
    rows = [dict(item) for item in ROWS]
    keys = {"best": "stated_best", "worst": "stated_worst", "high": "plausible_max"}
    rows[3].update({keys.get(key, key): value for key, value in change.items()})
    with pytest.raises(actions.FrameworkRefused) as refused:
        framework(office, rows)
    assert words in refused.value.message
    assert not Framework.objects.exists()


def test_first_level_weights_must_sum_to_1(office):
    rows = [dict(item, first_weight="0.4") if item["first_code"] == "02" else item for item in ROWS]
    with pytest.raises(actions.FrameworkRefused, match="一级指标权重之和应为1"):
        framework(office, rows)


def test_a_measurement_keeps_to_its_unit_and_range(office, counties, people):
    made = framework(office)
    time = SecondIndicator.objects.get(first__framework=made, code="01.1")
    with pytest.raises(ActionError) as refused:
        actions.do_record_measurement(time, counties["湖口县"], period=2020, value="3", unit="小时", source="x", actor=office)
    assert refused.value.field == "unit" and "天" in refused.value.message
    for bad in ("61", "-1", "NaN", "abc", "1e400"):
        with pytest.raises(ActionError) as refused:
            actions.do_record_measurement(time, counties["湖口县"], period=2020, value=bad, source="x", actor=office)
        assert refused.value.field == "value"
    assert not Measurement.objects.exists()
    # A county's office records its own county's, not another's.
    with pytest.raises(NotAllowed):
        actions.do_record_measurement(time, counties["浔阳区"], period=2020, value="3", source="x", actor=people.liu)
    actions.do_record_measurement(time, counties["湖口县"], period=2020, value="3", source="县营商办", actor=people.liu)


def test_the_board_scores_rolls_up_ranks_and_flags_full_marks(office, counties):
    made = framework(office)
    measure(office, made, counties, {
        "瑞昌市": {"01.1": "0.5", "01.2": "3", "02.1": "0", "02.2": "99.9"},
        "湖口县": {"01.1": "2", "01.2": "4", "02.1": "800", "02.2": "99.5"},
        "浔阳区": {"01.1": "5", "01.2": "6", "02.1": "1200", "02.2": "99.1"},
    })
    board = queries.board(made, 2020)
    assert [row.region.name for row in board.regions] == ["瑞昌市", "湖口县", "浔阳区"]
    assert [row.rank for row in board.regions] == [1, 2, 3]
    first, second, third = board.regions
    assert first.overall == pytest.approx(100) and third.overall == pytest.approx(0)
    # 湖口县: time (2-0.5)/(5-0.5) → 66.67; steps (6-4)/(6-3) → 66.67; fee (1200-800)/1200 → 33.33;
    # reliability (99.5-99.1)/(99.9-99.1) → 50; 开办 66.67, 电力 0.6·33.33 + 0.4·50 = 40; overall 53.33.
    assert second.firsts[0].score == pytest.approx(66.6667, abs=1e-3)
    assert second.firsts[1].score == pytest.approx(40)
    assert second.overall == pytest.approx(53.3333, abs=1e-3)
    assert [indicator.code for indicator in first.full_marks] == ["01.1", "02.1"]
    assert second.full_marks == []


def test_a_county_missing_a_measurement_is_scored_on_the_rest_and_marked(office, counties):
    made = framework(office)
    measure(office, made, counties, {"瑞昌市": {"01.1": "1", "01.2": "3", "02.1": "10", "02.2": "99"},
                                     "湖口县": {"01.1": "2", "01.2": "4", "02.1": "20"}})
    hukou = next(row for row in queries.board(made, 2020).regions if row.region.name == "湖口县")
    assert not hukou.complete and not hukou.firsts[1].complete and hukou.firsts[0].complete
    assert hukou.firsts[1].score == pytest.approx(0)  # the fee alone, the worst of the two


def test_benchmarks_show_the_gap_the_furthest_first(office, counties):
    made = framework(office)
    measure(office, made, counties, {"湖口县": {"01.1": "2", "01.2": "4", "02.1": "800", "02.2": "99.5"}})
    indicators = {i.code: i for i in SecondIndicator.objects.filter(first__framework=made)}
    actions.do_set_benchmark(indicators["01.1"].first, second=indicators["01.1"], value="0.5", city="上海",
                             practice_name="一网通办开办企业", practice="半天办结", source="国家发展改革委案例", actor=office)
    actions.do_set_benchmark(indicators["02.1"].first, second=indicators["02.1"], value="0", city="北京",
                             practice_name="低压小微企业零投资接电", practice="电网投资到红线", source="国家发展改革委案例",
                             actor=office)
    found = queries.gaps(made, counties["湖口县"], 2020)
    assert [gap.benchmark.city for gap in found] == ["上海", "北京"]  # 1.5 of 60 days is further than 800 of 100,000
    assert found[0].gap == 1.5
    with pytest.raises(ActionError) as refused:
        actions.do_set_benchmark(indicators["01.1"].first, second=indicators["02.1"], value="1", city="x",
                                 practice_name="x", practice="x", source="x", actor=office)
    assert refused.value.field == "second"


def test_only_the_citys_office_keeps_frameworks(people):
    with pytest.raises(NotAllowed):
        framework(people.liu)  # a county's supervisor
    with pytest.raises(NotAllowed):
        framework(make_user("chuli", people.city_housing, Role.HANDLER))
