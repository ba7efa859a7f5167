"""The Civil Code art. 278 tally (minsheng.elevators.consent): pure functions, no database."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.elevators.consent import (
    ABSTAIN,
    AGREE,
    CIVIL_CODE,
    DISAGREE,
    ConsentRules,
    Missing,
    Sums,
    Tally,
    Vote,
    tally,
    tally_from_sums,
)

D = Decimal


def votes_of(*rows):
    """(owner, dwelling, area, vote) rows → Votes."""
    return [Vote(owner, dwelling, D(area), vote) for owner, dwelling, area, vote in rows]


def equal_dwellings(choices, area="10"):
    """One owner per dwelling, all the same area, the votes as given."""
    return [Vote(f"owner{i}", f"d{i}", D(area), vote) for i, vote in enumerate(choices)]


# --- heads ---------------------------------------------------------------------------------

def test_an_owner_of_two_dwellings_counts_once_as_a_head():
    result = tally(votes_of(
        ("王", "101", "60", AGREE),
        ("王", "102", "70", AGREE),
        ("李", "201", "60", AGREE),
        ("赵", "202", "70", DISAGREE),
    ))
    assert result.total_heads == 3
    assert result.participating_heads == 3
    assert result.agreeing_heads == 2
    assert result.total_area == D("260")
    assert result.agreeing_area == D("190")  # both of 王's dwellings count by area
    assert result.agreement_heads == Fraction(2, 3)


def test_co_owners_vote_once_through_their_group():
    # 101 belongs to a married couple: one Vote with the group as owner; the group also owns 102.
    couple = ("张三", "李四")
    result = tally(votes_of(
        (couple, "101", "60", AGREE),
        (couple, "102", "60", AGREE),
        ("王五", "201", "60", DISAGREE),
    ))
    assert result.total_heads == 2
    assert result.agreeing_heads == 1


def test_an_owner_who_votes_differently_on_his_dwellings_is_not_an_agreeing_head():
    result = tally(votes_of(("王", "101", "60", AGREE), ("王", "102", "70", DISAGREE)))
    assert (result.participating_heads, result.agreeing_heads) == (1, 0)
    assert result.agreeing_area == D("60")

    abstained = tally(votes_of(("王", "101", "60", AGREE), ("王", "102", "70", ABSTAIN)))
    assert (abstained.participating_heads, abstained.agreeing_heads) == (1, 0)


def test_a_dwelling_the_owner_did_not_vote_on_does_not_count_against_him():
    result = tally(votes_of(("王", "101", "60", AGREE), ("王", "102", "70", None)))
    assert (result.total_heads, result.participating_heads, result.agreeing_heads) == (1, 1, 1)
    assert result.participating_area == D("60")
    assert result.agreement_area == 1


def test_an_owner_who_did_not_vote_at_all_is_a_head_but_not_a_participant():
    result = tally(votes_of(("王", "101", "60", None), ("王", "102", "70", None), ("李", "201", "60", AGREE)))
    assert (result.total_heads, result.participating_heads, result.agreeing_heads) == (2, 1, 1)


def test_abstentions_take_part_and_do_not_agree():
    result = tally(equal_dwellings([AGREE, AGREE, AGREE, ABSTAIN]))
    assert result.participating_heads == 4
    assert result.participating_area == D("40")
    assert result.agreeing_heads == 3
    assert result.agreement_heads == Fraction(3, 4)
    assert result.passes

    more = tally(equal_dwellings([AGREE, AGREE, ABSTAIN, ABSTAIN]))
    assert more.participation_heads == 1
    assert more.agreement_heads == Fraction(1, 2)
    assert not more.passes


# --- the thresholds, exactly -----------------------------------------------------------------

def test_exactly_two_thirds_taking_part_and_exactly_three_quarters_agreeing_passes():
    # 6 equal dwellings, 4 take part (4/6 = 2/3 of heads and area), 3 of them agree (3/4).
    result = tally(equal_dwellings([AGREE, AGREE, AGREE, DISAGREE, None, None]))
    assert result.participation_area == Fraction(2, 3) == result.participation_heads
    assert result.agreement_area == Fraction(3, 4) == result.agreement_heads
    assert result.passes
    assert result.missing() == Missing(0, D(0), 0, D(0))
    assert result.missing_words() == "已达到法定比例"


def test_one_participant_less_fails():
    result = tally(equal_dwellings([AGREE, AGREE, AGREE, None, None, None]))
    assert result.participation_heads == Fraction(1, 2)
    assert result.agreement_heads == 1
    assert not result.passes
    assert result.missing_words() == "还差1户、10.0㎡参与表决"


def test_one_agreement_less_fails():
    result = tally(equal_dwellings([AGREE, AGREE, DISAGREE, DISAGREE, None, None]))
    assert result.participation_heads == Fraction(2, 3)
    assert result.agreement_heads == Fraction(1, 2)
    assert not result.passes
    # 3/4 of 4 heads is 3: one more; 3/4 of 40 ㎡ is 30: 10 ㎡ more.
    assert result.missing() == Missing(0, D(0), 1, D("10.0"))
    assert result.missing_words() == "还差1户、10.0㎡同意"


def test_the_area_threshold_is_exact_to_the_hundredth_of_a_square_metre():
    # Four owners; the area alone decides. 75.00 of 100.00 ㎡ is exactly 3/4.
    exactly = tally(votes_of(
        ("a", "1", "40.00", AGREE), ("b", "2", "35.00", AGREE),
        ("c", "3", "15.00", AGREE), ("d", "4", "10.00", DISAGREE),
    ))
    assert exactly.agreement_area == Fraction(9, 10)
    boundary = tally(votes_of(
        ("a", "1", "40.00", AGREE), ("b", "2", "20.00", AGREE),
        ("c", "3", "15.00", AGREE), ("d", "4", "25.00", DISAGREE),
    ))
    assert boundary.agreement_area == Fraction(3, 4)
    assert boundary.agreement_heads == Fraction(3, 4)
    assert boundary.passes
    short = tally(votes_of(
        ("a", "1", "40.00", AGREE), ("b", "2", "19.99", AGREE),
        ("c", "3", "15.00", AGREE), ("d", "4", "25.01", DISAGREE),
    ))
    assert short.agreement_area == Fraction(7499, 10000)
    assert not short.passes
    # 3/4 of 100.00 is 75.00, 74.99 agree: 0.01 ㎡ short, shown rounded up to 0.1 ㎡.
    assert short.missing() == Missing(0, D(0), 0, D("0.1"))
    assert short.missing_words() == "还差0.1㎡同意"


def test_participation_area_exactly_two_thirds_with_unequal_dwellings():
    # 90 ㎡ in all; 60 ㎡ (2/3 exactly) take part; heads 2 of 3.
    votes = votes_of(("a", "1", "45.50", AGREE), ("b", "2", "14.50", AGREE), ("c", "3", "30.00", None))
    result = tally(votes)
    assert result.participation_area == Fraction(2, 3)
    assert result.participation_heads == Fraction(2, 3)
    assert result.passes
    smaller = tally(votes_of(("a", "1", "45.50", AGREE), ("b", "2", "14.49", AGREE), ("c", "3", "30.01", None)))
    assert smaller.participation_area < Fraction(2, 3)
    assert not smaller.passes
    assert smaller.missing_words() == "还差0.1㎡参与表决"


def test_participation_passes_and_agreement_fails():
    result = tally(equal_dwellings([AGREE, AGREE, DISAGREE, DISAGREE, ABSTAIN, AGREE, AGREE, None]))
    assert result.participation_passes
    assert not result.agreement_passes
    assert not result.passes
    assert result.agreement_heads == Fraction(4, 7)
    # ceil(3/4 × 7) = 6: two more heads; 3/4 × 70 - 40 = 12.5 ㎡.
    assert result.missing() == Missing(0, D(0), 2, D("12.5"))
    assert result.missing_words() == "还差2户、12.5㎡同意"


def test_both_missing_in_one_sentence():
    result = tally(equal_dwellings([AGREE, DISAGREE, None, None, None, None]))
    # Participation: ceil(2/3 × 6) - 2 = 2 heads, 40 - 20 = 20 ㎡; agreement: ceil(3/4 × 2) - 1 = 1, 15 - 10 = 5 ㎡.
    assert result.missing_words() == "还差2户、20.0㎡参与表决；还差1户、5.0㎡同意"


def test_nobody_voted_and_nobody_in_scope():
    nobody = tally(equal_dwellings([None, None, None]))
    assert nobody.agreement_area == nobody.agreement_heads == 0
    assert nobody.missing_words() == "还差2户、20.0㎡参与表决"
    empty = tally([])
    assert (empty.total_heads, empty.participation_area, empty.passes) == (0, 0, False)
    assert empty.missing_words() == "尚无住户，无法表决"


def test_other_rules():
    # A city may ask for more; thresholds stay "at least".
    strict = ConsentRules(Fraction(3, 4), Fraction(3, 4), Fraction(1), Fraction(1))
    assert tally(equal_dwellings([AGREE, AGREE, AGREE, None]), strict).passes
    assert not tally(equal_dwellings([AGREE, AGREE, ABSTAIN, None]), strict).passes
    assert CIVIL_CODE == ConsentRules(Fraction(2, 3), Fraction(2, 3), Fraction(3, 4), Fraction(3, 4))
    assert tally(equal_dwellings([AGREE])).rules == CIVIL_CODE


# --- a worked example ------------------------------------------------------------------------

def unit_seven_floors():
    """A 单元 of 7 floors × 2 dwellings: x01 63.52 ㎡, x02 78.10 ㎡ (991.34 ㎡ in all). 王 owns
    601 and 602, so 13 owners."""
    choices = {
        "101": DISAGREE, "102": None,
        "201": DISAGREE, "202": AGREE,
        "301": AGREE, "302": ABSTAIN,
        "401": AGREE, "402": AGREE,
        "501": AGREE, "502": AGREE,
        "601": AGREE, "602": AGREE,
        "701": AGREE, "702": None,
    }
    votes = []
    for dwelling, vote in choices.items():
        owner = "王" if dwelling.startswith("6") else f"业主{dwelling}"
        area = D("63.52") if dwelling.endswith("1") else D("78.10")
        votes.append(Vote(owner, dwelling, area, vote))
    return votes


def test_worked_example_a_unit_of_seven_floors():
    votes = unit_seven_floors()
    result = tally(votes)
    assert result.total_area == D("991.34")
    assert result.total_heads == 13
    # 102 and 702 did not vote: 991.34 - 2 × 78.10.
    assert result.participating_area == D("835.14")
    assert result.participating_heads == 11
    # Agree: 301 401 501 601 701 (5 × 63.52 = 317.60) and 202 402 502 602 (4 × 78.10 = 312.40).
    assert result.agreeing_area == D("630.00")
    # 202 301 401 402 501 502 王 701.
    assert result.agreeing_heads == 8
    assert result.participation_area == Fraction(83514, 99134)
    assert result.participation_heads == Fraction(11, 13)
    assert result.agreement_area == Fraction(63000, 83514)  # 75.4 %: 3/4 of 835.14 is 626.355
    assert result.agreement_heads == Fraction(8, 11)  # 72.7 %: short of 3/4
    assert result.participation_passes and not result.agreement_passes
    assert not result.passes
    assert result.missing() == Missing(0, D(0), 1, D(0))
    assert result.missing_words() == "还差1户同意"

    # 302 changes from abstaining to agreeing: 9/11 heads, 708.10 ㎡ of 835.14.
    votes = [Vote(v.owner, v.dwelling, v.area, AGREE) if v.dwelling == "302" else v for v in votes]
    result = tally(votes)
    assert (result.agreeing_heads, result.agreeing_area) == (9, D("708.10"))
    assert result.passes
    assert result.missing_words() == "已达到法定比例"


# --- running sums ------------------------------------------------------------------------------

def test_tally_equals_tally_from_sums():
    votes = unit_seven_floors()
    assert tally(votes) == tally_from_sums(Sums.from_votes(votes))
    assert Sums.from_votes(votes) == Sums(D("991.34"), 13, D("835.14"), 11, D("630.00"), 8)
    # As a database row stores them (2 decimal places).
    stored = Sums(total_area=D("991.34"), total_heads=13, participating_area=D("835.14"),
                  participating_heads=11, agreeing_area=D("630.00"), agreeing_heads=8)
    assert tally_from_sums(stored) == tally(votes)
    assert isinstance(tally_from_sums(Sums()), Tally)


def test_sums_updated_per_vote_match_a_recount():
    # One owner per dwelling: each new vote moves the sums by its own dwelling only.
    sums = Sums(total_area=D("40"), total_heads=4)
    for vote in (AGREE, DISAGREE, ABSTAIN):
        sums.participating_area += D("10")
        sums.participating_heads += 1
        if vote == AGREE:
            sums.agreeing_area += D("10")
            sums.agreeing_heads += 1
    assert tally_from_sums(sums) == tally(equal_dwellings([AGREE, DISAGREE, ABSTAIN, None]))


def test_impossible_sums_are_refused():
    with pytest.raises(ValueError, match="同意面积≤参与表决面积≤总面积"):
        tally_from_sums(Sums(D("10"), 1, D("5"), 1, D("6"), 1))
    with pytest.raises(ValueError, match="同意人数≤参与表决人数≤总人数"):
        tally_from_sums(Sums(D("10"), 1, D("10"), 2, D("10"), 1))
    with pytest.raises(ValueError, match="总面积"):
        tally_from_sums(Sums(D("-1"), 1))
    with pytest.raises(ValueError, match="参与表决人数"):
        tally_from_sums(Sums(D("10"), 1, D("10"), 1.0))


owners = st.sampled_from(["甲", "乙", "丙", "丁", "戊", "己"])
areas = st.integers(2000, 30000).map(lambda centi: D(centi).scaleb(-2))
choices = st.sampled_from([AGREE, DISAGREE, ABSTAIN, None])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(owners, areas, choices), max_size=30))
def test_sums_and_missing_agree_with_the_definitions(rows):
    votes = [Vote(owner, f"d{i}", area, vote) for i, (owner, area, vote) in enumerate(rows)]
    result = tally(votes)
    assert result == tally_from_sums(Sums.from_votes(votes))
    assert result.total_heads == len({v.owner for v in votes})
    assert result.total_area == sum((v.area for v in votes), D(0))

    missing = result.missing()
    rules = result.rules
    if result.total_heads and result.participating_heads:
        assert result.passes == missing.nothing
    # The missing heads are the fewest that reach the threshold.
    h = missing.participation_heads
    if result.total_heads:
        assert Fraction(result.participating_heads + h, result.total_heads) >= rules.participation_heads
        if h:
            assert Fraction(result.participating_heads + h - 1, result.total_heads) < rules.participation_heads
    h = missing.agreement_heads
    if result.participating_heads:
        assert Fraction(result.agreeing_heads + h, result.participating_heads) >= rules.agreement_heads
        if h:
            assert Fraction(result.agreeing_heads + h - 1, result.participating_heads) < rules.agreement_heads
    # The missing area reaches the threshold, and 0.1 ㎡ less does not.
    a = missing.agreement_area
    if result.participating_heads:
        assert a == a.quantize(D("0.1"))
        assert Fraction(result.agreeing_area + a) >= rules.agreement_area * Fraction(result.participating_area)
        if a:
            assert Fraction(result.agreeing_area + a - D("0.1")) < rules.agreement_area * Fraction(
                result.participating_area)
    a = missing.participation_area
    assert Fraction(result.participating_area + a) >= rules.participation_area * Fraction(result.total_area)
    if a:
        assert Fraction(result.participating_area + a - D("0.1")) < rules.participation_area * Fraction(
            result.total_area)


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("area", [D("0"), D("-63.52"), 0])
def test_area_must_be_positive(area):
    with pytest.raises(ValueError, match="专有部分面积必须大于0") as caught:
        Vote("王", "101", area, AGREE)
    assert caught.value.field == "area"


@pytest.mark.parametrize("area", [D("NaN"), D("Infinity"), D("sNaN")])
def test_area_must_be_finite(area):
    with pytest.raises(ValueError, match="专有部分面积必须是有限的数值"):
        Vote("王", "101", area, AGREE)


@pytest.mark.parametrize("area", [63.52, "63.52", True, None])
def test_area_must_be_a_decimal(area):
    with pytest.raises(ValueError, match="专有部分面积应为Decimal数值"):
        Vote("王", "101", area, AGREE)


@pytest.mark.parametrize("value", ["yes", "同意", "", True, 1])
def test_unknown_vote_value(value):
    with pytest.raises(ValueError, match="表决意见只能是") as caught:
        Vote("王", "101", D("63.52"), value)
    assert caught.value.field == "vote"


def test_the_same_dwelling_twice():
    votes = [Vote("王", "101", D("63.52"), AGREE), Vote("李", "101", D("63.52"), DISAGREE)]
    with pytest.raises(ValueError, match="同一户只能表决一次") as caught:
        tally(votes)
    assert caught.value.field == "dwelling"


def test_duck_typed_votes_are_checked_too():
    class Row:
        owner, dwelling, area, vote = "王", "101", D("0"), AGREE

    with pytest.raises(ValueError, match="专有部分面积必须大于0"):
        tally([Row()])


@pytest.mark.parametrize("threshold", [Fraction(4, 3), Fraction(-1, 2), 0.75, "3/4"])
def test_rules_must_be_fractions_between_0_and_1(threshold):
    with pytest.raises(ValueError, match="同意人数比例应为0到1之间的分数"):
        ConsentRules(Fraction(2, 3), Fraction(2, 3), Fraction(3, 4), threshold)


def test_integer_areas_become_decimals():
    assert Vote("王", "101", 60, AGREE).area == D("60")
    assert isinstance(Vote("王", "101", 60, AGREE).area, Decimal)
