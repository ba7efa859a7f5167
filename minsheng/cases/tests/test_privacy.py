"""Personal data stays with the staff handling the person's matter: masked everywhere else,
never recoverable through search, files only through access checks, query codes kept nowhere
but on the slip and in the one SMS."""

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.cases import actions
from minsheng.cases.models import Case, CaseEvent, EventKind, Notification, NotificationStatus, PersonalDataView, State
from minsheng.core.errors import ActionError
from minsheng.testing import bearer, case_in_state, intake_for, log_in_verified, png_bytes, register
from minsheng.org.models import Role, StaffRole

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE = "18607928404"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(people):
    """Led by 湖口县住建局, with 县自然资源局 co-operating; the resident typed her number into the text too."""
    case = case_in_state(
        people, State.HANDLING, requester_phone=PHONE, requester_name="王建国",
        description=f"我是王建国，电话{PHONE}，邮箱wangjg@qq.com，联系人：李芳，王阿姨也知情。5栋加装电梯审批两个月没有结果。",
    )
    case.co_departments.add(people.hukou_land)
    return case


# --- 1. search is no oracle ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["zhang", "admin", "wu"])  # leader, administrator, co-department
def test_a_masked_phone_cannot_be_read_digit_by_digit_through_search(client, people, case, who):
    viewer = getattr(people, who)
    auth = bearer(viewer)
    # They can see the case, masked.
    assert client.get(f"/api/v1/cases/{case.pk}", **auth).json()["requester_phone"] == "186****8404"
    for length in range(1, 11):
        response = client.get("/api/v1/cases", {"phone": PHONE[-length:]}, **auth)
        assert response.status_code == 400 and response.json()["field"] == "phone"
        assert "11位" in response.json()["detail"]
    # The whole number finds nothing they may not see in full, so it confirms nothing.
    assert client.get("/api/v1/cases", {"phone": PHONE}, **auth).json()["total"] == 0
    log_in_verified(client, viewer)
    page = client.get("/cases/staff/search/", {"phone": "8404"})
    assert "11位" in page.context["form"].errors["phone"][0] and page.context["page"] is None
    assert client.get("/cases/staff/search/", {"phone": PHONE}).context["page"].paginator.count == 0
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("who", ["huang", "liu", "chen"])  # lead department, supervisor, the registering window
def test_those_handling_the_matter_find_it_by_phone_and_each_find_is_logged(client, people, case, who):
    viewer = getattr(people, who)
    response = client.get("/api/v1/cases", {"phone": "186 0792 8404"}, **bearer(viewer))
    assert [c["number"] for c in response.json()["cases"]] == [case.number]
    logged = PersonalDataView.objects.get()
    assert (logged.user, logged.case, logged.field, logged.via) == (viewer, case, "requester_phone", "search")
    client.force_login(viewer)
    assert client.get("/cases/staff/search/", {"phone": PHONE}).context["page"].paginator.count == 1
    assert PersonalDataView.objects.filter(user=viewer, via="search").count() == 2


@pytest.mark.parametrize("term", [PHONE, "0792", "07", "60", "王建国", "建国", "王建国，电话", "wangjg", "李芳", "王阿姨"])
def test_text_search_does_not_confirm_what_the_mask_hides(client, people, case, term):
    for viewer in (people.zhang, people.wu):
        assert client.get("/api/v1/cases", {"text": term}, **bearer(viewer)).json()["total"] == 0
    # The lead department may search the text as typed.
    assert client.get("/api/v1/cases", {"text": term}, **bearer(people.huang)).json()["total"] == 1


def test_ordinary_words_still_find_masked_cases(client, people, case):
    for term in ("加装电梯", "5栋", "8404"):  # what the masked text shows may be searched
        assert client.get("/api/v1/cases", {"text": term}, **bearer(people.zhang)).json()["total"] == 1, term


