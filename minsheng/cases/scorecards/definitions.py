"""What each scorecard figure means, in one table: the page's 口径, the Excel 说明 sheet, the
table's columns, the sort keys, the API's names and the composite score all read DEFINITIONS.

Every rate is counted by **cohort** (批次): the stages of one kind that began in the period,
attributed to the department the stage belonged to, and followed to their end however late
that end came. Numerator and denominator are counts over the same cohort. A stage still open
past its limit counts as late; a stage still within its limit is not counted yet (so the last
months' figures can still move). Three cohorts:

- 派单 (sign-for stages): DISPATCHED and RETURN_UPHELD events (a rejected return hands the case
  back to the department, whose sign-for clock starts again); the stage ends at the first
  SIGNED, RETURNED or WITHDRAWN event of the case after it.
- 办理轮次 (handling cycles): SIGNED and REOPENED events (a resident's 不满意 starts a new cycle);
  the cycle ends at the first CLOSED or WITHDRAWN event after it.
- 办结 (closings): CLOSED events; the callback's answer is the first RATED (满意 or 基本满意),
  REOPENED (不满意) or ARCHIVED (no answer in time, archived by the worker) event after it.

`counts.py` turns events into the counts named in `numerator` and `denominator` below;
`Score` turns counts into rates. A rate whose denominator is 0 is undefined ("—").
"""

import math
from dataclasses import dataclass
from fractions import Fraction

SIGN_COHORT = "派单：统计期间内派至该部门的派单（含退单不予认可后重新交办）"
HANDLING_COHORT = "办理轮次：统计期间内开始的办理轮次（签收时开始；群众不满意退回重办的，重办时开始新一轮）"
CLOSING_COHORT = "办结：统计期间内该部门的办结（每轮办理的办结各算一次）"


@dataclass(frozen=True)
class Definition:
    key: str  # the name in code, the API and the page's sort links
    label: str  # the column heading
    group: str  # 部门办理 (the department's own work) or 群众评价 (what the resident said)
    cohort: str  # which stages are counted
    numerator_text: str
    denominator_text: str
    numerator: tuple[str, ...]  # Score counts summed for the numerator
    denominator: tuple[str, ...]  # ... and for the denominator
    higher_is_better: bool = True
    in_composite: bool = False  # one of the rates the composite score averages
    average: bool = False  # a mean (numerator / denominator), not a percentage
    unit: str = "%"

    @property
    def text(self) -> str:
        """The definition in one sentence, as the page and the Excel sheet show it."""
        return f"{self.numerator_text} ÷ {self.denominator_text}（统计对象：{self.cohort}）"


