"""Staff sign-in as an attacker and as a forgetful clerk meet it: repeated wrong passwords lock
that account on that address until an administrator unlocks it; administrators sign in with a
TOTP code; other staff may choose to."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.core.errors import NotAllowed
from minsheng.testing import PASSWORD
from minsheng.org.actions import do_reset_two_factor, do_unlock_login
from minsheng.org.models import OrgEvent

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sign_in(client, username, password, address="198.51.100.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_repeated_wrong_passwords_lock_the_account_on_that_address(client, people):
    for _ in range(5):
        response = sign_in(client, "huangxin", "wrong-password")
        assert response.status_code in (200, 429)
    response = sign_in(client, "huangxin", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode() and "_auth_user_id" not in client.session
    # Someone else at the same address, and the same account elsewhere, are not held up.
    assert sign_in(client, "wumin", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "huangxin", PASSWORD, address="203.0.113.9").status_code == 302


def test_an_administrator_unlocks_an_account(client, people):
    for _ in range(5):
        sign_in(client, "huangxin", "wrong-password")
    with pytest.raises(NotAllowed):
        do_unlock_login(people.huang, actor=people.wu)
    do_unlock_login(people.huang, actor=people.admin)
    assert OrgEvent.objects.filter(kind="login_unlocked", subject="huangxin", actor=people.admin).exists()
    assert sign_in(client, "huangxin", PASSWORD).status_code == 302


def test_the_lock_lifts_after_half_an_hour(client, people, clock):
    for _ in range(5):
        sign_in(client, "huangxin", "wrong-password")
    assert sign_in(client, "huangxin", PASSWORD).status_code == 429
    clock.move_to(NOW + timedelta(minutes=31))
    assert sign_in(client, "huangxin", PASSWORD).status_code == 302


def test_an_administrator_must_bind_an_authenticator_before_anything_else(client, people, clock):
    response = sign_in(client, "admin", PASSWORD)
    assert response.status_code == 302
    for page in ("/staff/", "/cases/staff/inbox/", "/admin/"):
        held = client.get(page)
        assert held.status_code == 302 and held["Location"].startswith("/accounts/two-factor/")
    api = client.get("/api/v1/inbox")
    assert api.status_code == 403 and "两步验证" in api.json()["detail"]
    page = client.get("/accounts/two-factor/").content.decode()
    assert "<svg" in page and "管理员账号必须开启两步验证" in page
    device = TOTPDevice.objects.get(user=people.admin, confirmed=False)
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    too_soon = client.post("/accounts/two-factor/", {"code": code_for(device)})
    assert "请稍等片刻再试" in too_soon.content.decode()  # each wrong code doubles the wait
    clock.move_to(NOW + timedelta(seconds=2))
    client.post("/accounts/two-factor/", {"code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert OrgEvent.objects.filter(kind="two_factor_enabled", subject="admin").exists()
    assert client.get("/staff/").status_code == 200
    # The next sign-in asks for the code after the password.
    client.logout()
    clock.move_to(NOW + timedelta(minutes=1))
    response = sign_in(client, "admin", PASSWORD)
    assert response["Location"].startswith("/accounts/login/verify/")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get("/staff/").status_code == 302
    client.post("/accounts/login/verify/", {"code": code_for(device)})
    assert client.get("/staff/").status_code == 200


def test_wrong_codes_count_as_failed_sign_ins(client, people, clock):
    device = TOTPDevice.objects.create(user=people.admin, name="身份验证器", confirmed=True)
    for attempt in range(4):
        clock.move_to(NOW + timedelta(minutes=attempt))  # past the device's own growing wait
        sign_in(client, "admin", PASSWORD)
        response = client.post("/accounts/login/verify/", {"code": "000000"}, REMOTE_ADDR="198.51.100.7")
        assert "验证码不正确" in response.content.decode()
    clock.move_to(NOW + timedelta(minutes=5))
    sign_in(client, "admin", PASSWORD)
    response = client.post("/accounts/login/verify/", {"code": "000000"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert sign_in(client, "admin", PASSWORD).status_code == 429
    assert device.user == people.admin


def test_other_staff_may_choose_two_factor_and_drop_it(client, people, clock):
    assert sign_in(client, "huangxin", PASSWORD).status_code == 302
    assert client.get("/staff/").status_code == 200  # not required of a handler
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=people.huang)
    client.post("/accounts/two-factor/", {"code": code_for(device)})
    assert TOTPDevice.objects.get(user=people.huang).confirmed
    clock.move_to(NOW + timedelta(minutes=1))
    client.post("/accounts/two-factor/", {"code": "000000"})  # an open session alone cannot remove it
    assert TOTPDevice.objects.filter(user=people.huang).exists()
    clock.move_to(NOW + timedelta(minutes=2))
    client.post("/accounts/two-factor/", {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=people.huang).exists()


def test_each_visit_to_the_binding_page_shows_a_new_secret(client, people):
    sign_in(client, "admin", PASSWORD)
    client.get("/accounts/two-factor/")
    seen_by_someone_else = TOTPDevice.objects.get(user=people.admin, confirmed=False)
    client.get("/accounts/two-factor/")
    binding = TOTPDevice.objects.get(user=people.admin, confirmed=False)
    assert binding.key != seen_by_someone_else.key
    assert client.post("/accounts/two-factor/", {"code": code_for(seen_by_someone_else)}).status_code == 200
    assert not TOTPDevice.objects.filter(user=people.admin, confirmed=True).exists()


def test_an_administrator_cannot_drop_their_own_but_one_over_them_resets_a_lost_phone(people):
    TOTPDevice.objects.create(user=people.admin, name="身份验证器", confirmed=True)
    TOTPDevice.objects.create(user=people.hukou_admin, name="身份验证器", confirmed=True)
    with pytest.raises(NotAllowed):
        do_reset_two_factor(people.admin, actor=people.admin)
    with pytest.raises(NotAllowed):
        do_reset_two_factor(people.admin, actor=people.huang)
    with pytest.raises(NotAllowed):  # a county's administrator does not manage the city's
        do_reset_two_factor(people.admin, actor=people.hukou_admin)
    with pytest.raises(NotAllowed):
        do_unlock_login(people.xu, actor=people.hukou_admin)  # nor another county's staff
    do_reset_two_factor(people.hukou_admin, actor=people.admin)
    assert not TOTPDevice.objects.filter(user=people.hukou_admin).exists()
    assert OrgEvent.objects.filter(kind="two_factor_reset", subject="hukouadmin", actor=people.admin).exists()
