"""A 办不成事 case shows the elevator application it is about (cases.links, filled by elevators):
its number, entrance, stuck stage and department, how long and how late, with a link to the
application's staff page for those who may see it; the case page works for everyone else."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from minsheng.cases import actions as case_actions, links
from minsheng.elevators import actions
from minsheng.elevators.apps import case_links
from minsheng.elevators.models import Choice, Owner
from minsheng.elevators.stages import Stage
from minsheng.testing import make_entrance, make_rule_set, make_street_office, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def stuck(people, _clock):
    """长运宿舍7栋1单元's application at the joint review since Friday 13 March (due at 24:00 on
    3 April), still there on Friday 10 April."""
    make_rule_set(people.city)
    worker = make_street_office(people)
    entrance = make_entrance(people, floors=2, per_floor=1)
    owner = Owner.objects.filter(dwellings__entrance=entrance).first()
    application = actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[owner],
                                              implementing_body="长运宿舍7栋业主委员会", actor=worker)
    application = actions.do_advance_stage(application, actor=worker)
    for dwelling in entrance.dwellings.all():
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                               choice=Choice.AGREE, cast_on=date(2026, 3, 2), actor=worker)
    application = actions.do_advance_stage(application, actor=worker)
    actions.do_set_costs(application, estimated_cost="300000", actor=worker)
    application = actions.do_advance_stage(actions.do_advance_stage(application, actor=worker), actor=worker)
    actions.do_publish_notice(application, text="拟加装电梯公示", days=10, actor=worker)
    _clock.move_to(at(2026, 3, 13, 9, 0))
    application = actions.do_advance_stage(actions.do_advance_stage(application, actor=worker), actor=worker)
    assert application.stage == Stage.JOINT_REVIEW
    _clock.move_to(at(2026, 4, 10, 9, 0))
    return application


def stuck_matter_case(people, application, **fields):
    case, _code = register(people, kind_code="stuck-matter", applied_where="湖口县住建局", **fields)
    actions.do_link_case(application, case, actor=people.chen)
    return case


def test_the_case_page_shows_the_stuck_stage_with_a_link_to_the_application(client, people, stuck):
    case = stuck_matter_case(people, stuck)
    client.force_login(people.liu)  # the county's supervisor
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"关联的加装电梯申请 {stuck.number}" in text
    assert "长运宿舍7栋1单元" in text
    assert "当前环节：联合审查（湖口县住建局）" in text
    # In the stage since 13 March: 15 working days to 3 April, then 7-10 April (4-6 April is 清明).
    assert "已在本环节19个工作日，超期4个工作日（期限2026年4月3日24:00）" in text
    assert f'href="{reverse("elevators:application", args=[stuck.pk])}"' in text


def test_a_user_who_may_not_see_the_application_sees_no_link_and_the_page_still_works(client, people, stuck):
    # A city-level report about the county's application, sent to 市住建局 with 浔阳区住建局 helping:
    # 浔阳区 sees the case (it co-operates on it) but not 湖口县's application.
    case = stuck_matter_case(people, stuck, region=people.city, actor=people.sun)
    case_actions.do_accept_case(case, actor=people.sun)
    case_actions.do_dispatch_case(case, department=people.city_housing, co_departments=[people.xunyang_housing],
                                  actor=people.sun)
    client.force_login(people.xu)
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"关联的加装电梯申请 {stuck.number}" in text and "联合审查" in text
    assert reverse("elevators:application", args=[stuck.pk]) not in text
    assert links.links_for(case, people.xu)[0]["url"] == ""
    assert links.links_for(case, people.li)[0]["url"] == reverse("elevators:application", args=[stuck.pk])


def test_without_the_application_page_the_link_falls_back_to_none(monkeypatch, client, people, stuck):
    case = stuck_matter_case(people, stuck)

    def unresolved(*args, **kwargs):
        raise NoReverseMatch("not yet")

    monkeypatch.setattr("django.urls.reverse", unresolved)
    [link] = case_links(case, people.liu)
    assert link["url"] == "" and link["lines"][1] == "当前环节：联合审查（湖口县住建局）"


def test_a_case_about_no_application_shows_none_and_elevators_is_registered(client, people, stuck):
    assert case_links in links._providers
    case, _code = register(people, kind_code="stuck-matter")
    client.force_login(people.liu)
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200 and "关联的加装电梯申请" not in page.content.decode()
    assert links.links_for(case, people.liu) == []


def test_the_stage_when_the_case_came_is_shown_once_the_application_moved_on(people, stuck):
    case = stuck_matter_case(people, stuck)
    actions.do_advance_stage(stuck, actor=people.huang)  # the joint review done at last
    [link] = links.links_for(case, people.liu)
    assert "当前环节：施工" in link["lines"] and "反映时处于“联合审查”环节" in link["lines"]
