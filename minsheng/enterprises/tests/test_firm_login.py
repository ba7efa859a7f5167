"""The firms' own side (journey 11, issue 11): a firm's contact logs in with the 统一社会信用代码
and a code texted to the registered phone, sees its helper, raises a demand, follows it and
rates it. The code is kept hashed, expires, is used once and burns after five wrong tries;
sending and guessing are limited per firm and per address; and the page answers alike whether
or not the code belongs to a firm with a phone, so it tells a stranger nothing."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from minsheng.cases import actions as case_actions
from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, Category, Channel, Notification, Rating, Result, State
from minsheng.core.errors import ActionError
from minsheng.enterprises import actions
from minsheng.enterprises.actions import firm_login
from minsheng.enterprises.actions.firm_login import do_send_login_code, do_verify_login_code
from minsheng.enterprises.models import Demand, EnterpriseEvent, EventKind, LoginCode
from minsheng.org.models import Role
from minsheng.testing import make_department, make_entity, make_user, uscc

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LOGIN = "/enterprises/firm/login/"
HOME = "/enterprises/firm/"
HERE = "203.0.113.7"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def education(people):
    department = make_department("湖口县教体局", people.hukou)
    load_catalogue()
    return department


@pytest.fixture
def hongfeng(people, education):
    entity = make_entity(people.hukou, name="江西宏丰塑胶有限公司", employees=320, revenue="18000", contact_name="王经理",
                         contact_phone="13907925566", actor=people.liu)
    actions.do_assign_one_to_one(entity, helper=people.huang, starts_on=date(2026, 1, 1), actor=people.liu)
    return entity


@pytest.fixture
def other_firm(people, education):
    return make_entity(people.hukou, name="湖口县恒达机械有限公司", contact_name="赵会计", contact_phone="13607921234",
                       actor=people.liu)


def latest_code(phone: str) -> str:
    """The code as the SMS carries it (the outbox row the worker would send)."""
    sms = Notification.objects.filter(channel="sms", recipient_address=phone).order_by("-created_at", "-pk").first()
    return re.search(r"验证码为(\d{6})", sms.body).group(1)


def send(client, code_text, address=HERE):
    return client.post(LOGIN, {"uscc": code_text, "do": "send"}, REMOTE_ADDR=address)


def verify(client, code_text, code, address=HERE, **extra):
    return client.post(LOGIN, {"uscc": code_text, "code": code, "do": "login", **extra}, REMOTE_ADDR=address)


def log_in(client, firm, address=HERE):
    assert send(client, firm.uscc, address).status_code == 302
    response = verify(client, firm.uscc, latest_code(firm.contact_phone), address)
    assert response.status_code == 302 and response["Location"] == HOME
    return response


def refused(callable_, *args, **kwargs) -> ActionError:
    with pytest.raises(ActionError) as raised:
        callable_(*args, **kwargs)
    return raised.value


# --- the code ----------------------------------------------------------------------------------

def test_it_texts_the_code_to_the_registered_phone_only(hongfeng):
    answer = do_send_login_code(hongfeng.uscc.lower(), client_address=HERE)  # typed in lower case
    assert answer == firm_login.SENT
    [sms] = Notification.objects.all()
    code = latest_code("13907925566")
    assert (sms.channel, sms.recipient_address, sms.case, sms.event) == ("sms", "13907925566", None, None)
    assert sms.body == f"【九江民生】您的企业登录验证码为{code}，10分钟内有效。如非本人操作请忽略。"
    row = LoginCode.objects.get()
    assert (row.entity, row.phone, row.attempts, row.used_at) == (hongfeng, "13907925566", 0, None)
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    event = EnterpriseEvent.objects.get(kind=EventKind.LOGIN_CODE_SENT)
    assert event.entity == hongfeng and event.actor is None and event.data == {"address": HERE}
    assert code not in event.note + str(event.data) and "139****5566" in event.note


def _everything_stored() -> str:
    """Every value of every table, as text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found += [f"{table}: {row!r}" for row in cursor.fetchall()]
    return "\n".join(found)


