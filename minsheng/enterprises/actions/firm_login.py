"""A firm's login on the enterprise side: its 统一社会信用代码, then a one-time code texted to the
contact phone in the registry. No password to forget, none to leak.

- The code: six digits from `secrets`, kept only as a salted HMAC (a random salt per code,
  keyed by SECRET_KEY: a copy of the database alone cannot test the million candidates),
  valid CODE_MINUTES, used once, burned after MAX_ATTEMPTS wrong tries; a new code retires the
  firm's previous one, so one code at most is live.
- Sending is limited per firm (one every RESEND_SECONDS, SENDS["firm"] an hour) and per address
  (SENDS["address"] an hour), so nobody can text a firm's phone to death or walk the registry.
- Wrong codes are counted per address, per firm and per pair, like the case tracking page
  (cases/views/public.py): counted before the try, refunded on success; an address is stopped
  by its own failures, and a firm many addresses failed on stops only those addresses, so the
  firm's contact is never kept out by other people's guesses.
- Every counter lives in the shared cache (core/ratelimit.py), never in one process's memory.

The SMS goes through the case engine's outbox (cases.Notification), written in the same
transaction as the event, and sent by the worker.
"""

import logging
import secrets
import unicodedata
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from minsheng.cases.actions._base import sms_text
from minsheng.cases.models import Notification
from minsheng.core import clock, ratelimit
from minsheng.core.errors import ActionError
from minsheng.core.identity import normalize_uscc
from minsheng.core.net import address_group
from minsheng.core.text import forbidden_character
from minsheng.enterprises.actions._base import write_event
from minsheng.enterprises.models import Entity, EntityStatus, EventKind, LoginCode

logger = logging.getLogger("minsheng.enterprises.login")

CODE_DIGITS = 6
CODE_MINUTES = 10
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
# Codes sent per hour: to one firm; asked for from one address (an IPv6 /64).
SENDS = {
    "firm-code-firm": {"limit": 5, "period": 3600},
    "firm-code-address": {"limit": 20, "period": 3600},
}
# Wrong codes allowed per hour: from one address; on one firm (from all addresses); the pair.
FAILURES = {
    "firm-login-address": {"limit": 20, "period": 3600},
    "firm-login-firm": {"limit": 10, "period": 3600},
    "firm-login-pair": {"limit": 10, "period": 3600},
}

# The one answer to every request for a code that passes the limits (see do_send_login_code).
SENT = (f"如该统一社会信用代码已在本平台登记联系人手机，验证码已发送至该手机，{CODE_MINUTES}分钟内有效。"
        "几分钟内未收到的，请核对代码，或联系本企业的帮扶干部、当地营商办更新联系人手机。")
WRONG_CODE = "验证码不正确或已失效，请核对短信中的6位数字，或重新获取验证码。"
CODE_FORMAT = "验证码为短信中的6位数字。"
WAIT = "验证码已发送，请{seconds}秒后再重新获取。"
TOO_MANY_SENDS = "获取验证码过于频繁，请一小时后再试。"
TOO_MANY_FROM_HERE = "验证码错误次数过多，请一小时后再试。"
TOO_MANY_ON_FIRM = "该企业近一小时验证码错误次数过多，请一小时后再试。"
SMS_SUBJECT = "企业登录验证码"


def clean_uscc(text: str) -> str:
    """The code as people type or paste it (full-width letters and digits, spaces, lower case),
    in its canonical form; an ActionError on "uscc" when it is not a valid code."""
    text = "" if text is None else str(text)
    if forbidden_character(text) is not None or len(text) > 100:
        raise ActionError("统一社会信用代码应为18位，请按营业执照上的代码填写。", field="uscc")
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and unicodedata.category(c) != "Cf")
    if not text:
        raise ActionError("请填写统一社会信用代码。", field="uscc")
    try:
        return normalize_uscc(text)
    except ValidationError as error:
        raise ActionError(error.messages[0], field="uscc") from None


