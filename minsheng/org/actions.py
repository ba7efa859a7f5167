"""Changes to the organisation's registers. Each is atomic and writes one OrgEvent."""

from datetime import date

from django.db import transaction

from minsheng.core import reference
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.org import workdays
from minsheng.org.access import in_jurisdiction
from minsheng.org.models import CalendarDay, CalendarYear, OrgEvent, Role, StaffRole, User


def _check_administrator(actor: User | None) -> None:
    if actor is not None and not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
        raise NotAllowed("只有管理员可以修改工作日历、人员角色和登录设置。")


def _check_administrator_of(actor: User | None, user: User) -> None:
    """An administrator of the staff member's own jurisdiction (a county's for its staff, the
    city's for all); a superuser's sign-in only by another superuser."""
    _check_administrator(actor)
    if actor is None or actor.is_superuser:
        return
    if user.is_superuser or user.department is None or not in_jurisdiction(actor, user.department.region):
        raise NotAllowed("只能管理本辖区工作人员的登录设置；超级管理员的由其他超级管理员管理。")


def _calendar_changed() -> None:
    # Now, so this transaction's own later deadlines see the change; after commit, every
    # process (the calendar copies are shared reference data: core/reference.py).
    workdays.clear_cache()
    transaction.on_commit(reference.changed)


@transaction.atomic
def do_import_calendar_year(
    year: int,
    days: dict[date, tuple[bool, str]],
    *,
    source: str = "",
    neighbouring: dict[date, tuple[bool, str]] | None = None,
    actor: User | None,
) -> CalendarYear:
    """Replace one year's holidays and make-up working days with those of an official schedule.

    `days` maps each date that differs from an ordinary week to (is_working_day, name).
    `neighbouring`: days of the same notice in the year before or after (a 元旦 holiday from
    30 December, a make-up Saturday on the 29th): kept as single-day rows of that year, which
    does not thereby become an imported year."""
    neighbouring = neighbouring or {}
    _check_administrator(actor)
    wrong_year = sorted(day for day in days if day.year != year)
    if wrong_year:
        raise ActionError(f"{wrong_year[0]:%Y-%m-%d}不在{year}年内，一次只能导入一个年度。", field="file")
    if not any(not is_working for is_working, _name in days.values()):
        raise ActionError(f"{year}年的安排中没有任何放假日期，请检查文件。", field="file")
    for day, (is_working, _name) in days.items():
        if is_working and day.weekday() < 5:
            raise ActionError(f"{day:%Y-%m-%d}是周一至周五，本来就是工作日，不能标为调休上班。", field="file")
    outside = sorted(day for day in neighbouring if abs(day.year - year) != 1)
    if outside:
        raise ActionError(f"{outside[0]:%Y-%m-%d}既不在{year}年，也不在相邻年度。", field="file")
    for day, (is_working, name) in neighbouring.items():
        CalendarDay.objects.update_or_create(date=day, defaults={"is_working_day": is_working, "name": name[:30]})
    replaced = CalendarDay.objects.filter(date__year=year).count()
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_working_day=is_working, name=name[:30]) for day, (is_working, name) in sorted(days.items())
    )
    calendar_year, _created = CalendarYear.objects.update_or_create(year=year, defaults={"source": source[:200]})
    OrgEvent.objects.create(
        kind="calendar_imported",
        subject=f"{year}年工作日历",
        actor=actor,
        note=source,
        data={
            "year": year,
            "holidays": sum(1 for is_working, _n in days.values() if not is_working),
            "workdays": sum(1 for is_working, _n in days.values() if is_working),
            "replaced_rows": replaced,
            "neighbouring_days": sorted(day.isoformat() for day in neighbouring),
        },
    )
    _calendar_changed()
    return calendar_year


@transaction.atomic
def do_set_calendar_day(day: date, *, is_working_day: bool, name: str, actor: User | None) -> CalendarDay:
    """Mark one date as a holiday or a make-up working day, overriding both the library and an import."""
    _check_administrator(actor)
    old = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = None if old is None else {"is_working_day": old.is_working_day, "name": old.name}
    calendar_day, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_working_day": is_working_day, "name": name[:30]}
    )
    OrgEvent.objects.create(
        kind="calendar_day_set",
        subject=f"{day:%Y-%m-%d}",
        actor=actor,
        data={"old": before, "new": {"is_working_day": is_working_day, "name": name}},
    )
    _calendar_changed()
    return calendar_day


@transaction.atomic
def do_remove_calendar_day(calendar_day: CalendarDay, *, actor: User | None) -> None:
    _check_administrator(actor)
    OrgEvent.objects.create(
        kind="calendar_day_removed",
        subject=f"{calendar_day.date:%Y-%m-%d}",
        actor=actor,
        data={"old": {"is_working_day": calendar_day.is_working_day, "name": calendar_day.name}},
    )
    calendar_day.delete()
    _calendar_changed()