SIGN_SETTLED = ("signed_on_time", "signed_late", "returned_late", "unsigned_overdue")

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "sign_rate", "签收及时率", "部门办理", SIGN_COHORT,
        "在签收时限内签收的派单数",
        "已签收的派单数，加上超过签收时限仍未签收（或超过时限后才退单）的派单数；"
        "时限内退单、撤回和尚在时限内待签收的不计",
        ("signed_on_time",), SIGN_SETTLED, in_composite=True,
    ),
    Definition(
        "on_time_rate", "按时办结率", "部门办理", HANDLING_COHORT,
        "在办理期限（含批准的延期）内办结的轮次数",
        "已办结的轮次数，加上超过办理期限仍未办结的轮次数；撤回和尚在期限内办理的不计",
        ("closed_on_time",), ("closed_on_time", "closed_late", "handling_overdue"), in_composite=True,
    ),
    Definition(
        "reported_solve_rate", "办结解决率（部门自报）", "部门办理", CLOSING_COHORT,
        "办结时部门填报办理结果为“已解决”的办结数",
        "办结数",
        ("reported_solved",), ("closed",),
    ),
    Definition(
        "return_rate", "退单率", "部门办理", SIGN_COHORT,
        "被该部门退回的派单数",
        "派单数",
        ("returned_on_time", "returned_late"), ("sign_stages",), higher_is_better=False,
    ),
    Definition(
        "return_accepted_rate", "退单获认可率", "部门办理", SIGN_COHORT,
        "退单后由派单单位改派其他部门（退单理由成立）的派单数",
        "派单数",
        ("return_accepted",), ("sign_stages",), higher_is_better=False,
    ),
    Definition(
        "return_rejected_rate", "退单被驳回率", "部门办理", SIGN_COHORT,
        "退单后被派单单位驳回、仍交该部门办理（退单不予认可，或改派回该部门）的派单数",
        "派单数",
        ("return_rejected",), ("sign_stages",), higher_is_better=False,
    ),
    Definition(
        "reopen_rate", "重办率", "部门办理", CLOSING_COHORT,
        "回访不满意、退回重办的办结数",
        "办结数",
        ("reopened",), ("closed",), higher_is_better=False,
    ),
    Definition(
        "average_days", "平均办理用时", "部门办理", CLOSING_COHORT,
        "各次办结的本轮办理用时之和（自派至该部门起，重办的自重办起，至办结，按工作日计）",
        "有用时记录的办结数",
        ("days_total",), ("days_counted",), higher_is_better=False, average=True, unit="工作日",
    ),
    Definition(
        "response_rate", "响应率", "群众评价", SIGN_COHORT,
        "在签收时限内签收或说明理由退单（及时响应）的派单数",
        "已签收或退单的派单数，加上超过签收时限仍未签收的派单数；撤回和尚在时限内待签收的不计",
        ("signed_on_time", "returned_on_time"), ("signed_on_time", "signed_late", "returned_on_time", *SIGN_SETTLED[2:]),
    ),
    Definition(
        "solve_rate", "解决率", "群众评价", CLOSING_COHORT,
        "部门报“已解决”且回访时群众评价满意或基本满意（群众认可已解决）的办结数；群众不满意的办结不算解决",
        "已回访的办结数（评价满意、基本满意或不满意）；尚未回访、回访无应答自动归档的不计",
        ("confirmed_solved",), ("satisfied", "reopened"), in_composite=True,
    ),
    Definition(
        "satisfaction_rate", "满意率", "群众评价", CLOSING_COHORT,
        "回访评价满意或基本满意的办结数",
        "已回访的办结数（评价满意、基本满意或不满意）；尚未回访、回访无应答自动归档的不计",
        ("satisfied",), ("satisfied", "reopened"), in_composite=True,
    ),
)
BY_KEY = {definition.key: definition for definition in DEFINITIONS}
RATE_KEYS = tuple(d.key for d in DEFINITIONS if not d.average)
COMPOSITE_KEYS = tuple(d.key for d in DEFINITIONS if d.in_composite)

VOLUME_TEXT = "统计期间内派至该部门的件数（退单后改派的，改派到的部门也计收件）；参与排名的门槛"
COMPOSITE_TEXT = "、".join(BY_KEY[key].label for key in COMPOSITE_KEYS) + "中有数据各项的平均值（百分制）"
COHORT_TEXT = (
    "各项比率按批次统计：分子和分母来自同一批环节——统计期间内开始的派单、办理轮次或办结，"
    "无论其后在何时签收、办结或回访；已超过时限仍未完成的计为超时，尚在时限内的暂不计入，"
    "因此最近一段时间的数字会随后续办理而变化。"
)
UNDEFINED_TEXT = "“—”表示分母为0，无法计算。"


# --- figures -------------------------------------------------------------------------------


def round_half_up(value: Fraction, places: int = 1) -> float:
    """四舍五入 on the exact value (no binary floating-point surprises): 78.75 -> 78.8, 6.25 -> 6.3."""
    scale = 10**places
    return math.floor(value * scale + Fraction(1, 2)) / scale


