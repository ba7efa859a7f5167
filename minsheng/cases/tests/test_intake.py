from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.cases.actions import do_register_case, query_code_matches
from minsheng.cases.models import Case, CaseEvent, CategoryQuestion, EventKind, Notification, QuestionType, State
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.testing import intake_for, make_category, png_bytes, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_window_registration_gets_a_readable_number_a_code_and_a_clock(people):
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        case, code = register(people, kind_code="stuck-matter")
    assert case.number == "湖口-2026-000001"
    assert len(code) == 8 and code.isdigit()
    assert query_code_matches(case, code) and not query_code_matches(case, "00000000")
    assert code not in case.query_code_hash
    assert case.state == State.REGISTERED and case.channel == "window"
    assert case.registered_by == people.chen and case.registered_at_department == people.hukou_service_centre
    # Accept within 1 working day: due at 24:00 of Friday 11-27.
    assert case.due_at == datetime(2026, 11, 28, 0, 0, tzinfo=SHANGHAI)
    assert case.next_check_at == case.warn_at
    event = case.events.get()
    assert (event.kind, event.actor, event.new_state, event.is_public) == (EventKind.REGISTERED, people.chen, State.REGISTERED, True)
    sms = Notification.objects.get(case=case)
    assert sms.channel == "sms" and sms.recipient_address == "13812341234" and code in sms.body
    assert list(case.stuck_departments.all()) == [people.hukou_housing] and case.visits == 3


def test_numbers_run_per_region_and_year(people):
    from minsheng.org.actions import do_import_calendar_year

    do_import_calendar_year(2027, {date(2027, 1, 1): (False, "元旦")}, actor=None)
    with time_machine.travel(datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI), tick=False):
        first, _ = register(people)
        second, _ = register(people)
        other, _ = register(people, region=people.xunyang, actor=people.sun)
    with time_machine.travel(datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        next_year, _ = register(people)
    assert (first.number, second.number, other.number) == ("湖口-2026-000001", "湖口-2026-000002", "浔阳-2026-000001")
    assert next_year.number == "湖口-2027-000001"
    assert first.due_at == datetime(2027, 1, 5, tzinfo=SHANGHAI)  # 01-01 is a holiday: due at the end of 01-04


def test_a_deadline_in_an_unpublished_year_is_registered_with_a_provisional_due_time(people):
    # Service does not stop in December: 2027 has no official schedule yet, so the clock counts
    # on the statutory holidays (元旦 on Friday 1 January) and marks the due time 暂定.
    with time_machine.travel(datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI), tick=False):
        case, _code = register(people)
    assert case.due_at == datetime(2027, 1, 5, tzinfo=SHANGHAI) and case.due_provisional
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"requester_phone": "1234"}, "requester_phone", "手机号码应为11位数字"),
        ({"requester_id_number": "110105194912310021"}, "requester_id_number", "身份证号校验位不正确"),
        ({"requester_name": " "}, "requester_name", "请填写诉求人姓名"),
        ({"description": ""}, "description", "请填写诉求内容"),
        ({"description": "很" * 4001}, "description", "诉求内容不能超过4000字"),
        ({"latitude": "91"}, "latitude", "纬度应在-90到90之间"),
        ({"linked_case_number": "湖口-2020-999999"}, "linked_case_number", "没有编号为“湖口-2020-999999”的办件"),
        ({"requester_email": "not-an-email"}, "requester_email", "电子邮箱格式不正确"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(people, fields, field, message):
    with pytest.raises(ActionError) as raised:
        register(people, **fields)
    assert raised.value.field == field and message in raised.value.message
    assert not Case.objects.exists() and not CaseEvent.objects.exists() and not Notification.objects.exists()


def test_a_stuck_matter_needs_what_was_applied_for_where_and_how_often(people):
    with pytest.raises(ActionError) as raised:
        register(people, kind_code="stuck-matter", applied_for="")
    assert raised.value.field == "applied_for"
    with pytest.raises(ActionError) as raised:
        register(people, kind_code="stuck-matter", visits=None)
    assert raised.value.field == "visits"


def test_an_enterprise_request_needs_a_valid_credit_code(people):
    with pytest.raises(ActionError) as raised:
        register(people, kind_code="enterprise", enterprise_uscc="")
    assert "统一社会信用代码" in raised.value.message
    with pytest.raises(ActionError) as raised:
        register(people, kind_code="enterprise", enterprise_uscc="91440300708461136X")
    assert "校验位" in raised.value.message
    case, _ = register(people, kind_code="enterprise", enterprise_uscc="91440300708461136t")
    assert case.enterprise_uscc == "91440300708461136T"


def test_extra_questions_are_checked_against_their_type_and_options(people):
    category = make_category()
    CategoryQuestion.objects.create(category=category, code="consent", label="是否已签同意书", datatype=QuestionType.SINGLE,
                                    required=True, values=[{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}])
    CategoryQuestion.objects.create(category=category, code="floors", label="楼层数", datatype=QuestionType.NUMBER)
    with pytest.raises(ActionError, match="请回答“是否已签同意书”"):
        register(people, category=category)
    with pytest.raises(ActionError, match="没有“maybe”这个选项"):
        register(people, category=category, answers={"consent": "maybe"})
    with pytest.raises(ActionError, match="楼层数”应为数字"):
        register(people, category=category, answers={"consent": "yes", "floors": "六"})
    case, _ = register(people, category=category, answers={"consent": "yes", "floors": "6"})
    assert case.answers == {"consent": "yes", "floors": "6"}


def test_the_same_submission_token_creates_one_case(people):
    intake = intake_for(people)
    first, code = do_register_case(intake, actor=None, submission_token="token-123")
    again, no_code = do_register_case(intake_for(people), actor=None, submission_token="token-123")
    assert again.pk == first.pk and code and no_code is None
    assert Case.objects.count() == 1


def test_html_is_stored_as_typed(people):
    case, _ = register(people, description="<script>alert(1)</script> 电梯")
    assert case.description == "<script>alert(1)</script> 电梯"


def test_attachments_are_checked_and_stored_with_the_registration(people):
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    case, _ = register(people, files=[photo])
    assert case.attachments.get().content_type == "image/png"
    with pytest.raises(ActionError, match="类型不受支持"):
        register(people, files=[SimpleUploadedFile("木马.png", b"MZ\x90\x00", content_type="image/png")])
    assert Case.objects.count() == 1


def test_only_window_clerks_and_supervisors_of_the_region_register(people):
    with pytest.raises(NotAllowed):
        register(people, actor=people.huang)
    with pytest.raises(NotAllowed):
        register(people, actor=people.xu)  # 浔阳 cannot register for 湖口
    assert not Case.objects.exists()
