"""A policy's conditions as data (issue 13): a field, an operator, a value and, for the yearly
figures, a period. Each condition is checked when it is entered (check), compiled to one SQL
filter over the registry and the figures (compile_q: the matching engine, no per-firm loop), and
evaluated in Python over one firm's facts (evaluate: what a firm sees it meets and misses). The
two must agree on every firm: tests/test_conditions.py holds them to it with generated firms.

Fields:
- from the registry (enterprises.Entity): region, industry (GB/T 4754 section letter or code
  prefix), kind, size class, 规上, key firm, years since founding, certifications held on the day;
- from the yearly figures imported by data source (FirmFigure): employees, revenue, tax paid,
  R&D share, invention patents, each for a period: last year, or each of the last two years;
  and revenue growth, last year's over the year before.
Every field says whether the government can verify it from its own data; a policy whose
conditions are all verifiable can be delivered without application (免申即享)."""

from dataclasses import dataclass
from functools import cache
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, F, OuterRef, Q, Subquery

PERIODS = {"last_year": "上一年度", "last_two_years": "近两个年度（每年）"}
OPERATOR_LABELS = {
    "in": "属于", "not_in": "不属于", "is": "是", "is_not": "不是", "has": "持有", "has_not": "未持有",
    "gte": "不低于", "gt": "高于", "lte": "不高于", "lt": "低于", "between": "介于",
}
NUMBER_OPERATORS = ("gte", "gt", "lte", "lt", "between")
# A value the figures can hold: a firm's yearly figures stay far below this.
LARGEST = Decimal("1e15")


