"""City and counties in one (市县一体), with access by level: a county's officers keep their own
county's policies and a city bureau's the city's; a firm sees the city's policies and its own
county's together, never another county's; the city's supervisors see every county's policies and
deliveries, a county's supervisors their own county's."""

from datetime import date, datetime

import pytest
import time_machine

from minsheng.core.errors import NotAllowed
from minsheng.org.models import Role
from minsheng.policies import actions, queries
from minsheng.policies.tests.conftest import create
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def levels(county, people):
    city_bureau = make_department("九江市工信局", people.city)
    city_officer = make_user("shiguan", city_bureau, Role.HANDLER, full_name="石官")
    xunyang_bureau = make_department("浔阳区工信局", people.xunyang)
    xunyang_officer = make_user("xunguan", xunyang_bureau, Role.HANDLER, full_name="浔官")
    city_policy = actions.do_publish_policy(actions.do_create_policy(
        city_bureau, title="九江市专精特新企业培育奖励", document_number="九府办发〔2026〕12号", issued_on=date(2026, 11, 25),
        valid_from=date(2026, 11, 25), benefit_type="grant", delivery="automatic", beneficiaries="全市专精特新企业",
        amount_text="奖励10万元", budget="5000000", amount="100000",
        conditions_rows=[{"field": "certification", "operator": "has", "value": ["specialised_sme"]}],
        actor=city_officer), actor=city_officer)
    county_policy = actions.do_publish_policy(create(county), actor=county["officer"])
    xunyang_policy = actions.do_publish_policy(actions.do_create_policy(
        xunyang_bureau, title="浔阳区工业企业上规奖励", document_number="浔府发〔2026〕3号", issued_on=date(2026, 11, 25),
        valid_from=date(2026, 11, 25), benefit_type="grant", delivery="automatic", beneficiaries="浔阳区专精特新企业",
        amount_text="奖励3万元", budget="300000", amount="30000",
        conditions_rows=[{"field": "certification", "operator": "has", "value": ["specialised_sme"]}],
        actor=xunyang_officer), actor=xunyang_officer)
    return {"city": city_policy, "county": county_policy, "xunyang": xunyang_policy, "city_officer": city_officer}


def test_a_firm_sees_the_citys_and_its_countys_policies_together_never_anothers(county, levels):
    firm = county["firms"]["湖口县精工阀门有限公司"]
    seen = {policy.number for policy, _ in queries.policies_for(firm, date(2026, 12, 1))}
    assert seen == {levels["city"].number, levels["county"].number}
    # The city's policy matches every county's certified firms; the county's only its own.
    assert set(queries.eligible(levels["city"], date(2026, 12, 1))) >= {firm, county["elsewhere"]}
    assert county["elsewhere"] not in set(queries.eligible(levels["county"], date(2026, 12, 1)))


def test_officers_keep_only_their_own_levels_policies(county, levels):
    with pytest.raises(NotAllowed):
        actions.do_match_policy(levels["city"], actor=county["officer"])
    with pytest.raises(NotAllowed):
        actions.do_match_policy(levels["county"], actor=levels["city_officer"])
    assert actions.do_match_policy(levels["city"], actor=levels["city_officer"]) == 4  # three certified here, one in 浔阳区


def test_supervisors_see_their_jurisdictions_policies(county, levels, people):
    city_view = set(queries.visible_policies(people.sun).values_list("number", flat=True))
    county_view = set(queries.visible_policies(people.liu).values_list("number", flat=True))
    officer_view = set(queries.visible_policies(county["officer"]).values_list("number", flat=True))
    assert city_view == {levels["city"].number, levels["county"].number, levels["xunyang"].number}
    assert county_view == {levels["county"].number}
    assert officer_view == {levels["county"].number}


def test_the_public_figures_put_the_city_and_each_county_side_by_side(client, county, levels):
    page = client.get("/policies/figures/").content.decode()
    for name in ("九江市", "湖口县", "浔阳区", "全市合计"):
        assert name in page