@dataclass(frozen=True)
class Rate:
    """numerator / denominator; undefined ("—") when nothing was counted."""

    numerator: int
    denominator: int
    average: bool = False  # a mean in working days rather than a share

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def percent(self) -> float | None:
        """The rate in percent (a mean: itself), one decimal, as shown; None when undefined."""
        if self.value is None:
            return None
        return round_half_up(self.value if self.average else self.value * 100)

    def __str__(self) -> str:
        if self.percent is None:
            return "—"
        return f"{self.percent:.1f}" if self.average else f"{self.percent:.1f}%"

    @property
    def detail(self) -> str:
        return f"{self.numerator}/{self.denominator}"


# The counts a Score is made of: each is a number of stages of one cohort, or a sum of days.
SIGN_COUNTS = (
    "received",  # DISPATCHED events (办件量)
    "sign_stages",  # DISPATCHED and RETURN_UPHELD events: the sign-for cohort
    "signed_on_time", "signed_late", "returned_on_time", "returned_late",
    "unsigned_overdue",  # still unsigned, past the limit now
    "return_accepted", "return_rejected",  # of the returned: re-dispatched elsewhere / handed back
)
HANDLING_COUNTS = ("cycles", "closed_on_time", "closed_late", "handling_overdue")
CLOSING_COUNTS = ("closed", "reported_solved", "confirmed_solved", "satisfied", "reopened", "days_total", "days_counted")
COUNTS = SIGN_COUNTS + HANDLING_COUNTS + CLOSING_COUNTS


@dataclass
class Score:
    """One row of the scorecard (a department, a region or the total), or one month of a trend."""

    name: str
    region_name: str = ""
    department_id: int | None = None
    region_code: str = ""
    rank: int | None = None
    unranked_reason: str = ""

    def __post_init__(self) -> None:
        for name in COUNTS:
            setattr(self, name, 0)

    @classmethod
    def of(cls, name: str = "", **fields) -> "Score":
        """A Score with some counts set (the rest 0)."""
        counts = {key: fields.pop(key) for key in list(fields) if key in COUNTS}
        score = cls(name=name, **fields)
        for key, value in counts.items():
            setattr(score, key, value)
        return score

    @property
    def volume(self) -> int:
        return self.received

    def rate(self, key: str) -> Rate:
        definition = BY_KEY[key]
        return Rate(
            sum(getattr(self, name) for name in definition.numerator),
            sum(getattr(self, name) for name in definition.denominator),
            average=definition.average,
        )

    @property
    def rates(self) -> dict[str, Rate]:
        """Every figure of DEFINITIONS by key, for templates (`row.rates.sign_rate`)."""
        return {definition.key: self.rate(definition.key) for definition in DEFINITIONS}

    @property
    def figures(self) -> list[tuple[Definition, Rate]]:
        """(definition, figure) in the order of DEFINITIONS: the table's cells."""
        return [(definition, self.rate(definition.key)) for definition in DEFINITIONS]

    @property
    def composite(self) -> Fraction | None:
        """The mean of the composite's rates, over those defined."""
        values = [self.rate(key).value for key in COMPOSITE_KEYS]
        values = [value for value in values if value is not None]
        return sum(values, Fraction(0)) / len(values) if values else None

    @property
    def composite_display(self) -> str:
        return "—" if self.composite is None else f"{round_half_up(self.composite * 100):.1f}"

    def add(self, other: "Score") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        """For the JSON API: counts, rates as fractions of 1 (a mean in working days), None
        when undefined, the composite and the rank."""

        def ratio(value):
            return None if value is None else round(float(value), 4)

        return {
            "name": self.name,
            "region": self.region_name,
            "department_id": self.department_id,
            "region_code": self.region_code,
            **{name: getattr(self, name) for name in COUNTS},
            "volume": self.volume,
            **{definition.key: ratio(self.rate(definition.key).value) for definition in DEFINITIONS},
            "composite": ratio(self.composite),
            "rank": self.rank,
            "unranked_reason": self.unranked_reason,
        }
