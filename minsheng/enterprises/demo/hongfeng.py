"""江西宏丰塑胶有限公司's schooling demands (JOURNEYS.md 11): since 2020, every spring and autumn
term its manager told 周敏 on her visit which workers' children needed a school place in the
county town; she raised each as an enterprise case (职工子女入学, routed to 武宁县教体局), which
县营商办 accepted and dispatched, the bureau signed and solved within its limit, and the firm
rated satisfied on the phone callback. 33 children in all, 李南星's son among them. Each step
runs through the actions under the clock of its own day."""

import random
from dataclasses import dataclass
from datetime import date

from minsheng.cases import actions as case_actions
from minsheng.cases.demo import at
from minsheng.cases.models import Category, Rating, Result
from minsheng.core import clock
from minsheng.enterprises import actions
from minsheng.enterprises.models import Entity, VisitKind
from minsheng.org import workdays
from minsheng.org.models import Department, User


@dataclass(frozen=True)
class Schooling:
    day: date  # the visit where the manager raised it
    children: int
    description: str
    result: str


DEMANDS = [
    Schooling(date(2020, 8, 17), 4,
              "公司今年从湖北、湖南招聘了一批技术工人，其中4名职工的子女需要在县城就读（小学3名、初中1名），户籍均不在本县，"
              "职工不清楚随迁子女入学要准备哪些材料，开学在即，担心孩子没有学位。",
              "县教体局按随迁子女入学政策审核材料，统筹安排3名小学生入读武宁县第二小学、1名初中生入读武宁县第二中学，入学手续已全部办结。"),
    Schooling(date(2021, 2, 22), 3,
              "春节后新入职3名职工，子女需从原籍转入县城小学，原籍学校的转学手续一直没有办下来，孩子已经跟来武宁。",
              "县教体局与原籍教育部门电话联系，通过全国学籍系统办理转学，3名学生已到武宁县城北小学报到上课。"),
    Schooling(date(2021, 8, 16), 4,
              "秋季开学前，4名职工子女需要在工业园区附近就近入学（小学一年级2名、转学2名），园区附近学校说学位紧张。",
              "县教体局统筹城区学位，4名学生分别安排到武宁县第二小学和新宁小学，并开通园区至学校的接送线路。"),
    Schooling(date(2022, 8, 15), 3,
              "公司扩产新招员工，3名职工子女需要入读县城小学，其中1名孩子有轻度听力障碍，家长希望学校能多加照顾。",
              "县教体局安排3名学生入读武宁县第二小学，听障学生已安排在前排就座并建立随班就读档案，学校指定老师跟踪关心。"),
    Schooling(date(2023, 2, 13), 2,
              "2名职工子女春季学期需转入县城初中，原籍初中的课程进度与本县不同，家长担心跟不上。",
              "县教体局安排2名学生入读武宁县第二中学，学校为其制定了衔接辅导计划。"),
    Schooling(date(2023, 8, 14), 4,
              "秋季学期4名职工子女需要入学：幼儿园1名、小学2名、初中1名，职工在园区倒班，希望学校离园区近一些。",
              "县教体局统筹安排：幼儿园1名入读县第二幼儿园，小学2名入读城北小学，初中1名入读武宁县第二中学，均在园区5公里以内。"),
    Schooling(date(2024, 8, 19), 4,
              "注塑车间班长李南星之子李思远今年秋季升入小学一年级。李南星夫妇户籍在湖北通城县，在武宁租房居住，"
              "按片区划分应到较远的学校就读，夫妻二人都上倒班，接送困难。另有3名职工子女需要转入县城小学。",
              "县教体局按产业工人随迁子女就近入学的规定，统筹安排李南星之子李思远入读武宁县第二小学一年级，"
              "另3名职工子女分别入读城北小学和新宁小学，均已报到上课。"),
    Schooling(date(2025, 2, 17), 2,
              "春季学期2名新入职技术骨干的子女需转入县城小学，其中1名需要办理跨省学籍转接。",
              "县教体局协助办理跨省学籍转接，2名学生已入读武宁县第二小学。"),
    Schooling(date(2025, 8, 18), 4,
              "秋季学期4名职工子女需要入学（小学一年级3名、初中转学1名），职工希望孩子能在同一所学校方便接送。",
              "县教体局安排3名一年级新生和1名初中生分别入读武宁县第二小学和武宁县第二中学，两校相邻，方便职工接送。"),
    Schooling(date(2026, 8, 17), 3,
              "秋季学期3名职工子女需要在县城入学，其中2名为新入职员工子女，1名需要从乡镇学校转入城区。",
              "县教体局统筹安排3名学生入读城北小学，转学手续由学校代为办理，已全部报到。"),
]
REQUESTED = "请协调安排职工子女在县城就近入学，开学前办好入学手续。"
SIGN_NOTE = "已签收，安排基础教育股专人对接。"


def working_day_from(day: date) -> date:
    while not workdays.is_working_day(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day


def schooling_demands(hongfeng: Entity, zhoumin: User, liping: User, until: date, rng: random.Random) -> int:
    """Each term's demand, from the visit to the rating. Returns the number of demands raised."""
    category = Category.objects.get(code="workers-children")
    bureau = Department.objects.get(name="武宁县教体局")
    raised = 0
    for demand in DEMANDS:
        day = working_day_from(demand.day)
        closed_on = workdays.add_working_days(day, rng.randint(2, 4))
        if closed_on >= until:
            continue
        with clock.fixed(at(day, 9, 10)):
            actions.do_record_visit(hongfeng, visited_on=day, kind=VisitKind.ON_SITE, actor=zhoumin,
                                    summary=f"走访企业，人事经理反映{demand.children}名职工子女入学需求，已登记并代企业提出诉求。")
        with clock.fixed(at(day, 9, 40)):
            case, _code = actions.do_raise_demand(
                hongfeng, category=category, title=f"{day.year}年{'春' if day.month < 7 else '秋'}季{demand.children}名职工子女入学",
                description=demand.description, wants=REQUESTED, answers={"children": demand.children}, actor=zhoumin)
        with clock.fixed(at(day, 10, 20)):
            case_actions.do_accept_case(case, actor=liping)
        with clock.fixed(at(day, 10, 35)):
            case_actions.do_dispatch_case(case, department=bureau, actor=liping, note="请县教体局在开学前落实学位。")
        with clock.fixed(at(day, 14, 5)):  # 县教体局 has no login in the demo: it acts as the system does
            case_actions.do_sign_case(case, actor=None)
        with clock.fixed(at(closed_on, 15, 30)):
            case_actions.do_close_case(case, result=Result.SOLVED, text=demand.result, actor=None)
        with clock.fixed(at(closed_on, 16, 40)):
            case_actions.do_rate_case(case, rating=Rating.SATISFIED, actor=liping,
                                      comment="电话回访企业人事经理：孩子都已顺利入学，对县教体局和帮扶干部的服务满意。")
        raised += 1
    return raised