class ConditionProblem(ValueError):
    """A condition that cannot be: an unknown field, an operator the field does not take, a value
    of the wrong type. The message is Chinese and names the field."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # region | industry | choice | flag | years | certification | figure | growth | material
    operators: tuple[str, ...]
    verifiable: bool = True
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()


def _choices(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, label) for value, label in text_choices.choices)


@cache  # built once: Condition.spec reads it for every condition evaluated
def fields() -> dict[str, Field]:
    from minsheng.enterprises.models import CertificationKind, EntityKind, SizeClass

    return {field.name: field for field in (
        Field("region", "所在地区", "region", ("in", "not_in")),
        Field("industry", "行业", "industry", ("in", "not_in")),
        Field("kind", "主体类型", "choice", ("in", "not_in"), choices=_choices(EntityKind)),
        Field("size_class", "企业规模", "choice", ("in", "not_in"), choices=_choices(SizeClass)),
        Field("above_scale", "规模以上企业", "flag", ("is", "is_not")),
        Field("is_key", "重点企业", "flag", ("is", "is_not")),
        Field("years_founded", "成立年限", "years", NUMBER_OPERATORS, unit="年"),
        Field("certification", "资质认定", "certification", ("has", "has_not"), choices=_choices(CertificationKind)),
        Field("employees", "从业人员", "figure", NUMBER_OPERATORS, unit="人"),
        Field("revenue", "营业收入", "figure", NUMBER_OPERATORS, unit="万元"),
        Field("tax_paid", "纳税额", "figure", NUMBER_OPERATORS, unit="万元"),
        Field("rd_share", "研发投入占营业收入比例", "figure", NUMBER_OPERATORS, unit="%"),
        Field("patents", "有效发明专利", "figure", NUMBER_OPERATORS, unit="件"),
        Field("revenue_growth", "营业收入增长率", "growth", NUMBER_OPERATORS, unit="%"),
        # What the government's own data cannot show (a purchase invoice, a training record): the
        # firm proves it with a material when it applies; matching passes over it, so the firms
        # that meet the rest are the candidates, and such a policy is never 免申即享.
        Field("material", "须企业提供的证明", "material", ("has",), verifiable=False),
    )}


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value: object  # checked: a tuple of strings, a bool, a Decimal, or a (low, high) pair
    period: str = ""

    @property
    def spec(self) -> Field:
        return fields()[self.field]

    def describe(self) -> str:
        spec = self.spec
        period = f"{PERIODS[self.period]}" if self.period else ""
        if spec.kind == "flag":
            return f"{'是' if (self.operator == 'is') == self.value else '不是'}{spec.label}"
        if spec.kind == "material":
            return f"提供证明：{self.value}"
        if spec.kind in ("choice", "certification"):
            labels = dict(spec.choices)
            names = "、".join(labels[value] for value in self.value)
            return f"{OPERATOR_LABELS[self.operator]}{names}" if spec.kind == "certification" else \
                f"{spec.label}{OPERATOR_LABELS[self.operator]}{names}"
        if spec.kind in ("region", "industry"):
            return f"{spec.label}{OPERATOR_LABELS[self.operator]}{'、'.join(self.value)}"
        if self.operator == "between":
            low, high = self.value
            return f"{period}{spec.label}{_number(low)}至{_number(high)}{spec.unit}"
        return f"{period}{spec.label}{OPERATOR_LABELS[self.operator]}{_number(self.value)}{spec.unit}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _decimal(value, label: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ConditionProblem(f"“{label}”的值应为数字。")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ConditionProblem(f"“{label}”的值应为数字。") from None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ConditionProblem(f"“{label}”的值应为有限的数字。")
    return number


def check(field: str, operator: str, value, period: str = "") -> Condition:
    """A condition as entered (from a form, an import, the API), checked and normalised."""
    spec = fields().get(field)
    if spec is None:
        raise ConditionProblem(f"没有“{field}”这个条件字段。")
    if operator not in spec.operators:
        allowed = "、".join(OPERATOR_LABELS[op] for op in spec.operators)
        raise ConditionProblem(f"“{spec.label}”只能用这些比较：{allowed}。")
    if spec.kind in ("figure", "growth"):
        if period not in PERIODS:
            raise ConditionProblem(f"“{spec.label}”须注明年度：上一年度或近两个年度。")
    elif period:
        raise ConditionProblem(f"“{spec.label}”不按年度计算，不填年度。")
    if spec.kind == "flag":
        if not isinstance(value, bool):
            raise ConditionProblem(f"“{spec.label}”的值应为是或否。")
        return Condition(field, operator, value, period)
    if spec.kind == "material":
        text = value.strip() if isinstance(value, str) else ""
        if not text or len(text) > 100 or not text.isprintable():
            raise ConditionProblem(f"“{spec.label}”应写明是什么材料（100字以内）。")
        return Condition(field, operator, text, period)
    if spec.kind in ("region", "industry", "choice", "certification"):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not items or not all(isinstance(item, str) for item in items):
            raise ConditionProblem(f"“{spec.label}”的值应为一个或几个选项。")
        items = tuple(sorted({item.strip().upper() if spec.kind == "industry" else item.strip() for item in items}))
        _check_items(spec, items)
        return Condition(field, operator, items, period)
    if spec.kind == "years":
        numbers = value if operator == "between" and isinstance(value, (list, tuple)) else [value]
        if any(_decimal(item, spec.label) != int(_decimal(item, spec.label)) or _decimal(item, spec.label) < 0
               for item in numbers):
            raise ConditionProblem(f"“{spec.label}”按整年计算，应为不小于0的整数。")
    if operator == "between":
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ConditionProblem(f"“{spec.label}”介于两个数之间，应填下限和上限。")
        low, high = (_decimal(item, spec.label) for item in value)
        if low > high:
            raise ConditionProblem(f"“{spec.label}”的下限不能高于上限。")
        return Condition(field, operator, (low, high), period)
    return Condition(field, operator, _decimal(value, spec.label), period)


def _check_items(spec: Field, items: tuple[str, ...]) -> None:
    if spec.kind in ("choice", "certification"):
        known = {value for value, _ in spec.choices}
        unknown = [item for item in items if item not in known]
        if unknown:
            raise ConditionProblem(f"“{spec.label}”没有“{unknown[0]}”这个选项。")
    elif spec.kind == "industry":
        for item in items:
            if not item.isascii() or not ((len(item) == 1 and item.isalpha()) or (item.isdigit() and 2 <= len(item) <= 4)):
                raise ConditionProblem(f"行业“{item}”应为门类字母（如C）或行业代码前缀（如29）。")
    elif spec.kind == "region":
        for item in items:
            if not (item.isdigit() and len(item) in (6, 9, 12)):
                raise ConditionProblem(f"地区“{item}”应为行政区划代码。")


# --- the years a period covers ------------------------------------------------------------------

def period_years(period: str, day: date) -> tuple[int, ...]:
    """The figure years a period means on `day`: last year is the calendar year before."""
    return (day.year - 1,) if period == "last_year" else (day.year - 1, day.year - 2)


def _years_between(founded: date, day: date) -> int:
    """Whole years from founding to `day` (a firm founded 2020-06-01 is 5 on 2025-06-01)."""
    return day.year - founded.year - ((day.month, day.day) < (founded.month, founded.day))


def _compare(number, operator: str, value) -> bool:
    if operator == "between":
        return value[0] <= number <= value[1]
    return {"gte": number >= value, "gt": number > value, "lte": number <= value, "lt": number < value}[operator]


def _number_q(column: str, operator: str, value) -> Q:
    if operator == "between":
        return Q(**{f"{column}__gte": value[0], f"{column}__lte": value[1]})
    return Q(**{f"{column}__{operator}": value})


# --- SQL: the matching engine --------------------------------------------------------------------

def compile_q(conditions: list[Condition], day: date) -> Q:
    """One filter over enterprises.Entity that holds exactly for the firms meeting every
    condition on `day` (a firm without the fact a condition needs does not meet it)."""
    query = Q()
    for condition in conditions:
        query &= _condition_q(condition, day)
    return query


def _condition_q(condition: Condition, day: date) -> Q:
    from minsheng.enterprises.models import Certification
    from minsheng.policies.models import FirmFigure

    spec, op, value = condition.spec, condition.operator, condition.value
    if spec.kind == "material":
        return Q()
    if spec.kind == "flag":
        return Q(**{spec.name: value if op == "is" else not value})
    if spec.kind == "choice":
        matched = Q(**{f"{spec.name}__in": value})
        return matched if op == "in" else ~matched & ~Q(**{spec.name: ""})
    if spec.kind == "region":
        ids = region_ids(value)
        matched = Q(region__in=ids) | Q(township__in=ids)
        return matched if op == "in" else ~matched
    if spec.kind == "industry":
        matched = Q(industry__in=industry_ids(value))
        return matched if op == "in" else ~matched & Q(industry__isnull=False)
    if spec.kind == "certification":
        held = Certification.objects.filter(entity=OuterRef("pk"), kind__in=value, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        return Q(Exists(held)) if op == "has" else ~Q(Exists(held))
    if spec.kind == "years":
        return Q(established_on__isnull=False) & _founded_q(op, value, day)
    years = period_years(condition.period, day)
    query = Q()
    for year in years:
        if spec.kind == "figure":
            figure = FirmFigure.objects.filter(entity=OuterRef("pk"), year=year, field=spec.name)
            query &= Q(Exists(figure.filter(_number_q("value", op, value))))
        else:  # growth in percent: this year's revenue over the year before's, which must be positive
            before = FirmFigure.objects.filter(entity=OuterRef(OuterRef("pk")), year=year - 1, field="revenue", value__gt=0)
            base = Subquery(before.values("value")[:1])
            growth = (F("value") - base) * 100 / base
            figure = (FirmFigure.objects.filter(entity=OuterRef("pk"), year=year, field="revenue")
                      .filter(Exists(before)).annotate(growth=growth))
            query &= Q(Exists(figure.filter(_number_q("growth", op, value))))
    return query


def region_ids(codes: tuple[str, ...]) -> list[int]:
    """The ids of the regions with these codes and of those inside them (a city's counties and
    townships, a county's townships). Read first, so that the firms' filter is on their own
    columns, which PostgreSQL estimates from the registry's statistics: a subquery over the small
    region table is estimated from that table's, often missing (autovacuum does not analyze a
    table of fewer than 50 rows), and a city-wide policy estimated at a few thousand firms probes
    the figures firm by firm."""
    from minsheng.org.models import Region

    prefixes = Q()
    for code in codes:
        prefixes |= Q(code__startswith=_prefix_of(code))
    return list(Region.objects.filter(prefixes).values_list("pk", flat=True))


def industry_ids(items: tuple[str, ...]) -> list[int]:
    """The ids of the industries of these sections (C) or under these code prefixes (29, 2922),
    read first for the same reason as the regions' (region_ids)."""
    from minsheng.enterprises.models import Industry

    wanted = Q()
    for item in items:
        wanted |= Q(section=item) if item.isalpha() else Q(code__startswith=item)
    return list(Industry.objects.filter(wanted).values_list("pk", flat=True))


