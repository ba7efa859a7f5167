"""The distance-to-frontier score and the roll-up (issue 14): 100 at the frontier, 0 at the
worst, linear and clipped, monotone in the value in the direction the frontier gives; weighted
means by weights summing to 1; bad input refused with a Chinese message."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from minsheng.evaluation.scoring import ScoringError, bounds, dtf, roll_up

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(best=finite, worst=finite)
def test_the_frontier_scores_100_and_the_worst_0(best, worst):
    assume(best != worst)
    assert dtf(best, best, worst) == pytest.approx(100)
    assert dtf(worst, best, worst) == pytest.approx(0)


@given(a=finite, b=finite, best=finite, worst=finite)
def test_the_score_is_monotone_in_the_value_towards_the_frontier(a, b, best, worst):
    assume(best != worst)
    low, high = sorted((a, b))
    if best > worst:  # higher is better
        assert dtf(high, best, worst) >= dtf(low, best, worst)
    else:  # lower is better
        assert dtf(low, best, worst) >= dtf(high, best, worst)


@given(value=finite, best=finite, worst=finite)
def test_the_score_is_clipped_to_0_and_100(value, best, worst):
    assume(best != worst)
    assert 0 <= dtf(value, best, worst) <= 100


def test_lower_is_better_when_the_frontier_is_below_the_worst():
    # 开办企业 in days: 1 day is the frontier, 20 days the worst.
    assert dtf(1, 1, 20) == 100 and dtf(20, 1, 20) == 0 and dtf(10.5, 1, 20) == pytest.approx(50)
    assert dtf(0.5, 1, 20) == 100 and dtf(30, 1, 20) == 0
    # Coverage in percent: higher is better.
    assert dtf(70, 100, 40) == pytest.approx(50)


@pytest.mark.parametrize("args, words", [
    ((5, 3, 3), "前沿值不能等于最差值"),
    ((float("nan"), 1, 2), "有限"),
    (("abc", 1, 2), "测量值应为数字"),
    ((1, None, 2), "前沿值应为数字"),
    ((1, 2, True), "最差值应为数字"),
])
def test_bad_input_is_refused_by_name(args, words):
    with pytest.raises(ScoringError, match=words):
        dtf(*args)


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=8))
def test_the_roll_up_of_equal_weights_is_the_mean_and_stays_within_the_scores(scores):
    weights = [1 / len(scores)] * len(scores)
    weights[-1] = 1 - sum(weights[:-1])
    total = roll_up(scores, weights)
    assert min(scores) - 1e-9 <= total <= max(scores) + 1e-9
    assert math.isclose(total, sum(scores) / len(scores), abs_tol=1e-6)


def test_weights_must_sum_to_1_and_match_the_scores():
    assert roll_up([100, 50], [0.25, 0.75]) == pytest.approx(62.5)
    with pytest.raises(ScoringError, match="之和应为1"):
        roll_up([100, 50], [0.5, 0.6])
    with pytest.raises(ScoringError, match="不能为负数"):
        roll_up([100, 50], [1.5, -0.5])
    with pytest.raises(ScoringError, match="个数不一致"):
        roll_up([100], [0.5, 0.5])


def test_bounds_come_from_the_observed_values_or_a_stated_bound():
    observed = bounds([3, 8, 5], lower_is_better=True)
    assert (observed.best, observed.worst) == (3, 8)
    stated = bounds([3, 8, 5], lower_is_better=True, stated_worst=20)
    assert (stated.best, stated.worst) == (3, 20)
    assert bounds([4, 4], lower_is_better=False) is None and bounds([], lower_is_better=False) is None