def test_the_code_is_kept_only_as_a_salted_hash(hongfeng, other_firm, monkeypatch):
    monkeypatch.setattr(firm_login, "new_login_code", lambda: "480917")
    assert "480917" not in _everything_stored()
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    do_send_login_code(other_firm.uscc, client_address=HERE)
    # The one place it exists is the SMS waiting in the outbox.
    assert [line.split(":")[0] for line in _everything_stored().splitlines() if "480917" in line] == ["cases_notification"] * 2
    first, second = LoginCode.objects.order_by("pk")
    assert first.code_hash != second.code_hash  # a salt of its own for each code
    assert do_verify_login_code(hongfeng.uscc, "480917", client_address=HERE) == hongfeng
    # Once sent, not even the outbox keeps it (the worker masks it as it masks query codes).
    from minsheng.cases.actions import send_pending

    send_pending()
    assert "480917" not in _everything_stored()
    assert Notification.objects.filter(body__contains="验证码为******").count() == 2


def test_it_logs_in_once(hongfeng):
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    code = latest_code(hongfeng.contact_phone)
    assert do_verify_login_code(f" {hongfeng.uscc} ", code, client_address=HERE) == hongfeng
    event = EnterpriseEvent.objects.get(kind=EventKind.FIRM_LOGIN)
    assert event.entity == hongfeng and event.data == {"address": HERE} and code not in event.note
    error = refused(do_verify_login_code, hongfeng.uscc, code, client_address=HERE)
    assert (error.field, error.message) == ("code", firm_login.WRONG_CODE)
    assert LoginCode.objects.get().used_at is not None


def test_full_width_digits_are_read_as_digits(hongfeng):
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    code = latest_code(hongfeng.contact_phone)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert do_verify_login_code(hongfeng.uscc, full_width, client_address=HERE) == hongfeng


def test_other_digits_are_not_a_code(hongfeng):
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    error = refused(do_verify_login_code, hongfeng.uscc, "١٢٣٤٥٦", client_address=HERE)  # Arabic-Indic
    assert (error.field, error.message) == ("code", firm_login.CODE_FORMAT)


def test_it_expires_after_ten_minutes(hongfeng, clock):
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    clock.shift(timedelta(minutes=9, seconds=59))
    assert do_verify_login_code(hongfeng.uscc, latest_code(hongfeng.contact_phone), client_address=HERE) == hongfeng
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    clock.shift(timedelta(minutes=10, seconds=1))
    error = refused(do_verify_login_code, hongfeng.uscc, latest_code(hongfeng.contact_phone), client_address=HERE)
    assert (error.field, error.message) == ("code", firm_login.WRONG_CODE)


def test_five_wrong_tries_burn_it(hongfeng):
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    code = latest_code(hongfeng.contact_phone)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        assert refused(do_verify_login_code, hongfeng.uscc, wrong, client_address=HERE).message == firm_login.WRONG_CODE
    assert LoginCode.objects.get().attempts == 5
    assert refused(do_verify_login_code, hongfeng.uscc, code, client_address=HERE).message == firm_login.WRONG_CODE
    assert not EnterpriseEvent.objects.filter(kind=EventKind.FIRM_LOGIN).exists()


def test_a_new_code_retires_the_old_one(hongfeng, clock):
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    old = latest_code(hongfeng.contact_phone)
    clock.shift(timedelta(seconds=61))
    do_send_login_code(hongfeng.uscc, client_address=HERE)
    new = latest_code(hongfeng.contact_phone)
    if old != new:
        assert refused(do_verify_login_code, hongfeng.uscc, old, client_address=HERE).message == firm_login.WRONG_CODE
    assert do_verify_login_code(hongfeng.uscc, new, client_address=HERE) == hongfeng
    assert LoginCode.objects.filter(used_at__isnull=True, expires_at__gt=datetime(2026, 11, 30, 10, 1, 1, tzinfo=SHANGHAI)).count() == 0


# --- sending limits ------------------------------------------------------------------------------

def test_a_firm_is_texted_at_most_once_a_minute(client, hongfeng, clock):
    assert send(client, hongfeng.uscc).status_code == 302
    response = send(client, hongfeng.uscc, address="198.51.100.9")  # from anywhere
    assert response.status_code == 200
    assert "验证码已发送，请60秒后再重新获取。" in response.content.decode()
    clock.shift(timedelta(seconds=30))
    assert "请30秒后再重新获取" in send(client, hongfeng.uscc).content.decode()
    assert Notification.objects.count() == 1
    clock.shift(timedelta(seconds=30))
    assert send(client, hongfeng.uscc).status_code == 302
    assert Notification.objects.count() == 2