def clean_code(text: str) -> str:
    """Six ASCII digits (full-width ones accepted), else an ActionError on "code"."""
    text = "" if text is None else str(text)
    if forbidden_character(text) is not None or len(text) > 100:
        raise ActionError(CODE_FORMAT, field="code")
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and c != "-")
    if not text:
        raise ActionError("请填写短信中的验证码。", field="code")
    if len(text) != CODE_DIGITS or not text.isascii() or not text.isdigit():
        raise ActionError(CODE_FORMAT, field="code")
    return text


def new_login_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def _digest(salt: str, entity_pk: int, code: str) -> str:
    return salted_hmac("minsheng.enterprises.login-code", f"{salt}:{entity_pk}:{code}", algorithm="sha256").hexdigest()


def hash_login_code(entity_pk: int, code: str) -> str:
    """"salt$hmac": a random salt of its own for each code."""
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, entity_pk, code)}"


def login_code_matches(stored: str, entity_pk: int, code: str) -> bool:
    salt, _, digest = (stored or "").partition("$")
    return constant_time_compare(digest, _digest(salt, entity_pk, code))


# --- sending ---------------------------------------------------------------------------------

def _resend_wait(uscc: str) -> int:
    """Seconds before a code may be texted for this 统一社会信用代码 again (0: now, and the
    interval starts). Kept in the shared cache under the code, whether or not a firm has it (see
    do_send_login_code); the time is stored with it, so a clock that jumps is read right."""
    key = f"firm-code-resend:{uscc}"
    moment = clock.now().timestamp()
    try:
        if cache.add(key, moment, RESEND_SECONDS):
            return 0
        sent_at = cache.get(key)
        if sent_at is None or moment - float(sent_at) >= RESEND_SECONDS:
            cache.set(key, moment, RESEND_SECONDS)
            return 0
        return max(1, int(RESEND_SECONDS - (moment - float(sent_at)) + 0.999))
    except Exception:  # the shared cache is down: refuse, like core/ratelimit.py
        logger.exception("firm login: the shared cache cannot be reached")
        return RESEND_SECONDS


def do_send_login_code(uscc_text: str, *, client_address: str | None) -> str:
    """Text a login code to the contact phone the registry holds for the firm with this
    统一社会信用代码, and return what the page says.

    The answer is the same sentence (SENT) for a code no firm has, a firm that is closed, a
    firm without a contact phone, and a firm whose phone was just texted; and the limits count
    the code itself (normalised), not the firm, so they too answer alike. A 统一社会信用代码 is
    public (printed on the business licence, listed by the national credit system), so anyone
    may ask: an answer that differed, or that showed the phone's last four digits, would tell a
    stranger which firms are registered here, which have a contact phone, and part of the
    contact's personal number, one request each. The real contact loses little without the
    tail: the SMS says who sent it, and SENT says whom to ask when nothing arrives. (Format
    errors do differ: the check character is public arithmetic.)
    """
    uscc = clean_uscc(uscc_text)
    address = address_group(client_address)
    counters = [("firm-code-firm", uscc), ("firm-code-address", address)]
    if any(ratelimit.peek(group, value, **SENDS[group]).exhausted for group, value in counters):
        raise ActionError(TOO_MANY_SENDS, field="uscc")
    wait = _resend_wait(uscc)
    if wait:
        raise ActionError(WAIT.format(seconds=wait), field="uscc")
    if any([ratelimit.hit(group, value, **SENDS[group]).exceeded for group, value in counters]):  # both counted
        raise ActionError(TOO_MANY_SENDS, field="uscc")
    _send(uscc, client_address)
    return SENT


