"""The condition language: every field, operator and period compiled to SQL selects exactly the
firms a straightforward Python evaluation of the same conditions over the same firms accepts
(hypothesis generates both the firms and the conditions), and bad conditions are refused with a
message naming the field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.enterprises.models import Certification, CertificationKind, Entity, EntityKind, Industry, SizeClass
from minsheng.policies import conditions
from minsheng.policies.conditions import ConditionProblem, Facts, check
from minsheng.policies.models import DataSource, FigureField, FirmFigure
from minsheng.testing import ensure_industries, uscc

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 1)
INDUSTRIES = ["2922", "1411", "5212", "3872", "6210", "4710"]
FIGURE_VALUES = st.one_of(st.none(), st.decimals(min_value=-50, max_value=5000, places=2, allow_nan=False))


class Rollback(Exception):
    pass


firm_strategy = st.fixed_dictionaries({
    "place": st.sampled_from(["hukou", "township", "xunyang"]),
    "industry": st.sampled_from(INDUSTRIES),
    "kind": st.sampled_from(EntityKind.values),
    "size_class": st.sampled_from([*SizeClass.values, ""]),
    "above_scale": st.booleans(),
    "is_key": st.booleans(),
    "established_on": st.one_of(st.none(), st.dates(min_value=date(2015, 2, 27), max_value=date(2026, 3, 2))),
    "certifications": st.lists(st.tuples(st.sampled_from(CertificationKind.values),
                                         st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 1)),
                                         st.one_of(st.none(), st.integers(min_value=0, max_value=900)))
                               .map(lambda c: (c[0], c[1], None if c[2] is None else c[1] + timedelta(days=c[2]))),
                               max_size=2),
    "figures": st.dictionaries(st.tuples(st.sampled_from([2023, 2024, 2025]), st.sampled_from(FigureField.values)),
                               st.decimals(min_value=-50, max_value=5000, places=2, allow_nan=False), max_size=8),
})


def number_value(field):
    if field == "years_founded":
        whole = st.integers(min_value=0, max_value=12)
        return whole, st.tuples(whole, whole).map(sorted)
    number = st.decimals(min_value=-20, max_value=3000, places=1, allow_nan=False)
    return number, st.tuples(number, number).map(sorted)


@st.composite
def condition_strategy(draw):
    specs = conditions.fields()
    name = draw(st.sampled_from(sorted(specs)))
    spec = specs[name]
    operator = draw(st.sampled_from(spec.operators))
    period = draw(st.sampled_from(sorted(conditions.PERIODS))) if spec.kind in ("figure", "growth") else ""
    if spec.kind == "flag":
        value = draw(st.booleans())
    elif spec.kind in ("choice", "certification"):
        value = draw(st.lists(st.sampled_from([v for v, _ in spec.choices]), min_size=1, max_size=2))
    elif spec.kind == "region":
        value = draw(st.lists(st.sampled_from(["360400", "360429", "360403", "360429100"]), min_size=1, max_size=2))
    elif spec.kind == "industry":
        value = draw(st.lists(st.sampled_from(["C", "F", "H", "29", "14", "52", "2922", "62"]), min_size=1, max_size=2))
    elif spec.kind == "material":
        value = draw(st.sampled_from(["设备购置发票", "职工培训记录"]))
    else:
        one, pair = number_value(name)
        value = draw(pair) if operator == "between" else draw(one)
    return check(name, operator, list(value) if isinstance(value, (list, tuple)) else value, period)


@pytest.fixture
def places(people):
    ensure_industries()
    return {"hukou": (people.hukou, None), "township": (people.hukou, people.shuangzhong), "xunyang": (people.xunyang, None)}


def make_firms(specs, places) -> dict[int, Facts]:
    industries = {industry.code: industry for industry in Industry.objects.filter(code__in=INDUSTRIES)}
    facts = {}
    for n, spec in enumerate(specs):
        region, township = places[spec["place"]]
        firm = Entity.objects.create(
            uscc=uscc(region.code, 500000 + n), name=f"测试{n}", kind=spec["kind"], region=region, township=township,
            industry=industries[spec["industry"]], size_class=spec["size_class"], above_scale=spec["above_scale"],
            is_key=spec["is_key"], established_on=spec["established_on"])
        for kind, start, end in spec["certifications"]:
            Certification.objects.create(entity=firm, kind=kind, valid_from=start, valid_to=end)
        FirmFigure.objects.bulk_create([
            FirmFigure(entity=firm, year=year, field=field, value=value, source=DataSource.TAX, updated_at=timezone.now())
            for (year, field), value in spec["figures"].items()])
        industry = industries[spec["industry"]]
        facts[firm.pk] = Facts(
            region_codes=tuple(r.code for r in (region, township) if r is not None), industry_code=industry.code,
            industry_section=industry.section, kind=spec["kind"], size_class=spec["size_class"],
            above_scale=spec["above_scale"], is_key=spec["is_key"], established_on=spec["established_on"],
            certifications=tuple(spec["certifications"]),
            figures={key: Decimal(value) for key, value in spec["figures"].items()})
    return facts


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(firms=st.lists(firm_strategy, min_size=1, max_size=8),
       rules=st.lists(condition_strategy(), min_size=1, max_size=3),
       day=st.sampled_from([DAY, date(2024, 2, 29), date(2026, 12, 31)]))
def test_sql_and_python_select_the_same_firms(places, firms, rules, day):
    try:
        with transaction.atomic():
            facts = make_firms(firms, places)
            by_sql = set(Entity.objects.filter(pk__in=facts).filter(conditions.compile_q(rules, day))
                         .values_list("pk", flat=True))
            by_python = {pk for pk, fact in facts.items() if not conditions.evaluate(rules, fact, day)}
            assert by_sql == by_python, [rule.describe() for rule in rules]
            raise Rollback
    except Rollback:
        pass


def test_growth_needs_a_positive_year_before_and_two_years_means_each():
    rule = check("revenue_growth", "gte", "15", "last_year")
    facts = Facts(("360429",), "2922", "C", "enterprise", "small", False, False, None, (),
                  {(2025, "revenue"): Decimal("115"), (2024, "revenue"): Decimal("100")})
    assert conditions.evaluate([rule], facts, DAY) == []
    facts.figures[(2024, "revenue")] = Decimal("0")
    assert conditions.evaluate([rule], facts, DAY) == [rule]
    two = check("employees", "gte", 50, "last_two_years")
    facts.figures.update({(2025, "employees"): Decimal("60"), (2024, "employees"): Decimal("40")})
    assert conditions.evaluate([two], facts, DAY) == [two]
    assert "近两个年度（每年）从业人员不低于50人" == two.describe()


@pytest.mark.parametrize("field, operator, value, period, words", [
    ("turnover", "gte", 1, "", "没有“turnover”这个条件字段"),
    ("above_scale", "gte", True, "", "只能用这些比较"),
    ("above_scale", "is", "yes", "", "是或否"),
    ("revenue", "gte", "NaN", "last_year", "有限的数字"),
    ("revenue", "gte", "1e400", "last_year", "有限的数字"),
    ("revenue", "gte", "一百", "last_year", "应为数字"),
    ("revenue", "gte", 100, "", "须注明年度"),
    ("revenue", "between", [200, 100], "last_year", "下限不能高于上限"),
    ("years_founded", "gte", "2.5", "", "整数"),
    ("size_class", "in", ["huge"], "", "没有“huge”这个选项"),
    ("industry", "in", ["C29"], "", "门类字母"),
    ("region", "in", ["九江"], "", "行政区划代码"),
    ("certification", "has", [], "", "一个或几个选项"),
    ("kind", "in", ["enterprise"], "last_year", "不填年度"),
])
def test_a_bad_condition_is_refused_naming_its_field(field, operator, value, period, words):
    with pytest.raises(ConditionProblem, match=words):
        check(field, operator, value, period)
