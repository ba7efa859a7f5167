"""局长走流程 (issue 14): a department's head walks the department's own service as an applicant
would, each step with its real time; the problems found become rectification tasks on the pledge
engine (owner, deadline, progress); when they are all done the service's before and after show.
A service the platform runs is measured from its events beside its promised limit."""

from datetime import date, datetime

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.evaluation import actions, measures, queries
from minsheng.evaluation.models import EvaluationEvent, Problem, WalkStep
from minsheng.evaluation.tests.test_frameworks import SHANGHAI
from minsheng.pledges import actions as pledge_actions
from minsheng.org.models import Role
from minsheng.pledges.models import ListKind, Status

pytestmark = pytest.mark.django_db

STEPS = ["窗口受理", "现场勘验", "审核", "登簿发证"]
MATERIALS = ["申请书", "身份证明", "不动产权属证书", "测绘报告", "完税凭证"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(people):
    return actions.do_register_service(people.hukou_housing, name="商品房转移登记", promised_days=5, statutory_days=30,
                                       steps=STEPS, materials=MATERIALS, actor=people.zhou)


def walk(people, service, **fields):
    values = {"walked_on": date(2026, 11, 18), "applicant_kind": "resident", "summary": "以购房人身份全程体验",
              "steps": [{"name": "窗口受理", "minutes": 35, "materials": ["申请书", "身份证明", "测绘报告"]},
                        {"name": "现场勘验", "minutes": 2880, "note": "等待勘验两天"},
                        {"name": "登簿发证", "minutes": 20}],
              "problems": [{"kind": "materials", "description": "测绘报告可由部门共享获取，不应再让群众提交", "deadline": "2026-12-15"},
                           {"kind": "steps", "description": "商品房现场勘验可取消", "deadline": "2026-12-31"}]}
    return actions.do_record_walkthrough(service, **{**values, **fields}, actor=people.zhou)


def test_a_walk_through_records_each_steps_time_and_its_problems_become_rectification_tasks(people, service):
    walked = walk(people, service)
    assert list(WalkStep.objects.filter(walk=walked).values_list("name", "minutes")) == [
        ("窗口受理", 35), ("现场勘验", 2880), ("登簿发证", 20)]
    assert walked.service_before == {"steps": 4, "materials": 5, "promised_days": 5, "online": False}
    problems = list(Problem.objects.filter(walk=walked).select_related("item__pledge_list"))
    assert len(problems) == 2
    task = problems[0].item
    assert task.pledge_list.kind == ListKind.RECTIFICATION and task.pledge_list.title == "2026年湖口县局长走流程问题整改清单"
    assert task.lead_department == people.hukou_housing and task.deadline == date(2026, 12, 15)
    assert EvaluationEvent.objects.get(kind="walked").data == {"steps": 3, "minutes": 2935, "problems": 2}


def test_before_and_after_show_once_every_rectification_is_done(people, service, _clock):
    walked = walk(people, service)
    outcome = queries.walk_outcome(walked, date(2026, 11, 20))
    assert outcome.open == 2 and outcome.after is None
    first, second = (problem.item for problem in walked.problems.all())
    _clock.move_to(datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI))
    pledge_actions.do_post_progress(first, percent=100, text="测绘报告改为部门共享", happened_on=date(2026, 12, 1),
                                    actor=people.zhou)
    actions.do_update_service(service, promised_days=3, statutory_days=30, steps=["窗口受理", "审核", "登簿发证"],
                              materials=["申请书", "身份证明", "不动产权属证书", "完税凭证"], reason="取消现场勘验、测绘报告共享",
                              actor=people.zhou)
    assert queries.walk_outcome(walked, date(2026, 12, 2)).open == 1  # one still open: no after yet
    pledge_actions.do_post_progress(second, percent=100, text="取消现场勘验", happened_on=date(2026, 12, 2),
                                    actor=people.zhou)
    outcome = queries.walk_outcome(walked, date(2026, 12, 3))
    assert outcome.open == 0 and [status for _, status in outcome.problems] == [Status.DONE, Status.DONE]
    assert outcome.before == {"steps": 4, "materials": 5, "promised_days": 5, "online": False}
    assert outcome.after == {"steps": 3, "materials": 4, "promised_days": 3, "online": False}
    update = EvaluationEvent.objects.get(kind="service_updated")
    assert update.data["before"]["promised_days"] == 5 and update.data["after"]["promised_days"] == 3


