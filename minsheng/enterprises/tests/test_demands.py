"""A firm's demand runs through the case engine as an 企业诉求 case linked to the firm by a foreign
key: the helper raises it, it is proposed to the department the category names in the firm's
county (a worker's child's school place: 县教体局), and it carries the firm's name and code."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions as case_actions
from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, Category, Channel, State
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises import actions
from minsheng.enterprises.models import Demand, EnterpriseEvent, EventKind
from minsheng.testing import make_department, make_entity

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def education(people):
    department = make_department("湖口县教体局", people.hukou)
    load_catalogue()
    return department


@pytest.fixture
def hongfeng(people, education):
    entity = make_entity(people.hukou, name="江西宏丰塑胶有限公司", employees=320, revenue="18000", contact_name="王经理",
                         contact_phone="13907925566", actor=people.liu)
    from datetime import date

    actions.do_assign_one_to_one(entity, helper=people.huang, starts_on=date(2026, 1, 1), actor=people.liu)
    return entity


def schooling():
    return Category.objects.get(code="workers-children")


def test_the_helper_raises_a_schooling_demand_as_an_enterprise_case_for_the_firm(people, education, hongfeng):
    case, code = actions.do_raise_demand(
        hongfeng, category=schooling(), title="职工李南星子女就近入学", description="职工李南星的孩子今年9月随迁入学，需要就近安排学位。",
        wants="安排到工业园区附近的小学", answers={"children": "1"}, actor=people.huang)
    assert code
    assert case.kind.code == "enterprise" and case.channel == Channel.HELPER and case.state == State.REGISTERED
    assert case.proposed_department == education
    assert (case.enterprise_name, case.enterprise_uscc) == (hongfeng.name, hongfeng.uscc)
    assert (case.requester_name, case.requester_phone) == ("王经理", "13907925566")  # the firm's contact
    demand = Demand.objects.get()
    assert (demand.entity, demand.case, demand.raised_by) == (hongfeng, case, people.huang)
    assert case.enterprise_demand == demand
    event = EnterpriseEvent.objects.filter(entity=hongfeng, kind=EventKind.DEMAND).get()
    assert event.actor == people.huang and case.number in event.note and "黄鑫" in event.note


def test_the_demand_then_runs_on_the_case_engines_clock(people, education, hongfeng):
    case, _ = actions.do_raise_demand(hongfeng, category=schooling(), description="职工子女入学", actor=people.huang)
    case_actions.do_accept_case(case, actor=people.liu)
    case_actions.do_dispatch_case(case, department=education, actor=people.liu)
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.lead_department == education and case.due_at is not None


def test_only_the_firms_helper_or_the_keepers_raise_its_demands(people, hongfeng):
    with pytest.raises(NotAllowed):
        actions.do_raise_demand(hongfeng, category=schooling(), description="职工子女入学", actor=people.wu)
    with pytest.raises(NotAllowed):
        actions.do_raise_demand(hongfeng, category=schooling(), description="职工子女入学", actor=None)
    assert not Case.objects.exists() and not Demand.objects.exists()


def test_a_bad_demand_is_refused_and_nothing_is_saved(people, hongfeng):
    with pytest.raises(ActionError) as refused:
        actions.do_raise_demand(hongfeng, category=schooling(), description="", actor=people.huang)
    assert refused.value.field == "description"
    with pytest.raises(ActionError) as refused:
        actions.do_raise_demand(hongfeng, category=Category.objects.get(code="noise"), description="噪声", actor=people.huang)
    assert refused.value.field == "category"
    assert not Case.objects.exists() and not Demand.objects.exists()
    assert not EnterpriseEvent.objects.filter(kind=EventKind.DEMAND).exists()


def test_the_firm_itself_raises_one_online(people, hongfeng):
    case, _ = actions.do_raise_demand(hongfeng, category=schooling(), description="职工子女入学", from_firm=True, actor=None)
    assert case.channel == Channel.ONLINE and Demand.objects.get().raised_by is None
    assert "企业自行提出" in EnterpriseEvent.objects.get(kind=EventKind.DEMAND).note


def test_the_case_page_shows_the_firm_and_its_helper(people, hongfeng):
    from minsheng.cases.links import links_for

    case, _ = actions.do_raise_demand(hongfeng, category=schooling(), description="职工子女入学", actor=people.huang)
    [shown] = [link for link in links_for(case, people.liu) if "市场主体" in link["title"]]
    assert shown["title"] == "提出诉求的市场主体 江西宏丰塑胶有限公司"
    assert "帮扶干部：黄鑫（一对一）" in shown["lines"] and "规上" in shown["lines"][0]