def test_free_text_is_masked_for_viewers_not_handling_the_matter(client, people, case):
    actions.do_add_note(case, text=f"已电话联系{PHONE}，王建国同意补交材料", actor=people.huang)
    client.force_login(people.zhang)
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert PHONE not in page and "王建国" not in page and "186****8404" in page
    detail = client.get(f"/api/v1/cases/{case.pk}", **bearer(people.wu)).json()
    assert PHONE not in detail["description"] and "王建国" not in detail["description"]
    timeline = client.get(f"/api/v1/cases/{case.pk}/timeline", **bearer(people.wu)).content.decode()
    assert PHONE not in timeline and "王建国" not in timeline
    client.force_login(people.huang)
    assert PHONE in client.get(f"/cases/staff/{case.pk}/").content.decode()


# --- 2. attachments ------------------------------------------------------------------------


def test_attachments_are_served_only_through_access_checks(client, people):
    photo = SimpleUploadedFile("赵秀英身份证.png", png_bytes(), content_type="image/png")
    case, _code = register(people, files=[photo])
    attachment = case.attachments.get()
    assert re.fullmatch(r"cases/[0-9a-f]{32}\.png", attachment.file.name)  # says nothing, cannot be guessed
    link = f"/cases/files/{attachment.key}/"
    assert client.get(f"/media/{attachment.file.name}").status_code == 404  # nothing under the folder is served
    assert client.get(link).status_code == 404  # anonymous
    client.force_login(people.xu)  # another county's bureau
    assert client.get(link).status_code == 404
    client.force_login(people.zhang)  # a leader sees the case, but not the requester's papers
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert client.get(link).status_code == 404 and link not in page and "赵秀英身份证" not in page
    client.force_login(people.chen)  # the window that registered it
    served = client.get(link)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff" and "no-store" in served["Cache-Control"]
    viewed = PersonalDataView.objects.get()
    assert (viewed.user, viewed.case, viewed.field) == (people.chen, case, "attachment")
    page = client.get(f"/cases/staff/{case.pk}/").content.decode()
    assert link in page and attachment.file.name not in page


def test_a_department_publishes_a_file_for_the_resident_and_the_public(client, people):
    photo = SimpleUploadedFile("竣工照片.png", png_bytes(), content_type="image/png")
    case, code = register(people, files=[photo])
    actions.do_accept_case(case, actor=people.liu)
    actions.do_dispatch_case(case, department=people.hukou_housing, actor=people.liu)
    attachment = case.attachments.get()
    with pytest.raises(ActionError):
        actions.do_set_attachment_public(attachment, is_public=True, actor=people.wu)
    client.force_login(people.huang)
    client.post(f"/cases/staff/{case.pk}/files/{attachment.key}/public/", {"is_public": "1"})
    event = case.events.get(kind=EventKind.ATTACHMENT_PUBLISHED)
    assert event.actor == people.huang and not event.is_public
    client.logout()
    assert client.get(f"/cases/files/{attachment.key}/").status_code == 200
    tracked = client.post("/cases/track/", {"number": case.number, "code": code}).content.decode()
    assert f"/cases/files/{attachment.key}/" in tracked


# --- 3. query codes --------------------------------------------------------------------------


def test_the_query_code_is_kept_only_until_its_sms_is_sent_and_never_logged(client, people, caplog):
    case, code = register(people, requester_phone=PHONE)
    sms = Notification.objects.get(case=case, channel="sms")
    assert code not in sms.masked_body and PHONE not in sms.masked_recipient
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    log_in_verified(client, people.admin)
    admin_page = client.get(f"/admin/cases/notification/{sms.pk}/change/").content.decode()
    assert code not in admin_page and PHONE not in admin_page
    assert code not in client.get("/admin/cases/notification/").content.decode()
    with caplog.at_level(logging.INFO, logger="minsheng.notifications"):
        actions.send_pending()
    sms.refresh_from_db()
    assert sms.status == NotificationStatus.SENT
    assert code not in sms.body and "查询码********" in sms.body
    assert code not in caplog.text and PHONE not in caplog.text and "186****8404" in caplog.text


