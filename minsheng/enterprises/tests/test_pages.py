"""The staff pages: a firm's profile for its helper and the county (a stranger's id reads as not
found; the contact's phone whole only for its helpers and keepers), visits and demands entered
there, the coverage report and its workbook, a helper's own firms with the visits due."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, Category
from minsheng.enterprises import actions
from minsheng.enterprises.models import Visit
from minsheng.testing import make_department, make_entity, make_user

pytestmark = pytest.mark.django_db
# The smallest JPEG a browser shows (a grey pixel): the upload checks a file's first bytes.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f"
                     "141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b08000100010101"
                     "1100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504"
                     "040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a2526"
                     "2728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a"
                     "92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6"
                     "e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")
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
    photo = SimpleUploadedFile("车间.jpg", JPEG, content_type="image/jpeg")
    response = client.post(reverse("enterprises:act", args=[entity.pk, "visit"]), {
        "visit-visited_on": "2026-11-27", "visit-kind": "on_site", "visit-summary": "了解到职工李南星的孩子需要入学。",
        "visit-files": [photo]})
    assert response.status_code == 302 and Visit.objects.get().helper == people.huang
    # The photo opens from the profile for those who may see the firm, and for nobody else.
    attachment = Visit.objects.get().attachments.get()
    file_url = reverse("enterprises:visit-file", args=[attachment.pk])
    assert file_url in client.get(reverse("enterprises:entity", args=[entity.pk])).content.decode()
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(people.wu)
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("enterprises:visit-file", args=[attachment.pk + 1])).status_code == 404
    client.force_login(people.huang)
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
    assert response.status_code == 404 and firms["hongfeng"].assignments.count() == 1
    assert client.get(reverse("enterprises:action", args=[firms["hongfeng"].pk, "assign"])).status_code == 404


def test_the_keeper_chooses_a_one_to_one_helper_on_its_own_page(client, people, firms):
    shop = firms["shop"]
    client.force_login(people.liu)
    profile = client.get(reverse("enterprises:entity", args=[shop.pk])).content.decode()
    assert reverse("enterprises:action", args=[shop.pk, "assign"]) in profile and "吴敏（湖口县自然资源局）" not in profile
    page = client.get(reverse("enterprises:action", args=[shop.pk, "assign"])).content.decode()
    assert f'<option value="{people.wu.pk}">吴敏（湖口县自然资源局）</option>' in page
    assert "浔阳区" not in page  # only the county's own staff
    url = reverse("enterprises:act", args=[shop.pk, "assign"])
    response = client.post(url, {"assign-helper": "", "assign-starts_on": "2026-12-01", "assign-visit_every_days": "30"})
    assert response.status_code == 400 and "请选择帮扶干部" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode() and not shop.assignments.exists()
    response = client.post(url, {"assign-helper": str(people.wu.pk), "assign-starts_on": "2026-12-01",
                                 "assign-visit_every_days": "30"})
    assert response.status_code == 302 and shop.assignments.get().helper == people.wu


def test_each_action_has_its_page_for_those_who_may_take_it(client, people, firms):
    hongfeng = firms["hongfeng"]
    client.force_login(people.huang)  # the firm's helper: visits and demands, not the registry's work
    profile = client.get(reverse("enterprises:entity", args=[hongfeng.pk])).content.decode()
    assert reverse("enterprises:action", args=[hongfeng.pk, "visit"]) in profile
    assert reverse("enterprises:action", args=[hongfeng.pk, "certify"]) not in profile
    page = client.get(reverse("enterprises:action", args=[hongfeng.pk, "demand"])).content.decode()
    assert "职工子女入学" in page and 'name="demand-submission_token"' in page
    assert 'enctype="multipart/form-data"' in client.get(reverse("enterprises:action", args=[hongfeng.pk, "visit"])).content.decode()
    for action in ("assign", "certify", "end", "delete"):
        assert client.get(reverse("enterprises:action", args=[hongfeng.pk, action])).status_code == 404
    # The keeper ends the one-to-one help from the profile's record of it.
    client.force_login(people.liu)
    assignment = hongfeng.assignments.get()
    profile = client.get(reverse("enterprises:entity", args=[hongfeng.pk])).content.decode()
    end_url = reverse("enterprises:action", args=[hongfeng.pk, "end"]) + f"?assignment={assignment.pk}"
    assert end_url in profile
    page = client.get(end_url).content.decode()
    assert "结束 黄鑫 自2026年1月1日起的一对一帮扶" in page
    response = client.post(reverse("enterprises:act", args=[hongfeng.pk, "end"]), {
        "end-assignment": str(assignment.pk), "end-ends_on": "2026-11-30", "end-reason": "调离"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == date(2026, 11, 30)
    # A made-up id on the end page says so rather than failing.
    page = client.get(reverse("enterprises:action", args=[hongfeng.pk, "end"]), {"assignment": "99999999999999999999"})
    assert page.status_code == 200 and "没有找到要结束的帮扶关系" in page.content.decode()


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


def test_the_keeper_hands_a_leaving_helpers_portfolio_over_on_one_page(client, people, firms):
    from minsheng.enterprises.models import Assignment

    client.force_login(people.liu)
    assert reverse("enterprises:handover") in client.get(reverse("enterprises:coverage")).content.decode()
    page = client.get(reverse("enterprises:handover")).content.decode()
    assert f'<option value="{people.huang.pk}">黄鑫（湖口县住建局）</option>' in page  # helps 宏丰 today
    assert page.count("吴敏（湖口县自然资源局）") == 1  # a possible successor only: helps nobody yet
    url = reverse("enterprises:handover")
    response = client.post(url, {"helper": str(people.huang.pk), "to": str(people.huang.pk), "on": "2026-12-01"})
    assert response.status_code == 400 and "不能是本人" in response.content.decode()
    response = client.post(url, {"helper": str(people.huang.pk), "to": str(people.wu.pk), "on": "2026-02-30"})
    assert response.status_code == 400 and "交接日期格式不正确" in response.content.decode()
    response = client.post(url, {"helper": str(people.huang.pk), "to": str(people.wu.pk), "on": "2026-12-01",
                                 "reason": "调离"}, follow=True)
    assert "已将黄鑫的1项帮扶关系自2026年12月1日起交由吴敏" in response.content.decode()
    current = Assignment.objects.get(entity=firms["hongfeng"], ends_on__isnull=True)
    assert (current.helper, current.starts_on) == (people.wu, date(2026, 12, 1))
    client.force_login(people.huang)  # a helper keeps no registry
    assert client.get(url).status_code == 404


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


def _exported(client, **filters):
    response = client.get(reverse("enterprises:registry-export"), filters)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content, [[cell for cell in row] for row in load_workbook(io.BytesIO(response.content)).active.values]


def test_the_registry_export_is_the_import_template_and_goes_back_in_unchanged(client, people, firms):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.enterprises.actions import imports
    from minsheng.enterprises.models import EnterpriseEvent, EventKind, ImportMode, ImportState

    client.force_login(people.liu)  # 湖口县营商办: keeps the county's registry
    content, rows = _exported(client)
    assert rows[0] == [column.header for column in imports.COLUMNS]
    by_name = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(by_name) == {"江西宏丰塑胶有限公司", firms["shop"].name}
    hongfeng = by_name["江西宏丰塑胶有限公司"]
    assert (hongfeng["统一社会信用代码"], hongfeng["联系人手机"], hongfeng["主体类型"]) == (
        firms["hongfeng"].uscc, "13907925566", "企业")
    assert by_name[firms["shop"].name]["主体类型"] == "个体工商户"
    event = EnterpriseEvent.objects.get(kind=EventKind.EXPORTED)
    assert (event.actor, event.data["count"], event.data["contacts"]) == (people.liu, 2, True)
    # Back in as it came out: every firm known, nothing changed.
    job = imports.do_queue_import(SimpleUploadedFile("名录.xlsx", content), mode=ImportMode.ALL_OR_NOTHING,
                                  actor=people.liu, start=True)
    job = imports.run_import(job)
    assert (job.state, job.created_count, job.unchanged_count, job.refused_count) == (ImportState.DONE, 0, 2, 0)
    # The filter applies; a leader who keeps no registry gets no phones; a helper only their firms.
    assert [row[1] for row in _exported(client, kind="individual")[1][1:]] == [firms["shop"].name]
    client.force_login(people.zhang)
    header = _exported(client)[1][0]
    assert "联系人手机" not in header and "统一社会信用代码" in header
    client.force_login(people.huang)
    assert [row[1] for row in _exported(client)[1][1:]] == ["江西宏丰塑胶有限公司"]


def test_a_registry_export_too_large_asks_for_a_filter(client, people, firms, monkeypatch):
    from minsheng.enterprises.views import staff

    monkeypatch.setattr(staff, "MAX_EXPORT_ROWS", 1)
    client.force_login(people.liu)
    response = client.get(reverse("enterprises:registry-export"), follow=True)
    assert "超过" in response.content.decode() and "请按县（市、区）或主体类型筛选后分批导出" in response.content.decode()


def test_the_helpers_home_page_lists_the_visits_due_this_month(client, people, firms):
    client.force_login(people.huang)
    page = client.get(reverse("staff-home")).content.decode()
    assert "本月应走访的企业" in page and "江西宏丰塑胶有限公司" in page and "1户已逾期" in page
    client.force_login(people.chen)  # helps no firm: no such section
    assert "本月应走访的企业" not in client.get(reverse("staff-home")).content.decode()


# --- no query string or form makes a 500 ---------------------------------------------------------

_odd = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "\x00", "0", "-1", "99999999999999999999999", "NaN", "1e999", "２", "2026-02-30", "0000-00-00",
                     "' OR 1=1 --", "%", "_", "9" * 5000, "uncovered", "above", "key", "individual", "medium"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["q", "region", "kind", "size", "scale", "help", "page", "day", "assignment"]),
                              _odd, max_size=5),
       form=st.dictionaries(st.sampled_from(["helper", "to", "on", "reason", "assign-helper", "assign-starts_on",
                                             "assign-visit_every_days", "end-assignment", "end-ends_on"]), _odd, max_size=5))
def test_odd_query_strings_and_forms_get_a_page_or_a_clear_refusal(client, people, firms, params, form):
    client.force_login(people.liu)
    pk = firms["hongfeng"].pk
    for url in (reverse("enterprises:registry"), reverse("enterprises:registry-export"), reverse("enterprises:coverage"),
                reverse("enterprises:coverage-export"), reverse("enterprises:action", args=[pk, "end"]),
                reverse("enterprises:handover")):
        assert client.get(url, params).status_code in (200, 302, 400, 414), url  # 414: a query string too long
    for url in (reverse("enterprises:handover"), reverse("enterprises:act", args=[pk, "assign"]),
                reverse("enterprises:act", args=[pk, "end"])):
        assert client.post(url, form).status_code in (200, 302, 400, 404), url