def test_a_firm_is_texted_at_most_five_times_an_hour(hongfeng, clock):
    for index in range(5):
        do_send_login_code(hongfeng.uscc, client_address=f"198.51.100.{index}")
        clock.shift(timedelta(seconds=61))
    error = refused(do_send_login_code, hongfeng.uscc, client_address="198.51.100.99")
    assert (error.field, error.message) == ("uscc", firm_login.TOO_MANY_SENDS)
    assert Notification.objects.count() == 5


def test_one_address_asks_for_twenty_codes_an_hour_at_most(people, hongfeng):
    for serial in range(20):
        do_send_login_code(uscc(people.hukou.code, 900 + serial), client_address=HERE)
    error = refused(do_send_login_code, hongfeng.uscc, client_address=HERE)
    assert (error.field, error.message) == ("uscc", firm_login.TOO_MANY_SENDS)
    assert not Notification.objects.exists()
    assert do_send_login_code(hongfeng.uscc, client_address="198.51.100.1") == firm_login.SENT
    assert Notification.objects.count() == 1


def test_an_ipv6_subscriber_is_one_address(people):
    for serial in range(20):
        do_send_login_code(uscc(people.hukou.code, 900 + serial), client_address=f"2001:db8:1:2::{serial + 1:x}")
    assert refused(do_send_login_code, uscc(people.hukou.code, 999), client_address="2001:db8:1:2::ffff").message == \
        firm_login.TOO_MANY_SENDS


# --- guessing limits ---------------------------------------------------------------------------

def test_an_address_is_stopped_by_its_own_wrong_codes(people, hongfeng):
    do_send_login_code(hongfeng.uscc, client_address="198.51.100.50")
    code = latest_code(hongfeng.contact_phone)
    for serial in range(20):
        error = refused(do_verify_login_code, uscc(people.hukou.code, 900 + serial), "123456", client_address=HERE)
        assert error.message == firm_login.WRONG_CODE
    error = refused(do_verify_login_code, hongfeng.uscc, code, client_address=HERE)
    assert (error.field, error.message) == ("code", firm_login.TOO_MANY_FROM_HERE)
    assert do_verify_login_code(hongfeng.uscc, code, client_address="198.51.100.50") == hongfeng


def test_guessers_on_a_firm_do_not_keep_its_contact_out(hongfeng, clock):
    do_send_login_code(hongfeng.uscc, client_address="198.51.100.50")
    for index in range(10):
        refused(do_verify_login_code, hongfeng.uscc, "000000", client_address=f"192.0.2.{index}")
    # The firm is under attack: the addresses that failed on it are refused...
    assert refused(do_verify_login_code, hongfeng.uscc, "000000", client_address="192.0.2.3").message == \
        firm_login.TOO_MANY_ON_FIRM
    # ...the burned code is replaced, and the contact, from the office, gets in.
    clock.shift(timedelta(seconds=61))
    do_send_login_code(hongfeng.uscc, client_address="198.51.100.50")
    code = latest_code(hongfeng.contact_phone)
    assert do_verify_login_code(hongfeng.uscc, code, client_address="198.51.100.50") == hongfeng


def test_right_codes_are_not_counted_as_failures(hongfeng, clock):
    for _ in range(25):
        do_send_login_code(hongfeng.uscc, client_address=HERE)
        assert do_verify_login_code(hongfeng.uscc, latest_code(hongfeng.contact_phone), client_address=HERE) == hongfeng
        clock.shift(timedelta(minutes=13))  # five codes an hour


# --- no oracle ---------------------------------------------------------------------------------

def _page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"<header.*?</header>", "", html, flags=re.S)


def test_the_page_answers_alike_for_any_code(client, people, hongfeng):
    no_phone = make_entity(people.hukou, name="湖口县无电话商行", actor=people.liu)
    closed = make_entity(people.hukou, name="湖口县已注销有限公司", contact_phone="13607920000", status="cancelled",
                         closed_on=date(2025, 6, 30), actor=people.liu)
    unknown = uscc(people.hukou.code, 777777)
    pages = {}
    for index, code_text in enumerate([unknown, no_phone.uscc, closed.uscc, hongfeng.uscc]):
        browser = client.__class__()
        response = send(browser, code_text, address=f"198.51.100.{index}")
        assert (response.status_code, response["Location"]) == (302, LOGIN)
        page = browser.get(LOGIN, REMOTE_ADDR=f"198.51.100.{index}")
        assert page.status_code == 200
        pages[code_text] = _page_text(page).replace(code_text, "<code>")
        assert firm_login.SENT in pages[code_text]
        again = send(browser, code_text, address=f"198.51.100.{index}")  # and the resend interval alike
        pages[code_text] += _page_text(again).replace(code_text, "<code>")
    assert len(set(pages.values())) == 1
    assert "5566" not in pages[hongfeng.uscc]  # no tail of the phone
    assert [n.recipient_address for n in Notification.objects.all()] == ["13907925566"]
    assert LoginCode.objects.get().entity == hongfeng