def test_a_slip_not_printed_within_ten_minutes_keeps_no_code(client, people, _now):
    from minsheng.cases.catalogue import kind
    from minsheng.testing import make_category

    category = make_category(routes=[(people.hukou, people.hukou_housing)])
    client.force_login(people.chen)
    response = client.post("/cases/staff/new/", {
        "kind": kind("general").pk, "requester_name": "赵秀英", "requester_phone": "13812341234", "category": category.pk,
        "description": "楼道灯坏了", "submission_token": "slip-1",
    })
    _now.move_to(NOW + timedelta(minutes=11))
    assert 'class="code"' not in client.get(response["Location"]).content.decode()
    assert "case_slips" not in client.session or not client.session["case_slips"]


# --- 5. accounts without a unit --------------------------------------------------------------


def test_a_role_without_a_unit_sees_nothing(client, people):
    for state in (State.REGISTERED, State.ACCEPTED, State.DISPATCHED):
        case_in_state(people, state)
    # Filed online and through Open311, by nobody's window: a null department must not match them.
    for channel in ("online", "api"):
        actions.do_register_case(intake_for(people, channel=channel), actor=None)
    # An account left with roles from before the rule (the admin now refuses to save one).
    StaffRole.objects.create(user=people.nobody, role=Role.WINDOW_CLERK)
    StaffRole.objects.create(user=people.nobody, role=Role.HANDLER)
    auth = bearer(people.nobody)
    for tab in ("registered_open", "to_sign", ""):
        body = client.get("/api/v1/inbox", {"tab": tab} if tab else {}, **auth).json()
        assert body.get("total", 0) == 0 and body.get("cases", []) == []
    client.force_login(people.nobody)
    assert client.get("/cases/staff/inbox/").context["rows"] == []


def test_roles_cannot_be_given_to_an_account_without_a_unit(client, people):
    from minsheng.org.actions import do_set_roles

    with pytest.raises(ActionError) as refused:
        do_set_roles(people.nobody, {Role.WINDOW_CLERK}, actor=people.admin)
    assert refused.value.field == "department"
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    log_in_verified(client, people.admin)
    response = client.post(f"/admin/org/user/{people.nobody.pk}/change/", {
        "username": "nobody", "full_name": "无部门", "department": "", "roles": [Role.WINDOW_CLERK], "is_active": "on",
        "date_joined_0": "2026-11-01", "date_joined_1": "09:00:00",
    })
    assert response.status_code == 200
    assert "必须选择所属部门" in response.content.decode()
    assert not StaffRole.objects.filter(user=people.nobody).exists()


# --- 6. links across jurisdictions ----------------------------------------------------------


def test_a_complaint_cannot_put_another_countys_case_under_supervision(people):
    xunyang_case, _ = actions.do_register_case(
        intake_for(people, region=people.xunyang, channel="online", requester_phone="13912345678"), actor=None
    )
    with pytest.raises(ActionError) as refused:
        register(people, kind_code="stuck-matter", linked_case_number=xunyang_case.number)
    assert refused.value.field == "linked_case_number"
    # Reads the same as a number that does not exist: nothing learnt about the other county.
    assert "湖口县没有编号为" in refused.value.message
    with pytest.raises(ActionError) as missing:
        register(people, kind_code="stuck-matter", linked_case_number="浔阳-2026-999999")
    assert missing.value.message.replace("浔阳-2026-999999", "") == refused.value.message.replace(xunyang_case.number, "")
    assert not Case.objects.filter(linked_case=xunyang_case).exists()
    # Within the county it links, and the case shows 督办中.
    hukou_case = case_in_state(people, State.HANDLING)
    complaint, _ = register(people, kind_code="stuck-matter", linked_case_number=hukou_case.number)
    assert complaint.linked_case == hukou_case
    assert CaseEvent.objects.filter(case=complaint, kind=EventKind.REGISTERED).exists()
