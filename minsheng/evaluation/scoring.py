"""How the business-environment evaluation scores (the distance-to-frontier method of the World
Bank's Doing Business and of China's national evaluation): each second-level indicator's value
is placed between the worst and the best (the frontier) on a scale of 0 to 100, linearly and
clipped; first-level and overall scores are weighted means of the scores below them. Pure
functions: the pages, the API and the demo all score through these."""

import math
from collections.abc import Iterable
from dataclasses import dataclass


class ScoringError(ValueError):
    """A frontier equal to the worst, weights not summing to 1, a value that is not a number: the
    message is Chinese and names what is wrong."""


WEIGHT_TOLERANCE = 1e-6


def _number(value, what: str) -> float:
    if isinstance(value, bool):
        raise ScoringError(f"{what}应为数字。")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScoringError(f"{what}应为数字。") from None
    if not math.isfinite(number):
        raise ScoringError(f"{what}应为有限的数字。")
    return number


def dtf(value, best, worst) -> float:
    """The distance-to-frontier score of `value`: 100 at `best`, 0 at `worst`, linear between,
    clipped to 0–100 beyond them. Whether lower or higher is better follows from whether `best`
    lies below or above `worst` (fewer days: best 1, worst 20; more coverage: best 100, worst 40)."""
    value, best, worst = _number(value, "测量值"), _number(best, "前沿值"), _number(worst, "最差值")
    if best == worst:
        raise ScoringError("前沿值不能等于最差值。")
    score = (value - worst) / (best - worst) * 100
    return min(100.0, max(0.0, score))


def check_weights(weights: Iterable, what: str = "权重") -> list[float]:
    """Weights as numbers, each at least 0, summing to 1."""
    numbers = [_number(weight, what) for weight in weights]
    if any(weight < 0 for weight in numbers):
        raise ScoringError(f"{what}不能为负数。")
    total = sum(numbers)
    if not numbers or abs(total - 1) > WEIGHT_TOLERANCE:
        raise ScoringError(f"{what}之和应为1（现为{total:g}）。")
    return numbers


def roll_up(scores: Iterable, weights: Iterable) -> float:
    """The weighted mean of the scores below (each 0–100) by weights summing to 1."""
    scores = [_number(score, "得分") for score in scores]
    numbers = check_weights(weights)
    if len(scores) != len(numbers):
        raise ScoringError("得分与权重的个数不一致。")
    return sum(score * weight for score, weight in zip(scores, numbers, strict=True))


@dataclass(frozen=True)
class Bounds:
    """The frontier and the worst of one indicator over the regions measured in a period: the
    best and worst observed, or a stated bound where the framework gives one."""

    best: float
    worst: float


def bounds(values: Iterable, *, lower_is_better: bool, stated_worst=None, stated_best=None) -> Bounds | None:
    """The frontier and the worst of the observed values; None when they cannot differ (one
    region measured, or every region the same, and nothing stated)."""
    observed = [_number(value, "测量值") for value in values]
    if not observed:
        return None
    best = min(observed) if lower_is_better else max(observed)
    worst = max(observed) if lower_is_better else min(observed)
    if stated_best is not None:
        best = _number(stated_best, "前沿值")
    if stated_worst is not None:
        worst = _number(stated_worst, "最差值")
    if best == worst:
        return None
    return Bounds(best, worst)
