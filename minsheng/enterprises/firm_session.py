"""A firm's session on the enterprise side, kept apart from staff accounts.

A firm is not a user: its login (actions/firm_login.py) puts the entity's id and the login time
in the Django session under FIRM_KEY, nothing in request.user. A staff member signed in on the
same browser is signed out first, so one session is never both; and a staff session, however
senior, is never a firm's (firm_required looks at FIRM_KEY only). The session ends after
IDLE_SECONDS without a request, at logout, or once the firm is closed in the registry.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from minsheng.enterprises.models import Entity, EntityStatus

FIRM_KEY = "enterprise_firm"
IDLE_SECONDS = 2 * 3600
# How stale the "last seen" time may get before a request writes the session again.
TOUCH_SECONDS = 60


def log_in_firm(request, entity: Entity) -> None:
    """Make this browser's session the firm's, under a new session key (no fixation)."""
    if request.user.is_authenticated:
        auth_logout(request)  # flushes the session: a new key, nothing of the staff member's left
    else:
        request.session.cycle_key()
    now = time.time()
    request.session[FIRM_KEY] = {"entity": entity.pk, "at": now, "seen": now}
    request.session.set_expiry(IDLE_SECONDS)


def log_out_firm(request) -> None:
    request.session.flush()


def current_firm(request) -> Entity | None:
    """The firm this session is logged in as, or None (never logged in, idle too long, closed)."""
    data = request.session.get(FIRM_KEY)
    if not isinstance(data, dict):
        return None
    now = time.time()
    seen = data.get("seen")
    if not isinstance(seen, (int, float)) or not 0 <= now - seen <= IDLE_SECONDS:
        request.session.pop(FIRM_KEY, None)
        return None
    pk = data.get("entity")
    entity = (Entity.objects.select_related("region").filter(pk=pk, status=EntityStatus.ACTIVE).first()
              if isinstance(pk, int) else None)
    if entity is None:
        request.session.pop(FIRM_KEY, None)
        return None
    if now - seen >= TOUCH_SECONDS:
        request.session[FIRM_KEY] = {**data, "seen": now}  # a save, which also renews the cookie's expiry
    return entity


def safe_next(request, default: str) -> str:
    """Where to go after logging in: a page of the firm side on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (target.startswith(reverse("enterprises:firm-home")) and ".." not in target and "\\" not in target
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        return target
    return default


def firm_required(view):
    """The view runs for a logged-in firm only (as request.firm); anyone else is sent to log in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        firm = current_firm(request)
        if firm is None:
            login = reverse("enterprises:firm-login")
            if request.method == "GET":
                return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            return redirect(login)
        request.firm = firm
        return view(request, *args, **kwargs)

    return wrapper
