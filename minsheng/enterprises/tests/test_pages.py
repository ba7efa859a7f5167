"""The staff pages: a firm's profile for its helper and the county (a stranger's id reads as not
found; the contact's phone whole only for its helpers and keepers), visits and demands entered
there, the coverage report and its workbook, a helper's own firms with the visits due."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, Category
from minsheng.enterprises import actions
from minsheng.enterprises.models import Visit
from minsheng.testing import make_department, make_entity, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def firms(people):
    make_department("湖口县教体局", people.hukou)
    load_catalogue()
    hongfeng = make_entity(people.hukou, name="江西宏丰塑胶有限公司", employees=320, revenue="18000", contact_name="王经理",
                           contact_phone="13907925566", actor=people.liu)
    actions.do_assign_one_to_one(hongfeng, helper=people.huang, starts_on=date(2026, 1, 1), actor=people.liu)
    shop = make_entity(people.hukou, kind="individual", name="=HYPERLINK(\"http://x\")早餐店", industry="6241",
                       actor=people.liu)
    return {"hongfeng": hongfeng, "shop": shop}


def test_the_helper_sees_the_profile_with_the_whole_phone_and_a_stranger_gets_not_found(client, people, firms):
    url = reverse("enterprises:entity", args=[firms["hongfeng"].pk])
    client.force_login(people.huang)
    page = client.get(url).content.decode()
    assert "江西宏丰塑胶有限公司" in page and "13907925566" in page and "黄鑫" in page and "C2922" not in page
    assert "2922 塑料板、管、型材制造" in page and "规上" in page and "中型企业" in page
    client.force_login(people.wu)  # a handler of the county who helps nobody there
    assert client.get(url).status_code == 404
    assert client.get(reverse("enterprises:entity", args=[firms["shop"].pk])).status_code == 404
    client.force_login(people.zhang)  # the city's leader oversees, but keeps no registry: the phone masked
    page = client.get(url).content.decode()
    assert "139****5566" in page and "13907925566" not in page


def test_the_helper_records_a_visit_and_raises_a_demand_from_the_profile(client, people, firms):
    entity = firms["hongfeng"]
    client.force_login(people.huang)
    response = client.post(reverse("enterprises:act", args=[entity.pk, "visit"]), {
        "visit-visited_on": "2026-11-27", "visit-kind": "on_site", "visit-summary": "了解到职工李南星的孩子需要入学。"})
    assert response.status_code == 302 and Visit.objects.get().helper == people.huang
    schooling = Category.objects.get(code="workers-children")
    response = client.post(reverse("enterprises:act", args=[entity.pk, "demand"]), {
        "demand-category": str(schooling.pk), "demand-title": "职工子女就近入学",
        "demand-description": "职工李南星的孩子需要就近入学。", "demand-submission_token": "t" * 32})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.enterprise_demand.entity == entity
    page = client.get(reverse("enterprises:entity", args=[entity.pk])).content.decode()
    assert case.number in page and "职工子女入学" in page


def test_a_future_visit_is_refused_on_its_field(client, people, firms):
    client.force_login(people.huang)
    response = client.post(reverse("enterprises:act", args=[firms["hongfeng"].pk, "visit"]), {
        "visit-visited_on": "2026-12-25", "visit-kind": "phone", "visit-summary": "电话回访"})
    assert response.status_code == 400 and "走访日期不能晚于今天" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_helper_cannot_assign_helpers(client, people, firms):
    client.force_login(people.huang)
    response = client.post(reverse("enterprises:act", args=[firms["hongfeng"].pk, "assign"]), {
        "assign-helper": str(people.wu.pk), "assign-starts_on": "2026-12-01", "assign-visit_every_days": "30"})
    assert response.status_code == 302 and firms["hongfeng"].assignments.count() == 1


def test_the_coverage_page_and_its_workbook(client, people, firms):
    client.force_login(people.liu)
    page = client.get(reverse("enterprises:coverage"), {"day": "2026-11-30"}).content.decode()
    assert "2户在营市场主体中，1户已有帮扶干部，1户尚未覆盖" in page and "早餐店" in page
    response = client.get(reverse("enterprises:coverage-export"), {"day": "2026-11-30"})
    book = load_workbook(io.BytesIO(response.content))
    summary, gaps = book.worksheets
    assert [c.value for c in summary[2]][:8] == ["湖口县", 2, 1, 0, 1, 1, 1, 1]
    name_cell = gaps["B2"]
    assert name_cell.value.startswith("=HYPERLINK") and name_cell.data_type == "s"  # text, never a formula
    client.force_login(people.huang)  # not oversight
    assert client.get(reverse("enterprises:coverage")).status_code == 404


def test_a_bad_coverage_day_is_a_message_not_an_error(client, people, firms):
    client.force_login(people.liu)
    response = client.get(reverse("enterprises:coverage"), {"day": "2026-02-30"})
    assert response.status_code == 400 and "日期格式不正确" in response.content.decode()


def test_the_helpers_own_firms_list_the_visits_due_this_month(client, people, firms):
    client.force_login(people.huang)
    page = client.get(reverse("enterprises:mine")).content.decode()
    assert "江西宏丰塑胶有限公司" in page and "尚未走访" in page and "已逾期" in page


def test_the_registry_lists_what_the_user_may_see(client, people, firms):
    client.force_login(people.huang)
    page = client.get(reverse("enterprises:registry")).content.decode()
    assert "江西宏丰塑胶有限公司" in page and "早餐店" not in page
    client.force_login(people.liu)
    page = client.get(reverse("enterprises:registry"), {"kind": "individual"}).content.decode()
    assert "早餐店" in page and "江西宏丰塑胶有限公司" not in page
    page = client.get(reverse("enterprises:registry"), {"help": "uncovered"}).content.decode()
    assert "早餐店" in page and "江西宏丰塑胶有限公司" not in page
    outsider = make_user("xy_leader", make_department("浔阳区政府办", people.xunyang), "leader")
    client.force_login(outsider)
    assert "江西宏丰塑胶有限公司" not in client.get(reverse("enterprises:registry")).content.decode()


def test_the_helpers_home_page_lists_the_visits_due_this_month(client, people, firms):
    client.force_login(people.huang)
    page = client.get(reverse("staff-home")).content.decode()
    assert "本月应走访的企业" in page and "江西宏丰塑胶有限公司" in page and "1户已逾期" in page
    client.force_login(people.chen)  # helps no firm: no such section
    assert "本月应走访的企业" not in client.get(reverse("staff-home")).content.decode()
