"""Size classes by 工信部联企业〔2011〕300号 and 规上 by the statistical thresholds, table-driven
from the documents' own words (restated here, not read from the data file, so a wrong number in
data/size_rules.json fails): each sector at its thresholds, one unit under them, and the firms
the classes are for."""

from datetime import date
from decimal import Decimal

import pytest

from minsheng.enterprises.sizes import LARGE, MEDIUM, MICRO, SMALL, is_above_scale, size_class, size_rules

# sector, a class code in it, the SME upper limits, medium and small thresholds, as 300号 states
# them (employees 人, revenue and assets 万元).
OFFICIAL = [
    ("农、林、牧、渔业", "0111", {"revenue": 20000}, {"revenue": 500}, {"revenue": 50}),
    ("工业（制造业）", "2922", {"employees": 1000, "revenue": 40000}, {"employees": 300, "revenue": 2000}, {"employees": 20, "revenue": 300}),
    ("工业（采矿业）", "0610", {"employees": 1000, "revenue": 40000}, {"employees": 300, "revenue": 2000}, {"employees": 20, "revenue": 300}),
    ("工业（电力）", "4411", {"employees": 1000, "revenue": 40000}, {"employees": 300, "revenue": 2000}, {"employees": 20, "revenue": 300}),
    ("建筑业", "4811", {"revenue": 80000, "assets": 80000}, {"revenue": 6000, "assets": 5000}, {"revenue": 300, "assets": 300}),
    ("批发业", "5137", {"employees": 200, "revenue": 40000}, {"employees": 20, "revenue": 5000}, {"employees": 5, "revenue": 1000}),
    ("零售业", "5211", {"employees": 300, "revenue": 20000}, {"employees": 50, "revenue": 500}, {"employees": 10, "revenue": 100}),
    ("交通运输业（不含铁路运输）", "5430", {"employees": 1000, "revenue": 30000}, {"employees": 300, "revenue": 3000}, {"employees": 20, "revenue": 200}),
    ("仓储业", "5990", {"employees": 200, "revenue": 30000}, {"employees": 100, "revenue": 1000}, {"employees": 20, "revenue": 100}),
    ("邮政业", "6020", {"employees": 1000, "revenue": 30000}, {"employees": 300, "revenue": 2000}, {"employees": 20, "revenue": 100}),
    ("住宿业", "6110", {"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 2000}, {"employees": 10, "revenue": 100}),
    ("餐饮业", "6210", {"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 2000}, {"employees": 10, "revenue": 100}),
    ("信息传输业", "6311", {"employees": 2000, "revenue": 100000}, {"employees": 100, "revenue": 1000}, {"employees": 10, "revenue": 100}),
    ("软件和信息技术服务业", "6513", {"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 1000}, {"employees": 10, "revenue": 50}),
    ("房地产开发经营", "7010", {"revenue": 200000, "assets": 10000}, {"revenue": 1000, "assets": 5000}, {"revenue": 100, "assets": 2000}),
    ("物业管理", "7020", {"employees": 1000, "revenue": 5000}, {"employees": 300, "revenue": 1000}, {"employees": 100, "revenue": 500}),
    ("租赁和商务服务业", "7211", {"employees": 300, "assets": 120000}, {"employees": 100, "assets": 8000}, {"employees": 10, "assets": 100}),
    ("其他未列明行业（科学研究）", "7320", {"employees": 300}, {"employees": 100}, {"employees": 10}),
    ("其他未列明行业（房地产中介）", "7030", {"employees": 300}, {"employees": 100}, {"employees": 10}),
    ("其他未列明行业（铁路运输）", "5310", {"employees": 300}, {"employees": 100}, {"employees": 10}),
]
ON = date(2026, 11, 30)


def classify(code, figures):
    return size_class(code, on=ON, **{m: Decimal(v) if m != "employees" else int(v) for m, v in figures.items()})


def under(figures, measure):
    return figures | {measure: figures[measure] - 1}


@pytest.mark.parametrize("sector, code, upper, medium, small", OFFICIAL, ids=[row[0] for row in OFFICIAL])
def test_each_sector_at_and_just_under_its_thresholds(sector, code, upper, medium, small):
    assert classify(code, upper) == LARGE  # at every upper limit: not "以下", so large
    for measure in upper:
        assert classify(code, under(upper, measure) | {m: max(upper[m], medium.get(m, 0)) for m in upper if m != measure}) == MEDIUM
    assert classify(code, medium) == MEDIUM  # "及以上" counts the threshold itself
    for measure in medium:  # one short on any measure: no longer medium
        assert classify(code, under(medium, measure) | {m: medium[m] for m in medium if m != measure}) == SMALL
    assert classify(code, small) == SMALL
    for measure in small:
        assert classify(code, under(small, measure)) == MICRO
    assert classify(code, {m: 0 for m in small}) == MICRO


def test_a_measure_the_sector_does_not_use_does_not_matter():
    # Wholesale is judged by employees and revenue: a huge balance sheet does not make it large.
    assert size_class("5137", employees=30, revenue=Decimal(6000), assets=Decimal(900000), on=ON) == MEDIUM
    assert size_class("5137", employees=30, revenue=Decimal(6000), on=ON) == MEDIUM


def test_a_missing_figure_the_rules_need_leaves_the_firm_unclassed():
    assert size_class("2922", employees=120, on=ON) is None
    assert size_class("4811", revenue=Decimal(7000), on=ON) is None  # construction needs assets too


def test_hongfeng_a_plastics_maker_of_240_workers_and_180_million_revenue_is_medium_and_above_scale():
    # 江西宏丰塑胶有限公司 (C2922 塑料板、管、型材制造): 300号 needs 300 workers for medium.
    assert size_class("2922", employees=240, revenue=Decimal(18000), on=ON) == SMALL
    assert size_class("2922", employees=320, revenue=Decimal(18000), on=ON) == MEDIUM
    assert is_above_scale("2922", revenue=Decimal(18000), on=ON)


ABOVE_SCALE = [
    ("industry", "2922", 2000), ("mining", "0610", 2000), ("power", "4411", 2000),
    ("wholesale", "5137", 2000), ("retail", "5211", 500), ("lodging", "6110", 200), ("catering", "6210", 200),
    ("transport", "5430", 2000), ("railway", "5310", 2000), ("software", "6513", 2000), ("environment", "7820", 2000),
    ("business services", "7211", 1000), ("research", "7320", 1000), ("education", "8331", 1000),
    ("property management", "7020", 1000), ("real estate agency", "7030", 1000),
    ("residents' services", "8010", 500), ("culture", "8710", 500), ("health", "8411", 500),
]


@pytest.mark.parametrize("name, code, threshold", ABOVE_SCALE, ids=[row[0] for row in ABOVE_SCALE])
def test_above_scale_at_the_groups_revenue_threshold(name, code, threshold):
    assert is_above_scale(code, revenue=Decimal(threshold), on=ON)
    assert not is_above_scale(code, revenue=Decimal(threshold) - Decimal("0.01"), on=ON)
    assert not is_above_scale(code, revenue=None, on=ON)


def test_construction_and_real_estate_development_are_above_scale_by_qualification():
    for code in ("4811", "7010"):
        assert is_above_scale(code, revenue=Decimal(1), qualified=True, on=ON)
        assert not is_above_scale(code, revenue=Decimal(900000), qualified=False, on=ON)


def test_farming_and_public_administration_are_never_above_scale():
    assert not is_above_scale("0111", revenue=Decimal(900000), on=ON)
    assert not is_above_scale("9221", revenue=Decimal(900000), on=ON)


def test_the_rules_in_force_on_a_day():
    assert size_rules(ON).document == "工信部联企业〔2011〕300号"
    with pytest.raises(LookupError):
        size_rules(date(2010, 1, 1))
