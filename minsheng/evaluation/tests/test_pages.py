"""The evaluation's pages as a leader and a head use them: the counties ranked with their full
marks, the chart's data and its table, the reform progress per indicator; an indicator's values,
scores and benchmark; a head records a walk-through on the form (a step without its time refused
on the form); the office imports a framework workbook (a bad one names its rows)."""

import io
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from minsheng.evaluation import actions
from minsheng.evaluation.models import Framework, WalkThrough
from minsheng.evaluation.tests.test_frameworks import ROWS, SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def test_the_leader_compares_the_counties_and_opens_an_indicators_benchmark(client, scored):
    page = client.get("/evaluation/").content.decode()
    assert "2020年度各县（市、区）排名" in page
    assert page.index("瑞昌市") < page.index("湖口县") < page.index("浔阳区")
    assert "开办企业时间、低压接电费用" in page  # 瑞昌's full marks
    first = scored.first_indicators.get(code="01")
    detail = client.get(f"/evaluation/indicators/{first.pk}/").content.decode()
    assert "上海：一网通办" in detail and "开办企业半天办结" in detail and "满分" in detail
    assert client.get("/evaluation/indicators/999999/").status_code == 404
    assert client.get("/evaluation/", {"period": "abc", "framework": "9" * 40}).status_code == 200


def test_a_head_records_a_walk_through_on_the_form(client, people):
    service = actions.do_register_service(people.hukou_housing, name="商品房转移登记", promised_days=5,
                                          steps=["受理", "勘验", "登簿"], materials=["申请书"], actor=people.zhou)
    client.force_login(people.zhou)
    form = {"service": service.pk, "walked_on": "2026-11-18", "applicant_kind": "resident",
            "s1_name": "窗口受理", "s1_minutes": "30", "s1_materials": "申请书、身份证明",
            "s2_name": "现场勘验", "s2_minutes": "",
            "p1_kind": "steps", "p1_description": "现场勘验可以取消", "p1_deadline": "2026-12-31"}
    refused = client.post("/evaluation/staff/walk/", form)
    assert refused.status_code == 200 and "没有填写实际用时" in refused.content.decode()
    assert not WalkThrough.objects.exists()
    sent = client.post("/evaluation/staff/walk/", {**form, "s2_minutes": "2880"})
    assert sent.status_code == 302 and WalkThrough.objects.count() == 1
    page = client.get("/evaluation/walkthroughs/").content.decode()
    assert "现场勘验：2880分钟" in page and "还有1个问题在整改中" in page
    client.force_login(people.huang)  # a handler, not the head: no service to walk
    assert "不是部门负责人" in client.get("/evaluation/staff/walk/").content.decode()


def test_the_office_imports_a_framework_workbook(client, people):
    from minsheng.evaluation.actions import FRAMEWORK_COLUMNS
    from minsheng.testing import log_in_verified

    def upload(rows):
        book = Workbook()
        sheet = book.active
        sheet.append(list(FRAMEWORK_COLUMNS.values()))
        for row in rows:
            sheet.append([row.get(key) for key in FRAMEWORK_COLUMNS])
        buffer = io.BytesIO()
        book.save(buffer)
        return SimpleUploadedFile("framework.xlsx", buffer.getvalue())

    form = {"name": "江西省营商环境评价指标体系", "year": "2021", "scope": "provincial", "issuer": "江西省发展改革委"}
    log_in_verified(client, people.sun)
    bad = [dict(row) for row in ROWS]
    bad[1]["weight"] = "0.6"
    refused = client.post("/evaluation/staff/framework/", {**form, "file": upload(bad)}).content.decode()
    assert "二级指标权重之和应为1" in refused and not Framework.objects.exists()
    done = client.post("/evaluation/staff/framework/", {**form, "file": upload(ROWS)})
    assert done.status_code == 302 and Framework.objects.get().scope == "provincial"
    refused = client.post("/evaluation/staff/framework/", {**form, "file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert "无法作为Excel" in refused.content.decode()
    client.force_login(people.huang)
    assert client.get("/evaluation/staff/framework/").status_code == 404


def test_a_service_the_platform_runs_shows_its_real_days_beside_its_promise(client, people):
    from minsheng.cases.actions import do_close_case
    from minsheng.testing import case_in_state

    actions.do_register_service(people.hukou_service_centre, name="办不成事反映办理", promised_days=1,
                                steps=["登记", "交办", "办结"], measure="stuck_matter", actor=people.liu)
    actions.do_register_service(people.hukou_housing, name="商品房转移登记", promised_days=5, steps=["受理"],
                                actor=people.zhou)
    case = case_in_state(people, "handling", kind_code="stuck-matter")
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI), tick=False):
        do_close_case(case, result="solved", text="已办结", actor=None)
        page = client.get("/evaluation/walkthroughs/").content.decode()
    days = case.events.get(kind="closed").working_days
    assert f"{days}个工作日" in page and "1件，最长" in page and "不由本平台办理" in page
    assert ("超过承诺" in page) == (days > 1)