def test_a_malformed_code_gets_its_message_on_the_field(client):
    response = send(client, "91360429MA35XXXX1")
    text = response.content.decode()
    assert response.status_code == 200 and "统一社会信用代码：统一社会信用代码应为18位" in text
    response = send(client, "")
    assert "统一社会信用代码：请填写统一社会信用代码。" in response.content.decode()
    response = send(client, "9" * 100_000)
    assert response.status_code == 200 and "统一社会信用代码：统一社会信用代码应为18位" in response.content.decode()


# --- the session -----------------------------------------------------------------------------

def test_logging_in_through_the_page_opens_the_firms_home(client, hongfeng):
    assert client.get(HOME)["Location"] == f"{LOGIN}?next=%2Fenterprises%2Ffirm%2F"
    page = client.get(LOGIN)
    assert "获取验证码" in page.content.decode() and 'name="code"' not in page.content.decode()
    assert send(client, hongfeng.uscc)["Location"] == LOGIN
    page = client.get(LOGIN).content.decode()
    assert 'name="code"' in page and hongfeng.uscc in page
    response = verify(client, hongfeng.uscc, "000000")
    assert response.status_code == 200 and f"短信验证码：{firm_login.WRONG_CODE}" in response.content.decode()
    before = client.session.session_key
    log_in_response = verify(client, hongfeng.uscc, latest_code(hongfeng.contact_phone))
    assert log_in_response["Location"] == HOME
    assert client.session.session_key != before  # a new key at login
    page = client.get(HOME)
    assert page.status_code == 200 and "江西宏丰塑胶有限公司" in page.content.decode()
    assert client.get(LOGIN)["Location"] == HOME


def test_the_login_goes_back_to_the_page_asked_for(client, hongfeng):
    send(client, hongfeng.uscc)
    response = verify(client, hongfeng.uscc, latest_code(hongfeng.contact_phone), next="/enterprises/firm/demands/new/")
    assert response["Location"] == "/enterprises/firm/demands/new/"


def test_the_login_never_goes_elsewhere(client, hongfeng, clock):
    for target in ("https://evil.example/", "//evil.example/enterprises/firm/", "/staff/", "/enterprises/firm/../../staff/"):
        browser = client.__class__()
        send(browser, hongfeng.uscc)
        response = verify(browser, hongfeng.uscc, latest_code(hongfeng.contact_phone), next=target)
        assert response["Location"] == HOME
        clock.shift(timedelta(seconds=61))


def test_a_staff_session_is_not_a_firm(client, people, hongfeng):
    client.force_login(people.liu)
    assert client.get(HOME).status_code == 302
    assert client.get("/enterprises/firm/demands/new/").status_code == 302
    # Logging in as the firm signs the staff member out: one session is never both.
    log_in(client, hongfeng)
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 200


def test_the_session_ends_after_two_idle_hours(client, hongfeng, clock):
    log_in(client, hongfeng)
    clock.shift(timedelta(hours=1, minutes=50))
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(hours=1, minutes=50))  # active: kept alive
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(hours=2, seconds=1))
    assert client.get(HOME).status_code == 302


def test_logout(client, hongfeng):
    log_in(client, hongfeng)
    assert client.get("/enterprises/firm/logout/").status_code == 405
    assert client.post("/enterprises/firm/logout/")["Location"] == LOGIN
    assert client.get(HOME).status_code == 302


def test_a_firm_closed_since_is_logged_out(client, people, hongfeng):
    log_in(client, hongfeng)
    draft = actions.draft_of(hongfeng)
    draft.status, draft.closed_on = "cancelled", date(2026, 11, 30)
    actions.do_update_entity(hongfeng, draft, actor=people.liu)
    assert client.get(HOME).status_code == 302


# --- the firm's pages --------------------------------------------------------------------------

