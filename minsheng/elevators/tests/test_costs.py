"""The cost split (minsheng.elevators.costs): pure functions, no database."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minsheng.elevators.costs import default_coefficient, split, split_fen

D = Decimal


def unit_seven_floors():
    """7 floors × 2 dwellings: x01 63.52 ㎡, x02 78.10 ㎡."""
    return [(f"{floor}0{n}", floor, D("63.52") if n == 1 else D("78.10")) for floor in range(1, 8) for n in (1, 2)]


# --- worked examples -------------------------------------------------------------------------

def test_worked_example_default_coefficients():
    # 600,000.00 - 200,000.00 = 400,000.00 yuan. Coefficients 0, 0.5, 1.0, 1.1, 1.2, 1.3, 1.4 for
    # floors 1-7, two dwellings each: 13 in all, so one unit of coefficient is 400,000/13 yuan.
    #   2F 0.5 × 400000/13 = 15384.615… → 15384.61, remainder .538 fen
    #   3F 1.0 × 400000/13 = 30769.230… → 30769.23, remainder .077
    #   4F 1.1 × 400000/13 = 33846.153… → 33846.15, remainder .385
    #   5F 1.2 × 400000/13 = 36923.076… → 36923.07, remainder .692
    #   6F 1.3 × 400000/13 = 40000      → 40000.00, remainder 0
    #   7F 1.4 × 400000/13 = 43076.923… → 43076.92, remainder .308
    # Floored: 2 × 199,999.98 = 399,999.96; the 4 fen left go to the largest remainders: the two
    # 5F (.692) and the two 2F (.538) dwellings.
    shares = split(D("600000.00"), D("200000.00"), unit_seven_floors(), "coefficient")
    assert shares == {
        "101": D("0.00"), "102": D("0.00"),
        "201": D("15384.62"), "202": D("15384.62"),
        "301": D("30769.23"), "302": D("30769.23"),
        "401": D("33846.15"), "402": D("33846.15"),
        "501": D("36923.08"), "502": D("36923.08"),
        "601": D("40000.00"), "602": D("40000.00"),
        "701": D("43076.92"), "702": D("43076.92"),
    }
    assert sum(shares.values()) == D("400000.00")
    assert all(share.as_tuple().exponent == -2 for share in shares.values())
    assert list(shares) == [key for key, _, _ in unit_seven_floors()]


def test_worked_example_by_area():
    # 400,000.00 over 991.34 ㎡ (7 × 63.52 + 7 × 78.10):
    #   63.52 ㎡: 25,408,000 / 991.34 = 25629.9554… → 25629.95, remainder .54 fen
    #   78.10 ㎡: 31,240,000 / 991.34 = 31512.9017… → 31512.90, remainder .17 fen
    # Floored: 7 × (25629.95 + 31512.90) = 399,999.95; the 5 fen left go to five of the seven
    # 63.52 ㎡ dwellings (equal remainders, so the higher floors first: 7F, 6F, 5F, 4F, 3F).
    shares = split(D("600000.00"), D("200000.00"), unit_seven_floors(), "area")
    assert shares == {
        "101": D("25629.95"), "102": D("31512.90"),
        "201": D("25629.95"), "202": D("31512.90"),
        "301": D("25629.96"), "302": D("31512.90"),
        "401": D("25629.96"), "402": D("31512.90"),
        "501": D("25629.96"), "502": D("31512.90"),
        "601": D("25629.96"), "602": D("31512.90"),
        "701": D("25629.96"), "702": D("31512.90"),
    }
    assert sum(shares.values()) == D("400000.00")


def test_largest_remainder_on_three_equal_dwellings():
    # 100.00 / 3 = 33.333…: floored 33.33 each, 1 fen left. Equal remainders: higher floor first,
    # then the order given.
    same_floor = [("a", 3, D("60")), ("b", 3, D("60")), ("c", 3, D("60"))]
    assert split(D("100.00"), 0, same_floor, "area") == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    floors = [("a", 1, D("60")), ("b", 2, D("60")), ("c", 3, D("60"))]
    assert split(D("100.00"), 0, floors, "area") == {"a": D("33.33"), "b": D("33.33"), "c": D("33.34")}
    # 2 fen left: the two highest floors.
    assert split(D("100.01"), 0, floors, "area") == {"a": D("33.33"), "b": D("33.34"), "c": D("33.34")}


def test_the_largest_remainder_wins_over_the_higher_floor():
    # 10.00 yuan by area 1:2 → 3.333… and 6.666…: the 1 fen left goes to the larger remainder (.67),
    # on the lower floor.
    dwellings = [("low", 2, D("20")), ("high", 5, D("10"))]
    assert split(D("10.00"), 0, dwellings, "area") == {"low": D("6.67"), "high": D("3.33")}


def test_default_coefficients():
    assert [default_coefficient(floor) for floor in range(1, 8)] == [
        D("0"), D("0.5"), D("1.0"), D("1.1"), D("1.2"), D("1.3"), D("1.4")
    ]
    assert default_coefficient(33) == D("4.0")


def test_a_coefficient_table_replaces_the_defaults():
    table = {1: D("0"), 2: D("0.3"), 3: D("0.7"), 4: D("1")}
    dwellings = [("101", 1, D("60")), ("201", 2, D("60")), ("301", 3, D("60")), ("401", 4, D("60"))]
    # 2000.00 over 2.0: 0.3 → 300.00, 0.7 → 700.00, 1 → 1000.00.
    assert split(2000, 0, dwellings, "coefficient", table) == {
        "101": D("0.00"), "201": D("300.00"), "301": D("700.00"), "401": D("1000.00")
    }
    with pytest.raises(ValueError, match="楼层系数表缺少第5层") as caught:
        split(2000, 0, dwellings + [("501", 5, D("60"))], "coefficient", table)
    assert caught.value.field == "table"


def test_percent_table():
    # Each dwelling's percent: 2 × (0 + 10 + 15 + 25) = 100.
    table = {1: D("0"), 2: D("10"), 3: D("15.0"), 4: D("25.00"), 9: D("99")}  # floor 9 is not in scope
    dwellings = [(f"{f}0{n}", f, D("70")) for f in range(1, 5) for n in (1, 2)]
    shares = split(D("123456.78"), D("23456.78"), dwellings, "percent", table)
    assert shares == {
        "101": D("0.00"), "102": D("0.00"), "201": D("10000.00"), "202": D("10000.00"),
        "301": D("15000.00"), "302": D("15000.00"), "401": D("25000.00"), "402": D("25000.00"),
    }


def test_percent_table_must_add_up_to_100():
    dwellings = [("101", 1, D("60")), ("201", 2, D("60")), ("301", 3, D("60"))]
    with pytest.raises(ValueError) as caught:
        split(D("1000.00"), 0, dwellings, "percent", {1: D("20.00"), 2: D("30"), 3: D("47.50")})
    assert str(caught.value) == "各户分摊比例合计应为100%，现为97.5%"
    assert caught.value.field == "table"
    with pytest.raises(ValueError, match="现为101%"):
        split(D("1000.00"), 0, dwellings, "percent", {1: D("21"), 2: D("30"), 3: D("50")})
    # Two dwellings on floor 2 count twice: 20 + 2 × 30 + 50 = 130.
    with pytest.raises(ValueError, match="现为130%"):
        split(0, 0, dwellings + [("202", 2, D("60"))], "percent", {1: D("20"), 2: D("30"), 3: D("50")})
    with pytest.raises(ValueError, match="分摊比例表缺少第3层"):
        split(D("1000.00"), 0, dwellings, "percent", {1: D("50"), 2: D("50")})
    with pytest.raises(ValueError, match="按比例分摊需要"):
        split(D("1000.00"), 0, dwellings, "percent")
    with pytest.raises(ValueError, match="分摊比例不能为负数"):
        split(D("1000.00"), 0, dwellings, "percent", {1: D("-10"), 2: D("50"), 3: D("60")})


def test_nothing_to_pay():
    assert split(D("5000.00"), D("5000.00"), unit_seven_floors(), "area") == {
        key: D("0.00") for key, _, _ in unit_seven_floors()
    }
    # Only ground-floor dwellings and nothing to pay: fine.
    ground = [("101", 1, D("60")), ("102", 1, D("70"))]
    assert split(100, 100, ground, "coefficient") == {"101": D("0.00"), "102": D("0.00")}


def test_integers_and_trailing_zeros_are_yuan():
    dwellings = [("a", 2, 50), ("b", 3, 50)]
    assert split(100, 0, dwellings, "area") == {"a": D("50.00"), "b": D("50.00")}
    assert split(D("100.000"), D("0.0"), dwellings, "area") == {"a": D("50.00"), "b": D("50.00")}
    assert split_fen(100, 0, dwellings, "area") == {"a": 5000, "b": 5000}


# --- bad input -----------------------------------------------------------------------------

def test_subsidy_larger_than_the_cost():
    with pytest.raises(ValueError) as caught:
        split(D("100.00"), D("100.01"), unit_seven_floors(), "area")
    assert str(caught.value) == "补贴金额不能大于工程总造价"
    assert caught.value.field == "subsidy"


@pytest.mark.parametrize(
    "total, subsidy, message, field",
    [
        (D("-0.01"), 0, "工程总造价不能为负数", "total"),
        (D("100"), D("-5"), "补贴金额不能为负数", "subsidy"),
        (D("100.001"), 0, "工程总造价最多保留两位小数", "total"),
        (D("100"), D("1.005"), "补贴金额最多保留两位小数", "subsidy"),
        (D("NaN"), 0, "工程总造价必须是有限的数值", "total"),
        (D("sNaN"), 0, "工程总造价必须是有限的数值", "total"),
        (D("Infinity"), 0, "工程总造价必须是有限的数值", "total"),
        (D("100"), D("-Infinity"), "补贴金额必须是有限的数值", "subsidy"),
        (100.0, 0, "工程总造价应为以元为单位的Decimal或整数", "total"),
        ("100", 0, "工程总造价应为以元为单位的Decimal或整数", "total"),
        (True, 0, "工程总造价应为以元为单位的Decimal或整数", "total"),
        (D("100"), None, "补贴金额应为以元为单位的Decimal或整数", "subsidy"),
    ],
)
def test_bad_amounts(total, subsidy, message, field):
    with pytest.raises(ValueError, match=message) as caught:
        split(total, subsidy, unit_seven_floors(), "area")
    assert caught.value.field == field


def test_no_dwellings():
    with pytest.raises(ValueError, match="参与分摊的住户不能为空"):
        split(D("100"), 0, [], "area")


def test_all_weights_zero_while_something_is_to_be_paid():
    ground = [("101", 1, D("60")), ("102", 1, D("70"))]
    with pytest.raises(ValueError, match="各户分摊权重均为0.*无法分摊100.00元"):
        split(100, 0, ground, "coefficient")
    with pytest.raises(ValueError, match="各户分摊权重均为0"):
        split(100, 0, unit_seven_floors(), "coefficient", {f: D("0") for f in range(1, 8)})


@pytest.mark.parametrize(
    "dwellings, message",
    [
        ([("101", 1, D("60")), ("101", 2, D("60"))], "同一户只能分摊一次"),
        ([("101", 0, D("60"))], "楼层必须是不小于1的整数"),
        ([("101", "1", D("60"))], "楼层必须是不小于1的整数"),
        ([("101", 1, D("0"))], "专有部分面积必须大于0"),
        ([("101", 1, D("-60"))], "专有部分面积必须大于0"),
        ([("101", 1, D("NaN"))], "专有部分面积必须是有限的数值"),
        ([("101", 1, 60.5)], "专有部分面积应为Decimal数值"),
        ([("101", 1)], "每户应为"),
    ],
)
def test_bad_dwellings(dwellings, message):
    with pytest.raises(ValueError, match=message):
        split(D("100"), 0, dwellings, "area")


def test_bad_method_and_tables():
    with pytest.raises(ValueError, match="分摊方式只能是") as caught:
        split(100, 0, unit_seven_floors(), "heads")
    assert caught.value.field == "method"
    with pytest.raises(ValueError, match="按专有部分面积分摊时不使用分摊表"):
        split(100, 0, unit_seven_floors(), "area", {1: D("0")})
    with pytest.raises(ValueError, match="楼层系数不能为负数"):
        split(100, 0, [("101", 1, D("60"))], "coefficient", {1: D("-1")})
    with pytest.raises(ValueError, match="楼层系数必须是有限的数值"):
        split(100, 0, [("101", 1, D("60"))], "coefficient", {1: D("Infinity")})
    with pytest.raises(ValueError, match="楼层系数应为Decimal数值"):
        split(100, 0, [("101", 1, D("60"))], "coefficient", {1: 0.5})


# --- properties ----------------------------------------------------------------------------

@st.composite
def buildings(draw):
    n = draw(st.integers(1, 40))
    floors = draw(st.lists(st.integers(1, 33), min_size=n, max_size=n))
    areas = draw(st.lists(st.integers(2000, 30000), min_size=n, max_size=n))
    return [(f"d{i}", floor, D(area).scaleb(-2)) for i, (floor, area) in enumerate(zip(floors, areas))]


@st.composite
def money(draw):
    total = draw(st.integers(0, 200_000_000))
    subsidy = draw(st.one_of(st.just(0), st.just(total), st.integers(0, total)))
    return D(total).scaleb(-2), D(subsidy).scaleb(-2)


@st.composite
def percent_tables(draw, dwellings):
    """A {floor: percent} table whose dwellings add up to exactly 100: every floor but one gets a
    multiple of c/100 (c the dwellings on the remaining floor), which takes the rest; 100/c is a
    finite decimal when c is 2^a·5^b."""
    counts = {}
    for _, floor, _ in dwellings:
        counts[floor] = counts.get(floor, 0) + 1
    fillers = sorted(floor for floor, c in counts.items() if 10**6 % c == 0)
    assume(fillers)
    filler = draw(st.sampled_from(fillers))
    c = counts[filler]
    table = {}
    for floor, count in counts.items():
        if floor != filler:
            units = draw(st.integers(0, 10_000 // (c * count * len(counts))))
            table[floor] = D(c * units).scaleb(-2)
    rest = D(100) - sum((counts[f] * p for f, p in table.items()), D(0))
    table[filler] = rest / c
    assert sum(counts[f] * p for f, p in table.items()) == 100 and table[filler] >= 0
    return table


def weights_of(dwellings, method, table):
    if method == "area":
        return [Fraction(area) for _, _, area in dwellings]
    if method == "coefficient":
        return [Fraction(default_coefficient(floor)) for _, floor, _ in dwellings]
    return [Fraction(table[floor]) for _, floor, _ in dwellings]


def check_split(total, subsidy, dwellings, method, table=None):
    payable = int((total - subsidy) * 100)
    shares = split(total, subsidy, dwellings, method, table)
    fen = split_fen(total, subsidy, dwellings, method, table)
    assert list(shares) == [key for key, _, _ in dwellings]
    assert all(share.as_tuple().exponent == -2 for share in shares.values())
    assert {key: int(share * 100) for key, share in shares.items()} == fen
    # Exactly what is to be paid, to the fen; nobody pays less than 0.
    assert sum(shares.values()) == total - subsidy
    assert sum(fen.values()) == payable
    assert all(f >= 0 for f in fen.values())
    # Each share is its exact share floored, or one fen more.
    weights = weights_of(dwellings, method, table)
    exact = [payable * w / sum(weights) if any(weights) else Fraction(0) for w in weights]
    got = [fen[key] for key, _, _ in dwellings]
    assert all(math.floor(x) <= g <= math.floor(x) + 1 for x, g in zip(exact, got))
    # The extra fen went to the largest remainders.
    up = [x - math.floor(x) for x, g in zip(exact, got) if g > math.floor(x)]
    down = [x - math.floor(x) for x, g in zip(exact, got) if g == math.floor(x)]
    if up and down:
        assert min(up) >= max(down)
    # A larger weight never pays less; equal weights differ by a fen at most, the higher floor
    # (then the one given first) taking it.
    ranked = sorted(range(len(dwellings)), key=lambda i: (weights[i], dwellings[i][1], -i))
    assert [got[i] for i in ranked] == sorted(got)
    # A dwelling with weight 0 pays 0.
    assert all(g == 0 for w, g in zip(weights, got) if w == 0)
    return fen


@settings(max_examples=200, deadline=None)
@given(buildings(), money())
def test_split_by_area(dwellings, amounts):
    check_split(*amounts, dwellings, "area")


@settings(max_examples=200, deadline=None)
@given(buildings(), money())
def test_split_by_default_coefficients(dwellings, amounts):
    total, subsidy = amounts
    if total > subsidy and all(floor == 1 for _, floor, _ in dwellings):
        with pytest.raises(ValueError, match="各户分摊权重均为0"):
            split(total, subsidy, dwellings, "coefficient")
        return
    fen = check_split(total, subsidy, dwellings, "coefficient")
    # The ground floor pays nothing; a higher floor never pays less than a lower one.
    assert all(fen[key] == 0 for key, floor, _ in dwellings if floor == 1)
    by_floor = sorted(dwellings, key=lambda d: d[1])
    for (a, floor_a, _), (b, floor_b, _) in zip(by_floor, by_floor[1:]):
        if floor_a < floor_b:
            assert fen[a] <= fen[b]


@settings(max_examples=200, deadline=None)
@given(st.data(), buildings(), money())
def test_split_by_percent(data, dwellings, amounts):
    table = data.draw(percent_tables(dwellings))
    check_split(*amounts, dwellings, "percent", table)


@settings(max_examples=200, deadline=None)
@given(st.data(), buildings(), money(), st.integers(1, 10_000))
def test_percent_tables_that_do_not_add_up(data, dwellings, amounts, hundredths):
    table = data.draw(percent_tables(dwellings))
    floor = data.draw(st.sampled_from(sorted(table)))
    count = sum(1 for _, f, _ in dwellings if f == floor)
    delta = D(hundredths).scaleb(-2)
    table[floor] += delta
    shown = format((D(100) + count * delta).normalize(), "f")
    with pytest.raises(ValueError) as caught:
        split(*amounts, dwellings, "percent", table)
    assert str(caught.value) == f"各户分摊比例合计应为100%，现为{shown}%"