def test_the_next_reform_list_is_drafted_from_the_furthest_gaps(client, scored, people):
    from openpyxl import load_workbook

    from minsheng.evaluation.models import SecondIndicator
    from minsheng.testing import log_in_verified

    fee = SecondIndicator.objects.get(first__framework=scored, code="02.1")
    actions.do_set_benchmark(fee.first, second=fee, value="0", city="北京", practice_name="零投资接电",
                             practice="低压小微企业电网投资到红线", source="国家发展改革委", actor=people.sun)
    for indicator, value in ((SecondIndicator.objects.get(first__framework=scored, code="01.1"), "3"), (fee, "60000")):
        actions.do_record_measurement(indicator, people.city, period=2020, value=value, source="第三方评估", actor=people.sun)
    log_in_verified(client, people.sun)
    response = client.get("/evaluation/staff/reform-draft.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # 60,000 of 100,000 元 behind 北京 is further (60 %) than 2.5 of 60 days behind 上海 (4.2 %).
    assert [row[9] for row in rows[1:]] == ["低压接电费用", "开办企业时间"]
    assert rows[1][1] == "对标北京“零投资接电”，提升低压接电费用" and rows[1][12] == "60.0%"
    client.force_login(people.huang)
    assert client.get("/evaluation/staff/reform-draft.xlsx").status_code == 404


def test_a_head_registers_and_adjusts_the_departments_services(client, people):
    from minsheng.evaluation.models import EvaluationEvent, Service

    client.force_login(people.zhou)
    form = {"name": "商品房转移登记", "statutory_days": "30", "promised_days": "5", "steps": "受理\n勘验\n登簿",
            "materials": "申请书\n测绘报告"}
    refused = client.post("/evaluation/staff/services/", {**form, "promised_days": "40"}).content.decode()
    assert "承诺时限不能长于法定时限" in refused and not Service.objects.exists()
    assert client.post("/evaluation/staff/services/", form).status_code == 302
    service = Service.objects.get()
    assert service.steps == ["受理", "勘验", "登簿"] and service.department == people.hukou_housing
    refused = client.post(f"/evaluation/staff/services/{service.pk}/", {**form, "steps": "受理\n登簿", "reason": ""})
    assert "调整原因" in refused.content.decode()
    done = client.post(f"/evaluation/staff/services/{service.pk}/",
                       {**form, "steps": "受理\n登簿", "promised_days": "3", "reason": "取消现场勘验"})
    assert done.status_code == 302
    event = EvaluationEvent.objects.get(kind="service_updated")
    assert (event.data["before"]["steps"], event.data["after"]["steps"]) == (3, 2)
    client.force_login(people.huang)  # a handler of the same department: nothing to keep
    assert client.get(f"/evaluation/staff/services/{service.pk}/").status_code == 404