def test_the_home_shows_the_firms_helpers_but_not_their_phones(client, people, hongfeng):
    people.huang.phone = "13800001111"
    people.huang.save(update_fields=["phone"])
    log_in(client, hongfeng)
    page = client.get(HOME).content.decode()
    assert "黄鑫" in page and "湖口县住建局" in page and "一对一" in page
    assert "13800001111" not in page and "1111" not in page
    assert hongfeng.uscc not in page and "139****5566" in page and "13907925566" not in page


def schooling():
    return Category.objects.get(code="workers-children")


def test_the_firm_raises_a_demand_and_sees_its_number_and_query_code(client, hongfeng):
    log_in(client, hongfeng)
    form = client.get("/enterprises/firm/demands/new/").content.decode()
    assert "职工子女入学" in form or schooling().name in form
    response = client.post("/enterprises/firm/demands/new/", {
        "category": schooling().pk, "title": "职工子女就近入学", "description": "职工李南星的孩子今年9月随迁入学，需要就近安排学位。",
        "wants": "安排到工业园区附近的小学", "submission_token": "a1b2c3",
    })
    demand = Demand.objects.get()
    assert response["Location"] == f"/enterprises/firm/demands/{demand.pk}/"
    case = demand.case
    assert (case.kind.code, case.channel, case.state) == ("enterprise", Channel.ONLINE, State.REGISTERED)
    assert (demand.entity, demand.raised_by) == (hongfeng, None)
    assert (case.requester_name, case.requester_phone) == ("王经理", "13907925566")
    assert EnterpriseEvent.objects.get(kind=EventKind.DEMAND).data["from_firm"] is True
    page = client.get(response["Location"]).content.decode()
    sms = Notification.objects.filter(case=case, recipient_address="13907925566").get()
    code = re.search(r"查询码[：:]?\s*(\d+)", sms.body).group(1)
    assert case.number in page and code in page and "提交成功" in page
    again = client.get(response["Location"]).content.decode()
    assert case.number in again and code not in again  # the slip is shown once
    # The same form sent twice files one demand.
    client.post("/enterprises/firm/demands/new/", {"category": schooling().pk, "description": "职工子女入学",
                                                   "submission_token": "a1b2c3"})
    assert Demand.objects.count() == 1
    assert "职工子女就近入学" in client.get(HOME).content.decode()


def test_a_bad_demand_gets_messages_naming_the_fields(client, hongfeng):
    log_in(client, hongfeng)
    response = client.post("/enterprises/firm/demands/new/", {"category": "99999", "description": ""})
    text = response.content.decode()
    assert response.status_code == 200 and "诉求类别：请从列表中选择诉求类别。" in text and "诉求内容：请填写诉求内容。" in text
    assert not Demand.objects.exists()


def test_a_firm_sees_only_its_own_demands(client, people, hongfeng, other_firm):
    mine, _ = actions.do_raise_demand(hongfeng, category=schooling(), title="职工子女入学", description="职工子女入学",
                                      from_firm=True, actor=None)
    theirs, _ = actions.do_raise_demand(other_firm, category=schooling(), title="厂房用地手续", description="厂房用地",
                                        from_firm=True, actor=None)
    log_in(client, hongfeng)
    home = client.get(HOME).content.decode()
    assert mine.number in home and theirs.number not in home
    own, other = mine.enterprise_demand.pk, theirs.enterprise_demand.pk
    assert client.get(f"/enterprises/firm/demands/{own}/").status_code == 200
    assert client.get(f"/enterprises/firm/demands/{other}/").status_code == 404
    assert client.post(f"/enterprises/firm/demands/{other}/rate/", {"rate-rating": "satisfied"}).status_code == 404
    assert client.get("/enterprises/firm/demands/99999999999999999999999/").status_code == 404


