"""Issue 8, details of daily use: each item a behaviour people rely on."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases import actions
from minsheng.cases.models import Notification
from minsheng.testing import make_category, register

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_it_tells_a_handler_who_is_also_the_head_once(people):
    # 李红 of 市住建局 is both handler and department head.
    category = make_category("city-housing", "城市住房", routes=[(people.city, people.city_housing)])
    case, _ = register(people, region=people.city, category=category, actor=people.sun)
    actions.do_accept_case(case, actor=people.sun)
    event = actions.do_dispatch_case(case, department=people.city_housing, actor=people.sun)
    recipients = list(Notification.objects.filter(event=event).values_list("recipient_user__username", flat=True))
    assert recipients == ["lihong"]
    notice = actions.do_issue_supervision_notice(case, requirement="请尽快签收", response_days=3, actor=people.sun)
    told = Notification.objects.filter(case=case, subject__contains=notice.number)
    assert list(told.values_list("recipient_user__username", flat=True)) == ["lihong"]


def test_it_signs_sms_and_names_pages_for_the_city_in_settings(people, client, settings):
    settings.MINSHENG_CITY_NAME = "景德镇市"
    settings.MINSHENG_SITE_NAME = "景德镇民生"
    settings.MINSHENG_SMS_SIGNATURE = "【景德镇民生】"
    case, _ = register(people)
    sms = Notification.objects.get(case=case, channel="sms")
    assert sms.body.startswith("【景德镇民生】您的诉求已登记") and "九江" not in sms.body
    page = client.get("/cases/track/").content.decode()
    assert "· 景德镇民生</title>" in page and "景德镇市人民政府" in page and "九江" not in page


def test_it_reads_the_city_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MINSHENG_VAR_DIR": str(tmp_path), "MINSHENG_CITY_NAME": "景德镇市", "MINSHENG_HOTLINE": "0798-12345"}
    script = (
        "from minsheng import settings as s; "
        "print(s.MINSHENG_SITE_NAME, s.MINSHENG_SMS_SIGNATURE, s.OTP_TOTP_ISSUER, s.MINSHENG_OPEN311_CONTACT)"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["景德镇民生", "【景德镇民生】", "景德镇民生", "景德镇市12345政务服务便民热线", "·", "0798-12345"]


def test_the_demo_command_explains_bind_and_the_readme_how_to_change_the_port():
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run(
        [sys.executable, "-m", "minsheng", "demo", "--help"], capture_output=True, text=True, check=True,
        env={**__import__("os").environ, "DEBUG": "1"},
    ).stdout
    assert "python -m minsheng demo" in out and "--bind 地址:端口" in out and "127.0.0.1:8080" in out
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert "BIND=127.0.0.1:8080" in readme and "--bind" in readme
    assert "DESIGN.md" not in readme and "../shared" not in readme


def test_flash_messages_read_as_natural_chinese(client, people):
    from minsheng.cases.models import State
    from minsheng.cases.views.workbench import ACTION_FORMS, DONE_MESSAGES
    from minsheng.testing import case_in_state

    assert set(DONE_MESSAGES) == set(ACTION_FORMS)
    case = case_in_state(people, State.HANDLING)
    client.force_login(people.huang)
    page = client.post(f"/cases/staff/{case.pk}/act/note/", {"note-text": "已联系设计单位"}, follow=True).content.decode()
    assert "已记录办理进展。" in page and "已办理进展" not in page


def test_the_admin_history_reads_as_time_kind_and_person_in_chinese(client, people):
    from django.urls import reverse

    from minsheng.cases.models import State
    from minsheng.testing import case_in_state, log_in_verified

    with time_machine.travel(datetime(2026, 11, 30, 9, 12, tzinfo=SHANGHAI), tick=False):
        case = case_in_state(people, State.HANDLING)
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    log_in_verified(client, people.admin)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "2026-11-30 09:12 签收 · 黄鑫" in page and "2026-11-30 09:12 登记 · 陈静" in page
    assert "CaseEvent object" not in page
    assert "待签收" in page and "办理中" in page and ">dispatched<" not in page and ">signed<" not in page


def test_an_approved_extension_is_written_with_a_plain_date(people):
    from datetime import date

    from minsheng.cases.models import State
    from minsheng.testing import case_in_state

    case = case_in_state(people, State.HANDLING)
    actions.do_request_extension(case, days=5, reason="需要现场勘查", actor=people.huang)
    event = actions.do_decide_extension(case, approve=True, new_due_date=date(2026, 12, 9), actor=people.liu)
    assert event.public_note == "办理期限延长至2026年12月9日。"
    told = Notification.objects.get(event=event, recipient_user=people.huang)
    assert "新期限：12月9日。" in told.body
