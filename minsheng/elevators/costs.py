"""Who pays what of an elevator retrofit (既有住宅加装电梯): the cost left after the subsidy,
split among the dwellings in scope. Pure Python, standard library only; amounts are worked in
integer fen and exact Fractions, never floats.

`split(total, subsidy, dwellings, method, table=None)` returns `{dwelling id: Decimal yuan with
2 places}`, the shares of `total - subsidy`; `split_fen` returns the same in integer fen.
`dwellings` are `(id, floor, area)` tuples: floor an int ≥ 1, area the exclusive area in ㎡
(Decimal or int, > 0). Amounts are yuan as Decimal or int, ≥ 0, exact to the fen (Decimal("1.500")
is accepted, Decimal("1.505") is not); floats are refused.

Methods:

- "area": in proportion to the exclusive area (民法典第二百八十三条: without an agreement, by
  the share of exclusive area). `table` must be None.
- "coefficient": in proportion to a per-floor coefficient. The default table is 1F 0, 2F 0.5,
  3F 1.0, then 0.1 more a floor (4F 1.1, 5F 1.2, …). A `table` {floor: coefficient} replaces the
  defaults entirely: every floor in scope must be in it (no silent mix of a city's table with
  ours). Dwellings on a floor with coefficient 0 (the ground floor by default) pay nothing.
- "percent": `table` {floor: percent} gives the share, in percent, of EACH dwelling on that
  floor; the dwellings in scope must add up to exactly 100. Floors outside the scope are ignored.

Rounding — the largest remainder method (Hamilton): each dwelling's exact share in fen is
computed as a Fraction and floored to the fen; the fen still missing (fewer than the number of
dwellings) go one each to the dwellings with the largest fractional remainders; ties go to the
higher floor first, then to the dwelling given first. The shares therefore add up exactly to
total − subsidy, each differs from its exact value by less than one fen, and a dwelling with
weight 0 never receives a fen.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from fractions import Fraction

AREA = "area"
COEFFICIENT = "coefficient"
PERCENT = "percent"
METHODS = (AREA, COEFFICIENT, PERCENT)

_EXACT = Context(prec=80, traps=[Inexact, InvalidOperation, Overflow])
_HUNDRED = Fraction(100)


class CostSplitError(ValueError):
    """Bad input to the split; `field` names what was wrong (total, subsidy, dwellings, floor,
    area, method, table)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


def default_coefficient(floor: int) -> Decimal:
    """1F 0, 2F 0.5, 3F 1.0, then +0.1 a floor above the 3rd (4F 1.1, 5F 1.2, …)."""
    if isinstance(floor, bool) or not isinstance(floor, int) or floor < 1:
        raise CostSplitError(f"楼层必须是不小于1的整数（{floor!r}）", field="floor")
    if floor == 1:
        return Decimal("0")
    if floor == 2:
        return Decimal("0.5")
    return _EXACT.add(Decimal("1.0"), _EXACT.multiply(Decimal("0.1"), Decimal(floor - 3)))


def split(total, subsidy, dwellings: Iterable[tuple], method: str,
          table: Mapping[int, Decimal] | None = None) -> dict[Hashable, Decimal]:
    """Each dwelling's share of `total - subsidy` in yuan (Decimal with 2 places), in the order
    given. See the module docstring for the methods and the rounding rule."""
    return {key: _yuan(fen) for key, fen in split_fen(total, subsidy, dwellings, method, table).items()}


def split_fen(total, subsidy, dwellings: Iterable[tuple], method: str,
              table: Mapping[int, Decimal] | None = None) -> dict[Hashable, int]:
    """As `split`, in integer fen."""
    total_fen = _fen(total, "工程总造价", "total")
    subsidy_fen = _fen(subsidy, "补贴金额", "subsidy")
    if subsidy_fen > total_fen:
        raise CostSplitError("补贴金额不能大于工程总造价", field="subsidy")
    payable = total_fen - subsidy_fen
    entries = _check_dwellings(dwellings)
    weights = _weights(entries, method, table)
    if not any(weights):
        if payable:
            raise CostSplitError(
                f"参与分摊的各户分摊权重均为0（如只有一层住户），无法分摊{_yuan(payable)}元", field=_weights_field(method)
            )
        return {key: 0 for key, _, _ in entries}
    whole = sum(weights)
    exact = [payable * weight / whole for weight in weights]
    shares = [math.floor(x) for x in exact]
    left = payable - sum(shares)
    order = sorted(range(len(entries)), key=lambda i: (-(exact[i] - shares[i]), -entries[i][1], i))
    for i in order[:left]:
        shares[i] += 1
    return {key: share for (key, _, _), share in zip(entries, shares)}