def test_the_firm_rates_its_demand_once_it_is_closed(client, people, education, hongfeng):
    teacher = make_user("jiaoti", education, Role.HANDLER, full_name="陶老师")
    case, _ = actions.do_raise_demand(hongfeng, category=schooling(), title="职工子女入学", description="职工子女入学",
                                      from_firm=True, actor=None)
    pk = case.enterprise_demand.pk
    log_in(client, hongfeng)
    # Not closed yet: no rating form, and a rating sent anyway is refused with a message.
    assert "评价办理结果" not in client.get(f"/enterprises/firm/demands/{pk}/").content.decode()
    response = client.post(f"/enterprises/firm/demands/{pk}/rate/", {"rate-rating": "satisfied"}, follow=True)
    assert response.status_code == 200 and "不能回访评价" in response.content.decode()
    case_actions.do_accept_case(case, actor=people.liu)
    case_actions.do_dispatch_case(case, department=education, actor=people.liu)
    case_actions.do_sign_case(case, actor=teacher)
    case_actions.do_close_case(case, result=Result.SOLVED, text="已安排到工业园区小学就读。", actor=teacher)
    page = client.get(f"/enterprises/firm/demands/{pk}/").content.decode()
    assert "评价办理结果" in page and "已安排到工业园区小学就读" in page  # the public timeline
    response = client.post(f"/enterprises/firm/demands/{pk}/rate/", {"rate-rating": "unsatisfied", "rate-comment": ""})
    assert response.status_code == 200 and "不满意的，请说明原因" in response.content.decode()
    response = client.post(f"/enterprises/firm/demands/{pk}/rate/", {"rate-rating": Rating.SATISFIED, "rate-comment": "很及时"})
    assert response["Location"] == f"/enterprises/firm/demands/{pk}/"
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.rating, case.rating_comment) == (State.ARCHIVED, Rating.SATISFIED, "很及时")
    assert case.events.get(kind="rated").data == {"by_requester": True}


# --- fuzzing -----------------------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789０１２３４５６７８９٠١٢٣٤٥६७८९ \t\x00\u3000-－ABCDEFGHJKLMNPQRTUWXYabcIOZSV", max_size=40),
    st.sampled_from(["", " ", "\x00", "9" * 5000, "९१३६०४२९", "123456\x00", "１２３４５６", "\ud7ff" * 10]),
)


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(code_text=ODD_TEXT, code=ODD_TEXT, do=st.sampled_from(["send", "login", "", "other"]))
def test_the_login_forms_never_fail(client, hongfeng, code_text, code, do):
    response = client.post(LOGIN, {"uscc": code_text, "code": code, "do": do}, REMOTE_ADDR="198.51.100.200")
    assert response.status_code in (200, 302, 400)


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(code_text=ODD_TEXT, code=ODD_TEXT)
def test_the_login_actions_refuse_with_a_message(hongfeng, code_text, code):
    for attempt in (lambda: do_send_login_code(code_text, client_address="198.51.100.201"),
                    lambda: do_verify_login_code(code_text, code, client_address="198.51.100.201")):
        try:
            attempt()
        except ActionError as error:
            assert error.field in ("uscc", "code") and error.message


# --- accessibility (the HTML checks of minsheng/tests/test_accessible_pages.py) ---------------

def test_every_control_on_the_firm_pages_has_a_label_and_describedby_points_at_something(client, hongfeng):
    from minsheng.tests.test_accessible_pages import Page

    case, _ = actions.do_raise_demand(hongfeng, category=schooling(), description="职工子女入学", from_firm=True, actor=None)
    pages = {"login": client.get(LOGIN), "login refused": send(client, "")}
    send(client, hongfeng.uscc)
    pages["code"] = client.get(LOGIN)
    pages["code refused"] = verify(client, hongfeng.uscc, "")
    assert verify(client, hongfeng.uscc, latest_code(hongfeng.contact_phone))["Location"] == HOME
    pages["home"] = client.get(HOME)
    pages["new"] = client.get("/enterprises/firm/demands/new/")
    pages["new refused"] = client.post("/enterprises/firm/demands/new/", {})
    pages["demand"] = client.get(f"/enterprises/firm/demands/{case.enterprise_demand.pk}/")
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = Page(response.content.decode())
        for control in page.controls():
            inside_label = control.get("type") in ("radio", "checkbox")
            assert inside_label or control.get("id") in page.labelled(), f"{name}: {control} has no label"
        for tag, attrs in page.with_attr("aria-describedby"):
            missing = [ref for ref in attrs["aria-describedby"].split() if ref not in page.ids]
            assert not missing, f"{name}: <{tag} {attrs}> describes itself by missing ids {missing}"
    assert "短信验证码：请填写短信中的验证码。" in pages["code refused"].content.decode()
    code_field = next(a for a in Page(pages["code"].content.decode()).controls() if a.get("name") == "code")
    assert code_field["autocomplete"] == "one-time-code" and code_field["inputmode"] == "numeric"
