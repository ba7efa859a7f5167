"""The owners' consent to an elevator retrofit (既有住宅加装电梯): the tally of Civil Code
art. 278 as the Supreme People's Court reads it (法释〔2009〕7号, amended 2020, 关于审理建筑物区分
所有权纠纷案件适用法律若干问题的解释 art. 8 and 9). Pure Python, standard library only.

The rule (民法典第二百七十八条第二款): the matter is decided by the owners whose exclusive
area makes up at least 2/3 of the total and who make up at least 2/3 of the owners taking part
in the vote (参与表决), and it passes with the agreement of at least 3/4 of the participating
exclusive area and at least 3/4 of the participating owners. "以上" includes the number itself
(民法典第一千二百五十九条), so every threshold is "at least" (≥).

How things are counted here:

- Area (解释第八条): a dwelling's exclusive area is the one in the property register (or the
  surveyed area while unregistered); the total area is the sum of the dwellings' exclusive
  areas in scope. Participating area: the dwellings whose vote is not None (agree, disagree or
  abstain). Agreeing area: the dwellings voting "agree".
- Heads (解释第九条): one exclusive part counts as one person, but a person owning more than one
  counts once; co-owners of one dwelling count once (the caller passes one `Vote` per dwelling,
  its `owner` the id of the person or of the co-owner group). Total heads = distinct owners.
  Participating heads = owners with at least one participating dwelling.
- An owner of several dwellings who votes differently on them is one head, and counts as an
  agreeing head only if ALL of his participating dwellings vote "agree" (a dwelling he did not
  vote on does not count against him). This is the conservative reading: a head who objects or
  abstains on one of his dwellings has not given the head's consent. His areas are counted
  dwelling by dwelling as usual.
- Abstaining (弃权) is taking part without agreeing: it raises the participating area and heads
  and never the agreeing ones.

The shares are exact Fractions and the areas exact Decimals: no float anywhere. `Sums` holds
the six running sums so that a database row can keep them and update them per vote;
`tally(votes)` is always `tally_from_sums(Sums.from_votes(votes))`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from fractions import Fraction

AGREE = "agree"
DISAGREE = "disagree"
ABSTAIN = "abstain"
VOTE_VALUES = (AGREE, DISAGREE, ABSTAIN)

# Decimal sums that can never round silently: an inexact result raises instead.
_EXACT = Context(prec=80, traps=[Inexact, InvalidOperation, Overflow])
_ZERO = Decimal(0)
_TENTH = Decimal("0.1")
_LABELS = {
    "participation_area": "参与表决面积比例",
    "participation_heads": "参与表决人数比例",
    "agreement_area": "同意面积比例",
    "agreement_heads": "同意人数比例",
    "total_area": "总面积",
    "participating_area": "参与表决面积",
    "agreeing_area": "同意面积",
    "total_heads": "总人数",
    "participating_heads": "参与表决人数",
    "agreeing_heads": "同意人数",
}


class ConsentError(ValueError):
    """Bad input to the tally; `field` names what was wrong (area, vote, dwelling, rules, sums)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Vote:
    """One dwelling's vote: `vote` is "agree", "disagree", "abstain", or None (did not take part).
    `area` is the dwelling's exclusive area in ㎡ (Decimal, or int), greater than 0."""

    owner: Hashable
    dwelling: Hashable
    area: Decimal
    vote: str | None

    def __post_init__(self):
        object.__setattr__(self, "area", _check_area(self.area, self.dwelling))
        _check_vote_value(self.vote, self.dwelling)


