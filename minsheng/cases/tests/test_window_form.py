"""Issue 8: the intake forms — every missing answer at once beside its field, 卡在哪个部门 as a
sorted, filterable list of the county's and the city's departments, titles cut at punctuation,
and the public form's errors naming fields it has."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.actions.intake import auto_title
from minsheng.cases.catalogue import kind
from minsheng.cases.models import Case, CategoryQuestion, QuestionType
from minsheng.testing import make_category, make_department, register

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def category(people):
    category = make_category(routes=[(people.hukou, people.hukou_housing)])
    CategoryQuestion.objects.create(category=category, code="building", label="楼栋及单元", datatype=QuestionType.STRING, required=True)
    return category


def errors_of(page: str) -> list[str]:
    """The messages shown under the fields (each list's first; the summary at the top repeats them)."""
    return re.findall(r'<ul class="errorlist" id="[^"]+"><li>(.*?)</li>', page)


def test_the_window_shows_every_missing_answer_beside_its_field_at_once(client, people, category):
    client.force_login(people.chen)
    response = client.post("/cases/staff/new/", {
        "kind": kind("stuck-matter").pk, "category": category.pk, "requester_phone": "12345", "submission_token": "t1",
    })
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert set(errors_of(page)) >= {
        "姓名：请填写姓名。", "手机号码：手机号码应为11位数字，以13至19开头。", "诉求内容：请填写诉求内容。",
        "原来申请办理的事项：办不成事反映须填写原来申请办理的事项。",
        "卡在哪个部门：请选择卡在哪个部门（或在“更多信息”里填写原办理地点）。", "跑了几次：办不成事反映须填写跑了几次。",
    }
    assert 'data-answer-errors="{&quot;building&quot;: &quot;请回答“楼栋及单元”。&quot;}"' in page  # drawn under the question
    assert "有7处需要修改" in page


def test_the_stuck_department_list_is_the_county_then_the_city_sorted_and_filterable(client, people, category):
    make_department("浔阳区城管局", people.xunyang)
    make_department("湖口县城管局", people.hukou)
    client.force_login(people.chen)
    page = client.get("/cases/staff/new/").content.decode()
    picker = page.split('name="stuck_departments"')[1].split("</select>")[0]
    assert "浔阳区" not in picker and 'data-filterable="按名称筛选部门，如“住建”"' in page
    groups = [group.split('"')[0] for group in picker.split('<optgroup label="')[1:]]
    assert groups == ["湖口县", "市本级"]
    hukou = [option.split(">")[1].split("<")[0] for option in picker.split("</optgroup>")[0].split("<option")[1:]]
    assert hukou == sorted(hukou) and "湖口县城管局" in hukou and "市住建局" not in hukou


def test_automatic_titles_end_at_punctuation_never_mid_phrase():
    assert auto_title("加装电梯的审批申请两个月了还没有结果，已经跑了三次。") == "加装电梯的审批申请两个月了还没有结果，已经跑了三次"
    long_sentence = "我家住在湖口县双钟镇某某小区五栋二单元七楼，年纪大了上下楼很困难，邻居们商量加装电梯，审批申请递交两个月了还没有结果"
    assert auto_title(long_sentence) == "我家住在湖口县双钟镇某某小区五栋二单元七楼，年纪大了上下楼很困难"
    unbroken = "我家住在湖口县双钟镇某某小区五栋二单元七楼年纪大了上下楼很困难邻居们商量加装电梯审批申请递交两个月了还没有结果"
    title = auto_title(unbroken)
    assert title.endswith("…") and len(title) <= 40 and unbroken.startswith(title[:-1])


def test_a_case_without_a_title_gets_its_first_phrase(people):
    case, _ = register(people, title="", description="小区路灯坏了一个月，晚上出行很不方便，请尽快维修。")
    assert case.title == "小区路灯坏了一个月，晚上出行很不方便，请尽快维修"


def test_the_public_form_names_only_fields_it_has(client, people, category):
    response = client.post("/cases/submit/", {
        "region": people.hukou.code, "kind": kind("stuck-matter").pk, "category": category.pk,
        "requester_name": "赵秀英", "requester_phone": "13812341234", "description": "审批两个月没有结果",
        "answer_building": "5栋", "submission_token": "p1",
    })
    page = response.content.decode()
    assert not Case.objects.exists()
    assert "原办理地点：办不成事反映须填写原办理地点：在哪个部门、哪个窗口办的。" in errors_of(page)
    assert "卡在哪个部门" not in page
