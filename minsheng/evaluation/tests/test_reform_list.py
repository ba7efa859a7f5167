"""The reform task list on the pledge engine (issue 14): imported from a workbook with each task's
indicator, every row checked first; its tasks' derived status and timeline are the pledge
engine's; the progress is counted per indicator; the practical-matters board is not touched."""

import io
from datetime import date, datetime

import pytest
import time_machine
from openpyxl import Workbook

from minsheng.core.errors import ActionError
from minsheng.evaluation import actions, queries
from minsheng.evaluation.models import ReformTask
from minsheng.evaluation.tests.test_frameworks import ROWS, SHANGHAI
from minsheng.pledges import actions as pledge_actions
from minsheng.pledges.models import ListKind, PledgeList
from minsheng.pledges.queries import compute_board
from minsheng.testing import make_focus_area

pytestmark = pytest.mark.django_db

HEADER = ["序号", "事项名称", "聚焦领域", "层级", "所属地区", "牵头单位", "开始日期", "完成时限", "对应指标"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def framework(people):
    return actions.do_import_framework(ROWS, name="营商环境评价指标体系", year=2020, scope="national", issuer="国家发展改革委",
                                       actor=people.sun)


def workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def task(number, title, indicators, deadline="2026-12-31"):
    return (number, title, "优化营商环境", "市本级", "九江市", "市住建局", "2026-01-01", deadline, indicators)


def test_a_reform_list_is_imported_with_each_tasks_indicator(people, framework):
    make_focus_area("优化营商环境")
    data = workbook(task("1", "企业开办全程网办、一日办结", "开办企业"),
                    task("2", "压减企业开办环节至3个", "开办企业环节", "2026-03-31"),
                    task("3", "低压小微企业用电报装零投资", "02.1"))
    reform = actions.do_import_reform_list(data, framework, title="2026年优化营商环境改革任务清单", year=2026,
                                           region=people.city, actor=people.sun)
    assert reform.kind == ListKind.REFORM and reform.items.count() == 3
    links = {link.item.number: (link.first.code, [s.code for s in link.seconds.all()]) for link in ReformTask.objects.all()}
    assert links == {"1": ("01", []), "2": ("01", ["01.2"]), "3": ("02", ["02.1"])}
    # Progress through the pledge engine: task 1 done, task 2 past its deadline.
    first = reform.items.get(number="1")
    pledge_actions.do_post_progress(first, percent=100, text="已实现一日办结", happened_on=date(2026, 5, 20),
                                    actor=None)
    progress = {row.first.code: row for row in queries.reform_progress(framework, date(2026, 6, 1))}
    assert (progress["01"].total, progress["01"].done, progress["01"].late) == (2, 1, 1)
    assert (progress["02"].total, progress["02"].not_started) == (1, 1)
    # The practical matters' board is not the reform list's.
    assert compute_board(2026, date(2026, 6, 1)).overall.total == 0


def test_a_task_without_a_known_indicator_refuses_the_whole_list(people, framework):
    make_focus_area("优化营商环境")
    data = workbook(task("1", "企业开办全程网办", "开办企业"), task("2", "优化纳税服务", "纳税"), task("3", "无指标", ""))
    with pytest.raises(ActionError) as refused:
        actions.do_import_reform_list(data, framework, title="清单", year=2026, region=people.city, actor=people.sun)
    message = refused.value.message
    assert "第3行「对应指标」“纳税”不是" in message and "第4行「对应指标」必填" in message
    assert not PledgeList.objects.exists() and not ReformTask.objects.exists()


def test_an_indicator_whose_name_holds_a_dun_comma_is_read_whole(people):
    """知识产权创造、保护和运用 and “双随机、一公开”监管覆盖率 are names, not two names each."""
    from minsheng.evaluation.demo import framework_2020

    make_focus_area("优化营商环境")
    national = actions.do_import_framework(framework_2020.rows(), name=framework_2020.NAME, year=2020, scope="national",
                                           issuer=framework_2020.ISSUER, actor=people.sun)
    data = workbook(task("1", "知识产权质押融资登记金额增长30%", "知识产权创造、保护和运用、知识产权质押融资登记金额"),
                    task("2", "打击侵权假冒专项行动", "知识产权创造、保护和运用"),
                    task("3", "部门联合抽查全覆盖", "“双随机、一公开”监管覆盖率；信用监管"))
    actions.do_import_reform_list(data, national, title="清单", year=2026, region=people.city, actor=people.sun)
    links = {link.item.number: (link.first.name, sorted(s.name for s in link.seconds.all()))
             for link in ReformTask.objects.all()}
    assert links == {"1": ("知识产权创造、保护和运用", ["知识产权质押融资登记金额"]), "2": ("知识产权创造、保护和运用", []),
                     "3": ("市场监管", ["“双随机、一公开”监管覆盖率", "信用监管"])}


def test_the_reform_list_is_public_with_owners_progress_and_timeline(client, people, framework):
    make_focus_area("优化营商环境")
    data = workbook(task("1", "企业开办全程网办、一日办结", "开办企业"), task("2", "低压小微企业用电报装零投资", "02.1"))
    reform = actions.do_import_reform_list(data, framework, title="2026年优化营商环境改革任务清单", year=2026,
                                           region=people.city, actor=people.sun)
    item = reform.items.get(number="1")
    pledge_actions.do_post_progress(item, percent=60, text="全程网办系统上线试运行", happened_on=date(2026, 5, 20),
                                    actor=None)
    page = client.get("/evaluation/reforms/").content.decode()
    assert "共2项" in page and "企业开办全程网办、一日办结" in page and "牵头：市住建局" in page and "60%" in page
    first = framework.first_indicators.get(code="02")
    filtered = client.get("/evaluation/reforms/", {"indicator": first.pk, "status": "not_started"}).content.decode()
    assert "共1项" in filtered and "低压小微企业用电报装零投资" in filtered
    # The task's timeline is the pledge engine's: its public page shows the progress posted.
    detail = client.get(f"/pledges/items/{item.pk}/").content.decode()
    assert "全程网办系统上线试运行" in detail
    assert client.get("/evaluation/reforms/", {"indicator": "x", "status": "nope", "page": "999"}).status_code == 200
