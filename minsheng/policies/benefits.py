"""How much a policy gives a firm: a fixed amount, a rate of one of its figures, or tiers of one;
never below the floor (itself never below 0), never above the cap. check() refuses, naming the
field, a formula that could give a negative or unbounded amount."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from minsheng.core.errors import ActionError
from minsheng.core.text import parse_amount

CENT = Decimal("0.01")
WAN = Decimal("10000")  # the figures are in 万元 (revenue, tax), a rate of them is paid in yuan


@dataclass(frozen=True)
class Formula:
    kind: str
    amount: Decimal | None
    rate: Decimal | None
    base_field: str
    tiers: tuple[tuple[Decimal, Decimal], ...]
    floor: Decimal
    cap: Decimal | None


def check(kind: str, *, amount=None, rate=None, base_field: str = "", tiers=(), floor=0, cap=None) -> Formula:
    from minsheng.policies.models import BenefitKind, FigureField

    if kind not in BenefitKind.values:
        raise ActionError("请选择计算方式：定额、按比例或分档。", field="benefit_kind")
    floor = parse_amount(floor if floor not in (None, "") else 0, field="floor", label="最低金额")
    cap = parse_amount(cap, field="cap", label="最高金额", required=False)
    if cap is not None and cap < floor:
        raise ActionError("最高金额不能低于最低金额。", field="cap")
    checked_tiers: tuple = ()
    if kind == BenefitKind.FIXED:
        amount = parse_amount(amount, field="amount", label="定额")
        rate, base_field = None, ""
    else:
        if base_field not in FigureField.values:
            raise ActionError("请选择计算基数（企业的哪一项年度数据）。", field="base_field")
        amount = None
        if kind == BenefitKind.RATE:
            rate = parse_amount(rate, field="rate", label="比例", places=3)
            if rate > 100:
                raise ActionError("比例不能超过100%。", field="rate")
            if cap is None:
                raise ActionError("按比例计算的政策须设最高金额。", field="cap")
        else:
            rate = None
            if not isinstance(tiers, (list, tuple)) or not tiers:
                raise ActionError("请填写分档：每档的基数下限和金额。", field="tiers")
            rows = []
            for row in tiers:
                if not isinstance(row, (list, tuple)) or len(row) != 2:
                    raise ActionError("每档应为“基数下限、金额”两项。", field="tiers")
                rows.append((parse_amount(row[0], field="tiers", label="分档下限"), parse_amount(row[1], field="tiers", label="分档金额")))
            lows = [low for low, _ in rows]
            if lows != sorted(lows) or len(set(lows)) != len(lows):
                raise ActionError("分档下限应从低到高，且各不相同。", field="tiers")
            checked_tiers = tuple(rows)
    return Formula(kind, amount, rate, base_field, checked_tiers, floor, cap)


def amount_for(formula: Formula, base: Decimal | None) -> Decimal | None:
    """What the firm receives, in yuan, to the fen; None when the figure it is computed from is
    missing, or it falls below every tier."""
    if formula.kind == "fixed":
        value = formula.amount
    elif base is None:
        return None
    elif formula.kind == "rate":
        value = base * WAN * formula.rate / 100 if formula.base_field in ("revenue", "tax_paid") else base * formula.rate / 100
    else:
        reached = [money for low, money in formula.tiers if base >= low]
        if not reached:
            return None
        value = reached[-1]
    value = max(value, formula.floor)
    if formula.cap is not None:
        value = min(value, formula.cap)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
