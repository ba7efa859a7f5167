"""The evaluation tests' scored framework: two first-level indicators of two each, three counties
measured in 2020 (瑞昌 best, 浔阳 worst) and a benchmark of 上海 for 开办企业时间."""

import pytest

from minsheng.evaluation import actions
from minsheng.evaluation.tests.test_frameworks import ROWS, measure
from minsheng.org.models import RegionLevel
from minsheng.testing import make_region


@pytest.fixture
def scored(people):
    made = actions.do_import_framework(ROWS, name="营商环境评价指标体系", year=2020, scope="national", issuer="国家发展改革委",
                                       actor=people.sun)
    counties = {"湖口县": people.hukou, "浔阳区": people.xunyang,
                "瑞昌市": make_region("360481", "瑞昌市", RegionLevel.COUNTY, people.city)}
    measure(people.sun, made, counties, {
        "瑞昌市": {"01.1": "0.5", "01.2": "3", "02.1": "0", "02.2": "99.9"},
        "湖口县": {"01.1": "2", "01.2": "4", "02.1": "800", "02.2": "99.5"},
        "浔阳区": {"01.1": "5", "01.2": "6", "02.1": "1200", "02.2": "99.1"},
    })
    first = made.first_indicators.get(code="01")
    actions.do_set_benchmark(first, second=first.seconds.get(code="01.1"), value="0.5", city="上海",
                             practice_name="一网通办", practice="开办企业半天办结", source="国家发展改革委", actor=people.sun)
    return made