@transaction.atomic
def do_set_roles(user: User, roles: set[str], *, actor: User | None) -> None:
    _check_administrator(actor)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ActionError(f"未知的角色：{'、'.join(sorted(unknown))}。", field="roles")
    user = User.objects.select_for_update().get(pk=user.pk)
    if roles and user.department_id is None:
        # Every role works within its unit's jurisdiction; without a unit it would see nothing
        # (or, through a query that forgot to check, everything).
        raise ActionError("有角色的工作人员必须先选择所属部门。", field="department")
    old = set(user.role_grants.values_list("role", flat=True))
    if old == set(roles):
        return
    StaffRole.objects.filter(user=user).exclude(role__in=roles).delete()
    StaffRole.objects.bulk_create(StaffRole(user=user, role=role) for role in sorted(set(roles) - old))
    OrgEvent.objects.create(
        kind="roles_changed",
        subject=user.username,
        actor=actor,
        data={"old": sorted(old), "new": sorted(roles)},
    )


# --- keys for other systems and staff tokens ---------------------------------------------------

def _new_secret() -> tuple[str, str, str]:
    import hashlib
    import secrets

    secret = secrets.token_urlsafe(32)
    return secret, secret[:8], hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_create_api_client(
    name: str, *, region, channel: str = "api", requests_per_minute: int = 600, actor: User | None
):
    """Returns (client, key). The key is never stored, only its digest: show it once."""
    from minsheng.org.models import ApiClient

    _check_administrator(actor)
    name = (name or "").strip()
    if not name:
        raise ActionError("请填写系统名称。", field="name")
    if channel not in dict(ApiClient.CHANNELS):
        raise ActionError(f"渠道应为{'、'.join(dict(ApiClient.CHANNELS))}之一。", field="channel")
    if requests_per_minute < 1:
        raise ActionError("每分钟请求上限至少为1。", field="requests_per_minute")
    key, prefix, digest = _new_secret()
    client = ApiClient.objects.create(
        name=name[:60], key_prefix=prefix, key_hash=digest, channel=channel, region=region,
        requests_per_minute=requests_per_minute,
    )
    OrgEvent.objects.create(
        kind="api_client_created", subject=str(client), actor=actor,
        data={"region": region.code, "channel": channel, "requests_per_minute": requests_per_minute},
    )
    return client, key


@transaction.atomic
def do_revoke_api_client(client, *, actor: User | None) -> None:
    from django.utils import timezone

    from minsheng.org.models import ApiClient

    _check_administrator(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    OrgEvent.objects.create(kind="api_client_revoked", subject=str(client), actor=actor)


@transaction.atomic
def do_create_access_token(user: User, name: str, *, actor: User | None):
    """Returns (token row, secret). Staff create their own; administrators anyone's."""
    from minsheng.org.models import AccessToken

    if actor is not None and actor.pk != user.pk:
        _check_administrator(actor)
    key, prefix, digest = _new_secret()
    token = AccessToken.objects.create(user=user, name=(name or "接口访问")[:60], key_prefix=prefix, key_hash=digest)
    OrgEvent.objects.create(kind="access_token_created", subject=f"{user.username}:{prefix}", actor=actor)
    return token, key


# --- sign-in: lockouts and the second factor -----------------------------------------------


@transaction.atomic
def do_unlock_login(user: User, *, actor: User | None) -> int:
    """Lift the lockout repeated wrong passwords put on this account (from every address)."""
    from axes.utils import reset

    _check_administrator_of(actor, user)
    cleared = reset(username=user.username)
    OrgEvent.objects.create(kind="login_unlocked", subject=user.username, actor=actor, data={"attempts_cleared": cleared})
    return cleared


@transaction.atomic
def do_offer_two_factor_secret(user: User, *, actor: User):
    """A new TOTP secret for the binding page, replacing any offered before (someone else may
    have seen that one). Nothing is bound yet, so nothing is recorded: the binding is, by
    do_confirm_two_factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor.pk != user.pk:
        raise NotAllowed("只能为自己的账号绑定身份验证器。")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def do_confirm_two_factor(device, *, actor: User) -> None:
    """The staff member proved the authenticator app works: its device now guards the sign-in."""
    if actor.pk != device.user_id:
        raise NotAllowed("只能为自己的账号绑定身份验证器。")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per account: older ones, confirmed or not, are gone.
    type(device).objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    OrgEvent.objects.create(kind="two_factor_enabled", subject=actor.username, actor=actor)


@transaction.atomic
def do_reset_two_factor(user: User, *, actor: User | None) -> None:
    """Remove the account's authenticator: the staff member for themself (unless it is required
    of them), or an administrator for a lost phone (they bind a new one at the next sign-in)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from minsheng.org.access import needs_two_factor

    if actor is not None and actor.pk == user.pk:
        if needs_two_factor(user):
            raise NotAllowed("管理员必须使用两步验证；更换手机请联系其他管理员重置。")
    else:
        _check_administrator_of(actor, user)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    OrgEvent.objects.create(kind="two_factor_reset", subject=user.username, actor=actor, data={"devices_removed": removed})
