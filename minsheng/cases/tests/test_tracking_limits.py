"""Tracking by number and query code: guessing is stopped per address and per case number,
counted in the cache every process shares, behind any number of trusted proxies, and a
resident with the right code is never kept out by other people's failures."""

import pytest

from minsheng.testing import register

pytestmark = pytest.mark.django_db


def lookup(client, number, code, address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post("/cases/track/", {"number": number, "code": code}, **extra)
    return response.context["case"], response.context["error"]


@pytest.fixture
def case_and_code(people):
    return register(people)


def test_an_address_is_stopped_by_its_own_failures_only(client, case_and_code):
    case, code = case_and_code
    for index in range(20):
        found, error = lookup(client, f"湖口-2026-9{index:05d}", "00000000", address="198.51.100.1")
        assert found is None and "不正确" in error
    found, error = lookup(client, case.number, code, address="198.51.100.1")
    assert found is None and "失败次数过多" in error  # its own 20 failures
    found, error = lookup(client, case.number, code, address="198.51.100.2")
    assert found == case and error == ""


def test_right_answers_are_not_counted(client, case_and_code):
    case, code = case_and_code
    for _ in range(30):
        found, _error = lookup(client, case.number, code)
        assert found == case


def test_behind_trusted_proxies_each_resident_has_their_own_count(client, settings, case_and_code):
    settings.TRUSTED_PROXY_COUNT = 1
    case, code = case_and_code
    proxy = "10.0.0.5"
    for index in range(20):
        lookup(client, f"湖口-2026-9{index:05d}", "00000000", address=proxy, forwarded="198.51.100.1")
    _found, error = lookup(client, case.number, code, address=proxy, forwarded="198.51.100.1")
    assert "失败次数过多" in error
    found, error = lookup(client, case.number, code, address=proxy, forwarded="198.51.100.9")
    assert found == case and error == ""
    # A client cannot choose its own address: only the hop the proxy added is believed.
    _found, error = lookup(client, case.number, code, address=proxy, forwarded="1.2.3.4, 198.51.100.1")
    assert "失败次数过多" in error


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client, case_and_code):
    case, code = case_and_code
    for index in range(20):
        lookup(client, f"湖口-2026-9{index:05d}", "00000000", address="198.51.100.1", forwarded=f"192.0.2.{index}")
    _found, error = lookup(client, case.number, code, address="198.51.100.1", forwarded="192.0.2.99")
    assert "失败次数过多" in error


def test_many_addresses_guessing_one_number_do_not_lock_its_owner_out(client, case_and_code):
    case, code = case_and_code
    for index in range(10):
        _found, error = lookup(client, case.number, "00000000", address=f"198.51.100.{index}")
        assert "不正确" in error
    # The number is now under attack: addresses that already failed on it are refused...
    _found, error = lookup(client, case.number, code, address="198.51.100.3")
    assert "该编号近一小时查询失败次数过多" in error
    # ...while the resident, from her own phone, gets in with the right code.
    found, error = lookup(client, case.number, code, address="203.0.113.50")
    assert found == case and error == ""
    # A new guesser gets one try, then joins those refused.
    _found, error = lookup(client, case.number, "11111111", address="203.0.113.60")
    assert "不正确" in error
    _found, error = lookup(client, case.number, "22222222", address="203.0.113.60")
    assert "该编号近一小时查询失败次数过多" in error


def test_an_ipv6_network_counts_as_one_address(client, case_and_code):
    case, code = case_and_code
    for index in range(20):
        lookup(client, f"湖口-2026-9{index:05d}", "00000000", address=f"2001:db8:1:2::{index + 1:x}")
    _found, error = lookup(client, case.number, code, address="2001:db8:1:2::ffff")
    assert "失败次数过多" in error
    found, error = lookup(client, case.number, code, address="2001:db8:1:3::1")  # another subscriber
    assert found == case and error == ""


def test_guesses_sent_at_once_cannot_all_pass_the_check(client, case_and_code, monkeypatch):
    """Every lookup is counted before it is tried: even if all of them read the count first
    (as parallel requests would), the twenty-first is refused by its own count."""
    from minsheng.core import ratelimit

    case, _code = case_and_code
    monkeypatch.setattr(ratelimit, "peek", lambda group, value, *, limit, period: ratelimit.Usage(0, limit, period))
    errors = [lookup(client, f"湖口-2026-9{index:05d}", "00000000", address="198.51.100.1")[1] for index in range(25)]
    assert errors[:20] == ["编号或查询码不正确，请核对后重新输入。"] * 20
    assert all("失败次数过多" in error for error in errors[20:])