def test_a_step_without_its_time_or_a_problem_without_a_deadline_saves_nothing(people, service):
    with pytest.raises(ActionError) as refused:
        walk(people, service, steps=[{"name": "窗口受理", "minutes": 35}, {"name": "现场勘验"}])
    assert refused.value.field == "steps" and "第2个环节“现场勘验”没有填写实际用时" in refused.value.message
    with pytest.raises(ActionError) as refused:
        walk(people, service, problems=[{"kind": "time", "description": "太慢", "deadline": "2026-01-01"}])
    assert refused.value.field == "problems"
    for bad in ({"walked_on": date(2026, 12, 1)}, {"applicant_kind": "alien"}, {"steps": []}):
        with pytest.raises(ActionError):
            walk(people, service, **bad)
    assert not EvaluationEvent.objects.filter(kind="walked").exists() and not Problem.objects.exists()


def test_only_the_departments_head_walks_its_service(people, service):
    for outsider in (people.huang, people.li, people.liu):  # a handler, another department's head, a supervisor
        with pytest.raises(NotAllowed):
            actions.do_record_walkthrough(service, walked_on=date(2026, 11, 18), applicant_kind="resident",
                                          steps=[{"name": "受理", "minutes": 5}], actor=outsider)


def test_a_service_keeps_to_sensible_limits(people):
    with pytest.raises(ActionError) as refused:
        actions.do_register_service(people.hukou_housing, name="x", promised_days=40, statutory_days=30, steps=["受理"],
                                    actor=people.zhou)
    assert refused.value.field == "promised_days"
    with pytest.raises(ActionError) as refused:
        actions.do_register_service(people.hukou_housing, name="x", promised_days=True, steps=["受理"], actor=people.zhou)
    assert refused.value.field == "promised_days"
    with pytest.raises(NotAllowed):
        actions.do_register_service(people.hukou_housing, name="x", promised_days=3, steps=["受理"], actor=people.huang)


def test_a_service_the_platform_runs_is_measured_from_its_events(people, _clock):
    """办不成事反映: the working days each case took, as the case engine counted them at its close."""
    from minsheng.cases.actions import do_close_case
    from minsheng.testing import case_in_state

    service = actions.do_register_service(people.hukou_service_centre, name="办不成事反映办理", promised_days=5,
                                          steps=["登记", "交办", "办结"], measure="stuck_matter", actor=people.liu)
    case = case_in_state(people, "handling", kind_code="stuck-matter")
    _clock.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI))
    do_close_case(case, result="solved", text="已办结", actor=None)
    found = measures.measure(service, date(2026, 11, 1), date(2026, 11, 30))
    assert found.count == 1 and found.median == found.slowest
    assert found.median == case.events.get(kind="closed").working_days
    assert measures.measure(actions.do_register_service(people.hukou_housing, name="y", promised_days=3, steps=["受理"],
                                                        actor=people.zhou), date(2026, 11, 1), date(2026, 11, 30)) is None


def test_a_payment_without_application_is_measured_from_match_to_money(people, _clock):
    """免申即享: the working days from the match that listed the firm to the payment."""
    from minsheng.policies import actions as policy_actions
    from minsheng.policies.models import Payout
    from minsheng.testing import make_department, make_entity, make_user

    bureau = make_department("湖口县工信局", people.hukou)
    officer = make_user("ganzheng", bureau, Role.HANDLER, Role.DEPARTMENT_HEAD)
    make_entity(people.hukou, name="湖口县精工阀门有限公司", actor=None)
    policy = policy_actions.do_create_policy(
        bureau, title="湖口县规上工业企业奖励", document_number="湖府办发〔2026〕1号", issued_on=date(2026, 11, 2),
        valid_from=date(2026, 11, 2), benefit_type="grant", delivery="automatic", beneficiaries="工业企业",
        amount_text="1万元", budget="100000", amount="10000",
        conditions_rows=[{"field": "industry", "operator": "in", "value": ["C"]}], actor=officer)
    policy_actions.do_publish_policy(policy, actor=officer)
    policy_actions.do_match_policy(policy, actor=officer)  # Friday 20 November
    payout = Payout.objects.get()
    policy_actions.do_confirm_payout(payout, actor=officer)
    policy_actions.do_publicize_payouts(policy, actor=officer)
    _clock.move_to(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
    policy_actions.do_order_payout(payout, actor=officer)
    policy_actions.do_confirm_paid(payout, paid_on=date(2026, 11, 30), actor=officer)
    service = actions.do_register_service(bureau, name="惠企政策免申即享兑现", promised_days=15, steps=["匹配", "拨付"],
                                          measure="policy_automatic", actor=officer)
    found = measures.measure(service, date(2026, 11, 1), date(2026, 11, 30))
    assert (found.count, found.median) == (1, 6)  # 20 Nov (Fri) to 30 Nov (Mon): six working days
