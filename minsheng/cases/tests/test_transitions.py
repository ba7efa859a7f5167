from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions
from minsheng.cases.models import CaseEvent, EventKind, Rating, Result, State, SupervisionLevel
from minsheng.cases.workflow import STATE_TRANSITIONS, TRANSITIONS
from minsheng.core.errors import ActionError, Conflict, NotAllowed
from minsheng.testing import case_in_state, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_every_state_has_its_row_in_the_transition_table():
    assert set(STATE_TRANSITIONS) == set(State.values)
    for state in (State.REJECTED, State.ARCHIVED, State.WITHDRAWN):
        assert STATE_TRANSITIONS[state] == ()
    for state in (State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING, State.CLOSED):
        assert STATE_TRANSITIONS[state], state
    for transition in TRANSITIONS.values():
        assert set(transition.sources) <= set(State.values)
        assert transition.target is None or transition.target in State.values


def events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def test_the_whole_path_writes_one_event_per_step(people):
    case, _ = register(people, kind_code="stuck-matter")
    actions.do_accept_case(case, actor=people.liu)
    actions.do_dispatch_case(case, department=people.hukou_housing, co_departments=[people.hukou_land], actor=people.liu)
    actions.do_sign_case(case, actor=people.huang)
    actions.do_record_contact(case, method="phone", summary="电话联系赵阿姨，核实情况", actor=people.huang)
    actions.do_add_note(case, text="设计审查卡在图纸，已协调", public_text="已协调设计审查", actor=people.huang)
    actions.do_close_case(case, result=Result.SOLVED, text="审批已完成，证照已送达", actor=people.huang)
    actions.do_rate_case(case, rating=Rating.SATISFIED, comment="很快", actor=None, by_requester=True)
    case.refresh_from_db()
    assert case.state == State.ARCHIVED and case.rating == Rating.SATISFIED
    assert events(case) == [
        EventKind.REGISTERED, EventKind.ACCEPTED, EventKind.DISPATCHED, EventKind.SIGNED, EventKind.CONTACT,
        EventKind.NOTE, EventKind.CLOSED, EventKind.RATED,
    ]
    states = list(case.events.values_list("old_state", "new_state"))
    assert states[1:4] == [(State.REGISTERED, State.ACCEPTED), (State.ACCEPTED, State.DISPATCHED), (State.DISPATCHED, State.HANDLING)]
    assert list(case.co_departments.all()) == [people.hukou_land]
    close = case.events.get(kind=EventKind.CLOSED)
    assert (close.on_time, close.outcome, close.department, close.working_days) == (True, Result.SOLVED, people.hukou_housing, 0)


def test_an_empty_close_is_impossible(people):
    case = case_in_state(people, State.HANDLING)
    with pytest.raises(ActionError, match="请选择办理结果"):
        actions.do_close_case(case, result="", text="办好了", actor=people.huang)
    with pytest.raises(ActionError, match="请填写办理情况"):
        actions.do_close_case(case, result=Result.SOLVED, text="  ", actor=people.huang)
    with pytest.raises(ActionError, match="政策或法律依据"):
        actions.do_close_case(case, result=Result.EXPLAINED, text="已解释", actor=people.huang)
    with pytest.raises(ActionError, match="原因及已做的工作"):
        actions.do_close_case(case, result=Result.UNSOLVABLE, text="无法办理", actor=people.huang)
    case.refresh_from_db()
    assert case.state == State.HANDLING and not case.events.filter(kind=EventKind.CLOSED).exists()
    actions.do_close_case(case, result=Result.EXPLAINED, text="已解释", basis="《江西省物业管理条例》第三十条", actor=people.huang)


def test_a_rejection_needs_a_reason_the_reporter_sees(people):
    case, _ = register(people)
    with pytest.raises(ActionError, match="不予受理的理由"):
        actions.do_reject_case(case, reason="", actor=people.liu)
    actions.do_reject_case(case, reason="属于司法程序，请通过诉讼解决", actor=people.liu)
    event = case.events.get(kind=EventKind.REJECTED)
    assert event.is_public and "属于司法程序" in event.public_note


