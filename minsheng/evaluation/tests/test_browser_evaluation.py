"""Issue 14's journeys in Debian's chromium: a leader compares the counties (瑞昌 first, its full
marks) and opens an indicator to read the benchmark city's practice beside ours; 湖口县住建局's
head records a walk-through of the department's own service, a step without its time first refused
on the form, and sees it with its open rectification on the public page. Screenshots go to
MINSHENG_SHOTS (or the test's folder)."""

from datetime import datetime

import pytest
import time_machine

from minsheng.core.tests.browser import log_in, press
from minsheng.evaluation import actions
from minsheng.evaluation.models import WalkThrough
from minsheng.evaluation.tests.test_frameworks import ROWS, SHANGHAI, measure
from minsheng.org.models import RegionLevel
from minsheng.testing import PASSWORD, after_flush, make_personas, make_region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    with time_machine.travel(datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI), tick=True):
        after_flush()
        people = make_personas()
        made = actions.do_import_framework(ROWS, name="营商环境评价指标体系", year=2020, scope="national",
                                           issuer="国家发展改革委", actor=people.sun)
        counties = {"湖口县": people.hukou, "浔阳区": people.xunyang,
                    "瑞昌市": make_region("360481", "瑞昌市", RegionLevel.COUNTY, people.city)}
        measure(people.sun, made, counties, {
            "瑞昌市": {"01.1": "0.5", "01.2": "3", "02.1": "0", "02.2": "99.9"},
            "湖口县": {"01.1": "2", "01.2": "4", "02.1": "800", "02.2": "99.5"},
            "浔阳区": {"01.1": "5", "01.2": "6", "02.1": "1200", "02.2": "99.1"},
        })
        first = made.first_indicators.get(code="01")
        actions.do_set_benchmark(first, second=first.seconds.get(code="01.1"), value="0.5", city="上海",
                                 practice_name="一网通办", practice="开办企业全程网办，半天办结", source="国家发展改革委",
                                 actor=people.sun)
        actions.do_register_service(people.hukou_housing, name="商品房转移登记", promised_days=5,
                                    steps=["窗口受理", "现场勘验", "登簿发证"], materials=["申请书", "测绘报告"],
                                    actor=people.zhou)
        people.zhou.set_password(PASSWORD)
        people.zhou.save()
        yield live_server.url, people


def test_a_leader_compares_the_counties_and_opens_a_benchmark(site, desk, shots):
    url, _ = site
    desk.goto(f"{url}/evaluation/")
    text = desk.inner_text("main")
    assert "2020年度各县（市、区）排名" in text
    assert text.index("瑞昌市") < text.index("湖口县") < text.index("浔阳区")
    desk.screenshot(path=str(shots / "evaluation_ranking.png"), full_page=True)
    desk.get_by_role("link", name="开办企业").first.click()
    text = desk.inner_text("main")
    assert "上海：一网通办" in text and "开办企业全程网办，半天办结" in text and "满分" in text
    desk.screenshot(path=str(shots / "evaluation_indicator.png"), full_page=True)


def test_a_head_records_a_walk_through_and_its_problems(site, desk, shots):
    url, people = site
    log_in(desk, url, people.zhou.username, PASSWORD)
    desk.goto(f"{url}/evaluation/staff/walk/")
    desk.get_by_label("体验的事项").select_option(label="湖口县住建局：商品房转移登记")
    desk.get_by_label("体验日期").fill("2026-11-18")
    desk.get_by_label("个人").check()
    desk.get_by_label("环节1", exact=True).fill("窗口受理")
    desk.get_by_label("环节1用时（分钟）").fill("35")
    desk.get_by_label("环节1索要的材料").fill("申请书、测绘报告")
    desk.get_by_label("环节2", exact=True).fill("现场勘验")
    desk.get_by_label("问题1类型").select_option("materials")
    desk.get_by_label("问题1", exact=True).fill("测绘报告可以部门共享，不应再让群众提交")
    desk.get_by_label("问题1整改期限").fill("2026-12-31")
    press(desk, "保存")
    assert "第2个环节“现场勘验”没有填写实际用时" in desk.inner_text("main") and not WalkThrough.objects.exists()
    desk.get_by_label("环节2用时（分钟）").fill("2880")
    press(desk, "保存")
    text = desk.inner_text("main")
    assert "走流程记录已保存" in text and "现场勘验：2880分钟" in text and "还有1个问题在整改中" in text
    desk.screenshot(path=str(shots / "evaluation_walkthrough.png"), full_page=True)