# --- checks and weights ----------------------------------------------------------------------

def _fen(amount, label: str, field: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise CostSplitError(f"{label}应为以元为单位的Decimal或整数，现为{amount!r}", field=field)
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise CostSplitError(f"{label}必须是有限的数值，现为{amount}", field=field)
    if amount < 0:
        raise CostSplitError(f"{label}不能为负数，现为{amount}元", field=field)
    fen = Fraction(amount) * 100
    if fen.denominator != 1:
        raise CostSplitError(f"{label}最多保留两位小数（精确到分），现为{amount}元", field=field)
    return int(fen)


def _check_dwellings(dwellings: Iterable[tuple]) -> list[tuple[Hashable, int, Fraction]]:
    entries = []
    seen = set()
    for entry in dwellings:
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise CostSplitError(f"每户应为（编号, 楼层, 专有部分面积），现为{entry!r}", field="dwellings")
        key, floor, area = entry
        if key in seen:
            raise CostSplitError(f"同一户只能分摊一次（{key}户出现了两次）", field="dwellings")
        seen.add(key)
        if isinstance(floor, bool) or not isinstance(floor, int) or floor < 1:
            raise CostSplitError(f"楼层必须是不小于1的整数（{key}户：{floor!r}）", field="floor")
        if isinstance(area, bool) or not isinstance(area, (Decimal, int)):
            raise CostSplitError(f"专有部分面积应为Decimal数值（{key}户：{area!r}）", field="area")
        if isinstance(area, Decimal) and not area.is_finite():
            raise CostSplitError(f"专有部分面积必须是有限的数值（{key}户：{area}）", field="area")
        if area <= 0:
            raise CostSplitError(f"专有部分面积必须大于0（{key}户：{area}㎡）", field="area")
        entries.append((key, floor, Fraction(area)))
    if not entries:
        raise CostSplitError("参与分摊的住户不能为空", field="dwellings")
    return entries


def _weights(entries, method: str, table) -> list[Fraction]:
    if method == AREA:
        if table is not None:
            raise CostSplitError("按专有部分面积分摊时不使用分摊表（table应为None）", field="table")
        return [area for _, _, area in entries]
    if method == COEFFICIENT:
        if table is None:
            return [Fraction(default_coefficient(floor)) for _, floor, _ in entries]
        return [_table_value(table, floor, "楼层系数表", "楼层系数") for _, floor, _ in entries]
    if method == PERCENT:
        if table is None:
            raise CostSplitError("按比例分摊需要各层每户的分摊比例表（table）", field="table")
        percents = [_table_value(table, floor, "分摊比例表", "分摊比例") for _, floor, _ in entries]
        if sum(percents) != _HUNDRED:
            shown = Decimal(0)
            for _, floor, _ in entries:
                shown = _EXACT.add(shown, Decimal(table[floor]))
            raise CostSplitError(f"各户分摊比例合计应为100%，现为{_plain(shown)}%", field="table")
        return percents
    raise CostSplitError(
        f"分摊方式只能是area（按专有部分面积）、coefficient（按楼层系数）或percent（按比例），现为{method!r}",
        field="method",
    )


def _table_value(table: Mapping, floor: int, table_label: str, label: str) -> Fraction:
    if floor not in table:
        raise CostSplitError(f"{table_label}缺少第{floor}层", field="table")
    value = table[floor]
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise CostSplitError(f"{label}应为Decimal数值（第{floor}层：{value!r}）", field="table")
    if isinstance(value, Decimal) and not value.is_finite():
        raise CostSplitError(f"{label}必须是有限的数值（第{floor}层：{value}）", field="table")
    if value < 0:
        raise CostSplitError(f"{label}不能为负数（第{floor}层：{value}）", field="table")
    return Fraction(value)


def _weights_field(method: str) -> str:
    return "dwellings" if method == AREA else "table"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2, _EXACT)


def _plain(value: Decimal) -> str:
    """97.50 → "97.5", 100.00 → "100"."""
    return format(value.normalize(_EXACT), "f")