@transaction.atomic
def _send(uscc: str, client_address: str | None) -> None:
    entity = Entity.objects.select_for_update().filter(uscc=uscc).first()
    if entity is None or entity.status != EntityStatus.ACTIVE or not entity.contact_phone:
        return
    now = clock.now()
    # One live code a firm: the new one retires the old.
    LoginCode.objects.filter(entity=entity, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = new_login_code()
    LoginCode.objects.create(entity=entity, phone=entity.contact_phone, code_hash=hash_login_code(entity.pk, code),
                             created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES))
    Notification.objects.create(
        channel="sms", recipient_address=entity.contact_phone, subject=SMS_SUBJECT,
        body=sms_text(f"您的企业登录验证码为{code}，{CODE_MINUTES}分钟内有效。如非本人操作请忽略。"),
        next_attempt_at=now, created_at=now,
    )
    write_event(EventKind.LOGIN_CODE_SENT, actor=None, entity=entity, note=f"登录验证码已发送至{entity.masked_phone}",
                data={"address": client_address or ""})


# --- verifying -------------------------------------------------------------------------------

def _failure_counters(uscc: str, client_address: str | None) -> list[tuple[str, str]]:
    address = address_group(client_address)
    return [("firm-login-address", address), ("firm-login-firm", uscc), ("firm-login-pair", f"{address}|{uscc}")]


def _refused(counters: list[tuple[str, str]]) -> str:
    """Count this try as a failure before making it, or say why it may not be made (the tracking
    page's rule, cases/views/public.py: the address by its own failures; a firm under attack
    only for the addresses that already failed on it)."""
    (_, address), (_, uscc), (_, pair) = counters
    if ratelimit.peek("firm-login-address", address, **FAILURES["firm-login-address"]).exhausted:
        return TOO_MANY_FROM_HERE
    if ratelimit.peek("firm-login-firm", uscc, **FAILURES["firm-login-firm"]).exhausted:
        if ratelimit.peek("firm-login-pair", pair, **FAILURES["firm-login-pair"]).count > 0:
            return TOO_MANY_ON_FIRM
    usages = {group: ratelimit.hit(group, value, **FAILURES[group]) for group, value in counters}
    if usages["firm-login-address"].exceeded:
        return TOO_MANY_FROM_HERE
    return ""


def do_verify_login_code(uscc_text: str, code: str, *, client_address: str | None) -> Entity:
    """The firm whose live code this is, its code now used; else an ActionError on "code" with
    one message for a wrong, expired, used, burned or never-sent code (or an unknown firm)."""
    uscc = clean_uscc(uscc_text)
    code = clean_code(code)
    counters = _failure_counters(uscc, client_address)
    refusal = _refused(counters)
    if refusal:
        raise ActionError(refusal, field="code")
    # The wrong try's count must outlive the refusal: the check commits, then the error is raised.
    entity = _check(uscc, code, client_address)
    if entity is None:
        raise ActionError(WRONG_CODE, field="code")
    for group, value in counters:
        ratelimit.refund(group, value, period=FAILURES[group]["period"])
    return entity


@transaction.atomic
def _check(uscc: str, code: str, client_address: str | None) -> Entity | None:
    """The firm, its live code matched and used (one event); None, its live code's wrong tries counted."""
    now = clock.now()
    entity = Entity.objects.filter(uscc=uscc, status=EntityStatus.ACTIVE).first()
    live = None
    if entity is not None:
        live = (LoginCode.objects.select_for_update()
                .filter(entity=entity, used_at__isnull=True, expires_at__gt=now, attempts__lt=MAX_ATTEMPTS)
                .order_by("-created_at", "-pk").first())
    if live is None:
        login_code_matches("0$", 0, code)  # the same work as a real comparison
        return None
    if not login_code_matches(live.code_hash, entity.pk, code):
        live.attempts += 1  # the fifth wrong try burns it
        live.save(update_fields=["attempts"])
        return None
    live.used_at = now
    live.save(update_fields=["used_at"])
    write_event(EventKind.FIRM_LOGIN, actor=None, entity=entity, note=f"{entity.name}的联系人以短信验证码登录",
                data={"address": client_address or ""})
    return entity