@pytest.mark.parametrize(
    "state, step",
    [
        (State.REGISTERED, lambda c, p: actions.do_sign_case(c, actor=p.huang)),
        (State.REGISTERED, lambda c, p: actions.do_close_case(c, result="solved", text="x", actor=p.huang)),
        (State.ACCEPTED, lambda c, p: actions.do_accept_case(c, actor=p.liu)),
        (State.HANDLING, lambda c, p: actions.do_return_case(c, reason="x", legal_basis="y", actor=p.huang)),
        (State.CLOSED, lambda c, p: actions.do_sign_case(c, actor=p.huang)),
        (State.ARCHIVED, lambda c, p: actions.do_withdraw_case(c, actor=None, by_requester=True)),
        (State.WITHDRAWN, lambda c, p: actions.do_accept_case(c, actor=p.liu)),
        (State.REJECTED, lambda c, p: actions.do_dispatch_case(c, department=p.hukou_housing, actor=p.liu)),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(people, state, step):
    case = case_in_state(people, state)
    before = events(case)
    with pytest.raises(Conflict) as raised:
        step(case, people)
    assert "请刷新页面" in raised.value.message
    case.refresh_from_db()
    assert case.state == state and events(case) == before


@pytest.mark.parametrize(
    "state, step, who",
    [
        (State.REGISTERED, lambda c, u, p: actions.do_accept_case(c, actor=u), ["huang", "chen", "sun_elsewhere", "zhang"]),
        (State.DISPATCHED, lambda c, u, p: actions.do_sign_case(c, actor=u), ["wu", "liu", "li", "chen"]),
        (State.HANDLING, lambda c, u, p: actions.do_close_case(c, result="solved", text="x", actor=u), ["wu", "liu", "xu"]),
    ],
)
def test_each_role_is_refused_what_is_not_theirs(people, state, step, who):
    from minsheng.testing import make_department, make_user
    from minsheng.org.models import Role

    people.sun_elsewhere = make_user("xunyang-sup", make_department("浔阳区营商办", people.xunyang), Role.SUPERVISOR)
    case = case_in_state(people, state)
    for name in who:
        with pytest.raises(NotAllowed):
            step(case, getattr(people, name), people)
    case.refresh_from_db()
    assert case.state == state


def test_a_wrong_dispatch_is_returned_with_its_basis_and_redispatched(people):
    case = case_in_state(people, State.DISPATCHED)
    with pytest.raises(ActionError, match="退单依据"):
        actions.do_return_case(case, reason="非本单位职责", legal_basis="", actor=people.huang)
    actions.do_return_case(case, reason="属规划许可事项", legal_basis="《城乡规划法》第四十条", actor=people.huang)
    case.refresh_from_db()
    assert case.state == State.RETURNED and case.due_at is not None
    actions.do_dispatch_case(case, department=people.hukou_land, actor=people.liu)
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.lead_department == people.hukou_land
    returned = case.events.get(kind=EventKind.RETURNED)
    assert returned.department == people.hukou_housing and returned.data["legal_basis"] == "《城乡规划法》第四十条"
    assert case.events.get(kind=EventKind.DISPATCHED, data__redispatch=True).data["previous_department"] == "湖口县住建局"


def test_the_dispatcher_may_rule_that_a_return_stays(people):
    case = case_in_state(people, State.RETURNED)
    actions.do_uphold_dispatch(case, reason="属住建局职责，见三定方案", actor=people.liu)
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.lead_department == people.hukou_housing
    assert case.events.filter(kind=EventKind.RETURN_UPHELD).count() == 1


def test_an_extension_is_asked_before_the_deadline_and_approved_with_a_new_one(people, _monday):
    case = case_in_state(people, State.HANDLING)
    assert case.due_at == datetime(2026, 12, 8, tzinfo=SHANGHAI)  # 10 working days after Monday 11-23
    actions.do_request_extension(case, days=5, reason="需等待设计单位出具报告", actor=people.huang)
    with pytest.raises(ActionError, match="待审批"):
        actions.do_request_extension(case, days=2, reason="again", actor=people.huang)
    actions.do_decide_extension(case, approve=True, actor=people.liu)
    case.refresh_from_db()
    assert case.due_at == datetime(2026, 12, 15, tzinfo=SHANGHAI)  # 12-07 plus 5 working days = 12-14, due at its end
    assert case.extension_requested_days is None and case.supervision_level == SupervisionLevel.NONE
    approved = case.events.get(kind=EventKind.EXTENSION_APPROVED)
    assert approved.is_public and "2026年12月14日" in approved.public_note


def test_an_extension_cannot_be_asked_once_overdue_and_can_be_refused(people, _monday):
    case = case_in_state(people, State.HANDLING)
    actions.do_request_extension(case, days=3, reason="等待材料", actor=people.huang)
    actions.do_decide_extension(case, approve=False, note="请按期办结", actor=people.liu)
    case.refresh_from_db()
    assert case.due_at == datetime(2026, 12, 8, tzinfo=SHANGHAI)
    _monday.move_to(datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ActionError, match="已超过办理期限"):
        actions.do_request_extension(case, days=3, reason="等待材料", actor=people.huang)


def test_an_unsatisfied_callback_reopens_with_raised_supervision(people):
    case = case_in_state(people, State.CLOSED)
    with pytest.raises(ActionError, match="请说明原因"):
        actions.do_rate_case(case, rating=Rating.UNSATISFIED, actor=None, by_requester=True)
    actions.do_rate_case(case, rating=Rating.UNSATISFIED, comment="电梯还是没装", actor=None, by_requester=True)
    case.refresh_from_db()
    assert case.state == State.HANDLING and case.lead_department == people.hukou_housing
    assert case.supervision_level == SupervisionLevel.DEPARTMENT_HEAD and case.reopen_count == 1
    reopened = case.events.get(kind=EventKind.REOPENED)
    assert reopened.outcome == Rating.UNSATISFIED and reopened.department == people.hukou_housing


def test_the_reporter_withdraws(people):
    case = case_in_state(people, State.HANDLING)
    actions.do_withdraw_case(case, reason="问题已自行解决", actor=None, by_requester=True)
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN and case.due_at is None and case.next_check_at is None


def test_a_linked_case_is_under_supervision_until_the_complaint_closes(people):
    original = case_in_state(people, State.HANDLING)
    complaint, _ = register(people, kind_code="stuck-matter", linked_case_number=original.number)
    assert complaint.linked_case == original
    from minsheng.cases.queries import is_under_supervision

    assert is_under_supervision(original)
    actions.do_withdraw_case(complaint, actor=None, by_requester=True)
    assert not is_under_supervision(original)


def test_supervisors_issue_a_notice_and_the_department_answers(people):
    case = case_in_state(people, State.HANDLING)
    notice = actions.do_issue_supervision_notice(case, requirement="请于3个工作日内办结并书面回复", response_days=3, actor=people.liu)
    assert notice.number == f"督-{case.number}-01" and notice.department == people.hukou_housing
    assert notice.response_due_at == datetime(2026, 11, 27, tzinfo=SHANGHAI)
    with pytest.raises(NotAllowed):
        actions.do_answer_supervision_notice(notice, response="x", actor=people.wu)
    event = actions.do_answer_supervision_notice(notice, response="已安排专人办理", actor=people.zhou)
    assert event.on_time is True
    notice.refresh_from_db()
    assert notice.responded_by == people.zhou