@dataclass(frozen=True)
class ConsentRules:
    """The four thresholds, each "at least": participation as a share of the totals, agreement
    as a share of those taking part."""

    participation_area: Fraction
    participation_heads: Fraction
    agreement_area: Fraction
    agreement_heads: Fraction

    def __post_init__(self):
        for name in ("participation_area", "participation_heads", "agreement_area", "agreement_heads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (Fraction, int)) or not 0 <= value <= 1:
                raise ConsentError(f"{_LABELS[name]}应为0到1之间的分数（Fraction），现为{value!r}", field="rules")
            object.__setattr__(self, name, Fraction(value))


CIVIL_CODE = ConsentRules(Fraction(2, 3), Fraction(2, 3), Fraction(3, 4), Fraction(3, 4))


@dataclass
class Sums:
    """The six running sums of a vote. Areas are Decimal ㎡, heads are ints (distinct owners)."""

    total_area: Decimal = _ZERO
    total_heads: int = 0
    participating_area: Decimal = _ZERO
    participating_heads: int = 0
    agreeing_area: Decimal = _ZERO
    agreeing_heads: int = 0

    @classmethod
    def from_votes(cls, votes: Iterable[Vote]) -> Sums:
        """Count the votes (one per dwelling) by the rules in the module docstring."""
        seen: set = set()
        # owner -> [takes part at all, every participating dwelling agrees]
        heads: dict[Hashable, list[bool]] = {}
        total = participating = agreeing = _ZERO
        for vote in votes:
            area = _check_area(vote.area, vote.dwelling)
            _check_vote_value(vote.vote, vote.dwelling)
            if vote.dwelling in seen:
                raise ConsentError(f"同一户只能表决一次（{vote.dwelling}户出现了两次）", field="dwelling")
            seen.add(vote.dwelling)
            head = heads.setdefault(vote.owner, [False, True])
            total = _EXACT.add(total, area)
            if vote.vote is None:
                continue
            participating = _EXACT.add(participating, area)
            head[0] = True
            if vote.vote == AGREE:
                agreeing = _EXACT.add(agreeing, area)
            else:
                head[1] = False
        return cls(
            total_area=total,
            total_heads=len(heads),
            participating_area=participating,
            participating_heads=sum(1 for takes_part, _ in heads.values() if takes_part),
            agreeing_area=agreeing,
            agreeing_heads=sum(1 for takes_part, agrees in heads.values() if takes_part and agrees),
        )


@dataclass(frozen=True)
class Missing:
    """What a vote still lacks. Participation is measured against the totals; agreement against
    those taking part now (see `Tally.missing`). Areas are ㎡ rounded UP to 0.1 ㎡; 0 when met."""

    participation_heads: int
    participation_area: Decimal
    agreement_heads: int
    agreement_area: Decimal

    @property
    def nothing(self) -> bool:
        return not (self.participation_heads or self.participation_area
                    or self.agreement_heads or self.agreement_area)


@dataclass(frozen=True)
class Tally:
    """The outcome: the four shares (Fraction, 0 when the denominator is 0), the raw sums, and
    whether all four thresholds of `rules` are met."""

    participation_area: Fraction
    participation_heads: Fraction
    agreement_area: Fraction
    agreement_heads: Fraction
    total_area: Decimal
    total_heads: int
    participating_area: Decimal
    participating_heads: int
    agreeing_area: Decimal
    agreeing_heads: int
    passes: bool
    rules: ConsentRules = CIVIL_CODE

    @property
    def participation_passes(self) -> bool:
        return (self.total_heads > 0
                and self.participation_area >= self.rules.participation_area
                and self.participation_heads >= self.rules.participation_heads)

    @property
    def agreement_passes(self) -> bool:
        return (self.participating_heads > 0
                and self.agreement_area >= self.rules.agreement_area
                and self.agreement_heads >= self.rules.agreement_heads)

    def missing(self) -> Missing:
        """The fewest additional heads and ㎡ each threshold needs, counted simply:

        - participation: the smallest integer h with (participating_heads + h) / total_heads ≥
          threshold, and the smallest area a (rounded UP to 0.1 ㎡) with (participating_area + a)
          / total_area ≥ threshold;
        - agreement: the same against the present participants — h with (agreeing_heads + h) /
          participating_heads ≥ threshold, likewise the area. That is how many of those already
          taking part would have to agree in addition. A newcomer who agrees also enlarges the
          base, so more newcomers than that may be needed. With nobody taking part yet there is
          no base: agreement lacks 0 (the participation figures say what is missing).
        """
        rules = self.rules
        if self.participating_heads:
            agreement_heads = _heads_needed(self.agreeing_heads, self.participating_heads, rules.agreement_heads)
            agreement_area = _area_needed(self.agreeing_area, self.participating_area, rules.agreement_area)
        else:
            agreement_heads, agreement_area = 0, _ZERO
        return Missing(
            participation_heads=_heads_needed(self.participating_heads, self.total_heads, rules.participation_heads),
            participation_area=_area_needed(self.participating_area, self.total_area, rules.participation_area),
            agreement_heads=agreement_heads,
            agreement_area=agreement_area,
        )

    def missing_words(self) -> str:
        """One sentence: "已达到法定比例", "还差1户参与表决", "还差2户、63.5㎡同意",
        "还差1户、20.5㎡参与表决；还差2户同意" (户 here is an owner, counted as a head)."""
        if self.passes:
            return "已达到法定比例"
        missing = self.missing()
        parts = [
            words
            for words in (
                _missing_part(missing.participation_heads, missing.participation_area, "参与表决"),
                _missing_part(missing.agreement_heads, missing.agreement_area, "同意"),
            )
            if words
        ]
        if parts:
            return "；".join(parts)
        return "尚无业主参与表决" if self.total_heads else "尚无住户，无法表决"


def tally(votes: Iterable[Vote], rules: ConsentRules | None = None) -> Tally:
    """The tally of one vote per dwelling in scope (see the module docstring for the rules)."""
    return tally_from_sums(Sums.from_votes(votes), rules)


def tally_from_sums(sums: Sums, rules: ConsentRules | None = None) -> Tally:
    """The tally from stored running sums; refuses sums that cannot come from any vote."""
    rules = CIVIL_CODE if rules is None else rules
    areas = [_check_sum_area(sums, name) for name in ("total_area", "participating_area", "agreeing_area")]
    heads = [_check_sum_heads(sums, name) for name in ("total_heads", "participating_heads", "agreeing_heads")]
    total_area, participating_area, agreeing_area = areas
    total_heads, participating_heads, agreeing_heads = heads
    if not agreeing_area <= participating_area <= total_area:
        raise ConsentError("面积合计有误：应为同意面积≤参与表决面积≤总面积", field="sums")
    if not agreeing_heads <= participating_heads <= total_heads:
        raise ConsentError("人数合计有误：应为同意人数≤参与表决人数≤总人数", field="sums")
    result = Tally(
        participation_area=_share(participating_area, total_area),
        participation_heads=_share(participating_heads, total_heads),
        agreement_area=_share(agreeing_area, participating_area),
        agreement_heads=_share(agreeing_heads, participating_heads),
        total_area=total_area,
        total_heads=total_heads,
        participating_area=participating_area,
        participating_heads=participating_heads,
        agreeing_area=agreeing_area,
        agreeing_heads=agreeing_heads,
        passes=False,
        rules=rules,
    )
    return replace(result, passes=result.participation_passes and result.agreement_passes)


# --- helpers ---------------------------------------------------------------------------------

def _check_area(area, dwelling) -> Decimal:
    if isinstance(area, bool) or not isinstance(area, (Decimal, int)):
        raise ConsentError(f"专有部分面积应为Decimal数值（{dwelling}户：{area!r}）", field="area")
    area = Decimal(area)
    if not area.is_finite():
        raise ConsentError(f"专有部分面积必须是有限的数值（{dwelling}户：{area}）", field="area")
    if area <= 0:
        raise ConsentError(f"专有部分面积必须大于0（{dwelling}户：{area}㎡）", field="area")
    return area


def _check_vote_value(value, dwelling) -> None:
    if value is not None and (not isinstance(value, str) or value not in VOTE_VALUES):
        raise ConsentError(
            f"表决意见只能是同意（agree）、不同意（disagree）、弃权（abstain）或未参与表决（None）"
            f"（{dwelling}户：{value!r}）",
            field="vote",
        )


def _check_sum_area(sums: Sums, name: str) -> Decimal:
    value = getattr(sums, name)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ConsentError(f"{_LABELS[name]}应为Decimal数值，现为{value!r}", field="sums")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ConsentError(f"{_LABELS[name]}必须是不小于0的有限数值，现为{value}", field="sums")
    return value


def _check_sum_heads(sums: Sums, name: str) -> int:
    value = getattr(sums, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConsentError(f"{_LABELS[name]}应为不小于0的整数，现为{value!r}", field="sums")
    return value


def _share(part, whole) -> Fraction:
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


def _heads_needed(have: int, base: int, threshold: Fraction) -> int:
    return max(0, math.ceil(threshold * base - have))


def _area_needed(have: Decimal, base: Decimal, threshold: Fraction) -> Decimal:
    lacking = threshold * Fraction(base) - Fraction(have)
    if lacking <= 0:
        return _ZERO
    return _EXACT.multiply(Decimal(math.ceil(lacking * 10)), _TENTH)


def _missing_part(heads: int, area: Decimal, what: str) -> str:
    amounts = []
    if heads:
        amounts.append(f"{heads}户")
    if area:
        amounts.append(f"{area}㎡")
    return f"还差{'、'.join(amounts)}{what}" if amounts else ""