def _years_back(day: date, years: int) -> date:
    """The same day `years` years before (29 February falls back to the 28th, as a birthday does)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _founded_q(op: str, value, day: date) -> Q:
    """Whole years since founding as dates: at least n years ⇔ founded on or before the same day n
    years back; the other comparisons follow from that one."""
    def at_least(n) -> Q:
        return Q(established_on__lte=_years_back(day, int(n)))
    if op == "gte":
        return at_least(value)
    if op == "gt":
        return at_least(value + 1)
    if op == "lt":
        return ~at_least(value)
    if op == "lte":
        return ~at_least(value + 1)
    low, high = value
    return at_least(low) & ~at_least(high + 1)


# --- Python: one firm's facts ----------------------------------------------------------------------

@dataclass
class Facts:
    """What the conditions read of one firm: its registry row, certifications, yearly figures."""

    region_codes: tuple[str, ...]  # its county's code and its township's, if any
    industry_code: str
    industry_section: str
    kind: str
    size_class: str
    above_scale: bool
    is_key: bool
    established_on: date | None
    certifications: tuple[tuple[str, date, date | None], ...]
    figures: dict[tuple[int, str], Decimal]


def evaluate(conditions: list[Condition], facts: Facts, day: date) -> list[Condition]:
    """The conditions the firm does not meet on `day` (empty: it meets them all)."""
    return [condition for condition in conditions if not _meets(condition, facts, day)]


def _meets(condition: Condition, facts: Facts, day: date) -> bool:
    spec, op, value = condition.spec, condition.operator, condition.value
    if spec.kind == "material":
        return True  # proven by the firm's material, judged by the department on review
    if spec.kind == "flag":
        return getattr(facts, spec.name) == (value if op == "is" else not value)
    if spec.kind == "choice":
        own = getattr(facts, spec.name)
        return own in value if op == "in" else bool(own) and own not in value
    if spec.kind == "region":
        inside = any(code.startswith(_prefix_of(item)) for item in value for code in facts.region_codes)
        return inside if op == "in" else not inside
    if spec.kind == "industry":
        if not facts.industry_code:
            return False
        inside = any(facts.industry_section == item if item.isalpha() else facts.industry_code.startswith(item)
                     for item in value)
        return inside if op == "in" else not inside
    if spec.kind == "certification":
        held = any(kind in value and start <= day and (end is None or day <= end)
                   for kind, start, end in facts.certifications)
        return held if op == "has" else not held
    if spec.kind == "years":
        if facts.established_on is None:
            return False
        return _compare(Decimal(_years_between(facts.established_on, day)), op, value)
    for year in period_years(condition.period, day):
        if spec.kind == "figure":
            own = facts.figures.get((year, spec.name))
        else:
            now, before = facts.figures.get((year, "revenue")), facts.figures.get((year - 1, "revenue"))
            own = None if now is None or before is None or before <= 0 else (now - before) * 100 / before
        if own is None or not _compare(own, op, value):
            return False
    return True


def _prefix_of(code: str) -> str:
    """Region.code_prefix without the database: a city's code without its trailing 00, a
    county's whole (360400 → 3604; 360429 → 360429; a township's 9 digits whole)."""
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code
